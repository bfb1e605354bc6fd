//! Three-way merge of one resource at property granularity, for a write that met a newer server
//! copy (412): our edit and theirs merge when they touched different things.
//!
//! Rules (writing-caldav.md §6b: "auto-merge only when it is provably safe"):
//! - Components are matched by UID and RECURRENCE-ID (compared as the occurrence they name, so
//!   a RECURRENCE-ID rewritten in UTC still matches), VTIMEZONEs by TZID.
//! - Within a component, each property is one entry: a single property (SUMMARY, DTSTART, an
//!   X- property) by its name and position among its namesakes; an ATTENDEE or ORGANIZER by
//!   its address, so two people's answers are two entries; set-like properties (EXDATE, RDATE,
//!   CATEGORIES, COMMENT, CONTACT, RELATED-TO, ATTACH, RESOURCES) by their whole line, so
//!   additions on both sides both survive. Each VALARM is one entry, named by its UID when it
//!   has one. An entry compares by its unfolded text: parameters included.
//! - An entry changed on one side only takes that side; changed on both sides to the same text
//!   is no conflict; changed on both sides differently is a [`Merge::Conflict`]. A component
//!   deleted on one side and changed on the other is a conflict too.
//! - DTSTAMP, LAST-MODIFIED and SEQUENCE are not compared. A merged component takes DTSTAMP and
//!   LAST-MODIFIED from ours, and SEQUENCE one above the larger of both sides when we had raised
//!   ours (a significant change); otherwise theirs stays, so that merging an attendee's
//!   answer never bumps the organizer's revision.
//! - The result is their text with our changes patched in, so the server's formatting and
//!   everything we did not change stay as they are. When one side did not change anything,
//!   the result is the other side's text, byte for byte.

use crate::event::address_key;
use crate::lines::Doc;
use crate::lines::{Patch, RawLine};
use crate::series::into_frame;
use crate::tz::wall_clock;
use std::ops::Range;

/// The outcome of [`merge`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Merge {
    /// The merged text, to upload against the server's current ETag.
    Clean(String),
    /// Both sides changed the same thing differently: the user must choose.
    Conflict(Vec<MergeConflict>),
}

/// One thing both sides changed differently.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MergeConflict {
    /// The RECURRENCE-ID of the component, as written (`None` for the master or a VTIMEZONE).
    pub recurrence_id: Option<String>,
    /// The property (`SUMMARY`), `VALARM`, or the component's name when one side deleted it.
    pub property: String,
}

/// Properties that may repeat and mean a set: one entry per line.
const SETS: &[&str] = &[
    "EXDATE",
    "RDATE",
    "CATEGORIES",
    "COMMENT",
    "CONTACT",
    "RELATED-TO",
    "ATTACH",
    "RESOURCES",
];

/// Properties every write changes; merged by the rules above, not compared.
const STAMPS: &[&str] = &["DTSTAMP", "LAST-MODIFIED", "SEQUENCE"];

struct Entry {
    key: String,
    name: String,
    text: String,
    span: Range<usize>,
    is_child: bool,
}

struct Part {
    key: String,
    rid: Option<String>,
    name: String,
    span: Range<usize>,
    entries: Vec<Entry>,
    sequence: i64,
    /// DTSTAMP, LAST-MODIFIED and SEQUENCE lines: (name, span).
    stamps: Vec<(String, Range<usize>)>,
    insert_prop: usize,
    insert_child: usize,
}

impl Part {
    fn same(&self, other: &Part) -> bool {
        self.entries.len() == other.entries.len()
            && self.entries.iter().all(|e| {
                other
                    .entries
                    .iter()
                    .any(|o| o.key == e.key && o.text == e.text)
            })
    }

    fn entry(&self, key: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.key == key)
    }
}

fn text(e: Option<&Entry>) -> Option<&str> {
    e.map(|e| e.text.as_str())
}

