// Generated from src-tauri/src/ipc.rs by the `bindings_are_current` test.
// Do not edit: run `UPDATE_BINDINGS=1 cargo test -p almanac-desktop bindings`.

export type ErrorCode = "invalid_input" | "wrong_password" | "offline" | "server" | "not_caldav" | "keychain" | "storage" | "unavailable" | "not_found" | "read_only" | "conflict";

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

export type SignInRequest = { kind: AccountKindView, 
/**
 * Apple ID or user name.
 */
username: string, 
/**
 * As typed.
 */
password: string, 
/**
 * Unused for iCloud.
 */
server_url: string | null, };

export type SubscribeRequest = { 
/**
 * The feed's address as typed: `webcal://...` or `https://...`.
 */
url: string, 
/**
 * Its name in Almanac; empty or `None`: the feed's own name, else its host.
 */
name: string | null, 
/**
 * The account to show it with; `None`: with no account.
 */
account: number | null, };

export type AccountStateView = "active" | "syncing" | "offline" | "backoff" | "confirming" | "needs_relink" | "password_missing" | "keychain_locked";

export type AccountView = { id: number, kind: AccountKindView, username: string, state: AccountStateView, 
/**
 * The state in words for a person.
 */
state_text: string, 
/**
 * When the last sync succeeded (RFC 3339), if ever.
 */
last_success: string | null, 
/**
 * How many of its events could not be read and calendars could not be synced (listed by
 * `sync_problems`).
 */
problems: number, };

export type CalendarView = { id: number, 
/**
 * `None` for a subscription made without an account.
 */
account: number | null, name: string, 
/**
 * `#RRGGBB` for CSS (iCloud's alpha dropped), if the server gave one.
 */
color: string | null, 
/**
 * Whether the user shows it.
 */
enabled: boolean, read_only: boolean, 
/**
 * Whether its alarms become notifications.
 */
notify: boolean, 
/**
 * Set while a sync is fetching its events.
 */
progress: ProgressView | null, 
/**
 * What its last sync could not do or left waiting, in words; `None` when up to date.
 */
health: string | null, 
/**
 * Set for a collection Almanac does not show (a task list): why, in one sentence. The
 * sidebar names it apart from the calendars.
 */
not_shown: string | null, 
/**
 * For a subscription: the address of the feed its events come from (it is read-only).
 */
feed_url: string | null, 
/**
 * Whether the user may unsubscribe here: a subscription they made, not one their
 * account's server lists (iCloud's subscribed calendars end in iCloud).
 */
can_unsubscribe: boolean, };

export type Overview = { accounts: Array<AccountView>, 
/**
 * In account and server order.
 */
calendars: Array<CalendarView>, 
/**
 * The IANA zone times are shown in (the system's, or the user's override).
 */
display_zone: string, 
/**
 * How far the app's clock runs ahead of the system's, in milliseconds: zero unless a test
 * pinned the clock (`ALMANAC_CLOCK_START`); the window's "now" and "today" add it.
 */
clock_skew_ms: number, };

export type EventView = { 
/**
 * A key unique among the occurrences of one answer.
 */
id: string, calendar: number, 
/**
 * The resource holding it: with `calendar` and `start`, what `event_details` and the
 * editing commands take.
 */
href: string, 
/**
 * `SUMMARY`, or "(No title)".
 */
title: string, 
/**
 * `YYYY-MM-DD` for all-day, else `YYYY-MM-DDTHH:MM:SS` on the display zone's wall clock
 * (no offset: the calendar component shows it as it is).
 */
start: string, 
/**
 * Exclusive, in the same form.
 */
end: string, all_day: boolean, 
/**
 * The calendar's colour for CSS.
 */
color: string | null, location: string | null, 
/**
 * Whether it has a change the server does not have yet (a quiet mark in the views).
 */
pending: boolean, 
/**
 * The server's reason when it refused the change (kept, and sent again at each sync).
 */
refused: string | null, 
/**
 * Whether the server's copy changed too: the user chooses in the conflicts view.
 */
conflict: boolean, };

