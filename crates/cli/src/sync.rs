//! `almanac sync`: one sync of each account (or one), with a progress bar on a terminal and a
//! JSON report for scripts. Every account is tried even when one fails; the exit code is the
//! most pressing failure's.

use crate::exit::{Code, Failed, code_of, explain};
use crate::output::{instant, print_json, state_name};
use almanac_core::{Account, Href};
use almanac_sync::{Cancel, Engine, SyncEvent, SyncReport, Trigger};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::io::IsTerminal;
use std::path::Path;
use tokio::sync::broadcast::Receiver;
use tokio::sync::broadcast::error::RecvError;

/// `almanac sync`.
#[derive(Args, Debug)]
pub struct SyncArgs {
    /// Only this account (id or user name); default: every account.
    #[arg(long)]
    account: Option<String>,
    /// Print a JSON array with one result per account instead of lines.
    #[arg(long)]
    json: bool,
    /// Confirm that the push may delete more than 20 events on a server at once (without it,
    /// such deletions wait, and the sync says so).
    #[arg(long)]
    yes: bool,
}

/// One account's outcome.
struct Outcome {
    account: Account,
    result: Result<SyncReport, almanac_sync::SyncError>,
}

/// Runs `sync`.
///
/// # Errors
/// [`Failed`] with the most pressing code when an account failed.
pub fn run(args: &SyncArgs, dir: &Path) -> anyhow::Result<()> {
    let engine = crate::data::engine(dir)?;
    let rt = crate::data::runtime()?;
    let all = rt.block_on(engine.with_store(|s| s.accounts()))?;
    let accounts = match &args.account {
        Some(key) => vec![crate::account::find(&all, key)?.clone()],
        None => all,
    };
    let subscribed = rt.block_on(engine.with_store(|s| s.subscriptions()))?.len();
    if accounts.is_empty() && subscribed == 0 && !args.json {
        out!("No accounts. Add one with `almanac account add icloud --apple-id ID`.");
    }
    let bar = (!args.json && std::io::stdout().is_terminal()).then(progress_bar);
    let outcomes = rt.block_on(async {
        let relay = bar
            .clone()
            .map(|b| tokio::spawn(show(engine.subscribe(), b)));
        let trigger = if args.yes {
            Trigger::UserConfirmingDeletions
        } else {
            Trigger::User
        };
        let outcomes = sync_all(&engine, accounts, trigger).await;
        if let Some(r) = relay {
            r.abort();
        }
        outcomes
    });
    // Subscriptions' feeds come with every account (not when one was named), each failure
    // its own feed's: it keeps its last copy and does not fail the command.
    let feeds = match &args.account {
        None => Some(rt.block_on(engine.sync_feeds(engine.now() + chrono::Duration::seconds(1)))?),
        Some(_) => None,
    }
    .filter(|f| f.checked > 0);
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    // Accounts' states after the run, for the report.
    let states = rt.block_on(engine.with_store(|s| s.accounts()))?;
    report(&outcomes, &states, args.json, feeds.as_ref())?;
    let worst = outcomes
        .iter()
        .filter_map(|o| o.result.as_ref().err().map(code_of))
        .max_by_key(|c| c.urgency());
    match worst {
        None => Ok(()),
        Some(code) => Err(Failed {
            code,
            message: summary_of_failures(&outcomes, code),
        }
        .into()),
    }
}

async fn sync_all(engine: &Engine, accounts: Vec<Account>, trigger: Trigger) -> Vec<Outcome> {
    let cancel = Cancel::default();
    let watcher = tokio::spawn(stop_on_interrupt(cancel.clone()));
    let mut outcomes = Vec::new();
    for account in accounts {
        let result = engine.sync_account(account.id, trigger, &cancel).await;
        let cancelled = matches!(result, Err(almanac_sync::SyncError::Cancelled));
        outcomes.push(Outcome { account, result });
        if cancelled {
            break;
        }
    }
    watcher.abort();
    outcomes
}

/// Ctrl-C asks the engine to stop after its current step (what was applied stays, and the
/// account keeps its state); a second Ctrl-C quits at once.
async fn stop_on_interrupt(cancel: Cancel) {
    if tokio::signal::ctrl_c().await.is_ok() {
        cancel.cancel();
        eprintln!("almanac: stopping after the current step (Ctrl-C again to quit now)");
        if tokio::signal::ctrl_c().await.is_ok() {
            std::process::exit(130);
        }
    }
}

fn summary_of_failures(outcomes: &[Outcome], code: Code) -> String {
    let failed = outcomes.iter().filter(|o| o.result.is_err()).count();
    let what = match code {
        Code::NeedsPassword => "an account needs a new password",
        Code::Unavailable => "a server is unreachable or unavailable",
        Code::Other => "a sync failed",
    };
    format!("{what} ({failed} of {} accounts failed)", outcomes.len())
}

fn report(
    outcomes: &[Outcome],
    states: &[Account],
    json: bool,
    feeds: Option<&almanac_sync::FeedsReport>,
) -> anyhow::Result<()> {
    let state_of = |o: &Outcome| {
        states
            .iter()
            .find(|a| a.id == o.account.id)
            .unwrap_or(&o.account)
            .clone()
    };
    if json {
        let mut items: Vec<Value> = outcomes
            .iter()
            .map(|o| {
                let now = state_of(o);
                let mut v = json!({
                    "account": o.account.id.0,
                    "username": o.account.username,
                    "ok": o.result.is_ok(),
                    "state": state_name(&now.state),
                    "last_success": now.last_success.map(instant),
                });
                match &o.result {
                    Ok(r) => v["report"] = serde_json::to_value(r).unwrap_or(Value::Null),
                    Err(e) => {
                        v["exit_code"] = code_of(e).status().into();
                        v["error"] = explain(e, o.account.kind, &o.account.server_url).into();
                    }
                }
                v
            })
            .collect();
        if let Some(feeds) = feeds {
            items.push(json!({ "subscriptions": feeds }));
        }
        return print_json(&Value::Array(items));
    }
    for o in outcomes {
        match &o.result {
            Ok(r) => out!("{}: {}", o.account.username, words(r)),
            Err(e) => eprintln!(
                "almanac: {}: {}",
                o.account.username,
                explain(e, o.account.kind, &o.account.server_url)
            ),
        }
    }
    for line in feeds.map(crate::subscribe::words).unwrap_or_default() {
        out!("{line}");
    }
    Ok(())
}

