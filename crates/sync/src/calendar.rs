//! Syncing one calendar: learn what changed (sync-collection from the stored token, a full
//! listing when the token is refused), plan it with [`crate::plan::plan_resources`] plus the
//! members earlier syncs did not get, fetch in multiget batches ([`MULTIGETS_AT_ONCE`] in
//! flight, sized by [`Batching`] from the server's answers) and apply each batch in one store
//! transaction as it arrives; deletions and the token come last.

use crate::engine::{Cancel, Engine, Failure};
use crate::error::SyncError;
use crate::events::{SyncEvent, SyncReport};
use crate::plan::{FetchMode, RemoteChanges, plan_resources, with_pending};
use almanac_caldav::{CaldavClient, CaldavError, RemoteCalendar};
use almanac_core::{AccountId, CalendarId, Etag, Href};
use almanac_store::{Batch, ResourceUpsert};
use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use std::collections::{HashMap, HashSet, VecDeque};
use std::time::Duration;

/// Multigets one calendar keeps in flight: a far server answers them side by side, so a
/// calendar of thousands of events costs a few round trips, not one per batch.
pub(crate) const MULTIGETS_AT_ONCE: usize = 4;

/// The multiget batch size, chosen from the listing and then from what the server answers: the
/// first batches split the calendar's fetch over [`MULTIGETS_AT_ONCE`] requests (never below
/// the measured default, [`almanac_caldav::DEFAULT_BATCH`], nor above [`Batching::MAX`]), so
/// that a calendar of up to 4,000 events is asked for in one round trip; then the size doubles
/// while answers come back quickly and halves on an answer too large or too slow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Batching {
    size: usize,
}

impl Batching {
    /// The first size for a calendar with `total` members to fetch.
    fn for_total(total: usize) -> Self {
        Batching {
            size: total
                .div_ceil(MULTIGETS_AT_ONCE)
                .clamp(almanac_caldav::DEFAULT_BATCH, Self::MAX),
        }
    }

    /// The largest batch: past it, one failed request costs too much to fetch again.
    const MAX: usize = 1000;
    /// An answer quicker than this lets the batches grow.
    const QUICK: Duration = Duration::from_secs(2);

    fn next(&self) -> usize {
        self.size
    }

    /// A full batch of `asked` came back after `took`.
    fn answered(&mut self, asked: usize, took: Duration) {
        if asked >= self.size && took < Self::QUICK {
            self.size = (self.size * 2).min(Self::MAX);
        }
    }

