//! One VEVENT of a stored resource changed in place: the properties the user changed are
//! rewritten, every other line is kept byte for byte (see [`crate::lines`]).
//!
//! Rules, applied by [`edit_component`]:
//! - A field is rewritten only when its new value differs from the stored one; an edit that
//!   changes nothing leaves the text identical, so the caller can skip the upload.
//! - SEQUENCE goes up by one when a significant property changes: DTSTART, DTEND, DURATION,
//!   RRULE, RDATE, EXDATE and RECURRENCE-ID, which RFC 5546 §2.1.4 says MUST bump it, and also
//!   SUMMARY, LOCATION, DESCRIPTION and URL, which it allows to, because attendees see them.
//!   Alarms are per-user data (writing-caldav.md §1.4) and never bump it.
//! - DTSTAMP and LAST-MODIFIED become `now` on any change (RFC 5545 §3.8.7.2: without METHOD,
//!   DTSTAMP is the last revision); iCloud's duplicated DTSTAMP lines (writing-caldav.md §1.4)
//!   are reduced to one.
//! - A property derived from one the user changed goes with it, as it would now be wrong:
//!   `X-APPLE-STRUCTURED-LOCATION` (a map pin) with LOCATION, `X-ALT-DESC` (Outlook's HTML copy)
//!   with DESCRIPTION, and the ALTREP parameter of either.
//! - Moving the start moves the end with it (same length on the wall clock, or in exact time
//!   where a DST gap would otherwise put the end first); changing between all-day and timed
//!   needs an explicit end, since no length carries over between the two. An event written with
//!   DURATION keeps DURATION; one with neither DTEND nor DURATION gets a DTEND when an end is
//!   given (iCloud answers 404 to a VEVENT with neither).

use crate::alarm::Trigger;
use crate::lexer::Component;
use crate::lines::{
    Doc, Patch, RawLine, Vevent, clean_text, content_line, duration_value, escape_text, time_line,
};
use crate::series::{move_time, normalize_rrule};
use crate::tz::to_utc;
use crate::value::IcalDuration;
use crate::{IcalError, invalid};
use almanac_core::EventTime;
use chrono::{DateTime, Utc};

/// What the user changed in an event. `None` leaves a field as stored; for the optional fields,
/// `Some(None)` (or an empty text) removes the property.
///
/// There is no separate all-day flag: a [`EventTime::Date`] start makes the event all-day and a
/// date-time start makes it timed, so the flag and the times can never disagree.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Changes {
    /// `SUMMARY`, the title.
    pub summary: Option<Option<String>>,
    /// `LOCATION`.
    pub location: Option<Option<String>>,
    /// `DESCRIPTION`, the notes.
    pub description: Option<Option<String>>,
    /// `URL`.
    pub url: Option<Option<String>>,
    /// `DTSTART`. Zoned times are written with their IANA name as TZID (iCloud refuses others)
    /// and a VTIMEZONE is added when the resource has none for it.
    pub start: Option<EventTime>,
    /// `DTEND` (exclusive; the day after the last for all-day events). Without it, a moved start
    /// keeps the event's length. Written as DURATION when the event uses DURATION.
    pub end: Option<EventTime>,
    /// `RRULE`, e.g. `FREQ=WEEKLY;BYDAY=MO`; `Some(None)` makes a series a single event. An
    /// UNTIL of the wrong form for the start is rewritten into the right one (RFC 5545
    /// §3.3.10: DATE for all-day, UTC for zoned starts).
    pub rrule: Option<Option<String>>,
    /// The reminders, replacing the current ones: alarms whose trigger is kept stay as they
    /// are (with their UIDs and X- properties), others go, new ones are added as DISPLAY
    /// alarms. Apple's `ACTION:NONE` placeholder is always kept.
    pub alarms: Option<Vec<Trigger>>,
}

/// What happens to SEQUENCE.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Sequence {
    /// Up by one when a significant property changed.
    Bump,
    /// Left alone.
    Keep,
    /// Set to this value (a split-off series starts again at 0).
    Set(i64),
}

/// What becomes of one EXDATE or RDATE value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Fate {
    Keep,
    Drop,
    Replace(EventTime),
}

/// Everything one pass may change in one VEVENT: the user's [`Changes`] and what the scope
/// logic derives (a new RECURRENCE-ID, UID, shifted or dropped exception dates).
pub(crate) struct ComponentEdit<'f> {
    pub changes: Changes,
    pub recurrence_id: Option<EventTime>,
    pub uid: Option<String>,
    pub dates: Option<&'f dyn Fn(&EventTime) -> Fate>,
    pub add_exdates: Vec<EventTime>,
    pub sequence: Sequence,
    /// Set CREATED too (a component that is new to the server).
    pub created: bool,
    /// Drop RRULE, RDATE, EXDATE and EXRULE (an override made from its master).
    pub strip_recurrence: bool,
}

