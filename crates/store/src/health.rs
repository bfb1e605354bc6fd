//! Per-calendar sync health: what the last sync of each calendar could not do or left for later.
//! It lives in the store, not in the engine's memory, so that every front end and every later
//! process (a CLI run, an app restart) sees and continues the same state:
//! - a problem in words (the calendar's last error), cleared by its next clean sync;
//! - members asked for and not delivered, fetched by name on later syncs until a cap of tries;
//! - deletions the mass-deletion guard held, confirmed by any later sync that agrees;
//! - when the calendar went missing from the home listing: it is removed only when a later
//!   listing, minutes apart, agrees.

use crate::error::not_found;
use crate::{Store, StoreError};
use almanac_core::{CalendarId, Href};
use chrono::{DateTime, Utc};
use rusqlite::OptionalExtension;
use serde::Serialize;

/// After this many syncs that asked for a member and did not get it, the member stops holding
/// anything up and becomes a visible problem of its calendar (it is still asked for).
pub const MAX_FETCH_TRIES: u32 = 5;

/// One calendar's sync health, as every front end shows it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CalendarHealth {
    /// The calendar's last sync error in words, until a sync of it succeeds.
    pub problem: Option<String>,
    /// Members the server listed but has not delivered yet; fetched again by name.
    pub pending: usize,
    /// Of those, the ones asked for [`MAX_FETCH_TRIES`] times or more.
    pub failing: usize,
    /// Deletions held by the mass-deletion guard until a later sync agrees.
    pub held_deletions: usize,
    /// When the home listing first left it out (or listed it with an error status).
    pub missing_since: Option<DateTime<Utc>>,
}

impl CalendarHealth {
    /// Whether nothing is wrong or waiting.
    pub fn is_clean(&self) -> bool {
        self == &CalendarHealth::default()
    }
}

fn count(n: i64) -> usize {
    usize::try_from(n).unwrap_or(0)
}

impl Store {
    /// The calendar's health.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when the calendar does not exist.
    pub fn calendar_health(&self, id: CalendarId) -> Result<CalendarHealth, StoreError> {
        self.conn
            .query_row(
                "SELECT problem, missing_since,
                    (SELECT count(*) FROM pending_fetches WHERE calendar_id = ?1),
                    (SELECT count(*) FROM pending_fetches WHERE calendar_id = ?1 AND tries >= ?2),
                    (SELECT count(*) FROM held_deletions WHERE calendar_id = ?1)
                 FROM calendars WHERE id = ?1",
                (id.0, MAX_FETCH_TRIES),
                |r| {
                    Ok(CalendarHealth {
                        problem: r.get(0)?,
                        missing_since: r
                            .get::<_, Option<i64>>(1)?
                            .and_then(|s| DateTime::from_timestamp(s, 0)),
                        pending: count(r.get(2)?),
                        failing: count(r.get(3)?),
                        held_deletions: count(r.get(4)?),
                    })
                },
            )
            .optional()?
            .ok_or_else(|| not_found("calendar", id))
    }

    /// Records the calendar's last sync error in words, or clears it after a clean sync.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when the calendar does not exist.
    pub fn set_calendar_problem(
        &mut self,
        id: CalendarId,
        problem: Option<&str>,
    ) -> Result<(), StoreError> {
        self.update_calendar(
            id,
            "UPDATE calendars SET problem = ?2 WHERE id = ?1",
            problem,
        )
    }

    /// Records when the home listing first left the calendar out, or clears it when listed.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when the calendar does not exist.
    pub fn set_calendar_missing(
        &mut self,
        id: CalendarId,
        since: Option<DateTime<Utc>>,
    ) -> Result<(), StoreError> {
        self.update_calendar(
            id,
            "UPDATE calendars SET missing_since = ?2 WHERE id = ?1",
            since.map(|t| t.timestamp()),
        )
    }

    fn update_calendar(
        &mut self,
        id: CalendarId,
        sql: &'static str,
        value: impl rusqlite::ToSql,
    ) -> Result<(), StoreError> {
        if self.conn.execute(sql, (id.0, value))? == 0 {
            return Err(not_found("calendar", id));
        }
        Ok(())
    }

