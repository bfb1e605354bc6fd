//! VALARM (RFC 5545 §3.6.6): alarms as read, and when an occurrence's reminders fire. The
//! alarms we write are in `alarm_text`.

use crate::lexer::Component;
use crate::tz::{add_naive, add_utc, to_utc, wall_clock, with_wall_clock};
use crate::value::{IcalDuration, parse_date_time, parse_duration, unescape_text};
use crate::warning::{Warning, WarningKind};
use almanac_core::EventTime;
use chrono::Duration;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::Serialize;
use std::sync::Arc;

/// Repetitions beyond this are ignored: a reminder every second for a year is not a reminder.
const MAX_REPEAT: u32 = 100;

/// What an alarm does when it fires.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AlarmAction {
    /// Show a notification.
    Display,
    /// Play a sound.
    Audio,
    /// Send an e-mail (the server's job; a client shows it at most).
    Email,
    /// Any other action, as written.
    Other(String),
}

/// When an alarm fires, as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Trigger {
    /// Relative to the occurrence's start (the default, `RELATED=START`).
    Start(IcalDuration),
    /// Relative to the occurrence's end (`RELATED=END`).
    End(IcalDuration),
    /// An absolute instant (`VALUE=DATE-TIME`, always UTC).
    At(DateTime<Utc>),
}

/// One VALARM of an event. `ACTION:NONE` alarms (Apple's placeholder for "no alert") are dropped
/// at parse time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Alarm {
    /// What it does.
    pub action: AlarmAction,
    /// When it first fires.
    pub trigger: Trigger,
    /// Extra repetitions after the first (`REPEAT`), each `interval` apart.
    pub repeat: u32,
    /// `DURATION` between repetitions.
    pub interval: Option<IcalDuration>,
    /// The text to show, if any.
    pub description: Option<Arc<str>>,
}

/// One firing of an alarm for one occurrence: what the notification scheduler consumes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AlarmTime {
    /// When to fire.
    pub at: DateTime<Utc>,
    /// What to do.
    pub action: AlarmAction,
    /// The alarm's own text, if any (else show the summary). Shared with the [`Alarm`], so
    /// expanding a year of occurrences copies no strings.
    pub description: Option<Arc<str>>,
}

pub(crate) fn parse_alarm(c: &Component, warnings: &mut Vec<Warning>) -> Option<Alarm> {
    let action = match c
        .prop("ACTION")
        .map(|p| p.value.trim().to_ascii_uppercase())
    {
        Some(a) if a == "NONE" => return None,
        Some(a) if a == "DISPLAY" => AlarmAction::Display,
        Some(a) if a == "AUDIO" => AlarmAction::Audio,
        Some(a) if a == "EMAIL" => AlarmAction::Email,
        Some(a) => AlarmAction::Other(a),
        None => AlarmAction::Display,
    };
    let Some(trigger_prop) = c.prop("TRIGGER") else {
        warnings.push(Warning::new(
            WarningKind::BadValue,
            "VALARM without TRIGGER ignored",
        ));
        return None;
    };
    let value = trigger_prop.value.trim();
    let trigger = if let Some(d) = parse_duration(value) {
        if trigger_prop
            .param("RELATED")
            .is_some_and(|r| r.eq_ignore_ascii_case("END"))
        {
            Trigger::End(d)
        } else {
            Trigger::Start(d)
        }
    } else if let Some((t, _)) = parse_date_time(value) {
        Trigger::At(t.and_utc())
    } else {
        warnings.push(Warning::at(
            WarningKind::BadValue,
            trigger_prop.line,
            format!("TRIGGER {value:?} ignored"),
        ));
        return None;
    };
    let interval = c.prop("DURATION").and_then(|p| parse_duration(&p.value));
    let repeat = c
        .prop("REPEAT")
        .and_then(|p| p.value.trim().parse::<u32>().ok())
        .filter(|_| interval.is_some_and(|i| !i.is_negative() && i.exact().num_seconds() > 0))
        .unwrap_or(0)
        .min(MAX_REPEAT);
    let description = c
        .prop("DESCRIPTION")
        .map(|p| Arc::from(unescape_text(&p.value)));
    Some(Alarm {
        action,
        trigger,
        repeat,
        interval,
        description,
    })
}

/// One end of an occurrence: its time as written and the instant it denotes.
pub(crate) struct Edge<'a> {
    pub time: &'a EventTime,
    pub at: DateTime<Utc>,
}

/// `edge + d`: the days of `d` on the wall clock of the edge's zone (RFC 5545 §3.3.6: a
/// reminder "one day before" a 10:00 event fires at 10:00 the day before, across DST too), its
/// hours, minutes and seconds as exact time.
fn offset(edge: &Edge<'_>, d: IcalDuration, viewer: Tz) -> DateTime<Utc> {
    if d.days == 0 || matches!(edge.time, EventTime::Utc { .. }) {
        return add_utc(edge.at, d.exact());
    }
    let days = Duration::try_days(d.days).unwrap_or(Duration::MAX);
    let moved = with_wall_clock(edge.time, add_naive(wall_clock(edge.time), days));
    let seconds = IcalDuration {
        days: 0,
        seconds: d.seconds,
    };
    add_utc(to_utc(&moved, viewer), seconds.exact())
}

/// The firing times of `alarms` for an occurrence spanning `[start, end)`. Absolute triggers
/// belong to the event's first occurrence only (`first`), or they would fire once per occurrence.
pub(crate) fn alarm_times(
    alarms: &[Alarm],
    start: &Edge<'_>,
    end: &Edge<'_>,
    first: bool,
    viewer: Tz,
) -> Vec<AlarmTime> {
    let mut out = Vec::with_capacity(alarms.iter().map(|a| a.repeat as usize + 1).sum());
    for alarm in alarms {
        let base = match alarm.trigger {
            Trigger::Start(d) => offset(start, d, viewer),
            Trigger::End(d) => offset(end, d, viewer),
            Trigger::At(_) if !first => continue,
            Trigger::At(t) => t,
        };
        let step = alarm.interval.map(IcalDuration::exact).unwrap_or_default();
        for i in 0..=alarm.repeat {
            out.push(AlarmTime {
                at: add_utc(base, step * i32::try_from(i).unwrap_or(0)),
                action: alarm.action.clone(),
                description: alarm.description.clone(),
            });
        }
    }
    out.sort_by_key(|a| a.at);
    out
}
