/**
 * Direct manipulation: dragging an event moves it, dragging its edge resizes it, selecting an
 * empty slot starts a new one. A change shows at once (FullCalendar keeps the dropped place and
 * the event takes the "not yet on the server" mark) and goes to the shell's `move_event`, which
 * stores it locally and queues it for the server; nothing here waits for the network. A refused
 * change (a read-only calendar the person could not see as such, a store failure) puts the event
 * back and says why.
 */
import type { CalendarOptions, DateSelectArg, EventApi } from "@fullcalendar/core";
import { type OccurrenceKey, occurrenceKey } from "./events";
import type { ChangeReceipt, EditScope, EventRef } from "../ipc";

/** A stretch of the calendar, as the shell takes times: `YYYY-MM-DD` (all-day, end exclusive)
 * or `YYYY-MM-DDTHH:MM:SS` on the display zone's wall clock. */
export interface SlotRange {
  start: string;
  end: string;
  all_day: boolean;
}

/** What editing needs from the rest of the window; the wiring passes the IPC and H2's editor. */
export interface EventEditing {
  /** Whether events of this calendar may change (not a read-only share, not a subscription). */
  editable(calendar: number): boolean;
  /** Whether the occurrence belongs to a repeating series, so the scope question is asked. */
  recurring(event: EventRef): Promise<boolean>;
  /** "This event, this and following, or all events?"; `null` when the person cancels. */
  askScope(): Promise<EditScope | null>;
  moveEvent(event: EventRef, scope: EditScope, start: string, end: string, allDay: boolean): Promise<ChangeReceipt>;
  /** A change was stored: the undo toast saying `what` ("Event moved"), with the receipt's note. */
  changed(receipt: ChangeReceipt, what: string): void;
  /** An empty slot was chosen: the quick-create popover, next to `anchor`. */
  quickCreate(range: SlotRange, anchor: HTMLElement | null): void;
  /** A change failed; says it in words. */
  failed(err: unknown): void;
}

