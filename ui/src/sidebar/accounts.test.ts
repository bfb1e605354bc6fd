import { describe, expect, it, vi } from "vitest";
import type { Overview } from "../ipc";
import { lastSyncText, problemsText, renderSidebar } from "./accounts";

const data: Overview = {
  accounts: [
    {
      id: 1, kind: "icloud", username: "jane@icloud.com", state: "needs_relink", state_text: "Needs a new password",
      last_success: "2026-11-20T08:00:00Z", problems: 2,
    },
  ],
  calendars: [
    { id: 7, account: 1, name: "<img src=x onerror=alert(1)>", color: "#FF2968", enabled: true, read_only: false, notify: true, progress: { fetched: 40, total: 120 }, health: null, not_shown: null, feed_url: null, can_unsubscribe: false },
    { id: 8, account: 1, name: "Holidays", color: null, enabled: false, read_only: true, notify: false, progress: null, health: null, not_shown: null, feed_url: null, can_unsubscribe: false },
  ],
  display_zone: "Europe/Berlin",
  clock_skew_ms: 0,
};

const actions = () => ({ toggle: vi.fn(), syncNow: vi.fn(), showProblems: vi.fn(), unsubscribe: vi.fn() });

describe("renderSidebar", () => {
  it("shows names as text, never as markup", () => {
    const root = document.createElement("div");
    renderSidebar(root, data, actions(), "en-US");
    expect(root.querySelector("img")).toBeNull();
    expect(root.textContent).toContain("<img src=x onerror=alert(1)>");
  });

  it("says the state in words and keeps the saved-data time", () => {
    const root = document.createElement("div");
    renderSidebar(root, data, actions(), "en-US");
    expect(root.querySelector(".account-state")?.textContent).toBe("Needs a new password");
    expect(root.querySelector(".account-saved")?.textContent).toMatch(/^Saved data as of /);
    expect(root.querySelector(".badge")?.textContent).toBe("read-only");
  });

  it("shows a calendar's fetch progress as a bar and in words", () => {
    const root = document.createElement("div");
    renderSidebar(root, data, actions(), "en-US");
    const bar = root.querySelector<HTMLProgressElement>('[data-calendar-row="7"] progress');
    expect(bar?.value).toBe(40);
    expect(bar?.max).toBe(120);
    expect(bar?.getAttribute("aria-label")).toContain("40 of 120 events fetched");
    expect(root.querySelector('[data-calendar-row="7"] .progress-text')?.textContent).toBe("40 / 120");
    expect(root.querySelector('[data-calendar-row="8"] progress')).toBeNull();
  });

  it("says under a calendar what its last sync could not do, as text", () => {
    const root = document.createElement("div");
    const health = "The server failed while syncing this calendar (500); <b>tried</b> again.";
    const troubled = { ...data, calendars: data.calendars.map((c) => (c.id === 8 ? { ...c, health } : c)) };
    renderSidebar(root, troubled, actions(), "en-US");
    expect(root.querySelector('[data-calendar-row="8"] .calendar-health')?.textContent).toBe(health);
    expect(root.querySelector('[data-calendar-row="8"] b')).toBeNull();
    expect(root.querySelector('[data-calendar-row="7"] .calendar-health')).toBeNull();
  });

  it("links to the sync problems of an account that has some", () => {
    const root = document.createElement("div");
    const act = actions();
    renderSidebar(root, data, act, "en-US");
    const link = root.querySelector<HTMLButtonElement>(".problems-link");
    expect(link?.textContent).toBe("2 sync problems");
    link?.click();
    expect(act.showProblems).toHaveBeenCalledWith(data.accounts[0]);
    const clean = { ...data, accounts: data.accounts.map((a) => ({ ...a, problems: 0 })) };
    renderSidebar(root, clean, act, "en-US");
    expect(root.querySelector(".problems-link")).toBeNull();
  });

  it("names task lists apart as not shown, with one sentence why, and no checkbox", () => {
    const root = document.createElement("div");
    const why = "Almanac shows events, not tasks; and iCloud Reminders upgraded since iOS 13 are not served over CalDAV at all, so only Apple's Reminders app can show them.";
    const lists = [
      { id: 9, account: 1, name: "Reminders", color: "#FF9500", enabled: true, read_only: false, notify: true, progress: null, health: null, not_shown: why, feed_url: null, can_unsubscribe: false },
      { id: 10, account: 1, name: "Groceries <i>", color: null, enabled: true, read_only: false, notify: true, progress: null, health: null, not_shown: why, feed_url: null, can_unsubscribe: false },
    ];
    renderSidebar(root, { ...data, calendars: [...data.calendars, ...lists] }, actions(), "en-US");
    expect(root.querySelector('[data-calendar-row="9"]')).toBeNull();
    expect(root.querySelector('input[data-calendar="10"]')).toBeNull();
    const block = root.querySelector(".not-shown");
    expect(block?.querySelector(".not-shown-names")?.textContent).toBe("Task lists not shown: Reminders, Groceries <i>");
    expect(block?.querySelector("i")).toBeNull();
    expect(block?.querySelectorAll(".not-shown-why")).toHaveLength(1);
    expect(block?.querySelector(".not-shown-why")?.textContent).toBe(why);
    renderSidebar(root, data, actions(), "en-US");
    expect(root.querySelector(".not-shown")).toBeNull();
  });

  it("marks subscriptions, offers to end the user's own, and groups those with no account", () => {
    const root = document.createElement("div");
    const act = actions();
    const feed = "https://calendar.example.com/us.ics";
    const listed = { id: 11, account: 1, name: "US Holidays", color: "#8E8E93", enabled: true, read_only: true, notify: true, progress: null, health: null, not_shown: null, feed_url: feed, can_unsubscribe: false };
    const own = { id: 12, account: null, name: "F1 <script>", color: null, enabled: true, read_only: true, notify: true, progress: null, health: "The feed's server failed (500); the last copy Almanac got is shown.", not_shown: null, feed_url: feed, can_unsubscribe: true };
    renderSidebar(root, { ...data, calendars: [...data.calendars, listed, own] }, act, "en-US");
    const listedRow = root.querySelector('[data-calendar-row="11"]');
    expect(listedRow?.querySelector(".badge")?.textContent).toBe("subscription");
    expect(listedRow?.closest("section")?.dataset["account"]).toBe("1");
    expect(listedRow?.querySelector("[data-unsubscribe]")).toBeNull();
    const group = root.querySelector<HTMLElement>('section[data-account="none"]');
    expect(group?.querySelector(".account-name")?.textContent).toBe("Subscriptions");
    expect(group?.querySelector("script")).toBeNull();
    expect(group?.querySelector(".calendar-health")?.textContent).toContain("last copy");
    const end = group?.querySelector<HTMLButtonElement>('[data-unsubscribe="12"]');
    expect(end?.getAttribute("aria-label")).toBe("Unsubscribe from F1 <script>");
    end?.click();
    expect(act.unsubscribe).toHaveBeenCalledWith(own);
    renderSidebar(root, data, act, "en-US");
    expect(root.querySelector('section[data-account="none"]')).toBeNull();
  });

  it("reports checkbox changes with the calendar's id", () => {
    const root = document.body.appendChild(document.createElement("div"));
    const act = actions();
    renderSidebar(root, data, act, "en-US");
    const box = root.querySelector<HTMLInputElement>('input[data-calendar="8"]');
    expect(box?.checked).toBe(false);
    box?.click();
    expect(act.toggle).toHaveBeenCalledWith(8, true);
  });

  it("keeps keyboard focus on the same control when redrawn", () => {
    const root = document.body.appendChild(document.createElement("div"));
    renderSidebar(root, data, actions(), "en-US");
    root.querySelector<HTMLInputElement>('input[data-calendar="8"]')?.focus();
    renderSidebar(root, data, actions(), "en-US");
    expect(document.activeElement).toBe(root.querySelector('input[data-calendar="8"]'));
  });
});

describe("texts", () => {
  const account = data.accounts[0];
  it("says when the account last synced, in the display zone", () => {
    if (!account) throw new Error("fixture");
    expect(lastSyncText({ ...account, state: "active" }, "Europe/Berlin", "en-GB")).toBe("Last synced 20 Nov 2026, 09:00");
    expect(lastSyncText({ ...account, state: "offline" }, "UTC", "en-GB")).toBe("Saved data as of 20 Nov 2026, 08:00");
    expect(lastSyncText({ ...account, state: "syncing", last_success: null }, "UTC", "en-GB")).toBe("First sync in progress");
  });

  it("counts problems in words", () => {
    expect(problemsText(1)).toBe("1 sync problem");
    expect(problemsText(3)).toBe("3 sync problems");
  });
});
