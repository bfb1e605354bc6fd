//! Dates and times typed on the command line (`--from`, `--to`), read in the viewer's zone.

use almanac_ical::local_to_utc;
use anyhow::anyhow;
use chrono::{DateTime, Days, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use chrono_tz::Tz;

/// Parses `YYYY-MM-DD` (midnight) or `YYYY-MM-DDTHH:MM[:SS]` as a wall-clock time in `tz`;
/// `flag` names the option in the error.
///
/// # Errors
/// When the value has neither form.
pub fn parse_bound(value: &str, tz: Tz, flag: &str) -> anyhow::Result<DateTime<Utc>> {
    let local = if let Ok(d) = NaiveDate::parse_from_str(value, "%Y-%m-%d") {
        d.and_time(NaiveTime::MIN)
    } else {
        ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]
            .iter()
            .find_map(|f| NaiveDateTime::parse_from_str(value, f).ok())
            .ok_or_else(|| anyhow!("{flag} {value:?}: expected YYYY-MM-DD or YYYY-MM-DDTHH:MM"))?
    };
    Ok(local_to_utc(tz, local))
}

/// Midnight `days` days after the day of `now` in `tz` (0: today's midnight).
pub fn midnight_after(now: DateTime<Utc>, tz: Tz, days: u64) -> DateTime<Utc> {
    let today = now.with_timezone(&tz).date_naive();
    let day = today.checked_add_days(Days::new(days)).unwrap_or(today);
    local_to_utc(tz, day.and_time(NaiveTime::MIN))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_are_wall_clock_times_in_the_zone() {
        let berlin = chrono_tz::Europe::Berlin;
        let t = parse_bound("2026-12-01T10:00", berlin, "--from").unwrap();
        assert_eq!(t.to_rfc3339(), "2026-12-01T09:00:00+00:00");
        let d = parse_bound("2026-07-01", berlin, "--to").unwrap();
        assert_eq!(d.to_rfc3339(), "2026-06-30T22:00:00+00:00");
        let err = parse_bound("tomorrow", berlin, "--to").unwrap_err();
        assert!(err.to_string().contains("--to \"tomorrow\""));
    }

    #[test]
    fn a_week_of_days_spans_a_dst_change_by_the_wall_clock() {
        let berlin = chrono_tz::Europe::Berlin;
        let now = parse_bound("2026-03-27T15:00", berlin, "x").unwrap();
        let from = midnight_after(now, berlin, 0);
        let to = midnight_after(now, berlin, 7);
        assert_eq!(from.to_rfc3339(), "2026-03-26T23:00:00+00:00");
        // 29 March has 23 hours in Berlin.
        assert_eq!(to.to_rfc3339(), "2026-04-02T22:00:00+00:00");
    }
}
