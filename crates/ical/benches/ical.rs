//! Criterion benchmarks for the issue 3 goals: parse a typical 1.2 KB iCloud event with a
//! VTIMEZONE and a VALARM (goal: 50,000 events/s on one core, i.e. under 20 µs each), and expand
//! one year of a weekly event with EXDATEs and overrides (goal: under 20 µs); and, for
//! comparison, the `icalendar` crate's parser reading the same event and the same series
//! expanded through the `rrule` crate instead of our direct path.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use almanac_ical::{Limits, Window};
use chrono::{TimeZone, Utc};
use criterion::{Criterion, Throughput, criterion_main};
use std::hint::black_box;

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn bench(c: &mut Criterion) {
    let single = fixture("icloud_typical_event.ics");
    let mut group = c.benchmark_group("parse");
    group.throughput(Throughput::Elements(1));
    group.bench_function(format!("icloud_event_{}_bytes", single.len()), |b| {
        b.iter(|| almanac_ical::parse(black_box(&single)).unwrap())
    });
    // The measurement behind our own lexer (see src/lexer.rs): `icalendar`'s parser only
    // unfolds and splits content lines here, with no typing, time zones or recurrence.
    group.bench_function("icalendar_crate_unfold_and_read", |b| {
        b.iter(|| {
            let unfolded = icalendar::parser::unfold(black_box(&single));
            icalendar::parser::read_calendar(&unfolded).map(|c| c.components.len())
        })
    });
    group.finish();

    let weekly = almanac_ical::parse(&fixture("icloud_weekly_berlin.ics")).unwrap();
    let year = Window {
        start: Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(),
        end: Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).unwrap(),
        viewer: chrono_tz::Europe::Berlin,
    };
    c.bench_function("expand/weekly_one_year_exdate_override", |b| {
        b.iter(|| weekly.expand(black_box(year), Limits::default()))
    });
    // The same series through the `rrule` crate: a BYMONTH listing every month changes nothing
    // but takes the rule off the direct path of src/simple_rule.rs.
    let every_month = ";BYMONTH=1,2,3,4,5,6,7,8,9,10,11,12";
    let via_rrule = almanac_ical::parse(&fixture("icloud_weekly_berlin.ics").replace(
        "RRULE:FREQ=WEEKLY;BYDAY=MO",
        &format!("RRULE:FREQ=WEEKLY;BYDAY=MO{every_month}"),
    ))
    .unwrap();
    assert_eq!(
        via_rrule.expand(year, Limits::default()).occurrences.len(),
        weekly.expand(year, Limits::default()).occurrences.len()
    );
    c.bench_function("expand/weekly_one_year_via_rrule", |b| {
        b.iter(|| via_rrule.expand(black_box(year), Limits::default()))
    });
}

// criterion's macros generate an undocumented `pub fn`; keep it in a private module.
mod harness {
    criterion::criterion_group!(benches, super::bench);
}

criterion_main!(harness::benches);
