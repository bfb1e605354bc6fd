//! Server-side (implicit) scheduling, RFC 6638, as iCloud does it: when the account stores,
//! changes or deletes a *scheduling object* — an event it organizes with attendees, or one it
//! attends — the server itself "sends" the iTIP messages (RFC 5546). The emulator sends
//! nothing: it logs each message ([`ItipMessage`]) for tests to read, writes
//! `SCHEDULE-STATUS` on the attendees it scheduled (RFC 6638 §7.3: "Servers MUST only add or
//! change this property parameter on any ATTENDEE properties corresponding to calendar users
//! who were sent a scheduling message"), and answers a `Schedule-Tag` (§3.2.10: "A response to
//! any successful GET or PUT request targeting a scheduling object resource MUST include a
//! Schedule-Tag response header").
//!
//! Evidence that iCloud schedules on the server: "iCloud performs server-side scheduling by
//! default when ATTENDEE lines are present (SCHEDULE-AGENT=SERVER), so adding guests makes
//! iCloud send mail. Compass maps invitation: none to SCHEDULE-AGENT=CLIENT"
//! (compass-calendar docs, writing-caldav.md §1.5); MineTime #182: "Invitations are
//! automatically sent for every event created". `SCHEDULE-AGENT=CLIENT` (or `NONE`) on an
//! ATTENDEE is honoured (RFC 6638 §7.1): nothing goes to that attendee.
//!
//! What is modelled, per write:
//! - **organizer** object: created → an invitation per attendee; changed in a significant
//!   way (anything but DTSTAMP, LAST-MODIFIED, SEQUENCE, alarms and attendees' PARTSTAT,
//!   RSVP and SCHEDULE-STATUS) → an update per attendee; an attendee added → invitation,
//!   removed (or switched to `SCHEDULE-AGENT=CLIENT`, which Evolution notes sends a
//!   cancellation) → cancel; deleted → a cancel per attendee;
//! - **attendee** object: the account's PARTSTAT changed (in the master or an override) → a
//!   reply to the organizer; deleted → a `DECLINED` reply unless `Schedule-Reply: F`
//!   (RFC 6638 §8.1);
//! - **Schedule-Tag**: a new value on every stored change, kept when only participation
//!   status changed (RFC 6638 §3.2.10's "inconsequential" changes; python-caldav's
//!   `scheduling.schedule-tag.stable-partstat`). `If-Schedule-Tag-Match` is checked in
//!   `writes.rs`.

use crate::ical::{self, Component, Line};
use serde::Serialize;
use std::collections::HashMap;

/// What an iTIP message is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MessageKind {
    /// A new event's `REQUEST` to an attendee (or to one added later).
    Invitation,
    /// A changed event's `REQUEST` to an attendee already invited.
    Update,
    /// A `CANCEL` to an attendee removed, or to all when the event is deleted.
    Cancel,
    /// The account's `REPLY` to the organizer (its PARTSTAT changed, or it deleted the event).
    Reply,
}

impl MessageKind {
    /// The iTIP method (RFC 5546).
    pub fn method(self) -> &'static str {
        match self {
            Self::Invitation | Self::Update => "REQUEST",
            Self::Cancel => "CANCEL",
            Self::Reply => "REPLY",
        }
    }
}

/// One message the server "sent".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItipMessage {
    /// Order of sending, from 1.
    pub seq: u64,
    /// What it is for.
    pub kind: MessageKind,
    /// `REQUEST`, `CANCEL` or `REPLY`.
    pub method: String,
    /// The event's UID.
    pub uid: String,
    /// The href of the scheduling object that caused it (`/<DSID>/calendars/<cal>/<name>`).
    pub href: String,
    /// The sender: the account's address (`mailto:<Apple ID>`).
    pub from: String,
    /// The recipient's calendar user address, as the object writes it.
    pub to: String,
    /// For a reply: the PARTSTAT sent.
    pub partstat: Option<String>,
    /// For a reply about one occurrence: its RECURRENCE-ID.
    pub recurrence_id: Option<String>,
    /// The event's SUMMARY.
    pub summary: Option<String>,
}

