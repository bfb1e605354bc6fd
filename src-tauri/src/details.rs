//! The event details panel's contents, from one calendar object: which occurrence was clicked,
//! its times in the display zone and its own, and its people, place, notes, recurrence and
//! alarms in words. Pure, so it is tested without Tauri.

use crate::ipc::{EventDetailsView, PersonView};
use crate::views::{css_color, time_text, wall_clock};
use almanac_core::{Calendar, EventTime};
use almanac_ical::{CalendarObject, Event, Limits, Occurrence, Person, Status, Window};
use chrono::{Duration, NaiveDate, NaiveDateTime};
use chrono_tz::Tz;

/// The occurrence of `object` that starts at `start` (as the calendar views wrote it, see
/// [`time_text`]), described for the panel; `None` when no occurrence starts there.
pub fn event_details(
    object: &CalendarObject,
    calendar: &Calendar,
    start: &str,
    zone: Tz,
) -> Option<EventDetailsView> {
    let target = match NaiveDate::parse_from_str(start, "%Y-%m-%d") {
        Ok(date) => date.and_time(chrono::NaiveTime::MIN),
        Err(_) => NaiveDateTime::parse_from_str(start, "%Y-%m-%dT%H:%M:%S").ok()?,
    };
    let at = almanac_ical::local_to_utc(zone, target);
    let window = Window {
        start: at - Duration::days(1),
        end: at + Duration::days(1),
        viewer: zone,
    };
    let expansion = object.expand(window, Limits::default());
    let occurrence = expansion.occurrences.iter().find(|o| {
        let (s, _) = o.instants(zone);
        time_text(&o.start, s, o.all_day, zone) == start
    })?;
    let (s, e) = occurrence.instants(zone);
    let details = &occurrence.details;
    let event_zone = match occurrence.start {
        EventTime::Zoned { tz, .. } if tz != zone && !occurrence.all_day => Some(tz),
        _ => None,
    };
    let non_empty = |t: &Option<String>| t.clone().filter(|t| !t.trim().is_empty());
    Some(EventDetailsView {
        title: non_empty(&details.summary).unwrap_or_else(|| "(No title)".into()),
        calendar_name: calendar.name.clone(),
        color: css_color(calendar.color.as_deref()),
        read_only: calendar.read_only,
        subscription: calendar.feed_url.is_some(),
        start: time_text(&occurrence.start, s, occurrence.all_day, zone),
        end: time_text(&occurrence.end, e, occurrence.all_day, zone),
        all_day: occurrence.all_day,
        display_zone: zone.name().to_string(),
        event_zone: event_zone.map(|tz| tz.name().to_string()),
        event_zone_start: event_zone.map(|tz| wall_clock(s, tz)),
        event_zone_end: event_zone.map(|tz| wall_clock(e, tz)),
        location: non_empty(&details.location),
        map_url: details
            .structured_location
            .as_ref()
            .and_then(|l| map_url(&l.geo)),
        notes: non_empty(&details.description),
        url: details.url.as_deref().and_then(web_link),
        organizer: details.organizer.as_ref().map(person_view),
        attendees: details.attendees.iter().map(person_view).collect(),
        recurrence: object.master.as_ref().and_then(Event::recurrence_text),
        alarms: source_event(object, occurrence)
            .map(|e| e.alarms.iter().map(almanac_ical::Alarm::text).collect())
            .unwrap_or_default(),
        status: match occurrence.status {
            Some(Status::Cancelled) => Some("Cancelled".into()),
            Some(Status::Tentative) => Some("Tentative".into()),
            _ => None,
        },
    })
}

/// The VEVENT an occurrence came from: its override, or the master.
fn source_event<'a>(object: &'a CalendarObject, occurrence: &Occurrence) -> Option<&'a Event> {
    if occurrence.is_override {
        object
            .overrides
            .iter()
            .find(|o| o.recurrence_id == occurrence.recurrence_id)
    } else {
        object.master.as_ref()
    }
}

/// `url` when it is an `http:` or `https:` link; anything else (`javascript:`, `file:`) is not
/// a link the panel may offer.
pub fn web_link(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url.trim()).ok()?;
    matches!(parsed.scheme(), "http" | "https").then(|| parsed.to_string())
}

