//! The local mirror: SQLite through rusqlite, with numbered forward-only migrations; accounts
//! (never secrets), calendars, resources (href, etag, raw ICS), an occurrence index for range
//! queries, full-text search and sync state. Every applied batch is one transaction, and a sync
//! token is written in the same transaction as the batch that completes it.
//!
//! # Threads
//! The API is synchronous: a [`Store`] owns one `rusqlite::Connection`, and every call may block
//! on the disk. Async callers (the sync engine, the desktop shell) must run it on a dedicated
//! thread or inside `tokio::task::spawn_blocking`, never on the async executor. A `Store` is
//! `Send` (it can move to that thread) but not `Sync`. Writers take
//! `&mut self`, so one owner serialises them; a second process or connection may read the same
//! file concurrently (the database is in WAL mode).
//!
//! # Flow
//! [`Store::apply_batch`] parses each upserted resource with `almanac_ical::parse_objects`. A
//! resource that parses is stored with its UID, its occurrences (see below) and a search row;
//! one that does not is stored raw with a quarantine reason ([`Store::quarantined`]), never
//! dropped. A resource that breaks the one-UID rule keeps every event it holds, indexed under
//! it, and is listed by [`Store::multi_uid_resources`] for a note in the front ends. When
//! the derivation rules change (a better parser), the next [`Store::open`] re-reads every
//! resource from its raw text, quarantined ones included.
//!
//! # The occurrence index
//! Non-recurring events are indexed completely. Recurring series are materialised over a
//! *horizon* (by default one year back, two ahead of the `now` given to
//! [`Store::refresh_horizon`]); [`Store::occurrences_between`] answers windows inside it from
//! the index and expands series from their stored ICS for windows beyond it. Callers pass
//! `now` to [`Store::refresh_horizon`] at start-up and after each sync (it is a no-op unless the
//! horizon drifted by a week); until it is first called every series is expanded on demand,
//! which is correct but slow. Zoned and UTC
//! times are keyed by their UTC instant; floating and all-day times by their wall clock read as
//! if it were UTC, and are compared with the viewer's wall-clock window, because a floating
//! 09:00 is 09:00 wherever the viewer is and an all-day event covers the viewer's own day.
//!
//! Records are keyed by path ([`almanac_core::Href`]) within their calendar and account, never
//! by host: iCloud moves accounts between partition hosts.

mod accounts;
mod alarms;
mod calendars;
mod error;
mod feeds;
mod health;
mod horizon;
mod index;
mod occurrences;
mod outbox;
mod resources;
mod schema;
mod search;
mod settings;
mod status;
mod sync_lock;
mod timecode;

pub use alarms::{ALARM_REACH, DueAlarm};
pub use calendars::CalendarListing;
pub use error::StoreError;
pub use feeds::Subscription;
pub use health::{CalendarHealth, MAX_FETCH_TRIES};
pub use horizon::HorizonSpan;
pub use occurrences::AgendaItem;
pub use outbox::{LocalChange, OutboxEntry};
pub use resources::{Batch, BatchReport, MultiUidResource, Quarantined, ResourceUpsert};
pub use search::SearchHit;
pub use status::{AccountStatus, CalendarStatus};
pub use sync_lock::SyncLock;

use chrono::{DateTime, Utc};
use rusqlite::Connection;
use std::path::Path;
use std::time::Duration;