/// A message decided for one write, before it is logged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    /// What it is for.
    pub kind: MessageKind,
    /// The recipient.
    pub to: String,
    /// For a reply: the PARTSTAT.
    pub partstat: Option<String>,
    /// For a reply about one occurrence: its RECURRENCE-ID.
    pub recurrence_id: Option<String>,
}

impl Draft {
    fn to(kind: MessageKind, to: &str) -> Self {
        Self {
            kind,
            to: to.to_string(),
            partstat: None,
            recurrence_id: None,
        }
    }
}

/// The account's part in an object (RFC 6638 §3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// ORGANIZER is the account and there are other attendees.
    Organizer,
    /// Someone else organizes and the account is an ATTENDEE.
    Attendee,
    /// Not a scheduling object.
    None,
}

fn server_agent(line: &Line) -> bool {
    line.param("SCHEDULE-AGENT")
        .is_none_or(|a| a.eq_ignore_ascii_case("SERVER"))
}

fn organizer(cal: &[Component]) -> Option<&Line> {
    ical::items(cal).find_map(|c| c.prop("ORGANIZER"))
}

fn attendees(cal: &[Component]) -> impl Iterator<Item = &Line> {
    ical::items(cal).flat_map(|c| c.props().filter(|l| l.name == "ATTENDEE"))
}

/// The account's role in an object; `me` is its calendar user address.
pub fn role(cal: &[Component], me: &str) -> Role {
    let Some(org) = organizer(cal) else {
        return Role::None;
    };
    if ical::same_address(&org.value, me) {
        if attendees(cal).any(|a| !ical::same_address(&a.value, me)) {
            Role::Organizer
        } else {
            Role::None
        }
    } else if attendees(cal).any(|a| ical::same_address(&a.value, me)) {
        Role::Attendee
    } else {
        Role::None
    }
}

/// Attendees the server schedules for: not the account, `SCHEDULE-AGENT` absent or `SERVER`,
/// and the organizer not opted out (Evolution sets `SCHEDULE-AGENT=CLIENT` on both).
fn scheduled(cal: &[Component], me: &str) -> Vec<String> {
    if organizer(cal).is_some_and(|o| !server_agent(o)) {
        return Vec::new();
    }
    let mut out: Vec<String> = Vec::new();
    for a in attendees(cal) {
        if server_agent(a)
            && !ical::same_address(&a.value, me)
            && !out.iter().any(|o| ical::same_address(o, &a.value))
        {
            out.push(a.value.trim().to_string());
        }
    }
    out
}

/// The object reduced to what makes a change worth telling attendees about (or worth a new
/// Schedule-Tag when `with_alarms`): no DTSTAMP, LAST-MODIFIED or SEQUENCE, and attendees
/// and organizer without the parameters replies and the server change.
fn canonical(cal: &[Component], with_alarms: bool) -> Vec<String> {
    let mut comps: Vec<String> = ical::items(cal)
        .map(|c| {
            let lines = if with_alarms {
                c.all_props()
            } else {
                c.props().collect()
            };
            let mut out: Vec<String> = lines
                .into_iter()
                .filter(|l| !matches!(l.name.as_str(), "DTSTAMP" | "LAST-MODIFIED" | "SEQUENCE"))
                .map(|l| {
                    let mut l = l.clone();
                    if matches!(l.name.as_str(), "ATTENDEE" | "ORGANIZER") {
                        l.params.retain(|(k, _)| {
                            !matches!(k.as_str(), "PARTSTAT" | "RSVP" | "SCHEDULE-STATUS")
                        });
                        l.value = l.value.trim().to_ascii_lowercase();
                    }
                    l.write()
                })
                .collect();
            out.sort();
            out.join("\n")
        })
        .collect();
    comps.sort();
    comps
}

/// Whether `new` differs from `old` only in participation status (and timestamps): then the
/// Schedule-Tag stays.
pub fn inconsequential(old: &[Component], new: &[Component]) -> bool {
    canonical(old, true) == canonical(new, true)
}

