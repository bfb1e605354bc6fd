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
    extendedProps: { ...key, location: event.location },
  };
  // Not on the server yet: a quiet mark, and words for the pointer and screen readers.
  if (event.pending) input.classNames = ["event-pending"];
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
