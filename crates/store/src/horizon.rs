//! The span over which recurring series are materialised in the occurrence index.

use crate::StoreError;
use chrono::{DateTime, Duration, Utc};
use rusqlite::{Connection, OptionalExtension};

/// How far the horizon reaches either side of `now`. Windows inside it are answered from the
/// index; beyond it, recurring series are expanded from their ICS on demand, which is correct but
/// slower, so the span should cover what people browse most.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HorizonSpan {
    /// How far back from `now`.
    pub past: Duration,
    /// How far ahead of `now`.
    pub future: Duration,
}

impl Default for HorizonSpan {
    fn default() -> Self {
        Self {
            past: Duration::days(365),
            future: Duration::days(730),
        }
    }
}

impl HorizonSpan {
    /// The horizon `[now - past, now + future)` in seconds, with `now` rounded down to a day so
    /// that all resources of a day share one horizon.
    pub(crate) fn around(self, now: DateTime<Utc>) -> (i64, i64) {
        let day = now.timestamp().div_euclid(86_400) * 86_400;
        (
            day - self.past.num_seconds(),
            day + self.future.num_seconds(),
        )
    }
}

/// How far the horizon may drift before it is moved: moving it re-expands every series.
const DRIFT: i64 = 7 * 86_400;

pub(crate) fn needs_refresh(stored: Option<(i64, i64)>, wanted: (i64, i64)) -> bool {
    match stored {
        None => true,
        Some((from, to)) => (from - wanted.0).abs() > DRIFT || to - from != wanted.1 - wanted.0,
    }
}

pub(crate) fn load(conn: &Connection) -> Result<Option<(i64, i64)>, StoreError> {
    let get = |key: &str| -> Result<Option<i64>, StoreError> {
        Ok(conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()?)
    };
    Ok(get("horizon_from")?.zip(get("horizon_to")?))
}

pub(crate) fn save(conn: &Connection, (from, to): (i64, i64)) -> Result<(), StoreError> {
    let mut stmt = conn.prepare_cached(
        "INSERT INTO meta (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )?;
    stmt.execute(("horizon_from", from))?;
    stmt.execute(("horizon_to", to))?;
    Ok(())
}
