//! The user's changes, local first: each is validated against its calendar, stored with its
//! outbox entry in one transaction, shown by every query at once, and sent by the next sync's
//! push ([`crate::push`]). Nothing here touches the network, so editing works offline and while
//! a password is refused.
//!
//! Each change also records what it replaced ([`Undo`]), in the transaction that writes it:
//! edits, deletions and answers return it ([`Changed`]); `create_event` and `move_event` drop
//! it (import and the command line need only the path; the window's editing calls their
//! `_recorded` forms).

use crate::engine::Engine;
use crate::error::SyncError;
use crate::undo::{Changed, Undo};
use almanac_core::{AccountId, CalendarId, Href, Uid};
use almanac_ical::{Changes, PartStat, ResourceWrite, Scope, ScopedEdit};
use almanac_store::{OutboxEntry, Store, StoreError};

impl Engine {
    /// Creates an event in `calendar` from its whole text, under the path `<name>.ics` (the
    /// caller picks a fresh UUID, so a retried upload can never make a second copy).
    ///
    /// # Errors
    /// [`SyncError::ReadOnly`] for a calendar that cannot be written; store failures.
    pub async fn create_event(
        &self,
        calendar: CalendarId,
        name: &str,
        ics: String,
    ) -> Result<Href, SyncError> {
        Ok(self.create_recorded(calendar, name, ics).await?.value)
    }

    /// [`Engine::create_event`], with what it replaced.
    pub(crate) async fn create_recorded(
        &self,
        calendar: CalendarId,
        name: &str,
        ics: String,
    ) -> Result<Changed<Href>, SyncError> {
        let name = name.to_string();
        self.writable(calendar).await?;
        self.with_store(move |s| {
            let collection = s.calendar(calendar)?.href;
            let href = Href::new(format!(
                "{}/{name}.ics",
                collection.as_str().trim_end_matches('/')
            ));
            let mut undo = Undo::default();
            undo.note(s, calendar, &href)?;
            s.create_local(calendar, &href, &ics)?;
            Ok(Changed { value: href, undo })
        })
        .await
    }

    /// Replaces an event's text (the caller changed only what the user changed).
    ///
    /// # Errors
    /// [`SyncError::ReadOnly`]; [`almanac_store::StoreError::NotFound`] for an unknown event;
    /// [`almanac_store::StoreError::Conflict`] while it has an unresolved conflict.
    pub async fn update_event(
        &self,
        calendar: CalendarId,
        href: Href,
        ics: String,
    ) -> Result<(), SyncError> {
        self.writable(calendar).await?;
        self.with_store(move |s| s.modify_local(calendar, &href, &ics))
            .await
    }

    /// Deletes an event (the server sees a `DELETE` for it, and for nothing else).
    ///
    /// # Errors
    /// [`SyncError::ReadOnly`]; [`almanac_store::StoreError::NotFound`] for an unknown event.
    pub async fn delete_event(&self, calendar: CalendarId, href: Href) -> Result<(), SyncError> {
        self.writable(calendar).await?;
        self.with_store(move |s| s.delete_local(calendar, &href))
            .await
    }

    /// Changes an event (one occurrence, it and the following ones, or all), touching only
    /// what `changes` names. A "this and following" edit splits the series: the later part
    /// becomes a new event with `fresh` as its UID (and path), created before the original is
    /// cut, so the server never holds fewer occurrences than the user sees. Returns the new
    /// event's path of a split, with what the change replaced.
    ///
    /// # Errors
    /// [`SyncError::ReadOnly`]; [`SyncError::InvalidEdit`] when the change does not fit the
    /// event; store failures.
    pub async fn edit_event(
        &self,
        calendar: CalendarId,
        href: Href,
        scope: Scope,
        changes: Changes,
        fresh: Uid,
    ) -> Result<Changed<Option<Href>>, SyncError> {
        self.writable(calendar).await?;
        let now = self.now();
        self.apply_scoped(calendar, href, move |raw| {
            almanac_ical::edit(raw, &scope, &changes, now, || fresh)
        })
        .await
    }

    /// Deletes one occurrence (an EXDATE), it and the following ones (the series ends before
    /// it), or the whole event.
    ///
    /// # Errors
    /// As [`Engine::edit_event`].
    pub async fn delete_occurrences(
        &self,
        calendar: CalendarId,
        href: Href,
        scope: Scope,
    ) -> Result<Changed<Option<Href>>, SyncError> {
        self.writable(calendar).await?;
        let now = self.now();
        self.apply_scoped(calendar, href, move |raw| {
            almanac_ical::delete(raw, &scope, now)
        })
        .await
    }

    /// Answers an invitation as `attendee` (the account's address): only that attendee's
    /// PARTSTAT changes; the server sends the reply (iCloud's scheduling).
    ///
    /// # Errors
    /// As [`Engine::edit_event`]; [`SyncError::InvalidEdit`] when `attendee` is not invited.
    pub async fn reply(
        &self,
        calendar: CalendarId,
        href: Href,
        attendee: String,
        answer: PartStat,
        scope: Scope,
    ) -> Result<Changed<Option<Href>>, SyncError> {
        let now = self.now();
        self.apply_scoped(calendar, href, move |raw| {
            almanac_ical::set_partstat(raw, &attendee, answer, &scope, now).map(|text| ScopedEdit {
                resource: ResourceWrite::Put(text),
                new_resource: None,
            })
        })
        .await
    }

