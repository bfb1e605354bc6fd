/**
 * Wall-clock arithmetic on the strings the shell takes: `YYYY-MM-DD` and `YYYY-MM-DDTHH:MM:SS`.
 * They name a clock reading in some zone, not an instant, so they are read as if UTC and
 * computed in UTC: adding a day never meets a DST change here (the shell resolves the zone).
 */

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** A wall-clock string as a `Date` whose UTC fields are that clock reading. */
export function wallDate(text: string): Date {
  return new Date(text.length === 10 ? `${text}T00:00:00Z` : `${text.slice(0, 19)}${text.length === 16 ? ":00" : ""}Z`);
}

/** Whether `text` is a real calendar day in `YYYY-MM-DD` form. */
export function isDay(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const date = wallDate(text);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}

/** Whether `text` is a time of day in `HH:MM` (or `HH:MM:SS`) form. */
export function isTime(text: string): boolean {
  return /^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/.test(text);
}

/** The day of a wall-clock string. */
export function dayOf(text: string): string {
  return text.slice(0, 10);
}

/** The time of day (`HH:MM`) of a wall-clock string; midnight for a bare day. */
export function timeOf(text: string): string {
  return text.length > 10 ? text.slice(11, 16) : "00:00";
}

/** A day and a time of day as one wall-clock string with seconds. */
export function joinWall(day: string, time: string): string {
  return `${day}T${time.slice(0, 5)}:00`;
}

/** `day` moved by `days`. */
export function addDays(day: string, days: number): string {
  return new Date(wallDate(day).getTime() + days * DAY_MS).toISOString().slice(0, 10);
}

/** A wall-clock time moved by `minutes`. */
export function addMinutes(wall: string, minutes: number): string {
  return new Date(wallDate(wall).getTime() + minutes * MINUTE_MS).toISOString().slice(0, 19);
}

/** Minutes from `from` to `to` (negative when `to` is earlier). */
export function minutesBetween(from: string, to: string): number {
  return Math.round((wallDate(to).getTime() - wallDate(from).getTime()) / MINUTE_MS);
}

/** Whole days from `from` to `to`. */
export function daysBetween(from: string, to: string): number {
  return Math.round((wallDate(to).getTime() - wallDate(from).getTime()) / DAY_MS);
}

/** iCalendar's weekday codes, Sunday first (as `Date.getUTCDay` counts). */
export const WEEKDAYS = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** The weekday of a day, as iCalendar writes it. */
export function weekdayOf(day: string): Weekday {
  return WEEKDAYS[wallDate(day).getUTCDay()] ?? "MO";
}

/** The next whole hour after a wall-clock time (09:20 → 10:00, 09:00 → 10:00). */
export function nextHour(wall: string): string {
  const date = wallDate(wall);
  date.setUTCMinutes(0, 0, 0);
  return new Date(date.getTime() + 60 * MINUTE_MS).toISOString().slice(0, 19);
}
