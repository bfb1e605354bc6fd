//! Whole files (issue 16): exports and feeds with many UIDs, read by `parse_file`. Each test's
//! expected occurrences were worked out by hand from its fixture; the comments say how.

use crate::common::*;
use almanac_ical::{
    CalendarFile, EventTime, Expansion, IcalError, Limits, Status, WarningKind, Window,
    local_to_utc,
};
use chrono::{Duration, NaiveDate};
use chrono_tz::{America, Europe, Pacific, Tz, UTC};

fn expand_file(
    f: &CalendarFile,
    from: (i32, u32, u32),
    to: (i32, u32, u32),
    viewer: Tz,
) -> Expansion {
    let w = Window {
        start: utc(from.0, from.1, from.2, 0, 0),
        end: utc(to.0, to.1, to.2, 0, 0),
        viewer,
    };
    f.expand(w, Limits::default())
}

fn uids(f: &CalendarFile) -> Vec<&str> {
    f.objects.iter().map(|o| o.uid.as_str()).collect()
}

fn all_warnings(f: &CalendarFile) -> Vec<String> {
    f.warnings
        .iter()
        .chain(f.objects.iter().flat_map(|o| &o.warnings))
        .map(ToString::to_string)
        .collect()
}

#[test]
fn google_export_lists_every_event_of_every_uid_in_start_order() {
    let f = file("google_calendar_export.ics");
    assert_eq!(f.objects.len(), 5);
    assert!(all_warnings(&f).is_empty(), "{:?}", all_warnings(&f));
    let exp = expand_file(&f, (2026, 3, 1), (2026, 5, 1), Europe::Berlin);
    assert!(!exp.capped);
    // Yoga: Tuesdays 19:00 from 6 January until 28 April (UNTIL 17:00Z is 19:00 CEST); 17
    // March moved to Wednesday 19:30 by the override written before the master; 7 April
    // excluded. Dana's call is 09:00 in New York (EDT since 8 March), 14:00 CET. Jakob's
    // birthday recurs yearly from 1990. The trip starts at Berlin midnight on 9 April, before
    // the 05:35Z flight.
    assert_eq!(
        lines(&exp),
        [
            "2026-03-03 19:00–2026-03-03 20:15 Yoga",
            "2026-03-10 09:00–2026-03-10 09:30 Call with Dana (New York)",
            "2026-03-10 19:00–2026-03-10 20:15 Yoga",
            "2026-03-18 19:30–2026-03-18 20:45 Yoga (Wednesday this week)",
            "2026-03-21–2026-03-22 Jakob's birthday",
            "2026-03-24 19:00–2026-03-24 20:15 Yoga",
            "2026-03-31 19:00–2026-03-31 20:15 Yoga",
            "2026-04-09–2026-04-13 Lisbon",
            "2026-04-09 05:35Z–2026-04-09 09:10Z Flight BER → LIS (TP 541)",
            "2026-04-14 19:00–2026-04-14 20:15 Yoga",
            "2026-04-21 19:00–2026-04-21 20:15 Yoga",
            "2026-04-28 19:00–2026-04-28 20:15 Yoga",
        ]
    );
    let starts = starts_utc(&exp, UTC);
    assert_eq!(starts[1], utc(2026, 3, 10, 13, 0));
    assert_eq!(starts[6], utc(2026, 3, 31, 17, 0), "CEST from 29 March");
    // The master's 30-minute reminder, not the override's (it has none).
    assert_eq!(exp.occurrences[0].alarms[0].at, utc(2026, 3, 3, 17, 30));
    assert!(exp.occurrences[3].alarms.is_empty());
    assert!(exp.occurrences[3].is_override);
}

