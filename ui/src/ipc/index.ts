/**
 * The only door to the Rust shell. Every `@tauri-apps/api` and Tauri plugin import in the UI lives
 * here; every payload type comes from the generated `bindings.ts` and every command wrapper from
 * the generated `commands.ts`.
 */
import { invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import { getCurrentWebview } from "@tauri-apps/api/webview";
import { open } from "@tauri-apps/plugin-dialog";
import type { ChangedEvent, ErrorCode, EventView, IpcError } from "./bindings";
import { type Commands, commands } from "./commands";

export type * from "./bindings";
export type { Commands } from "./commands";

/** Whether a rejected command carried our structured error. */
export function isIpcError(value: unknown): value is IpcError {
  return (
    typeof value === "object" &&
    value !== null &&
    "code" in value &&
    "message" in value &&
    typeof (value as { message: unknown }).message === "string"
  );
}

/** A failed command, as an `Error` the UI can throw and catch, with the code to branch on. */
export class IpcFailure extends Error implements IpcError {
  readonly code: ErrorCode;

  constructor(error: IpcError) {
    super(error.message);
    this.name = "IpcFailure";
    this.code = error.code;
  }
}

/** Turns anything a command rejected with into our error shape; raw rejections are never shown. */
export function asIpcError(value: unknown, fallback: ErrorCode = "unavailable"): IpcFailure {
  if (value instanceof IpcFailure) return value;
  if (isIpcError(value)) return new IpcFailure(value);
  return new IpcFailure({ code: fallback, message: "Almanac could not complete that. Please try again." });
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (err) {
    throw asIpcError(err);
  }
}

/**
 * Every command of the shell, typed and generated from the Rust side (`commands.ts`). Feature
 * folders take these by injection; `main.ts` passes them.
 */
export const shell: Commands = commands(call);

export const {
  openAppPasswordPage,
  signIn,
  overview,
  setCalendarEnabled,
  syncNow,
  relink,
  removeAccount,
  search,
  eventDetails,
  syncProblems,
  openLink,
  subscribe,
  unsubscribe,
  settings,
  setSyncInterval,
  setStartAtLogin,
  setZoneOverride,
  setCalendarNotify,
  exportCalendar,
  openDataDir,
  diagnostics,
  writableCalendars,
  editorFields,
  createEvent,
  updateEvent,
  moveEvent,
  deleteEvent,
  answerInvitation,
  undoChange,
  pendingChanges,
  conflicts,
  resolveConflict,
  importPreview,
  importEvents,
} = shell;

/**
 * A wall-clock time as the shell takes it: `YYYY-MM-DDTHH:MM:SS`, no offset. The calendar runs
 * in UTC-coercion mode, so a `Date`'s UTC fields are the display zone's wall clock.
 */
export function wallClock(date: Date): string {
  return date.toISOString().slice(0, 19);
}

/** Occurrences of shown calendars overlapping [from, to), both on the display zone's clock. */
export function eventsBetween(from: Date, to: Date): Promise<EventView[]> {
  return shell.eventsBetween(wallClock(from), wallClock(to));
}

/** Calls `handler` with the paths of files dropped on the window: Tauri's drag-drop event
 * carries paths, which the import commands take (a DOM drop gives contents without a path). */
export async function onFilesDropped(handler: (paths: string[]) => void): Promise<void> {
  await getCurrentWebview().onDragDropEvent((e) => {
    if (e.payload.type === "drop") handler(e.payload.paths);
  });
}

/**
 * File → Import: the OS file dialog, showing calendar files (.ics). The chosen file's path, or
 * `null` when the person cancels.
 */
export async function pickIcsFile(): Promise<string | null> {
  return open({
    title: "Import events",
    multiple: false,
    directory: false,
    filters: [{ name: "Calendar files", extensions: ["ics", "ical", "ifb", "icalendar"] }],
  });
}

/** Calls `handler` whenever the shell reports that accounts, calendars or events changed. */
export async function onChanged(handler: (event: ChangedEvent) => void): Promise<void> {
  await listen<ChangedEvent>("almanac://changed", (e) => {
    handler(e.payload);
  });
}
