//! Repeat rules as an event editor offers them, the way Apple Calendar and GNOME Calendar do:
//! every N days, weeks (on chosen weekdays), months or years, ending never, on a date, or after
//! N times. [`RepeatRule::from_rrule`] reads a stored RRULE into that shape when it fits; a rule
//! with any other part (BYSETPOS, the second Tuesday, hourly, ...) does not, and an editor shows
//! it in words ([`crate::Event::recurrence_text`]) and keeps it as written.
//!
//! Parts the editor does not show but that are implied anyway are accepted: INTERVAL=1, a
//! BYMONTHDAY of the start's day on monthly and yearly rules, a BYMONTH of the start's month on
//! yearly ones, and WKST (Apple writes `WKST=SU`), which is kept when the rule is rewritten.

use crate::lines::Doc;
use crate::series::into_frame;
use crate::tz::wall_clock;
use crate::value::{parse_date, parse_date_time, weekday};
use almanac_core::EventTime;
use chrono::{Datelike, NaiveDate, Weekday};

/// How often a rule repeats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Frequency {
    /// `FREQ=DAILY`.
    Daily,
    /// `FREQ=WEEKLY`.
    Weekly,
    /// `FREQ=MONTHLY`, on the start's day of the month.
    Monthly,
    /// `FREQ=YEARLY`, on the start's day of the year.
    Yearly,
}

/// When a repeat rule stops.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RepeatEnd {
    /// No COUNT, no UNTIL.
    Never,
    /// UNTIL: the last day an occurrence may start on, that whole day included.
    Until(NaiveDate),
    /// COUNT occurrences in all.
    Count(u32),
}

/// A repeat rule an editor can show and change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RepeatRule {
    /// The unit.
    pub frequency: Frequency,
    /// Every N units (1 or more).
    pub interval: u32,
    /// Weekly rules: the weekdays; empty for the start's own.
    pub weekdays: Vec<Weekday>,
    /// The end.
    pub end: RepeatEnd,
    /// `WKST`, as the stored rule had it (it decides which weeks an every-other-week rule
    /// skips), written back unchanged.
    pub week_start: Option<Weekday>,
}

/// How an event repeats, as an editor sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Repeat {
    /// It does not.
    Never,
    /// By a rule the editor shows.
    Rule(RepeatRule),
    /// By a rule the editor cannot show, or by extra dates (RDATE) only.
    Custom,
}

const CODES: [(Weekday, &str); 7] = [
    (Weekday::Mon, "MO"),
    (Weekday::Tue, "TU"),
    (Weekday::Wed, "WE"),
    (Weekday::Thu, "TH"),
    (Weekday::Fri, "FR"),
    (Weekday::Sat, "SA"),
    (Weekday::Sun, "SU"),
];

/// `MO` … `SU`.
pub fn weekday_code(day: Weekday) -> &'static str {
    CODES
        .iter()
        .find(|(d, _)| *d == day)
        .map_or("MO", |(_, code)| code)
}

/// The weekday of a code, `MO` … `SU` (any case).
pub fn weekday_of(code: &str) -> Option<Weekday> {
    weekday(code)
}

impl RepeatRule {
    /// Reads an RRULE value against the series' start, or `None` when it has parts an editor
    /// cannot show. An UNTIL becomes the date it falls on in the start's own frame.
    pub fn from_rrule(rule: &str, start: &EventTime) -> Option<RepeatRule> {
        let day = wall_clock(start).date();
        let mut frequency = None;
        let mut out = RepeatRule {
            frequency: Frequency::Daily,
            interval: 1,
            weekdays: Vec::new(),
            end: RepeatEnd::Never,
            week_start: None,
        };
        for part in rule.trim().split(';').filter(|p| !p.trim().is_empty()) {
            let (key, value) = part.split_once('=')?;
            let value = value.trim();
            match key.trim().to_ascii_uppercase().as_str() {
                "FREQ" => {
                    frequency = Some(match value.to_ascii_uppercase().as_str() {
                        "DAILY" => Frequency::Daily,
                        "WEEKLY" => Frequency::Weekly,
                        "MONTHLY" => Frequency::Monthly,
                        "YEARLY" => Frequency::Yearly,
                        _ => return None,
                    });
                }
                "INTERVAL" => out.interval = value.parse().ok().filter(|n| *n > 0)?,
                "COUNT" => out.end = RepeatEnd::Count(value.parse().ok().filter(|n| *n > 0)?),
                "UNTIL" => out.end = RepeatEnd::Until(until_date(value, start)?),
                "WKST" => out.week_start = Some(weekday(value)?),
                "BYDAY" => {
                    out.weekdays = value.split(',').map(weekday).collect::<Option<Vec<_>>>()?;
                }
                "BYMONTHDAY" if value.parse() == Ok(day.day()) => {}
                "BYMONTH" if value.parse() == Ok(day.month()) => {}
                _ => return None,
            }
        }
        out.frequency = frequency?;
        if !out.weekdays.is_empty() && out.frequency != Frequency::Weekly {
            return None;
        }
        Some(out)
    }