#[test]
fn outlook_export_resolves_windows_zones_for_every_event() {
    let f = file("outlook_calendar_export.ics");
    assert_eq!(f.objects.len(), 3);
    assert!(all_warnings(&f).is_empty(), "{:?}", all_warnings(&f));
    // The folded UID joins master and exception.
    assert_eq!(f.objects[0].overrides.len(), 1);
    let exp = expand_file(&f, (2026, 3, 1), (2026, 5, 1), Europe::Berlin);
    // Mondays 09:30 from 2 March until 27 April; 23 March moved to Tuesday 14:00; Easter
    // Monday 6 April excluded. The onboarding is 11:00 US Eastern (EDT): 15:00Z, 16:00 CET.
    assert_eq!(
        lines(&exp),
        [
            "2026-03-02 09:30–2026-03-02 10:15 Jour fixe Plattform",
            "2026-03-09 09:30–2026-03-09 10:15 Jour fixe Plattform",
            "2026-03-16 09:30–2026-03-16 10:15 Jour fixe Plattform",
            "2026-03-24 14:00–2026-03-24 14:45 Jour fixe Plattform (verschoben)",
            "2026-03-25 11:00–2026-03-25 12:00 Fabrikam onboarding",
            "2026-03-30 09:30–2026-03-30 10:15 Jour fixe Plattform",
            "2026-04-03–2026-04-04 Urlaubstag",
            "2026-04-13 09:30–2026-04-13 10:15 Jour fixe Plattform",
            "2026-04-20 09:30–2026-04-20 10:15 Jour fixe Plattform",
            "2026-04-27 09:30–2026-04-27 10:15 Jour fixe Plattform",
        ]
    );
    let starts = starts_utc(&exp, UTC);
    assert_eq!(starts[4], utc(2026, 3, 25, 15, 0));
    assert_eq!(starts[5], utc(2026, 3, 30, 7, 30));
    assert!(matches!(
        exp.occurrences[4].start,
        EventTime::Zoned {
            tz: America::New_York,
            ..
        }
    ));
}

#[test]
fn holiday_feed_gives_every_holiday_on_its_date_in_every_zone() {
    let f = file("google_holidays_de.ics");
    assert_eq!(f.objects.len(), 38);
    assert!(all_warnings(&f).is_empty(), "{:?}", all_warnings(&f));
    let expected_2026 = [
        "2026-01-01 Neujahr",
        "2026-01-06 Heilige Drei Könige",
        "2026-03-08 Internationaler Frauentag",
        "2026-04-03 Karfreitag",
        "2026-04-05 Ostersonntag",
        "2026-04-06 Ostermontag",
        "2026-05-01 Tag der Arbeit",
        "2026-05-14 Christi Himmelfahrt",
        "2026-05-24 Pfingstsonntag",
        "2026-05-25 Pfingstmontag",
        "2026-06-04 Fronleichnam",
        "2026-08-15 Mariä Himmelfahrt",
        "2026-09-20 Weltkindertag",
        "2026-10-03 Tag der Deutschen Einheit",
        "2026-10-31 Reformationstag",
        "2026-11-01 Allerheiligen",
        "2026-11-18 Buß- und Bettag",
        "2026-12-25 1. Weihnachtstag",
        "2026-12-26 2. Weihnachtstag",
    ];
    // Easter 2026 is 5 April: Good Friday -2, Ascension +39, Whit Monday +50, Corpus Christi
    // +60; Buß- und Bettag is the Wednesday before 23 November.
    for viewer in [Europe::Berlin, Pacific::Auckland, America::Los_Angeles] {
        let midnight = |y| local_to_utc(viewer, NaiveDate::from_ymd_opt(y, 1, 1).unwrap().into());
        let w = Window {
            start: midnight(2026),
            end: midnight(2027),
            viewer,
        };
        let exp = f.expand(w, Limits::default());
        let got: Vec<String> = exp
            .occurrences
            .iter()
            .map(|o| format!("{} {}", shown(&o.start), o.summary().unwrap()))
            .collect();
        assert_eq!(got, expected_2026, "viewer {viewer}");
        assert!(exp.occurrences.iter().all(|o| o.all_day));
        for o in &exp.occurrences {
            let (EventTime::Date { date: s }, EventTime::Date { date: e }) = (o.start, o.end)
            else {
                panic!("{o:?} is not all-day");
            };
            assert_eq!(e - s, Duration::days(1));
        }
    }
    let both_years = expand_file(&f, (2025, 12, 31), (2028, 1, 2), UTC);
    assert_eq!(both_years.occurrences.len(), 38);
}

