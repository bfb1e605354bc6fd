//! Time algebra of a series: which times are its occurrences, how exception dates follow a moved
//! start, and how a repeat rule is cut or carried on (RFC 5545 §3.3.10, §3.8.5).
//!
//! Every comparison happens in the frame of the master's DTSTART (its zone, or dates), because
//! that is where recurrence is defined: a RECURRENCE-ID or EXDATE written in UTC for a zoned
//! series, or as a DATE for a timed one, names the occurrence it falls on there.

use crate::IcalError;
use crate::event::{Event, RDate};
use crate::invalid;
use crate::tz::{add_naive, add_utc, in_frame_of, to_utc, wall_clock, with_wall_clock};
use crate::value::{parse_date, parse_date_time};
use almanac_core::EventTime;
use chrono::{Datelike, Duration, Months, NaiveDate, NaiveTime, Timelike};

/// Rule iterations at most when checking an occurrence (a daily rule for 2,700 years).
const MAX_STEPS: usize = 1_000_000;

/// Whether two times are in the same frame: both dates, both floating, both UTC, or both in
/// the same zone.
pub(crate) fn same_frame(a: &EventTime, b: &EventTime) -> bool {
    match (a, b) {
        (EventTime::Zoned { tz: x, .. }, EventTime::Zoned { tz: y, .. }) => x == y,
        (EventTime::Date { .. }, EventTime::Date { .. })
        | (EventTime::Floating { .. }, EventTime::Floating { .. })
        | (EventTime::Utc { .. }, EventTime::Utc { .. }) => true,
        _ => false,
    }
}

/// `t` in the frame of `form`. A date on a timed series is the series' time of day on that
/// date; a time on an all-day series is its own date; a floating time on a zoned series is
/// read on that zone's wall clock.
pub(crate) fn into_frame(t: &EventTime, form: &EventTime) -> EventTime {
    if same_frame(t, form) {
        return *t;
    }
    match (t, form) {
        (_, EventTime::Date { .. }) => EventTime::Date {
            date: wall_clock(t).date(),
        },
        (EventTime::Date { date }, _) => {
            with_wall_clock(form, date.and_time(wall_clock(form).time()))
        }
        (EventTime::Floating { .. }, _) | (_, EventTime::Floating { .. }) => {
            with_wall_clock(form, wall_clock(t))
        }
        _ => in_frame_of(form, to_utc(t, chrono_tz::UTC), chrono_tz::UTC),
    }
}

/// `t` moved the way `from` moved to `to`, in `to`'s frame: its distance from `from` on the wall
/// clock is kept, so a RECURRENCE-ID two weeks after a 10:00 DTSTART is two weeks after the new
/// start, at the new time of day, across DST and a change of zone or of all-day alike.
pub fn shift(t: &EventTime, from: &EventTime, to: &EventTime) -> EventTime {
    let offset = wall_clock(&into_frame(t, from)) - wall_clock(from);
    with_wall_clock(to, add_naive(wall_clock(to), offset))
}

/// Like [`shift`], but a time in another frame than `from` (a DTEND in the arrival zone of a
/// flight) keeps its own frame and moves by the same exact time. So does a time whose wall-clock
/// move would put it on the other side of `to` than it was of `from`: a start moved into a DST
/// gap (02:45 on a spring-forward night reads as 03:45) would otherwise end before it begins.
pub(crate) fn move_time(t: &EventTime, from: &EventTime, to: &EventTime) -> EventTime {
    let utc = chrono_tz::UTC;
    if same_frame(t, from) {
        let moved = shift(t, from, to);
        let was_after = to_utc(t, utc) >= to_utc(from, utc);
        if was_after == (to_utc(&moved, utc) >= to_utc(to, utc)) {
            return moved;
        }
    }
    let delta = to_utc(to, utc) - to_utc(from, utc);
    in_frame_of(t, add_utc(to_utc(t, utc), delta), utc)
}

/// Whether `a` and `b` name the same occurrence of a series starting at `form`.
pub(crate) fn same_occurrence(a: &EventTime, b: &EventTime, form: &EventTime) -> bool {
    wall_clock(&into_frame(a, form)) == wall_clock(&into_frame(b, form))
}

/// Whether `t` is before `split` in the series' frame.
pub(crate) fn before(t: &EventTime, split: &EventTime, form: &EventTime) -> bool {
    wall_clock(&into_frame(t, form)) < wall_clock(&into_frame(split, form))
}

