//! Calendar feeds: an `.ics` file at a `webcal://` or `https://` address (a holiday or sports
//! calendar, a school's, iCloud's subscribed calendars' `source`), fetched with a plain GET.
//!
//! A feed is not an account's server, so no credential ever goes with it: [`FeedClient`] holds
//! none, and its redirects are followed by [`Transport::send`] without one, so an account's
//! password cannot reach a feed however the feed's address or its redirects are spelled. Each
//! fetch is conditional (`If-None-Match` with the last `ETag`, `If-Modified-Since` with the last
//! `Last-Modified`), so an unchanged feed costs a `304` and no body; bodies come gzip-encoded
//! when the server can, and are bounded by [`MAX_FEED_BYTES`] once decoded.

use crate::error::{CaldavError, classify, display_url};
use crate::scope::{Scope, check_url};
use crate::transport::{Limits, RawResponse, RedirectScope, Request, Transport};
use reqwest::Method;
use reqwest::header::{
    ACCEPT, ETAG, HeaderMap, HeaderValue, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED,
};
use url::Url;

/// The largest feed read, decoded: the same bound as a whole `.ics` file on disk
/// (`almanac_ical::MAX_FILE_BYTES`, which this crate cannot name), so what is fetched can be
/// read.
pub const MAX_FEED_BYTES: usize = 16 * 1024 * 1024;

/// What a feed's server said about the version it sent, to ask next time whether it changed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Validators {
    /// `ETag`, exactly as sent (quotes and `W/` included).
    pub etag: Option<String>,
    /// `Last-Modified`, exactly as sent.
    pub last_modified: Option<String>,
}

/// The answer to one fetch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FeedAnswer {
    /// `304`: the feed has not changed since the version the validators name.
    NotModified,
    /// A new copy of the feed.
    Changed {
        /// The body as text. Feeds are UTF-8 (RFC 5545 §3.1.4); bytes that are not are replaced
        /// (U+FFFD), so one odd character never costs a whole calendar.
        text: String,
        /// What to send next time.
        validators: Validators,
    },
}

/// The address of a feed as the user or a server wrote it, made fetchable: `webcal://` and
/// `webcals://` (the scheme calendar apps register for "subscribe") become `https://`, as
/// Apple Calendar fetches them; surrounding space is dropped.
///
/// # Errors
/// [`CaldavError::InvalidUrl`] for text that is no URL, a scheme other than webcal(s) and
/// http(s), plain `http://` off loopback (design.md §4: HTTPS only), or an address with a user
/// name or password in it (which would be stored, and secrets are never stored).
pub fn feed_url(text: &str) -> Result<Url, CaldavError> {
    let text = text.trim();
    let refuse = |reason: &str| CaldavError::InvalidUrl {
        url: text.to_string(),
        reason: reason.to_string(),
    };
    let (scheme, rest) = text
        .split_once("://")
        .ok_or_else(|| refuse("not an address; feeds start with webcal:// or https://"))?;
    let url = match scheme.to_ascii_lowercase().as_str() {
        "webcal" | "webcals" | "https" => Url::parse(&format!("https://{rest}")),
        "http" => Url::parse(&format!("http://{rest}")),
        _ => return Err(refuse("feeds start with webcal:// or https://")),
    }
    .map_err(|e| refuse(&e.to_string()))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(CaldavError::InvalidUrl {
            url: display_url(&url),
            reason: "addresses with a user name or password in them are not supported".into(),
        });
    }
    check_url(&url)?;
    Ok(url)
}

/// The conditional GET of a feed.
pub fn feed_request(url: Url, validators: &Validators) -> Request {
    let mut headers = HeaderMap::new();
    headers.insert(
        ACCEPT,
        HeaderValue::from_static("text/calendar, text/plain;q=0.5, */*;q=0.1"),
    );
    let header = |v: &Option<String>| v.as_deref().and_then(|v| HeaderValue::from_str(v).ok());
    if let Some(etag) = header(&validators.etag) {
        headers.insert(IF_NONE_MATCH, etag);
    }
    if let Some(date) = header(&validators.last_modified) {
        headers.insert(IF_MODIFIED_SINCE, date);
    }
    Request {
        method: Method::GET,
        url,
        headers,
        body: None,
    }
}

/// Reads the answer to [`feed_request`].
///
/// # Errors
/// The classified status for anything but `200` and `304` (a `404` is
/// [`CaldavError::NotFound`], a `500` [`CaldavError::Server`]).
pub fn parse_feed(response: &RawResponse) -> Result<FeedAnswer, CaldavError> {
    match response.status {
        304 => Ok(FeedAnswer::NotModified),
        200 => {
            let header = |name| {
                response
                    .headers
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string)
            };
            Ok(FeedAnswer::Changed {
                text: String::from_utf8_lossy(&response.body).into_owned(),
                validators: Validators {
                    etag: header(ETAG),
                    last_modified: header(LAST_MODIFIED),
                },
            })
        }
        status if status >= 300 => Err(classify(
            &response.url,
            status,
            &response.headers,
            &response.body,
        )),
        status => Err(CaldavError::Protocol {
            url: display_url(&response.url),
            status,
            reason: "unexpected status for a feed".into(),
        }),
    }
}

