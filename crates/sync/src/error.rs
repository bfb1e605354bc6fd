//! The engine's one error type, classified for the front ends (CLI exit codes, IPC codes).

use almanac_caldav::CaldavError;
use almanac_core::{AccountId, AccountState};
use almanac_secrets::SecretsError;
use almanac_store::StoreError;

/// Why a sync, a sign-in or a relink did not complete.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// The server refused the password (twice, during a sync; once, when signing in or
    /// relinking). The account needs a new password; nothing more is sent with the old one.
    #[error("the server refused the password for account {account:?}")]
    NeedsRelink {
        /// The account, if it exists yet (not during sign-in).
        account: Option<AccountId>,
    },
    /// The account is waiting (backoff) or needs a new password, so nothing was sent.
    #[error("account {account} is not syncing now ({state:?})")]
    NotNow {
        /// The account.
        account: AccountId,
        /// Its state.
        state: AccountState,
    },
    /// The server could not be reached, or asked us to wait, or failed: try later.
    #[error("the server is unavailable: {0}")]
    Unavailable(#[source] CaldavError),
    /// The server answered, but not as a CalDAV server does (wrong URL, not CalDAV).
    #[error("the server's answer was not usable: {0}")]
    Server(#[source] CaldavError),
    /// The local store failed.
    #[error("the local store failed: {0}")]
    Store(#[from] StoreError),
    /// The keychain failed or holds no password for the account.
    #[error("the keychain failed: {0}")]
    Secrets(#[from] SecretsError),
    /// The calendar cannot be changed here: shared read-only with this account, or a
    /// subscription. Nothing was stored.
    #[error("{calendar} is read-only: its events cannot be changed here")]
    ReadOnly {
        /// The calendar's name.
        calendar: String,
    },
    /// The change cannot be applied to the event as stored (an occurrence the series does not
    /// have, a scope that does not fit, a reply from someone not invited). Nothing was stored.
    #[error("this change cannot be made: {0}")]
    InvalidEdit(#[from] almanac_ical::IcalError),
    /// The sync was cancelled; what was applied so far stays, and the next sync continues.
    #[error("the sync was cancelled")]
    Cancelled,
}

impl SyncError {
    /// Classifies a CalDAV error that ends an account-level step.
    pub fn from_caldav(err: CaldavError, account: Option<AccountId>) -> Self {
        match err {
            CaldavError::Unauthorized { .. } => SyncError::NeedsRelink { account },
            e if e.is_transient() => SyncError::Unavailable(e),
            e => SyncError::Server(e),
        }
    }
}
