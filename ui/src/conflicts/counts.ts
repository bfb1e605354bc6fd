/**
 * The sidebar says, under each account, how many changes have not reached the server yet, how
 * many it refused, and how many are in conflict (that count opens the Conflicts view). Nothing
 * is said for an account whose changes are all on the server.
 */
import { element } from "../dom";
import type { PendingChanges } from "../ipc";

const plural = (n: number, one: string, many: string): string => (n === 1 ? `1 ${one}` : `${String(n)} ${many}`);

/** The words for one account's counts, or `null` when there is nothing to say. */
export function countsText(count: PendingChanges): { waiting: string | null; refused: string | null; conflicts: string | null } | null {
  if (count.pending + count.refused + count.conflicts === 0) return null;
  return {
    waiting: count.pending > 0 ? plural(count.pending, "change not yet on the server", "changes not yet on the server") : null,
    refused: count.refused > 0 ? plural(count.refused, "change refused by the server", "changes refused by the server") : null,
    conflicts: count.conflicts > 0 ? plural(count.conflicts, "conflict to resolve", "conflicts to resolve") : null,
  };
}

/** Adds the counts to the account sections `renderSidebar` drew into `sidebar`. */
export function renderChangeCounts(sidebar: HTMLElement, counts: readonly PendingChanges[], showConflicts: () => void): void {
  for (const old of sidebar.querySelectorAll(".account-changes")) old.remove();
  for (const count of counts) {
    const text = countsText(count);
    const section = [...sidebar.querySelectorAll<HTMLElement>("section.account")].find((s) => s.dataset["account"] === String(count.account));
    if (!text || !section) continue;
    const block = element("div", "account-changes");
    block.dataset["account"] = String(count.account);
    if (text.waiting) block.append(element("p", "changes-waiting", text.waiting));
    if (text.refused) block.append(element("p", "changes-refused", text.refused));
    if (text.conflicts) {
      const open = element("button", "link-button changes-conflicts", text.conflicts);
      open.type = "button";
      open.dataset["focusKey"] = `conflicts-${String(count.account)}`;
      open.addEventListener("click", showConflicts);
      block.append(open);
    }
    // After the state lines, before the calendars.
    const list = section.querySelector(".calendar-list");
    if (list) list.before(block);
    else section.append(block);
  }
}
