//! The push: the outbox sent to the server before every pull, each change with a precondition
//! (`If-None-Match: *` to create, `If-Match` to update or delete), so a write never overwrites
//! what someone else changed meanwhile and a lost answer never makes a second copy.
//!
//! [`plan_push`] decides from the outbox alone (pure, each rule tested); the executor sends and
//! records each answer, [`WRITES_AT_ONCE`] in flight, every deletion answered before the first
//! creation or update goes out. One change the server refuses never blocks the others: its reason
//! is kept on the event and it is sent again at the next sync. A 412 fetches the server's copy: a
//! creation that finds its own UID there was ours (a lost answer) and is adopted; an edit merges
//! three-way against its base when the two sides changed different properties, and otherwise
//! becomes a conflict the user settles, with the server's copy shown meanwhile; a deletion against
//! a copy edited elsewhere keeps the server's copy (nothing the user did not see is deleted).

use crate::engine::{Cancel, Engine, Failure};
use crate::events::SyncReport;
use almanac_caldav::{CaldavClient, CaldavError, FetchedResource};
use almanac_core::{AccountId, Etag};
use almanac_ical::Merge;
use almanac_store::{LocalChange, OutboxEntry};
use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;

/// More deletions than this in one push wait for the user's confirmation (`--yes` on the CLI):
/// a bug or a mistaken bulk action must not empty someone's calendar on the server.
pub const MASS_DELETE: usize = 20;

/// Writes one push keeps in flight: a far server answers them side by side, so an import of a
/// thousand events costs a few hundred round trips instead of a thousand, while a server that
/// stores each write under a lock (Radicale) is never asked for more than a handful at once.
pub const WRITES_AT_ONCE: usize = 6;

/// One request of the push, as data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PushAction {
    /// `DELETE` with `If-Match: base_etag`.
    Delete(OutboxEntry),
    /// `PUT` with `If-None-Match: *`.
    Create(OutboxEntry),
    /// `PUT` with `If-Match: base_etag`.
    Update(OutboxEntry),
}

/// The push plan: what to send, in order, and what waits.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PushPlan {
    /// Requests, deletions first (they free UIDs a re-creation elsewhere may need).
    pub actions: Vec<PushAction>,
    /// Deletions held until the user confirms (more than [`MASS_DELETE`]).
    pub unconfirmed_deletions: usize,
}

/// Decides what the push sends.
///
/// | outbox | decision |
/// |---|---|
/// | created | `Create` |
/// | modified | `Update` against the base etag |
/// | deleted | `Delete` against the base etag, unless more than [`MASS_DELETE`] and unconfirmed |
/// | conflict | nothing: the user chooses first |
pub fn plan_push(outbox: Vec<OutboxEntry>, deletions_confirmed: bool) -> PushPlan {
    let deletions = outbox
        .iter()
        .filter(|e| e.change == LocalChange::Deleted)
        .count();
    let hold_deletions = deletions > MASS_DELETE && !deletions_confirmed;
    let mut plan = PushPlan {
        unconfirmed_deletions: if hold_deletions { deletions } else { 0 },
        ..PushPlan::default()
    };
    let mut writes = Vec::new();
    for entry in outbox {
        match entry.change {
            LocalChange::Deleted if hold_deletions => {}
            LocalChange::Deleted => plan.actions.push(PushAction::Delete(entry)),
            LocalChange::Created => writes.push(PushAction::Create(entry)),
            LocalChange::Modified => writes.push(PushAction::Update(entry)),
            LocalChange::Conflict => {}
        }
    }
    plan.actions.extend(writes);
    plan
}

/// Whether a write's failure is the server refusing this change (kept with its reason, the
/// others go on) rather than trouble reaching the server (the push stops; the next sync
/// retries).
fn refused(e: &CaldavError) -> bool {
    matches!(
        e,
        CaldavError::Forbidden { .. }
            | CaldavError::Server {
                status: 400..=499,
                ..
            }
            | CaldavError::Protocol { .. }
            | CaldavError::TooLarge { .. }
    )
}

