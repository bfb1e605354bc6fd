//! `almanac event add | edit | delete | reply`: one event changed from the terminal, stored
//! locally at once (offline too) and sent by the next `sync`. Times are `YYYY-MM-DD` (all day)
//! or `YYYY-MM-DDTHH:MM` on the wall clock of `--tz` (default: the system's zone).

use crate::data;
use almanac_core::{CalendarId, EventTime, Href, Uid};
use almanac_ical::{Changes, IcalDuration, NewEvent, PartStat, Scope, Trigger};
use anyhow::{Context, bail};
use chrono::{NaiveDate, NaiveDateTime};
use chrono_tz::Tz;
use clap::{Args, Subcommand, ValueEnum};
use std::path::Path;

/// `almanac event ...`.
#[derive(Args, Debug)]
pub struct EventArgs {
    #[command(subcommand)]
    command: EventCommand,
}

#[derive(Subcommand, Debug)]
enum EventCommand {
    /// Add an event.
    Add(AddArgs),
    /// Change an event: only the fields given change.
    Edit(EditArgs),
    /// Delete an event, or some occurrences of a series.
    Delete(DeleteArgs),
    /// Answer an invitation (your own participation only; the server tells the organizer).
    Reply(ReplyArgs),
    /// Move an event to another calendar of its account (not one with attendees).
    Move(MoveArgs),
}

#[derive(Args, Debug)]
struct MoveArgs {
    /// The event's UID.
    uid: String,
    /// The calendar to move it to, by name.
    #[arg(long)]
    to_calendar: String,
}

#[derive(Args, Debug)]
struct AddArgs {
    /// The calendar, by name (`almanac calendars`).
    #[arg(long)]
    calendar: String,
    /// The title.
    #[arg(long)]
    title: String,
    /// Start: `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM`.
    #[arg(long)]
    start: String,
    /// End (exclusive for days): `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM`.
    #[arg(long)]
    end: String,
    /// A whole-day event (start and end are days).
    #[arg(long)]
    all_day: bool,
    /// The zone of the times (an IANA name); default: the system's.
    #[arg(long)]
    tz: Option<String>,
    /// A recurrence rule, e.g. `FREQ=WEEKLY;BYDAY=MO`.
    #[arg(long)]
    repeat: Option<String>,
    /// Where.
    #[arg(long)]
    location: Option<String>,
    /// Notes.
    #[arg(long)]
    notes: Option<String>,
    /// A reminder before the start, e.g. `-15m`, `-1h`, `-1d` (repeatable).
    #[arg(long, allow_hyphen_values = true)]
    alarm: Vec<String>,
    /// Print the new event's UID as JSON.
    #[arg(long)]
    json: bool,
}

/// Which occurrences an edit or deletion of a series applies to.
#[derive(Clone, Copy, Debug, ValueEnum)]
enum ScopeArg {
    /// Only the occurrence given with `--occurrence`.
    This,
    /// That occurrence and every later one.
    Following,
    /// The whole series.
    All,
}

#[derive(Args, Debug)]
struct Which {
    /// The event's UID.
    uid: String,
    /// The occurrence of a series (its start, as the agenda shows it).
    #[arg(long)]
    occurrence: Option<String>,
    /// Which occurrences (with `--occurrence`).
    #[arg(long, value_enum, default_value = "all")]
    scope: ScopeArg,
    /// The zone of the times given (an IANA name); default: the system's.
    #[arg(long)]
    tz: Option<String>,
}

#[derive(Args, Debug)]
struct EditArgs {
    #[command(flatten)]
    which: Which,
    /// A new title.
    #[arg(long)]
    title: Option<String>,
    /// A new start (a moved start keeps the length unless `--end` is given too).
    #[arg(long)]
    start: Option<String>,
    /// A new end.
    #[arg(long)]
    end: Option<String>,
    /// A new place (empty removes it).
    #[arg(long)]
    location: Option<String>,
}

#[derive(Args, Debug)]
struct DeleteArgs {
    #[command(flatten)]
    which: Which,
}

/// An answer to an invitation.
#[derive(Clone, Copy, Debug, ValueEnum)]
enum Answer {
    /// I will attend.
    Accept,
    /// I might attend.
    Tentative,
    /// I will not attend.
    Decline,
}

#[derive(Args, Debug)]
struct ReplyArgs {
    /// The event's UID.
    uid: String,
    /// The answer.
    answer: Answer,
    /// Only this occurrence of a series (its start).
    #[arg(long)]
    occurrence: Option<String>,
    /// The zone of `--occurrence`; default: the system's.
    #[arg(long)]
    tz: Option<String>,
}