impl ComponentEdit<'_> {
    pub(crate) fn new(changes: Changes) -> Self {
        ComponentEdit {
            changes,
            recurrence_id: None,
            uid: None,
            dates: None,
            add_exdates: Vec::new(),
            sequence: Sequence::Bump,
            created: false,
            strip_recurrence: false,
        }
    }
}

/// A UTC DATE-TIME value.
pub(crate) fn stamp(now: DateTime<Utc>) -> String {
    now.format("%Y%m%dT%H%M%SZ").to_string()
}

/// Collects the patches of one component.
struct Setter<'s, 'd, 'a> {
    doc: &'s Doc<'a>,
    comp: &'s Component<'d>,
    patches: Vec<Patch>,
    significant: bool,
}

impl Setter<'_, '_, '_> {
    fn raw(&self, name: &str) -> Option<String> {
        self.comp.prop(name).map(|p| self.doc.unfolded(p))
    }

    /// The first `name` line becomes `line` (or goes); any others of that name go.
    fn set(&mut self, name: &str, line: Option<String>) {
        let mut props = self.comp.props(name);
        match (props.next(), line) {
            (Some(first), Some(line)) => self.patches.push(Patch {
                at: self.doc.prop_span(first),
                text: line,
            }),
            (Some(first), None) => self.patches.push(Patch::remove(self.doc.prop_span(first))),
            (None, Some(line)) => self
                .patches
                .push(Patch::insert(self.doc.prop_insert_line(self.comp), line)),
            (None, None) => {}
        }
        for p in props {
            self.patches.push(Patch::remove(self.doc.prop_span(p)));
        }
    }

    fn insert(&mut self, line: String) {
        self.patches
            .push(Patch::insert(self.doc.prop_insert_line(self.comp), line));
    }

    /// A TEXT property: rewritten with its parameters (ALTREP aside) when the value changes.
    fn text(&mut self, name: &str, change: &Option<Option<String>>, current: Option<&str>) -> bool {
        let Some(change) = change else {
            return false;
        };
        let new = change
            .as_deref()
            .map(clean_text)
            .filter(|s| !s.trim().is_empty());
        if new.as_deref() == current {
            return false;
        }
        let raw = self.raw(name);
        let old = raw.as_deref().and_then(RawLine::split);
        let params = old.map_or_else(Vec::new, |o| o.params_without(&["ALTREP"]));
        let line = new.map(|v| content_line(name, &params, &escape_text(&v), self.doc.eol));
        self.set(name, line);
        self.significant = true;
        true
    }
}

/// The patches that apply `edit` to the VEVENT `v` of `doc`; empty when nothing changes.
///
/// # Errors
/// [`IcalError::InvalidChange`] when the result would be invalid: an end before the start, an
/// end of another kind than the start, a change between all-day and timed without an end, a
/// repeat rule on an occurrence or one that does not parse.
pub(crate) fn edit_component(
    doc: &Doc,
    v: &Vevent,
    edit: &ComponentEdit,
    now: DateTime<Utc>,
) -> Result<Vec<Patch>, IcalError> {
    let Some(ev) = &v.event else {
        return Err(IcalError::NoEvent);
    };
    let c = v.comp;
    let changes = &edit.changes;
    let mut s = Setter {
        doc,
        comp: c,
        patches: Vec::new(),
        significant: false,
    };
    let d = &ev.details;
    s.text("SUMMARY", &changes.summary, d.summary.as_deref());
    if s.text("LOCATION", &changes.location, d.location.as_deref()) {
        s.set("X-APPLE-STRUCTURED-LOCATION", None);
    }
    if s.text(
        "DESCRIPTION",
        &changes.description,
        d.description.as_deref(),
    ) {
        s.set("X-ALT-DESC", None);
    }
    if let Some(url) = &changes.url {
        let new: Option<String> = url
            .as_deref()
            .map(|u| clean_text(u).split_whitespace().collect())
            .filter(|u: &String| !u.is_empty());
        if new != d.url {
            let raw = s.raw("URL");
            let params = raw
                .as_deref()
                .and_then(RawLine::split)
                .map_or_else(Vec::new, |o| o.params_without(&[]));
            let line = new.map(|u| content_line("URL", &params, &u, doc.eol));
            s.set("URL", line);
            s.significant = true;
        }
    }
    times(&mut s, v, ev, edit)?;
    recurrence(&mut s, v, edit)?;
    if let Some(wanted) = &changes.alarms {
        s.patches
            .extend(crate::alarm_text::alarm_patches(doc, c, wanted));
    }
    if let Some(uid) = &edit.uid
        && c.prop("UID").map(|p| p.value.trim()) != Some(uid.as_str())
    {
        s.set("UID", Some(content_line("UID", &[], uid, doc.eol)));
    }
    if s.patches.is_empty() {
        return Ok(Vec::new());
    }
    let sequence = match edit.sequence {
        Sequence::Bump if s.significant => Some(ev.details.sequence.saturating_add(1)),
        Sequence::Set(n) if n != ev.details.sequence || c.prop("SEQUENCE").is_none() => Some(n),
        _ => None,
    };
    if let Some(n) = sequence {
        s.set("SEQUENCE", Some(format!("SEQUENCE:{n}{}", doc.eol)));
    }
    let stamp = stamp(now);
    s.set("DTSTAMP", Some(format!("DTSTAMP:{stamp}{}", doc.eol)));
    s.set(
        "LAST-MODIFIED",
        Some(format!("LAST-MODIFIED:{stamp}{}", doc.eol)),
    );
    if edit.created {
        s.set("CREATED", Some(format!("CREATED:{stamp}{}", doc.eol)));
    }
    Ok(s.patches)
}

