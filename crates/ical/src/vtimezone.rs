//! VTIMEZONE definitions for the IANA zones we write, derived from chrono-tz's data.
//!
//! RFC 5545 §3.2.19 wants a VTIMEZONE for every TZID an object uses, and writing-caldav.md §1.4
//! lists one per TZID in the shape every object should have. CalendarServer (iCloud's likely
//! ancestor) accepts an Olson TZID without one, but Radicale, Nextcloud and clients without a
//! zone database read the definition, so we always send it.
//!
//! The definition describes the transitions around the year the event starts: zones with a
//! yearly rule (most of Europe, North America, Australia) get the compact Apple-style form,
//! a STANDARD and a DAYLIGHT block with `RRULE:FREQ=YEARLY;BYMONTH=..;BYDAY=..` (valid for every
//! later year, as a recurring event needs); zones whose transitions follow no such rule get one
//! block per transition for the following years; zones without transitions get one block.
//! Readers that know the TZID (this crate included) use their own database, which is kept
//! current, and never look at these rules.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, Offset, TimeZone, Weekday};
use chrono_tz::{OffsetComponents, OffsetName, Tz};

/// One change of UTC offset.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Transition {
    /// Wall-clock time of the change in the offset before it, as VTIMEZONE's DTSTART is written.
    onset: NaiveDateTime,
    from: i32,
    to: i32,
    name: Option<String>,
    daylight: bool,
}

fn offset_at(tz: Tz, utc: NaiveDateTime) -> (i32, Option<String>, bool) {
    let off = tz.offset_from_utc_datetime(&utc);
    (
        off.fix().local_minus_utc(),
        off.abbreviation().map(str::to_owned),
        !off.dst_offset().is_zero(),
    )
}

