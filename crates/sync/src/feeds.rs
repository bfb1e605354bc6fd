//! Subscriptions: calendars whose events come from a feed (an `.ics` address) instead of a
//! CalDAV collection. The user's own ([`Engine::subscribe_feed`], for any account or none) and those
//! an account's server lists (iCloud's subscribed calendars, stored from each listing by
//! `Engine::listed_subscriptions`) are fetched alike, on the sync schedule, by
//! [`Engine::sync_feeds`].
//!
//! Flow of one feed: a conditional GET with what its server said about the stored copy
//! (`almanac_caldav::FeedClient`, which never carries credentials, so an account's password
//! never reaches a feed) → `304`: the copy stands → `200`: [`almanac_ical::parse_file`] reads
//! every event of every UID → [`feed_resources`] makes one resource per UID, named by its UID
//! and tagged by a hash of its text → [`plan_feed`] (pure, with the same mass-deletion guard as
//! a CalDAV calendar) → one batch in one store transaction → the feed's validators. A failure
//! is that feed's alone: it keeps its last good copy, and its problem is said in words where
//! every calendar's is ([`crate::health_text`]).

use crate::engine::Engine;
use crate::error::SyncError;
use crate::events::{FeedsReport, SyncEvent};
use almanac_caldav::{
    CaldavError, FeedAnswer, FeedClient, Listing, MAX_FEED_BYTES, Validators, feed_url,
};
use almanac_core::{AccountId, CalendarId, Href};
use almanac_store::{Batch, CalendarListing, Subscription};
use chrono::{DateTime, Utc};
use std::collections::HashSet;

mod plan;

pub use plan::{
    FeedPlan, FeedProblem, ListedAction, feed_name, feed_problem_text, feed_resources, plan_feed,
    plan_listed, read_copy,
};

/// A new subscription, as [`Engine::subscribe_feed`] made it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Subscribed {
    /// Its calendar.
    pub calendar: CalendarId,
    /// Its name: the one asked for, else the feed's own (`X-WR-CALNAME`), else its host.
    pub name: String,
    /// The feed's address as fetched (`webcal://` made `https://`).
    pub url: String,
    /// How many events (UIDs) its first copy holds.
    pub events: usize,
}

/// The engine's error for a feed that could not be subscribed to. Never
/// [`SyncError::NeedsRelink`]: a feed has no password of ours, so its refusal says nothing
/// about an account.
fn subscribe_error(problem: FeedProblem, url: &str) -> SyncError {
    match problem {
        FeedProblem::Fetch(e) if e.is_transient() => SyncError::Unavailable(e),
        FeedProblem::Fetch(e) => SyncError::Server(e),
        FeedProblem::NotCalendar => SyncError::Server(CaldavError::Protocol {
            url: url.to_string(),
            status: 200,
            reason: "the answer is not an iCalendar (.ics) file".into(),
        }),
        FeedProblem::TooLarge => SyncError::Unavailable(CaldavError::TooLarge {
            url: url.to_string(),
            limit: MAX_FEED_BYTES,
        }),
    }
}

/// The schedule's feed rounds ([`crate::run_schedule`]): feeds are fetched on the same
/// interval as accounts, one round at a time, beside the accounts' syncs (a slow feed holds up
/// no account, and no account a feed).
#[derive(Debug, Default)]
pub(crate) struct FeedRounds {
    /// Set while a round runs; cleared before the round's event goes out, so whoever reacts
    /// to the event can start the next one.
    running: std::sync::Arc<std::sync::atomic::AtomicBool>,
    /// Every feed is due at the next round that can start: the user asked, or the machine
    /// woke from sleep.
    everything: bool,
}

