//! What every written resource gets before it leaves: a VTIMEZONE for each IANA zone it newly
//! uses, none for a zone it no longer uses, and no METHOD (writing-caldav.md §1.4).

use crate::lines::{Doc, Patch};
use std::collections::BTreeSet;

/// Every TZID parameter value in the text's components.
fn tzids(doc: &Doc) -> BTreeSet<String> {
    fn walk(c: &crate::lexer::Component, out: &mut BTreeSet<String>) {
        for p in &c.properties {
            if let Some(tzid) = p.param("TZID") {
                out.insert(tzid.trim().to_owned());
            }
        }
        for child in &c.children {
            walk(child, out);
        }
    }
    let mut out = BTreeSet::new();
    for c in doc.components() {
        walk(c, &mut out);
    }
    out
}

/// The text made ready to upload after a change: a VTIMEZONE for each IANA zone it newly refers
/// to without defining it, none for a zone our change stopped using (a moved Outlook event no
/// longer needs `W. Europe Standard Time`, a name iCloud refuses), and no METHOD (an imported
/// invitation carries one; iCloud refuses a stored object with it, RFC 4791 §4.1). An
/// unchanged text is returned as it is.
pub(crate) fn finish(original: &str, text: String) -> String {
    if text == original {
        return text;
    }
    let old = tzids(&Doc::new(original));
    let doc = Doc::new(&text);
    let mut patches: Vec<Patch> = doc
        .calendar_props("METHOD")
        .into_iter()
        .map(Patch::remove)
        .collect();
    let defined: BTreeSet<String> = doc
        .components()
        .iter()
        .filter(|c| c.name == "VTIMEZONE")
        .filter_map(|c| c.prop("TZID").map(|p| p.value.trim().to_owned()))
        .collect();
    let used = tzids(&doc);
    for c in doc.components().iter().filter(|c| c.name == "VTIMEZONE") {
        let id = c.prop("TZID").map(|p| p.value.trim().to_owned());
        if id.is_some_and(|id| old.contains(&id) && !used.contains(&id)) {
            patches.push(Patch::remove(doc.comp_span(c)));
        }
    }
    let mut zones = String::new();
    for id in used.difference(&old).filter(|id| !defined.contains(*id)) {
        let Ok(tz) = id.parse::<chrono_tz::Tz>() else {
            continue;
        };
        let year = first_year(&doc, id).unwrap_or(2000);
        zones.push_str(&crate::vtimezone::vtimezone(tz, year, doc.eol));
    }
    if !zones.is_empty() {
        patches.push(Patch::insert(doc.first_event_line(), zones));
    }
    if patches.is_empty() {
        return text;
    }
    doc.apply(patches)
}

/// The year of the first value written with this TZID.
fn first_year(doc: &Doc, tzid: &str) -> Option<i32> {
    doc.components().iter().find_map(|c| {
        c.properties
            .iter()
            .find(|p| p.param("TZID").map(str::trim) == Some(tzid))
            .and_then(|p| p.value.trim().get(..4)?.parse().ok())
    })
}
