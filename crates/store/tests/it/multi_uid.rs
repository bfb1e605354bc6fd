//! A CalDAV resource that breaks the one-UID rule (RFC 4791 §4.1): every event it holds is
//! indexed, expanded, searched and reminded of, and the resource is listed for a note.

use crate::common::{at, ics, put, store, upsert};
use almanac_core::{Href, Uid};
use almanac_store::{Batch, HorizonSpan, MultiUidResource};
use chrono_tz::Tz;

/// Shape: a whole exported file PUT as one resource, as some importers do (Thunderbird's
/// "import into a CalDAV calendar" of a multi-event file on older servers, and scripts that
/// upload an export verbatim); three UIDs, one a weekly series with a moved occurrence in the
/// same resource, one all-day with an alarm.
fn three_events() -> String {
    ics(
        "hand-written after an exported file uploaded as one CalDAV resource",
        &[
            &[
                "UID:first@example.com",
                "DTSTART;TZID=Europe/Berlin:20260701T120000",
                "DTEND;TZID=Europe/Berlin:20260701T130000",
                "SUMMARY:Lunch with Ana",
            ],
            &[
                "UID:series@example.com",
                "DTSTART:20260702T080000Z",
                "DTEND:20260702T083000Z",
                "RRULE:FREQ=WEEKLY;COUNT=3",
                "SUMMARY:Stand-up",
            ],
            &[
                "UID:series@example.com",
                "RECURRENCE-ID:20260709T080000Z",
                "DTSTART:20260709T090000Z",
                "DTEND:20260709T093000Z",
                "SUMMARY:Stand-up (moved)",
            ],
            &[
                "UID:holiday@example.com",
                "DTSTART;VALUE=DATE:20260714",
                "DTEND;VALUE=DATE:20260715",
                "SUMMARY:Bastille Day",
                "BEGIN:VALARM",
                "ACTION:DISPLAY",
                "DESCRIPTION:Holiday tomorrow",
                "TRIGGER:-PT12H",
                "END:VALARM",
            ],
        ],
    )
}

const HREF: &str = "/1/calendars/home/export.ics";

fn summaries(s: &almanac_store::Store) -> Vec<(String, String)> {
    s.occurrences_between(at(2026, 6, 1, 0, 0), at(2026, 8, 1, 0, 0), Tz::UTC, false)
        .unwrap()
        .into_iter()
        .map(|o| (o.uid.to_string(), o.summary.unwrap_or_default()))
        .collect()
}

#[test]
fn a_resource_with_three_uids_keeps_all_its_events_with_a_note() {
    let (mut s, account, cal) = store();
    put(&mut s, cal, vec![upsert(HREF, "\"e1\"", three_events())]);
    let want = vec![
        (
            "first@example.com".to_string(),
            "Lunch with Ana".to_string(),
        ),
        ("series@example.com".into(), "Stand-up".into()),
        ("series@example.com".into(), "Stand-up (moved)".into()),
        ("holiday@example.com".into(), "Bastille Day".into()),
        ("series@example.com".into(), "Stand-up".into()),
    ];
    // Without a horizon the series is expanded from the stored text on demand...
    assert_eq!(summaries(&s), want);
    // ...and materialised over one, with the same answer and no event twice.
    s.refresh_horizon(at(2026, 6, 15, 0, 0)).unwrap();
    assert_eq!(summaries(&s), want);
    // Beyond the horizon the whole resource is expanded again from its text.
    s.set_horizon_span(HorizonSpan {
        past: chrono::Duration::days(1),
        future: chrono::Duration::days(1),
    });
    s.refresh_horizon(at(2026, 1, 1, 0, 0)).unwrap();
    assert_eq!(summaries(&s), want);

    assert_eq!(
        s.multi_uid_resources().unwrap(),
        vec![MultiUidResource {
            calendar: cal,
            href: Href::new(HREF),
            uids: 3,
            uid: Some(Uid::new("first@example.com")),
            summary: Some("Lunch with Ana".into()),
        }]
    );
    assert_eq!(s.multi_uid_count(account).unwrap(), 1);
    assert_eq!(s.quarantined_count(account).unwrap(), 0);

    let hits = s.search("bastille", 10).unwrap();
    assert_eq!(hits.len(), 1, "the third event is searchable");
    let alarms = s
        .alarms_between(at(2026, 7, 13, 0, 0), at(2026, 7, 14, 0, 0), Tz::UTC)
        .unwrap();
    assert_eq!(alarms.len(), 1, "{alarms:?}");
    assert_eq!(alarms[0].uid, Uid::new("holiday@example.com"));
}

#[test]
fn a_resource_brought_back_to_one_uid_loses_its_note() {
    let (mut s, account, cal) = store();
    put(&mut s, cal, vec![upsert(HREF, "\"e1\"", three_events())]);
    let one = ics(
        "hand-written after an iCloud calendar-multiget body",
        &[&[
            "UID:first@example.com",
            "DTSTART:20260701T100000Z",
            "SUMMARY:Lunch with Ana",
        ]],
    );
    put(&mut s, cal, vec![upsert(HREF, "\"e2\"", one)]);
    assert!(s.multi_uid_resources().unwrap().is_empty());
    assert_eq!(s.multi_uid_count(account).unwrap(), 0);
    assert_eq!(summaries(&s).len(), 1);
    s.apply_batch(
        cal,
        &Batch {
            deletes: vec![Href::new(HREF)],
            ..Batch::default()
        },
    )
    .unwrap();
    assert!(summaries(&s).is_empty());
}