#[test]
fn thunderbird_export_skips_the_task_and_keeps_exception_and_alarm() {
    let f = file("thunderbird_calendar_export.ics");
    assert_eq!(f.objects.len(), 3, "{:?}", uids(&f));
    assert!(all_warnings(&f).is_empty(), "{:?}", all_warnings(&f));
    let exp = expand_file(&f, (2026, 5, 1), (2026, 8, 1), Europe::Berlin);
    // Every second Friday from 8 May, five times; 5 June moved to 12:30 at another place.
    assert_eq!(
        lines(&exp),
        [
            "2026-05-08 12:00–2026-05-08 13:00 Team lunch",
            "2026-05-19 08:15–2026-05-19 09:00 Dentist",
            "2026-05-22 12:00–2026-05-22 13:00 Team lunch",
            "2026-06-05 12:30–2026-06-05 13:30 Team lunch",
            "2026-06-10–2026-06-13 RustFest",
            "2026-06-19 12:00–2026-06-19 13:00 Team lunch",
            "2026-07-03 12:00–2026-07-03 13:00 Team lunch",
        ]
    );
    assert_eq!(
        exp.occurrences[3].details.location.as_deref(),
        Some("Trattoria Sorrento")
    );
    // One hour before 08:15 CEST.
    assert_eq!(exp.occurrences[1].alarms[0].at, utc(2026, 5, 19, 5, 15));
}

#[test]
fn uidless_events_get_stable_uids_from_their_content() {
    let text = fixture("uidless_club_feed.ics");
    let f = almanac_ical::parse_file(&text).unwrap();
    // Four VEVENTs, two of them identical: three events.
    assert_eq!(f.objects.len(), 3);
    let ids = uids(&f);
    assert!(
        ids.iter().all(|u| u.starts_with("almanac-content-")),
        "{ids:?}"
    );
    assert_eq!(uids(&almanac_ical::parse_file(&text).unwrap()), ids);
    // Pinned: the same file gives the same UIDs in every run and every release.
    assert_eq!(ids[1], "almanac-content-9a4af420c43c2b33");
    // The same events elsewhere in another file, with LF line ends: the same UIDs.
    let moved = text.replace("\r\n", "\n").replace(
        "END:VCALENDAR",
        "BEGIN:VEVENT\nSUMMARY:Other\nDTSTART:20261001T100000\nEND:VEVENT\nEND:VCALENDAR",
    );
    let again = almanac_ical::parse_file(&moved).unwrap();
    assert_eq!(uids(&again)[..3], ids[..]);
    let kinds: Vec<WarningKind> = f
        .objects
        .iter()
        .flat_map(|o| &o.warnings)
        .map(|w| w.kind)
        .collect();
    assert_eq!(
        kinds
            .iter()
            .filter(|k| **k == WarningKind::BadValue)
            .count(),
        4,
        "one per UID-less VEVENT"
    );
    assert!(
        kinds.contains(&WarningKind::Inconsistent),
        "the duplicate is reported"
    );
    // Floating times are the viewer's wall clock; the date without DTEND lasts one day; the
    // away match without an end has no length.
    let exp = expand_file(&f, (2026, 9, 1), (2026, 10, 1), Europe::Berlin);
    assert_eq!(
        lines(&exp),
        [
            "2026-09-12–2026-09-13 Saisonauftakt mit Grillfest",
            "2026-09-19 15:00–2026-09-19 17:00 Heimspiel gegen TSV Hausen",
            "2026-09-26 15:00–2026-09-26 15:00 Auswärtsspiel beim FC Kirchberg",
        ]
    );
    // Each object's text carries its UID, so it can be stored as a CalDAV resource.
    for o in &f.objects {
        assert_eq!(almanac_ical::parse(&o.raw).unwrap().uid, o.uid);
    }
}

#[test]
fn duplicate_masters_and_overrides_keep_the_newest_version() {
    let f = file("concatenated_exports_duplicates.ics");
    assert_eq!(f.objects.len(), 2);
    let sprint = &f.objects[0];
    assert_eq!(sprint.master.as_ref().unwrap().details.sequence, 2);
    assert_eq!(sprint.overrides.len(), 2);
    let inconsistent = |o: &almanac_ical::CalendarObject| {
        o.warnings
            .iter()
            .filter(|w| w.kind == WarningKind::Inconsistent)
            .count()
    };
    assert_eq!(inconsistent(sprint), 3, "{:?}", sprint.warnings);
    assert_eq!(inconsistent(&f.objects[1]), 1);
    let exp = expand_file(&f, (2026, 10, 1), (2026, 11, 1), Europe::Berlin);
    // SEQUENCE 2 (Tuesdays 14:00, four times) beats 1 (Wednesdays) and 0 (Mondays). For 13
    // October both overrides have SEQUENCE 2: the later LAST-MODIFIED (room 4.12) wins. For 20
    // October SEQUENCE and LAST-MODIFIED tie: the later DTSTAMP (15:00) wins. The dentist
    // appears in both exports and is listed once.
    assert_eq!(
        lines(&exp),
        [
            "2026-10-06 14:00–2026-10-06 15:00 Sprint review",
            "2026-10-08 08:00–2026-10-08 09:00 Zahnarzt",
            "2026-10-13 14:00–2026-10-13 15:00 Sprint review (room 4.12)",
            "2026-10-20 15:00–2026-10-20 16:00 Sprint review (moved to 15:00)",
            "2026-10-27 14:00–2026-10-27 15:00 Sprint review",
        ]
    );
    // The object's own text holds the winners only, with their zone and without METHOD.
    let raw = &sprint.raw;
    assert_eq!(raw.matches("BEGIN:VEVENT").count(), 3);
    assert_eq!(raw.matches("BEGIN:VTIMEZONE").count(), 1);
    assert!(!raw.contains("METHOD"));
    assert!(raw.contains("X-WR-TIMEZONE:Europe/Berlin\r\n"));
    assert!(!raw.contains("room 2.01") && !raw.contains("16:00") && !raw.contains("SEQUENCE:1"));
}

