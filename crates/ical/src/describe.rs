//! Recurrences and alarms in plain English words, for the event details panel. The words are
//! built from the parsed rule (after `rrule`'s validation) so they say what Almanac expands,
//! not what the text claimed.

use crate::alarm::{Alarm, AlarmAction, Trigger};
use crate::event::Event;
use crate::value::IcalDuration;
use chrono::{Datelike, Weekday};
use rrule::{Frequency, NWeekday};

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn weekday_name(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "Monday",
        Weekday::Tue => "Tuesday",
        Weekday::Wed => "Wednesday",
        Weekday::Thu => "Thursday",
        Weekday::Fri => "Friday",
        Weekday::Sat => "Saturday",
        Weekday::Sun => "Sunday",
    }
}

fn ordinal(n: i64) -> String {
    match n {
        -1 => "last".into(),
        -2 => "second to last".into(),
        n if n < 0 => format!("{}th from last", -n),
        n => {
            let suffix = match (n % 10, n % 100) {
                (1, r) if r != 11 => "st",
                (2, r) if r != 12 => "nd",
                (3, r) if r != 13 => "rd",
                _ => "th",
            };
            format!("{n}{suffix}")
        }
    }
}

/// "a", "a and b", "a, b and c".
fn list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [head @ .., last] => format!("{} and {last}", head.join(", ")),
    }
}

fn weekdays(days: &[NWeekday]) -> String {
    let words: Vec<String> = days
        .iter()
        .map(|d| match d {
            NWeekday::Every(day) => weekday_name(*day).to_string(),
            NWeekday::Nth(n, day) => {
                format!("the {} {}", ordinal(i64::from(*n)), weekday_name(*day))
            }
        })
        .collect();
    list(&words)
}

fn unit(freq: Frequency) -> &'static str {
    match freq {
        Frequency::Yearly => "year",
        Frequency::Monthly => "month",
        Frequency::Weekly => "week",
        Frequency::Daily => "day",
        Frequency::Hourly => "hour",
        Frequency::Minutely => "minute",
        Frequency::Secondly => "second",
    }
}

impl Event {
    /// The first recurrence rule in words, such as "Every 2 weeks on Tuesday and Thursday,
    /// until 30 June 2027"; `None` when the event does not repeat by rule. Extra dates (RDATE)
    /// and exceptions are not described: the calendar shows them.
    pub fn recurrence_text(&self) -> Option<String> {
        let rule = self.rules.first()?.rrule();
        let freq = rule.get_freq();
        let interval = rule.get_interval().max(1);
        let mut text = if interval == 1 {
            match freq {
                Frequency::Daily => "Every day".to_string(),
                Frequency::Yearly => "Every year".to_string(),
                other => format!("Every {}", unit(other)),
            }
        } else {
            format!("Every {interval} {}s", unit(freq))
        };
        let by_day = rule.get_by_weekday();
        let by_month_day = rule.get_by_month_day();
        let by_month = rule.get_by_month();
        match freq {
            Frequency::Weekly if !by_day.is_empty() => {
                text.push_str(" on ");
                text.push_str(&weekdays(by_day));
            }
            Frequency::Monthly | Frequency::Yearly if !by_day.is_empty() => {
                text.push_str(" on ");
                text.push_str(&weekdays(by_day));
            }
            Frequency::Monthly | Frequency::Yearly if !by_month_day.is_empty() => {
                let days: Vec<String> = by_month_day
                    .iter()
                    .map(|d| ordinal(i64::from(*d)))
                    .collect();
                text.push_str(" on the ");
                text.push_str(&list(&days));
            }
            _ => {}
        }
        if freq == Frequency::Yearly && !by_month.is_empty() {
            let months: Vec<String> = by_month
                .iter()
                .filter_map(|m| MONTHS.get(usize::from(*m).checked_sub(1)?))
                .map(|m| (*m).to_string())
                .collect();
            text.push_str(" in ");
            text.push_str(&list(&months));
        }
        if let Some(until) = rule.get_until() {
            let month = MONTHS
                .get(until.month0() as usize)
                .copied()
                .unwrap_or_default();
            text.push_str(&format!(", until {} {month} {}", until.day(), until.year()));
        } else if let Some(count) = rule.get_count() {
            text.push_str(&if count == 1 {
                ", once".to_string()
            } else {
                format!(", {count} times")
            });
        }
        Some(text)
    }
}