/// Whether the series generates an occurrence at `t` (DTSTART, a rule or an RDATE), EXDATEs
/// aside.
pub(crate) fn is_generated(master: &Event, t: &EventTime) -> bool {
    let w = wall_clock(&into_frame(t, &master.start));
    if w == wall_clock(&master.start) {
        return true;
    }
    master
        .rules
        .iter()
        .any(|r| r.expand(w, w, MAX_STEPS, 2).starts.contains(&w))
        || master.rdates.iter().any(|rd| {
            let (RDate::At(s) | RDate::Period(s, _)) = rd;
            wall_clock(&into_frame(s, &master.start)) == w
        })
}

/// Whether `t` is an occurrence of the series: generated and not excluded.
pub(crate) fn is_occurrence(master: &Event, t: &EventTime) -> bool {
    is_generated(master, t)
        && !master
            .exdates
            .iter()
            .any(|x| same_occurrence(x, t, &master.start))
}

/// The `KEY=value` parts of a rule, keys upper-cased.
fn parts(rule: &str) -> Vec<(String, String)> {
    rule.split(';')
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| (k.trim().to_ascii_uppercase(), v.trim().to_owned()))
        .collect()
}

fn join(parts: &[(String, String)]) -> String {
    parts
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(";")
}

/// An UNTIL value read against DTSTART: a DATE, a UTC time, or (wrongly, but seen) a local
/// time, read in DTSTART's zone.
fn read_until(value: &str, dtstart: &EventTime) -> Option<EventTime> {
    if let Some(date) = parse_date(value) {
        return Some(EventTime::Date { date });
    }
    let (local, utc) = parse_date_time(value)?;
    Some(match (utc, dtstart) {
        (true, _) => EventTime::Utc {
            instant: local.and_utc(),
        },
        (false, EventTime::Zoned { tz, .. }) => EventTime::Zoned { local, tz: *tz },
        (false, _) => EventTime::Floating { local },
    })
}

/// An UNTIL value in the form RFC 5545 §3.3.10 requires for `dtstart`: a DATE for all-day
/// series, a local time for floating ones, UTC otherwise. A date given for a timed series
/// includes that whole day.
fn until_value(until: &EventTime, dtstart: &EventTime) -> String {
    let t = match (until, dtstart) {
        (EventTime::Date { date }, d) if !d.is_date() => {
            with_wall_clock(d, date.and_time(NaiveTime::MIN) + Duration::seconds(86_399))
        }
        _ => into_frame(until, dtstart),
    };
    match t {
        EventTime::Date { date } => date.format("%Y%m%d").to_string(),
        EventTime::Floating { local } => local.format("%Y%m%dT%H%M%S").to_string(),
        _ => to_utc(&t, chrono_tz::UTC)
            .format("%Y%m%dT%H%M%SZ")
            .to_string(),
    }
}

/// A rule the user typed, checked and made well-formed for `dtstart`: an `RRULE:` prefix is
/// dropped, UNTIL is rewritten into its required form, and a rule that our expander (or RFC
/// 5545: COUNT with UNTIL) refuses is an error rather than a series nobody can read.
///
/// # Errors
/// [`IcalError::InvalidChange`] with the reason.
pub(crate) fn normalize_rrule(rule: &str, dtstart: &EventTime) -> Result<String, IcalError> {
    let rule = rule.trim();
    let rule = rule
        .get(..6)
        .filter(|p| p.eq_ignore_ascii_case("RRULE:"))
        .map_or(rule, |_| rule.get(6..).unwrap_or(""));
    if rule.chars().any(char::is_control) {
        return Err(invalid("the repeat rule holds a line break"));
    }
    let mut parts = parts(rule);
    let has = |k: &str| parts.iter().any(|(key, _)| key == k);
    if has("COUNT") && has("UNTIL") {
        return Err(invalid("a repeat rule has COUNT or UNTIL, not both"));
    }
    for (k, v) in &mut parts {
        if k == "UNTIL" {
            let until = read_until(v, dtstart).ok_or_else(|| invalid("UNTIL is not a date"))?;
            *v = until_value(&until, dtstart);
        }
    }
    let rule = join(&parts);
    let mut warnings = Vec::new();
    match crate::recur::parse_rule(&rule, dtstart, 0, &mut warnings) {
        Some(_) if warnings.is_empty() => Ok(rule),
        _ => Err(IcalError::InvalidChange {
            reason: warnings.first().map_or_else(
                || "the repeat rule is not understood".to_owned(),
                |w| w.message.clone(),
            ),
        }),
    }
}

