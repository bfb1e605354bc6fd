//! `almanac account`, `sync` and the offline views as a user runs them: the real binary against
//! the iCloud emulator (in this process), the real keychain of the test desktop session
//! (`tests/desktop-session.sh`), and a fresh data directory per test.

use crate::common::{json, text};
use almanac_icloud_emulator::{Emulator, Fault, Options, Scope};
use serde_json::Value;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use tempfile::TempDir;

/// An emulator on its own runtime (its hosts keep serving on the runtime's threads while the
/// test thread runs the binary) and a data directory.
struct World {
    emu: Emulator,
    data: TempDir,
    // Dropped last: the emulator's tasks live on it.
    _rt: tokio::runtime::Runtime,
}

impl World {
    fn start(demo: bool) -> World {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let emu = rt
            .block_on(Emulator::start(Options {
                demo,
                seed: Some(7),
                ..Options::default()
            }))
            .expect("the emulator starts (run `./x test` once to create the test venv)");
        World {
            emu,
            data: tempfile::tempdir().unwrap(),
            _rt: rt,
        }
    }

    fn run(&self, args: &[&str]) -> Output {
        almanac(self.data.path(), args, None)
    }

    fn run_with_stdin(&self, args: &[&str], stdin: &str) -> Output {
        almanac(self.data.path(), args, Some(stdin))
    }

    /// Runs the binary with its clock starting at `instant` (RFC 3339).
    fn run_at(&self, args: &[&str], instant: &str) -> Output {
        let mut command = command(self.data.path(), args);
        command.env("ALMANAC_CLOCK_START", instant);
        command.output().unwrap()
    }

    fn add_icloud(&self, password: &str) -> Output {
        let entry = self.emu.entry_url();
        let apple_id = self.emu.apple_id();
        self.run_with_stdin(
            &[
                "account",
                "add",
                "icloud",
                "--apple-id",
                &apple_id,
                "--server-url",
                &entry,
                "--password-stdin",
            ],
            &format!("{password}\n"),
        )
    }

    /// The password in the keychain for the emulator's account, if any.
    fn keychain_entry(&self) -> Option<String> {
        let user = format!("{} {}", self.emu.apple_id(), self.emu.entry_url());
        let out = Command::new("secret-tool")
            .args([
                "lookup",
                "service",
                "app.almanac.desktop",
                "username",
                &user,
            ])
            .output()
            .expect("secret-tool is installed (libsecret-tools)");
        let found = String::from_utf8(out.stdout).unwrap();
        (out.status.success() && !found.is_empty()).then_some(found)
    }
}

/// The binary with its data in `data`, on the system clock unless the caller sets one.
fn command(data: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_almanac"));
    command
        .args(args)
        .env("ALMANAC_DATA_DIR", data)
        .env_remove("ALMANAC_ICLOUD_URL")
        .env_remove("ALMANAC_CLOCK_START")
        .env_remove("ALMANAC_CLOCK_FILE")
        .env("TZ", "UTC");
    command
}

