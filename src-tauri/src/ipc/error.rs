//! Every error a command returns is built here: a [`ErrorCode`] the window branches on and a
//! sentence for a person. Engine errors become IPC errors through one conversion
//! (`From<SyncError>`); sign-in and subscribing refine it, because there the same failure
//! means something else to the user (a refused password is a wrong one, a 404 is a wrong
//! address).

use almanac_caldav::CaldavError;
use almanac_store::StoreError;
use almanac_sync::SyncError;
use serde::Serialize;
use ts_rs::TS;

use super::AccountKindView;

/// What the UI can branch on when a command fails. A closed set: the UI never reads `message`
/// to decide anything, and nobody matches error strings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The arguments were not usable (an empty field, a malformed URL, an edit that does not
    /// fit the event).
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
    /// What the command named is gone (deleted meanwhile, here or by a sync): refresh.
    NotFound,
    /// The calendar cannot be changed here (shared read-only, a subscription).
    ReadOnly,
    /// The event has a conflict the user settles first (the conflicts view).
    Conflict,
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

    /// Arguments that cannot be used, said in `message`.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidInput, message)
    }

    /// The system would not `what` ("open the folder").
    pub fn unavailable(what: &str) -> Self {
        Self::new(ErrorCode::Unavailable, format!("Almanac could not {what}."))
    }
}

impl From<&SyncError> for IpcError {
    fn from(err: &SyncError) -> Self {
        match err {
            SyncError::Store(StoreError::NotFound { what, .. }) => IpcError::new(
                ErrorCode::NotFound,
                match *what {
                    "resource" | "event" => "This event is no longer there.".to_string(),
                    other => format!("This {other} is no longer there."),
                },
            ),
            SyncError::Store(StoreError::Conflict {
                what: "event with an unresolved conflict",
            }) => IpcError::new(
                ErrorCode::Conflict,
                "This event has two versions to choose from first (Conflicts).",
            ),
            SyncError::Store(other) => IpcError::new(
                ErrorCode::Storage,
                format!("Almanac could not read or save its data: {other}"),
            ),
            SyncError::Secrets(e) => IpcError::new(ErrorCode::Keychain, e.to_string()),
            SyncError::InvalidEdit(e) => {
                IpcError::invalid(format!("This change cannot be made: {e}."))
            }
            SyncError::ReadOnly { calendar } => IpcError::new(
                ErrorCode::ReadOnly,
                format!("{calendar} is read-only: its events cannot be changed here."),
            ),
            SyncError::NotNow { .. } | SyncError::Cancelled => IpcError::new(
                ErrorCode::Unavailable,
                "Almanac is busy with this account; try again in a moment.",
            ),
            SyncError::NeedsRelink { .. } => {
                IpcError::new(ErrorCode::WrongPassword, "The server refused the password.")
            }
            SyncError::Unavailable(CaldavError::Offline { .. } | CaldavError::Timeout { .. }) => {
                IpcError::new(
                    ErrorCode::Offline,
                    "Almanac cannot reach the server. Check your internet connection.",
                )
            }
            SyncError::Unavailable(_) | SyncError::Server(_) => IpcError::new(
                ErrorCode::Server,
                "The server is having trouble; try again in a few minutes.",
            ),
        }
    }
}

impl From<SyncError> for IpcError {
    fn from(err: SyncError) -> Self {
        IpcError::from(&err)
    }
}

impl From<almanac_ical::IcalError> for IpcError {
    fn from(err: almanac_ical::IcalError) -> Self {
        IpcError::from(SyncError::InvalidEdit(err))
    }
}

fn host_of(url: &str) -> String {
    url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_else(|| "the server".into())
}

