//! One occurrence as `ics expand` and `agenda` print it: the JSON object scripts read and the
//! line people read. Both commands go through [`OccurrenceOut`], so their fields and formats
//! cannot drift apart.

use almanac_core::EventTime;
use almanac_ical::{Occurrence, local_to_utc, to_utc};
use almanac_store::AgendaItem;
use chrono::SecondsFormat;
use chrono_tz::Tz;
use serde_json::{Map, Value};

/// What is printed of one occurrence, borrowed from an expansion or an agenda item.
#[derive(Clone, Copy, Debug)]
pub struct OccurrenceOut<'a> {
    /// The event's UID.
    pub uid: &'a str,
    /// `SUMMARY`, if any.
    pub summary: Option<&'a str>,
    /// Start as the producer wrote it.
    pub start: &'a EventTime,
    /// End (exclusive) as the producer wrote it.
    pub end: &'a EventTime,
    /// Whether it is a whole-day occurrence.
    pub all_day: bool,
    /// Its RECURRENCE-ID, for occurrences of a series.
    pub recurrence_id: Option<&'a EventTime>,
    /// `STATUS` in lowercase.
    pub status: Option<&'a str>,
    /// Whether an override changed this occurrence (known for expansions only).
    pub changed: bool,
    /// Whether its event has a change the server does not have yet (stored events only).
    pub pending: bool,
}

impl<'a> From<&'a Occurrence> for OccurrenceOut<'a> {
    fn from(o: &'a Occurrence) -> Self {
        OccurrenceOut {
            uid: o.uid.as_str(),
            summary: o.summary(),
            start: &o.start,
            end: &o.end,
            all_day: o.all_day,
            recurrence_id: o.recurrence_id.as_ref(),
            status: o.status.map(|s| s.as_str()),
            changed: o.is_override,
            pending: false,
        }
    }
}

impl<'a> From<&'a AgendaItem> for OccurrenceOut<'a> {
    fn from(i: &'a AgendaItem) -> Self {
        OccurrenceOut {
            uid: i.uid.as_str(),
            summary: i.summary.as_deref(),
            start: &i.start,
            end: &i.end,
            all_day: i.all_day,
            recurrence_id: i.recurrence_id.as_ref(),
            status: i.status.map(|s| s.as_str()),
            changed: false,
            pending: i.pending,
        }
    }
}

/// `YYYY-MM-DD` for dates, `YYYY-MM-DDTHH:MM:SS` for floating times, RFC 3339 with the time's
/// own UTC offset otherwise (a time in a DST gap shows the instant it denotes).
pub fn format_time(t: &EventTime) -> String {
    match *t {
        EventTime::Date { date } => date.format("%Y-%m-%d").to_string(),
        EventTime::Floating { local } => local.format("%Y-%m-%dT%H:%M:%S").to_string(),
        EventTime::Utc { instant } => instant.to_rfc3339_opts(SecondsFormat::Secs, true),
        EventTime::Zoned { local, tz } => local_to_utc(tz, local)
            .with_timezone(&tz)
            .format("%Y-%m-%dT%H:%M:%S%:z")
            .to_string(),
    }
}

impl OccurrenceOut<'_> {
    /// The JSON object: uid, summary, start, end, all_day, recurrence_id, status.
    pub fn json(&self) -> Map<String, Value> {
        let mut m = Map::new();
        m.insert("uid".into(), self.uid.into());
        m.insert("summary".into(), self.summary.into());
        m.insert("start".into(), format_time(self.start).into());
        m.insert("end".into(), format_time(self.end).into());
        m.insert("all_day".into(), self.all_day.into());
        m.insert(
            "recurrence_id".into(),
            self.recurrence_id.map(format_time).into(),
        );
        m.insert("status".into(), self.status.into());
        m.insert("pending".into(), self.pending.into());
        m
    }

    /// One line in the viewer's zone: `2026-03-30 10:00–11:00  Title`, or the day(s) of an
    /// all-day event; `[changed]`, `[not yet on the server]` and a status other than confirmed
    /// are appended.
    pub fn readable(&self, viewer: Tz) -> String {
        let summary = self.summary.unwrap_or("(no title)");
        let mut line = if let (EventTime::Date { date: s }, EventTime::Date { date: e }) =
            (*self.start, *self.end)
        {
            let last = e.pred_opt().filter(|l| *l > s).unwrap_or(s);
            if last == s {
                format!("{s}  all day      {summary}")
            } else {
                format!("{s} – {last}  all day  {summary}")
            }
        } else {
            let s = to_utc(self.start, viewer).with_timezone(&viewer);
            let e = to_utc(self.end, viewer).with_timezone(&viewer);
            let end = if s.date_naive() == e.date_naive() {
                e.format("%H:%M").to_string()
            } else {
                e.format("%Y-%m-%d %H:%M").to_string()
            };
            format!("{}–{end}  {summary}", s.format("%Y-%m-%d %H:%M"))
        };
        if self.changed {
            line.push_str("  [changed]");
        }
        if self.pending {
            line.push_str("  [not yet on the server]");
        }
        if let Some(status) = self.status.filter(|s| *s != "confirmed") {
            line.push_str(&format!("  ({status})"));
        }
        line
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn zoned_times_keep_their_offset_and_dates_their_form() {
        let local = NaiveDate::from_ymd_opt(2026, 12, 1)
            .and_then(|d| d.and_hms_opt(10, 0, 0))
            .unwrap();
        let berlin = EventTime::Zoned {
            local,
            tz: chrono_tz::Europe::Berlin,
        };
        assert_eq!(format_time(&berlin), "2026-12-01T10:00:00+01:00");
        let date = EventTime::Date { date: local.date() };
        assert_eq!(format_time(&date), "2026-12-01");
        let end = EventTime::Zoned {
            local: local + chrono::Duration::hours(1),
            tz: chrono_tz::Europe::Berlin,
        };
        let out = OccurrenceOut {
            uid: "u",
            summary: Some("Kickoff"),
            start: &berlin,
            end: &end,
            all_day: false,
            recurrence_id: None,
            status: Some("tentative"),
            changed: false,
            pending: false,
        };
        assert_eq!(
            out.readable(chrono_tz::America::New_York),
            "2026-12-01 04:00–05:00  Kickoff  (tentative)"
        );
        let json = out.json();
        assert_eq!(json["recurrence_id"], Value::Null);
        assert_eq!(json["status"], "tentative");
    }
}
