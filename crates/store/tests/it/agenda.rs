//! Range queries: viewer semantics of floating and all-day times, the horizon, and agreement
//! with direct expansion by `almanac_ical`.

use crate::common::{self, at, ical_fixture, ics, put, store, upsert};
use almanac_ical::{Limits, Window};
use almanac_store::{HorizonSpan, Store};
use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;

const SOURCE: &str = "hand-written after iCloud calendar-multiget bodies";

fn summaries(s: &Store, from: DateTime<Utc>, to: DateTime<Utc>, viewer: Tz) -> Vec<String> {
    s.occurrences_between(from, to, viewer, true)
        .unwrap()
        .into_iter()
        .map(|i| i.summary.unwrap_or_default())
        .collect()
}

#[test]
fn a_floating_time_is_the_same_wall_clock_for_every_viewer() {
    let (mut s, _, cal) = store();
    let body = ics(
        SOURCE,
        &[&[
            "UID:f1",
            "DTSTART:20260701T090000",
            "DTEND:20260701T100000",
            "SUMMARY:Yoga",
        ]],
    );
    put(
        &mut s,
        cal,
        vec![upsert("/1/calendars/home/f1.ics", "\"1\"", body)],
    );
    let berlin = chrono_tz::Europe::Berlin;
    let ny = chrono_tz::America::New_York;
    // 09:00 in Berlin (CEST) is 07:00Z; in New York (EDT) it is 13:00Z.
    let items = s
        .occurrences_between(at(2026, 7, 1, 0, 0), at(2026, 7, 2, 0, 0), berlin, true)
        .unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].start_utc, at(2026, 7, 1, 7, 0));
    assert!(!items[0].all_day);
    assert_eq!(
        summaries(&s, at(2026, 7, 1, 6, 30), at(2026, 7, 1, 7, 30), berlin),
        ["Yoga"]
    );
    assert!(summaries(&s, at(2026, 7, 1, 6, 30), at(2026, 7, 1, 7, 30), ny).is_empty());
    let items = s
        .occurrences_between(at(2026, 7, 1, 12, 30), at(2026, 7, 1, 13, 30), ny, true)
        .unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].start_utc, at(2026, 7, 1, 13, 0));
}

#[test]
fn an_all_day_event_covers_the_viewers_own_day_and_no_other() {
    let (mut s, _, cal) = store();
    let body = ics(
        SOURCE,
        &[&[
            "UID:d1",
            "DTSTART;VALUE=DATE:20260701",
            "DTEND;VALUE=DATE:20260702",
            "SUMMARY:Holiday",
        ]],
    );
    put(
        &mut s,
        cal,
        vec![upsert("/1/calendars/home/d1.ics", "\"1\"", body)],
    );
    for (viewer, offset_hours) in [
        (chrono_tz::Pacific::Auckland, -12),
        (chrono_tz::America::Los_Angeles, 7),
        (Tz::UTC, 0),
    ] {
        let day =
            |d: i64| at(2026, 7, 1, 0, 0) + Duration::days(d - 1) + Duration::hours(offset_hours);
        assert_eq!(
            summaries(&s, day(1), day(2), viewer),
            ["Holiday"],
            "{viewer}"
        );
        assert!(summaries(&s, day(2), day(3), viewer).is_empty(), "{viewer}");
        assert!(summaries(&s, day(0), day(1), viewer).is_empty(), "{viewer}");
        let item = &s.occurrences_between(day(1), day(2), viewer, true).unwrap()[0];
        assert!(item.all_day);
        assert_eq!(item.start_utc, day(1));
        assert_eq!(item.end_utc, day(2));
    }
}

#[test]
fn long_and_zero_length_events_are_found() {
    let (mut s, _, cal) = store();
    let long = ics(
        SOURCE,
        &[&[
            "UID:l1",
            "DTSTART:20260601T080000Z",
            "DTEND:20260720T080000Z",
            "SUMMARY:Sabbatical",
        ]],
    );
    let point = ics(
        SOURCE,
        &[&["UID:p1", "DTSTART:20260705T120000Z", "SUMMARY:Deadline"]],
    );
    put(
        &mut s,
        cal,
        vec![
            upsert("/1/calendars/home/l1.ics", "\"1\"", long),
            upsert("/1/calendars/home/p1.ics", "\"1\"", point),
        ],
    );
    let july5 = |h| at(2026, 7, 5, h, 0);
    assert_eq!(summaries(&s, july5(0), july5(12), Tz::UTC), ["Sabbatical"]);
    assert_eq!(
        summaries(&s, july5(12), july5(13), Tz::UTC),
        ["Sabbatical", "Deadline"]
    );
    assert_eq!(summaries(&s, july5(11), july5(12), Tz::UTC), ["Sabbatical"]);
}

