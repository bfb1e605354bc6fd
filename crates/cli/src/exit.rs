//! Exit codes and the words for engine failures. Scripts branch on the code, people read the
//! message; neither ever contains a password.

use almanac_caldav::CaldavError;
use almanac_core::{AccountKind, AccountState};
use almanac_secrets::SecretsError;
use almanac_sync::SyncError;
use std::fmt;

/// What `--help` says about exit codes.
pub const HELP: &str = "\
Exit status:
  0  success
  1  any other failure: bad arguments, a server that is not CalDAV, the local store or keychain
  2  the account needs a new password: the server refused it (run `almanac account relink ID`)
  3  offline, or the server is unavailable or asked us to wait: try again later
With several accounts, `sync` exits with the most pressing code: 2, then 1, then 3.

Environment:
  ALMANAC_DATA_DIR    the directory of the store (default: the desktop app's data directory)
  ALMANAC_ICLOUD_URL  where iCloud accounts start discovery (an emulator, for tests)";

/// A non-zero exit status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Code {
    /// 1: anything else.
    Other,
    /// 2: the account needs a new password.
    NeedsPassword,
    /// 3: offline or the server is unavailable.
    Unavailable,
}

impl Code {
    /// The process exit status.
    pub fn status(self) -> u8 {
        match self {
            Code::Other => 1,
            Code::NeedsPassword => 2,
            Code::Unavailable => 3,
        }
    }

    /// How pressing a code is when several accounts failed: a person must act on 2; 1 is a
    /// fault; 3 goes away by itself.
    pub fn urgency(self) -> u8 {
        match self {
            Code::NeedsPassword => 3,
            Code::Other => 2,
            Code::Unavailable => 1,
        }
    }
}

/// An error with its exit code; `main` prints the message and exits with the code.
#[derive(Debug)]
pub struct Failed {
    pub code: Code,
    /// What to tell the person.
    pub message: String,
}

impl fmt::Display for Failed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Failed {}

/// The exit code for an engine failure.
pub fn code_of(err: &SyncError) -> Code {
    match err {
        SyncError::NeedsRelink { .. }
        | SyncError::NotNow {
            state: AccountState::NeedsRelink | AccountState::PasswordMissing,
            ..
        }
        // No password in the keychain: only a new one (relink) helps.
        | SyncError::Secrets(SecretsError::NotFound { .. }) => Code::NeedsPassword,
        SyncError::Unavailable(_)
        | SyncError::NotNow {
            state: AccountState::Backoff { .. } | AccountState::Confirming { .. },
            ..
        } => Code::Unavailable,
        SyncError::NotNow { .. }
        | SyncError::ReadOnly { .. }
        | SyncError::InvalidEdit(_)
        | SyncError::Server(_)
        | SyncError::Store(_)
        | SyncError::Secrets(_)
        | SyncError::Cancelled => Code::Other,
    }
}

fn host_of(url: &str) -> String {
    url.split("://")
        .nth(1)
        .and_then(|rest| rest.split(['/', '?', '#']).next())
        .map(|h| h.rsplit('@').next().unwrap_or(h).to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "the server".into())
}

