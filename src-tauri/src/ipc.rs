//! The shapes that cross the IPC boundary. TypeScript types for them are generated into
//! `ui/src/ipc/bindings.ts`, and the command wrappers into `ui/src/ipc/commands.ts` (see the
//! `bindings_are_current` test), never written by hand.
//!
//! A field has a doc comment when its name does not say it all (a format, a unit, what `null`
//! means, why it is there); the structs whose other fields are named for what they hold allow
//! `missing_docs` for them. The comments travel into the TypeScript.

pub mod command;
pub mod editing;
pub mod error;

pub use error::{ErrorCode, IpcError};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

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
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct SignInRequest {
    pub kind: AccountKindView,
    /// Apple ID or user name.
    pub username: String,
    /// As typed.
    #[ts(type = "string")]
    pub password: almanac_core::Password,
    /// Unused for iCloud.
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

/// An account's state, for the window's logic (its words are in `state_text`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum AccountStateView {
    /// Synced, nothing to do.
    Active,
    /// A sync is running.
    Syncing,
    /// The server cannot be reached; saved data is shown.
    Offline,
    /// Waiting after a server error, or because the server asked.
    Backoff,
    /// The password was refused once; a second request checks before anything is said.
    Confirming,
    /// The password was refused: the user pastes a new one (the relink banner).
    NeedsRelink,
    /// The keychain holds no password for the account: the user pastes it again.
    PasswordMissing,
    /// The keychain is locked: the user unlocks it, then syncs.
    KeychainLocked,
}

/// An account as the sidebar shows it; no secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct AccountView {
    pub id: number::Id,
    pub kind: AccountKindView,
    pub username: String,
    pub state: AccountStateView,
    /// The state in words for a person.
    pub state_text: String,
    /// When the last sync succeeded (RFC 3339), if ever.
    pub last_success: Option<String>,
    /// How many of its events could not be read and calendars could not be synced (listed by
    /// `sync_problems`).
    pub problems: number::Count,
}

/// How far one calendar's running sync has got, in events.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct ProgressView {
    pub fetched: number::Count,
    pub total: number::Count,
}

/// A calendar as the sidebar shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct CalendarView {
    pub id: number::Id,
    /// `None` for a subscription made without an account.
    pub account: Option<number::Id>,
    pub name: String,
    /// `#RRGGBB` for CSS (iCloud's alpha dropped), if the server gave one.
    pub color: Option<String>,
    /// Whether the user shows it.
    pub enabled: bool,
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
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct Overview {
    pub accounts: Vec<AccountView>,
    /// In account and server order.
    pub calendars: Vec<CalendarView>,
    /// The IANA zone times are shown in (the system's, or the user's override).
    pub display_zone: String,
    /// How far the app's clock runs ahead of the system's, in milliseconds: zero unless a test
    /// pinned the clock (`ALMANAC_CLOCK_START`); the window's "now" and "today" add it.
    pub clock_skew_ms: i64,
}

/// One occurrence for the calendar views. Text fields are untrusted and rendered as text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct EventView {
    /// A key unique among the occurrences of one answer.
    pub id: String,
    pub calendar: number::Id,
    /// The resource holding it: with `calendar` and `start`, what `event_details` and the
    /// editing commands take.
    pub href: String,
    /// `SUMMARY`, or "(No title)".
    pub title: String,
    /// `YYYY-MM-DD` for all-day, else `YYYY-MM-DDTHH:MM:SS` on the display zone's wall clock
    /// (no offset: the calendar component shows it as it is).
    pub start: String,
    /// Exclusive, in the same form.
    pub end: String,
    pub all_day: bool,
    /// The calendar's colour for CSS.
    pub color: Option<String>,
    pub location: Option<String>,
    /// Whether it has a change the server does not have yet (a quiet mark in the views).
    pub pending: bool,
    /// The server's reason when it refused the change (kept, and sent again at each sync).
    pub refused: Option<String>,
    /// Whether the server's copy changed too: the user chooses in the conflicts view.
    pub conflict: bool,
}

