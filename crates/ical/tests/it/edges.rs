//! Edges: DST gaps and overlaps, hostile rules, input that is not an event.

use crate::common::utc;
use almanac_ical::{IcalError, Limits, WarningKind, Window};
use chrono_tz::{Europe, UTC};
use std::time::Instant;

fn event(body: &str) -> String {
    format!("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\n{body}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
}

#[test]
fn daily_0230_in_berlin_moves_out_of_the_gap_and_takes_the_first_of_the_overlap() {
    let obj = almanac_ical::parse(&event(
        "DTSTART;TZID=Europe/Berlin:20260327T023000\r\nDURATION:PT30M\r\nRRULE:FREQ=DAILY",
    ))
    .unwrap();
    let w = Window {
        start: utc(2026, 3, 28, 0, 0),
        end: utc(2026, 3, 31, 0, 0),
        viewer: UTC,
    };
    let starts: Vec<_> = obj
        .expand(w, Limits::default())
        .occurrences
        .iter()
        .map(|o| o.instants(UTC).0)
        .collect();
    // 28 March CET (+1), 29 March 02:30 does not exist: read with the offset before the gap,
    // i.e. 01:30 UTC (03:30 CEST); 30 March CEST (+2).
    assert_eq!(
        starts,
        [
            utc(2026, 3, 28, 1, 30),
            utc(2026, 3, 29, 1, 30),
            utc(2026, 3, 30, 0, 30)
        ]
    );
    let w = Window {
        start: utc(2026, 10, 24, 12, 0),
        end: utc(2026, 10, 26, 0, 0),
        viewer: UTC,
    };
    let starts: Vec<_> = obj
        .expand(w, Limits::default())
        .occurrences
        .iter()
        .map(|o| o.instants(UTC).0)
        .collect();
    // 25 October 02:30 happens twice: the first (CEST, 00:30 UTC) is meant.
    assert_eq!(starts, [utc(2026, 10, 25, 0, 30)]);
}

#[test]
fn floating_times_follow_the_viewer() {
    let obj =
        almanac_ical::parse(&event("DTSTART:20260601T090000\r\nDTEND:20260601T100000")).unwrap();
    for (viewer, hour) in [(Europe::Berlin, 7), (UTC, 9)] {
        let w = Window {
            start: utc(2026, 6, 1, 0, 0),
            end: utc(2026, 6, 2, 0, 0),
            viewer,
        };
        let exp = obj.expand(w, Limits::default());
        assert_eq!(
            exp.occurrences[0].instants(viewer).0,
            utc(2026, 6, 1, hour, 0)
        );
    }
}

#[test]
fn an_unbounded_dense_rule_far_from_its_start_is_capped_quickly() {
    let obj =
        almanac_ical::parse(&event("DTSTART:19700101T000000Z\r\nRRULE:FREQ=SECONDLY")).unwrap();
    let w = Window {
        start: utc(2026, 1, 1, 0, 0),
        end: utc(2026, 1, 2, 0, 0),
        viewer: UTC,
    };
    let began = Instant::now();
    let exp = obj.expand(
        w,
        Limits {
            max_occurrences: 100,
            max_steps: 200_000,
        },
    );
    assert!(began.elapsed().as_secs() < 10, "took {:?}", began.elapsed());
    assert!(exp.capped);
    assert!(exp.warnings.iter().any(|w| w.kind == WarningKind::Capped));
}

#[test]
fn a_dense_rule_inside_the_window_is_capped_at_the_occurrence_limit() {
    let obj =
        almanac_ical::parse(&event("DTSTART:20260101T000000Z\r\nRRULE:FREQ=MINUTELY")).unwrap();
    let w = Window {
        start: utc(2026, 1, 1, 0, 0),
        end: utc(2027, 1, 1, 0, 0),
        viewer: UTC,
    };
    let exp = obj.expand(
        w,
        Limits {
            max_occurrences: 500,
            ..Limits::default()
        },
    );
    assert_eq!(exp.occurrences.len(), 500);
    assert!(exp.capped);
    assert_eq!(exp.occurrences[499].instants(UTC).0, utc(2026, 1, 1, 8, 19));
}

#[test]
fn an_unbounded_sparse_rule_returns_only_the_window() {
    let obj =
        almanac_ical::parse(&event("DTSTART;VALUE=DATE:20000229\r\nRRULE:FREQ=YEARLY")).unwrap();
    let w = Window {
        start: utc(2026, 1, 1, 0, 0),
        end: utc(2033, 1, 1, 0, 0),
        viewer: UTC,
    };
    let exp = obj.expand(w, Limits::default());
    let dates: Vec<_> = exp.occurrences.iter().map(|o| o.start).collect();
    // 29 February recurs only in leap years (RFC 5545: invalid dates are skipped).
    assert_eq!(dates.len(), 2, "{dates:?}");
    assert!(!exp.capped);
}

#[test]
fn not_an_event_is_an_error_and_size_is_bounded() {
    assert_eq!(almanac_ical::parse("").unwrap_err(), IcalError::NoEvent);
    assert_eq!(
        almanac_ical::parse(
            "BEGIN:VCALENDAR\r\nBEGIN:VTODO\r\nUID:t\r\nEND:VTODO\r\nEND:VCALENDAR"
        )
        .unwrap_err(),
        IcalError::NoEvent
    );
    let big = "X".repeat(almanac_ical::MAX_ICS_BYTES + 1);
    assert!(matches!(
        almanac_ical::parse(&big),
        Err(IcalError::TooLarge { .. })
    ));
}

#[test]
fn zero_length_and_missing_end() {
    let obj = almanac_ical::parse(&event("DTSTART:20260601T090000Z")).unwrap();
    let at = |m| Window {
        start: utc(2026, 6, 1, 8, m),
        end: utc(2026, 6, 1, 9, 0) + chrono::Duration::minutes(m.into()),
        viewer: UTC,
    };
    assert_eq!(obj.expand(at(1), Limits::default()).occurrences.len(), 1);
    assert_eq!(
        obj.expand(at(0), Limits::default()).occurrences.len(),
        0,
        "window end is exclusive"
    );
    let obj = almanac_ical::parse(&event("DTSTART;VALUE=DATE:20260601")).unwrap();
    let exp = obj.expand(
        Window {
            start: utc(2026, 6, 1, 23, 0),
            end: utc(2026, 6, 2, 0, 0),
            viewer: UTC,
        },
        Limits::default(),
    );
    assert_eq!(
        exp.occurrences.len(),
        1,
        "a DATE without DTEND lasts one day"
    );
}

#[test]
fn extreme_values_saturate_instead_of_panicking() {
    let bodies = [
        "DTSTART:99991231T230000Z\r\nDURATION:P999999999W\r\nRRULE:FREQ=DAILY",
        "DTSTART;VALUE=DATE:99991231\r\nDURATION:P999999999D\r\nRDATE;VALUE=PERIOD:99991231T000000Z/P999999999W",
        "DTSTART:00000101T000000Z\r\nRRULE:FREQ=WEEKLY;INTERVAL=65535;UNTIL=99991231T000000Z\r\nBEGIN:VALARM\r\nTRIGGER:-P999999999W\r\nREPEAT:100000\r\nDURATION:P999999999W\r\nEND:VALARM",
        "DTSTART:00000101T000000\r\nRRULE:FREQ=YEARLY;BYSETPOS=-366,366;BYYEARDAY=-366,366;BYWEEKNO=53,-53;BYDAY=-53MO,53SU",
        &format!(
            "DTSTART:20260101T000000Z\r\nDURATION:P{}W",
            "1000000000W".repeat(10)
        ),
    ];
    for body in bodies {
        let text = event(body).replace(
            "END:VEVENT",
            "END:VEVENT\r\nBEGIN:VEVENT\r\nUID:x\r\nRECURRENCE-ID;RANGE=THISANDFUTURE:20260101T000000Z\r\nDTSTART:99991231T000000Z\r\nEND:VEVENT",
        );
        let obj = almanac_ical::parse(&text).unwrap();
        for (from, to) in [
            (utc(2026, 1, 1, 0, 0), utc(2027, 1, 1, 0, 0)),
            (utc(9999, 1, 1, 0, 0), utc(9999, 12, 31, 0, 0)),
        ] {
            let _ = obj.expand(
                Window {
                    start: from,
                    end: to,
                    viewer: Europe::Berlin,
                },
                Limits::default(),
            );
        }
    }
}

#[test]
fn recurrence_ids_match_across_forms_and_zones_and_the_higher_sequence_wins() {
    let text = "BEGIN:VCALENDAR\r\n\
        BEGIN:VEVENT\r\nUID:y\r\nDTSTART;TZID=Europe/Berlin:20260105T150000\r\nDURATION:PT1H\r\nRRULE:FREQ=DAILY;COUNT=4\r\nEND:VEVENT\r\n\
        BEGIN:VEVENT\r\nUID:y\r\nRECURRENCE-ID;TZID=America/New_York:20260106T090000\r\nDTSTART;TZID=Europe/Berlin:20260106T170000\r\nSUMMARY:zone\r\nEND:VEVENT\r\n\
        BEGIN:VEVENT\r\nUID:y\r\nRECURRENCE-ID;VALUE=DATE:20260107\r\nDTSTART;TZID=Europe/Berlin:20260107T180000\r\nSUMMARY:date old\r\nSEQUENCE:1\r\nEND:VEVENT\r\n\
        BEGIN:VEVENT\r\nUID:y\r\nRECURRENCE-ID;VALUE=DATE:20260107\r\nDTSTART;TZID=Europe/Berlin:20260107T190000\r\nSUMMARY:date new\r\nSEQUENCE:2\r\nEND:VEVENT\r\n\
        END:VCALENDAR\r\n";
    let obj = almanac_ical::parse(text).unwrap();
    assert_eq!(obj.overrides.len(), 2);
    assert!(
        obj.warnings
            .iter()
            .any(|w| w.kind == WarningKind::Inconsistent)
    );
    let w = Window {
        start: utc(2026, 1, 1, 0, 0),
        end: utc(2026, 2, 1, 0, 0),
        viewer: UTC,
    };
    let exp = obj.expand(w, Limits::default());
    let got: Vec<_> = exp
        .occurrences
        .iter()
        .map(|o| (o.instants(UTC).0, o.summary().map(str::to_owned)))
        .collect();
    assert_eq!(
        got,
        [
            (utc(2026, 1, 5, 14, 0), None),
            (utc(2026, 1, 6, 16, 0), Some("zone".to_owned())),
            (utc(2026, 1, 7, 18, 0), Some("date new".to_owned())),
            (utc(2026, 1, 8, 14, 0), None),
        ]
    );
}

#[test]
fn a_rule_without_freq_leaves_the_first_occurrence() {
    let obj =
        almanac_ical::parse(&event("DTSTART:20260105T150000Z\r\nRRULE:COUNT=4;BYDAY=MO")).unwrap();
    assert!(obj.warnings.iter().any(|w| w.kind == WarningKind::BadRule));
    let w = Window {
        start: utc(2026, 1, 1, 0, 0),
        end: utc(2026, 3, 1, 0, 0),
        viewer: UTC,
    };
    assert_eq!(obj.expand(w, Limits::default()).occurrences.len(), 1);
}

#[test]
fn a_long_rdate_period_that_began_before_the_window_is_found() {
    let obj = almanac_ical::parse(&event(
        "DTSTART:20260105T150000Z\r\nDURATION:PT1H\r\nRDATE;VALUE=PERIOD:20260110T000000Z/P30D",
    ))
    .unwrap();
    let w = Window {
        start: utc(2026, 2, 1, 0, 0),
        end: utc(2026, 2, 2, 0, 0),
        viewer: UTC,
    };
    let exp = obj.expand(w, Limits::default());
    assert_eq!(exp.occurrences.len(), 1);
    assert_eq!(
        exp.occurrences[0].instants(UTC),
        (utc(2026, 1, 10, 0, 0), utc(2026, 2, 9, 0, 0))
    );
}

#[test]
fn an_hourly_rule_across_a_gap_gives_each_instant_once() {
    // Sydney springs forward on 4 October 2026 at 02:00: wall-clock 02:00 and 03:00 are one
    // instant, 16:00 UTC.
    let obj = almanac_ical::parse(&event(
        "DTSTART;TZID=Australia/Sydney:20261004T000000\r\nRRULE:FREQ=HOURLY;COUNT=5",
    ))
    .unwrap();
    let w = Window {
        start: utc(2026, 10, 3, 0, 0),
        end: utc(2026, 10, 5, 0, 0),
        viewer: UTC,
    };
    let starts: Vec<_> = obj
        .expand(w, Limits::default())
        .occurrences
        .iter()
        .map(|o| o.instants(UTC).0)
        .collect();
    assert_eq!(
        starts,
        [
            utc(2026, 10, 3, 14, 0),
            utc(2026, 10, 3, 15, 0),
            utc(2026, 10, 3, 16, 0),
            utc(2026, 10, 3, 17, 0)
        ]
    );
}

#[test]
fn a_day_before_reminder_counts_days_on_the_wall_clock() {
    let body = "DTSTART;TZID=Europe/Berlin:20260329T100000\r\nDURATION:PT1H\r\n\
        BEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:-P1D\r\nEND:VALARM\r\n\
        BEGIN:VALARM\r\nACTION:AUDIO\r\nTRIGGER:-PT24H\r\nEND:VALARM";
    let obj = almanac_ical::parse(&event(body)).unwrap();
    let w = Window {
        start: utc(2026, 3, 29, 0, 0),
        end: utc(2026, 3, 30, 0, 0),
        viewer: UTC,
    };
    let exp = obj.expand(w, Limits::default());
    let at: Vec<_> = exp.occurrences[0].alarms.iter().map(|a| a.at).collect();
    // 10:00 CEST is 08:00 UTC; "one day before" is 10:00 CET on the 28th (09:00 UTC), while
    // 24 hours before is 08:00 UTC.
    assert_eq!(at, [utc(2026, 3, 28, 8, 0), utc(2026, 3, 28, 9, 0)]);
}
