//! Applying batches: storage, quarantine, deletes, tokens, cascades, search.

use crate::common::{at, ical_fixture, ics, listing, put, store, upsert};
use almanac_core::{CalendarId, Etag, Href, SyncToken};
use almanac_store::{Batch, StoreError};
use chrono_tz::Tz;

const SOURCE: &str = "hand-written after iCloud calendar-multiget bodies";

fn lunch(uid: &str, summary: &str) -> String {
    ics(
        SOURCE,
        &[&[
            &format!("UID:{uid}"),
            "DTSTART;TZID=Europe/Berlin:20260701T120000",
            "DTEND;TZID=Europe/Berlin:20260701T130000",
            &format!("SUMMARY:{summary}"),
            "LOCATION:Café Einstein",
            "DESCRIPTION:Bring the quarterly numbers",
        ]],
    )
}

#[test]
fn a_batch_stores_replaces_and_deletes_with_its_token() {
    let (mut s, _, cal) = store();
    let batch = Batch {
        upserts: vec![
            upsert(
                "/1/calendars/home/a.ics",
                "\"a1\"",
                lunch("a", "Lunch with Ana"),
            ),
            upsert(
                "/1/calendars/home/b.ics",
                "\"b1\"",
                lunch("b", "Lunch with Ben"),
            ),
        ],
        deletes: vec![],
        new_sync_token: Some(SyncToken::new("HwoQEgwAAA==")),
        new_ctag: Some("ctag-1".to_owned()),
        undelivered: vec![],
    };
    let report = s.apply_batch(cal, &batch).unwrap();
    assert_eq!(report.stored, 2);
    assert_eq!(
        s.sync_token(cal).unwrap(),
        Some(SyncToken::new("HwoQEgwAAA=="))
    );
    assert_eq!(s.ctag(cal).unwrap().as_deref(), Some("ctag-1"));
    assert_eq!(s.resource_count(cal).unwrap(), 2);

    let second = Batch {
        upserts: vec![upsert(
            "/1/calendars/home/a.ics",
            "\"a2\"",
            lunch("a", "Dinner with Ana"),
        )],
        deletes: vec![
            Href::new("/1/calendars/home/b.ics"),
            Href::new("/1/calendars/home/zz.ics"),
        ],
        ..Batch::default()
    };
    let report = s.apply_batch(cal, &second).unwrap();
    assert_eq!(
        report.deleted, 1,
        "an unknown href is not an error and not counted"
    );
    let etags = s.local_etags(cal).unwrap();
    assert_eq!(etags.len(), 1);
    assert_eq!(
        etags[&Href::new("/1/calendars/home/a.ics")],
        Etag::new("\"a2\"")
    );
    assert_eq!(
        s.sync_token(cal).unwrap(),
        Some(SyncToken::new("HwoQEgwAAA==")),
        "kept when not given"
    );
    let day = s
        .occurrences_between(at(2026, 7, 1, 0, 0), at(2026, 7, 2, 0, 0), Tz::UTC, true)
        .unwrap();
    let names: Vec<_> = day.iter().map(|i| i.summary.clone().unwrap()).collect();
    assert_eq!(
        names,
        ["Dinner with Ana"],
        "replaced occurrences, deleted ones gone"
    );
    assert_eq!(day[0].start_utc, at(2026, 7, 1, 10, 0));
    assert_eq!(day[0].location.as_deref(), Some("Café Einstein"));
    assert_eq!(day[0].calendar_name, "Home");
    assert!(
        s.search("lunch", 10).unwrap().is_empty(),
        "replaced search rows"
    );
    assert_eq!(s.search("dinner", 10).unwrap().len(), 1);
    assert!(
        s.search("ben", 10).unwrap().is_empty(),
        "deleted search rows"
    );
}

#[test]
fn a_batch_for_a_removed_calendar_applies_nothing() {
    let (mut s, _, _) = store();
    let batch = Batch {
        upserts: vec![upsert("/x/a.ics", "\"1\"", lunch("a", "Lunch"))],
        new_sync_token: Some(SyncToken::new("t")),
        ..Batch::default()
    };
    let err = s.apply_batch(CalendarId(999), &batch).unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::NotFound {
                what: "calendar",
                ..
            }
        ),
        "{err:?}"
    );
    assert!(s.search("lunch", 10).unwrap().is_empty());
}

