//! Edits and deletions of a recurring series by scope: this occurrence, this and following, all
//! (writing-caldav.md §3 and §6c). Each is a few passes of [`crate::edit`] over the stored
//! text, re-read between passes, so every line nobody changed is kept byte for byte.
//!
//! - **This**: an edit adds (or changes) an override VEVENT whose RECURRENCE-ID is the
//!   occurrence's original start in the master's form, made from a copy of the master without
//!   its recurrence properties; a deletion adds an EXDATE to the master and drops the override.
//!   A series left without occurrences is deleted whole.
//! - **Following**: the series ends before the occurrence and a new one, with a new UID,
//!   carries on from it as a second resource; see `split` for its rules.
//! - **All**: the master changes; when its start moves, override RECURRENCE-IDs, EXDATEs,
//!   RDATEs and UNTIL move with it, and so do the overrides' own times (Thunderbird's
//!   `onStartDateChange`); the rule's day parts follow the start to another day (a weekly
//!   Monday meeting dragged to Tuesday repeats on Tuesdays). A field an override shared with the old master follows the new one;
//!   a field the user had changed on that occurrence stays. A new rule drops the overrides and
//!   EXDATEs that no longer fall on an occurrence (CalendarServer refuses an override whose
//!   RECURRENCE-ID matches none); removing the rule drops them all, with the RDATEs
//!   (CalendarServer refuses an override beside a master that does not repeat).

mod split;

use crate::edit::{ComponentEdit, Fate, Sequence, edit_component};
use crate::event::Event;
use crate::invalid;
use crate::lines::{Doc, Patch, Vevent, time_value};
use crate::outgoing::finish;
use crate::series::{
    before, has_occurrences, into_frame, is_generated, is_occurrence, move_time, rule_shifted,
    same_occurrence, shift,
};
use crate::{Changes, IcalError, MAX_ICS_BYTES};
use almanac_core::{EventTime, Uid};
use chrono::{DateTime, Utc};

/// Which occurrences of an event an edit or a deletion applies to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    /// The occurrence with this RECURRENCE-ID (its original start, as
    /// [`crate::Occurrence::recurrence_id`] gives it).
    This(EventTime),
    /// That occurrence and every later one.
    Following(EventTime),
    /// The whole event or series.
    All,
}

/// What to do with the resource that was edited.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ResourceWrite {
    /// Upload this text (with `If-Match`). It equals the stored text when nothing changed.
    Put(String),
    /// Delete the resource (with `If-Match`): nothing of it is left.
    Delete,
}

/// A resource that an edit creates: the continuing half of a "this and following" split.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewResource {
    /// Its UID, the one the caller's generator gave.
    pub uid: Uid,
    /// Its text, to upload with `If-None-Match: *`.
    pub text: String,
}

/// The result of [`edit`] and [`delete`]: one or two resource writes. With a new resource, the
/// safe order is create it first, then write the original (writing-caldav.md §6c).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScopedEdit {
    /// The edited resource.
    pub resource: ResourceWrite,
    /// The resource a "this and following" edit splits off.
    pub new_resource: Option<NewResource>,
}

impl ScopedEdit {
    pub(crate) fn put(text: String) -> Self {
        ScopedEdit {
            resource: ResourceWrite::Put(text),
            new_resource: None,
        }
    }
}

/// Applies the user's `changes` to the occurrences `scope` names in the stored resource `raw`,
/// changing only the lines that must change (see the module overview for each scope's rules,
/// and [`Changes`] for each field's).
///
/// `new_uid` is called only when a split needs a UID for the new series.
///
/// # Errors
/// - [`IcalError::TooLarge`] or [`IcalError::NoEvent`] when `raw` cannot be read as an event.
/// - [`IcalError::NoSuchOccurrence`] when the scope's occurrence is not in the series.
/// - [`IcalError::ScopeMismatch`] for "this"/"following" on an event that does not repeat, or
///   "all"/"following" on a resource that holds only some occurrences.
/// - [`IcalError::InvalidChange`] when the change would make an invalid event.
pub fn edit(
    raw: &str,
    scope: &Scope,
    changes: &Changes,
    now: DateTime<Utc>,
    new_uid: impl FnOnce() -> Uid,
) -> Result<ScopedEdit, IcalError> {
    check(raw)?;
    match scope {
        Scope::This(rid) => edit_this(raw, rid, changes, now).map(ScopedEdit::put),
        Scope::Following(rid) => split::edit_following(raw, rid, changes, now, new_uid),
        Scope::All => edit_all(raw, changes, now, Sequence::Bump).map(ScopedEdit::put),
    }
}

