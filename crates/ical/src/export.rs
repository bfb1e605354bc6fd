//! One `.ics` file from a calendar's objects, for "Export calendar": every event, task and time
//! zone as the server sent it (unknown properties included), in one VCALENDAR.

use std::collections::HashSet;

/// Joins calendar objects into one VCALENDAR named `name`. Components are copied line for
/// line; a VTIMEZONE shared by many objects is written once. Text outside a VCALENDAR is
/// dropped.
pub fn merge_objects<'a>(objects: impl IntoIterator<Item = &'a str>, name: &str) -> String {
    let mut out = String::from(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Almanac//Almanac Desktop//EN\r\n",
    );
    out.push_str(&format!("X-WR-CALNAME:{}\r\n", escape(name)));
    let mut zones = HashSet::new();
    for object in objects {
        for (kind, block) in components(object) {
            if kind == "VTIMEZONE" {
                let tzid = block.lines().find_map(|l| l.strip_prefix("TZID:"));
                if !zones.insert(tzid.unwrap_or_default().trim().to_string()) {
                    continue;
                }
            }
            out.push_str(&block);
        }
    }
    out.push_str("END:VCALENDAR\r\n");
    out
}

/// The VCALENDAR's direct children: (component name, its lines with CRLF endings).
fn components(object: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut depth = 0usize;
    let mut current: Option<(String, String)> = None;
    for line in object.split('\n').map(|l| l.trim_end_matches('\r')) {
        let upper = line.to_ascii_uppercase();
        if let Some(kind) = upper.strip_prefix("BEGIN:") {
            depth += 1;
            if depth == 2 {
                current = Some((kind.trim().to_string(), String::new()));
            }
        }
        if depth >= 2
            && let Some((_, block)) = current.as_mut()
        {
            block.push_str(line);
            block.push_str("\r\n");
        }
        if upper.starts_with("END:") {
            if depth == 2
                && let Some(done) = current.take()
            {
                found.push(done);
            }
            depth = depth.saturating_sub(1);
        }
    }
    found
}

fn escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace(';', "\\;")
        .replace(',', "\\,")
        .replace(['\r', '\n'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const BERLIN: &str = "BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\nEND:VTIMEZONE\r\n";

    fn object(uid: &str) -> String {
        format!(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Apple Inc.//macOS 14.4//EN\r\n{BERLIN}\
             BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTART;TZID=Europe/Berlin:20261201T100000\r\n\
             X-APPLE-TRAVEL-ADVISORY-BEHAVIOR:AUTOMATIC\r\nBEGIN:VALARM\r\nTRIGGER:-PT5M\r\n\
             ACTION:DISPLAY\r\nEND:VALARM\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
        )
    }

    #[test]
    fn objects_merge_into_one_calendar_that_parses_back() {
        let (a, b) = (object("a"), object("b"));
        let merged = merge_objects([a.as_str(), b.as_str()], "Work; Team, Berlin");
        assert_eq!(merged.matches("BEGIN:VTIMEZONE").count(), 1);
        assert_eq!(merged.matches("BEGIN:VEVENT").count(), 2);
        assert_eq!(merged.matches("BEGIN:VALARM").count(), 2);
        assert!(merged.contains("X-WR-CALNAME:Work\\; Team\\, Berlin\r\n"));
        assert!(merged.contains("X-APPLE-TRAVEL-ADVISORY-BEHAVIOR:AUTOMATIC"));
        assert!(merged.ends_with("END:VEVENT\r\nEND:VCALENDAR\r\n"));
        assert_eq!(merged.matches("BEGIN:VCALENDAR").count(), 1);
    }
}
