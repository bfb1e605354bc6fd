//! The shapes that cross the IPC boundary. TypeScript types for them are generated into
//! `ui/src/ipc/bindings.ts` (see the `bindings_are_current` test), never written by hand.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What the UI can branch on when a command fails. A closed set: the UI never reads `message`
/// to decide anything, and nobody matches error strings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The arguments were not usable (an empty field, a malformed URL).
    InvalidInput,
    /// The server refused the user name and password (on iCloud: a wrong, revoked or main
    /// Apple ID password).
    WrongPassword,
    /// The server cannot be reached: no network, DNS, timeout.
    Offline,
    /// The server failed or asked us to wait.
    Server,
    /// The address does not answer like a CalDAV server.
    NotCaldav,
    /// The OS keychain is missing, locked or refused.
    Keychain,
    /// The local store failed.
    Storage,
    /// The system could not do what was asked (open a browser, start a task).
    Unavailable,
}

/// The one error type of every command: a code to branch on and a sentence for a person.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct IpcError {
    /// What kind of failure, for the UI's logic.
    pub code: ErrorCode,
    /// Plain words for a person; never a stack trace, never a secret.
    pub message: String,
}

impl IpcError {
    /// An error with its code and message.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
}

/// Which kind of account the sign-in form is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum AccountKindView {
    /// iCloud: Apple ID and app-specific password.
    Icloud,
    /// Another CalDAV server: URL, user and password.
    Caldav,
}

/// What the sign-in form sends. The password crosses IPC once, here, on its way to the keychain.
#[derive(Clone, Deserialize, TS)]
pub struct SignInRequest {
    /// iCloud or another server.
    pub kind: AccountKindView,
    /// Apple ID or user name.
    pub username: String,
    /// The password as typed.
    pub password: String,
    /// The server's address; unused for iCloud.
    pub server_url: Option<String>,
}

/// What the "Subscribe to a calendar" dialog sends.
#[derive(Clone, Debug, Deserialize, TS)]
pub struct SubscribeRequest {
    /// The feed's address as typed: `webcal://...` or `https://...`.
    pub url: String,
    /// Its name in Almanac; empty or `None`: the feed's own name, else its host.
    pub name: Option<String>,
    /// The account to show it with; `None`: with no account.
    pub account: Option<number::Id>,
}

/// An account as the sidebar shows it; no secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct AccountView {
    /// The store's key.
    pub id: number::Id,
    /// iCloud or CalDAV.
    pub kind: AccountKindView,
    /// The login.
    pub username: String,
    /// A short, stable state name for logic: `active`, `syncing`, `offline`, `backoff`,
    /// `needs_relink`.
    pub state: String,
    /// The state in words for a person.
    pub state_text: String,
    /// When the last sync succeeded (RFC 3339), if ever.
    pub last_success: Option<String>,
    /// How many of its events could not be read (listed by `sync_problems`).
    pub problems: number::Id,
}

/// How far one calendar's running sync has got.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
pub struct ProgressView {
    /// Events stored so far in this sync.
    pub fetched: number::Id,
    /// Events this sync must fetch.
    pub total: number::Id,
}

/// A calendar as the sidebar shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct CalendarView {
    /// The store's key.
    pub id: number::Id,
    /// Its account; `None` for a subscription made without one.
    pub account: Option<number::Id>,
    /// Its name.
    pub name: String,
    /// `#RRGGBB` for CSS (iCloud's alpha dropped), if the server gave one.
    pub color: Option<String>,
    /// Whether the user shows it.
    pub enabled: bool,
    /// Whether the user may not change it.
    pub read_only: bool,
    /// Whether its alarms become notifications.
    pub notify: bool,
    /// Set while a sync is fetching its events.
    pub progress: Option<ProgressView>,
    /// What its last sync could not do or left waiting, in words; `None` when up to date.
    pub health: Option<String>,
    /// Set for a collection Almanac does not show (a task list): why, in one sentence. The
    /// sidebar names it apart from the calendars.
    pub not_shown: Option<String>,
    /// For a subscription: the address of the feed its events come from (it is read-only).
    pub feed_url: Option<String>,
    /// Whether the user may unsubscribe here: a subscription they made, not one their
    /// account's server lists (iCloud's subscribed calendars end in iCloud).
    pub can_unsubscribe: bool,
}

