//! What changed in a calendar: RFC 6578 sync-collection, and an etag listing for servers without
//! it.

use crate::error::{CaldavError, display_url, names_valid_sync_token};
use crate::response::{expect_multistatus, member_path, protocol, same_collection, unexpected};
use crate::transport::{RawResponse, Request};
use crate::xml::{Ns, escape};
use almanac_core::{Etag, Href, SyncToken};
use url::Url;

/// One page of a sync-collection answer.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SyncPage {
    /// Members added or changed, with their etag when the server gave it.
    pub changed: Vec<(Href, Option<Etag>)>,
    /// Members removed (404 responses).
    pub deleted: Vec<Href>,
    /// The token to send next.
    pub token: Option<SyncToken>,
    /// Whether the server truncated the result (507 on the collection): ask again with `token`.
    pub truncated: bool,
}

/// The changes since a token, all pages merged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyncDelta {
    /// Members added or changed.
    pub changed: Vec<(Href, Option<Etag>)>,
    /// Members removed.
    pub deleted: Vec<Href>,
    /// The token that covers all of it; store it once the changes are applied.
    pub token: SyncToken,
}

impl Default for SyncDelta {
    fn default() -> Self {
        SyncDelta {
            changed: Vec::new(),
            deleted: Vec::new(),
            token: SyncToken::new(""),
        }
    }
}

impl SyncDelta {
    /// Folds a page into the delta: a later mention of an href replaces an earlier one (within
    /// a page, a deletion wins). One pass over each list per page, so a first sync of many
    /// thousands of members in truncated pages stays linear.
    pub fn absorb(&mut self, page: SyncPage) {
        // `Some(etag)`: changed; `None`: deleted.
        let mut latest: std::collections::HashMap<Href, Option<Option<Etag>>> =
            std::collections::HashMap::with_capacity(page.changed.len() + page.deleted.len());
        let mut order = Vec::with_capacity(page.changed.len() + page.deleted.len());
        let changed = page.changed.into_iter().map(|(h, e)| (h, Some(e)));
        for (href, state) in changed.chain(page.deleted.into_iter().map(|h| (h, None))) {
            if latest.insert(href.clone(), state).is_none() {
                order.push(href);
            }
        }
        self.changed.retain(|(h, _)| !latest.contains_key(h));
        self.deleted.retain(|h| !latest.contains_key(h));
        for href in order {
            match latest.remove(&href) {
                Some(Some(etag)) => self.changed.push((href, etag)),
                Some(None) => self.deleted.push(href),
                None => {}
            }
        }
        if let Some(token) = page.token {
            self.token = token;
        }
    }
}

/// REPORT sync-collection, sync-level 1, asking only for etags (bodies come by multiget).
/// `None` asks for everything (initial sync).
pub fn sync_request(calendar: Url, token: Option<&SyncToken>) -> Request {
    let token = token
        .map(|t| escape(t.as_str()).into_owned())
        .unwrap_or_default();
    let body = format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<d:sync-collection xmlns:d="DAV:"><d:sync-token>{token}</d:sync-token><d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>"#
    );
    Request::xml("REPORT", calendar, "0", body)
}

fn etag_of(r: &crate::xml::Response) -> Option<Etag> {
    r.prop(Ns::Dav, "getetag")
        .map(|e| e.text.trim())
        .filter(|e| !e.is_empty())
        .map(Etag::new)
}