    /// A batch of `asked` was too large or too slow.
    fn shrink(&mut self, asked: usize) {
        self.size = (asked / 2).max(1).min(self.size);
    }
}

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
        let mut todo: VecDeque<Href> = plan.fetch.into_iter().collect();
        let mut size = Batching::for_total(total);
        let mut in_flight = FuturesUnordered::new();
        loop {
            while in_flight.len() < MULTIGETS_AT_ONCE && !todo.is_empty() {
                cancel.check()?;
                let batch: Vec<Href> = todo.drain(..size.next().min(todo.len())).collect();
                let href = &href;
                in_flight.push(async move {
                    let asked = tokio::time::Instant::now();
                    let answer = client.multiget_answer(href, &batch).await;
                    let took = asked.elapsed();
                    // Reading a large answer is CPU work: off the async threads, so the window
                    // and the other accounts do not stall.
                    let (batch, got) = match answer {
                        Ok(answer) => tokio::task::spawn_blocking(move || {
                            let got = almanac_caldav::read_multiget(&batch, &answer);
                            (batch, got)
                        })
                        .await
                        .map_err(|_| SyncError::Cancelled)?,
                        Err(e) => (batch, Err(e)),
                    };
                    Ok::<_, SyncError>((batch, got, took))
                });
            }
            let next = tokio::select! {
                next = in_flight.next() => next,
                cancelled = cancel.cancelled() => return Err(cancelled.into()),
            };
            let Some(done) = next else {
                break;
            };
            let (batch, got, took) = done?;
            let got = match got {
                Ok(got) => {
                    size.answered(batch.len(), took);
                    got
                }
                // Too large (for our bound, or for the server's: 413, 507), or too slow for the
                // timeout: ask for it again in smaller batches.
                Err(
                    CaldavError::TooLarge { .. }
                    | CaldavError::Timeout { .. }
                    | CaldavError::Server {
                        status: 413 | 507, ..
                    },
                ) if batch.len() > 1 => {
                    size.shrink(batch.len());
                    batch.into_iter().rev().for_each(|h| todo.push_front(h));
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
            } => match client.sync_collection(href, None).await {
                Ok(delta) => Ok((
                    RemoteChanges::Complete {
                        members: delta.changed,
                    },
                    Some(delta.token),
                )),
                // Tried without knowing (an account's first listing asks for no tokens): a
                // server without sync-collection refuses the report, and its calendar is
                // listed by etag instead.
                Err(e) if report_refused(&e) => {
                    tracing::info!(calendar = %href, error = %e, "sync-collection refused; listing by etag");
                    Box::pin(self.changes(
                        client,
                        href,
                        FetchMode::Full {
                            server_has_tokens: false,
                        },
                    ))
                    .await
                }
                Err(e) => Err(e.into()),
            },
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

/// Whether a sync-collection's failure may mean that the server does not offer the report
/// (RFC 3253's `supported-report` precondition is a 403; servers also answer 400, 405, 415 or
/// 501). An etag listing tells.
fn report_refused(e: &CaldavError) -> bool {
    match e {
        CaldavError::Forbidden { .. } => true,
        CaldavError::Server { status, .. } => matches!(status, 400 | 405 | 415 | 501),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_report_is_told_from_other_failures() {
        let url = || "https://x/cal/".to_string();
        for status in [400, 405, 415, 501] {
            assert!(report_refused(&CaldavError::Server { url: url(), status }));
        }
        assert!(report_refused(&CaldavError::Forbidden {
            url: url(),
            status: 403
        }));
        assert!(!report_refused(&CaldavError::Server {
            url: url(),
            status: 500
        }));
        assert!(!report_refused(&CaldavError::Timeout { url: url() }));
        assert!(!report_refused(&CaldavError::Unauthorized { url: url() }));
    }

    #[test]
    fn the_first_batches_ask_for_a_whole_calendar_of_up_to_4000_at_once() {
        let first = |total| Batching::for_total(total).next();
        assert_eq!(first(4000), 1000);
        assert_eq!(4000_usize.div_ceil(first(4000)), MULTIGETS_AT_ONCE);
        assert_eq!(first(2000), 500);
        assert_eq!(
            first(900),
            almanac_caldav::DEFAULT_BATCH,
            "no more requests than before"
        );
        assert_eq!(first(3), almanac_caldav::DEFAULT_BATCH);
        assert_eq!(first(40_000), Batching::MAX);
    }

    #[test]
    fn batches_grow_while_answers_are_quick_and_halve_when_too_large_or_slow() {
        let mut b = Batching::for_total(0);
        b.answered(250, Duration::from_millis(300));
        assert_eq!(b.next(), 500);
        b.answered(120, Duration::from_millis(10));
        assert_eq!(b.next(), 500, "a short last batch says nothing about size");
        b.answered(500, Duration::from_secs(5));
        assert_eq!(b.next(), 500, "a slow answer does not grow it");
        b.answered(500, Duration::from_millis(10));
        b.answered(1000, Duration::from_millis(10));
        assert_eq!(b.next(), Batching::MAX);
        b.shrink(1000);
        assert_eq!(b.next(), 500);
        b.shrink(3);
        assert_eq!(b.next(), 1);
        b.shrink(1);
        assert_eq!(b.next(), 1);
    }
}