fn almanac(data: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = command(data, args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut pipe = child.stdin.take().unwrap();
    if let Some(text) = stdin {
        pipe.write_all(text.as_bytes()).unwrap();
    }
    drop(pipe);
    child.wait_with_output().unwrap()
}

fn ok(out: Output) -> Output {
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    out
}

fn never_shows(out: &Output, secret: &str) {
    assert!(
        !text(out).contains(secret),
        "the password leaked into the output"
    );
}

#[test]
fn sign_in_sync_browse_revoke_relink_and_remove() {
    let w = World::start(true);
    let first = w.emu.password();

    // A refused password (Apple refuses the main Apple ID password too): exit 2, nothing kept.
    let main = w.emu.main_password();
    let refused = w.add_icloud(&main);
    assert_eq!(refused.status.code(), Some(2), "{}", text(&refused));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("app-specific"));
    never_shows(&refused, &main);
    assert_eq!(
        json(&ok(w.run(&["account", "list", "--json"]))),
        Value::Array(vec![])
    );
    assert_eq!(w.keychain_entry(), None);

    // The right one, pasted in capitals as people do: normalised, verified, stored.
    let added = ok(w.add_icloud(&first.to_uppercase()));
    never_shows(&added, &first);
    assert!(String::from_utf8_lossy(&added.stdout).contains("Added account 1"));
    assert_eq!(w.keychain_entry().as_deref(), Some(first.as_str()));

    let synced = ok(w.run(&["sync", "--json"]));
    never_shows(&synced, &first);
    let results = json(&synced);
    let result = &results[0];
    assert_eq!(result["ok"], true, "{result}");
    assert_eq!(result["state"], "active");
    assert!(
        result["report"]["fetched"].as_u64().unwrap() > 100,
        "{result}"
    );
    let quarantined = result["report"]["quarantined"].as_u64().unwrap();

    let calendars = json(&ok(w.run(&["calendars", "--json"])));
    let names: Vec<&str> = calendars
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    for name in ["Home", "Work", "Family", "Team Holidays"] {
        assert!(names.contains(&name), "{name} missing from {names:?}");
    }

    let agenda = json(&ok(w.run(&[
        "agenda",
        "--from",
        "2026-12-01",
        "--to",
        "2026-12-02",
        "--tz",
        "Europe/Berlin",
        "--json",
    ])));
    let kickoff: Vec<&Value> = agenda
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["uid"] == "kickoff-2026@example.com")
        .collect();
    assert_eq!(kickoff.len(), 1, "{agenda}");
    let expected = serde_json::json!({
        "uid": "kickoff-2026@example.com",
        "summary": "Planning kickoff",
        "start": "2026-12-01T10:00:00+01:00",
        "end": "2026-12-01T11:00:00+01:00",
        "all_day": false,
        "recurrence_id": null,
        "status": null,
        "calendar": "Work",
        "pending": false,
    });
    assert_eq!(kickoff[0], &expected);
    let readable = ok(w.run(&[
        "agenda",
        "--from",
        "2026-12-01T04:00",
        "--to",
        "2026-12-01T04:30",
        "--tz",
        "America/New_York",
    ]));
    assert!(
        String::from_utf8_lossy(&readable.stdout)
            .lines()
            .any(|l| l == "2026-12-01 04:00–05:00  Planning kickoff  [Work]"),
        "{}",
        text(&readable)
    );

    let hits = json(&ok(w.run(&["search", "kickoff", "--json"])));
    assert!(
        hits.as_array()
            .unwrap()
            .iter()
            .any(|h| h["uid"] == "kickoff-2026@example.com" && h["calendar"] == "Work"),
        "{hits}"
    );

    let status = json(&ok(w.run(&["status", "--json"])));
    let account = &status[0];
    assert_eq!(account["state"], "active");
    assert_eq!(account["quarantined"], quarantined);
    let per_calendar: u64 = account["calendars"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["quarantined"].as_u64().unwrap())
        .sum();
    assert_eq!(per_calendar, quarantined);
    assert!(account["last_success"].is_string());
    assert_eq!(
        account["calendars"].as_array().unwrap().len(),
        calendars.as_array().unwrap().len()
    );

    // Apple revokes the password: the first refusal is confirmed, at the entry host, by a sync
    // at least 30 seconds later (the clock is moved, not waited for); that one says so with exit
    // 2, and the account waits for a new password without sending the dead one again.
    w.emu.revoke_all();
    let refused = w.run(&["sync"]);
    assert_eq!(refused.status.code(), Some(3), "{}", text(&refused));
    assert!(
        text(&refused).contains("refused the password once"),
        "{}",
        text(&refused)
    );
    let status = json(&ok(w.run(&["status", "--json"])));
    assert_eq!(status[0]["state"], "confirming");
    let later = (chrono::Utc::now() + chrono::Duration::seconds(31)).to_rfc3339();
    let revoked = w.run_at(&["sync"], &later);
    assert_eq!(revoked.status.code(), Some(2), "{}", text(&revoked));
    let status = json(&ok(w.run(&["status", "--json"])));
    assert_eq!(status[0]["state"], "needs_relink");
    let refusals = w.emu.requests().unauthorized_for(&first);
    assert!(refusals >= 1);
    let again = w.run(&["sync", "--json"]);
    assert_eq!(again.status.code(), Some(2), "{}", text(&again));
    assert_eq!(json(&again)[0]["exit_code"], 2);
    assert_eq!(w.emu.requests().unauthorized_for(&first), refusals);

    // A new password: verified, stored, and the next sync is incremental. With one account,
    // relink needs no id.
    let second = w.emu.issue_password().unwrap();
    let relinked = ok(w.run_with_stdin(
        &["account", "relink", "--password-stdin"],
        &format!("{second}\n"),
    ));
    never_shows(&relinked, &second);
    assert_eq!(w.keychain_entry().as_deref(), Some(second.as_str()));
    let resumed = json(&ok(w.run(&["sync", "--json"])));
    assert_eq!(resumed[0]["ok"], true);
    assert_eq!(
        resumed[0]["report"]["fetched"], 0,
        "nothing downloaded again"
    );

    // Removing the account removes its keychain entry and its data.
    ok(w.run(&["account", "remove", "1"]));
    assert_eq!(w.keychain_entry(), None);
    assert_eq!(
        json(&ok(w.run(&["account", "list", "--json"]))),
        Value::Array(vec![])
    );
    assert_eq!(
        json(&ok(w.run(&["calendars", "--json"]))),
        Value::Array(vec![])
    );
}

