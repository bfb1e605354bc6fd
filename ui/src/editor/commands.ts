/**
 * The shell's editing commands the editor uses, as the contract names them. The window passes
 * the generated IPC wrappers; the DOM tests pass fakes.
 */
import type { ChangeReceipt, EditScope, EditorFields, EventDraft, EventRef, WritableCalendar } from "./types";

export interface EditorCommands {
  /** Calendars that take changes, the last used first. */
  writableCalendars(): Promise<WritableCalendar[]>;
  /** An existing event's values for the full editor. */
  editorFields(event: EventRef): Promise<EditorFields>;
  createEvent(draft: EventDraft): Promise<ChangeReceipt>;
  /** Changes only what differs from `editorFields`; another calendar moves it there. */
  updateEvent(event: EventRef, scope: EditScope, draft: EventDraft): Promise<ChangeReceipt>;
  deleteEvent(event: EventRef, scope: EditScope): Promise<ChangeReceipt>;
  /** Puts back what a change replaced. */
  undoChange(undo: number): Promise<ChangeReceipt>;
}