#[test]
fn hidden_calendars_are_left_out_only_when_asked() {
    let (mut s, _, cal) = store();
    let body = ics(
        SOURCE,
        &[&["UID:h1", "DTSTART:20260701T090000Z", "SUMMARY:Hidden"]],
    );
    put(
        &mut s,
        cal,
        vec![upsert("/1/calendars/home/h1.ics", "\"1\"", body)],
    );
    s.set_calendar_enabled(cal, false).unwrap();
    let (from, to) = (at(2026, 7, 1, 0, 0), at(2026, 7, 2, 0, 0));
    assert!(
        s.occurrences_between(from, to, Tz::UTC, true)
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        s.occurrences_between(from, to, Tz::UTC, false)
            .unwrap()
            .len(),
        1
    );
}

const FIXTURES: &[&str] = &[
    "icloud_weekly_berlin.ics",
    "icloud_sydney_weekly.ics",
    "icloud_overrides_only.ics",
    "google_new_york_daily.ics",
    "google_public_feed_floating.ics",
    "fastmail_allday_yearly.ics",
    "nextcloud_thisandfuture.ics",
    "outlook_windows_tzid.ics",
    "outlook_customized_tz.ics",
    "thunderbird_mozilla_tzid.ics",
    "broken_real_world.ics",
];

/// What `almanac_ical` itself says the window holds: the reference the index must match.
fn expected(from: DateTime<Utc>, to: DateTime<Utc>, viewer: Tz) -> Vec<(String, DateTime<Utc>)> {
    let bodies: Vec<String> = FIXTURES.iter().map(|name| ical_fixture(name)).collect();
    expected_of(&bodies, from, to, viewer)
}

/// What `almanac_ical` says `bodies` hold in the window.
fn expected_of(
    bodies: &[String],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    viewer: Tz,
) -> Vec<(String, DateTime<Utc>)> {
    let mut out: Vec<_> = bodies
        .iter()
        .flat_map(|body| {
            let obj = almanac_ical::parse(body).unwrap();
            let window = Window {
                start: from,
                end: to,
                viewer,
            };
            obj.expand(window, Limits::default())
                .occurrences
                .into_iter()
                .map(move |o| (o.uid.to_string(), o.instants(viewer).0))
        })
        .collect();
    out.sort();
    out
}

fn got(
    s: &Store,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    viewer: Tz,
) -> Vec<(String, DateTime<Utc>)> {
    let mut out: Vec<_> = s
        .occurrences_between(from, to, viewer, false)
        .unwrap()
        .into_iter()
        .map(|i| (i.uid.to_string(), i.start_utc))
        .collect();
    out.sort();
    out
}

/// Every producer fixture, every viewer, windows inside, across and beyond the horizon: the
/// index (and the on-demand path) answer exactly what direct expansion answers.
#[test]
fn index_and_on_demand_expansion_agree_with_the_parser() {
    let (mut indexed, _, cal) = store();
    indexed.set_horizon_span(HorizonSpan {
        past: Duration::days(60),
        future: Duration::days(120),
    });
    indexed.refresh_horizon(at(2026, 3, 1, 0, 0)).unwrap();
    let (mut on_demand, _, cal2) = store();
    let uploads: Vec<_> = FIXTURES
        .iter()
        .map(|name| {
            upsert(
                &format!("/1/calendars/home/{name}"),
                "\"1\"",
                ical_fixture(name),
            )
        })
        .collect();
    put(&mut indexed, cal, uploads.clone());
    put(&mut on_demand, cal2, uploads);
    let mut total = 0;
    for viewer in [
        Tz::UTC,
        chrono_tz::Europe::Berlin,
        chrono_tz::America::New_York,
        chrono_tz::Pacific::Auckland,
    ] {
        for (from, days) in [
            (at(2026, 1, 1, 0, 0), 31),  // inside the horizon
            (at(2026, 3, 29, 0, 0), 7),  // across Europe's DST change
            (at(2026, 6, 15, 0, 0), 45), // across the horizon's end
            (at(2026, 12, 1, 0, 0), 31), // beyond it
            (at(2027, 4, 1, 0, 0), 30),
        ] {
            let to = from + Duration::days(days);
            let want = expected(from, to, viewer);
            total += want.len();
            assert_eq!(
                got(&indexed, from, to, viewer),
                want,
                "indexed, {viewer} from {from}"
            );
            assert_eq!(
                got(&on_demand, from, to, viewer),
                want,
                "on demand, {viewer} from {from}"
            );
        }
    }
    assert!(total > 100, "the windows hold only {total} occurrences");
}

