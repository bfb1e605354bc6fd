//! Event time as iCalendar models it.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

/// A DTSTART, DTEND or RECURRENCE-ID value, kept in the form the producer chose.
///
/// The four forms mean different things and must not be collapsed early: a `Date` is a whole day
/// wherever the viewer is (an all-day event never moves a day east of UTC); a `Floating` time is
/// the same wall-clock time in every zone; `Utc` is an instant; `Zoned` is a wall-clock time in a
/// named zone, whose UTC offset depends on the date (DST).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EventTime {
    /// `VALUE=DATE`: a calendar day.
    Date {
        /// The day.
        date: NaiveDate,
    },
    /// A DATE-TIME with neither `Z` nor TZID.
    Floating {
        /// The wall-clock time, in whatever zone the viewer is in.
        local: NaiveDateTime,
    },
    /// A DATE-TIME ending in `Z`.
    Utc {
        /// The instant.
        instant: DateTime<Utc>,
    },
    /// A DATE-TIME with a TZID resolved to an IANA zone.
    Zoned {
        /// The wall-clock time in `tz`.
        local: NaiveDateTime,
        /// The zone; `Tz` serialises as its IANA name.
        tz: Tz,
    },
}

impl EventTime {
    /// Whether this is a whole-day value.
    pub fn is_date(&self) -> bool {
        matches!(self, EventTime::Date { .. })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zoned_times_serialise_with_their_iana_name() {
        let local = NaiveDate::from_ymd_opt(2026, 3, 29)
            .and_then(|d| d.and_hms_opt(2, 30, 0))
            .unwrap();
        let t = EventTime::Zoned {
            local,
            tz: chrono_tz::Europe::Berlin,
        };
        let json = serde_json::to_value(t).unwrap();
        assert_eq!(json["kind"], "zoned");
        assert_eq!(json["tz"], "Europe/Berlin");
        assert_eq!(serde_json::from_value::<EventTime>(json).unwrap(), t);
        assert!(!t.is_date());
    }
}
