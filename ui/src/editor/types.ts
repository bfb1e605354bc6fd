/**
 * The editor's IPC shapes, named and shaped as /work/notes/edit-ipc-contract.md has them, until
 * the generated bindings (`../ipc`) carry them; then this file goes and its users import from
 * there. The shapes the calendar's drag and drop shares live in `../calendar/types`.
 */
export type { ChangeReceipt, EditScope, EventRef, WritableCalendar } from "../calendar/types";

/** When a repeating event stops. */
export type RepeatEnd = { kind: "never" } | { kind: "until"; date: string } | { kind: "count"; count: number };

/** A repetition the editor can show and change. */
export interface RepeatRule {
  freq: "daily" | "weekly" | "monthly" | "yearly";
  /** Every N days, weeks, months or years. */
  interval: number;
  /** Weekly: the weekdays ("MO", "WE"); empty means the start's weekday. */
  by_day: string[];
  end: RepeatEnd;
}

/** An event as the editor and the quick-create popover produce it. */
export interface EventDraft {
  calendar: number;
  title: string;
  all_day: boolean;
  /** `YYYY-MM-DD` (all-day, end exclusive) or `YYYY-MM-DDTHH:MM[:SS]` on `zone`'s wall clock. */
  start: string;
  end: string;
  zone: string;
  /** `null`: does not repeat. */
  repeat: RepeatRule | null;
  /** Minutes before the start (0 = at the start; all-day: before 00:00 of the day, so 900 is 15:00
   * the day before and -540 is 09:00 on the day). */
  alerts: number[];
  location: string | null;
  url: string | null;
  notes: string | null;
}

/** An existing event's values, to fill the full editor. */
export interface EditorFields extends EventDraft {
  /** Ask the scope question before saving or deleting. */
  recurring: boolean;
  read_only: boolean;
  read_only_reason: string | null;
  /** A rule the editor cannot show as a `RepeatRule`, in words; kept unless changed. */
  custom_repeat_text: string | null;
  has_attendees: boolean;
  organizer_is_me: boolean;
}
