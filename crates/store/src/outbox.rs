//! The outbox: every change the user makes is stored here at once, next to the mirror, and
//! kept until the server has it or the user chose in a conflict (design.md §2, "One edit").
//!
//! One row per resource, coalesced as Evolution and DAVx5 do (writing-caldav.md §6a): created
//! then modified stays created; created then deleted leaves nothing to send; modified then
//! deleted is a deletion that still carries the server copy's etag for its `If-Match`. The
//! last server copy is kept as the base (for a three-way merge and to restore), and a revision
//! counter tells an edit made while an upload was in flight from the one that was sent.
//!
//! The edited text itself lives where every query reads: the resource row and its index, so
//! the agenda, search, alarms and the window show it at once; [`Store::apply_batch`] leaves
//! resources with a pending change alone, so a pull never overwrites an unsent edit.

use crate::error::not_found;
use crate::{Batch, ResourceUpsert, Store, StoreError};
use almanac_core::{AccountId, CalendarId, Etag, Href};
use rusqlite::{OptionalExtension, Row, Transaction};
use serde::Serialize;

/// What a pending change does on the server.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LocalChange {
    /// A new event: `PUT` with `If-None-Match: *`.
    Created,
    /// An edit of a server copy: `PUT` with `If-Match`.
    Modified,
    /// A deletion: `DELETE` with `If-Match`.
    Deleted,
    /// The server's copy changed too (or went away); the user chooses. Nothing is sent.
    Conflict,
}

impl LocalChange {
    fn from_name(name: &str) -> Option<LocalChange> {
        Some(match name {
            "created" => LocalChange::Created,
            "modified" => LocalChange::Modified,
            "deleted" => LocalChange::Deleted,
            "conflict" => LocalChange::Conflict,
            _ => return None,
        })
    }
}

/// One pending change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OutboxEntry {
    /// The store's key, for resolving a conflict.
    pub id: i64,
    /// The calendar it belongs to.
    pub calendar: CalendarId,
    /// The resource's path (chosen by us, `<uuid>.ics`, for a new event).
    pub href: Href,
    /// What it does.
    pub change: LocalChange,
    /// The etag of the server copy the change is based on (`None` for a new event).
    pub base_etag: Option<Etag>,
    /// The server copy the change is based on.
    pub base_ics: Option<String>,
    /// The text to send (the local copy), for creations and edits; and for a conflict, the
    /// user's own version.
    pub local_ics: Option<String>,
    /// Bumped by every local edit of the resource; a push acknowledges the one it sent.
    pub local_rev: i64,
    /// The server's reason when it refused the change (shown on the event); kept for retry.
    pub last_error: Option<String>,
    /// For a conflict: why (`edited on the server`, `deleted on the server`).
    pub conflict: Option<String>,
}

const COLUMNS: &str = "id, calendar_id, href, change, base_etag, base_ics, local_ics, local_rev, \
                       last_error, conflict";

fn entry_from(row: &Row<'_>) -> rusqlite::Result<OutboxEntry> {
    let change = row.get_ref(3)?.as_str()?;
    let change = LocalChange::from_name(change).ok_or_else(|| {
        rusqlite::Error::InvalidColumnType(3, "outbox.change".into(), rusqlite::types::Type::Text)
    })?;
    Ok(OutboxEntry {
        id: row.get(0)?,
        calendar: CalendarId(row.get(1)?),
        href: Href::new(row.get::<_, String>(2)?),
        change,
        base_etag: row.get::<_, Option<String>>(4)?.map(Etag::new),
        base_ics: row.get(5)?,
        local_ics: row.get(6)?,
        local_rev: row.get(7)?,
        last_error: row.get(8)?,
        conflict: row.get(9)?,
    })
}

fn pending(
    tx: &Transaction<'_>,
    calendar: CalendarId,
    href: &Href,
) -> Result<Option<OutboxEntry>, StoreError> {
    Ok(tx
        .query_row(
            &format!("SELECT {COLUMNS} FROM outbox WHERE calendar_id = ?1 AND href = ?2"),
            (calendar.0, href.as_str()),
            entry_from,
        )
        .optional()?)
}

