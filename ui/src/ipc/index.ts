/**
 * The only door to the Rust shell. Every `@tauri-apps/api` import in the UI lives here, and
 * every payload type comes from the generated `bindings.ts`.
 */
import { invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import type {
  AccountView,
  ChangedEvent,
  ErrorCode,
  EventDetailsView,
  EventView,
  IpcError,
  Overview,
  ProblemView,
  SearchHitView,
  SettingsView,
  SignInRequest,
  SubscribeRequest,
  CalendarView,
} from "./bindings";

export type * from "./bindings";

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

/** Opens Apple's account page (where app-specific passwords are made) in the default browser. */
export function openAppPasswordPage(): Promise<void> {
  return call("open_app_password_page");
}

/** Verifies and stores a new account; its first sync starts in the background. */
export function signIn(request: SignInRequest): Promise<AccountView> {
  return call("sign_in", { request });
}

/** Subscribes to a calendar feed (webcal:// or https://): fetched once before it is stored. */
export function subscribe(request: SubscribeRequest): Promise<CalendarView> {
  return call("subscribe", { request });
}

/** Ends a subscription made in Almanac, with its events. */
export function unsubscribe(calendar: number): Promise<void> {
  return call("unsubscribe", { calendar });
}

/** Accounts and calendars from the local store. */
export function overview(): Promise<Overview> {
  return call("overview");
}

/**
 * A wall-clock time as the shell takes it: `YYYY-MM-DDTHH:MM:SS`, no offset. The calendar runs
 * in UTC-coercion mode, so a `Date`'s UTC fields are the display zone's wall clock.
 */
export function wallClock(date: Date): string {
  return date.toISOString().slice(0, 19);
}

/** Occurrences of shown calendars overlapping [from, to), both on the display zone's clock. */
export function eventsBetween(from: Date, to: Date): Promise<EventView[]> {
  return call("events_between", { from: wallClock(from), to: wallClock(to) });
}

/** Everything the details panel shows about one occurrence (as `EventView` named it). */
export function eventDetails(calendar: number, href: string, start: string): Promise<EventDetailsView> {
  return call("event_details", { calendar, href, start });
}

/** Opens a web link from an event in the default browser; the shell re-checks the scheme. */
export function openLink(url: string): Promise<void> {
  return call("open_link", { url });
}

/** Events that could not be read, with their calendar and the reason. */
export function syncProblems(): Promise<ProblemView[]> {
  return call("sync_problems");
}

/** The user's settings and where the data lives. */
export function settings(): Promise<SettingsView> {
  return call("settings");
}

/** Minutes between scheduled syncs. */
export function setSyncInterval(minutes: number): Promise<void> {
  return call("set_sync_interval", { minutes });
}

/** Whether Almanac starts when the user logs in. */
export function setStartAtLogin(enabled: boolean): Promise<void> {
  return call("set_start_at_login", { enabled });
}

/** The IANA zone to show times in, or `null` for the system's. */
export function setZoneOverride(zone: string | null): Promise<void> {
  return call("set_zone_override", { zone });
}

/** Whether a calendar's alarms become desktop notifications. */
export function setCalendarNotify(calendar: number, enabled: boolean): Promise<void> {
  return call("set_calendar_notify", { calendar, enabled });
}

/** Writes a calendar's saved events to an .ics file and returns its path. */
export function exportCalendar(calendar: number): Promise<string> {
  return call("export_calendar", { calendar });
}

/** A plain-text report for bug reports: versions, accounts' states, counts; never a secret. */
export function diagnostics(): Promise<string> {
  return call("diagnostics");
}

/** Opens the folder holding the store and logs in the file manager. */
export function openDataDir(): Promise<void> {
  return call("open_data_dir");
}

/** Shows or hides a calendar; the choice is stored. */
export function setCalendarEnabled(calendar: number, enabled: boolean): Promise<void> {
  return call("set_calendar_enabled", { calendar, enabled });
}

/** Replaces a refused password; the account resumes syncing incrementally. */
export function relink(account: number, password: string): Promise<AccountView> {
  return call("relink", { account, password });
}

/** Removes an account: its keychain entry and its local data. */
export function removeAccount(account: number): Promise<void> {
  return call("remove_account", { account });
}

/** Searches saved events; works offline. */
export function search(text: string): Promise<SearchHitView[]> {
  return call("search", { text });
}

/** Starts a sync of every account. */
export function syncNow(): Promise<void> {
  return call("sync_now");
}

/** Calls `handler` whenever the shell reports that accounts, calendars or events changed. */
export async function onChanged(handler: (event: ChangedEvent) => void): Promise<void> {
  await listen<ChangedEvent>("almanac://changed", (e) => {
    handler(e.payload);
  });
}