/// The instant the horizon is refreshed at: `ALMANAC_TEST_NOW` (RFC 3339) when set, so
/// `./x test` also runs this on a DST-change day and a leap day; else a fixed day.
fn pinned_now() -> DateTime<Utc> {
    std::env::var("ALMANAC_TEST_NOW").map_or_else(
        |_| at(2026, 11, 21, 8, 0),
        |text| DateTime::parse_from_rfc3339(&text).unwrap().to_utc(),
    )
}

/// Series that began a year before the pinned day (weekly in Berlin at 02:30, a time some DST
/// changes skip; daily floating; a yearly all-day day on the pinned date, 29 February
/// included), and the producer fixtures: windows around the pinned day, across the horizon's
/// edges and beyond it answer what direct expansion answers.
#[test]
fn the_horizon_around_the_pinned_day_answers_as_the_parser() {
    let now = pinned_now();
    let start = now - Duration::days(365);
    let (day, month_day) = (start.format("%Y%m%d"), now.format("%m%d"));
    let first_yearly = format!("{}{month_day}", start.format("%Y"));
    let series = [
        ics(
            SOURCE,
            &[&[
                "UID:pinned-weekly",
                &format!("DTSTART;TZID=Europe/Berlin:{day}T023000"),
                "DURATION:PT1H",
                "RRULE:FREQ=WEEKLY",
                "SUMMARY:Night shift",
            ]],
        ),
        ics(
            SOURCE,
            &[&[
                "UID:pinned-daily",
                &format!("DTSTART:{day}T090000"),
                "DURATION:PT30M",
                "RRULE:FREQ=DAILY",
                "SUMMARY:Standup",
            ]],
        ),
        // A day that exists only in leap years recurs only in them (RFC 5545 §3.3.10).
        ics(
            SOURCE,
            &[&[
                "UID:pinned-yearly",
                &format!(
                    "DTSTART;VALUE=DATE:{}",
                    pinned_yearly_start(&first_yearly, now)
                ),
                "RRULE:FREQ=YEARLY",
                "SUMMARY:Anniversary",
            ]],
        ),
    ];
    let mut bodies: Vec<String> = FIXTURES.iter().map(|name| ical_fixture(name)).collect();
    bodies.extend(series);
    let (mut indexed, _, cal) = store();
    indexed.set_horizon_span(HorizonSpan {
        past: Duration::days(60),
        future: Duration::days(120),
    });
    indexed.refresh_horizon(now).unwrap();
    let uploads = bodies
        .iter()
        .enumerate()
        .map(|(i, body)| upsert(&format!("/1/calendars/home/{i}.ics"), "\"1\"", body.clone()))
        .collect();
    put(&mut indexed, cal, uploads);
    let mut total = 0;
    for viewer in [
        Tz::UTC,
        chrono_tz::Europe::Berlin,
        chrono_tz::Pacific::Auckland,
    ] {
        for (from, days) in [
            (now - Duration::days(3), 7),    // around the pinned day
            (now - Duration::days(75), 30),  // across the horizon's start
            (now + Duration::days(100), 40), // across its end
            (now + Duration::days(400), 30), // beyond it
        ] {
            let to = from + Duration::days(days);
            let want = expected_of(&bodies, from, to, viewer);
            total += want.len();
            assert_eq!(
                got(&indexed, from, to, viewer),
                want,
                "{viewer} from {from}"
            );
        }
    }
    let around = got(
        &indexed,
        now - Duration::days(1),
        now + Duration::days(1),
        Tz::UTC,
    );
    assert!(
        around.iter().any(|(uid, _)| uid == "pinned-yearly"),
        "the yearly day on the pinned date: {around:?}"
    );
    assert!(total > 100, "the windows hold only {total} occurrences");
}

