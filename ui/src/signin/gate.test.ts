import { describe, expect, it } from "vitest";
import type { CalendarView, Overview } from "../ipc";
import { setUpGate } from "./gate";

const empty: Overview = { accounts: [], calendars: [], display_zone: "UTC", clock_skew_ms: 0 };
const feed: CalendarView = {
  id: 9, account: null, name: "Holidays", color: null, enabled: true, read_only: true, notify: false, progress: null,
  health: null, not_shown: null, feed_url: "https://example.com/holidays.ics", can_unsubscribe: true,
};

function setUp() {
  const overlay = document.createElement("div");
  const note = document.createElement("p");
  return { overlay, note, gate: setUpGate(overlay, note) };
}

describe("the sign-in gate", () => {
  it("shows the form and the empty note with nothing to show", () => {
    const { overlay, note, gate } = setUp();
    expect(gate.show(empty)).toBe(false);
    expect(overlay.hidden).toBe(false);
    expect(note.hidden).toBe(false);
    expect(note.textContent).toBe("No calendars yet. Sign in to see yours here.");
  });

  it("steps aside for an account, or for a subscription made with none", () => {
    const withAccount: Overview = {
      ...empty,
      accounts: [{ id: 1, kind: "icloud", username: "jane@icloud.com", state: "active", state_text: "Up to date", last_success: null, problems: 0 }],
    };
    for (const data of [withAccount, { ...empty, calendars: [feed] }]) {
      const { overlay, note, gate } = setUp();
      expect(gate.show(data)).toBe(true);
      expect(overlay.hidden).toBe(true);
      expect(note.hidden).toBe(true);
    }
  });

  it("says when the saved calendars could not be read, and recovers", () => {
    const { note, gate } = setUp();
    gate.show({ ...empty, calendars: [feed] });
    gate.unreadable("The store is locked.");
    expect(note.hidden).toBe(false);
    expect(note.textContent).toBe("Almanac could not read its saved calendars: The store is locked.");
    gate.show(empty);
    expect(note.textContent).toBe("No calendars yet. Sign in to see yours here.");
  });
});
