//! Whole `.ics` files: every calendar object that a feed or an export holds.
//!
//! A CalDAV resource holds one UID (RFC 4791 §4.1), and [`crate::parse`] reads it as such. A
//! file a user downloads or exports (a holiday feed, a Google, Outlook or Thunderbird export)
//! holds hundreds, in any order. [`parse_file`] reads each VCALENDAR's VEVENTs against that
//! VCALENDAR's own VTIMEZONEs and `X-WR-TIMEZONE`, groups them by UID into one
//! [`CalendarObject`] each (master and overrides), and [`CalendarFile::expand`] expands them all
//! into one list in start order.
//!
//! Rules, all independent of the order of the VEVENTs in the file:
//! - A VEVENT without a UID gets one derived from its content ([`content_uid`]), so the same
//!   file gives the same UIDs on every run and on every download of a feed.
//! - Several versions of one master, or of one override (same RECURRENCE-ID), as concatenated
//!   or re-exported files hold: the highest SEQUENCE wins, then the latest LAST-MODIFIED, then
//!   the latest DTSTAMP, which is the order RFC 5546 §2.1.5 gives for telling the newer
//!   revision of an event. The last tie is broken by content, so the winner never depends on
//!   which copy came first.
//! - What an override does (moves, THISANDFUTURE, cancels, stands alone without a master) is
//!   [`CalendarObject::expand`]'s, the same for a file as for a CalDAV resource.

use crate::IcalError;
use crate::event::{CalendarObject, Event};
use crate::expand::{Expansion, Limits, Window};
use crate::lexer::{Component, parse_components};
use crate::parse::event;
use crate::resource_text::{Scope, resource_text};
use crate::times::Times;
use crate::tz::to_utc;
use crate::value::parse_date_time;
use crate::warning::{Warning, WarningKind};
use almanac_core::Uid;
use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, HashMap};

/// Files larger than this are refused, to bound memory (design.md §4): reading a file takes
/// about 20 times its size at peak (measured: `almanac ics expand` on a generated 3.5 MB,
/// 20,000-event feed peaked at 84 MB, 14 MB of it the program itself), and 20,000 events of
/// 800 bytes, a decade of a busy calendar, fit.
pub const MAX_FILE_BYTES: usize = 16 * 1024 * 1024;

/// Every calendar object of one `.ics` file, from [`parse_file`].
#[derive(Clone, Debug)]
pub struct CalendarFile {
    /// One object per UID, in the order each UID first appears in the file. Each object's
    /// `raw` is a standalone VCALENDAR (the file's calendar properties without METHOD, the
    /// VTIMEZONEs it uses and its winning VEVENTs, copied line for line), ready to be stored
    /// or uploaded as one CalDAV resource; its `warnings` are those of its own VEVENTs.
    pub objects: Vec<CalendarObject>,
    /// Problems of the file as a whole: bad lines, broken nesting, VEVENTs that were skipped.
    pub warnings: Vec<Warning>,
}

/// Which of several versions of one event is the newest; fields compare in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Rank {
    sequence: i64,
    last_modified: Option<DateTime<Utc>>,
    dtstamp: Option<DateTime<Utc>>,
    content: u64,
}

/// One VEVENT read from the file, before it is grouped with the others of its UID.
struct Read<'a> {
    event: Event,
    rank: Rank,
    component: &'a Component<'a>,
    scope: usize,
    /// The UID written into the object's text when the VEVENT had none.
    generated_uid: Option<String>,
    warnings: Vec<Warning>,
}