/// `YYYY-MM-DD` as a day, `YYYY-MM-DDTHH:MM` as a wall-clock time in `tz`.
fn event_time(text: &str, tz: Tz) -> anyhow::Result<EventTime> {
    if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Ok(EventTime::Date { date });
    }
    let local = NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M")
        .with_context(|| format!("{text:?} is neither YYYY-MM-DD nor YYYY-MM-DDTHH:MM"))?;
    Ok(match tz {
        Tz::UTC => EventTime::Utc {
            instant: local.and_utc(),
        },
        tz => EventTime::Zoned { local, tz },
    })
}

/// `-15m`, `-1h`, `-2d`: a reminder that long before the start.
fn alarm(text: &str) -> anyhow::Result<Trigger> {
    let body = text.trim().trim_start_matches('-');
    let (number, unit) = body.split_at(body.len().saturating_sub(1));
    let n: i64 = number
        .parse()
        .with_context(|| format!("{text:?}: a reminder is like -15m, -1h or -1d"))?;
    let before = match unit {
        "m" => IcalDuration {
            days: 0,
            seconds: -n * 60,
        },
        "h" => IcalDuration {
            days: 0,
            seconds: -n * 3600,
        },
        "d" => IcalDuration {
            days: -n,
            seconds: 0,
        },
        _ => bail!("{text:?}: a reminder is like -15m, -1h or -1d"),
    };
    Ok(Trigger::Start(before))
}

/// A fresh UUID, uppercase as Apple writes them: a new event's UID and resource name.
fn fresh_uid() -> Uid {
    Uid::new(uuid::Uuid::new_v4().to_string().to_uppercase())
}

/// The occurrence `text` (in `tz`) as a RECURRENCE-ID in the form of the series' own DTSTART
/// (RFC 5545 §3.8.4.4: same value type and zone).
fn recurrence_id(raw: &str, text: &str, tz: Tz) -> anyhow::Result<EventTime> {
    let given = event_time(text, tz)?;
    let object = almanac_ical::parse(raw).context("the stored event cannot be read")?;
    let master = object.master.context("this event is not a series")?;
    let instant = almanac_ical::to_utc(&given, tz);
    Ok(match master.start {
        EventTime::Date { .. } => match given {
            EventTime::Date { date } => EventTime::Date { date },
            _ => EventTime::Date {
                date: instant.with_timezone(&tz).date_naive(),
            },
        },
        EventTime::Utc { .. } => EventTime::Utc { instant },
        EventTime::Zoned { tz: own, .. } => EventTime::Zoned {
            local: instant.with_timezone(&own).naive_local(),
            tz: own,
        },
        EventTime::Floating { .. } => EventTime::Floating {
            local: instant.with_timezone(&tz).naive_local(),
        },
    })
}

fn scope_of(which: &Which, raw: &str, tz: Tz) -> anyhow::Result<Scope> {
    match (&which.occurrence, which.scope) {
        (None, ScopeArg::All) => Ok(Scope::All),
        (None, _) => bail!("--scope this or following needs --occurrence"),
        (Some(_), ScopeArg::All) => Ok(Scope::All),
        (Some(t), ScopeArg::This) => Ok(Scope::This(recurrence_id(raw, t, tz)?)),
        (Some(t), ScopeArg::Following) => Ok(Scope::Following(recurrence_id(raw, t, tz)?)),
    }
}

