//! Account-wide UID uniqueness. "UIDs must be unique across the whole calendar home on
//! iCloud/CalendarServer, not just per calendar" (writing-caldav.md, summary item 2):
//! python-caldav #3, "one unique calendar object with one unique uid cannot be on two
//! calendars at the same time"; CalendarServer's `hasCalendarResourceUIDSomewhereElse` and
//! CalDAVTester's `duplicate_uids.xml`. RFC 4791 §5.3.2.1 names the precondition:
//! "(CALDAV:no-uid-conflict): The resource submitted in the PUT request … MUST NOT specify an
//! iCalendar UID property value already in use in the targeted collection or overwrite an
//! existing calendar object resource with one that has a different UID property value.
//! Servers SHOULD report the URL of the resource that is already making use of the same UID
//! property value in the DAV:href element". The emulator answers that element for a UID held
//! anywhere in the account; CalendarServer says `unique-scheduling-object-resource` for
//! another calendar, and TbSync #187 saw iCloud answer `412` (`uid_conflict_status`).

use super::partial::same_href;
use super::{Ctx, lock};
use crate::ical;
use crate::xml::{self, CALDAV, DAV, Element};
use bytes::Bytes;
use std::collections::HashMap;

const LIST_BODY: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><D:propfind xmlns:D=\"DAV:\">\
    <D:prop><D:resourcetype/></D:prop></D:propfind>";

/// Every calendar collection of the account in Radicale (their paths): the fixed layout and
/// any calendar a client made since.
async fn calendars(ctx: &Ctx) -> Vec<String> {
    let headers = [
        ("depth", "1".to_string()),
        ("content-type", "application/xml".into()),
    ];
    let Ok(reply) = ctx
        .shared
        .upstream
        .send(
            "PROPFIND",
            &ctx.map.radicale_prefix,
            &headers,
            Bytes::from(LIST_BODY),
        )
        .await
    else {
        return Vec::new();
    };
    let Ok(ms) = xml::parse(&String::from_utf8_lossy(&reply.body)) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for resp in ms.elements().filter(|e| e.is(DAV, "response")) {
        let mut kinds = Vec::new();
        resp.descendants(CALDAV, "calendar", &mut kinds);
        if let Some(href) = resp.find(DAV, "href").map(Element::text_content)
            && !kinds.is_empty()
        {
            out.push(href);
        }
    }
    out
}

fn sync_body(token: &str) -> String {
    let token = token.replace('&', "&amp;").replace('<', "&lt;");
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><D:sync-collection xmlns:D=\"DAV:\" \
xmlns:C=\"urn:ietf:params:xml:ns:caldav\"><D:sync-token>{token}</D:sync-token><D:sync-level>1</D:sync-level>\
<D:prop><D:getetag/><C:calendar-data/></D:prop></D:sync-collection>"
    )
}

/// What one calendar holds: its Radicale sync token and the UIDs of each member.
#[derive(Debug, Default)]
struct Holdings {
    token: String,
    uids: HashMap<String, Vec<String>>,
}

/// The UIDs of the account, kept up to date with Radicale's own sync-collection, so each
/// write asks only what changed since the last one (a UID query over every object, the big
/// demo event included, took a second and a half per PUT). Objects written straight into
/// Radicale (test setup, housekeeping) are picked up the same way.
#[derive(Debug, Default)]
pub struct UidIndex {
    calendars: HashMap<String, Holdings>,
}

/// Brings one calendar's holdings up to date; an expired token (a calendar deleted and
/// made again) starts it over.
async fn refresh(ctx: &Ctx, path: &str) {
    let headers = [
        ("depth", "1".to_string()),
        ("content-type", "application/xml".into()),
    ];
    for _ in 0..2 {
        let token = lock(&ctx.shared.uid_index)
            .calendars
            .get(path)
            .map(|h| h.token.clone())
            .unwrap_or_default();
        let body = Bytes::from(sync_body(&token));
        let Ok(r) = ctx
            .shared
            .upstream
            .send("REPORT", path, &headers, body)
            .await
        else {
            return;
        };
        if r.status != 207 {
            if token.is_empty() {
                return;
            }
            lock(&ctx.shared.uid_index).calendars.remove(path);
            continue;
        }
        let Ok(ms) = xml::parse(&String::from_utf8_lossy(&r.body)) else {
            return;
        };
        let mut index = lock(&ctx.shared.uid_index);
        let held = index.calendars.entry(path.to_string()).or_default();
        for resp in ms.elements().filter(|e| e.is(DAV, "response")) {
            let Some(href) = resp.find(DAV, "href").map(Element::text_content) else {
                continue;
            };
            let mut data = Vec::new();
            resp.descendants(CALDAV, "calendar-data", &mut data);
            match data.first() {
                // A member reported without data is gone (`404`).
                None => {
                    held.uids.remove(&href);
                }
                Some(d) => {
                    let uids = ical::items(&ical::parse(&d.text_content()))
                        .filter_map(|c| c.value("UID").map(str::to_string))
                        .collect();
                    held.uids.insert(href, uids);
                }
            }
        }
        if let Some(t) = ms.find(DAV, "sync-token") {
            held.token = t.text_content();
        }
        return;
    }
}

/// The client href of an object of the account, other than `except` (a client path), whose
/// UID is `uid`; `None` when there is none (or Radicale cannot say).
pub async fn holder(ctx: &Ctx, uid: &str, except: &str) -> Option<String> {
    let listed = calendars(ctx).await;
    lock(&ctx.shared.uid_index)
        .calendars
        .retain(|p, _| listed.contains(p));
    for path in &listed {
        refresh(ctx, path).await;
    }
    let index = lock(&ctx.shared.uid_index);
    listed
        .iter()
        .filter_map(|p| index.calendars.get(p))
        .flat_map(|h| h.uids.iter())
        .filter(|(_, uids)| uids.iter().any(|u| u == uid))
        .map(|(href, _)| ctx.map.client_href(href, true))
        .find(|client| !same_href(client, except))
}
