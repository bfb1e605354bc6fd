import { describe, expect, it } from "vitest";
import { ALL_DAY_PRESETS, alertWords, customAllDay, customTimed, splitAllDay, splitMinutes } from "./alerts";

describe("alerts in words", () => {
  it("says timed alerts in the largest whole unit", () => {
    expect(alertWords(0, false, "en-US", true)).toBe("At the start");
    expect(alertWords(15, false, "en-US", true)).toBe("15 minutes before");
    expect(alertWords(60, false, "en-US", true)).toBe("1 hour before");
    expect(alertWords(90, false, "en-US", true)).toBe("90 minutes before");
    expect(alertWords(2880, false, "en-US", true)).toBe("2 days before");
    expect(alertWords(10080, false, "en-US", true)).toBe("1 week before");
  });

  it("says all-day alerts as a day and a time, on the person's clock", () => {
    expect(ALL_DAY_PRESETS.map((m) => alertWords(m, true, "en-US", true))).toEqual([
      "On the day at 9 AM",
      "1 day before at 9 AM",
      "2 days before at 9 AM",
      "1 week before at 9 AM",
    ]);
    // Apple's "1 day before at 9 AM" is TRIGGER:-PT15H: 900 minutes before midnight.
    expect(alertWords(900, true, "en-GB", false)).toBe("1 day before at 9:00");
    expect(alertWords(540, true, "en-US", true)).toBe("1 day before at 3 PM");
  });
});

describe("custom alerts", () => {
  it("turns amounts into minutes, refusing what is not a whole number", () => {
    expect(customTimed(2, "hours")).toBe(120);
    expect(customTimed(0, "minutes")).toBe(0);
    expect(customTimed(-1, "minutes")).toBeNull();
    expect(customTimed(1.5, "days")).toBeNull();
    expect(customTimed(Number.NaN, "days")).toBeNull();
    expect(customAllDay(1, "09:00")).toBe(900);
    expect(customAllDay(0, "08:30")).toBe(-510);
    expect(customAllDay(1, "")).toBeNull();
  });

  it("splits minutes back into what the fields show", () => {
    expect(splitMinutes(120)).toEqual({ amount: 2, unit: "hours" });
    expect(splitMinutes(2880)).toEqual({ amount: 2, unit: "days" });
    expect(splitMinutes(45)).toEqual({ amount: 45, unit: "minutes" });
    expect(splitAllDay(900)).toEqual({ days: 1, time: "09:00" });
    expect(splitAllDay(-540)).toEqual({ days: 0, time: "09:00" });
  });
});
