//! Every failure, classified by what the caller can do about it (design.md §3).
//!
//! The classification of an HTTP answer is a pure function, [`classify`], so that it is tested
//! on status, headers and body alone. URLs in errors never carry user info, and nothing here
//! ever holds the password.

use crate::xml::{Ns, parse_error_conditions};
use reqwest::header::{HeaderMap, RETRY_AFTER};
use std::time::{Duration, SystemTime};
use url::Url;

/// What the server said about when to come back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RetryAfter {
    /// `Retry-After: <seconds>`.
    Delay(Duration),
    /// `Retry-After: <HTTP-date>`; the caller compares it with its own clock.
    At(SystemTime),
}

/// A classified CalDAV failure.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CaldavError {
    /// 401: the server refused the credentials. On iCloud a wrong, revoked or main Apple ID
    /// password all look alike. Retrying with the same password cannot succeed.
    #[error("{url}: the server refused the credentials (401)")]
    Unauthorized {
        /// The request URL.
        url: String,
    },
    /// 401 from a host that never received the credentials: a calendar home or redirect on an
    /// origin the account's credentials do not go to. The password may be fine; the account's
    /// setup points where Almanac will not send it. Never a revocation.
    #[error("{host} asks for a password, but Almanac only sends it to the account's own server")]
    CredentialsNotSent {
        /// The host that asked.
        host: String,
    },
    /// 403 (without a sync-token condition): no permission for this resource, e.g. a read-only
    /// shared calendar or a UID already used elsewhere on iCloud. The account is fine.
    #[error("{url}: forbidden ({status})")]
    Forbidden {
        /// The request URL.
        url: String,
        /// The HTTP status.
        status: u16,
    },
    /// 404 or 410 outside sync: the resource or collection is not there (any more).
    #[error("{url}: not found ({status})")]
    NotFound {
        /// The request URL.
        url: String,
        /// The HTTP status.
        status: u16,
    },
    /// 412: the resource changed on the server since its etag was read (or already exists, on
    /// create). Fetch it again and decide; never overwrite blindly.
    #[error("{href}: precondition failed (412), the resource changed on the server")]
    PreconditionFailed {
        /// The resource's path.
        href: String,
    },
    /// The sync token is no longer valid (403/409 with `DAV:valid-sync-token`, or 410): sync the
    /// calendar again from an empty token, keeping local data.
    #[error("{url}: the sync token is no longer valid ({status})")]
    InvalidSyncToken {
        /// The collection URL.
        url: String,
        /// The HTTP status.
        status: u16,
    },
    /// 429, or 503 with `Retry-After`: the server asks us to wait.
    #[error("{url}: rate limited ({status}), retry after {retry_after:?}")]
    RateLimited {
        /// The request URL.
        url: String,
        /// The HTTP status.
        status: u16,
        /// What the server advertised, if anything (iCloud's is often too short).
        retry_after: Option<RetryAfter>,
    },
    /// Any other 4xx/5xx answer: a server fault or a request this server does not support.
    #[error("{url}: server error ({status})")]
    Server {
        /// The request URL.
        url: String,
        /// The HTTP status.
        status: u16,
    },
    /// The server could not be reached: DNS, connection refused or reset, TLS handshake.
    #[error("{url}: cannot reach the server: {reason}")]
    Offline {
        /// The request URL.
        url: String,
        /// What failed, for logs.
        reason: String,
    },
    /// The server's TLS certificate was refused: expired, self-signed, or issued for another
    /// name. The network works; the server (or something between) is not who it says it is, so
    /// nothing is sent to it.
    #[error("{url}: the server's certificate was refused: {reason}")]
    Certificate {
        /// The request URL.
        url: String,
        /// What was wrong with it.
        reason: String,
    },
    /// The connection or a read took longer than the configured timeout. Not a credential
    /// problem.
    #[error("{url}: timed out")]
    Timeout {
        /// The request URL.
        url: String,
    },
    /// The answer made no sense: malformed, truncated, oversized or non-UTF-8 body, an HTML
    /// page where XML was due, an unexpected status, too many redirects.
    #[error("{url}: invalid response ({status}): {reason}")]
    Protocol {
        /// The request URL.
        url: String,
        /// The HTTP status of the answer.
        status: u16,
        /// What was wrong.
        reason: String,
    },
    /// The answer was larger than the configured bound. Asking for less (a smaller multiget
    /// batch) may work; the same request will fail the same way.
    #[error("{url}: the answer is larger than {limit} bytes")]
    TooLarge {
        /// The request URL.
        url: String,
        /// The bound it exceeded.
        limit: usize,
    },
    /// The URL cannot be used: not http(s), unparseable, or plain HTTP to a host that is not
    /// loopback (credentials would travel in clear text). Fix the account's URL.
    #[error("{url}: unusable URL: {reason}")]
    InvalidUrl {
        /// The URL as given, without user info.
        url: String,
        /// Why it was refused.
        reason: String,
    },
    /// The HTTP client could not be set up (TLS roots, for instance).
    #[error("cannot set up the HTTP client: {reason}")]
    Setup {
        /// What failed.
        reason: String,
    },
}

