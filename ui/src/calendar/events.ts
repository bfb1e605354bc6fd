/** Turns the shell's occurrences into FullCalendar's input. Titles stay text (FullCalendar
 * renders `title` with textContent). */
import type { EventInput } from "@fullcalendar/core";
import type { EventView } from "../ipc";

/** One occurrence as FullCalendar takes it. */
export function toEventInput(event: EventView): EventInput {
  const input: EventInput = {
    id: event.id,
    title: event.title,
    start: event.start,
    end: event.end,
    allDay: event.all_day,
    extendedProps: { calendar: event.calendar, location: event.location },
  };
  if (event.color) {
    input.backgroundColor = event.color;
    input.borderColor = event.color;
  }
  return input;
}
