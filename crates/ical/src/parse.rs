//! From text to [`CalendarObject`]: components to events, values to typed times.

use crate::IcalError;
use crate::alarm::parse_alarm;
use crate::event::{
    CalendarObject, Details, Event, Length, Person, RDate, Status, StructuredLocation,
};
use crate::lexer::{Component, Property, parse_components};
use crate::times::Times;
use crate::value::{IcalDuration, parse_duration, split_list, unescape_text};
use crate::warning::{Warning, WarningKind};
use almanac_core::{EventTime, Uid};
use chrono::Duration;
use std::sync::Arc;

/// Resources larger than this are refused: a real event is a few kilobytes, and an unbounded
/// input is a memory risk (design.md §4).
pub const MAX_ICS_BYTES: usize = 4 * 1024 * 1024;

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
            Some(d) if !d.is_negative() && start.is_date() => {
                // RFC 5545 §3.8.2.5: an all-day start takes a duration in days or weeks. Hours
                // (`PT24H`, which the RFC does not allow) are rounded up to whole days rather
                // than dropped, and a zero length gets the one-day default, as a DTEND equal to
                // DTSTART does.
                let days = d
                    .days
                    .saturating_add(d.seconds.saturating_add(86_399) / 86_400);
                if d.seconds != 0 || days == 0 {
                    warnings.push(Warning::at(
                        WarningKind::BadValue,
                        p.line,
                        format!(
                            "DURATION {:?} on an all-day event is not whole days",
                            p.value
                        ),
                    ));
                }
                if days > 0 {
                    return Length {
                        nominal: IcalDuration { days, seconds: 0 },
                        exact: Duration::zero(),
                        end_form: None,
                    };
                }
            }
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

/// The values of one RDATE line: dates, date-times, and PERIODs (`start/end` or
/// `start/duration`).
fn rdate_values(p: &Property, times: &mut Times<'_>, warnings: &mut Vec<Warning>) -> Vec<RDate> {
    let mut out = Vec::new();
    for v in p.value.split(',') {
        let Some((from, to)) = v.split_once('/') else {
            out.extend(times.value(p, v, warnings).map(RDate::At));
            continue;
        };
        let Some(start) = times.value(p, from, warnings) else {
            continue;
        };
        let end = match parse_duration(to) {
            Some(d) => after(&start, d),
            None => match times.value(p, to, warnings) {
                Some(e) => e,
                None => continue,
            },
        };
        out.push(RDate::Period(start, end));
    }
    out
}

/// `start + d` as RFC 5545 §3.3.6 reads a duration: whole days on the wall clock (a day across
/// a DST change is 23 or 25 hours), then the exact part. The result keeps `start`'s form; it
/// does not depend on a viewer, since floating times stay floating.
fn after(start: &EventTime, d: IcalDuration) -> EventTime {
    use crate::tz::{add_naive, add_utc, in_frame_of, to_utc, wall_clock, with_wall_clock};
    let days = Duration::try_days(d.days).unwrap_or(if d.days < 0 {
        Duration::MIN
    } else {
        Duration::MAX
    });
    let mid = with_wall_clock(start, add_naive(wall_clock(start), days));
    let utc = chrono_tz::UTC;
    in_frame_of(
        start,
        add_utc(to_utc(&mid, utc), Duration::seconds(d.seconds)),
        utc,
    )
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

/// One VEVENT, master or override, with its problems added to `warnings`; `None` when it has
/// no usable start.
pub(crate) fn event(
    c: &Component,
    times: &mut Times<'_>,
    warnings: &mut Vec<Warning>,
) -> Option<Event> {
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
            rdates.extend(rdate_values(p, times, warnings));
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
/// - VEVENTs with a different UID than the first are dropped with a [`WarningKind::OtherUid`]
///   warning (a calendar object resource holds one UID, RFC 4791 §4.1);
///   [`crate::parse_objects`] reads them too.
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
    let mut times = Times::new(&calendars, &components);
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
                    WarningKind::OtherUid,
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