#[test]
fn this_and_future_with_a_utc_recurrence_id_shifts_by_the_wall_clock_change() {
    let f = file("thisandfuture_utc_recurrence_id.ics");
    let exp = expand_file(&f, (2026, 3, 1), (2026, 5, 1), Europe::Berlin);
    // RECURRENCE-ID 08:00Z is 09:00 CET; the new DTSTART is 10:00: one hour later, 90
    // minutes long, renamed and relocated, from 16 March on, across the change to CEST.
    assert_eq!(
        lines(&exp),
        [
            "2026-03-02 09:00–2026-03-02 10:00 Planning",
            "2026-03-09 09:00–2026-03-09 10:00 Planning",
            "2026-03-16 10:00–2026-03-16 11:30 Planning (new slot)",
            "2026-03-23 10:00–2026-03-23 11:30 Planning (new slot)",
            "2026-03-30 10:00–2026-03-30 11:30 Planning (new slot)",
            "2026-04-06 10:00–2026-04-06 11:30 Planning (new slot)",
        ]
    );
    assert!(
        exp.occurrences[2..]
            .iter()
            .all(|o| o.details.location.as_deref() == Some("Room 2") && o.is_override)
    );
    // Later occurrences keep their own recurrence id: 30 March 09:00 CEST.
    assert_eq!(
        almanac_ical::to_utc(&exp.occurrences[4].recurrence_id.unwrap(), UTC),
        utc(2026, 3, 30, 7, 0)
    );
    // The same rule for a resource.
    let one = almanac_ical::parse(&fixture("thisandfuture_utc_recurrence_id.ics")).unwrap();
    assert_eq!(
        lines(&expand(
            &one,
            utc(2026, 3, 1, 0, 0),
            utc(2026, 5, 1, 0, 0),
            UTC
        )),
        lines(&exp)
    );
}

#[test]
fn nextcloud_this_and_future_reads_the_same_from_a_file() {
    let f = file("nextcloud_thisandfuture.ics");
    let one = object("nextcloud_thisandfuture.ics");
    let (from, to) = (utc(2026, 4, 1, 0, 0), utc(2026, 7, 1, 0, 0));
    let exp = f.expand(window(from, to, Europe::Berlin), Limits::default());
    assert_eq!(exp, expand(&one, from, to, Europe::Berlin));
    assert_eq!(exp.occurrences.len(), 8);
}

#[test]
fn an_override_without_its_master_shows_as_a_single_event() {
    let f = file("google_export_orphan_instance.ics");
    assert_eq!(f.objects.len(), 2);
    assert!(f.objects[0].master.is_none());
    let exp = expand_file(&f, (2026, 6, 1), (2026, 7, 1), Europe::Berlin);
    // 17:00 CEST is 15:00Z; 11:00 PDT is 18:00Z.
    assert_eq!(
        lines(&exp),
        [
            "2026-06-18 17:00–2026-06-18 17:30 Pick up bike",
            "2026-06-18 11:00–2026-06-18 11:45 Quarterly planning",
        ]
    );
    assert_eq!(
        starts_utc(&exp, UTC),
        [utc(2026, 6, 18, 15, 0), utc(2026, 6, 18, 18, 0)]
    );
    let orphan = &exp.occurrences[1];
    assert!(orphan.is_override);
    assert_eq!(
        orphan.recurrence_id.map(|r| almanac_ical::to_utc(&r, UTC)),
        Some(utc(2026, 6, 18, 17, 0))
    );
}

