//! Radicale behind the emulator: forwarding requests to it, mapping paths and hrefs between
//! iCloud's `/<DSID>/calendars/<cal>/…` and Radicale's `/alice/<cal>/…`, wrapping its URI sync
//! tokens into opaque base64 ones, and reshaping its multistatus bodies into iCloud's.

use crate::layout::{self, Kind};
use crate::xml::{self, CALDAV, CS, DAV, Element, ICAL};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use bytes::Bytes;

/// A response from Radicale.
#[derive(Debug)]
pub struct Reply {
    /// Its status.
    pub status: u16,
    /// Its `ETag` header.
    pub etag: Option<String>,
    /// Its `Content-Type` header.
    pub content_type: Option<String>,
    /// Its body.
    pub body: Bytes,
}

/// Radicale failed to answer (the emulator then answers `502`).
#[derive(Debug, thiserror::Error)]
#[error("radicale: {0}")]
pub struct UpstreamError(#[from] reqwest::Error);

/// The Radicale we forward to.
#[derive(Debug, Clone)]
pub struct Upstream {
    client: reqwest::Client,
    base: String,
    user: String,
    password: String,
}

impl Upstream {
    /// Talks to Radicale at `base` (`http://127.0.0.1:P/`) as `user`.
    ///
    /// # Errors
    /// When the HTTP client cannot be built.
    pub fn new(base: &str, user: &str, password: &str) -> Result<Self, UpstreamError> {
        let client = crate::http_client().build()?;
        Ok(Self {
            client,
            base: base.trim_end_matches('/').to_string(),
            user: user.to_string(),
            password: password.to_string(),
        })
    }

    /// The Radicale user's path prefix, `/alice/`.
    pub fn prefix(&self) -> String {
        format!("/{}/", self.user)
    }

    /// Sends one request to `path` (already a Radicale path).
    ///
    /// # Errors
    /// When Radicale cannot be reached or its body cannot be read.
    pub async fn send(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, String)],
        body: Bytes,
    ) -> Result<Reply, UpstreamError> {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap_or(reqwest::Method::GET);
        let request = || {
            let mut req = self
                .client
                .request(method.clone(), format!("{}{path}", self.base))
                .basic_auth(&self.user, Some(&self.password))
                .body(body.clone());
            for (k, v) in headers {
                req = req.header(*k, v);
            }
            req
        };
        // A pooled connection Radicale closed just as it was reused fails before any answer:
        // sent again once, on a fresh connection (seen under load in the test suite).
        let resp = match request().send().await {
            Err(e) if e.is_request() || e.is_connect() => request().send().await?,
            other => other?,
        };
        let status = resp.status().as_u16();
        let header = |name: &str| {
            resp.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let etag = header("etag");
        let content_type = header("content-type");
        let body = resp.bytes().await?;
        Ok(Reply {
            status,
            etag,
            content_type,
            body,
        })
    }
}

/// Maps between the client's and Radicale's view of paths and tokens.
#[derive(Debug, Clone)]
pub struct Mapping {
    /// The account's DSID.
    pub dsid: String,
    /// Radicale's prefix, `/alice/`.
    pub radicale_prefix: String,
    /// The current sync-token epoch.
    pub epoch: u32,
}

impl Mapping {
    /// `/<DSID>/calendars/`.
    pub fn home(&self) -> String {
        format!("/{}/calendars/", self.dsid)
    }

    /// `/<DSID>/principal/`.
    pub fn principal(&self) -> String {
        format!("/{}/principal/", self.dsid)
    }

    /// Client href or path (possibly absolute URL) → Radicale path, if it is in the home.
    pub fn to_radicale(&self, href: &str) -> Option<String> {
        let path = strip_origin(href);
        path.strip_prefix(&self.home())
            .map(|rest| format!("{}{rest}", self.radicale_prefix))
    }

