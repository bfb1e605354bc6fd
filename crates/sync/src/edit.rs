//! The user's changes, local first: each is validated against its calendar, stored with its
//! outbox entry in one transaction, shown by every query at once, and sent by the next sync's
//! push ([`crate::push`]). Nothing here touches the network, so editing works offline and while
//! a password is refused.

use crate::engine::Engine;
use crate::error::SyncError;
use almanac_core::{AccountId, CalendarId, Href};
use almanac_store::OutboxEntry;

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
        let name = name.to_string();
        self.writable(calendar).await?;
        self.with_store(move |s| {
            let collection = s.calendar(calendar)?.href;
            let href = Href::new(format!(
                "{}/{name}.ics",
                collection.as_str().trim_end_matches('/')
            ));
            s.create_local(calendar, &href, &ics)?;
            Ok(href)
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
