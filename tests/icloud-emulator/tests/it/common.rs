//! Hand-written HTTP requests against the emulator, with a plain reqwest client.

use almanac_icloud_emulator::{Emulator, Options};
use reqwest::header::HeaderMap;
use std::time::Duration;

pub const DSID: &str = "17149682";

#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: String,
}

pub async fn start() -> Emulator {
    Emulator::start(Options::default()).await.unwrap()
}

pub fn client() -> reqwest::Client {
    almanac_icloud_emulator::http_client()
        .timeout(Duration::from_secs(30))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

pub async fn send(
    client: &reqwest::Client,
    method: &str,
    url: &str,
    auth: Option<(&str, &str)>,
    depth: Option<&str>,
    body: &str,
) -> Result<Reply, reqwest::Error> {
    let mut req = client
        .request(reqwest::Method::from_bytes(method.as_bytes()).unwrap(), url)
        .body(body.to_string());
    if let Some((u, p)) = auth {
        req = req.basic_auth(u, Some(p));
    }
    if let Some(d) = depth {
        req = req.header("Depth", d);
    }
    if !body.is_empty() {
        let ct = if body.starts_with("BEGIN:") {
            "text/calendar"
        } else {
            "application/xml"
        };
        req = req.header("Content-Type", ct);
    }
    let resp = req.send().await?;
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let body = resp.text().await?;
    Ok(Reply {
        status,
        headers,
        body,
    })
}

/// The discovery probe (PROPFIND depth 0 for current-user-principal on the entry host's root)
/// with the Apple ID and `password`: the request the auth and fault tests send again and again.
pub async fn probe_as(client: &reqwest::Client, emu: &Emulator, password: &str) -> Reply {
    send(
        client,
        "PROPFIND",
        &emu.entry_url(),
        Some((&emu.apple_id(), password)),
        Some("0"),
        PROPFIND_CUP,
    )
    .await
    .unwrap()
}

/// A request with the emulator's valid credentials.
pub async fn dav(
    emu: &Emulator,
    method: &str,
    url: &str,
    depth: Option<&str>,
    body: &str,
) -> Reply {
    let pw = emu.password();
    send(
        &client(),
        method,
        url,
        Some((&emu.apple_id(), &pw)),
        depth,
        body,
    )
    .await
    .unwrap()
}

pub fn url(base: &str, path: &str) -> String {
    format!("{}{}", base.trim_end_matches('/'), path)
}

pub fn cal_url(emu: &Emulator, cal: &str) -> String {
    format!("{}{cal}/", emu.home_url())
}

pub const PROPFIND_CUP: &str = r#"<?xml version="1.0" encoding="UTF-8"?><d:propfind xmlns:d="DAV:"><d:prop><d:current-user-principal/><d:displayname/></d:prop></d:propfind>"#;

pub const PROPFIND_PRINCIPAL: &str = r#"<?xml version="1.0" encoding="UTF-8"?><d:propfind xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><c:calendar-home-set/><c:calendar-user-address-set/><d:displayname/><d:getetag/></d:prop></d:propfind>"#;

pub const PROPFIND_HOME: &str = r#"<?xml version="1.0" encoding="UTF-8"?><d:propfind xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav" xmlns:cs="http://calendarserver.org/ns/" xmlns:a="http://apple.com/ns/ical/"><d:prop><d:displayname/><d:resourcetype/><a:calendar-color/><a:calendar-order/><cs:getctag/><d:sync-token/><d:owner/><d:current-user-privilege-set/><c:supported-calendar-component-set/><cs:source/></d:prop></d:propfind>"#;

pub fn sync_body(token: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><d:sync-collection xmlns:d="DAV:"><d:sync-token>{token}</d:sync-token><d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>"#
    )
}

pub fn multiget_body(hrefs: &[&str]) -> String {
    let hrefs: String = hrefs
        .iter()
        .map(|h| format!("<d:href>{h}</d:href>"))
        .collect();
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><c:calendar-multiget xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><d:getetag/><c:calendar-data/></d:prop>{hrefs}</c:calendar-multiget>"#
    )
}

pub const QUERY_VEVENT: &str = r#"<?xml version="1.0" encoding="UTF-8"?><c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><d:getetag/></d:prop><c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT"/></c:comp-filter></c:filter></c:calendar-query>"#;

pub const QUERY_NO_FILTER: &str = r#"<?xml version="1.0" encoding="UTF-8"?><c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><d:getetag/></d:prop></c:calendar-query>"#;

pub fn event(uid: &str) -> String {
    format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//EN\r\nBEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20261110T100000Z\r\nDTEND:20261110T110000Z\r\nSUMMARY:{uid}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
}

/// The text between `<tag>` (unprefixed, possibly with attributes) and `</tag>`, first match.
pub fn between(body: &str, tag: &str) -> Option<String> {
    let start = body.find(&format!("<{tag}"))?;
    let open_end = start + body[start..].find('>')? + 1;
    let close = open_end + body[open_end..].find(&format!("</{tag}>"))?;
    Some(body[open_end..close].to_string())
}

/// A request with the emulator's valid credentials and any headers.
pub async fn request(
    emu: &Emulator,
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Reply {
    let mut req = client()
        .request(reqwest::Method::from_bytes(method.as_bytes()).unwrap(), url)
        .basic_auth(emu.apple_id(), Some(emu.password()))
        .body(body.to_string());
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let body = resp.text().await.unwrap();
    Reply {
        status,
        headers,
        body,
    }
}

/// A header of a reply as text.
pub fn header(r: &Reply, name: &str) -> Option<String> {
    r.headers.get(name).map(|v| v.to_str().unwrap().to_string())
}

/// Patches the quirks through the control API, as a test in another process would.
pub async fn patch_quirks(emu: &Emulator, patch: serde_json::Value) {
    let r = client()
        .post(url(&emu.control_url(), "/control/quirks"))
        .json(&patch)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

/// `Content-Type: text/calendar`.
pub const ICS: (&str, &str) = ("Content-Type", "text/calendar; charset=utf-8");
