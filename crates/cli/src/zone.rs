//! The viewer's time zone: `--tz`, else the system's.

use anyhow::{Context, anyhow};
use chrono_tz::Tz;

/// Parses an IANA zone name given on the command line.
pub fn parse(name: &str) -> anyhow::Result<Tz> {
    name.parse::<Tz>().map_err(|_| {
        anyhow!("unknown time zone {name:?} (expected an IANA name such as Europe/Berlin)")
    })
}

/// The system zone: `TZ`, then `/etc/timezone`, then the `/etc/localtime` link; UTC if none
/// names an IANA zone.
pub fn local() -> Tz {
    let from_env = std::env::var("TZ")
        .ok()
        .map(|v| v.trim_start_matches(':').to_owned());
    let from_file = || {
        std::fs::read_to_string("/etc/timezone")
            .ok()
            .map(|s| s.trim().to_owned())
    };
    let from_link = || {
        std::fs::read_link("/etc/localtime").ok().and_then(|p| {
            p.to_str()
                .and_then(|s| s.split_once("zoneinfo/").map(|(_, z)| z.to_owned()))
        })
    };
    from_env
        .and_then(|z| z.parse().ok())
        .or_else(|| from_file().and_then(|z| z.parse().ok()))
        .or_else(|| from_link().and_then(|z| z.parse().ok()))
        .unwrap_or(Tz::UTC)
}

/// The zone to use: the given one, or the system's.
pub fn chosen(name: Option<&str>) -> anyhow::Result<Tz> {
    name.map(parse)
        .transpose()
        .context("--tz")?
        .map_or_else(|| Ok(local()), Ok)
}