impl Engine {
    /// Sends the account's outbox: the deletions, then (once every deletion is answered, so
    /// that a moved event's UID is free on the server before its copy is created elsewhere)
    /// the creations and updates. Stops at a failure that stops the run (a refused password, a
    /// Retry-After, the network): nothing more is sent, the answers of what is in flight are
    /// recorded, and the rest stays in the outbox. Each other failure is that change's.
    pub(crate) async fn push(
        &self,
        account: AccountId,
        client: &CaldavClient,
        deletions_confirmed: bool,
        cancel: &Cancel,
        report: &mut SyncReport,
    ) -> Result<(), Failure> {
        let outbox = self.with_store(move |s| s.outbox(Some(account))).await?;
        let plan = plan_push(outbox, deletions_confirmed);
        report.unconfirmed_deletions = plan.unconfirmed_deletions;
        let (deletions, writes): (Vec<_>, Vec<_>) = plan
            .actions
            .into_iter()
            .partition(|a| matches!(a, PushAction::Delete(_)));
        self.send_pipelined(client, deletions, cancel, report)
            .await?;
        self.send_pipelined(client, writes, cancel, report).await?;
        let conflicts = self
            .with_store(move |s| {
                Ok(s.outbox(Some(account))?
                    .iter()
                    .filter(|e| e.change == LocalChange::Conflict)
                    .count())
            })
            .await?;
        report.conflicts = conflicts;
        Ok(())
    }

    /// Sends `actions`, [`WRITES_AT_ONCE`] in flight, recording each answer as it comes. After
    /// a failure that stops the run nothing new is sent; the others in flight are answered and
    /// recorded, then that failure is returned. A cancel drops them at once (each recorded
    /// answer is its own transaction, and an unrecorded one is adopted by the next push).
    async fn send_pipelined(
        &self,
        client: &CaldavClient,
        actions: Vec<PushAction>,
        cancel: &Cancel,
        report: &mut SyncReport,
    ) -> Result<(), Failure> {
        let mut waiting = actions.into_iter();
        let mut in_flight = FuturesUnordered::new();
        let mut stopped = None;
        loop {
            while stopped.is_none() && in_flight.len() < WRITES_AT_ONCE {
                let Some(action) = waiting.next() else {
                    break;
                };
                cancel.check()?;
                in_flight.push(async move {
                    let sent = self.send_change(client, &action).await;
                    (action, sent)
                });
            }
            let next = tokio::select! {
                next = in_flight.next() => next,
                cancelled = cancel.cancelled() => return Err(cancelled.into()),
            };
            let Some((action, sent)) = next else {
                break;
            };
            if let Err(e) = self.record(action, sent, report).await {
                stopped.get_or_insert(e);
            }
        }
        stopped.map_or(Ok(()), Err)
    }

    /// Counts one change's answer, or keeps the server's refusal with the change. A failure
    /// that is not this change's (see [`refused`]) is returned: it stops the push.
    async fn record(
        &self,
        action: PushAction,
        sent: Result<Sent, Failure>,
        report: &mut SyncReport,
    ) -> Result<(), Failure> {
        match sent {
            Ok(Sent::Accepted) => report.pushed += 1,
            // Counted with the conflicts afterwards, or settled in the server's favour.
            Ok(Sent::Conflict | Sent::ServerKept) => {}
            Err(Failure::Caldav(e)) if refused(&e) => {
                let (PushAction::Delete(entry)
                | PushAction::Create(entry)
                | PushAction::Update(entry)) = action;
                tracing::warn!(href = %entry.href, error = %e, "the server refused a change; kept");
                report.push_refused += 1;
                let reason = e.to_string();
                self.with_store(move |s| s.push_refused(&entry, &reason))
                    .await?;
            }
            Err(e) => return Err(e),
        }
        Ok(())
    }

