//! One run of an account: the home listing, the planner's calendar decisions carried out, and
//! the changed calendars synced concurrently ([`CALENDARS_AT_ONCE`]): on a server 100-300 ms
//! away (iCloud) the critical path is a few round trips, not one per calendar.

use crate::engine::{Cancel, Engine, Failure};
use crate::events::{SyncEvent, SyncReport};
use crate::plan::{CalendarAction, FetchMode, ListingContext, LocalCalendar, plan_calendars};
use crate::policy::Trigger;
use almanac_caldav::{CaldavClient, CaldavError, Markers, RemoteCalendar, Skipped};
use almanac_core::{AccountId, CalendarId, Href};
use almanac_store::{CalendarListing, Store, StoreError};
use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;

use crate::error::SyncError;

/// How many calendars of one account sync at once: an account's usual calendars (iCloud's
/// home, work, family and a few more) all at once, so that a first sync of up to six costs one
/// round of sync-collections and one of multigets on the critical path; few enough to stay
/// polite (each keeps a few multigets in flight, see `calendar::MULTIGETS_AT_ONCE`).
pub const CALENDARS_AT_ONCE: usize = 6;

impl Engine {
    pub(crate) async fn run(
        &self,
        account: AccountId,
        client: &CaldavClient,
        trigger: Trigger,
        cancel: &Cancel,
    ) -> Result<SyncReport, Failure> {
        let markers = self.markers(account).await?;
        let listing = self.listing(account, client, markers).await?;
        // Push, then pull: the user's changes reach the server before its changes are read, so
        // a pull never has to decide about an unsent edit.
        let mut pushed = SyncReport::default();
        let confirmed = trigger == Trigger::UserConfirmingDeletions;
        self.push(account, client, confirmed, cancel, &mut pushed)
            .await?;
        self.listed_subscriptions(account, &listing).await?;
        let local = self.local_calendars(account).await?;
        let context = ListingContext {
            unavailable: listing
                .skipped
                .iter()
                .filter(|(_, why)| *why == Skipped::Unavailable)
                .map(|(href, _)| href.clone())
                .collect(),
            now: self.now(),
        };
        let calendars = listing.calendars;
        let plan = plan_calendars(&local, &calendars, &context);
        let mut report = SyncReport {
            listing_held: !plan.held.is_empty(),
            ..pushed
        };
        let shown = calendars
            .iter()
            .filter(|c| {
                c.components.is_empty()
                    || c.components.contains(&almanac_core::ComponentKind::Vevent)
            })
            .count();
        self.emit(SyncEvent::CalendarsFound {
            account,
            count: shown,
        });
        let mut fetches = Vec::new();
        for action in plan.actions {
            cancel.check()?;
            match action {
                CalendarAction::Add { remote } => {
                    report.calendars_added += 1;
                    // Not asked (an account's first listing): sync-collection is tried, and an
                    // etag listing follows where the server refuses it.
                    let mode = FetchMode::Full {
                        server_has_tokens: remote.sync_token.is_some() || !markers.sync_token,
                    };
                    fetches.push((self.upsert_calendar(account, &remote).await?, remote, mode));
                }
                CalendarAction::Sync { remote, mode } => {
                    fetches.push((self.upsert_calendar(account, &remote).await?, remote, mode));
                }
                CalendarAction::UpdateProperties { remote } => {
                    self.upsert_calendar(account, &remote).await?;
                }
                CalendarAction::Remove { href } => {
                    report.calendars_removed += 1;
                    self.on_calendar(account, href, |s, id| s.remove_calendar(id))
                        .await?;
                }
                CalendarAction::Missing { href } => {
                    report.calendars_missing += 1;
                    let now = context.now;
                    self.on_calendar(account, href, move |s, id| {
                        let since = s.calendar_health(id)?.missing_since.unwrap_or(now);
                        s.set_calendar_missing(id, Some(since))
                    })
                    .await?;
                }
                CalendarAction::Unavailable { href } => {
                    let problem = "The server's calendar list gave this calendar an error; \
                                   it is kept as it was.";
                    report
                        .calendar_errors
                        .push((href.clone(), problem.to_string()));
                    self.on_calendar(account, href, move |s, id| {
                        s.set_calendar_problem(id, Some(problem))
                    })
                    .await?;
                }
                CalendarAction::Relisted { href } => {
                    self.on_calendar(account, href, |s, id| s.set_calendar_missing(id, None))
                        .await?;
                }
            }
        }
        self.sync_calendars(account, client, fetches, cancel, &mut report)
            .await?;
        Ok(report)
    }

