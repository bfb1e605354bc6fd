//! Eventual consistency after a write (fact sheet item 16, KashCal's pull strategy): with the
//! `stale_reads_after_write` quirk at N, the next N reads of an updated object (GET, or its
//! entry in a calendar-multiget) still serve the previous body and ETag.

use super::{Answer, Ctx, lock};
use crate::xml::{CALDAV, DAV, Element};
use bytes::Bytes;
use std::collections::HashMap;

/// A previous version still being served.
#[derive(Debug, Clone)]
pub struct Old {
    body: Bytes,
    etag: String,
    remaining: u32,
}

/// Previous versions by client href.
#[derive(Debug, Default)]
pub struct StaleReads(HashMap<String, Old>);

impl StaleReads {
    /// Remembers the previous version of `href` for `reads` reads.
    pub fn remember(&mut self, href: &str, body: Bytes, etag: String, reads: u32) {
        self.0.insert(
            href.to_string(),
            Old {
                body,
                etag,
                remaining: reads,
            },
        );
    }

    /// Takes one stale read of `href`, if any is left.
    pub fn take(&mut self, href: &str) -> Option<(Bytes, String)> {
        let old = self.0.get_mut(href)?;
        if old.remaining == 0 {
            self.0.remove(href);
            return None;
        }
        old.remaining -= 1;
        Some((old.body.clone(), old.etag.clone()))
    }
}

/// Before an update: remembers the current version when the quirk asks for stale reads.
pub async fn before_write(ctx: &Ctx, radicale_path: &str) {
    let reads = ctx.quirks.stale_reads_after_write;
    if reads == 0 {
        return;
    }
    if let Ok(r) = ctx
        .shared
        .upstream
        .send("GET", radicale_path, &[], Bytes::new())
        .await
        && r.status == 200
    {
        let etag = r.etag.unwrap_or_default();
        lock(&ctx.shared.stale).remember(&ctx.path, r.body, etag, reads);
    }
}

/// A GET answered from a stale version, if one is due.
pub fn get(ctx: &Ctx) -> Option<Answer> {
    let (body, etag) = lock(&ctx.shared.stale).take(&ctx.path)?;
    Some(Answer {
        status: 200,
        headers: vec![
            ("content-type".into(), "text/calendar; charset=utf-8".into()),
            ("etag".into(), etag),
        ],
        body,
    })
}

/// Rewrites multiget entries whose href has a stale version due.
pub fn multiget(ctx: &Ctx, ms: &mut Element) {
    for resp in ms.elements_mut().filter(|e| e.is(DAV, "response")) {
        let href = resp
            .find(DAV, "href")
            .map(Element::text_content)
            .unwrap_or_default();
        let Some((body, etag)) = lock(&ctx.shared.stale).take(&href) else {
            continue;
        };
        for propstat in resp.elements_mut() {
            for prop in propstat.elements_mut().filter(|e| e.is(DAV, "prop")) {
                for p in prop.elements_mut() {
                    if p.is(DAV, "getetag") {
                        p.set_text(&etag);
                    } else if p.is(CALDAV, "calendar-data") {
                        p.set_text(&String::from_utf8_lossy(&body));
                    }
                }
            }
        }
    }
}