    /// Radicale href → client href; `/alice/` itself maps to `home_or_principal`.
    pub fn client_href(&self, href: &str, root_is_home: bool) -> String {
        let path = strip_origin(href);
        if path == self.radicale_prefix || path == self.radicale_prefix.trim_end_matches('/') {
            return if root_is_home {
                self.home()
            } else {
                self.principal()
            };
        }
        match path.strip_prefix(&self.radicale_prefix) {
            Some(rest) => format!("{}{rest}", self.home()),
            None => href.to_string(),
        }
    }

    /// Radicale sync-token URI → opaque base64 token of this epoch.
    pub fn wrap_token(&self, radicale: &str) -> String {
        STANDARD.encode(format!("{}\u{1f}{radicale}", self.epoch))
    }

    /// Opaque token → Radicale token; `None` when foreign, malformed or of an old epoch.
    pub fn unwrap_token(&self, token: &str) -> Option<String> {
        let raw = STANDARD.decode(token.trim()).ok()?;
        let raw = String::from_utf8(raw).ok()?;
        let (epoch, radicale) = raw.split_once('\u{1f}')?;
        (epoch.parse::<u32>().ok()? == self.epoch).then(|| radicale.to_string())
    }
}

fn strip_origin(href: &str) -> &str {
    match href.find("://") {
        Some(i) => href[i + 3..].find('/').map_or("/", |j| &href[i + 3 + j..]),
        None => href,
    }
}

/// The calendar id of a client path `/<DSID>/calendars/<cal>/…`.
pub fn calendar_of<'a>(home: &str, path: &'a str) -> Option<&'a str> {
    let rest = path.strip_prefix(home)?;
    let id = rest.split('/').next()?;
    (!id.is_empty()).then_some(id)
}

/// Reshapes a Radicale multistatus into iCloud's: hrefs mapped, sync tokens wrapped, colours as
/// `#RRGGBBAA`, `200` propstats before `404` ones, the home's resourcetype `collection` only,
/// and the shared calendars' owner and privileges those of another DSID's share.
pub fn reshape(ms: &mut Element, map: &Mapping) {
    for el in ms.elements_mut() {
        if el.is(DAV, "sync-token") {
            let token = map.wrap_token(&el.text_content());
            el.set_text(&token);
        } else if el.is(DAV, "response") {
            reshape_response(el, map);
        }
    }
}

fn reshape_response(resp: &mut Element, map: &Mapping) {
    let mut own_href = String::new();
    for el in resp.elements_mut() {
        if el.is(DAV, "href") {
            let mapped = map.client_href(&el.text_content(), true);
            el.set_text(&mapped);
            own_href = mapped;
        }
    }
    let home = map.home();
    let is_home = own_href == home;
    let cal = calendar_of(&home, &own_href).map(str::to_string);
    let is_collection = own_href.ends_with('/');
    let spec = cal
        .as_deref()
        .and_then(layout::calendar)
        .filter(|_| is_collection);
    for propstat in resp.elements_mut().filter(|e| e.is(DAV, "propstat")) {
        for prop in propstat.elements_mut().filter(|e| e.is(DAV, "prop")) {
            // Radicale's own properties (its version) have no place in iCloud's answers.
            prop.children.retain(
                |n| !matches!(n, xml::Node::Element(e) if e.ns == "http://radicale.org/ns/"),
            );
            for p in prop.elements_mut() {
                reshape_prop(p, map, is_home, spec.map(|s| s.kind));
            }
        }
    }
    demote_empty_sources(resp);
    // iCloud lists the found properties first.
    resp.children.sort_by_key(|n| match n {
        xml::Node::Element(e) if e.is(DAV, "propstat") => {
            let status = e
                .find(DAV, "status")
                .map(Element::text_content)
                .unwrap_or_default();
            if status.contains(" 200 ") { 1 } else { 2 }
        }
        xml::Node::Element(e) if e.is(DAV, "href") => 0,
        _ => 3,
    });
}