/// A sync report in one line.
fn words(r: &SyncReport) -> String {
    let mut parts = vec![format!("synced, {} events fetched", r.fetched)];
    for (n, what) in [
        (r.deleted, "deleted"),
        (r.calendars_added, "calendars added"),
        (r.calendars_removed, "calendars removed"),
        (r.quarantined, "quarantined (unreadable)"),
        (r.held_deletions, "deletions held for a second look"),
        (r.missing, "not delivered (retried next time)"),
        (r.pushed, "changes sent"),
        (
            r.push_refused,
            "changes refused by the server (see `almanac outbox`)",
        ),
        (r.conflicts, "conflicts to settle (see `almanac conflicts`)"),
        (
            r.unconfirmed_deletions,
            "deletions waiting for `almanac sync --yes`",
        ),
        (
            r.calendars_missing,
            "calendars missing from the list (kept)",
        ),
    ] {
        if n > 0 {
            parts.push(format!("{n} {what}"));
        }
    }
    for (href, reason) in &r.calendar_errors {
        parts.push(format!("calendar {href} skipped: {reason}"));
    }
    parts.join(", ")
}

/// Before any calendar has announced its total there is nothing to measure: a spinner only.
const WAITING: &str = "{spinner} {msg}";
const MEASURING: &str = "{spinner} {msg} [{bar:30}] {pos}/{len}";

fn style(template: &str) -> Option<ProgressStyle> {
    ProgressStyle::with_template(template)
        .ok()
        .map(|s| s.progress_chars("=> "))
}

fn progress_bar() -> ProgressBar {
    let bar = ProgressBar::new(0);
    if let Some(s) = style(WAITING) {
        bar.set_style(s);
    }
    bar.set_message("connecting");
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}

/// What the bar shows, from the engine's events: events fetched out of the total announced so
/// far by the calendars of the account being synced.
#[derive(Debug, Default)]
struct Progress {
    calendars: HashMap<Href, (usize, usize)>,
    message: String,
}

impl Progress {
    /// Takes one event; returns (fetched, total).
    fn apply(&mut self, event: SyncEvent) -> (usize, usize) {
        match event {
            SyncEvent::Started { account } => {
                self.calendars.clear();
                self.message = format!("account {account}: connecting");
            }
            SyncEvent::CalendarsFound { account, count } => {
                self.message = format!("account {account}: {count} calendars");
            }
            SyncEvent::CalendarProgress {
                calendar,
                fetched,
                total,
                ..
            } => {
                self.calendars.insert(calendar, (fetched, total));
            }
            SyncEvent::StateChanged { .. }
            | SyncEvent::Finished { .. }
            | SyncEvent::FeedsSynced { .. } => {}
        }
        self.calendars
            .values()
            .fold((0, 0), |(d, a), (f, t)| (d + f, a + t))
    }
}

/// Moves the bar as the engine reports, until the engine goes away.
async fn show(mut events: Receiver<SyncEvent>, bar: ProgressBar) {
    let mut progress = Progress::default();
    let mut measuring = false;
    loop {
        match events.recv().await {
            Ok(event) => {
                let (done, all) = progress.apply(event);
                bar.set_length(u64::try_from(all).unwrap_or(u64::MAX));
                bar.set_position(u64::try_from(done).unwrap_or(u64::MAX));
                bar.set_message(progress.message.clone());
                if measuring != (all > 0) {
                    measuring = all > 0;
                    if let Some(s) = style(if measuring { MEASURING } else { WAITING }) {
                        bar.set_style(s);
                    }
                }
            }
            Err(RecvError::Lagged(_)) => {}
            Err(RecvError::Closed) => break,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use almanac_core::AccountId;

    #[test]
    fn the_bar_sums_every_calendar_of_the_account_being_synced() {
        let account = AccountId(1);
        let mut p = Progress::default();
        p.apply(SyncEvent::Started { account });
        p.apply(SyncEvent::CalendarsFound { account, count: 2 });
        assert_eq!(p.message, "account 1: 2 calendars");
        let step = |calendar: &str, fetched, total| SyncEvent::CalendarProgress {
            account,
            calendar: Href::new(calendar),
            fetched,
            total,
        };
        assert_eq!(p.apply(step("/home/", 50, 120)), (50, 120));
        assert_eq!(p.apply(step("/work/", 10, 10)), (60, 130));
        assert_eq!(p.apply(step("/home/", 120, 120)), (130, 130));
        // The next account starts from zero.
        assert_eq!(
            p.apply(SyncEvent::Started {
                account: AccountId(2)
            }),
            (0, 0)
        );
    }

    #[test]
    fn reports_read_as_one_line() {
        let r = SyncReport {
            fetched: 3,
            quarantined: 1,
            calendar_errors: vec![(Href::new("/shared/"), "forbidden (403)".into())],
            ..SyncReport::default()
        };
        assert_eq!(
            words(&r),
            "synced, 3 events fetched, 1 quarantined (unreadable), calendar /shared/ skipped: \
             forbidden (403)"
        );
    }
}
