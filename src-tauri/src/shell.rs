//! The app's one piece of state: the engine over the store in the app's data directory and the
//! OS keychain, the display zone, the schedule's controls, sync progress, and the last changes'
//! undos. State only: what reacts to the engine's events lives in `background`.

use crate::ipc::editing::EventRef;
use almanac_caldav::Limits;
use almanac_core::AccountId;
use almanac_core::Href;
use almanac_secrets::KeyringSecrets;
use almanac_store::Store;
use almanac_sync::{Cancel, Clock, Engine, EngineParts, ScheduleControl, SyncError, Undo, UndoLog};
use chrono::Utc;
use chrono_tz::Tz;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError, RwLock};

/// Shared by every command.
pub struct Shell {
    /// The sync engine.
    pub engine: Arc<Engine>,
    /// The system's time zone.
    pub system_zone: Tz,
    /// The zone the user chose to see times in instead of the system's, if any.
    zone_override: RwLock<Option<Tz>>,
    /// Where iCloud accounts start discovery (`ALMANAC_ICLOUD_URL` points it at the emulator).
    pub icloud_url: String,
    /// Where the store and the logs live.
    pub data_dir: PathBuf,
    /// (fetched, total) per calendar of each account whose sync is fetching events.
    progress: Mutex<Progress>,
    /// The sync schedule's controls (interval, "sync now").
    pub schedule: ScheduleControl,
    /// The last changes made in the window, for `undo_change`, each with where its event was
    /// before and after it.
    undo: Mutex<UndoLog<Moved>>,
    /// Accounts with a change made while their sync ran: pushed when it finishes.
    unpushed: Arc<Mutex<HashSet<AccountId>>>,
    /// How far the engine's clock runs ahead of the system's ([`skew_ms`]).
    pub clock_skew_ms: i64,
}

type Progress = HashMap<AccountId, HashMap<Href, (usize, usize)>>;

/// Where a change's event was before it and is after it (`None`: not there).
pub type Moved = (Option<EventRef>, Option<EventRef>);

/// The store's key for the display zone override.
pub const ZONE_SETTING: &str = "display_zone";

/// The store's key for the minutes between scheduled syncs.
pub const INTERVAL_SETTING: &str = "sync_minutes";

/// Minutes between scheduled syncs unless the user chose otherwise.
pub const DEFAULT_SYNC_MINUTES: u32 = 15;

pub use almanac_sync::system_zone;

/// How far `clock` runs ahead of the system's, in milliseconds: zero, unless a test pinned it
/// (`ALMANAC_CLOCK_START`). Read once, at start: a pinned clock runs at real speed, so its offset
/// is fixed. Read anew for each overview (two clock reads, truncated to milliseconds) it could
/// come out a millisecond apart when the offset sits at a millisecond's edge, and the window
/// takes a new value for a newly pinned day and goes back to today. (Measured here, 2,000 reads
/// over 40 s gave one value: rare, but a window that jumps weeks is worth one field.)
fn skew_ms(clock: &Clock) -> i64 {
    (clock() - Utc::now()).num_milliseconds()
}

impl Shell {
    /// Opens the store in `data_dir` and builds the engine.
    ///
    /// # Errors
    /// When the directory cannot be made or the store cannot be opened.
    pub fn open(data_dir: &Path) -> anyhow::Result<Shell> {
        std::fs::create_dir_all(data_dir)?;
        let mut store = Store::open(data_dir.join("almanac.sqlite3"))?;
        let clock = almanac_sync::clock_from_env();
        // After weeks without a sync the materialised span may have drifted; browsing starts
        // from the index either way.
        if let Err(err) = store.refresh_horizon(clock()) {
            tracing::warn!(%err, "occurrence horizon not refreshed");
        }
        // Re-materialising reads every series once: its pages need not stay (memory.rs).
        if let Err(err) = store.shrink_memory() {
            tracing::warn!(%err, "page cache not shrunk");
        }
        crate::memory::release_freed_memory();
        let zone_override = store
            .setting(ZONE_SETTING)?
            .and_then(|name| name.parse::<Tz>().ok());
        let minutes = store
            .setting(INTERVAL_SETTING)?
            .and_then(|m| m.parse().ok())
            .unwrap_or(DEFAULT_SYNC_MINUTES);
        let clock_skew_ms = skew_ms(&clock);
        let engine = Engine::new(EngineParts {
            store,
            secrets: Arc::new(KeyringSecrets::default()),
            limits: Limits::default(),
            clock,
            jitter: almanac_sync::system_jitter(),
        });
        Ok(Shell {
            engine: Arc::new(engine),
            system_zone: system_zone(),
            zone_override: RwLock::new(zone_override),
            icloud_url: std::env::var("ALMANAC_ICLOUD_URL")
                .unwrap_or_else(|_| almanac_sync::ICLOUD_URL.into()),
            data_dir: data_dir.to_path_buf(),
            progress: Mutex::default(),
            schedule: ScheduleControl::new(minutes_duration(minutes)),
            undo: Mutex::default(),
            unpushed: Arc::default(),
            clock_skew_ms,
        })
    }

