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
    { id: 7, account: 1, name: "<img src=x onerror=alert(1)>", color: "#FF2968", enabled: true, read_only: false, notify: true, progress: { fetched: 40, total: 120 }, health: null },
    { id: 8, account: 1, name: "Holidays", color: null, enabled: false, read_only: true, notify: false, progress: null, health: null },
  ],
  display_zone: "Europe/Berlin",
  clock_skew_ms: 0,
};

const actions = () => ({ toggle: vi.fn(), syncNow: vi.fn(), showProblems: vi.fn() });

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