/// The server copy of a resource as the mirror holds it: its etag and text.
fn server_copy(
    tx: &Transaction<'_>,
    calendar: CalendarId,
    href: &Href,
) -> Result<Option<(String, String)>, StoreError> {
    Ok(tx
        .query_row(
            "SELECT r.etag, t.ics FROM resources r JOIN resource_texts t ON t.resource_id = r.id
             WHERE r.calendar_id = ?1 AND r.href = ?2",
            (calendar.0, href.as_str()),
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}

/// The local text of a resource (what every query shows), if there is one.
fn resource_text(
    tx: &Transaction<'_>,
    calendar: CalendarId,
    href: &Href,
) -> Result<Option<String>, StoreError> {
    Ok(server_copy(tx, calendar, href)?.map(|(_, text)| text))
}

impl Store {
    /// Applies one batch of changes from the server to a calendar in a single transaction:
    /// upserts are parsed, stored with their etag and raw text, and indexed (or quarantined);
    /// deletes remove the resource with its occurrences and search row; the new sync token or
    /// ctag, if given, is written in the same transaction, so it never runs ahead of the data.
    /// Resources with a pending local change are left alone: the push settles them (a pull
    /// never overwrites an unsent edit).
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when the calendar does not exist (it was removed meanwhile);
    /// other failures as classified. On error nothing of the batch is applied.
    pub fn apply_batch(
        &mut self,
        calendar: CalendarId,
        batch: &Batch,
    ) -> Result<crate::BatchReport, StoreError> {
        let held: std::collections::HashSet<String> = {
            let mut stmt = self
                .conn
                .prepare_cached("SELECT href FROM outbox WHERE calendar_id = ?1")?;
            let rows = stmt.query_map([calendar.0], |r| r.get::<_, String>(0))?;
            rows.collect::<Result<_, _>>()?
        };
        if held.is_empty() {
            return self.apply_resources(calendar, batch);
        }
        let free = |href: &Href| !held.contains(href.as_str());
        let batch = Batch {
            upserts: batch
                .upserts
                .iter()
                .filter(|u| free(&u.href))
                .cloned()
                .collect(),
            deletes: batch.deletes.iter().filter(|h| free(h)).cloned().collect(),
            ..batch.clone()
        };
        self.apply_resources(calendar, &batch)
    }

    /// Creates an event locally: stored and indexed at once, so every query shows it, and queued
    /// for a `PUT` with `If-None-Match: *` to `href` (a fresh `<uuid>.ics` the caller chose, so a
    /// retried upload can never make a second copy).
    ///
    /// # Errors
    /// [`StoreError::Conflict`] when `href` is already taken; [`StoreError::NotFound`] for an
    /// unknown calendar.
    pub fn create_local(
        &mut self,
        calendar: CalendarId,
        href: &Href,
        ics: &str,
    ) -> Result<(), StoreError> {
        if self.local_etags(calendar)?.contains_key(href) {
            return Err(StoreError::Conflict { what: "event path" });
        }
        self.write_local(calendar, href, ics)?;
        self.conn.execute(
            "INSERT INTO outbox (calendar_id, href, change, local_ics) VALUES (?1, ?2, 'created', ?3)",
            (calendar.0, href.as_str(), ics),
        )?;
        Ok(())
    }

    /// Replaces a resource's text locally (an edit): shown at once, and queued with the server
    /// copy as its base. Edits of a queued change coalesce; the revision counter moves on.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when the resource is not there; [`StoreError::Conflict`] while it
    /// has an unresolved conflict (the user chooses first).
    pub fn modify_local(
        &mut self,
        calendar: CalendarId,
        href: &Href,
        ics: &str,
    ) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        match pending(&tx, calendar, href)? {
            Some(entry) if entry.change == LocalChange::Conflict => {
                return Err(StoreError::Conflict {
                    what: "event with an unresolved conflict",
                });
            }
            Some(entry) if entry.change == LocalChange::Deleted => {
                return Err(not_found("event", href));
            }
            Some(_) => {
                tx.execute(
                    "UPDATE outbox SET local_ics = ?3, local_rev = local_rev + 1, last_error = NULL
                     WHERE calendar_id = ?1 AND href = ?2",
                    (calendar.0, href.as_str(), ics),
                )?;
            }
            None => {
                let (etag, base) =
                    server_copy(&tx, calendar, href)?.ok_or_else(|| not_found("event", href))?;
                tx.execute(
                    "INSERT INTO outbox (calendar_id, href, change, base_etag, base_ics, local_ics)
                     VALUES (?1, ?2, 'modified', ?3, ?4, ?5)",
                    (calendar.0, href.as_str(), etag, base, ics),
                )?;
            }
        }
        tx.commit()?;
        self.write_local(calendar, href, ics)
    }

    /// Deletes a resource locally: hidden at once; the `DELETE` (with the server copy's etag as
    /// its `If-Match`) waits in the outbox. A new event never sent leaves nothing behind.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when the resource is not there.
    pub fn delete_local(&mut self, calendar: CalendarId, href: &Href) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        match pending(&tx, calendar, href)? {
            Some(entry) if entry.change == LocalChange::Created => {
                tx.execute("DELETE FROM outbox WHERE id = ?1", [entry.id])?;
            }
            Some(entry) if entry.change == LocalChange::Deleted => {
                return Err(not_found("event", href));
            }
            Some(entry) => {
                tx.execute(
                    "UPDATE outbox SET change = 'deleted', local_ics = NULL,
                        local_rev = local_rev + 1, last_error = NULL, conflict = NULL
                     WHERE id = ?1",
                    [entry.id],
                )?;
            }
            None => {
                let (etag, base) =
                    server_copy(&tx, calendar, href)?.ok_or_else(|| not_found("event", href))?;
                tx.execute(
                    "INSERT INTO outbox (calendar_id, href, change, base_etag, base_ics)
                     VALUES (?1, ?2, 'deleted', ?3, ?4)",
                    (calendar.0, href.as_str(), etag, base),
                )?;
            }
        }
        tx.execute(
            "DELETE FROM resources WHERE calendar_id = ?1 AND href = ?2",
            (calendar.0, href.as_str()),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Makes `text` the resource's local content (`None`: no event there), through the outbox,
    /// whatever is pending for it: how an undo puts back what a change replaced. A return to the
    /// server's copy leaves nothing to send, so undoing a change that was never sent leaves the
    /// outbox as if it had not happened; any other difference is queued like an edit (with
    /// `If-Match`), a deletion, or a creation when the server no longer has the event.
    ///
    /// # Errors
    /// [`StoreError::Conflict`] while the resource has an unresolved conflict (the user chooses
    /// first); [`StoreError::NotFound`] for an unknown calendar.
    pub fn set_local(
        &mut self,
        calendar: CalendarId,
        href: &Href,
        text: Option<&str>,
    ) -> Result<(), StoreError> {
        let (entry, current) = {
            let tx = self.conn.transaction()?;
            (
                pending(&tx, calendar, href)?,
                server_copy(&tx, calendar, href)?,
            )
        };
        let Some(entry) = entry else {
            return match (text, current) {
                (Some(t), Some((_, now))) if now == t => Ok(()),
                (Some(t), Some(_)) => self.modify_local(calendar, href, t),
                (Some(t), None) => self.create_local(calendar, href, t),
                (None, Some(_)) => self.delete_local(calendar, href),
                (None, None) => Ok(()),
            };
        };
        let restore = |s: &mut Store, t: &str| {
            let batch = Batch {
                upserts: vec![ResourceUpsert {
                    href: href.clone(),
                    etag: entry.base_etag.clone().unwrap_or_else(|| Etag::new("")),
                    ics: t.to_string(),
                }],
                ..Batch::default()
            };
            s.apply_resources(calendar, &batch).map(|_| ())
        };
        match (entry.change, text) {
            (LocalChange::Conflict, _) => Err(StoreError::Conflict {
                what: "event with an unresolved conflict",
            }),
            (_, Some(t)) if entry.base_ics.as_deref() == Some(t) => {
                self.conn
                    .execute("DELETE FROM outbox WHERE id = ?1", [entry.id])?;
                restore(self, t)
            }
            (LocalChange::Deleted, Some(t)) => {
                self.conn.execute(
                    "UPDATE outbox SET change = 'modified', local_ics = ?2,
                        local_rev = local_rev + 1, last_error = NULL
                     WHERE id = ?1",
                    (entry.id, t),
                )?;
                restore(self, t)
            }
            (_, Some(t)) => self.modify_local(calendar, href, t),
            (LocalChange::Deleted, None) => Ok(()),
            (_, None) => self.delete_local(calendar, href),
        }
    }

    /// Every pending change of the account's calendars (all accounts: `None`), oldest first.
    ///
    /// # Errors
    /// SQLite failures, classified.
    pub fn outbox(&self, account: Option<AccountId>) -> Result<Vec<OutboxEntry>, StoreError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM outbox
             WHERE ?1 IS NULL OR calendar_id IN (SELECT id FROM calendars WHERE account_id = ?1)
             ORDER BY id"
        ))?;
        let rows = stmt.query_map([account.map(|a| a.0)], entry_from)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The server has revision `rev` of a created or modified resource, with `etag` (or the
    /// copy it rewrote, `server`, with its etag, when it sent none: it is fetched then). The
    /// change leaves the outbox unless an edit came in meanwhile, which stays queued against the
    /// new etag.
    ///
    /// # Errors
    /// SQLite failures, classified.
    pub fn pushed(
        &mut self,
        entry: &OutboxEntry,
        etag: &Etag,
        server: Option<&str>,
    ) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        let now = pending(&tx, entry.calendar, &entry.href)?;
        let sent = entry.local_ics.clone().unwrap_or_default();
        let base = server.map_or(sent, str::to_string);
        let at = (entry.calendar.0, entry.href.as_str());
        match now {
            Some(now) if now.id == entry.id && now.local_rev == entry.local_rev => {
                tx.execute("DELETE FROM outbox WHERE id = ?1", [entry.id])?;
                tx.commit()?;
                let batch = Batch {
                    upserts: vec![ResourceUpsert {
                        href: entry.href.clone(),
                        etag: etag.clone(),
                        ics: base,
                    }],
                    ..Batch::default()
                };
                return self.apply_batch(entry.calendar, &batch).map(|_| ());
            }
            // Changed again while the upload was in flight: what is queued now goes against
            // the copy the server has just taken (a deletion stays a deletion).
            Some(now) => {
                tx.execute(
                    "UPDATE outbox SET change = CASE change WHEN 'created' THEN 'modified'
                        ELSE change END, base_etag = ?2, base_ics = ?3, last_error = NULL
                     WHERE id = ?1",
                    (now.id, etag.as_str(), &base),
                )?;
            }
            // The change was taken back while in flight (an undo to the old copy, or the
            // deletion of a new event): the server has it now, so the local state is queued
            // against it, or the server would keep what the user took back.
            None => match resource_text(&tx, entry.calendar, &entry.href)? {
                Some(local) if local == base => {}
                Some(local) => {
                    tx.execute(
                        "INSERT INTO outbox (calendar_id, href, change, base_etag, base_ics, local_ics)
                         VALUES (?1, ?2, 'modified', ?3, ?4, ?5)",
                        (at.0, at.1, etag.as_str(), &base, &local),
                    )?;
                }
                None => {
                    tx.execute(
                        "INSERT INTO outbox (calendar_id, href, change, base_etag, base_ics)
                         VALUES (?1, ?2, 'deleted', ?3, ?4)",
                        (at.0, at.1, etag.as_str(), &base),
                    )?;
                }
            },
        }
        tx.execute(
            "UPDATE resources SET etag = ?3 WHERE calendar_id = ?1 AND href = ?2",
            (at.0, at.1, etag.as_str()),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The server has the deletion (or the resource was already gone). When the event was
    /// put back while the `DELETE` was in flight (an undo), it is queued as a new event, as the
    /// server no longer has it.
    ///
    /// # Errors
    /// SQLite failures, classified.
    pub fn deleted_on_server(&mut self, entry: &OutboxEntry) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        let now = pending(&tx, entry.calendar, &entry.href)?;
        match now {
            Some(now) if now.id == entry.id && now.local_rev == entry.local_rev => {
                tx.execute("DELETE FROM outbox WHERE id = ?1", [entry.id])?;
            }
            Some(now) => {
                tx.execute(
                    "UPDATE outbox SET change = CASE change WHEN 'deleted' THEN 'deleted'
                        ELSE 'created' END, base_etag = NULL, base_ics = NULL, last_error = NULL
                     WHERE id = ?1",
                    [now.id],
                )?;
            }
            None => {
                if let Some(local) = resource_text(&tx, entry.calendar, &entry.href)? {
                    tx.execute(
                        "INSERT INTO outbox (calendar_id, href, change, local_ics)
                         VALUES (?1, ?2, 'created', ?3)",
                        (entry.calendar.0, entry.href.as_str(), &local),
                    )?;
                }
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// The server refused the change (403, invalid data, too large): kept, with its reason shown
    /// on the event, and sent again at the next sync (the others go on).
    ///
    /// # Errors
    /// SQLite failures, classified.
    pub fn push_refused(&mut self, entry: &OutboxEntry, reason: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE outbox SET last_error = ?2 WHERE id = ?1",
            (entry.id, reason),
        )?;
        Ok(())
    }

    /// The server's copy changed (or went away) under a pending change that could not be merged:
    /// the server copy is shown (`theirs`, `None` when deleted there), and the user's version is
    /// kept for them to choose (keep mine, keep theirs, keep both).
    ///
    /// # Errors
    /// SQLite failures, classified.
    pub fn record_conflict(
        &mut self,
        entry: &OutboxEntry,
        theirs: Option<(&Etag, &str)>,
        why: &str,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE outbox SET change = 'conflict', conflict = ?2, last_error = NULL,
                base_etag = ?3, base_ics = ?4
             WHERE id = ?1",
            (
                entry.id,
                why,
                theirs.map(|(e, _)| e.as_str().to_string()),
                theirs.map(|(_, t)| t.to_string()),
            ),
        )?;
        match theirs {
            Some((etag, text)) => {
                let batch = Batch {
                    upserts: vec![ResourceUpsert {
                        href: entry.href.clone(),
                        etag: etag.clone(),
                        ics: text.to_string(),
                    }],
                    ..Batch::default()
                };
                self.apply_resources(entry.calendar, &batch)?;
            }
            None => {
                self.conn.execute(
                    "DELETE FROM resources WHERE calendar_id = ?1 AND href = ?2",
                    (entry.calendar.0, entry.href.as_str()),
                )?;
            }
        }
        Ok(())
    }

    /// Settles a conflict: `keep_mine` queues the user's version again against the server's
    /// current copy (or as a new event when the server deleted it); otherwise the server's copy
    /// stays and the user's version is dropped.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when there is no such conflict.
    pub fn resolve_conflict(
        &mut self,
        id: i64,
        keep_mine: bool,
    ) -> Result<OutboxEntry, StoreError> {
        let entry = self
            .outbox(None)?
            .into_iter()
            .find(|e| e.id == id && e.change == LocalChange::Conflict)
            .ok_or_else(|| not_found("conflict", id))?;
        if !keep_mine {
            self.conn
                .execute("DELETE FROM outbox WHERE id = ?1", [id])?;
            return Ok(entry);
        }
        let mine = entry.local_ics.clone().unwrap_or_default();
        let change = if entry.base_etag.is_some() {
            "modified"
        } else {
            "created"
        };
        self.conn.execute(
            "UPDATE outbox SET change = ?2, conflict = NULL, local_rev = local_rev + 1 WHERE id = ?1",
            (id, change),
        )?;
        self.write_local(entry.calendar, &entry.href, &mine)?;
        Ok(entry)
    }

    /// The account's resources holding `uid` (iCloud keeps UIDs unique in an account; other
    /// servers per calendar), as (calendar, path); subscriptions' copies are not the account's.
    ///
    /// # Errors
    /// SQLite failures, classified.
    pub fn resources_with_uid(
        &self,
        account: AccountId,
        uid: &str,
    ) -> Result<Vec<(CalendarId, Href)>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT r.calendar_id, r.href FROM resources r JOIN calendars c ON c.id = r.calendar_id
             WHERE c.account_id = ?1 AND c.feed_url IS NULL AND r.uid = ?2 ORDER BY r.id",
        )?;
        let rows = stmt.query_map((account.0, uid), |r| {
            Ok((CalendarId(r.get(0)?), Href::new(r.get::<_, String>(1)?)))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Writes `ics` as the resource's current text, indexed, keeping its etag (the server copy's
    /// until the server has the change).
    fn write_local(
        &mut self,
        calendar: CalendarId,
        href: &Href,
        ics: &str,
    ) -> Result<(), StoreError> {
        let etag = self
            .local_etags(calendar)?
            .remove(href)
            .unwrap_or_else(|| Etag::new(""));
        let batch = Batch {
            upserts: vec![ResourceUpsert {
                href: href.clone(),
                etag,
                ics: ics.to_string(),
            }],
            ..Batch::default()
        };
        self.apply_resources(calendar, &batch).map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{CalendarListing, HorizonSpan};
    use almanac_core::{AccountKind, ComponentKind};
    use chrono::{TimeZone, Utc};

    // Shape: a plain iCloud event (icloud-caldav.md, calendar-multiget bodies).
    fn event(uid: &str, summary: &str) -> String {
        format!(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Apple Inc.//macOS 14.4//EN\r\n\
             BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20260101T000000Z\r\n\
             DTSTART:20261210T090000Z\r\nDTEND:20261210T100000Z\r\nSUMMARY:{summary}\r\n\
             END:VEVENT\r\nEND:VCALENDAR\r\n"
        )
    }

    fn store() -> (Store, CalendarId) {
        let mut s = Store::open_in_memory().unwrap();
        s.set_horizon_span(HorizonSpan::default());
        let a = s
            .add_account(AccountKind::Caldav, "u", "https://dav.example/")
            .unwrap();
        let listing = CalendarListing {
            href: Href::new("/cal/"),
            name: "Cal".into(),
            color: None,
            order: None,
            components: vec![ComponentKind::Vevent],
            read_only: false,
        };
        let c = s.upsert_calendar(a, &listing).unwrap();
        (s, c)
    }

    fn summaries(s: &Store) -> Vec<String> {
        let from = Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap();
        let to = Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).unwrap();
        s.occurrences_between(from, to, chrono_tz::UTC, true)
            .unwrap()
            .into_iter()
            .filter_map(|i| i.summary)
            .collect()
    }

    fn server(s: &mut Store, c: CalendarId, href: &str, etag: &str, ics: String) {
        let batch = Batch {
            upserts: vec![ResourceUpsert {
                href: Href::new(href),
                etag: Etag::new(etag),
                ics,
            }],
            ..Batch::default()
        };
        s.apply_batch(c, &batch).unwrap();
    }

    #[test]
    fn a_new_event_shows_at_once_and_created_then_deleted_leaves_nothing() {
        let (mut s, c) = store();
        let href = Href::new("/cal/new.ics");
        s.create_local(c, &href, &event("n", "Lunch")).unwrap();
        assert_eq!(summaries(&s), ["Lunch"]);
        let from = Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap();
        let to = Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).unwrap();
        let shown = s
            .occurrences_between(from, to, chrono_tz::UTC, true)
            .unwrap();
        assert!(
            shown.iter().all(|i| i.pending),
            "marked as not yet on the server"
        );
        let queued = s.outbox(None).unwrap();
        assert_eq!(queued.len(), 1);
        assert_eq!(
            (queued[0].change, queued[0].base_etag.clone()),
            (LocalChange::Created, None)
        );
        s.modify_local(c, &href, &event("n", "Long lunch")).unwrap();
        let queued = s.outbox(None).unwrap();
        assert_eq!(
            (queued[0].change, queued[0].local_rev),
            (LocalChange::Created, 2)
        );
        s.delete_local(c, &href).unwrap();
        assert!(s.outbox(None).unwrap().is_empty(), "nothing to send");
        assert!(summaries(&s).is_empty());
    }

    #[test]
    fn an_edit_keeps_the_server_copy_as_base_and_a_pull_does_not_overwrite_it() {
        let (mut s, c) = store();
        server(&mut s, c, "/cal/a.ics", "\"1\"", event("a", "Standup"));
        let href = Href::new("/cal/a.ics");
        s.modify_local(c, &href, &event("a", "Standup (moved)"))
            .unwrap();
        assert_eq!(summaries(&s), ["Standup (moved)"]);
        server(
            &mut s,
            c,
            "/cal/a.ics",
            "\"2\"",
            event("a", "Changed elsewhere"),
        );
        assert_eq!(
            summaries(&s),
            ["Standup (moved)"],
            "a pull leaves the edit alone"
        );
        let entry = s.outbox(None).unwrap().remove(0);
        assert_eq!(entry.base_etag.as_ref().map(Etag::as_str), Some("\"1\""));
        assert!(entry.base_ics.unwrap().contains("SUMMARY:Standup\r\n"));

        // Pushed: the outbox empties and the new etag is stored.
        let entry = s.outbox(None).unwrap().remove(0);
        s.pushed(&entry, &Etag::new("\"3\""), None).unwrap();
        assert!(s.outbox(None).unwrap().is_empty());
        let from = Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap();
        let to = Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).unwrap();
        let shown = s
            .occurrences_between(from, to, chrono_tz::UTC, true)
            .unwrap();
        assert!(shown.iter().all(|i| !i.pending), "on the server now");
        assert_eq!(s.local_etags(c).unwrap()[&href].as_str(), "\"3\"");
    }

    #[test]
    fn an_edit_made_while_the_upload_was_in_flight_stays_queued() {
        let (mut s, c) = store();
        server(&mut s, c, "/cal/a.ics", "\"1\"", event("a", "One"));
        let href = Href::new("/cal/a.ics");
        s.modify_local(c, &href, &event("a", "Two")).unwrap();
        let sent = s.outbox(None).unwrap().remove(0);
        s.modify_local(c, &href, &event("a", "Three")).unwrap();
        s.pushed(&sent, &Etag::new("\"2\""), None).unwrap();
        let left = s.outbox(None).unwrap();
        assert_eq!(left.len(), 1, "the later edit is not lost");
        assert_eq!(left[0].base_etag.as_ref().map(Etag::as_str), Some("\"2\""));
        assert_eq!(summaries(&s), ["Three"]);
    }

    #[test]
    fn a_deletion_hides_at_once_and_keeps_the_etag_for_its_if_match() {
        let (mut s, c) = store();
        server(&mut s, c, "/cal/a.ics", "\"7\"", event("a", "Gone"));
        s.delete_local(c, &Href::new("/cal/a.ics")).unwrap();
        assert!(summaries(&s).is_empty());
        let entry = s.outbox(None).unwrap().remove(0);
        assert_eq!(entry.change, LocalChange::Deleted);
        assert_eq!(entry.base_etag.as_ref().map(Etag::as_str), Some("\"7\""));
        s.deleted_on_server(&entry).unwrap();
        assert!(s.outbox(None).unwrap().is_empty());
    }

    #[test]
    fn a_conflict_shows_the_server_copy_and_keeps_mine_until_the_user_chooses() {
        let (mut s, c) = store();
        server(&mut s, c, "/cal/a.ics", "\"1\"", event("a", "Base"));
        let href = Href::new("/cal/a.ics");
        s.modify_local(c, &href, &event("a", "Mine")).unwrap();
        let entry = s.outbox(None).unwrap().remove(0);
        s.record_conflict(
            &entry,
            Some((&Etag::new("\"2\""), &event("a", "Theirs"))),
            "edited on the server",
        )
        .unwrap();
        assert_eq!(summaries(&s), ["Theirs"]);
        assert!(
            s.modify_local(c, &href, &event("a", "Again")).is_err(),
            "choose first"
        );
        let conflict = s.outbox(None).unwrap().remove(0);
        assert_eq!(conflict.change, LocalChange::Conflict);
        assert!(conflict.local_ics.as_deref().unwrap().contains("Mine"));
        s.resolve_conflict(conflict.id, true).unwrap();
        assert_eq!(summaries(&s), ["Mine"]);
        let queued = s.outbox(None).unwrap().remove(0);
        assert_eq!(queued.change, LocalChange::Modified);
        assert_eq!(
            queued.base_etag.as_ref().map(Etag::as_str),
            Some("\"2\""),
            "against theirs"
        );
    }

    #[test]
    fn putting_back_the_server_copy_leaves_nothing_to_send() {
        let (mut s, c) = store();
        server(&mut s, c, "/cal/a.ics", "\"1\"", event("a", "Base"));
        let href = Href::new("/cal/a.ics");
        s.modify_local(c, &href, &event("a", "Edited")).unwrap();
        s.set_local(c, &href, Some(&event("a", "Base"))).unwrap();
        assert!(s.outbox(None).unwrap().is_empty());
        assert_eq!(summaries(&s), ["Base"]);
        assert_eq!(s.local_etags(c).unwrap()[&href].as_str(), "\"1\"");

        s.delete_local(c, &href).unwrap();
        s.set_local(c, &href, Some(&event("a", "Base"))).unwrap();
        assert!(
            s.outbox(None).unwrap().is_empty(),
            "an unsent deletion undone"
        );
        assert_eq!(s.local_etags(c).unwrap()[&href].as_str(), "\"1\"");

        let new = Href::new("/cal/new.ics");
        s.create_local(c, &new, &event("n", "New")).unwrap();
        s.set_local(c, &new, None).unwrap();
        assert!(
            s.outbox(None).unwrap().is_empty(),
            "an unsent creation undone"
        );
        assert_eq!(summaries(&s), ["Base"]);
    }

    #[test]
    fn putting_back_what_the_server_already_has_changed_is_a_change_of_its_own() {
        let (mut s, c) = store();
        server(&mut s, c, "/cal/a.ics", "\"1\"", event("a", "Base"));
        let href = Href::new("/cal/a.ics");
        s.modify_local(c, &href, &event("a", "Edited")).unwrap();
        let sent = s.outbox(None).unwrap().remove(0);
        s.pushed(&sent, &Etag::new("\"2\""), None).unwrap();
        s.set_local(c, &href, Some(&event("a", "Base"))).unwrap();
        let queued = s.outbox(None).unwrap().remove(0);
        assert_eq!(queued.change, LocalChange::Modified);
        assert_eq!(queued.base_etag.as_ref().map(Etag::as_str), Some("\"2\""));
        assert_eq!(summaries(&s), ["Base"]);

        // Deleted on the server meanwhile: the event comes back as a new one.
        let gone = Href::new("/cal/gone.ics");
        server(&mut s, c, "/cal/gone.ics", "\"5\"", event("g", "Gone"));
        s.delete_local(c, &gone).unwrap();
        let sent = s.outbox(None).unwrap().remove(1);
        s.deleted_on_server(&sent).unwrap();
        s.set_local(c, &gone, Some(&event("g", "Gone"))).unwrap();
        assert_eq!(s.outbox(None).unwrap()[1].change, LocalChange::Created);

        // An unsent deletion of an edited event comes back as the edit.
        s.delete_local(c, &href).unwrap();
        s.set_local(c, &href, Some(&event("a", "Base"))).unwrap();
        let queued = s.outbox(None).unwrap().remove(0);
        assert_eq!(queued.change, LocalChange::Modified);
        assert!(queued.local_ics.unwrap().contains("SUMMARY:Base"));
        assert_eq!(s.local_etags(c).unwrap()[&href].as_str(), "\"2\"");
    }

    #[test]
    fn a_change_taken_back_while_its_upload_was_in_flight_is_sent_back() {
        let (mut s, c) = store();
        server(&mut s, c, "/cal/a.ics", "\"1\"", event("a", "Base"));
        let href = Href::new("/cal/a.ics");
        s.modify_local(c, &href, &event("a", "Edited")).unwrap();
        let sent = s.outbox(None).unwrap().remove(0);
        s.set_local(c, &href, Some(&event("a", "Base"))).unwrap();
        s.pushed(&sent, &Etag::new("\"2\""), None).unwrap();
        assert_eq!(summaries(&s), ["Base"], "the undo stays");
        let queued = s.outbox(None).unwrap().remove(0);
        assert_eq!(queued.change, LocalChange::Modified);
        assert_eq!(queued.base_etag.as_ref().map(Etag::as_str), Some("\"2\""));
        assert!(queued.local_ics.unwrap().contains("SUMMARY:Base"));

        // A new event deleted while its creation was in flight: the server copy goes too.
        let new = Href::new("/cal/new.ics");
        s.create_local(c, &new, &event("n", "New")).unwrap();
        let sent = s.outbox(None).unwrap().remove(1);
        s.set_local(c, &new, None).unwrap();
        s.pushed(&sent, &Etag::new("\"9\""), None).unwrap();
        assert_eq!(summaries(&s), ["Base"]);
        let queued = s.outbox(None).unwrap().remove(1);
        assert_eq!(queued.change, LocalChange::Deleted);
        assert_eq!(queued.base_etag.as_ref().map(Etag::as_str), Some("\"9\""));
    }

    #[test]
    fn a_deletion_made_while_an_edit_was_in_flight_stays_a_deletion() {
        let (mut s, c) = store();
        server(&mut s, c, "/cal/a.ics", "\"1\"", event("a", "Base"));
        let href = Href::new("/cal/a.ics");
        s.modify_local(c, &href, &event("a", "Edited")).unwrap();
        let sent = s.outbox(None).unwrap().remove(0);
        s.delete_local(c, &href).unwrap();
        s.pushed(&sent, &Etag::new("\"2\""), None).unwrap();
        let queued = s.outbox(None).unwrap().remove(0);
        assert_eq!(queued.change, LocalChange::Deleted);
        assert_eq!(queued.base_etag.as_ref().map(Etag::as_str), Some("\"2\""));
        assert!(summaries(&s).is_empty());
    }

    #[test]
    fn an_event_put_back_while_its_deletion_was_in_flight_is_created_again() {
        let (mut s, c) = store();
        server(&mut s, c, "/cal/a.ics", "\"1\"", event("a", "Base"));
        let href = Href::new("/cal/a.ics");
        s.delete_local(c, &href).unwrap();
        let sent = s.outbox(None).unwrap().remove(0);
        s.set_local(c, &href, Some(&event("a", "Base"))).unwrap();
        s.deleted_on_server(&sent).unwrap();
        assert_eq!(summaries(&s), ["Base"]);
        let queued = s.outbox(None).unwrap().remove(0);
        assert_eq!(queued.change, LocalChange::Created);
        assert_eq!(queued.base_etag, None, "If-None-Match: the server has none");
    }

    #[test]
    fn a_conflict_is_settled_before_anything_is_put_back() {
        let (mut s, c) = store();
        server(&mut s, c, "/cal/a.ics", "\"1\"", event("a", "Base"));
        let href = Href::new("/cal/a.ics");
        s.modify_local(c, &href, &event("a", "Mine")).unwrap();
        let entry = s.outbox(None).unwrap().remove(0);
        s.record_conflict(
            &entry,
            Some((&Etag::new("\"2\""), &event("a", "Theirs"))),
            "x",
        )
        .unwrap();
        assert!(matches!(
            s.set_local(c, &href, Some(&event("a", "Base"))),
            Err(StoreError::Conflict { .. })
        ));
    }
}
