import { describe, expect, it } from "vitest";
import type { EventDraft } from "../ipc";
import { keepLength, normaliseUrl, problemsOf, toDraft, valuesForDraft, valuesForSpan } from "./draft";

describe("the editor's values", () => {
  it("come from a slot: an all-day event shows its last day, not the exclusive end", () => {
    const allDay = valuesForSpan("2028-02-29", "2028-03-02", true, 3, "Europe/Berlin");
    expect(allDay).toMatchObject({ startDay: "2028-02-29", endDay: "2028-03-01", allDay: true, calendar: 3 });
    const timed = valuesForSpan("2028-02-29T09:30:00", "2028-02-29T10:45:00", false, null, "UTC");
    expect(timed).toMatchObject({ startDay: "2028-02-29", startTime: "09:30", endDay: "2028-02-29", endTime: "10:45" });
  });

  it("go back to the same draft they came from", () => {
    const draft: EventDraft = {
      calendar: 2,
      title: "Dentist",
      all_day: true,
      start: "2028-02-29",
      end: "2028-03-01",
      zone: "Europe/Berlin",
      repeat: { freq: "yearly", interval: 1, by_day: [], end: { kind: "never" } },
      alerts: [900],
      location: "Main St 1",
      url: "https://example.com/",
      notes: "Bring the card.\n",
    };
    expect(toDraft(valuesForDraft(draft))).toEqual({ draft });
  });
});

describe("problems, in words next to their field", () => {
  const values = valuesForSpan("2028-02-29T09:00:00", "2028-02-29T10:00:00", false, 1, "UTC");

  it("an end before the start", () => {
    expect(problemsOf({ ...values, endTime: "08:45" })).toEqual({ end: "The event ends before it starts." });
    expect(problemsOf({ ...values, endTime: "09:00" })).toEqual({});
    expect(problemsOf({ ...values, allDay: true, endDay: "2028-02-28" }).end).toBe("The event ends before it starts.");
  });

  it("missing days and times, a calendar, a web address, an alert", () => {
    expect(problemsOf({ ...values, startTime: "" }).start).toBe("Choose the day and time it starts.");
    expect(problemsOf({ ...values, endDay: "" }).end).toBe("Choose the day and time it ends.");
    expect(problemsOf({ ...values, calendar: null }).calendar).toBeDefined();
    expect(problemsOf({ ...values, url: "not an address" }).url).toMatch(/not a web address/);
    expect(problemsOf({ ...values, alerts: [15, null] }).alerts).toMatch(/whole numbers/);
  });

  it("stop the draft", () => {
    expect(toDraft({ ...values, endTime: "08:00" })).toEqual({ problems: { end: "The event ends before it starts." } });
  });
});

describe("the draft", () => {
  const values = valuesForSpan("2028-02-29T09:00:00", "2028-02-29T10:00:00", false, 1, "America/New_York");

  it("names an untitled new event, but leaves an existing one's title alone", () => {
    const made = toDraft(values);
    expect("draft" in made && made.draft).toMatchObject({ title: "New event", start: "2028-02-29T09:00:00", end: "2028-02-29T10:00:00", zone: "America/New_York" });
    const kept = toDraft(values, false);
    expect("draft" in kept && kept.draft.title).toBe("");
  });

  it("keeps alerts once each, in order, and empty texts as none", () => {
    const made = toDraft({ ...values, alerts: [60, 15, 60], location: "  ", notes: "" });
    expect("draft" in made && made.draft).toMatchObject({ alerts: [15, 60], location: null, notes: null, url: null });
  });

  it("adds https:// to an address typed without it", () => {
    expect(normaliseUrl("example.com/agenda")).toBe("https://example.com/agenda");
    expect(normaliseUrl("mailto:sam@example.com")).toBe("mailto:sam@example.com");
    expect(normaliseUrl("hello")).toBeNull();
  });
});

describe("moving the start", () => {
  it("keeps the event's length", () => {
    const before = valuesForSpan("2028-02-29T09:00:00", "2028-02-29T10:30:00", false, 1, "UTC");
    expect(keepLength(before, { ...before, startTime: "23:00" })).toMatchObject({ endDay: "2028-03-01", endTime: "00:30" });
    const days = valuesForSpan("2028-02-29", "2028-03-02", true, 1, "UTC");
    expect(keepLength(days, { ...days, startDay: "2028-03-10" })).toMatchObject({ endDay: "2028-03-11" });
  });
});