#[test]
fn unparseable_resources_are_kept_raw_and_counted() {
    let (mut s, account, cal) = store();
    // Shape: what a broken exporter sends, a VCALENDAR whose VEVENT has no DTSTART at all.
    let broken = ics(SOURCE, &[&["UID:no-start-1", "SUMMARY:Mystery meeting"]]);
    // Shape: a VTODO in a collection that also holds events (Nextcloud allows mixed sets).
    let task = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VTODO\r\nUID:t1\r\nSUMMARY:Buy milk\r\n\
                END:VTODO\r\nEND:VCALENDAR\r\n"
        .to_owned();
    let batch = Batch {
        upserts: vec![
            upsert("/1/calendars/home/bad.ics", "\"1\"", broken.clone()),
            upsert("/1/calendars/home/task.ics", "\"1\"", task),
            upsert("/1/calendars/home/ok.ics", "\"1\"", lunch("ok", "Lunch")),
        ],
        new_sync_token: Some(SyncToken::new("t2")),
        ..Batch::default()
    };
    let report = s.apply_batch(cal, &batch).unwrap();
    assert_eq!(
        (report.stored, report.not_events, report.quarantined.len()),
        (1, 1, 1)
    );
    assert_eq!(
        s.sync_token(cal).unwrap(),
        Some(SyncToken::new("t2")),
        "the rest syncs"
    );
    let q = s.quarantined().unwrap();
    assert_eq!(q.len(), 1);
    assert_eq!(q[0].href, Href::new("/1/calendars/home/bad.ics"));
    assert_eq!(q[0].uid.as_ref().map(|u| u.as_str()), Some("no-start-1"));
    assert_eq!(q[0].summary.as_deref(), Some("Mystery meeting"));
    assert_eq!(s.quarantined_count(account).unwrap(), 1);
    assert_eq!(
        s.resource_ics(cal, &Href::new("/1/calendars/home/bad.ics"))
            .unwrap(),
        broken
    );
    assert_eq!(s.resource_count(cal).unwrap(), 3);
    let status = s.status(account).unwrap();
    assert_eq!(status.quarantined, 1);
    assert_eq!(status.calendars[0].resources, 3);

    // A fixed version replaces the quarantined one.
    put(
        &mut s,
        cal,
        vec![upsert(
            "/1/calendars/home/bad.ics",
            "\"2\"",
            lunch("no-start-1", "Fixed"),
        )],
    );
    assert!(s.quarantined().unwrap().is_empty());
    assert_eq!(s.quarantined_count(account).unwrap(), 0);
}

#[test]
fn removing_a_calendar_or_account_removes_everything_below_it() {
    let (mut s, account, cal) = store();
    let other = s
        .upsert_calendar(account, &listing("/1/calendars/work/", "Work"))
        .unwrap();
    put(
        &mut s,
        cal,
        vec![upsert(
            "/1/calendars/home/a.ics",
            "\"1\"",
            lunch("a", "Home lunch"),
        )],
    );
    put(
        &mut s,
        other,
        vec![upsert(
            "/1/calendars/work/a.ics",
            "\"1\"",
            lunch("a", "Work lunch"),
        )],
    );
    assert_eq!(s.search("lunch", 10).unwrap().len(), 2);
    s.remove_calendar(cal).unwrap();
    let hits = s.search("lunch", 10).unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].calendar, other);
    s.remove_account(account).unwrap();
    assert!(s.search("lunch", 10).unwrap().is_empty());
    assert!(s.all_calendars().unwrap().is_empty());
    let all = s
        .occurrences_between(at(2000, 1, 1, 0, 0), at(2100, 1, 1, 0, 0), Tz::UTC, false)
        .unwrap();
    assert!(all.is_empty());
}

#[test]
fn the_same_href_in_two_calendars_is_two_resources() {
    let (mut s, account, cal) = store();
    let other = s
        .upsert_calendar(account, &listing("/1/calendars/work/", "Work"))
        .unwrap();
    put(
        &mut s,
        cal,
        vec![upsert("/same.ics", "\"1\"", lunch("a", "One"))],
    );
    put(
        &mut s,
        other,
        vec![upsert("/same.ics", "\"1\"", lunch("a", "Two"))],
    );
    assert_eq!(s.resource_count(cal).unwrap(), 1);
    assert_eq!(s.resource_count(other).unwrap(), 1);
}

#[test]
fn search_matches_prefixes_accents_and_never_chokes_on_syntax() {
    let (mut s, _, cal) = store();
    put(
        &mut s,
        cal,
        vec![upsert(
            "/1/calendars/home/a.ics",
            "\"1\"",
            lunch("a", "Quarterly review"),
        )],
    );
    put(
        &mut s,
        cal,
        vec![upsert(
            "/1/calendars/home/w.ics",
            "\"1\"",
            ical_fixture("icloud_weekly_berlin.ics"),
        )],
    );
    assert_eq!(s.search("quart", 10).unwrap().len(), 1, "prefix");
    assert_eq!(
        s.search("cafe einst", 10).unwrap().len(),
        1,
        "accents, two words"
    );
    assert_eq!(s.search("numbers", 10).unwrap().len(), 1, "description");
    assert_eq!(s.search("Konferenzraum", 10).unwrap().len(), 1, "location");
    assert!(
        s.search("quarterly weekly", 10).unwrap().is_empty(),
        "all words must match"
    );
    let hit = &s.search("team", 10).unwrap()[0];
    assert_eq!(hit.summary, "Team Weekly");
    assert!(hit.start.is_some());
    for hostile in [
        "\"",
        "NEAR(",
        "a OR",
        "*",
        "-x",
        "summary:foo",
        ")",
        "\"\"\"",
        "AND",
        "^",
        "'; DROP TABLE x",
    ] {
        assert!(s.search(hostile, 10).is_ok(), "{hostile:?}");
    }
    assert!(s.search("", 10).unwrap().is_empty());
    assert_eq!(s.search("e", 1).unwrap().len(), 1, "limit");
}
