//! What switching months costs the window on a 100,000-event store: the range query, the
//! conversion to IPC views and the JSON the IPC layer sends, timed together, plus the payload
//! size, for a month grid (42 days, what the month view asks for) and a week. Goal (issue 8):
//! under 30 ms end to end for a month. The webview's own decoding is not included.
//!
//! Run: `cargo bench -p almanac-desktop --features almanac-desktop/custom-protocol --bench
//! range_ipc` (optionally `-- 20000` for a smaller store). A plain binary, because the goal is
//! a percentile.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use almanac_core::{AccountKind, ComponentKind, Etag, Href};
use almanac_dataset::{Spec, generate};
use almanac_desktop::views::{EditMarks, event_view};
use almanac_store::{Batch, CalendarListing, ResourceUpsert, Store};
use chrono::{Duration, TimeZone, Utc};
use std::time::Instant;

fn build_store(events: usize, path: &std::path::Path) -> Store {
    let mut store = Store::open(path).unwrap();
    let account = store
        .add_account(
            AccountKind::Icloud,
            "bench@icloud.com",
            "https://caldav.icloud.com/",
        )
        .unwrap();
    let spec = Spec {
        events,
        years: 10,
        ..Spec::BENCH
    };
    for cal in generate(spec) {
        let listing = CalendarListing {
            href: Href::new(format!("/1/calendars/{}/", cal.slug)),
            name: cal.name.clone(),
            color: Some(cal.color.clone()),
            order: None,
            components: vec![ComponentKind::Vevent],
            read_only: false,
        };
        let id = store.upsert_calendar(account, &listing).unwrap();
        for chunk in cal.objects.chunks(1000) {
            let batch = Batch {
                upserts: chunk
                    .iter()
                    .map(|o| ResourceUpsert {
                        href: Href::new(format!("/1/calendars/{}/{}", cal.slug, o.name)),
                        etag: Etag::new("\"1\""),
                        ics: o.ics.clone(),
                    })
                    .collect(),
                ..Batch::default()
            };
            store.apply_batch(id, &batch).unwrap();
        }
    }
    store
}

fn main() {
    let events = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().unwrap();
    let built = Instant::now();
    let mut store = build_store(events, &dir.path().join("bench.sqlite3"));
    // As the app does after every sync: series materialised around "today".
    store
        .refresh_horizon(Utc.with_ymd_and_hms(2026, 11, 21, 0, 0, 0).unwrap())
        .unwrap();
    println!(
        "store: {events} events over 10 years in {:.1} s",
        built.elapsed().as_secs_f64()
    );
    let zone = chrono_tz::Europe::Berlin;
    for (name, days) in [("month (42-day grid)", 42), ("week", 7)] {
        let mut times = Vec::new();
        let mut sizes = Vec::new();
        let mut counts = Vec::new();
        // Two years of views inside the horizon, each three times: the first visit and the
        // ones after.
        for round in 0..3 {
            for step in 0..24 {
                let from = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap()
                    + Duration::days(step * 30 + round);
                let to = from + Duration::days(days);
                let t = Instant::now();
                let items = store.occurrences_between(from, to, zone, true).unwrap();
                let views: Vec<_> = items
                    .iter()
                    .map(|i| event_view(i, zone, &EditMarks::default()))
                    .collect();
                let json = serde_json::to_vec(&views).unwrap();
                times.push(t.elapsed().as_secs_f64() * 1000.0);
                sizes.push(json.len());
                counts.push(views.len());
            }
        }
        times.sort_by(f64::total_cmp);
        let pct = |p: f64| times[((times.len() - 1) as f64 * p).round() as usize];
        let mean = |v: &[usize]| v.iter().sum::<usize>() / v.len();
        println!(
            "{name}: p50 {:.2} ms, p95 {:.2} ms, max {:.2} ms; {} events, {:.0} KiB of JSON on average",
            pct(0.5),
            pct(0.95),
            pct(1.0),
            mean(&counts),
            mean(&sizes) as f64 / 1024.0
        );
    }
}