#[test]
fn an_unreachable_or_busy_server_exits_with_3() {
    // A port nobody listens on: the sign-in cannot reach the server, and nothing is stored.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/", closed.local_addr().unwrap());
    drop(closed);
    let data = tempfile::tempdir().unwrap();
    let out = almanac(
        data.path(),
        &[
            "account",
            "add",
            "caldav",
            "--url",
            &url,
            "--user",
            "jane",
            "--password-stdin",
        ],
        Some("secret\n"),
    );
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    let list = almanac(data.path(), &["account", "list", "--json"], None);
    assert_eq!(json(&list), Value::Array(vec![]));

    // A server that asks us to wait: exit 3, and the account waits (no request) next time.
    let w = World::start(false);
    ok(w.add_icloud(&w.emu.password()));
    w.emu.inject(
        Fault::Status {
            status: 503,
            retry_after: Some(120),
        },
        Scope::Next(50),
    );
    let busy = w.run(&["sync"]);
    assert_eq!(busy.status.code(), Some(3), "{}", text(&busy));
    let status = json(&ok(w.run(&["status", "--json"])));
    assert_eq!(status[0]["state"], "backoff");
    let before = w.emu.requests().entries.len();
    let waiting = w.run(&["sync", "--json"]);
    assert_eq!(waiting.status.code(), Some(3), "{}", text(&waiting));
    assert_eq!(json(&waiting)[0]["exit_code"], 3);
    assert_eq!(
        w.emu.requests().entries.len(),
        before,
        "nothing sent in backoff"
    );
    ok(w.run(&["account", "remove", "1"]));
    assert_eq!(w.keychain_entry(), None);
}