/// The master's first rule cut to end before `split`: UNTIL one second before it (the day before
/// for all-day series), replacing COUNT or UNTIL (Evolution's `e_cal_util_split_at_instance`).
/// A rule whose COUNT or UNTIL already ends before `split` (the split is at a later RDATE) is
/// left as it is: cutting it there would lengthen it.
pub(crate) fn rule_until_before(rule: &str, master: &Event, split: &EventTime) -> String {
    let dtstart = &master.start;
    let mut parts = parts(rule);
    let value = |k: &str, parts: &[(String, String)]| {
        parts
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
    };
    if let Some(count) = value("COUNT", &parts).and_then(|c| c.parse::<usize>().ok())
        && generated_before(rule, master, split, count) >= count
    {
        return rule.to_owned();
    }
    if value("UNTIL", &parts)
        .and_then(|u| read_until(&u, dtstart))
        .is_some_and(|u| before(&u, split, dtstart))
    {
        return rule.to_owned();
    }
    let last = match into_frame(split, dtstart) {
        EventTime::Date { date } => EventTime::Date {
            date: date.pred_opt().unwrap_or(date),
        },
        t => with_wall_clock(&t, add_naive(wall_clock(&t), -Duration::seconds(1))),
    };
    parts.retain(|(k, _)| k != "COUNT" && k != "UNTIL");
    parts.push(("UNTIL".to_owned(), until_value(&last, dtstart)));
    join(&parts)
}

/// How many occurrences `rule` generates before `split`, at most `limit`.
fn generated_before(rule: &str, master: &Event, split: &EventTime, limit: usize) -> usize {
    let from = wall_clock(&master.start);
    let to = add_naive(
        wall_clock(&into_frame(split, &master.start)),
        -Duration::seconds(1),
    );
    crate::recur::parse_rule(rule, &master.start, 0, &mut Vec::new())
        .map_or(0, |r| r.expand(from, to, MAX_STEPS, limit).starts.len())
}

/// The rule of the series that continues from `split`: a COUNT is reduced by the occurrences the
/// rule generated before it (RFC 5545 counts them before EXDATEs apply); an UNTIL carries over,
/// rewritten for `new_start`'s form. `None` when the rule has nothing left (the split is at an
/// RDATE after its end): the new series then has no rule.
pub(crate) fn rule_from(
    rule: &str,
    master: &Event,
    split: &EventTime,
    new_start: &EventTime,
) -> Option<String> {
    let mut parts = parts(rule);
    let mut exhausted = false;
    let w = wall_clock(&into_frame(split, &master.start));
    let on_rule = w == wall_clock(&master.start)
        || master
            .rules
            .iter()
            .any(|r| r.expand(w, w, MAX_STEPS, 2).starts.contains(&w));
    if !on_rule {
        pin_implicit_parts(&mut parts, &master.start, split);
    }
    for (k, v) in &mut parts {
        if k == "COUNT"
            && let Ok(count) = v.parse::<usize>()
        {
            let before = generated_before(rule, master, split, count);
            exhausted = before >= count;
            *v = count.saturating_sub(before).to_string();
        }
        if k == "UNTIL"
            && let Some(until) = read_until(v, &master.start)
        {
            exhausted = before(&until, split, &master.start);
            *v = until_value(&shift(&until, split, new_start), new_start);
        }
    }
    (!exhausted).then(|| join(&parts))
}

const WEEKDAYS: [&str; 7] = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];

/// Writes out what a rule takes from its DTSTART (RFC 5545 §3.3.10: the month and day of a
/// YEARLY rule, the day of a MONTHLY one, the weekday of a WEEKLY one, the time of day), so
/// that a series continued from an RDATE off the rule's pattern keeps the old pattern rather
/// than one anchored on that RDATE.
fn pin_implicit_parts(parts: &mut Vec<(String, String)>, old: &EventTime, new: &EventTime) {
    let has = |parts: &[(String, String)], k: &str| parts.iter().any(|(key, _)| key == k);
    let freq = parts
        .iter()
        .find(|(k, _)| k == "FREQ")
        .map(|(_, v)| v.to_ascii_uppercase())
        .unwrap_or_default();
    let start = wall_clock(old);
    let by_day = ["BYDAY", "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO"];
    let add = |parts: &mut Vec<(String, String)>, k: &str, v: String| {
        if !has(parts, k) {
            parts.push((k.to_owned(), v));
        }
    };
    match freq.as_str() {
        "YEARLY" if !by_day.iter().any(|k| has(parts, k)) => {
            add(parts, "BYMONTH", start.month().to_string());
            add(parts, "BYMONTHDAY", start.day().to_string());
        }
        "MONTHLY" if !by_day.iter().any(|k| has(parts, k)) => {
            add(parts, "BYMONTHDAY", start.day().to_string());
        }
        "WEEKLY" => {
            let wd = WEEKDAYS.get(start.weekday().num_days_from_monday() as usize);
            add(parts, "BYDAY", wd.copied().unwrap_or("MO").to_owned());
        }
        _ => {}
    }
    if !old.is_date() && wall_clock(new).time() != start.time() {
        add(parts, "BYHOUR", start.hour().to_string());
        add(parts, "BYMINUTE", start.minute().to_string());
    }
}

