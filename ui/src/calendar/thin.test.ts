import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Calendar, EventInput } from "@fullcalendar/core";
import type { EventView } from "../ipc";
import { toEventInput } from "./events";
import { dayCap, measureMonth, release, thin } from "./thin";
import { VIEWS, mountCalendar } from "./view";

const timed = (id: string, start: string, end: string, title = id): EventInput => ({ id, title, start, end, allDay: false });
const from = new Date("2026-12-01T00:00:00Z");
const to = new Date("2026-12-08T00:00:00Z");

describe("thin", () => {
  it("keeps each day's first events in FullCalendar's order and holds the rest per day", () => {
    const events = [
      timed("late", "2026-12-02T15:00:00", "2026-12-02T16:00:00"),
      timed("early", "2026-12-02T08:00:00", "2026-12-02T09:00:00"),
      timed("long", "2026-12-02T09:00:00", "2026-12-02T12:00:00"),
      timed("short", "2026-12-02T09:00:00", "2026-12-02T09:30:00"),
      timed("other day", "2026-12-03T09:00:00", "2026-12-03T10:00:00"),
    ];
    const { shown, held } = thin(events, 2, from, to);
    expect(shown.map((e) => e.id)).toEqual(["early", "long", "other day"]);
    expect(held.get("2026-12-02")?.map((e) => e.id)).toEqual(["short", "late"]);
    expect(held.has("2026-12-03")).toBe(false);
  });

  it("keeps an event spanning days where any day keeps it, and holds it on the others", () => {
    const span = { id: "trip", title: "Trip", start: "2026-12-02", end: "2026-12-05", allDay: true };
    const busy = ["2026-12-04T08:00:00", "2026-12-04T09:00:00"].map((start, i) => timed(`b${String(i)}`, start, start.replace("T0", "T1")));
    const { shown, held } = thin([...busy, span], 2, from, to);
    expect(shown.map((e) => e.id)).toContain("trip");
    // 4 December: the trip starts earlier, so it comes first there; one of the busy ones waits.
    expect(held.get("2026-12-04")?.map((e) => e.id)).toEqual(["b1"]);
    expect(held.has("2026-12-05")).toBe(false);
  });

  it("ends a timed event at midnight on the day before, and clips to the range", () => {
    const night = timed("night", "2026-12-01T22:00:00", "2026-12-02T00:00:00");
    const year = { id: "year", title: "Year", start: "2026-01-01", end: "2027-01-01", allDay: true };
    const { held } = thin([year, night, timed("x", "2026-12-01T23:00:00", "2026-12-01T23:30:00")], 1, from, to);
    expect([...held.keys()]).toEqual(["2026-12-01"]);
    expect(held.get("2026-12-01")?.map((e) => e.id)).toEqual(["night", "x"]);
  });

  it("gives everything when there is no cap", () => {
    const events = [timed("a", "2026-12-02T08:00:00", "2026-12-02T09:00:00")];
    expect(thin(events, Infinity, from, to)).toEqual({ shown: events, held: new Map() });
  });

  it("releases a day's held events from every day they span", () => {
    const trip = timed("trip", "2026-12-02T10:00:00", "2026-12-03T10:00:00");
    // First on 3 December (it started earlier), so kept; the trip comes after it there.
    const meeting = timed("meeting", "2026-12-02T09:00:00", "2026-12-03T12:00:00");
    const { shown, held } = thin([timed("a", "2026-12-02T08:00:00", "2026-12-02T09:00:00"), meeting, trip], 1, from, to);
    expect(shown.map((e) => e.id)).toEqual(["a", "meeting"]);
    expect(held.get("2026-12-02")?.map((e) => e.id)).toEqual(["trip"]);
    expect(held.get("2026-12-03")?.map((e) => e.id)).toEqual(["trip"]);
    expect(release(held, "2026-12-02").map((e) => e.id)).toEqual(["trip"]);
    expect(held.size).toBe(0);
    expect(release(held, "2026-12-02")).toEqual([]);
  });
});

describe("dayCap", () => {
  it("caps the month by the cell height and the year at a row and its link, not the other views", () => {
    expect(dayCap(VIEWS.month, 700)).toBe(Math.ceil(700 / 6 / 14) + 2);
    expect(dayCap(VIEWS.year, 700)).toBe(2);
    expect(dayCap(VIEWS.week, 700)).toBe(Infinity);
    expect(dayCap(VIEWS.agenda, 700)).toBe(Infinity);
    expect(dayCap(VIEWS.month, 0)).toBe(Infinity);
  });

  it("keeps one event more than a measured month cell has rows for", () => {
    // The 1280×860 benchmark window: 95 px below the date, rows of 19 px: 5 rows.
    expect(dayCap(VIEWS.month, 725, { cellPx: 95, rowPx: 19 })).toBe(6);
    // No event drawn yet: the lowest event height, so never fewer than fit.
    expect(dayCap(VIEWS.month, 725, { cellPx: 95, rowPx: undefined })).toBe(8);
    expect(dayCap(VIEWS.week, 725, { cellPx: 95, rowPx: 19 })).toBe(Infinity);
  });
});

