/**
 * The Settings dialog (sidebar button, or ","): how often to sync, the zone times are shown in,
 * starting at login, notifications and .ics export per calendar, removing an account, where the
 * data lives, and diagnostics to copy into a bug report. Each change is saved at once.
 */
import type { AccountView, CalendarView, Overview, SettingsView } from "../ipc";
import { byId, element } from "../dom";
import { knownZones, zoneLabel } from "../calendar/zone";

/** The sync intervals offered, in minutes. */
export const SYNC_CHOICES: readonly number[] = [5, 15, 30, 60];

/** The interval choices, with the current value kept when it is not one of them. */
export function intervalChoices(current: number): number[] {
  return [...new Set([...SYNC_CHOICES, current])].filter((m) => m > 0).sort((a, b) => a - b);
}

/** "Every 5 minutes", "Every hour", "Every 2 hours". */
export function intervalLabel(minutes: number): string {
  if (minutes === 60) return "Every hour";
  if (minutes % 60 === 0) return `Every ${String(minutes / 60)} hours`;
  return minutes === 1 ? "Every minute" : `Every ${String(minutes)} minutes`;
}

export interface Choice {
  value: string;
  label: string;
}

/** The zone select: "System (<zone>)" first (value ""), then every zone the engine knows; an
 * override the engine does not know is kept, so the select never lies about the setting. */
export function zoneChoices(system: string, zones: readonly string[], current: string | null): Choice[] {
  const all = current && !zones.includes(current) ? [current, ...zones] : zones;
  return [{ value: "", label: `System (${zoneLabel(system)})` }, ...all.map((z) => ({ value: z, label: zoneLabel(z) }))];
}

export interface SettingsActions {
  load: () => Promise<SettingsView>;
  setSyncInterval: (minutes: number) => Promise<void>;
  setStartAtLogin: (enabled: boolean) => Promise<void>;
  setZoneOverride: (zone: string | null) => Promise<void>;
  setCalendarNotify: (calendar: number, enabled: boolean) => Promise<void>;
  exportCalendar: (calendar: number) => Promise<string>;
  diagnostics: () => Promise<string>;
  openDataDir: () => Promise<void>;
  writeClipboard: (text: string) => Promise<void>;
  /** Asks to remove the account (the confirm dialog). */
  removeAccount: (account: AccountView) => void;
  /** A setting that changes what the calendar shows was saved. */
  changed: () => void;
  /** Words for a failure. */
  describe: (err: unknown) => string;
}

function accountName(account: AccountView): string {
  return account.kind === "icloud" ? `iCloud (${account.username})` : account.username;
}

/** One calendar's line: its notifications switch and its export button. */
function calendarItem(calendar: CalendarView, actions: SettingsActions): HTMLElement {
  const item = element("li", "settings-calendar");
  const swatch = element("span", "swatch");
  swatch.style.setProperty("--swatch", calendar.color ?? "var(--muted)");
  const name = element("span", "calendar-name", calendar.name);
  const notify = element("label", "check");
  const box = element("input");
  box.type = "checkbox";
  box.checked = calendar.notify;
  box.dataset["notify"] = String(calendar.id);
  box.setAttribute("aria-label", `Notifications for ${calendar.name}`);
  const status = element("p", "export-result");
  status.setAttribute("role", "status");
  box.addEventListener("change", () => {
    const wanted = box.checked;
    actions
      .setCalendarNotify(calendar.id, wanted)
      .then(actions.changed)
      .catch((err: unknown) => {
        box.checked = !wanted;
        status.textContent = actions.describe(err);
      });
  });
  notify.append(box, element("span", undefined, "Notifications"));
  const exporter = element("button", "link-button export-calendar", "Export .ics");
  exporter.type = "button";
  exporter.dataset["export"] = String(calendar.id);
  exporter.setAttribute("aria-label", `Export ${calendar.name} as .ics`);
  exporter.addEventListener("click", () => {
    exporter.disabled = true;
    status.textContent = "Exporting…";
    actions
      .exportCalendar(calendar.id)
      .then((path) => {
        status.textContent = `Saved to ${path}`;
      })
      .catch((err: unknown) => {
        status.textContent = actions.describe(err);
      })
      .finally(() => {
        exporter.disabled = false;
      });
  });
  item.append(swatch, name, notify, exporter, status);
  return item;
}

/** Each account with its "Remove account…" button, and its calendars with a notifications
 * switch and an export button each; then the subscriptions made with no account. Task lists
 * are left out: they are not shown, so nothing of them notifies or exports. */
export function renderAccountSettings(root: HTMLElement, data: Overview, actions: SettingsActions): void {
  const unowned = data.calendars.filter((c) => c.account === null);
  if (data.accounts.length === 0 && unowned.length === 0) {
    root.replaceChildren(element("p", "muted", "No accounts yet."));
    return;
  }
  const sections = data.accounts.map((account) => {
    const section = element("section", "settings-account");
    section.dataset["account"] = String(account.id);
    const head = element("div", "settings-account-head");
    const remove = element("button", "secondary danger-text remove-account", "Remove account…");
    remove.type = "button";
    remove.setAttribute("aria-label", `Remove ${accountName(account)}…`);
    remove.addEventListener("click", () => {
      actions.removeAccount(account);
    });
    head.append(element("h4", "settings-account-name", accountName(account)), remove);
    const list = element("ul", "settings-calendars");
    for (const calendar of data.calendars.filter((c) => c.account === account.id && c.not_shown === null)) {
      list.append(calendarItem(calendar, actions));
    }
    section.append(head, list);
    return section;
  });
  if (unowned.length > 0) {
    const section = element("section", "settings-account");
    section.dataset["account"] = "none";
    const head = element("div", "settings-account-head");
    head.append(element("h4", "settings-account-name", "Subscriptions"));
    const list = element("ul", "settings-calendars");
    for (const calendar of unowned) list.append(calendarItem(calendar, actions));
    section.append(head, list);
    sections.push(section);
  }
  root.replaceChildren(...sections);
}