    /// Reads the stored text, applies `change`, and stores the outcome through the outbox, in
    /// one transaction (a pull cannot land between the read and the write).
    async fn apply_scoped<F>(
        &self,
        calendar: CalendarId,
        href: Href,
        change: F,
    ) -> Result<Changed<Option<Href>>, SyncError>
    where
        F: FnOnce(&str) -> Result<ScopedEdit, almanac_ical::IcalError> + Send + 'static,
    {
        self.with_store(move |s| {
            let raw = s.resource_ics(calendar, &href)?;
            Ok(match change(&raw) {
                Ok(edit) => Ok(store_edit(s, calendar, &href, &raw, edit)?),
                Err(e) => Err(e),
            })
        })
        .await?
        .map_err(SyncError::InvalidEdit)
    }

    /// Moves an event to another calendar of the same account, as a deletion where it is and a
    /// creation where it goes, under the same UID: the push sends deletions first, which frees
    /// the UID on iCloud (unique in the whole account) before the creation needs it. Events
    /// with attendees are refused: on a server that schedules, the deletion would cancel the
    /// meeting for everyone and the creation invite them again.
    ///
    /// # Errors
    /// [`SyncError::ReadOnly`] for either calendar; [`SyncError::InvalidEdit`] for an event with
    /// attendees or a target in another account; store failures.
    pub async fn move_event(
        &self,
        from: CalendarId,
        href: Href,
        to: CalendarId,
    ) -> Result<Href, SyncError> {
        Ok(self.move_recorded(from, href, to).await?.value)
    }

    /// [`Engine::move_event`], with what it replaced.
    pub(crate) async fn move_recorded(
        &self,
        from: CalendarId,
        href: Href,
        to: CalendarId,
    ) -> Result<Changed<Href>, SyncError> {
        self.writable(from).await?;
        self.writable(to).await?;
        let refuse = |reason: &str| {
            SyncError::InvalidEdit(almanac_ical::IcalError::InvalidChange {
                reason: reason.to_string(),
            })
        };
        let (text, same_account, target) = {
            let href = href.clone();
            self.with_store(move |s| {
                let (a, b) = (s.calendar(from)?, s.calendar(to)?);
                Ok((s.resource_ics(from, &href)?, a.account == b.account, b.href))
            })
            .await?
        };
        if !same_account {
            return Err(refuse("events move between calendars of one account"));
        }
        if text.lines().any(|l| l.starts_with("ATTENDEE")) {
            return Err(refuse(
                "an event with attendees cannot be moved here: the server would cancel it for \
                 everyone and invite them again",
            ));
        }
        let name = href
            .as_str()
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_string();
        let at = Href::new(format!("{}/{name}", target.as_str().trim_end_matches('/')));
        // The copy first: should the process die in between, the event is there twice
        // (the server refuses the second UID, and says so), never gone.
        self.with_store(move |s| {
            let mut undo = Undo::default();
            undo.note(s, to, &at)?;
            undo.note(s, from, &href)?;
            s.create_local(to, &at, &text)?;
            s.delete_local(from, &href)?;
            Ok(Changed { value: at, undo })
        })
        .await
    }

    /// The pending changes of an account (all: `None`), oldest first.
    ///
    /// # Errors
    /// Store failures.
    pub async fn outbox(&self, account: Option<AccountId>) -> Result<Vec<OutboxEntry>, SyncError> {
        self.with_store(move |s| s.outbox(account)).await
    }

    /// Settles a conflict: keep mine (sent again against the server's copy) or theirs.
    ///
    /// # Errors
    /// [`almanac_store::StoreError::NotFound`] when there is no such conflict.
    pub async fn resolve_conflict(&self, id: i64, keep_mine: bool) -> Result<(), SyncError> {
        self.with_store(move |s| s.resolve_conflict(id, keep_mine).map(|_| ()))
            .await
    }

    async fn writable(&self, calendar: CalendarId) -> Result<(), SyncError> {
        let found = self.with_store(move |s| s.calendar(calendar)).await?;
        if found.read_only {
            return Err(SyncError::ReadOnly {
                calendar: found.name,
            });
        }
        Ok(())
    }
}

/// Stores a scoped edit: the split-off series first (so it is pushed first), then the edited
/// or deleted original. An edit that changes nothing stores nothing. Returns the split-off
/// series' path, if any, with what the edit replaced.
fn store_edit(
    s: &mut Store,
    calendar: CalendarId,
    href: &Href,
    raw: &str,
    edit: ScopedEdit,
) -> Result<Changed<Option<Href>>, StoreError> {
    let mut undo = Undo::default();
    let created = match edit.new_resource {
        Some(new) => {
            let collection = s.calendar(calendar)?.href;
            let path = Href::new(format!(
                "{}/{}.ics",
                collection.as_str().trim_end_matches('/'),
                new.uid.as_str()
            ));
            undo.note(s, calendar, &path)?;
            s.create_local(calendar, &path, &new.text)?;
            Some(path)
        }
        None => None,
    };
    match edit.resource {
        ResourceWrite::Put(text) if text == raw => {}
        ResourceWrite::Put(text) => {
            undo.note(s, calendar, href)?;
            s.modify_local(calendar, href, &text)?;
        }
        ResourceWrite::Delete => {
            undo.note(s, calendar, href)?;
            s.delete_local(calendar, href)?;
        }
    }
    Ok(Changed {
        value: created,
        undo,
    })
}
