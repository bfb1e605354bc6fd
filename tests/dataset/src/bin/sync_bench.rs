//! `almanac-sync-bench`: the sync benchmark of issue 6. Not a timed test: it prints figures.
//!
//! It starts Radicale on loopback (from the test venv) behind a counting proxy, seeds the
//! generated dataset ([`Spec::BENCH`]: 5 calendars, 10,000 events over 3 years), signs the
//! `almanac` CLI in with a fresh `--data-dir`, and measures three syncs under
//! `/usr/bin/time -v`: the initial one, one with no change, and one after 10 server-side
//! edits (two in each calendar). For each: wall time, client CPU (user + sys), peak RSS,
//! requests and bytes each way (on the wire: answers are gzip-compressed), against the
//! issue's goals. It also times Radicale alone answering the home PROPFIND, the one request of
//! a no-change sync, so that server time and client time can be told apart.
//!
//! Run it through `tests/bench/sync.sh`, which builds release binaries and provides a
//! keychain. Arguments: `--almanac PATH` (default: `almanac` next to this binary),
//! `--events N` (default 10,000), `--seed N`.

use almanac_dataset::proxy::{self, Snapshot};
use almanac_dataset::seed::{collection, put};
use almanac_dataset::{Spec, edited, generate, seed, server_of};
use anyhow::{Context, Result, bail};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

/// One measured sync.
struct Run {
    name: &'static str,
    wall: f64,
    cpu: f64,
    rss_mib: f64,
    wire: Snapshot,
}

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn field(report: &str, label: &str) -> Result<String> {
    report
        .lines()
        .find_map(|l| l.trim().strip_prefix(label))
        .map(|v| v.trim().to_string())
        .with_context(|| format!("`{label}` missing from /usr/bin/time's report:\n{report}"))
}

/// `h:mm:ss` or `m:ss.ss` → seconds.
fn clock(text: &str) -> f64 {
    text.split(':').fold(0.0, |acc, part| {
        acc * 60.0 + part.parse::<f64>().unwrap_or(0.0)
    })
}