/// Deletes the occurrences `scope` names: an EXDATE for one, a truncated series for "this and
/// following", the whole resource for "all" or when no occurrence is left.
///
/// # Errors
/// As [`edit`].
pub fn delete(raw: &str, scope: &Scope, now: DateTime<Utc>) -> Result<ScopedEdit, IcalError> {
    check(raw)?;
    let resource = match scope {
        Scope::All => ResourceWrite::Delete,
        Scope::This(rid) => delete_this(raw, rid, now)?,
        Scope::Following(rid) => {
            let doc = Doc::new(raw);
            let (_, vs) = doc.vevents();
            let (_, m) = series(&vs)?;
            let split = occurrence(&vs, m, rid)?;
            if before(&m.start, &split, &m.start) {
                split::truncate(&doc, &vs, &split, now)?
            } else {
                ResourceWrite::Delete
            }
        }
    };
    Ok(ScopedEdit {
        resource,
        new_resource: None,
    })
}

fn check(raw: &str) -> Result<(), IcalError> {
    if raw.len() > MAX_ICS_BYTES {
        return Err(IcalError::TooLarge {
            size: raw.len(),
            limit: MAX_ICS_BYTES,
        });
    }
    Ok(())
}

fn no_such(rid: &EventTime) -> IcalError {
    let (param, value) = time_value(rid);
    IcalError::NoSuchOccurrence {
        recurrence_id: match param {
            Some(p) => format!("{p}:{value}"),
            None => value,
        },
    }
}

pub(crate) fn master<'v, 'd, 'a>(
    vs: &'v [Vevent<'d, 'a>],
) -> Option<(&'v Vevent<'d, 'a>, &'v Event)> {
    vs.iter().find_map(|v| match &v.event {
        Some(e) if e.recurrence_id.is_none() => Some((v, e)),
        _ => None,
    })
}

/// The master of a recurring series.
pub(crate) fn series<'v, 'd, 'a>(
    vs: &'v [Vevent<'d, 'a>],
) -> Result<(&'v Vevent<'d, 'a>, &'v Event), IcalError> {
    if vs.iter().all(|v| v.event.is_none()) {
        return Err(IcalError::NoEvent);
    }
    let found = master(vs).ok_or(IcalError::ScopeMismatch {
        reason: "this resource holds only single occurrences of a series, not the series",
    })?;
    if !found.1.is_recurring() {
        return Err(IcalError::ScopeMismatch {
            reason: "this event does not repeat",
        });
    }
    Ok(found)
}

pub(crate) fn override_at<'v, 'd, 'a>(
    vs: &'v [Vevent<'d, 'a>],
    rid: &EventTime,
    form: &EventTime,
) -> Option<&'v Vevent<'d, 'a>> {
    vs.iter()
        .find(|v| v.rid().is_some_and(|r| same_occurrence(&r, rid, form)))
}

/// `rid` in the master's form, when it is an occurrence (or has an override).
pub(crate) fn occurrence(
    vs: &[Vevent],
    m: &Event,
    rid: &EventTime,
) -> Result<EventTime, IcalError> {
    if override_at(vs, rid, &m.start).is_none() && !is_occurrence(m, rid) {
        return Err(no_such(rid));
    }
    Ok(into_frame(rid, &m.start))
}

/// The text with a new override for `rid`, copied from the master: the master's lines without
/// RRULE, RDATE, EXDATE and EXRULE, with RECURRENCE-ID and the occurrence's own times.
pub(crate) fn add_override(
    doc: &Doc,
    vs: &[Vevent],
    mv: &Vevent,
    m: &Event,
    rid: &EventTime,
    now: DateTime<Utc>,
) -> Result<String, IcalError> {
    let rid = into_frame(rid, &m.start);
    let mut e = ComponentEdit::new(Changes {
        start: Some(rid),
        ..Changes::default()
    });
    e.recurrence_id = Some(rid);
    e.strip_recurrence = true;
    e.sequence = Sequence::Keep;
    let patches = edit_component(doc, mv, &e, now)?;
    let copy = doc.render(doc.comp_span(mv.comp), patches);
    let after = vs
        .iter()
        .map(|v| doc.comp_span(v.comp).end)
        .max()
        .unwrap_or_default();
    Ok(doc.apply(vec![Patch::insert(after, copy)]))
}

