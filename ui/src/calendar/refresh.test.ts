import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Calendar } from "@fullcalendar/core";
import type { EventView } from "../ipc";
import { toEventInput } from "./events";
import { mountCalendar, refreshEvents } from "./view";

const event = (id: string, title: string): EventView => ({
  id, calendar: 1, href: `/home/${id}.ics`, title, start: "2026-12-15T09:00:00", end: "2026-12-15T10:00:00", all_day: false,
  color: null, location: null, pending: false, refused: null, conflict: false,
});

describe("refreshEvents", () => {
  let root: HTMLElement;
  let calendar: Calendar;
  let stored: EventView[];
  let loads: number;
  let name: string;
  beforeEach(() => {
    vi.stubGlobal("ResizeObserver", class { observe(): void {} disconnect(): void {} });
    root = document.createElement("div");
    document.body.append(root);
    stored = [event("a", "Standup")];
    loads = 0;
    name = "Home";
    calendar = mountCalendar(root, {
      locale: "en-US",
      zone: () => "UTC",
      load: () => {
        loads += 1;
        return Promise.resolve(stored.map(toEventInput));
      },
      open: vi.fn(),
      goToDate: vi.fn(),
      calendarName: () => name,
    });
    calendar.gotoDate("2026-12-15");
  });
  afterEach(() => {
    calendar.destroy();
    root.remove();
    vi.unstubAllGlobals();
  });

  const drawn = (id: string): HTMLElement | null => root.querySelector<HTMLElement>(`[data-event-id='${id}']`);
  it("redraws only when the range's events changed, with what it loaded", async () => {
    await vi.waitFor(() => {
      expect(drawn("a")).not.toBeNull();
    });
    const refetch = vi.spyOn(calendar, "refetchEvents");
    const loadsBefore = loads;
    refreshEvents(calendar, "Home");
    // Answers come in the order asked: the first (nothing changed) is judged before this one.
    stored = [event("a", "Standup"), event("b", "Review")];
    refreshEvents(calendar, "Home");
    await vi.waitFor(() => {
      expect(drawn("b")).not.toBeNull();
    });
    expect(refetch).toHaveBeenCalledTimes(1);
    // The redraw used the answer already loaded.
    expect(loads).toBe(loadsBefore + 2);
  });

  it("names the drawn elements again, without a redraw, when only their labels changed", async () => {
    await vi.waitFor(() => {
      expect(drawn("a")?.title).toBe("Standup (Home)");
    });
    const before = drawn("a");
    const refetch = vi.spyOn(calendar, "refetchEvents");
    name = "Office";
    refreshEvents(calendar, "Office");
    await vi.waitFor(() => {
      expect(drawn("a")?.title).toBe("Standup (Office)");
    });
    expect(drawn("a")).toBe(before);
    expect(refetch).not.toHaveBeenCalled();
  });
});