/// The account's PARTSTAT per component (keyed by RECURRENCE-ID, `""` for the master).
fn my_partstats(cal: &[Component], me: &str) -> Vec<(String, String)> {
    ical::items(cal)
        .filter_map(|c| {
            let mine = c
                .props()
                .find(|l| l.name == "ATTENDEE" && ical::same_address(&l.value, me))?;
            let rid = c.value("RECURRENCE-ID").unwrap_or_default().to_string();
            let partstat = mine.param("PARTSTAT").unwrap_or("NEEDS-ACTION");
            Some((rid, partstat.to_ascii_uppercase()))
        })
        .collect()
}

fn reply(to: &str, partstat: &str, rid: &str) -> Draft {
    Draft {
        kind: MessageKind::Reply,
        to: to.to_string(),
        partstat: Some(partstat.to_string()),
        recurrence_id: (!rid.is_empty()).then(|| rid.to_string()),
    }
}

/// The messages one write sends: `old` is the stored object before it (`None`: a create),
/// `new` the object stored (`None`: a delete); `reply_on_delete` is false under
/// `Schedule-Reply: F`.
pub fn plan(
    old: Option<&[Component]>,
    new: Option<&[Component]>,
    me: &str,
    reply_on_delete: bool,
) -> Vec<Draft> {
    let old_role = old.map_or(Role::None, |c| role(c, me));
    let new_role = new.map_or(Role::None, |c| role(c, me));
    let mut out = Vec::new();
    if old_role == Role::Organizer || new_role == Role::Organizer {
        let pick = |cal: Option<&[Component]>, r: Role| match cal {
            Some(c) if r == Role::Organizer => scheduled(c, me),
            _ => Vec::new(),
        };
        let (before, after) = (pick(old, old_role), pick(new, new_role));
        let has = |list: &[String], a: &str| list.iter().any(|x| ical::same_address(x, a));
        let changed = match (old, new) {
            (Some(o), Some(n)) => canonical(o, false) != canonical(n, false),
            _ => false,
        };
        for a in &before {
            if !has(&after, a) {
                out.push(Draft::to(MessageKind::Cancel, a));
            }
        }
        for a in &after {
            if !has(&before, a) {
                out.push(Draft::to(MessageKind::Invitation, a));
            } else if changed {
                out.push(Draft::to(MessageKind::Update, a));
            }
        }
    }
    if old_role == Role::Attendee || new_role == Role::Attendee {
        let source = new.filter(|_| new_role == Role::Attendee).or(old);
        let Some(org) = source.and_then(organizer) else {
            return out;
        };
        if !server_agent(org) {
            return out;
        }
        let to = org.value.trim();
        let before = old.map(|c| my_partstats(c, me)).unwrap_or_default();
        let master_before = before
            .iter()
            .find(|(rid, _)| rid.is_empty())
            .map(|(_, p)| p.as_str());
        match new.filter(|_| new_role == Role::Attendee) {
            None if reply_on_delete && master_before != Some("DECLINED") => {
                out.push(reply(to, "DECLINED", ""));
            }
            None => {}
            Some(n) => {
                for (rid, partstat) in my_partstats(n, me) {
                    let was = before
                        .iter()
                        .find(|(r, _)| *r == rid)
                        .map(|(_, p)| p.as_str())
                        .or(master_before)
                        .unwrap_or("NEEDS-ACTION");
                    if was != partstat {
                        out.push(reply(to, &partstat, &rid));
                    }
                }
            }
        }
    }
    out
}

/// Writes `SCHEDULE-STATUS=1.1` ("sent"; the recipients are outside iCloud, reached by
/// iMIP mail, RFC 6638 §3.2.9) on each ATTENDEE that was sent a message and, for a reply,
/// on the ORGANIZER (§7.3). Returns whether the object changed.
pub fn stamp_status(cal: &mut [Component], drafts: &[Draft]) -> bool {
    let mut changed = false;
    for item in ical::items_mut(cal) {
        for line in item.props_mut() {
            let sent = drafts.iter().any(|d| {
                let wanted = if d.kind == MessageKind::Reply {
                    "ORGANIZER"
                } else {
                    "ATTENDEE"
                };
                line.name == wanted && ical::same_address(&line.value, &d.to)
            });
            if sent {
                changed |= line.set_param("SCHEDULE-STATUS", "1.1");
            }
        }
    }
    changed
}

