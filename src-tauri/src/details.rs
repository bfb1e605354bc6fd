//! The event details panel's contents, from one calendar object: which occurrence was clicked,
//! its times in the display zone and its own, its people, place, notes, recurrence and alarms
//! in words, and where its last change stands. Pure, so it is tested without Tauri.

use crate::ipc::{AnswerView, EventDetailsView, InvitationView, PersonView};
use crate::views::{EditState, css_color, read_only_reason};
use almanac_core::{Calendar, EventTime};
use almanac_ical::{CalendarObject, Event, Person, Status};
use almanac_sync::{Answer, shown_time, wall_clock_text};
use chrono_tz::Tz;

/// The occurrence of `objects` (one resource's) that starts at `start` as the calendar views
/// wrote it, described for the panel; `None` when no occurrence starts there. `me` is the
/// account's address (for an invitation's answer); `state` says where its last change stands.
pub fn event_details(
    objects: &[CalendarObject],
    calendar: &Calendar,
    start: &str,
    zone: Tz,
    me: Option<&str>,
    state: &EditState,
) -> Option<EventDetailsView> {
    let (object, occurrence) = almanac_sync::find(objects, start, zone)?;
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
        read_only_reason: read_only_reason(calendar),
        subscription: calendar.feed_url.is_some(),
        start: shown_time(&occurrence.start, s, occurrence.all_day, zone),
        end: shown_time(&occurrence.end, e, occurrence.all_day, zone),
        all_day: occurrence.all_day,
        display_zone: zone.name().to_string(),
        event_zone: event_zone.map(|tz| tz.name().to_string()),
        event_zone_start: event_zone.map(|tz| wall_clock_text(s, tz)),
        event_zone_end: event_zone.map(|tz| wall_clock_text(e, tz)),
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
        alarms: almanac_sync::source(object, &occurrence)
            .map(|e| e.alarms.iter().map(almanac_ical::Alarm::text).collect())
            .unwrap_or_default(),
        status: match occurrence.status {
            Some(Status::Cancelled) => Some("Cancelled".into()),
            Some(Status::Tentative) => Some("Tentative".into()),
            _ => None,
        },
        pending: state.pending,
        refused: state.refused.clone(),
        conflict: state.conflict,
        invitation: me
            .and_then(|me| almanac_sync::invitation(details, me))
            .map(|answer| InvitationView {
                answer: match answer {
                    Answer::NeedsAction => AnswerView::NeedsAction,
                    Answer::Accepted => AnswerView::Accepted,
                    Answer::Tentative => AnswerView::Tentative,
                    Answer::Declined => AnswerView::Declined,
                },
            }),
    })
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
        let objects = almanac_ical::parse_objects(SERIES).unwrap();
        let zone = chrono_tz::America::New_York;
        let state = EditState {
            pending: true,
            refused: Some("too large".into()),
            conflict: false,
        };
        let view = event_details(
            &objects,
            &calendar(),
            "2026-12-01T04:00:00",
            zone,
            Some("mailto:DAN@example.com"),
            &state,
        )
        .unwrap();
        assert!(view.pending);
        assert_eq!(view.refused.as_deref(), Some("too large"));
        assert_eq!(
            view.invitation,
            Some(InvitationView {
                answer: AnswerView::NeedsAction
            })
        );
        assert_eq!(
            view.read_only_reason.as_deref(),
            Some("Shared with you read-only: only its owner can change it.")
        );
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
        let objects = almanac_ical::parse_objects(SERIES).unwrap();
        let zone = chrono_tz::Europe::Berlin;
        let shown = |start| {
            event_details(
                &objects,
                &calendar(),
                start,
                zone,
                None,
                &EditState::default(),
            )
        };
        let moved = shown("2026-12-04T15:00:00").unwrap();
        assert_eq!(moved.title, "Design review (moved)");
        assert_eq!(moved.event_zone, None, "same zone as the display");
        assert_eq!(moved.invitation, None, "no account address, no invitation");
        assert!(shown("2026-12-03T10:00:00").is_none());
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
