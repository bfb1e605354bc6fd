import { describe, expect, it, vi } from "vitest";
import { type Clockwork, displayClock } from "./clock";

/** A calendar that records what the clock did to it, and a clock the test moves by hand. */
function setUp(start: Record<string, string>) {
  const walls = { ...start };
  const clockwork: Clockwork & { skew: number } = {
    skew: 0,
    wallClock: (zone: string) => walls[zone] ?? "1970-01-01T00:00:00",
    setSkew(ms: number) {
      if (ms === clockwork.skew) return false;
      clockwork.skew = ms;
      return true;
    },
  };
  return { calendar: { setOption: vi.fn(), today: vi.fn() }, walls, clockwork };
}

describe("displayClock", () => {
  it("moves today at midnight of the display zone, once", () => {
    const { calendar, walls, clockwork } = setUp({ "Europe/Berlin": "2026-03-01T23:59:00" });
    const clock = displayClock("Europe/Berlin", () => calendar, clockwork);
    clock.tick();
    expect(calendar.setOption).not.toHaveBeenCalled();
    walls["Europe/Berlin"] = "2026-03-02T00:00:30";
    clock.tick();
    clock.tick();
    expect(calendar.setOption).toHaveBeenCalledTimes(1);
    const [name, now] = calendar.setOption.mock.calls[0] as [string, () => string];
    expect(name).toBe("now");
    expect(now()).toBe("2026-03-02T00:00:30");
  });

  it("follows a new display zone, and its day", () => {
    const { calendar, walls, clockwork } = setUp({ UTC: "2026-03-01T23:30:00", "Asia/Tokyo": "2026-03-02T08:30:00" });
    const clock = displayClock("UTC", () => calendar, clockwork);
    clock.adopt("UTC", 0);
    expect(calendar.setOption).not.toHaveBeenCalled();
    clock.adopt("Asia/Tokyo", 0);
    expect(clock.zone()).toBe("Asia/Tokyo");
    const [, now] = calendar.setOption.mock.calls[0] as [string, () => string];
    expect(now()).toBe("2026-03-02T08:30:00");
    expect(calendar.today).not.toHaveBeenCalled();
    // Midnight in the zone no longer shown moves nothing.
    walls["UTC"] = "2026-03-02T00:00:10";
    clock.tick();
    expect(calendar.setOption).toHaveBeenCalledTimes(1);
  });

  it("goes to the day of a pinned app clock when it is first told", () => {
    const { calendar, clockwork } = setUp({ UTC: "2026-12-01T09:00:00" });
    const clock = displayClock("UTC", () => calendar, clockwork);
    clock.adopt("UTC", 86_400_000);
    expect(calendar.setOption).toHaveBeenCalledTimes(1);
    expect(calendar.today).toHaveBeenCalledTimes(1);
    clock.adopt("UTC", 86_400_000);
    expect(calendar.today).toHaveBeenCalledTimes(1);
  });
});
