//! Criterion benchmarks for the issue 3 goals: parse a typical 1.2 KB iCloud event with a
//! VTIMEZONE and a VALARM (goal: 50,000 events/s on one core, i.e. under 20 µs each), and expand
//! one year of a weekly event with EXDATEs and overrides (goal: under 20 µs).

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use almanac_ical::{Limits, Window};
use chrono::{TimeZone, Utc};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
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
}

criterion_group!(benches, bench);
criterion_main!(benches);
