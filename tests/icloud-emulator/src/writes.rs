//! iCloud's rules for writes, checked before a PUT reaches Radicale (which then enforces
//! `If-None-Match: *` and `If-Match` itself, answering `412` on a stale ETag):
//!
//! - a VEVENT with DTSTART but neither DTEND nor DURATION gets **`404`** (vdirsyncer #1200,
//!   davx5-ose #1859, calcurse #60);
//! - a `METHOD` property in the stored object gets `400` (or `403` by quirk; QuickMail #289);
//! - a UID that already exists in another calendar of the account gets `403` (python-caldav #3);
//! - a VTODO on an event calendar, or a VEVENT on a task list, gets `403` (davdroid #553);
//! - a create without `Content-Type: text/calendar` gets `415` (lambdabaa/dav #127: iCloud
//!   needed the header; the exact status is unknown);
//! - a create answers `201`, an update `204`; the `ETag` header can be left out by quirk.

use crate::layout::{self, Kind};
use crate::routes::forward_plain;
use crate::server::{Answer, Ctx};
use crate::xml::{self, CALDAV};
use bytes::Bytes;

/// Unfolded content lines of an iCalendar text.
fn unfold(ics: &str) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for raw in ics.split('\n') {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        match (
            raw.strip_prefix(' ').or_else(|| raw.strip_prefix('\t')),
            lines.last_mut(),
        ) {
            (Some(cont), Some(last)) => last.push_str(cont),
            _ => lines.push(raw.to_string()),
        }
    }
    lines
}

fn name_of(line: &str) -> String {
    line.split([':', ';'])
        .next()
        .unwrap_or_default()
        .to_ascii_uppercase()
}

/// What the checks need to know about one object.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Shape {
    /// Whether the VCALENDAR carries a METHOD.
    pub has_method: bool,
    /// Whether some VEVENT has DTSTART but no DTEND or DURATION.
    pub event_without_end: bool,
    /// Whether it holds a VEVENT.
    pub has_event: bool,
    /// Whether it holds a VTODO.
    pub has_todo: bool,
    /// The UID of the first component.
    pub uid: Option<String>,
}

/// Reads the shape of an object.
pub fn shape(ics: &str) -> Shape {
    let mut s = Shape::default();
    let mut stack: Vec<String> = Vec::new();
    let (mut start, mut end) = (false, false);
    for line in unfold(ics) {
        let name = name_of(&line);
        let value = line
            .split_once(':')
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default();
        match name.as_str() {
            "BEGIN" => {
                let comp = value.to_ascii_uppercase();
                if comp == "VEVENT" {
                    s.has_event = true;
                    (start, end) = (false, false);
                } else if comp == "VTODO" {
                    s.has_todo = true;
                }
                stack.push(comp);
            }
            "END" => {
                if stack.last().map(String::as_str) == Some("VEVENT") && start && !end {
                    s.event_without_end = true;
                }
                stack.pop();
            }
            _ => {
                let inside = stack.last().map(String::as_str);
                match (inside, name.as_str()) {
                    (Some("VCALENDAR"), "METHOD") => s.has_method = true,
                    (Some("VEVENT"), "DTSTART") => start = true,
                    (Some("VEVENT"), "DTEND" | "DURATION") => end = true,
                    (Some("VEVENT" | "VTODO"), "UID") if s.uid.is_none() => s.uid = Some(value),
                    _ => {}
                }
            }
        }
    }
    s
}

fn uid_query(uid: &str) -> String {
    let uid = uid.replace('&', "&amp;").replace('<', "&lt;");
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><C:calendar-query xmlns:D=\"DAV:\" xmlns:C=\"urn:ietf:params:xml:ns:caldav\">\
<D:prop><D:getetag/><C:calendar-data/></D:prop><C:filter><C:comp-filter name=\"VCALENDAR\"><C:comp-filter name=\"{comp}\">\
<C:prop-filter name=\"UID\"><C:text-match collation=\"i;octet\">{uid}</C:text-match></C:prop-filter>\
</C:comp-filter></C:comp-filter></C:filter></C:calendar-query>",
        comp = "VEVENT"
    )
}