/// DTSTART, DTEND or DURATION, and RECURRENCE-ID.
fn times(
    s: &mut Setter,
    v: &Vevent,
    ev: &crate::event::Event,
    edit: &ComponentEdit,
) -> Result<(), IcalError> {
    let changes = &edit.changes;
    let mut reader = s.doc.times();
    let cur_end = reader.single(v.comp, "DTEND", &mut Vec::new());
    let has_duration = v.comp.prop("DTEND").is_none() && v.comp.prop("DURATION").is_some();
    let start = changes.start.unwrap_or(ev.start);
    let moved = start != ev.start;
    if moved && start.is_date() != ev.start.is_date() && changes.end.is_none() {
        return Err(invalid(
            "changing between all-day and timed needs an end as well as a start",
        ));
    }
    let end = match (changes.end, cur_end) {
        (Some(e), _) => Some(e),
        (None, Some(e)) if moved => Some(move_time(&e, &ev.start, &start)),
        _ => None,
    };
    if let Some(e) = end {
        if e.is_date() != start.is_date() {
            return Err(invalid(
                "the end must be a date when the start is, and a time when it is",
            ));
        }
        let (a, b) = (to_utc(&start, chrono_tz::UTC), to_utc(&e, chrono_tz::UTC));
        if b < a || (start.is_date() && b == a) {
            return Err(invalid("the end is before the start"));
        }
    }
    if moved {
        let raw = s.raw("DTSTART");
        let line = time_line(
            "DTSTART",
            raw.as_deref().and_then(RawLine::split).as_ref(),
            &start,
            s.doc.eol,
        );
        s.set("DTSTART", Some(line));
        s.significant = true;
    }
    if let Some(e) = end.filter(|e| Some(*e) != cur_end) {
        if has_duration {
            let length = if start.is_date() {
                IcalDuration {
                    days: (crate::tz::wall_clock(&e) - crate::tz::wall_clock(&start)).num_days(),
                    seconds: 0,
                }
            } else {
                IcalDuration {
                    days: 0,
                    seconds: (to_utc(&e, chrono_tz::UTC) - to_utc(&start, chrono_tz::UTC))
                        .num_seconds(),
                }
            };
            let current = v
                .comp
                .prop("DURATION")
                .and_then(|p| crate::value::parse_duration(&p.value));
            if current.map(IcalDuration::exact) != Some(length.exact()) {
                s.set(
                    "DURATION",
                    Some(content_line(
                        "DURATION",
                        &[],
                        &duration_value(length),
                        s.doc.eol,
                    )),
                );
                s.significant = true;
            }
        } else {
            let raw = s.raw("DTEND");
            let line = time_line(
                "DTEND",
                raw.as_deref().and_then(RawLine::split).as_ref(),
                &e,
                s.doc.eol,
            );
            s.set("DTEND", Some(line));
            s.significant = true;
        }
    }
    if let Some(rid) = edit.recurrence_id
        && Some(rid) != ev.recurrence_id
    {
        let raw = s.raw("RECURRENCE-ID");
        let line = time_line(
            "RECURRENCE-ID",
            raw.as_deref().and_then(RawLine::split).as_ref(),
            &rid,
            s.doc.eol,
        );
        s.set("RECURRENCE-ID", Some(line));
        s.significant = true;
    }
    Ok(())
}

