/**
 * The month and year grids get only the events a day's cell can show (issue 15 item 6).
 *
 * FullCalendar 6's day grid gives every event of its range DOM nodes, the ones behind "+N more"
 * too (drawn with `visibility: hidden` so it can measure them), and WebKit spends some 30 KB on
 * each: 3,150 events in a month grid (the 100,000-event benchmark's December) cost the web
 * process 120 MB, against 20 MB for the 250 that fit. A cell never shows more than its height
 * holds, so each day keeps its first events in FullCalendar's own order, more than fit; the rest
 * are held here until the day's "+N more" is opened, and that link counts them.
 */
import type { EventInput } from "@fullcalendar/core";

/** The events FullCalendar is given, and per day (`YYYY-MM-DD`) those held back. */
export interface Thinned {
  shown: EventInput[];
  held: Map<string, EventInput[]>;
}

/** The lowest height a day grid draws an event at, in CSS pixels (a dot event is about 18). */
const EVENT_PX = 14;
/** Rows of a month grid (FullCalendar's fixed six weeks). */
const MONTH_ROWS = 6;

/**
 * The room a month grid's day has for events, as FullCalendar drew it: the cell's height below
 * its date and, once an event is drawn, an event's row (its height with its margins).
 */
export interface MonthRoom {
  cellPx: number;
  rowPx: number | undefined;
}

/** Measures the month grid drawn in `element`, or `undefined` while none is (another view,
 * or no layout yet). */
export function measureMonth(element: HTMLElement): MonthRoom | undefined {
  const frame = element.querySelector<HTMLElement>(".fc-dayGridMonth-view .fc-daygrid-day-frame");
  const top = frame?.querySelector<HTMLElement>(".fc-daygrid-day-top");
  if (!frame || !top) return undefined;
  const cellPx = frame.getBoundingClientRect().height - top.getBoundingClientRect().height;
  if (cellPx <= 0) return undefined;
  const harness = element.querySelector<HTMLElement>(".fc-dayGridMonth-view .fc-daygrid-event-harness");
  const rowPx = harness ? rowHeight(harness) : 0;
  return { cellPx, rowPx: rowPx > 0 ? rowPx : undefined };
}

function rowHeight(harness: HTMLElement): number {
  const style = getComputedStyle(harness);
  return harness.getBoundingClientRect().height + (parseFloat(style.marginTop) || 0) + (parseFloat(style.marginBottom) || 0);
}

/**
 * How many events a day keeps in the view `viewType`, with the calendar `height` pixels high:
 * one more than the cell has rows for, so that it still overflows where it would with all of
 * them and FullCalendar draws its "+N more". Measured (`room`) where the month grid is drawn:
 * 6 events a day instead of 11 in a 1280×860 window (issue 15: each drawn event costs the web
 * process about 65 KB); else from the calendar's height at the lowest event height. No limit
 * where the view lists every event (week, day, agenda) or before the calendar has a height.
 */
export function dayCap(viewType: string, height: number, room?: MonthRoom): number {
  if (height <= 0) return Infinity;
  if (viewType === "dayGridMonth") {
    if (room) return Math.ceil(room.cellPx / (room.rowPx ?? EVENT_PX)) + 1;
    return Math.ceil(height / MONTH_ROWS / EVENT_PX) + 2;
  }
  // The year's cells show one row, then "N events".
  if (viewType === "multiMonthYear") return 2;
  return Infinity;
}

const DAY_MS = 86_400_000;
const dayOf = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
/** A wall-clock string (`YYYY-MM-DD` or `YYYY-MM-DDTHH:MM:SS`) as UTC milliseconds. */
const wall = (text: string): number => Date.parse(text.length === 10 ? `${text}T00:00:00Z` : `${text}Z`);
const text = (value: EventInput["start"]): string => (typeof value === "string" ? value : "");

/** Start and end in milliseconds, the end as FullCalendar defaults it (an hour, or a day). */
function span(event: EventInput): [number, number] {
  const start = wall(text(event.start));
  const end = text(event.end) ? wall(text(event.end)) : start + (event.allDay ? DAY_MS : 3_600_000);
  return [start, Math.max(end, start)];
}

/** The days an event is drawn on inside `[from, to)`: an end at midnight ends the day before. */
function daysOf(event: EventInput, from: number, to: number): string[] {
  const [start, end] = span(event);
  const last = Math.min(end > start ? end - 1 : end, to - 1);
  const days: string[] = [];
  for (let day = Math.max(Math.floor(start / DAY_MS) * DAY_MS, from); day <= last; day += DAY_MS) days.push(dayOf(day));
  return days;
}

/** FullCalendar's default event order in a day: start, longer first, timed before all-day, title. */
function order(a: EventInput, b: EventInput): number {
  const [as, ae] = span(a);
  const [bs, be] = span(b);
  return as - bs || be - bs - (ae - as) || Number(a.allDay ?? false) - Number(b.allDay ?? false) || (a.title ?? "").localeCompare(b.title ?? "");
}

/**
 * Keeps for each day of `[from, to)` its first `perDay` events; an event spanning days is
 * kept if any of its days keeps it, and held on the days that do not.
 */
export function thin(events: EventInput[], perDay: number, from: Date, to: Date): Thinned {
  if (!Number.isFinite(perDay)) return { shown: events, held: new Map() };
  const byDay = new Map<string, EventInput[]>();
  for (const event of events) {
    for (const day of daysOf(event, from.getTime(), to.getTime())) {
      const list = byDay.get(day);
      if (list) list.push(event);
      else byDay.set(day, [event]);
    }
  }
  const kept = new Set<EventInput>();
  for (const list of byDay.values()) {
    if (list.length <= perDay) {
      for (const event of list) kept.add(event);
      continue;
    }
    list.sort(order);
    for (const event of list.slice(0, perDay)) kept.add(event);
  }
  const held = new Map<string, EventInput[]>();
  for (const [day, list] of byDay) {
    const waiting = list.filter((event) => !kept.has(event));
    if (waiting.length > 0) held.set(day, waiting);
  }
  return { shown: events.filter((event) => kept.has(event)), held };
}

/** Takes a day's held events out of `held` (from every day they span) and returns them. */
export function release(held: Map<string, EventInput[]>, day: string): EventInput[] {
  const events = held.get(day) ?? [];
  if (events.length === 0) return [];
  const gone = new Set(events);
  for (const [other, list] of held) {
    const left = list.filter((event) => !gone.has(event));
    if (left.length > 0) held.set(other, left);
    else held.delete(other);
  }
  return events;
}
