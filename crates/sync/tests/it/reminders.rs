//! Alarm rounds over a real store file with a clock the test drives: an alarm shows once, a
//! restart repeats nothing, and alarms missed while Almanac was closed become one summary.
//!
//! The weekly series starts two weeks before `common::start_time()` (`ALMANAC_TEST_NOW`), and
//! every expectation is Berlin wall-clock time turned into UTC, so `./x test` also runs these
//! with the series across a DST change and across 29 February.

use crate::common::{self, Rig};
use almanac_caldav::Limits;
use almanac_core::{AccountKind, ComponentKind, Etag, Href};
use almanac_secrets::MemorySecrets;
use almanac_store::{Batch, CalendarListing, ResourceUpsert, Store};
use chrono::{DateTime, Days, NaiveDate, TimeZone, Utc};
use chrono_tz::Europe::Berlin;
use std::path::Path;
use std::sync::Arc;

// Shape: an iCloud weekly meeting with Apple Calendar's default 15-minute alert and the
// "no alert" placeholder (icloud-caldav.md, Alarms).
fn standup(first: NaiveDate) -> String {
    let day = first.format("%Y%m%d");
    format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Apple Inc.//macOS 14.4//EN\r\n\
BEGIN:VEVENT\r\nUID:standup\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:Standup\r\n\
DTSTART;TZID=Europe/Berlin:{day}T100000\r\nDTEND;TZID=Europe/Berlin:{day}T101500\r\n\
RRULE:FREQ=WEEKLY;COUNT=4\r\n\
BEGIN:VALARM\r\nX-WR-ALARMUID:A1\r\nACTION:DISPLAY\r\nTRIGGER:-PT15M\r\n\
X-APPLE-DEFAULT-ALARM:TRUE\r\nEND:VALARM\r\n\
BEGIN:VALARM\r\nACTION:NONE\r\nTRIGGER;VALUE=DATE-TIME:19760401T005545Z\r\nEND:VALARM\r\n\
END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
}

/// The series' first day: two weeks before the pinned day, so its four weeks straddle it.
fn first_day() -> NaiveDate {
    common::start_time().date_naive() - Days::new(14)
}

/// `h:m` on Berlin's wall clock, `days` after the series' first day.
fn berlin(days: u64, h: u32, m: u32) -> DateTime<Utc> {
    let day = first_day() + Days::new(days);
    Berlin
        .from_local_datetime(&day.and_hms_opt(h, m, 0).unwrap())
        .single()
        .unwrap()
        .to_utc()
}

fn seeded(path: &Path) {
    let mut store = Store::open(path).unwrap();
    let account = store
        .add_account(
            AccountKind::Icloud,
            "a@icloud.com",
            "https://caldav.icloud.com/",
        )
        .unwrap();
    let listing = CalendarListing {
        href: Href::new("/1/calendars/work/"),
        name: "Work".into(),
        color: None,
        order: None,
        components: vec![ComponentKind::Vevent],
        read_only: false,
    };
    let calendar = store.upsert_calendar(account, &listing).unwrap();
    let batch = Batch {
        upserts: vec![ResourceUpsert {
            href: Href::new("/1/calendars/work/standup.ics"),
            etag: Etag::new("\"1\""),
            ics: standup(first_day()),
        }],
        ..Batch::default()
    };
    store.apply_batch(calendar, &batch).unwrap();
}

fn app_at(path: &Path, at: DateTime<Utc>) -> Rig {
    let store = Store::open(path).unwrap();
    Rig::with_secrets(
        store,
        Limits::default(),
        Arc::new(MemorySecrets::default()),
        at,
    )
}

#[tokio::test]
async fn an_alarm_shows_once_and_a_restart_repeats_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("almanac.sqlite3");
    seeded(&path);
    let zone = Berlin;

    let app = app_at(&path, berlin(0, 9, 40));
    assert_eq!(
        app.engine.alarm_round(zone).await.unwrap(),
        Default::default(),
        "first run"
    );
    let next = app
        .engine
        .next_alarm(zone, chrono::Duration::hours(1))
        .await
        .unwrap();
    assert_eq!(
        next,
        Some(berlin(0, 9, 45)),
        "09:45 Berlin, 15 minutes before 10:00"
    );

    app.advance(chrono::Duration::seconds(5 * 60 + 1));
    let round = app.engine.alarm_round(zone).await.unwrap();
    assert_eq!(round.show.len(), 1);
    assert_eq!(round.show[0].summary.as_deref(), Some("Standup"));
    assert!(round.missed.is_empty());
    assert!(
        app.engine.alarm_round(zone).await.unwrap().show.is_empty(),
        "shown once"
    );
    drop(app);

    let restarted = app_at(&path, berlin(0, 9, 46));
    assert_eq!(
        restarted.engine.alarm_round(zone).await.unwrap(),
        Default::default()
    );
}

#[tokio::test]
async fn alarms_missed_while_closed_come_back_as_one_summary() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("almanac.sqlite3");
    seeded(&path);
    let zone = Berlin;
    let app = app_at(&path, berlin(0, 9, 0));
    app.engine.alarm_round(zone).await.unwrap();
    drop(app);

    // Closed for three weeks: three weekly alarms passed; the fourth is two hours away.
    let back = app_at(&path, berlin(21, 7, 45));
    let round = back.engine.alarm_round(zone).await.unwrap();
    assert!(round.show.is_empty());
    let missed: Vec<_> = round.missed.iter().map(|a| a.at).collect();
    assert_eq!(
        missed,
        [berlin(0, 9, 45), berlin(7, 9, 45), berlin(14, 9, 45)]
    );
    assert_eq!(
        back.engine
            .next_alarm(zone, chrono::Duration::hours(3))
            .await
            .unwrap(),
        Some(berlin(21, 9, 45))
    );
}
