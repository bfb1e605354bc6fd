//! Subscriptions against a feed server of our own on loopback that counts requests and breaks
//! on demand, and iCloud's subscribed calendar through the emulator: conditional GETs (a
//! second fetch of an unchanged feed is a `304`), gzip, redirects without credentials, and a
//! feed that fails (malformed, oversized, `500`, gone) keeping its last good copy with a
//! problem of its own.

use crate::common::{Rig, seeded_emulator};
use almanac_caldav::Limits;
use almanac_core::CalendarId;
use almanac_store::Store;
use almanac_sync::{FeedsReport, SyncError};
use almanac_test_servers::feed::{Content, FeedServer};
use chrono::{Duration, TimeZone, Utc};

/// Shape: a public holiday feed as Google serves them (`X-WR-CALNAME`, all-day events, one
/// yearly rule), trimmed to three events.
fn feed(extra: &str, thanksgiving: &str) -> String {
    format!(
        "BEGIN:VCALENDAR\r\nPRODID:-//Google Inc//Google Calendar 70.9054//EN\r\nVERSION:2.0\r\n\
         X-WR-CALNAME:Holidays in the United States\r\nX-WR-TIMEZONE:UTC\r\n\
         BEGIN:VEVENT\r\nUID:20261126_thanksgiving@google.com\r\nDTSTART;VALUE=DATE:20261126\r\n\
         DTEND;VALUE=DATE:20261127\r\nSUMMARY:{thanksgiving}\r\nEND:VEVENT\r\n\
         BEGIN:VEVENT\r\nUID:20261225_christmas@google.com\r\nDTSTART;VALUE=DATE:20261225\r\n\
         DTEND;VALUE=DATE:20261226\r\nSUMMARY:Christmas Day\r\nEND:VEVENT\r\n\
         BEGIN:VEVENT\r\nUID:new-year@google.com\r\nDTSTART;VALUE=DATE:20260101\r\n\
         DTEND;VALUE=DATE:20260102\r\nRRULE:FREQ=YEARLY\r\nSUMMARY:New Year's Day\r\nEND:VEVENT\r\n\
         {extra}END:VCALENDAR\r\n"
    )
}

const LIMIT: usize = 64 * 1024;

fn rig() -> Rig {
    Rig::new(
        Store::open_in_memory().unwrap(),
        Limits {
            max_body_bytes: LIMIT,
            ..Limits::default()
        },
    )
}

/// The summaries shown between 1 November 2026 and 1 February 2027.
async fn shown(rig: &Rig) -> Vec<String> {
    rig.engine
        .with_store(|s| {
            let from = Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap();
            let to = Utc.with_ymd_and_hms(2027, 2, 1, 0, 0, 0).unwrap();
            Ok(s.occurrences_between(from, to, chrono_tz::UTC, true)?
                .into_iter()
                .filter_map(|o| o.summary)
                .collect())
        })
        .await
        .unwrap()
}

async fn problem(rig: &Rig, id: CalendarId) -> Option<String> {
    rig.engine
        .with_store(move |s| Ok(almanac_sync::health_text(&s.calendar_health(id)?)))
        .await
        .unwrap()
}

/// A round of every feed, as "Sync now" asks for it.
async fn round(rig: &Rig) -> FeedsReport {
    rig.advance(Duration::seconds(1));
    rig.engine
        .sync_feeds(rig.time() + Duration::seconds(1))
        .await
        .unwrap()
}