impl CaldavError {
    /// Whether retrying later could help (everything but credentials, permissions, bad URLs and
    /// conflicts).
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            CaldavError::RateLimited { .. }
                | CaldavError::Server { .. }
                | CaldavError::Offline { .. }
                | CaldavError::Timeout { .. }
                | CaldavError::Protocol { .. }
                | CaldavError::TooLarge { .. }
        )
    }
}

/// A URL as errors and logs show it: no user name, no password.
pub fn display_url(url: &Url) -> String {
    let mut shown = url.clone();
    let _ = shown.set_username("");
    let _ = shown.set_password(None);
    shown.to_string()
}

/// Parses `Retry-After` as delta-seconds or an HTTP-date.
pub fn parse_retry_after(headers: &HeaderMap) -> Option<RetryAfter> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(RetryAfter::Delay(Duration::from_secs(seconds)));
    }
    httpdate::parse_http_date(value).ok().map(RetryAfter::At)
}

/// Whether a `DAV:error` body names the `valid-sync-token` precondition.
pub fn names_valid_sync_token(body: &[u8]) -> bool {
    parse_error_conditions(body)
        .iter()
        .any(|(ns, name)| *ns == Ns::Dav && name == "valid-sync-token")
}

/// Classifies a non-success answer. A 412 carries the URL's path as the href.
pub fn classify(url: &Url, status: u16, headers: &HeaderMap, body: &[u8]) -> CaldavError {
    let shown = display_url(url);
    match status {
        401 => CaldavError::Unauthorized { url: shown },
        403 | 409 if names_valid_sync_token(body) => {
            CaldavError::InvalidSyncToken { url: shown, status }
        }
        403 => CaldavError::Forbidden { url: shown, status },
        404 | 410 => CaldavError::NotFound { url: shown, status },
        412 => CaldavError::PreconditionFailed {
            href: url.path().to_string(),
        },
        429 => CaldavError::RateLimited {
            url: shown,
            status,
            retry_after: parse_retry_after(headers),
        },
        503 => match parse_retry_after(headers) {
            Some(retry_after) => CaldavError::RateLimited {
                url: shown,
                status,
                retry_after: Some(retry_after),
            },
            None => CaldavError::Server { url: shown, status },
        },
        400..=599 => CaldavError::Server { url: shown, status },
        _ => CaldavError::Protocol {
            url: shown,
            status,
            reason: "unexpected status".into(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn url() -> Url {
        Url::parse("https://alice:hunter2@p12-caldav.icloud.com:443/1/calendars/home/").unwrap()
    }

    #[test]
    fn urls_in_errors_carry_no_user_info() {
        let e = classify(&url(), 401, &HeaderMap::new(), b"");
        let shown = format!("{e} {e:?}");
        assert!(
            !shown.contains("hunter2") && !shown.contains("alice"),
            "{shown}"
        );
        assert!(matches!(e, CaldavError::Unauthorized { .. }));
    }

    #[test]
    fn statuses_map_to_their_class() {
        let h = HeaderMap::new();
        let token = br#"<error xmlns="DAV:"><valid-sync-token/></error>"#;
        assert!(matches!(
            classify(&url(), 403, &h, token),
            CaldavError::InvalidSyncToken { .. }
        ));
        assert!(matches!(
            classify(&url(), 409, &h, token),
            CaldavError::InvalidSyncToken { .. }
        ));
        assert!(matches!(
            classify(&url(), 403, &h, b""),
            CaldavError::Forbidden { .. }
        ));
        assert!(matches!(
            classify(&url(), 409, &h, b""),
            CaldavError::Server { status: 409, .. }
        ));
        assert!(matches!(
            classify(&url(), 404, &h, b""),
            CaldavError::NotFound { .. }
        ));
        assert!(matches!(
            classify(&url(), 500, &h, b"<html/>"),
            CaldavError::Server { .. }
        ));
        assert!(matches!(
            classify(&url(), 503, &h, b""),
            CaldavError::Server { status: 503, .. }
        ));
        assert_eq!(
            classify(&url(), 412, &h, b""),
            CaldavError::PreconditionFailed {
                href: "/1/calendars/home/".into()
            }
        );
    }

    #[test]
    fn retry_after_as_seconds_or_date() {
        let mut h = HeaderMap::new();
        h.insert(RETRY_AFTER, HeaderValue::from_static("7"));
        assert_eq!(
            classify(&url(), 503, &h, b""),
            CaldavError::RateLimited {
                url: "https://p12-caldav.icloud.com/1/calendars/home/".into(),
                status: 503,
                retry_after: Some(RetryAfter::Delay(Duration::from_secs(7))),
            }
        );
        h.insert(
            RETRY_AFTER,
            HeaderValue::from_static("Sun, 06 Nov 1994 08:49:37 GMT"),
        );
        let e = classify(&url(), 429, &h, b"");
        let at = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777);
        assert!(
            matches!(e, CaldavError::RateLimited { retry_after: Some(RetryAfter::At(t)), .. } if t == at)
        );
        h.insert(RETRY_AFTER, HeaderValue::from_static("soon"));
        assert!(matches!(
            classify(&url(), 429, &h, b""),
            CaldavError::RateLimited {
                retry_after: None,
                ..
            }
        ));
    }
}