/// Radicale answers `CS:source` with an empty href on every calendar; iCloud has `source` only
/// on subscribed calendars, so elsewhere it belongs in the `404` propstat.
fn demote_empty_sources(resp: &mut Element) {
    let mut demoted = Vec::new();
    for propstat in resp.elements_mut().filter(|e| e.is(DAV, "propstat")) {
        for prop in propstat.elements_mut().filter(|e| e.is(DAV, "prop")) {
            prop.children.retain(|n| match n {
                xml::Node::Element(e)
                    if e.is(CS, "source")
                        && e.find(DAV, "href")
                            .is_none_or(|h| h.text_content().is_empty()) =>
                {
                    demoted.push(Element::new(CS, "source"));
                    false
                }
                _ => true,
            });
        }
    }
    if demoted.is_empty() {
        return;
    }
    let existing = resp.elements_mut().find(|e| {
        e.is(DAV, "propstat")
            && e.find(DAV, "status")
                .is_some_and(|s| s.text_content().contains(" 404 "))
    });
    match existing.and_then(|ps| ps.elements_mut().find(|e| e.is(DAV, "prop"))) {
        Some(prop) => prop
            .children
            .extend(demoted.into_iter().map(xml::Node::Element)),
        None => {
            let mut prop = Element::new(DAV, "prop");
            prop.children
                .extend(demoted.into_iter().map(xml::Node::Element));
            let ps = Element::new(DAV, "propstat")
                .child(prop)
                .child(Element::new(DAV, "status").text("HTTP/1.1 404 Not Found"));
            resp.children.push(xml::Node::Element(ps));
        }
    }
}

fn reshape_prop(p: &mut Element, map: &Mapping, is_home: bool, kind: Option<Kind>) {
    let sharer = format!("/{}/principal/", layout::SHARER_DSID);
    if p.is(DAV, "sync-token") {
        let token = map.wrap_token(&p.text_content());
        p.set_text(&token);
    } else if p.is(DAV, "displayname") {
        // Radicale names an unnamed collection `alice/<id>`; iCloud would not show the user.
        let prefix = map.radicale_prefix.trim_start_matches('/');
        if let Some(id) = p.text_content().strip_prefix(prefix) {
            let id = id.to_string();
            p.set_text(&id);
        }
    } else if p.is(CALDAV, "supported-calendar-component-set") {
        // iCloud collections hold VEVENT or VTODO, never both; unspecified means events.
        let comps: Vec<String> = p
            .elements()
            .filter_map(|c| c.attr_value("name").map(str::to_string))
            .collect();
        if comps.len() > 1 {
            let only = if comps.iter().all(|c| c == "VTODO") {
                "VTODO"
            } else {
                "VEVENT"
            };
            *p = Element::new(CALDAV, "supported-calendar-component-set")
                .child(Element::new(CALDAV, "comp").attr("name", only));
        }
    } else if p.is(ICAL, "calendar-color") {
        let c = p.text_content();
        if c.len() == 7 && c.starts_with('#') {
            p.set_text(&format!("{c}FF"));
        }
    } else if p.is(DAV, "resourcetype") && is_home {
        p.children
            .retain(|n| !matches!(n, xml::Node::Element(e) if e.is(DAV, "principal")));
    } else if p.is(DAV, "owner") {
        let owner = match kind {
            Some(Kind::SharedReadOnly | Kind::SharedWritable) => sharer,
            _ => map.principal(),
        };
        *p = Element::new(DAV, "owner").child(Element::new(DAV, "href").text(&owner));
    } else if p.is(DAV, "current-user-privilege-set") && kind == Some(Kind::SharedReadOnly) {
        *p = read_only_privileges();
    } else {
        for href in p.elements_mut().filter(|e| e.is(DAV, "href")) {
            let mapped = map.client_href(&href.text_content(), false);
            href.set_text(&mapped);
        }
    }
}

