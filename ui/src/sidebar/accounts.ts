/**
 * The sidebar: each account with its state in words, when it last synced, its sync problems,
 * its calendars with their colours, a checkbox each and (while a sync fetches them) their
 * progress, and its task lists named as not shown, with why; then the subscriptions made with
 * no account. A subscription says so (it is read-only) and, when made in Almanac, can be ended.
 * Built from nodes with textContent only: names come from servers.
 */
import type { AccountView, CalendarView, Overview } from "../ipc";
import { element } from "../dom";
import { formatInstant } from "../details/format";

export interface SidebarActions {
  toggle(calendar: number, enabled: boolean): void;
  syncNow(): void;
  showProblems(account: AccountView): void;
  /** Asks to end a subscription made in Almanac (the confirm dialog). */
  unsubscribe(calendar: CalendarView): void;
}

/** When the account last synced, said so that offline and refused states read right. */
export function lastSyncText(account: AccountView, zone: string, locale: string): string {
  if (!account.last_success) return account.state === "syncing" ? "First sync in progress" : "Not synced yet";
  const when = formatInstant(account.last_success, zone, locale);
  return account.state === "active" || account.state === "syncing" ? `Last synced ${when}` : `Saved data as of ${when}`;
}

/** "1 sync problem", "3 sync problems". */
export function problemsText(count: number): string {
  return count === 1 ? "1 sync problem" : `${String(count)} sync problems`;
}

function calendarRow(calendar: CalendarView, actions: SidebarActions): HTMLElement {
  const row = element("li", "calendar-row");
  row.dataset["calendarRow"] = String(calendar.id);
  const label = element("label");
  const box = element("input");
  box.type = "checkbox";
  box.checked = calendar.enabled;
  box.dataset["calendar"] = String(calendar.id);
  box.dataset["focusKey"] = `calendar-${String(calendar.id)}`;
  box.style.setProperty("--swatch", calendar.color ?? "var(--muted)");
  box.addEventListener("change", () => {
    actions.toggle(calendar.id, box.checked);
  });
  label.append(box, element("span", "calendar-name", calendar.name));
  if (calendar.feed_url !== null) {
    // A subscription: read-only because its events come from a feed someone else publishes.
    const badge = element("span", "badge", "subscription");
    badge.title = `Read-only: its events come from ${calendar.feed_url}`;
    label.append(badge);
  } else if (calendar.read_only) {
    label.append(element("span", "badge", "read-only"));
  }
  row.append(label);
  if (calendar.can_unsubscribe) {
    const end = element("button", "link-button calendar-remove", "Unsubscribe");
    end.type = "button";
    end.setAttribute("aria-label", `Unsubscribe from ${calendar.name}`);
    end.dataset["unsubscribe"] = String(calendar.id);
    end.dataset["focusKey"] = `unsubscribe-${String(calendar.id)}`;
    end.addEventListener("click", () => {
      actions.unsubscribe(calendar);
    });
    row.append(end);
  }
  if (calendar.health) {
    row.dataset["health"] = "trouble";
    row.append(element("p", "calendar-health", calendar.health));
  }
  if (calendar.progress) {
    const { fetched, total } = calendar.progress;
    const progress = element("div", "calendar-progress");
    const bar = element("progress");
    bar.max = Math.max(total, 1);
    bar.value = Math.min(fetched, bar.max);
    bar.setAttribute("aria-label", `${calendar.name}: ${String(fetched)} of ${String(total)} events fetched`);
    progress.append(bar, element("span", "progress-text", `${String(fetched)} / ${String(total)}`));
    row.append(progress);
  }
  return row;
}

/** The account's task lists, named apart from its calendars: Almanac does not show them, and
 * says why once (the reason is the same for every list of one account). */
function notShownBlock(lists: readonly CalendarView[]): HTMLElement {
  const block = element("div", "not-shown");
  const names = element("p", "not-shown-names");
  names.append(element("span", "not-shown-label", "Task lists not shown: "));
  lists.forEach((list, i) => {
    if (i > 0) names.append(", ");
    names.append(element("span", "calendar-name", list.name));
  });
  block.append(names, element("p", "not-shown-why", lists[0]?.not_shown ?? ""));
  return block;
}

/** Renders accounts and calendars into `root`, replacing what was there. The sidebar is redrawn
 * as a sync progresses, so keyboard focus moves to the same control in the new nodes. */
export function renderSidebar(root: HTMLElement, data: Overview, actions: SidebarActions, locale: string): void {
  const focused = document.activeElement;
  const focusKey = focused instanceof HTMLElement && root.contains(focused) ? focused.dataset["focusKey"] : undefined;
  const sections: HTMLElement[] = data.accounts.map((account) => {
    const section = element("section", "account");
    section.dataset["account"] = String(account.id);
    section.dataset["state"] = account.state;
    section.setAttribute("aria-label", account.kind === "icloud" ? `iCloud (${account.username})` : account.username);
    const head = element("div", "account-head");
    const name = element("h3", "account-name", account.kind === "icloud" ? "iCloud" : account.username);
    name.title = account.username;
    head.append(name);
    const sync = element("button", "link-button sync-now", "Sync now");
    sync.type = "button";
    sync.dataset["focusKey"] = `sync-${String(account.id)}`;
    sync.addEventListener("click", () => {
      actions.syncNow();
    });
    head.append(sync);
    section.append(head);
    const state = element("p", `account-state state-${account.state}`, account.state_text);
    state.setAttribute("role", "status");
    section.append(state);
    section.append(element("p", "account-saved", lastSyncText(account, data.display_zone, locale)));
    if (account.problems > 0) {
      const problems = element("button", "link-button problems-link", problemsText(account.problems));
      problems.type = "button";
      problems.dataset["focusKey"] = `problems-${String(account.id)}`;
      problems.addEventListener("click", () => {
        actions.showProblems(account);
      });
      section.append(problems);
    }
    const own = data.calendars.filter((c) => c.account === account.id);
    const list = element("ul", "calendar-list");
    for (const calendar of own.filter((c) => c.not_shown === null)) {
      list.append(calendarRow(calendar, actions));
    }
    section.append(list);
    const notShown = own.filter((c) => c.not_shown !== null);
    if (notShown.length > 0) section.append(notShownBlock(notShown));
    return section;
  });
  const unowned = data.calendars.filter((c) => c.account === null);
  if (unowned.length > 0) {
    // Subscriptions made with no account: their own group, after the accounts.
    const section = element("section", "account subscriptions");
    section.dataset["account"] = "none";
    section.setAttribute("aria-label", "Subscriptions");
    const head = element("div", "account-head");
    head.append(element("h3", "account-name", "Subscriptions"));
    const list = element("ul", "calendar-list");
    for (const calendar of unowned) list.append(calendarRow(calendar, actions));
    section.append(head, list);
    sections.push(section);
  }
  root.replaceChildren(...sections);
  if (focusKey) {
    for (const el of root.querySelectorAll<HTMLElement>("[data-focus-key]")) {
      if (el.dataset["focusKey"] === focusKey) el.focus();
    }
  }
}