    /// Syncs the changed calendars, [`CALENDARS_AT_ONCE`] at a time, so that on a far server
    /// their round trips overlap. One calendar's failure is that calendar's; a failure that
    /// stops the run ([`stops_the_run`]) drops the others in flight, and each keeps the batches
    /// it already stored (every batch is its own transaction).
    ///
    /// A calendar that timed out while others were syncing beside it is tried once more at the
    /// end, alone: a server that answers one request at a time (Radicale) can keep a listing
    /// queued behind the other calendars' multigets past the read timeout, which says nothing
    /// about that calendar (seen on a first sync of 5 × 20,000 events).
    async fn sync_calendars(
        &self,
        account: AccountId,
        client: &CaldavClient,
        fetches: Vec<(CalendarId, RemoteCalendar, FetchMode)>,
        cancel: &Cancel,
        report: &mut SyncReport,
    ) -> Result<(), Failure> {
        let crowded = fetches.len() > 1;
        let again = self
            .sync_some(
                account,
                client,
                fetches,
                CALENDARS_AT_ONCE,
                crowded,
                cancel,
                report,
            )
            .await?;
        for fetch in again {
            tracing::info!(calendar = %fetch.1.href, "timed out beside other calendars; tried again alone");
            self.sync_some(account, client, vec![fetch], 1, false, cancel, report)
                .await?;
        }
        Ok(())
    }

    /// Syncs `fetches`, `at_once` at a time, and records each calendar's problem. With
    /// `retry_timeouts`, a calendar that timed out is returned to be tried again instead.
    #[allow(clippy::too_many_arguments)]
    async fn sync_some(
        &self,
        account: AccountId,
        client: &CaldavClient,
        fetches: Vec<(CalendarId, RemoteCalendar, FetchMode)>,
        at_once: usize,
        retry_timeouts: bool,
        cancel: &Cancel,
        report: &mut SyncReport,
    ) -> Result<Vec<(CalendarId, RemoteCalendar, FetchMode)>, Failure> {
        let mut waiting = fetches.into_iter();
        let mut running = FuturesUnordered::new();
        let mut again = Vec::new();
        loop {
            while running.len() < at_once {
                let Some((id, remote, mode)) = waiting.next() else {
                    break;
                };
                running.push(async move {
                    let mut own = SyncReport::default();
                    let result = self
                        .sync_calendar(account, client, id, &remote, mode.clone(), cancel, &mut own)
                        .await;
                    (id, remote, mode, own, result)
                });
            }
            let next = tokio::select! {
                next = running.next() => next,
                cancelled = cancel.cancelled() => return Err(cancelled.into()),
            };
            let Some((id, remote, mode, own, result)) = next else {
                return Ok(again);
            };
            report.merge(own);
            let problem = match result {
                Ok(()) => None,
                Err(Failure::Caldav(CaldavError::Timeout { .. })) if retry_timeouts => {
                    again.push((id, remote, mode));
                    continue;
                }
                Err(Failure::Caldav(e)) if !stops_the_run(&e) => {
                    tracing::warn!(calendar = %remote.href, error = %e, "one calendar failed; the others go on");
                    report.calendar_errors.push((remote.href, e.to_string()));
                    Some(calendar_problem(&e))
                }
                Err(e) => return Err(e),
            };
            self.with_store(move |s| s.set_calendar_problem(id, problem.as_deref()))
                .await?;
        }
    }

