//! `almanac subscribe` / `unsubscribe` as a user runs them: the real binary against a feed
//! server on loopback, with no account at all; `almanac sync` fetches the feed again (a `304`
//! when nothing changed), and a wrong or unreachable address stores nothing.

use crate::common::{self, text};
use almanac_test_servers::feed::{Content, FeedServer};
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

/// The engine's clock, pinned: nothing here depends on the real date.
const NOW: &str = "2026-11-21T08:00:00Z";

fn almanac(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_almanac"))
        .args(args)
        .env("ALMANAC_DATA_DIR", data)
        .env("ALMANAC_CLOCK_START", NOW)
        .env_remove("ALMANAC_CLOCK_FILE")
        .env("TZ", "UTC")
        .output()
        .unwrap()
}

/// A successful answer's JSON.
fn json(out: &Output) -> Value {
    assert!(out.status.success(), "{}", text(out));
    common::json(out)
}

/// Shape: a public holiday feed as Google serves them, trimmed to three events.
const FEED: &str = "BEGIN:VCALENDAR\r\nPRODID:-//Google Inc//Google Calendar 70.9054//EN\r\n\
    VERSION:2.0\r\nX-WR-CALNAME:Holidays in the United States\r\n\
    BEGIN:VEVENT\r\nUID:thanksgiving@google.com\r\nDTSTART;VALUE=DATE:20261126\r\n\
    DTEND;VALUE=DATE:20261127\r\nSUMMARY:Thanksgiving\r\nEND:VEVENT\r\n\
    BEGIN:VEVENT\r\nUID:christmas@google.com\r\nDTSTART;VALUE=DATE:20261225\r\n\
    DTEND;VALUE=DATE:20261226\r\nSUMMARY:Christmas Day\r\nEND:VEVENT\r\n\
    BEGIN:VEVENT\r\nUID:new-year@google.com\r\nDTSTART;VALUE=DATE:20260101\r\n\
    DTEND;VALUE=DATE:20260102\r\nRRULE:FREQ=YEARLY\r\nSUMMARY:New Year's Day\r\nEND:VEVENT\r\n\
    END:VCALENDAR\r\n";

fn summaries(data: &Path) -> Vec<String> {
    let agenda = json(&almanac(
        data,
        &[
            "agenda",
            "--from",
            "2026-11-01",
            "--to",
            "2027-02-01",
            "--tz",
            "UTC",
            "--json",
        ],
    ));
    agenda
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["summary"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn subscribe_sync_and_unsubscribe_with_no_account() {
    let server = FeedServer::start().unwrap();
    server.serve(
        "holidays.ics",
        Content::Calendar {
            text: FEED.into(),
            gzip: true,
        },
    );
    let data = tempfile::tempdir().unwrap();
    let dir = data.path();
    let url = server.url("holidays.ics");

    let made = json(&almanac(dir, &["subscribe", &url, "--json"]));
    assert_eq!(made["name"], "Holidays in the United States");
    assert_eq!(made["events"], 3);
    assert_eq!(made["account"], Value::Null);
    assert_eq!(
        summaries(dir),
        ["Thanksgiving", "Christmas Day", "New Year's Day"]
    );
    let calendars = json(&almanac(dir, &["calendars", "--json"]));
    let calendar = &calendars[0];
    assert_eq!(calendar["read_only"], true);
    assert_eq!(calendar["feed_url"], url.as_str());
    assert_eq!(calendar["account"], Value::Null);
    let listed = almanac(dir, &["calendars"]);
    let words = String::from_utf8_lossy(&listed.stdout);
    assert!(
        words.contains("no account") && words.contains("subscription"),
        "{words}"
    );

    // `sync` with no account fetches the feed again: unchanged, so a 304.
    let synced = json(&almanac(dir, &["sync", "--json"]));
    let feeds = &synced.as_array().unwrap().last().unwrap()["subscriptions"];
    assert_eq!(
        (feeds["checked"].as_u64(), feeds["unchanged"].as_u64()),
        (Some(1), Some(1))
    );
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[1].status, 304);
    assert!(requests.iter().all(|r| r.authorization.is_none()));
    let said = almanac(dir, &["sync"]);
    assert!(said.status.success(), "{}", text(&said));
    assert!(
        String::from_utf8_lossy(&said.stdout).contains("subscriptions: 1 checked, 1 unchanged"),
        "{}",
        text(&said)
    );

    // Twice, a page that is not there, and no such account: refused, nothing stored.
    let again = almanac(dir, &["subscribe", &url]);
    assert_eq!(again.status.code(), Some(1), "{}", text(&again));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already subscribe"));
    let missing = almanac(dir, &["subscribe", &server.url("nothing.ics")]);
    assert_eq!(missing.status.code(), Some(1), "{}", text(&missing));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("has no calendar"));
    let nobody = almanac(dir, &["subscribe", &url, "--account", "7"]);
    assert_eq!(nobody.status.code(), Some(1), "{}", text(&nobody));
    assert_eq!(
        json(&almanac(dir, &["calendars", "--json"]))
            .as_array()
            .unwrap()
            .len(),
        1
    );

    let ended = almanac(dir, &["unsubscribe", "Holidays in the United States"]);
    assert!(ended.status.success(), "{}", text(&ended));
    assert!(summaries(dir).is_empty());
    assert!(
        json(&almanac(dir, &["calendars", "--json"]))
            .as_array()
            .unwrap()
            .is_empty()
    );
    let unknown = almanac(dir, &["unsubscribe", "Holidays in the United States"]);
    assert_eq!(unknown.status.code(), Some(1), "{}", text(&unknown));
}

#[test]
fn a_feed_that_cannot_be_reached_is_a_try_later_and_a_named_one_keeps_its_name() {
    let mut server = FeedServer::start().unwrap();
    server.serve(
        "f1.ics",
        Content::Calendar {
            text: FEED.into(),
            gzip: false,
        },
    );
    let data = tempfile::tempdir().unwrap();
    let dir = data.path();
    let url = server.url("f1.ics");
    let made = json(&almanac(
        dir,
        &["subscribe", &url, "--name", "F1", "--json"],
    ));
    assert_eq!(made["name"], "F1");
    server.stop();
    let gone = almanac(dir, &["subscribe", &url.replace("f1", "f2")]);
    assert_eq!(gone.status.code(), Some(3), "{}", text(&gone));
    assert!(String::from_utf8_lossy(&gone.stderr).contains("cannot reach"));
    // The feed's server went away: `sync` says so, keeps the copy, and does not fail.
    let synced = almanac(dir, &["sync"]);
    assert!(synced.status.success(), "{}", text(&synced));
    assert!(
        String::from_utf8_lossy(&synced.stdout)
            .contains("subscription F1: The feed's server could not be reached"),
        "{}",
        text(&synced)
    );
    assert_eq!(summaries(dir).len(), 3);
    let ended = almanac(dir, &["unsubscribe", &url]);
    assert!(ended.status.success(), "{}", text(&ended));
}