describe("measureMonth", () => {
  /** A month grid's first cell as FullCalendar draws it, `heights` standing in for layout. */
  function grid(view: string, heights: { frame: number; top: number; harness?: number }): HTMLElement {
    const box = (className: string, height: number | undefined, parent?: HTMLElement): HTMLElement => {
      const el = document.createElement("div");
      el.className = className;
      if (height !== undefined) el.getBoundingClientRect = () => ({ height }) as DOMRect;
      parent?.append(el);
      return el;
    };
    const root = box(view, undefined);
    const frame = box("fc-daygrid-day-frame", heights.frame, root);
    box("fc-daygrid-day-top", heights.top, frame);
    const events = box("fc-daygrid-day-events", undefined, frame);
    if (heights.harness !== undefined) box("fc-daygrid-event-harness", heights.harness, events).style.marginTop = "1px";
    return root;
  }

  it("measures the cell below its date and an event's row with its margins", () => {
    expect(measureMonth(grid("fc-dayGridMonth-view", { frame: 117, top: 22, harness: 18 }))).toEqual({ cellPx: 95, rowPx: 19 });
    expect(measureMonth(grid("fc-dayGridMonth-view", { frame: 117, top: 22 }))).toEqual({ cellPx: 95, rowPx: undefined });
  });

  it("measures nothing outside a month grid or before layout", () => {
    // The week's all-day row is a day grid too.
    expect(measureMonth(grid("fc-timeGridWeek-view", { frame: 117, top: 22, harness: 18 }))).toBeUndefined();
    expect(measureMonth(grid("fc-dayGridMonth-view", { frame: 0, top: 0 }))).toBeUndefined();
  });
});

/** The benchmark's busiest kind of month: `perDay` events on each of the grid's 42 days. */
function busyMonth(perDay: number): EventView[] {
  const out: EventView[] = [];
  for (let d = 0; d < 42; d++) {
    const day = new Date(Date.UTC(2026, 10, 29 + d)).toISOString().slice(0, 10);
    for (let i = 0; i < perDay; i++) {
      const id = `${day}-${String(i)}`;
      const hour = String(7 + (i % 12)).padStart(2, "0");
      out.push({
        id, calendar: 1, href: `/home/${id}.ics`, title: `Meeting ${String(i).padStart(2, "0")}`,
        start: `${day}T${hour}:00:00`, end: `${day}T${hour}:45:00`, all_day: false,
        color: null, location: null, pending: false, refused: null, conflict: false,
      });
    }
  }
  return out;
}

describe("a busy month in the window", () => {
  const HEIGHT = 700;
  let root: HTMLElement;
  let calendar: Calendar | undefined;
  let loads: [Date, Date][];
  beforeEach(() => {
    vi.stubGlobal("ResizeObserver", class { observe(): void {} disconnect(): void {} });
    root = document.createElement("div");
    // jsdom lays nothing out: the calendar's height is given.
    Object.defineProperty(root, "clientHeight", { value: HEIGHT });
    document.body.append(root);
    loads = [];
    const events = busyMonth(75);
    calendar = mountCalendar(root, {
      locale: "en-US",
      zone: () => "UTC",
      load: (start, end) => {
        loads.push([start, end]);
        const [a, b] = [start.toISOString(), end.toISOString()];
        return Promise.resolve(events.filter((e) => `${e.start}Z` >= a && `${e.start}Z` < b).map(toEventInput));
      },
      open: vi.fn(),
      goToDate: vi.fn(),
      calendarName: () => "Home",
    });
    calendar.gotoDate("2026-12-15");
  });
  afterEach(() => {
    calendar?.destroy();
    root.remove();
    vi.unstubAllGlobals();
  });

  const harnesses = (): number => root.querySelectorAll(".fc-daygrid-body .fc-daygrid-event-harness").length;
  const cell = (day: string): HTMLElement => {
    const found = root.querySelector<HTMLElement>(`.fc-daygrid-day[data-date='${day}']`);
    if (!found) throw new Error(`no cell for ${day}`);
    return found;
  };

  it("asks for the grid's six weeks only and draws at most the cap per day", async () => {
    await vi.waitFor(() => {
      expect(harnesses()).toBeGreaterThan(0);
    });
    const cap = dayCap(VIEWS.month, HEIGHT);
    expect(harnesses()).toBe(42 * cap);
    const [start, end] = loads[loads.length - 1] ?? [];
    expect(start?.toISOString()).toBe("2026-11-29T00:00:00.000Z");
    expect(end?.toISOString()).toBe("2027-01-10T00:00:00.000Z");
  });

  it("counts a day's held events in its link, and lists all of them when it is opened", async () => {
    const link = (): HTMLElement | null => cell("2026-12-15").querySelector<HTMLElement>(".fc-more-link");
    // jsdom measures every event at 0 px: FullCalendar hides all it was given.
    await vi.waitFor(() => {
      expect(link()?.textContent).toBe("+75 more");
    });
    expect(link()?.title).toBe("Show 75 more events");
    link()?.click();
    await vi.waitFor(() => {
      expect(document.querySelectorAll(".fc-more-popover .fc-event")).toHaveLength(75);
    });
    expect(link()?.textContent).toBe("+75 more");
  });

  it("gives the week inside the month all its events", async () => {
    await vi.waitFor(() => {
      expect(harnesses()).toBeGreaterThan(0);
    });
    calendar?.changeView(VIEWS.week, "2026-12-15");
    await vi.waitFor(() => {
      expect(root.querySelectorAll(".fc-timegrid-event")).toHaveLength(7 * 75);
    });
  });
});
