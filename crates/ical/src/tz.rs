//! Time zones: TZID to IANA zone, and wall-clock time to instants as RFC 5545 prescribes.
//!
//! A TZID is resolved in this order: an IANA name; an IANA name at the end of a prefixed TZID
//! (`/mozilla.org/20050126_1/Europe/Berlin`, `/freeassociation.sourceforge.net/Europe/Rome`);
//! CLDR's Windows names (Outlook/Exchange: `W. Europe Standard Time`, see `windows`); the VTIMEZONE's
//! `X-LIC-LOCATION`; and last the IANA zone whose offsets and transitions match the resource's
//! own VTIMEZONE (Outlook's `Customized Time Zone`). The VTIMEZONE is trusted less than an IANA
//! name because producers copy stale rules into it; the IANA database is kept current.

use crate::lexer::Component;
use crate::value::parse_date_time;
use almanac_core::EventTime;
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;

mod windows;

/// `t + d`, saturating at chrono's range instead of panicking: hostile durations and shifts
/// must not bring expansion down.
pub(crate) fn add_naive(t: NaiveDateTime, d: Duration) -> NaiveDateTime {
    t.checked_add_signed(d).unwrap_or(if d < Duration::zero() {
        NaiveDateTime::MIN
    } else {
        NaiveDateTime::MAX
    })
}

/// `t + d` on instants, saturating like [`add_naive`].
pub(crate) fn add_utc(t: DateTime<Utc>, d: Duration) -> DateTime<Utc> {
    t.checked_add_signed(d).unwrap_or(if d < Duration::zero() {
        DateTime::<Utc>::MIN_UTC
    } else {
        DateTime::<Utc>::MAX_UTC
    })
}

/// The instant a wall-clock time in `tz` denotes. In a DST overlap the earlier instant is meant,
/// and a time in a gap is read with the offset before the gap (RFC 5545 §3.3.5), so 02:30 on
/// the spring-forward night in Berlin is 01:30 UTC, shown as 03:30.
pub fn local_to_utc(tz: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    match tz.from_local_datetime(&local) {
        chrono::LocalResult::Single(t) => t.with_timezone(&Utc),
        chrono::LocalResult::Ambiguous(a, b) => a.with_timezone(&Utc).min(b.with_timezone(&Utc)),
        chrono::LocalResult::None => {
            let before = add_naive(local, -Duration::hours(12));
            let offset = tz
                .from_local_datetime(&before)
                .earliest()
                .map_or(0, |t| t.offset().fix().local_minus_utc());
            add_naive(local, -Duration::seconds(i64::from(offset))).and_utc()
        }
    }
}

/// The instant an [`EventTime`] denotes for a viewer in `viewer`: floating times and dates are
/// wall-clock values there (a date starts at the viewer's midnight).
pub fn to_utc(time: &EventTime, viewer: Tz) -> DateTime<Utc> {
    match *time {
        EventTime::Date { date } => local_to_utc(viewer, date.and_time(chrono::NaiveTime::MIN)),
        EventTime::Floating { local } => local_to_utc(viewer, local),
        EventTime::Utc { instant } => instant,
        EventTime::Zoned { local, tz } => local_to_utc(tz, local),
    }
}

/// The wall-clock value of a time in its own frame (midnight for a date, UTC for UTC).
pub(crate) fn wall_clock(time: &EventTime) -> NaiveDateTime {
    match *time {
        EventTime::Date { date } => date.and_time(chrono::NaiveTime::MIN),
        EventTime::Floating { local } | EventTime::Zoned { local, .. } => local,
        EventTime::Utc { instant } => instant.naive_utc(),
    }
}

/// A time of the same kind and zone as `form`, at wall-clock `local`.
pub(crate) fn with_wall_clock(form: &EventTime, local: NaiveDateTime) -> EventTime {
    match *form {
        EventTime::Date { .. } => EventTime::Date { date: local.date() },
        EventTime::Floating { .. } => EventTime::Floating { local },
        EventTime::Utc { .. } => EventTime::Utc {
            instant: local.and_utc(),
        },
        EventTime::Zoned { tz, .. } => EventTime::Zoned { local, tz },
    }
}

/// An instant expressed in the frame of `form` (viewer zone for floating and dates).
pub(crate) fn in_frame_of(form: &EventTime, instant: DateTime<Utc>, viewer: Tz) -> EventTime {
    match *form {
        EventTime::Date { .. } => EventTime::Date {
            date: instant.with_timezone(&viewer).date_naive(),
        },
        EventTime::Floating { .. } => EventTime::Floating {
            local: instant.with_timezone(&viewer).naive_local(),
        },
        EventTime::Utc { .. } => EventTime::Utc { instant },
        EventTime::Zoned { tz, .. } => EventTime::Zoned {
            local: instant.with_timezone(&tz).naive_local(),
            tz,
        },
    }
}

