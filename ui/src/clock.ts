/**
 * The display zone's clock as the calendar shows it: "today" and the now-line follow the zone
 * the shell says (the system's, or the user's override), move at midnight while the window stays
 * open, and follow a pinned app clock (a test's) to its day.
 */
import { setClockSkew, wallClockIn } from "./calendar/zone";

/** The part of the calendar the clock moves. */
export interface Dated {
  setOption(name: "now", value: () => string): void;
  today(): void;
}

export interface DisplayClock {
  /** The display zone (IANA). */
  zone: () => string;
  /** Adopts the zone and clock skew of an overview. */
  adopt: (zone: string, skewMs: number) => void;
  /** Looks at the clock (once a minute): a new day moves "today". */
  tick: () => void;
}

/** Seams for tests: the wall clock in a zone, and adopting the app clock's skew (says whether
 * it changed). */
export interface Clockwork {
  wallClock(zone: string): string;
  setSkew(ms: number): boolean;
}

const real: Clockwork = { wallClock: (zone) => wallClockIn(zone), setSkew: setClockSkew };

/** A clock starting in `zone`; `calendar` is asked for only once the clock moves. */
export function displayClock(zone: string, calendar: () => Dated, clockwork: Clockwork = real): DisplayClock {
  const now = (): string => clockwork.wallClock(zone);
  let today = now().slice(0, 10);
  return {
    zone: () => zone,
    adopt: (next, skewMs) => {
      const skewed = clockwork.setSkew(skewMs);
      if (next === zone && !skewed) return;
      zone = next;
      today = now().slice(0, 10);
      calendar().setOption("now", now);
      // A pinned clock first known after the calendar was drawn (main.ts adopts the first
      // overview before): the view opened on this machine's today.
      if (skewed) calendar().today();
    },
    tick: () => {
      const day = now().slice(0, 10);
      if (day === today) return;
      today = day;
      calendar().setOption("now", now);
    },
  };
}