    /// The zone times are shown in: the user's override, else the system's. Floating and
    /// all-day events are read in it too.
    pub fn display_zone(&self) -> Tz {
        self.zone_override
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .unwrap_or(self.system_zone)
    }

    /// The user's override, if any.
    pub fn zone_override(&self) -> Option<Tz> {
        *self
            .zone_override
            .read()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Shows times in `zone` from now on (`None`: the system's); the caller saves the choice.
    pub fn set_zone_override(&self, zone: Option<Tz>) {
        *self
            .zone_override
            .write()
            .unwrap_or_else(PoisonError::into_inner) = zone;
    }

    /// (fetched, total) events over the account's calendars while its sync fetches.
    pub fn account_progress(&self, account: AccountId) -> Option<(usize, usize)> {
        let progress = locked(&self.progress);
        let calendars = progress.get(&account)?;
        Some(
            calendars
                .values()
                .fold((0, 0), |(f, t), (cf, ct)| (f + cf, t + ct)),
        )
    }

    /// (fetched, total) for one calendar while its sync fetches.
    pub fn calendar_progress(&self, account: AccountId, calendar: &Href) -> Option<(usize, usize)> {
        locked(&self.progress).get(&account)?.get(calendar).copied()
    }

    /// Syncs one account (just signed in or relinked), or every account (through the
    /// schedule, which keeps accounts independent), without blocking the caller.
    pub fn sync_in_background(&self, account: Option<almanac_core::AccountId>) {
        let Some(id) = account else {
            self.schedule.sync_now();
            return;
        };
        let engine = Arc::clone(&self.engine);
        tauri::async_runtime::spawn(async move {
            // The outcome reaches the window through the state events; nothing to do here.
            let _ = engine
                .sync_account(id, almanac_sync::Trigger::User, &Cancel::default())
                .await;
        });
    }

    /// Records one calendar's (fetched, total) while its account's sync fetches.
    pub fn set_calendar_progress(
        &self,
        account: AccountId,
        calendar: Href,
        progress: (usize, usize),
    ) {
        locked(&self.progress)
            .entry(account)
            .or_default()
            .insert(calendar, progress);
    }

    /// Forgets an account's progress: its sync ended (or failed).
    pub fn clear_progress(&self, account: AccountId) {
        locked(&self.progress).remove(&account);
    }

    /// Keeps a change's undo and returns its token.
    pub fn keep_undo(&self, undo: Undo, moved: Moved) -> u32 {
        self.undo
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .keep(undo, moved)
    }

    /// The undo under `token`, once.
    pub fn take_undo(&self, token: u32) -> Option<(Undo, Moved)> {
        self.undo
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take(token)
    }

    /// Sends an account's new local changes soon: a sync as the schedule would run it, so the
    /// policy holds (a refused password or a server's wait keeps them in the outbox). When the
    /// account's sync is running already, the push follows when it finishes.
    pub fn push_soon(&self, account: AccountId) {
        let (engine, unpushed) = (Arc::clone(&self.engine), Arc::clone(&self.unpushed));
        tauri::async_runtime::spawn(async move {
            let ran = engine
                .sync_account(account, almanac_sync::Trigger::Schedule, &Cancel::default())
                .await;
            if let Err(SyncError::NotNow {
                state: almanac_core::AccountState::Syncing,
                ..
            }) = ran
            {
                unpushed
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .insert(account);
            }
        });
    }

    /// Whether a change waits for the account's finished sync (and no longer does).
    pub fn take_unpushed(&self, account: AccountId) -> bool {
        self.unpushed
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&account)
    }
}

/// A sync interval in minutes as a duration.
pub fn minutes_duration(minutes: u32) -> std::time::Duration {
    std::time::Duration::from_secs(u64::from(minutes) * 60)
}

/// A poisoned lock still holds usable progress figures.
fn locked(progress: &Mutex<Progress>) -> std::sync::MutexGuard<'_, Progress> {
    progress.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_skew_is_the_pinned_clocks_lead() {
        assert_eq!(skew_ms(&almanac_sync::system_clock()), 0);
        let lead = chrono::Duration::days(10);
        let pinned: Clock = Arc::new(move || Utc::now() + lead);
        let skew = skew_ms(&pinned);
        assert!(
            (lead.num_milliseconds() - 1..=lead.num_milliseconds()).contains(&skew),
            "{skew}"
        );
    }
}
