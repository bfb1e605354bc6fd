//! REPORTs on a calendar: sync-collection with opaque, expirable tokens (and an injectable bare
//! `403` for a non-empty one); calendar-multiget with injectable per-href `404`s, omissions and
//! respellings and an optional batch limit; calendar-query that insists on a VEVENT
//! comp-filter. sync-collection and calendar-query list the collection itself as an
//! extra entry, as iCloud does.

use super::forward::rewrite_request_hrefs;
use super::{Answer, Ctx, lock};
use crate::upstream;
use crate::xml::{self, CALDAV, DAV, Element};
use bytes::Bytes;
use std::time::Instant;

fn status(code: &str) -> Element {
    Element::new(DAV, "status").text(&format!("HTTP/1.1 {code}"))
}

/// The `DAV:valid-sync-token` precondition failure (403, or 410 by quirk).
fn invalid_token(ctx: &Ctx) -> Answer {
    let body = Element::new(DAV, "error").child(Element::new(DAV, "valid-sync-token"));
    Answer::xml(
        ctx.quirks.invalid_sync_token_status,
        &body,
        ctx.quirks.text_plain_content_type,
    )
}

/// The anomalous answer: a well-formed `207` with no members (sync-collection keeps a token).
pub fn empty_multistatus(ctx: &Ctx) -> Answer {
    let mut ms = Element::new(DAV, "multistatus");
    if let Ok(root) = xml::parse(&ctx.body_text())
        && root.is(DAV, "sync-collection")
    {
        {
            let token = root
                .find(DAV, "sync-token")
                .map(Element::text_content)
                .unwrap_or_default();
            let token = if token.is_empty() {
                ctx.map.wrap_token("empty")
            } else {
                token
            };
            ms = ms.child(Element::new(DAV, "sync-token").text(&token));
        }
    }
    Answer::xml(207, &ms, ctx.quirks.text_plain_content_type)
}

fn collection_href(ctx: &Ctx) -> String {
    let p = ctx.path.clone();
    if p.ends_with('/') { p } else { format!("{p}/") }
}

/// A REPORT on a calendar collection (or member).
pub async fn calendar_report(ctx: &Ctx, radicale_path: &str, label: &mut Option<String>) -> Answer {
    let text = ctx.body_text();
    // KashCal: whitespace before the XML declaration gets 400.
    if !text.starts_with("<?xml") && text.trim_start().starts_with("<?xml") {
        return Answer::empty(400);
    }
    let Ok(root) = xml::parse(&text) else {
        return Answer::empty(400);
    };
    if root.is(DAV, "sync-collection") {
        sync_collection(ctx, root, radicale_path, label).await
    } else if root.is(CALDAV, "calendar-multiget") {
        multiget(ctx, &root, radicale_path, label).await
    } else if root.is(CALDAV, "calendar-query") {
        calendar_query(ctx, &root, radicale_path).await
    } else {
        Answer::html(501, "Unsupported Request")
    }
}

async fn forward(ctx: &Ctx, radicale_path: &str, body: Bytes) -> Result<Element, Answer> {
    let headers = [
        ("content-type", "application/xml".to_string()),
        ("depth", ctx.header("depth").unwrap_or("1").to_string()),
    ];
    let reply = ctx
        .shared
        .upstream
        .send("REPORT", radicale_path, &headers, body)
        .await
        .map_err(|_| Answer::empty(502))?;
    if reply.status == 403 && String::from_utf8_lossy(&reply.body).contains("valid-sync-token") {
        return Err(invalid_token(ctx));
    }
    if reply.status != 207 {
        return Err(Answer::empty(reply.status));
    }
    let mut ms =
        xml::parse(&String::from_utf8_lossy(&reply.body)).map_err(|_| Answer::empty(502))?;
    upstream::reshape(&mut ms, &ctx.map);
    Ok(ms)
}

