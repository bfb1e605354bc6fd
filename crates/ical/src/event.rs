//! The parsed model: one calendar object resource, its events and their descriptive fields.

use crate::alarm::Alarm;
use crate::recur::Rule;
use crate::value::IcalDuration;
use crate::warning::Warning;
use almanac_core::{EventTime, Uid};
use chrono::Duration;
use serde::Serialize;
use std::sync::Arc;

/// `STATUS` of an event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Not yet confirmed.
    Tentative,
    /// Confirmed.
    Confirmed,
    /// Cancelled: an override with this status removes its occurrence.
    Cancelled,
}

impl Status {
    /// The lowercase name used in JSON and the store.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Tentative => "tentative",
            Status::Confirmed => "confirmed",
            Status::Cancelled => "cancelled",
        }
    }
}

/// An ORGANIZER or ATTENDEE.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Person {
    /// The calendar address as written, usually `mailto:...`.
    pub address: String,
    /// `CN`, the display name.
    pub name: Option<String>,
    /// `PARTSTAT` (`ACCEPTED`, `DECLINED`, ...), attendees only.
    pub partstat: Option<String>,
}

/// A calendar address as it compares: without `mailto:`, quotes, surrounding space and case,
/// since servers and clients write the same person as `MAILTO:Jane@…` and `mailto:jane@…`.
pub fn address_key(address: &str) -> String {
    let s = address.trim().trim_matches('"');
    let s = s
        .get(..7)
        .filter(|p| p.eq_ignore_ascii_case("mailto:"))
        .map_or(s, |_| s.get(7..).unwrap_or(""));
    s.to_ascii_lowercase()
}

/// Apple's `X-APPLE-STRUCTURED-LOCATION`: a geo URI with a title and an address, which Apple
/// Calendar uses for maps and travel time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StructuredLocation {
    /// The value, a `geo:lat,lon` URI.
    pub geo: String,
    /// `X-TITLE`.
    pub title: Option<String>,
    /// `X-ADDRESS`.
    pub address: Option<String>,
}

/// The descriptive fields of one VEVENT. Shared between all occurrences of the same VEVENT so
/// expansion copies a pointer, not strings.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Details {
    /// `SUMMARY`.
    pub summary: Option<String>,
    /// `LOCATION`.
    pub location: Option<String>,
    /// `DESCRIPTION`.
    pub description: Option<String>,
    /// `STATUS`.
    pub status: Option<Status>,
    /// `SEQUENCE` (0 when absent).
    pub sequence: i64,
    /// `ORGANIZER`.
    pub organizer: Option<Person>,
    /// `ATTENDEE`s.
    pub attendees: Vec<Person>,
    /// `URL`.
    pub url: Option<String>,
    /// `CATEGORIES`, all lines merged.
    pub categories: Vec<String>,
    /// `X-APPLE-STRUCTURED-LOCATION`.
    pub structured_location: Option<StructuredLocation>,
}

/// How long an occurrence lasts: a nominal part in days on DTSTART's wall clock, then an exact
/// part, ending in DTEND's zone (which may differ from DTSTART's, as on flights).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Length {
    pub nominal: IcalDuration,
    pub exact: Duration,
    pub end_form: Option<EventTime>,
}

/// An RDATE value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum RDate {
    /// A DATE or DATE-TIME: an extra start with the event's usual length.
    At(EventTime),
    /// A PERIOD: an extra start with its own end.
    Period(EventTime, EventTime),
}

/// One VEVENT: the master (no RECURRENCE-ID) or an override.
#[derive(Clone, Debug)]
pub struct Event {
    /// `RECURRENCE-ID`, for overrides.
    pub recurrence_id: Option<EventTime>,
    /// `RANGE=THISANDFUTURE` on the RECURRENCE-ID: the override applies to later occurrences too.
    pub this_and_future: bool,
    /// `DTSTART`.
    pub start: EventTime,
    /// Descriptive fields.
    pub details: Arc<Details>,
    /// VALARMs, `ACTION:NONE` excluded.
    pub alarms: Vec<Alarm>,
    pub(crate) length: Length,
    pub(crate) rules: Vec<Rule>,
    pub(crate) rdates: Vec<RDate>,
    pub(crate) exdates: Vec<EventTime>,
}

impl Event {
    /// Whether the event recurs (RRULE or RDATE).
    pub fn is_recurring(&self) -> bool {
        !self.rules.is_empty() || !self.rdates.is_empty()
    }
}

/// One calendar object resource: every VEVENT sharing a UID, as CalDAV stores it.
#[derive(Clone, Debug)]
pub struct CalendarObject {
    /// The UID shared by the master and its overrides.
    pub uid: Uid,
    /// The master event; `None` when the resource holds only overrides (an invitation to some
    /// occurrences of someone else's series).
    pub master: Option<Event>,
    /// RECURRENCE-ID overrides, one per recurrence id.
    pub overrides: Vec<Event>,
    /// What was wrong with the input and worked around.
    pub warnings: Vec<Warning>,
    /// The text as received: properties this crate does not model are kept here, never lost.
    pub raw: String,
}