/// A map of `geo:lat,lon` (Apple's structured location), when the coordinates are numbers on
/// Earth.
fn map_url(geo: &str) -> Option<String> {
    let coords = geo.trim().strip_prefix("geo:")?;
    let coords = coords.split(';').next()?;
    let (lat, lon) = coords.split_once(',')?;
    let (lat, lon): (f64, f64) = (lat.trim().parse().ok()?, lon.trim().parse().ok()?);
    ((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon))
        .then(|| format!("https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=16/{lat}/{lon}"))
}

fn person_view(person: &Person) -> PersonView {
    let address = person.address.trim();
    let address = match address.get(..7) {
        Some(scheme) if scheme.eq_ignore_ascii_case("mailto:") => &address[7..],
        _ => address,
    };
    PersonView {
        name: person.name.clone().filter(|n| !n.trim().is_empty()),
        address: address.to_string(),
        status: person.partstat.as_deref().map(|p| {
            match p.to_ascii_uppercase().as_str() {
                "ACCEPTED" => "Accepted",
                "DECLINED" => "Declined",
                "TENTATIVE" => "Maybe",
                "DELEGATED" => "Delegated",
                _ => "Not answered",
            }
            .to_string()
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use almanac_core::{AccountId, CalendarId, ComponentKind, Href};

    const SERIES: &str = include_str!("../tests/fixtures/details-series.ics");

    fn calendar() -> Calendar {
        Calendar {
            id: CalendarId(1),
            account: Some(AccountId(1)),
            href: Href::new("/1/calendars/work/"),
            name: "Work".into(),
            color: Some("#1BADF8FF".into()),
            order: None,
            components: vec![ComponentKind::Vevent],
            read_only: true,
            enabled: true,
            notify: true,
            sync_token: None,
            feed_url: None,
        }
    }

    #[test]
    fn a_series_occurrence_shows_both_zones_people_place_and_rule() {
        let object = almanac_ical::parse(SERIES).unwrap();
        let zone = chrono_tz::America::New_York;
        let view = event_details(&object, &calendar(), "2026-12-01T04:00:00", zone).unwrap();
        assert_eq!(view.title, "Design review");
        assert_eq!(view.end, "2026-12-01T05:00:00");
        assert_eq!(view.event_zone.as_deref(), Some("Europe/Berlin"));
        assert_eq!(
            view.event_zone_start.as_deref(),
            Some("2026-12-01T10:00:00")
        );
        assert!(view.read_only);
        assert!(!view.subscription, "read-only, but not a feed");
        assert_eq!(view.color.as_deref(), Some("#1BADF8"));
        assert_eq!(
            view.recurrence.as_deref(),
            Some("Every 2 weeks on Tuesday and Thursday, until 30 June 2027")
        );
        assert_eq!(view.alarms, ["15 minutes before"]);
        assert_eq!(
            view.map_url.as_deref(),
            Some("https://www.openstreetmap.org/?mlat=52.52&mlon=13.405#map=16/52.52/13.405")
        );
        assert_eq!(view.url, None, "a javascript: URL is no link");
        let organizer = view.organizer.unwrap();
        assert_eq!(organizer.address, "ana@example.com");
        let answers: Vec<_> = view
            .attendees
            .iter()
            .map(|a| a.status.as_deref().unwrap_or(""))
            .collect();
        assert_eq!(answers, ["Accepted", "Declined", "Not answered"]);
    }

    #[test]
    fn the_moved_occurrence_has_its_own_title_and_no_other_start_matches() {
        let object = almanac_ical::parse(SERIES).unwrap();
        let zone = chrono_tz::Europe::Berlin;
        let moved = event_details(&object, &calendar(), "2026-12-04T15:00:00", zone).unwrap();
        assert_eq!(moved.title, "Design review (moved)");
        assert_eq!(moved.event_zone, None, "same zone as the display");
        assert!(event_details(&object, &calendar(), "2026-12-03T10:00:00", zone).is_none());
    }

    #[test]
    fn only_web_links_are_links() {
        assert_eq!(
            web_link("https://example.com/a b").as_deref(),
            Some("https://example.com/a%20b")
        );
        for hostile in [
            "javascript:alert(1)",
            "file:///etc/passwd",
            "data:text/html,x",
            "x",
        ] {
            assert_eq!(web_link(hostile), None, "{hostile}");
        }
        assert_eq!(map_url("geo:95,10"), None);
        assert_eq!(
            map_url("geo:1,2;u=35").as_deref(),
            Some("https://www.openstreetmap.org/?mlat=1&mlon=2#map=16/1/2")
        );
    }
}
