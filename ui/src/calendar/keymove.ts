/**
 * Moving and resizing from the keyboard, for people who do not use a mouse: with an event
 * focused, Alt+↑/↓ moves it by 15 minutes (a week where the view shows whole days), Alt+←/→ by a
 * day; with Shift as well, the same keys move only its end. The change takes the same road as a
 * drag (`storeChange`), so it shows at once and asks the scope for a repeating event.
 */
import type { Calendar, EventApi } from "@fullcalendar/core";
import { type ShownChange, type Span, STEP_MINUTES, endOf } from "./edit";

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** The part of a keydown that decides a keyboard move. */
export interface MovePress {
  key: string;
  altKey: boolean;
  shiftKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
}

/** Where an event goes for a key press, or `null` when the press is not a move. `hours`: the view
 * shows hours (week, day), so ↑/↓ move a timed event within its day. */
export function keyboardSpan(press: MovePress, current: Span, hours: boolean): Span | null {
  if (!press.altKey || press.ctrlKey || press.metaKey) return null;
  const fine = hours && !current.allDay;
  const steps: Record<string, number> = {
    ArrowUp: fine ? -STEP_MINUTES * MINUTE_MS : -7 * DAY_MS,
    ArrowDown: fine ? STEP_MINUTES * MINUTE_MS : 7 * DAY_MS,
    ArrowLeft: -DAY_MS,
    ArrowRight: DAY_MS,
  };
  const delta = steps[press.key];
  if (delta === undefined) return null;
  const start = current.start.getTime();
  const end = current.end.getTime();
  if (!press.shiftKey) return { start: new Date(start + delta), end: new Date(end + delta), allDay: current.allDay };
  // An event keeps at least one step (a timed one) or one day (an all-day one).
  const shortest = current.allDay ? DAY_MS : STEP_MINUTES * MINUTE_MS;
  const newEnd = Math.max(end + delta, start + shortest);
  return newEnd === end ? null : { start: current.start, end: new Date(newEnd), allDay: current.allDay };
}

/** The FullCalendar event behind a focused element (`data-event-id`, set when it is drawn). */
function eventAt(calendar: Calendar, target: EventTarget | null): EventApi | null {
  if (!(target instanceof HTMLElement)) return null;
  const id = target.closest<HTMLElement>("[data-event-id]")?.dataset["eventId"];
  return id === undefined ? null : calendar.getEventById(id);
}

/** Listens on the calendar's element for move keys on a focused event that is `editable`.
 * `store` gets the event, its new span and how to put it back. */
export function setUpKeyboardMoves(
  element: HTMLElement,
  calendar: Calendar,
  editable: (event: EventApi) => boolean,
  store: (change: ShownChange) => void,
): void {
  element.addEventListener("keydown", (e) => {
    const event = eventAt(calendar, e.target);
    // Read-only calendars' events stay; the year and agenda views move nothing.
    if (!event?.start || !editable(event)) return;
    const hours = calendar.view.type.startsWith("timeGrid");
    if (!hours && calendar.view.type !== "dayGridMonth") return;
    const current: Span = { start: event.start, end: endOf(event.start, event.end, event.allDay), allDay: event.allDay };
    const span = keyboardSpan(e, current, hours);
    if (!span) return;
    e.preventDefault();
    e.stopPropagation();
    event.setDates(span.start, span.end, { allDay: span.allDay });
    // Put back on the event as the calendar has it then: a reload may have replaced this one.
    const id = event.id;
    const revert = (): void => {
      calendar.getEventById(id)?.setDates(current.start, current.end, { allDay: current.allDay });
    };
    store({ event, span, what: e.shiftKey ? "Event resized" : "Event moved", revert });
  });
}