/// Schedule-Tags by href, and the log of messages sent.
#[derive(Debug, Default)]
pub struct Scheduling {
    tags: HashMap<String, String>,
    last_tag: u64,
    log: Vec<ItipMessage>,
}

fn key(href: &str) -> String {
    super::partial::percent_decode(href)
}

impl Scheduling {
    /// The tag of `href`, if it has one.
    pub fn tag(&self, href: &str) -> Option<String> {
        self.tags.get(&key(href)).cloned()
    }

    /// The tag of `href`, giving it one if it has none (an object stored behind the
    /// emulator's back, such as a seeded invitation).
    pub fn tag_or_new(&mut self, href: &str) -> String {
        match self.tag(href) {
            Some(t) => t,
            None => self.retag(href),
        }
    }

    /// A fresh tag for `href`.
    pub fn retag(&mut self, href: &str) -> String {
        self.last_tag += 1;
        let tag = format!("\"st-{}\"", self.last_tag);
        self.tags.insert(key(href), tag.clone());
        tag
    }

    /// Drops the tag of `href` (deleted, or no longer a scheduling object).
    pub fn forget(&mut self, href: &str) {
        self.tags.remove(&key(href));
    }

    /// Moves the tag of `from` to `to` (a MOVE keeps the object, and its tag).
    pub fn rename(&mut self, from: &str, to: &str) {
        if let Some(t) = self.tags.remove(&key(from)) {
            self.tags.insert(key(to), t);
        }
    }

    /// Logs the messages of one write about `cal` at `href`, sent by `me`.
    pub fn record(&mut self, href: &str, cal: &[Component], me: &str, drafts: Vec<Draft>) {
        let first = ical::items(cal).next();
        let uid = first.and_then(|c| c.value("UID")).unwrap_or_default();
        let summary = first.and_then(|c| c.value("SUMMARY")).map(str::to_string);
        for d in drafts {
            let seq = self.log.len() as u64 + 1;
            self.log.push(ItipMessage {
                seq,
                kind: d.kind,
                method: d.kind.method().to_string(),
                uid: uid.to_string(),
                href: href.to_string(),
                from: me.to_string(),
                to: d.to,
                partstat: d.partstat,
                recurrence_id: d.recurrence_id,
                summary: summary.clone(),
            });
        }
    }

    /// The messages sent so far, oldest first.
    pub fn messages(&self) -> Vec<ItipMessage> {
        self.log.clone()
    }

