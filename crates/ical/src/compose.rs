//! A new event as a complete calendar object resource, ready for `PUT` with
//! `If-None-Match: *`.
//!
//! The VCALENDAR and VEVENT are built with the `icalendar` crate's builder, the package the
//! design names for writing: it escapes TEXT values and folds lines. Its serializer adds
//! `DTSTAMP:<the wall clock>` and a random `UID` to every component that lacks them,
//! VALARMs included (measured with 0.17.17: an alarm came out with both, and VTIMEZONE would
//! too), which would make the output depend on the clock and on chance, and would put a DTSTAMP
//! where RFC 5545 defines none. So the VEVENT gets its DTSTAMP and UID from our inputs, and the
//! VALARMs and VTIMEZONEs are written by [`crate::lines`] and placed into the built text.
//!
//! The shape follows writing-caldav.md §1.4: VERSION, PRODID `-//Almanac//EN`, no METHOD, one
//! UID, DTSTAMP = CREATED = LAST-MODIFIED = `now`, SEQUENCE 0, always a DTEND (iCloud answers a
//! VEVENT without DTEND or DURATION with 404), zoned times with their IANA name as TZID and a
//! VTIMEZONE for each, all-day events as `VALUE=DATE` with the exclusive end date.

use crate::IcalError;
use crate::alarm::Trigger;
use crate::alarm_text::valarm;
use crate::invalid;
use crate::lines::{Doc, Patch, clean_text};
use crate::series::normalize_rrule;
use crate::tz::to_utc;
use almanac_core::{EventTime, Uid};
use chrono::{DateTime, Datelike, Utc};
use icalendar::{Calendar, Component, EventLike, Property};

/// The PRODID of everything Almanac writes.
pub const PRODID: &str = "-//Almanac//EN";

/// A new event, as the user entered it.
///
/// There is no all-day flag: a [`EventTime::Date`] start and end make the event all-day (the end
/// is exclusive: a one-day event on the 12th ends on the 13th), date-times make it timed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewEvent {
    /// Its UID, from the caller's generator (a UUID; it also names the resource).
    pub uid: Uid,
    /// `SUMMARY`, the title.
    pub summary: String,
    /// `DTSTART`.
    pub start: EventTime,
    /// `DTEND`, exclusive.
    pub end: EventTime,
    /// `RRULE`, e.g. `FREQ=WEEKLY;BYDAY=MO`; UNTIL is written in the form the start needs.
    pub rrule: Option<String>,
    /// `LOCATION`.
    pub location: Option<String>,
    /// `DESCRIPTION`, the notes.
    pub description: Option<String>,
    /// `URL`.
    pub url: Option<String>,
    /// Reminders, each a DISPLAY alarm: `Trigger::Start(-15 minutes)` is "15 minutes before".
    pub alarms: Vec<Trigger>,
}

fn time_property(name: &str, t: &EventTime) -> Property {
    let (param, value) = crate::lines::time_value(t);
    let mut p = Property::new(name, value);
    if let Some((k, v)) = param.as_deref().and_then(|p| p.split_once('=')) {
        p.add_parameter(k, v);
    }
    p.done()
}

fn text(field: &Option<String>) -> Option<String> {
    field
        .as_deref()
        .map(clean_text)
        .filter(|s| !s.trim().is_empty())
}

/// The resource text for a new event, composed at `now`.
///
/// # Errors
/// [`IcalError::InvalidChange`] when the event would be invalid: an empty UID, an end before the
/// start or of another kind (date against date-time), a repeat rule that does not parse.
pub fn compose(event: &NewEvent, now: DateTime<Utc>) -> Result<String, IcalError> {
    let uid = event.uid.as_str().trim();
    if uid.is_empty() || uid.chars().any(char::is_control) {
        return Err(invalid("the UID is empty or holds control characters"));
    }
    let (start, end) = (&event.start, &event.end);
    if start.is_date() != end.is_date() {
        return Err(invalid(
            "the end must be a date when the start is, and a time when it is",
        ));
    }
    let (a, b) = (to_utc(start, chrono_tz::UTC), to_utc(end, chrono_tz::UTC));
    if b < a || (start.is_date() && b == a) {
        return Err(invalid("the end is before the start"));
    }
    let rrule = event
        .rrule
        .as_deref()
        .filter(|r| !r.trim().is_empty())
        .map(|r| normalize_rrule(r, start))
        .transpose()?;

    let mut ev = icalendar::Event::new();
    ev.uid(uid)
        .timestamp(now)
        .created(now)
        .last_modified(now)
        .sequence(0)
        .append_property(time_property("DTSTART", start))
        .append_property(time_property("DTEND", end));
    if let Some(summary) = text(&Some(event.summary.clone())) {
        ev.summary(&summary);
    }
    if let Some(location) = text(&event.location) {
        ev.location(&location);
    }
    if let Some(description) = text(&event.description) {
        ev.description(&description);
    }
    if let Some(url) = text(&event.url) {
        ev.url(&url.split_whitespace().collect::<String>());
    }
    if let Some(rule) = rrule {
        ev.add_property("RRULE", rule);
    }
    let mut calendar = Calendar::empty();
    calendar
        .append_property(Property::new("VERSION", "2.0"))
        .append_property(Property::new("PRODID", PRODID))
        .push(ev.done());
    let built = calendar.to_string();

    let doc = Doc::new(&built);
    let (_, vevents) = doc.vevents();
    let Some(vevent) = vevents.first() else {
        return Err(IcalError::NoEvent);
    };
    let mut zones = Vec::new();
    for t in [start, end] {
        if let EventTime::Zoned { tz, .. } = t
            && !zones.contains(tz)
        {
            zones.push(*tz);
        }
    }
    let year = crate::tz::wall_clock(start).year();
    let timezones: String = zones
        .iter()
        .map(|tz| crate::vtimezone::vtimezone(*tz, year, doc.eol))
        .collect();
    let alarms: String = event.alarms.iter().map(|t| valarm(t, doc.eol)).collect();
    let mut patches = vec![Patch::insert(doc.end_line(vevent.comp), alarms)];
    if !timezones.is_empty() {
        patches.push(Patch::insert(doc.first_event_line(), timezones));
    }
    Ok(doc.apply(patches))
}
