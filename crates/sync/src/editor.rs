//! The editing a calendar window does, over the engine's local-first changes (`edit`): an
//! occurrence named as the views show it is opened for the editor ([`Target`]); a draft is
//! saved as the fields it changes, moved by a drag, deleted or answered, each change with its
//! [`Undo`] and where the event is afterwards ([`Placed`]). Nothing here touches the network.

use crate::draft::{Draft, Opened};
use crate::engine::Engine;
use crate::error::SyncError;
use crate::occurrence::{EditScope, find, scope_of};
use crate::people::{attendees_told, told_note};
use crate::undo::Changed;
use almanac_core::{Calendar, CalendarId, Href, Uid};
use almanac_ical::{PartStat, Scope};
use almanac_store::{LocalChange, StoreError};
use chrono_tz::Tz;

/// Where an event is after a change, named as the views name it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Placed {
    /// Its calendar.
    pub calendar: CalendarId,
    /// Its resource.
    pub href: Href,
    /// The edited occurrence's start as the views show it; `None` when it did not move.
    pub start: Option<String>,
}

/// An occurrence opened for editing.
#[derive(Clone, Debug)]
pub struct Target {
    /// Its calendar.
    pub calendar: Calendar,
    /// Its resource.
    pub href: Href,
    /// The occurrence as the editor shows it.
    pub opened: Opened,
    /// The account's address (its user name); `None` for a subscription.
    pub me: Option<String>,
}

impl Target {
    /// What to tell the user who saves a change of an event they organize: the server will
    /// tell the attendees.
    pub fn note(&self) -> Option<String> {
        let me = self.me.as_deref()?;
        told_note(attendees_told(&self.opened.occurrence().details, me))
    }

    fn scope(&self, chosen: EditScope) -> Scope {
        scope_of(self.opened.occurrence(), chosen)
    }

    fn placed(&self, href: Option<Href>, start: Option<String>) -> Placed {
        Placed {
            calendar: self.calendar.id,
            href: href.unwrap_or_else(|| self.href.clone()),
            start,
        }
    }
}

fn gone(href: &Href) -> SyncError {
    SyncError::Store(StoreError::NotFound {
        what: "event",
        key: href.as_str().to_string(),
    })
}

impl Engine {
    /// Opens the occurrence of the resource `href` in `calendar` that the views showed starting
    /// at `start` in `display`.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] (as [`SyncError::Store`]) when the event or that occurrence is
    /// no longer there; store failures.
    pub async fn open_occurrence(
        &self,
        calendar: CalendarId,
        href: Href,
        start: &str,
        display: Tz,
    ) -> Result<Target, SyncError> {
        let (cal, raw, me) = {
            let href = href.clone();
            self.with_store(move |s| {
                let cal = s.calendar(calendar)?;
                let me = match cal.account {
                    Some(a) if cal.feed_url.is_none() => Some(s.account(a)?.username),
                    _ => None,
                };
                Ok((cal, s.resource_ics(calendar, &href)?, me))
            })
            .await?
        };
        let objects = almanac_ical::parse_objects(&raw).map_err(|_| gone(&href))?;
        let (object, occurrence) = find(&objects, start, display).ok_or_else(|| gone(&href))?;
        Ok(Target {
            opened: Opened::new(object, occurrence, display),
            calendar: cal,
            href,
            me,
        })
    }

    /// Creates the event `draft` describes in `calendar`, under `uid` (which also names its
    /// resource).
    ///
    /// # Errors
    /// [`SyncError::ReadOnly`]; [`SyncError::InvalidEdit`] for times that are not understood or
    /// an end before the start; store failures.
    pub async fn create_from(
        &self,
        calendar: CalendarId,
        draft: &Draft,
        uid: Uid,
        display: Tz,
    ) -> Result<Changed<Placed>, SyncError> {
        let event = draft.new_event(uid.clone())?;
        let text = almanac_ical::compose(&event, self.now())?;
        let created = self.create_recorded(calendar, uid.as_str(), text).await?;
        Ok(created.map(|href| Placed {
            calendar,
            href,
            start: draft.shown_start(display),
        }))
    }