    async fn send_change(
        &self,
        client: &CaldavClient,
        action: &PushAction,
    ) -> Result<Sent, Failure> {
        match action {
            PushAction::Delete(entry) => {
                let etag = entry.base_etag.clone().unwrap_or_else(|| Etag::new(""));
                match client.delete(&entry.href, &etag).await {
                    Ok(()) | Err(CaldavError::NotFound { .. }) => {
                        let entry = entry.clone();
                        self.with_store(move |s| s.deleted_on_server(&entry))
                            .await?;
                        Ok(Sent::Accepted)
                    }
                    // Edited elsewhere since the user saw it: the server's copy stays, here too.
                    Err(CaldavError::PreconditionFailed { .. }) => {
                        let theirs = self.fetch(client, entry).await?;
                        let entry = entry.clone();
                        self.with_store(move |s| match theirs {
                            Some(t) => s.pushed(&entry, &etag_of(&t), Some(&t.data)),
                            None => s.deleted_on_server(&entry),
                        })
                        .await?;
                        Ok(Sent::ServerKept)
                    }
                    Err(e) => Err(e.into()),
                }
            }
            PushAction::Create(entry) => {
                let ics = entry.local_ics.clone().unwrap_or_default();
                match client.put_create(&entry.href, &ics).await {
                    Ok(etag) => self.acknowledge(client, entry, etag).await,
                    // Taken: our own earlier upload whose answer was lost (same UID: adopt it),
                    // or somebody else's (refused, kept).
                    Err(e @ CaldavError::PreconditionFailed { .. }) => {
                        match self.fetch(client, entry).await? {
                            Some(theirs) if same_uid(&theirs.data, &ics) => {
                                let entry = entry.clone();
                                self.with_store(move |s| {
                                    s.pushed(&entry, &etag_of(&theirs), Some(&theirs.data))
                                })
                                .await?;
                                Ok(Sent::Accepted)
                            }
                            _ => Err(Failure::Caldav(CaldavError::Forbidden {
                                url: e.to_string(),
                                status: 412,
                            })),
                        }
                    }
                    Err(e) => Err(e.into()),
                }
            }
            PushAction::Update(entry) => {
                let ics = entry.local_ics.clone().unwrap_or_default();
                let etag = entry.base_etag.clone().unwrap_or_else(|| Etag::new(""));
                match client.put_update(&entry.href, &etag, &ics).await {
                    Ok(etag) => self.acknowledge(client, entry, etag).await,
                    Err(CaldavError::PreconditionFailed { .. } | CaldavError::NotFound { .. }) => {
                        let theirs = self.fetch(client, entry).await?;
                        // Changes to different properties merge (three-way, against the base)
                        // and go again, once, against the server's current etag.
                        let merged = match (&theirs, &entry.base_ics) {
                            (Some(t), Some(base)) => match almanac_ical::merge(base, &ics, &t.data)
                            {
                                Merge::Clean(text) => Some((etag_of(t), text)),
                                Merge::Conflict(_) => None,
                            },
                            _ => None,
                        };
                        if let Some((their_etag, text)) = merged
                            && let Ok(etag) =
                                client.put_update(&entry.href, &their_etag, &text).await
                        {
                            let mut merged_entry = entry.clone();
                            merged_entry.local_ics = Some(text);
                            return self.acknowledge(client, &merged_entry, etag).await;
                        }
                        let entry = entry.clone();
                        self.with_store(move |s| match &theirs {
                            Some(t) => s.record_conflict(
                                &entry,
                                Some((&etag_of(t), &t.data)),
                                "edited on the server",
                            ),
                            None => s.record_conflict(&entry, None, "deleted on the server"),
                        })
                        .await?;
                        Ok(Sent::Conflict)
                    }
                    Err(e) => Err(e.into()),
                }
            }
        }
    }

    /// A 2xx: stored with the etag the server sent, or, when it sent none (it rewrote the data,
    /// as iCloud does), with the copy and etag fetched right after.
    async fn acknowledge(
        &self,
        client: &CaldavClient,
        entry: &OutboxEntry,
        etag: Option<Etag>,
    ) -> Result<Sent, Failure> {
        let (etag, server) = match etag {
            Some(etag) => (etag, None),
            None => match self.fetch(client, entry).await? {
                Some(copy) => (etag_of(&copy), Some(copy.data)),
                // Not visible yet (iCloud's eventual consistency): the next pull brings it.
                None => (Etag::new(""), None),
            },
        };
        let entry = entry.clone();
        self.with_store(move |s| s.pushed(&entry, &etag, server.as_deref()))
            .await?;
        Ok(Sent::Accepted)
    }

