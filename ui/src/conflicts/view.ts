/**
 * The Conflicts view: an event changed here and on the server since the last sync is shown
 * both ways side by side (what differs stands out), and the person keeps theirs, the server's,
 * or both (the server's stays and theirs becomes a copy). Nothing is lost until they choose; the
 * choice goes through the outbox like any change (`resolve_conflict`).
 */
import { closeButton, element } from "../dom";
import { formatSpan } from "../details/format";
import type { ConflictSide, ConflictView, Keep } from "../ipc";

export interface ConflictsIpc {
  conflicts: () => Promise<ConflictView[]>;
  resolveConflict: (id: number, keep: Keep) => Promise<void>;
  /** A conflict was resolved: the calendar and the sidebar's counts catch up. */
  resolved: () => void;
  describe: (err: unknown) => string;
}

const KEEP: readonly { keep: Keep; label: string; hint: string }[] = [
  { keep: "mine", label: "Keep mine", hint: "Send this computer's version to the server" },
  { keep: "theirs", label: "Keep theirs", hint: "Take the server's version; this computer's change is dropped" },
  { keep: "both", label: "Keep both", hint: "Keep the server's version and add this computer's as a second event" },
];

type Field = "title" | "when" | "location" | "notes";

function fieldsOf(side: ConflictSide, locale: string): Record<Field, string> {
  return {
    title: side.title,
    when: formatSpan(side.start, side.end, side.all_day, locale),
    location: side.location ?? "",
    notes: side.notes ?? "",
  };
}

const LABELS: Record<Field, string> = { title: "Title", when: "When", location: "Where", notes: "Notes" };

/** One side of a conflict; fields that differ from the other side are marked. */
function sideColumn(heading: string, side: ConflictSide | null, other: ConflictSide | null, locale: string): HTMLElement {
  const column = element("section", "conflict-side");
  column.append(element("h4", "conflict-side-head", heading));
  if (!side) {
    column.append(element("p", "conflict-deleted", "Deleted"));
    return column;
  }
  const mine = fieldsOf(side, locale);
  const theirs = other ? fieldsOf(other, locale) : null;
  const list = element("dl", "conflict-fields");
  for (const field of Object.keys(LABELS) as Field[]) {
    if (!mine[field] && !theirs?.[field]) continue;
    const value = element("dd", undefined, mine[field] || "—");
    value.dir = "auto";
    if (theirs && theirs[field] !== mine[field]) {
      value.classList.add("conflict-differs");
      value.title = "Differs from the other version";
    }
    list.append(element("dt", undefined, LABELS[field]), value);
  }
  column.append(list);
  return column;
}

/** A conflict as a card with both versions and the three choices. */
export function conflictCard(conflict: ConflictView, locale: string, choose: (keep: Keep) => void): HTMLElement {
  const card = element("article", "conflict");
  card.dataset["conflict"] = String(conflict.id);
  const title = element("h3", "conflict-title", conflict.title);
  title.dir = "auto";
  card.append(title, element("p", "muted conflict-calendar", conflict.calendar_name));
  const sides = element("div", "conflict-sides");
  sides.append(
    sideColumn("On this computer", conflict.mine, conflict.theirs, locale),
    sideColumn("On the server", conflict.theirs, conflict.mine, locale),
  );
  const actions = element("div", "conflict-actions");
  for (const { keep, label, hint } of KEEP) {
    // Keeping both of a pair where one side deleted it would bring the deleted one back as a copy.
    if (keep === "both" && (!conflict.mine || !conflict.theirs)) continue;
    const button = element("button", keep === "mine" ? "primary" : "secondary", label);
    button.type = "button";
    button.dataset["keep"] = keep;
    button.title = hint;
    button.addEventListener("click", () => {
      choose(keep);
    });
    actions.append(button);
  }
  card.append(sides, actions);
  return card;
}

/** Adds the Conflicts dialog to the document and returns the way to open it. */
export function setUpConflicts(ipc: ConflictsIpc, locale: string): { show: () => void } {
  const dialog = element("dialog", "card panel-dialog conflicts");
  dialog.id = "conflicts-dialog";
  dialog.setAttribute("aria-labelledby", "conflicts-title");
  const head = element("div", "dialog-head");
  const heading = element("h2", undefined, "Conflicts");
  heading.id = "conflicts-title";
  const close = closeButton("", "Close conflicts", () => {
    dialog.close();
  });
  close.title = "Close (Esc)";
  head.append(heading, close);
  const body = element("div", "dialog-body");
  const intro = element("p", "muted", "These events changed on this computer and on the server since the last sync. Choose which version to keep; until then both are kept.");
  const list = element("div", "conflicts-list");
  const status = element("p", "form-error conflicts-status");
  status.setAttribute("role", "alert");
  status.hidden = true;
  body.append(intro, status, list);
  dialog.append(head, body);
  document.body.append(dialog);

  let ticket = 0;
  const say = (err: unknown): void => {
    status.textContent = ipc.describe(err);
    status.hidden = false;
  };
  const load = async (): Promise<void> => {
    const mine = ++ticket;
    const conflicts = await ipc.conflicts();
    if (mine !== ticket) return;
    list.replaceChildren(
      ...(conflicts.length === 0
        ? [element("p", "conflicts-none", "No conflicts: every change here agrees with the server.")]
        : conflicts.map((c) => conflictCard(c, locale, (keep) => {
            status.hidden = true;
            for (const b of list.querySelectorAll("button")) b.disabled = true;
            ipc.resolveConflict(c.id, keep)
              .then(() => {
                ipc.resolved();
                return load();
              })
              .catch((err: unknown) => {
                for (const b of list.querySelectorAll("button")) b.disabled = false;
                say(err);
              });
          }))),
    );
  };
  return {
    show() {
      status.hidden = true;
      list.replaceChildren(element("p", "muted", "Loading…"));
      if (!dialog.open) dialog.showModal();
      load().catch(say);
    },
  };
}