/// Resolves a TZID to an IANA zone; see the module overview for the order.
pub(crate) fn resolve(tzid: &str, vtimezones: &[&Component]) -> Option<Tz> {
    let tzid = tzid.trim().trim_matches('"');
    if let Some(tz) = iana(tzid) {
        return Some(tz);
    }
    let definition = vtimezones
        .iter()
        .find(|c| c.prop("TZID").is_some_and(|p| p.value.trim() == tzid))
        .copied();
    if let Some(tz) = definition
        .and_then(|d| d.prop("X-LIC-LOCATION"))
        .and_then(|p| iana(p.value.trim()))
    {
        return Some(tz);
    }
    definition.and_then(match_definition)
}

/// An IANA name, a prefixed IANA name, or a Windows name.
pub(crate) fn iana(name: &str) -> Option<Tz> {
    if let Ok(tz) = name.parse::<Tz>() {
        return Some(tz);
    }
    let parts: Vec<&str> = name.split('/').filter(|p| !p.is_empty()).collect();
    for take in (1..=parts.len().min(3)).rev() {
        let candidate = parts.get(parts.len() - take..).map(|p| p.join("/"));
        if let Some(tz) = candidate.and_then(|c| c.parse::<Tz>().ok()) {
            // A bare last segment like "Berlin" is no IANA name; only accept region names.
            if take > 1 || parts.len() == 1 {
                return Some(tz);
            }
        }
    }
    windows::iana(name).and_then(|iana| iana.parse().ok())
}

/// One STANDARD or DAYLIGHT block: its onsets (wall-clock in the offset before) and offsets.
struct Observance {
    onsets: Vec<NaiveDateTime>,
    from: i32,
    to: i32,
}

fn parse_offset(s: &str) -> Option<i32> {
    let s = s.trim();
    let (sign, digits) = match s.as_bytes().first()? {
        b'-' => (-1, s.get(1..)?),
        b'+' => (1, s.get(1..)?),
        _ => (1, s),
    };
    if !(digits.len() == 4 || digits.len() == 6) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let h: i32 = digits.get(0..2)?.parse().ok()?;
    let m: i32 = digits.get(2..4)?.parse().ok()?;
    let sec: i32 = digits.get(4..6).map_or(Some(0), |v| v.parse().ok())?;
    Some(sign * (h * 3600 + m * 60 + sec))
}

/// Onsets of an observance in `year`: its DTSTART, RDATEs, and a yearly `BYMONTH`/`BYDAY` rule
/// (the only shape VTIMEZONE rules take in practice).
fn observance(c: &Component, year: i32) -> Option<Observance> {
    let start = parse_date_time(&c.prop("DTSTART")?.value)?.0;
    let from = parse_offset(&c.prop("TZOFFSETFROM")?.value)?;
    let to = parse_offset(&c.prop("TZOFFSETTO")?.value)?;
    let mut onsets = vec![start];
    for rdate in c.props("RDATE") {
        onsets.extend(
            rdate
                .value
                .split(',')
                .filter_map(|v| parse_date_time(v).map(|(t, _)| t)),
        );
    }
    if let Some(rule) = c.prop("RRULE") {
        let mut month = None;
        let mut day = None;
        for part in rule.value.split(';') {
            match part.split_once('=') {
                Some(("BYMONTH", v)) => month = v.parse::<u32>().ok(),
                Some(("BYDAY", v)) => day = Some(v.to_owned()),
                _ => {}
            }
        }
        if let (Some(month), Some(day)) = (month, day)
            && let Some(date) = nth_weekday(year, month, &day)
            && year >= start.year()
        {
            onsets.push(date.and_time(start.time()));
        }
    }
    Some(Observance { onsets, from, to })
}

/// `BYDAY=-1SU` style: the nth (or nth-last) weekday of a month.
fn nth_weekday(year: i32, month: u32, byday: &str) -> Option<NaiveDate> {
    let split = byday.len().checked_sub(2)?;
    let n: i8 = match byday.get(..split)? {
        "" => 1,
        v => v.trim_start_matches('+').parse().ok()?,
    };
    let weekday = crate::value::weekday(byday.get(split..)?)?;
    let n = n.unsigned_abs();
    if byday.starts_with('-') {
        let next = if month == 12 {
            NaiveDate::from_ymd_opt(year + 1, 1, 1)?
        } else {
            NaiveDate::from_ymd_opt(year, month + 1, 1)?
        };
        let mut d = next.pred_opt()?;
        let mut seen = 0;
        while d.month() == month {
            if d.weekday() == weekday {
                seen += 1;
                if seen == n {
                    return Some(d);
                }
            }
            d = d.pred_opt()?;
        }
        None
    } else {
        NaiveDate::from_weekday_of_month_opt(year, month, weekday, n)
    }
}

