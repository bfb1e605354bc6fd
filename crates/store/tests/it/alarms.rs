//! Alarm firings from the store: relative, absolute and repeating triggers per occurrence,
//! what never fires, the per-calendar switch, and the delivered mark.

use crate::common::{at, ics, put, store, upsert};

const SOURCE: &str =
    "iCloud event with VALARMs as Apple Calendar writes them (icloud-caldav.md, Alarms)";

fn weekly_with_alarms() -> String {
    ics(
        SOURCE,
        &[&[
            "UID:standup",
            "SUMMARY:Standup",
            "LOCATION:Room 4",
            "DTSTART;TZID=Europe/Berlin:20261201T100000",
            "DTEND;TZID=Europe/Berlin:20261201T101500",
            "RRULE:FREQ=WEEKLY;COUNT=3",
            "BEGIN:VALARM",
            "X-WR-ALARMUID:A1",
            "ACTION:DISPLAY",
            "DESCRIPTION:Reminder",
            "TRIGGER:-PT15M",
            "REPEAT:1",
            "DURATION:PT5M",
            "END:VALARM",
            "BEGIN:VALARM",
            "ACTION:AUDIO",
            "TRIGGER;RELATED=END:PT0S",
            "END:VALARM",
            "BEGIN:VALARM",
            "ACTION:EMAIL",
            "TRIGGER:-PT1H",
            "END:VALARM",
            "BEGIN:VALARM",
            "ACTION:NONE",
            "TRIGGER;VALUE=DATE-TIME:19760401T005545Z",
            "END:VALARM",
        ]],
    )
}

#[test]
fn each_occurrence_fires_its_display_and_audio_alarms_with_repeats() {
    let (mut s, _, cal) = store();
    put(
        &mut s,
        cal,
        vec![upsert(
            "/1/calendars/home/s.ics",
            "e1",
            weekly_with_alarms(),
        )],
    );
    let berlin = chrono_tz::Europe::Berlin;
    let due = s
        .alarms_between(at(2026, 11, 30, 0, 0), at(2026, 12, 16, 0, 0), berlin)
        .unwrap();
    let times: Vec<String> = due
        .iter()
        .map(|d| d.at.format("%m-%d %H:%M").to_string())
        .collect();
    // 10:00 Berlin is 09:00 UTC: 15 min before, 5 min later, and at the end (09:15), weekly.
    assert_eq!(
        times,
        [
            "12-01 08:45",
            "12-01 08:50",
            "12-01 09:15",
            "12-08 08:45",
            "12-08 08:50",
            "12-08 09:15",
            "12-15 08:45",
            "12-15 08:50",
            "12-15 09:15",
        ]
    );
    assert_eq!(due[0].summary.as_deref(), Some("Standup"));
    assert_eq!(due[0].location.as_deref(), Some("Room 4"));
    assert_eq!(due[0].description.as_deref(), Some("Reminder"));
    assert_eq!(due[0].calendar_name, "Home");
    let sounds: Vec<bool> = due[..3].iter().map(|d| d.audio).collect();
    assert_eq!(
        sounds,
        [false, false, true],
        "the end alarm is ACTION:AUDIO"
    );
}

#[test]
fn the_window_is_half_open_and_the_switch_silences_a_calendar() {
    let (mut s, _, cal) = store();
    put(
        &mut s,
        cal,
        vec![upsert(
            "/1/calendars/home/s.ics",
            "e1",
            weekly_with_alarms(),
        )],
    );
    let utc = chrono_tz::UTC;
    let first = at(2026, 12, 1, 8, 45);
    let just = s
        .alarms_between(first - chrono::Duration::seconds(1), first, utc)
        .unwrap();
    assert_eq!(just.len(), 1, "(from, to] includes its end");
    assert!(
        s.alarms_between(first, first + chrono::Duration::seconds(60), utc)
            .unwrap()
            .is_empty()
    );
    s.set_calendar_notify(cal, false).unwrap();
    assert!(
        s.alarms_between(at(2026, 11, 30, 0, 0), at(2026, 12, 16, 0, 0), utc)
            .unwrap()
            .is_empty()
    );
}

#[test]
fn the_delivered_mark_survives_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.sqlite3");
    let mark = at(2026, 12, 1, 8, 46);
    {
        let mut s = almanac_store::Store::open(&path).unwrap();
        assert_eq!(s.alarms_delivered_until().unwrap(), None);
        s.set_alarms_delivered_until(mark).unwrap();
    }
    let s = almanac_store::Store::open(&path).unwrap();
    assert_eq!(s.alarms_delivered_until().unwrap(), Some(mark));
}
