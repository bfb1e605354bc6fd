//! When each account syncs: on start, every `interval`, on demand, after the machine resumes
//! from sleep, and when its server becomes reachable again; in backoff only after the engine's
//! `until` (which already holds Retry-After, jitter and caps, see [`crate::policy::Backoff`]);
//! never while it needs a new password. Accounts sync independently, each in its own task; the
//! engine refuses a second sync of one account while one runs.

use crate::engine::{Cancel, Engine};
use crate::policy::{Trigger, may_sync};
use almanac_core::{AccountId, AccountState};
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Notify, watch};
use tokio::time::Instant;

/// The longest the scheduler sleeps between looks: how soon it notices a returned network.
const NAP: Duration = Duration::from_secs(15);

/// How much more wall-clock time than monotonic time must pass during one nap before it counts
/// as a resume from sleep (monotonic clocks stop while the machine sleeps).
const RESUME_GAP: chrono::TimeDelta = chrono::TimeDelta::seconds(60);

/// The first retry of an unreachable account; later ones double up to the sync interval.
const OFFLINE_RETRY: Duration = Duration::from_secs(30);

/// The front end's handle on a running schedule.
#[derive(Clone)]
pub struct ScheduleControl {
    interval: Arc<watch::Sender<Duration>>,
    now: Arc<Notify>,
}

impl ScheduleControl {
    /// A control with the interval between scheduled syncs.
    pub fn new(interval: Duration) -> Self {
        Self {
            interval: Arc::new(watch::Sender::new(interval)),
            now: Arc::new(Notify::new()),
        }
    }

    /// Changes the interval; the next sync of each account moves accordingly.
    pub fn set_interval(&self, interval: Duration) {
        self.interval.send_replace(interval);
    }

    /// The interval in force.
    pub fn interval(&self) -> Duration {
        *self.interval.borrow()
    }

    /// Syncs every account that may sync, now.
    pub fn sync_now(&self) {
        self.now.notify_one();
    }
}

/// What the scheduler remembers of one account between looks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AccountClock {
    /// When its last sync was started.
    pub last_attempt: Option<DateTime<Utc>>,
    /// Unreachable attempts in a row.
    pub offline_attempts: u32,
}

/// When an account should next sync, or `None` while it needs a new password.
pub fn next_sync(
    state: &AccountState,
    clock: AccountClock,
    interval: Duration,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let after = |wait: Duration| {
        clock.last_attempt.map_or(now, |last| {
            last + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::MAX)
        })
    };
    match state {
        AccountState::NeedsRelink | AccountState::PasswordMissing => None,
        AccountState::Backoff { until, .. } => Some(*until),
        AccountState::Confirming { at } => Some(*at),
        AccountState::Offline => {
            let doubling = 1u32 << clock.offline_attempts.saturating_sub(1).min(16);
            Some(after(OFFLINE_RETRY.saturating_mul(doubling).min(interval)))
        }
        AccountState::Active | AccountState::Syncing | AccountState::KeychainLocked => {
            Some(after(interval))
        }
    }
}

/// Whether the account's server answers a TCP connection (no request is sent, so no
/// credential travels): the cheap test of "the network is back".
pub async fn reachable(server_url: &str) -> bool {
    let Ok(url) = url::Url::parse(server_url) else {
        return false;
    };
    let (Some(host), Some(port)) = (url.host_str(), url.port_or_known_default()) else {
        return false;
    };
    let connect = tokio::net::TcpStream::connect((host.trim_matches(['[', ']']), port));
    matches!(
        tokio::time::timeout(Duration::from_secs(5), connect).await,
        Ok(Ok(_))
    )
}

