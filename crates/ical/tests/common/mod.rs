//! Helpers shared by the integration tests.

#![allow(dead_code, clippy::unwrap_used)]

use almanac_ical::{CalendarObject, EventTime, Expansion, Limits, Window};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;

pub fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

pub fn object(name: &str) -> CalendarObject {
    almanac_ical::parse(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
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
