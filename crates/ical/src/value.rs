//! Property values: DATE, DATE-TIME, DURATION, PERIOD and TEXT (RFC 5545 §3.3).

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime, Weekday};

/// `YYYYMMDD`.
pub(crate) fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    if s.len() != 8 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let y = s.get(0..4)?.parse().ok()?;
    let m = s.get(4..6)?.parse().ok()?;
    let d = s.get(6..8)?.parse().ok()?;
    NaiveDate::from_ymd_opt(y, m, d)
}

/// `YYYYMMDDTHHMMSS[Z]`; returns the wall-clock time and whether it ended in `Z`. Seconds may be
/// missing and a leap second is read as :59, as some producers emit both.
pub(crate) fn parse_date_time(s: &str) -> Option<(NaiveDateTime, bool)> {
    let s = s.trim();
    let (s, utc) = match s.strip_suffix('Z').or_else(|| s.strip_suffix('z')) {
        Some(rest) => (rest, true),
        None => (s, false),
    };
    let (date, time) = s.split_once(['T', 't'])?;
    let date = parse_date(date)?;
    if !(time.len() == 4 || time.len() == 6) || !time.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let h = time.get(0..2)?.parse().ok()?;
    let m = time.get(2..4)?.parse().ok()?;
    let sec: u32 = time.get(4..6).map_or(Some(0), |v| v.parse().ok())?;
    let t = NaiveTime::from_hms_opt(h, m, sec.min(59))?;
    Some((date.and_time(t), utc))
}

/// A DURATION value: a nominal part in days (weeks are 7 days) that follows the wall clock, and
/// an exact part in seconds (RFC 5545 §3.3.6).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct IcalDuration {
    /// Whole days, added on the calendar (a day across a DST change is 23 or 25 hours).
    pub days: i64,
    /// Exact seconds.
    pub seconds: i64,
}

impl IcalDuration {
    /// The duration as exact time, counting days as 24 hours.
    pub fn exact(self) -> Duration {
        Duration::seconds(
            self.days
                .saturating_mul(86_400)
                .saturating_add(self.seconds),
        )
    }

    /// Whether the duration is negative overall.
    pub fn is_negative(self) -> bool {
        self.days
            .saturating_mul(86_400)
            .saturating_add(self.seconds)
            < 0
    }
}

/// `[+-]P[nW][nD][T[nH][nM][nS]]`, with reasonable bounds so arithmetic cannot overflow.
pub(crate) fn parse_duration(s: &str) -> Option<IcalDuration> {
    let s = s.trim();
    let (sign, rest) = match s.as_bytes().first()? {
        b'-' => (-1, s.get(1..)?),
        b'+' => (1, s.get(1..)?),
        _ => (1, s),
    };
    let rest = rest.strip_prefix(['P', 'p'])?;
    let (mut days, mut seconds) = (0i64, 0i64);
    let mut number: Option<i64> = None;
    let mut in_time = false;
    let mut any = false;
    for c in rest.chars() {
        if let Some(d) = c.to_digit(10) {
            let n = number
                .unwrap_or(0)
                .checked_mul(10)?
                .checked_add(i64::from(d))?;
            if n > 1_000_000_000 {
                return None;
            }
            number = Some(n);
            continue;
        }
        match (c.to_ascii_uppercase(), in_time) {
            ('T', false) => {
                in_time = true;
                continue;
            }
            ('W', false) => days += number.take()? * 7,
            ('D', false) => days += number.take()?,
            ('H', true) => seconds += number.take()? * 3600,
            ('M', true) => seconds += number.take()? * 60,
            ('S', true) => seconds += number.take()?,
            _ => return None,
        }
        any = true;
        if days > 1_000_000_000 || seconds > 100_000_000_000_000 {
            return None;
        }
    }
    if number.is_some() || !any {
        return None;
    }
    Some(IcalDuration {
        days: sign * days,
        seconds: sign * seconds,
    })
}

/// Unescapes a TEXT value (`\n`, `\,`, `\;`, `\\`).
pub(crate) fn unescape_text(s: &str) -> String {
    if !s.contains('\\') {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n' | 'N') => out.push('\n'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

/// Splits a list value on commas that are not escaped.
pub(crate) fn split_list(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        match c {
            '\\' if !escaped => escaped = true,
            ',' if !escaped => {
                out.extend(s.get(start..i));
                start = i + 1;
            }
            _ => escaped = false,
        }
    }
    out.extend(s.get(start..));
    out.into_iter()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .collect()
}

/// A weekday code of a recurrence rule (`MO` … `SU`, RFC 5545 §3.3.10).
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(
            parse_duration("-PT15M"),
            Some(IcalDuration {
                days: 0,
                seconds: -900
            })
        );
        assert_eq!(
            parse_duration("P1W2DT1H"),
            Some(IcalDuration {
                days: 9,
                seconds: 3600
            })
        );
        assert_eq!(parse_duration("P"), None);
        assert_eq!(parse_duration("PT5"), None);
        assert_eq!(parse_duration("P1H"), None);
        assert_eq!(parse_duration("P99999999999999999999D"), None);
    }

    #[test]
    fn date_times() {
        let (t, utc) = parse_date_time("20260329T023000Z").unwrap();
        assert!(utc);
        assert_eq!(t.to_string(), "2026-03-29 02:30:00");
        assert_eq!(parse_date_time("20260229T000000"), None);
        assert_eq!(parse_date_time("2026-03-29"), None);
        assert_eq!(parse_date("20261231").unwrap().to_string(), "2026-12-31");
    }

    #[test]
    fn text() {
        assert_eq!(unescape_text(r"a\, b\; c\nd\\"), "a, b; c\nd\\");
        assert_eq!(split_list(r"a\,b, c,,"), vec![r"a\,b", "c"]);
    }
}
