/**
 * The editing IPC's shapes, named as /work/notes/edit-ipc-contract.md names them, until the
 * generated bindings (`../ipc`) carry them; then this file goes and its users import from there.
 */

export type EditScope = "this" | "following" | "all";
export type Answer = "accepted" | "tentative" | "declined";

/** One occurrence: `EventView.{calendar, href, start}`. */
export interface EventRef {
  calendar: number;
  href: string;
  start: string;
}

/** What a change left behind: a token for undo, where the event now is, and words to say. */
export interface ChangeReceipt {
  undo: number;
  event: EventRef | null;
  note: string | null;
}

export interface WritableCalendar {
  id: number;
  account: number;
  name: string;
  color: string | null;
}

export interface PendingCount {
  account: number;
  pending: number;
  refused: number;
  conflicts: number;
}

export interface ConflictSide {
  title: string;
  start: string;
  end: string;
  all_day: boolean;
  location: string | null;
  notes: string | null;
  text: string;
}

export interface ConflictView {
  id: number;
  calendar: number;
  calendar_name: string;
  title: string;
  /** `null`: that side deleted the event. */
  mine: ConflictSide | null;
  theirs: ConflictSide | null;
}

export type Keep = "mine" | "theirs" | "both";

export interface ImportPreview {
  calendar_name: string;
  total: number;
  new: number;
  updated: number;
  skipped: number;
  skipped_reasons: string[];
}

/** What `EventView` and `EventDetailsView` gain for editing (optional until the bindings have it). */
export interface EditState {
  pending?: boolean;
  refused?: string | null;
  conflict?: boolean;
}

/** What `EventDetailsView` gains for invitations and read-only calendars. */
export interface InvitationState {
  invitation?: { answer: Answer | "needs_action" } | null;
  read_only_reason?: string | null;
}