/// The local database. See the crate documentation for threading: every method blocks.
pub struct Store {
    conn: Connection,
    span: HorizonSpan,
    /// The materialised horizon `[from, to)` in seconds, as stored in `meta`.
    horizon: Option<(i64, i64)>,
    /// The size of the last agenda, to size the next one: growing a vector of thousands of
    /// items by doubling copied them about twice.
    agenda_hint: std::cell::Cell<usize>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.conn.path())
            .field("horizon", &self.horizon)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Opens (or creates) the database at `path`: WAL journal, foreign keys on, schema migrated
    /// to the latest version, and resources whose derived rows are stale re-indexed.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the file cannot be opened or is locked;
    /// [`StoreError::Corrupt`] when it is not an Almanac database or is newer than this build.
    pub fn open(path: impl AsRef<Path>) -> Result<Store, StoreError> {
        let conn = Connection::open(path)?;
        // In-memory databases answer "memory"; files must really be in WAL mode.
        let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::Unavailable {
                reason: format!("cannot switch the journal to WAL (got {mode})"),
            });
        }
        Store::setup(conn)
    }

    /// A private database in memory, for tests and throwaway tools.
    ///
    /// # Errors
    /// As [`Store::open`].
    pub fn open_in_memory() -> Result<Store, StoreError> {
        Store::setup(Connection::open_in_memory()?)
    }

    fn setup(mut conn: Connection) -> Result<Store, StoreError> {
        // A reader in another process may hold the file briefly; wait instead of failing.
        conn.busy_timeout(Duration::from_secs(5))?;
        conn.pragma_update(None, "foreign_keys", true)?;
        // WAL with NORMAL stays consistent after a crash; it may lose the last commit on power
        // loss, which the next sync fetches again.
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        // 32 MiB of page cache (the default is 2 MiB): a month of a busy calendar touches a few
        // MiB of index pages, and keeping them makes repeated browsing memory-speed.
        conn.pragma_update(None, "cache_size", -32_768)?;
        schema::migrate_to(&mut conn, schema::LATEST)?;
        schema::invalidate_stale_derived_rows(&conn)?;
        let mut store = Store {
            horizon: horizon::load(&conn)?,
            conn,
            span: HorizonSpan::default(),
            agenda_hint: std::cell::Cell::new(0),
        };
        store.reindex_pending()?;
        Ok(store)
    }

    /// Changes how far the horizon reaches; takes effect at the next
    /// [`Store::refresh_horizon`].
    pub fn set_horizon_span(&mut self, span: HorizonSpan) {
        self.span = span;
    }

    /// The materialised horizon `[from, to)`, if one was set.
    pub fn horizon(&self) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        let (from, to) = self.horizon?;
        Some((
            DateTime::from_timestamp(from, 0)?,
            DateTime::from_timestamp(to, 0)?,
        ))
    }

    /// Moves the horizon to the span around `now` and re-materialises recurring series, when it
    /// has drifted by more than a week (or was never set). Cheap otherwise, so callers may call
    /// it at start-up and after every sync. Returns whether it re-materialised.
    ///
    /// # Errors
    /// As for any write; on error the old horizon and index stay in place.
    pub fn refresh_horizon(&mut self, now: DateTime<Utc>) -> Result<bool, StoreError> {
        let wanted = self.span.around(now);
        if !horizon::needs_refresh(self.horizon, wanted) {
            return Ok(false);
        }
        let tx = self.conn.transaction()?;
        horizon::save(&tx, wanted)?;
        tx.execute(
            "UPDATE resources SET indexed = 0 WHERE recurring IN (1, 2)",
            [],
        )?;
        let count = resources::reindex_pending(&tx, Some(wanted))?;
        tx.commit()?;
        self.horizon = Some(wanted);
        tracing::info!(series = count, "occurrence horizon re-materialised");
        Ok(true)
    }

    /// Frees the page cache's pages (`PRAGMA shrink_memory`); the cache stays configured and
    /// fills again with what browsing touches. A pass over much of the database (a horizon
    /// re-materialised at start, a sync) leaves it full, and the desktop app would keep those
    /// 32 MiB for as long as it runs.
    ///
    /// # Errors
    /// When SQLite refuses the pragma.
    pub fn shrink_memory(&self) -> Result<(), StoreError> {
        self.conn.execute_batch("PRAGMA shrink_memory")?;
        Ok(())
    }

    /// Re-parses resources whose derived rows are stale (after a migration), in one
    /// transaction.
    fn reindex_pending(&mut self) -> Result<usize, StoreError> {
        let tx = self.conn.transaction()?;
        let count = resources::reindex_pending(&tx, self.horizon)?;
        tx.commit()?;
        if count > 0 {
            tracing::info!(resources = count, "re-indexed resources");
        }
        Ok(count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_store_can_move_to_its_own_thread() {
        fn send<T: Send + 'static>(_: &T) {}
        let store = Store::open_in_memory().unwrap();
        send(&store);
        let handle = std::thread::spawn(move || store.accounts().map(|a| a.len()));
        assert_eq!(handle.join().unwrap().unwrap(), 0);
    }

    #[test]
    fn a_file_store_runs_in_wal_mode_with_foreign_keys() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path().join("almanac.sqlite")).unwrap();
        let mode: String = store
            .conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        let fk: bool = store
            .conn
            .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
            .unwrap();
        assert!(fk);
    }

    #[test]
    fn shrinking_memory_keeps_the_cache_configured_and_the_store_working() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path().join("almanac.sqlite")).unwrap();
        store.shrink_memory().unwrap();
        let pages: i64 = store
            .conn
            .query_row("PRAGMA cache_size", [], |r| r.get(0))
            .unwrap();
        assert_eq!(pages, -32_768);
        assert_eq!(store.accounts().unwrap().len(), 0);
    }

    #[test]
    fn the_horizon_moves_only_when_it_drifts() {
        let mut store = Store::open_in_memory().unwrap();
        assert_eq!(store.horizon(), None);
        let now = DateTime::from_timestamp(1_780_000_000, 0).unwrap();
        assert!(store.refresh_horizon(now).unwrap());
        assert!(
            !store
                .refresh_horizon(now + chrono::Duration::days(3))
                .unwrap()
        );
        assert!(
            store
                .refresh_horizon(now + chrono::Duration::days(8))
                .unwrap()
        );
        let (from, to) = store.horizon().unwrap();
        assert_eq!(to - from, chrono::Duration::days(365 * 3));
    }
}
