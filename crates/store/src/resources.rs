//! Resources: one calendar object each, stored raw with its etag, applied in batches.

use crate::error::not_found;
use crate::index::{self, Derived, Owner};
use crate::timecode::encode;
use crate::{Store, StoreError};
use almanac_core::{CalendarId, Etag, Href, SyncToken, Uid};
use almanac_ical::IcalError;
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;
use std::collections::HashMap;

/// One resource fetched from the server (calendar-multiget).
#[derive(Clone, Debug, PartialEq, Eq)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct ResourceUpsert {
    pub href: Href,
    /// The etag it was fetched at.
    pub etag: Etag,
    /// The calendar object as received.
    pub ics: String,
}

/// Changes to one calendar, applied together: a crash leaves the calendar as it was before or
/// after the whole batch, and never at a token whose data is missing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Batch {
    /// Resources to insert or replace.
    pub upserts: Vec<ResourceUpsert>,
    /// Resources gone from the server.
    pub deletes: Vec<Href>,
    /// Set on the batch that completes a sync-collection run: the token the data is now at.
    pub new_sync_token: Option<SyncToken>,
    /// Set on the batch that completes a ctag-based run.
    pub new_ctag: Option<String>,
    /// Members asked for and not delivered (left out of a multiget answer, or answered with an
    /// error): kept with a count of tries and fetched by name on later syncs, so the token may
    /// move on without forgetting them. An upsert or delete of a member clears it.
    pub undelivered: Vec<Href>,
}

/// What [`Store::apply_batch`] did. A resource that fails to parse is data, not an error.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct BatchReport {
    /// Resources stored and indexed.
    pub stored: usize,
    /// Resources stored raw but quarantined, with the reason.
    pub quarantined: Vec<(Href, String)>,
    /// Resources stored but not shown: tasks and journals in a mixed collection.
    pub not_events: usize,
    /// Deletions that removed a resource (deleting an unknown href is not an error).
    pub deleted: usize,
}

/// A resource that did not parse. Its raw text is kept; a later build may read it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct Quarantined {
    pub calendar: CalendarId,
    pub href: Href,
    /// The UID, when one could be found in the raw text.
    pub uid: Option<Uid>,
    /// The summary, when one could be found in the raw text.
    pub summary: Option<String>,
    /// Why it did not parse.
    pub reason: String,
}

/// A resource that breaks the one-UID rule of RFC 4791 §4.1: it holds several events with
/// different UIDs (some servers and importers store a whole file as one resource). Every one
/// of them is indexed and shown; front ends list these with a note, so that a user who sees
/// odd behaviour in another client knows why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct MultiUidResource {
    pub calendar: CalendarId,
    pub href: Href,
    /// How many UIDs it holds (two or more).
    pub uids: usize,
    /// The first event's UID.
    pub uid: Option<Uid>,
    /// The first summary found in the raw text, as a hint for a person.
    pub summary: Option<String>,
}

/// How one resource's text was read.
enum Reading {
    Event {
        /// The first object's UID (the resource's, when it keeps the one-UID rule).
        uid: Uid,
        /// How many UIDs the resource holds: more than one breaks RFC 4791's one-UID rule, and
        /// every one of them is indexed anyway (see [`Store::multi_uid_resources`]).
        uids: usize,
        derived: Derived,
    },
    /// A VTODO or VJOURNAL: kept, not shown, not quarantined.
    NotEvent {
        uid: Option<String>,
    },
    Bad {
        uid: Option<String>,
        reason: String,
    },
}

fn read(ics: &str, horizon: Option<(i64, i64)>) -> Reading {
    match almanac_ical::parse_objects(ics) {
        Ok(objects) => match objects.first() {
            Some(first) => Reading::Event {
                derived: index::derive(&objects, horizon),
                uid: first.uid.clone(),
                uids: objects.len(),
            },
            None => Reading::Bad {
                uid: index::scrape(ics, "UID"),
                reason: IcalError::NoEvent.to_string(),
            },
        },
        Err(IcalError::NoEvent)
            if ics.contains("BEGIN:VTODO") || ics.contains("BEGIN:VJOURNAL") =>
        {
            Reading::NotEvent {
                uid: index::scrape(ics, "UID"),
            }
        }
        Err(e) => Reading::Bad {
            uid: index::scrape(ics, "UID"),
            reason: e.to_string(),
        },
    }
}

/// Writes the parse outcome of a resource: its columns and its derived rows.
fn record(conn: &Connection, owner: &Owner<'_>, reading: &Reading) -> Result<(), StoreError> {
    let id = owner.id;
    let mut update = conn.prepare_cached(
        "UPDATE resources SET uid = ?2, quarantine_reason = ?3, recurring = ?4,
            start_kind = ?5, start_local = ?6, start_tz = ?7, uid_count = ?8, indexed = 1
         WHERE id = ?1",
    )?;
    match reading {
        Reading::Event { uid, uids, derived } => {
            let start = derived.first_start.as_ref().map(encode);
            update.execute(rusqlite::params![
                id,
                uid.as_str(),
                None::<String>,
                derived.recurrence_code(),
                start.map(|s| s.0),
                start.map(|s| s.1),
                start.and_then(|s| s.2),
                i64::try_from(*uids).unwrap_or(i64::MAX),
            ])?;
            index::write(conn, owner, derived)
        }
        Reading::NotEvent { uid } | Reading::Bad { uid, .. } => {
            let reason = match reading {
                Reading::Bad { reason, .. } => Some(reason.as_str()),
                _ => None,
            };
            update.execute(rusqlite::params![
                id,
                uid,
                reason,
                false,
                None::<i64>,
                None::<i64>,
                None::<String>,
                1,
            ])?;
            index::clear(conn, id)
        }
    }
}

