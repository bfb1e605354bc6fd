//! The recurrence examples of RFC 5545 §3.8.5.3, with the results the RFC lists. All use
//! `DTSTART;TZID=America/New_York`, as the RFC does.

use crate::common::utc;
use almanac_ical::{Limits, Window};
use chrono_tz::America::New_York;

fn ics(dtstart: &str, body: &str) -> String {
    format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:rfc\r\nDTSTART;TZID=America/New_York:{dtstart}\r\n{body}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
}

/// The first `n` starts (wall clock, `YYYYMMDDTHHMM`) of the series.
fn first(dtstart: &str, body: &str, n: usize) -> Vec<String> {
    let obj = almanac_ical::parse(&ics(dtstart, body)).unwrap();
    assert!(obj.warnings.is_empty(), "{:?}", obj.warnings);
    let window = Window {
        start: utc(1997, 1, 1, 0, 0),
        end: utc(2008, 1, 1, 0, 0),
        viewer: New_York,
    };
    let exp = obj.expand(
        window,
        Limits {
            max_occurrences: 5000,
            ..Limits::default()
        },
    );
    exp.occurrences
        .iter()
        .take(n)
        .map(|o| {
            o.instants(New_York)
                .0
                .with_timezone(&New_York)
                .format("%Y%m%dT%H%M")
                .to_string()
        })
        .collect()
}

fn days(list: &[&str], time: &str) -> Vec<String> {
    list.iter().map(|d| format!("{d}T{time}")).collect()
}

#[test]
fn daily_for_10_occurrences() {
    let want = days(
        &[
            "19970902", "19970903", "19970904", "19970905", "19970906", "19970907", "19970908",
            "19970909", "19970910", "19970911",
        ],
        "0900",
    );
    assert_eq!(
        first("19970902T090000", "RRULE:FREQ=DAILY;COUNT=10", 20),
        want
    );
}

#[test]
fn every_other_day_keeps_9am_across_the_october_change() {
    let got = first("19970902T090000", "RRULE:FREQ=DAILY;INTERVAL=2", 30);
    assert!(got.iter().all(|g| g.ends_with("T0900")));
    assert_eq!(
        &got[..3],
        days(&["19970902", "19970904", "19970906"], "0900")
    );
    assert!(got.contains(&"19971026T0900".to_owned()), "{got:?}");
}

#[test]
fn every_10_days_5_occurrences() {
    let want = days(
        &["19970902", "19970912", "19970922", "19971002", "19971012"],
        "0900",
    );
    assert_eq!(
        first(
            "19970902T090000",
            "RRULE:FREQ=DAILY;INTERVAL=10;COUNT=5",
            10
        ),
        want
    );
}

#[test]
fn every_day_in_january_for_3_years() {
    let got = first(
        "19980101T090000",
        "RRULE:FREQ=YEARLY;UNTIL=20000131T140000Z;BYMONTH=1;BYDAY=SU,MO,TU,WE,TH,FR,SA",
        500,
    );
    assert_eq!(got.len(), 93);
    assert_eq!(got.first().map(String::as_str), Some("19980101T0900"));
    assert_eq!(got.last().map(String::as_str), Some("20000131T0900"));
}

#[test]
fn weekly_on_tuesday_and_thursday_for_five_weeks() {
    let want = days(
        &[
            "19970902", "19970904", "19970909", "19970911", "19970916", "19970918", "19970923",
            "19970925", "19970930", "19971002",
        ],
        "0900",
    );
    assert_eq!(
        first(
            "19970902T090000",
            "RRULE:FREQ=WEEKLY;UNTIL=19971007T000000Z;WKST=SU;BYDAY=TU,TH",
            20
        ),
        want
    );
    assert_eq!(
        first(
            "19970902T090000",
            "RRULE:FREQ=WEEKLY;COUNT=10;WKST=SU;BYDAY=TU,TH",
            20
        ),
        want
    );
}

#[test]
fn wkst_changes_the_result() {
    let mo = first(
        "19970805T090000",
        "RRULE:FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=MO",
        10,
    );
    assert_eq!(
        mo,
        days(&["19970805", "19970810", "19970819", "19970824"], "0900")
    );
    let su = first(
        "19970805T090000",
        "RRULE:FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=SU",
        10,
    );
    assert_eq!(
        su,
        days(&["19970805", "19970817", "19970819", "19970831"], "0900")
    );
}

#[test]
fn monthly_on_the_first_friday() {
    let want = days(
        &[
            "19970905", "19971003", "19971107", "19971205", "19980102", "19980206", "19980306",
            "19980403", "19980501", "19980605",
        ],
        "0900",
    );
    assert_eq!(
        first(
            "19970905T090000",
            "RRULE:FREQ=MONTHLY;COUNT=10;BYDAY=1FR",
            20
        ),
        want
    );
}