fn parts(doc: &Doc) -> Vec<Part> {
    let (uid, vevents) = doc.vevents();
    let master_start = vevents.iter().find_map(|v| {
        v.event
            .as_ref()
            .filter(|e| e.recurrence_id.is_none())
            .map(|e| e.start)
    });
    let mut out = Vec::new();
    let mut seen_other = 0;
    for c in doc.components() {
        let (key, rid) = match c.name.as_ref() {
            "VEVENT" => {
                let this_uid = c.prop("UID").map(|p| p.value.trim()).unwrap_or_default();
                let rid = vevents
                    .iter()
                    .find(|v| std::ptr::eq(v.comp, c))
                    .and_then(|v| v.rid());
                let rid_key = rid.map(|r| {
                    let form = master_start.unwrap_or(r);
                    wall_clock(&into_frame(&r, &form)).to_string()
                });
                let written = c.prop("RECURRENCE-ID").map(|p| p.value.trim().to_owned());
                let key = if this_uid == uid {
                    format!("VEVENT {}", rid_key.unwrap_or_default())
                } else {
                    format!("VEVENT {this_uid} {}", written.clone().unwrap_or_default())
                };
                (key, written)
            }
            "VTIMEZONE" => (
                format!(
                    "VTIMEZONE {}",
                    c.prop("TZID").map(|p| p.value.trim()).unwrap_or_default()
                ),
                None,
            ),
            other => {
                seen_other += 1;
                (format!("{other} #{seen_other}"), None)
            }
        };
        let mut entries = Vec::new();
        let mut stamps = Vec::new();
        let mut counts: Vec<(String, usize)> = Vec::new();
        for p in &c.properties {
            let name = p.name.to_string();
            let text = doc.unfolded(p);
            let span = doc.prop_span(p);
            if STAMPS.contains(&name.as_str()) {
                stamps.push((name, span));
                continue;
            }
            let key = if name == "ATTENDEE" || name == "ORGANIZER" {
                let value = RawLine::split(&text)
                    .map(|l| address_key(l.value))
                    .unwrap_or_default();
                format!("{name} {value}")
            } else if SETS.contains(&name.as_str()) {
                text.clone()
            } else {
                let n = match counts.iter_mut().find(|(k, _)| *k == name) {
                    Some((_, n)) => {
                        *n += 1;
                        *n
                    }
                    None => {
                        counts.push((name.clone(), 0));
                        0
                    }
                };
                format!("{name} #{n}")
            };
            entries.push(Entry {
                key,
                name,
                text,
                span,
                is_child: false,
            });
        }
        for child in &c.children {
            let span = doc.comp_span(child);
            let text = doc
                .render(span.clone(), Vec::new())
                .replace("\r\n", "\n")
                .replace("\n ", "");
            let id = child
                .prop("UID")
                .or_else(|| child.prop("X-WR-ALARMUID"))
                .map_or_else(|| text.clone(), |p| p.value.trim().to_owned());
            entries.push(Entry {
                key: format!("{} {id}", child.name),
                name: child.name.to_string(),
                text,
                span,
                is_child: true,
            });
        }
        out.push(Part {
            key,
            rid,
            name: c.name.to_string(),
            span: doc.comp_span(c),
            entries,
            sequence: c
                .prop("SEQUENCE")
                .and_then(|p| p.value.trim().parse().ok())
                .unwrap_or(0),
            stamps,
            insert_prop: doc.prop_insert_line(c),
            insert_child: doc.end_line(c),
        });
    }
    out
}

/// Lines of `from` made to end like `doc`'s.
fn lines_of(from: &Doc, span: Range<usize>, doc: &Doc) -> String {
    let text = from.render(span, Vec::new()).replace("\r\n", "\n");
    if doc.eol == "\r\n" {
        text.replace('\n', "\r\n")
    } else {
        text
    }
}

fn unchanged(a: &[Part], b: &[Part]) -> bool {
    a.len() == b.len()
        && a.iter()
            .all(|p| b.iter().any(|q| q.key == p.key && q.same(p)))
}

