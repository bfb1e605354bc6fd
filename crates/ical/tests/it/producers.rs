//! Fixtures from real producers: each test names the behaviour its fixture exists for.

use crate::common::*;
use almanac_ical::{AlarmAction, EventTime, Status, WarningKind};
use chrono_tz::{America, Asia, Australia, Europe, Pacific, UTC};

#[test]
fn every_fixture_names_its_source_and_parses() {
    let dir = format!("{}/tests/fixtures", env!("CARGO_MANIFEST_DIR"));
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "ics") {
            let text = std::fs::read_to_string(&path).unwrap();
            assert!(
                text.contains("X-ALMANAC-FIXTURE-SOURCE:"),
                "{path:?} names no source"
            );
            assert!(almanac_ical::parse(&text).is_ok(), "{path:?}");
            seen += 1;
        }
    }
    assert!(seen >= 10);
}

#[test]
fn icloud_weekly_keeps_local_time_across_dst_and_applies_exdate_and_override() {
    let obj = object("icloud_weekly_berlin.ics");
    assert!(obj.warnings.is_empty(), "{:?}", obj.warnings);
    let exp = expand(
        &obj,
        utc(2026, 2, 9, 0, 0),
        utc(2026, 4, 7, 0, 0),
        Europe::Berlin,
    );
    assert_eq!(
        walls(&exp),
        [
            "2026-02-09 10:00", // 16 Feb is excluded
            "2026-02-23 10:00",
            "2026-03-03 14:00", // 2 Mar moved to Tuesday afternoon
            "2026-03-09 10:00",
            "2026-03-16 10:00",
            "2026-03-23 10:00",
            "2026-03-30 10:00", // after DST: still 10:00, now 08:00 UTC
            "2026-04-06 10:00",
        ]
    );
    let starts = starts_utc(&exp, UTC);
    assert_eq!(starts[5], utc(2026, 3, 23, 9, 0));
    assert_eq!(starts[6], utc(2026, 3, 30, 8, 0));
    let moved = &exp.occurrences[2];
    assert!(moved.is_override);
    assert_eq!(moved.summary(), Some("Team Weekly (moved)"));
    assert_eq!(moved.details.location.as_deref(), Some("Online"));
    let rid = moved.recurrence_id.unwrap();
    assert_eq!(almanac_ical::to_utc(&rid, UTC), utc(2026, 3, 2, 9, 0));
    // The override's own alarm: 5 minutes before its end, repeated twice 2 minutes apart.
    let alarm_at: Vec<_> = moved.alarms.iter().map(|a| a.at).collect();
    assert_eq!(
        alarm_at,
        [
            utc(2026, 3, 3, 14, 25),
            utc(2026, 3, 3, 14, 27),
            utc(2026, 3, 3, 14, 29)
        ]
    );
    // The master's alarm, with the ACTION:NONE placeholder dropped.
    let first = &exp.occurrences[0];
    assert_eq!(first.alarms.len(), 1);
    assert_eq!(first.alarms[0].at, utc(2026, 2, 9, 8, 45));
    assert_eq!(first.alarms[0].action, AlarmAction::Display);
    let d = &first.details;
    assert_eq!(
        d.location.as_deref(),
        Some("Konferenzraum 3\nFriedrichstraße 68, 10117 Berlin")
    );
    assert_eq!(
        d.organizer.as_ref().unwrap().name.as_deref(),
        Some("Anna Schmidt")
    );
    assert_eq!(d.attendees.len(), 2);
    assert_eq!(d.categories, ["Work", "Team"]);
    assert_eq!(
        d.url.as_deref(),
        Some("https://example.com/meet/team-weekly")
    );
    let sl = d.structured_location.as_ref().unwrap();
    assert_eq!(
        (sl.geo.as_str(), sl.title.as_deref()),
        ("geo:52.507,13.390", Some("Konferenzraum 3"))
    );
    // Unknown properties survive in the raw text.
    assert!(
        obj.raw
            .contains("X-APPLE-TRAVEL-ADVISORY-BEHAVIOR:AUTOMATIC")
    );
}