async fn sync_collection(
    ctx: &Ctx,
    mut root: Element,
    radicale_path: &str,
    label: &mut Option<String>,
) -> Answer {
    if let Some(forbidden) = super::partial::stale_token(ctx, &root, label) {
        return forbidden;
    }
    for el in root.elements_mut().filter(|e| e.is(DAV, "sync-token")) {
        let token = el.text_content();
        if token.is_empty() {
            continue;
        }
        match ctx.map.unwrap_token(&token) {
            Some(radicale) => el.set_text(&radicale),
            None => return invalid_token(ctx),
        }
    }
    let mut ms = match forward(ctx, radicale_path, Bytes::from(xml::write(&root))).await {
        Ok(ms) => ms,
        Err(a) => return a,
    };
    // The collection itself, with its own getetag (python-caldav's recorded iCloud capture).
    let token = ms
        .find(DAV, "sync-token")
        .map(Element::text_content)
        .unwrap_or_default();
    // A short lowercase tag from Radicale's token hash, shaped like iCloud's ETags.
    let radicale = ctx.map.unwrap_token(&token).unwrap_or_default();
    let tag: String = radicale.chars().rev().take(12).collect();
    let entry = Element::new(DAV, "response")
        .child(Element::new(DAV, "href").text(&collection_href(ctx)))
        .child(
            Element::new(DAV, "propstat")
                .child(
                    Element::new(DAV, "prop")
                        .child(Element::new(DAV, "getetag").text(&format!("\"{tag}\""))),
                )
                .child(status("200 OK")),
        );
    ms.children.insert(0, xml::Node::Element(entry));
    // The token goes last, as in RFC 6578's examples and iCloud's capture.
    let (tokens, rest): (Vec<_>, Vec<_>) = ms
        .children
        .into_iter()
        .partition(|n| matches!(n, xml::Node::Element(e) if e.is(DAV, "sync-token")));
    ms.children = rest.into_iter().chain(tokens).collect();
    Answer::xml(207, &ms, ctx.quirks.text_plain_content_type)
}

async fn multiget(
    ctx: &Ctx,
    root: &Element,
    radicale_path: &str,
    label: &mut Option<String>,
) -> Answer {
    let hrefs: Vec<String> = root
        .elements()
        .filter(|e| e.is(DAV, "href"))
        .map(Element::text_content)
        .collect();
    if ctx
        .quirks
        .multiget_limit
        .is_some_and(|limit| hrefs.len() > limit)
    {
        return Answer::empty(507);
    }
    let mut ms = match forward(ctx, radicale_path, rewrite_request_hrefs(ctx)).await {
        Ok(ms) => ms,
        Err(a) => return a,
    };
    super::stale::multiget(ctx, &mut ms);
    let calendar = super::partial::request_calendar(&ctx.map.home(), &ctx.path);
    let missing =
        lock(&ctx.shared.faults).take_multiget_missing(&hrefs, calendar.as_deref(), Instant::now());
    if !missing.is_empty() {
        *label = Some(format!("multiget-404:{}", missing.join(",")));
        for node in &mut ms.children {
            let xml::Node::Element(resp) = node else {
                continue;
            };
            let href = resp
                .find(DAV, "href")
                .map(Element::text_content)
                .unwrap_or_default();
            if missing.contains(&href) {
                *resp = Element::new(DAV, "response")
                    .child(Element::new(DAV, "href").text(&href))
                    .child(status("404 Not Found"));
            }
        }
    }
    super::partial::multiget(ctx, &hrefs, &mut ms, label);
    Answer::xml(207, &ms, ctx.quirks.text_plain_content_type)
}

fn has_vevent_filter(root: &Element) -> bool {
    let Some(filter) = root.find(CALDAV, "filter") else {
        return false;
    };
    filter.elements().any(|cal| {
        cal.is(CALDAV, "comp-filter")
            && cal.attr_value("name") == Some("VCALENDAR")
            && cal
                .elements()
                .any(|c| c.is(CALDAV, "comp-filter") && c.attr_value("name").is_some())
    })
}

