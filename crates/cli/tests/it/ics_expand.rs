//! `almanac ics expand` as a user runs it: the real binary on the ical crate's fixtures.

use std::process::{Command, Output};

fn fixture(name: &str) -> String {
    format!(
        "{}/../ical/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

fn almanac(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_almanac"))
        .args(args)
        .env("TZ", "UTC")
        .output()
        .unwrap()
}

#[test]
fn json_output_has_the_documented_shape() {
    let file = fixture("icloud_weekly_berlin.ics");
    let out = almanac(&[
        "ics",
        "expand",
        &file,
        "--from",
        "2026-03-01",
        "--to",
        "2026-04-01T00:00",
        "--tz",
        "Europe/Berlin",
        "--json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let items: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let starts: Vec<&str> = items.iter().map(|i| i["start"].as_str().unwrap()).collect();
    assert_eq!(
        starts,
        [
            "2026-03-03T14:00:00+01:00",
            "2026-03-09T10:00:00+01:00",
            "2026-03-16T10:00:00+01:00",
            "2026-03-23T10:00:00+01:00",
            "2026-03-30T10:00:00+02:00",
        ]
    );
    let moved = &items[0];
    assert_eq!(moved["uid"], "2F6C1D3E-8B0A-4C5E-9D7F-1A2B3C4D5E6F");
    assert_eq!(moved["summary"], "Team Weekly (moved)");
    assert_eq!(moved["end"], "2026-03-03T15:30:00+01:00");
    assert_eq!(moved["recurrence_id"], "2026-03-02T10:00:00+01:00");
    assert_eq!(moved["all_day"], false);
    assert_eq!(moved["status"], serde_json::Value::Null);
    for key in [
        "uid",
        "summary",
        "start",
        "end",
        "all_day",
        "recurrence_id",
        "status",
    ] {
        assert!(items.iter().all(|i| i.get(key).is_some()), "missing {key}");
    }
}

#[test]
fn json_dates_and_floating_times_keep_their_form() {
    let out = almanac(&[
        "ics",
        "expand",
        &fixture("fastmail_allday_yearly.ics"),
        "--from",
        "2026-04-01",
        "--to",
        "2026-05-01",
        "--json",
    ]);
    let items: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(
        (items[0]["start"].as_str(), items[0]["end"].as_str()),
        (Some("2026-04-15"), Some("2026-04-18"))
    );
    assert_eq!(items[0]["all_day"], true);

    let out = almanac(&[
        "ics",
        "expand",
        &fixture("broken_real_world.ics"),
        "--from",
        "2026-06-01",
        "--to",
        "2026-06-02",
        "--json",
        "--tz",
        "Europe/Vienna",
    ]);
    assert!(out.status.success());
    let items: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(items[0]["start"], "2026-06-01T10:00:00+02:00");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("warning"),
        "warnings go to stderr"
    );
}

#[test]
fn readable_lines_are_in_the_chosen_zone() {
    let out = almanac(&[
        "ics",
        "expand",
        &fixture("icloud_weekly_berlin.ics"),
        "--from",
        "2026-03-30",
        "--to",
        "2026-03-31",
        "--tz",
        "America/New_York",
    ]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        text.lines().collect::<Vec<_>>(),
        ["2026-03-30 04:00–05:00  Team Weekly"]
    );
}

#[test]
fn unreadable_file_and_bad_arguments_exit_with_1() {
    let out = almanac(&[
        "ics",
        "expand",
        "/nonexistent/almanac.ics",
        "--from",
        "2026-01-01",
        "--to",
        "2026-02-01",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("cannot read /nonexistent/almanac.ics"),
        "{err}"
    );

    let out = almanac(&[
        "ics",
        "expand",
        &fixture("fastmail_allday_yearly.ics"),
        "--from",
        "yesterday",
        "--to",
        "2026-02-01",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let out = almanac(&[
        "ics",
        "expand",
        &fixture("fastmail_allday_yearly.ics"),
        "--from",
        "2026-01-01",
        "--to",
        "2026-02-01",
        "--tz",
        "Mars/Olympus",
    ]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn a_reader_that_stops_early_is_not_an_error() {
    // Ten years of a weekly event as JSON is well over a pipe's buffer, so the writer meets the
    // closed pipe whatever the timing.
    let mut child = Command::new(env!("CARGO_BIN_EXE_almanac"))
        .args([
            "ics",
            "expand",
            &fixture("icloud_weekly_berlin.ics"),
            "--from",
            "2026-01-01",
            "--to",
            "2036-01-01",
            "--json",
        ])
        .env("TZ", "UTC")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

/// A feed of `n` events, written newest first: every tenth weekly three times, every seventh
/// of the rest all-day, the others at 08:00 or 10:00 in Berlin. It has `n + 2 * n / 10`
/// occurrences in 2026 for `n <= 500`.
fn generated_feed(n: usize) -> String {
    let mut text = String::from(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Almanac//Generated feed//EN\r\nMETHOD:PUBLISH\r\n",
    );
    let jan1 = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    for i in (0..n).rev() {
        let day = jan1 + chrono::Duration::days((i % 250) as i64);
        let hour = 8 + 2 * (i / 250);
        text += &format!(
            "BEGIN:VEVENT\r\nUID:feed-{i}@example.org\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:Event {i}\r\n"
        );
        if i % 10 == 0 {
            text += &format!(
                "DTSTART;TZID=Europe/Berlin:{}T{hour:02}0000\r\nDURATION:PT1H\r\nRRULE:FREQ=WEEKLY;COUNT=3\r\n",
                day.format("%Y%m%d")
            );
        } else if i % 7 == 0 {
            text += &format!("DTSTART;VALUE=DATE:{}\r\n", day.format("%Y%m%d"));
        } else {
            text += &format!(
                "DTSTART;TZID=Europe/Berlin:{}T{hour:02}0000\r\nDTEND;TZID=Europe/Berlin:{}T{hour:02}4500\r\n",
                day.format("%Y%m%d"),
                day.format("%Y%m%d")
            );
        }
        text += "END:VEVENT\r\n";
    }
    text + "END:VCALENDAR\r\n"
}

#[test]
fn a_500_event_feed_prints_every_occurrence_in_start_order() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("feed.ics");
    std::fs::write(&path, generated_feed(500)).unwrap();
    let path = path.to_str().unwrap();
    let args = |json: bool| {
        let mut a = vec![
            "ics",
            "expand",
            path,
            "--from",
            "2026-01-01",
            "--to",
            "2027-01-01",
            "--tz",
            "Europe/Berlin",
        ];
        if json {
            a.push("--json");
        }
        almanac(&a)
    };

    let out = args(false);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    // 450 single events and 50 weekly ones three times each.
    assert_eq!(lines.len(), 600);
    // `YYYY-MM-DD HH:MM` (timed) and `YYYY-MM-DD  all day` sort as text in start order.
    assert!(
        lines.windows(2).all(|w| w[0][..16] <= w[1][..16]),
        "not in start order"
    );
    for i in 0..500 {
        let summary = format!("  Event {i}");
        let n = lines.iter().filter(|l| l.ends_with(&summary)).count();
        assert_eq!(n, if i % 10 == 0 { 3 } else { 1 }, "Event {i}");
    }
    assert!(lines.contains(&"2026-01-08  all day      Event 7"));
    assert!(lines.contains(&"2026-01-02 08:00–08:45  Event 1"));
    assert!(lines.contains(&"2026-09-12 10:00–11:00  Event 490"));

    let out = args(true);
    assert!(out.status.success());
    let items: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(items.len(), 600);
    let mut uids: Vec<&str> = items.iter().map(|i| i["uid"].as_str().unwrap()).collect();
    uids.sort_unstable();
    uids.dedup();
    assert_eq!(uids.len(), 500);
}