/// Re-reads every resource marked `indexed = 0`, in chunks to bound memory.
pub(crate) fn reindex_pending(
    conn: &Connection,
    horizon: Option<(i64, i64)>,
) -> Result<usize, StoreError> {
    let mut count = 0;
    let mut after = 0_i64;
    loop {
        let chunk: Vec<(i64, i64, String, String)> = conn
            .prepare_cached(
                "SELECT r.id, r.calendar_id, r.href, t.ics
                 FROM resources r JOIN resource_texts t ON t.resource_id = r.id
                 WHERE r.indexed = 0 AND r.id > ?1 ORDER BY r.id LIMIT 500",
            )?
            .query_map([after], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })?
            .collect::<Result<_, _>>()?;
        let Some(last) = chunk.last() else {
            return Ok(count);
        };
        after = last.0;
        for (id, calendar, href, ics) in &chunk {
            let owner = Owner {
                id: *id,
                calendar: *calendar,
                href,
            };
            record(conn, &owner, &read(ics, horizon))?;
        }
        count += chunk.len();
    }
}

impl Store {
    /// Applies one batch as given, pending local changes or not: [`Store::apply_batch`] for
    /// what the server sent, the outbox for the user's own changes.
    pub(crate) fn apply_resources(
        &mut self,
        calendar: CalendarId,
        batch: &Batch,
    ) -> Result<BatchReport, StoreError> {
        let tx = self.conn.transaction()?;
        let exists = tx
            .query_row(
                "SELECT 1 FROM calendars WHERE id = ?1",
                [calendar.0],
                |_| Ok(()),
            )
            .optional()?;
        if exists.is_none() {
            return Err(not_found("calendar", calendar));
        }
        let mut report = BatchReport::default();
        {
            let mut upsert = tx.prepare_cached(
                "INSERT INTO resources (calendar_id, href, etag, indexed)
                 VALUES (?1, ?2, ?3, 0)
                 ON CONFLICT (calendar_id, href) DO UPDATE SET etag = excluded.etag, indexed = 0
                 RETURNING id",
            )?;
            let mut text = tx.prepare_cached(
                "INSERT INTO resource_texts (resource_id, ics) VALUES (?1, ?2)
                 ON CONFLICT (resource_id) DO UPDATE SET ics = excluded.ics",
            )?;
            for u in &batch.upserts {
                let id: i64 = upsert
                    .query_row((calendar.0, u.href.as_str(), u.etag.as_str()), |r| r.get(0))?;
                text.execute((id, &u.ics))?;
                let reading = read(&u.ics, self.horizon);
                let owner = Owner {
                    id,
                    calendar: calendar.0,
                    href: u.href.as_str(),
                };
                record(&tx, &owner, &reading)?;
                match reading {
                    Reading::Event { .. } => report.stored += 1,
                    Reading::NotEvent { .. } => report.not_events += 1,
                    Reading::Bad { reason, .. } => {
                        tracing::warn!(href = %u.href, %reason, "resource quarantined");
                        report.quarantined.push((u.href.clone(), reason));
                    }
                }
            }
            let mut delete =
                tx.prepare_cached("DELETE FROM resources WHERE calendar_id = ?1 AND href = ?2")?;
            for href in &batch.deletes {
                report.deleted += delete.execute((calendar.0, href.as_str()))?;
            }
            let mut delivered = tx.prepare_cached(
                "DELETE FROM pending_fetches WHERE calendar_id = ?1 AND href = ?2",
            )?;
            let hrefs = batch.upserts.iter().map(|u| &u.href);
            for href in hrefs.chain(&batch.deletes) {
                delivered.execute((calendar.0, href.as_str()))?;
            }
            let mut undelivered = tx.prepare_cached(
                "INSERT INTO pending_fetches (calendar_id, href) VALUES (?1, ?2)
                 ON CONFLICT (calendar_id, href) DO UPDATE SET tries = tries + 1",
            )?;
            for href in &batch.undelivered {
                undelivered.execute((calendar.0, href.as_str()))?;
            }
        }
        if let Some(token) = &batch.new_sync_token {
            tx.execute(
                "UPDATE calendars SET sync_token = ?2 WHERE id = ?1",
                (calendar.0, token.as_str()),
            )?;
        }
        if let Some(ctag) = &batch.new_ctag {
            tx.execute(
                "UPDATE calendars SET ctag = ?2 WHERE id = ?1",
                (calendar.0, ctag),
            )?;
        }
        tx.commit()?;
        Ok(report)
    }

