//! The executor: carries out the planner's decisions against one account's server and the
//! store, reports progress, and moves the account's state by the policy. SQLite work runs on
//! blocking threads; the network work is async.

use crate::error::SyncError;
use crate::events::{SyncEvent, SyncReport};
use crate::policy::{Backoff, Outcome, Trigger, may_sync, next_state, outcome_of};
use almanac_caldav::{CaldavClient, CaldavError, Credentials, Limits, Pauses, Transport};
use almanac_core::{AccountId, AccountState, Password};
use almanac_secrets::{SecretKey, Secrets};
use almanac_store::{Store, StoreError};
use chrono::{DateTime, Utc};
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::SystemTime;
use tokio::sync::broadcast;

/// Where iCloud accounts start discovery.
pub const ICLOUD_URL: &str = "https://caldav.icloud.com/";

/// The current time, as an input: tests drive it.
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// A value between 0 and 1 for backoff jitter, as an input: tests fix it.
pub type Jitter = Arc<dyn Fn() -> f64 + Send + Sync>;

/// The system clock, for front ends; tests pass their own.
pub fn system_clock() -> Clock {
    Arc::new(Utc::now)
}

/// The front ends' clock: the system's, or one that starts at a given instant and runs at real
/// speed, so tests can bring an alarm's time near, or a confirming request's, without waiting
/// for it. The instant comes from the file `ALMANAC_CLOCK_FILE` names when it exists (a test
/// harness that cannot set one launch's environment writes the file for that launch), else
/// from `ALMANAC_CLOCK_START` (RFC 3339).
pub fn clock_from_env() -> Clock {
    let from_file = || {
        let path = std::env::var_os("ALMANAC_CLOCK_FILE")?;
        std::fs::read_to_string(path).ok()
    };
    let start = from_file()
        .or_else(|| std::env::var("ALMANAC_CLOCK_START").ok())
        .and_then(|t| DateTime::parse_from_rfc3339(t.trim()).ok());
    match start {
        Some(start) => {
            let (start, since) = (start.to_utc(), std::time::Instant::now());
            tracing::warn!(%start, "the clock is set by ALMANAC_CLOCK_START");
            Arc::new(move || {
                start + chrono::Duration::from_std(since.elapsed()).unwrap_or_default()
            })
        }
        None => system_clock(),
    }
}

/// Backoff jitter from the clock's sub-second nanoseconds: enough spread for one desktop
/// client, and no random-number dependency.
pub fn system_jitter() -> Jitter {
    Arc::new(|| {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        f64::from(nanos % 1000) / 1000.0
    })
}

/// Everything the engine needs from outside.
pub struct EngineParts {
    /// The local mirror.
    pub store: Store,
    /// The keychain.
    pub secrets: Arc<dyn Secrets>,
    /// HTTP limits for every client the engine makes.
    pub limits: Limits,
    /// The clock.
    pub clock: Clock,
    /// The jitter source.
    pub jitter: Jitter,
}

/// Asks a running sync to stop: the requests in flight are dropped at once, and what was
/// stored stays (every batch is its own transaction), so the next sync continues from there.
#[derive(Clone, Debug, Default)]
pub struct Cancel(Arc<(AtomicBool, tokio::sync::Notify)>);

impl Cancel {
    /// Requests cancellation.
    pub fn cancel(&self) {
        self.0.0.store(true, Ordering::SeqCst);
        self.0.1.notify_waiters();
    }

    pub(crate) fn check(&self) -> Result<(), SyncError> {
        if self.0.0.load(Ordering::SeqCst) {
            Err(SyncError::Cancelled)
        } else {
            Ok(())
        }
    }

    /// Resolves once the sync is cancelled: raced against the work in flight.
    pub(crate) async fn cancelled(&self) -> SyncError {
        let notified = self.0.1.notified();
        if self.check().is_err() {
            return SyncError::Cancelled;
        }
        notified.await;
        SyncError::Cancelled
    }
}

/// The sync engine of one store: sign in, relink, sync, with progress on a channel.
pub struct Engine {
    store: Arc<Mutex<Store>>,
    secrets: Arc<dyn Secrets>,
    pub(crate) limits: Limits,
    clock: Clock,
    jitter: Jitter,
    backoff: Backoff,
    events: broadcast::Sender<SyncEvent>,
    pub(crate) failures: Mutex<HashMap<AccountId, u32>>,
    running: Mutex<HashSet<AccountId>>,
    /// One HTTP transport for every account, made on first use: accounts on one host share its
    /// connections (kept alive from one sync to the next) and its pauses (a Retry-After holds
    /// every account on that host, on the engine's clock).
    transport: Mutex<Option<Transport>>,
}