#[test]
fn usage_errors_exit_1_and_passwords_are_never_read_from_a_pipe_unasked() {
    let data = tempfile::tempdir().unwrap();
    let out = almanac(data.path(), &["account", "frobnicate"], None);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let out = almanac(
        data.path(),
        &[
            "account",
            "add",
            "caldav",
            "--url",
            "http://127.0.0.1:9/",
            "--user",
            "x",
        ],
        Some("secret\n"),
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--password-stdin"));
    for args in [
        &["--help"][..],
        &["sync", "--help"],
        &["account", "relink", "--help"],
    ] {
        let help = almanac(data.path(), args, None);
        assert_eq!(help.status.code(), Some(0));
        let help = String::from_utf8_lossy(&help.stdout);
        for line in ["  2  the account needs a new password", "  3  offline"] {
            assert!(help.contains(line), "{args:?} lacks {line:?}");
        }
    }
}

#[test]
fn status_says_which_calendar_has_trouble_and_what() {
    let w = World::start(false);
    ok(w.add_icloud(&w.emu.password()));
    // Every request inside the Work calendar fails; the home listing and the others do not.
    let five_hundred = Fault::Status {
        status: 500,
        retry_after: None,
    };
    w.emu
        .inject_for_calendar(five_hundred, Scope::ForMillis(600_000), "work");
    ok(w.run(&["sync"]));

    let status = ok(w.run(&["status"]));
    let lines: Vec<String> = String::from_utf8_lossy(&status.stdout)
        .lines()
        .map(str::to_string)
        .collect();
    assert!(
        lines
            .iter()
            .any(|l| l == "  state:         synced with problems"),
        "{}",
        text(&status)
    );
    let work = lines
        .iter()
        .position(|l| l.trim_start().starts_with("Work "))
        .unwrap_or_else(|| panic!("no Work line: {}", text(&status)));
    assert!(
        lines[work + 1].starts_with("      ") && lines[work + 1].contains("(500)"),
        "{}",
        text(&status)
    );
    let home = lines
        .iter()
        .position(|l| l.trim_start().starts_with("Home "))
        .unwrap();
    assert!(
        lines.get(home + 1).is_none_or(|l| !l.starts_with("      ")),
        "a healthy calendar has no sentence: {}",
        text(&status)
    );

    let json = json(&ok(w.run(&["status", "--json"])));
    let calendars = json[0]["calendars"].as_array().unwrap();
    let by_name = |name: &str| calendars.iter().find(|c| c["name"] == name).unwrap();
    assert!(
        by_name("Work")["health"]["problem"]
            .as_str()
            .unwrap()
            .contains("500")
    );
    assert!(
        by_name("Work")["health_text"]
            .as_str()
            .unwrap()
            .contains("500")
    );
    assert_eq!(by_name("Home")["health_text"], Value::Null);

    // The next clean sync clears it.
    w.emu.clear_faults();
    ok(w.run(&["sync"]));
    let status = ok(w.run(&["status"]));
    let words = String::from_utf8_lossy(&status.stdout);
    assert!(words.contains("  state:         up to date"), "{words}");
    assert!(!words.contains("(500)"), "{words}");
    ok(w.run(&["account", "remove", "1"]));
}

#[test]
fn relink_without_an_id_names_the_ids_to_choose_from() {
    let data = tempfile::tempdir().unwrap();
    let relink = || {
        almanac(
            data.path(),
            &["account", "relink", "--password-stdin"],
            Some("new-password\n"),
        )
    };
    let none = relink();
    assert_eq!(none.status.code(), Some(1), "{}", text(&none));
    assert!(
        String::from_utf8_lossy(&none.stderr).contains("no accounts"),
        "{}",
        text(&none)
    );

    // Two accounts, put in the store directly: choosing between them needs no server.
    {
        let mut store = almanac_store::Store::open(data.path().join("almanac.sqlite3")).unwrap();
        for (kind, user, url) in [
            (
                almanac_core::AccountKind::Icloud,
                "jane@example.com",
                "https://caldav.icloud.com/",
            ),
            (
                almanac_core::AccountKind::Caldav,
                "jane",
                "https://dav.example.com/",
            ),
        ] {
            store.add_account(kind, user, url).unwrap();
        }
    }
    let several = relink();
    assert_eq!(several.status.code(), Some(1), "{}", text(&several));
    let stderr = String::from_utf8_lossy(&several.stderr);
    assert_eq!(
        stderr.trim_end(),
        "almanac: error: there are 2 accounts (ids 1, 2), so say which to relink: \
         `almanac account relink ID`",
        "one sentence naming the ids"
    );
    never_shows(&several, "new-password");
}

#[test]
fn views_of_an_empty_data_directory_are_empty_and_create_nothing() {
    let data = tempfile::tempdir().unwrap();
    let dir = data.path().join("never-made");
    for args in [
        &["status", "--json"][..],
        &["calendars", "--json"],
        &["account", "list", "--json"],
        &["search", "anything", "--json"],
        &["agenda", "--json"],
    ] {
        let out = almanac(&dir, args, None);
        assert_eq!(json(&ok(out)), Value::Array(vec![]), "{args:?}");
    }
    assert!(!dir.exists());
}

/// The keychain entry vanishes (removed by hand, or the keychain was reset): the sync says what
/// to do, the account shows it, and pasting the password again (relink) brings it back.
#[test]
fn a_password_missing_from_the_keychain_is_a_state_with_an_action() {
    let w = World::start(false);
    let password = w.emu.password();
    ok(w.add_icloud(&password));
    ok(w.run(&["sync"]));
    let user = format!("{} {}", w.emu.apple_id(), w.emu.entry_url());
    let cleared = Command::new("secret-tool")
        .args(["clear", "service", "app.almanac.desktop", "username", &user])
        .status()
        .unwrap();
    assert!(cleared.success());
    assert_eq!(w.keychain_entry(), None);

    let missing = w.run(&["sync"]);
    assert_eq!(missing.status.code(), Some(2), "{}", text(&missing));
    let status = json(&ok(w.run(&["status", "--json"])));
    assert_eq!(status[0]["state"], "password_missing");
    let said = text(&ok(w.run(&["status"])));
    assert!(said.contains("no password in the keychain"), "{said}");

    ok(w.run_with_stdin(
        &["account", "relink", "--password-stdin"],
        &format!("{password}\n"),
    ));
    assert_eq!(w.keychain_entry().as_deref(), Some(password.as_str()));
    let status = json(&ok(w.run(&["status", "--json"])));
    assert_eq!(status[0]["state"], "active");
    ok(w.run(&["sync"]));
}

/// One full run from the terminal, as issue 17 asks: a Google export imported (dry run first),
/// an event deleted offline, a conflict with another client settled, each arriving at the
/// server with the next sync.
#[test]
fn import_delete_and_a_conflict_run_through_the_outbox() {
    let w = World::start(false);
    ok(w.add_icloud(&w.emu.password()));
    ok(w.run(&["sync"]));
    let export = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../ical/tests/fixtures/google_calendar_export.ics"
    );
    let dry = json(&ok(w.run(&[
        "import",
        export,
        "--calendar",
        "Home",
        "--dry-run",
        "--json",
    ])));
    assert_eq!(dry["created"].as_array().unwrap().len(), 5, "{dry}");
    let outbox = json(&ok(w.run(&["outbox", "--json"])));
    assert_eq!(outbox, Value::Array(vec![]), "a dry run changes nothing");
    let done = json(&ok(w.run(&[
        "import",
        export,
        "--calendar",
        "Home",
        "--json",
    ])));
    assert_eq!(done["created"].as_array().unwrap().len(), 5);
    assert_eq!(
        json(&ok(w.run(&["outbox", "--json"])))
            .as_array()
            .unwrap()
            .len(),
        5
    );
    let synced = json(&ok(w.run(&["sync", "--json"])));
    assert_eq!(synced[0]["report"]["pushed"], 5, "{synced}");
    assert_eq!(
        json(&ok(w.run(&["outbox", "--json"]))),
        Value::Array(vec![])
    );
    let again = json(&ok(w.run(&[
        "import",
        export,
        "--calendar",
        "Home",
        "--json",
    ])));
    assert_eq!(
        again["skipped"].as_array().unwrap().len(),
        5,
        "nothing newer: {again}"
    );

    // Deleted offline (no request), then sent.
    let flight = "8u5s2f7d1k9m3q6w0e4r8t2y5u@google.com";
    let mark = w.emu.log_mark();
    ok(w.run(&["event", "delete", flight]));
    assert!(
        w.emu.requests().since(mark).entries.is_empty(),
        "local first"
    );
    let synced = json(&ok(w.run(&["sync", "--json"])));
    assert_eq!(synced[0]["report"]["pushed"], 1, "{synced}");
    assert_eq!(
        w.emu.requests().since(mark).count(|r| r.method == "DELETE"),
        1
    );

    // A newer copy imported while another client changed the same event on the server. (The
    // flight deleted above is new again to an import, as any event the account lacks.)
    let trip = "5r9t3y7u1i5o9p3a7s1d5f9g3h@google.com";
    let text = std::fs::read_to_string(export).unwrap();
    let newer = text.replacen(
        "SEQUENCE:0\r\nSTATUS:CONFIRMED\r\nSUMMARY:Jakob's birthday",
        "SEQUENCE:3\r\nSTATUS:CONFIRMED\r\nSUMMARY:Jakob's 37th birthday",
        1,
    );
    assert_ne!(newer, text);
    let dir = tempfile::tempdir().unwrap();
    let newer_file = dir.path().join("newer.ics");
    std::fs::write(&newer_file, newer).unwrap();
    let imported = json(&ok(w.run(&[
        "import",
        newer_file.to_str().unwrap(),
        "--calendar",
        "Home",
        "--json",
    ])));
    assert_eq!(imported["updated"], serde_json::json!([trip]), "{imported}");
    assert_eq!(
        imported["created"],
        serde_json::json!([flight]),
        "{imported}"
    );
    let queued = json(&ok(w.run(&["outbox", "--json"])));
    let href = queued
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["change"] == "edited")
        .and_then(|e| e["href"].as_str())
        .unwrap()
        .to_string();
    let name = href.rsplit('/').next().unwrap().to_string();
    // Another client edits the trip on the server meanwhile.
    let theirs = format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Apple Inc.//iPhone OS 18.1//EN\r\n\
         BEGIN:VEVENT\r\nUID:{trip}\r\nDTSTAMP:20261201T000000Z\r\nSEQUENCE:1\r\n\
         DTSTART;VALUE=DATE:20260801\r\nDTEND;VALUE=DATE:20260805\r\n\
         SUMMARY:Trip (edited on the phone)\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    );
    w._rt
        .block_on(w.emu.put_object("home", &name, &theirs))
        .unwrap();
    let synced = json(&w.run(&["sync", "--json"]));
    assert_eq!(synced[0]["report"]["conflicts"], 1, "{synced}");
    assert_eq!(
        synced[0]["report"]["pushed"], 1,
        "the flight, again: {synced}"
    );
    let conflicts = json(&ok(w.run(&["conflicts", "--json"])));
    let id = conflicts[0]["id"].as_i64().unwrap().to_string();
    ok(w.run(&["conflict", "resolve", &id, "mine"]));
    let synced = json(&ok(w.run(&["sync", "--json"])));
    assert_eq!(synced[0]["report"]["pushed"], 1, "{synced}");
    assert_eq!(
        json(&ok(w.run(&["conflicts", "--json"]))),
        Value::Array(vec![])
    );
}

