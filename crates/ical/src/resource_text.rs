//! One calendar object's text cut out of a whole file, so that an object read by
//! [`crate::parse_file`] can be stored or uploaded as a CalDAV resource and read back by
//! [`crate::parse`] to the same events.
//!
//! Lines are copied as the producer wrote them (folding, parameters and unknown properties
//! included) rather than written anew from the parsed form, which would lose what this crate
//! does not model; only line ends become CRLF.

use crate::lexer::Component;
use std::collections::{BTreeSet, HashMap, HashSet};

/// A VCALENDAR of the file, or, in a file without one, its loose top-level components.
pub(crate) struct Scope<'a> {
    /// The VCALENDAR, if there is one.
    pub calendar: Option<&'a Component<'a>>,
    /// Its components: VEVENTs, VTIMEZONEs and what else it holds.
    pub children: Vec<&'a Component<'a>>,
    /// Its property lines, ready to open each object's text; built once per scope, since a
    /// feed has hundreds of objects.
    header: String,
    /// Its VTIMEZONEs by TZID (the first of a name wins, as in [`crate::parse`]).
    zones: HashMap<&'a str, &'a Component<'a>>,
}

impl<'a> Scope<'a> {
    /// The scopes of a file: each VCALENDAR, or the loose components when there is none (as
    /// [`crate::parse`] reads such text). `lines` are the file's physical lines.
    pub(crate) fn all(roots: &'a [Component<'a>], lines: &[&str]) -> Vec<Scope<'a>> {
        let calendars: Vec<Scope> = roots
            .iter()
            .filter(|c| c.name == "VCALENDAR")
            .map(|c| Scope::new(Some(c), c.children.iter().collect(), lines))
            .collect();
        if calendars.is_empty() {
            return vec![Scope::new(None, roots.iter().collect(), lines)];
        }
        calendars
    }

    fn new(
        calendar: Option<&'a Component<'a>>,
        children: Vec<&'a Component<'a>>,
        lines: &[&str],
    ) -> Self {
        let header = match calendar {
            Some(c) => calendar_properties(lines, c),
            None => String::from("VERSION:2.0\r\nPRODID:-//Almanac//Almanac Desktop//EN\r\n"),
        };
        let mut zones = HashMap::new();
        for zone in children.iter().copied().filter(|c| c.name == "VTIMEZONE") {
            if let Some(tzid) = zone.prop("TZID") {
                zones.entry(tzid.value.trim()).or_insert(zone);
            }
        }
        Scope {
            calendar,
            children,
            header,
            zones,
        }
    }
}

/// Physical lines `from..=to` (1-based) with CRLF ends.
fn copy(out: &mut String, lines: &[&str], from: usize, to: usize) {
    for line in lines
        .get(from.saturating_sub(1)..to.min(lines.len()))
        .unwrap_or_default()
    {
        out.push_str(line.strip_suffix('\r').unwrap_or(line));
        out.push_str("\r\n");
    }
}

/// A component's lines, with a UID line after `BEGIN` when one was generated and an `END`
/// when the file never closed it.
fn copy_component(out: &mut String, lines: &[&str], c: &Component, uid: Option<&str>) {
    copy(out, lines, c.first_line, c.first_line);
    if let Some(uid) = uid {
        out.push_str("UID:");
        out.push_str(uid);
        out.push_str("\r\n");
    }
    copy(out, lines, c.first_line + 1, c.last_line);
    if !c.closed {
        out.push_str("END:");
        out.push_str(&c.name);
        out.push_str("\r\n");
    }
}

/// The VCALENDAR's own property lines: everything in it outside its components, without
/// BEGIN/END and without METHOD, which a CalDAV resource must not carry (RFC 4791 §4.1). One
/// pass: the components are in file order and do not overlap.
fn calendar_properties(lines: &[&str], calendar: &Component) -> String {
    let mut out = String::new();
    let last = if calendar.closed {
        calendar.last_line.saturating_sub(1)
    } else {
        calendar.last_line
    };
    let mut children = calendar.children.iter().peekable();
    let mut skipping_method = false;
    let mut number = calendar.first_line + 1;
    while number <= last {
        if let Some(child) = children.next_if(|c| c.first_line <= number) {
            number = number.max(child.last_line + 1);
            continue;
        }
        let Some(line) = lines.get(number - 1) else {
            break;
        };
        if !line.starts_with([' ', '\t']) {
            skipping_method = line
                .get(..6)
                .is_some_and(|n| n.eq_ignore_ascii_case("METHOD"))
                && line.get(6..).is_some_and(|r| r.starts_with([':', ';']));
        }
        if !skipping_method {
            copy(&mut out, lines, number, number);
        }
        number += 1;
    }
    out
}

/// Every TZID parameter in a component and its children.
fn tzids<'a>(c: &'a Component<'a>, found: &mut BTreeSet<&'a str>) {
    for p in &c.properties {
        for (k, v) in &p.params {
            if k == "TZID" {
                found.insert(v.trim());
            }
        }
    }
    for child in &c.children {
        tzids(child, found);
    }
}

/// A standalone VCALENDAR for one object: the calendar properties of the scope of its first
/// event, the VTIMEZONEs its events name (each from the event's own scope, once), and the
/// events, each given as (component, scope index, generated UID).
pub(crate) fn resource_text(
    lines: &[&str],
    scopes: &[Scope],
    events: &[(&Component, usize, Option<&str>)],
) -> String {
    let mut out = String::from("BEGIN:VCALENDAR\r\n");
    if let Some(scope) = events.first().and_then(|(_, s, _)| scopes.get(*s)) {
        out.push_str(&scope.header);
    }
    let mut written: HashSet<&str> = HashSet::new();
    for (event, scope, _) in events {
        let mut wanted = BTreeSet::new();
        tzids(event, &mut wanted);
        let Some(scope) = scopes.get(*scope) else {
            continue;
        };
        for tzid in wanted {
            if let Some((name, zone)) = scope.zones.get_key_value(tzid)
                && written.insert(name)
            {
                copy_component(&mut out, lines, zone, None);
            }
        }
    }
    for (event, _, uid) in events {
        copy_component(&mut out, lines, event, *uid);
    }
    out.push_str("END:VCALENDAR\r\n");
    out
}