#[tokio::test]
async fn a_feed_is_asked_conditionally_and_keeps_its_last_good_copy_through_every_fault() {
    let mut server = FeedServer::start().unwrap();
    server.serve(
        "holidays.ics",
        Content::Calendar {
            text: feed("", "Thanksgiving"),
            gzip: true,
        },
    );
    let rig = rig();
    let made = rig
        .engine
        .subscribe_feed(&server.url("holidays.ics"), None, None)
        .await
        .unwrap();
    assert_eq!(made.name, "Holidays in the United States");
    assert_eq!(made.events, 3);
    let id = made.calendar;
    let calendar = rig
        .engine
        .with_store(move |s| s.calendar(id))
        .await
        .unwrap();
    assert!(calendar.read_only && calendar.account.is_none());
    let good = ["Thanksgiving", "Christmas Day", "New Year's Day"];
    assert_eq!(shown(&rig).await, good);
    let first = &server.requests()[0];
    assert_eq!(first.authorization, None);
    assert!(first.gzipped, "gzip when the client accepts it: {first:?}");

    // Unchanged: one request, answered 304, nothing written.
    let report = round(&rig).await;
    assert_eq!(
        (report.checked, report.unchanged, report.fetched),
        (1, 1, 0)
    );
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[1].status, 304);
    assert!(requests[1].if_none_match.is_some());
    assert!(requests[1].if_modified_since.is_some());

    // A new copy: only the changed event is written.
    server.serve(
        "holidays.ics",
        Content::Calendar {
            text: feed("", "Thanksgiving Day"),
            gzip: false,
        },
    );
    let report = round(&rig).await;
    assert_eq!((report.fetched, report.deleted), (1, 0));
    assert_eq!(shown(&rig).await[0], "Thanksgiving Day");
    assert_eq!(problem(&rig, id).await, None);
    let good = ["Thanksgiving Day", "Christmas Day", "New Year's Day"];

    // Broken answers: each is this feed's problem, and the last good copy stays.
    let html = Content::Body {
        content_type: "text/html",
        body: b"<!doctype html><html><body>Maintenance</body></html>".to_vec(),
    };
    let oversize = Content::Body {
        content_type: "text/calendar",
        body: feed(
            &"X-FILLER:0123456789abcdef\r\n".repeat(LIMIT / 16),
            "Too big",
        )
        .into_bytes(),
    };
    for (broken, said) in [
        (Content::Status(500), "failed (500)"),
        (html, "not a calendar"),
        (oversize, "larger than Almanac reads"),
    ] {
        server.serve("holidays.ics", broken);
        let report = round(&rig).await;
        assert_eq!(report.failed.len(), 1, "{report:?}");
        let text = problem(&rig, id).await.unwrap();
        assert!(text.contains(said), "{text}");
        assert!(!text.contains("(0 MB)"), "{text}");
        assert!(text.contains("last copy"), "{text}");
        assert_eq!(shown(&rig).await, good);
    }

    // Back to health: the problem goes.
    server.serve(
        "holidays.ics",
        Content::Calendar {
            text: feed("", "Thanksgiving Day"),
            gzip: false,
        },
    );
    let report = round(&rig).await;
    assert!(report.failed.is_empty(), "{report:?}");
    assert_eq!(problem(&rig, id).await, None);

    // The server goes away: the copy stays, and says so.
    server.stop();
    let report = round(&rig).await;
    assert_eq!(report.failed.len(), 1);
    assert!(
        problem(&rig, id)
            .await
            .unwrap()
            .contains("could not be reached")
    );
    assert_eq!(shown(&rig).await, good);
    assert!(
        server.requests().iter().all(|r| r.authorization.is_none()),
        "a feed never gets credentials"
    );
}

#[tokio::test]
async fn a_feed_with_only_a_date_is_asked_if_modified_since() {
    let server = FeedServer::start().unwrap();
    server.serve(
        "dated.ics",
        Content::Dated {
            text: feed("", "Thanksgiving"),
        },
    );
    let rig = rig();
    rig.engine
        .subscribe_feed(&server.url("dated.ics"), Some("Dated"), None)
        .await
        .unwrap();
    let report = round(&rig).await;
    assert_eq!(report.unchanged, 1);
    let requests = server.requests();
    assert_eq!(requests[1].status, 304);
    assert_eq!(requests[1].if_none_match, None);
    assert!(requests[1].if_modified_since.is_some());
}

#[tokio::test]
async fn only_feeds_not_checked_within_the_interval_are_asked() {
    let server = FeedServer::start().unwrap();
    server.serve(
        "a.ics",
        Content::Calendar {
            text: feed("", "Thanksgiving"),
            gzip: false,
        },
    );
    let rig = rig();
    rig.engine
        .subscribe_feed(&server.url("a.ics"), None, None)
        .await
        .unwrap();
    rig.advance(Duration::minutes(5));
    let fifteen_ago = rig.time() - Duration::minutes(15);
    let report = rig.engine.sync_feeds(fifteen_ago).await.unwrap();
    assert_eq!(report.checked, 0, "checked five minutes ago");
    assert_eq!(server.requests().len(), 1);
    rig.advance(Duration::minutes(11));
    let report = rig
        .engine
        .sync_feeds(rig.time() - Duration::minutes(15))
        .await
        .unwrap();
    assert_eq!(report.checked, 1);
}

