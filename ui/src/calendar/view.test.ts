import { describe, expect, it } from "vitest";
import { firstDayOfWeek, uses12HourClock } from "./view";

describe("locale conventions", () => {
  it("starts the week where the locale does", () => {
    expect(firstDayOfWeek("de-DE")).toBe(1);
    expect(firstDayOfWeek("en-US")).toBe(0);
  });

  it("uses the locale's clock", () => {
    expect(uses12HourClock("en-US")).toBe(true);
    expect(uses12HourClock("de-DE")).toBe(false);
  });
});
