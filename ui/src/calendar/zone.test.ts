import { describe, expect, it } from "vitest";
import { knownZones, wallClockIn, zoneLabel } from "./zone";

describe("wallClockIn", () => {
  const instant = new Date("2026-11-21T23:30:05Z");

  it("gives the zone's wall clock without an offset", () => {
    expect(wallClockIn("UTC", instant)).toBe("2026-11-21T23:30:05");
    expect(wallClockIn("Europe/Berlin", instant)).toBe("2026-11-22T00:30:05");
    expect(wallClockIn("America/Los_Angeles", instant)).toBe("2026-11-21T15:30:05");
  });

  it("writes midnight as 00, never 24", () => {
    expect(wallClockIn("UTC", new Date("2026-11-22T00:00:00Z"))).toBe("2026-11-22T00:00:00");
  });

  it("falls back to the system clock for a zone it does not know", () => {
    expect(wallClockIn("Nowhere/Atlantis", instant)).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
  });
});

describe("zones", () => {
  it("lists the engine's zones and names them for people", () => {
    expect(knownZones()).toContain("Europe/Berlin");
    expect(zoneLabel("America/Los_Angeles")).toBe("America/Los Angeles");
  });
});