/// Reads one sync-collection page.
///
/// # Quirks
/// Xandikos answers an unknown token with `412` and the `valid-sync-token` condition (fixture
/// `xandikos_invalid_sync_token_412.xml`), where RFC 6578 says 403 or 409; the condition decides.
/// iCloud lists the collection itself among the results (fixture `icloud_sync_collection.xml`);
/// that entry is dropped, and a 507 on it marks truncation (RFC 6578 §3.6). Tokens are opaque
/// base64 on iCloud and URIs elsewhere; both are kept as given.
///
/// # Errors
/// [`CaldavError::InvalidSyncToken`] for 403/409/412 with `DAV:valid-sync-token`, or 410; the
/// answer's classified status otherwise; [`CaldavError::Protocol`] for a malformed body or one
/// without a new sync token.
pub fn parse_sync(response: &RawResponse) -> Result<SyncPage, CaldavError> {
    let invalid_token = match response.status {
        410 => true,
        403 | 409 | 412 => names_valid_sync_token(&response.body),
        _ => false,
    };
    if invalid_token {
        return Err(CaldavError::InvalidSyncToken {
            url: display_url(&response.url),
            status: response.status,
        });
    }
    if response.status != 207 {
        return Err(unexpected(response));
    }
    let ms = expect_multistatus(response)?;
    let collection = response.url.path().to_string();
    let mut page = SyncPage::default();
    for r in &ms.responses {
        for raw in &r.hrefs {
            let Some(href) = member_path(response, raw) else {
                continue;
            };
            if same_collection(href.as_str(), &collection) {
                page.truncated |= r.status == Some(507);
                continue;
            }
            match r.status {
                Some(404) => page.deleted.push(href),
                Some(507) => page.truncated = true,
                Some(s) if !(200..300).contains(&s) => {
                    tracing::info!(%href, status = s, "sync-collection member with odd status, ignored");
                }
                _ if r
                    .prop(Ns::Dav, "resourcetype")
                    .is_some_and(|t| t.has_child(Ns::Dav, "collection")) => {}
                _ => page.changed.push((href, etag_of(r))),
            }
        }
    }
    match ms.sync_token.filter(|t| !t.is_empty()) {
        Some(t) => page.token = Some(SyncToken::new(t)),
        None => {
            return Err(protocol(
                response,
                "sync-collection answer without a sync-token".into(),
            ));
        }
    }
    Ok(page)
}

const ETAG_BODY: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<d:propfind xmlns:d="DAV:"><d:prop><d:getetag/><d:resourcetype/></d:prop></d:propfind>"#;

/// PROPFIND depth 1 for every member's etag.
pub fn etag_request(calendar: Url) -> Request {
    Request::xml("PROPFIND", calendar, "1", ETAG_BODY.to_string())
}

