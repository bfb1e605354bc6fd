import { describe, expect, it } from "vitest";
import { keyboardSpan } from "./keymove";

const press = (key: string, over: Partial<{ altKey: boolean; shiftKey: boolean; ctrlKey: boolean; metaKey: boolean }> = {}) => ({
  key, altKey: true, shiftKey: false, ctrlKey: false, metaKey: false, ...over,
});
const timed = { start: new Date("2028-02-29T09:00:00Z"), end: new Date("2028-02-29T10:00:00Z"), allDay: false };
const allDay = { start: new Date("2028-02-29T00:00:00Z"), end: new Date("2028-03-01T00:00:00Z"), allDay: true };
const iso = (span: { start: Date; end: Date } | null) => span && [span.start.toISOString(), span.end.toISOString()];

describe("keyboardSpan", () => {
  it("moves a timed event by 15 minutes in the hours and by a day sideways", () => {
    expect(iso(keyboardSpan(press("ArrowDown"), timed, true))).toEqual(["2028-02-29T09:15:00.000Z", "2028-02-29T10:15:00.000Z"]);
    expect(iso(keyboardSpan(press("ArrowUp"), timed, true))).toEqual(["2028-02-29T08:45:00.000Z", "2028-02-29T09:45:00.000Z"]);
    expect(iso(keyboardSpan(press("ArrowRight"), timed, true))).toEqual(["2028-03-01T09:00:00.000Z", "2028-03-01T10:00:00.000Z"]);
    expect(iso(keyboardSpan(press("ArrowLeft"), timed, true))).toEqual(["2028-02-28T09:00:00.000Z", "2028-02-28T10:00:00.000Z"]);
  });

  it("moves by a week up and down where the view shows whole days, and all-day events always", () => {
    expect(iso(keyboardSpan(press("ArrowDown"), timed, false))).toEqual(["2028-03-07T09:00:00.000Z", "2028-03-07T10:00:00.000Z"]);
    expect(iso(keyboardSpan(press("ArrowUp"), allDay, true))).toEqual(["2028-02-22T00:00:00.000Z", "2028-02-23T00:00:00.000Z"]);
  });

  it("with Shift moves only the end, and never below one step or one day", () => {
    expect(iso(keyboardSpan(press("ArrowDown", { shiftKey: true }), timed, true))).toEqual(["2028-02-29T09:00:00.000Z", "2028-02-29T10:15:00.000Z"]);
    const short = { ...timed, end: new Date("2028-02-29T09:15:00Z") };
    expect(keyboardSpan(press("ArrowUp", { shiftKey: true }), short, true)).toBeNull();
    expect(keyboardSpan(press("ArrowLeft", { shiftKey: true }), allDay, false)).toBeNull();
    expect(iso(keyboardSpan(press("ArrowRight", { shiftKey: true }), allDay, false))).toEqual(["2028-02-29T00:00:00.000Z", "2028-03-02T00:00:00.000Z"]);
  });

  it("keeps all-day events all-day", () => {
    expect(keyboardSpan(press("ArrowRight"), allDay, true)?.allDay).toBe(true);
  });

  it("leaves keys without Alt, or with Ctrl or Meta, and other keys alone", () => {
    expect(keyboardSpan(press("ArrowDown", { altKey: false }), timed, true)).toBeNull();
    expect(keyboardSpan(press("ArrowDown", { ctrlKey: true }), timed, true)).toBeNull();
    expect(keyboardSpan(press("ArrowDown", { metaKey: true }), timed, true)).toBeNull();
    expect(keyboardSpan(press("Enter"), timed, true)).toBeNull();
  });
});
