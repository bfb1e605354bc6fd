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
}

/// A calendar as the sidebar shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct CalendarView {
    /// The store's key.
    pub id: number::Id,
    /// Its account.
    pub account: number::Id,
    /// Its name.
    pub name: String,
    /// `#RRGGBB` for CSS (iCloud's alpha dropped), if the server gave one.
    pub color: Option<String>,
    /// Whether the user shows it.
    pub enabled: bool,
    /// Whether the user may not change it.
    pub read_only: bool,
}

/// Accounts and calendars.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct Overview {
    /// Every account.
    pub accounts: Vec<AccountView>,
    /// Every calendar, in account and server order.
    pub calendars: Vec<CalendarView>,
}

/// One occurrence for the calendar views. Text fields are untrusted and rendered as text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct EventView {
    /// A key unique among the occurrences of one answer.
    pub id: String,
    /// Its calendar.
    pub calendar: number::Id,
    /// `SUMMARY`, or "(No title)".
    pub title: String,
    /// Start: `YYYY-MM-DD` for all-day, else RFC 3339 in UTC.
    pub start: String,
    /// End (exclusive), in the same form.
    pub end: String,
    /// Whether it spans whole days.
    pub all_day: bool,
    /// The calendar's colour for CSS.
    pub color: Option<String>,
    /// `LOCATION`.
    pub location: Option<String>,
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
    /// The account concerned.
    pub account: number::Id,
    /// `state`, `progress` or `finished`.
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
            AccountView::decl(&cfg),
            CalendarView::decl(&cfg),
            Overview::decl(&cfg),
            EventView::decl(&cfg),
            ChangedEvent::decl(&cfg),
            SearchHitView::decl(&cfg),
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