/// The IPC error for a failed sign-in, relink or sync, in plain words.
pub fn sign_in_error(kind: AccountKindView, server_url: &str, err: &SyncError) -> IpcError {
    let host = host_of(server_url);
    match err {
        SyncError::NeedsRelink { .. } => match kind {
            AccountKindView::Icloud => IpcError::new(
                ErrorCode::WrongPassword,
                "iCloud did not accept this Apple ID and password. Almanac needs an app-specific \
                 password, not your Apple ID password: create one at account.apple.com (Sign-In \
                 and Security → App-Specific Passwords) and paste it here. A password made \
                 earlier may have been revoked, which Apple does whenever the Apple ID password \
                 changes.",
            ),
            AccountKindView::Caldav => IpcError::new(
                ErrorCode::WrongPassword,
                format!("{host} did not accept this user name and password."),
            ),
        },
        SyncError::Unavailable(CaldavError::Offline { .. } | CaldavError::Timeout { .. }) => {
            IpcError::new(
                ErrorCode::Offline,
                format!(
                    "Almanac cannot reach {host}. Check your internet connection and try again."
                ),
            )
        }
        SyncError::Unavailable(_) => IpcError::new(
            ErrorCode::Server,
            format!(
                "{host} is having trouble or asked us to wait. Nothing was changed; try again in a few minutes."
            ),
        ),
        SyncError::Server(CaldavError::CredentialsNotSent { host: asking }) => IpcError::new(
            ErrorCode::InvalidInput,
            format!(
                "{asking} asks for your password, but it is not {host}, so Almanac does not send \
                 it there. Check the server address your provider gives for calendar apps."
            ),
        ),
        SyncError::Server(CaldavError::Certificate { reason, .. }) => IpcError::new(
            ErrorCode::Server,
            format!(
                "{host}'s security certificate was refused ({reason}), so Almanac sent nothing. \
                 Check the address, or ask your provider."
            ),
        ),
        SyncError::Server(CaldavError::InvalidUrl { reason, .. }) => IpcError::new(
            ErrorCode::InvalidInput,
            format!("This address cannot be used: {reason}."),
        ),
        SyncError::Server(_) => IpcError::new(
            ErrorCode::NotCaldav,
            format!(
                "{host} does not answer like a CalDAV server. Check the address your provider gives for calendar apps."
            ),
        ),
        SyncError::Store(StoreError::Conflict { .. }) => {
            IpcError::invalid("This account is already signed in.")
        }
        other => IpcError::from(other),
    }
}