/// Accounts and calendars.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct Overview {
    /// Every account.
    pub accounts: Vec<AccountView>,
    /// Every calendar, in account and server order.
    pub calendars: Vec<CalendarView>,
    /// The IANA zone times are shown in (the system's, or the user's override).
    pub display_zone: String,
    /// How far the app's clock runs ahead of the system's, in milliseconds: zero unless a test
    /// pinned the clock (`ALMANAC_CLOCK_START`); the window's "now" and "today" add it.
    pub clock_skew_ms: i64,
}

/// One occurrence for the calendar views. Text fields are untrusted and rendered as text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct EventView {
    /// A key unique among the occurrences of one answer.
    pub id: String,
    /// Its calendar.
    pub calendar: number::Id,
    /// The resource holding it: with `calendar` and `start`, what `event_details` takes.
    pub href: String,
    /// `SUMMARY`, or "(No title)".
    pub title: String,
    /// Start: `YYYY-MM-DD` for all-day, else `YYYY-MM-DDTHH:MM:SS` on the display zone's wall
    /// clock (no offset: the calendar component shows it as it is).
    pub start: String,
    /// End (exclusive), in the same form.
    pub end: String,
    /// Whether it spans whole days.
    pub all_day: bool,
    /// The calendar's colour for CSS.
    pub color: Option<String>,
    /// `LOCATION`.
    pub location: Option<String>,
    /// Whether it has a change the server does not have yet (a quiet mark in the views).
    pub pending: bool,
}

/// A person on an event: organizer or attendee. Untrusted text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct PersonView {
    /// `CN`, if given.
    pub name: Option<String>,
    /// The address without `mailto:`.
    pub address: String,
    /// Their answer in words ("Accepted", "Declined", "Maybe", "Not answered", "Delegated").
    pub status: Option<String>,
}

/// Everything the details panel shows about one occurrence. Text fields are untrusted and
/// rendered as text; `map_url` and `url` are checked `https:`/`http:` links.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct EventDetailsView {
    /// `SUMMARY`, or "(No title)".
    pub title: String,
    /// The calendar's name.
    pub calendar_name: String,
    /// The calendar's colour for CSS.
    pub color: Option<String>,
    /// Whether the calendar is read-only (shared to the user, or a subscription).
    pub read_only: bool,
    /// Whether the calendar is a subscription: read-only because its events come from a feed
    /// someone else publishes (the panel says so rather than naming an owner).
    pub subscription: bool,
    /// Start in the same form as [`EventView::start`].
    pub start: String,
    /// End (exclusive), in the same form.
    pub end: String,
    /// Whether it spans whole days.
    pub all_day: bool,
    /// The zone times are shown in.
    pub display_zone: String,
    /// The event's own zone when it differs from the display zone.
    pub event_zone: Option<String>,
    /// Start on the event zone's wall clock (`YYYY-MM-DDTHH:MM:SS`), when `event_zone` is set.
    pub event_zone_start: Option<String>,
    /// End on the event zone's wall clock, when `event_zone` is set.
    pub event_zone_end: Option<String>,
    /// `LOCATION`.
    pub location: Option<String>,
    /// A map of Apple's structured location, when it has coordinates.
    pub map_url: Option<String>,
    /// `DESCRIPTION`: plain text; the UI makes `http(s)` links in it clickable.
    pub notes: Option<String>,
    /// `URL`.
    pub url: Option<String>,
    /// `ORGANIZER`.
    pub organizer: Option<PersonView>,
    /// `ATTENDEE`s.
    pub attendees: Vec<PersonView>,
    /// The recurrence in words ("Every 2 weeks on Tuesday and Thursday, until 30 June 2027").
    pub recurrence: Option<String>,
    /// The alarms in words ("15 minutes before", "At the start").
    pub alarms: Vec<String>,
    /// "Cancelled" or "Tentative", when so.
    pub status: Option<String>,
}

