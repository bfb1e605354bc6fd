//! Requests passed on to Radicale: the body's hrefs mapped to Radicale's paths, and a request
//! forwarded as it came. Shared by the routes and the handlers they call.

use super::{Answer, Ctx};
use crate::upstream;
use crate::xml::{self, DAV, Element};

/// Client hrefs inside an XML request body, mapped to Radicale's paths.
pub fn rewrite_request_hrefs(ctx: &Ctx) -> bytes::Bytes {
    let text = ctx.body_text();
    if text.trim().is_empty() {
        return ctx.body.clone();
    }
    match xml::parse(&text) {
        Ok(mut root) => {
            map_hrefs(&mut root, &ctx.map);
            bytes::Bytes::from(xml::write(&root))
        }
        Err(_) => ctx.body.clone(),
    }
}

fn map_hrefs(el: &mut Element, map: &upstream::Mapping) {
    for child in el.elements_mut() {
        if child.is(DAV, "href") {
            if let Some(p) = map.to_radicale(&child.text_content()) {
                child.set_text(&p);
            }
        } else {
            map_hrefs(child, map);
        }
    }
}

/// Sends the request to Radicale as it came (body and method), with `headers`, and answers
/// with Radicale's status, body, ETag and content type.
pub async fn forward_plain(ctx: &Ctx, radicale_path: &str, headers: &[(&str, String)]) -> Answer {
    let Ok(reply) = ctx
        .shared
        .upstream
        .send(&ctx.method, radicale_path, headers, ctx.body.clone())
        .await
    else {
        return Answer::empty(502);
    };
    let mut a = Answer {
        status: reply.status,
        headers: Vec::new(),
        body: reply.body,
    };
    if let Some(e) = reply.etag {
        a = a.with("etag", &e);
    }
    if let Some(ct) = reply.content_type
        && !a.body.is_empty()
    {
        a = a.with("content-type", &ct);
    }
    a
}
