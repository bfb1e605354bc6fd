//! Property tests for whole files (issue 16): the order of VEVENTs never matters, the newest
//! version of an event wins, generated UIDs are stable, and every object reads back from its
//! own text. Failing cases persist under `tests/proptest-regressions/file_properties.txt`.

use crate::common::{apply, fixture, mutation, utc};
use almanac_ical::{CalendarFile, Limits, Window};
use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use proptest::prelude::*;

const FILES: &[&str] = &[
    "google_calendar_export.ics",
    "outlook_calendar_export.ics",
    "google_holidays_de.ics",
    "thunderbird_calendar_export.ics",
    "uidless_club_feed.ics",
    "concatenated_exports_duplicates.ics",
    "thisandfuture_utc_recurrence_id.ics",
    "google_export_orphan_instance.ics",
    "google_export_cancelled_and_extra_instance.ics",
    "rdate_period.ics",
    "duration_only.ics",
    "icloud_weekly_berlin.ics",
    "google_new_york_daily.ics",
    "nextcloud_thisandfuture.ics",
];

const VIEWERS: &[Tz] = &[
    Tz::UTC,
    chrono_tz::Europe::Berlin,
    chrono_tz::Pacific::Auckland,
    chrono_tz::America::Los_Angeles,
];

/// Minutes from 2026-01-01, spanning 2026 and 2027.
fn at(minutes: u32) -> DateTime<Utc> {
    utc(2026, 1, 1, 0, 0) + Duration::minutes(minutes.into())
}

fn window(from: u32, len: u32, viewer: usize) -> Window {
    Window {
        start: at(from),
        end: at(from + len),
        viewer: VIEWERS[viewer],
    }
}

fn limits() -> Limits {
    Limits {
        max_occurrences: 5_000,
        max_steps: 100_000,
    }
}

/// The text with the VEVENTs of each VCALENDAR put in the order `keys` gives them (block `i`
/// sorts by `keys[i % keys.len()]`, then `i`); everything else stays where it was.
fn reorder(text: &str, keys: &[u32]) -> String {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut out: Vec<String> = Vec::new();
    let mut blocks: Vec<String> = Vec::new();
    let mut slots: Vec<usize> = Vec::new();
    let mut current: Option<String> = None;
    let mut depth = 0usize;
    let flush = |out: &mut Vec<String>, blocks: &mut Vec<String>, slots: &mut Vec<usize>| {
        let mut order: Vec<usize> = (0..blocks.len()).collect();
        order.sort_by_key(|i| (keys[i % keys.len()], *i));
        for (slot, i) in slots.iter().zip(order) {
            out[*slot] = blocks[i].clone();
        }
        blocks.clear();
        slots.clear();
    };
    for line in lines {
        let upper = line.trim_end().to_ascii_uppercase();
        if upper.starts_with("BEGIN:") {
            depth += 1;
            if depth == 2 && upper == "BEGIN:VEVENT" {
                current = Some(String::new());
            }
        }
        match current.as_mut() {
            Some(block) => block.push_str(line),
            None => out.push(line.to_owned()),
        }
        if upper.starts_with("END:") {
            if depth == 2
                && let Some(block) = current.take()
            {
                slots.push(out.len());
                out.push(String::new());
                blocks.push(block);
            }
            if depth == 1 {
                flush(&mut out, &mut blocks, &mut slots);
            }
            depth = depth.saturating_sub(1);
        }
    }
    flush(&mut out, &mut blocks, &mut slots);
    out.concat()
}

fn uid_set(f: &CalendarFile) -> Vec<String> {
    let mut uids: Vec<String> = f.objects.iter().map(|o| o.uid.to_string()).collect();
    uids.sort();
    uids
}

/// One generated VEVENT of a series `s{uid}` (or without UID): a weekly master at 09:00 Berlin
/// from 2 March 2026, or an override of its week `rid`, maybe THISANDFUTURE or cancelled.
#[derive(Clone, Debug)]
struct Version {
    uid: Option<u8>,
    rid: Option<(u8, bool)>,
    sequence: u8,
    last_modified: Option<u8>,
    dtstamp: Option<u8>,
    summary: u8,
    shift_hours: u8,
    cancelled: bool,
}

