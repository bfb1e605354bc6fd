import { describe, expect, it, vi } from "vitest";
import type { Overview } from "../ipc";
import { renderSidebar } from "./accounts";

const data: Overview = {
  accounts: [
    { id: 1, kind: "icloud", username: "jane@icloud.com", state: "needs_relink", state_text: "Needs a new password", last_success: "2026-11-20T08:00:00Z" },
  ],
  calendars: [
    { id: 7, account: 1, name: "<img src=x onerror=alert(1)>", color: "#FF2968", enabled: true, read_only: false },
    { id: 8, account: 1, name: "Holidays", color: null, enabled: false, read_only: true },
  ],
};

describe("renderSidebar", () => {
  it("shows names as text, never as markup", () => {
    const root = document.createElement("div");
    renderSidebar(root, data, { toggle: vi.fn(), syncNow: vi.fn(), remove: vi.fn() }, "en-US");
    expect(root.querySelector("img")).toBeNull();
    expect(root.textContent).toContain("<img src=x onerror=alert(1)>");
  });

  it("says the state in words and keeps the saved-data time", () => {
    const root = document.createElement("div");
    renderSidebar(root, data, { toggle: vi.fn(), syncNow: vi.fn(), remove: vi.fn() }, "en-US");
    expect(root.querySelector(".account-state")?.textContent).toBe("Needs a new password");
    expect(root.querySelector(".account-saved")?.textContent).toMatch(/^Saved data as of /);
    expect(root.querySelector(".badge")?.textContent).toBe("read-only");
  });

  it("reports checkbox changes with the calendar's id", () => {
    const root = document.body.appendChild(document.createElement("div"));
    const toggle = vi.fn();
    renderSidebar(root, data, { toggle, syncNow: vi.fn(), remove: vi.fn() }, "en-US");
    const box = root.querySelector<HTMLInputElement>('input[data-calendar="8"]');
    expect(box?.checked).toBe(false);
    box?.click();
    expect(toggle).toHaveBeenCalledWith(8, true);
  });
});
