//! Property tests: the parser survives arbitrary and mutated input, and expansion is consistent
//! across window splits. The fixtures are the seed corpus (no nightly toolchain for cargo fuzz);
//! proptest persists failing cases under `tests/proptest-regressions/properties.txt`.

use crate::common::{apply, fixture, mutation, utc};
use almanac_ical::{Limits, Occurrence, Window};
use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use proptest::prelude::*;

const FIXTURES: &[&str] = &[
    "icloud_weekly_berlin.ics",
    "google_new_york_daily.ics",
    "google_public_feed_floating.ics",
    "outlook_windows_tzid.ics",
    "outlook_customized_tz.ics",
    "thunderbird_mozilla_tzid.ics",
    "fastmail_allday_yearly.ics",
    "nextcloud_thisandfuture.ics",
    "icloud_sydney_weekly.ics",
    "icloud_overrides_only.ics",
    "broken_real_world.ics",
    "icloud_typical_event.ics",
];

const VIEWERS: &[Tz] = &[
    Tz::UTC,
    chrono_tz::Europe::Berlin,
    chrono_tz::Pacific::Auckland,
    chrono_tz::America::Los_Angeles,
];

fn limits() -> Limits {
    Limits {
        max_occurrences: 2_000,
        max_steps: 50_000,
    }
}

/// Minutes from 2025-01-01, spanning 2025 to 2028.
fn at(minutes: u32) -> DateTime<Utc> {
    utc(2025, 1, 1, 0, 0) + Duration::minutes(minutes.into())
}

