/** Turns the shell's occurrences into FullCalendar's input. Titles stay text (FullCalendar
 * renders `title` with textContent). */
import type { EventInput } from "@fullcalendar/core";
import type { EventView } from "../ipc";

/** What the details panel needs to ask the shell about an occurrence, kept on the event. */
export interface OccurrenceKey {
  calendar: number;
  href: string;
  /** `EventView.start` as the shell sent it (not FullCalendar's parsed `Date`). */
  start: string;
}

/** One occurrence as FullCalendar takes it. Start and end are wall-clock strings in the display
 * zone; the calendar runs in UTC-coercion mode, so it shows them as they are. */
export function toEventInput(event: EventView): EventInput {
  const key: OccurrenceKey = { calendar: event.calendar, href: event.href, start: event.start };
  const input: EventInput = {
    id: event.id,
    title: event.title,
    start: event.start,
    end: event.end,
    allDay: event.all_day,
    extendedProps: { ...key, location: event.location, refused: event.refused },
  };
  // Not on the server yet, refused by it, or in conflict with it: a mark each, and words for the
  // pointer and screen readers (`stateWords`).
  const marks = [
    ...(event.pending ? ["event-pending"] : []),
    ...(event.refused ? ["event-refused"] : []),
    ...(event.conflict ? ["event-conflict"] : []),
  ];
  if (marks.length > 0) input.classNames = marks;
  if (event.color) {
    // A tint of the calendar's colour behind text in the theme's colour, with the colour itself
    // as the edge and dot: readable on every iCloud colour (white on yellow is not), in light
    // and dark alike.
    input.backgroundColor = `color-mix(in srgb, ${event.color} 24%, var(--surface))`;
    input.borderColor = event.color;
    input.textColor = "var(--text)";
  }
  return input;
}

/** What an event's marks say, after its title: ", not yet on the server" and the like. */
export function stateWords(classNames: readonly string[], refused: unknown): string {
  if (classNames.includes("event-conflict")) return ", changed here and on the server: open Conflicts to choose";
  if (classNames.includes("event-refused")) {
    return typeof refused === "string" && refused ? `, the server refused the change: ${refused}` : ", the server refused the change";
  }
  return classNames.includes("event-pending") ? ", not yet on the server" : "";
}

/** The occurrence key back from FullCalendar's `extendedProps`, if the event carries one. */
export function occurrenceKey(props: Record<string, unknown>): OccurrenceKey | null {
  const { calendar, href, start } = props;
  if (typeof calendar !== "number" || typeof href !== "string" || typeof start !== "string") return null;
  return { calendar, href, start };
}

/** One string naming an occurrence, for the `data-occurrence` attribute of its element. */
export function occurrenceId(key: OccurrenceKey): string {
  return `${String(key.calendar)}|${key.href}|${key.start}`;
}