    /// Members asked for and not yet delivered, with how many syncs asked for them.
    ///
    /// # Errors
    /// SQLite failures, classified.
    pub fn pending_fetches(&self, id: CalendarId) -> Result<Vec<(Href, u32)>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT href, tries FROM pending_fetches WHERE calendar_id = ?1 ORDER BY href",
        )?;
        let rows = stmt.query_map([id.0], |r| {
            Ok((Href::new(r.get::<_, String>(0)?), r.get(1)?))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Deletions the guard held at the calendar's last sync.
    ///
    /// # Errors
    /// SQLite failures, classified.
    pub fn held_deletions(&self, id: CalendarId) -> Result<Vec<Href>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT href FROM held_deletions WHERE calendar_id = ?1 ORDER BY href",
        )?;
        let rows = stmt.query_map([id.0], |r| Ok(Href::new(r.get::<_, String>(0)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Replaces the calendar's held deletions (empty: none held).
    ///
    /// # Errors
    /// SQLite failures, classified.
    pub fn set_held_deletions(&mut self, id: CalendarId, hrefs: &[Href]) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        tx.execute("DELETE FROM held_deletions WHERE calendar_id = ?1", [id.0])?;
        {
            let mut insert = tx.prepare_cached(
                "INSERT OR IGNORE INTO held_deletions (calendar_id, href) VALUES (?1, ?2)",
            )?;
            for href in hrefs {
                insert.execute((id.0, href.as_str()))?;
            }
        }
        tx.commit()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Batch, CalendarListing, ResourceUpsert};
    use almanac_core::{AccountKind, ComponentKind, Etag};

    fn calendar(s: &mut Store) -> CalendarId {
        let a = s
            .add_account(AccountKind::Caldav, "u", "https://dav.example/")
            .unwrap();
        s.upsert_calendar(
            a,
            &CalendarListing {
                href: Href::new("/cal/"),
                name: "Cal".into(),
                color: None,
                order: None,
                components: vec![ComponentKind::Vevent],
                read_only: false,
            },
        )
        .unwrap()
    }

    #[test]
    fn undelivered_members_count_their_tries_until_delivered() {
        let mut s = Store::open_in_memory().unwrap();
        let cal = calendar(&mut s);
        let undelivered = Batch {
            undelivered: vec![Href::new("/cal/a.ics"), Href::new("/cal/b.ics")],
            ..Batch::default()
        };
        for _ in 0..MAX_FETCH_TRIES {
            s.apply_batch(cal, &undelivered).unwrap();
        }
        let health = s.calendar_health(cal).unwrap();
        assert_eq!((health.pending, health.failing), (2, 2));
        let delivered = Batch {
            upserts: vec![ResourceUpsert {
                href: Href::new("/cal/a.ics"),
                etag: Etag::new("\"1\""),
                ics: "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTART:20260101T100000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n".into(),
            }],
            deletes: vec![Href::new("/cal/b.ics")],
            ..Batch::default()
        };
        s.apply_batch(cal, &delivered).unwrap();
        assert!(s.pending_fetches(cal).unwrap().is_empty());
    }

    #[test]
    fn problems_held_deletions_and_absence_are_kept_and_cleared() {
        let mut s = Store::open_in_memory().unwrap();
        let cal = calendar(&mut s);
        let since = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        s.set_calendar_problem(cal, Some("the server failed (500)"))
            .unwrap();
        s.set_calendar_missing(cal, Some(since)).unwrap();
        s.set_held_deletions(cal, &[Href::new("/cal/x.ics"), Href::new("/cal/y.ics")])
            .unwrap();
        let health = s.calendar_health(cal).unwrap();
        assert_eq!(health.problem.as_deref(), Some("the server failed (500)"));
        assert_eq!(
            (health.held_deletions, health.missing_since),
            (2, Some(since))
        );
        assert_eq!(s.held_deletions(cal).unwrap().len(), 2);
        s.set_calendar_problem(cal, None).unwrap();
        s.set_calendar_missing(cal, None).unwrap();
        s.set_held_deletions(cal, &[]).unwrap();
        assert!(s.calendar_health(cal).unwrap().is_clean());
    }

    #[test]
    fn a_removed_calendar_that_comes_back_keeps_the_users_switches() {
        let mut s = Store::open_in_memory().unwrap();
        let cal = calendar(&mut s);
        let listing = s.calendar(cal).unwrap();
        s.set_calendar_enabled(cal, false).unwrap();
        s.set_calendar_notify(cal, false).unwrap();
        s.remove_calendar(cal).unwrap();
        let back = s
            .upsert_calendar(
                listing.account.unwrap(),
                &CalendarListing {
                    href: listing.href.clone(),
                    name: "Cal".into(),
                    color: None,
                    order: None,
                    components: vec![ComponentKind::Vevent],
                    read_only: false,
                },
            )
            .unwrap();
        let back = s.calendar(back).unwrap();
        assert!(!back.enabled && !back.notify);
    }
}