#[test]
fn a_cancelled_override_hides_its_occurrence_and_a_stray_one_still_shows() {
    let f = file("google_export_cancelled_and_extra_instance.ics");
    let exp = expand_file(&f, (2026, 5, 25), (2026, 6, 15), Europe::Berlin);
    // Daily 1–5 June; 3 June cancelled; 6 June is no occurrence of the rule (COUNT=5), yet its
    // override shows.
    assert_eq!(
        lines(&exp),
        [
            "2026-06-01 08:30–2026-06-01 09:00 Release stand-up",
            "2026-06-02 08:30–2026-06-02 09:00 Release stand-up",
            "2026-06-04 08:30–2026-06-04 09:00 Release stand-up",
            "2026-06-05 08:30–2026-06-05 09:00 Release stand-up",
            "2026-06-06 10:00–2026-06-06 10:30 Release stand-up (Saturday go-live)",
        ]
    );
    assert!(
        exp.occurrences
            .iter()
            .all(|o| o.status == Some(Status::Confirmed))
    );
}

#[test]
fn rdate_periods_carry_their_own_ends_and_count_days_on_the_calendar() {
    let f = file("rdate_period.ics");
    assert!(all_warnings(&f).is_empty(), "{:?}", all_warnings(&f));
    let exp = expand_file(&f, (2026, 3, 1), (2026, 5, 1), Europe::Berlin);
    // DTSTART with its one-hour DURATION; a start/end period; a start/P1DT2H period from 28
    // March 10:00 CET, which ends on the next calendar day (CEST) at 12:00, 25 hours later;
    // the 30 March period is excluded; the UTC period starts at 14:00 CEST.
    assert_eq!(
        lines(&exp),
        [
            "2026-03-23 09:00–2026-03-23 10:00 First-aid course",
            "2026-03-27 14:00–2026-03-27 17:30 First-aid course",
            "2026-03-28 10:00–2026-03-29 12:00 First-aid course",
            "2026-04-01 14:00–2026-04-01 13:00Z First-aid course",
        ]
    );
    let (s, e) = exp.occurrences[2].instants(UTC);
    assert_eq!((s, e), (utc(2026, 3, 28, 9, 0), utc(2026, 3, 29, 10, 0)));
    assert_eq!(
        exp.occurrences[3].instants(UTC),
        (utc(2026, 4, 1, 12, 0), utc(2026, 4, 1, 13, 0))
    );
}

#[test]
fn duration_only_and_endless_events_follow_rfc_5545() {
    let f = file("duration_only.ics");
    let exp = expand_file(&f, (2026, 3, 20), (2026, 5, 1), Europe::Berlin);
    // Ends are in DTSTART's frame: 22:00 CET + 3 h is 00:00Z, 01:00 CET (the clocks change
    // at 01:00Z); P1D from 10:00 CET is 10:00 CEST the next day, 23 hours; dates without an
    // end last a day; PT24H on a date is read as one day, with a warning.
    assert_eq!(
        lines(&exp),
        [
            "2026-03-23 23:00–2026-03-24 01:00 Late weekly",
            "2026-03-28 10:00–2026-03-29 10:00 One calendar day across the clock change",
            "2026-03-28 22:00–2026-03-29 01:00 Night shift across the clock change",
            "2026-03-30 23:00–2026-03-31 01:00 Late weekly",
            "2026-04-01–2026-04-04 Three days",
            "2026-04-10–2026-04-11 A date without an end",
            "2026-04-15 09:00–2026-04-15 09:00 A moment",
            "2026-04-20–2026-04-21 Hours on a date",
            "2026-04-25 18:00–2026-04-25 20:30 Floating evening",
        ]
    );
    let length = |i: usize| {
        let (s, e) = exp.occurrences[i].instants(UTC);
        e - s
    };
    assert_eq!(length(1), Duration::hours(23));
    assert_eq!(length(2), Duration::hours(3));
    assert_eq!(length(3), Duration::hours(2));
    let warned: Vec<&str> = f
        .objects
        .iter()
        .filter(|o| !o.warnings.is_empty())
        .map(|o| o.uid.as_str())
        .collect();
    assert_eq!(warned, ["duration-6@example.org"]);
}