/// Words for a failed sign-in, relink or sync of an account of `kind` at `server_url`.
pub fn explain(err: &SyncError, kind: AccountKind, server_url: &str) -> String {
    let host = host_of(server_url);
    match err {
        SyncError::NeedsRelink { .. } => match kind {
            AccountKind::Icloud => "iCloud did not accept this Apple ID and password. Almanac \
                needs an app-specific password, not your Apple ID password: create one at \
                account.apple.com (Sign-In and Security → App-Specific Passwords). Apple revokes \
                them whenever the Apple ID password changes."
                .into(),
            AccountKind::Caldav => format!("{host} did not accept this user name and password."),
        },
        SyncError::NotNow {
            account,
            state: AccountState::NeedsRelink,
        } => format!(
            "account {account} needs a new password; nothing was sent with the refused one. \
             Run `almanac account relink {account}`."
        ),
        SyncError::NotNow {
            state: AccountState::Backoff { until, .. },
            ..
        } => format!(
            "{host} asked us to wait; the next attempt is allowed at {}.",
            until.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        ),
        SyncError::NotNow {
            state: AccountState::Confirming { at },
            ..
        } => format!(
            "{host} refused the password once; Almanac asks once more at {} before it calls \
             the password revoked.",
            at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        ),
        SyncError::Unavailable(CaldavError::Unauthorized { .. }) => format!(
            "{host} refused the password once; Almanac asks once more in {} seconds before it \
             calls the password revoked.",
            almanac_sync::policy::CONFIRM_DELAY.num_seconds()
        ),
        SyncError::NotNow { account, .. } => {
            format!("account {account} is busy syncing; try again in a moment.")
        }
        SyncError::Unavailable(
            inner @ (CaldavError::Offline { .. } | CaldavError::Timeout { .. }),
        ) => format!("cannot reach {host}: check the network and try again ({inner})."),
        SyncError::Unavailable(inner) => {
            format!("{host} is having trouble or asked us to wait; try again later ({inner}).")
        }
        SyncError::Server(CaldavError::InvalidUrl { reason, .. }) => {
            format!("this address cannot be used: {reason}.")
        }
        SyncError::Server(inner) => format!(
            "{host} does not answer like a CalDAV server; check the address your provider \
             gives for calendar apps ({inner})."
        ),
        SyncError::Secrets(SecretsError::NotFound { .. }) => format!(
            "the keychain holds no password for this account ({err}); run `almanac account \
             relink` to enter one."
        ),
        SyncError::Store(almanac_store::StoreError::Conflict { .. }) => {
            "this account is already signed in.".into()
        }
        SyncError::Store(almanac_store::StoreError::Unavailable { reason }) => format!(
            "Almanac could not write its local copy of your calendars on this computer \
             ({reason}): check the free disk space, or close a program that holds the file. \
             The server is not at fault."
        ),
        SyncError::Store(_)
        | SyncError::Secrets(_)
        | SyncError::Cancelled
        | SyncError::ReadOnly { .. }
        | SyncError::InvalidEdit(_) => err.to_string(),
    }
}

/// The failure as an error `main` turns into an exit code.
pub fn failed(err: &SyncError, kind: AccountKind, server_url: &str) -> Failed {
    Failed {
        code: code_of(err),
        message: explain(err, kind, server_url),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use almanac_core::AccountId;

    #[test]
    fn only_refusals_ask_for_a_password_and_only_outages_say_try_later() {
        let offline = SyncError::Unavailable(CaldavError::Offline {
            url: "http://127.0.0.1:9/".into(),
            reason: "refused".into(),
        });
        assert_eq!(code_of(&offline), Code::Unavailable);
        assert_eq!(
            code_of(&SyncError::NeedsRelink { account: None }),
            Code::NeedsPassword
        );
        let revoked = SyncError::NotNow {
            account: AccountId(1),
            state: AccountState::NeedsRelink,
        };
        assert_eq!(code_of(&revoked), Code::NeedsPassword);
        let waiting = SyncError::NotNow {
            account: AccountId(1),
            state: AccountState::Backoff {
                until: chrono::DateTime::UNIX_EPOCH,
                server_asked: true,
            },
        };
        assert_eq!(code_of(&waiting), Code::Unavailable);
        let html = SyncError::Server(CaldavError::Protocol {
            url: "u".into(),
            status: 200,
            reason: "html".into(),
        });
        assert_eq!(code_of(&html), Code::Other);
        assert_eq!(code_of(&SyncError::Cancelled), Code::Other);
    }

    #[test]
    fn messages_name_the_host_without_user_info() {
        let msg = explain(
            &SyncError::NeedsRelink { account: None },
            AccountKind::Caldav,
            "https://jane@dav.example.com:8443/dav/",
        );
        assert_eq!(
            msg,
            "dav.example.com:8443 did not accept this user name and password."
        );
        let icloud = explain(
            &SyncError::NeedsRelink { account: None },
            AccountKind::Icloud,
            "https://caldav.icloud.com/",
        );
        assert!(icloud.contains("app-specific"));
    }

    #[test]
    fn the_most_pressing_code_wins() {
        let mut codes = [Code::Unavailable, Code::NeedsPassword, Code::Other];
        codes.sort_by_key(|c| std::cmp::Reverse(c.urgency()));
        assert_eq!(codes[0], Code::NeedsPassword);
        assert_eq!(codes.map(Code::status), [2, 1, 3]);
    }
}