export type ChangeReason = "state" | "progress" | "finished" | "feeds" | "settings" | "edited";

export type ChangedEvent = { 
/**
 * The account concerned; `None` for subscriptions' feeds, settings and edits, which belong
 * to no account's sync.
 */
account: number | null, 
/**
 * What happened.
 */
reason: ChangeReason, };

export type SearchHitView = { 
/**
 * A key unique among the results.
 */
id: string, 
/**
 * `SUMMARY`, or "(No title)".
 */
title: string, calendar_name: string, location: string | null, 
/**
 * The day to jump to (`YYYY-MM-DD` in the viewer's zone): the event's or its series' start.
 */
date: string | null, };

export type ProgressView = { fetched: number, total: number, };

export type PersonView = { 
/**
 * `CN`, if given.
 */
name: string | null, 
/**
 * Without `mailto:`.
 */
address: string, 
/**
 * Their answer in words ("Accepted", "Declined", "Maybe", "Not answered", "Delegated").
 */
status: string | null, };

export type AnswerView = "needs_action" | "accepted" | "tentative" | "declined";

export type InvitationView = { answer: AnswerView, };

export type EventDetailsView = { 
/**
 * `SUMMARY`, or "(No title)".
 */
title: string, calendar_name: string, 
/**
 * The calendar's colour for CSS.
 */
color: string | null, 
/**
 * Whether the calendar is read-only (shared to the user, or a subscription).
 */
read_only: boolean, 
/**
 * Why the user may not change it, for a hover text; `None` when they may.
 */
read_only_reason: string | null, 
/**
 * Whether the calendar is a subscription: read-only because its events come from a feed
 * someone else publishes (the panel says so rather than naming an owner).
 */
subscription: boolean, 
/**
 * In the same form as [`EventView::start`].
 */
start: string, 
/**
 * Exclusive, in the same form.
 */
end: string, all_day: boolean, 
/**
 * The zone times are shown in.
 */
display_zone: string, 
/**
 * The event's own zone when it differs from the display zone.
 */
event_zone: string | null, 
/**
 * Start on the event zone's wall clock (`YYYY-MM-DDTHH:MM:SS`), when `event_zone` is set.
 */
event_zone_start: string | null, 
/**
 * End on the event zone's wall clock, when `event_zone` is set.
 */
event_zone_end: string | null, location: string | null, 
/**
 * A map of Apple's structured location, when it has coordinates.
 */
map_url: string | null, 
/**
 * `DESCRIPTION`: plain text; the UI makes `http(s)` links in it clickable.
 */
notes: string | null, url: string | null, organizer: PersonView | null, attendees: Array<PersonView>, 
/**
 * The recurrence in words ("Every 2 weeks on Tuesday and Thursday, until 30 June 2027").
 */
recurrence: string | null, 
/**
 * The alarms in words ("15 minutes before", "At the start").
 */
alarms: Array<string>, 
/**
 * "Cancelled" or "Tentative", when so.
 */
status: string | null, 
/**
 * Whether it has a change the server does not have yet.
 */
pending: boolean, 
/**
 * The server's reason when it refused the change.
 */
refused: string | null, 
/**
 * Whether the server's copy changed too (the conflicts view settles it).
 */
conflict: boolean, 
/**
 * Set when the account's address is invited: its answer so far.
 */
invitation: InvitationView | null, };

export type ProblemView = { calendar_name: string, 
/**
 * If one could be found in the raw text.
 */
summary: string | null, 
/**
 * If one could be found.
 */
uid: string | null, 
/**
 * Why it could not be read.
 */
reason: string, };

export type SettingsView = { 
/**
 * Minutes between scheduled syncs.
 */
sync_minutes: number, start_at_login: boolean, 
/**
 * The user's display zone, when it overrides the system's.
 */
zone_override: string | null, system_zone: string, 
/**
 * Where the store and logs live.
 */
data_dir: string, };

export type EditScope = "this" | "following" | "all";

export type Answer = "accepted" | "tentative" | "declined";

export type Frequency = "daily" | "weekly" | "monthly" | "yearly";

