//! Syncing one calendar: learn what changed (sync-collection from the stored token, a full
//! listing when the token is gone), plan it with [`crate::plan::plan_resources`], fetch in
//! multiget batches and apply each batch in one store transaction, the token with the last.

use crate::engine::{Cancel, Engine, Failure, locked};
use crate::events::{SyncEvent, SyncReport};
use crate::plan::{FetchMode, RemoteChanges, plan_resources};
use almanac_caldav::{CaldavClient, CaldavError, RemoteCalendar};
use almanac_core::{AccountId, CalendarId, Etag, Href};
use almanac_store::{Batch, ResourceUpsert};
use std::collections::HashMap;

impl Engine {
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
        let (changes, token) = match self.changes(client, calendar, &href, mode).await {
            Ok(found) => found,
            Err(Failure::Caldav(
                e @ (CaldavError::Forbidden { .. } | CaldavError::NotFound { .. }),
            )) => {
                report.calendar_errors.push((href, e.to_string()));
                return Ok(());
            }
            Err(e) => return Err(e),
        };
        let local = self.with_store(move |s| s.local_etags(calendar)).await?;
        let key = (account, href.clone());
        let confirmed = locked(&self.held).get(&key).cloned().unwrap_or_default();
        let plan = plan_resources(&local, &changes, &confirmed);
        if plan.held_deletions.is_empty() {
            locked(&self.held).remove(&key);
        } else {
            tracing::warn!(calendar = %href, count = plan.held_deletions.len(), "mass deletion held until a second sync agrees");
            report.held_deletions += plan.held_deletions.len();
            locked(&self.held).insert(key, plan.held_deletions.iter().cloned().collect());
        }
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
        let mut missing = 0;
        // At least one batch, even when nothing is fetched: it carries deletions and the token.
        let mut chunks: Vec<&[Href]> = plan.fetch.chunks(almanac_caldav::DEFAULT_BATCH).collect();
        if chunks.is_empty() {
            chunks.push(&[]);
        }
        let last_chunk = chunks.len() - 1;
        let mut deletes = Some(plan.delete);
        for (i, chunk) in chunks.into_iter().enumerate() {
            cancel.check()?;
            let got = if chunk.is_empty() {
                Default::default()
            } else {
                client.multiget_batch(&href, chunk).await?
            };
            missing += got.missing.len() + got.failed.len();
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
            let is_last = i == last_chunk;
            let complete = is_last && missing == 0 && plan.held_deletions.is_empty();
            let batch = Batch {
                upserts,
                deletes: if is_last {
                    deletes.take().unwrap_or_default()
                } else {
                    Vec::new()
                },
                new_sync_token: if complete { token.clone() } else { None },
                new_ctag: if complete { remote.ctag.clone() } else { None },
            };
            let applied = self
                .with_store(move |s| s.apply_batch(calendar, &batch))
                .await?;
            fetched += applied.stored + applied.not_events + applied.quarantined.len();
            report.fetched += applied.stored + applied.not_events;
            report.quarantined += applied.quarantined.len();
            report.deleted += applied.deleted;
            self.emit(SyncEvent::CalendarProgress {
                account,
                calendar: href.clone(),
                fetched,
                total,
            });
        }
        report.missing += missing;
        Ok(())
    }

    async fn changes(
        &self,
        client: &CaldavClient,
        calendar: CalendarId,
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
                Err(CaldavError::InvalidSyncToken { .. }) => {
                    tracing::info!(calendar = %href, "sync token expired; listing the whole calendar, keeping local data");
                    self.with_store(move |s| s.forget_sync_state(calendar))
                        .await?;
                    Box::pin(self.changes(
                        client,
                        calendar,
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