/// Reads an etag listing: every member that is not a collection, with its etag.
///
/// # Errors
/// The answer's classified status, or [`CaldavError::Protocol`] for a malformed body.
pub fn parse_etags(response: &RawResponse) -> Result<Vec<(Href, Etag)>, CaldavError> {
    let ms = expect_multistatus(response)?;
    let collection = response.url.path().to_string();
    let mut out = Vec::new();
    for r in &ms.responses {
        let Some(href) = r.hrefs.first().and_then(|raw| member_path(response, raw)) else {
            continue;
        };
        let is_collection = r
            .prop(Ns::Dav, "resourcetype")
            .is_some_and(|t| t.has_child(Ns::Dav, "collection"));
        if same_collection(href.as_str(), &collection) || is_collection {
            continue;
        }
        match etag_of(r) {
            Some(etag) => out.push((href, etag)),
            None => tracing::info!(%href, "member without an etag, ignored"),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::response::tests::fixture_response;
    use reqwest::header::HeaderMap;

    const CAL: &str = "https://p12-caldav.icloud.com:443/17149682/calendars/home/";

    #[test]
    fn icloud_sync_drops_the_collection_entry() {
        let page = parse_sync(&fixture_response(CAL, "icloud_sync_collection.xml")).unwrap();
        assert_eq!(page.changed.len(), 2);
        assert_eq!(
            page.changed[0].0.as_str(),
            "/17149682/calendars/home/6D4B1A5E-0E1E-4A5C-9E1F-2B1B8A1C2D3E.ics"
        );
        assert_eq!(page.changed[0].1.as_ref().unwrap().as_str(), "\"mj9g5sbe\"");
        assert_eq!(
            page.deleted,
            vec![Href::new("/17149682/calendars/home/gone%40example.com.ics")]
        );
        assert_eq!(
            page.token.unwrap().as_str(),
            "HwoQEgwAAAh4yw8ZAAAAAAAAAAAYAhgAIhUIh5HFqPWX2/TBARDL6PvI7K3kuesBKAA="
        );
        assert!(!page.truncated);
    }

    #[test]
    fn truncated_page_is_flagged() {
        let r = fixture_response("https://dav.example.com/cal/", "rfc6578_truncated.xml");
        let page = parse_sync(&r).unwrap();
        assert!(page.truncated);
        assert_eq!(page.changed.len(), 1);
        assert_eq!(
            page.token.unwrap().as_str(),
            "http://example.com/ns/sync/1234"
        );
    }

    #[test]
    fn invalid_token_in_all_its_forms() {
        let url = Url::parse(CAL).unwrap();
        let body = br#"<?xml version="1.0" encoding="UTF-8"?><error xmlns="DAV:"><valid-sync-token/></error>"#;
        for (status, body) in [(403, &body[..]), (409, &body[..]), (410, &b""[..])] {
            let r = RawResponse {
                url: url.clone(),
                status,
                headers: HeaderMap::new(),
                body: body.to_vec(),
            };
            assert!(
                matches!(parse_sync(&r), Err(CaldavError::InvalidSyncToken { .. })),
                "{status}"
            );
        }
        let r = RawResponse {
            url,
            status: 403,
            headers: HeaderMap::new(),
            body: vec![],
        };
        assert!(matches!(parse_sync(&r), Err(CaldavError::Forbidden { .. })));
    }

    #[test]
    fn missing_token_is_protocol() {
        let r = fixture_response(CAL, "icloud_current_user_principal.xml");
        assert!(matches!(parse_sync(&r), Err(CaldavError::Protocol { .. })));
    }

    #[test]
    fn delta_keeps_the_last_word() {
        let mut d = SyncDelta::default();
        let h = |s: &str| Href::new(s);
        d.absorb(SyncPage {
            changed: vec![(h("/a"), None), (h("/b"), None)],
            deleted: vec![],
            token: Some(SyncToken::new("1")),
            truncated: true,
        });
        d.absorb(SyncPage {
            changed: vec![(h("/c"), None)],
            deleted: vec![h("/a")],
            token: Some(SyncToken::new("2")),
            truncated: false,
        });
        assert_eq!(d.changed, vec![(h("/b"), None), (h("/c"), None)]);
        assert_eq!(d.deleted, vec![h("/a")]);
        assert_eq!(d.token.as_str(), "2");
    }

    #[test]
    fn a_member_changed_again_or_deleted_and_back_keeps_one_entry() {
        let mut d = SyncDelta::default();
        let h = |s: &str| Href::new(s);
        let e = |s: &str| Some(Etag::new(s));
        d.absorb(SyncPage {
            changed: vec![(h("/a"), e("1")), (h("/a"), e("2")), (h("/b"), e("1"))],
            deleted: vec![h("/c"), h("/c")],
            token: Some(SyncToken::new("1")),
            truncated: true,
        });
        assert_eq!(d.changed, vec![(h("/a"), e("2")), (h("/b"), e("1"))]);
        d.absorb(SyncPage {
            changed: vec![(h("/c"), e("3"))],
            deleted: vec![h("/b")],
            token: Some(SyncToken::new("2")),
            truncated: false,
        });
        assert_eq!(d.changed, vec![(h("/a"), e("2")), (h("/c"), e("3"))]);
        assert_eq!(d.deleted, vec![h("/b")]);
    }

    #[test]
    fn nextcloud_sync_with_uri_token() {
        let r = fixture_response(
            "https://cloud.example.com/remote.php/dav/calendars/alice/personal/",
            "nextcloud_sync_collection.xml",
        );
        let page = parse_sync(&r).unwrap();
        assert_eq!(page.changed.len(), 1);
        assert_eq!(
            page.changed[0].1.as_ref().unwrap().as_str(),
            "\"4f3c2b1a0e9d8c7b6a5f4e3d2c1b0a99\""
        );
        assert_eq!(
            page.deleted,
            vec![Href::new(
                "/remote.php/dav/calendars/alice/personal/removed.ics"
            )]
        );
        assert_eq!(page.token.unwrap().as_str(), "http://sabre.io/ns/sync/13");
    }

    #[test]
    fn fastmail_etag_listing() {
        let r = fixture_response(
            "https://caldav.fastmail.com/dav/calendars/user/alice@fastmail.com/Default/",
            "fastmail_etag_listing.xml",
        );
        let etags = parse_etags(&r).unwrap();
        assert_eq!(etags.len(), 2);
        assert_eq!(etags[0].1.as_str(), "\"e1f2c3\"");
    }

    #[test]
    fn sync_body_escapes_the_token() {
        let r = sync_request(Url::parse(CAL).unwrap(), Some(&SyncToken::new("a<b&c")));
        let body = String::from_utf8(r.body.unwrap()).unwrap();
        assert!(
            body.contains("<d:sync-token>a&lt;b&amp;c</d:sync-token>"),
            "{body}"
        );
        let empty = sync_request(Url::parse(CAL).unwrap(), None);
        assert!(
            String::from_utf8(empty.body.unwrap())
                .unwrap()
                .contains("<d:sync-token></d:sync-token>")
        );
    }
}