#[test]
fn every_object_of_every_fixture_reads_back_from_its_own_text() {
    let dir = format!("{}/tests/fixtures", env!("CARGO_MANIFEST_DIR"));
    let w = Window {
        start: utc(2025, 6, 1, 0, 0),
        end: utc(2028, 1, 1, 0, 0),
        viewer: Europe::Berlin,
    };
    let mut objects = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let f = almanac_ical::parse_file(&text).unwrap();
        for o in &f.objects {
            let back =
                almanac_ical::parse(&o.raw).unwrap_or_else(|e| panic!("{path:?} {}: {e}", o.uid));
            assert_eq!(back.uid, o.uid);
            assert_eq!(
                back.expand(w, Limits::default()),
                o.expand(w, Limits::default()),
                "{path:?} {}",
                o.uid
            );
            assert!(
                o.raw.starts_with("BEGIN:VCALENDAR\r\n") && o.raw.ends_with("END:VCALENDAR\r\n")
            );
            objects += 1;
        }
        // A file of one resource reads as that resource.
        if f.objects.len() == 1 {
            let one = almanac_ical::parse(&text).unwrap();
            assert_eq!(
                one.expand(w, Limits::default()),
                f.expand(w, Limits::default()),
                "{path:?}"
            );
        }
    }
    assert!(objects > 70, "{objects}");
}

#[test]
fn files_have_their_own_limits_and_errors() {
    assert_eq!(
        almanac_ical::parse_file("").unwrap_err(),
        IcalError::NoEvent
    );
    let tasks = "BEGIN:VCALENDAR\r\nBEGIN:VTODO\r\nUID:t\r\nEND:VTODO\r\nEND:VCALENDAR\r\n";
    assert_eq!(
        almanac_ical::parse_file(tasks).unwrap_err(),
        IcalError::NoEvent
    );
    // Over a resource's limit, under a file's.
    let mut big = fixture("google_holidays_de.ics");
    let padding = format!("X-PADDING:{}\r\n", "x".repeat(70));
    let lines = almanac_ical::MAX_ICS_BYTES / padding.len() + 1;
    big = big.replacen(
        "VERSION:2.0\r\n",
        &format!("VERSION:2.0\r\n{}", padding.repeat(lines)),
        1,
    );
    assert!(matches!(
        almanac_ical::parse(&big),
        Err(IcalError::TooLarge { .. })
    ));
    assert_eq!(almanac_ical::parse_file(&big).unwrap().objects.len(), 38);
    let huge = "X".repeat(almanac_ical::MAX_FILE_BYTES + 1);
    assert!(matches!(
        almanac_ical::parse_file(&huge),
        Err(IcalError::TooLarge { .. })
    ));
}

#[test]
fn several_calendars_in_one_file_read_times_against_their_own_zones() {
    // Two calendars concatenated, each defining "Local" differently and naming its own
    // X-WR-TIMEZONE for floating times.
    let cal = |zone: &str, location: &str, uid: &str| {
        format!(
            "BEGIN:VCALENDAR\r\nX-WR-TIMEZONE:{zone}\r\nBEGIN:VTIMEZONE\r\nTZID:Local\r\nX-LIC-LOCATION:{location}\r\nEND:VTIMEZONE\r\n\
             BEGIN:VEVENT\r\nUID:{uid}-zoned\r\nDTSTART;TZID=Local:20260701T090000\r\nEND:VEVENT\r\n\
             BEGIN:VEVENT\r\nUID:{uid}-floating\r\nDTSTART:20260701T090000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
        )
    };
    let text =
        cal("Asia/Tokyo", "Europe/Lisbon", "a") + &cal("America/Chicago", "Australia/Perth", "b");
    let f = almanac_ical::parse_file(&text).unwrap();
    let exp = expand_file(&f, (2026, 6, 30), (2026, 7, 3), UTC);
    let got: Vec<(String, chrono::DateTime<chrono::Utc>)> = exp
        .occurrences
        .iter()
        .map(|o| (o.uid.to_string(), o.instants(UTC).0))
        .collect();
    // Tokyo 09:00 is 00:00Z, Perth 09:00 is 01:00Z, Lisbon (WEST) 08:00Z, Chicago (CDT) 14:00Z.
    let expected = [
        ("a-floating", utc(2026, 7, 1, 0, 0)),
        ("b-zoned", utc(2026, 7, 1, 1, 0)),
        ("a-zoned", utc(2026, 7, 1, 8, 0)),
        ("b-floating", utc(2026, 7, 1, 14, 0)),
    ];
    assert_eq!(got, expected.map(|(u, t)| (u.to_owned(), t)));
}