#[test]
fn google_utc_recurrence_ids_cancel_and_move_instances_across_us_dst() {
    let obj = object("google_new_york_daily.ics");
    let exp = expand(
        &obj,
        utc(2026, 3, 1, 0, 0),
        utc(2026, 3, 31, 0, 0),
        America::New_York,
    );
    assert_eq!(
        walls(&exp),
        [
            "2026-03-05 09:30",
            "2026-03-06 09:30",
            "2026-03-08 09:30",
            "2026-03-09 09:30",
            "2026-03-11 09:30",
            "2026-03-12 09:30", // UNTIL in UTC is inclusive
            "2026-03-16 11:00",
        ]
    );
    let starts = starts_utc(&exp, UTC);
    assert_eq!(starts[1], utc(2026, 3, 6, 14, 30));
    assert_eq!(starts[2], utc(2026, 3, 8, 13, 30));
    assert!(
        exp.occurrences
            .iter()
            .all(|o| o.status == Some(Status::Confirmed))
    );
    // Moved out of the window: the original slot stays empty, the new one is absent too.
    let narrow = expand(
        &obj,
        utc(2026, 3, 10, 0, 0),
        utc(2026, 3, 11, 0, 0),
        America::New_York,
    );
    assert!(narrow.occurrences.is_empty(), "{:?}", walls(&narrow));
    // Moved into a window that holds no regular occurrence.
    let later = expand(
        &obj,
        utc(2026, 3, 16, 0, 0),
        utc(2026, 3, 17, 0, 0),
        America::New_York,
    );
    assert_eq!(walls(&later), ["2026-03-16 11:00"]);
    assert_eq!(
        later.occurrences[0].alarms.len(),
        0,
        "overrides carry their own alarms"
    );
}

#[test]
fn google_floating_times_follow_x_wr_timezone() {
    let obj = object("google_public_feed_floating.ics");
    let exp = expand(
        &obj,
        utc(2026, 7, 1, 0, 0),
        utc(2026, 7, 2, 0, 0),
        America::New_York,
    );
    assert_eq!(exp.occurrences.len(), 1);
    assert_eq!(
        exp.occurrences[0].start,
        EventTime::Zoned {
            local: date(2026, 7, 1).and_hms_opt(19, 0, 0).unwrap(),
            tz: Europe::Paris
        }
    );
    assert_eq!(
        starts_utc(&exp, America::New_York),
        [utc(2026, 7, 1, 17, 0)]
    );
}

#[test]
fn outlook_windows_tzid_resolves_and_exdate_matches() {
    let obj = object("outlook_windows_tzid.ics");
    assert!(obj.warnings.is_empty(), "{:?}", obj.warnings);
    let exp = expand(&obj, utc(2026, 1, 1, 0, 0), utc(2027, 1, 1, 0, 0), UTC);
    assert_eq!(
        walls(&exp),
        [
            "2026-03-10 09:00",
            "2026-04-14 09:00",
            "2026-06-09 09:00",
            "2026-07-14 09:00",
            "2026-08-11 09:00"
        ]
    );
    assert_eq!(starts_utc(&exp, UTC)[0], utc(2026, 3, 10, 8, 0));
    assert_eq!(starts_utc(&exp, UTC)[1], utc(2026, 4, 14, 7, 0));
    assert!(
        obj.uid
            .as_str()
            .ends_with("F1E2D3C4B5A69788796A5B4C3D2E1F00"),
        "folded UID unfolds"
    );
}