    /// Empties the log (tags stay).
    pub fn clear(&mut self) {
        self.log.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ME: &str = "mailto:me@icloud.com";

    fn event(org: &str, attendees: &[&str], extra: &str) -> Vec<Component> {
        // An entry is `PARAMS:address` or a bare address.
        let att: String = attendees
            .iter()
            .map(|a| match a.strip_prefix("mailto:") {
                Some(_) => format!("ATTENDEE:{a}\r\n"),
                None => format!("ATTENDEE;{a}\r\n"),
            })
            .collect();
        ical::parse(&format!(
            "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:u\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:s\r\nORGANIZER:{org}\r\n{att}{extra}END:VEVENT\r\nEND:VCALENDAR\r\n"
        ))
    }

    fn kinds(d: &[Draft]) -> Vec<(MessageKind, &str)> {
        d.iter().map(|d| (d.kind, d.to.as_str())).collect()
    }

    #[test]
    fn organizer_invites_updates_and_cancels_but_not_client_scheduled_attendees() {
        let v1 = event(
            ME,
            &[
                "PARTSTAT=ACCEPTED:mailto:me@icloud.com",
                "RSVP=TRUE:mailto:a@x.org",
                "SCHEDULE-AGENT=CLIENT:mailto:c@x.org",
            ],
            "",
        );
        assert_eq!(role(&v1, ME), Role::Organizer);
        let d = plan(None, Some(&v1), ME, true);
        assert_eq!(kinds(&d), [(MessageKind::Invitation, "mailto:a@x.org")]);
        let mut stored = v1.clone();
        assert!(stamp_status(&mut stored, &d));
        assert!(ical::write(&stored).contains("RSVP=TRUE;SCHEDULE-STATUS=1.1:mailto:a@x.org"));
        // Only a timestamp and the server's status changed: nothing to tell.
        let again =
            ical::parse(&ical::write(&stored).replace("20260101T000000Z", "20260102T000000Z"));
        assert!(plan(Some(&stored), Some(&again), ME, true).is_empty());
        let v2 = event(
            ME,
            &["mailto:b@x.org", "mailto:a@x.org"],
            "LOCATION:Room 2\r\n",
        );
        assert_eq!(
            kinds(&plan(Some(&v1), Some(&v2), ME, true)),
            [
                (MessageKind::Invitation, "mailto:b@x.org"),
                (MessageKind::Update, "mailto:a@x.org")
            ]
        );
        assert_eq!(
            kinds(&plan(Some(&v2), None, ME, true)),
            [
                (MessageKind::Cancel, "mailto:b@x.org"),
                (MessageKind::Cancel, "mailto:a@x.org")
            ]
        );
    }

    #[test]
    fn attendee_replies_with_its_partstat_and_declines_on_delete() {
        let org = "mailto:sam@x.org";
        let invited = event(org, &["PARTSTAT=NEEDS-ACTION:mailto:me@icloud.com"], "");
        assert_eq!(role(&invited, ME), Role::Attendee);
        assert!(plan(None, Some(&invited), ME, true).is_empty());
        let accepted = event(org, &["PARTSTAT=ACCEPTED:MAILTO:Me@iCloud.com"], "");
        let d = plan(Some(&invited), Some(&accepted), ME, true);
        assert_eq!(d, [reply(org, "ACCEPTED", "")]);
        assert!(inconsequential(&invited, &accepted));
        assert_eq!(
            plan(Some(&accepted), None, ME, true),
            [reply(org, "DECLINED", "")]
        );
        assert!(plan(Some(&accepted), None, ME, false).is_empty());
        let silent_org = ical::parse(
            &ical::write(&accepted).replace("ORGANIZER:", "ORGANIZER;SCHEDULE-AGENT=CLIENT:"),
        );
        assert!(plan(Some(&invited), Some(&silent_org), ME, true).is_empty());
    }

    #[test]
    fn declining_one_occurrence_replies_for_that_occurrence() {
        let org = "mailto:sam@x.org";
        let series = event(
            org,
            &["PARTSTAT=ACCEPTED:mailto:me@icloud.com"],
            "RRULE:FREQ=DAILY\r\n",
        );
        let text = ical::write(&series);
        let override_ = "BEGIN:VEVENT\r\nUID:u\r\nRECURRENCE-ID:20260105T100000Z\r\nORGANIZER:mailto:sam@x.org\r\nATTENDEE;PARTSTAT=DECLINED:mailto:me@icloud.com\r\nEND:VEVENT\r\n";
        let with_override =
            ical::parse(&text.replace("END:VCALENDAR", &format!("{override_}END:VCALENDAR")));
        assert_eq!(
            plan(Some(&series), Some(&with_override), ME, true),
            [reply(org, "DECLINED", "20260105T100000Z")]
        );
    }

    #[test]
    fn tags_are_per_decoded_href_and_move_with_the_object() {
        let mut s = Scheduling::default();
        let t = s.tag_or_new("/1/calendars/home/a%40b.ics");
        assert_eq!(s.tag("/1/calendars/home/a@b.ics"), Some(t.clone()));
        assert_ne!(s.retag("/1/calendars/home/a@b.ics"), t);
        s.rename("/1/calendars/home/a@b.ics", "/1/calendars/work/a@b.ics");
        assert!(s.tag("/1/calendars/home/a@b.ics").is_none());
        assert!(s.tag("/1/calendars/work/a@b.ics").is_some());
    }
}