/// The IPC error for a feed that could not be subscribed to, in plain words. Nothing was
/// stored. The feed is named by its host only: private feeds keep a secret in their path.
pub fn subscribe_error(url: &str, err: &SyncError) -> IpcError {
    let host = almanac_caldav::feed_url(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_else(|| "The calendar's server".into());
    let input = |message: String| IpcError::new(ErrorCode::InvalidInput, message);
    match err {
        SyncError::Server(CaldavError::InvalidUrl { reason, .. }) => {
            input(format!("This address cannot be used: {reason}."))
        }
        SyncError::Server(CaldavError::Protocol { .. }) => input(format!(
            "{host} did not answer with a calendar (.ics) file. Check the address."
        )),
        SyncError::Server(CaldavError::NotFound { .. }) => {
            input(format!("{host} has no calendar at this address."))
        }
        SyncError::Server(CaldavError::Unauthorized { .. } | CaldavError::Forbidden { .. }) => {
            input(format!(
                "{host} refuses this calendar: Almanac subscribes to public calendars only."
            ))
        }
        SyncError::Unavailable(CaldavError::Offline { .. } | CaldavError::Timeout { .. }) => {
            IpcError::new(
                ErrorCode::Offline,
                format!(
                    "Almanac cannot reach {host}. Check your internet connection and try again."
                ),
            )
        }
        SyncError::Unavailable(CaldavError::TooLarge { limit, .. }) => input(format!(
            "This calendar is larger than Almanac reads ({} MB).",
            limit / (1024 * 1024)
        )),
        SyncError::Unavailable(_) | SyncError::Server(_) => IpcError::new(
            ErrorCode::Server,
            format!("{host} is having trouble with this calendar; try again in a few minutes."),
        ),
        SyncError::Store(StoreError::Conflict { .. }) => {
            input("You already subscribe to this calendar.".into())
        }
        SyncError::Store(StoreError::NotFound { .. }) => {
            input("That account is no longer signed in.".into())
        }
        other => IpcError::new(
            ErrorCode::Storage,
            format!("Almanac could not save the subscription: {other}"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_serialise_with_a_snake_case_code() {
        let json = serde_json::to_value(IpcError::new(ErrorCode::WrongPassword, "x")).unwrap();
        assert_eq!(json["code"], "wrong_password");
    }

    #[test]
    fn edits_say_what_the_user_can_do() {
        let gone = SyncError::Store(StoreError::NotFound {
            what: "event",
            key: "/c/a.ics".into(),
        });
        assert_eq!(IpcError::from(gone).code, ErrorCode::NotFound);
        let conflict = SyncError::Store(StoreError::Conflict {
            what: "event with an unresolved conflict",
        });
        assert_eq!(IpcError::from(conflict).code, ErrorCode::Conflict);
        let shared = SyncError::ReadOnly {
            calendar: "Team".into(),
        };
        let e = IpcError::from(shared);
        assert_eq!(e.code, ErrorCode::ReadOnly);
        assert!(e.message.starts_with("Team is read-only"), "{}", e.message);
    }

    #[test]
    fn icloud_refusals_point_to_app_specific_passwords() {
        let err = sign_in_error(
            AccountKindView::Icloud,
            "https://caldav.icloud.com/",
            &SyncError::NeedsRelink { account: None },
        );
        assert_eq!(err.code, ErrorCode::WrongPassword);
        assert!(err.message.contains("app-specific"));
        assert!(err.message.contains("account.apple.com"));
    }

    #[test]
    fn network_and_server_faults_have_their_own_words() {
        let offline = SyncError::Unavailable(CaldavError::Offline {
            url: "u".into(),
            reason: "dns".into(),
        });
        let e = sign_in_error(
            AccountKindView::Caldav,
            "https://dav.example.com/",
            &offline,
        );
        assert_eq!(e.code, ErrorCode::Offline);
        assert!(e.message.contains("dav.example.com"));
        let busy = SyncError::Unavailable(CaldavError::Server {
            url: "u".into(),
            status: 503,
        });
        assert_eq!(
            sign_in_error(AccountKindView::Caldav, "x", &busy).code,
            ErrorCode::Server
        );
        let elsewhere = SyncError::Server(CaldavError::CredentialsNotSent {
            host: "calendars.other.example".into(),
        });
        let e = sign_in_error(
            AccountKindView::Caldav,
            "https://dav.example.com/",
            &elsewhere,
        );
        assert_eq!(e.code, ErrorCode::InvalidInput);
        assert!(
            e.message.contains("calendars.other.example"),
            "{}",
            e.message
        );
        let certificate = SyncError::Server(CaldavError::Certificate {
            url: "u".into(),
            reason: "Expired".into(),
        });
        let e = sign_in_error(
            AccountKindView::Caldav,
            "https://dav.example.com/",
            &certificate,
        );
        assert!(e.message.contains("certificate"), "{}", e.message);
        let html = SyncError::Server(CaldavError::Protocol {
            url: "u".into(),
            status: 200,
            reason: "html".into(),
        });
        let e = sign_in_error(AccountKindView::Caldav, "https://example.com/", &html);
        assert_eq!(e.code, ErrorCode::NotCaldav);
        assert!(!e.message.contains("200"), "no bare HTTP codes for people");
    }

    #[test]
    fn subscription_failures_name_the_host_and_never_the_path() {
        let url = "webcal://calendar.example.com/private-8c1f2e/basic.ics";
        let html = SyncError::Server(CaldavError::Protocol {
            url: "u".into(),
            status: 200,
            reason: "x".into(),
        });
        let e = subscribe_error(url, &html);
        assert_eq!(e.code, ErrorCode::InvalidInput);
        assert!(e.message.contains("calendar.example.com"), "{}", e.message);
        assert!(!e.message.contains("private-8c1f2e"), "{}", e.message);
        let offline = SyncError::Unavailable(CaldavError::Offline {
            url: "u".into(),
            reason: "dns".into(),
        });
        assert_eq!(subscribe_error(url, &offline).code, ErrorCode::Offline);
        let twice = SyncError::Store(almanac_store::StoreError::Conflict {
            what: "subscription",
        });
        assert_eq!(
            subscribe_error(url, &twice).message,
            "You already subscribe to this calendar."
        );
        let refused = SyncError::Server(CaldavError::Unauthorized { url: "u".into() });
        assert_eq!(subscribe_error(url, &refused).code, ErrorCode::InvalidInput);
    }
}
