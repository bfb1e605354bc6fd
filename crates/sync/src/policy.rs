//! What failures mean for an account (design.md §3), as pure functions of the failure, the
//! attempt count, the clock and a jitter value the caller draws: no clock or randomness inside.
//!
//! Only a 401 that a second, confirming request also gets can move an account to NeedsRelink;
//! every other fault means Offline or Backoff, and a test walks every error class to prove it.

use almanac_caldav::{CaldavError, RetryAfter};
use almanac_core::AccountState;
use chrono::{DateTime, Utc};
use std::time::{Duration, SystemTime};

/// How one sync attempt of an account ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Everything that could be synced was.
    Synced,
    /// The server refused the password once; a confirming request follows later.
    RefusedOnce,
    /// The server refused the password, and the confirming request was refused too.
    RefusedTwice,
    /// The server asked us to wait.
    Throttled {
        /// What it advertised, already turned into a delay from now.
        retry_after: Option<Duration>,
    },
    /// The server answered with a fault or nonsense.
    ServerFault,
    /// The server could not be reached or did not answer in time.
    Unreachable,
}

/// The account-level meaning of an error met during a sync. Calendar-level errors (403 or 404
/// on one calendar, an invalid sync token) are handled where they happen and never get here.
pub fn outcome_of(err: &CaldavError, now: SystemTime) -> Outcome {
    match err {
        // The executor confirms a first 401 before it reports one; a 401 arriving here unconfirmed
        // is still treated as a fault, never as a revocation.
        CaldavError::Unauthorized { .. } => Outcome::ServerFault,
        CaldavError::RateLimited { retry_after, .. } => Outcome::Throttled {
            retry_after: retry_after.map(|r| match r {
                RetryAfter::Delay(d) => d,
                RetryAfter::At(at) => at.duration_since(now).unwrap_or_default(),
            }),
        },
        CaldavError::Offline { .. } | CaldavError::Timeout { .. } => Outcome::Unreachable,
        CaldavError::Forbidden { .. }
        | CaldavError::NotFound { .. }
        | CaldavError::PreconditionFailed { .. }
        | CaldavError::InvalidSyncToken { .. }
        | CaldavError::Server { .. }
        | CaldavError::Protocol { .. }
        | CaldavError::TooLarge { .. }
        | CaldavError::CredentialsNotSent { .. }
        | CaldavError::Certificate { .. }
        | CaldavError::InvalidUrl { .. }
        | CaldavError::Setup { .. } => Outcome::ServerFault,
    }
}

/// Whether a failed request to the stored calendar home could mean the account lives elsewhere
/// now (iCloud moved it to another partition host: the old host answers 503 without
/// Retry-After, 404, or is gone). The engine then runs discovery once. Never after a 401 (the
/// revocation policy decides) or a Retry-After (the server asked us to wait).
pub fn may_have_moved(err: &CaldavError) -> bool {
    match err {
        CaldavError::Server { .. }
        | CaldavError::NotFound { .. }
        | CaldavError::Forbidden { .. }
        | CaldavError::Protocol { .. }
        | CaldavError::Offline { .. }
        | CaldavError::Timeout { .. } => true,
        CaldavError::Unauthorized { .. }
        | CaldavError::RateLimited { .. }
        | CaldavError::TooLarge { .. }
        | CaldavError::CredentialsNotSent { .. }
        | CaldavError::Certificate { .. }
        | CaldavError::PreconditionFailed { .. }
        | CaldavError::InvalidSyncToken { .. }
        | CaldavError::InvalidUrl { .. }
        | CaldavError::Setup { .. } => false,
    }
}

/// Backoff limits. The defaults follow what iCloud needs: its Retry-After is often shorter
/// than the real penalty, so we wait at least our own exponential delay as well.
///
/// Written here rather than taken from a retry crate (`backon`, `backoff`): those run the retry
/// loop themselves, sleeping and drawing their own jitter, while the engine needs the delay as a
/// value, to store as the account's `Backoff { until }` (which outlives the process and is shown
/// in the window) and to test with a pinned jitter. The arithmetic is all in [`Backoff::delay`];
/// `backoff_grows_exponentially_to_its_cap` checks it to the second.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Backoff {
    /// The first delay after a fault.
    pub base: Duration,
    /// The longest delay our own schedule reaches.
    pub cap: Duration,
    /// The longest Retry-After we honour (a server asking for a day is capped).
    pub retry_after_cap: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Self {
            base: Duration::from_secs(30),
            cap: Duration::from_secs(30 * 60),
            retry_after_cap: Duration::from_secs(2 * 60 * 60),
        }
    }
}