/// Fetches feeds: a transport with no credentials and a body bound of at most
/// [`MAX_FEED_BYTES`].
#[derive(Clone, Debug)]
pub struct FeedClient {
    transport: Transport,
}

impl FeedClient {
    /// A client with `limits`, its body bound lowered to [`MAX_FEED_BYTES`] if it is higher.
    ///
    /// # Errors
    /// [`CaldavError::Setup`] when the HTTP client cannot be built.
    pub fn new(mut limits: Limits) -> Result<FeedClient, CaldavError> {
        limits.max_body_bytes = limits.max_body_bytes.min(MAX_FEED_BYTES);
        Ok(FeedClient {
            transport: Transport::new(limits)?,
        })
    }

    /// One conditional GET of the feed at `url`, following redirects (never with credentials:
    /// this client has none).
    ///
    /// # Errors
    /// [`CaldavError::Offline`], [`CaldavError::Timeout`], [`CaldavError::Certificate`] when the
    /// server cannot be reached or trusted; [`CaldavError::TooLarge`] above the bound;
    /// [`CaldavError::InvalidUrl`] for a redirect to plain HTTP off loopback; the classified
    /// status otherwise.
    pub async fn fetch(
        &self,
        url: &Url,
        validators: &Validators,
    ) -> Result<FeedAnswer, CaldavError> {
        let mut scope = Scope::new(url.clone());
        let answer = self
            .transport
            .send(
                feed_request(url.clone(), validators),
                None,
                &mut scope,
                RedirectScope::Fixed,
            )
            .await?;
        parse_feed(&answer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn webcal_addresses_become_https_and_secrets_are_refused() {
        let url = |t: &str| feed_url(t).map(|u| u.to_string());
        assert_eq!(
            url(" webcal://p12-calendars.icloud.com/holiday/US_en.ics ").unwrap(),
            "https://p12-calendars.icloud.com/holiday/US_en.ics"
        );
        assert_eq!(
            url("WEBCALS://example.com/a.ics").unwrap(),
            "https://example.com/a.ics"
        );
        assert_eq!(
            url("https://example.com/a.ics?x=1").unwrap(),
            "https://example.com/a.ics?x=1"
        );
        assert_eq!(
            url("http://127.0.0.1:8080/a.ics").unwrap(),
            "http://127.0.0.1:8080/a.ics"
        );
        for refused in [
            "http://example.com/a.ics",
            "ftp://example.com/a.ics",
            "example.com/a.ics",
            "https://alice:secret@example.com/a.ics",
            "webcal://",
        ] {
            let err = feed_url(refused).unwrap_err();
            assert!(matches!(err, CaldavError::InvalidUrl { .. }), "{refused}");
            assert!(!err.to_string().contains("secret"), "{err}");
        }
    }

    #[test]
    fn the_request_is_conditional_on_what_the_server_said() {
        let url = Url::parse("https://example.com/a.ics").unwrap();
        let fresh = feed_request(url.clone(), &Validators::default());
        assert_eq!(fresh.method, Method::GET);
        assert!(fresh.headers.get(IF_NONE_MATCH).is_none());
        let again = feed_request(
            url,
            &Validators {
                etag: Some("W/\"abc\"".into()),
                last_modified: Some("Tue, 01 Dec 2026 08:00:00 GMT".into()),
            },
        );
        assert_eq!(again.headers[IF_NONE_MATCH], "W/\"abc\"");
        assert_eq!(
            again.headers[IF_MODIFIED_SINCE],
            "Tue, 01 Dec 2026 08:00:00 GMT"
        );
        assert!(again.body.is_none());
    }

    fn answer(status: u16, headers: &[(&'static str, &str)], body: &[u8]) -> RawResponse {
        let mut map = HeaderMap::new();
        for (k, v) in headers {
            map.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        RawResponse {
            url: Url::parse("https://example.com/a.ics").unwrap(),
            status,
            headers: map,
            body: body.to_vec(),
        }
    }

    #[test]
    fn answers_are_read_as_changed_unchanged_or_classified() {
        assert_eq!(
            parse_feed(&answer(304, &[], b"")).unwrap(),
            FeedAnswer::NotModified
        );
        let changed = parse_feed(&answer(
            200,
            &[
                ("etag", "\"v2\""),
                ("last-modified", "Tue, 01 Dec 2026 08:00:00 GMT"),
            ],
            b"BEGIN:VCALENDAR\r\nX-WR-CALNAME:Caf\xe9\r\nEND:VCALENDAR\r\n",
        ))
        .unwrap();
        let FeedAnswer::Changed { text, validators } = changed else {
            panic!("{changed:?}")
        };
        assert!(
            text.contains("Caf\u{fffd}"),
            "a stray Latin-1 byte is replaced"
        );
        assert_eq!(validators.etag.as_deref(), Some("\"v2\""));
        assert!(matches!(
            parse_feed(&answer(500, &[], b"oops")),
            Err(CaldavError::Server { status: 500, .. })
        ));
        assert!(matches!(
            parse_feed(&answer(404, &[], b"")),
            Err(CaldavError::NotFound { .. })
        ));
        assert!(matches!(
            parse_feed(&answer(204, &[], b"")),
            Err(CaldavError::Protocol { .. })
        ));
    }
}
