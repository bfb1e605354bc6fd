//! One client run measured from outside: wall time, CPU and peak RSS from GNU time's report
//! (`/usr/bin/time -v`, which counts the client and every process it starts), what the proxy
//! saw on the wire meanwhile, and the CPU time the server spent (from `/proc`), so that a run
//! the server held back can be told from one the client did.

use almanac_dataset::proxy::{Counts, Snapshot};
use anyhow::{Context, Result, bail};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The CPU time of the server, a child process of this one (all its threads), from `/proc`.
#[derive(Debug)]
pub struct ServerCpu {
    stat: PathBuf,
    ticks_per_second: f64,
}

impl ServerCpu {
    /// The child of this process whose command line mentions `name`, if there is one.
    pub fn find(name: &str) -> Option<ServerCpu> {
        let me = std::process::id().to_string();
        let ticks_per_second = Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .ok()
            .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse().ok())
            .unwrap_or(100.0);
        std::fs::read_dir("/proc")
            .ok()?
            .flatten()
            .find_map(|entry| {
                let stat = entry.path().join("stat");
                let text = std::fs::read_to_string(&stat).ok()?;
                let ppid = stat_fields(&text)?.nth(1)?.to_string();
                let cmdline = std::fs::read(entry.path().join("cmdline")).ok()?;
                (ppid == me && String::from_utf8_lossy(&cmdline).contains(name)).then_some(
                    ServerCpu {
                        stat,
                        ticks_per_second,
                    },
                )
            })
    }

    /// User plus system CPU seconds so far; 0 once the process is gone.
    pub fn seconds(&self) -> f64 {
        let text = std::fs::read_to_string(&self.stat).unwrap_or_default();
        // After the command's name: state, ppid, … utime (field 14) and stime (15).
        let ticks: f64 = stat_fields(&text)
            .into_iter()
            .flat_map(|fields| fields.skip(11).take(2))
            .filter_map(|t| t.parse::<f64>().ok())
            .sum();
        ticks / self.ticks_per_second
    }
}

/// The fields of `/proc/PID/stat` after the command's name, which may hold spaces.
fn stat_fields(text: &str) -> Option<std::str::SplitWhitespace<'_>> {
    text.rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace())
}

/// A measured run, or several summed.
#[derive(Debug, Clone)]
pub struct Measured {
    /// Wall time, seconds.
    pub wall: f64,
    /// User plus system CPU time of the client, seconds.
    pub cpu: f64,
    /// Peak resident set size of the client's largest process, MiB.
    pub rss_mib: f64,
    /// CPU time the server spent meanwhile, seconds.
    pub server_cpu: f64,
    /// Requests, bytes and connections as the proxy saw them.
    pub wire: Snapshot,
}

impl Measured {
    /// Two runs one after the other as one: times add up, the larger peak RSS counts.
    #[must_use]
    pub fn then(self, next: &Measured) -> Measured {
        Measured {
            wall: self.wall + next.wall,
            cpu: self.cpu + next.cpu,
            rss_mib: self.rss_mib.max(next.rss_mib),
            server_cpu: self.server_cpu + next.server_cpu,
            wire: self.wire.and(&next.wire),
        }
    }
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

/// Where a measured run is watched from: the proxy's counts and the server's CPU time.
#[derive(Debug)]
pub struct Watch<'a> {
    /// The proxy's counters; reset before each run.
    pub counts: &'a Counts,
    /// The server's CPU time, when it could be found.
    pub server: Option<&'a ServerCpu>,
}

/// Runs `command` under `/usr/bin/time -v` (its report goes to `report_file`), with `stdin`
/// written to its standard input, and fails unless it succeeds.
pub fn timed(
    what: &str,
    command: &Command,
    stdin: Option<&str>,
    watch: &Watch<'_>,
    report_file: &Path,
) -> Result<Measured> {
    let mut timed = Command::new("/usr/bin/time");
    timed
        .arg("-v")
        .arg("-o")
        .arg(report_file)
        .arg(command.get_program())
        .args(command.get_args());
    for (key, value) in command.get_envs() {
        match value {
            Some(value) => timed.env(key, value),
            None => timed.env_remove(key),
        };
    }
    if let Some(dir) = command.get_current_dir() {
        timed.current_dir(dir);
    }
    let server_cpu = || watch.server.map_or(0.0, ServerCpu::seconds);
    watch.counts.take();
    let server_before = server_cpu();
    let mut child = timed
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("running /usr/bin/time (apt install time)")?;
    if let (Some(text), Some(mut pipe)) = (stdin, child.stdin.take()) {
        writeln!(pipe, "{text}")?;
    }
    let out = child.wait_with_output()?;
    let server_cpu = server_cpu() - server_before;
    let wire = watch.counts.take();
    if !out.status.success() {
        bail!(
            "{what} failed ({}):\n{}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let report = std::fs::read_to_string(report_file)?;
    let user: f64 = field(&report, "User time (seconds):")?.parse()?;
    let sys: f64 = field(&report, "System time (seconds):")?.parse()?;
    let rss_kib: f64 = field(&report, "Maximum resident set size (kbytes):")?.parse()?;
    let wall = clock(&field(
        &report,
        "Elapsed (wall clock) time (h:mm:ss or m:ss):",
    )?);
    Ok(Measured {
        wall,
        cpu: user + sys,
        rss_mib: rss_kib / 1024.0,
        server_cpu,
        wire,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stat_fields_start_after_a_name_with_spaces() {
        let text = "42 (a b) c) S 7 42 42 0 -1 4194560 1 0 0 0 250 50 0 0 20 0";
        let mut fields = stat_fields(text).unwrap();
        assert_eq!(fields.nth(1), Some("7"));
        let fields: Vec<&str> = stat_fields(text).unwrap().skip(11).take(2).collect();
        assert_eq!(fields, vec!["250", "50"]);
    }

    #[test]
    fn gnu_time_clocks_read_as_seconds() {
        assert!((clock("0:03.55") - 3.55).abs() < 1e-9);
        assert!((clock("1:02:03") - 3723.0).abs() < 1e-9);
    }
}
