//! Helpers shared by the store's integration tests.

use almanac_core::{AccountId, AccountKind, CalendarId, ComponentKind, Etag, Href};
use almanac_store::{Batch, CalendarListing, ResourceUpsert, Store};
use chrono::{DateTime, NaiveDate, Utc};

/// A store with one iCloud account and one calendar.
pub fn store() -> (Store, AccountId, CalendarId) {
    let mut s = Store::open_in_memory().unwrap();
    let a = s
        .add_account(
            AccountKind::Icloud,
            "a@icloud.com",
            "https://caldav.icloud.com/",
        )
        .unwrap();
    let c = s
        .upsert_calendar(a, &listing("/1/calendars/home/", "Home"))
        .unwrap();
    (s, a, c)
}

pub fn listing(href: &str, name: &str) -> CalendarListing {
    CalendarListing {
        href: Href::new(href),
        name: name.to_owned(),
        color: Some("#1BADF8FF".to_owned()),
        order: None,
        components: vec![ComponentKind::Vevent],
        read_only: false,
    }
}

/// A calendar object with the given VEVENT lines (each without line ending), wrapped the way
/// iCloud serves them (VCALENDAR, VERSION, PRODID; CRLF), with a line naming the shape's source.
pub fn ics(source: &str, events: &[&[&str]]) -> String {
    let mut out = format!(
        "BEGIN:VCALENDAR\r\nX-ALMANAC-FIXTURE-SOURCE:{source}\r\nVERSION:2.0\r\n\
         PRODID:-//Apple Inc.//macOS 14.4//EN\r\n"
    );
    for lines in events {
        out.push_str("BEGIN:VEVENT\r\nDTSTAMP:20260101T000000Z\r\n");
        for l in *lines {
            out.push_str(l);
            out.push_str("\r\n");
        }
        out.push_str("END:VEVENT\r\n");
    }
    out.push_str("END:VCALENDAR\r\n");
    out
}

pub fn upsert(href: &str, etag: &str, ics: String) -> ResourceUpsert {
    ResourceUpsert {
        href: Href::new(href),
        etag: Etag::new(etag),
        ics,
    }
}

pub fn put(s: &mut Store, cal: CalendarId, items: Vec<ResourceUpsert>) {
    let batch = Batch {
        upserts: items,
        ..Batch::default()
    };
    let report = s.apply_batch(cal, &batch).unwrap();
    assert!(report.quarantined.is_empty(), "{report:?}");
}

pub fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    NaiveDate::from_ymd_opt(y, m, d)
        .unwrap()
        .and_hms_opt(h, min, 0)
        .unwrap()
        .and_utc()
}

/// A fixture from the ical crate's producer corpus (each names its source on its first lines).
pub fn ical_fixture(name: &str) -> String {
    let path = format!(
        "{}/../ical/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).expect(&path)
}
