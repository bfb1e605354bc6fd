//! The VALARMs we write (RFC 5545 §3.6.6): a new DISPLAY alarm's lines, and the patches that make
//! an event's alarms the ones the user wants. Apart from `alarm` because writing needs the
//! line-level document (`lines`), which itself reads events and their alarms.

use crate::alarm::{Trigger, parse_alarm};
use crate::lexer::Component;
use crate::lines::{Doc, Patch, content_line, duration_value};

/// The patches that make a VEVENT's alarms the `wanted` triggers: a VALARM whose trigger is
/// wanted stays byte for byte (with its UID, `X-WR-ALARMUID` and other properties), one whose
/// trigger is not goes, and each wanted trigger still missing is added as a DISPLAY alarm.
/// Apple's `ACTION:NONE` placeholder ("no default alert") is not an alarm and always stays.
pub(crate) fn alarm_patches(doc: &Doc, event: &Component, wanted: &[Trigger]) -> Vec<Patch> {
    let mut missing: Vec<&Trigger> = wanted.iter().collect();
    let mut patches = Vec::new();
    for child in event.children.iter().filter(|c| c.name == "VALARM") {
        let Some(alarm) = parse_alarm(child, &mut Vec::new()) else {
            continue;
        };
        if let Some(i) = missing.iter().position(|t| **t == alarm.trigger) {
            missing.remove(i);
        } else {
            patches.push(Patch::remove(doc.comp_span(child)));
        }
    }
    for trigger in missing {
        patches.push(Patch::insert(doc.end_line(event), valarm(trigger, doc.eol)));
    }
    patches
}

/// A DISPLAY alarm (RFC 5545 §3.6.6 requires its DESCRIPTION). No UID or DTSTAMP: RFC 9074
/// makes a VALARM's UID optional and RFC 5545 defines no DTSTAMP for it.
pub(crate) fn valarm(trigger: &Trigger, eol: &str) -> String {
    let trigger_line = match trigger {
        Trigger::Start(d) => content_line("TRIGGER", &[], &duration_value(*d), eol),
        Trigger::End(d) => content_line(
            "TRIGGER",
            &["RELATED=END".to_owned()],
            &duration_value(*d),
            eol,
        ),
        Trigger::At(t) => content_line(
            "TRIGGER",
            &["VALUE=DATE-TIME".to_owned()],
            &t.format("%Y%m%dT%H%M%SZ").to_string(),
            eol,
        ),
    };
    format!(
        "BEGIN:VALARM{eol}ACTION:DISPLAY{eol}DESCRIPTION:Reminder{eol}{trigger_line}END:VALARM{eol}"
    )
}