fn edit_this(
    raw: &str,
    rid: &EventTime,
    changes: &Changes,
    now: DateTime<Utc>,
) -> Result<String, IcalError> {
    if changes.rrule.is_some() {
        return Err(invalid(
            "one occurrence of a series cannot repeat on its own",
        ));
    }
    let doc = Doc::new(raw);
    let (_, vs) = doc.vevents();
    let form = master(&vs).map_or(*rid, |(_, m)| m.start);
    if let Some(o) = override_at(&vs, rid, &form) {
        let patches = edit_component(&doc, o, &ComponentEdit::new(changes.clone()), now)?;
        return Ok(finish(raw, doc.apply(patches)));
    }
    let (mv, m) = series(&vs)?;
    let rid = occurrence(&vs, m, rid)?;
    let copied = add_override(&doc, &vs, mv, m, &rid, now)?;
    let doc = Doc::new(&copied);
    let (_, vs) = doc.vevents();
    let o = override_at(&vs, &rid, &rid).ok_or_else(|| no_such(&rid))?;
    let patches = edit_component(&doc, o, &ComponentEdit::new(changes.clone()), now)?;
    Ok(finish(raw, doc.apply(patches)))
}

fn delete_this(raw: &str, rid: &EventTime, now: DateTime<Utc>) -> Result<ResourceWrite, IcalError> {
    let doc = Doc::new(raw);
    let (_, vs) = doc.vevents();
    let text = match master(&vs) {
        None => {
            let o = override_at(&vs, rid, rid).ok_or_else(|| no_such(rid))?;
            doc.apply(vec![Patch::remove(doc.comp_span(o.comp))])
        }
        Some(_) => {
            let (mv, m) = series(&vs)?;
            let rid = occurrence(&vs, m, rid)?;
            let mut e = ComponentEdit::new(Changes::default());
            if is_occurrence(m, &rid) {
                e.add_exdates.push(rid);
            }
            let mut patches = edit_component(&doc, mv, &e, now)?;
            if let Some(o) = override_at(&vs, &rid, &m.start) {
                patches.push(Patch::remove(doc.comp_span(o.comp)));
            }
            doc.apply(patches)
        }
    };
    Ok(if has_occurrences(&text) {
        ResourceWrite::Put(finish(raw, text))
    } else {
        ResourceWrite::Delete
    })
}

/// The end an event's times give: DTEND, or DTSTART plus its length.
fn end_of(doc: &Doc, v: &Vevent, e: &Event) -> EventTime {
    if let Some(end) = doc.times().single(v.comp, "DTEND", &mut Vec::new()) {
        return end;
    }
    let length = e.length.nominal.exact() + e.length.exact;
    let utc = chrono_tz::UTC;
    crate::tz::in_frame_of(
        &e.start,
        crate::tz::add_utc(crate::tz::to_utc(&e.start, utc), length),
        utc,
    )
}