#[tokio::test]
async fn redirects_are_followed_to_another_origin_without_credentials() {
    let old = FeedServer::start().unwrap();
    let new = FeedServer::start().unwrap();
    new.serve(
        "moved.ics",
        Content::Calendar {
            text: feed("", "Thanksgiving"),
            gzip: false,
        },
    );
    old.serve("feed.ics", Content::Redirect(new.url("moved.ics")));
    let rig = rig();
    let made = rig
        .engine
        .subscribe_feed(&old.url("feed.ics"), None, None)
        .await
        .unwrap();
    assert_eq!(made.events, 3);
    assert_eq!(old.requests()[0].status, 302);
    assert_eq!(new.requests()[0].status, 200);
    assert!(
        old.requests()
            .iter()
            .chain(&new.requests())
            .all(|r| r.authorization.is_none())
    );
}

#[tokio::test]
async fn an_empty_copy_removes_nothing_until_a_second_copy_agrees() {
    let server = FeedServer::start().unwrap();
    server.serve(
        "season.ics",
        Content::Calendar {
            text: feed("", "Thanksgiving"),
            gzip: false,
        },
    );
    let rig = rig();
    rig.engine
        .subscribe_feed(&server.url("season.ics"), None, None)
        .await
        .unwrap();
    server.serve(
        "season.ics",
        Content::Calendar {
            text: "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n".into(),
            gzip: false,
        },
    );
    let held = round(&rig).await;
    assert_eq!((held.held_deletions, held.deleted), (3, 0));
    assert_eq!(shown(&rig).await.len(), 3);
    // The copy behind held removals is asked for whole, so a 304 cannot hide it.
    let confirmed = round(&rig).await;
    assert_eq!(server.requests().last().unwrap().if_none_match, None);
    assert_eq!(confirmed.deleted, 3);
    assert!(shown(&rig).await.is_empty());
}

