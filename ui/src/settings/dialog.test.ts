import { beforeEach, describe, expect, it, vi } from "vitest";
import page from "../../index.html?raw";
import type { Overview, SettingsView } from "../ipc";
import { type SettingsActions, intervalChoices, intervalLabel, renderAccountSettings, setUpSettings, zoneChoices } from "./dialog";

const overview: Overview = {
  accounts: [{ id: 1, kind: "icloud", username: "jane@icloud.com", state: "active", state_text: "Up to date", last_success: null, problems: 0 }],
  calendars: [
    { id: 7, account: 1, name: "Work <b>", color: "#FF2968", enabled: true, read_only: false, notify: true, progress: null, health: null, not_shown: null, feed_url: null, can_unsubscribe: false },
    { id: 8, account: 1, name: "Team Holidays", color: null, enabled: true, read_only: true, notify: false, progress: null, health: null, not_shown: null, feed_url: null, can_unsubscribe: false },
  ],
  display_zone: "UTC",
  clock_skew_ms: 0,
};

const current: SettingsView = {
  sync_minutes: 15, start_at_login: false, zone_override: null, system_zone: "UTC", data_dir: "/home/jane/.local/share/app.almanac.desktop",
};

function actions(over: Partial<SettingsActions> = {}): SettingsActions {
  return {
    load: vi.fn(() => Promise.resolve(current)),
    setSyncInterval: vi.fn(() => Promise.resolve()),
    setStartAtLogin: vi.fn(() => Promise.resolve()),
    setZoneOverride: vi.fn(() => Promise.resolve()),
    setCalendarNotify: vi.fn(() => Promise.resolve()),
    exportCalendar: vi.fn(() => Promise.resolve("/home/jane/Work.ics")),
    diagnostics: vi.fn(() => Promise.resolve("Almanac 0.1.0\naccounts: 1")),
    openDataDir: vi.fn(() => Promise.resolve()),
    writeClipboard: vi.fn(() => Promise.resolve()),
    removeAccount: vi.fn(),
    changed: vi.fn(),
    describe: (err) => (err instanceof Error ? err.message : "failed"),
    ...over,
  };
}

beforeEach(() => {
  const parsed = new DOMParser().parseFromString(page, "text/html");
  document.body.replaceChildren(...parsed.body.children);
});

describe("choices", () => {
  it("offers the usual intervals and keeps an unusual current one", () => {
    expect(intervalChoices(15)).toEqual([5, 15, 30, 60]);
    expect(intervalChoices(120)).toEqual([5, 15, 30, 60, 120]);
    expect(intervalLabel(5)).toBe("Every 5 minutes");
    expect(intervalLabel(60)).toBe("Every hour");
    expect(intervalLabel(120)).toBe("Every 2 hours");
  });

  it("puts the system zone first and keeps an override the engine does not know", () => {
    const choices = zoneChoices("Europe/Berlin", ["America/Los_Angeles", "Europe/Berlin"], "Mars/Olympus_Mons");
    expect(choices[0]).toEqual({ value: "", label: "System (Europe/Berlin)" });
    expect(choices.map((c) => c.value)).toEqual(["", "Mars/Olympus_Mons", "America/Los_Angeles", "Europe/Berlin"]);
    expect(choices[2]?.label).toBe("America/Los Angeles");
  });
});

describe("renderAccountSettings", () => {
  it("lists calendars as text with their notification switch and export", async () => {
    const root = document.body.appendChild(document.createElement("div"));
    const act = actions();
    renderAccountSettings(root, overview, act);
    expect(root.querySelector("b")).toBeNull();
    expect(root.textContent).toContain("Work <b>");
    expect(root.querySelector(".settings-account-name")?.textContent).toBe("iCloud (jane@icloud.com)");
    const notify = root.querySelector<HTMLInputElement>('input[data-notify="8"]');
    expect(notify?.checked).toBe(false);
    expect(notify?.getAttribute("aria-label")).toBe("Notifications for Team Holidays");
    notify?.click();
    expect(act.setCalendarNotify).toHaveBeenCalledWith(8, true);
    await vi.waitFor(() => {
      expect(act.changed).toHaveBeenCalled();
    });
    root.querySelector<HTMLButtonElement>('button[data-export="7"]')?.click();
    expect(act.exportCalendar).toHaveBeenCalledWith(7);
    await vi.waitFor(() => {
      expect(root.textContent).toContain("Saved to /home/jane/Work.ics");
    });
    root.querySelector<HTMLButtonElement>(".remove-account")?.click();
    expect(act.removeAccount).toHaveBeenCalledWith(overview.accounts[0]);
  });

  it("leaves task lists out: they are not shown, so nothing notifies or exports", () => {
    const root = document.body.appendChild(document.createElement("div"));
    const list = { id: 9, account: 1, name: "Reminders", color: null, enabled: true, read_only: false, notify: true, progress: null, health: null, not_shown: "Almanac shows events, not tasks.", feed_url: null, can_unsubscribe: false };
    renderAccountSettings(root, { ...overview, calendars: [...overview.calendars, list] }, actions());
    expect(root.querySelectorAll(".settings-calendar")).toHaveLength(2);
    expect(root.querySelector('input[data-notify="9"]')).toBeNull();
  });

  it("lists subscriptions with no account in their own group, even with no account at all", () => {
    const root = document.body.appendChild(document.createElement("div"));
    const own = { id: 12, account: null, name: "F1", color: null, enabled: true, read_only: true, notify: true, progress: null, health: null, not_shown: null, feed_url: "https://f1.example/cal.ics", can_unsubscribe: true };
    renderAccountSettings(root, { ...overview, accounts: [], calendars: [own] }, actions());
    expect(root.querySelector('[data-account="none"] .settings-account-name')?.textContent).toBe("Subscriptions");
    expect(root.querySelector('input[data-notify="12"]')).not.toBeNull();
    expect(root.querySelector(".remove-account")).toBeNull();
    renderAccountSettings(root, { ...overview, accounts: [], calendars: [] }, actions());
    expect(root.textContent).toBe("No accounts yet.");
  });

  it("puts a refused notification switch back", async () => {
    const root = document.body.appendChild(document.createElement("div"));
    renderAccountSettings(root, overview, actions({ setCalendarNotify: () => Promise.reject(new Error("Storage is busy.")) }));
    const notify = root.querySelector<HTMLInputElement>('input[data-notify="7"]');
    notify?.click();
    await vi.waitFor(() => {
      expect(notify?.checked).toBe(true);
    });
    expect(root.textContent).toContain("Storage is busy.");
  });
});

