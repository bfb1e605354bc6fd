//! The outbox from the terminal: every change is stored locally at once (it works offline,
//! exit 0, queued) and `almanac sync` sends it. `outbox` shows what waits, `conflicts` what
//! needs a choice, `import` brings a whole `.ics` file in through the same outbox. Single
//! events are changed with `almanac event` (`event.rs`).

use crate::data;
use almanac_core::{Calendar, CalendarId, Href};
use almanac_store::{LocalChange, OutboxEntry, Store};
use anyhow::{Context, bail};
use clap::{Args, Subcommand, ValueEnum};
use serde_json::json;
use std::path::{Path, PathBuf};

/// `almanac outbox` and `almanac conflicts`.
#[derive(Args, Debug)]
pub struct ListArgs {
    /// Print JSON instead of lines.
    #[arg(long)]
    json: bool,
}

/// `almanac conflict resolve ID mine|theirs|both`.
#[derive(Args, Debug)]
pub struct ConflictArgs {
    #[command(subcommand)]
    command: ConflictCommand,
}

#[derive(Subcommand, Debug)]
enum ConflictCommand {
    /// Settle one conflict (its ID from `almanac conflicts`).
    Resolve {
        /// The conflict's ID.
        id: i64,
        /// Which version stays.
        choice: Choice,
    },
}

/// Which version of a conflicting event stays.
#[derive(Clone, Copy, Debug, ValueEnum)]
enum Choice {
    /// Your version, sent again against the server's current copy.
    Mine,
    /// The server's version; yours is dropped.
    Theirs,
    /// Both: the server's stays, yours becomes a new event.
    Both,
}

/// `almanac import FILE --calendar NAME`.
#[derive(Args, Debug)]
pub struct ImportArgs {
    /// The `.ics` file.
    file: PathBuf,
    /// The calendar to import into (its name, as `almanac calendars` shows it).
    #[arg(long)]
    calendar: String,
    /// Say what would happen; change nothing.
    #[arg(long)]
    dry_run: bool,
    /// Print JSON instead of lines.
    #[arg(long)]
    json: bool,
}

/// The one resource holding `uid`, in any account, with its stored text.
pub(crate) fn find_uid(
    s: &Store,
    uid: &str,
) -> Result<anyhow::Result<(CalendarId, Href, String)>, almanac_store::StoreError> {
    let mut found = Vec::new();
    for account in s.accounts()? {
        found.extend(s.resources_with_uid(account.id, uid)?);
    }
    Ok(match found.len() {
        0 => Err(anyhow::anyhow!("no event with UID {uid}")),
        1 => {
            let (calendar, href) = found.remove(0);
            let text = s.resource_ics(calendar, &href)?;
            Ok((calendar, href, text))
        }
        n => Err(anyhow::anyhow!(
            "{n} events have UID {uid} (in different calendars)"
        )),
    })
}

fn change_name(change: LocalChange) -> &'static str {
    match change {
        LocalChange::Created => "new",
        LocalChange::Modified => "edited",
        LocalChange::Deleted => "deleted",
        LocalChange::Conflict => "conflict",
    }
}

fn entry_json(e: &OutboxEntry) -> serde_json::Value {
    json!({
        "id": e.id,
        "calendar": e.calendar.0,
        "href": e.href.as_str(),
        "change": change_name(e.change),
        "server_reason": e.last_error,
        "conflict": e.conflict,
    })
}

fn list(dir: &Path, json: bool, conflicts_only: bool) -> anyhow::Result<()> {
    let store = data::open_for_reading(dir)?;
    let entries: Vec<OutboxEntry> = store
        .outbox(None)?
        .into_iter()
        .filter(|e| !conflicts_only || e.change == LocalChange::Conflict)
        .collect();
    if json {
        let all: Vec<_> = entries.iter().map(entry_json).collect();
        out!("{}", serde_json::Value::Array(all));
        return Ok(());
    }
    if entries.is_empty() {
        out!(
            "{}",
            if conflicts_only {
                "No conflicts."
            } else {
                "Nothing waits: the server has every change."
            }
        );
    }
    for e in &entries {
        let why = e
            .conflict
            .as_deref()
            .map(|c| format!(" ({c})"))
            .or_else(|| e.last_error.as_deref().map(|r| format!(" (refused: {r})")))
            .unwrap_or_default();
        out!("{:>4}  {:<8}  {}{why}", e.id, change_name(e.change), e.href);
    }
    Ok(())
}

/// Runs `outbox`.
///
/// # Errors
/// Store failures.
pub fn outbox(args: &ListArgs, dir: &Path) -> anyhow::Result<()> {
    list(dir, args.json, false)
}

/// Runs `conflicts`.
///
/// # Errors
/// Store failures.
pub fn conflicts(args: &ListArgs, dir: &Path) -> anyhow::Result<()> {
    list(dir, args.json, true)
}