impl Backoff {
    /// The delay before attempt `failures + 1`, after `failures` faults in a row: exponential
    /// from `base`, capped, spread by `jitter` (0.0 to 1.0, drawn by the caller) over the upper
    /// half so that many clients do not return at once; never shorter than the server's
    /// Retry-After (itself capped).
    pub fn delay(&self, failures: u32, retry_after: Option<Duration>, jitter: f64) -> Duration {
        let exponent = failures.saturating_sub(1).min(16);
        let raw = self.base.saturating_mul(1u32 << exponent).min(self.cap);
        let spread = raw.mul_f64(0.5 + 0.5 * jitter.clamp(0.0, 1.0));
        match retry_after {
            Some(asked) => spread.max(asked.min(self.retry_after_cap)),
            None => spread,
        }
    }
}

/// The state after an attempt. `failures` counts faults in a row including this one.
pub fn next_state(
    outcome: &Outcome,
    failures: u32,
    now: DateTime<Utc>,
    jitter: f64,
    backoff: &Backoff,
) -> AccountState {
    let until = |retry_after: Option<Duration>| {
        let delay = backoff.delay(failures, retry_after, jitter);
        now + chrono::Duration::from_std(delay).unwrap_or(chrono::Duration::MAX)
    };
    match outcome {
        Outcome::Synced => AccountState::Active,
        Outcome::RefusedOnce => AccountState::Confirming {
            at: now + CONFIRM_DELAY,
        },
        Outcome::RefusedTwice => AccountState::NeedsRelink,
        Outcome::Throttled { retry_after } => AccountState::Backoff {
            server_asked: true,
            until: until(*retry_after),
        },
        Outcome::ServerFault => AccountState::Backoff {
            until: until(None),
            server_asked: false,
        },
        Outcome::Unreachable => AccountState::Offline,
    }
}

/// How long after a first refusal the confirming request waits: a partition host that answers
/// 401 for a moment (iCloud does, during maintenance) has recovered by then, and a revoked
/// password still costs only two requests in all.
pub const CONFIRM_DELAY: chrono::TimeDelta = chrono::TimeDelta::seconds(30);

/// Who asked for a sync.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trigger {
    /// The schedule (start, interval, wake, network back): it waits out every backoff.
    Schedule,
    /// The user ("Sync now", `almanac sync`): it waits only where the server asked for it.
    User,
    /// The user, confirming that a push may delete more than `push::MASS_DELETE` events
    /// (`almanac sync --yes`).
    UserConfirmingDeletions,
}