impl FeedRounds {
    /// Starts a round of the feeds not checked within `interval` (every feed when `asked`, or
    /// when asked earlier while a round was running), unless a round is still running.
    pub(crate) fn start(
        &mut self,
        engine: &std::sync::Arc<Engine>,
        now: DateTime<Utc>,
        interval: std::time::Duration,
        asked: bool,
    ) {
        use std::sync::atomic::Ordering;
        self.everything |= asked;
        if self.running.swap(true, Ordering::SeqCst) {
            return;
        }
        let stale_before = if std::mem::take(&mut self.everything) {
            now + chrono::Duration::seconds(1)
        } else {
            now - chrono::Duration::from_std(interval).unwrap_or(chrono::Duration::MAX)
        };
        let (engine, running) = (
            std::sync::Arc::clone(engine),
            std::sync::Arc::clone(&self.running),
        );
        tokio::spawn(async move {
            // Cleared however the round ends, a panic included, so rounds never stop for good.
            let done = RoundDone(running);
            let round = engine.feed_round(stale_before).await;
            drop(done);
            match round {
                Ok(report) => engine.announce_feeds(report),
                // Each feed's own failure is in its health; a store failure is tried again at
                // the next round.
                Err(err) => tracing::warn!(%err, "feed round failed"),
            }
        });
    }

    /// Makes every feed due at the next round (after a resume from sleep).
    pub(crate) fn everything_next(&mut self) {
        self.everything = true;
    }
}

/// Marks the schedule's feed round as over when dropped.
struct RoundDone(std::sync::Arc<std::sync::atomic::AtomicBool>);

impl Drop for RoundDone {
    fn drop(&mut self) {
        self.0.store(false, std::sync::atomic::Ordering::SeqCst);
    }
}

impl Engine {
    fn feed_client(&self) -> Result<FeedClient, SyncError> {
        FeedClient::new(self.limits.clone()).map_err(SyncError::Server)
    }