    /// The change markers the account's listing asks for ([`Markers`]): none before its first
    /// sync (every calendar is new, and its sync-collection brings a token), the sync token
    /// after that, and the ctag too while an event calendar has no token (a server without
    /// sync-collection, whose calendars are compared by ctag).
    async fn markers(&self, account: AccountId) -> Result<Markers, SyncError> {
        self.with_store(move |s| {
            let synced: Vec<_> = s
                .calendars(account)?
                .into_iter()
                .filter(|c| {
                    c.feed_url.is_none()
                        && (c.components.is_empty()
                            || c.components.contains(&almanac_core::ComponentKind::Vevent))
                })
                .collect();
            Ok(Markers {
                sync_token: !synced.is_empty(),
                ctag: synced.iter().any(|c| c.sync_token.is_none()),
            })
        })
        .await
    }

    /// Runs `f` on the account's calendar at `href`, if it is still there.
    async fn on_calendar<F>(&self, account: AccountId, href: Href, f: F) -> Result<(), SyncError>
    where
        F: FnOnce(&mut Store, CalendarId) -> Result<(), StoreError> + Send + 'static,
    {
        self.with_store(
            move |s| match s.calendars(account)?.into_iter().find(|c| c.href == href) {
                Some(c) => f(s, c.id),
                None => Ok(()),
            },
        )
        .await
    }

    async fn local_calendars(&self, account: AccountId) -> Result<Vec<LocalCalendar>, SyncError> {
        self.with_store(move |s| {
            s.calendars(account)?
                .into_iter()
                .map(|c| {
                    let health = s.calendar_health(c.id)?;
                    Ok(LocalCalendar {
                        ctag: s.ctag(c.id)?,
                        href: c.href,
                        sync_token: c.sync_token,
                        name: c.name,
                        color: c.color,
                        order: c.order,
                        read_only: c.read_only,
                        missing_since: health.missing_since,
                        needs_sync: health.pending > 0 || health.problem.is_some(),
                    })
                })
                .collect()
        })
        .await
    }

    async fn upsert_calendar(
        &self,
        account: AccountId,
        remote: &RemoteCalendar,
    ) -> Result<CalendarId, SyncError> {
        let listing = CalendarListing {
            href: remote.href.clone(),
            name: remote
                .name
                .clone()
                .unwrap_or_else(|| remote.href.to_string()),
            color: remote.color.clone(),
            order: remote.order,
            components: remote.components.clone(),
            read_only: remote.read_only,
        };
        self.with_store(move |s| s.upsert_calendar(account, &listing))
            .await
    }
}

/// Whether a failure during one calendar's sync ends the whole run: a refused password (the
/// revocation policy decides), a server asking the host to wait (Retry-After applies to every
/// request), and a server that cannot be reached at all. Everything else is that calendar's.
fn stops_the_run(e: &CaldavError) -> bool {
    matches!(
        e,
        CaldavError::Unauthorized { .. }
            | CaldavError::RateLimited { .. }
            | CaldavError::Offline { .. }
    )
}

/// A calendar's failure in words for the sidebar, the problems view and `almanac status`.
fn calendar_problem(e: &CaldavError) -> String {
    match e {
        CaldavError::Forbidden { .. } => "The server does not let this account read this calendar (403).".into(),
        CaldavError::NotFound { .. } => "The server no longer finds this calendar (404).".into(),
        CaldavError::Server { status, .. } => format!("The server failed while syncing this calendar ({status}); it is tried again at the next sync."),
        CaldavError::Timeout { .. } => "The server did not answer in time for this calendar; it is tried again at the next sync.".into(),
        CaldavError::TooLarge { limit, .. } => format!("An event of this calendar is larger than Almanac accepts ({} MB).", limit / (1024 * 1024)),
        other => format!("This calendar could not be synced: {other}"),
    }
}
