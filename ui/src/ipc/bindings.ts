// Generated from src-tauri/src/ipc.rs by the `bindings_are_current` test.
// Do not edit: run `UPDATE_BINDINGS=1 cargo test -p almanac-desktop bindings`.

export type ErrorCode = "invalid_input" | "wrong_password" | "offline" | "server" | "not_caldav" | "keychain" | "storage" | "unavailable";

export type IpcError = { 
/**
 * What kind of failure, for the UI's logic.
 */
code: ErrorCode, 
/**
 * Plain words for a person; never a stack trace, never a secret.
 */
message: string, };

export type AccountKindView = "icloud" | "caldav";

export type SignInRequest = { 
/**
 * iCloud or another server.
 */
kind: AccountKindView, 
/**
 * Apple ID or user name.
 */
username: string, 
/**
 * The password as typed.
 */
password: string, 
/**
 * The server's address; unused for iCloud.
 */
server_url: string | null, };

export type AccountView = { 
/**
 * The store's key.
 */
id: number, 
/**
 * iCloud or CalDAV.
 */
kind: AccountKindView, 
/**
 * The login.
 */
username: string, 
/**
 * A short, stable state name for logic: `active`, `syncing`, `offline`, `backoff`,
 * `needs_relink`.
 */
state: string, 
/**
 * The state in words for a person.
 */
state_text: string, 
/**
 * When the last sync succeeded (RFC 3339), if ever.
 */
last_success: string | null, };

export type CalendarView = { 
/**
 * The store's key.
 */
id: number, 
/**
 * Its account.
 */
account: number, 
/**
 * Its name.
 */
name: string, 
/**
 * `#RRGGBB` for CSS (iCloud's alpha dropped), if the server gave one.
 */
color: string | null, 
/**
 * Whether the user shows it.
 */
enabled: boolean, 
/**
 * Whether the user may not change it.
 */
read_only: boolean, };

export type Overview = { 
/**
 * Every account.
 */
accounts: Array<AccountView>, 
/**
 * Every calendar, in account and server order.
 */
calendars: Array<CalendarView>, };

export type EventView = { 
/**
 * A key unique among the occurrences of one answer.
 */
id: string, 
/**
 * Its calendar.
 */
calendar: number, 
/**
 * `SUMMARY`, or "(No title)".
 */
title: string, 
/**
 * Start: `YYYY-MM-DD` for all-day, else RFC 3339 in UTC.
 */
start: string, 
/**
 * End (exclusive), in the same form.
 */
end: string, 
/**
 * Whether it spans whole days.
 */
all_day: boolean, 
/**
 * The calendar's colour for CSS.
 */
color: string | null, 
/**
 * `LOCATION`.
 */
location: string | null, };

export type ChangedEvent = { 
/**
 * The account concerned.
 */
account: number, 
/**
 * `state`, `progress` or `finished`.
 */
reason: string, };

export type SearchHitView = { 
/**
 * A key unique among the results.
 */
id: string, 
/**
 * `SUMMARY`, or "(No title)".
 */
title: string, 
/**
 * The calendar's name.
 */
calendar_name: string, 
/**
 * `LOCATION`, if any.
 */
location: string | null, 
/**
 * The day to jump to (`YYYY-MM-DD` in the viewer's zone): the event's or its series' start.
 */
date: string | null, };