/// A person on an event: organizer or attendee. Untrusted text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct PersonView {
    /// `CN`, if given.
    pub name: Option<String>,
    /// Without `mailto:`.
    pub address: String,
    /// Their answer in words ("Accepted", "Declined", "Maybe", "Not answered", "Delegated").
    pub status: Option<String>,
}

/// The account's own answer to an invitation, shown with Accept / Maybe / Decline.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum AnswerView {
    /// Not answered yet.
    NeedsAction,
    /// Will attend.
    Accepted,
    /// Might attend.
    Tentative,
    /// Will not attend.
    Declined,
}

/// Set on an event the account's address is invited to (by someone else).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct InvitationView {
    pub answer: AnswerView,
}

/// Everything the details panel shows about one occurrence. Text fields are untrusted and
/// rendered as text; `map_url` and `url` are checked `https:`/`http:` links.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct EventDetailsView {
    /// `SUMMARY`, or "(No title)".
    pub title: String,
    pub calendar_name: String,
    /// The calendar's colour for CSS.
    pub color: Option<String>,
    /// Whether the calendar is read-only (shared to the user, or a subscription).
    pub read_only: bool,
    /// Why the user may not change it, for a hover text; `None` when they may.
    pub read_only_reason: Option<String>,
    /// Whether the calendar is a subscription: read-only because its events come from a feed
    /// someone else publishes (the panel says so rather than naming an owner).
    pub subscription: bool,
    /// In the same form as [`EventView::start`].
    pub start: String,
    /// Exclusive, in the same form.
    pub end: String,
    pub all_day: bool,
    /// The zone times are shown in.
    pub display_zone: String,
    /// The event's own zone when it differs from the display zone.
    pub event_zone: Option<String>,
    /// Start on the event zone's wall clock (`YYYY-MM-DDTHH:MM:SS`), when `event_zone` is set.
    pub event_zone_start: Option<String>,
    /// End on the event zone's wall clock, when `event_zone` is set.
    pub event_zone_end: Option<String>,
    pub location: Option<String>,
    /// A map of Apple's structured location, when it has coordinates.
    pub map_url: Option<String>,
    /// `DESCRIPTION`: plain text; the UI makes `http(s)` links in it clickable.
    pub notes: Option<String>,
    pub url: Option<String>,
    pub organizer: Option<PersonView>,
    pub attendees: Vec<PersonView>,
    /// The recurrence in words ("Every 2 weeks on Tuesday and Thursday, until 30 June 2027").
    pub recurrence: Option<String>,
    /// The alarms in words ("15 minutes before", "At the start").
    pub alarms: Vec<String>,
    /// "Cancelled" or "Tentative", when so.
    pub status: Option<String>,
    /// Whether it has a change the server does not have yet.
    pub pending: bool,
    /// The server's reason when it refused the change.
    pub refused: Option<String>,
    /// Whether the server's copy changed too (the conflicts view settles it).
    pub conflict: bool,
    /// Set when the account's address is invited: its answer so far.
    pub invitation: Option<InvitationView>,
}

/// An event that could not be read, for the "sync problems" view. Untrusted text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct ProblemView {
    pub calendar_name: String,
    /// If one could be found in the raw text.
    pub summary: Option<String>,
    /// If one could be found.
    pub uid: Option<String>,
    /// Why it could not be read.
    pub reason: String,
}

/// The settings view's contents.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct SettingsView {
    /// Minutes between scheduled syncs.
    pub sync_minutes: number::Count,
    pub start_at_login: bool,
    /// The user's display zone, when it overrides the system's.
    pub zone_override: Option<String>,
    pub system_zone: String,
    /// Where the store and logs live.
    pub data_dir: String,
}

