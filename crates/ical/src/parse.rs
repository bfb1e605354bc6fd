//! From text to [`CalendarObject`]: components to events, values to typed times.

use crate::IcalError;
use crate::alarm::parse_alarm;
use crate::event::{
    CalendarObject, Details, Event, Length, Person, RDate, Status, StructuredLocation,
};
use crate::lexer::{Component, Property, parse_components};
use crate::value::{
    IcalDuration, parse_date, parse_date_time, parse_duration, split_list, unescape_text,
};
use crate::warning::{Warning, WarningKind};
use almanac_core::{EventTime, Uid};
use chrono::Duration;
use chrono_tz::Tz;
use std::collections::HashMap;
use std::sync::Arc;

/// Resources larger than this are refused: a real event is a few kilobytes, and an unbounded
/// input is a memory risk (design.md §4).
pub const MAX_ICS_BYTES: usize = 4 * 1024 * 1024;

/// Reads times with their TZIDs resolved once per resource.
struct Times<'a> {
    vtimezones: Vec<&'a Component<'a>>,
    /// Google's calendar-wide zone, applied to floating times (see [`parse`]).
    wr_timezone: Option<Tz>,
    cache: HashMap<String, Option<Tz>>,
}

impl Times<'_> {
    fn zone(&mut self, tzid: &str, line: usize, warnings: &mut Vec<Warning>) -> Option<Tz> {
        if let Some(hit) = self.cache.get(tzid) {
            return *hit;
        }
        let tz = crate::tz::resolve(tzid, &self.vtimezones);
        if tz.is_none() {
            warnings.push(Warning::at(
                WarningKind::UnknownTimezone,
                line,
                format!("TZID {tzid:?} unknown; read as floating"),
            ));
        }
        self.cache.insert(tzid.to_owned(), tz);
        tz
    }

    /// One DATE or DATE-TIME value with the property's VALUE and TZID parameters.
    fn value(
        &mut self,
        prop: &Property,
        raw: &str,
        warnings: &mut Vec<Warning>,
    ) -> Option<EventTime> {
        let raw = raw.trim();
        if (prop
            .param("VALUE")
            .is_some_and(|v| v.eq_ignore_ascii_case("DATE"))
            || raw.len() == 8)
            && let Some(date) = parse_date(raw)
        {
            return Some(EventTime::Date { date });
        }
        let Some((local, utc)) = parse_date_time(raw) else {
            warnings.push(Warning::at(
                WarningKind::BadValue,
                prop.line,
                format!("{} value {raw:?} is not a date or date-time", prop.name),
            ));
            return None;
        };
        if utc {
            return Some(EventTime::Utc {
                instant: local.and_utc(),
            });
        }
        let zone = match prop.param("TZID") {
            Some(tzid) => self.zone(tzid, prop.line, warnings),
            None => self.wr_timezone,
        };
        Some(match zone {
            Some(tz) => EventTime::Zoned { local, tz },
            None => EventTime::Floating { local },
        })
    }

    fn single(
        &mut self,
        c: &Component,
        name: &str,
        warnings: &mut Vec<Warning>,
    ) -> Option<EventTime> {
        let prop = c.prop(name)?;
        self.value(prop, &prop.value, warnings)
    }
}

fn text(c: &Component, name: &str) -> Option<String> {
    c.prop(name)
        .map(|p| unescape_text(&p.value))
        .filter(|s| !s.is_empty())
}

fn person(p: &Property) -> Person {
    Person {
        address: p.value.trim().to_owned(),
        name: p.param("CN").map(str::to_owned),
        partstat: p.param("PARTSTAT").map(str::to_owned),
    }
}

fn details(c: &Component, warnings: &mut Vec<Warning>) -> Details {
    let status =
        c.prop("STATUS")
            .and_then(|p| match p.value.trim().to_ascii_uppercase().as_str() {
                "TENTATIVE" => Some(Status::Tentative),
                "CONFIRMED" => Some(Status::Confirmed),
                "CANCELLED" => Some(Status::Cancelled),
                other => {
                    warnings.push(Warning::at(
                        WarningKind::BadValue,
                        p.line,
                        format!("STATUS {other:?} ignored"),
                    ));
                    None
                }
            });
    Details {
        summary: text(c, "SUMMARY"),
        location: text(c, "LOCATION"),
        description: text(c, "DESCRIPTION"),
        status,
        sequence: c
            .prop("SEQUENCE")
            .and_then(|p| p.value.trim().parse().ok())
            .unwrap_or(0),
        organizer: c.prop("ORGANIZER").map(person),
        attendees: c.props("ATTENDEE").map(person).collect(),
        url: text(c, "URL"),
        categories: c
            .props("CATEGORIES")
            .flat_map(|p| {
                split_list(&p.value)
                    .into_iter()
                    .map(unescape_text)
                    .collect::<Vec<_>>()
            })
            .collect(),
        structured_location: c
            .prop("X-APPLE-STRUCTURED-LOCATION")
            .map(|p| StructuredLocation {
                geo: p.value.trim().to_owned(),
                title: p.param("X-TITLE").map(unescape_text),
                address: p.param("X-ADDRESS").map(unescape_text),
            }),
    }
}

