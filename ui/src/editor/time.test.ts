import { describe, expect, it } from "vitest";
import { addDays, addMinutes, daysBetween, isDay, isTime, joinWall, minutesBetween, nextHour, timeOf, weekdayOf } from "./time";

describe("wall-clock arithmetic", () => {
  it("checks days and times", () => {
    expect(isDay("2028-02-29")).toBe(true);
    expect(isDay("2027-02-29")).toBe(false);
    expect(isDay("2028-2-9")).toBe(false);
    expect(isTime("23:59")).toBe(true);
    expect(isTime("24:00")).toBe(false);
    expect(isTime("")).toBe(false);
  });

  it("moves days and minutes across months and midnight", () => {
    expect(addDays("2028-02-28", 1)).toBe("2028-02-29");
    expect(addDays("2028-03-01", -1)).toBe("2028-02-29");
    expect(addMinutes("2028-02-29T23:30:00", 45)).toBe("2028-03-01T00:15:00");
    expect(minutesBetween("2028-02-29T09:00:00", "2028-02-29T08:45:00")).toBe(-15);
    expect(daysBetween("2028-02-27", "2028-03-01")).toBe(3);
  });

  it("joins and splits", () => {
    expect(joinWall("2028-02-29", "09:30")).toBe("2028-02-29T09:30:00");
    expect(timeOf("2028-02-29T09:30:00")).toBe("09:30");
    expect(timeOf("2028-02-29")).toBe("00:00");
  });

  it("names weekdays as iCalendar does", () => {
    expect(weekdayOf("2028-02-29")).toBe("TU");
    expect(weekdayOf("2028-03-05")).toBe("SU");
  });

  it("finds the next whole hour", () => {
    expect(nextHour("2028-02-29T09:20:00")).toBe("2028-02-29T10:00:00");
    expect(nextHour("2028-02-29T09:00:00")).toBe("2028-02-29T10:00:00");
    expect(nextHour("2028-02-29T23:10:00")).toBe("2028-03-01T00:00:00");
  });
});