/// `almanac event add | edit | delete | reply` as a user types them: local first, sent by the
/// next sync, only what changed changes; a series edited for one occurrence and cut at another;
/// an invitation answered, the server telling the organizer.
#[test]
fn events_are_added_edited_cut_and_answered_from_the_terminal() {
    let w = World::start(false);
    ok(w.add_icloud(&w.emu.password()));
    ok(w.run(&["sync"]));
    let tz = ["--tz", "Europe/Berlin"];
    let added = json(&ok(w.run(&[
        "event",
        "add",
        "--calendar",
        "Home",
        "--title",
        "Team sync",
        "--start",
        "2026-12-07T09:30",
        "--end",
        "2026-12-07T10:00",
        "--repeat",
        "FREQ=WEEKLY;COUNT=6",
        "--location",
        "Room 4",
        "--alarm",
        "-15m",
        "--json",
        tz[0],
        tz[1],
    ])));
    let uid = added["uid"].as_str().unwrap().to_string();
    assert_eq!(json(&ok(w.run(&["outbox", "--json"])))[0]["change"], "new");
    let synced = json(&ok(w.run(&["sync", "--json"])));
    assert_eq!(synced[0]["report"]["pushed"], 1, "{synced}");
    let server = |w: &World| -> String {
        let events = w._rt.block_on(w.emu.objects("home")).unwrap();
        events
            .into_iter()
            .find(|(_, text)| text.contains(&uid))
            .map(|(_, text)| text)
            .unwrap_or_default()
    };
    let sent = server(&w);
    assert!(
        sent.contains("TZID=Europe/Berlin:20261207T093000"),
        "{sent}"
    );
    assert!(sent.contains("RRULE:FREQ=WEEKLY;COUNT=6") && sent.contains("TRIGGER:-PT15M"));

    // One occurrence moved, then the series cut two weeks later.
    ok(w.run(&[
        "event",
        "edit",
        &uid,
        "--occurrence",
        "2026-12-14T09:30",
        "--scope",
        "this",
        "--title",
        "Team sync (moved)",
        tz[0],
        tz[1],
    ]));
    ok(w.run(&[
        "event",
        "delete",
        &uid,
        "--occurrence",
        "2026-12-28T09:30",
        "--scope",
        "following",
        tz[0],
        tz[1],
    ]));
    ok(w.run(&["sync"]));
    let sent = server(&w);
    assert!(
        sent.contains("RECURRENCE-ID;TZID=Europe/Berlin:20261214T093000"),
        "{sent}"
    );
    assert!(sent.contains("SUMMARY:Team sync (moved)"));
    assert!(!sent.contains("COUNT=6"), "cut: {sent}");
    assert!(sent.contains("LOCATION:Room 4"), "untouched fields stay");

    // An invitation from someone else, answered.
    let apple_id = w.emu.apple_id();
    let invite = format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Apple Inc.//iPhone OS 18.1//EN\r\n\
         BEGIN:VEVENT\r\nUID:invite-1\r\nDTSTAMP:20261201T000000Z\r\nSEQUENCE:0\r\n\
         DTSTART:20261210T150000Z\r\nDTEND:20261210T160000Z\r\nSUMMARY:Offsite\r\n\
         ORGANIZER;CN=Sam:mailto:sam@example.com\r\n\
         ATTENDEE;CN=Sam;PARTSTAT=ACCEPTED:mailto:sam@example.com\r\n\
         ATTENDEE;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:{apple_id}\r\n\
         END:VEVENT\r\nEND:VCALENDAR\r\n"
    );
    w._rt
        .block_on(w.emu.put_object("home", "invite-1.ics", &invite))
        .unwrap();
    ok(w.run(&["sync"]));
    ok(w.run(&["event", "reply", "invite-1", "accept"]));
    ok(w.run(&["sync"]));
    let answered = w
        ._rt
        .block_on(w.emu.objects("home"))
        .unwrap()
        .into_iter()
        .find(|(name, _)| name == "invite-1.ics")
        .map(|(_, text)| text)
        .unwrap();
    assert!(
        answered.contains(&format!("PARTSTAT=ACCEPTED:mailto:{apple_id}")),
        "{answered}"
    );
    assert!(
        answered.contains("PARTSTAT=ACCEPTED:mailto:sam@example.com"),
        "theirs untouched"
    );
    let replies = w.emu.scheduling_log();
    assert!(
        replies
            .iter()
            .any(|m| m.method == "REPLY" && m.uid == "invite-1"),
        "{replies:?}"
    );
}
