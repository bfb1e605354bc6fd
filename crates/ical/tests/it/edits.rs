//! Writing events: composing new ones, editing stored ones faithfully, recurring scopes,
//! invitation answers and three-way merges, checked on fixtures from real producers and, for
//! every scope, with our own expansion.

use crate::common::{self, expand, fixture, lines, utc};
use almanac_ical::{
    Changes, EventTime, IcalError, Merge, NewEvent, PartStat, ResourceWrite, Scope, ScopedEdit,
    Trigger, Uid, compose, delete, edit, merge, parse, set_partstat,
};
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Europe::Berlin;

fn now() -> DateTime<Utc> {
    utc(2026, 3, 1, 12, 0)
}

fn berlin(y: i32, m: u32, d: u32, h: u32, mi: u32) -> EventTime {
    EventTime::Zoned {
        local: NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_opt(h, mi, 0)
            .unwrap(),
        tz: Berlin,
    }
}

fn day(y: i32, m: u32, d: u32) -> EventTime {
    EventTime::Date {
        date: NaiveDate::from_ymd_opt(y, m, d).unwrap(),
    }
}

fn new_uid() -> Uid {
    Uid::new("9C1D2E3F-NEW-SERIES")
}

/// The text with LF line ends (the iCloud fixtures have CRLF), for readable assertions.
fn lf(text: &str) -> String {
    text.replace("\r\n", "\n")
}

/// Unfolded, with LF line ends: what `contains` assertions on whole properties look at.
fn unfolded(text: &str) -> String {
    lf(text).replace("\n ", "")
}

fn put(result: &ScopedEdit) -> String {
    match &result.resource {
        ResourceWrite::Put(text) => lf(text),
        ResourceWrite::Delete => panic!("expected a PUT, got a DELETE"),
    }
}

fn edit_all(raw: &str, changes: Changes) -> String {
    put(&edit(raw, &Scope::All, &changes, now(), new_uid).unwrap())
}

/// Unfolded logical lines, so a diff sees properties, not folding.
fn logical(text: &str) -> Vec<String> {
    text.replace("\r\n", "\n")
        .replace("\n ", "")
        .lines()
        .map(str::to_owned)
        .collect()
}

/// The logical lines removed from `a` and added in `b` (longest common subsequence).
fn diff(a: &str, b: &str) -> (Vec<String>, Vec<String>) {
    let (a, b) = (logical(a), logical(b));
    let mut lcs = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j, mut removed, mut added) = (0, 0, Vec::new(), Vec::new());
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            i += 1;
            j += 1;
        } else if j < b.len() && (i == a.len() || lcs[i][j + 1] >= lcs[i + 1][j]) {
            added.push(b[j].clone());
            j += 1;
        } else {
            removed.push(a[i].clone());
            i += 1;
        }
    }
    (removed, added)
}

/// The property names of changed lines.
fn changed_names(a: &str, b: &str) -> Vec<String> {
    let (removed, added) = diff(a, b);
    let mut names: Vec<String> = removed
        .iter()
        .chain(&added)
        .map(|l| l.split([';', ':']).next().unwrap_or_default().to_owned())
        .collect();
    names.sort();
    names.dedup();
    names
}