    /// Saves `draft` over the occurrence `target` for the occurrences `chosen` names, changing
    /// only what differs from what the editor showed; a different calendar `to` moves the
    /// whole event there afterwards. A "this and following" save splits the series, the new
    /// part under `fresh`.
    ///
    /// # Errors
    /// [`SyncError::ReadOnly`]; [`SyncError::InvalidEdit`] when the change does not fit the
    /// event (a move of some occurrences only to another calendar among them); store failures.
    pub async fn save(
        &self,
        target: &Target,
        chosen: EditScope,
        draft: &Draft,
        to: CalendarId,
        fresh: Uid,
        display: Tz,
    ) -> Result<Changed<Placed>, SyncError> {
        let scope = target.scope(chosen);
        if to != target.calendar.id && scope != Scope::All {
            return Err(almanac_ical::IcalError::ScopeMismatch {
                reason: "only a whole event moves to another calendar",
            }
            .into());
        }
        let changes = target.opened.changes(draft, &scope)?;
        let edited = self
            .edit_event(
                target.calendar.id,
                target.href.clone(),
                scope,
                changes,
                fresh,
            )
            .await?;
        let start = draft.shown_start(display);
        let mut placed = target.placed(edited.value, start);
        let mut undo = edited.undo;
        if to != target.calendar.id {
            let moved = self
                .move_recorded(target.calendar.id, placed.href.clone(), to)
                .await?;
            placed.calendar = to;
            placed.href = moved.value;
            undo = undo.then(moved.undo);
        }
        Ok(Changed {
            value: placed,
            undo,
        })
    }

    /// Deletes the occurrences `chosen` names.
    ///
    /// # Errors
    /// As [`Engine::save`].
    pub async fn delete_at(
        &self,
        target: &Target,
        chosen: EditScope,
    ) -> Result<Changed<()>, SyncError> {
        let deleted = self
            .delete_occurrences(
                target.calendar.id,
                target.href.clone(),
                target.scope(chosen),
            )
            .await?;
        Ok(deleted.map(|_| ()))
    }

    /// Answers the invitation `target` is part of, for the occurrences `chosen` names, as the
    /// account's address.
    ///
    /// # Errors
    /// [`SyncError::InvalidEdit`] when the account is not invited (or `chosen` is "following",
    /// which an answer cannot be); store failures.
    pub async fn answer(
        &self,
        target: &Target,
        chosen: EditScope,
        answer: PartStat,
    ) -> Result<Changed<Placed>, SyncError> {
        let me = target
            .me
            .clone()
            .ok_or_else(|| almanac_ical::IcalError::NotAnAttendee {
                address: "this calendar".into(),
            })?;
        let answered = self
            .reply(
                target.calendar.id,
                target.href.clone(),
                me,
                answer,
                target.scope(chosen),
            )
            .await?;
        Ok(answered.map(|_| target.placed(None, None)))
    }

    /// Settles a conflict by keeping both versions: the server's stays where it is, and the
    /// user's becomes a new event under `fresh` in the same calendar (when the user's version
    /// was a deletion there is nothing to copy). Returns the copy's resource.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when there is no such conflict; store failures.
    pub async fn keep_both(&self, conflict: i64, fresh: Uid) -> Result<Option<Href>, SyncError> {
        self.with_store(move |s| {
            let entry = s
                .outbox(None)?
                .into_iter()
                .find(|e| e.id == conflict && e.change == LocalChange::Conflict)
                .ok_or_else(|| StoreError::NotFound {
                    what: "conflict",
                    key: conflict.to_string(),
                })?;
            s.resolve_conflict(conflict, false)?;
            let Some(mine) = entry.local_ics else {
                return Ok(None);
            };
            let collection = s.calendar(entry.calendar)?.href;
            let href = Href::new(format!(
                "{}/{}.ics",
                collection.as_str().trim_end_matches('/'),
                fresh.as_str()
            ));
            s.create_local(entry.calendar, &href, &with_uid(&mine, fresh.as_str()))?;
            Ok(Some(href))
        })
        .await
    }
}

/// `ics` with every `UID` line replaced: a copy that is its own event.
fn with_uid(ics: &str, uid: &str) -> String {
    ics.split_inclusive('\n')
        .map(|line| {
            if line.starts_with("UID:") {
                let end = if line.ends_with("\r\n") { "\r\n" } else { "\n" };
                format!("UID:{uid}{end}")
            } else {
                line.to_string()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_copy_gets_its_own_uid() {
        let ics = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\nSEQUENCE:2\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        assert!(with_uid(ics, "B").contains("\r\nUID:B\r\n"));
        assert!(!with_uid(ics, "B").contains("UID:a"));
    }
}
