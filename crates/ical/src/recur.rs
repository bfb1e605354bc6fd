//! RRULE (RFC 5545 §3.3.10): parsed leniently here, expanded by the `rrule` crate.
//!
//! Rules are expanded on the wall clock of DTSTART, handed to `rrule` as if it were UTC: RFC 5545
//! defines recurrence on local time (a 10:00 weekly meeting stays at 10:00 across DST), and this
//! also covers floating times and dates, which `rrule` has no type for. Instants are derived
//! afterwards, per occurrence, with the gap and overlap rules of [`crate::local_to_utc`].
//!
//! `rrule` was chosen over a hand-written expander because it implements every BYxxx part,
//! BYSETPOS and WKST and is tested against python-dateutil. It is never trusted with the
//! budget: the iterator is driven here with a step limit (a SECONDLY rule from 1970 would
//! otherwise run for minutes), under `catch_unwind`.

use crate::warning::{Warning, WarningKind};
use almanac_core::EventTime;
use chrono::{DateTime, Month, NaiveDateTime, NaiveTime, TimeZone, Weekday};
use rrule::{Frequency, NWeekday, RRule, RRuleSet, Validated};

/// A validated rule, bound to its DTSTART's wall clock.
#[derive(Clone, Debug)]
pub(crate) struct Rule {
    rule: RRule<Validated>,
    start: DateTime<rrule::Tz>,
}

/// What one rule produced for a range.
pub(crate) struct RuleExpansion {
    pub starts: Vec<NaiveDateTime>,
    /// Set when the step budget ran out before the range end.
    pub capped: bool,
}

pub(crate) fn weekday(s: &str) -> Option<Weekday> {
    Some(match s.trim().to_ascii_uppercase().as_str() {
        "MO" => Weekday::Mon,
        "TU" => Weekday::Tue,
        "WE" => Weekday::Wed,
        "TH" => Weekday::Thu,
        "FR" => Weekday::Fri,
        "SA" => Weekday::Sat,
        "SU" => Weekday::Sun,
        _ => return None,
    })
}

fn as_rrule_time(local: NaiveDateTime) -> DateTime<rrule::Tz> {
    rrule::Tz::UTC.from_utc_datetime(&local)
}

fn nums<T: std::str::FromStr>(v: &str) -> Option<Vec<T>> {
    v.split(',')
        .map(|n| n.trim().trim_start_matches('+').parse().ok())
        .collect()
}

fn nweekdays(v: &str) -> Option<Vec<NWeekday>> {
    v.split(',')
        .map(|d| {
            let d = d.trim();
            let split = d.len().checked_sub(2)?;
            let wd = weekday(d.get(split..)?)?;
            match d.get(..split)? {
                "" => Some(NWeekday::Every(wd)),
                n => Some(NWeekday::Nth(n.trim_start_matches('+').parse().ok()?, wd)),
            }
        })
        .collect()
}

/// UNTIL on DTSTART's wall clock. A DATE UNTIL includes its whole day; a UTC UNTIL is moved to
/// the start's zone; a DATE-TIME UNTIL on an all-day event is lenient about the mismatch.
fn until_wall_clock(value: &str, dtstart: &EventTime) -> Option<NaiveDateTime> {
    if let Some(date) = crate::value::parse_date(value) {
        return date.and_hms_opt(23, 59, 59);
    }
    let (local, utc) = crate::value::parse_date_time(value)?;
    Some(match (*dtstart, utc) {
        (EventTime::Zoned { tz, .. }, true) => local.and_utc().with_timezone(&tz).naive_local(),
        _ => local,
    })
}

