//! Commands that read the local store only, offline: `calendars`, `agenda`, `search`,
//! `status`.

use crate::occurrence::{OccurrenceOut, format_time};
use crate::output::{
    account_json, calendar_json, holds_events, instant, kind_name, print_json, state_words,
};
use crate::when::{midnight_after, parse_bound};
use almanac_core::AccountState;
use almanac_store::AccountStatus;
use anyhow::bail;
use clap::Args;
use serde_json::{Value, json};
use std::path::Path;

/// `almanac calendars`.
#[derive(Args, Debug)]
pub struct CalendarsArgs {
    /// Print a JSON array.
    #[arg(long)]
    json: bool,
}

/// `almanac agenda`.
#[derive(Args, Debug)]
pub struct AgendaArgs {
    /// Window start, `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM`, in --tz; default: today 00:00.
    #[arg(long)]
    from: Option<String>,
    /// Window end (exclusive), same forms; default: seven days after --from's day.
    #[arg(long)]
    to: Option<String>,
    /// IANA zone for the window, floating and all-day times, and readable output; default: the
    /// system's.
    #[arg(long)]
    tz: Option<String>,
    /// Include calendars switched off in the app.
    #[arg(long)]
    all: bool,
    /// Print a JSON array (the fields of `ics expand --json`, plus `calendar`).
    #[arg(long)]
    json: bool,
}

/// `almanac search`.
#[derive(Args, Debug)]
pub struct SearchArgs {
    /// Words to find in titles, locations and notes (each as a word prefix; all must match).
    text: String,
    /// At most this many results.
    #[arg(long, default_value_t = 50)]
    limit: usize,
    /// Print a JSON array.
    #[arg(long)]
    json: bool,
}

/// `almanac status`.
#[derive(Args, Debug)]
pub struct StatusArgs {
    /// Print a JSON array with one object per account.
    #[arg(long)]
    json: bool,
}

/// Lists every calendar of every account.
///
/// # Errors
/// When the store cannot be read.
pub fn calendars(args: &CalendarsArgs, dir: &Path) -> anyhow::Result<()> {
    let store = crate::data::open_for_reading(dir)?;
    let calendars = store.all_calendars()?;
    if args.json {
        return print_json(&calendars.iter().map(calendar_json).collect());
    }
    for c in &calendars {
        let mut notes = Vec::new();
        if !holds_events(c) {
            notes.push("tasks, not shown");
        }
        if c.feed_url.is_some() {
            notes.push("subscription");
        }
        if c.read_only {
            notes.push("read-only");
        }
        if !c.enabled {
            notes.push("hidden");
        }
        let notes = if notes.is_empty() {
            String::new()
        } else {
            format!("  ({})", notes.join(", "))
        };
        let owner = c
            .account
            .map_or_else(|| "no account".to_string(), |a| format!("account {a}"));
        out!(
            "{:>3}  {owner:<10}  {:<9}  {}{notes}",
            c.id,
            c.color.as_deref().unwrap_or("-"),
            c.name
        );
    }
    Ok(())
}

/// Lists the occurrences in a window from the local store.
///
/// # Errors
/// Bad dates or zone, or a store failure.
pub fn agenda(args: &AgendaArgs, dir: &Path) -> anyhow::Result<()> {
    let tz = crate::zone::chosen(args.tz.as_deref())?;
    let now = chrono::Utc::now();
    let from = match &args.from {
        Some(v) => parse_bound(v, tz, "--from")?,
        None => midnight_after(now, tz, 0),
    };
    let to = match &args.to {
        Some(v) => parse_bound(v, tz, "--to")?,
        None => midnight_after(from, tz, 7),
    };
    if to < from {
        bail!("--to is before --from");
    }
    let store = crate::data::open_for_reading(dir)?;
    let items = store.occurrences_between(from, to, tz, !args.all)?;
    if args.json {
        let rows: Vec<Value> = items
            .iter()
            .map(|i| {
                let mut m = OccurrenceOut::from(i).json();
                m.insert("calendar".into(), i.calendar_name.clone().into());
                Value::Object(m)
            })
            .collect();
        return print_json(&Value::Array(rows));
    }
    for i in &items {
        out!(
            "{}  [{}]",
            OccurrenceOut::from(i).readable(tz),
            i.calendar_name
        );
    }
    Ok(())
}

/// Full-text search of the local store.
///
/// # Errors
/// When the store cannot be read.
pub fn search(args: &SearchArgs, dir: &Path) -> anyhow::Result<()> {
    let store = crate::data::open_for_reading(dir)?;
    let hits = store.search(&args.text, args.limit)?;
    if args.json {
        let rows: Vec<Value> = hits
            .iter()
            .map(|h| {
                json!({
                    "uid": h.uid.as_str(),
                    "summary": h.summary,
                    "location": h.location,
                    "start": h.start.as_ref().map(format_time),
                    "calendar": h.calendar_name,
                })
            })
            .collect();
        return print_json(&Value::Array(rows));
    }
    for h in &hits {
        let start = h.start.as_ref().map(format_time).unwrap_or_default();
        let location = if h.location.is_empty() {
            String::new()
        } else {
            format!("  @ {}", h.location)
        };
        out!(
            "{start:<25}  {}{location}  [{}]",
            h.summary,
            h.calendar_name
        );
    }
    Ok(())
}

