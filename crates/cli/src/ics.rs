//! `almanac ics ...`: iCalendar files on disk, through `almanac-ical`.

use crate::occurrence::OccurrenceOut;
use crate::when::parse_bound;
use almanac_ical::{Limits, Window};
use anyhow::{Context, bail};
use clap::{Args, Subcommand};
use std::path::PathBuf;

/// `almanac ics`.
#[derive(Args, Debug)]
pub struct IcsArgs {
    #[command(subcommand)]
    command: IcsCommand,
}

#[derive(Subcommand, Debug)]
enum IcsCommand {
    /// List the occurrences of every event in FILE that overlap [--from, --to), in start order.
    Expand(ExpandArgs),
}

#[derive(Args, Debug)]
struct ExpandArgs {
    /// An .ics file: one calendar object, or a whole calendar (a feed, an export) with any
    /// number of events.
    file: PathBuf,
    /// Window start, `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM`, in --tz.
    #[arg(long)]
    from: String,
    /// Window end (exclusive), `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM`, in --tz.
    #[arg(long)]
    to: String,
    /// IANA zone for the window, floating and all-day times, and readable output; default: the
    /// system's.
    #[arg(long)]
    tz: Option<String>,
    /// Print a JSON array instead of one line per occurrence.
    #[arg(long)]
    json: bool,
}

/// Runs an `ics` subcommand.
pub fn run(args: IcsArgs) -> anyhow::Result<()> {
    match args.command {
        IcsCommand::Expand(a) => expand(&a),
    }
}

fn expand(a: &ExpandArgs) -> anyhow::Result<()> {
    let tz = crate::zone::chosen(a.tz.as_deref())?;
    let from = parse_bound(&a.from, tz, "--from")?;
    let to = parse_bound(&a.to, tz, "--to")?;
    if to < from {
        bail!("--to is before --from");
    }
    let bytes =
        std::fs::read(&a.file).with_context(|| format!("cannot read {}", a.file.display()))?;
    let text = String::from_utf8_lossy(&bytes);
    let calendar = almanac_ical::parse_file(&text)
        .with_context(|| format!("cannot use {}", a.file.display()))?;
    let expansion = calendar.expand(
        Window {
            start: from,
            end: to,
            viewer: tz,
        },
        Limits::default(),
    );
    let warnings = calendar
        .warnings
        .iter()
        .chain(calendar.objects.iter().flat_map(|o| &o.warnings))
        .chain(&expansion.warnings);
    for w in warnings {
        eprintln!("almanac: warning: {}: {w}", a.file.display());
    }
    if a.json {
        let items: Vec<serde_json::Value> = expansion
            .occurrences
            .iter()
            .map(|o| OccurrenceOut::from(o).json().into())
            .collect();
        out!("{}", serde_json::to_string_pretty(&items)?);
    } else {
        for o in &expansion.occurrences {
            out!("{}", OccurrenceOut::from(o).readable(tz));
        }
    }
    Ok(())
}