/// DTEND or DURATION (or neither) as a [`Length`]; broken combinations fall back to RFC 5545's
/// defaults (one day for a date, zero for a date-time) with a warning.
fn length(
    c: &Component,
    start: &EventTime,
    times: &mut Times<'_>,
    warnings: &mut Vec<Warning>,
) -> Length {
    let default_days = i64::from(start.is_date());
    let fallback = Length {
        nominal: IcalDuration {
            days: default_days,
            seconds: 0,
        },
        exact: Duration::zero(),
        end_form: None,
    };
    if let Some(end) = times.single(c, "DTEND", warnings) {
        let line = c.prop("DTEND").map_or(0, |p| p.line);
        let (nominal, exact, end_form) = match (start, &end) {
            (EventTime::Date { date: s }, EventTime::Date { date: e }) => (
                IcalDuration {
                    days: (*e - *s).num_days(),
                    seconds: 0,
                },
                Duration::zero(),
                None,
            ),
            (EventTime::Date { .. }, _) | (_, EventTime::Date { .. }) => {
                warnings.push(Warning::at(
                    WarningKind::Inconsistent,
                    line,
                    "DTEND and DTSTART differ in value type; DTEND ignored",
                ));
                return fallback;
            }
            (EventTime::Floating { local: s }, EventTime::Floating { local: e }) => {
                (IcalDuration::default(), *e - *s, None)
            }
            (s, e) => {
                let viewer = chrono_tz::UTC;
                let exact = crate::tz::to_utc(e, viewer) - crate::tz::to_utc(s, viewer);
                let same_zone = match (s, e) {
                    (EventTime::Zoned { tz: a, .. }, EventTime::Zoned { tz: b, .. }) => a == b,
                    (EventTime::Utc { .. }, EventTime::Utc { .. }) => true,
                    _ => false,
                };
                (IcalDuration::default(), exact, (!same_zone).then_some(end))
            }
        };
        let total = nominal.exact() + exact;
        if total < Duration::zero() || (start.is_date() && total.is_zero()) {
            warnings.push(Warning::at(
                WarningKind::Inconsistent,
                line,
                "DTEND before DTSTART; default length used",
            ));
            return fallback;
        }
        return Length {
            nominal,
            exact,
            end_form,
        };
    }
    if let Some(p) = c.prop("DURATION") {
        match parse_duration(&p.value) {
            Some(d) if !d.is_negative() => {
                let nominal = IcalDuration {
                    days: d.days,
                    seconds: 0,
                };
                return Length {
                    nominal,
                    exact: Duration::seconds(d.seconds),
                    end_form: None,
                };
            }
            _ => warnings.push(Warning::at(
                WarningKind::BadValue,
                p.line,
                format!("DURATION {:?} ignored", p.value),
            )),
        }
    }
    fallback
}

const SINGLE: &[&str] = &[
    "UID",
    "DTSTART",
    "DTEND",
    "DURATION",
    "SUMMARY",
    "STATUS",
    "RECURRENCE-ID",
];

fn event(c: &Component, times: &mut Times<'_>, warnings: &mut Vec<Warning>) -> Option<Event> {
    for name in SINGLE {
        if c.props(name).nth(1).is_some() {
            warnings.push(Warning::new(
                WarningKind::Inconsistent,
                format!("{name} appears more than once; the first is used"),
            ));
        }
    }
    let recurrence_id = times.single(c, "RECURRENCE-ID", warnings);
    let this_and_future = c
        .prop("RECURRENCE-ID")
        .and_then(|p| p.param("RANGE"))
        .is_some_and(|r| r.eq_ignore_ascii_case("THISANDFUTURE"));
    let Some(start) = times.single(c, "DTSTART", warnings).or(recurrence_id) else {
        warnings.push(Warning::new(
            WarningKind::BadValue,
            "VEVENT without a usable DTSTART skipped",
        ));
        return None;
    };
    let length = length(c, &start, times, warnings);
    let mut rules = Vec::new();
    let mut rdates = Vec::new();
    let mut exdates = Vec::new();
    if recurrence_id.is_none() {
        for p in c.props("RRULE") {
            rules.extend(crate::recur::parse_rule(&p.value, &start, p.line, warnings));
        }
        for p in c.props("RDATE") {
            let period = p
                .param("VALUE")
                .is_some_and(|v| v.eq_ignore_ascii_case("PERIOD"));
            for v in p.value.split(',') {
                match v.split_once('/') {
                    Some((from, to)) if period || v.contains('/') => {
                        let Some(s) = times.value(p, from, warnings) else {
                            continue;
                        };
                        let end = match parse_duration(to) {
                            Some(d) => crate::tz::in_frame_of(
                                &s,
                                crate::tz::add_utc(
                                    crate::tz::to_utc(&s, chrono_tz::UTC),
                                    d.exact(),
                                ),
                                chrono_tz::UTC,
                            ),
                            None => match times.value(p, to, warnings) {
                                Some(e) => e,
                                None => continue,
                            },
                        };
                        rdates.push(RDate::Period(s, end));
                    }
                    _ => rdates.extend(times.value(p, v, warnings).map(RDate::At)),
                }
            }
        }
        for p in c.props("EXDATE") {
            for v in p.value.split(',') {
                exdates.extend(times.value(p, v, warnings));
            }
        }
    }
    let alarms = c
        .children
        .iter()
        .filter(|a| a.name == "VALARM")
        .filter_map(|a| parse_alarm(a, warnings))
        .collect();
    Some(Event {
        recurrence_id,
        this_and_future,
        start,
        details: Arc::new(details(c, warnings)),
        alarms,
        length,
        rules,
        rdates,
        exdates,
    })
}