/// Parses a whole `.ics` file into every calendar object it holds, one per UID.
///
/// Leniency is the rule, as for [`crate::parse`]: problems become [`Warning`]s on the file or
/// on the object they concern.
///
/// # Quirks
/// - Files that are several VCALENDARs one after the other (`cat a.ics b.ics`; fixture
///   `concatenated_exports_duplicates.ics`) are read whole; each VCALENDAR's times are read
///   against its own VTIMEZONEs and `X-WR-TIMEZONE`, and one UID may gather VEVENTs from
///   several of them.
/// - Two UID-less VEVENTs with the same content (DTSTAMP aside) get the same UID and so count
///   as two copies of one event: feeds that list an event twice show it once.
///
/// # Errors
/// [`IcalError::TooLarge`] above [`MAX_FILE_BYTES`]; [`IcalError::NoEvent`] when no VEVENT
/// with a usable start is found (an empty feed, a task list, or not iCalendar at all).
pub fn parse_file(text: &str) -> Result<CalendarFile, IcalError> {
    if text.len() > MAX_FILE_BYTES {
        return Err(IcalError::TooLarge {
            size: text.len(),
            limit: MAX_FILE_BYTES,
        });
    }
    let mut warnings = Vec::new();
    let roots = parse_components(text, &mut warnings);
    let lines: Vec<&str> = text.split('\n').collect();
    let scopes = Scope::all(&roots, &lines);
    let mut groups: Vec<(String, Vec<Read>)> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for (scope_index, scope) in scopes.iter().enumerate() {
        let calendars: Vec<&Component> = scope.calendar.into_iter().collect();
        let mut times = Times::new(&calendars, &scope.children);
        for c in scope
            .children
            .iter()
            .copied()
            .filter(|c| c.name == "VEVENT")
        {
            let mut own = Vec::new();
            let content = fingerprint(c);
            let written = c
                .prop("UID")
                .map(|p| p.value.trim())
                .filter(|u| !u.is_empty());
            let (uid, generated_uid) = match written {
                Some(uid) => (uid.to_owned(), None),
                None => {
                    let uid = content_uid(content);
                    own.push(Warning::at(
                        WarningKind::BadValue,
                        c.first_line,
                        format!("VEVENT without UID; {uid} derived from its content"),
                    ));
                    (uid.clone(), Some(uid))
                }
            };
            let Some(event) = event(c, &mut times, &mut own) else {
                warnings.append(&mut own);
                continue;
            };
            let read = Read {
                rank: Rank {
                    sequence: event.details.sequence,
                    last_modified: stamp(c, "LAST-MODIFIED"),
                    dtstamp: stamp(c, "DTSTAMP"),
                    content,
                },
                event,
                component: c,
                scope: scope_index,
                generated_uid,
                warnings: own,
            };
            match index.get(&uid) {
                Some(&i) => {
                    if let Some((_, reads)) = groups.get_mut(i) {
                        reads.push(read);
                    }
                }
                None => {
                    index.insert(uid.clone(), groups.len());
                    groups.push((uid, vec![read]));
                }
            }
        }
    }
    if groups.is_empty() {
        return Err(IcalError::NoEvent);
    }
    let objects = groups
        .into_iter()
        .map(|(uid, reads)| object(uid, reads, &scopes, &lines))
        .collect();
    Ok(CalendarFile { objects, warnings })
}

/// Every calendar object of one stored resource: the one object of a resource that keeps the
/// one-UID rule of RFC 4791 §4.1, read by [`crate::parse`] with its raw text as received; and
/// for a resource that breaks it (some servers and importers store a whole file as one
/// resource), one object per UID, read by [`parse_file`], so that no event is dropped. The
/// common case costs one [`crate::parse`]; only a resource that holds another UID is read
/// again as a file.
///
/// # Errors
/// As [`crate::parse`]: [`IcalError::TooLarge`] above [`crate::MAX_ICS_BYTES`];
/// [`IcalError::NoEvent`] when no VEVENT with a usable start is found.
pub fn parse_objects(ics: &str) -> Result<Vec<CalendarObject>, IcalError> {
    let first = crate::parse(ics)?;
    if !first
        .warnings
        .iter()
        .any(|w| w.kind == WarningKind::OtherUid)
    {
        return Ok(vec![first]);
    }
    match parse_file(ics) {
        Ok(file) if file.objects.len() > 1 => Ok(file.objects),
        _ => Ok(vec![first]),
    }
}