/// The yearly series' first day: the pinned month and day in the year before, or four years
/// before for 29 February (which the year before lacks).
fn pinned_yearly_start(first: &str, now: DateTime<Utc>) -> String {
    if chrono::NaiveDate::parse_from_str(first, "%Y%m%d").is_ok() {
        first.to_string()
    } else {
        format!(
            "{}{}",
            now.format("%Y").to_string().parse::<i32>().unwrap() - 4,
            now.format("%m%d")
        )
    }
}

#[test]
fn a_moved_occurrence_keeps_its_own_summary_and_recurrence_id() {
    let (mut s, _, cal) = store();
    s.refresh_horizon(at(2026, 1, 1, 0, 0)).unwrap();
    let body = ical_fixture("icloud_weekly_berlin.ics");
    put(
        &mut s,
        cal,
        vec![upsert("/1/calendars/home/w.ics", "\"1\"", body)],
    );
    let items = s
        .occurrences_between(at(2026, 1, 1, 0, 0), at(2026, 4, 1, 0, 0), Tz::UTC, true)
        .unwrap();
    assert!(items.len() > 8);
    assert!(items.iter().all(|i| i.recurrence_id.is_some()));
    assert!(items.windows(2).all(|w| w[0].start_utc <= w[1].start_utc));
}

#[test]
fn moving_the_horizon_keeps_answers_and_survives_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("almanac.sqlite");
    let (from, to) = (at(2026, 9, 1, 0, 0), at(2026, 10, 1, 0, 0));
    let berlin = chrono_tz::Europe::Berlin;
    let before = {
        let mut s = Store::open(&path).unwrap();
        s.refresh_horizon(at(2026, 1, 1, 0, 0)).unwrap();
        let a = s
            .add_account(
                almanac_core::AccountKind::Caldav,
                "u",
                "https://dav.example/",
            )
            .unwrap();
        let cal = s
            .upsert_calendar(a, &common::listing("/cal/", "Cal"))
            .unwrap();
        let uploads = FIXTURES
            .iter()
            .map(|name| upsert(&format!("/cal/{name}"), "\"1\"", ical_fixture(name)))
            .collect();
        put(&mut s, cal, uploads);
        s.occurrences_between(from, to, berlin, true).unwrap()
    };
    assert!(!before.is_empty());
    let mut s = Store::open(&path).unwrap();
    assert_eq!(
        s.occurrences_between(from, to, berlin, true).unwrap(),
        before
    );
    assert!(
        s.refresh_horizon(at(2028, 6, 1, 0, 0)).unwrap(),
        "far from the old horizon"
    );
    assert_eq!(
        s.occurrences_between(from, to, berlin, true).unwrap(),
        before,
        "now beyond the horizon, expanded on demand"
    );
    assert!(s.refresh_horizon(at(2026, 8, 1, 0, 0)).unwrap());
    assert_eq!(
        s.occurrences_between(from, to, berlin, true).unwrap(),
        before
    );
}

#[test]
fn a_series_too_dense_to_index_is_expanded_on_demand_everywhere() {
    let (mut s, _, cal) = store();
    s.refresh_horizon(at(2026, 1, 1, 0, 0)).unwrap();
    // Shape: an hourly reminder series as some task apps export it (RFC 5545 allows
    // FREQ=HOURLY); three years of it exceed the expansion limit of 10,000 occurrences.
    let body = ics(
        SOURCE,
        &[&[
            "UID:hourly-1",
            "DTSTART:20260101T000000Z",
            "DTEND:20260101T000500Z",
            "RRULE:FREQ=HOURLY",
            "SUMMARY:Stretch",
        ]],
    );
    put(
        &mut s,
        cal,
        vec![upsert("/1/calendars/home/hourly.ics", "\"1\"", body)],
    );
    for (from, hours) in [(at(2026, 1, 1, 0, 0), 24), (at(2027, 6, 1, 0, 0), 24 * 30)] {
        let to = from + Duration::hours(hours);
        let items = s.occurrences_between(from, to, Tz::UTC, true).unwrap();
        assert_eq!(items.len(), usize::try_from(hours).unwrap(), "from {from}");
    }
}
