//! The outbox from the terminal: every change is stored locally at once (it works offline,
//! exit 0, queued) and `almanac sync` sends it. `outbox` shows what waits, `conflicts` what
//! needs a choice, `import` brings a whole `.ics` file in through the same outbox. Single
//! events are changed with `almanac event` (`event.rs`).

use crate::data;
use almanac_core::{Calendar, CalendarId, Href, Uid};
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
            let fresh = Uid::new(uuid::Uuid::new_v4().to_string().to_uppercase());
            rt.block_on(engine.keep_both(id, fresh))?;
        }
    }
    out!("Conflict {id} settled; the next sync sends what is left to send.");
    Ok(())
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

/// Runs `import`.
///
/// # Errors
/// Unreadable file, unknown or read-only calendar, store failures.
pub fn import(args: &ImportArgs, dir: &Path) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let engine = data::engine(dir)?;
    let rt = data::runtime()?;
    let name = args.calendar.clone();
    let calendar = rt.block_on(engine.with_store(move |s| Ok(calendar_named(s, &name))))??;
    let plan = rt
        .block_on(engine.plan_import(&text, calendar.id))
        .with_context(|| format!("{} cannot be imported", args.file.display()))?;
    if !args.dry_run {
        rt.block_on(engine.import(&plan, || {
            Uid::new(uuid::Uuid::new_v4().to_string().to_uppercase())
        }))?;
    }
    let uids = |all: Vec<&Uid>| -> Vec<String> { all.iter().map(|u| u.as_str().into()).collect() };
    let created = uids(plan.new.iter().map(|(u, _)| u).collect());
    let updated = uids(plan.updated.iter().map(|(u, ..)| u).collect());
    let skipped = uids(plan.skipped.iter().collect());
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
