/**
 * Alerts as the editor offers them: presets (as Apple Calendar lists them) and a custom time
 * before the start. An alert is minutes before the start; for an all-day event, minutes before
 * 00:00 of its day, so "1 day before at 9 AM" is 900 and "on the day at 9 AM" is -540.
 */
import { clockText } from "./layout";

const HOUR = 60;
const DAY = 1440;

/** The preset minutes for timed events, in the order the select lists them. */
export const TIMED_PRESETS: readonly number[] = [0, 5, 10, 15, 30, HOUR, 2 * HOUR, DAY, 2 * DAY, 7 * DAY];

/** The preset minutes for all-day events: at 9 AM on the day, 1 and 2 days and a week before. */
export const ALL_DAY_PRESETS: readonly number[] = [-9 * HOUR, DAY - 9 * HOUR, 2 * DAY - 9 * HOUR, 7 * DAY - 9 * HOUR];

/** The presets for an event's kind. */
export function presetsFor(allDay: boolean): readonly number[] {
  return allDay ? ALL_DAY_PRESETS : TIMED_PRESETS;
}

function count(n: number, one: string, many: string): string {
  return n === 1 ? `1 ${one}` : `${String(n)} ${many}`;
}

/** A span of minutes in the largest whole unit: "1 hour", "90 minutes", "2 days". */
function span(minutes: number): string {
  if (minutes % DAY === 0) return minutes === 7 * DAY ? "1 week" : count(minutes / DAY, "day", "days");
  if (minutes % HOUR === 0) return count(minutes / HOUR, "hour", "hours");
  return count(minutes, "minute", "minutes");
}

/** An alert in words: "15 minutes before", "At the start", "1 day before at 9 AM". */
export function alertWords(minutes: number, allDay: boolean, locale: string, hour12: boolean): string {
  if (!allDay) {
    if (minutes === 0) return "At the start";
    return minutes > 0 ? `${span(minutes)} before` : `${span(-minutes)} after the start`;
  }
  // Whole days before the day, and the time of day the alert comes at.
  const days = Math.ceil(minutes / DAY);
  const at = days * DAY - minutes;
  const time = clockText(`2000-01-01T${String(Math.floor(at / HOUR)).padStart(2, "0")}:${String(at % HOUR).padStart(2, "0")}:00`, locale, hour12);
  if (days === 0) return `On the day at ${time}`;
  if (days < 0) return `${count(-days, "day", "days")} after at ${time}`;
  return `${days === 7 ? "1 week" : count(days, "day", "days")} before at ${time}`;
}

/** The units a custom alert counts in. */
export type AlertUnit = "minutes" | "hours" | "days";
const UNIT_MINUTES: Record<AlertUnit, number> = { minutes: 1, hours: HOUR, days: DAY };

/** A custom timed alert: `amount` units before the start; `null` when the amount is not a whole
 * number from 0 to a year's worth. */
export function customTimed(amount: number, unit: AlertUnit): number | null {
  const minutes = amount * UNIT_MINUTES[unit];
  return Number.isInteger(amount) && amount >= 0 && minutes <= 366 * DAY ? minutes : null;
}

/** A custom all-day alert: `days` before the day, at `time` (`HH:MM`); `null` when unusable. */
export function customAllDay(days: number, time: string): number | null {
  const match = /^(\d{2}):(\d{2})$/.exec(time);
  if (!match || !Number.isInteger(days) || days < 0 || days > 366) return null;
  return days * DAY - (Number(match[1]) * HOUR + Number(match[2]));
}

/** A custom amount and unit that show `minutes` (the largest whole unit). */
export function splitMinutes(minutes: number): { amount: number; unit: AlertUnit } {
  if (minutes !== 0 && minutes % DAY === 0) return { amount: minutes / DAY, unit: "days" };
  if (minutes !== 0 && minutes % HOUR === 0) return { amount: minutes / HOUR, unit: "hours" };
  return { amount: minutes, unit: "minutes" };
}

/** The days before and the time of day an all-day alert stands for. */
export function splitAllDay(minutes: number): { days: number; time: string } {
  const days = Math.max(0, Math.ceil(minutes / DAY));
  const at = Math.min(DAY - 1, Math.max(0, days * DAY - minutes));
  return { days, time: `${String(Math.floor(at / HOUR)).padStart(2, "0")}:${String(at % HOUR).padStart(2, "0")}` };
}