describe("setUpSettings", () => {
  it("shows the stored settings and saves each change", async () => {
    const act = actions();
    const dialog = setUpSettings(act);
    dialog.update(overview);
    dialog.show();
    const interval = document.querySelector<HTMLSelectElement>("#sync-interval");
    const zone = document.querySelector<HTMLSelectElement>("#zone-override");
    await vi.waitFor(() => {
      expect(document.querySelector("#data-dir")?.textContent).toBe(current.data_dir);
    });
    expect(document.querySelector<HTMLDialogElement>("#settings-dialog")?.open).toBe(true);
    expect(interval?.value).toBe("15");
    expect(zone?.value).toBe("");
    expect(zone?.options[0]?.text).toBe("System (UTC)");
    expect(zone?.options.length).toBeGreaterThan(100);
    expect(document.querySelectorAll("#settings-accounts .settings-calendar")).toHaveLength(2);

    if (!interval || !zone) throw new Error("fixture");
    interval.value = "30";
    interval.dispatchEvent(new Event("change"));
    expect(act.setSyncInterval).toHaveBeenCalledWith(30);
    zone.value = "Europe/Berlin";
    zone.dispatchEvent(new Event("change"));
    expect(act.setZoneOverride).toHaveBeenCalledWith("Europe/Berlin");
    await vi.waitFor(() => {
      expect(act.changed).toHaveBeenCalled();
    });
    zone.value = "";
    zone.dispatchEvent(new Event("change"));
    expect(act.setZoneOverride).toHaveBeenLastCalledWith(null);
    document.querySelector<HTMLInputElement>("#start-at-login")?.click();
    expect(act.setStartAtLogin).toHaveBeenCalledWith(true);
    document.querySelector<HTMLButtonElement>("#open-data-dir")?.click();
    expect(act.openDataDir).toHaveBeenCalled();
  });

  it("copies diagnostics, or hands the text over selected when the clipboard refuses", async () => {
    const ok = actions();
    setUpSettings(ok).show();
    document.querySelector<HTMLButtonElement>("#copy-diagnostics")?.click();
    await vi.waitFor(() => {
      expect(document.querySelector("#diagnostics-status")?.textContent).toBe("Diagnostics copied to the clipboard.");
    });
    expect(ok.writeClipboard).toHaveBeenCalledWith("Almanac 0.1.0\naccounts: 1");

    const parsed = new DOMParser().parseFromString(page, "text/html");
    document.body.replaceChildren(...parsed.body.children);
    const refused = actions({ writeClipboard: () => Promise.reject(new Error("NotAllowedError")) });
    setUpSettings(refused).show();
    document.querySelector<HTMLButtonElement>("#copy-diagnostics")?.click();
    const text = document.querySelector<HTMLTextAreaElement>("#diagnostics-text");
    await vi.waitFor(() => {
      expect(text?.hidden).toBe(false);
    });
    expect(text?.value).toBe("Almanac 0.1.0\naccounts: 1");
    expect(text?.readOnly).toBe(true);
    expect(document.activeElement).toBe(text);
    expect(text?.selectionStart).toBe(0);
    expect(text?.selectionEnd).toBe(text?.value.length);
  });

  it("says why when the settings cannot be read", async () => {
    setUpSettings(actions({ load: () => Promise.reject(new Error("Almanac is still starting.")) })).show();
    await vi.waitFor(() => {
      expect(document.querySelector("#settings-status")?.textContent).toBe("Almanac is still starting.");
    });
    expect(document.querySelector<HTMLSelectElement>("#sync-interval")?.disabled).toBe(true);
  });
});
