//! Conditional writes: every PUT and DELETE carries a precondition, so a concurrent change on the
//! server is a 412 and never a silent overwrite.

use crate::error::CaldavError;
use crate::response::unexpected;
use crate::transport::{RawResponse, Request};
use almanac_core::{Etag, Href};
use reqwest::Method;
use reqwest::header::{CONTENT_TYPE, ETAG, HeaderMap, HeaderValue, IF_MATCH, IF_NONE_MATCH};
use url::Url;

fn etag_header(etag: &Etag) -> Result<HeaderValue, CaldavError> {
    HeaderValue::from_str(etag.as_str()).map_err(|_| CaldavError::Protocol {
        url: String::new(),
        status: 0,
        reason: format!("etag {:?} cannot be sent in a header", etag.as_str()),
    })
}

fn put(url: Url, ics: &str, precondition: (reqwest::header::HeaderName, HeaderValue)) -> Request {
    let mut headers = HeaderMap::new();
    // iCloud needs the content type on PUT (lambdabaa/dav #127).
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/calendar; charset=utf-8"),
    );
    headers.insert(precondition.0, precondition.1);
    Request {
        method: Method::PUT,
        url,
        headers,
        body: Some(ics.as_bytes().to_vec()),
    }
}

/// PUT with `If-None-Match: *`: create, never overwrite.
pub fn create_request(url: Url, ics: &str) -> Request {
    put(url, ics, (IF_NONE_MATCH, HeaderValue::from_static("*")))
}

/// PUT with `If-Match`: update only the version we have.
///
/// # Errors
/// [`CaldavError::Protocol`] when the etag has bytes no header can carry.
pub fn update_request(url: Url, ics: &str, etag: &Etag) -> Result<Request, CaldavError> {
    Ok(put(url, ics, (IF_MATCH, etag_header(etag)?)))
}

/// DELETE with `If-Match`.
///
/// # Errors
/// [`CaldavError::Protocol`] when the etag has bytes no header can carry.
pub fn delete_request(url: Url, etag: &Etag) -> Result<Request, CaldavError> {
    let mut headers = HeaderMap::new();
    headers.insert(IF_MATCH, etag_header(etag)?);
    Ok(Request {
        method: Method::DELETE,
        url,
        headers,
        body: None,
    })
}

/// Reads a PUT or DELETE answer: the new etag when the server gave one.
///
/// Servers may omit the `ETag` header on PUT (RFC 4791 §5.3.4 allows it when they changed the
/// data); `None` then means "fetch it again before the next update".
///
/// # Errors
/// [`CaldavError::PreconditionFailed`] carrying `href` for 412; the classified status for other
/// failures (DELETE of a missing resource is [`CaldavError::NotFound`], which callers may treat
/// as done).
pub fn parse_write(response: &RawResponse, href: &Href) -> Result<Option<Etag>, CaldavError> {
    match response.status {
        200..=299 => Ok(response
            .headers
            .get(ETAG)
            .and_then(|v| v.to_str().ok())
            .map(|v| Etag::new(v.trim()))),
        412 => Err(CaldavError::PreconditionFailed {
            href: href.to_string(),
        }),
        _ => Err(unexpected(response)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16, etag: Option<&'static str>) -> RawResponse {
        let mut headers = HeaderMap::new();
        if let Some(e) = etag {
            headers.insert(ETAG, HeaderValue::from_static(e));
        }
        RawResponse {
            url: Url::parse("https://x.example/cal/a.ics").unwrap(),
            status,
            headers,
            body: vec![],
        }
    }

    #[test]
    fn writes_carry_preconditions() {
        let url = Url::parse("https://x.example/cal/a.ics").unwrap();
        let c = create_request(url.clone(), "BEGIN:VCALENDAR");
        assert_eq!(c.headers[IF_NONE_MATCH], "*");
        assert!(
            c.headers[CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with("text/calendar")
        );
        let u = update_request(url.clone(), "x", &Etag::new("\"7\"")).unwrap();
        assert_eq!(u.headers[IF_MATCH], "\"7\"");
        let d = delete_request(url, &Etag::new("\"7\"")).unwrap();
        assert_eq!(d.headers[IF_MATCH], "\"7\"");
        assert_eq!(d.method, Method::DELETE);
    }

    #[test]
    fn answers() {
        let href = Href::new("/cal/a.ics");
        assert_eq!(
            parse_write(&answer(201, Some("\"8\"")), &href).unwrap(),
            Some(Etag::new("\"8\""))
        );
        assert_eq!(parse_write(&answer(204, None), &href).unwrap(), None);
        assert_eq!(
            parse_write(&answer(412, None), &href),
            Err(CaldavError::PreconditionFailed {
                href: "/cal/a.ics".into()
            })
        );
        assert!(matches!(
            parse_write(&answer(404, None), &href),
            Err(CaldavError::NotFound { .. })
        ));
        assert!(matches!(
            parse_write(&answer(403, None), &href),
            Err(CaldavError::Forbidden { .. })
        ));
    }
}