/// One search result; text fields are untrusted and rendered as text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct SearchHitView {
    /// A key unique among the results.
    pub id: String,
    /// `SUMMARY`, or "(No title)".
    pub title: String,
    pub calendar_name: String,
    pub location: Option<String>,
    /// The day to jump to (`YYYY-MM-DD` in the viewer's zone): the event's or its series' start.
    pub date: Option<String>,
}

/// Why the shell tells the window that something changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ChangeReason {
    /// An account's state moved (syncing, offline, needs a new password, ...).
    State,
    /// A running sync fetched more events.
    Progress,
    /// A sync ended: calendars and events may have changed.
    Finished,
    /// Subscriptions were fetched.
    Feeds,
    /// A setting changed (the display zone redraws every time).
    Settings,
    /// The user changed events here (an edit, an undo, an import, a conflict settled).
    Edited,
}

/// What the shell tells the window happened, so it refreshes what it shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct ChangedEvent {
    /// The account concerned; `None` for subscriptions' feeds, settings and edits, which belong
    /// to no account's sync.
    pub account: Option<number::Id>,
    /// What happened.
    pub reason: ChangeReason,
}

/// The event name of [`ChangedEvent`].
pub const CHANGED: &str = "almanac://changed";

/// Numbers that cross IPC. Both fit easily in a JavaScript number.
pub mod number {
    /// A store key as the UI sees it.
    pub type Id = i32;
    /// How many of something.
    pub type Count = u32;
}

#[cfg(test)]
mod tests {
    use super::editing::*;
    use super::*;
    use std::path::Path;
    use ts_rs::Config;

    /// The TypeScript types the UI imports, generated from the types above.
    fn bindings(cfg: &Config) -> String {
        let decls = [
            ErrorCode::decl(cfg),
            IpcError::decl(cfg),
            AccountKindView::decl(cfg),
            SignInRequest::decl(cfg),
            SubscribeRequest::decl(cfg),
            AccountStateView::decl(cfg),
            AccountView::decl(cfg),
            CalendarView::decl(cfg),
            Overview::decl(cfg),
            EventView::decl(cfg),
            ChangeReason::decl(cfg),
            ChangedEvent::decl(cfg),
            SearchHitView::decl(cfg),
            ProgressView::decl(cfg),
            PersonView::decl(cfg),
            AnswerView::decl(cfg),
            InvitationView::decl(cfg),
            EventDetailsView::decl(cfg),
            ProblemView::decl(cfg),
            SettingsView::decl(cfg),
            EditScope::decl(cfg),
            Answer::decl(cfg),
            Frequency::decl(cfg),
            RepeatEnd::decl(cfg),
            RepeatRule::decl(cfg),
            EventDraft::decl(cfg),
            EventRef::decl(cfg),
            EditorFields::decl(cfg),
            WritableCalendar::decl(cfg),
            ChangeReceipt::decl(cfg),
            PendingChanges::decl(cfg),
            ConflictSide::decl(cfg),
            ConflictView::decl(cfg),
            Keep::decl(cfg),
            ImportPreview::decl(cfg),
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

    /// Compares `expected` with the file at `relative` (from this crate), or writes it with
    /// `UPDATE_BINDINGS` set.
    fn check_file(relative: &str, expected: &str) {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
        if std::env::var_os("UPDATE_BINDINGS").is_some() {
            std::fs::write(&path, expected).unwrap();
        }
        let actual = std::fs::read_to_string(&path).unwrap_or_default();
        assert_eq!(
            actual, expected,
            "{relative} is stale: rerun with UPDATE_BINDINGS=1"
        );
    }

    #[test]
    fn bindings_are_current() {
        let cfg = Config::new().with_large_int("number");
        check_file("../ui/src/ipc/bindings.ts", &bindings(&cfg));
        check_file(
            "../ui/src/ipc/commands.ts",
            &command::typescript(&crate::commands_table(), &cfg),
        );
    }
}