fn span(d: IcalDuration) -> String {
    let total = d.exact().num_seconds().unsigned_abs();
    let (weeks, days, hours, minutes) = (
        total / 604_800,
        total % 604_800 / 86_400,
        total % 86_400 / 3_600,
        total % 3_600 / 60,
    );
    let parts: Vec<String> = [
        (weeks, "week"),
        (days, "day"),
        (hours, "hour"),
        (minutes, "minute"),
    ]
    .iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, name)| format!("{n} {name}{}", if *n == 1 { "" } else { "s" }))
    .collect();
    list(&parts)
}

impl Alarm {
    /// When the alarm fires and what it does, in words: "15 minutes before", "1 day after the
    /// end (sound)", "At 2026-12-01 08:00 UTC".
    pub fn text(&self) -> String {
        let when = match self.trigger {
            Trigger::At(at) => format!("At {}", at.format("%Y-%m-%d %H:%M UTC")),
            Trigger::Start(d) | Trigger::End(d) => {
                let edge = if matches!(self.trigger, Trigger::End(_)) {
                    " the end"
                } else {
                    ""
                };
                match d.exact().num_seconds() {
                    0 if edge.is_empty() => "At the start".to_string(),
                    0 => "At the end".to_string(),
                    n if n < 0 => format!("{} before{edge}", span(d)),
                    _ => format!(
                        "{} after{}",
                        span(d),
                        if edge.is_empty() { " the start" } else { edge }
                    ),
                }
            }
        };
        let repeats = match (self.repeat, self.interval) {
            (0, _) | (_, None) => String::new(),
            (n, Some(gap)) => format!(", then {n} more every {}", span(gap)),
        };
        let kind = match &self.action {
            AlarmAction::Display => "",
            AlarmAction::Audio => " (sound)",
            AlarmAction::Email => " (e-mail)",
            AlarmAction::Other(_) => " (other)",
        };
        format!("{when}{repeats}{kind}")
    }
}

#[cfg(test)]
mod tests {
    use crate::parse;

    fn master(body: &str) -> crate::Event {
        let ics = format!(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:d\r\n\
             DTSTART;TZID=Europe/Berlin:20260602T090000\r\nDURATION:PT1H\r\n{body}\
             END:VEVENT\r\nEND:VCALENDAR\r\n"
        );
        parse(&ics).unwrap().master.unwrap()
    }

    #[test]
    fn rules_read_as_a_person_would_say_them() {
        let cases = [
            (
                "RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH;UNTIL=20270630T215959Z\r\n",
                "Every 2 weeks on Tuesday and Thursday, until 30 June 2027",
            ),
            ("RRULE:FREQ=DAILY;COUNT=5\r\n", "Every day, 5 times"),
            (
                "RRULE:FREQ=MONTHLY;BYDAY=-1FR\r\n",
                "Every month on the last Friday",
            ),
            (
                "RRULE:FREQ=MONTHLY;BYMONTHDAY=1,15\r\n",
                "Every month on the 1st and 15th",
            ),
            (
                "RRULE:FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=2\r\n",
                "Every year on the 2nd in June",
            ),
        ];
        for (rule, words) in cases {
            assert_eq!(
                master(rule).recurrence_text().as_deref(),
                Some(words),
                "{rule}"
            );
        }
        assert_eq!(master("").recurrence_text(), None);
    }

    #[test]
    fn alarms_say_when_they_fire() {
        let event = master(
            "BEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:-PT15M\r\nEND:VALARM\r\n\
             BEGIN:VALARM\r\nACTION:AUDIO\r\nTRIGGER;RELATED=END:PT0S\r\nEND:VALARM\r\n\
             BEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:-P1DT2H\r\nREPEAT:2\r\nDURATION:PT5M\r\n\
             END:VALARM\r\n\
             BEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER;VALUE=DATE-TIME:20260601T070000Z\r\n\
             END:VALARM\r\n",
        );
        let words: Vec<String> = event.alarms.iter().map(crate::Alarm::text).collect();
        assert_eq!(
            words,
            [
                "15 minutes before",
                "At the end (sound)",
                "1 day and 2 hours before, then 2 more every 5 minutes",
                "At 2026-06-01 07:00 UTC",
            ]
        );
    }
}
