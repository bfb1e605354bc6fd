import { describe, expect, it } from "vitest";
import { formatInstant, formatSpan, wallDate } from "./format";

describe("wallDate", () => {
  it("reads offset-less strings as the wall clock they are", () => {
    expect(wallDate("2026-12-01T10:00:00").toISOString()).toBe("2026-12-01T10:00:00.000Z");
    expect(wallDate("2026-12-24").toISOString()).toBe("2026-12-24T00:00:00.000Z");
  });
});

describe("formatSpan", () => {
  it("says a one-day all-day event is all day on its date", () => {
    expect(formatSpan("2026-12-24", "2026-12-25", true, "en-GB")).toMatch(/^Thursday,? 24 December 2026 \(all day\)$/);
  });

  it("gives multi-day all-day events their last day, not the exclusive end", () => {
    const text = formatSpan("2026-12-24", "2026-12-27", true, "en-GB");
    expect(text).toMatch(/^Thursday,? 24(\sDecember)?\s*–\s*Saturday,? 26 December 2026 \(all day, 3 days\)$/);
  });

  it("shows timed events on the clock given, with the locale's hours", () => {
    const us = formatSpan("2026-12-01T10:00:00", "2026-12-01T11:00:00", false, "en-US");
    expect(us).toMatch(/Tuesday, December 1, 2026/);
    expect(us).toMatch(/10:00\s*–\s*11:00\s*AM/);
    expect(formatSpan("2026-12-01T10:00:00", "2026-12-01T11:00:00", false, "de-DE")).toMatch(/10:00–11:00/);
  });

  it("names both days of a timed event that spans days", () => {
    const text = formatSpan("2026-12-01T22:00:00", "2026-12-03T09:00:00", false, "en-GB");
    expect(text).toContain("1 December");
    expect(text).toContain("3 December");
  });
});

describe("formatInstant", () => {
  it("shows an instant on the display zone's clock", () => {
    expect(formatInstant("2026-11-20T08:00:00Z", "America/Los_Angeles", "en-GB")).toBe("20 Nov 2026, 00:00");
  });
});
