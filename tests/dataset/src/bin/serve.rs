//! `almanac-dataset-serve`: Radicale on loopback holding the generated dataset, for scripts
//! that need a filled server (`tests/bench/memory.sh`). It seeds the dataset, prints one JSON
//! line (`url`, `user`, `password`, `events`, `first_day`, `last_day`), then serves until its
//! standard input closes; Radicale stops with it, so a script that dies leaves nothing behind.
//! The objects are written straight into Radicale's storage ([`write_files`]), then read once
//! ([`warm`]), so that Radicale has parsed each before a client asks.
//!
//! Arguments: `--events N` (default 10,000), `--years N` (default 3), `--seed N`, and
//! `--latency-ms N`: the `url` printed is then that of the benchmark's proxy in front of
//! Radicale, holding each new connection and each request N ms and keeping connections open,
//! as a far server with keep-alive does ([`almanac_dataset::proxy`]).

use almanac_dataset::seed::{warm, write_files};
use almanac_dataset::{Spec, generate, proxy, server_of};
use anyhow::{Context, Result};
use std::io::{Read, Write};
use std::time::Instant;

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn main() -> Result<()> {
    let spec = Spec {
        events: arg("--events").map_or(Ok(Spec::BENCH.events), |n| n.parse())?,
        years: arg("--years").map_or(Ok(Spec::BENCH.years), |n| n.parse())?,
        seed: arg("--seed").map_or(Ok(Spec::BENCH.seed), |n| n.parse())?,
        ..Spec::BENCH
    };
    let radicale = almanac_test_servers::radicale()?;
    let server = server_of(&radicale);
    let started = Instant::now();
    let calendars = generate(spec);
    write_files(
        &server,
        &radicale.data_dir().join("collections"),
        &calendars,
    )
    .context("seeding Radicale")?;
    warm(&server, &calendars).context("warming Radicale")?;
    eprintln!(
        "almanac-dataset-serve: {} events in {} calendars seeded in {:.1} s",
        spec.events,
        spec.calendars,
        started.elapsed().as_secs_f64()
    );
    let (first_day, last_day) = spec.span();
    let url = match arg("--latency-ms") {
        Some(ms) => {
            let far = proxy::Far {
                latency: std::time::Duration::from_millis(ms.parse()?),
                keep_alive: true,
            };
            let (addr, _) = proxy::start(radicale.addr, far)?;
            format!("http://{addr}/")
        }
        None => radicale.base_url.clone(),
    };
    let info = serde_json::json!({
        "url": url,
        "user": server.user,
        "password": server.password,
        "events": spec.events,
        "first_day": first_day,
        "last_day": last_day,
    });
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{info}")?;
    stdout.flush()?;
    // Serve until whoever started us closes our input.
    let _ = std::io::stdin().read_to_end(&mut Vec::new());
    drop(radicale);
    Ok(())
}