/// RRULE, EXDATE and RDATE.
fn recurrence(s: &mut Setter, v: &Vevent, edit: &ComponentEdit) -> Result<(), IcalError> {
    let is_override = v.comp.prop("RECURRENCE-ID").is_some() || edit.recurrence_id.is_some();
    if edit.strip_recurrence {
        for name in ["RRULE", "RDATE", "EXDATE", "EXRULE"] {
            s.set(name, None);
        }
        return Ok(());
    }
    if let Some(rule) = &edit.changes.rrule {
        let start = edit
            .changes
            .start
            .or_else(|| v.event.as_ref().map(|e| e.start));
        let rule = match (
            rule.as_deref().map(str::trim).filter(|r| !r.is_empty()),
            start,
        ) {
            (Some(_), _) if is_override => {
                return Err(invalid(
                    "one occurrence of a series cannot repeat on its own",
                ));
            }
            (Some(r), Some(start)) => Some(normalize_rrule(r, &start)?),
            _ => None,
        };
        let current: Vec<String> = v
            .comp
            .props("RRULE")
            .map(|p| p.value.trim().to_owned())
            .collect();
        let unchanged = match &rule {
            Some(r) => current.len() == 1 && current.first() == Some(r),
            None => current.is_empty(),
        };
        if !unchanged {
            let line = rule.map(|r| content_line("RRULE", &[], &r, s.doc.eol));
            s.set("RRULE", line);
            s.significant = true;
        }
    }
    if let Some(fate) = edit.dates {
        let mut reader = s.doc.times();
        for name in ["EXDATE", "RDATE"] {
            for p in v.comp.props(name) {
                let raw = s.doc.unfolded(p);
                let Some(line) = RawLine::split(&raw) else {
                    continue;
                };
                let mut kept: Vec<(EventTime, Option<String>)> = Vec::new();
                let mut changed = false;
                for value in line.value.split(',') {
                    let (start, tail) = match value.split_once('/') {
                        Some((a, b)) => (a, Some(b)),
                        None => (value, None),
                    };
                    let Some(t) = reader.value(p, start, &mut Vec::new()) else {
                        changed = true;
                        continue;
                    };
                    let new = match fate(&t) {
                        Fate::Keep => t,
                        Fate::Drop => {
                            changed = true;
                            continue;
                        }
                        Fate::Replace(n) => n,
                    };
                    changed |= new != t;
                    // A PERIOD's end moves with its start; a duration stays as written.
                    let tail = tail.map(|r| match reader.value(p, r, &mut Vec::new()) {
                        Some(end) if crate::value::parse_duration(r).is_none() => {
                            crate::lines::time_value(&move_time(&end, &t, &new)).1
                        }
                        _ => r.to_owned(),
                    });
                    kept.push((new, tail));
                }
                if !changed {
                    continue;
                }
                s.significant = true;
                let text: String = kept
                    .iter()
                    .map(|(t, tail)| date_line(name, &line, t, tail.as_deref(), s.doc.eol))
                    .collect();
                s.patches.push(Patch {
                    at: s.doc.prop_span(p),
                    text,
                });
            }
        }
    }
    // A new EXDATE goes after the last one, or after the RRULE: next to its kin, where a
    // reader of the text looks for it.
    let anchor = v
        .comp
        .props("EXDATE")
        .last()
        .or_else(|| v.comp.props("RRULE").last())
        .map(|p| s.doc.prop_span(p).end);
    for t in &edit.add_exdates {
        let line = time_line("EXDATE", None, t, s.doc.eol);
        match anchor {
            Some(at) => s.patches.push(Patch::insert(at, line)),
            None => s.insert(line),
        }
        s.significant = true;
    }
    Ok(())
}

/// One EXDATE or RDATE value on a line of its own, with the old line's other parameters; a
/// PERIOD keeps its VALUE=PERIOD and takes the start's TZID.
fn date_line(name: &str, old: &RawLine, t: &EventTime, tail: Option<&str>, eol: &str) -> String {
    match tail {
        None => time_line(name, Some(old), t, eol),
        Some(tail) => {
            let (param, value) = crate::lines::time_value(t);
            let mut params = old.params_without(&["TZID"]);
            params.extend(param.filter(|p| p.starts_with("TZID=")));
            content_line(name, &params, &format!("{value}/{tail}"), eol)
        }
    }
}
