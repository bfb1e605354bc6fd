/**
 * Times for people. The shell gives offset-less wall-clock strings that are already on the clock
 * they are shown in (the display zone, or the event's own), so they are read as UTC and
 * formatted in UTC: no zone arithmetic happens here.
 */

const DAY_MS = 86_400_000;

/** `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM:SS` as a `Date` whose UTC fields are that wall clock. */
export function wallDate(text: string): Date {
  return new Date(text.length === 10 ? `${text}T00:00:00Z` : `${text}Z`);
}

const DATE: Intl.DateTimeFormatOptions = { timeZone: "UTC", weekday: "long", day: "numeric", month: "long", year: "numeric" };
const DATE_TIME: Intl.DateTimeFormatOptions = { ...DATE, hour: "numeric", minute: "2-digit" };

/**
 * An occurrence's span in words: "Thursday, 24 December 2026 (all day)", a range of days for
 * multi-day all-day events (their end is exclusive), or a time range ("…, 10:00–11:00").
 */
export function formatSpan(start: string, end: string, allDay: boolean, locale: string): string {
  const from = wallDate(start);
  if (allDay) {
    const lastDay = new Date(Math.max(from.getTime(), wallDate(end).getTime() - DAY_MS));
    const format = new Intl.DateTimeFormat(locale, DATE);
    const days = Math.round((lastDay.getTime() - from.getTime()) / DAY_MS) + 1;
    if (days === 1) return `${format.format(from)} (all day)`;
    return `${format.formatRange(from, lastDay)} (all day, ${String(days)} days)`;
  }
  const to = wallDate(end);
  const format = new Intl.DateTimeFormat(locale, DATE_TIME);
  return to.getTime() > from.getTime() ? format.formatRange(from, to) : format.format(from);
}

/** An RFC 3339 instant (the last successful sync) on the display zone's clock. */
export function formatInstant(rfc3339: string, zone: string, locale: string): string {
  const when = new Date(rfc3339);
  const options: Intl.DateTimeFormatOptions = { dateStyle: "medium", timeStyle: "short" };
  try {
    return new Intl.DateTimeFormat(locale, { ...options, timeZone: zone }).format(when);
  } catch {
    return new Intl.DateTimeFormat(locale, options).format(when);
  }
}
