//! Crash safety (issue 6): `almanac sync` is killed with SIGKILL at seeded random points of an
//! initial sync against a real Radicale; after each kill the store must open, pass
//! `PRAGMA integrity_check`, and the next sync must converge exactly to the server (the same
//! hrefs with the same etags, nothing quarantined, every resource with its text).
//!
//! The first, uninterrupted sync is timed; each kill then lands at a point spread from 5% to
//! 95% of that time, one per stratum, so that early (discovery, first batches) and late
//! (last batches, token write) kills are both covered.
//!
//! Sizes (environment variables; the defaults are the CI variant, under a minute):
//! - `ALMANAC_CRASH_EVENTS`: events on the server (default 1,000; the full run is 5,000)
//! - `ALMANAC_CRASH_KILLS`: how many killed syncs (default 5; the full run is 20)
//! - `ALMANAC_CRASH_SEED`: seed of the dataset and of the kill points (default 6)
//!
//! Full run: `ALMANAC_CRASH_EVENTS=5000 ALMANAC_CRASH_KILLS=20 tests/desktop-session.sh cargo
//! test -p almanac-tests --test it -- crash_safety:: --nocapture`. The test runs the `almanac`
//! binary that sits next to the test's own directory (`target/<profile>/almanac`), which
//! `cargo test --workspace` builds; with `-p almanac-tests` alone, run
//! `cargo build -p almanac-cli` first. `account add` needs a Secret Service: run it inside
//! `tests/desktop-session.sh`, as `./x test` does.

use almanac_dataset::rng::Rng;
use almanac_dataset::{Server, Spec, generate, seed, seed::collection, server_of};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// No single CLI run may take longer than this, however slow the machine.
const RUN_LIMIT: Duration = Duration::from_secs(300);

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .map(|v| {
            v.parse()
                .unwrap_or_else(|_| panic!("{name}={v} is not a number"))
        })
        .unwrap_or(default)
}

/// `target/<profile>/almanac`: the test binary lives in `target/<profile>/deps/`.
fn almanac_bin() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let bin = exe
        .parent()
        .and_then(Path::parent)
        .map(|dir| dir.join(format!("almanac{}", std::env::consts::EXE_SUFFIX)))
        .unwrap();
    assert!(
        bin.is_file(),
        "{} is missing: build it with `cargo build -p almanac-cli` (`cargo test --workspace` does)",
        bin.display()
    );
    bin
}