    /// The server's current copy of the entry's resource, if it has one.
    async fn fetch(
        &self,
        client: &CaldavClient,
        entry: &OutboxEntry,
    ) -> Result<Option<FetchedResource>, Failure> {
        let calendar = entry.calendar;
        let collection = self
            .with_store(move |s| Ok(s.calendar(calendar)?.href))
            .await?;
        let got = client
            .multiget_batch(&collection, std::slice::from_ref(&entry.href))
            .await?;
        Ok(got.found.into_iter().next())
    }
}

/// What became of one change.
enum Sent {
    /// The server has it.
    Accepted,
    /// The server's copy changed too: the user chooses.
    Conflict,
    /// A deletion met a copy edited elsewhere: the server's copy stays, here too.
    ServerKept,
}

fn etag_of(copy: &FetchedResource) -> Etag {
    copy.etag.clone().unwrap_or_else(|| Etag::new(""))
}

/// Whether two texts carry the same first UID.
fn same_uid(a: &str, b: &str) -> bool {
    let uid = |t: &str| {
        t.lines()
            .find_map(|l| l.strip_prefix("UID:"))
            .map(str::trim)
            .map(str::to_string)
    };
    uid(a).is_some() && uid(a) == uid(b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use almanac_core::{CalendarId, Href};

    fn entry(id: i64, change: LocalChange) -> OutboxEntry {
        OutboxEntry {
            id,
            calendar: CalendarId(1),
            href: Href::new(format!("/cal/{id}.ics")),
            change,
            base_etag: (change != LocalChange::Created).then(|| Etag::new("\"1\"")),
            base_ics: None,
            local_ics: Some("BEGIN:VCALENDAR".into()),
            local_rev: 1,
            last_error: None,
            conflict: None,
        }
    }

    #[test]
    fn deletions_go_first_and_conflicts_wait_for_the_user() {
        let plan = plan_push(
            vec![
                entry(1, LocalChange::Created),
                entry(2, LocalChange::Conflict),
                entry(3, LocalChange::Deleted),
                entry(4, LocalChange::Modified),
            ],
            false,
        );
        let kinds: Vec<_> = plan
            .actions
            .iter()
            .map(|a| match a {
                PushAction::Delete(e) => ("delete", e.id),
                PushAction::Create(e) => ("create", e.id),
                PushAction::Update(e) => ("update", e.id),
            })
            .collect();
        assert_eq!(kinds, [("delete", 3), ("create", 1), ("update", 4)]);
        assert_eq!(plan.unconfirmed_deletions, 0);
    }

    #[test]
    fn more_than_twenty_deletions_wait_for_confirmation() {
        let many: Vec<_> = (0..21).map(|i| entry(i, LocalChange::Deleted)).collect();
        let held = plan_push(many.clone(), false);
        assert!(held.actions.is_empty());
        assert_eq!(held.unconfirmed_deletions, 21);
        assert_eq!(plan_push(many, true).actions.len(), 21);
        let twenty: Vec<_> = (0..20).map(|i| entry(i, LocalChange::Deleted)).collect();
        assert_eq!(plan_push(twenty, false).actions.len(), 20);
    }

    #[test]
    fn only_a_refusal_of_the_change_is_kept_as_that_changes_problem() {
        let url = || "https://x/".to_string();
        assert!(refused(&CaldavError::Forbidden {
            url: url(),
            status: 403
        }));
        assert!(refused(&CaldavError::Server {
            url: url(),
            status: 415
        }));
        assert!(!refused(&CaldavError::Server {
            url: url(),
            status: 500
        }));
        assert!(!refused(&CaldavError::Timeout { url: url() }));
        assert!(!refused(&CaldavError::Unauthorized { url: url() }));
    }

    #[test]
    fn the_same_uid_means_our_own_upload() {
        assert!(same_uid("UID:a\r\nX", "BEGIN\r\nUID:a\r\n"));
        assert!(!same_uid("UID:a\r\n", "UID:b\r\n"));
        assert!(!same_uid("", ""));
    }
}