/// The transitions from January of `from` to January of `to`, found day by day and then to the
/// second by bisection.
fn transitions(tz: Tz, from: i32, to: i32) -> Vec<Transition> {
    let mut out = Vec::new();
    let (Some(start), Some(end)) = (
        NaiveDate::from_ymd_opt(from, 1, 1),
        NaiveDate::from_ymd_opt(to, 1, 1),
    ) else {
        return out;
    };
    let mut day = start.and_time(chrono::NaiveTime::MIN);
    let end = end.and_time(chrono::NaiveTime::MIN);
    let mut before = offset_at(tz, day);
    while day < end {
        let next = day + Duration::days(1);
        let after = offset_at(tz, next);
        if after.0 != before.0 || after.2 != before.2 {
            let (mut lo, mut hi) = (day, next);
            while hi - lo > Duration::seconds(1) {
                let mid = lo + (hi - lo) / 2;
                if offset_at(tz, mid).0 == before.0 && offset_at(tz, mid).2 == before.2 {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            let now = offset_at(tz, hi);
            out.push(Transition {
                onset: hi + Duration::seconds(i64::from(before.0)),
                from: before.0,
                to: now.0,
                name: now.1,
                daylight: now.2,
            });
        }
        before = after;
        day = next;
    }
    out
}

/// `BYDAY` for a date: `-1SU` when it is the last such weekday of its month, else `2SU`.
fn byday(date: NaiveDate, last: bool) -> String {
    let wd = match date.weekday() {
        Weekday::Mon => "MO",
        Weekday::Tue => "TU",
        Weekday::Wed => "WE",
        Weekday::Thu => "TH",
        Weekday::Fri => "FR",
        Weekday::Sat => "SA",
        Weekday::Sun => "SU",
    };
    if last {
        format!("-1{wd}")
    } else {
        format!("{}{wd}", (date.day() - 1) / 7 + 1)
    }
}

fn is_last_of_month(date: NaiveDate) -> bool {
    (date + Duration::days(7)).month() != date.month()
}

/// The yearly rule every transition in `group` follows, if there is one.
fn yearly_rule(group: &[&Transition]) -> Option<String> {
    let first = group.first()?;
    let (month, time) = (first.onset.month(), first.onset.time());
    let same = |f: &dyn Fn(&Transition) -> String| group.iter().all(|t| f(t) == f(first));
    if !group
        .iter()
        .all(|t| t.onset.month() == month && t.onset.time() == time)
    {
        return None;
    }
    let last = group.iter().all(|t| is_last_of_month(t.onset.date()));
    if !same(&|t| byday(t.onset.date(), last)) {
        return None;
    }
    Some(format!(
        "FREQ=YEARLY;BYMONTH={month};BYDAY={}",
        byday(first.onset.date(), last)
    ))
}

fn utc_offset(seconds: i32) -> String {
    let sign = if seconds < 0 { '-' } else { '+' };
    let s = seconds.unsigned_abs();
    let (h, m, sec) = (s / 3600, s % 3600 / 60, s % 60);
    if sec == 0 {
        format!("{sign}{h:02}{m:02}")
    } else {
        format!("{sign}{h:02}{m:02}{sec:02}")
    }
}

fn observance(t: &Transition, rrule: Option<&str>, eol: &str) -> String {
    let kind = if t.daylight { "DAYLIGHT" } else { "STANDARD" };
    let mut out = format!("BEGIN:{kind}{eol}");
    out.push_str(&format!("TZOFFSETFROM:{}{eol}", utc_offset(t.from)));
    out.push_str(&format!("TZOFFSETTO:{}{eol}", utc_offset(t.to)));
    if let Some(name) = &t.name {
        out.push_str(&crate::lines::content_line(
            "TZNAME",
            &[],
            &crate::lines::escape_text(name),
            eol,
        ));
    }
    out.push_str(&format!("DTSTART:{}{eol}", t.onset.format("%Y%m%dT%H%M%S")));
    if let Some(rule) = rrule {
        out.push_str(&format!("RRULE:{rule}{eol}"));
    }
    out.push_str(&format!("END:{kind}{eol}"));
    out
}

/// A VTIMEZONE for `tz` that covers `year` (the year of the event's start) and after.
pub(crate) fn vtimezone(tz: Tz, year: i32, eol: &str) -> String {
    let mut out = format!("BEGIN:VTIMEZONE{eol}");
    out.push_str(&crate::lines::content_line("TZID", &[], tz.name(), eol));
    let around = transitions(tz, year - 1, year + 2);
    let mut kinds: Vec<(i32, i32, bool)> = Vec::new();
    for t in &around {
        if !kinds.contains(&(t.from, t.to, t.daylight)) {
            kinds.push((t.from, t.to, t.daylight));
        }
    }
    let groups: Vec<Vec<&Transition>> = kinds
        .iter()
        .map(|k| {
            around
                .iter()
                .filter(|t| (t.from, t.to, t.daylight) == *k)
                .collect()
        })
        .collect();
    let rules: Option<Vec<String>> = groups.iter().map(|g| yearly_rule(g)).collect();
    match rules {
        _ if around.is_empty() => {
            let jan = NaiveDate::from_ymd_opt(year, 1, 1)
                .unwrap_or_default()
                .and_time(chrono::NaiveTime::MIN);
            let (offset, name, daylight) = offset_at(tz, jan);
            let fixed = Transition {
                onset: NaiveDate::from_ymd_opt(1970, 1, 1)
                    .unwrap_or_default()
                    .and_time(chrono::NaiveTime::MIN),
                from: offset,
                to: offset,
                name,
                daylight,
            };
            out.push_str(&observance(&fixed, None, eol));
        }
        Some(rules) if groups.iter().all(|g| g.len() >= 2) => {
            for (group, rule) in groups.iter().zip(&rules) {
                if let Some(first) = group.first() {
                    out.push_str(&observance(first, Some(rule), eol));
                }
            }
        }
        _ => {
            for t in transitions(tz, year - 1, year + 6) {
                out.push_str(&observance(&t, None, eol));
            }
        }
    }
    out.push_str(&format!("END:VTIMEZONE{eol}"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn berlin_gets_two_yearly_rules_like_apple_writes() {
        let text = vtimezone(chrono_tz::Europe::Berlin, 2026, "\n");
        assert!(text.contains("TZID:Europe/Berlin\n"), "{text}");
        assert!(text.contains(
            "BEGIN:DAYLIGHT\nTZOFFSETFROM:+0100\nTZOFFSETTO:+0200\nTZNAME:CEST\n\
             DTSTART:20250330T020000\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\nEND:DAYLIGHT"
        ));
        assert!(text.contains("DTSTART:20251026T030000\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU"));
    }

    #[test]
    fn new_york_uses_nth_sundays_and_fixed_zones_one_block() {
        let ny = vtimezone(chrono_tz::America::New_York, 2026, "\n");
        assert!(ny.contains("RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU"), "{ny}");
        assert!(
            ny.contains("RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU"),
            "{ny}"
        );
        let tokyo = vtimezone(chrono_tz::Asia::Tokyo, 2026, "\n");
        assert_eq!(tokyo.matches("BEGIN:STANDARD").count(), 1, "{tokyo}");
        assert!(tokyo.contains("TZOFFSETFROM:+0900\nTZOFFSETTO:+0900"));
    }

    /// Read under a name no database knows, the definition alone must give Berlin's offsets on
    /// both sides of both changes, this year and in years the RRULEs project.
    #[test]
    fn the_definition_alone_gives_the_zones_offsets() {
        let zone = vtimezone(chrono_tz::Europe::Berlin, 2026, "\r\n")
            .replace("TZID:Europe/Berlin", "TZID:Almanac Test Zone");
        for (local, utc) in [
            ("20260328T120000", "2026-03-28 11:00:00 UTC"),
            ("20260329T120000", "2026-03-29 10:00:00 UTC"),
            ("20261024T120000", "2026-10-24 10:00:00 UTC"),
            ("20261025T120000", "2026-10-25 11:00:00 UTC"),
            ("20290701T120000", "2029-07-01 10:00:00 UTC"),
        ] {
            let text = format!(
                "BEGIN:VCALENDAR\r\n{zone}BEGIN:VEVENT\r\nUID:x\r\n\
                 DTSTART;TZID=Almanac Test Zone:{local}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
            );
            let object = crate::parse(&text).unwrap();
            assert!(object.warnings.is_empty(), "{:?}", object.warnings);
            let start = object.master.unwrap().start;
            assert_eq!(
                crate::to_utc(&start, chrono_tz::UTC).to_string(),
                utc,
                "{local}"
            );
        }
    }

    #[test]
    fn southern_hemisphere_and_half_hour_offsets() {
        let adelaide = vtimezone(chrono_tz::Australia::Adelaide, 2026, "\n");
        assert!(adelaide.contains("TZOFFSETTO:+1030"), "{adelaide}");
        assert!(adelaide.contains("BYMONTH=10;BYDAY=1SU"), "{adelaide}");
    }
}