/// Merges our edit (`mine`) and the server's newer copy (`theirs`) of the resource both were
/// made from (`base`); see the module overview for the rules.
pub fn merge(base: &str, mine: &str, theirs: &str) -> Merge {
    let (b_doc, m_doc, t_doc) = (Doc::new(base), Doc::new(mine), Doc::new(theirs));
    let (b, m, t) = (parts(&b_doc), parts(&m_doc), parts(&t_doc));
    if unchanged(&m, &b) {
        return Merge::Clean(theirs.to_owned());
    }
    if unchanged(&t, &b) {
        return Merge::Clean(mine.to_owned());
    }
    let mut patches = Vec::new();
    let mut conflicts = Vec::new();
    let conflict = |p: &Part, property: &str| MergeConflict {
        recurrence_id: p.rid.clone(),
        property: property.to_owned(),
    };
    let keys: Vec<&String> =
        t.iter()
            .chain(&m)
            .chain(&b)
            .map(|p| &p.key)
            .fold(Vec::new(), |mut v, k| {
                if !v.contains(&k) {
                    v.push(k);
                }
                v
            });
    let last_event = t
        .iter()
        .filter(|p| p.name == "VEVENT")
        .map(|p| p.span.end)
        .max();
    for key in keys {
        let find = |side: &[Part]| side.iter().position(|p| &p.key == key);
        let (bp, mp, tp) = (find(&b), find(&m), find(&t));
        let (bp, mp, tp) = (bp.map(|i| &b[i]), mp.map(|i| &m[i]), tp.map(|i| &t[i]));
        match (bp, mp, tp) {
            (_, Some(mp), Some(tp)) => {
                if mp.same(tp) || bp.is_some_and(|bp| bp.same(mp)) {
                    continue;
                }
                let before = patches.len();
                merge_part(bp, mp, tp, &m_doc, &t_doc, &mut patches, &mut conflicts);
                if patches.len() > before {
                    stamps(bp, mp, tp, &m_doc, &t_doc, &mut patches);
                }
            }
            (Some(bp), None, Some(tp)) if bp.same(tp) => {
                patches.push(Patch::remove(tp.span.clone()))
            }
            (Some(bp), None, Some(tp)) => conflicts.push(conflict(tp, &bp.name)),
            (Some(bp), Some(mp), None) if !bp.same(mp) => conflicts.push(conflict(mp, &mp.name)),
            (None, Some(mp), None) => {
                let at = if mp.name == "VTIMEZONE" {
                    t_doc.first_event_line()
                } else {
                    last_event.unwrap_or_else(|| t_doc.first_event_line())
                };
                patches.push(Patch::insert(at, lines_of(&m_doc, mp.span.clone(), &t_doc)));
            }
            _ => {}
        }
    }
    if !conflicts.is_empty() {
        return Merge::Conflict(conflicts);
    }
    Merge::Clean(t_doc.apply(patches))
}

/// Our changes to one component, patched into theirs, entry by entry.
fn merge_part(
    b: Option<&Part>,
    m: &Part,
    t: &Part,
    m_doc: &Doc,
    t_doc: &Doc,
    patches: &mut Vec<Patch>,
    conflicts: &mut Vec<MergeConflict>,
) {
    let mut keys: Vec<&str> = Vec::new();
    for e in t
        .entries
        .iter()
        .chain(&m.entries)
        .chain(b.iter().flat_map(|b| &b.entries))
    {
        if !keys.contains(&e.key.as_str()) {
            keys.push(&e.key);
        }
    }
    for key in keys {
        let (be, me, te) = (b.and_then(|b| b.entry(key)), m.entry(key), t.entry(key));
        if text(me) == text(te) || text(me) == text(be) {
            continue;
        }
        if text(te) != text(be) {
            let name = me
                .or(te)
                .or(be)
                .map_or_else(String::new, |e| e.name.clone());
            conflicts.push(MergeConflict {
                recurrence_id: m.rid.clone(),
                property: name,
            });
            continue;
        }
        match (me, te) {
            (Some(me), Some(te)) => patches.push(Patch {
                at: te.span.clone(),
                text: lines_of(m_doc, me.span.clone(), t_doc),
            }),
            (None, Some(te)) => patches.push(Patch::remove(te.span.clone())),
            (Some(me), None) => {
                let at = if me.is_child {
                    t.insert_child
                } else {
                    t.insert_prop
                };
                patches.push(Patch::insert(at, lines_of(m_doc, me.span.clone(), t_doc)));
            }
            (None, None) => {}
        }
    }
}

/// DTSTAMP and LAST-MODIFIED from ours; SEQUENCE above both when ours was raised.
fn stamps(
    b: Option<&Part>,
    m: &Part,
    t: &Part,
    m_doc: &Doc,
    t_doc: &Doc,
    patches: &mut Vec<Patch>,
) {
    let raised = b.is_none_or(|b| m.sequence > b.sequence);
    for name in STAMPS {
        let mine = m.stamps.iter().find(|(n, _)| n == name);
        let text = if *name == "SEQUENCE" {
            if !raised {
                continue;
            }
            Some(format!(
                "SEQUENCE:{}{}",
                m.sequence.max(t.sequence) + 1,
                t_doc.eol
            ))
        } else {
            mine.map(|(_, span)| lines_of(m_doc, span.clone(), t_doc))
        };
        let Some(text) = text else {
            continue;
        };
        let mut theirs = t.stamps.iter().filter(|(n, _)| n == name);
        match theirs.next() {
            Some((_, span)) => patches.push(Patch {
                at: span.clone(),
                text,
            }),
            None => patches.push(Patch::insert(t.insert_prop, text)),
        }
        patches.extend(theirs.map(|(_, span)| Patch::remove(span.clone())));
    }
}