async fn calendar_query(ctx: &Ctx, root: &Element, radicale_path: &str) -> Answer {
    // calcurse #30: a query without a VCALENDAR → VEVENT (or VTODO) comp-filter gets 500.
    if !has_vevent_filter(root) {
        return Answer::empty(500);
    }
    let mut ms = match forward(ctx, radicale_path, ctx.body.clone()).await {
        Ok(ms) => ms,
        Err(a) => return a,
    };
    // The collection itself, calendar-data in a 404 propstat (python-caldav "icloud hack").
    let entry = Element::new(DAV, "response")
        .child(Element::new(DAV, "href").text(&collection_href(ctx)))
        .child(
            Element::new(DAV, "propstat")
                .child(Element::new(DAV, "prop").child(Element::new(CALDAV, "calendar-data")))
                .child(status("404 Not Found")),
        );
    ms.children.insert(0, xml::Node::Element(entry));
    Answer::xml(207, &ms, ctx.quirks.text_plain_content_type)
}

/// The calendars in the home now: `(id, ctag)` pairs, from Radicale.
async fn home_state(ctx: &Ctx) -> Option<Vec<(String, String)>> {
    let body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><D:propfind xmlns:D=\"DAV:\" \
        xmlns:CS=\"http://calendarserver.org/ns/\"><D:prop><CS:getctag/></D:prop></D:propfind>";
    let headers = [
        ("depth", "1".to_string()),
        ("content-type", "application/xml".into()),
    ];
    let reply = ctx
        .shared
        .upstream
        .send(
            "PROPFIND",
            &ctx.map.radicale_prefix,
            &headers,
            Bytes::from(body),
        )
        .await
        .ok()?;
    let ms = xml::parse(&String::from_utf8_lossy(&reply.body)).ok()?;
    let mut out = Vec::new();
    for resp in ms.elements().filter(|e| e.is(DAV, "response")) {
        let href = resp
            .find(DAV, "href")
            .map(Element::text_content)
            .unwrap_or_default();
        let Some(id) = href
            .strip_prefix(&ctx.map.radicale_prefix)
            .map(|r| r.trim_end_matches('/').to_string())
            .filter(|r| !r.is_empty())
        else {
            continue;
        };
        let mut ctags = Vec::new();
        resp.descendants(crate::xml::CS, "getctag", &mut ctags);
        let ctag = ctags.first().map(|c| c.text_content()).unwrap_or_default();
        out.push((id, ctag));
    }
    Some(out)
}

/// sync-collection on the home: calendars added or changed since the token (`200` with their
/// ctag as getetag) and removed (`404`); the token carries the listing it was issued for.
pub async fn home_sync(ctx: &Ctx, root: &Element) -> Answer {
    let token = root
        .find(DAV, "sync-token")
        .map(Element::text_content)
        .unwrap_or_default();
    let before: Vec<(String, String)> = if token.is_empty() {
        Vec::new()
    } else {
        let Some(raw) = ctx.map.unwrap_token(&token) else {
            return invalid_token(ctx);
        };
        let Some(list) = raw.strip_prefix("home:") else {
            return invalid_token(ctx);
        };
        list.split('\u{1e}')
            .filter_map(|p| p.split_once('\u{1d}'))
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    };
    let Some(now) = home_state(ctx).await else {
        return Answer::empty(502);
    };
    let home = ctx.map.home();
    let mut ms = Element::new(DAV, "multistatus");
    for (id, ctag) in &now {
        if before.iter().any(|(i, c)| i == id && c == ctag) {
            continue;
        }
        ms = ms.child(
            Element::new(DAV, "response")
                .child(Element::new(DAV, "href").text(&format!("{home}{id}/")))
                .child(
                    Element::new(DAV, "propstat")
                        .child(
                            Element::new(DAV, "prop")
                                .child(Element::new(DAV, "getetag").text(ctag)),
                        )
                        .child(status("200 OK")),
                ),
        );
    }
    for (id, _) in before
        .iter()
        .filter(|(i, _)| !now.iter().any(|(n, _)| n == i))
    {
        ms = ms.child(
            Element::new(DAV, "response")
                .child(Element::new(DAV, "href").text(&format!("{home}{id}/")))
                .child(status("404 Not Found")),
        );
    }
    let list: Vec<String> = now.iter().map(|(i, c)| format!("{i}\u{1d}{c}")).collect();
    let token = ctx.map.wrap_token(&format!("home:{}", list.join("\u{1e}")));
    ms = ms.child(Element::new(DAV, "sync-token").text(&token));
    Answer::xml(207, &ms, ctx.quirks.text_plain_content_type)
}
