//! Answering an invitation as an attendee: only our own ATTENDEE line changes.
//!
//! Rules (RFC 5546 §3.2.3 and RFC 6638 §3.2.2, CalendarServer's `valid-attendee-change`):
//! - The PARTSTAT parameter of the ATTENDEE whose address (or `EMAIL` parameter, which iCloud
//!   uses beside `urn:uuid:` addresses) is ours becomes the answer; `RSVP=TRUE`, the organizer's
//!   request for an answer, is dropped once answered. Every other parameter stays as written.
//! - SEQUENCE stays: it is the organizer's revision number, and an attendee that changes it is
//!   refused by CalendarServer (only PARTSTAT, alarms and TRANSP are the attendee's).
//! - DTSTAMP becomes `now`, so the server's scheduling sees a newer reply. LAST-MODIFIED stays,
//!   keeping the change to the one property an attendee may make plus its stamp.
//! - For one occurrence, the override is created from the master when there is none, as
//!   Apple Calendar does for a per-occurrence answer; for the series, the master and every
//!   override that lists us are answered.
//!
//! The server sends the iTIP REPLY itself (iCloud's implicit scheduling, writing-caldav.md
//! §1.5): nothing here builds one.

use crate::IcalError;
use crate::edit::stamp;
use crate::event::address_key;
use crate::lines::{Doc, Patch, RawLine, Vevent, content_line};
use crate::outgoing::finish;
use crate::scope::{Scope, add_override, master, override_at};
use chrono::{DateTime, Utc};
use serde::Serialize;

/// An attendee's answer to an invitation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PartStat {
    /// Will attend (`ACCEPTED`).
    Accepted,
    /// Might attend (`TENTATIVE`).
    Tentative,
    /// Will not attend (`DECLINED`).
    Declined,
}

impl PartStat {
    /// The PARTSTAT value.
    pub fn as_str(self) -> &'static str {
        match self {
            PartStat::Accepted => "ACCEPTED",
            PartStat::Tentative => "TENTATIVE",
            PartStat::Declined => "DECLINED",
        }
    }
}

/// The answered ATTENDEE lines of one VEVENT and its DTSTAMP, as patches; `found` is set when
/// the address is among its attendees.
fn answer(
    doc: &Doc,
    v: &Vevent,
    who: &str,
    partstat: PartStat,
    now: DateTime<Utc>,
    found: &mut bool,
) -> Vec<Patch> {
    let mut patches = Vec::new();
    for p in v.comp.props("ATTENDEE") {
        let raw = doc.unfolded(p);
        let Some(line) = RawLine::split(&raw) else {
            continue;
        };
        let ours = address_key(line.value) == who
            || line.param("EMAIL").is_some_and(|e| address_key(e) == who);
        if !ours {
            continue;
        }
        *found = true;
        let current = line.param("PARTSTAT");
        if current.is_some_and(|c| c.eq_ignore_ascii_case(partstat.as_str()))
            && line.param("RSVP").is_none()
        {
            continue;
        }
        let wanted = format!("PARTSTAT={}", partstat.as_str());
        let mut params: Vec<String> = Vec::new();
        for param in &line.params {
            let name = param.split_once('=').map_or(*param, |(k, _)| k).trim();
            if name.eq_ignore_ascii_case("PARTSTAT") {
                params.push(wanted.clone());
            } else if !name.eq_ignore_ascii_case("RSVP") {
                params.push((*param).to_owned());
            }
        }
        if current.is_none() {
            params.push(wanted);
        }
        patches.push(Patch {
            at: doc.prop_span(p),
            text: content_line(line.name, &params, line.value, doc.eol),
        });
    }
    if !patches.is_empty() {
        let mut stamps = v.comp.props("DTSTAMP");
        let line = format!("DTSTAMP:{}{}", stamp(now), doc.eol);
        match stamps.next() {
            Some(first) => patches.push(Patch {
                at: doc.prop_span(first),
                text: line,
            }),
            None => patches.push(Patch::insert(doc.prop_insert_line(v.comp), line)),
        }
        patches.extend(stamps.map(|p| Patch::remove(doc.prop_span(p))));
    }
    patches
}

/// Sets our answer (`partstat`) on the invitation `raw` for the occurrences `scope` names,
/// changing only our ATTENDEE line and DTSTAMP (see the module overview for the rules).
///
/// # Errors
/// - [`IcalError::TooLarge`] or [`IcalError::NoEvent`] when `raw` cannot be read as an event.
/// - [`IcalError::NotAnAttendee`] when `attendee` is not invited (to that occurrence).
/// - [`IcalError::NoSuchOccurrence`] when the occurrence is not in the series.
/// - [`IcalError::ScopeMismatch`] for [`Scope::Following`]: an answer is for one occurrence or
///   for the series.
pub fn set_partstat(
    raw: &str,
    attendee: &str,
    partstat: PartStat,
    scope: &Scope,
    now: DateTime<Utc>,
) -> Result<String, IcalError> {
    if raw.len() > crate::MAX_ICS_BYTES {
        return Err(IcalError::TooLarge {
            size: raw.len(),
            limit: crate::MAX_ICS_BYTES,
        });
    }
    let who = address_key(attendee);
    let copied;
    let doc = match scope {
        Scope::Following(_) => {
            return Err(IcalError::ScopeMismatch {
                reason: "an answer is for one occurrence or for the whole series",
            });
        }
        Scope::All => Doc::new(raw),
        Scope::This(rid) => {
            let doc = Doc::new(raw);
            let (_, vs) = doc.vevents();
            let form = master(&vs).map_or(*rid, |(_, m)| m.start);
            if override_at(&vs, rid, &form).is_some() {
                doc
            } else {
                let (mv, m) = master(&vs).ok_or(IcalError::NoEvent)?;
                if !crate::series::is_occurrence(m, rid) {
                    return Err(IcalError::NoSuchOccurrence {
                        recurrence_id: crate::lines::time_value(rid).1,
                    });
                }
                copied = add_override(&doc, &vs, mv, m, rid, now)?;
                Doc::new(&copied)
            }
        }
    };
    let (_, vs) = doc.vevents();
    if vs.iter().all(|v| v.event.is_none()) {
        return Err(IcalError::NoEvent);
    }
    let targets: Vec<&Vevent> = match scope {
        Scope::This(rid) => {
            let form = master(&vs).map_or(*rid, |(_, m)| m.start);
            override_at(&vs, rid, &form).into_iter().collect()
        }
        _ => vs.iter().filter(|v| v.event.is_some()).collect(),
    };
    let mut found = false;
    let mut patches = Vec::new();
    for v in targets {
        patches.extend(answer(&doc, v, &who, partstat, now, &mut found));
    }
    if !found {
        return Err(IcalError::NotAnAttendee {
            address: attendee.to_owned(),
        });
    }
    Ok(finish(raw, doc.apply(patches)))
}
