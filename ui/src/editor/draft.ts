/**
 * The editor's values as a person sees them (an all-day event's last day, not the exclusive end
 * the shell takes; a day and a time apart), the checks that say in words what is wrong and next
 * to which field, and the conversion to the `EventDraft` the shell stores. Pure.
 */
import type { RepeatProblems } from "./repeat";
import { repeatProblems } from "./repeat";
import type { EventDraft, RepeatRule } from "../ipc";
import { addDays, addMinutes, dayOf, isDay, isTime, joinWall, minutesBetween, timeOf } from "./time";

/** The form's values. Days are `YYYY-MM-DD`, times `HH:MM`; `endDay` is the last day shown
 * (inclusive, for all-day events too). */
export interface FormValues {
  title: string;
  calendar: number | null;
  allDay: boolean;
  startDay: string;
  startTime: string;
  endDay: string;
  endTime: string;
  zone: string;
  repeat: RepeatRule | null;
  /** The custom rule's weekdays come from its day buttons (none chosen is a mistake). */
  customRepeat: boolean;
  alerts: (number | null)[];
  location: string;
  url: string;
  notes: string;
}

/** The fields a problem can sit next to. */
export type Field = "title" | "calendar" | "start" | "end" | "url" | "alerts" | keyof RepeatProblems;

export type Problems = Partial<Record<Field, string>>;

/** What the title becomes when the person typed none, as Apple Calendar does. */
export const UNTITLED = "New event";

/** The form's values for a span the person picked (a clicked slot, a drag, the "New event"
 * button): `start` and `end` as the shell writes them. */
export function valuesForSpan(start: string, end: string, allDay: boolean, calendar: number | null, zone: string): FormValues {
  const lastDay = allDay ? addDays(dayOf(end), -1) : dayOf(end);
  return {
    title: "",
    calendar,
    allDay,
    startDay: dayOf(start),
    startTime: allDay ? "09:00" : timeOf(start),
    endDay: lastDay < dayOf(start) ? dayOf(start) : lastDay,
    endTime: allDay ? "10:00" : timeOf(end),
    zone,
    repeat: null,
    customRepeat: false,
    alerts: [],
    location: "",
    url: "",
    notes: "",
  };
}

/** The form's values for an event's draft (as the shell filled it). */
export function valuesForDraft(draft: EventDraft): FormValues {
  return {
    ...valuesForSpan(draft.start, draft.end, draft.all_day, draft.calendar, draft.zone),
    title: draft.title,
    repeat: draft.repeat,
    alerts: [...draft.alerts],
    location: draft.location ?? "",
    url: draft.url ?? "",
    notes: draft.notes ?? "",
  };
}

/** A web address as stored: trimmed, `https://` added when the person left out the scheme;
 * `null` when it is not an address at all. */
export function normaliseUrl(text: string): string | null {
  const trimmed = text.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:/i.test(trimmed) ? trimmed : `https://${trimmed}`;
  try {
    const url = new URL(withScheme);
    if ((url.protocol === "http:" || url.protocol === "https:") && !url.hostname.includes(".") && url.hostname !== "localhost") return null;
    return withScheme;
  } catch {
    return null;
  }
}

/** What is wrong with the form, in words, by the field each belongs next to. */
export function problemsOf(values: FormValues): Problems {
  const found: Problems = {};
  if (values.calendar === null) found.calendar = "Choose a calendar for the event.";
  if (!isDay(values.startDay) || (!values.allDay && !isTime(values.startTime))) {
    found.start = values.allDay ? "Choose the day it starts." : "Choose the day and time it starts.";
  }
  if (!isDay(values.endDay) || (!values.allDay && !isTime(values.endTime))) {
    found.end = values.allDay ? "Choose the day it ends." : "Choose the day and time it ends.";
  } else if (found.start === undefined) {
    const before = values.allDay
      ? values.endDay < values.startDay
      : minutesBetween(joinWall(values.startDay, values.startTime), joinWall(values.endDay, values.endTime)) < 0;
    if (before) found.end = "The event ends before it starts.";
  }
  if (values.url.trim() !== "" && normaliseUrl(values.url) === null) found.url = "This is not a web address, such as https://example.com.";
  if (values.alerts.some((a) => a === null)) found.alerts = "Say how long before the start, in whole numbers.";
  Object.assign(found, repeatProblems(values.repeat, values.startDay, values.customRepeat));
  return found;
}

function orNull(text: string): string | null {
  const trimmed = text.trim();
  return trimmed === "" ? null : trimmed;
}

/** The draft the shell stores, or the problems that stop it. `untitled`: a new event without a
 * title is called "New event" (an existing one keeps what it had). */
export function toDraft(values: FormValues, untitled = true): { draft: EventDraft } | { problems: Problems } {
  const problems = problemsOf(values);
  if (Object.keys(problems).length > 0 || values.calendar === null) return { problems };
  const alerts = [...new Set(values.alerts.filter((a): a is number => a !== null))].sort((a, b) => a - b);
  return {
    draft: {
      calendar: values.calendar,
      title: values.title.trim() === "" && untitled ? UNTITLED : values.title.trim(),
      all_day: values.allDay,
      start: values.allDay ? values.startDay : joinWall(values.startDay, values.startTime),
      end: values.allDay ? addDays(values.endDay, 1) : joinWall(values.endDay, values.endTime),
      zone: values.zone,
      repeat: values.repeat,
      alerts,
      location: orNull(values.location),
      url: values.url.trim() === "" ? null : normaliseUrl(values.url),
      notes: values.notes.trim() === "" ? null : values.notes,
    },
  };
}

/**
 * The values after the start moved: the end keeps the event's length, as in every calendar.
 * `before` are the values the person had before the change.
 */
export function keepLength(before: FormValues, after: FormValues): FormValues {
  if (!isDay(before.startDay) || !isDay(after.startDay) || !isDay(before.endDay)) return after;
  if (after.allDay) {
    const days = minutesBetween(before.startDay, before.endDay) / 1440;
    return { ...after, endDay: addDays(after.startDay, Math.max(0, days)) };
  }
  if (!isTime(before.startTime) || !isTime(after.startTime) || !isTime(before.endTime)) return after;
  const length = Math.max(0, minutesBetween(joinWall(before.startDay, before.startTime), joinWall(before.endDay, before.endTime)));
  const end = addMinutes(joinWall(after.startDay, after.startTime), length);
  return { ...after, endDay: dayOf(end), endTime: timeOf(end) };
}
