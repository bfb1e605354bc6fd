//! "This and following": the series ends before the occurrence and a new series, with a new
//! UID, carries on from it as a second resource (writing-caldav.md §3.3, Evolution's
//! `e_cal_util_split_at_instance_ex`).
//!
//! Rules:
//! - The original's rule gets `UNTIL` one second before the occurrence, in UTC for zoned starts
//!   (RFC 5545 §3.3.10), the day before for all-day ones; a COUNT becomes that UNTIL. A rule that
//!   already ends earlier (the split is at a later RDATE) stays as it is.
//! - The new series starts at the occurrence with the master's length; its COUNT is what
//!   remains, its UNTIL the old one. EXDATEs, RDATEs and overrides from the occurrence on move
//!   to it (with the new UID); earlier ones stay. It is a new event to the server: SEQUENCE 0,
//!   CREATED `now`. Then the user's changes apply to it as an edit of all its occurrences.
//! - The new resource holds the new series alone (and its VTIMEZONEs): a VEVENT of another UID
//!   copied along would exist twice, which iCloud refuses across a calendar home.
//! - From the first occurrence, "following" is "all".
//!
//! Apple's own split (`POST ?action=split`) keeps the old UID on the future half; a client
//! cannot ask that of plain CalDAV, so the new UID goes to the future half, as in Evolution.

use super::{NewResource, ResourceWrite, ScopedEdit, edit_all, occurrence, series};
use crate::edit::{ComponentEdit, Fate, Sequence, edit_component};
use crate::lines::{Doc, Patch, Vevent};
use crate::outgoing::finish;
use crate::series::{before, has_occurrences, rule_from, rule_until_before, same_occurrence};
use crate::{Changes, IcalError};
use almanac_core::{EventTime, Uid};
use chrono::{DateTime, Utc};

/// The original series cut before `split`: UNTIL, and the EXDATEs, RDATEs and overrides from
/// `split` on removed (they move to the new series, or go with a deletion).
pub(crate) fn truncate(
    doc: &Doc,
    vs: &[Vevent],
    split: &EventTime,
    now: DateTime<Utc>,
) -> Result<ResourceWrite, IcalError> {
    let (mv, m) = series(vs)?;
    let rule = mv
        .comp
        .prop("RRULE")
        .map(|p| rule_until_before(p.value.trim(), m, split));
    let keep_past = |t: &EventTime| {
        if before(t, split, &m.start) {
            Fate::Keep
        } else {
            Fate::Drop
        }
    };
    let mut e = ComponentEdit::new(Changes {
        rrule: rule.map(Some),
        ..Changes::default()
    });
    e.dates = Some(&keep_past);
    let mut patches = edit_component(doc, mv, &e, now)?;
    for o in vs
        .iter()
        .filter(|v| v.rid().is_some_and(|r| !before(&r, split, &m.start)))
    {
        patches.push(Patch::remove(doc.comp_span(o.comp)));
    }
    let text = doc.apply(patches);
    Ok(if has_occurrences(&text) {
        ResourceWrite::Put(text)
    } else {
        ResourceWrite::Delete
    })
}

pub(crate) fn edit_following(
    raw: &str,
    rid: &EventTime,
    changes: &Changes,
    now: DateTime<Utc>,
    new_uid: impl FnOnce() -> Uid,
) -> Result<ScopedEdit, IcalError> {
    let doc = Doc::new(raw);
    let (_, vs) = doc.vevents();
    let (mv, m) = series(&vs)?;
    let split = occurrence(&vs, m, rid)?;
    if !before(&m.start, &split, &m.start) {
        return edit_all(raw, changes, now, Sequence::Bump).map(ScopedEdit::put);
    }
    let uid = new_uid();
    let rule = mv
        .comp
        .prop("RRULE")
        .map(|p| rule_from(p.value.trim(), m, &split, &split));
    // An RDATE at the split is the new DTSTART itself.
    let keep_future = |t: &EventTime| {
        if before(t, &split, &m.start) || same_occurrence(t, &split, &m.start) {
            Fate::Drop
        } else {
            Fate::Keep
        }
    };
    let mut e = ComponentEdit::new(Changes {
        start: Some(split),
        rrule: rule,
        ..Changes::default()
    });
    e.uid = Some(uid.as_str().to_owned());
    e.dates = Some(&keep_future);
    e.sequence = Sequence::Set(0);
    e.created = true;
    let mut patches = edit_component(&doc, mv, &e, now)?;
    // The new resource holds the new series alone: a VEVENT of another UID (or a VTODO) copied
    // into it would exist twice, which iCloud refuses across a calendar home.
    for c in doc.components() {
        let ours = vs.iter().any(|v| std::ptr::eq(v.comp, c));
        if c.name != "VTIMEZONE" && !ours {
            patches.push(Patch::remove(doc.comp_span(c)));
        }
    }
    for o in vs.iter().filter(|v| v.rid().is_some()) {
        if o.rid().is_some_and(|r| before(&r, &split, &m.start)) {
            patches.push(Patch::remove(doc.comp_span(o.comp)));
        } else {
            let mut moved = ComponentEdit::new(Changes::default());
            moved.uid = Some(uid.as_str().to_owned());
            moved.sequence = Sequence::Keep;
            patches.extend(edit_component(&doc, o, &moved, now)?);
        }
    }
    let future = edit_all(&doc.apply(patches), changes, now, Sequence::Set(0))?;
    let resource = match truncate(&doc, &vs, &split, now)? {
        ResourceWrite::Put(text) => ResourceWrite::Put(finish(raw, text)),
        ResourceWrite::Delete => ResourceWrite::Delete,
    };
    Ok(ScopedEdit {
        resource,
        new_resource: Some(NewResource {
            uid,
            text: finish("", future),
        }),
    })
}
