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
  beforeEach(() => {
    vi.stubGlobal("ResizeObserver", class { observe(): void {} disconnect(): void {} });
    root = document.createElement("div");
    document.body.append(root);
    stored = [event("a", "Standup")];
    loads = 0;
    calendar = mountCalendar(root, {
      locale: "en-US",
      zone: () => "UTC",
      load: () => {
        loads += 1;
        return Promise.resolve(stored.map(toEventInput));
      },
      open: vi.fn(),
      goToDate: vi.fn(),
      calendarName: () => "Home",
    });
    calendar.gotoDate("2026-12-15");
  });
  afterEach(() => {
    calendar.destroy();
    root.remove();
    vi.unstubAllGlobals();
  });

  const drawn = (id: string): HTMLElement | null => root.querySelector<HTMLElement>(`[data-event-id='${id}']`);
  /** The first draw had no labels yet (as at start, before the first overview): given them. */
  const labelled = async (): Promise<void> => {
    const refetch = vi.spyOn(calendar, "refetchEvents");
    refreshEvents(calendar, "Home");
    await vi.waitFor(() => {
      expect(refetch).toHaveBeenCalledTimes(1);
    });
    await vi.waitFor(() => {
      expect(drawn("a")).not.toBeNull();
    });
    refetch.mockRestore();
  };

  it("redraws only when the range's events changed, with what it loaded", async () => {
    await labelled();
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

  it("redraws when what labels the events changed, though they did not", async () => {
    await labelled();
    const refetch = vi.spyOn(calendar, "refetchEvents");
    refreshEvents(calendar, "Home");
    refreshEvents(calendar, "Home, renamed");
    await vi.waitFor(() => {
      expect(refetch).toHaveBeenCalledTimes(1);
    });
  });
});