/// Parses one RRULE value. Malformed parts are skipped with a warning; a rule without a usable
/// FREQ, or one `rrule` refuses, is dropped with a warning.
pub(crate) fn parse_rule(
    value: &str,
    dtstart: &EventTime,
    line: usize,
    warnings: &mut Vec<Warning>,
) -> Option<Rule> {
    let mut freq = None;
    let mut parts: Vec<(String, &str)> = Vec::new();
    for part in value.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        let Some((k, v)) = part.split_once('=') else {
            warnings.push(Warning::at(
                WarningKind::BadRule,
                line,
                format!("RRULE part {part:?} ignored"),
            ));
            continue;
        };
        let k = k.trim().to_ascii_uppercase();
        if k == "FREQ" {
            freq = match v.trim().to_ascii_uppercase().as_str() {
                "YEARLY" => Some(Frequency::Yearly),
                "MONTHLY" => Some(Frequency::Monthly),
                "WEEKLY" => Some(Frequency::Weekly),
                "DAILY" => Some(Frequency::Daily),
                "HOURLY" => Some(Frequency::Hourly),
                "MINUTELY" => Some(Frequency::Minutely),
                "SECONDLY" => Some(Frequency::Secondly),
                _ => None,
            };
        } else {
            parts.push((k, v));
        }
    }
    let Some(freq) = freq else {
        warnings.push(Warning::at(
            WarningKind::BadRule,
            line,
            "RRULE without a valid FREQ ignored",
        ));
        return None;
    };
    let mut rule = RRule::new(freq);
    for (k, v) in parts {
        let applied = match k.as_str() {
            "INTERVAL" => v
                .trim()
                .parse::<u16>()
                .ok()
                .filter(|i| *i > 0)
                .map(|i| rule.clone().interval(i)),
            "COUNT" => v.trim().parse::<u32>().ok().map(|c| rule.clone().count(c)),
            "UNTIL" => until_wall_clock(v, dtstart).map(|u| rule.clone().until(as_rrule_time(u))),
            "WKST" => weekday(v).map(|w| rule.clone().week_start(w)),
            "BYSETPOS" => nums(v).map(|n| rule.clone().by_set_pos(n)),
            "BYMONTH" => nums::<u8>(v)
                .and_then(|ms| {
                    ms.into_iter()
                        .map(|m| Month::try_from(m).ok())
                        .collect::<Option<Vec<_>>>()
                })
                .map(|ms| rule.clone().by_month(&ms)),
            "BYMONTHDAY" => nums(v).map(|n| rule.clone().by_month_day(n)),
            "BYYEARDAY" => nums(v).map(|n| rule.clone().by_year_day(n)),
            "BYWEEKNO" => nums(v).map(|n| rule.clone().by_week_no(n)),
            "BYDAY" => nweekdays(v).map(|n| rule.clone().by_weekday(n)),
            "BYHOUR" => nums(v).map(|n| rule.clone().by_hour(n)),
            "BYMINUTE" => nums(v).map(|n| rule.clone().by_minute(n)),
            "BYSECOND" => nums(v).map(|n| rule.clone().by_second(n)),
            _ => None,
        };
        match applied {
            Some(r) => rule = r,
            None => warnings.push(Warning::at(
                WarningKind::BadRule,
                line,
                format!("RRULE part {k}={v} ignored"),
            )),
        }
    }
    let start_local = crate::tz::wall_clock(dtstart);
    // rrule uses DTSTART's time for BYHOUR/BYMINUTE defaults: give dates midnight explicitly.
    let start = as_rrule_time(if dtstart.is_date() {
        start_local.date().and_time(NaiveTime::MIN)
    } else {
        start_local
    });
    let validated = std::panic::catch_unwind(move || rule.validate(start));
    match validated {
        Ok(Ok(rule)) => Some(Rule { rule, start }),
        Ok(Err(e)) => {
            warnings.push(Warning::at(
                WarningKind::BadRule,
                line,
                format!("RRULE rejected: {e}"),
            ));
            None
        }
        Err(_) => {
            warnings.push(Warning::at(
                WarningKind::BadRule,
                line,
                "RRULE could not be evaluated",
            ));
            None
        }
    }
}

impl Rule {
    /// Occurrence starts (wall clock) in `[from, to]`, taking at most `max_steps` steps from
    /// DTSTART and keeping at most `max_out` results.
    pub(crate) fn expand(
        &self,
        from: NaiveDateTime,
        to: NaiveDateTime,
        max_steps: usize,
        max_out: usize,
    ) -> RuleExpansion {
        let set = RRuleSet::new(self.start).rrule(self.rule.clone());
        let (from, to) = (as_rrule_time(from), as_rrule_time(to));
        let run = std::panic::AssertUnwindSafe(|| {
            let mut starts = Vec::new();
            for (step, t) in (&set).into_iter().enumerate() {
                if step >= max_steps || starts.len() >= max_out {
                    return RuleExpansion {
                        starts,
                        capped: true,
                    };
                }
                if t > to {
                    break;
                }
                if t >= from {
                    starts.push(t.naive_utc());
                }
            }
            // The iterator ended on its own: COUNT or UNTIL reached, or rrule's own loop limit.
            RuleExpansion {
                starts,
                capped: false,
            }
        });
        std::panic::catch_unwind(run).unwrap_or(RuleExpansion {
            starts: Vec::new(),
            capped: true,
        })
    }
}
