//! Undo: every change made through [`crate::Engine`]'s editing records what it replaced, the
//! local text of each resource it touched (or that there was none), read in the same store
//! transaction as the write. [`Engine::undo`] puts those texts back through the outbox
//! ([`almanac_store::Store::set_local`]): a change the server never saw disappears from the
//! outbox without a request; one it has is reverted by one conditional write per resource (a
//! `PUT` with `If-Match`, a `DELETE` of a created event, or a creation again when the server
//! deleted it). Putting back is a change too, so an undo can be undone (redo).
//!
//! The front end keeps the last few [`Undo`]s under tokens in an [`UndoLog`].

use crate::engine::Engine;
use crate::error::SyncError;
use almanac_core::{CalendarId, Href};
use almanac_store::{Store, StoreError};
use std::collections::VecDeque;

/// What one change replaced: per resource, in the order they were written, its local text
/// before (`None`: no event there).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Undo {
    steps: Vec<(CalendarId, Href, Option<String>)>,
}

impl Undo {
    /// Records the local text of a resource the change is about to write, inside the change's
    /// transaction.
    ///
    /// # Errors
    /// Store failures.
    pub(crate) fn note(
        &mut self,
        s: &Store,
        calendar: CalendarId,
        href: &Href,
    ) -> Result<(), StoreError> {
        let text = match s.resource_ics(calendar, href) {
            Ok(text) => Some(text),
            Err(StoreError::NotFound { .. }) => None,
            Err(e) => return Err(e),
        };
        self.steps.push((calendar, href.clone(), text));
        Ok(())
    }

    /// This change and then `later` as one: undone together, `later` first.
    #[must_use]
    pub fn then(mut self, later: Undo) -> Undo {
        self.steps.extend(later.steps);
        self
    }

    /// The resources the change touched, in the order it wrote them.
    pub fn resources(&self) -> impl Iterator<Item = (CalendarId, &Href)> {
        self.steps.iter().map(|(c, h, _)| (*c, h))
    }
}

/// A change's result with what it replaced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Changed<T> {
    /// What the change returns (where the event now is).
    pub value: T,
    /// What it replaced, for [`Engine::undo`].
    pub undo: Undo,
}

impl<T> Changed<T> {
    /// The same change with another value.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Changed<U> {
        Changed {
            value: f(self.value),
            undo: self.undo,
        }
    }
}

/// The last changes' [`Undo`]s under numeric tokens, each with what the front end needs to
/// say about it (`T`), for a front end that hands a token to the user interface; older ones
/// fall off.
#[derive(Debug)]
pub struct UndoLog<T> {
    next: u32,
    kept: VecDeque<(u32, Undo, T)>,
}

impl<T> Default for UndoLog<T> {
    fn default() -> Self {
        UndoLog {
            next: 0,
            kept: VecDeque::new(),
        }
    }
}

/// How many changes an [`UndoLog`] keeps undoable.
pub const UNDO_KEPT: usize = 20;

impl<T> UndoLog<T> {
    /// Keeps `undo` with `about` and returns its token.
    pub fn keep(&mut self, undo: Undo, about: T) -> u32 {
        self.next = self.next.wrapping_add(1);
        if self.kept.len() == UNDO_KEPT {
            self.kept.pop_front();
        }
        self.kept.push_back((self.next, undo, about));
        self.next
    }

    /// The undo under `token`, taken out (an undo happens once); `None` when it is unknown or
    /// fell off.
    pub fn take(&mut self, token: u32) -> Option<(Undo, T)> {
        let at = self.kept.iter().position(|(t, ..)| *t == token)?;
        self.kept.remove(at).map(|(_, undo, about)| (undo, about))
    }
}

impl Engine {
    /// Puts back what a change replaced, through the outbox, newest write first; returns what
    /// this put back in turn (to redo). Read-only calendars are not checked again: the change
    /// being undone was allowed.
    ///
    /// # Errors
    /// [`almanac_store::StoreError::Conflict`] when a touched event has a conflict to settle
    /// first (nothing is put back then); store failures.
    pub async fn undo(&self, undo: Undo) -> Result<Changed<()>, SyncError> {
        self.with_store(move |s| {
            for (calendar, href, _) in &undo.steps {
                if s.outbox(None)?.iter().any(|e| {
                    e.calendar == *calendar
                        && e.href == *href
                        && e.change == almanac_store::LocalChange::Conflict
                }) {
                    return Err(StoreError::Conflict {
                        what: "event with an unresolved conflict",
                    });
                }
            }
            let mut redo = Undo::default();
            for (calendar, href, text) in undo.steps.iter().rev() {
                redo.note(s, *calendar, href)?;
                s.set_local(*calendar, href, text.as_deref())?;
            }
            Ok(Changed {
                value: (),
                undo: redo,
            })
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log_keeps_the_last_changes_and_each_undo_once() {
        let mut log = UndoLog::default();
        let first = log.keep(Undo::default(), 0);
        let tokens: Vec<u32> = (1..=UNDO_KEPT)
            .map(|n| log.keep(Undo::default(), n))
            .collect();
        assert_eq!(log.take(first), None, "fell off");
        let last = *tokens.last().unwrap();
        assert_eq!(log.take(last).map(|(_, n)| n), Some(UNDO_KEPT));
        assert_eq!(log.take(last), None, "taken once");
        assert!(log.take(tokens[0]).is_some());
    }
}