/// Parses one calendar object resource: a VCALENDAR holding one master VEVENT and/or its
/// RECURRENCE-ID overrides, with the VTIMEZONEs they use.
///
/// Leniency is the rule: bad lines, broken nesting, unknown TZIDs, malformed RRULE parts,
/// duplicated properties and impossible lengths become [`Warning`]s on the result.
///
/// # Quirks
/// - Google's public feeds rely on `X-WR-TIMEZONE` for times they leave floating; such times
///   are read in that zone, as Google Calendar and Apple Calendar display them.
/// - VEVENTs with a different UID than the first are dropped with a warning (a calendar object
///   resource holds one UID, RFC 4791 §4.1).
///
/// # Errors
/// [`IcalError::TooLarge`] above [`MAX_ICS_BYTES`]; [`IcalError::NoEvent`] when no VEVENT with a
/// usable start is found (a VTODO-only resource, or not iCalendar at all).
pub fn parse(ics: &str) -> Result<CalendarObject, IcalError> {
    if ics.len() > MAX_ICS_BYTES {
        return Err(IcalError::TooLarge {
            size: ics.len(),
            limit: MAX_ICS_BYTES,
        });
    }
    let mut warnings = Vec::new();
    let roots = parse_components(ics, &mut warnings);
    let calendars: Vec<&Component> = roots.iter().filter(|c| c.name == "VCALENDAR").collect();
    let mut components: Vec<&Component> =
        calendars.iter().flat_map(|c| c.children.iter()).collect();
    if calendars.is_empty() {
        components = roots.iter().collect();
    }
    let wr_timezone = calendars
        .iter()
        .find_map(|c| c.prop("X-WR-TIMEZONE"))
        .and_then(|p| crate::tz::iana(p.value.trim()));
    let mut times = Times {
        vtimezones: components
            .iter()
            .copied()
            .filter(|c| c.name == "VTIMEZONE")
            .collect(),
        wr_timezone,
        cache: HashMap::new(),
    };
    let mut uid: Option<String> = None;
    let mut master: Option<Event> = None;
    let mut overrides: Vec<Event> = Vec::new();
    for c in components.iter().filter(|c| c.name == "VEVENT") {
        let this_uid = c
            .prop("UID")
            .map(|p| p.value.trim().to_owned())
            .unwrap_or_default();
        match &uid {
            Some(u) if *u != this_uid => {
                warnings.push(Warning::new(
                    WarningKind::Inconsistent,
                    format!("VEVENT with another UID {this_uid:?} ignored"),
                ));
                continue;
            }
            _ => uid = Some(this_uid),
        }
        let Some(ev) = event(c, &mut times, &mut warnings) else {
            continue;
        };
        match ev.recurrence_id {
            None if master.is_some() => {
                warnings.push(Warning::new(
                    WarningKind::Inconsistent,
                    "second master VEVENT ignored",
                ));
            }
            None => master = Some(ev),
            Some(rid) => {
                let viewer = chrono_tz::UTC;
                let key = crate::tz::to_utc(&rid, viewer);
                if let Some(i) = overrides.iter().position(|o| {
                    o.recurrence_id
                        .is_some_and(|r| crate::tz::to_utc(&r, viewer) == key)
                }) {
                    warnings.push(Warning::new(
                        WarningKind::Inconsistent,
                        "two overrides for one RECURRENCE-ID; the higher SEQUENCE is kept",
                    ));
                    if ev.details.sequence >= overrides[i].details.sequence {
                        overrides[i] = ev;
                    }
                } else {
                    overrides.push(ev);
                }
            }
        }
    }
    if master.is_none() && overrides.is_empty() {
        return Err(IcalError::NoEvent);
    }
    if uid.as_deref() == Some("") {
        warnings.push(Warning::new(WarningKind::BadValue, "VEVENT without UID"));
    }
    Ok(CalendarObject {
        uid: Uid::new(uid.unwrap_or_default()),
        master,
        overrides,
        warnings,
        raw: ics.to_owned(),
    })
}
