import { describe, expect, it, vi } from "vitest";
import type { EventDetailsView } from "../ipc";
import { renderDetails, setUpDetails } from "./panel";

const hostile: EventDetailsView = {
  title: "<script>alert(1)</script><img src=x onerror=alert(2)>",
  calendar_name: "Home",
  color: "#34AADC",
  read_only: false,
  subscription: false,
  start: "2026-12-03T09:00:00",
  end: "2026-12-03T10:00:00",
  all_day: false,
  display_zone: "UTC",
  event_zone: "Europe/Berlin",
  event_zone_start: "2026-12-03T10:00:00",
  event_zone_end: "2026-12-03T11:00:00",
  location: "<b>Room</b> <iframe src=javascript:alert(5)>",
  map_url: null,
  notes: "Agenda at https://example.com/agenda?week=49&lang=en, minutes after.\nDo not open javascript:alert(3) or <a href=\"javascript:alert(4)\">this link</a>.",
  url: "javascript:alert(6)",
  organizer: null,
  attendees: [],
  recurrence: null,
  alarms: [],
  status: null,
  read_only_reason: null,
  pending: false,
  refused: null,
  conflict: false,
  invitation: null,
};

const rich: EventDetailsView = {
  ...hostile,
  title: "Design review",
  calendar_name: "Work",
  read_only: true,
  start: "2026-12-01T17:00:00",
  end: "2026-12-01T18:00:00",
  event_zone: "America/Los_Angeles",
  event_zone_start: "2026-12-01T09:00:00",
  event_zone_end: "2026-12-01T10:00:00",
  location: "Apple Park\nOne Apple Park Way, Cupertino, CA 95014",
  map_url: "https://maps.apple.com/?ll=37.3349,-122.00902&q=Apple%20Park",
  notes: "Slides: https://example.com/design/review-deck",
  url: "https://example.com/design",
  organizer: { name: "Sam Example", address: "sam@example.com", status: "Accepted" },
  attendees: [
    { name: "Almanac Tester", address: "almanac.tester@icloud.com", status: "Not answered" },
    { name: null, address: "kim@example.com", status: "Declined" },
  ],
  recurrence: "Every 2 weeks on Tuesday and Thursday, until 31 March 2027",
  alarms: ["15 minutes before"],
  status: "Tentative",
};

function render(view: EventDetailsView) {
  const root = document.createElement("aside");
  const open = vi.fn();
  const close = vi.fn();
  renderDetails(root, view, "en-GB", { open, close });
  return { root, open, close };
}

describe("renderDetails", () => {
  it("renders hostile event text as inert text", () => {
    const { root } = render(hostile);
    expect(root.querySelector("script, img, iframe, b")).toBeNull();
    expect(root.querySelector(".details-title")?.textContent).toBe(hostile.title);
    expect(root.textContent).toContain("<iframe src=javascript:alert(5)>");
    const hrefs = [...root.querySelectorAll("a")].map((a) => a.getAttribute("href"));
    expect(hrefs).toEqual(["https://example.com/agenda?week=49&lang=en"]);
    expect(root.textContent).toContain("javascript:alert(6)");
  });

  it("shows the time in the display zone and in the event's own", () => {
    const { root } = render(hostile);
    expect(root.querySelector(".details-when")?.textContent).toMatch(/09:00\s*–\s*10:00/);
    expect(root.textContent).toContain("Times in UTC");
    expect(root.querySelector(".details-event-zone")?.textContent).toMatch(/10:00\s*–\s*11:00 in Europe\/Berlin$/);
  });

  it("says a subscription is read-only because its events come from a feed", () => {
    const { root } = render({ ...rich, calendar_name: "US Holidays", subscription: true });
    const note = root.querySelector(".read-only-note")?.textContent ?? "";
    expect(note).toMatch(/subscription/);
    expect(note).not.toMatch(/owner/);
    expect(render(rich).root.querySelector(".read-only-note")?.textContent).toMatch(/owner/);
  });

  it("shows every detail of a rich event, and says when the calendar is read-only", () => {
    const { root, open } = render(rich);
    const text = root.textContent;
    for (const part of [
      "Every 2 weeks on Tuesday and Thursday",
      "One Apple Park Way",
      "Sam Example",
      "Almanac Tester",
      "Not answered",
      "kim@example.com",
      "Declined",
      "15 minutes before",
      "Tentative",
      "Read-only",
      "in America/Los Angeles",
    ]) {
      expect(text).toContain(part);
    }
    const map = [...root.querySelectorAll("a")].find((a) => a.textContent === "Show on map");
    map?.click();
    expect(open).toHaveBeenCalledWith(rich.map_url);
  });

  it("says all-day spans without times", () => {
    const { root } = render({ ...rich, all_day: true, start: "2026-12-24", end: "2026-12-26", event_zone: null });
    expect(root.querySelector(".details-when")?.textContent).toMatch(/^Thursday,? 24(\sDecember)?\s*–\s*Friday,? 25 December 2026 \(all day, 2 days\)$/);
    expect(root.textContent).not.toContain("Times in");
  });

  it("closes from its button", () => {
    const { root, close } = render(rich);
    root.querySelector<HTMLButtonElement>(".details-close")?.click();
    expect(close).toHaveBeenCalled();
  });
});