/// LAST-MODIFIED or DTSTAMP as an instant. RFC 5545 requires UTC for both; a time without `Z`
/// is read as UTC too rather than dropped, since it still orders versions from one producer.
fn stamp(c: &Component, name: &str) -> Option<DateTime<Utc>> {
    c.prop(name)
        .and_then(|p| parse_date_time(&p.value))
        .map(|(t, _)| t.and_utc())
}

/// The winner among versions of one event, with a warning naming what was set aside.
fn newest<'a>(
    mut reads: Vec<Read<'a>>,
    what: &str,
    warnings: &mut Vec<Warning>,
) -> Option<Read<'a>> {
    reads.sort_by_key(|r| r.rank);
    let winner = reads.pop()?;
    if !reads.is_empty() {
        warnings.push(Warning::at(
            WarningKind::Inconsistent,
            winner.component.first_line,
            format!(
                "{} versions of {what}; the one with SEQUENCE {} here is kept",
                reads.len() + 1,
                winner.rank.sequence
            ),
        ));
    }
    Some(winner)
}

/// One UID's VEVENTs as a [`CalendarObject`]: the newest master, the newest override for each
/// RECURRENCE-ID (ordered by it, so expansion never depends on file order), and its text.
fn object(uid: String, reads: Vec<Read>, scopes: &[Scope], lines: &[&str]) -> CalendarObject {
    let mut warnings: Vec<Warning> = Vec::new();
    let mut masters = Vec::new();
    let mut by_recurrence_id: BTreeMap<DateTime<Utc>, Vec<Read>> = BTreeMap::new();
    for mut read in reads {
        warnings.append(&mut read.warnings);
        match read.event.recurrence_id {
            None => masters.push(read),
            // UTC as the viewer, as `parse` keys overrides: a zoned and a UTC RECURRENCE-ID for
            // the same instant are one occurrence.
            Some(rid) => by_recurrence_id
                .entry(to_utc(&rid, chrono_tz::UTC))
                .or_default()
                .push(read),
        }
    }
    let master = newest(masters, &format!("the event {uid:?}"), &mut warnings);
    let overrides: Vec<Read> = by_recurrence_id
        .into_iter()
        .filter_map(|(rid, versions)| {
            let what = format!("the occurrence {rid} of {uid:?}");
            newest(versions, &what, &mut warnings)
        })
        .collect();
    let kept: Vec<_> = master
        .iter()
        .chain(&overrides)
        .map(|r| (r.component, r.scope, r.generated_uid.as_deref()))
        .collect();
    let raw = resource_text(lines, scopes, &kept);
    CalendarObject {
        uid: Uid::new(uid),
        master: master.map(|r| r.event),
        overrides: overrides.into_iter().map(|r| r.event).collect(),
        warnings,
        raw,
    }
}

