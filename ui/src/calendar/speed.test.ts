/**
 * Issue 19 item 10's figures, printed rather than asserted (timings vary by machine): a month
 * holding 3,000 events, drawn, then one event moved from the keyboard (the same road as a drop)
 * until the view shows it at its new place with the pending mark, and a reload of the range.
 * jsdom has no layout, so these count script time only; the real-window spec prints the same
 * moment measured in WebKit.
 *
 *   cd ui && npx vitest run src/calendar/speed.test.ts
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Calendar } from "@fullcalendar/core";
import type { EventView } from "../ipc";
import type { EventEditing } from "./edit";
import { toEventInput } from "./events";
import { mountCalendar } from "./view";

const COUNT = 3000;

/** 3,000 events over February 2028: about a hundred a day, every hour of the working day. */
function month(): EventView[] {
  return Array.from({ length: COUNT }, (_, i) => {
    const day = String(1 + (i % 29)).padStart(2, "0");
    const hour = String(7 + (i % 12)).padStart(2, "0");
    return {
      id: String(i), calendar: 1, href: `/home/${String(i)}.ics`, title: `Event ${String(i)}`,
      start: `2028-02-${day}T${hour}:00:00`, end: `2028-02-${day}T${hour}:45:00`, all_day: false,
      color: "#34AADC", location: null, pending: false, refused: null, conflict: false,
    };
  });
}

let root: HTMLElement;
let calendar: Calendar | undefined;
beforeEach(() => {
  vi.stubGlobal("ResizeObserver", class { observe(): void {} disconnect(): void {} });
  root = document.createElement("div");
  document.body.append(root);
});
afterEach(() => {
  calendar?.destroy();
  root.remove();
  vi.unstubAllGlobals();
});

const ms = (from: number): string => `${(performance.now() - from).toFixed(1)} ms`;

describe("3,000 events in a month", () => {
  it("draws, moves one at once, and reloads (figures printed)", async () => {
    const events = month();
    const loads: number[] = [];
    const editing: EventEditing = {
      editable: () => true,
      recurring: () => Promise.resolve(false),
      askScope: () => Promise.resolve("all"),
      moveEvent: (event, _scope, start) => Promise.resolve({ undo: 1, event: { ...event, start }, note: null }),
      changed: vi.fn(),
      quickCreate: vi.fn(),
      failed: vi.fn(),
    };
    let started = performance.now();
    const cal = mountCalendar(root, {
      locale: "en-US",
      zone: () => "UTC",
      load: () => {
        loads.push(performance.now());
        return Promise.resolve(events.map(toEventInput));
      },
      open: vi.fn(),
      goToDate: vi.fn(),
      calendarName: () => "Home",
      editing,
    });
    calendar = cal;
    cal.gotoDate("2028-02-15");
    await vi.waitFor(() => {
      expect(root.querySelector("[data-event-id='14']")).not.toBeNull();
    }, { timeout: 30_000 });
    const drawn = ms(started);
    const loadsBefore = loads.length;

    const target = root.querySelector<HTMLElement>("[data-event-id='14']");
    if (!target) throw new Error("event 14 is not drawn");
    started = performance.now();
    target.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowRight", altKey: true, bubbles: true, cancelable: true }));
    await vi.waitFor(() => {
      expect(root.querySelector(".fc-daygrid-day[data-date='2028-02-16'] [data-event-id='14']")).not.toBeNull();
    }, { interval: 1 });
    const shown = ms(started);
    await vi.waitFor(() => {
      expect(root.querySelector("[data-event-id='14']")?.classList.contains("event-pending")).toBe(true);
    }, { interval: 1 });
    const marked = ms(started);
    expect(cal.getEventById("14")?.start?.toISOString()).toBe("2028-02-16T09:00:00.000Z");
    // The move asked for nothing: the view was not reloaded.
    expect(loads).toHaveLength(loadsBefore);

    started = performance.now();
    cal.refetchEvents();
    await vi.waitFor(() => {
      expect(loads).toHaveLength(loadsBefore + 1);
      expect(root.querySelector("[data-event-id='14']")).not.toBeNull();
    });
    const reloaded = ms(started);
    console.log(`month of ${String(COUNT)} events (jsdom): drawn ${drawn}; keyboard move shown ${shown}, marked pending ${marked}; reload ${reloaded}; loads ${String(loads.length)}`);
  }, 60_000);
});