/// Runs the schedule until the process ends.
pub async fn run_schedule(engine: Arc<Engine>, control: ScheduleControl) {
    let mut interval = control.interval.subscribe();
    let mut clocks: HashMap<AccountId, AccountClock> = HashMap::new();
    // Set by "sync now" for one round: the user asked, so our own backoff does not hold.
    let mut requested = false;
    let mut was_reachable: HashMap<AccountId, bool> = HashMap::new();
    let mut feeds = crate::feeds::FeedRounds::default();
    loop {
        let now = engine.now();
        let accounts = engine
            .with_store(|s| s.accounts())
            .await
            .unwrap_or_default();
        let every = *interval.borrow_and_update();
        let mut wake = Instant::now() + NAP;
        for account in accounts {
            let clock = clocks.entry(account.id).or_default();
            let mut due = next_sync(&account.state, *clock, every, now);
            let trigger = if requested {
                Trigger::User
            } else {
                Trigger::Schedule
            };
            if trigger == Trigger::User && may_sync(&account.state, now, trigger) {
                due = Some(now);
            }
            if account.state == AccountState::Offline {
                let up = reachable(&account.server_url).await;
                if up && was_reachable.insert(account.id, up) == Some(false) {
                    tracing::info!(account = account.id.0, "server reachable again");
                    due = Some(now);
                }
            } else {
                was_reachable.remove(&account.id);
            }
            match due {
                Some(at) if at <= now => {
                    clock.last_attempt = Some(now);
                    clock.offline_attempts = match account.state {
                        AccountState::Offline => clock.offline_attempts + 1,
                        _ => 0,
                    };
                    let engine = Arc::clone(&engine);
                    tokio::spawn(async move {
                        // The outcome goes out as state events; a refusal means "not now".
                        let _ = engine
                            .sync_account(account.id, trigger, &Cancel::default())
                            .await;
                    });
                }
                Some(at) => {
                    let wait = (at - now).to_std().unwrap_or_default();
                    wake = wake.min(Instant::now() + wait);
                }
                None => {}
            }
        }
        feeds.start(&engine, now, every, requested);
        requested = false;
        let (mono, wall) = (Instant::now(), engine.now());
        tokio::select! {
            () = tokio::time::sleep_until(wake) => {}
            () = control.now.notified() => requested = true,
            changed = interval.changed() => if changed.is_err() { return },
        }
        let slept = chrono::Duration::from_std(mono.elapsed()).unwrap_or_default();
        if engine.now() - wall > slept + RESUME_GAP {
            tracing::info!("resumed from sleep; syncing every account");
            clocks.clear();
            feeds.everything_next();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minutes: i64) -> DateTime<Utc> {
        DateTime::UNIX_EPOCH + chrono::Duration::minutes(minutes)
    }

    const QUARTER: Duration = Duration::from_secs(15 * 60);

    #[test]
    fn a_new_account_syncs_at_once_then_every_interval() {
        let fresh = AccountClock::default();
        assert_eq!(
            next_sync(&AccountState::Active, fresh, QUARTER, at(5)),
            Some(at(5))
        );
        let synced = AccountClock {
            last_attempt: Some(at(5)),
            offline_attempts: 0,
        };
        assert_eq!(
            next_sync(&AccountState::Active, synced, QUARTER, at(6)),
            Some(at(20))
        );
    }

    #[test]
    fn backoff_waits_for_the_engine_and_a_refused_password_waits_for_the_user() {
        let clock = AccountClock {
            last_attempt: Some(at(0)),
            offline_attempts: 0,
        };
        let backoff = AccountState::Backoff {
            until: at(47),
            server_asked: true,
        };
        assert_eq!(next_sync(&backoff, clock, QUARTER, at(1)), Some(at(47)));
        assert_eq!(
            next_sync(&AccountState::NeedsRelink, clock, QUARTER, at(1)),
            None
        );
    }

    #[test]
    fn offline_retries_double_up_to_the_interval() {
        let waits: Vec<i64> = (1..=7)
            .map(|n| {
                let clock = AccountClock {
                    last_attempt: Some(at(0)),
                    offline_attempts: n,
                };
                let due = next_sync(&AccountState::Offline, clock, QUARTER, at(0)).unwrap();
                (due - at(0)).num_seconds()
            })
            .collect();
        assert_eq!(waits, [30, 60, 120, 240, 480, 900, 900]);
    }

    #[tokio::test]
    async fn reachability_is_a_tcp_connection() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        assert!(reachable(&format!("http://127.0.0.1:{port}/dav/")).await);
        drop(listener);
        assert!(!reachable(&format!("http://127.0.0.1:{port}/dav/")).await);
        assert!(!reachable("not a url").await);
    }
}