fn almanac(data: &Path) -> Command {
    let mut cmd = Command::new(almanac_bin());
    cmd.arg("--data-dir")
        .arg(data)
        .env_remove("ALMANAC_DATA_DIR")
        .env("TZ", "UTC")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

/// Waits for `child` until `RUN_LIMIT`, killing it if it overstays.
fn finish(mut child: Child, what: &str) -> Output {
    let deadline = Instant::now() + RUN_LIMIT;
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("{what} ran longer than {RUN_LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

fn text(out: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn add_account(data: &Path, base_url: &str, server: &Server) {
    let mut child = almanac(data)
        .args([
            "account",
            "add",
            "caldav",
            "--url",
            base_url,
            "--user",
            &server.user,
        ])
        .arg("--password-stdin")
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    let mut pipe = child.stdin.take().unwrap();
    pipe.write_all(format!("{}\n", server.password).as_bytes())
        .unwrap();
    drop(pipe);
    let out = finish(child, "account add");
    assert!(out.status.success(), "account add: {}", text(&out));
}

fn sync_to_completion(data: &Path) {
    let child = almanac(data).args(["sync", "--json"]).spawn().unwrap();
    let out = finish(child, "sync");
    assert!(out.status.success(), "sync: {}", text(&out));
}

fn store_path(data: &Path) -> PathBuf {
    data.join("almanac.sqlite3")
}

/// Opens the store as the app would (recovering the WAL) and checks its integrity.
fn check_integrity(data: &Path) -> Option<i64> {
    let path = store_path(data);
    if !path.exists() {
        return None;
    }
    let db = rusqlite::Connection::open(&path).expect("the store opens after a kill");
    let verdict: Vec<String> = db
        .prepare("PRAGMA integrity_check")
        .unwrap()
        .query_map([], |row| row.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(verdict, ["ok"], "integrity_check after a kill");
    let broken_links: i64 = db
        .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(broken_links, 0, "foreign keys after a kill");
    // The schema may not exist yet if the kill came before the first migration finished.
    db.query_row("SELECT count(*) FROM resources", [], |r| r.get(0))
        .ok()
        .or(Some(0))
}

fn unquote(etag: &str) -> String {
    etag.trim().trim_matches('"').to_string()
}

/// What the server holds: href → etag over every calendar.
fn server_state(server: &Server, collections: &[String]) -> BTreeMap<String, String> {
    collections
        .iter()
        .flat_map(|c| server.etags(c).unwrap())
        .map(|(href, etag)| (href, unquote(&etag)))
        .collect()
}

/// What the store holds, and checks that nothing is quarantined or lost its text.
fn store_state(data: &Path) -> BTreeMap<String, String> {
    let db = rusqlite::Connection::open(store_path(data)).unwrap();
    let quarantined: i64 = db
        .query_row(
            "SELECT count(*) FROM resources WHERE quarantine_reason IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(quarantined, 0, "quarantined resources");
    let textless: i64 = db
        .query_row(
            "SELECT count(*) FROM resources r LEFT JOIN resource_texts t ON t.resource_id = r.id \
             WHERE t.resource_id IS NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(textless, 0, "resources without their text");
    let mut stmt = db
        .prepare("SELECT c.href, r.href, r.etag FROM resources r JOIN calendars c ON c.id = r.calendar_id")
        .unwrap();
    stmt.query_map([], |row| {
        let (cal, href, etag): (String, String, String) = (row.get(0)?, row.get(1)?, row.get(2)?);
        Ok((cal, href, etag))
    })
    .unwrap()
    .map(|row| {
        let (cal, href, etag) = row.unwrap();
        // Hrefs are paths; reduce any absolute URL to its path.
        let path = |h: &str| match h.split_once("://") {
            Some((_, rest)) => rest
                .find('/')
                .map_or("/".to_string(), |i| rest[i..].to_string()),
            None => h.to_string(),
        };
        let href = if href.starts_with('/') || href.contains("://") {
            path(&href)
        } else {
            format!("{}{href}", path(&cal))
        };
        (href, unquote(&etag))
    })
    .collect()
}

fn assert_converged(data: &Path, expected: &BTreeMap<String, String>, round: &str) {
    let local = store_state(data);
    let missing: Vec<_> = expected
        .keys()
        .filter(|h| !local.contains_key(*h))
        .take(3)
        .collect();
    let extra: Vec<_> = local
        .keys()
        .filter(|h| !expected.contains_key(*h))
        .take(3)
        .collect();
    let stale: Vec<_> = expected
        .iter()
        .filter(|(h, e)| local.get(*h).is_some_and(|l| l != *e))
        .take(3)
        .collect();
    assert!(
        missing.is_empty() && extra.is_empty() && stale.is_empty(),
        "{round}: store ({}) differs from server ({}): missing {missing:?}, extra {extra:?}, stale etags {stale:?}",
        local.len(),
        expected.len()
    );
}

#[test]
fn a_killed_initial_sync_leaves_a_sound_store_and_the_next_sync_converges() {
    let events = env_number("ALMANAC_CRASH_EVENTS", 1000);
    let kills = env_number("ALMANAC_CRASH_KILLS", 5);
    let seed_value = env_number("ALMANAC_CRASH_SEED", 6);
    let test_server = almanac_test_servers::radicale()
        .expect("Radicale starts (run `./x test` once to create the test venv)");
    let server = server_of(&test_server);
    let calendars = generate(Spec {
        seed: seed_value,
        calendars: 2,
        events: usize::try_from(events).unwrap(),
        years: 3,
    });
    let started = Instant::now();
    seed(&server, &calendars).unwrap();
    let collections: Vec<String> = calendars.iter().map(|c| collection(&server, c)).collect();
    let expected = server_state(&server, &collections);
    assert_eq!(expected.len(), usize::try_from(events).unwrap(), "seeded");
    eprintln!("seeded {events} events in {:?}", started.elapsed());

    let scratch = tempfile::tempdir().unwrap();
    // The first sync also makes Radicale build its sync-token history (a file per object);
    // the second is the one a kill point is chosen against.
    let mut full = Duration::ZERO;
    for name in ["first", "second"] {
        let data = scratch.path().join(name);
        add_account(&data, &test_server.base_url, &server);
        let started = Instant::now();
        sync_to_completion(&data);
        full = started.elapsed();
        assert_converged(&data, &expected, &format!("{name} uninterrupted sync"));
        eprintln!("the {name} uninterrupted initial sync took {full:?}");
    }

    let mut rng = Rng::new(seed_value);
    let mut interrupted = 0;
    for round in 0..kills {
        let data = scratch.path().join(format!("round-{round}"));
        add_account(&data, &test_server.base_url, &server);
        // One kill point per stratum of [5%, 95%] of the uninterrupted time.
        let fraction = (round as f64 + (rng.below(1000) as f64) / 1000.0) / kills as f64;
        let delay = full.mul_f64(0.05 + 0.9 * fraction);
        let mut child = almanac(&data).args(["sync", "--json"]).spawn().unwrap();
        // The random delay is the point of the test: where in the sync the kill lands.
        std::thread::sleep(delay);
        let killed = child.try_wait().unwrap().is_none();
        if killed {
            child.kill().unwrap(); // SIGKILL on Unix
            interrupted += 1;
        }
        let _ = finish(child, "killed sync");
        let at_kill = check_integrity(&data);
        sync_to_completion(&data);
        assert_converged(&data, &expected, &format!("round {round}"));
        eprintln!(
            "round {round}: {} after {delay:?}; {} resources in the store; integrity ok; the next sync converged",
            if killed {
                "SIGKILL"
            } else {
                "finished before the kill"
            },
            at_kill.map_or("no store file yet, so 0".to_string(), |n| n.to_string()),
        );
    }
    assert!(
        interrupted * 2 >= kills,
        "only {interrupted} of {kills} syncs were still running at their kill point"
    );
}

/// `count` events in one file, with UIDs of their own (`tag`), for `almanac import`.
fn import_file(dir: &Path, count: usize, tag: &str) -> PathBuf {
    let mut text =
        String::from("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Almanac tests//EN\r\n");
    for i in 0..count {
        let (day, hour) = (1 + i % 28, 8 + i % 10);
        text.push_str(&format!(
            "BEGIN:VEVENT\r\nUID:{tag}-{i}@almanac.test\r\nDTSTAMP:20261101T000000Z\r\n\
             DTSTART:202612{day:02}T{hour:02}0000Z\r\nDURATION:PT30M\r\nSUMMARY:Pushed {i}\r\n\
             END:VEVENT\r\n"
        ));
    }
    text.push_str("END:VCALENDAR\r\n");
    let path = dir.join(format!("{tag}.ics"));
    std::fs::write(&path, text).unwrap();
    path
}

fn outbox_len(data: &Path) -> usize {
    let out = almanac(data).args(["outbox", "--json"]).output().unwrap();
    assert!(out.status.success(), "outbox: {}", text(&out));
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    list.as_array().unwrap().len()
}

/// A push killed with SIGKILL at seeded points: no edit is lost (the outbox still holds what
/// the server does not have), and no event reaches the server twice (each create goes to its
/// own `<uuid>.ics` with `If-None-Match: *`, and a replayed one finds itself there).
#[test]
fn a_killed_push_loses_no_edit_and_makes_no_duplicate() {
    let changes = usize::try_from(env_number("ALMANAC_CRASH_PUSHES", 120)).unwrap();
    let kills = env_number("ALMANAC_CRASH_KILLS", 5);
    let test_server = almanac_test_servers::radicale()
        .expect("Radicale starts (run `./x test` once to create the test venv)");
    let server = server_of(&test_server);
    let calendars = generate(Spec {
        seed: 7,
        calendars: 1,
        events: 5,
        years: 1,
    });
    seed(&server, &calendars).unwrap();
    let collections: Vec<String> = calendars.iter().map(|c| collection(&server, c)).collect();
    let scratch = tempfile::tempdir().unwrap();
    let name = calendars[0].name.clone();
    let prepare = |data: &Path, tag: &str| {
        add_account(data, &test_server.base_url, &server);
        sync_to_completion(data);
        let file = import_file(scratch.path(), changes, tag);
        let out = almanac(data)
            .args(["import", file.to_str().unwrap(), "--calendar", &name])
            .output()
            .unwrap();
        assert!(out.status.success(), "import: {}", text(&out));
        assert_eq!(outbox_len(data), changes);
    };

    // One uninterrupted push, to time.
    let timed = scratch.path().join("timed");
    prepare(&timed, "timed");
    let started = Instant::now();
    sync_to_completion(&timed);
    let full = started.elapsed();
    assert_eq!(outbox_len(&timed), 0);

    let mut rng = Rng::new(7);
    let mut interrupted = 0;
    for round in 0..kills {
        let data = scratch.path().join(format!("push-{round}"));
        prepare(&data, &format!("round{round}"));
        let fraction = (round as f64 + (rng.below(1000) as f64) / 1000.0) / kills as f64;
        let delay = full.mul_f64(0.05 + 0.9 * fraction);
        let mut child = almanac(&data).args(["sync", "--json"]).spawn().unwrap();
        // The random delay is the point of the test: where in the push the kill lands.
        std::thread::sleep(delay);
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap();
            interrupted += 1;
        }
        let _ = finish(child, "killed push");
        check_integrity(&data);
        let left = outbox_len(&data);
        assert!(left <= changes, "round {round}: {left} left");
        sync_to_completion(&data);
        assert_eq!(
            outbox_len(&data),
            0,
            "round {round}: every change reached the server"
        );
        let expected = server_state(&server, &collections);
        let rounds = usize::try_from(round).unwrap() + 2;
        assert_eq!(
            expected.len(),
            5 + changes * rounds,
            "round {round}: every change once on the server, none twice"
        );
        assert_converged(&data, &expected, &format!("push round {round}"));
    }
    assert!(
        interrupted * 2 >= kills,
        "only {interrupted} of {kills} pushes were still running at their kill point"
    );
}