fn occurrences(text: &str, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<String> {
    lines(&expand(&parse(text).unwrap(), from, to, Berlin))
}

fn weekly() -> String {
    fixture("icloud_weekly_berlin.ics")
}

fn new_event() -> NewEvent {
    NewEvent {
        uid: Uid::new("5B0C7E2A-1D4F-4E8B-9A3C-2F6D8E0B1A7C"),
        summary: "Design review; draft, v2".into(),
        start: berlin(2026, 3, 10, 10, 0),
        end: berlin(2026, 3, 10, 11, 30),
        rrule: Some("FREQ=WEEKLY;BYDAY=TU;UNTIL=20260331".into()),
        location: Some("Raum 4\nFriedrichstraße 68, Berlin".into()),
        description: Some(format!(
            "Agenda:\r\n1. {}",
            "a long line of notes ".repeat(8)
        )),
        url: Some("https://example.com/review".into()),
        alarms: vec![
            Trigger::Start(almanac_ical::IcalDuration {
                days: 0,
                seconds: -900,
            }),
            Trigger::Start(almanac_ical::IcalDuration {
                days: -1,
                seconds: 0,
            }),
        ],
    }
}

// ---------------------------------------------------------------------------------------------
// Composing

#[test]
fn a_new_event_has_the_shape_icloud_accepts_and_reads_back_the_same() {
    let text = compose(&new_event(), now()).unwrap();
    for line in text.split("\r\n") {
        assert!(line.len() <= 75, "{line:?} is over 75 octets");
    }
    assert!(text.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Almanac//EN\r\n"));
    assert!(!text.contains("METHOD"));
    assert_eq!(text.matches("UID:5B0C7E2A").count(), 1);
    assert_eq!(
        text.matches("DTSTAMP:").count(),
        1,
        "no DTSTAMP inside VALARM:\n{text}"
    );
    for stamp in ["DTSTAMP", "CREATED", "LAST-MODIFIED"] {
        assert!(
            text.contains(&format!("{stamp}:20260301T120000Z\r\n")),
            "{stamp}"
        );
    }
    assert!(text.contains("SEQUENCE:0\r\n"));
    assert!(text.contains("DTSTART;TZID=Europe/Berlin:20260310T100000\r\n"));
    assert!(text.contains("DTEND;TZID=Europe/Berlin:20260310T113000\r\n"));
    assert!(text.contains("RRULE:FREQ=WEEKLY;BYDAY=TU;UNTIL=20260331T215959Z\r\n"));
    assert!(text.contains("BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\n"));
    assert!(text.contains("TRIGGER:-PT15M\r\n") && text.contains("TRIGGER:-P1D\r\n"));
    assert!(text.contains("SUMMARY:Design review\\; draft\\, v2\r\n"));
    assert_eq!(compose(&new_event(), now()).unwrap(), text, "deterministic");

    let object = parse(&text).unwrap();
    assert!(object.warnings.is_empty(), "{:?}", object.warnings);
    let master = object.master.unwrap();
    assert_eq!(master.start, berlin(2026, 3, 10, 10, 0));
    let d = &master.details;
    assert_eq!(d.summary.as_deref(), Some("Design review; draft, v2"));
    assert_eq!(
        d.location.as_deref(),
        Some("Raum 4\nFriedrichstraße 68, Berlin")
    );
    assert_eq!(
        d.description.as_deref(),
        Some(format!("Agenda:\n1. {}", "a long line of notes ".repeat(8)).as_str())
    );
    assert_eq!(d.url.as_deref(), Some("https://example.com/review"));
    assert_eq!(master.alarms.len(), 2);
    assert_eq!(master.alarms[0].trigger, new_event().alarms[0]);
    let exp = occurrences(&text, utc(2026, 3, 1, 0, 0), utc(2026, 5, 1, 0, 0));
    assert_eq!(
        exp,
        [
            "2026-03-10 10:00–2026-03-10 11:30 Design review; draft, v2",
            "2026-03-17 10:00–2026-03-17 11:30 Design review; draft, v2",
            "2026-03-24 10:00–2026-03-24 11:30 Design review; draft, v2",
            "2026-03-31 10:00–2026-03-31 11:30 Design review; draft, v2",
        ]
    );
}

#[test]
fn icalendars_own_parser_reads_what_we_compose_and_edit() {
    let composed = compose(&new_event(), now()).unwrap();
    let edited = edit_all(
        &weekly(),
        Changes {
            summary: Some(Some("Team, weekly; \"all\"".into())),
            ..Changes::default()
        },
    );
    for text in [composed, edited] {
        let unfolded = icalendar::parser::unfold(&text);
        let calendar = icalendar::parser::read_calendar(&unfolded);
        assert!(calendar.is_ok(), "{calendar:?}\n{text}");
    }
}

#[test]
fn all_day_events_are_dates_with_an_exclusive_end() {
    let mut event = new_event();
    event.start = day(2026, 4, 15);
    event.end = day(2026, 4, 18);
    event.rrule = Some("FREQ=YEARLY;UNTIL=20280101T000000Z".into());
    let text = compose(&event, now()).unwrap();
    assert!(text.contains("DTSTART;VALUE=DATE:20260415\r\n"));
    assert!(text.contains("DTEND;VALUE=DATE:20260418\r\n"));
    assert!(text.contains("RRULE:FREQ=YEARLY;UNTIL=20280101\r\n"));
    assert!(!text.contains("VTIMEZONE"));
    let master = parse(&text).unwrap().master.unwrap();
    assert_eq!(master.start, day(2026, 4, 15));
}

#[test]
fn impossible_new_events_are_refused() {
    let mut event = new_event();
    event.end = berlin(2026, 3, 10, 9, 0);
    assert!(matches!(
        compose(&event, now()),
        Err(IcalError::InvalidChange { .. })
    ));
    event.end = day(2026, 3, 11);
    assert!(matches!(
        compose(&event, now()),
        Err(IcalError::InvalidChange { .. })
    ));
    let mut event = new_event();
    event.rrule = Some("FREQ=FORTNIGHTLY".into());
    assert!(matches!(
        compose(&event, now()),
        Err(IcalError::InvalidChange { .. })
    ));
    event.rrule = None;
    event.uid = Uid::new(" ");
    assert!(matches!(
        compose(&event, now()),
        Err(IcalError::InvalidChange { .. })
    ));
}

// ---------------------------------------------------------------------------------------------
// Faithful edits

#[test]
fn editing_the_summary_of_an_icloud_event_keeps_every_other_line_byte_for_byte() {
    let raw = weekly();
    let out = edit_all(
        &raw,
        Changes {
            summary: Some(Some("Team Weekly (new room)".into())),
            ..Changes::default()
        },
    );
    let (removed, added) = diff(&raw, &out);
    assert_eq!(
        removed,
        [
            "DTSTAMP:20260105T091512Z",
            "LAST-MODIFIED:20260105T091510Z",
            "SEQUENCE:0",
            "SUMMARY:Team Weekly",
        ]
    );
    assert_eq!(
        added,
        [
            "DTSTAMP:20260301T120000Z",
            "LAST-MODIFIED:20260301T120000Z",
            "SEQUENCE:1",
            "SUMMARY:Team Weekly (new room)",
        ]
    );
    // Physically too: every line outside those four is the same bytes, in the same order.
    let kept: Vec<&str> = raw
        .lines()
        .filter(|l| {
            !["DTSTAMP:", "LAST-MODIFIED:", "SEQUENCE:", "SUMMARY:"]
                .iter()
                .any(|p| l.starts_with(p))
        })
        .collect();
    let still: Vec<&str> = out
        .lines()
        .filter(|l| {
            !["DTSTAMP:", "LAST-MODIFIED:", "SEQUENCE:", "SUMMARY:"]
                .iter()
                .any(|p| l.starts_with(p))
        })
        .collect();
    assert_eq!(kept.len(), still.len());
    // The override had its own title, so it keeps it.
    assert!(out.contains("SUMMARY:Team Weekly (moved)"));
}

#[test]
fn edits_keep_every_other_line_for_each_producer() {
    for name in [
        "icloud_typical_event.ics",
        "google_new_york_daily.ics",
        "thunderbird_mozilla_tzid.ics",
        "fastmail_allday_yearly.ics",
        "nextcloud_thisandfuture.ics",
    ] {
        let raw = fixture(name);
        let out = edit_all(
            &raw,
            Changes {
                summary: Some(Some("Renamed, by Almanac".into())),
                ..Changes::default()
            },
        );
        let names = changed_names(&raw, &out);
        for n in &names {
            assert!(
                ["SUMMARY", "SEQUENCE", "DTSTAMP", "LAST-MODIFIED"].contains(&n.as_str()),
                "{name}: {n} changed"
            );
        }
        let back = parse(&out).unwrap();
        assert_eq!(
            back.master.unwrap().details.summary.as_deref(),
            Some("Renamed, by Almanac")
        );
        assert_eq!(back.warnings, parse(&raw).unwrap().warnings, "{name}");
    }
}

#[test]
fn an_imported_invitation_loses_its_method_when_written() {
    let raw = fixture("outlook_windows_tzid.ics");
    assert!(raw.contains("METHOD:REQUEST"));
    let out = edit_all(
        &raw,
        Changes {
            summary: Some(Some("Monthly review (moved room)".into())),
            ..Changes::default()
        },
    );
    assert!(!out.contains("\nMETHOD"));
    let names = changed_names(&raw, &out);
    assert_eq!(
        names,
        ["DTSTAMP", "LAST-MODIFIED", "METHOD", "SEQUENCE", "SUMMARY"]
    );
    assert!(out.contains("SUMMARY;LANGUAGE=en-US:Monthly review (moved room)"));
}

#[test]
fn moving_a_zoned_event_keeps_its_tzid_and_its_length() {
    let raw = fixture("icloud_typical_event.ics");
    let out = edit_all(
        &raw,
        Changes {
            start: Some(berlin(2026, 1, 12, 11, 15)),
            ..Changes::default()
        },
    );
    assert!(out.contains("DTSTART;TZID=Europe/Berlin:20260112T111500\n"));
    assert!(out.contains("DTEND;TZID=Europe/Berlin:20260112T121500\n"));
    assert_eq!(
        out.matches("BEGIN:VTIMEZONE").count(),
        1,
        "no second VTIMEZONE"
    );
    assert_eq!(
        changed_names(&raw, &out),
        ["DTEND", "DTSTAMP", "DTSTART", "LAST-MODIFIED", "SEQUENCE"]
    );
    let exp = occurrences(&out, utc(2026, 3, 23, 0, 0), utc(2026, 4, 1, 0, 0));
    // Still 11:15 on the wall clock after the clocks changed on 29 March.
    assert_eq!(
        exp,
        [
            "2026-03-23 11:15–2026-03-23 12:15 Team Weekly",
            "2026-03-30 11:15–2026-03-30 12:15 Team Weekly",
        ]
    );
}

#[test]
fn moving_an_outlook_event_writes_an_olson_tzid_and_its_vtimezone() {
    let raw = fixture("outlook_windows_tzid.ics");
    let out = edit_all(
        &raw,
        Changes {
            start: Some(berlin(2026, 3, 10, 14, 0)),
            end: Some(berlin(2026, 3, 10, 15, 0)),
            ..Changes::default()
        },
    );
    assert!(out.contains("DTSTART;TZID=Europe/Berlin:20260310T140000"));
    assert!(out.contains("BEGIN:VTIMEZONE\nTZID:Europe/Berlin\n"));
    assert!(
        !out.contains("TZID:W. Europe"),
        "the zone nothing uses any more goes"
    );
    // The EXDATE moved with the series, into the series' new frame.
    assert!(
        out.contains("EXDATE;TZID=Europe/Berlin:20260512T140000"),
        "{out}"
    );
    let object = parse(&out).unwrap();
    assert!(object.warnings.is_empty(), "{:?}", object.warnings);
    let exp = occurrences(&out, utc(2026, 3, 1, 0, 0), utc(2026, 9, 1, 0, 0));
    assert_eq!(exp.len(), 5, "{exp:?}");
    assert!(exp.iter().all(|o| o.contains(" 14:00–")), "{exp:?}");
}

#[test]
fn an_event_written_with_duration_keeps_duration() {
    // The first object of the file: 22:00 for three hours, across the March clock change.
    let raw = common::file("duration_only.ics").objects[0].raw.clone();
    let later = edit_all(
        &raw,
        Changes {
            start: Some(berlin(2026, 4, 4, 22, 0)),
            ..Changes::default()
        },
    );
    assert!(later.contains("DURATION:PT3H\n") && !later.contains("\nDTEND"));
    let longer = edit_all(
        &raw,
        Changes {
            end: Some(berlin(2026, 3, 29, 3, 0)),
            ..Changes::default()
        },
    );
    // 22:00 CET to 03:00 CEST is four hours of exact time.
    assert!(longer.contains("DURATION:PT4H\n"), "{longer}");
}

#[test]
fn a_single_event_can_become_a_series_and_back() {
    let mut event = new_event();
    event.rrule = None;
    let single = compose(&event, now()).unwrap();
    let series = edit_all(
        &single,
        Changes {
            rrule: Some(Some("FREQ=DAILY;COUNT=3".into())),
            ..Changes::default()
        },
    );
    assert_eq!(
        occurrences(&series, utc(2026, 3, 1, 0, 0), utc(2026, 4, 1, 0, 0)).len(),
        3
    );
    assert!(series.contains("SEQUENCE:1\n"));
    let again = edit_all(
        &series,
        Changes {
            rrule: Some(None),
            ..Changes::default()
        },
    );
    // Back to the text it was, two revisions later.
    assert_eq!(again.replace("SEQUENCE:2", "SEQUENCE:0"), lf(&single));
    // Deleting a single event is deleting it all; it has no "this occurrence".
    assert_eq!(
        delete(&single, &Scope::All, now()).unwrap().resource,
        ResourceWrite::Delete
    );
    assert!(matches!(
        delete(&single, &Scope::This(event.start), now()),
        Err(IcalError::ScopeMismatch { .. })
    ));
}

#[test]
fn a_new_location_drops_the_map_pin_of_the_old_one() {
    let raw = weekly();
    let out = edit_all(
        &raw,
        Changes {
            location: Some(Some("Online".into())),
            ..Changes::default()
        },
    );
    assert!(!out.contains("X-APPLE-STRUCTURED-LOCATION"));
    assert!(out.contains("X-APPLE-TRAVEL-ADVISORY-BEHAVIOR:AUTOMATIC"));
    assert!(out.contains("\nLOCATION:Online"));
}

#[test]
fn changing_alarms_keeps_the_ones_that_stay_byte_for_byte() {
    let raw = weekly();
    let fifteen = Trigger::Start(almanac_ical::IcalDuration {
        days: 0,
        seconds: -900,
    });
    let hour = Trigger::Start(almanac_ical::IcalDuration {
        days: 0,
        seconds: -3600,
    });
    let out = edit_all(
        &raw,
        Changes {
            alarms: Some(vec![fifteen, hour]),
            ..Changes::default()
        },
    );
    // The 15-minute alarm with its UIDs and Apple's ACTION:NONE placeholder are untouched.
    assert!(out.contains("X-WR-ALARMUID:7A6B5C4D-3E2F-1A0B-9C8D-7E6F5A4B3C2D"));
    assert!(out.contains("X-APPLE-DEFAULT-ALARM:TRUE"));
    assert!(out.contains("TRIGGER:-PT1H"));
    // Alarms are the user's own: no SEQUENCE bump.
    assert!(!out.contains("SEQUENCE:1\nSUMMARY:Team Weekly\n"));
    assert_eq!(
        changed_names(&raw, &out),
        [
            "ACTION",
            "BEGIN",
            "DESCRIPTION",
            "DTSTAMP",
            "END",
            "LAST-MODIFIED",
            "TRIGGER"
        ]
    );
    // The override, with its own alarm, keeps it.
    assert!(out.contains("TRIGGER;RELATED=END:-PT5M"));
}

#[test]
fn an_edit_that_changes_nothing_returns_the_text_unchanged() {
    let raw = weekly();
    let object = parse(&raw).unwrap();
    let master = object.master.unwrap();
    let out = edit_all(
        &raw,
        Changes {
            summary: Some(master.details.summary.clone()),
            location: Some(master.details.location.clone()),
            start: Some(master.start),
            alarms: Some(master.alarms.iter().map(|a| a.trigger.clone()).collect()),
            ..Changes::default()
        },
    );
    assert_eq!(out, lf(&raw));
    let exact = edit(&raw, &Scope::All, &Changes::default(), now(), new_uid).unwrap();
    assert_eq!(exact.resource, ResourceWrite::Put(raw));
}

#[test]
fn broken_changes_are_refused_and_nothing_is_written() {
    let raw = weekly();
    let err = |changes: Changes| edit(&raw, &Scope::All, &changes, now(), new_uid).unwrap_err();
    assert!(matches!(
        err(Changes {
            end: Some(berlin(2026, 1, 12, 9, 0)),
            ..Changes::default()
        }),
        IcalError::InvalidChange { .. }
    ));
    assert!(matches!(
        err(Changes {
            start: Some(day(2026, 1, 12)),
            ..Changes::default()
        }),
        IcalError::InvalidChange { .. }
    ));
    assert!(matches!(
        err(Changes {
            rrule: Some(Some("FREQ=WEEKLY;BYDAY=XX".into())),
            ..Changes::default()
        }),
        IcalError::InvalidChange { .. }
    ));
    let single = fixture("google_calendar_export.ics");
    let rid = berlin(2026, 1, 12, 10, 0);
    assert!(matches!(
        edit(
            &single,
            &Scope::This(rid),
            &Changes::default(),
            now(),
            new_uid
        ),
        Err(IcalError::ScopeMismatch { .. }) | Err(IcalError::NoSuchOccurrence { .. })
    ));
    // A Tuesday is no occurrence of a Monday series.
    assert!(matches!(
        edit(
            &raw,
            &Scope::This(berlin(2026, 1, 13, 10, 0)),
            &Changes::default(),
            now(),
            new_uid
        ),
        Err(IcalError::NoSuchOccurrence { .. })
    ));
}

// ---------------------------------------------------------------------------------------------
// Recurring scopes, on iCloud's weekly series: Mondays 10:00 from 12 January, 16 February
// excluded, 2 March moved to Tuesday 3 March 14:00.

fn feb_to_april(text: &str) -> Vec<String> {
    occurrences(text, utc(2026, 2, 9, 0, 0), utc(2026, 4, 7, 0, 0))
}

#[test]
fn this_occurrence_gets_an_override_copied_from_the_master() {
    let raw = weekly();
    let result = edit(
        &raw,
        &Scope::This(berlin(2026, 3, 9, 10, 0)),
        &Changes {
            summary: Some(Some("Team Weekly (offsite)".into())),
            start: Some(berlin(2026, 3, 9, 9, 0)),
            ..Changes::default()
        },
        now(),
        new_uid,
    )
    .unwrap();
    assert!(result.new_resource.is_none());
    let out = &put(&result);
    assert_eq!(
        feb_to_april(out),
        [
            "2026-02-09 10:00–2026-02-09 11:00 Team Weekly",
            "2026-02-23 10:00–2026-02-23 11:00 Team Weekly",
            "2026-03-03 14:00–2026-03-03 15:30 Team Weekly (moved)",
            "2026-03-09 09:00–2026-03-09 10:00 Team Weekly (offsite)",
            "2026-03-16 10:00–2026-03-16 11:00 Team Weekly",
            "2026-03-23 10:00–2026-03-23 11:00 Team Weekly",
            "2026-03-30 10:00–2026-03-30 11:00 Team Weekly",
            "2026-04-06 10:00–2026-04-06 11:00 Team Weekly",
        ]
    );
    assert!(out.contains("RECURRENCE-ID;TZID=Europe/Berlin:20260309T100000"));
    // The master is untouched; the copy carries no recurrence and keeps the attendees.
    let (removed, added) = diff(&raw, out);
    assert!(removed.is_empty(), "{removed:?}");
    assert!(
        !added
            .iter()
            .any(|l| l.starts_with("RRULE") || l.starts_with("EXDATE"))
    );
    assert_eq!(
        added.iter().filter(|l| l.starts_with("ATTENDEE")).count(),
        2
    );
    assert!(added.contains(&"SEQUENCE:1".to_owned()));
}

#[test]
fn this_occurrence_with_an_override_changes_the_override_in_place() {
    let raw = weekly();
    let out = edit(
        &raw,
        &Scope::This(berlin(2026, 3, 2, 10, 0)),
        &Changes {
            location: Some(Some("Room 5".into())),
            ..Changes::default()
        },
        now(),
        new_uid,
    )
    .unwrap();
    let out = &put(&out);
    assert_eq!(
        changed_names(&raw, out),
        ["DTSTAMP", "LAST-MODIFIED", "LOCATION", "SEQUENCE"]
    );
    assert!(
        out.contains(
            "LOCATION:Room 5\nRECURRENCE-ID;TZID=Europe/Berlin:20260302T100000\nSEQUENCE:2"
        )
    );
}

#[test]
fn deleting_one_occurrence_adds_an_exdate_and_drops_its_override() {
    let raw = weekly();
    let out = delete(&raw, &Scope::This(berlin(2026, 3, 23, 10, 0)), now()).unwrap();
    let out = &put(&out);
    assert!(out.contains("EXDATE;TZID=Europe/Berlin:20260323T100000\n"));
    assert!(
        !feb_to_april(out)
            .iter()
            .any(|o| o.starts_with("2026-03-23"))
    );
    assert_eq!(feb_to_april(out).len(), 7);

    let out = delete(&raw, &Scope::This(berlin(2026, 3, 2, 10, 0)), now()).unwrap();
    let out = &put(&out);
    assert!(!out.contains("\nRECURRENCE-ID"));
    assert!(out.contains("EXDATE;TZID=Europe/Berlin:20260302T100000\n"));
    assert!(!feb_to_april(out).iter().any(|o| o.contains("moved")));
}

#[test]
fn deleting_the_last_occurrence_deletes_the_resource() {
    let mut event = new_event();
    event.rrule = Some("FREQ=DAILY;COUNT=2".into());
    let text = compose(&event, now()).unwrap();
    let once = delete(&text, &Scope::This(berlin(2026, 3, 10, 10, 0)), now()).unwrap();
    let once = put(&once).to_owned();
    let twice = delete(&once, &Scope::This(berlin(2026, 3, 11, 10, 0)), now()).unwrap();
    assert_eq!(twice.resource, ResourceWrite::Delete);
    assert_eq!(
        delete(&text, &Scope::All, now()).unwrap().resource,
        ResourceWrite::Delete
    );
}

#[test]
fn this_and_following_ends_the_series_and_starts_a_new_one() {
    let raw = weekly();
    let result = edit(
        &raw,
        &Scope::Following(berlin(2026, 3, 16, 10, 0)),
        &Changes {
            start: Some(berlin(2026, 3, 16, 12, 0)),
            ..Changes::default()
        },
        now(),
        new_uid,
    )
    .unwrap();
    let past = &put(&result);
    let future = result.new_resource.as_ref().unwrap();
    assert_eq!(future.uid, new_uid());
    // One second before the split, in UTC (10:00 CET is 09:00 UTC).
    assert!(
        past.contains("RRULE:FREQ=WEEKLY;BYDAY=MO;UNTIL=20260316T085959Z\n"),
        "{past}"
    );
    assert_eq!(
        changed_names(&raw, past),
        ["DTSTAMP", "LAST-MODIFIED", "RRULE", "SEQUENCE"]
    );
    assert_eq!(
        feb_to_april(past),
        [
            "2026-02-09 10:00–2026-02-09 11:00 Team Weekly",
            "2026-02-23 10:00–2026-02-23 11:00 Team Weekly",
            "2026-03-03 14:00–2026-03-03 15:30 Team Weekly (moved)",
            "2026-03-09 10:00–2026-03-09 11:00 Team Weekly",
        ]
    );
    let text = &lf(&future.text);
    assert_eq!(text.matches("UID:9C1D2E3F-NEW-SERIES").count(), 1);
    assert!(!text.contains("2F6C1D3E-8B0A"), "no trace of the old UID");
    assert!(text.contains("SEQUENCE:0\n") && text.contains("CREATED:20260301T120000Z"));
    assert!(!text.contains("\nRECURRENCE-ID") && !text.contains("\nEXDATE"));
    assert!(text.contains("X-APPLE-STRUCTURED-LOCATION") && text.contains("ATTENDEE"));
    assert_eq!(
        feb_to_april(text),
        [
            "2026-03-16 12:00–2026-03-16 13:00 Team Weekly",
            "2026-03-23 12:00–2026-03-23 13:00 Team Weekly",
            "2026-03-30 12:00–2026-03-30 13:00 Team Weekly",
            "2026-04-06 12:00–2026-04-06 13:00 Team Weekly",
        ]
    );
}

#[test]
fn this_and_following_moves_later_overrides_and_exdates_to_the_new_series() {
    let raw = weekly();
    let result = edit(
        &raw,
        &Scope::Following(berlin(2026, 2, 9, 10, 0)),
        &Changes {
            start: Some(berlin(2026, 2, 9, 11, 0)),
            summary: Some(Some("Team Sync".into())),
            ..Changes::default()
        },
        now(),
        new_uid,
    )
    .unwrap();
    let past = &put(&result);
    assert!(!past.contains("\nEXDATE") && !past.contains("\nRECURRENCE-ID"));
    let past_occurrences = occurrences(past, utc(2026, 1, 1, 0, 0), utc(2026, 12, 1, 0, 0));
    assert_eq!(
        past_occurrences.len(),
        4,
        "12, 19, 26 Jan, 2 Feb: {past_occurrences:?}"
    );
    let future = &lf(&result.new_resource.as_ref().unwrap().text);
    // The moved occurrence moved one hour later with the series, under the new UID; the
    // EXDATE followed the series' new time; the override keeps its own title.
    assert!(
        future.contains("EXDATE;TZID=Europe/Berlin:20260216T110000"),
        "{future}"
    );
    assert!(future.contains("RECURRENCE-ID;TZID=Europe/Berlin:20260302T110000"));
    assert_eq!(
        feb_to_april(future)[..4],
        [
            "2026-02-09 11:00–2026-02-09 12:00 Team Sync",
            "2026-02-23 11:00–2026-02-23 12:00 Team Sync",
            "2026-03-03 15:00–2026-03-03 16:30 Team Weekly (moved)",
            "2026-03-09 11:00–2026-03-09 12:00 Team Sync",
        ]
    );
}

#[test]
fn this_and_following_turns_count_into_until_and_the_rest() {
    // Thunderbird: daily at 08:30 for 5 days from 26 March (clocks change on the 29th: the
    // UNTIL is 08:29:59 CEST, 06:29:59 UTC), 28 March excluded, an extra
    // two-hour occurrence on 5 April.
    let raw = fixture("thunderbird_mozilla_tzid.ics");
    let all = occurrences(&raw, utc(2026, 3, 1, 0, 0), utc(2026, 5, 1, 0, 0));
    let result = edit(
        &raw,
        &Scope::Following(berlin(2026, 3, 29, 8, 30)),
        &Changes {
            summary: Some(Some("Physio (new place)".into())),
            ..Changes::default()
        },
        now(),
        new_uid,
    )
    .unwrap();
    let past = &put(&result);
    let future = &lf(&result.new_resource.as_ref().unwrap().text);
    assert!(
        past.contains("RRULE:FREQ=DAILY;UNTIL=20260329T062959Z"),
        "{past}"
    );
    assert!(future.contains("RRULE:FREQ=DAILY;COUNT=2"), "{future}");
    assert!(past.contains("\nEXDATE;VALUE=DATE:20260328") && !future.contains("\nEXDATE"));
    assert!(
        future.contains("\nRDATE;VALUE=PERIOD:20260405T070000Z/PT2H") && !past.contains("\nRDATE")
    );
    let before = occurrences(past, utc(2026, 3, 1, 0, 0), utc(2026, 5, 1, 0, 0));
    let after = occurrences(future, utc(2026, 3, 1, 0, 0), utc(2026, 5, 1, 0, 0));
    assert_eq!(before.len() + after.len(), all.len());
    assert_eq!(
        after,
        [
            "2026-03-29 08:30–2026-03-29 09:30 Physio (new place)",
            "2026-03-30 08:30–2026-03-30 09:30 Physio (new place)",
            "2026-04-05 09:00–2026-04-05 09:00Z Physio (new place)", // a PERIOD ends in UTC
        ]
    );
}

#[test]
fn this_and_following_on_an_all_day_series_ends_with_a_date() {
    let raw = fixture("fastmail_allday_yearly.ics");
    let result = delete(&raw, &Scope::Following(day(2027, 4, 15)), now()).unwrap();
    let past = &put(&result);
    assert!(
        past.contains("RRULE:FREQ=YEARLY;UNTIL=20270414\n"),
        "{past}"
    );
    assert!(past.contains("\nRDATE;VALUE=DATE:20261224"));
    let split = edit(
        &raw,
        &Scope::Following(day(2027, 4, 15)),
        &Changes::default(),
        now(),
        new_uid,
    )
    .unwrap();
    let future = &lf(&split.new_resource.unwrap().text);
    assert!(
        future.contains("DTSTART;VALUE=DATE:20270415\nDTEND;VALUE=DATE:20270418\n"),
        "{future}"
    );
    assert!(future.contains("RRULE:FREQ=YEARLY;UNTIL=20280101\n"));
    assert!(!future.contains("\nRDATE"));
}

#[test]
fn following_from_the_first_occurrence_is_all() {
    let raw = weekly();
    let changes = Changes {
        summary: Some(Some("Renamed".into())),
        ..Changes::default()
    };
    let following = edit(
        &raw,
        &Scope::Following(berlin(2026, 1, 12, 10, 0)),
        &changes,
        now(),
        new_uid,
    )
    .unwrap();
    assert!(following.new_resource.is_none());
    assert_eq!(put(&following), edit_all(&raw, changes));
    assert_eq!(
        delete(&raw, &Scope::Following(berlin(2026, 1, 12, 10, 0)), now())
            .unwrap()
            .resource,
        ResourceWrite::Delete
    );
}

#[test]
fn all_moves_overrides_exdates_and_until_with_the_series() {
    let raw = weekly();
    let out = edit_all(
        &raw,
        Changes {
            start: Some(berlin(2026, 1, 12, 11, 0)),
            ..Changes::default()
        },
    );
    assert!(out.contains("EXDATE;TZID=Europe/Berlin:20260216T110000"));
    assert!(out.contains("RECURRENCE-ID;TZID=Europe/Berlin:20260302T110000"));
    assert_eq!(
        feb_to_april(&out)[..4],
        [
            "2026-02-09 11:00–2026-02-09 12:00 Team Weekly",
            "2026-02-23 11:00–2026-02-23 12:00 Team Weekly",
            "2026-03-03 15:00–2026-03-03 16:30 Team Weekly (moved)",
            "2026-03-09 11:00–2026-03-09 12:00 Team Weekly",
        ]
    );
    // Google writes RECURRENCE-IDs in UTC; moved by 30 minutes, they still match.
    let google = fixture("google_new_york_daily.ics");
    let before = occurrences(&google, utc(2026, 3, 1, 0, 0), utc(2026, 4, 1, 0, 0));
    let ny = chrono_tz::America::New_York;
    let moved = edit_all(
        &google,
        Changes {
            start: Some(EventTime::Zoned {
                local: NaiveDate::from_ymd_opt(2026, 3, 5)
                    .unwrap()
                    .and_hms_opt(10, 0, 0)
                    .unwrap(),
                tz: ny,
            }),
            ..Changes::default()
        },
    );
    assert!(
        moved.contains("RRULE:FREQ=DAILY;UNTIL=20260312T140000Z"),
        "{moved}"
    );
    let after = occurrences(&moved, utc(2026, 3, 1, 0, 0), utc(2026, 4, 1, 0, 0));
    assert_eq!(before.len(), after.len(), "{after:?}");
    assert!(after.iter().any(|o| o.contains("moved out of its week")));
}

#[test]
fn all_with_another_rule_drops_what_no_longer_falls_on_it() {
    let raw = weekly();
    let out = edit_all(
        &raw,
        Changes {
            rrule: Some(Some("FREQ=WEEKLY;BYDAY=MO;INTERVAL=2".into())),
            ..Changes::default()
        },
    );
    // Fortnightly from 12 January: 2 March (7 weeks on) and 16 February (5 weeks on) are no
    // longer occurrences, so the override and the EXDATE for them go.
    assert!(
        !out.contains("\nRECURRENCE-ID") && !out.contains("\nEXDATE"),
        "{out}"
    );
    let twice_a_week = edit_all(
        &raw,
        Changes {
            rrule: Some(Some("FREQ=WEEKLY;BYDAY=MO,TH".into())),
            ..Changes::default()
        },
    );
    // Mondays and Thursdays: both are still occurrences, and stay as they were.
    assert!(twice_a_week.contains("\nRECURRENCE-ID;TZID=Europe/Berlin:20260302T100000"));
    assert!(twice_a_week.contains("\nEXDATE;TZID=Europe/Berlin:20260216T100000"));
    let single = edit_all(
        &raw,
        Changes {
            rrule: Some(None),
            ..Changes::default()
        },
    );
    assert!(!single.contains("\nEXDATE") && !single.contains("\nRECURRENCE-ID"));
    let object = parse(&single).unwrap();
    assert_eq!(object.overrides.len(), 0);
    assert!(!object.master.unwrap().is_recurring());
}

// ---------------------------------------------------------------------------------------------
// Invitations

#[test]
fn answering_an_invitation_changes_only_our_attendee_line() {
    let raw = weekly();
    let out = set_partstat(
        &raw,
        "mailto:Ben@example.com",
        PartStat::Declined,
        &Scope::All,
        now(),
    )
    .unwrap();
    assert_eq!(changed_names(&raw, &out), ["ATTENDEE", "DTSTAMP"]);
    let out = unfolded(&out);
    assert!(out.contains(
        "ATTENDEE;CN=Ben Weber;CUTYPE=INDIVIDUAL;PARTSTAT=DECLINED:mailto:ben@example.com"
    ));
    assert!(out.contains("SEQUENCE:0\n"));

    let outlook = fixture("outlook_windows_tzid.ics");
    let out = set_partstat(
        &outlook,
        "devi@contoso.example",
        PartStat::Accepted,
        &Scope::All,
        now(),
    )
    .unwrap();
    let (_, added) = diff(&outlook, &out);
    assert!(added.contains(&"ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;CN=Devi Patel:mailto:devi@contoso.example".to_owned()), "{added:?}");

    assert!(matches!(
        set_partstat(
            &raw,
            "eve@example.com",
            PartStat::Accepted,
            &Scope::All,
            now()
        ),
        Err(IcalError::NotAnAttendee { .. })
    ));
}

#[test]
fn answering_one_occurrence_makes_an_override_for_it() {
    let raw = weekly();
    let out = set_partstat(
        &raw,
        "ben@example.com",
        PartStat::Tentative,
        &Scope::This(berlin(2026, 3, 16, 10, 0)),
        now(),
    )
    .unwrap();
    let object = parse(&out).unwrap();
    assert_eq!(object.overrides.len(), 2);
    let exp = expand(
        &object,
        utc(2026, 3, 16, 0, 0),
        utc(2026, 3, 17, 0, 0),
        Berlin,
    );
    let ben = exp.occurrences[0]
        .details
        .attendees
        .iter()
        .find(|a| a.address == "mailto:ben@example.com")
        .unwrap();
    assert_eq!(ben.partstat.as_deref(), Some("TENTATIVE"));
    let master_ben = object.master.unwrap().details.attendees[0].partstat.clone();
    assert_eq!(master_ben.as_deref(), Some("ACCEPTED"));
}

// ---------------------------------------------------------------------------------------------
// Merging

fn summary_of(text: &str) -> Option<String> {
    parse(text).unwrap().master.unwrap().details.summary.clone()
}

#[test]
fn changes_to_different_properties_merge() {
    let base = weekly();
    let mine = edit_all(
        &base,
        Changes {
            summary: Some(Some("Mine".into())),
            ..Changes::default()
        },
    );
    let theirs = set_partstat(
        &base,
        "ben@example.com",
        PartStat::Declined,
        &Scope::All,
        utc(2026, 3, 2, 8, 0),
    )
    .unwrap();
    let Merge::Clean(merged) = merge(&base, &mine, &theirs) else {
        panic!("expected a clean merge");
    };
    assert_eq!(summary_of(&merged).as_deref(), Some("Mine"));
    let merged = unfolded(&merged);
    assert!(merged.contains("PARTSTAT=DECLINED:mailto:ben@example.com"));
    // SEQUENCE above both sides, DTSTAMP ours.
    assert!(merged.contains("SEQUENCE:2\n"), "{merged}");
    assert!(merged.contains("DTSTAMP:20260301T120000Z"));
    assert_eq!(merged.matches("DTSTAMP:").count(), 2);
}

#[test]
fn the_same_property_changed_differently_is_a_conflict() {
    let base = weekly();
    let retitle = |title: &str| {
        edit_all(
            &base,
            Changes {
                summary: Some(Some(title.into())),
                ..Changes::default()
            },
        )
    };
    let Merge::Conflict(conflicts) = merge(&base, &retitle("Mine"), &retitle("Theirs")) else {
        panic!("expected a conflict");
    };
    assert_eq!(conflicts.len(), 1);
    assert_eq!(conflicts[0].property, "SUMMARY");
    assert_eq!(conflicts[0].recurrence_id, None);
    // The same change on both sides is none.
    assert!(matches!(
        merge(&base, &retitle("Same"), &retitle("Same")),
        Merge::Clean(_)
    ));
}

#[test]
fn merging_with_an_unchanged_side_returns_the_change() {
    let base = weekly();
    let changed = edit_all(
        &base,
        Changes {
            location: Some(Some("Online".into())),
            ..Changes::default()
        },
    );
    assert_eq!(merge(&base, &base, &changed), Merge::Clean(changed.clone()));
    assert_eq!(merge(&base, &changed, &base), Merge::Clean(changed));
}

#[test]
fn an_override_deleted_on_one_side_and_changed_on_the_other_conflicts() {
    let base = weekly();
    let mine =
        put(&delete(&base, &Scope::This(berlin(2026, 3, 2, 10, 0)), now()).unwrap()).to_owned();
    let theirs = put(&edit(
        &base,
        &Scope::This(berlin(2026, 3, 2, 10, 0)),
        &Changes {
            summary: Some(Some("Theirs".into())),
            ..Changes::default()
        },
        now(),
        new_uid,
    )
    .unwrap())
    .to_owned();
    let Merge::Conflict(conflicts) = merge(&base, &mine, &theirs) else {
        panic!("expected a conflict");
    };
    assert!(
        conflicts.iter().any(|c| c.property == "VEVENT"),
        "{conflicts:?}"
    );
}