#[tokio::test]
async fn subscribing_twice_or_to_no_calendar_stores_nothing() {
    let server = FeedServer::start().unwrap();
    server.serve(
        "a.ics",
        Content::Calendar {
            text: feed("", "Thanksgiving"),
            gzip: false,
        },
    );
    server.serve("page", Content::Status(404));
    let rig = rig();
    let url = server.url("a.ics");
    let made = rig.engine.subscribe_feed(&url, None, None).await.unwrap();
    assert!(matches!(
        rig.engine.subscribe_feed(&url, None, None).await,
        Err(SyncError::Store(almanac_store::StoreError::Conflict { .. }))
    ));
    assert!(matches!(
        rig.engine
            .subscribe_feed(&server.url("page"), None, None)
            .await,
        Err(SyncError::Server(
            almanac_caldav::CaldavError::NotFound { .. }
        ))
    ));
    assert!(matches!(
        rig.engine
            .subscribe_feed("http://calendar.example.com/a.ics", None, None)
            .await,
        Err(SyncError::Server(
            almanac_caldav::CaldavError::InvalidUrl { .. }
        ))
    ));
    let subs = rig.engine.with_store(|s| s.subscriptions()).await.unwrap();
    assert_eq!(subs.len(), 1);
    rig.engine.unsubscribe_feed(made.calendar).await.unwrap();
    assert!(shown(&rig).await.is_empty());
    assert!(
        rig.engine
            .with_store(|s| s.subscriptions())
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn icloud_subscribed_calendar_shows_read_only_with_its_name_and_colour_from_its_source() {
    let emu = seeded_emulator(7).await;
    let rig = Rig::in_memory();
    let account = rig.add_icloud(&emu).await;
    rig.sync(account).await.unwrap();
    let subs = rig.engine.with_store(|s| s.subscriptions()).await.unwrap();
    assert_eq!(subs.len(), 1, "{subs:#?}");
    let sub = &subs[0];
    assert!(sub.listed && sub.calendar.read_only);
    assert_eq!(sub.calendar.account, Some(account));
    assert_eq!(sub.calendar.name, "US Holidays");
    assert_eq!(sub.calendar.color.as_deref(), Some("#8E8E93FF"));
    assert!(sub.url().ends_with("/holiday/US_en.ics"), "{}", sub.url());
    let id = sub.calendar.id;

    let mark = emu.log_mark();
    let report = rig.engine.sync_feeds(rig.time()).await.unwrap();
    assert_eq!((report.checked, report.failed.len()), (1, 0), "{report:?}");
    let fetched = emu.requests().since(mark);
    let published: Vec<_> = fetched
        .entries
        .iter()
        .filter(|r| r.path.starts_with("/published/"))
        .collect();
    assert_eq!(published.len(), 1, "{fetched:#?}");
    assert_eq!(published[0].status, 200);
    assert_eq!(
        (
            published[0].user.as_deref(),
            published[0].password.as_deref()
        ),
        (None, None),
        "the Apple ID's password never goes to a feed, even on iCloud's own host"
    );
    let events = rig
        .engine
        .with_store(move |s| s.resource_count(id))
        .await
        .unwrap();
    assert_eq!(events, 4, "the source's four holidays are stored");
    let thanksgiving = rig
        .engine
        .with_store(|s| {
            let from = Utc.with_ymd_and_hms(2026, 11, 26, 0, 0, 0).unwrap();
            s.occurrences_between(from, from + Duration::days(1), chrono_tz::UTC, true)
        })
        .await
        .unwrap();
    assert!(
        thanksgiving
            .iter()
            .any(|o| o.summary.as_deref() == Some("Thanksgiving")
                && o.calendar_name == "US Holidays"),
        "{thanksgiving:?}"
    );
    // Asked again: the feed has not changed, and says so.
    let again = rig
        .engine
        .sync_feeds(rig.time() + Duration::seconds(1))
        .await
        .unwrap();
    assert_eq!(again.unchanged, 1, "{again:?}");
    let last = emu.requests();
    let last = last
        .entries
        .iter()
        .rev()
        .find(|r| r.path.starts_with("/published/"))
        .unwrap();
    assert_eq!(last.status, 304);
    // The home listing is the server's: it cannot be unsubscribed here.
    assert!(rig.engine.unsubscribe_feed(id).await.is_err());
    // A second sync of the account keeps it, with its events, and asks nothing of the feed.
    let mark = emu.log_mark();
    rig.sync(account).await.unwrap();
    assert_eq!(
        emu.requests()
            .since(mark)
            .count_path(url::Url::parse(sub.url()).unwrap().path()),
        0
    );
    let after = rig
        .engine
        .with_store(move |s| s.resource_count(id))
        .await
        .unwrap();
    assert_eq!(after, events);
}

/// Waits (with a deadline) for the next round of feeds.
async fn next_round(
    events: &mut tokio::sync::broadcast::Receiver<almanac_sync::SyncEvent>,
    within: std::time::Duration,
) -> Option<FeedsReport> {
    tokio::time::timeout(within, async {
        loop {
            if let Ok(almanac_sync::SyncEvent::FeedsSynced { report }) = events.recv().await {
                return report;
            }
        }
    })
    .await
    .ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_schedule_fetches_feeds_on_demand_and_once_the_interval_passed() {
    let server = FeedServer::start().unwrap();
    server.serve(
        "a.ics",
        Content::Calendar {
            text: feed("", "Thanksgiving"),
            gzip: false,
        },
    );
    let rig = rig();
    rig.engine
        .subscribe_feed(&server.url("a.ics"), None, None)
        .await
        .unwrap();
    let engine = std::sync::Arc::new(rig.engine);
    let mut events = engine.subscribe();
    let control = almanac_sync::ScheduleControl::new(std::time::Duration::from_secs(60));
    tokio::spawn(almanac_sync::run_schedule(
        std::sync::Arc::clone(&engine),
        control.clone(),
    ));
    // Just fetched by the subscription: not due yet.
    assert!(
        next_round(&mut events, std::time::Duration::from_millis(1500))
            .await
            .is_none(),
        "fetched again before the interval passed"
    );
    control.sync_now();
    let asked = next_round(&mut events, std::time::Duration::from_secs(10))
        .await
        .expect("sync now fetched no feed");
    assert_eq!((asked.checked, asked.unchanged), (1, 1));
    // The clock first: the new interval wakes the schedule, which reads it at once.
    *rig.now.lock().unwrap() += Duration::seconds(2);
    control.set_interval(std::time::Duration::from_secs(1));
    let due = next_round(&mut events, std::time::Duration::from_secs(10))
        .await
        .expect("no feed round once the interval passed");
    assert_eq!(due.checked, 1);
    assert_eq!(server.requests().len(), 3);
}
