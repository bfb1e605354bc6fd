import { describe, expect, it } from "vitest";
import type { EventView } from "../ipc";
import { occurrenceId, occurrenceKey, toEventInput } from "./events";

const view = (over: Partial<EventView>): EventView => ({
  id: "1|/a.ics|", calendar: 1, href: "/cal/a.ics", title: "Holiday", start: "2026-12-24", end: "2026-12-25",
  all_day: true, color: "#FF2968", location: null, pending: false, refused: null, conflict: false, ...over,
});

describe("toEventInput", () => {
  it("keeps all-day dates and the calendar colour", () => {
    const input = toEventInput(view({}));
    expect(input).toMatchObject({ start: "2026-12-24", end: "2026-12-25", allDay: true, borderColor: "#FF2968", textColor: "var(--text)" });
    expect(input.backgroundColor).toBe("color-mix(in srgb, #FF2968 24%, var(--surface))");
  });

  it("passes wall-clock times through untouched, and leaves the colour to the theme when none", () => {
    const input = toEventInput(view({ start: "2026-12-01T10:00:00", end: "2026-12-01T11:00:00", all_day: false, color: null }));
    expect(input.start).toBe("2026-12-01T10:00:00");
    expect(input.end).toBe("2026-12-01T11:00:00");
    expect(input.backgroundColor).toBeUndefined();
    expect(input.allDay).toBe(false);
  });

  it("marks an event the server does not have yet, and only that one", () => {
    expect(toEventInput(view({ pending: true })).classNames).toEqual(["event-pending"]);
    expect(toEventInput(view({})).classNames).toBeUndefined();
  });

  it("keeps what event_details needs, with the start string as the shell sent it", () => {
    const input = toEventInput(view({ calendar: 7, href: "/w/x@y.ics", start: "2026-12-01T10:00:00" }));
    expect(occurrenceKey(input.extendedProps ?? {})).toEqual({ calendar: 7, href: "/w/x@y.ics", start: "2026-12-01T10:00:00" });
  });
});

describe("occurrenceKey", () => {
  it("refuses props that are not ours", () => {
    expect(occurrenceKey({})).toBeNull();
    expect(occurrenceKey({ calendar: "1", href: "/a", start: "x" })).toBeNull();
  });
});

describe("occurrenceId", () => {
  it("names an occurrence in one string", () => {
    expect(occurrenceId({ calendar: 2, href: "/w/x.ics", start: "2026-12-01T17:00:00" })).toBe("2|/w/x.ics|2026-12-01T17:00:00");
  });
});
