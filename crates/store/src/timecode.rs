//! [`EventTime`] in three columns: kind, wall-clock seconds, zone name.

use almanac_core::EventTime;
use chrono::{DateTime, NaiveDateTime};
use chrono_tz::Tz;

const DATE: i64 = 0;
const FLOATING: i64 = 1;
const UTC: i64 = 2;
const ZONED: i64 = 3;

/// `(kind, seconds, zone)`: seconds are the wall clock read as if UTC (the instant for UTC).
pub(crate) fn encode(t: &EventTime) -> (i64, i64, Option<&'static str>) {
    match *t {
        EventTime::Date { date } => (
            DATE,
            date.and_time(chrono::NaiveTime::MIN).and_utc().timestamp(),
            None,
        ),
        EventTime::Floating { local } => (FLOATING, local.and_utc().timestamp(), None),
        EventTime::Utc { instant } => (UTC, instant.timestamp(), None),
        EventTime::Zoned { local, tz } => (ZONED, local.and_utc().timestamp(), Some(tz.name())),
    }
}

/// The inverse of [`encode`]; `None` for values this build never writes.
pub(crate) fn decode(kind: i64, seconds: i64, tz: Option<&str>) -> Option<EventTime> {
    let wall: NaiveDateTime = DateTime::from_timestamp(seconds, 0)?.naive_utc();
    Some(match kind {
        DATE => EventTime::Date { date: wall.date() },
        FLOATING => EventTime::Floating { local: wall },
        UTC => EventTime::Utc {
            instant: wall.and_utc(),
        },
        ZONED => EventTime::Zoned {
            local: wall,
            tz: tz?.parse::<Tz>().ok()?,
        },
        _ => return None,
    })
}

/// Whether the time is a wall-clock value (floating or a date), read in the viewer's zone.
pub(crate) fn is_wall_clock(t: &EventTime) -> bool {
    matches!(t, EventTime::Date { .. } | EventTime::Floating { .. })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn every_kind_round_trips() {
        let local = NaiveDate::from_ymd_opt(2026, 3, 29)
            .and_then(|d| d.and_hms_opt(2, 30, 0))
            .unwrap();
        for t in [
            EventTime::Date { date: local.date() },
            EventTime::Floating { local },
            EventTime::Utc {
                instant: local.and_utc(),
            },
            EventTime::Zoned {
                local,
                tz: chrono_tz::Australia::Lord_Howe,
            },
        ] {
            let (k, s, z) = encode(&t);
            assert_eq!(decode(k, s, z), Some(t));
        }
        assert_eq!(decode(9, 0, None), None);
        assert_eq!(decode(ZONED, 0, Some("Mars/Olympus")), None);
    }
}