/// 64-bit FNV-1a over a VEVENT's content lines as read (names, parameters, values, nested
/// components), DTSTAMP left out. Folding, line ends and position in the file do not change
/// it; DTSTAMP is left out because feeds stamp every download with the time of the download.
/// FNV rather than std's hasher: std's output may change between Rust releases, and these
/// values are kept (as UIDs) across them.
fn fingerprint(c: &Component) -> u64 {
    fn feed(hash: &mut u64, bytes: &[u8]) {
        for b in bytes {
            *hash ^= u64::from(*b);
            *hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    fn component(hash: &mut u64, c: &Component) {
        feed(hash, c.name.as_bytes());
        feed(hash, b"\x1d");
        for p in c.properties.iter().filter(|p| p.name != "DTSTAMP") {
            feed(hash, p.name.as_bytes());
            for (k, v) in &p.params {
                feed(hash, b"\x1f");
                feed(hash, k.as_bytes());
                feed(hash, b"=");
                feed(hash, v.as_bytes());
            }
            feed(hash, b"\x1f:");
            feed(hash, p.value.as_bytes());
            feed(hash, b"\x1e");
        }
        for child in &c.children {
            component(hash, child);
        }
        feed(hash, b"\x1d");
    }
    let mut hash = 0xcbf2_9ce4_8422_2325;
    component(&mut hash, c);
    hash
}

/// The UID given to a VEVENT that has none, from its [`fingerprint`].
fn content_uid(fingerprint: u64) -> String {
    format!("almanac-content-{fingerprint:016x}")
}

impl CalendarFile {
    /// The occurrences of every object that overlap `window`, sorted by start, then end, then
    /// UID and recurrence id, so that equal times always list in the same order.
    /// `limits.max_occurrences` bounds the whole list, as it bounds one object's.
    pub fn expand(&self, window: Window, limits: Limits) -> Expansion {
        let viewer = window.viewer;
        let mut exp = Expansion::default();
        let mut keyed = Vec::new();
        for object in &self.objects {
            let one = object.expand(window, limits);
            exp.capped |= one.capped;
            exp.warnings
                .extend(one.warnings.into_iter().map(|w| Warning {
                    message: format!("{}: {}", object.uid, w.message),
                    ..w
                }));
            keyed.extend(one.occurrences.into_iter().map(|o| {
                let (start, end) = o.instants(viewer);
                let rid = o.recurrence_id.map(|r| to_utc(&r, viewer));
                (start, end, rid, o)
            }));
        }
        keyed.sort_by(|a, b| {
            (a.0, a.1)
                .cmp(&(b.0, b.1))
                .then_with(|| a.3.uid.cmp(&b.3.uid))
                .then_with(|| a.2.cmp(&b.2))
        });
        if keyed.len() > limits.max_occurrences {
            keyed.truncate(limits.max_occurrences);
            exp.capped = true;
            exp.warnings.push(Warning::new(
                WarningKind::Capped,
                "occurrences of the file capped at the expansion limit",
            ));
        }
        exp.occurrences = keyed.into_iter().map(|k| k.3).collect();
        exp
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_content_hash_ignores_folding_line_ends_and_dtstamp() {
        let a = "BEGIN:VEVENT\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260101T100000Z\r\nSUMMARY:Lunch with a very long name\r\nEND:VEVENT\r\n";
        let b = "BEGIN:VEVENT\nDTSTAMP:20270101T000000Z\nDTSTART:20260101T100000Z\nSUMMARY:Lunch with a \n very long name\nEND:VEVENT\n";
        let c = a.replace("Lunch", "Dinner");
        let hash = |t: &str| {
            let mut w = Vec::new();
            let roots = parse_components(t, &mut w);
            roots.first().map(fingerprint)
        };
        assert_eq!(hash(a), hash(b));
        assert_ne!(hash(a), hash(&c));
        // Pinned: a change of this value changes the UIDs of every UID-less event users have.
        assert_eq!(hash(a).map(content_uid).as_deref(), Some(PINNED));
    }

    #[test]
    fn a_resource_with_several_uids_keeps_every_object_and_one_uid_reads_as_before() {
        let one = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTART:20260101T100000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        let objects = parse_objects(one).unwrap();
        assert_eq!(objects.len(), 1);
        assert_eq!(
            objects[0].raw, one,
            "a one-UID resource keeps its text as received"
        );
        let three = "BEGIN:VCALENDAR\r\n\
            BEGIN:VEVENT\r\nUID:a\r\nDTSTART:20260101T100000Z\r\nEND:VEVENT\r\n\
            BEGIN:VEVENT\r\nUID:b\r\nDTSTART:20260102T100000Z\r\nEND:VEVENT\r\n\
            BEGIN:VEVENT\r\nUID:c\r\nDTSTART:20260103T100000Z\r\nEND:VEVENT\r\n\
            END:VCALENDAR\r\n";
        let uids: Vec<String> = parse_objects(three)
            .unwrap()
            .iter()
            .map(|o| o.uid.to_string())
            .collect();
        assert_eq!(uids, ["a", "b", "c"]);
        assert!(
            crate::parse(three)
                .unwrap()
                .warnings
                .iter()
                .any(|w| w.kind == WarningKind::OtherUid)
        );
    }

    const PINNED: &str = "almanac-content-0497b431c5c16160";
}