describe("setUpDetails", () => {
  it("loads, shows, closes on Escape and gives focus back to the event", async () => {
    const root = document.body.appendChild(document.createElement("aside"));
    root.hidden = true;
    const trigger = document.body.appendChild(document.createElement("button"));
    const fetch = vi.fn(() => Promise.resolve(rich));
    const panel = setUpDetails(root, "en-GB", fetch, vi.fn(), () => "failed");
    panel.show({ calendar: 2, href: "/work/x.ics", start: "2026-12-01T17:00:00" }, trigger);
    expect(root.hidden).toBe(false);
    expect(fetch).toHaveBeenCalledWith({ calendar: 2, href: "/work/x.ics", start: "2026-12-01T17:00:00" });
    await vi.waitFor(() => {
      expect(root.querySelector(".details-title")?.textContent).toBe("Design review");
    });
    expect(document.activeElement).toBe(root.querySelector(".details-title"));
    root.querySelector(".details-title")?.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true }));
    expect(root.hidden).toBe(true);
    expect(document.activeElement).toBe(trigger);
  });

  it("gives focus to the event's new element when the calendar redrew it meanwhile", async () => {
    const root = document.body.appendChild(document.createElement("aside"));
    const old = document.body.appendChild(document.createElement("a"));
    old.tabIndex = 0;
    const panel = setUpDetails(root, "en-GB", () => Promise.resolve(rich), vi.fn(), () => "failed");
    const key = { calendar: 2, href: "/work/x.ics", start: "2026-12-01T17:00:00" };
    panel.show(key, old);
    await vi.waitFor(() => {
      expect(root.querySelector(".details-title")?.textContent).toBe("Design review");
    });
    old.remove();
    const redrawn = document.body.appendChild(document.createElement("a"));
    redrawn.tabIndex = 0;
    redrawn.dataset["occurrence"] = "2|/work/x.ics|2026-12-01T17:00:00";
    panel.hide();
    expect(document.activeElement).toBe(redrawn);
  });

  it("adds other features' rows under the title, and says which event it shows", async () => {
    const root = document.body.appendChild(document.createElement("aside"));
    const row = document.createElement("div");
    row.className = "details-actions";
    const extras = vi.fn(() => [row]);
    const panel = setUpDetails(root, "en-GB", () => Promise.resolve(rich), vi.fn(), () => "failed", extras);
    const key = { calendar: 2, href: "/work/x.ics", start: "2026-12-01T17:00:00" };
    expect(panel.shown).toBeNull();
    panel.show(key, null);
    await vi.waitFor(() => {
      expect(root.querySelector(".details-head + .details-actions")).toBe(row);
    });
    expect(extras).toHaveBeenCalledWith(key, rich);
    expect(panel.shown).toEqual(key);
    panel.hide();
    expect(panel.shown).toBeNull();
  });

  it("says why when the event cannot be loaded", async () => {
    const root = document.body.appendChild(document.createElement("aside"));
    const panel = setUpDetails(root, "en-GB", () => Promise.reject(new Error("gone")), vi.fn(), () => "This event is no longer there.");
    panel.show({ calendar: 1, href: "/a", start: "2026-01-01" }, null);
    await vi.waitFor(() => {
      expect(root.textContent).toContain("This event is no longer there.");
    });
  });
});