#[test]
fn outlook_windows_names_resolve_by_cldrs_table_and_an_unknown_one_floats() {
    let file = file("outlook_windows_zones_export.ics");
    let starts: Vec<(&str, EventTime)> = file
        .objects
        .iter()
        .map(|o| (o.uid.as_str(), o.master.as_ref().unwrap().start))
        .collect();
    let zoned = |h: u32, tz| EventTime::Zoned {
        local: chrono::NaiveDate::from_ymd_opt(2026, 3, 10)
            .unwrap()
            .and_hms_opt(h, 0, 0)
            .unwrap(),
        tz,
    };
    let mut half_past = zoned(9, Asia::Calcutta);
    if let EventTime::Zoned { local, .. } = &mut half_past {
        *local += chrono::Duration::minutes(30);
    }
    assert_eq!(
        starts,
        [
            ("AAMkAGI2TG93AAA=", zoned(9, Europe::Berlin)),
            ("AAMkAGI2TG94AAA=", zoned(9, America::Los_Angeles)),
            ("AAMkAGI2TG95AAA=", half_past),
            ("AAMkAGI2TG96AAA=", zoned(9, Australia::Sydney)),
            ("AAMkAGI2TG97AAA=", zoned(9, Asia::Katmandu)),
            (
                "AAMkAGI2TG98AAA=",
                EventTime::Floating {
                    local: chrono::NaiveDate::from_ymd_opt(2026, 3, 10)
                        .unwrap()
                        .and_hms_opt(9, 0, 0)
                        .unwrap()
                }
            ),
        ]
    );
    let unknown: Vec<&str> = file
        .objects
        .iter()
        .flat_map(|o| &o.warnings)
        .filter(|w| w.kind == WarningKind::UnknownTimezone)
        .map(|w| w.message.as_str())
        .collect();
    assert_eq!(
        unknown,
        ["TZID \"Customized Time Zone 1\" unknown; read as floating"]
    );
}

#[test]
fn outlook_customized_zone_is_matched_from_its_vtimezone() {
    let obj = object("outlook_customized_tz.ics");
    assert!(obj.warnings.is_empty(), "{:?}", obj.warnings);
    let exp = expand(&obj, utc(2026, 3, 1, 0, 0), utc(2026, 4, 1, 0, 0), UTC);
    assert_eq!(
        starts_utc(&exp, UTC),
        [
            utc(2026, 3, 2, 13, 0),
            utc(2026, 3, 9, 12, 0),
            utc(2026, 3, 16, 12, 0),
            utc(2026, 3, 23, 12, 0)
        ]
    );
}

#[test]
fn thunderbird_prefixed_tzid_period_rdate_and_date_exdate() {
    let obj = object("thunderbird_mozilla_tzid.ics");
    assert!(obj.warnings.is_empty(), "{:?}", obj.warnings);
    let exp = expand(
        &obj,
        utc(2026, 3, 1, 0, 0),
        utc(2026, 5, 1, 0, 0),
        Europe::Berlin,
    );
    assert_eq!(
        walls(&exp),
        [
            "2026-03-26 08:30",
            "2026-03-27 08:30",
            "2026-03-29 08:30",
            "2026-03-30 08:30",
            "2026-04-05 09:00"
        ]
    );
    // The PERIOD gives its own end: two hours, not the series' one.
    let (s, e) = exp.occurrences[4].instants(UTC);
    assert_eq!((s, e), (utc(2026, 4, 5, 7, 0), utc(2026, 4, 5, 9, 0)));
    // 29 March is the DST day: 08:30 CEST is 06:30 UTC.
    assert_eq!(starts_utc(&exp, UTC)[2], utc(2026, 3, 29, 6, 30));
}

#[test]
fn fastmail_all_day_stays_on_its_dates_in_every_zone() {
    let obj = object("fastmail_allday_yearly.ics");
    for viewer in [Pacific::Auckland, America::Los_Angeles, UTC] {
        let exp = expand(&obj, utc(2025, 1, 1, 0, 0), utc(2030, 1, 1, 0, 0), viewer);
        assert_eq!(
            walls(&exp),
            ["2026-04-15", "2026-12-24", "2027-04-15"],
            "viewer {viewer}"
        );
        assert!(exp.occurrences.iter().all(|o| o.all_day));
        assert_eq!(
            exp.occurrences[0].end,
            EventTime::Date {
                date: date(2026, 4, 18)
            }
        );
        // The absolute alarm belongs to the first occurrence only.
        let alarms: usize = exp.occurrences.iter().map(|o| o.alarms.len()).sum();
        assert_eq!(alarms, 1);
    }
    // In Auckland, the day starts 12 hours before UTC's: a window on UTC's 14 April evening is
    // already 15 April there.
    let exp = expand(
        &obj,
        utc(2026, 4, 14, 12, 0),
        utc(2026, 4, 14, 13, 0),
        Pacific::Auckland,
    );
    assert_eq!(exp.occurrences.len(), 1);
    let exp = expand(
        &obj,
        utc(2026, 4, 14, 12, 0),
        utc(2026, 4, 14, 13, 0),
        America::Los_Angeles,
    );
    assert!(exp.occurrences.is_empty());
}

