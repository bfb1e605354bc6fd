import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Calendar } from "@fullcalendar/core";
import type { EventView } from "../ipc";
import { type EventEditing, selectedRange, wallClockText } from "./edit";
import { toEventInput } from "./events";
import type { ChangeReceipt } from "../ipc";
import { mountCalendar } from "./view";

const event = (over: Partial<EventView>): EventView => ({
  id: "a", calendar: 1, href: "/home/a.ics", title: "Standup", start: "2028-02-29T09:00:00", end: "2028-02-29T09:30:00",
  all_day: false, color: null, location: null, pending: false, refused: null, conflict: false, ...over,
});

const receipt = (start: string): ChangeReceipt => ({ undo: 7, event: { calendar: 1, href: "/home/a.ics", start }, note: null });

/** A fake of the editing IPC and dialogs, and its spies. */
function fakeEditing(over: Partial<EventEditing> = {}) {
  const spies = {
    recurring: vi.fn<EventEditing["recurring"]>(() => Promise.resolve(false)),
    askScope: vi.fn<EventEditing["askScope"]>(() => Promise.resolve("this")),
    moveEvent: vi.fn<EventEditing["moveEvent"]>((_e, _s, start) => Promise.resolve(receipt(start))),
    changed: vi.fn(),
    quickCreate: vi.fn(),
    failed: vi.fn(),
  };
  const editing: EventEditing = { editable: (calendar) => calendar !== 2, ...spies, ...over };
  return { editing, ...spies };
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

/** Mounts the week of 29 February 2028 with `events`, and waits until they are drawn. */
async function mount(editing: EventEditing, events: EventView[]): Promise<Calendar> {
  const mounted = mountCalendar(root, {
    locale: "en-US",
    zone: () => "UTC",
    load: () => Promise.resolve(events.map(toEventInput)),
    open: vi.fn(),
    goToDate: vi.fn(),
    calendarName: () => "Home",
    editing,
  });
  calendar = mounted;
  mounted.changeView("timeGridWeek", "2028-02-29");
  await vi.waitFor(() => {
    expect(root.querySelectorAll("[data-event-id]").length).toBe(events.length);
  });
  return mounted;
}

const elementOf = (id: string): HTMLElement => {
  const el = root.querySelector<HTMLElement>(`[data-event-id="${id}"]`);
  if (!el) throw new Error(`no element for ${id}`);
  return el;
};

const altKey = (el: HTMLElement, key: string, shiftKey = false): void => {
  el.dispatchEvent(new KeyboardEvent("keydown", { key, altKey: true, shiftKey, bubbles: true, cancelable: true }));
};

describe("wallClockText", () => {
  it("writes dates as the shell takes them", () => {
    expect(wallClockText(new Date("2028-02-29T09:15:00Z"), false)).toBe("2028-02-29T09:15:00");
    expect(wallClockText(new Date("2028-02-29T00:00:00Z"), true)).toBe("2028-02-29");
  });
});

describe("selectedRange", () => {
  it("makes a click in the hours an hour long, and keeps a dragged range", () => {
    expect(selectedRange(new Date("2028-02-29T09:00:00Z"), new Date("2028-02-29T09:15:00Z"), false))
      .toEqual({ start: "2028-02-29T09:00:00", end: "2028-02-29T10:00:00", all_day: false });
    expect(selectedRange(new Date("2028-02-29T09:00:00Z"), new Date("2028-02-29T11:30:00Z"), false))
      .toEqual({ start: "2028-02-29T09:00:00", end: "2028-02-29T11:30:00", all_day: false });
    expect(selectedRange(new Date("2028-02-29T00:00:00Z"), new Date("2028-03-02T00:00:00Z"), true))
      .toEqual({ start: "2028-02-29", end: "2028-03-02", all_day: true });
  });
});

describe("editing in the calendar", () => {
  it("offers dragging and resizing for writable calendars only", async () => {
    await mount(fakeEditing().editing, [event({}), event({ id: "b", calendar: 2, href: "/shared/b.ics" })]);
    expect(elementOf("a").classList.contains("fc-event-draggable")).toBe(true);
    expect(elementOf("a").classList.contains("fc-event-resizable")).toBe(true);
    expect(elementOf("b").classList.contains("fc-event-draggable")).toBe(false);
    expect(elementOf("b").classList.contains("fc-event-resizable")).toBe(false);
  });

  it("moves a focused event with Alt+arrows, shows it at once with the pending mark, and follows the receipt", async () => {
    const editing = fakeEditing();
    const cal = await mount(editing.editing, [event({})]);
    altKey(elementOf("a"), "ArrowDown");
    expect(cal.getEventById("a")?.start?.toISOString()).toBe("2028-02-29T09:15:00.000Z");
    await vi.waitFor(() => {
      expect(editing.changed).toHaveBeenCalledWith(receipt("2028-02-29T09:15:00"), "Event moved");
    });
    expect(editing.moveEvent).toHaveBeenCalledWith(
      { calendar: 1, href: "/home/a.ics", start: "2028-02-29T09:00:00" }, "all", "2028-02-29T09:15:00", "2028-02-29T09:45:00", false,
    );
    expect(cal.getEventById("a")?.extendedProps["start"]).toBe("2028-02-29T09:15:00");
    expect(elementOf("a").classList.contains("event-pending")).toBe(true);
    expect(elementOf("a").dataset["occurrence"]).toBe("1|/home/a.ics|2028-02-29T09:15:00");
  });

  it("stores quick key presses one after another, each under the name the one before gave", async () => {
    const editing = fakeEditing();
    const cal = await mount(editing.editing, [event({})]);
    altKey(elementOf("a"), "ArrowDown");
    altKey(elementOf("a"), "ArrowDown");
    await vi.waitFor(() => {
      expect(editing.changed).toHaveBeenCalledTimes(2);
    });
    expect(editing.moveEvent.mock.calls.map((call) => [call[0].start, call[2]])).toEqual([
      ["2028-02-29T09:00:00", "2028-02-29T09:15:00"],
      ["2028-02-29T09:15:00", "2028-02-29T09:30:00"],
    ]);
    expect(cal.getEventById("a")?.extendedProps["start"]).toBe("2028-02-29T09:30:00");
  });

  it("survives a reload while the change is being stored (the shell says 'edited' at once)", async () => {
    const editing = fakeEditing();
    const cal = await mount(editing.editing, [event({})]);
    editing.moveEvent.mockImplementation((_e, _s, start) => {
      cal.refetchEvents();
      return new Promise((resolve) => setTimeout(() => { resolve(receipt(start)); }, 20));
    });
    altKey(elementOf("a"), "ArrowDown");
    altKey(elementOf("a"), "ArrowDown");
    await vi.waitFor(() => {
      expect(editing.changed).toHaveBeenCalledTimes(2);
    });
    expect(editing.failed).not.toHaveBeenCalled();
  });

  it("keeps the focus on a moved event that a reload drew under its new name before the receipt came", async () => {
    const editing = fakeEditing();
    const shown = [event({})];
    const cal = await mount(editing.editing, shown);
    editing.moveEvent.mockImplementation(async (_e, _s, start, end) => {
      // The shell stored it and said "edited": the reload brings it under its new start.
      shown[0] = event({ start, end, pending: true });
      cal.refetchEvents();
      await vi.waitFor(() => {
        expect(elementOf("a").dataset["occurrence"]).toBe(`1|/home/a.ics|${start}`);
      });
      return receipt(start);
    });
    elementOf("a").focus();
    expect(document.activeElement).toBe(elementOf("a"));
    altKey(elementOf("a"), "ArrowDown");
    await vi.waitFor(() => {
      expect(editing.changed).toHaveBeenCalledTimes(1);
    });
    expect(document.activeElement).toBe(elementOf("a"));
  });

  it("resizes with Alt+Shift+arrows", async () => {
    const editing = fakeEditing();
    await mount(editing.editing, [event({})]);
    altKey(elementOf("a"), "ArrowDown", true);
    await vi.waitFor(() => {
      expect(editing.moveEvent).toHaveBeenCalledWith(expect.anything(), "all", "2028-02-29T09:00:00", "2028-02-29T09:45:00", false);
    });
  });

  it("asks the scope for a repeating event and puts it back when the person cancels", async () => {
    const editing = fakeEditing({ recurring: () => Promise.resolve(true) });
    editing.askScope.mockResolvedValue(null);
    const cal = await mount(editing.editing, [event({})]);
    altKey(elementOf("a"), "ArrowRight");
    await vi.waitFor(() => {
      expect(editing.askScope).toHaveBeenCalled();
    });
    await vi.waitFor(() => {
      expect(cal.getEventById("a")?.start?.toISOString()).toBe("2028-02-29T09:00:00.000Z");
    });
    expect(editing.moveEvent).not.toHaveBeenCalled();
  });

  it("reloads the range when a scope moved other occurrences too", async () => {
    const editing = fakeEditing({ recurring: () => Promise.resolve(true) });
    editing.askScope.mockResolvedValue("all");
    const cal = await mount(editing.editing, [event({})]);
    const refetch = vi.spyOn(cal, "refetchEvents");
    altKey(elementOf("a"), "ArrowRight");
    await vi.waitFor(() => {
      expect(refetch).toHaveBeenCalled();
    });
    expect(editing.moveEvent).toHaveBeenCalledWith(expect.anything(), "all", "2028-03-01T09:00:00", "2028-03-01T09:30:00", false);
  });

  it("puts a refused change back and says why", async () => {
    const refusal = new Error("Almanac could not save the change: the disk is full.");
    const editing = fakeEditing();
    editing.moveEvent.mockRejectedValue(refusal);
    const cal = await mount(editing.editing, [event({})]);
    altKey(elementOf("a"), "ArrowUp");
    await vi.waitFor(() => {
      expect(editing.failed).toHaveBeenCalledWith(refusal);
    });
    expect(cal.getEventById("a")?.start?.toISOString()).toBe("2028-02-29T09:00:00.000Z");
    expect(elementOf("a").classList.contains("event-pending")).toBe(false);
  });

  it("does not move a read-only calendar's event", async () => {
    const editing = fakeEditing();
    const cal = await mount(editing.editing, [event({ calendar: 2 })]);
    altKey(elementOf("a"), "ArrowDown");
    expect(cal.getEventById("a")?.start?.toISOString()).toBe("2028-02-29T09:00:00.000Z");
    expect(editing.recurring).not.toHaveBeenCalled();
  });

  it("hands a selected empty slot to quick create", async () => {
    const editing = fakeEditing();
    const cal = await mount(editing.editing, [event({})]);
    cal.select("2028-03-01T14:00:00", "2028-03-01T14:15:00");
    expect(editing.quickCreate).toHaveBeenCalledWith({ start: "2028-03-01T14:00:00", end: "2028-03-01T15:00:00", all_day: false }, expect.anything());
  });

  it("says a refused change and a conflict on the event", async () => {
    await mount(fakeEditing().editing, [
      event({ refused: "403 Forbidden: the calendar is full" }),
      event({ id: "b", href: "/home/b.ics", conflict: true }),
    ]);
    expect(elementOf("a").classList.contains("event-refused")).toBe(true);
    expect(elementOf("a").title).toBe("Standup (Home), the server refused the change: 403 Forbidden: the calendar is full");
    expect(elementOf("b").classList.contains("event-conflict")).toBe(true);
    expect(elementOf("b").title).toMatch(/Conflicts/);
  });
});
