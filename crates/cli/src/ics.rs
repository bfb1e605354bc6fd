//! `almanac ics ...`: iCalendar files on disk, through `almanac-ical`.

use almanac_ical::{EventTime, Limits, Occurrence, Window, local_to_utc};
use anyhow::{Context, anyhow, bail};
use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, SecondsFormat, Utc};
use chrono_tz::Tz;
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
    /// List the occurrences of the event in FILE that overlap [--from, --to).
    Expand(ExpandArgs),
}

#[derive(Args, Debug)]
struct ExpandArgs {
    /// An .ics file holding one calendar object (a master event and its overrides).
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

fn parse_bound(value: &str, tz: Tz, flag: &str) -> anyhow::Result<DateTime<Utc>> {
    let local = if let Ok(d) = NaiveDate::parse_from_str(value, "%Y-%m-%d") {
        d.and_time(NaiveTime::MIN)
    } else {
        ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]
            .iter()
            .find_map(|f| NaiveDateTime::parse_from_str(value, f).ok())
            .ok_or_else(|| anyhow!("{flag} {value:?}: expected YYYY-MM-DD or YYYY-MM-DDTHH:MM"))?
    };
    Ok(local_to_utc(tz, local))
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
    let object =
        almanac_ical::parse(&text).with_context(|| format!("cannot use {}", a.file.display()))?;
    let expansion = object.expand(
        Window {
            start: from,
            end: to,
            viewer: tz,
        },
        Limits::default(),
    );
    for w in object.warnings.iter().chain(&expansion.warnings) {
        eprintln!("almanac: warning: {}: {w}", a.file.display());
    }
    if a.json {
        let items: Vec<serde_json::Value> = expansion.occurrences.iter().map(json).collect();
        println!("{}", serde_json::to_string_pretty(&items)?);
    } else {
        for o in &expansion.occurrences {
            println!("{}", readable(o, tz));
        }
    }
    Ok(())
}

/// `YYYY-MM-DD` for dates, `YYYY-MM-DDTHH:MM:SS` for floating times, RFC 3339 with the time's
/// own UTC offset otherwise (a time in a DST gap shows the instant it denotes).
fn format_time(t: &EventTime) -> String {
    match *t {
        EventTime::Date { date } => date.format("%Y-%m-%d").to_string(),
        EventTime::Floating { local } => local.format("%Y-%m-%dT%H:%M:%S").to_string(),
        EventTime::Utc { instant } => instant.to_rfc3339_opts(SecondsFormat::Secs, true),
        EventTime::Zoned { local, tz } => local_to_utc(tz, local)
            .with_timezone(&tz)
            .format("%Y-%m-%dT%H:%M:%S%:z")
            .to_string(),
    }
}

fn json(o: &Occurrence) -> serde_json::Value {
    serde_json::json!({
        "uid": o.uid.as_str(),
        "summary": o.summary(),
        "start": format_time(&o.start),
        "end": format_time(&o.end),
        "all_day": o.all_day,
        "recurrence_id": o.recurrence_id.as_ref().map(format_time),
        "status": o.status.map(|s| s.as_str()),
    })
}

fn readable(o: &Occurrence, viewer: Tz) -> String {
    let summary = o.summary().unwrap_or("(no title)");
    let mut line =
        if let (EventTime::Date { date: s }, EventTime::Date { date: e }) = (o.start, o.end) {
            let last = e.pred_opt().filter(|l| *l > s).unwrap_or(s);
            if last == s {
                format!("{s}  all day      {summary}")
            } else {
                format!("{s} – {last}  all day  {summary}")
            }
        } else {
            let (s, e) = o.instants(viewer);
            let (s, e) = (s.with_timezone(&viewer), e.with_timezone(&viewer));
            let end = if s.date_naive() == e.date_naive() {
                e.format("%H:%M").to_string()
            } else {
                e.format("%Y-%m-%d %H:%M").to_string()
            };
            format!("{}–{end}  {summary}", s.format("%Y-%m-%d %H:%M"))
        };
    if o.is_override {
        line.push_str("  [changed]");
    }
    if let Some(status) = o.status.filter(|s| *s != almanac_ical::Status::Confirmed) {
        line.push_str(&format!("  ({})", status.as_str()));
    }
    line
}
