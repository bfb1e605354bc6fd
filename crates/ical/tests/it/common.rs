//! Helpers shared by the integration tests.

use almanac_ical::{CalendarFile, CalendarObject, EventTime, Expansion, Limits, Window};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use proptest::prelude::*;

pub fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

pub fn object(name: &str) -> CalendarObject {
    almanac_ical::parse(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

pub fn file(name: &str) -> CalendarFile {
    almanac_ical::parse_file(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

pub fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
}

pub fn window(from: DateTime<Utc>, to: DateTime<Utc>, viewer: Tz) -> Window {
    Window {
        start: from,
        end: to,
        viewer,
    }
}

pub fn expand(
    obj: &CalendarObject,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    viewer: Tz,
) -> Expansion {
    obj.expand(window(from, to, viewer), Limits::default())
}

/// Starts as UTC instants in the viewer's frame.
pub fn starts_utc(exp: &Expansion, viewer: Tz) -> Vec<DateTime<Utc>> {
    exp.occurrences
        .iter()
        .map(|o| o.instants(viewer).0)
        .collect()
}

/// Starts as wall-clock strings `YYYY-MM-DD HH:MM` in their own frame.
pub fn walls(exp: &Expansion) -> Vec<String> {
    exp.occurrences
        .iter()
        .map(|o| match o.start {
            EventTime::Date { date } => date.to_string(),
            EventTime::Floating { local } | EventTime::Zoned { local, .. } => {
                local.format("%Y-%m-%d %H:%M").to_string()
            }
            EventTime::Utc { instant } => instant.format("%Y-%m-%d %H:%MZ").to_string(),
        })
        .collect()
}

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// A time in its own frame: `YYYY-MM-DD` for dates, `YYYY-MM-DD HH:MM` for wall clocks,
/// `YYYY-MM-DD HH:MMZ` for UTC.
pub fn shown(t: &EventTime) -> String {
    match t {
        EventTime::Date { date } => date.to_string(),
        EventTime::Floating { local } | EventTime::Zoned { local, .. } => {
            local.format("%Y-%m-%d %H:%M").to_string()
        }
        EventTime::Utc { instant } => instant.format("%Y-%m-%d %H:%MZ").to_string(),
    }
}

/// Each occurrence as `start–end summary`, times in their own frame.
pub fn lines(exp: &Expansion) -> Vec<String> {
    exp.occurrences
        .iter()
        .map(|o| {
            format!(
                "{}–{} {}",
                shown(&o.start),
                shown(&o.end),
                o.summary().unwrap_or_default()
            )
        })
        .collect()
}

/// A small edit of a fixture, for the parsers' robustness tests.
#[derive(Debug, Clone)]
pub enum Mutation {
    Delete(usize, usize),
    Insert(usize, String),
    DuplicateLine(usize),
    DropLine(usize),
}

/// Deletions, insertions of iCalendar-ish fragments, duplicated and dropped lines.
pub fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 0usize..40).prop_map(|(a, n)| Mutation::Delete(a, n)),
        (any::<usize>(), "(;|:|=|,|\"|\r\n| |RRULE:FREQ=SECONDLY|BYSETPOS=-1|TZID=|VALUE=DATE|20260101|T|Z|-P1D|END:VEVENT|BEGIN:VEVENT|[a-zA-Z0-9]{1,8}){1,6}")
            .prop_map(|(a, s)| Mutation::Insert(a, s)),
        any::<usize>().prop_map(Mutation::DuplicateLine),
        any::<usize>().prop_map(Mutation::DropLine),
    ]
}

/// `text` with `m` applied at a position taken modulo its length.
pub fn apply(text: &str, m: &Mutation) -> String {
    let boundary = |i: usize| {
        let mut i = i % (text.len() + 1);
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    match m {
        Mutation::Delete(a, n) => {
            let a = boundary(*a);
            let b = boundary(a + n);
            format!("{}{}", &text[..a], &text[b.max(a)..])
        }
        Mutation::Insert(a, s) => {
            let a = boundary(*a);
            format!("{}{s}{}", &text[..a], &text[a..])
        }
        Mutation::DuplicateLine(i) => {
            let i = i % lines.len();
            let mut out: Vec<&str> = lines.clone();
            out.insert(i, lines[i]);
            out.concat()
        }
        Mutation::DropLine(i) => {
            let mut out = lines.clone();
            out.remove(i % lines.len());
            out.concat()
        }
    }
}
