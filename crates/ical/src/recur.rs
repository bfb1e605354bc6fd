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

use crate::simple_rule::SimpleRule;
use crate::value::weekday;
use crate::warning::{Warning, WarningKind};
use almanac_core::EventTime;
use chrono::{DateTime, Month, NaiveDateTime, NaiveTime, TimeZone, Weekday};
use rrule::{Frequency, NWeekday, RRule, RRuleSet, Validated};

/// A validated rule, bound to its DTSTART's wall clock.
#[derive(Clone, Debug)]
pub(crate) struct Rule {
    rule: RRule<Validated>,
    start: DateTime<rrule::Tz>,
    /// The closed-form path, when the rule is simple enough for it.
    simple: Option<SimpleRule>,
}

impl Rule {
    /// The rule as `rrule` validated it, for describing it.
    pub(crate) fn rrule(&self) -> &RRule<Validated> {
        &self.rule
    }
}

/// What one rule produced for a range.
pub(crate) struct RuleExpansion {
    pub starts: Vec<NaiveDateTime>,
    /// Set when the step budget ran out before the range end.
    pub capped: bool,
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
    let mut simple = matches!(freq, Frequency::Daily | Frequency::Weekly).then(|| SimpleRule {
        period_days: if freq == Frequency::Daily { 1 } else { 7 },
        interval: 1,
        weekdays: Vec::new(),
        week_start: Weekday::Mon,
        count: None,
        until: None,
    });
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
        if let Some(sr) = simple.as_mut() {
            let fits = match k.as_str() {
                "INTERVAL" => v
                    .trim()
                    .parse::<u16>()
                    .ok()
                    .map(|i| sr.interval = i64::from(i.max(1))),
                "COUNT" => v.trim().parse::<u32>().ok().map(|c| sr.count = Some(c)),
                "UNTIL" => until_wall_clock(v, dtstart).map(|u| sr.until = Some(u)),
                "WKST" => weekday(v).map(|w| sr.week_start = w),
                "BYDAY" if sr.period_days == 7 => nweekdays(v).and_then(|days| {
                    days.iter()
                        .map(|d| match d {
                            NWeekday::Every(w) => Some(*w),
                            NWeekday::Nth(..) => None,
                        })
                        .collect::<Option<Vec<_>>>()
                        .map(|w| sr.weekdays = w)
                }),
                _ => None,
            };
            if fits.is_none() {
                simple = None;
            }
        }
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
        Ok(Ok(rule)) => Some(Rule {
            rule,
            start,
            simple,
        }),
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
        if let Some(simple) = &self.simple {
            let (starts, capped) = simple.expand(self.start.naive_utc(), from, to, max_out);
            return RuleExpansion { starts, capped };
        }
        self.expand_with_rrule(from, to, max_steps, max_out)
    }

    /// The general path: `rrule`'s iterator from DTSTART, under a step budget.
    fn expand_with_rrule(
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

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use proptest::prelude::*;

    const DAYS: [&str; 7] = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

        /// The closed-form path agrees with `rrule` on every rule it accepts.
        #[test]
        fn simple_path_matches_rrule(
            weekly in any::<bool>(),
            interval in 1u16..5,
            days in proptest::collection::btree_set(0usize..7, 0..4),
            wkst in 0usize..7,
            count in proptest::option::of(1u32..40),
            until_days in proptest::option::of(0i64..400),
            start_day in 0i64..2000,
            start_minute in 0u32..1440,
            from_day in -30i64..300,
            len_days in 0i64..200,
        ) {
            let base = NaiveDate::from_ymd_opt(2020, 1, 1).unwrap().and_hms_opt(0, 0, 0).unwrap();
            let start = base + chrono::Duration::days(start_day) + chrono::Duration::minutes(start_minute.into());
            let mut rule = format!("FREQ={};INTERVAL={interval};WKST={}", if weekly { "WEEKLY" } else { "DAILY" }, DAYS[wkst]);
            if weekly && !days.is_empty() {
                let list: Vec<&str> = days.iter().map(|d| DAYS[*d]).collect();
                rule.push_str(&format!(";BYDAY={}", list.join(",")));
            }
            if let Some(c) = count {
                rule.push_str(&format!(";COUNT={c}"));
            } else if let Some(u) = until_days {
                rule.push_str(&format!(";UNTIL={}", (start + chrono::Duration::days(u)).format("%Y%m%dT%H%M%S")));
            }
            let dtstart = EventTime::Floating { local: start };
            let mut warnings = Vec::new();
            let parsed = parse_rule(&rule, &dtstart, 1, &mut warnings).unwrap();
            prop_assert!(parsed.simple.is_some(), "{rule} should take the simple path");
            // Windows near DTSTART, where COUNT and the first partial week matter.
            let from = start.date().and_hms_opt(0, 0, 0).unwrap() + chrono::Duration::days(from_day);
            let to = from + chrono::Duration::days(len_days);
            let fast = parsed.expand(from, to, 1_000_000, 10_000);
            let full = parsed.expand_with_rrule(from, to, 1_000_000, 10_000);
            prop_assert_eq!(fast.starts, full.starts, "{}", rule);
        }
    }
}