fn measured(
    name: &'static str,
    almanac: &Path,
    data: &Path,
    counts: &proxy::Counts,
) -> Result<Run> {
    let report_file = data.with_extension(format!("{name}.time"));
    counts.take();
    let out = Command::new("/usr/bin/time")
        .arg("-v")
        .arg("-o")
        .arg(&report_file)
        .arg(almanac)
        .arg("--data-dir")
        .arg(data)
        .args(["sync", "--json"])
        .stdin(Stdio::null())
        .output()
        .context("running /usr/bin/time (apt install time)")?;
    let wire = counts.take();
    if !out.status.success() {
        bail!(
            "{name} sync failed: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let report = std::fs::read_to_string(&report_file)?;
    let user: f64 = field(&report, "User time (seconds):")?.parse()?;
    let sys: f64 = field(&report, "System time (seconds):")?.parse()?;
    let rss_kib: f64 = field(&report, "Maximum resident set size (kbytes):")?.parse()?;
    let wall = clock(&field(
        &report,
        "Elapsed (wall clock) time (h:mm:ss or m:ss):",
    )?);
    Ok(Run {
        name,
        wall,
        cpu: user + sys,
        rss_mib: rss_kib / 1024.0,
        wire,
    })
}

const HOME_PROPFIND: &str = "<?xml version=\"1.0\"?><D:propfind xmlns:D=\"DAV:\" xmlns:CS=\"http://calendarserver.org/ns/\">\
<D:prop><D:resourcetype/><D:displayname/><CS:getctag/><D:sync-token/></D:prop></D:propfind>";

/// Events in the store and how many are quarantined, from `almanac status --json`.
fn stored(almanac: &Path, data: &Path) -> Result<(usize, u64)> {
    let out = Command::new(almanac)
        .arg("--data-dir")
        .arg(data)
        .args(["status", "--json"])
        .output()?;
    let status: serde_json::Value = serde_json::from_slice(&out.stdout)
        .with_context(|| format!("status --json: {}", String::from_utf8_lossy(&out.stderr)))?;
    let accounts = status.as_array().context("status is not an array")?;
    let mut resources = 0;
    let mut quarantined = 0;
    for account in accounts {
        quarantined += account["quarantined"].as_u64().unwrap_or(0);
        for cal in account["calendars"].as_array().into_iter().flatten() {
            resources += cal["resources"].as_u64().unwrap_or(0);
        }
    }
    Ok((usize::try_from(resources)?, quarantined))
}

fn verdict(ok: bool) -> &'static str {
    if ok { "ok" } else { "MISSED" }
}

fn main() -> Result<()> {
    let almanac = match arg("--almanac") {
        Some(path) => PathBuf::from(path),
        None => std::env::current_exe()?
            .parent()
            .context("no directory")?
            .join("almanac"),
    };
    anyhow::ensure!(almanac.is_file(), "{} is missing", almanac.display());
    let spec = Spec {
        events: arg("--events").map_or(Ok(Spec::BENCH.events), |n| n.parse())?,
        seed: arg("--seed").map_or(Ok(Spec::BENCH.seed), |n| n.parse())?,
        ..Spec::BENCH
    };
    let radicale = almanac_test_servers::radicale()?;
    let server = server_of(&radicale);
    let calendars = generate(spec);
    let bytes: usize = calendars
        .iter()
        .flat_map(|c| &c.objects)
        .map(|o| o.ics.len())
        .sum();
    eprintln!(
        "seeding {} events in {} calendars ({:.2} KB an event) into Radicale at {} …",
        spec.events,
        spec.calendars,
        bytes as f64 / spec.events.max(1) as f64 / 1000.0,
        radicale.base_url
    );
    let started = Instant::now();
    seed(&server, &calendars)?;
    eprintln!("seeded in {:.1} s", started.elapsed().as_secs_f64());

    let (proxy_addr, counts) = proxy::start(radicale.addr)?;
    let scratch = tempfile_dir()?;
    let data = scratch.join("store");
    let mut add = Command::new(&almanac)
        .arg("--data-dir")
        .arg(&data)
        .args(["account", "add", "caldav", "--url"])
        .arg(format!("http://{proxy_addr}/"))
        .args(["--user", &server.user, "--password-stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()?;
    if let Some(mut pipe) = add.stdin.take() {
        writeln!(pipe, "{}", server.password)?;
    }
    anyhow::ensure!(add.wait()?.success(), "account add failed");

    let mut runs = vec![measured("initial", &almanac, &data, &counts)?];
    let (stored, quarantined) = stored(&almanac, &data)?;
    anyhow::ensure!(
        stored == spec.events && quarantined == 0,
        "after the initial sync the store holds {stored} events ({quarantined} quarantined), not {}",
        spec.events
    );
    // What the server alone needs for the one request of a no-change sync.
    let started = Instant::now();
    server.expect_ok(
        "PROPFIND",
        &server.home(),
        &[("Depth", "1"), ("Content-Type", "application/xml")],
        HOME_PROPFIND,
    )?;
    let floor = started.elapsed().as_secs_f64();
    runs.push(measured("no change", &almanac, &data, &counts)?);
    // Ten edits, two in each calendar, made on the server by someone else.
    for cal in &calendars {
        let dir = collection(&server, cal);
        let etags = server.etags(&dir)?;
        for object in cal.objects.iter().take(10 / calendars.len().max(1)) {
            let path = format!("{dir}{}", object.name);
            let etag = etags
                .iter()
                .find(|(href, _)| *href == path)
                .map(|(_, e)| e.clone())
                .with_context(|| format!("{path} not listed"))?;
            put(&server, &path, &edited(&object.ics, 1), Some(&etag))?;
        }
    }
    runs.push(measured("10 edits", &almanac, &data, &counts)?);

    println!(
        "\nalmanac sync against loopback Radicale: {} events, {} calendars, seed {}\n",
        spec.events, spec.calendars, spec.seed
    );
    println!(
        "Bytes are on the wire, as the proxy saw them: the client asks for gzip and Radicale \
         compresses its answers.\n"
    );
    println!(
        "| sync | wall s | client CPU s | peak RSS MiB | requests | bytes sent | bytes received |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for r in &runs {
        println!(
            "| {} | {:.2} | {:.2} | {:.1} | {} | {} | {} |",
            r.name, r.wall, r.cpu, r.rss_mib, r.wire.requests, r.wire.sent, r.wire.received
        );
    }
    let [initial, idle, edits] = &runs[..] else {
        bail!("three runs expected");
    };
    let edit_limit = 3 * calendars.len() as u64 + 1;
    println!("\nGoals:");
    println!(
        "- no-change sync: 1 request and under 0.1 s: {} requests, {:.2} s: {}",
        idle.wire.requests,
        idle.wall,
        verdict(idle.wire.requests == 1 && idle.wall < 0.1)
    );
    println!(
        "- 10 changed: at most 3 requests per changed calendar plus 1 ({edit_limit}): {}: {}",
        edits.wire.requests,
        verdict(edits.wire.requests <= edit_limit)
    );
    println!(
        "- initial sync: client CPU under 1.5 s and peak RSS under 60 MiB: {:.2} s, {:.1} MiB: {}",
        initial.cpu,
        initial.rss_mib,
        verdict(initial.cpu < 1.5 && initial.rss_mib < 60.0)
    );
    for r in &runs {
        println!("\nRequests of the {} sync:", r.name);
        let mut by_kind = std::collections::BTreeMap::<String, usize>::new();
        for line in &r.wire.lines {
            let method = line.split_whitespace().next().unwrap_or("?").to_string();
            *by_kind.entry(method).or_default() += 1;
        }
        for (method, n) in by_kind {
            println!("  {method}: {n}");
        }
    }
    println!(
        "\nThe store holds all {stored} events after the initial sync, none quarantined.\n\
         Radicale alone answers the no-change sync's request (PROPFIND depth 1 on the home, \
         ctag and sync-token) in {floor:.2} s."
    );
    let _ = std::fs::remove_dir_all(&scratch);
    Ok(())
}

/// A fresh scratch directory under the system's temporary directory.
fn tempfile_dir() -> Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!("almanac-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}