/// Whether a sync may send anything for an account in this state now. NeedsRelink never may:
/// only a new password (relink) leaves that state. Our own backoff after a plain server fault
/// paces the schedule, never the user; a server's Retry-After binds both.
pub fn may_sync(state: &AccountState, now: DateTime<Utc>, trigger: Trigger) -> bool {
    match state {
        AccountState::Active
        | AccountState::Offline
        | AccountState::Syncing
        | AccountState::KeychainLocked => true,
        AccountState::Backoff {
            server_asked: false,
            ..
        } if trigger != Trigger::Schedule => true,
        AccountState::Backoff { until, .. } => now >= *until,
        AccountState::Confirming { at } => now >= *at,
        AccountState::NeedsRelink | AccountState::PasswordMissing => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every_error() -> Vec<CaldavError> {
        let url = || "https://p01-caldav.icloud.com/1/calendars/home/".to_string();
        vec![
            CaldavError::Unauthorized { url: url() },
            CaldavError::Forbidden {
                url: url(),
                status: 403,
            },
            CaldavError::NotFound {
                url: url(),
                status: 404,
            },
            CaldavError::PreconditionFailed {
                href: "/1/calendars/home/a.ics".into(),
            },
            CaldavError::InvalidSyncToken {
                url: url(),
                status: 403,
            },
            CaldavError::RateLimited {
                url: url(),
                status: 503,
                retry_after: Some(RetryAfter::Delay(Duration::from_secs(5))),
            },
            CaldavError::Server {
                url: url(),
                status: 500,
            },
            CaldavError::Offline {
                url: url(),
                reason: "connection reset".into(),
            },
            CaldavError::Timeout { url: url() },
            CaldavError::Protocol {
                url: url(),
                status: 207,
                reason: "truncated".into(),
            },
            CaldavError::InvalidUrl {
                url: url(),
                reason: "plain http".into(),
            },
            CaldavError::Setup {
                reason: "no TLS roots".into(),
            },
            CaldavError::TooLarge {
                url: url(),
                limit: 1024,
            },
            CaldavError::CredentialsNotSent {
                host: "calendars.example.net".into(),
            },
            CaldavError::Certificate {
                url: url(),
                reason: "Expired".into(),
            },
        ]
    }

    #[test]
    fn no_single_error_ever_leads_to_needs_relink() {
        let now = Utc::now();
        for err in every_error() {
            for failures in 1..6 {
                let state = next_state(
                    &outcome_of(&err, SystemTime::now()),
                    failures,
                    now,
                    0.5,
                    &Backoff::default(),
                );
                assert_ne!(state, AccountState::NeedsRelink, "{err:?}");
            }
        }
    }

    #[test]
    fn only_a_confirmed_refusal_needs_a_new_password() {
        let state = next_state(
            &Outcome::RefusedTwice,
            1,
            Utc::now(),
            0.0,
            &Backoff::default(),
        );
        assert_eq!(state, AccountState::NeedsRelink);
        for trigger in [Trigger::Schedule, Trigger::User] {
            assert!(!may_sync(&state, Utc::now(), trigger));
        }
    }

    #[test]
    fn network_faults_are_offline_not_backoff() {
        let now = SystemTime::now();
        for err in [
            CaldavError::Offline {
                url: "u".into(),
                reason: "dns".into(),
            },
            CaldavError::Timeout { url: "u".into() },
        ] {
            assert_eq!(outcome_of(&err, now), Outcome::Unreachable);
        }
    }

    #[test]
    fn backoff_grows_exponentially_to_its_cap() {
        let b = Backoff::default();
        assert_eq!(b.delay(1, None, 1.0), Duration::from_secs(30));
        assert_eq!(b.delay(2, None, 1.0), Duration::from_secs(60));
        assert_eq!(b.delay(3, None, 1.0), Duration::from_secs(120));
        assert_eq!(b.delay(40, None, 1.0), b.cap);
        assert_eq!(
            b.delay(1, None, 0.0),
            Duration::from_secs(15),
            "jitter spreads over the upper half"
        );
    }

    #[test]
    fn retry_after_is_honoured_but_never_shortens_our_own_delay() {
        let b = Backoff::default();
        assert_eq!(
            b.delay(1, Some(Duration::from_secs(600)), 1.0),
            Duration::from_secs(600)
        );
        assert_eq!(
            b.delay(3, Some(Duration::from_secs(1)), 1.0),
            Duration::from_secs(120)
        );
        assert_eq!(
            b.delay(1, Some(Duration::from_secs(86_400)), 1.0),
            b.retry_after_cap
        );
    }

    #[test]
    fn an_http_date_retry_after_becomes_a_delay_from_now() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        let err = CaldavError::RateLimited {
            url: "u".into(),
            status: 503,
            retry_after: Some(RetryAfter::At(now + Duration::from_secs(90))),
        };
        assert_eq!(
            outcome_of(&err, now),
            Outcome::Throttled {
                retry_after: Some(Duration::from_secs(90))
            }
        );
    }

    #[test]
    fn only_faults_a_move_could_explain_lead_to_rediscovery() {
        let moved: Vec<String> = every_error()
            .iter()
            .filter(|e| may_have_moved(e))
            .map(|e| format!("{e:?}"))
            .collect();
        let names: Vec<&str> = moved
            .iter()
            .map(|e| e.split([' ', '{']).next().unwrap_or(""))
            .collect();
        assert_eq!(
            names,
            [
                "Forbidden",
                "NotFound",
                "Server",
                "Offline",
                "Timeout",
                "Protocol"
            ]
        );
    }

    #[test]
    fn our_own_backoff_paces_the_schedule_and_never_the_user() {
        let now = Utc::now();
        let state = next_state(&Outcome::ServerFault, 2, now, 1.0, &Backoff::default());
        assert!(!may_sync(&state, now, Trigger::Schedule));
        assert!(may_sync(
            &state,
            now + chrono::Duration::seconds(61),
            Trigger::Schedule
        ));
        assert!(
            may_sync(&state, now, Trigger::User),
            "Sync now after a plain 5xx"
        );
    }

    #[test]
    fn a_servers_retry_after_binds_the_user_too() {
        let now = Utc::now();
        let throttled = Outcome::Throttled {
            retry_after: Some(Duration::from_secs(600)),
        };
        let state = next_state(&throttled, 1, now, 0.0, &Backoff::default());
        assert!(matches!(
            state,
            AccountState::Backoff {
                server_asked: true,
                ..
            }
        ));
        for trigger in [Trigger::Schedule, Trigger::User] {
            assert!(!may_sync(
                &state,
                now + chrono::Duration::seconds(599),
                trigger
            ));
            assert!(may_sync(
                &state,
                now + chrono::Duration::seconds(600),
                trigger
            ));
        }
    }
}