    /// Subscribes to the feed at `address` (`webcal://` or `https://`), under `account` or
    /// under none: fetches it once (so a wrong address stores nothing), stores it as a
    /// read-only calendar named `name` (else the feed's own name, else its host) and its
    /// events. Later copies come with [`Engine::sync_feeds`].
    ///
    /// # Errors
    /// [`SyncError::Server`] for an unusable address ([`CaldavError::InvalidUrl`]), a refusal,
    /// or an answer that is not a calendar; [`SyncError::Unavailable`] when the feed cannot be
    /// reached, fails or is too large; [`SyncError::Store`] with a `Conflict` when the user
    /// already subscribes to it.
    pub async fn subscribe_feed(
        &self,
        address: &str,
        name: Option<&str>,
        account: Option<AccountId>,
    ) -> Result<Subscribed, SyncError> {
        let url = feed_url(address).map_err(SyncError::Server)?;
        let shown = almanac_caldav::error::display_url(&url);
        let answer = self
            .feed_client()?
            .fetch(&url, &Validators::default())
            .await
            .map_err(|e| subscribe_error(FeedProblem::Fetch(e), &shown))?;
        let FeedAnswer::Changed { text, validators } = answer else {
            // A 304 to a request that named no version: nothing to read.
            return Err(subscribe_error(FeedProblem::NotCalendar, &shown));
        };
        let copy = read_copy(&text).map_err(|p| subscribe_error(p, &shown))?;
        let name = name
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_string)
            .or_else(|| feed_name(&text))
            .unwrap_or_else(|| url.host_str().unwrap_or("Subscription").to_string());
        let (address, title, now) = (url.to_string(), name.clone(), self.now());
        let events = copy.len();
        let calendar = self
            .with_store(move |s| {
                let id = s.add_subscription(account, &address, &title, None)?;
                let stored = s
                    .apply_batch(
                        id,
                        &Batch {
                            upserts: copy,
                            ..Batch::default()
                        },
                    )
                    .and_then(|_| {
                        s.record_feed_copy(
                            id,
                            validators.etag.as_deref(),
                            validators.last_modified.as_deref(),
                            now,
                        )
                    });
                if let Err(e) = stored {
                    // All or nothing: a subscription without its first copy is not kept.
                    s.remove_subscription(id)?;
                    return Err(e);
                }
                s.refresh_horizon(now)?;
                Ok(id)
            })
            .await?;
        tracing::info!(calendar = calendar.0, feed = %shown, events, "subscribed");
        Ok(Subscribed {
            calendar,
            name,
            url: url.to_string(),
            events,
        })
    }

    /// Ends a subscription the user made, with its events.
    ///
    /// # Errors
    /// [`SyncError::Store`] with `NotFound` when there is no such subscription made here (a
    /// subscribed calendar an account's server lists ends on that server).
    pub async fn unsubscribe_feed(&self, calendar: CalendarId) -> Result<(), SyncError> {
        self.with_store(move |s| s.remove_subscription(calendar))
            .await
    }

    /// Stores the account's subscribed calendars from its listing (`plan_listed`): new ones
    /// are fetched by the next [`Engine::sync_feeds`].
    ///
    /// # Errors
    /// Store failures only.
    pub(crate) async fn listed_subscriptions(
        &self,
        account: AccountId,
        listing: &Listing,
    ) -> Result<(), SyncError> {
        let stored: Vec<(Href, CalendarId, Option<DateTime<Utc>>)> = self
            .with_store(move |s| {
                s.subscriptions()?
                    .into_iter()
                    .filter(|f| f.listed && f.calendar.account == Some(account))
                    .map(|f| {
                        let since = s.calendar_health(f.calendar.id)?.missing_since;
                        Ok((f.calendar.href, f.calendar.id, since))
                    })
                    .collect()
            })
            .await?;
        let now = self.now();
        let actions = plan_listed(&stored, listing, now);
        if actions.is_empty() {
            return Ok(());
        }
        self.with_store(move |s| {
            for action in actions {
                match action {
                    ListedAction::Upsert(remote) => {
                        let listing = CalendarListing {
                            name: remote
                                .name
                                .clone()
                                .unwrap_or_else(|| "Subscription".to_string()),
                            href: remote.href,
                            color: remote.color,
                            order: remote.order,
                            components: vec![almanac_core::ComponentKind::Vevent],
                            read_only: true,
                        };
                        // An address that is no feed is kept as given; fetching it says why.
                        let url = feed_url(&remote.source)
                            .map_or_else(|_| remote.source.clone(), |u| u.to_string());
                        s.upsert_listed_subscription(account, &listing, &url)?;
                    }
                    ListedAction::Missing(id) => {
                        let since = s.calendar_health(id)?.missing_since.unwrap_or(now);
                        s.set_calendar_missing(id, Some(since))?;
                    }
                    ListedAction::Relisted(id) => s.set_calendar_missing(id, None)?,
                    ListedAction::Remove(id) => s.remove_calendar(id)?,
                }
            }
            Ok(())
        })
        .await
    }

    /// Fetches every subscription not checked since `stale_before` (all of them with
    /// `stale_before` = now, as "Sync now" asks; only new ones with a time long past), each
    /// on its own: one feed's failure is that feed's, and it keeps its last good copy.
    /// Announces the round with [`SyncEvent::FeedsSynced`] when it asked any feed.
    ///
    /// # Errors
    /// Store failures only; a feed's own failure is in the report and in its health.
    pub async fn sync_feeds(&self, stale_before: DateTime<Utc>) -> Result<FeedsReport, SyncError> {
        let report = self.feed_round(stale_before).await?;
        self.announce_feeds(report.clone());
        Ok(report)
    }

    /// Tells the front ends a round asked some feed (nothing when none was due).
    fn announce_feeds(&self, report: FeedsReport) {
        if report.checked > 0 {
            self.emit(SyncEvent::FeedsSynced { report });
        }
    }

    /// The round itself, announced by the caller.
    async fn feed_round(&self, stale_before: DateTime<Utc>) -> Result<FeedsReport, SyncError> {
        let due: Vec<Subscription> = self
            .with_store(|s| s.subscriptions())
            .await?
            .into_iter()
            .filter(|f| f.checked_at.is_none_or(|at| at < stale_before))
            .collect();
        let mut report = FeedsReport::default();
        if due.is_empty() {
            return Ok(report);
        }
        let client = self.feed_client()?;
        for feed in due {
            report.checked += 1;
            self.refresh_feed(&client, feed, &mut report).await?;
        }
        let now = self.now();
        self.with_store(move |s| s.refresh_horizon(now).map(|_| ()))
            .await?;
        Ok(report)
    }

    /// One feed: fetch, read, plan, apply; its problem, if any, recorded in its health.
    async fn refresh_feed(
        &self,
        client: &FeedClient,
        feed: Subscription,
        report: &mut FeedsReport,
    ) -> Result<(), SyncError> {
        let id = feed.calendar.id;
        let now = self.now();
        let held_before: HashSet<Href> = self
            .with_store(move |s| s.held_deletions(id))
            .await?
            .into_iter()
            .collect();
        // With removals held, the whole feed is asked for again: a 304 could not confirm them.
        let validators = if held_before.is_empty() {
            Validators {
                etag: feed.etag.clone(),
                last_modified: feed.last_modified.clone(),
            }
        } else {
            Validators::default()
        };
        let outcome = match feed_url(feed.url()) {
            Ok(url) => client
                .fetch(&url, &validators)
                .await
                .map_err(FeedProblem::Fetch),
            Err(e) => Err(FeedProblem::Fetch(e)),
        };
        let (text, validators) = match outcome {
            Ok(FeedAnswer::NotModified) => {
                report.unchanged += 1;
                let (etag, modified) = (feed.etag, feed.last_modified);
                return self
                    .with_store(move |s| {
                        s.record_feed_copy(id, etag.as_deref(), modified.as_deref(), now)?;
                        s.set_calendar_problem(id, None)
                    })
                    .await;
            }
            Ok(FeedAnswer::Changed { text, validators }) => (text, validators),
            Err(problem) => {
                return self
                    .feed_failed(&feed.calendar, &problem, now, report)
                    .await;
            }
        };
        let copy = match read_copy(&text) {
            Ok(copy) => copy,
            Err(problem) => {
                return self
                    .feed_failed(&feed.calendar, &problem, now, report)
                    .await;
            }
        };
        let local = self.with_store(move |s| s.local_etags(id)).await?;
        let plan = plan_feed(&local, copy, &held_before);
        if plan.upserts.is_empty() && plan.deletes.is_empty() && plan.held.is_empty() {
            report.unchanged += 1;
        }
        report.held_deletions += plan.held.len();
        let held = plan.held.clone();
        let batch = Batch {
            upserts: plan.upserts,
            deletes: plan.deletes,
            ..Batch::default()
        };
        let applied = self
            .with_store(move |s| {
                let applied = s.apply_batch(id, &batch)?;
                s.set_held_deletions(id, &held)?;
                // Held removals: the next fetch asks for the whole feed again to confirm them.
                let keep = held.is_empty();
                s.record_feed_copy(
                    id,
                    validators.etag.as_deref().filter(|_| keep),
                    validators.last_modified.as_deref().filter(|_| keep),
                    now,
                )?;
                s.set_calendar_problem(id, None)?;
                Ok(applied)
            })
            .await?;
        report.fetched += applied.stored + applied.quarantined.len();
        report.deleted += applied.deleted;
        Ok(())
    }

    async fn feed_failed(
        &self,
        calendar: &almanac_core::Calendar,
        problem: &FeedProblem,
        now: DateTime<Utc>,
        report: &mut FeedsReport,
    ) -> Result<(), SyncError> {
        let text = feed_problem_text(problem);
        tracing::warn!(calendar = calendar.id.0, problem = ?problem, "a feed failed; its last copy stays");
        report.failed.push((calendar.name.clone(), text.clone()));
        let id = calendar.id;
        self.with_store(move |s| {
            s.record_feed_check(id, now)?;
            s.set_calendar_problem(id, Some(&text))
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_feeds_refusal_is_never_a_revocation() {
        let refused = subscribe_error(
            FeedProblem::Fetch(CaldavError::Unauthorized { url: "u".into() }),
            "u",
        );
        assert!(matches!(refused, SyncError::Server(_)), "{refused:?}");
        let down = subscribe_error(
            FeedProblem::Fetch(CaldavError::Server {
                url: "u".into(),
                status: 500,
            }),
            "u",
        );
        assert!(matches!(down, SyncError::Unavailable(_)));
    }
}
