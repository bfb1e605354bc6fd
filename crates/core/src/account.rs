//! Accounts, their sync state, and their calendars.

use crate::ids::{AccountId, CalendarId, Href, SyncToken};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Which kind of server an account talks to; iCloud gets Apple's discovery and wording.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountKind {
    /// iCloud, signed in with an Apple ID and an app-specific password.
    Icloud,
    /// Any other CalDAV server (Fastmail, Nextcloud, Radicale, ...).
    Caldav,
}

/// Where an account stands, as design.md §3 defines it. Persisted, so that a revoked password
/// stays revoked across restarts and is never retried.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum AccountState {
    /// Syncing normally.
    Active,
    /// A sync is under way.
    Syncing,
    /// The network or the server cannot be reached; local data is shown.
    Offline,
    /// The server asked us to wait, or failed; no scheduled request before `until`.
    Backoff {
        /// The earliest time of the next scheduled attempt.
        until: DateTime<Utc>,
        /// Whether the server asked for the wait (429, or 503 with Retry-After): only then does
        /// a sync the user asks for wait too. After a plain server fault the wait is our own
        /// politeness, and "Sync now" goes ahead.
        server_asked: bool,
    },
    /// The server refused the password once. One confirming request to the account's entry
    /// host, no sooner than `at`, tells a revocation from a server's hiccup; nothing else is
    /// sent before it.
    Confirming {
        /// The earliest time of the confirming request.
        at: DateTime<Utc>,
    },
    /// The server refused the stored password twice in a row: only a new password helps, and the
    /// old one is never sent again.
    NeedsRelink,
    /// The keychain holds no password for the account (removed, or the keychain was reset):
    /// only pasting it again (relink) helps.
    PasswordMissing,
    /// The keychain is locked or not running: once it is unlocked, the next sync goes on.
    KeychainLocked,
}

/// A signed-in account. It holds no secret: the password lives in the OS keychain only.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct Account {
    pub id: AccountId,
    /// iCloud or generic CalDAV.
    pub kind: AccountKind,
    /// The user name sent to the server (the Apple ID for iCloud).
    pub username: String,
    /// Where discovery starts (`https://caldav.icloud.com/` for iCloud).
    pub server_url: String,
    pub state: AccountState,
    /// When a sync last completed without error.
    pub last_success: Option<DateTime<Utc>>,
}

/// What a collection holds; iCloud keeps events and tasks in separate collections.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum ComponentKind {
    /// VEVENT: shown in the calendar.
    Vevent,
    /// VTODO: a task list; listed but not shown.
    Vtodo,
}

/// A calendar as the store mirrors it: a collection on an account's CalDAV server, or a
/// subscription to a feed (an `.ics` address), which belongs to an account or to none.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct Calendar {
    pub id: CalendarId,
    /// The account it belongs to; `None` for a subscription the user made without one.
    pub account: Option<AccountId>,
    /// The collection's path on the server; for a subscription the user made, its feed's
    /// address.
    pub href: Href,
    /// `displayname`.
    pub name: String,
    /// `#RRGGBB` or `#RRGGBBAA` as the server gave it, if any.
    pub color: Option<String>,
    /// Apple's `calendar-order`, lowest first.
    pub order: Option<i64>,
    /// Components the collection supports.
    pub components: Vec<ComponentKind>,
    /// Whether the user may write to it (shared calendars often may not).
    pub read_only: bool,
    /// Whether the user chose to show it.
    pub enabled: bool,
    /// Whether its alarms become notifications (the user's choice; on by default).
    pub notify: bool,
    /// The last sync token applied in full, if the server supports sync-collection.
    pub sync_token: Option<SyncToken>,
    /// For a subscription: the address of the feed its events come from. Such a calendar is
    /// read-only: a feed is published by someone else and takes no changes.
    pub feed_url: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_serialise_for_the_store_and_the_ui() {
        let json = serde_json::to_string(&AccountState::NeedsRelink).unwrap();
        assert_eq!(json, r#"{"state":"needs_relink"}"#);
        let back: AccountState = serde_json::from_str(r#"{"state":"active"}"#).unwrap();
        assert_eq!(back, AccountState::Active);
    }
}