/// Per account: state, last successful sync, quarantined count, calendars with their health.
///
/// # Errors
/// When the store cannot be read.
pub fn status(args: &StatusArgs, dir: &Path) -> anyhow::Result<()> {
    let store = crate::data::open_for_reading(dir)?;
    let mut statuses = Vec::new();
    for a in store.accounts()? {
        statuses.push(store.status(a.id)?);
    }
    if args.json {
        let rows: Vec<Value> = statuses
            .iter()
            .map(|s| {
                let mut v = account_json(&s.account);
                v["quarantined"] = s.quarantined.into();
                v["calendars"] = s
                    .calendars
                    .iter()
                    .map(|c| {
                        let mut cv = calendar_json(&c.calendar);
                        cv["resources"] = c.resources.into();
                        cv["quarantined"] = c.quarantined.into();
                        cv["health"] = serde_json::to_value(&c.health).unwrap_or(Value::Null);
                        cv["health_text"] = almanac_sync::health_text(&c.health).into();
                        cv
                    })
                    .collect();
                v
            })
            .collect();
        return print_json(&Value::Array(rows));
    }
    if statuses.is_empty() {
        out!("No accounts. Add one with `almanac account add icloud --apple-id ID`.");
    }
    for s in &statuses {
        for line in status_lines(s) {
            out!("{line}");
        }
    }
    Ok(())
}

/// One account's status in lines for people: each calendar with trouble has its health in
/// words under it, and an account that synced with such calendars does not say "up to date".
fn status_lines(s: &AccountStatus) -> Vec<String> {
    let a = &s.account;
    let health: Vec<Option<String>> = s
        .calendars
        .iter()
        .map(|c| almanac_sync::health_text(&c.health))
        .collect();
    let state = match a.state {
        AccountState::Active if health.iter().any(Option::is_some) => {
            "synced with problems".to_string()
        }
        ref state => state_words(state),
    };
    let mut lines = vec![
        format!(
            "Account {}: {} ({}, {})",
            a.id,
            a.username,
            kind_name(a.kind),
            a.server_url
        ),
        format!("  state:         {state}"),
        format!(
            "  last sync:     {}",
            a.last_success.map_or_else(|| "never".into(), instant)
        ),
        format!("  quarantined:   {}", s.quarantined),
        format!("  calendars:     {}", s.calendars.len()),
    ];
    for (c, health) in s.calendars.iter().zip(&health) {
        lines.push(format!(
            "    {:<30} {:>5} items{}",
            c.calendar.name,
            c.resources,
            if c.quarantined > 0 {
                format!(", {} quarantined", c.quarantined)
            } else {
                String::new()
            }
        ));
        if let Some(text) = health {
            lines.push(format!("      {text}"));
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use almanac_core::{Account, AccountId, AccountKind, Calendar, CalendarId, Href};
    use almanac_store::{CalendarHealth, CalendarStatus};

    fn calendar(id: i64, name: &str, health: CalendarHealth) -> CalendarStatus {
        CalendarStatus {
            calendar: Calendar {
                id: CalendarId(id),
                account: Some(AccountId(1)),
                href: Href::new(format!("/cal/{id}/")),
                name: name.into(),
                color: None,
                order: None,
                components: Vec::new(),
                read_only: false,
                enabled: true,
                notify: true,
                sync_token: None,
                feed_url: None,
            },
            resources: 12,
            quarantined: 0,
            health,
        }
    }

    fn account(state: AccountState, calendars: Vec<CalendarStatus>) -> AccountStatus {
        AccountStatus {
            account: Account {
                id: AccountId(1),
                kind: AccountKind::Caldav,
                username: "jane".into(),
                server_url: "https://dav.example.com/".into(),
                state,
                last_success: None,
            },
            home_url: None,
            quarantined: 0,
            calendars,
        }
    }

    #[test]
    fn a_troubled_calendar_says_what_is_wrong_under_its_line() {
        let troubled = CalendarHealth {
            problem: Some("The server failed while syncing this calendar (500).".into()),
            pending: 2,
            ..CalendarHealth::default()
        };
        let s = account(
            AccountState::Active,
            vec![
                calendar(1, "Home", CalendarHealth::default()),
                calendar(2, "Work", troubled),
            ],
        );
        let lines = status_lines(&s);
        assert_eq!(lines[1], "  state:         synced with problems");
        assert_eq!(
            lines[5..],
            [
                format!("    {:<30}    12 items", "Home"),
                format!("    {:<30}    12 items", "Work"),
                "      The server failed while syncing this calendar (500). 2 events waiting to \
                 be fetched."
                    .to_string(),
            ]
        );
    }

    #[test]
    fn healthy_calendars_and_other_states_are_said_as_before() {
        let healthy = account(
            AccountState::Active,
            vec![calendar(1, "Home", CalendarHealth::default())],
        );
        assert_eq!(status_lines(&healthy)[1], "  state:         up to date");
        assert_eq!(status_lines(&healthy).len(), 6);
        let offline = account(
            AccountState::Offline,
            vec![calendar(
                1,
                "Home",
                CalendarHealth {
                    held_deletions: 3,
                    ..CalendarHealth::default()
                },
            )],
        );
        let lines = status_lines(&offline);
        assert_eq!(lines[1], "  state:         offline");
        assert_eq!(
            lines[6],
            "      3 events held until a second sync agrees they were deleted."
        );
    }
}
