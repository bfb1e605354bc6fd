//! Partial faults: answers that are well-formed and mostly right, with one member wrong — the
//! failures that make a sync engine lose, keep or duplicate data while every request
//! "succeeds". A listing whose one calendar carries a bare error status, a multiget that
//! leaves out an href or spells it differently, a bare `403` for a sync token. The faults
//! themselves (and their scopes) are in [`crate::faults`]; this module applies them to answers.
//! Its href helpers are public so that a test can predict a respelling ([`respell`]) or compare
//! hrefs the way the faults do ([`same_href`]).

use super::{Answer, Ctx, lock};
use crate::faults::Fault;
use crate::upstream::calendar_of;
use crate::xml::{DAV, Element, Node};
use std::time::Instant;

/// Decodes `%XX` escapes (a `%` not followed by two hex digits stays as it is); bytes that do
/// not form UTF-8 are replaced.
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if let Some(b) = escape_at(bytes, i) {
            out.push(b);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The byte a `%XX` escape starting at `i` stands for, if there is one.
fn escape_at(bytes: &[u8], i: usize) -> Option<u8> {
    if bytes.get(i) != Some(&b'%') {
        return None;
    }
    let hex = bytes.get(i + 1..i + 3)?;
    if !hex.iter().all(u8::is_ascii_hexdigit) {
        return None;
    }
    u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()
}

/// The path of an href that may be an absolute URL.
fn path_of(href: &str) -> &str {
    match href.find("://") {
        Some(i) => href[i + 3..].find('/').map_or("/", |j| &href[i + 3 + j..]),
        None => href,
    }
}

/// Whether two hrefs name the same resource: the same path once the origin is dropped and the
/// escapes are decoded. The partial faults name their targets this way, so a test may give the
/// href in the spelling it sent or in the one the server answered with.
pub fn same_href(a: &str, b: &str) -> bool {
    percent_decode(path_of(a)) == percent_decode(path_of(b))
}

/// The calendar id (decoded) a request path lies in, `/<DSID>/calendars/<cal>/…`; `None` for
/// the home itself and everything outside it.
pub fn request_calendar(home: &str, path: &str) -> Option<String> {
    calendar_of(home, path_of(path)).map(percent_decode)
}

/// Another spelling of `href` that is equal to it only after percent-decoding. In its last
/// segment, the first that applies: a literal `@` becomes `%40`; an escape with hex letters
/// flips their case (`%2F` ↔ `%2f`); a `-` becomes `%2D`; the first character that is not part
/// of an escape is escaped (`k` → `%6B`); an escape of an unreserved character is decoded. An
/// empty last segment, or one of nothing but escapes of reserved characters, stays as it is.
pub fn respell(href: &str) -> String {
    let cut = href.trim_end_matches('/').rfind('/').map_or(0, |i| i + 1);
    let (dir, name) = href.split_at(cut);
    format!("{dir}{}", respell_name(name))
}

fn respell_name(name: &str) -> String {
    let bytes = name.as_bytes();
    if let Some(i) = name.find('@') {
        return format!("{}%40{}", &name[..i], &name[i + 1..]);
    }
    let escapes: Vec<usize> = (0..bytes.len())
        .filter(|&i| escape_at(bytes, i).is_some())
        .collect();
    let with_letter = escapes
        .iter()
        .find(|&&i| bytes[i + 1..i + 3].iter().any(u8::is_ascii_alphabetic));
    if let Some(&i) = with_letter {
        let hex = &name[i + 1..i + 3];
        let flipped: String = hex
            .chars()
            .map(|c| {
                if c.is_ascii_uppercase() {
                    c.to_ascii_lowercase()
                } else {
                    c.to_ascii_uppercase()
                }
            })
            .collect();
        return format!("{}%{flipped}{}", &name[..i], &name[i + 3..]);
    }
    if let Some(i) = name.find('-') {
        return format!("{}%2D{}", &name[..i], &name[i + 1..]);
    }
    let in_escape = |i: usize| escapes.iter().any(|&e| (e..e + 3).contains(&i));
    if let Some((i, c)) = name.char_indices().find(|&(i, _)| !in_escape(i)) {
        let mut buf = [0u8; 4];
        let escaped: String = c
            .encode_utf8(&mut buf)
            .bytes()
            .map(|b| format!("%{b:02X}"))
            .collect();
        return format!("{}{escaped}{}", &name[..i], &name[i + c.len_utf8()..]);
    }
    let unreserved = escapes.iter().find_map(|&i| {
        escape_at(bytes, i)
            .filter(|b| b.is_ascii_alphanumeric() || b"-._~".contains(b))
            .map(|b| (i, char::from(b)))
    });
    match unreserved {
        Some((i, c)) => format!("{}{c}{}", &name[..i], &name[i + 3..]),
        None => name.to_string(),
    }
}

/// Adds a fault's label to the request's log label (after any fault already there).
fn note(label: &mut Option<String>, text: &str) {
    *label = Some(match label.take() {
        Some(prev) => format!("{prev}; {text}"),
        None => text.to_string(),
    });
}

/// `HTTP/1.1 503 Service Unavailable`.
fn status_line(code: u16) -> String {
    let reason = hyper::StatusCode::from_u16(code)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("Unknown");
    format!("HTTP/1.1 {code} {reason}")
}

fn href_of(resp: &Element) -> Option<String> {
    resp.find(DAV, "href").map(Element::text_content)
}

/// [`Fault::ListingMemberStatus`] on a Depth-1 home listing: each failed calendar's `response`
/// keeps its `href` and gets a bare `status` in place of its propstats. Only calendars that
/// are in the listing count against the fault's scope.
pub(crate) fn listing(ctx: &Ctx, ms: &mut Element, label: &mut Option<String>) {
    let home = ctx.map.home();
    let present: Vec<String> = ms
        .elements()
        .filter(|e| e.is(DAV, "response"))
        .filter_map(href_of)
        .filter_map(|h| request_calendar(&home, &h))
        .collect();
    let taken = lock(&ctx.shared.faults).take_all(
        None,
        Instant::now(),
        |f| matches!(f, Fault::ListingMemberStatus { calendar, .. } if present.contains(calendar)),
    );
    for fault in taken {
        let Fault::ListingMemberStatus { calendar, status } = &fault else {
            continue;
        };
        note(label, &fault.label());
        for resp in ms.elements_mut().filter(|e| e.is(DAV, "response")) {
            let Some(href) = href_of(resp) else { continue };
            if request_calendar(&home, &href).as_ref() == Some(calendar) {
                *resp = Element::new(DAV, "response")
                    .child(Element::new(DAV, "href").text(&href))
                    .child(Element::new(DAV, "status").text(&status_line(*status)));
            }
        }
    }
}

/// [`Fault::MultigetOmit`] and [`Fault::MultigetRespell`] on a calendar-multiget answer for
/// `asked` (the hrefs in the request): an omitted member's `response` goes, a respelled one's
/// `href` is spelled differently. Each fault counts once per request that asks for its href.
pub(crate) fn multiget(ctx: &Ctx, asked: &[String], ms: &mut Element, label: &mut Option<String>) {
    let calendar = request_calendar(&ctx.map.home(), &ctx.path);
    let taken =
        lock(&ctx.shared.faults).take_all(calendar.as_deref(), Instant::now(), |f| match f {
            Fault::MultigetOmit { href } | Fault::MultigetRespell { href } => {
                asked.iter().any(|a| same_href(a, href))
            }
            _ => false,
        });
    for fault in taken {
        note(label, &fault.label());
        match &fault {
            Fault::MultigetOmit { href } => ms.children.retain(|n| match n {
                Node::Element(e) if e.is(DAV, "response") => {
                    !href_of(e).is_some_and(|h| same_href(&h, href))
                }
                _ => true,
            }),
            Fault::MultigetRespell { href } => {
                for resp in ms.elements_mut().filter(|e| e.is(DAV, "response")) {
                    for h in resp.elements_mut().filter(|e| e.is(DAV, "href")) {
                        let current = h.text_content();
                        if same_href(&current, href) {
                            h.set_text(&respell(&current));
                        }
                    }
                }
            }
            _ => {}
        }
    }
}

/// [`Fault::StaleTokenForbidden`]: a bare, empty `403` for a sync-collection `root` on the
/// faulted calendar when it carries a non-empty token (an initial sync neither fails nor
/// counts against the scope).
pub(crate) fn stale_token(ctx: &Ctx, root: &Element, label: &mut Option<String>) -> Option<Answer> {
    let token = root
        .find(DAV, "sync-token")
        .map(Element::text_content)
        .unwrap_or_default();
    if token.is_empty() {
        return None;
    }
    let calendar = request_calendar(&ctx.map.home(), &ctx.path)?;
    let taken = lock(&ctx.shared.faults).take_all(
        Some(&calendar),
        Instant::now(),
        |f| matches!(f, Fault::StaleTokenForbidden { calendar: c } if *c == calendar),
    );
    let fault = taken.first()?;
    note(label, &fault.label());
    Some(Answer::empty(403))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn respellings_differ_but_decode_alike() {
        let cases = [
            ("/1/calendars/w/a@b.ics", "/1/calendars/w/a%40b.ics"),
            ("/1/calendars/w/a%40b-c.ics", "/1/calendars/w/a%40b%2Dc.ics"),
            ("/1/calendars/w/A%2Fb.ics", "/1/calendars/w/A%2fb.ics"),
            ("/1/calendars/w/a%2fb.ics", "/1/calendars/w/a%2Fb.ics"),
            ("/1/calendars/w/kickoff.ics", "/1/calendars/w/%6Bickoff.ics"),
            ("/1/calendars/w/%40%C3%A9x", "/1/calendars/w/%40%c3%A9x"),
            ("/1/calendars/w/%40%31", "/1/calendars/w/%401"),
            ("/1/calendars/w/ä.ics", "/1/calendars/w/%C3%A4.ics"),
            ("/1/calendars/w/", "/1/calendars/%77/"),
        ];
        for (href, want) in cases {
            let got = respell(href);
            assert_eq!(got, want, "{href}");
            assert_ne!(got, href);
            assert!(same_href(&got, href), "{href} vs {got}");
        }
        assert_eq!(respell("/1/calendars/w/%2F"), "/1/calendars/w/%2f");
    }

    #[test]
    fn hrefs_compare_by_decoded_path() {
        assert!(same_href(
            "http://127.0.0.1:1/1/calendars/w/a%40b.ics",
            "/1/calendars/w/a@b.ics"
        ));
        assert!(!same_href("/1/calendars/w/a.ics", "/1/calendars/w/b.ics"));
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz%41"), "%zzA");
        assert_eq!(
            request_calendar("/1/calendars/", "/1/calendars/wo%72k/x.ics").as_deref(),
            Some("work")
        );
        assert_eq!(request_calendar("/1/calendars/", "/1/calendars/"), None);
        assert_eq!(status_line(503), "HTTP/1.1 503 Service Unavailable");
    }
}