fn version() -> impl Strategy<Value = Version> {
    (
        proptest::option::weighted(0.9, 0u8..3),
        proptest::option::of((0u8..5, proptest::bool::weighted(0.2))),
        0u8..3,
        proptest::option::of(0u8..3),
        proptest::option::of(0u8..3),
        0u8..3,
        0u8..4,
        proptest::bool::weighted(0.15),
    )
        .prop_map(
            |(uid, rid, sequence, last_modified, dtstamp, summary, shift_hours, cancelled)| {
                Version {
                    uid,
                    rid,
                    sequence,
                    last_modified,
                    dtstamp,
                    summary,
                    shift_hours,
                    cancelled,
                }
            },
        )
}

impl Version {
    fn text(&self) -> String {
        let mut s = String::from("BEGIN:VEVENT\r\n");
        if let Some(u) = self.uid {
            s += &format!("UID:s{u}\r\n");
        }
        let day = |week: u8| 2 + 7 * u32::from(week);
        let start = match self.rid {
            None => day(0),
            Some((week, future)) => {
                let range = if future { ";RANGE=THISANDFUTURE" } else { "" };
                s += &format!(
                    "RECURRENCE-ID{range};TZID=Europe/Berlin:202603{:02}T090000\r\n",
                    day(week)
                );
                day(week)
            }
        };
        let (month, start) = if start > 31 {
            (4, start - 31)
        } else {
            (3, start)
        };
        s += &format!(
            "DTSTART;TZID=Europe/Berlin:2026{month:02}{start:02}T{:02}0000\r\nDURATION:PT1H\r\n",
            9 + self.shift_hours
        );
        if self.rid.is_none() {
            s += "RRULE:FREQ=WEEKLY;COUNT=6\r\n";
        }
        s += &format!(
            "SEQUENCE:{}\r\nSUMMARY:v{}\r\n",
            self.sequence, self.summary
        );
        if let Some(d) = self.last_modified {
            s += &format!("LAST-MODIFIED:2026020{}T120000Z\r\n", d + 1);
        }
        if let Some(d) = self.dtstamp {
            s += &format!("DTSTAMP:2026020{}T120000Z\r\n", d + 1);
        }
        if self.cancelled {
            s += "STATUS:CANCELLED\r\n";
        }
        s + "END:VEVENT\r\n"
    }

    /// How [`almanac_ical::parse_file`] ranks versions, the content tie-break aside.
    fn rank(&self) -> (u8, Option<u8>, Option<u8>) {
        (self.sequence, self.last_modified, self.dtstamp)
    }
}

