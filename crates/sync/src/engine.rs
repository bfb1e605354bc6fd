//! The executor: carries out the planner's decisions against one account's server and the
//! store, reports progress, and moves the account's state by the policy. SQLite work runs on
//! blocking threads; the network work is async.

use crate::error::SyncError;
use crate::events::{SyncEvent, SyncReport};
use crate::policy::{Backoff, Outcome, Trigger, may_have_moved, may_sync, next_state, outcome_of};
use almanac_caldav::{CaldavClient, CaldavError, Credentials, Limits, Url};
use almanac_core::{AccountId, AccountKind, AccountState, Password};
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
    failures: Mutex<HashMap<AccountId, u32>>,
    running: Mutex<HashSet<AccountId>>,
}

pub(crate) fn locked<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The keychain key of an account.
pub fn secret_key(username: &str, server_url: &str) -> SecretKey {
    SecretKey {
        username: username.to_string(),
        server: server_url.to_string(),
    }
}

/// Where an account of `kind` starts discovery, given what the user typed (if anything), in
/// the one spelling that is stored and used: discovery's reading of it
/// ([`almanac_caldav::discovery::start_url`]), so `dav.example.com`, `dav.example.com/` and
/// `HTTPS://Dav.Example.com` are all `https://dav.example.com/` (http stays for loopback
/// only). Text discovery cannot use is kept as typed, trimmed: the sign-in then fails on it
/// with discovery's own reason.
pub fn start_url(kind: AccountKind, typed: Option<&str>) -> String {
    match (kind, typed) {
        (_, Some(typed)) if !typed.trim().is_empty() => almanac_caldav::discovery::start_url(typed)
            .map_or_else(|_| typed.trim().to_string(), String::from),
        _ => ICLOUD_URL.to_string(),
    }
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

    async fn with_secrets<T, F>(&self, f: F) -> Result<T, SyncError>
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

    fn client(
        &self,
        start: &str,
        username: &str,
        password: Password,
    ) -> Result<CaldavClient, SyncError> {
        let credentials = Credentials {
            username: username.to_string(),
            password,
        };
        CaldavClient::new(start, Some(credentials), self.limits.clone())
            .map_err(|e| SyncError::from_caldav(e, None))
    }

    /// Verifies a new account's password against its server (discovery: a 401 means a wrong,
    /// revoked or main Apple ID password), then stores the password in the keychain and the
    /// account in the store. Nothing is stored when verification fails.
    ///
    /// # Errors
    /// [`SyncError::NeedsRelink`] for a refused password; [`SyncError::Unavailable`] when the
    /// server cannot be reached; [`SyncError::Server`] when it is not a CalDAV server;
    /// store and keychain failures as such.
    pub async fn add_account(
        &self,
        kind: AccountKind,
        server_url: &str,
        username: &str,
        password: Password,
    ) -> Result<AccountId, SyncError> {
        // Checked first, so a second sign-in of the same account neither sends a request nor
        // replaces the keychain entry of the one already there.
        let (user, url) = (username.to_string(), server_url.to_string());
        let exists = self
            .with_store(move |s| {
                Ok(s.accounts()?
                    .iter()
                    .any(|a| a.username == user && a.server_url == url))
            })
            .await?;
        if exists {
            return Err(SyncError::Store(StoreError::Conflict { what: "account" }));
        }
        let client = self.client(server_url, username, password.clone())?;
        let discovery = client
            .discover()
            .await
            .map_err(|e| SyncError::from_caldav(e, None))?;
        let key = secret_key(username, server_url);
        self.with_secrets(move |s| s.store(&key, &password)).await?;
        let (url, user, home) = (
            server_url.to_string(),
            username.to_string(),
            discovery.home.to_string(),
        );
        self.with_store(move |s| {
            let id = s.add_account(kind, &user, &url)?;
            s.set_home_url(id, Some(&home))?;
            Ok(id)
        })
        .await
    }

    /// Replaces a refused password: verifies the new one with one request to the known home,
    /// stores it in the keychain and makes the account Active again. Local data and sync tokens
    /// are kept, so the next sync is incremental.
    ///
    /// # Errors
    /// As [`Engine::add_account`].
    pub async fn relink(&self, account: AccountId, password: Password) -> Result<(), SyncError> {
        let (acct, home) = self
            .with_store(move |s| Ok((s.account(account)?, s.home_url(account)?)))
            .await?;
        let client = self.client(&acct.server_url, &acct.username, password.clone())?;
        // The stored home first (one request); discovery when there is none, or when the home
        // fails as a moved one does (the account may have changed partition meanwhile).
        let stored = home.as_deref().and_then(|h| Url::parse(h).ok());
        let verified = match stored {
            Some(home) => match client.set_home(home) {
                Ok(()) => match client.verify().await {
                    Err(e) if may_have_moved(&e) => client.discover().await.map(Some),
                    other => other.map(|()| None),
                },
                Err(e) => Err(e),
            },
            None => client.discover().await.map(Some),
        };
        let found = verified.map_err(|e| SyncError::from_caldav(e, Some(account)))?;
        if let Some(found) = found {
            let home = found.home.to_string();
            self.with_store(move |s| s.set_home_url(account, Some(&home)))
                .await?;
        }
        let key = secret_key(&acct.username, &acct.server_url);
        self.with_secrets(move |s| s.store(&key, &password)).await?;
        locked(&self.failures).remove(&account);
        self.set_state(account, AccountState::Active).await
    }

    /// Removes an account: its keychain entry and all its local data.
    ///
    /// # Errors
    /// Store and keychain failures.
    pub async fn remove_account(&self, account: AccountId) -> Result<(), SyncError> {
        let acct = self.with_store(move |s| s.account(account)).await?;
        let key = secret_key(&acct.username, &acct.server_url);
        self.with_secrets(move |s| s.remove(&key)).await?;
        self.with_store(move |s| s.remove_account(account)).await
    }

    async fn set_state(&self, account: AccountId, state: AccountState) -> Result<(), SyncError> {
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
                self.emit(SyncEvent::Finished {
                    account,
                    report: report.clone(),
                });
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typed_server_address_is_stored_in_one_spelling() {
        for typed in [
            "dav.example.com",
            "dav.example.com/",
            "  HTTPS://Dav.Example.com ",
            "https://dav.example.com:443",
        ] {
            assert_eq!(
                start_url(AccountKind::Caldav, Some(typed)),
                "https://dav.example.com/",
                "{typed:?}"
            );
        }
        assert_eq!(
            start_url(
                AccountKind::Caldav,
                Some("https://dav.example.com/remote.php/dav")
            ),
            "https://dav.example.com/remote.php/dav"
        );
        assert_eq!(
            start_url(AccountKind::Caldav, Some("http://127.0.0.1:5232")),
            "http://127.0.0.1:5232/",
            "loopback keeps http"
        );
        assert_eq!(
            start_url(AccountKind::Caldav, Some("HTTP://LocalHost:5232/")),
            "http://localhost:5232/"
        );
    }

    #[test]
    fn an_unusable_address_is_kept_for_the_sign_in_to_refuse() {
        assert_eq!(
            start_url(AccountKind::Caldav, Some(" http://dav.example.com ")),
            "http://dav.example.com"
        );
        assert_eq!(start_url(AccountKind::Icloud, None), ICLOUD_URL);
        assert_eq!(start_url(AccountKind::Icloud, Some("  ")), ICLOUD_URL);
    }
}