/// The `empty_values_as_none` quirk (vdirsyncer's normalize_meta_value comment): a missing
/// displayname, colour or description comes back in the `200` propstat as the string `None`.
pub fn none_for_missing(ms: &mut Element) {
    let wanted = [
        (DAV, "displayname"),
        (ICAL, "calendar-color"),
        (CALDAV, "calendar-description"),
    ];
    for resp in ms.elements_mut().filter(|e| e.is(DAV, "response")) {
        let mut moved = Vec::new();
        for ps in resp.elements_mut().filter(|e| e.is(DAV, "propstat")) {
            let missing = ps
                .find(DAV, "status")
                .is_some_and(|s| s.text_content().contains(" 404 "));
            if !missing {
                continue;
            }
            for prop in ps.elements_mut().filter(|e| e.is(DAV, "prop")) {
                prop.children.retain(|n| match n {
                    xml::Node::Element(e) if wanted.iter().any(|(ns, n)| e.is(ns, n)) => {
                        moved.push(Element::new(&e.ns, &e.name).text("None"));
                        false
                    }
                    _ => true,
                });
            }
        }
        if moved.is_empty() {
            continue;
        }
        let found = resp.elements_mut().find(|e| {
            e.is(DAV, "propstat")
                && e.find(DAV, "status")
                    .is_some_and(|s| s.text_content().contains(" 200 "))
        });
        match found.and_then(|ps| ps.elements_mut().find(|e| e.is(DAV, "prop"))) {
            Some(prop) => prop
                .children
                .extend(moved.into_iter().map(xml::Node::Element)),
            None => {
                let mut prop = Element::new(DAV, "prop");
                prop.children
                    .extend(moved.into_iter().map(xml::Node::Element));
                let ps = Element::new(DAV, "propstat")
                    .child(prop)
                    .child(Element::new(DAV, "status").text("HTTP/1.1 200 OK"));
                resp.children.insert(1, xml::Node::Element(ps));
            }
        }
        // An emptied 404 propstat would be malformed: drop it.
        resp.children.retain(|n| match n {
            xml::Node::Element(e) if e.is(DAV, "propstat") => {
                e.find(DAV, "prop").is_some_and(|p| !p.children.is_empty())
            }
            _ => true,
        });
    }
}

/// `current-user-privilege-set` of a view-only share.
pub fn read_only_privileges() -> Element {
    Element::new(DAV, "current-user-privilege-set")
        .child(Element::new(DAV, "privilege").child(Element::new(DAV, "read")))
        .child(Element::new(DAV, "privilege").child(Element::new(CALDAV, "read-free-busy")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map() -> Mapping {
        Mapping {
            dsid: "17149682".into(),
            radicale_prefix: "/alice/".into(),
            epoch: 3,
        }
    }

    #[test]
    fn maps_paths_both_ways() {
        let m = map();
        assert_eq!(
            m.to_radicale("/17149682/calendars/home/x.ics").unwrap(),
            "/alice/home/x.ics"
        );
        assert_eq!(
            m.to_radicale("http://127.0.0.1:9/17149682/calendars/home/")
                .unwrap(),
            "/alice/home/"
        );
        assert!(m.to_radicale("/1/calendars/home/").is_none());
        assert_eq!(
            m.client_href("/alice/home/a%40b.ics", true),
            "/17149682/calendars/home/a%40b.ics"
        );
        assert_eq!(m.client_href("/alice/", false), "/17149682/principal/");
    }

    #[test]
    fn tokens_are_opaque_and_expire_with_the_epoch() {
        let m = map();
        let t = m.wrap_token("http://radicale.org/ns/sync/abc");
        assert!(!t.contains("://"));
        assert_eq!(
            m.unwrap_token(&t).unwrap(),
            "http://radicale.org/ns/sync/abc"
        );
        let newer = Mapping { epoch: 4, ..map() };
        assert!(newer.unwrap_token(&t).is_none());
        assert!(m.unwrap_token("http://radicale.org/ns/sync/abc").is_none());
    }
}