#[test]
fn monthly_on_the_second_to_last_monday() {
    let want = days(
        &[
            "19970922", "19971020", "19971117", "19971222", "19980119", "19980216",
        ],
        "0900",
    );
    assert_eq!(
        first(
            "19970922T090000",
            "RRULE:FREQ=MONTHLY;COUNT=6;BYDAY=-2MO",
            20
        ),
        want
    );
}

#[test]
fn third_to_last_day_of_the_month() {
    let want = days(
        &[
            "19970928", "19971029", "19971128", "19971229", "19980129", "19980226",
        ],
        "0900",
    );
    assert_eq!(
        first("19970928T090000", "RRULE:FREQ=MONTHLY;BYMONTHDAY=-3", 6),
        want
    );
}

#[test]
fn yearly_in_june_and_july() {
    let got = first(
        "19970610T090000",
        "RRULE:FREQ=YEARLY;COUNT=10;BYMONTH=6,7",
        20,
    );
    assert_eq!(got.len(), 10);
    assert_eq!(&got[..2], days(&["19970610", "19970710"], "0900"));
    assert_eq!(got.last().map(String::as_str), Some("20010710T0900"));
}

#[test]
fn every_third_year_on_year_days() {
    let want = days(
        &[
            "19970101", "19970410", "19970719", "20000101", "20000409", "20000718", "20030101",
            "20030410", "20030719", "20060101",
        ],
        "0900",
    );
    assert_eq!(
        first(
            "19970101T090000",
            "RRULE:FREQ=YEARLY;INTERVAL=3;COUNT=10;BYYEARDAY=1,100,200",
            20
        ),
        want
    );
}

#[test]
fn monday_of_week_20() {
    assert_eq!(
        first(
            "19970512T090000",
            "RRULE:FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO",
            3
        ),
        days(&["19970512", "19980511", "19990517"], "0900")
    );
}

#[test]
fn every_friday_the_13th_with_dtstart_excluded() {
    let body =
        "EXDATE;TZID=America/New_York:19970902T090000\r\nRRULE:FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13";
    assert_eq!(
        first("19970902T090000", body, 5),
        days(
            &["19980213", "19980313", "19981113", "19990813", "20001013"],
            "0900"
        )
    );
}

#[test]
fn last_work_day_of_the_month_with_bysetpos() {
    let want = days(
        &[
            "19970930", "19971031", "19971128", "19971231", "19980130", "19980227", "19980331",
        ],
        "0900",
    );
    assert_eq!(
        first(
            "19970930T090000",
            "RRULE:FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
            7
        ),
        want
    );
}

#[test]
fn third_tuesday_wednesday_or_thursday_with_bysetpos() {
    assert_eq!(
        first(
            "19970904T090000",
            "RRULE:FREQ=MONTHLY;COUNT=3;BYDAY=TU,WE,TH;BYSETPOS=3",
            10
        ),
        days(&["19970904", "19971007", "19971106"], "0900")
    );
}

#[test]
fn every_20_minutes_during_office_hours() {
    let got = first(
        "19970902T090000",
        "RRULE:FREQ=DAILY;BYHOUR=9,10,11,12,13,14,15,16;BYMINUTE=0,20,40",
        25,
    );
    assert_eq!(
        &got[..3],
        ["19970902T0900", "19970902T0920", "19970902T0940"]
    );
    assert_eq!(got[23], "19970902T1640");
    assert_eq!(got[24], "19970903T0900");
}

#[test]
fn invalid_dates_are_skipped_not_moved() {
    let want = [
        "20070115T0900",
        "20070130T0900",
        "20070215T0900",
        "20070315T0900",
        "20070330T0900",
    ];
    assert_eq!(
        first(
            "20070115T090000",
            "RRULE:FREQ=MONTHLY;BYMONTHDAY=15,30;COUNT=5",
            10
        ),
        want
    );
}

#[test]
fn several_rrules_and_a_date_rdate_union() {
    let body = "RRULE:FREQ=WEEKLY;COUNT=3;BYDAY=MO\r\nRRULE:FREQ=WEEKLY;COUNT=2;BYDAY=WE\r\nRDATE;VALUE=DATE:19970920";
    let got = first("19970901T090000", body, 10);
    assert_eq!(
        got,
        days(
            &[
                "19970901", "19970903", "19970908", "19970910", "19970915", "19970920"
            ],
            "0900"
        )
    );
}