/// Runs `event`.
///
/// # Errors
/// Bad times, unknown events or calendars, read-only calendars, changes that do not fit.
pub fn run(args: EventArgs, dir: &Path) -> anyhow::Result<()> {
    let engine = data::engine(dir)?;
    let rt = data::runtime()?;
    let find = |uid: &str| -> anyhow::Result<(CalendarId, Href, String)> {
        let uid = uid.to_string();
        rt.block_on(engine.with_store(move |s| crate::edit::find_uid(s, &uid)))?
    };
    match args.command {
        EventCommand::Add(a) => {
            let tz = crate::zone::chosen(a.tz.as_deref())?;
            let (start, end) = (event_time(&a.start, tz)?, event_time(&a.end, tz)?);
            if a.all_day != matches!(start, EventTime::Date { .. }) {
                bail!("--all-day takes days (YYYY-MM-DD); timed events take YYYY-MM-DDTHH:MM");
            }
            let name = a.calendar.clone();
            let calendar = rt.block_on(
                engine.with_store(move |s| Ok(crate::edit::calendar_named(s, &name))),
            )??;
            let uid = fresh_uid();
            let event = NewEvent {
                uid: uid.clone(),
                summary: a.title,
                start,
                end,
                rrule: a.repeat,
                location: a.location,
                description: a.notes,
                url: None,
                alarms: a
                    .alarm
                    .iter()
                    .map(|t| alarm(t))
                    .collect::<anyhow::Result<_>>()?,
            };
            let text = almanac_ical::compose(&event, engine.now())?;
            rt.block_on(engine.create_event(calendar.id, uid.as_str(), text))?;
            if a.json {
                out!("{}", serde_json::json!({ "uid": uid.as_str() }));
            } else {
                out!(
                    "Added {} to {}; the next sync sends it.",
                    uid.as_str(),
                    calendar.name
                );
            }
        }
        EventCommand::Edit(e) => {
            let tz = crate::zone::chosen(e.which.tz.as_deref())?;
            let (calendar, href, raw) = find(&e.which.uid)?;
            let scope = scope_of(&e.which, &raw, tz)?;
            let changes = Changes {
                summary: e.title.map(Some),
                location: e.location.map(|l| (!l.is_empty()).then_some(l)),
                start: e.start.as_deref().map(|t| event_time(t, tz)).transpose()?,
                end: e.end.as_deref().map(|t| event_time(t, tz)).transpose()?,
                ..Changes::default()
            };
            let me = rt.block_on(engine.with_store(move |s| {
                let account = s.calendar(calendar)?.account;
                account
                    .map(|a| s.account(a).map(|a| a.username))
                    .transpose()
            }))?;
            let event = almanac_ical::parse(&raw)
                .ok()
                .and_then(|o| o.master.or_else(|| o.overrides.into_iter().next()));
            let told = match (me, event) {
                (Some(me), Some(event)) => almanac_sync::attendees_told(&event.details, &me),
                _ => 0,
            };
            if told > 0 {
                out!(
                    "You organize this event: the server will tell its {told} attendee(s) about the change."
                );
            }
            let split =
                rt.block_on(engine.edit_event(calendar, href, scope, changes, fresh_uid()))?;
            match split.value {
                Some(new) => out!(
                    "Changed; the following occurrences are now {new}. The next sync sends both."
                ),
                None => out!("Changed {}; the next sync sends it.", e.which.uid),
            }
        }
        EventCommand::Delete(d) => {
            let tz = crate::zone::chosen(d.which.tz.as_deref())?;
            let (calendar, href, raw) = find(&d.which.uid)?;
            let scope = scope_of(&d.which, &raw, tz)?;
            rt.block_on(engine.delete_occurrences(calendar, href, scope))?;
            out!("Deleted here; the next sync deletes it on the server.");
        }
        EventCommand::Move(m) => {
            let (calendar, href, _) = find(&m.uid)?;
            let name = m.to_calendar.clone();
            let target = rt.block_on(
                engine.with_store(move |s| Ok(crate::edit::calendar_named(s, &name))),
            )??;
            rt.block_on(engine.move_event(calendar, href, target.id))?;
            out!(
                "Moved to {}; the next sync moves it on the server.",
                target.name
            );
        }
        EventCommand::Reply(r) => {
            let tz = crate::zone::chosen(r.tz.as_deref())?;
            let (calendar, href, raw) = find(&r.uid)?;
            let scope = match &r.occurrence {
                Some(t) => Scope::This(recurrence_id(&raw, t, tz)?),
                None => Scope::All,
            };
            let me = rt
                .block_on(engine.with_store(move |s| {
                    let account = s.calendar(calendar)?.account;
                    account
                        .map(|a| s.account(a).map(|a| a.username))
                        .transpose()
                }))?
                .context("a subscription has no invitations")?;
            let answer = match r.answer {
                Answer::Accept => PartStat::Accepted,
                Answer::Tentative => PartStat::Tentative,
                Answer::Decline => PartStat::Declined,
            };
            rt.block_on(engine.reply(calendar, href, me, answer, scope))?;
            out!("Answered; the next sync sends it, and the server tells the organizer.");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_and_reminders_read_as_people_write_them() {
        let berlin: Tz = "Europe/Berlin".parse().unwrap();
        assert!(matches!(
            event_time("2027-03-28", berlin).unwrap(),
            EventTime::Date { .. }
        ));
        assert!(matches!(
            event_time("2027-03-28T09:30", berlin).unwrap(),
            EventTime::Zoned { tz, .. } if tz == berlin
        ));
        assert!(matches!(
            event_time("2027-03-28T09:30", Tz::UTC).unwrap(),
            EventTime::Utc { .. }
        ));
        assert!(event_time("tomorrow", berlin).is_err());
        assert_eq!(
            alarm("-15m").unwrap(),
            Trigger::Start(IcalDuration {
                days: 0,
                seconds: -900
            })
        );
        assert_eq!(
            alarm("-1d").unwrap(),
            Trigger::Start(IcalDuration {
                days: -1,
                seconds: 0
            })
        );
        assert!(alarm("soon").is_err());
    }
}
