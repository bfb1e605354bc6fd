//! An occurrence as a front end names it: the resource holding it and its start as the views
//! showed it (the display zone's wall clock, `YYYY-MM-DDTHH:MM:SS`, or `YYYY-MM-DD` for a
//! whole day). Found again by expanding the stored text around that start, so a moved
//! occurrence (an override) is found at its new time and edited under its RECURRENCE-ID.

use almanac_core::EventTime;
use almanac_ical::{CalendarObject, Event, Limits, Occurrence, Scope, Window};
use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use chrono_tz::Tz;

/// Which occurrences of a series an edit in a front end applies to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EditScope {
    /// The one shown.
    This,
    /// It and every later one.
    Following,
    /// The whole series (the only choice for an event that does not repeat).
    All,
}

/// `YYYY-MM-DDTHH:MM:SS` on `zone`'s wall clock.
pub fn wall_clock_text(instant: DateTime<Utc>, zone: Tz) -> String {
    instant
        .with_timezone(&zone)
        .format("%Y-%m-%dT%H:%M:%S")
        .to_string()
}

/// How the views write an occurrence's time: the date of an all-day occurrence, else the wall
/// clock in `zone`.
pub fn shown_time(time: &EventTime, instant: DateTime<Utc>, all_day: bool, zone: Tz) -> String {
    match time {
        EventTime::Date { date } if all_day => date.format("%Y-%m-%d").to_string(),
        _ => wall_clock_text(instant, zone),
    }
}

/// A shown time read back: a date, or a wall-clock time with or without seconds.
pub fn read_shown(text: &str) -> Option<NaiveDateTime> {
    let text = text.trim();
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map(|d| d.and_time(NaiveTime::MIN))
        .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S"))
        .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M"))
        .ok()
}

/// The occurrence of `objects` (one resource's, see [`almanac_ical::parse_objects`]) that the
/// views showed starting at `start` in `zone`, with the object it belongs to.
pub fn find<'a>(
    objects: &'a [CalendarObject],
    start: &str,
    zone: Tz,
) -> Option<(&'a CalendarObject, Occurrence)> {
    let target = read_shown(start)?;
    let date_only = !start.contains('T');
    let at = almanac_ical::local_to_utc(zone, target);
    let window = Window {
        start: at - Duration::days(1),
        end: at + Duration::days(1),
        viewer: zone,
    };
    objects.iter().find_map(|object| {
        let expansion = object.expand(window, Limits::default());
        let found = expansion.occurrences.into_iter().find(|o| {
            let (s, _) = o.instants(zone);
            let shown = shown_time(&o.start, s, o.all_day, zone);
            o.all_day == date_only && read_shown(&shown) == Some(target)
        })?;
        Some((object, found))
    })
}

/// The VEVENT an occurrence came from: its override, or the master.
pub fn source<'a>(object: &'a CalendarObject, occurrence: &Occurrence) -> Option<&'a Event> {
    if occurrence.is_override {
        object
            .overrides
            .iter()
            .find(|o| o.recurrence_id == occurrence.recurrence_id)
    } else {
        object.master.as_ref()
    }
}

/// The scope an edit of `occurrence` applies to: what was chosen for an occurrence of a
/// series, the whole event otherwise.
pub fn scope_of(occurrence: &Occurrence, chosen: EditScope) -> Scope {
    match (occurrence.recurrence_id, chosen) {
        (None, _) | (Some(_), EditScope::All) => Scope::All,
        (Some(rid), EditScope::This) => Scope::This(rid),
        (Some(rid), EditScope::Following) => Scope::Following(rid),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Shape: a weekly iCloud series in its own zone with one occurrence moved (an override),
    // as Calendar.app writes it.
    const SERIES: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:s\r\n\
        DTSTART;TZID=Europe/Berlin:20261201T100000\r\nDTEND;TZID=Europe/Berlin:20261201T110000\r\n\
        RRULE:FREQ=WEEKLY\r\nSUMMARY:Standup\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:s\r\n\
        RECURRENCE-ID;TZID=Europe/Berlin:20261208T100000\r\n\
        DTSTART;TZID=Europe/Berlin:20261209T150000\r\nDTEND;TZID=Europe/Berlin:20261209T160000\r\n\
        SUMMARY:Standup (moved)\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

    fn berlin(text: &str) -> EventTime {
        EventTime::Zoned {
            local: read_shown(text).unwrap(),
            tz: chrono_tz::Europe::Berlin,
        }
    }

    #[test]
    fn a_shown_start_in_the_display_zone_maps_to_the_occurrence_s_recurrence_id() {
        let objects = almanac_ical::parse_objects(SERIES).unwrap();
        let new_york = chrono_tz::America::New_York;
        // 10:00 in Berlin is 04:00 in New York.
        let (_, third) = find(&objects, "2026-12-15T04:00:00", new_york).unwrap();
        let rid = berlin("2026-12-15T10:00");
        assert_eq!(scope_of(&third, EditScope::This), Scope::This(rid));
        assert_eq!(
            scope_of(&third, EditScope::Following),
            Scope::Following(rid)
        );
        assert_eq!(scope_of(&third, EditScope::All), Scope::All);
        assert!(find(&objects, "2026-12-15T10:00:00", new_york).is_none());
    }

    #[test]
    fn a_moved_occurrence_is_found_where_it_shows_under_its_original_start() {
        let objects = almanac_ical::parse_objects(SERIES).unwrap();
        let berlin_zone = chrono_tz::Europe::Berlin;
        let (_, moved) = find(&objects, "2026-12-09T15:00", berlin_zone).unwrap();
        assert_eq!(moved.summary(), Some("Standup (moved)"));
        assert_eq!(
            scope_of(&moved, EditScope::This),
            Scope::This(berlin("2026-12-08T10:00"))
        );
        assert!(find(&objects, "2026-12-08T10:00:00", berlin_zone).is_none());
    }

    #[test]
    fn a_single_event_is_edited_whole_whatever_was_chosen() {
        let single = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:d\r\nDTSTART;VALUE=DATE:20261224\r\n\
                      DTEND;VALUE=DATE:20261225\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        let objects = almanac_ical::parse_objects(single).unwrap();
        let zone = chrono_tz::Pacific::Kiritimati;
        let (_, day) = find(&objects, "2026-12-24", zone).unwrap();
        assert_eq!(scope_of(&day, EditScope::This), Scope::All);
        assert!(
            find(&objects, "2026-12-24T00:00:00", zone).is_none(),
            "an all-day event is named by its date"
        );
    }
}
