import { describe, expect, it } from "vitest";
import { toEventInput } from "./events";

describe("toEventInput", () => {
  it("keeps all-day dates and the calendar colour", () => {
    const input = toEventInput({
      id: "1|/a.ics|", calendar: 1, title: "Holiday", start: "2026-12-24", end: "2026-12-25",
      all_day: true, color: "#FF2968", location: null,
    });
    expect(input).toMatchObject({ start: "2026-12-24", end: "2026-12-25", allDay: true, backgroundColor: "#FF2968" });
  });

  it("leaves the colour to the theme when the server gave none", () => {
    const input = toEventInput({
      id: "2", calendar: 1, title: "Call", start: "2026-12-01T09:00:00Z", end: "2026-12-01T10:00:00Z",
      all_day: false, color: null, location: "Room 1",
    });
    expect(input.backgroundColor).toBeUndefined();
    expect(input.allDay).toBe(false);
  });
});