/** What the accounts section shows, to redraw it only when that changes (not on every sync
 * progress tick, which would wipe an export's result and move the focus). The notification
 * switches are left out: they change only here, and already show their new state. */
function accountsSignature(data: Overview): string {
  return JSON.stringify([
    data.accounts.map((a) => [a.id, a.username]),
    data.calendars.map((c) => [c.id, c.account, c.name, c.color]),
  ]);
}

export interface SettingsDialog {
  show(): void;
  /** New accounts and calendars from the store. */
  update(data: Overview): void;
  close(): void;
}

/** Wires the static dialog in index.html. */
export function setUpSettings(actions: SettingsActions): SettingsDialog {
  const dialog = byId("settings-dialog", HTMLDialogElement);
  const interval = byId("sync-interval", HTMLSelectElement);
  const zone = byId("zone-override", HTMLSelectElement);
  const login = byId("start-at-login", HTMLInputElement);
  const status = byId("settings-status", HTMLElement);
  const dataDir = byId("data-dir", HTMLElement);
  const accounts = byId("settings-accounts", HTMLElement);
  const diagnosticsStatus = byId("diagnostics-status", HTMLElement);
  const diagnosticsText = byId("diagnostics-text", HTMLTextAreaElement);
  const copy = byId("copy-diagnostics", HTMLButtonElement);
  let latest: Overview | null = null;
  let drawn = "";
  let zonesFilled = false;

  const say = (text: string): void => {
    status.textContent = text;
  };
  const saved = (promise: Promise<void>, after?: () => void): void => {
    say("Saving…");
    promise
      .then(() => {
        say("Saved.");
        after?.();
      })
      .catch((err: unknown) => {
        say(actions.describe(err));
        fill();
      });
  };

  const fillZones = (current: string | null, system: string): void => {
    const choices = zoneChoices(system, zonesFilled ? [] : knownZones(), current);
    if (!zonesFilled) {
      zone.replaceChildren(...choices.map((c) => new Option(c.label, c.value)));
      zonesFilled = true;
    } else {
      const first = zone.options[0];
      if (first) first.text = choices[0]?.label ?? first.text;
      if (current && ![...zone.options].some((o) => o.value === current)) zone.add(new Option(zoneLabel(current), current), 1);
    }
    zone.value = current ?? "";
  };

  const fill = (): void => {
    actions
      .load()
      .then((view) => {
        interval.replaceChildren(...intervalChoices(view.sync_minutes).map((m) => new Option(intervalLabel(m), String(m))));
        interval.value = String(view.sync_minutes);
        login.checked = view.start_at_login;
        fillZones(view.zone_override, view.system_zone);
        dataDir.textContent = view.data_dir;
        for (const control of [interval, zone, login]) control.disabled = false;
      })
      .catch((err: unknown) => {
        for (const control of [interval, zone, login]) control.disabled = true;
        say(actions.describe(err));
      });
  };

  interval.addEventListener("change", () => {
    saved(actions.setSyncInterval(Number(interval.value)));
  });
  login.addEventListener("change", () => {
    saved(actions.setStartAtLogin(login.checked));
  });
  zone.addEventListener("change", () => {
    saved(actions.setZoneOverride(zone.value || null), actions.changed);
  });
  byId("open-data-dir", HTMLButtonElement).addEventListener("click", () => {
    actions.openDataDir().catch((err: unknown) => {
      diagnosticsStatus.textContent = actions.describe(err);
    });
  });
  copy.addEventListener("click", () => {
    copy.disabled = true;
    diagnosticsStatus.textContent = "Gathering diagnostics…";
    actions
      .diagnostics()
      .then(async (text) => {
        try {
          await actions.writeClipboard(text);
          diagnosticsText.hidden = true;
          diagnosticsStatus.textContent = "Diagnostics copied to the clipboard.";
        } catch {
          // The webview may refuse the clipboard: hand the text over for a manual copy.
          diagnosticsText.value = text;
          diagnosticsText.hidden = false;
          diagnosticsText.focus();
          diagnosticsText.select();
          diagnosticsText.scrollIntoView({ block: "nearest" });
          diagnosticsStatus.textContent = "Almanac could not copy by itself: the text below is selected, press Ctrl+C to copy it.";
        }
      })
      .catch((err: unknown) => {
        diagnosticsStatus.textContent = actions.describe(err);
      })
      .finally(() => {
        copy.disabled = false;
      });
  });
  for (const id of ["settings-close", "settings-done"]) {
    byId(id, HTMLButtonElement).addEventListener("click", () => {
      dialog.close();
    });
  }

  const drawAccounts = (): void => {
    if (!latest) return;
    const signature = accountsSignature(latest);
    if (signature === drawn) return;
    drawn = signature;
    renderAccountSettings(accounts, latest, actions);
  };

  return {
    show() {
      say("");
      diagnosticsStatus.textContent = "";
      diagnosticsText.hidden = true;
      drawn = "";
      drawAccounts();
      fill();
      if (!dialog.open) dialog.showModal();
    },
    update(data) {
      latest = data;
      if (dialog.open) drawAccounts();
    },
    close() {
      if (dialog.open) dialog.close();
    },
  };
}