pub(crate) fn edit_all(
    raw: &str,
    changes: &Changes,
    now: DateTime<Utc>,
    sequence: Sequence,
) -> Result<String, IcalError> {
    let doc = Doc::new(raw);
    let (_, vs) = doc.vevents();
    if vs.iter().all(|v| v.event.is_none()) {
        return Err(IcalError::NoEvent);
    }
    let (mv, m) = master(&vs).ok_or(IcalError::ScopeMismatch {
        reason: "this resource holds only single occurrences of a series, not the series",
    })?;
    let old_start = m.start;
    let new_start = changes.start.unwrap_or(old_start);
    let moved = new_start != old_start;
    let rule_removed =
        matches!(&changes.rrule, Some(r) if r.as_deref().is_none_or(|r| r.trim().is_empty()));
    let rule_replaced = changes.rrule.is_some() && !rule_removed;
    let mut mc = changes.clone();
    if moved
        && changes.rrule.is_none()
        && let Some(p) = mv.comp.prop("RRULE")
    {
        let shifted = rule_shifted(p.value.trim(), &old_start, &new_start);
        if shifted != p.value.trim() {
            mc.rrule = Some(Some(shifted));
        }
    }
    let fate = |t: &EventTime| {
        if rule_removed {
            Fate::Drop
        } else if moved {
            Fate::Replace(shift(t, &old_start, &new_start))
        } else {
            Fate::Keep
        }
    };
    let mut e = ComponentEdit::new(mc);
    e.dates = Some(&fate);
    e.sequence = sequence;
    let text = doc.apply(edit_component(&doc, mv, &e, now)?);
    if vs.iter().all(|v| v.rid().is_none()) {
        return Ok(finish(raw, text));
    }
    let old_end = end_of(&doc, mv, m);
    let new_end = changes
        .end
        .unwrap_or_else(|| move_time(&old_end, &old_start, &new_start));
    let old_length =
        crate::tz::to_utc(&old_end, chrono_tz::UTC) - crate::tz::to_utc(&old_start, chrono_tz::UTC);
    let doc2 = Doc::new(&text);
    let (_, vs2) = doc2.vevents();
    let new_master = master(&vs2);
    let mut patches = Vec::new();
    // EXDATEs the new rule no longer generates are dead weight, and some servers refuse them.
    if rule_replaced && let Some((mv2, nm)) = new_master {
        let on_rule = |t: &EventTime| {
            if is_generated(nm, t) {
                Fate::Keep
            } else {
                Fate::Drop
            }
        };
        let mut e = ComponentEdit::new(Changes::default());
        e.dates = Some(&on_rule);
        e.sequence = Sequence::Keep;
        patches.extend(edit_component(&doc2, mv2, &e, now)?);
    }
    let new_master = new_master.map(|(_, e)| e);
    for o in &vs2 {
        let (Some(oe), Some(old_rid)) = (&o.event, o.rid()) else {
            continue;
        };
        let new_rid = if moved {
            shift(&old_rid, &old_start, &new_start)
        } else {
            old_rid
        };
        let falls = new_master.is_some_and(|nm| is_generated(nm, &new_rid));
        if rule_removed || (rule_replaced && !falls) {
            patches.push(Patch::remove(doc2.comp_span(o.comp)));
            continue;
        }
        let mut oc = inherited(changes, m, oe);
        let start = if moved {
            move_time(&oe.start, &into_frame(&old_rid, &old_start), &new_rid)
        } else {
            oe.start
        };
        oc.start = Some(start);
        let own_end = end_of(&doc2, o, oe);
        let own_length = crate::tz::to_utc(&own_end, chrono_tz::UTC)
            - crate::tz::to_utc(&oe.start, chrono_tz::UTC);
        let kind_changed = new_start.is_date() != old_start.is_date();
        if kind_changed || (changes.end.is_some() && own_length == old_length) {
            oc.end = Some(shift(&new_end, &new_start, &start));
        }
        let mut oe_edit = ComponentEdit::new(oc);
        oe_edit.recurrence_id = (new_rid != old_rid).then_some(new_rid);
        patches.extend(edit_component(&doc2, o, &oe_edit, now)?);
    }
    Ok(finish(raw, doc2.apply(patches)))
}

/// The changes an override takes from an edit of all occurrences: those of fields it still
/// shared with the old master.
fn inherited(changes: &Changes, old: &Event, o: &Event) -> Changes {
    let (od, md) = (&o.details, &old.details);
    let take = |c: &Option<Option<String>>, own: &Option<String>, master: &Option<String>| {
        c.clone().filter(|_| own == master)
    };
    let triggers = |e: &Event| {
        e.alarms
            .iter()
            .map(|a| a.trigger.clone())
            .collect::<Vec<_>>()
    };
    Changes {
        summary: take(&changes.summary, &od.summary, &md.summary),
        location: take(&changes.location, &od.location, &md.location),
        description: take(&changes.description, &od.description, &md.description),
        url: take(&changes.url, &od.url, &md.url),
        alarms: changes
            .alarms
            .clone()
            .filter(|_| triggers(o) == triggers(old)),
        ..Changes::default()
    }
}
