/**
 * Room to work (issue 19 item 11): the calendar's option values that keep it readable when the
 * window is narrow, and the one way a time of day is written everywhere in the window.
 *
 * One format for every view and the editor: "9 AM" and "8:15 PM" on a 12-hour clock (a whole
 * hour drops its ":00", as Apple and Google Calendar write it, so month cells keep room for
 * titles), "09:00" and "20:15" on a 24-hour clock. The axis, the events of every view, the
 * month grid and the editor's texts all read the same way.
 */
import type { CalendarOptions, FormatterInput } from "@fullcalendar/core";
import { wallDate } from "./time";

/** FullCalendar's format for times of day (`eventTimeFormat`, `slotLabelFormat`). */
export function timeFormat(hour12: boolean): FormatterInput {
  // A 24-hour locale writes its own way ("09:00" in en-GB, "9:00" elsewhere): hour12 stays unsaid.
  return hour12 ? { hour: "numeric", minute: "2-digit", hour12, omitZeroMinute: true } : { hour: "numeric", minute: "2-digit" };
}

/** A wall-clock time (`…THH:MM…`) written as the calendar writes it. */
export function clockText(wall: string, locale: string, hour12: boolean): string {
  const date = wallDate(wall);
  const options: Intl.DateTimeFormatOptions = !hour12
    ? { hour: "numeric", minute: "2-digit", timeZone: "UTC" }
    : date.getUTCMinutes() === 0
      ? { hour: "numeric", hour12, timeZone: "UTC" }
      : { hour: "numeric", minute: "2-digit", hour12, timeZone: "UTC" };
  return new Intl.DateTimeFormat(locale, options).format(date);
}

/**
 * The calendar's options for item 11: one time format in every view (no per-view
 * `eventTimeFormat`), and short events tall enough for one line with their title beside the
 * time (a 15-minute event is otherwise 10 px high and shows only its time).
 */
export function roomOptions(hour12: boolean): CalendarOptions {
  const format = timeFormat(hour12);
  return {
    eventTimeFormat: format,
    slotLabelFormat: format,
    eventMinHeight: 18,
    eventShortHeight: 36,
  };
}
