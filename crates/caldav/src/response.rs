//! Helpers every response parser shares: status checking and href resolution.

use crate::error::{CaldavError, classify, display_url};
use crate::transport::RawResponse;
use crate::xml::{Multistatus, parse_multistatus};
use almanac_core::Href;
use url::Url;

/// Checks for `207` and parses the body.
///
/// # Quirks
/// The response `Content-Type` is not checked: iCloud has been seen to label multistatus bodies
/// `text/plain` (icloud-caldav.md, emulator item 11). The body itself decides; an HTML page
/// fails the root-element check.
///
/// # Errors
/// The classified status for a 4xx/5xx; [`CaldavError::Protocol`] for another status or a body
/// that is not a multistatus.
pub fn expect_multistatus(response: &RawResponse) -> Result<Multistatus, CaldavError> {
    if response.status != 207 {
        return Err(unexpected(response));
    }
    parse_multistatus(&response.body).map_err(|e| protocol(response, e.0))
}

/// The error for a status the caller did not expect.
pub fn unexpected(response: &RawResponse) -> CaldavError {
    if response.status >= 400 {
        classify(
            &response.url,
            response.status,
            &response.headers,
            &response.body,
        )
    } else {
        protocol(response, format!("unexpected status {}", response.status))
    }
}

/// A [`CaldavError::Protocol`] about this response.
pub fn protocol(response: &RawResponse, reason: String) -> CaldavError {
    CaldavError::Protocol {
        url: display_url(&response.url),
        status: response.status,
        reason,
    }
}

/// Resolves an href from a body against the URL that answered.
///
/// # Errors
/// [`CaldavError::Protocol`] when it is no URL at all.
pub fn resolve(response: &RawResponse, href: &str) -> Result<Url, CaldavError> {
    response
        .url
        .join(href.trim())
        .map_err(|e| protocol(response, format!("bad href {href:?}: {e}")))
}

/// The path of an href from a body, or `None` (logged) for one too odd to read: one bad member
/// must not cost the rest of an answer.
pub fn member_path(response: &RawResponse, href: &str) -> Option<Href> {
    match href_path(response, href) {
        Ok(path) => Some(path),
        Err(e) => {
            tracing::warn!(error = %e, "a member with an unreadable href, skipped");
            None
        }
    }
}

/// The path of an href from a body: absolute URLs (Google, some Nextcloud setups) and relative
/// paths both become the percent-encoded path that `Url` produces.
///
/// # Errors
/// [`CaldavError::Protocol`] when it is no URL at all.
pub fn href_path(response: &RawResponse, href: &str) -> Result<Href, CaldavError> {
    resolve(response, href).map(|u| Href::new(u.path()))
}

/// Whether two collection paths name the same collection (a trailing slash is not significant).
pub fn same_collection(a: &str, b: &str) -> bool {
    a.trim_end_matches('/') == b.trim_end_matches('/')
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use reqwest::header::HeaderMap;

    /// Reads a fixture; its first line (an XML comment naming where the shape comes from) stays,
    /// since comments are legal before the root.
    pub fn fixture(name: &str) -> Vec<u8> {
        let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    pub fn fixture_response(url: &str, name: &str) -> RawResponse {
        RawResponse {
            url: Url::parse(url).unwrap(),
            status: 207,
            headers: HeaderMap::new(),
            body: fixture(name),
        }
    }

    #[test]
    fn hrefs_become_paths() {
        let r = fixture_response(
            "https://p12-caldav.icloud.com:443/1/calendars/home/",
            "icloud_current_user_principal.xml",
        );
        assert_eq!(
            href_path(&r, "/1/calendars/home/A%40B.ics")
                .unwrap()
                .as_str(),
            "/1/calendars/home/A%40B.ics"
        );
        assert_eq!(
            href_path(
                &r,
                "https://apidata.googleusercontent.com/caldav/v2/x/events/a.ics"
            )
            .unwrap()
            .as_str(),
            "/caldav/v2/x/events/a.ics"
        );
        assert_eq!(
            href_path(&r, "b.ics").unwrap().as_str(),
            "/1/calendars/home/b.ics"
        );
        assert!(same_collection("/1/calendars/home/", "/1/calendars/home"));
    }
}