/// The VTIMEZONE's UTC offset at `instant`.
fn offset_at(observances: &[Observance], instant: NaiveDateTime) -> Option<i32> {
    observances
        .iter()
        .flat_map(|o| {
            o.onsets
                .iter()
                .map(move |on| (*on - Duration::seconds(i64::from(o.from)), o.to))
        })
        .filter(|(onset_utc, _)| *onset_utc <= instant)
        .max_by_key(|(onset_utc, _)| *onset_utc)
        .map(|(_, to)| to)
}

/// The first IANA zone whose offsets agree with the definition around each of its transitions
/// in the current rules' year and in mid-winter and mid-summer.
fn match_definition(definition: &Component) -> Option<Tz> {
    // VTIMEZONEs in the wild describe the rules in force when they were written (Outlook dates
    // them 1601), so they are compared with IANA's rules for a fixed recent year.
    let year = 2026;
    let observances: Vec<Observance> = definition
        .children
        .iter()
        .filter(|c| c.name == "STANDARD" || c.name == "DAYLIGHT")
        .filter_map(|c| observance(c, year))
        .collect();
    let mut samples: Vec<NaiveDateTime> = [1, 7]
        .iter()
        .filter_map(|m| NaiveDate::from_ymd_opt(year, *m, 15))
        .map(|d| d.and_time(chrono::NaiveTime::MIN))
        .collect();
    for o in &observances {
        for on in o.onsets.iter().filter(|on| on.year() == year) {
            let utc = *on - Duration::seconds(i64::from(o.from));
            samples.push(utc - Duration::hours(1));
            samples.push(utc + Duration::hours(1));
        }
    }
    let expected: Vec<i32> = samples
        .iter()
        .map(|s| offset_at(&observances, *s))
        .collect::<Option<_>>()?;
    let preferred = |tz: &Tz| {
        let name = tz.name();
        [
            "Europe/",
            "America/",
            "Asia/",
            "Africa/",
            "Australia/",
            "Pacific/",
            "Atlantic/",
        ]
        .iter()
        .any(|p| name.starts_with(p))
    };
    let candidates = chrono_tz::TZ_VARIANTS
        .iter()
        .filter(|tz| preferred(tz))
        .chain(chrono_tz::TZ_VARIANTS.iter().filter(|tz| !preferred(tz)));
    candidates.copied().find(|tz| {
        samples
            .iter()
            .zip(&expected)
            .all(|(s, want)| tz.offset_from_utc_datetime(s).fix().local_minus_utc() == *want)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, mo, d)
            .unwrap()
            .and_hms_opt(h, mi, 0)
            .unwrap()
    }

    #[test]
    fn gap_uses_offset_before_and_overlap_the_first() {
        let berlin = chrono_tz::Europe::Berlin;
        assert_eq!(
            local_to_utc(berlin, at(2026, 3, 29, 2, 30)).naive_utc(),
            at(2026, 3, 29, 1, 30)
        );
        assert_eq!(
            local_to_utc(berlin, at(2026, 10, 25, 2, 30)).naive_utc(),
            at(2026, 10, 25, 0, 30)
        );
    }

    #[test]
    fn names_resolve() {
        assert_eq!(
            iana("/mozilla.org/20050126_1/Europe/Berlin"),
            Some(chrono_tz::Europe::Berlin)
        );
        assert_eq!(
            iana("W. Europe Standard Time"),
            Some(chrono_tz::Europe::Berlin)
        );
        assert_eq!(
            iana("/freeassociation.sourceforge.net/Tzfile/America/Argentina/Buenos_Aires"),
            Some(chrono_tz::America::Argentina::Buenos_Aires)
        );
        assert_eq!(iana("Berlin Time"), None);
        assert_eq!(
            nth_weekday(2026, 3, "-1SU"),
            NaiveDate::from_ymd_opt(2026, 3, 29)
        );
        assert_eq!(
            nth_weekday(2026, 11, "1SU"),
            NaiveDate::from_ymd_opt(2026, 11, 1)
        );
        assert_eq!(parse_offset("-0500"), Some(-18000));
    }
}