/// An event that could not be read, for the "sync problems" view. Untrusted text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct ProblemView {
    /// The calendar it is in.
    pub calendar_name: String,
    /// Its summary, if one could be found in the raw text.
    pub summary: Option<String>,
    /// Its UID, if one could be found.
    pub uid: Option<String>,
    /// Why it could not be read.
    pub reason: String,
}

/// The settings view's contents.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct SettingsView {
    /// Minutes between scheduled syncs.
    pub sync_minutes: number::Id,
    /// Whether Almanac starts at login.
    pub start_at_login: bool,
    /// The user's display zone, when it overrides the system's.
    pub zone_override: Option<String>,
    /// The system's zone.
    pub system_zone: String,
    /// Where the store and logs live.
    pub data_dir: String,
}

/// One search result; text fields are untrusted and rendered as text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct SearchHitView {
    /// A key unique among the results.
    pub id: String,
    /// `SUMMARY`, or "(No title)".
    pub title: String,
    /// The calendar's name.
    pub calendar_name: String,
    /// `LOCATION`, if any.
    pub location: Option<String>,
    /// The day to jump to (`YYYY-MM-DD` in the viewer's zone): the event's or its series' start.
    pub date: Option<String>,
}

/// What the shell tells the window happened, so it refreshes what it shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct ChangedEvent {
    /// The account concerned; `None` for subscriptions' feeds, which belong to no account's
    /// sync.
    pub account: Option<number::Id>,
    /// `state`, `progress`, `finished` or `feeds`.
    pub reason: String,
}

/// The event name of [`ChangedEvent`].
pub const CHANGED: &str = "almanac://changed";

/// Numbers that cross IPC. Store keys fit easily in a JavaScript number.
pub mod number {
    /// A store key as the UI sees it.
    pub type Id = i32;
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;
    use ts_rs::Config;

    /// The TypeScript the UI imports, generated from the types above.
    fn bindings() -> String {
        let cfg = Config::new().with_large_int("number");
        let decls = [
            ErrorCode::decl(&cfg),
            IpcError::decl(&cfg),
            AccountKindView::decl(&cfg),
            SignInRequest::decl(&cfg),
            SubscribeRequest::decl(&cfg),
            AccountView::decl(&cfg),
            CalendarView::decl(&cfg),
            Overview::decl(&cfg),
            EventView::decl(&cfg),
            ChangedEvent::decl(&cfg),
            SearchHitView::decl(&cfg),
            ProgressView::decl(&cfg),
            PersonView::decl(&cfg),
            EventDetailsView::decl(&cfg),
            ProblemView::decl(&cfg),
            SettingsView::decl(&cfg),
        ];
        let mut out = String::from(
            "// Generated from src-tauri/src/ipc.rs by the `bindings_are_current` test.\n\
             // Do not edit: run `UPDATE_BINDINGS=1 cargo test -p almanac-desktop bindings`.\n\n",
        );
        for decl in decls {
            out.push_str("export ");
            out.push_str(&decl);
            out.push_str("\n\n");
        }
        out.truncate(out.trim_end().len());
        out.push('\n');
        out
    }

    #[test]
    fn bindings_are_current() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/ipc/bindings.ts");
        let expected = bindings();
        if std::env::var_os("UPDATE_BINDINGS").is_some() {
            std::fs::write(&path, &expected).unwrap();
        }
        let actual = std::fs::read_to_string(&path).unwrap_or_default();
        assert_eq!(
            actual, expected,
            "ui/src/ipc/bindings.ts is stale: rerun with UPDATE_BINDINGS=1"
        );
    }

    #[test]
    fn errors_serialise_with_a_snake_case_code() {
        let json = serde_json::to_value(IpcError::new(ErrorCode::WrongPassword, "x")).unwrap();
        assert_eq!(json["code"], "wrong_password");
    }
}