export type RepeatEnd = { "kind": "never" } | { "kind": "until", 
/**
 * The last day.
 */
date: string, } | { "kind": "count", 
/**
 * How many.
 */
count: number, };

export type RepeatRule = { freq: Frequency, 
/**
 * Every N units.
 */
interval: number, 
/**
 * Weekly: the weekdays (`"MO"`, `"WE"`); empty for the start's weekday.
 */
by_day: Array<string>, end: RepeatEnd, };

export type EventDraft = { 
/**
 * Where it goes (a different one than the event's moves it there).
 */
calendar: number, 
/**
 * Empty for no title.
 */
title: string, all_day: boolean, start: string, 
/**
 * Exclusive.
 */
end: string, 
/**
 * The IANA zone of timed `start` and `end`.
 */
zone: string, 
/**
 * `null`: it does not repeat (or, for an existing event, by a custom rule, kept).
 */
repeat: RepeatRule | null, 
/**
 * Minutes before the start (0 at the start, negative after it; for a whole-day event,
 * before 00:00 of its day: 900 is 15:00 the day before).
 */
alerts: Array<number>, location: string | null, url: string | null, notes: string | null, };

export type EventRef = { calendar: number, href: string, 
/**
 * The occurrence's start as `EventView.start` has it.
 */
start: string, };

export type EditorFields = { 
/**
 * Ask which occurrences before saving or deleting.
 */
recurring: boolean, read_only: boolean, 
/**
 * Why it cannot be changed, for a hover text.
 */
read_only_reason: string | null, 
/**
 * A rule the editor cannot show as a `RepeatRule`, in words; kept unless changed.
 */
custom_repeat_text: string | null, has_attendees: boolean, organizer_is_me: boolean, 
/**
 * Where it goes (a different one than the event's moves it there).
 */
calendar: number, 
/**
 * Empty for no title.
 */
title: string, all_day: boolean, start: string, 
/**
 * Exclusive.
 */
end: string, 
/**
 * The IANA zone of timed `start` and `end`.
 */
zone: string, 
/**
 * `null`: it does not repeat (or, for an existing event, by a custom rule, kept).
 */
repeat: RepeatRule | null, 
/**
 * Minutes before the start (0 at the start, negative after it; for a whole-day event,
 * before 00:00 of its day: 900 is 15:00 the day before).
 */
alerts: Array<number>, location: string | null, url: string | null, notes: string | null, };

export type WritableCalendar = { id: number, account: number, name: string, 
/**
 * `#RRGGBB` for CSS.
 */
color: string | null, };

export type ChangeReceipt = { 
/**
 * A token for `undo_change` (the last 20 changes are kept).
 */
undo: number, 
/**
 * Where the event is now; `null` after a deletion.
 */
event: EventRef | null, 
/**
 * Words to show, such as "The server will send the update to the 3 people invited."
 */
note: string | null, };

export type PendingChanges = { account: number, 
/**
 * Changes waiting to be sent (refused ones included).
 */
pending: number, 
/**
 * Changes the server refused (kept, sent again at each sync).
 */
refused: number, 
/**
 * Changes whose event changed on the server too: the user chooses.
 */
conflicts: number, };

export type ConflictSide = { title: string, 
/**
 * In the display zone, as `EventView.start`.
 */
start: string, end: string, all_day: boolean, location: string | null, notes: string | null, 
/**
 * The whole iCalendar text.
 */
text: string, };

export type ConflictView = { 
/**
 * For `resolve_conflict`.
 */
id: number, calendar: number, calendar_name: string, title: string, 
/**
 * `null`: this side deleted the event.
 */
mine: ConflictSide | null, 
/**
 * `null`: that side deleted the event.
 */
theirs: ConflictSide | null, };

export type Keep = "mine" | "theirs" | "both";

export type ImportPreview = { calendar_name: string, 
/**
 * Events in the file.
 */
total: number, new: number, 
/**
 * Events already there that the file has a newer version of.
 */
updated: number, skipped: number, 
/**
 * Why events were skipped or left out, in words.
 */
skipped_reasons: Array<string>, };
