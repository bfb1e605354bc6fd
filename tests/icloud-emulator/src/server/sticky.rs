//! "Sticky" events (python-caldav #3): with the `sticky_events` quirk, a calendar deleted and
//! then recreated under the same id gets its old events back, as users saw on iCloud.

use super::{Ctx, lock};
use crate::demo;
use crate::xml::{self, CALDAV, DAV, Element};
use bytes::Bytes;
use std::collections::HashMap;

/// Objects of deleted calendars, by calendar id: `(name, ics)`.
#[derive(Debug, Default)]
pub struct Graveyard(pub HashMap<String, Vec<(String, String)>>);

const ALL_WITH_DATA: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><D:sync-collection \
    xmlns:D=\"DAV:\" xmlns:C=\"urn:ietf:params:xml:ns:caldav\"><D:sync-token/><D:sync-level>1\
    </D:sync-level><D:prop><C:calendar-data/></D:prop></D:sync-collection>";

/// Before a calendar is deleted: keeps its objects when the quirk is on.
pub async fn before_delete(ctx: &Ctx, cal: &str, radicale_path: &str) {
    if !ctx.quirks.sticky_events {
        return;
    }
    let headers = [
        ("depth", "1".to_string()),
        ("content-type", "application/xml".into()),
    ];
    let Ok(r) = ctx
        .shared
        .upstream
        .send(
            "REPORT",
            radicale_path,
            &headers,
            Bytes::from(ALL_WITH_DATA),
        )
        .await
    else {
        return;
    };
    let Ok(ms) = xml::parse(&String::from_utf8_lossy(&r.body)) else {
        return;
    };
    let mut objects = Vec::new();
    for resp in ms.elements().filter(|e| e.is(DAV, "response")) {
        let href = resp
            .find(DAV, "href")
            .map(Element::text_content)
            .unwrap_or_default();
        let mut data = Vec::new();
        resp.descendants(CALDAV, "calendar-data", &mut data);
        let (Some(name), Some(d)) = (href.rsplit('/').next(), data.first()) else {
            continue;
        };
        if !name.is_empty() {
            objects.push((name.to_string(), d.text_content()));
        }
    }
    lock(&ctx.shared.sticky).0.insert(cal.to_string(), objects);
}

/// After a calendar is created: brings back the objects of a deleted one with the same id.
pub async fn after_create(ctx: &Ctx, cal: &str) {
    let Some(objects) = lock(&ctx.shared.sticky).0.remove(cal) else {
        return;
    };
    for (name, ics) in objects {
        // Best effort: a refused object stays gone, as it would on iCloud.
        let _ = demo::put(&ctx.shared.upstream, cal, &name, ics).await;
    }
}