#[test]
fn nextcloud_this_and_future_shifts_the_rest_of_the_series() {
    let obj = object("nextcloud_thisandfuture.ics");
    let exp = expand(
        &obj,
        utc(2026, 4, 1, 0, 0),
        utc(2026, 7, 1, 0, 0),
        Europe::Berlin,
    );
    assert_eq!(
        walls(&exp),
        [
            "2026-04-16 18:00",
            "2026-04-23 18:00",
            "2026-04-30 18:00",
            "2026-05-07 19:30",
            "2026-05-14 19:30",
            "2026-05-21 19:30",
            "2026-05-28 19:30",
            "2026-06-04 19:30",
        ]
    );
    let last = exp.occurrences.last().unwrap();
    assert_eq!(last.summary(), Some("Choir (new hall)"));
    assert_eq!(
        last.instants(UTC).1 - last.instants(UTC).0,
        chrono::Duration::minutes(90)
    );
    assert_eq!(
        almanac_ical::to_utc(&last.recurrence_id.unwrap(), UTC),
        utc(2026, 6, 4, 16, 0)
    );
}

#[test]
fn sydney_series_keeps_local_time_across_both_southern_changes() {
    let obj = object("icloud_sydney_weekly.ics");
    let exp = expand(
        &obj,
        utc(2026, 3, 28, 0, 0),
        utc(2026, 10, 12, 0, 0),
        Australia::Sydney,
    );
    assert!(walls(&exp).iter().all(|w| w.ends_with("09:00")));
    let starts = starts_utc(&exp, UTC);
    assert_eq!(starts[0], utc(2026, 3, 28, 22, 0)); // AEDT +11
    assert_eq!(starts[1], utc(2026, 4, 4, 23, 0)); // 5 April: DST ended at 03:00, AEST +10
    assert_eq!(*starts.last().unwrap(), utc(2026, 10, 10, 22, 0)); // +11 again
    assert_eq!(starts[2], utc(2026, 4, 11, 23, 0)); // AEST +10
}

#[test]
fn a_resource_with_only_an_override_shows_that_occurrence() {
    let obj = object("icloud_overrides_only.ics");
    assert!(obj.master.is_none());
    let exp = expand(&obj, utc(2026, 6, 1, 0, 0), utc(2026, 7, 1, 0, 0), UTC);
    assert_eq!(walls(&exp), ["2026-06-10 15:00"]);
    assert_eq!(starts_utc(&exp, UTC), [utc(2026, 6, 10, 22, 0)]);
}

#[test]
fn broken_input_expands_what_is_sensible_and_warns() {
    let obj = object("broken_real_world.ics");
    let kinds: Vec<_> = obj.warnings.iter().map(|w| w.kind).collect();
    for k in [
        WarningKind::BadLine,
        WarningKind::Structure,
        WarningKind::Inconsistent,
        WarningKind::BadRule,
        WarningKind::UnknownTimezone,
        WarningKind::BadValue,
    ] {
        assert!(kinds.contains(&k), "missing {k:?} in {kinds:?}");
    }
    let exp = expand(
        &obj,
        utc(2026, 6, 1, 0, 0),
        utc(2026, 6, 10, 0, 0),
        Europe::Vienna,
    );
    // Three daily occurrences from the first DTSTART, zero length since DTEND is before it; the
    // EXDATE with an unknown TZID is read as floating, so in Vienna it still removes 2 June.
    assert_eq!(walls(&exp), ["2026-06-01 10:00", "2026-06-03 10:00"]);
    assert!(exp.occurrences.iter().all(|o| o.start == o.end));
}
