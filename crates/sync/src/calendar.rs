//! Syncing one calendar: learn what changed (sync-collection from the stored token, a full
//! listing when the token is refused), plan it with [`crate::plan::plan_resources`] plus the
//! members earlier syncs did not get, fetch in multiget batches (halved when an answer is too
//! large) and apply each batch in one store transaction; deletions and the token come last.

use crate::engine::{Cancel, Engine, Failure};
use crate::events::{SyncEvent, SyncReport};
use crate::plan::{FetchMode, RemoteChanges, plan_resources, with_pending};
use almanac_caldav::{CaldavClient, CaldavError, RemoteCalendar};
use almanac_core::{AccountId, CalendarId, Etag, Href};
use almanac_store::{Batch, ResourceUpsert};
use std::collections::{HashMap, HashSet, VecDeque};

impl Engine {
    /// Syncs one calendar. Its failures are returned for the caller to classify: one calendar's
    /// failure is that calendar's, and the run goes on with the others.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn sync_calendar(
        &self,
        account: AccountId,
        client: &CaldavClient,
        calendar: CalendarId,
        remote: &RemoteCalendar,
        mode: FetchMode,
        cancel: &Cancel,
        report: &mut SyncReport,
    ) -> Result<(), Failure> {
        let href = remote.href.clone();
        let (changes, token) = self.changes(client, &href, mode).await?;
        let (local, confirmed, pending) = self
            .with_store(move |s| {
                let pending: Vec<Href> = s
                    .pending_fetches(calendar)?
                    .into_iter()
                    .map(|(h, _)| h)
                    .collect();
                Ok((
                    s.local_etags(calendar)?,
                    s.held_deletions(calendar)?,
                    pending,
                ))
            })
            .await?;
        let confirmed: HashSet<Href> = confirmed.into_iter().collect();
        let plan = with_pending(
            plan_resources(&local, &changes, &confirmed),
            &changes,
            &pending,
        );
        if !plan.held_deletions.is_empty() {
            tracing::warn!(calendar = %href, count = plan.held_deletions.len(), "mass deletion held until a second sync agrees");
            report.held_deletions += plan.held_deletions.len();
        }
        let held = plan.held_deletions.clone();
        self.with_store(move |s| s.set_held_deletions(calendar, &held))
            .await?;
        let listed_etags: HashMap<Href, Etag> = match &changes {
            RemoteChanges::Delta { changed, .. } | RemoteChanges::Complete { members: changed } => {
                changed
                    .iter()
                    .filter_map(|(h, e)| e.clone().map(|e| (h.clone(), e)))
                    .collect()
            }
        };
        let total = plan.fetch.len();
        let mut fetched = 0;
        let mut batches: VecDeque<Vec<Href>> = plan
            .fetch
            .chunks(almanac_caldav::DEFAULT_BATCH)
            .map(<[Href]>::to_vec)
            .collect();
        while let Some(batch) = batches.pop_front() {
            cancel.check()?;
            let got = match client.multiget_batch(&href, &batch).await {
                Ok(got) => got,
                // An answer over the size bound: ask for half as much, twice.
                Err(CaldavError::TooLarge { .. }) if batch.len() > 1 => {
                    let (first, second) = batch.split_at(batch.len() / 2);
                    batches.push_front(second.to_vec());
                    batches.push_front(first.to_vec());
                    continue;
                }
                Err(e) => return Err(e.into()),
            };
            let undelivered: Vec<Href> = got.undelivered().cloned().collect();
            report.missing += undelivered.len();
            let upserts: Vec<ResourceUpsert> = got
                .found
                .into_iter()
                .map(|r| ResourceUpsert {
                    etag: r
                        .etag
                        .or_else(|| listed_etags.get(&r.href).cloned())
                        .unwrap_or_else(|| Etag::new("")),
                    href: r.href,
                    ics: r.data,
                })
                .collect();
            let batch = Batch {
                upserts,
                undelivered,
                ..Batch::default()
            };
            let applied = self
                .with_store(move |s| s.apply_batch(calendar, &batch))
                .await?;
            fetched += applied.stored + applied.not_events + applied.quarantined.len();
            report.fetched += applied.stored + applied.not_events;
            report.quarantined += applied.quarantined.len();
            self.emit(SyncEvent::CalendarProgress {
                account,
                calendar: href.clone(),
                fetched,
                total,
            });
        }
        // The last batch: deletions and the state the data is now complete at. Members not
        // delivered are kept as pending, so the token may move on; held deletions keep it, so
        // the next sync sees them again.
        let complete = plan.held_deletions.is_empty();
        let last = Batch {
            deletes: plan.delete,
            new_sync_token: if complete { token } else { None },
            new_ctag: if complete { remote.ctag.clone() } else { None },
            ..Batch::default()
        };
        let applied = self
            .with_store(move |s| s.apply_batch(calendar, &last))
            .await?;
        report.deleted += applied.deleted;
        Ok(())
    }

    async fn changes(
        &self,
        client: &CaldavClient,
        href: &Href,
        mode: FetchMode,
    ) -> Result<(RemoteChanges, Option<almanac_core::SyncToken>), Failure> {
        match mode {
            FetchMode::Incremental(token) => match client.sync_collection(href, Some(&token)).await
            {
                Ok(delta) => Ok((
                    RemoteChanges::Delta {
                        changed: delta.changed,
                        deleted: delta.deleted,
                    },
                    Some(delta.token),
                )),
                Err(e) if token_may_be_stale(&e) => {
                    // The full listing writes a new token when it completes; until then the
                    // old one stays, so a calendar that is really forbidden loses nothing.
                    tracing::info!(calendar = %href, error = %e, "sync token refused; listing the whole calendar, keeping local data");
                    Box::pin(self.changes(
                        client,
                        href,
                        FetchMode::Full {
                            server_has_tokens: true,
                        },
                    ))
                    .await
                }
                Err(e) => Err(e.into()),
            },
            FetchMode::Full {
                server_has_tokens: true,
            } => {
                let delta = client.sync_collection(href, None).await?;
                Ok((
                    RemoteChanges::Complete {
                        members: delta.changed,
                    },
                    Some(delta.token),
                ))
            }
            FetchMode::Full {
                server_has_tokens: false,
            } => {
                let members = client.list_etags(href).await?;
                Ok((
                    RemoteChanges::Complete {
                        members: members.into_iter().map(|(h, e)| (h, Some(e))).collect(),
                    },
                    None,
                ))
            }
        }
    }
}

/// Whether an incremental sync-collection's failure may only mean that the server no longer
/// accepts our token: the named precondition, or a 400/403/409/410 without a clearer reason
/// (servers answer an expired token with any of these). One full listing tells.
fn token_may_be_stale(e: &CaldavError) -> bool {
    match e {
        CaldavError::InvalidSyncToken { .. } | CaldavError::Forbidden { .. } => true,
        CaldavError::NotFound { status, .. } => *status == 410,
        CaldavError::Server { status, .. } => matches!(status, 400 | 409),
        _ => false,
    }
}