    /// The RRULE value. UNTIL is written as a date; composing and editing turn it into the
    /// form the start needs, that whole day included.
    pub fn to_rrule(&self) -> String {
        let frequency = match self.frequency {
            Frequency::Daily => "DAILY",
            Frequency::Weekly => "WEEKLY",
            Frequency::Monthly => "MONTHLY",
            Frequency::Yearly => "YEARLY",
        };
        let mut parts = vec![format!("FREQ={frequency}")];
        if self.interval > 1 {
            parts.push(format!("INTERVAL={}", self.interval));
        }
        if self.frequency == Frequency::Weekly && !self.weekdays.is_empty() {
            let days: Vec<&str> = self.weekdays.iter().map(|d| weekday_code(*d)).collect();
            parts.push(format!("BYDAY={}", days.join(",")));
        }
        match self.end {
            RepeatEnd::Never => {}
            RepeatEnd::Until(date) => parts.push(format!("UNTIL={}", date.format("%Y%m%d"))),
            RepeatEnd::Count(n) => parts.push(format!("COUNT={n}")),
        }
        if let Some(day) = self.week_start {
            parts.push(format!("WKST={}", weekday_code(day)));
        }
        parts.join(";")
    }
}

/// An UNTIL value as the date it falls on in `start`'s frame.
fn until_date(value: &str, start: &EventTime) -> Option<NaiveDate> {
    if let Some(date) = parse_date(value) {
        return Some(date);
    }
    let (local, utc) = parse_date_time(value)?;
    let until = if utc {
        EventTime::Utc {
            instant: local.and_utc(),
        }
    } else {
        EventTime::Floating { local }
    };
    Some(wall_clock(&into_frame(&until, start)).date())
}

/// How the series in the resource `raw` repeats (its master's first RRULE); [`Repeat::Never`]
/// for a resource without a master or without a rule or extra dates.
pub fn repeat_of(raw: &str) -> Repeat {
    let doc = Doc::new(raw);
    let (_, vevents) = doc.vevents();
    let Some(master) = vevents
        .iter()
        .find(|v| v.comp.prop("RECURRENCE-ID").is_none() && v.event.is_some())
    else {
        return Repeat::Never;
    };
    let Some(event) = &master.event else {
        return Repeat::Never;
    };
    let rules: Vec<String> = master
        .comp
        .props("RRULE")
        .map(|p| doc.unfolded(p))
        .collect();
    match rules.as_slice() {
        [] if event.is_recurring() => Repeat::Custom,
        [] => Repeat::Never,
        [line] if master.comp.prop("RDATE").is_none() => line
            .split_once(':')
            .and_then(|(_, value)| RepeatRule::from_rrule(value, &event.start))
            .map_or(Repeat::Custom, Repeat::Rule),
        _ => Repeat::Custom,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDateTime;

    fn berlin(text: &str) -> EventTime {
        EventTime::Zoned {
            local: NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M").unwrap(),
            tz: chrono_tz::Europe::Berlin,
        }
    }

    #[test]
    fn apples_weekly_rule_reads_and_writes_back_with_its_week_start() {
        let start = berlin("2026-12-01T10:00");
        let rule =
            RepeatRule::from_rrule("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH;WKST=SU", &start).unwrap();
        assert_eq!(rule.frequency, Frequency::Weekly);
        assert_eq!(rule.interval, 2);
        assert_eq!(rule.weekdays, [Weekday::Tue, Weekday::Thu]);
        assert_eq!(rule.week_start, Some(Weekday::Sun));
        assert_eq!(
            rule.to_rrule(),
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH;WKST=SU"
        );
    }

    #[test]
    fn until_is_the_day_it_falls_on_in_the_series_zone() {
        let start = berlin("2026-12-01T10:00");
        // 23:59:59 in Berlin on 30 June is 21:59:59 UTC.
        let rule = RepeatRule::from_rrule("FREQ=DAILY;UNTIL=20270630T215959Z", &start).unwrap();
        assert_eq!(
            rule.end,
            RepeatEnd::Until(NaiveDate::from_ymd_opt(2027, 6, 30).unwrap())
        );
        assert_eq!(rule.to_rrule(), "FREQ=DAILY;UNTIL=20270630");
        let counted = RepeatRule::from_rrule("FREQ=YEARLY;COUNT=3", &start).unwrap();
        assert_eq!(counted.end, RepeatEnd::Count(3));
    }

    #[test]
    fn implied_parts_are_simple_and_others_are_custom() {
        let start = berlin("2026-12-15T10:00");
        assert!(RepeatRule::from_rrule("FREQ=MONTHLY;BYMONTHDAY=15", &start).is_some());
        assert!(RepeatRule::from_rrule("FREQ=YEARLY;BYMONTH=12", &start).is_some());
        for custom in [
            "FREQ=MONTHLY;BYMONTHDAY=1",
            "FREQ=MONTHLY;BYDAY=2TU",
            "FREQ=MONTHLY;BYDAY=TU;BYSETPOS=2",
            "FREQ=HOURLY",
            "FREQ=WEEKLY;BYDAY=XX",
            "INTERVAL=2",
        ] {
            assert_eq!(RepeatRule::from_rrule(custom, &start), None, "{custom}");
        }
    }

    #[test]
    fn a_resource_says_how_its_series_repeats() {
        let event = |extra: &str| {
            format!(
                "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTART:20261201T090000Z\r\n\
                 DTEND:20261201T100000Z\r\n{extra}END:VEVENT\r\nEND:VCALENDAR\r\n"
            )
        };
        assert_eq!(repeat_of(&event("")), Repeat::Never);
        assert!(matches!(
            repeat_of(&event("RRULE:FREQ=DAILY;COUNT=5\r\n")),
            Repeat::Rule(RepeatRule {
                end: RepeatEnd::Count(5),
                ..
            })
        ));
        assert_eq!(
            repeat_of(&event("RDATE:20261205T090000Z\r\n")),
            Repeat::Custom
        );
        assert_eq!(
            repeat_of(&event("RRULE:FREQ=MONTHLY;BYDAY=-1FR\r\n")),
            Repeat::Custom
        );
    }
}