fn key(o: &Occurrence, viewer: Tz) -> (DateTime<Utc>, DateTime<Utc>, Option<String>) {
    let (s, e) = o.instants(viewer);
    (
        s,
        e,
        o.recurrence_id
            .map(|r| almanac_ical::to_utc(&r, viewer).to_rfc3339()),
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let text = String::from_utf8_lossy(&bytes);
        if let Ok(obj) = almanac_ical::parse(&text) {
            let _ = obj.expand(Window { start: at(0), end: at(60 * 24 * 365), viewer: Tz::UTC }, limits());
        }
    }

    #[test]
    fn mutated_fixtures_never_panic_and_stay_in_the_window(
        file in 0..FIXTURES.len(),
        mutations in proptest::collection::vec(mutation(), 1..6),
        from in 0u32..(60 * 24 * 365 * 3),
        len in 1u32..(60 * 24 * 400),
        viewer in 0..VIEWERS.len(),
    ) {
        let mut text = fixture(FIXTURES[file]);
        for m in &mutations {
            text = apply(&text, m);
        }
        if let Ok(obj) = almanac_ical::parse(&text) {
            let viewer = VIEWERS[viewer];
            let w = Window { start: at(from), end: at(from + len), viewer };
            for o in obj.expand(w, limits()).occurrences {
                let (s, e) = o.instants(viewer);
                prop_assert!(s < w.end && (e > w.start || (e <= s && s >= w.start)), "{o:?} outside {w:?}");
            }
        }
    }

    #[test]
    fn expansion_over_a_c_equals_a_b_then_b_c(
        file in 0..FIXTURES.len(),
        a in 0u32..(60 * 24 * 365 * 3),
        ab in 0u32..(60 * 24 * 120),
        bc in 0u32..(60 * 24 * 120),
        viewer in 0..VIEWERS.len(),
    ) {
        let obj = almanac_ical::parse(&fixture(FIXTURES[file])).unwrap();
        let viewer = VIEWERS[viewer];
        let (a, b, c) = (at(a), at(a + ab), at(a + ab + bc));
        let whole = obj.expand(Window { start: a, end: c, viewer }, limits());
        let left = obj.expand(Window { start: a, end: b, viewer }, limits());
        let right = obj.expand(Window { start: b, end: c, viewer }, limits());
        prop_assert!(!whole.capped && !left.capped && !right.capped);
        let mut joined: Vec<_> = left.occurrences.iter().chain(&right.occurrences).map(|o| key(o, viewer)).collect();
        // An occurrence that spans b belongs to both halves: count it once.
        joined.sort();
        joined.dedup();
        let mut expected: Vec<_> = whole.occurrences.iter().map(|o| key(o, viewer)).collect();
        expected.sort();
        prop_assert_eq!(joined, expected);
        for (w, exp) in [((a, c), &whole), ((a, b), &left), ((b, c), &right)] {
            for o in &exp.occurrences {
                let (s, e) = o.instants(viewer);
                prop_assert!(s < w.1 && (e > w.0 || (e <= s && s >= w.0)), "{o:?} outside {w:?}");
            }
            let starts: Vec<_> = exp.occurrences.iter().map(|o| o.instants(viewer)).collect();
            prop_assert!(starts.windows(2).all(|p| p[0] <= p[1]), "not sorted");
        }
    }

    #[test]
    fn generated_series_split_consistently(
        zone in prop_oneof![Just(";TZID=Europe/Berlin:"), Just(";TZID=Australia/Sydney:"), Just(";TZID=America/New_York:"), Just(":"), Just(";VALUE=DATE:")],
        freq in prop_oneof![Just("DAILY"), Just("WEEKLY"), Just("MONTHLY"), Just("YEARLY"), Just("HOURLY")],
        extra in prop_oneof![Just(""), Just(";BYDAY=MO,WE,FR"), Just(";BYDAY=-1SU"), Just(";BYMONTHDAY=1,15,-1"), Just(";BYSETPOS=1;BYDAY=MO,TU,WE,TH,FR"), Just(";BYMONTH=3,10")],
        interval in 1u8..4,
        start_day in 0u32..700,
        hour in 0u32..24,
        duration_hours in 0u32..72,
        exdate_n in 0u32..20,
        move_n in 0u32..20,
        a in 0u32..(60 * 24 * 365 * 3),
        ab in 0u32..(60 * 24 * 60),
        bc in 0u32..(60 * 24 * 60),
        viewer in 0..VIEWERS.len(),
    ) {
        let start = at(start_day * 24 * 60 + hour * 60);
        let fmt = |t: DateTime<Utc>| if zone == ";VALUE=DATE:" { t.format("%Y%m%d").to_string() } else { t.format("%Y%m%dT%H%M%S").to_string() };
        let rule = format!("FREQ={freq};INTERVAL={interval}{extra}");
        let dtstart = fmt(start);
        // The EXDATE and override hit the nth step of the rule when it is plain, and nothing
        // otherwise: both cases must split consistently.
        let step = |n: u32| start + Duration::days(i64::from(n) * 7);
        let text = format!(
            "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:g\r\nDTSTART{zone}{dtstart}\r\nDURATION:PT{duration_hours}H\r\nRRULE:{rule}\r\nEXDATE{zone}{}\r\nEND:VEVENT\r\n\
             BEGIN:VEVENT\r\nUID:g\r\nRECURRENCE-ID{zone}{}\r\nDTSTART{zone}{}\r\nDURATION:PT2H\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
            fmt(step(exdate_n)), fmt(step(move_n)), fmt(step(move_n) + Duration::days(40)),
        );
        let obj = almanac_ical::parse(&text).unwrap();
        let viewer = VIEWERS[viewer];
        let (a, b, c) = (at(a), at(a + ab), at(a + ab + bc));
        let whole = obj.expand(Window { start: a, end: c, viewer }, limits());
        let left = obj.expand(Window { start: a, end: b, viewer }, limits());
        let right = obj.expand(Window { start: b, end: c, viewer }, limits());
        prop_assume!(!whole.capped && !left.capped && !right.capped);
        let mut joined: Vec<_> = left.occurrences.iter().chain(&right.occurrences).map(|o| key(o, viewer)).collect();
        joined.sort();
        joined.dedup();
        let mut expected: Vec<_> = whole.occurrences.iter().map(|o| key(o, viewer)).collect();
        expected.sort();
        prop_assert_eq!(joined, expected, "{}", text);
        for o in &whole.occurrences {
            let (s, e) = o.instants(viewer);
            prop_assert!(s < c && (e > a || (e <= s && s >= a)), "{o:?} outside [{a}, {c})");
        }
    }
}
