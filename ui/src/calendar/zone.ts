/**
 * The display zone's wall clock. The shell sends and takes times as offset-less wall-clock
 * strings in the display zone (the system's, or the user's override), and the calendar shows
 * them as given (FullCalendar's `timeZone: "UTC"`). So "now" must be that zone's wall clock too,
 * or today and the now-line would be off by the zone's offset.
 */

const formats = new Map<string, Intl.DateTimeFormat>();

function formatFor(zone: string): Intl.DateTimeFormat {
  let format = formats.get(zone);
  if (!format) {
    const options: Intl.DateTimeFormatOptions = {
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      hourCycle: "h23",
    };
    try {
      format = new Intl.DateTimeFormat("en-US", { ...options, timeZone: zone });
    } catch {
      // A zone this engine does not know: the system's clock is the closest truth.
      format = new Intl.DateTimeFormat("en-US", options);
    }
    formats.set(zone, format);
  }
  return format;
}

/** How far the app's clock runs ahead of this machine's, in milliseconds (the shell says so with
 * each overview): zero, unless a test pinned the app's clock to another day. */
let clockSkew = 0;

/** Adopts the shell's clock skew; says whether it changed. */
export function setClockSkew(ms: number): boolean {
  if (ms === clockSkew) return false;
  clockSkew = ms;
  return true;
}

/** Now, on the app's clock. */
export function appNow(): Date {
  return new Date(Date.now() + clockSkew);
}

/** The wall clock in `zone` at `instant` (default: now on the app's clock), as
 * `YYYY-MM-DDTHH:MM:SS`. */
export function wallClockIn(zone: string, instant: Date = appNow()): string {
  const parts = formatFor(zone).formatToParts(instant);
  const part = (type: Intl.DateTimeFormatPartTypes): string => parts.find((p) => p.type === type)?.value ?? "00";
  return `${part("year")}-${part("month")}-${part("day")}T${part("hour")}:${part("minute")}:${part("second")}`;
}

/** The system's IANA zone, as the webview reports it. */
export function systemZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** Every IANA zone the engine knows, for the override select; empty where unsupported. */
export function knownZones(): string[] {
  try {
    return Intl.supportedValuesOf("timeZone");
  } catch {
    // Engines before 2022 lack it; the override then offers what it already holds.
    return [];
  }
}

/** A zone's name for people: "America/Los_Angeles" → "America/Los Angeles". */
export function zoneLabel(zone: string): string {
  return zone.replaceAll("_", " ");
}