    /// Every stored resource's etag, for the planner to compare with the server's listing.
    ///
    /// # Errors
    /// As classified by [`StoreError`].
    pub fn local_etags(&self, calendar: CalendarId) -> Result<HashMap<Href, Etag>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT href, etag FROM resources WHERE calendar_id = ?1")?;
        let rows = stmt.query_map([calendar.0], |r| {
            Ok((
                Href::new(r.get::<_, String>(0)?),
                Etag::new(r.get::<_, String>(1)?),
            ))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// How many resources the calendar holds (quarantined ones included), for the mass-deletion
    /// guard and for status.
    ///
    /// # Errors
    /// As classified by [`StoreError`].
    pub fn resource_count(&self, calendar: CalendarId) -> Result<usize, StoreError> {
        let n: i64 = self.conn.query_row(
            "SELECT count(*) FROM resources WHERE calendar_id = ?1",
            [calendar.0],
            |r| r.get(0),
        )?;
        Ok(usize::try_from(n).unwrap_or(0))
    }

    /// The raw text of one resource, exactly as received (for export, or to show a
    /// quarantined one).
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when it does not exist.
    pub fn resource_ics(&self, calendar: CalendarId, href: &Href) -> Result<String, StoreError> {
        self.conn
            .query_row(
                "SELECT t.ics FROM resources r JOIN resource_texts t ON t.resource_id = r.id
                 WHERE r.calendar_id = ?1 AND r.href = ?2",
                (calendar.0, href.as_str()),
                |r| r.get(0),
            )
            .optional()?
            .ok_or_else(|| not_found("resource", href))
    }

    /// Every quarantined resource, by calendar and href.
    ///
    /// # Errors
    /// As classified by [`StoreError`].
    pub fn quarantined(&self) -> Result<Vec<Quarantined>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT r.calendar_id, r.href, r.uid, t.ics, r.quarantine_reason
             FROM resources r JOIN resource_texts t ON t.resource_id = r.id
             WHERE r.quarantine_reason IS NOT NULL ORDER BY r.calendar_id, r.href",
        )?;
        let rows = stmt.query_map([], |r| {
            let ics: String = r.get(3)?;
            Ok(Quarantined {
                calendar: CalendarId(r.get(0)?),
                href: Href::new(r.get::<_, String>(1)?),
                uid: r.get::<_, Option<String>>(2)?.map(Uid::new),
                summary: index::scrape(&ics, "SUMMARY"),
                reason: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The raw text of every resource of a calendar (quarantined ones too: they are the user's
    /// data), by href, for export.
    ///
    /// # Errors
    /// As classified by [`StoreError`].
    pub fn calendar_texts(&self, calendar: CalendarId) -> Result<Vec<String>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT t.ics FROM resources r JOIN resource_texts t ON t.resource_id = r.id
             WHERE r.calendar_id = ?1 ORDER BY r.href",
        )?;
        let rows = stmt.query_map([calendar.0], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every resource that holds events with several UIDs, by calendar and href.
    ///
    /// # Errors
    /// As classified by [`StoreError`].
    pub fn multi_uid_resources(&self) -> Result<Vec<MultiUidResource>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT r.calendar_id, r.href, r.uid, t.ics, r.uid_count
             FROM resources r JOIN resource_texts t ON t.resource_id = r.id
             WHERE r.uid_count > 1 ORDER BY r.calendar_id, r.href",
        )?;
        let rows = stmt.query_map([], |r| {
            let ics: String = r.get(3)?;
            Ok(MultiUidResource {
                calendar: CalendarId(r.get(0)?),
                href: Href::new(r.get::<_, String>(1)?),
                uid: r.get::<_, Option<String>>(2)?.map(Uid::new),
                summary: index::scrape(&ics, "SUMMARY"),
                uids: usize::try_from(r.get::<_, i64>(4)?).unwrap_or(0),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// How many of the account's resources hold several UIDs, for the UI's count of things to
    /// look at.
    ///
    /// # Errors
    /// As classified by [`StoreError`].
    pub fn multi_uid_count(&self, account: almanac_core::AccountId) -> Result<usize, StoreError> {
        let n: i64 = self.conn.query_row(
            "SELECT count(*) FROM resources r JOIN calendars c ON c.id = r.calendar_id
             WHERE c.account_id = ?1 AND r.uid_count > 1",
            [account.0],
            |r| r.get(0),
        )?;
        Ok(usize::try_from(n).unwrap_or(0))
    }

    /// How many of the account's resources are quarantined, for `almanac status` and the UI.
    ///
    /// # Errors
    /// As classified by [`StoreError`].
    pub fn quarantined_count(&self, account: almanac_core::AccountId) -> Result<usize, StoreError> {
        let n: i64 = self.conn.query_row(
            "SELECT count(*) FROM resources r JOIN calendars c ON c.id = r.calendar_id
             WHERE c.account_id = ?1 AND r.quarantine_reason IS NOT NULL",
            [account.0],
            |r| r.get(0),
        )?;
        Ok(usize::try_from(n).unwrap_or(0))
    }
}