/// The keychain key of an account.
pub fn secret_key(username: &str, server_url: &str) -> SecretKey {
    SecretKey {
        username: username.to_string(),
        server: server_url.to_string(),
    }
}

pub(crate) fn locked<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

struct RunningGuard<'a> {
    engine: &'a Engine,
    account: AccountId,
}

impl Drop for RunningGuard<'_> {
    fn drop(&mut self) {
        locked(&self.engine.running).remove(&self.account);
    }
}

impl Engine {
    /// An engine over its parts.
    pub fn new(parts: EngineParts) -> Engine {
        let (events, _) = broadcast::channel(256);
        Engine {
            store: Arc::new(Mutex::new(parts.store)),
            secrets: parts.secrets,
            limits: parts.limits,
            clock: parts.clock,
            jitter: parts.jitter,
            backoff: Backoff::default(),
            events,
            failures: Mutex::default(),
            running: Mutex::default(),
            transport: Mutex::default(),
        }
    }

    /// The engine's clock: the system's, or a test's.
    pub fn now(&self) -> DateTime<Utc> {
        (self.clock)()
    }

    /// Progress and state events from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<SyncEvent> {
        self.events.subscribe()
    }

    pub(crate) fn emit(&self, event: SyncEvent) {
        // No subscriber is fine: a CLI run may not listen.
        let _ = self.events.send(event);
    }

    /// Runs `f` on the store on a blocking thread.
    ///
    /// # Errors
    /// The store's error, or [`SyncError::Cancelled`] if the blocking task was torn down.
    pub async fn with_store<T, F>(&self, f: F) -> Result<T, SyncError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store) -> Result<T, StoreError> + Send + 'static,
    {
        let store = Arc::clone(&self.store);
        tokio::task::spawn_blocking(move || f(&mut locked(&store)))
            .await
            .map_err(|_| SyncError::Cancelled)?
            .map_err(SyncError::Store)
    }

    pub(crate) async fn with_secrets<T, F>(&self, f: F) -> Result<T, SyncError>
    where
        T: Send + 'static,
        F: FnOnce(&dyn Secrets) -> Result<T, almanac_secrets::SecretsError> + Send + 'static,
    {
        let secrets = Arc::clone(&self.secrets);
        tokio::task::spawn_blocking(move || f(secrets.as_ref()))
            .await
            .map_err(|_| SyncError::Cancelled)?
            .map_err(SyncError::Secrets)
    }

    pub(crate) fn client(
        &self,
        start: &str,
        username: &str,
        password: Password,
    ) -> Result<CaldavClient, SyncError> {
        let credentials = Credentials {
            username: username.to_string(),
            password,
        };
        CaldavClient::with_transport(start, Some(credentials), self.transport()?)
            .map_err(|e| SyncError::from_caldav(e, None))
    }

    fn transport(&self) -> Result<Transport, SyncError> {
        let mut slot = locked(&self.transport);
        if let Some(transport) = &*slot {
            return Ok(transport.clone());
        }
        let clock = Arc::clone(&self.clock);
        let pauses = Pauses::new(
            Arc::new(move || SystemTime::from(clock())),
            self.backoff.retry_after_cap,
        );
        let transport = Transport::with_pauses(self.limits.clone(), pauses)
            .map_err(|e| SyncError::from_caldav(e, None))?;
        *slot = Some(transport.clone());
        Ok(transport)
    }

    pub(crate) async fn set_state(
        &self,
        account: AccountId,
        state: AccountState,
    ) -> Result<(), SyncError> {
        self.with_store(move |s| s.set_account_state(account, state))
            .await?;
        self.emit(SyncEvent::StateChanged { account, state });
        Ok(())
    }

    /// Syncs one account: one PROPFIND on the home, then, per changed calendar, its changes.
    /// Never two at once for one account; an account needing a new password sends nothing, nor
    /// does one in backoff, unless the user asked and the wait was our own (see
    /// [`crate::policy::may_sync`]).
    ///
    /// # Errors
    /// [`SyncError::NotNow`] when the state forbids a sync or one is already running;
    /// [`SyncError::NeedsRelink`] when the password was refused twice; others as classified.
    pub async fn sync_account(
        &self,
        account: AccountId,
        trigger: Trigger,
        cancel: &Cancel,
    ) -> Result<SyncReport, SyncError> {
        let report = self.sync_locked(account, trigger, cancel).await?;
        // Said once the account is free again (its guard and lock dropped): whoever hears
        // "finished" and syncs at once is not refused as "already syncing".
        self.emit(SyncEvent::Finished {
            account,
            report: report.clone(),
        });
        Ok(report)
    }

    /// [`Engine::sync_account`] while holding the account's guard and cross-process lock.
    async fn sync_locked(
        &self,
        account: AccountId,
        trigger: Trigger,
        cancel: &Cancel,
    ) -> Result<SyncReport, SyncError> {
        let acct = self.with_store(move |s| s.account(account)).await?;
        let now = (self.clock)();
        if !may_sync(&acct.state, now, trigger) || !locked(&self.running).insert(account) {
            return Err(SyncError::NotNow {
                account,
                state: acct.state,
            });
        }
        let _guard = RunningGuard {
            engine: self,
            account,
        };
        // Another process (the app, or a CLI run) may be syncing this account from the same
        // store: then this one does not start.
        let Some(_lock) = self.with_store(move |s| s.try_lock_sync(account)).await? else {
            return Err(SyncError::NotNow {
                account,
                state: AccountState::Syncing,
            });
        };
        self.emit(SyncEvent::Started { account });
        self.set_state(account, AccountState::Syncing).await?;
        let key = secret_key(&acct.username, &acct.server_url);
        let password = match self.with_secrets(move |s| s.load(&key)).await {
            Ok(p) => p,
            Err(e) => {
                // Said where the user looks, with what to do: paste the password, or unlock.
                let state = match &e {
                    SyncError::Secrets(almanac_secrets::SecretsError::NotFound { .. }) => {
                        AccountState::PasswordMissing
                    }
                    _ => AccountState::KeychainLocked,
                };
                self.set_state(account, state).await?;
                return Err(e);
            }
        };
        let client = match self.client(&acct.server_url, &acct.username, password) {
            Ok(c) => c,
            Err(e) => {
                self.set_state(account, acct.state).await?;
                return Err(e);
            }
        };
        let confirming = matches!(acct.state, AccountState::Confirming { .. });
        let result = if confirming {
            // The confirming request after a first refusal, to the entry host; only when it
            // passes does the sync go on.
            match client.verify_entry().await {
                Ok(()) => self.run(account, &client, trigger, cancel).await,
                Err(e) => Err(Failure::Caldav(e)),
            }
        } else {
            self.run(account, &client, trigger, cancel).await
        };
        let result = match result {
            // A cancel, or our own fault (a full disk, a database another program holds),
            // says nothing about the server: the state it had stays, and the error is said as
            // ours.
            Err(Failure::Other(
                e @ (SyncError::Cancelled | SyncError::Store(_) | SyncError::Secrets(_)),
            )) => {
                self.set_state(account, acct.state).await?;
                return Err(e);
            }
            other => other,
        };
        let now: SystemTime = (self.clock)().into();
        let outcome = match &result {
            Ok(_) => Outcome::Synced,
            // Refused by the entry host right after a first refusal: revoked. A first refusal
            // is confirmed later (policy::CONFIRM_DELAY), so one spurious 401 alarms nobody.
            Err(Failure::Caldav(CaldavError::Unauthorized { .. })) if confirming => {
                Outcome::RefusedTwice
            }
            Err(Failure::Caldav(CaldavError::Unauthorized { .. })) => Outcome::RefusedOnce,
            Err(Failure::Caldav(e)) => outcome_of(e, now),
            Err(Failure::Other(_)) => Outcome::ServerFault,
        };
        let failures = {
            let mut map = locked(&self.failures);
            let count = map.entry(account).or_insert(0);
            *count = if outcome == Outcome::Synced {
                0
            } else {
                count.saturating_add(1)
            };
            *count
        };
        let state = next_state(
            &outcome,
            failures,
            (self.clock)(),
            (self.jitter)(),
            &self.backoff,
        );
        self.set_state(account, state).await?;
        match result {
            Ok(report) => {
                let at = (self.clock)();
                // Recurring series stay materialised around today, so browsing reads the index
                // instead of expanding every series (cheap when the horizon has not drifted).
                self.with_store(move |s| {
                    s.record_success(account, at)?;
                    s.refresh_horizon(at).map(|_| ())
                })
                .await?;
                Ok(report)
            }
            Err(_) if outcome == Outcome::RefusedTwice => Err(SyncError::NeedsRelink {
                account: Some(account),
            }),
            // Refused once: not a revocation until the confirming request says so.
            Err(Failure::Caldav(e @ CaldavError::Unauthorized { .. })) => {
                Err(SyncError::Unavailable(e))
            }
            Err(Failure::Caldav(e)) => Err(SyncError::from_caldav(e, Some(account))),
            Err(Failure::Other(e)) => Err(e),
        }
    }
}

/// A failure inside one run, before the policy classifies it.
pub(crate) enum Failure {
    /// A classified CalDAV failure.
    Caldav(CaldavError),
    /// The store, the keychain or a cancel.
    Other(SyncError),
}

impl From<CaldavError> for Failure {
    fn from(e: CaldavError) -> Self {
        Failure::Caldav(e)
    }
}

impl From<SyncError> for Failure {
    fn from(e: SyncError) -> Self {
        Failure::Other(e)
    }
}
