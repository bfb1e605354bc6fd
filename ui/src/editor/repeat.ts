/**
 * Repetition as the editor offers it: the presets people pick most (as Apple and GNOME Calendar
 * list them), and a custom rule: every N days, weeks (on chosen weekdays), months or years,
 * until a date or N times. Pure: the dialog shows what these functions decide.
 */
import type { RepeatRule } from "../ipc";
import { type Weekday, WEEKDAYS, isDay, wallDate, weekdayOf } from "./time";

export type RepeatPreset = "none" | "daily" | "weekdays" | "weekly" | "biweekly" | "monthly" | "yearly" | "custom";

/** The presets in the order the select lists them, with their words. */
export const REPEAT_PRESETS: readonly { value: RepeatPreset; label: string }[] = [
  { value: "none", label: "Does not repeat" },
  { value: "daily", label: "Every day" },
  { value: "weekdays", label: "Every weekday (Monday to Friday)" },
  { value: "weekly", label: "Every week" },
  { value: "biweekly", label: "Every 2 weeks" },
  { value: "monthly", label: "Every month" },
  { value: "yearly", label: "Every year" },
  { value: "custom", label: "Custom…" },
];

const WORKDAYS: readonly Weekday[] = ["MO", "TU", "WE", "TH", "FR"];
const NEVER = { kind: "never" } as const;

/** The rule a preset stands for, for an event starting on `startDay`; `null` for none. A custom
 * rule starts as "every week on the start's weekday". */
export function ruleFor(preset: RepeatPreset, startDay: string): RepeatRule | null {
  switch (preset) {
    case "none":
      return null;
    case "daily":
      return { freq: "daily", interval: 1, by_day: [], end: NEVER };
    case "weekdays":
      return { freq: "weekly", interval: 1, by_day: [...WORKDAYS], end: NEVER };
    case "weekly":
      return { freq: "weekly", interval: 1, by_day: [], end: NEVER };
    case "biweekly":
      return { freq: "weekly", interval: 2, by_day: [], end: NEVER };
    case "monthly":
      return { freq: "monthly", interval: 1, by_day: [], end: NEVER };
    case "yearly":
      return { freq: "yearly", interval: 1, by_day: [], end: NEVER };
    case "custom":
      return { freq: "weekly", interval: 1, by_day: [weekdayOf(startDay)], end: NEVER };
  }
}

/** The weekdays a weekly rule repeats on, in iCalendar's order (empty means the start's). */
export function daysOf(rule: RepeatRule, startDay: string): Weekday[] {
  const days = rule.by_day.length > 0 ? rule.by_day : [weekdayOf(startDay)];
  return WEEKDAYS.filter((d) => days.includes(d));
}

function sameDays(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((d) => b.includes(d));
}

/** The preset that shows `rule` exactly, else "custom". */
export function presetOf(rule: RepeatRule | null, startDay: string): RepeatPreset {
  if (!rule) return "none";
  if (rule.end.kind !== "never") return "custom";
  const plainWeekly = sameDays(daysOf(rule, startDay), [weekdayOf(startDay)]);
  switch (rule.freq) {
    case "daily":
      return rule.interval === 1 ? "daily" : "custom";
    case "weekly":
      if (rule.interval === 1 && sameDays(rule.by_day, WORKDAYS)) return "weekdays";
      if (!plainWeekly) return "custom";
      return rule.interval === 1 ? "weekly" : rule.interval === 2 ? "biweekly" : "custom";
    case "monthly":
      return rule.interval === 1 ? "monthly" : "custom";
    case "yearly":
      return rule.interval === 1 ? "yearly" : "custom";
  }
}

/** Whether two rules repeat alike for an event starting on `startDay` (a weekly rule without
 * weekdays repeats on the start's). */
export function sameRepeat(a: RepeatRule | null, b: RepeatRule | null, startDay: string): boolean {
  if (!a || !b) return a === b;
  const days = (rule: RepeatRule): string => (rule.freq === "weekly" ? daysOf(rule, startDay).join() : "");
  return a.freq === b.freq && a.interval === b.interval && days(a) === days(b) && JSON.stringify(a.end) === JSON.stringify(b.end);
}

/** Where a custom rule is wrong, by the field that says it. */
export interface RepeatProblems {
  interval?: string;
  days?: string;
  until?: string;
  count?: string;
}

/** What is wrong with `rule` for an event starting on `startDay`, in words, by field. `chosen`:
 * the weekdays come from the custom rule's day buttons, so none chosen is a mistake (a preset's
 * empty list means the start's weekday). */
export function repeatProblems(rule: RepeatRule | null, startDay: string, chosen = false): RepeatProblems {
  const found: RepeatProblems = {};
  if (!rule) return found;
  if (chosen && rule.freq === "weekly" && rule.by_day.length === 0) found.days = "Choose at least one day.";
  if (!Number.isInteger(rule.interval) || rule.interval < 1 || rule.interval > 999) {
    found.interval = "Repeat every 1 to 999.";
  }
  if (rule.end.kind === "until") {
    if (!isDay(rule.end.date)) found.until = "Choose the last day it repeats.";
    else if (isDay(startDay) && rule.end.date < startDay) found.until = "The repetition ends before the event starts.";
  }
  if (rule.end.kind === "count" && (!Number.isInteger(rule.end.count) || rule.end.count < 1 || rule.end.count > 9999)) {
    found.count = "Repeat 1 to 9,999 times.";
  }
  return found;
}

const UNITS = { daily: ["day", "days"], weekly: ["week", "weeks"], monthly: ["month", "months"], yearly: ["year", "years"] } as const;

/** A weekday's name in `locale` ("MO" → "Monday"), or its short form. */
export function weekdayName(day: Weekday, locale: string, width: "long" | "short" = "long"): string {
  // 2028-01-02 is a Sunday: the codes count from there.
  const date = wallDate(`2028-01-0${String(2 + WEEKDAYS.indexOf(day))}`);
  return new Intl.DateTimeFormat(locale, { weekday: width, timeZone: "UTC" }).format(date);
}

/** A rule in words: "Every 2 weeks on Monday and Wednesday, 10 times". */
export function describeRule(rule: RepeatRule, startDay: string, locale: string): string {
  const [one, many] = UNITS[rule.freq];
  let text = rule.interval === 1 ? `Every ${one}` : `Every ${String(rule.interval)} ${many}`;
  if (rule.freq === "weekly") {
    const names = daysOf(rule, startDay).map((d) => weekdayName(d, locale));
    text += ` on ${new Intl.ListFormat("en", { type: "conjunction" }).format(names)}`;
  }
  if (rule.end.kind === "until" && isDay(rule.end.date)) {
    const until = new Intl.DateTimeFormat(locale, { dateStyle: "long", timeZone: "UTC" }).format(wallDate(rule.end.date));
    text += `, until ${until}`;
  } else if (rule.end.kind === "count") {
    text += rule.end.count === 1 ? ", once" : `, ${String(rule.end.count)} times`;
  }
  return text;
}