fn calendar(versions: &[Version]) -> String {
    let body: String = versions.iter().map(Version::text).collect();
    format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Almanac//Properties//EN\r\n{body}END:VCALENDAR\r\n"
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn reordering_the_vevents_of_a_fixture_never_changes_its_expansion(
        file in 0..FILES.len(),
        keys in proptest::collection::vec(any::<u32>(), 1..64),
        from in 0u32..(60 * 24 * 365),
        len in 1u32..(60 * 24 * 300),
        viewer in 0..VIEWERS.len(),
    ) {
        let text = fixture(FILES[file]);
        let shuffled = reorder(&text, &keys);
        prop_assert_eq!(shuffled.len(), text.len());
        let (a, b) = (almanac_ical::parse_file(&text).unwrap(), almanac_ical::parse_file(&shuffled).unwrap());
        prop_assert_eq!(uid_set(&a), uid_set(&b));
        let w = window(from, len, viewer);
        let (ea, eb) = (a.expand(w, limits()), b.expand(w, limits()));
        prop_assert!(!ea.capped && !eb.capped);
        prop_assert_eq!(ea.occurrences, eb.occurrences);
    }

    #[test]
    fn reordering_generated_versions_never_changes_the_expansion(
        versions in proptest::collection::vec(version(), 1..12)
            .prop_flat_map(|v| (Just(v.clone()), Just(v).prop_shuffle())),
        viewer in 0..VIEWERS.len(),
    ) {
        let (original, shuffled) = versions;
        let (a, b) = (almanac_ical::parse_file(&calendar(&original)), almanac_ical::parse_file(&calendar(&shuffled)));
        let (a, b) = (a.unwrap(), b.unwrap());
        prop_assert_eq!(uid_set(&a), uid_set(&b));
        let w = Window { start: utc(2026, 2, 1, 0, 0), end: utc(2026, 6, 1, 0, 0), viewer: VIEWERS[viewer] };
        let (ea, eb) = (a.expand(w, limits()), b.expand(w, limits()));
        prop_assert_eq!(&ea.occurrences, &eb.occurrences, "{}", calendar(&original));
    }

    #[test]
    fn the_newest_master_and_override_win(
        versions in proptest::collection::vec(
            (0u8..4, proptest::option::of(0u8..3), proptest::option::of(0u8..3)), 1..7),
        overrides in proptest::collection::vec(
            (0u8..4, proptest::option::of(0u8..3), proptest::option::of(0u8..3)), 0..5),
    ) {
        let make = |(sequence, last_modified, dtstamp): (u8, Option<u8>, Option<u8>), summary: usize, rid: Option<(u8, bool)>| Version {
            uid: Some(0), rid, sequence, last_modified, dtstamp,
            summary: u8::try_from(summary).unwrap(), shift_hours: 0, cancelled: false,
        };
        let mut all: Vec<Version> = versions.iter().enumerate().map(|(i, v)| make(*v, i, None)).collect();
        all.extend(overrides.iter().enumerate().map(|(i, v)| make(*v, i, Some((1, false)))));
        let f = almanac_ical::parse_file(&calendar(&all)).unwrap();
        prop_assert_eq!(f.objects.len(), 1);
        let object = &f.objects[0];
        let best = |vs: &[Version]| vs.iter().map(Version::rank).max();
        let masters: Vec<Version> = all.iter().filter(|v| v.rid.is_none()).cloned().collect();
        let kept = object.master.as_ref().unwrap();
        let kept_rank = masters.iter().find(|v| Some(format!("v{}", v.summary)) == kept.details.summary).map(Version::rank);
        prop_assert_eq!(kept_rank, best(&masters));
        prop_assert_eq!(kept.details.sequence, i64::from(best(&masters).unwrap().0));
        let extra: Vec<Version> = all.iter().filter(|v| v.rid.is_some()).cloned().collect();
        prop_assert_eq!(object.overrides.len(), usize::from(!extra.is_empty()));
        if let Some(o) = object.overrides.first() {
            let rank = extra.iter().find(|v| Some(format!("v{}", v.summary)) == o.details.summary).map(Version::rank);
            prop_assert_eq!(rank, best(&extra));
        }
    }

    #[test]
    fn a_generated_uid_depends_on_the_event_alone(
        summary in "[A-Za-z0-9 äöü,;.-]{1,60}",
        other in "[A-Za-z0-9 ]{1,20}",
        day in 1u32..29,
        hour in 0u32..24,
        noise in proptest::collection::vec("[A-Za-z ]{1,10}", 0..4),
        stamp in 0u32..10,
    ) {
        let escaped = summary.replace(',', "\\,").replace(';', "\\;");
        let event = |summary: &str, stamp: u32, eol: &str| format!(
            "BEGIN:VEVENT{eol}DTSTAMP:2026010{stamp}T000000Z{eol}DTSTART:202606{day:02}T{hour:02}0000{eol}SUMMARY:{summary}{eol}END:VEVENT{eol}"
        );
        let noise_events: String = noise.iter().enumerate().map(|(i, n)| format!(
            "BEGIN:VEVENT\r\nUID:noise-{i}\r\nDTSTART:20260101T000000Z\r\nSUMMARY:{n}\r\nEND:VEVENT\r\n"
        )).collect();
        let alone = format!("BEGIN:VCALENDAR\r\n{}END:VCALENDAR\r\n", event(&escaped, 0, "\r\n"));
        let among = format!("BEGIN:VCALENDAR\n{noise_events}{}END:VCALENDAR\n", event(&escaped, stamp, "\n"));
        let generated = |text: &str| -> Vec<String> {
            almanac_ical::parse_file(text).unwrap().objects.iter()
                .map(|o| o.uid.to_string())
                .filter(|u| !u.starts_with("noise-"))
                .collect()
        };
        let uid = generated(&alone);
        prop_assert_eq!(uid.len(), 1);
        prop_assert_eq!(&generated(&alone), &uid, "same text, same UID");
        prop_assert_eq!(&generated(&among), &uid, "other events, line ends and DTSTAMP do not matter");
        let changed = format!("BEGIN:VCALENDAR\r\n{}END:VCALENDAR\r\n", event(&format!("{escaped} {other}"), 0, "\r\n"));
        prop_assert_ne!(&generated(&changed), &uid, "another summary, another UID");
    }

    #[test]
    fn mutated_files_never_panic_and_every_object_still_reads_back(
        file in 0..FILES.len(),
        mutations in proptest::collection::vec(mutation(), 1..6),
        from in 0u32..(60 * 24 * 365),
        len in 1u32..(60 * 24 * 300),
        viewer in 0..VIEWERS.len(),
    ) {
        let mut text = fixture(FILES[file]);
        for m in &mutations {
            text = apply(&text, m);
        }
        if let Ok(f) = almanac_ical::parse_file(&text) {
            let w = window(from, len, viewer);
            for o in f.expand(w, limits()).occurrences {
                let (s, e) = o.instants(w.viewer);
                prop_assert!(s < w.end && (e > w.start || (e <= s && s >= w.start)), "{o:?} outside {w:?}");
            }
            for o in &f.objects {
                let back = almanac_ical::parse(&o.raw);
                prop_assert!(back.is_ok(), "{}:\n{}", o.uid, o.raw);
            }
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic_a_file_read(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let text = String::from_utf8_lossy(&bytes);
        if let Ok(f) = almanac_ical::parse_file(&text) {
            let _ = f.expand(window(0, 60 * 24 * 365, 1), limits());
        }
    }

    #[test]
    fn every_object_reads_back_from_its_own_text(
        file in 0..FILES.len(),
        from in 0u32..(60 * 24 * 365),
        len in 1u32..(60 * 24 * 300),
        viewer in 0..VIEWERS.len(),
    ) {
        let f = almanac_ical::parse_file(&fixture(FILES[file])).unwrap();
        let w = window(from, len, viewer);
        for o in &f.objects {
            let back = almanac_ical::parse(&o.raw).unwrap();
            prop_assert_eq!(back.expand(w, limits()).occurrences, o.expand(w, limits()).occurrences);
        }
    }

    #[test]
    fn file_expansion_over_a_c_equals_a_b_then_b_c(
        file in 0..FILES.len(),
        a in 0u32..(60 * 24 * 365),
        ab in 0u32..(60 * 24 * 120),
        bc in 0u32..(60 * 24 * 120),
        viewer in 0..VIEWERS.len(),
    ) {
        let f = almanac_ical::parse_file(&fixture(FILES[file])).unwrap();
        let whole = f.expand(window(a, ab + bc, viewer), limits());
        let left = f.expand(window(a, ab, viewer), limits());
        let right = f.expand(window(a + ab, bc, viewer), limits());
        let mut joined: Vec<_> = left.occurrences.into_iter().chain(right.occurrences).collect();
        let viewer = VIEWERS[viewer];
        joined.sort_by_key(|o| (o.instants(viewer), o.uid.clone(), o.recurrence_id.map(|r| almanac_ical::to_utc(&r, viewer))));
        // An occurrence that spans b belongs to both halves: count it once.
        joined.dedup();
        prop_assert_eq!(joined, whole.occurrences);
    }
}