/// Whether `uid` exists in a stored calendar other than `except`.
async fn uid_elsewhere(ctx: &Ctx, uid: &str, except: &str) -> bool {
    for spec in layout::CALENDARS
        .iter()
        .filter(|c| c.id != except && c.kind != Kind::Tasks)
    {
        let path = format!("{}{}/", ctx.map.radicale_prefix, spec.id);
        let headers = [
            ("depth", "1".to_string()),
            ("content-type", "application/xml".into()),
        ];
        let body = Bytes::from(uid_query(uid));
        let Ok(r) = ctx
            .shared
            .upstream
            .send("REPORT", &path, &headers, body)
            .await
        else {
            continue;
        };
        // text-match is a substring match, so the UID lines of the candidates decide.
        let Ok(ms) = xml::parse(&String::from_utf8_lossy(&r.body)) else {
            continue;
        };
        let mut data = Vec::new();
        ms.descendants(CALDAV, "calendar-data", &mut data);
        let same = |l: &String| {
            name_of(l) == "UID" && l.split_once(':').is_some_and(|(_, v)| v.trim() == uid)
        };
        if data
            .iter()
            .any(|d| unfold(&d.text_content()).iter().any(same))
        {
            return true;
        }
    }
    false
}

/// A PUT into calendar `cal` (Radicale path `radicale_path`).
pub async fn put(ctx: &Ctx, cal: &str, kind: Option<Kind>, radicale_path: &str) -> Answer {
    if kind == Some(Kind::SharedReadOnly) {
        return Answer::empty(403);
    }
    let creating = ctx.header("if-match").is_none();
    let is_calendar = ctx
        .header("content-type")
        .is_some_and(|c| c.to_ascii_lowercase().starts_with("text/calendar"));
    if creating && !is_calendar {
        return Answer::empty(415);
    }
    let s = shape(&ctx.body_text());
    if s.has_method {
        return Answer::empty(ctx.quirks.method_rejection_status);
    }
    if s.event_without_end {
        return Answer::empty(404);
    }
    let task_list = matches!(kind, Some(Kind::Tasks | Kind::UpgradedReminders));
    if (s.has_todo && !task_list) || (s.has_event && task_list) {
        return Answer::empty(403);
    }
    if let Some(uid) = &s.uid
        && s.has_event
        && uid_elsewhere(ctx, uid, cal).await
    {
        return Answer::empty(403);
    }
    let existed = ctx
        .shared
        .upstream
        .send("HEAD", radicale_path, &[], Bytes::new())
        .await
        .is_ok_and(|r| r.status == 200);
    let mut pass = Vec::new();
    for h in ["if-match", "if-none-match", "content-type"] {
        if let Some(v) = ctx.header(h) {
            pass.push((h, v.to_string()));
        }
    }
    if existed {
        crate::stale::before_write(ctx, radicale_path).await;
    }
    let mut a = forward_plain(ctx, radicale_path, &pass).await;
    if (200..300).contains(&a.status) {
        a.status = if existed { 204 } else { 201 };
        a.body = Bytes::new();
        a.headers.retain(|(k, _)| k != "content-type");
        if ctx.quirks.omit_put_etag {
            a.headers.retain(|(k, _)| k != "etag");
        }
    }
    a
}

/// Whether a client-chosen calendar id is one iCloud accepts (vdirsyncer: very short names and
/// special characters are rejected).
pub fn calendar_id_ok(id: &str) -> bool {
    id.len() >= 2
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '@' | '%'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        let no_end = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTART:20260101T100000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        assert!(shape(no_end).event_without_end);
        assert_eq!(shape(no_end).uid.as_deref(), Some("a"));
        let ok = no_end.replace("END:VEVENT", "DURATION:PT1H\r\nEND:VEVENT");
        assert!(!shape(&ok).event_without_end);
        let method = no_end.replace(
            "BEGIN:VCALENDAR\r\n",
            "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\n",
        );
        assert!(shape(&method).has_method);
        let alarm_only = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:20260101T100000Z\r\nDTEND:2026\r\n 0101T110000Z\r\nBEGIN:VALARM\r\nTRIGGER:-PT5M\r\nEND:VALARM\r\nEND:VEVENT\r\nEND:VCALENDAR";
        assert!(!shape(alarm_only).event_without_end);
        assert!(calendar_id_ok("work-2") && !calendar_id_ok("a") && !calendar_id_ok("bad name!"));
    }
}