/// `2TU` for the second Tuesday of its month, `-1TU` for the last when `from_end`.
fn nth_weekday(date: NaiveDate, from_end: bool) -> String {
    let wd = WEEKDAYS
        .get(date.weekday().num_days_from_monday() as usize)
        .copied()
        .unwrap_or("MO");
    if from_end {
        let days_in_month = (date
            .with_day(1)
            .and_then(|d| d.checked_add_months(Months::new(1))))
        .and_then(|d| d.pred_opt())
        .map_or(31, |d| d.day());
        format!("-{}{wd}", (days_in_month - date.day()) / 7 + 1)
    } else {
        format!("{}{wd}", (date.day() - 1) / 7 + 1)
    }
}

/// BYDAY moved from the date `from` to `to`: the entry that described `from` (`MO`, `2TU`,
/// `-1FR`) describes `to` instead; other plain weekdays move by the same number of days.
fn shift_byday(value: &str, from: NaiveDate, to: NaiveDate) -> String {
    let days = (to - from).num_days();
    let own = |date: NaiveDate| WEEKDAYS.get(date.weekday().num_days_from_monday() as usize);
    value
        .split(',')
        .map(|entry| {
            let entry = entry.trim();
            let split = entry.len().saturating_sub(2);
            let (n, wd) = (
                entry.get(..split).unwrap_or(""),
                entry.get(split..).unwrap_or(""),
            );
            let Some(i) = WEEKDAYS.iter().position(|w| w.eq_ignore_ascii_case(wd)) else {
                return entry.to_owned();
            };
            if n.is_empty() {
                let moved = (i as i64 + days).rem_euclid(7) as usize;
                return WEEKDAYS.get(moved).copied().unwrap_or(wd).to_owned();
            }
            let from_end = n.starts_with('-');
            if own(from) == Some(&WEEKDAYS[i]) && nth_weekday(from, from_end) == entry {
                nth_weekday(to, from_end)
            } else {
                entry.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// The master's rule moved as DTSTART moved from `from` to `to`, so that the same occurrences
/// come out at their new times: UNTIL moves by the same distance (Thunderbird's
/// `onStartDateChange`; without it a later series would lose its last occurrence), and the day
/// parts that pinned the old start (BYDAY, a single BYMONTHDAY or BYMONTH) pin the new one, as
/// when a weekly Monday meeting is dragged to Tuesday in Apple or Google Calendar.
pub(crate) fn rule_shifted(rule: &str, from: &EventTime, to: &EventTime) -> String {
    let (old_day, new_day) = (wall_clock(from).date(), wall_clock(to).date());
    let mut parts = parts(rule);
    for (k, v) in &mut parts {
        match k.as_str() {
            "UNTIL" => {
                if let Some(until) = read_until(v, from) {
                    *v = until_value(&shift(&until, from, to), to);
                }
            }
            "BYDAY" if old_day != new_day => *v = shift_byday(v, old_day, new_day),
            "BYMONTHDAY" if v.parse::<u32>().ok() == Some(old_day.day()) => {
                *v = new_day.day().to_string();
            }
            "BYMONTH" if v.parse::<u32>().ok() == Some(old_day.month()) => {
                *v = new_day.month().to_string();
            }
            _ => {}
        }
    }
    join(&parts)
}

/// Whether the object still has an occurrence: a series whose every occurrence was deleted is
/// deleted as a whole (DAVx5 does the same; CalendarServer refuses an object without one).
pub(crate) fn has_occurrences(text: &str) -> bool {
    let Ok(object) = crate::parse(text) else {
        return false;
    };
    if object
        .overrides
        .iter()
        .any(|o| o.details.status != Some(crate::Status::Cancelled))
    {
        return true;
    }
    let Some(master) = &object.master else {
        return false;
    };
    let start = to_utc(&master.start, chrono_tz::UTC) - Duration::days(2);
    let window = crate::Window {
        start,
        end: add_utc(start, Duration::days(365 * 200)),
        viewer: chrono_tz::UTC,
    };
    let limits = crate::Limits {
        max_occurrences: 1,
        max_steps: MAX_STEPS,
    };
    let exp = object.expand(window, limits);
    exp.capped || !exp.occurrences.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use chrono_tz::Europe::Berlin;

    fn at(d: u32, h: u32) -> chrono::NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 3, d)
            .unwrap()
            .and_hms_opt(h, 0, 0)
            .unwrap()
    }

    #[test]
    fn shifting_keeps_the_wall_clock_distance_across_dst_and_zones() {
        let from = EventTime::Zoned {
            local: at(2, 10),
            tz: Berlin,
        };
        let to = EventTime::Zoned {
            local: at(2, 11),
            tz: Berlin,
        };
        // Two weeks later, after the clocks changed: still one hour later on the wall clock.
        let rid = EventTime::Utc {
            instant: at(23, 9).and_utc(),
        };
        assert_eq!(
            shift(&rid, &from, &to),
            EventTime::Zoned {
                local: at(23, 11),
                tz: Berlin
            }
        );
        let date = EventTime::Date {
            date: at(9, 0).date(),
        };
        let all_day = EventTime::Date {
            date: at(2, 0).date(),
        };
        assert_eq!(
            shift(&date, &all_day, &to),
            EventTime::Zoned {
                local: at(9, 11),
                tz: Berlin
            }
        );
    }

    #[test]
    fn the_rule_follows_its_start_to_another_day() {
        let monday = EventTime::Zoned {
            local: at(2, 10),
            tz: Berlin,
        };
        let tuesday = EventTime::Zoned {
            local: at(3, 0),
            tz: Berlin,
        };
        assert_eq!(
            rule_shifted("FREQ=WEEKLY;BYDAY=MO,WE", &monday, &tuesday),
            "FREQ=WEEKLY;BYDAY=TU,TH"
        );
        // 2 March 2026 is the first Monday; 10 March the second Tuesday.
        let second_tuesday = EventTime::Zoned {
            local: at(10, 10),
            tz: Berlin,
        };
        assert_eq!(
            rule_shifted("FREQ=MONTHLY;BYDAY=1MO", &monday, &second_tuesday),
            "FREQ=MONTHLY;BYDAY=2TU"
        );
        let last_monday = EventTime::Zoned {
            local: at(30, 10),
            tz: Berlin,
        };
        let last_tuesday = EventTime::Zoned {
            local: at(31, 10),
            tz: Berlin,
        };
        assert_eq!(
            rule_shifted("FREQ=MONTHLY;BYDAY=-1MO", &last_monday, &last_tuesday),
            "FREQ=MONTHLY;BYDAY=-1TU"
        );
        assert_eq!(
            rule_shifted("FREQ=MONTHLY;BYMONTHDAY=2", &monday, &tuesday),
            "FREQ=MONTHLY;BYMONTHDAY=3"
        );
    }

    #[test]
    fn until_takes_the_form_of_the_start() {
        let zoned = EventTime::Zoned {
            local: at(2, 10),
            tz: Berlin,
        };
        assert_eq!(
            normalize_rrule("RRULE:FREQ=WEEKLY;UNTIL=20260330", &zoned).unwrap(),
            "FREQ=WEEKLY;UNTIL=20260330T215959Z"
        );
        let date = EventTime::Date {
            date: at(2, 0).date(),
        };
        assert_eq!(
            normalize_rrule("FREQ=DAILY;UNTIL=20260330T120000Z", &date).unwrap(),
            "FREQ=DAILY;UNTIL=20260330"
        );
        assert!(normalize_rrule("FREQ=DAILY;COUNT=2;UNTIL=20260330", &date).is_err());
        assert!(normalize_rrule("FREQ=SOMETIMES", &date).is_err());
        let text = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:x\n\
                    DTSTART;TZID=Europe/Berlin:20260302T100000\nEND:VEVENT\nEND:VCALENDAR\n";
        let master = crate::parse(text).unwrap().master.unwrap();
        let split = EventTime::Zoned {
            local: at(16, 10),
            tz: Berlin,
        };
        assert_eq!(
            rule_until_before("FREQ=WEEKLY;COUNT=10", &master, &split),
            "FREQ=WEEKLY;UNTIL=20260316T085959Z"
        );
        // Two Mondays end before the 16th: cutting there would add a third.
        assert_eq!(
            rule_until_before("FREQ=WEEKLY;COUNT=2", &master, &split),
            "FREQ=WEEKLY;COUNT=2"
        );
    }
}
