/**
 * The sidebar: each account with its state in words, and its calendars with their colours and a
 * checkbox each. Built from nodes with textContent only: names come from servers.
 */
import type { AccountView, CalendarView, Overview } from "../ipc";

export interface SidebarActions {
  toggle(calendar: number, enabled: boolean): void;
  syncNow(): void;
  remove(account: AccountView): void;
}

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text !== undefined) el.textContent = text;
  return el;
}

function lastSyncText(account: AccountView, locale: string): string {
  if (!account.last_success) return "Not synced yet";
  const when = new Date(account.last_success);
  return `Saved data as of ${when.toLocaleString(locale, { dateStyle: "medium", timeStyle: "short" })}`;
}

function calendarRow(calendar: CalendarView, actions: SidebarActions): HTMLElement {
  const row = element("li", "calendar-row");
  const label = element("label");
  const box = element("input");
  box.type = "checkbox";
  box.checked = calendar.enabled;
  box.dataset["calendar"] = String(calendar.id);
  box.style.setProperty("--swatch", calendar.color ?? "var(--muted)");
  box.addEventListener("change", () => {
    actions.toggle(calendar.id, box.checked);
  });
  label.append(box, element("span", "calendar-name", calendar.name));
  if (calendar.read_only) label.append(element("span", "badge", "read-only"));
  row.append(label);
  return row;
}

/** Renders accounts and calendars into `root`, replacing what was there. */
export function renderSidebar(root: HTMLElement, data: Overview, actions: SidebarActions, locale: string): void {
  const sections: HTMLElement[] = data.accounts.map((account) => {
    const section = element("section", "account");
    section.dataset["account"] = String(account.id);
    section.dataset["state"] = account.state;
    const head = element("div", "account-head");
    head.append(element("h2", "account-name", account.kind === "icloud" ? "iCloud" : account.username));
    const sync = element("button", "link-button", "Sync now");
    sync.type = "button";
    sync.addEventListener("click", () => {
      actions.syncNow();
    });
    head.append(sync);
    section.append(head);
    section.append(element("p", `account-state state-${account.state}`, account.state_text));
    section.append(element("p", "account-saved", lastSyncText(account, locale)));
    const list = element("ul", "calendar-list");
    for (const calendar of data.calendars.filter((c) => c.account === account.id)) {
      list.append(calendarRow(calendar, actions));
    }
    section.append(list);
    const remove = element("button", "link-button remove-account", "Remove account…");
    remove.type = "button";
    remove.addEventListener("click", () => {
      actions.remove(account);
    });
    section.append(remove);
    return section;
  });
  root.replaceChildren(...sections);
}
