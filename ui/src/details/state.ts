/**
 * Honest state in the details panel: an event the server does not have yet says so (it is
 * saved here and goes when Almanac reaches the server, also after a password is renewed); a
 * change the server refused says the server's reason; an event changed here and on the server
 * says so and leads to the Conflicts view, where the person chooses.
 */
import { element } from "../dom";
import type { EventDetailsView, EventRef } from "../ipc";
import { type InvitationActions, invitationBlock } from "./invitation";

/** The panel's lines about where this event's last change stands; none when it is on the server. */
export function stateLines(view: Pick<EventDetailsView, "pending" | "refused" | "conflict">, showConflicts: () => void): HTMLElement[] {
  if (view.conflict) {
    const line = element("p", "details-state state-conflict", "Changed here and on the server since the last sync. ");
    const open = element("button", "link-button details-open-conflicts", "Choose which to keep");
    open.type = "button";
    open.addEventListener("click", showConflicts);
    line.append(open);
    return [line];
  }
  if (view.refused) {
    const line = element("p", "details-state state-refused", "The server refused the last change: ");
    const reason = element("span", "details-refused-reason", view.refused);
    reason.dir = "auto";
    line.append(reason, element("span", undefined, ". The event keeps it here; edit it again or undo it."));
    return [line];
  }
  if (view.pending) {
    return [element("p", "details-state state-pending", "Not yet on the server: saved on this computer, and sent when Almanac can reach the server.")];
  }
  return [];
}

/** What the details panel needs for its editing rows. */
export interface EditingRows extends InvitationActions {
  showConflicts: () => void;
  /** Shows the occurrence again (after an answer changed it). */
  reshow: (key: EventRef) => void;
}

/** The rows editing adds under the details' title: the state lines, then an invitation's
 * answers when the person is invited. */
export function editingRows(key: EventRef, view: Pick<EventDetailsView, "pending" | "refused" | "conflict" | "invitation" | "recurrence">, deps: EditingRows): HTMLElement[] {
  const rows = stateLines(view, deps.showConflicts);
  if (view.invitation) {
    rows.push(invitationBlock(key, view.invitation.answer, view.recurrence !== null, deps, () => {
      deps.reshow(key);
    }));
  }
  return rows;
}
