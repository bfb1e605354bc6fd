//! The viewer's time zone: `--tz`, else the system's.

use anyhow::{Context, anyhow};
use chrono_tz::Tz;

/// Parses an IANA zone name given on the command line.
pub fn parse(name: &str) -> anyhow::Result<Tz> {
    name.parse::<Tz>().map_err(|_| {
        anyhow!("unknown time zone {name:?} (expected an IANA name such as Europe/Berlin)")
    })
}

/// The zone to use: the given one, or the system's.
pub fn chosen(name: Option<&str>) -> anyhow::Result<Tz> {
    name.map(parse)
        .transpose()
        .context("--tz")?
        .map_or_else(|| Ok(almanac_sync::system_zone()), Ok)
}