/// Runs `conflict resolve`.
///
/// # Errors
/// Unknown conflict, store failures.
pub fn conflict(args: ConflictArgs, dir: &Path) -> anyhow::Result<()> {
    let engine = data::engine(dir)?;
    let rt = data::runtime()?;
    let ConflictCommand::Resolve { id, choice } = args.command;
    match choice {
        Choice::Mine => rt.block_on(engine.resolve_conflict(id, true))?,
        Choice::Theirs => rt.block_on(engine.resolve_conflict(id, false))?,
        Choice::Both => {
            let entry = rt
                .block_on(engine.outbox(None))?
                .into_iter()
                .find(|e| e.id == id && e.change == LocalChange::Conflict)
                .with_context(|| format!("no conflict {id}"))?;
            let mine = entry.local_ics.clone().unwrap_or_default();
            let fresh = uuid::Uuid::new_v4().to_string().to_uppercase();
            let copy = with_uid(&mine, &fresh);
            rt.block_on(engine.resolve_conflict(id, false))?;
            rt.block_on(engine.create_event(entry.calendar, &fresh, copy))?;
        }
    }
    out!("Conflict {id} settled; the next sync sends what is left to send.");
    Ok(())
}

/// `ics` with every `UID` line replaced: a copy that is its own event.
fn with_uid(ics: &str, uid: &str) -> String {
    ics.split_inclusive('\n')
        .map(|line| {
            if line.starts_with("UID:") {
                let end = if line.ends_with("\r\n") { "\r\n" } else { "\n" };
                format!("UID:{uid}{end}")
            } else {
                line.to_string()
            }
        })
        .collect()
}

/// The calendar of any account called `name`, writable.
pub(crate) fn calendar_named(s: &Store, name: &str) -> anyhow::Result<Calendar> {
    let mut found: Vec<Calendar> = s
        .all_calendars()?
        .into_iter()
        .filter(|c| c.name == name)
        .collect();
    match found.len() {
        0 => bail!("no calendar called {name:?}; `almanac calendars` lists them"),
        1 => Ok(found.remove(0)),
        n => bail!("{n} calendars are called {name:?}"),
    }
}

/// `SEQUENCE` and `LAST-MODIFIED` of the first VEVENT: which of two copies is newer.
fn version_of(ics: &str) -> (i64, String) {
    let field = |name: &str| {
        ics.lines()
            .skip_while(|l| !l.starts_with("BEGIN:VEVENT"))
            .find_map(|l| l.strip_prefix(name))
            .map(|v| v.trim().to_string())
    };
    let sequence = field("SEQUENCE:").and_then(|s| s.parse().ok()).unwrap_or(0);
    (sequence, field("LAST-MODIFIED:").unwrap_or_default())
}

/// Runs `import`.
///
/// # Errors
/// Unreadable file, unknown or read-only calendar, store failures.
pub fn import(args: &ImportArgs, dir: &Path) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let file = almanac_ical::parse_file(&text)
        .with_context(|| format!("{} is not a calendar file", args.file.display()))?;
    let engine = data::engine(dir)?;
    let rt = data::runtime()?;
    let name = args.calendar.clone();
    let calendar = rt.block_on(engine.with_store(move |s| Ok(calendar_named(s, &name))))??;
    let account = calendar
        .account
        .context("import goes into an account's calendar")?;
    let (mut created, mut updated, mut skipped) = (Vec::new(), Vec::new(), Vec::new());
    for object in file.objects {
        let uid = object.uid.as_str().to_string();
        let existing = rt.block_on(engine.with_store({
            let uid = uid.clone();
            move |s| {
                let found = s.resources_with_uid(account, &uid)?;
                found
                    .into_iter()
                    .next()
                    .map(|(c, h)| Ok((c, h.clone(), s.resource_ics(c, &h)?)))
                    .transpose()
            }
        }))?;
        match existing {
            None => {
                if !args.dry_run {
                    let name = uuid::Uuid::new_v4().to_string().to_uppercase();
                    rt.block_on(engine.create_event(calendar.id, &name, object.raw.clone()))?;
                }
                created.push(uid);
            }
            Some((at, href, stored)) if version_of(&object.raw) > version_of(&stored) => {
                if !args.dry_run {
                    rt.block_on(engine.update_event(at, href, object.raw.clone()))?;
                }
                updated.push(uid);
            }
            Some(_) => skipped.push(uid),
        }
    }
    if args.json {
        out!(
            "{}",
            json!({"calendar": calendar.name, "dry_run": args.dry_run,
                   "created": created, "updated": updated, "skipped": skipped})
        );
    } else {
        let verb = if args.dry_run { "would be" } else { "were" };
        out!(
            "{} new events {verb} added to {}, {} {verb} updated (newer in the file), {} skipped (not newer).",
            created.len(),
            calendar.name,
            updated.len(),
            skipped.len()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_copy_gets_its_own_uid_and_newer_means_sequence_then_last_modified() {
        let ics = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\nSEQUENCE:2\r\nLAST-MODIFIED:20261101T000000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        assert!(with_uid(ics, "B").contains("\r\nUID:B\r\n"));
        assert!(!with_uid(ics, "B").contains("UID:a"));
        assert_eq!(version_of(ics), (2, "20261101T000000Z".into()));
        let older = ics.replace("SEQUENCE:2", "SEQUENCE:1");
        assert!(version_of(ics) > version_of(&older));
        let later = ics.replace("20261101", "20261102");
        assert!(version_of(&later) > version_of(ics));
    }
}