/** Minutes one drag step or one arrow key moves a timed event by. */
export const STEP_MINUTES = 15;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** A FullCalendar date (UTC fields = the display zone's wall clock) as the shell takes it. */
export function wallClockText(date: Date, allDay: boolean): string {
  const text = date.toISOString();
  return allDay ? text.slice(0, 10) : text.slice(0, 19);
}

/** An event's end, or FullCalendar's default length when it has none (after a drag between the
 * all-day row and the hours, FullCalendar drops the end). */
export function endOf(start: Date, end: Date | null, allDay: boolean): Date {
  return end ?? new Date(start.getTime() + (allDay ? DAY_MS : HOUR_MS));
}

/** A new span for an occurrence. */
export interface Span {
  start: Date;
  end: Date;
  allDay: boolean;
}

/** One change the view already shows: the event, where it went, what it was ("Event moved"),
 * and how to put the view back. */
export interface ShownChange {
  event: EventApi;
  span: Span;
  what: string;
  revert: () => void;
}

/** What the calendar does around a stored change. */
export interface AfterChange {
  /** The event with this id as the calendar has it now, if it still does (FullCalendar's
   * `EventApi`s are snapshots, and a reload replaces them). */
  live: (id: string) => EventApi | null;
  /** Re-keys an event from the occurrence `from` the change started at to `to` (the shell now
   * names it by its new start) and gives it its marks, in one redraw. */
  rekey: (event: EventApi, from: OccurrenceKey, to: OccurrenceKey, classNames: string[]) => void;
  /** Reloads the visible range. */
  refetch: () => void;
}

/**
 * Stores a change the view already shows. Its `revert` puts the view back when the person
 * cancels the scope question or the change fails; a failure is said through `editing.failed`.
 */
export async function storeChange(editing: EventEditing, change: ShownChange, after: AfterChange): Promise<void> {
  const { span, revert } = change;
  // FullCalendar's event objects are snapshots: a change stored meanwhile renamed the event, and
  // a reload (the shell says "edited") may have replaced it.
  const id = change.event.id;
  const event = after.live(id) ?? change.event;
  const key = occurrenceKey(event.extendedProps);
  if (!key) {
    revert();
    return;
  }
  let scope: EditScope | null = "all";
  let recurring: boolean;
  let receipt: ChangeReceipt;
  const marks = event.classNames;
  try {
    recurring = await editing.recurring(key);
    if (recurring) scope = await editing.askScope();
    if (scope === null) {
      revert();
      return;
    }
    receipt = await editing.moveEvent(key, scope, wallClockText(span.start, span.allDay), wallClockText(span.end, span.allDay), span.allDay);
  } catch (err) {
    revert();
    editing.failed(err);
    return;
  }
  // The occurrence is in place already; now under its new name, with the quiet "not yet on the
  // server" mark (the shell says the same at the next load), unless a reload meanwhile brought
  // both. When others of its series moved too, only a reload shows them.
  const shown = after.live(id);
  if (shown) after.rekey(shown, key, receipt.event ?? key, [...new Set([...marks, "event-pending"])]);
  if (recurring && scope !== "this") after.refetch();
  editing.changed(receipt, change.what);
}

/** A click selects one step; a new event from a click lasts an hour, as in other calendars. */
export function selectedRange(start: Date, end: Date, allDay: boolean): SlotRange {
  const clicked = !allDay && end.getTime() - start.getTime() <= STEP_MINUTES * 60_000;
  const until = clicked ? new Date(start.getTime() + HOUR_MS) : end;
  return { start: wallClockText(start, allDay), end: wallClockText(until, allDay), all_day: allDay };
}

/** The anchor for the quick-create popover: the selection's mirror in the hours, else the
 * clicked day cell. */
function selectionAnchor(root: HTMLElement, arg: DateSelectArg): HTMLElement | null {
  const mirror = root.querySelector<HTMLElement>(".fc-event-mirror, .fc-highlight");
  if (mirror) return mirror;
  const target = arg.jsEvent?.target;
  return target instanceof HTMLElement ? target : null;
}

/**
 * Changes stored one after another: a second key press (or drop) while the first is being
 * stored must address the occurrence by the name the first one gave it.
 */
export function changeQueue(editing: EventEditing, after: AfterChange): (change: ShownChange) => void {
  let queue = Promise.resolve();
  return (change) => {
    queue = queue
      .then(() => storeChange(editing, change, after))
      .catch((err: unknown) => {
        editing.failed(err);
      });
  };
}

/** FullCalendar's options for dragging, resizing and selecting in the calendar at `root`; each
 * change goes to `store`, and `editing` says what may change and takes selections. */
export function editingOptions(root: HTMLElement, editing: EventEditing, store: (change: ShownChange) => void): CalendarOptions {
  const change = (event: EventApi, what: string, revert: () => void): void => {
    const start = event.start;
    if (!start) {
      revert();
      return;
    }
    store({ event, span: { start, end: endOf(start, event.end, event.allDay), allDay: event.allDay }, what, revert });
  };
  return {
    editable: true,
    selectable: true,
    selectMirror: true,
    snapDuration: { minutes: STEP_MINUTES },
    // Read-only calendars' events do not move: FullCalendar offers no drag or resize handle.
    eventDataTransform: (input) => {
      const calendar: unknown = input.extendedProps?.["calendar"];
      return typeof calendar === "number" && !editing.editable(calendar) ? { ...input, editable: false } : input;
    },
    eventDrop: (info) => {
      change(info.event, "Event moved", info.revert);
    },
    eventResize: (info) => {
      change(info.event, "Event resized", info.revert);
    },
    select: (arg) => {
      editing.quickCreate(selectedRange(arg.start, arg.end, arg.allDay), selectionAnchor(root, arg));
    },
  };
}
