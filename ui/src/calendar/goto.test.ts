import { describe, expect, it } from "vitest";
import { parseDay } from "./goto";

describe("parseDay", () => {
  it("takes real dates in year-month-day form", () => {
    expect(parseDay("2026-12-24")).toBe("2026-12-24");
    expect(parseDay(" 2028-02-29 ")).toBe("2028-02-29");
  });

  it("refuses anything else", () => {
    for (const bad of ["", "2026-02-30", "2026-13-01", "24.12.2026", "2026-12-24T10:00"]) {
      expect(parseDay(bad)).toBeNull();
    }
  });
});
