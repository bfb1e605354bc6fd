//! Requests as data, and the one function that sends them.
//!
//! [`Request`] is what the pure builders produce; [`Transport::send`] is the only code that
//! touches the network. It uses one `reqwest::Client` (so connections are pooled and reused),
//! asks for gzip and decodes it, applies timeouts, caps the body size while reading, and follows
//! redirects itself: reqwest's own redirect handling would decide on its own whether the
//! `Authorization` header travels, and we want that decided by [`Scope`] alone.

use crate::auth;
use crate::error::{CaldavError, display_url, parse_retry_after};
use crate::pause::Pauses;
use crate::scope::{Scope, check_url};
use almanac_core::Password;
use reqwest::header::{AUTHORIZATION, CONTENT_LENGTH, HeaderMap, HeaderValue, LOCATION};
use reqwest::{Method, StatusCode};
use std::time::Duration;
use url::Url;

/// Limits on every exchange.
#[derive(Clone, Debug)]
pub struct Limits {
    /// TCP + TLS connect.
    pub connect_timeout: Duration,
    /// Longest silence while reading a response.
    pub read_timeout: Duration,
    /// Longest whole exchange.
    pub total_timeout: Duration,
    /// Largest (decoded) body accepted.
    pub max_body_bytes: usize,
    /// Redirects followed per request.
    pub max_redirects: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            connect_timeout: Duration::from_secs(15),
            read_timeout: Duration::from_secs(60),
            total_timeout: Duration::from_secs(300),
            max_body_bytes: 64 * 1024 * 1024,
            max_redirects: 5,
        }
    }
}

/// A request as the pure builders describe it.
#[derive(Clone, Debug)]
pub struct Request {
    /// PROPFIND, REPORT, PUT, DELETE, ...
    pub method: Method,
    /// Absolute URL.
    pub url: Url,
    /// Extra headers (Depth, If-Match, Content-Type, ...).
    pub headers: HeaderMap,
    /// The body, if any.
    pub body: Option<Vec<u8>>,
}

impl Request {
    /// A PROPFIND or REPORT with an XML body and a Depth header.
    ///
    /// # Quirks
    /// Xandikos answers 415 to a PROPFIND body without `Content-Type: application/xml`, so every
    /// XML request carries it. iCloud answers 400 to a REPORT body with whitespace before the
    /// XML declaration (icloud-caldav.md §3.6), so every builder starts its body with `<?xml`
    /// (checked by `client::tests::request_bodies_start_with_the_declaration`).
    pub fn xml(method: &str, url: Url, depth: &'static str, body: String) -> Request {
        let mut headers = HeaderMap::new();
        headers.insert("Depth", HeaderValue::from_static(depth));
        headers.insert(
            reqwest::header::CONTENT_TYPE,
            HeaderValue::from_static("application/xml; charset=utf-8"),
        );
        // Method names here are constants, always valid tokens.
        let method = Method::from_bytes(method.as_bytes()).unwrap_or(Method::GET);
        Request {
            method,
            url,
            headers,
            body: Some(body.into_bytes()),
        }
    }
}

/// A response with its body read in full.
#[derive(Clone, Debug)]
pub struct RawResponse {
    /// The URL that answered (after redirects).
    pub url: Url,
    /// The HTTP status.
    pub status: u16,
    /// Its headers.
    pub headers: HeaderMap,
    /// The decoded body.
    pub body: Vec<u8>,
}

/// User name and password for Basic auth.
#[derive(Clone, Debug)]
pub struct Credentials {
    /// The user name (the Apple ID for iCloud).
    pub username: String,
    /// The password; its `Debug` prints `[redacted]`.
    pub password: Password,
}

/// The HTTP client (its connection pool), its limits, and the hosts that asked us to wait.
/// Clones share all three: the sync engine gives one to every account's client, so accounts on
/// one host share its connections and its pauses.
#[derive(Clone, Debug)]
pub struct Transport {
    client: reqwest::Client,
    limits: Limits,
    pauses: Pauses,
}

/// Whether redirect targets may be admitted to the credential scope while following them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RedirectScope {
    /// Discovery: a redirect to a partition host (see [`crate::scope::partition_rule`]) is part
    /// of being sent there by discovery.
    Discovery,
    /// Everything else: only already allowed origins get credentials.
    Fixed,
}

impl Transport {
    /// Builds the client, with pauses of its own on the system clock.
    ///
    /// # Errors
    /// [`CaldavError::Setup`] when the TLS configuration cannot be built.
    pub fn new(limits: Limits) -> Result<Transport, CaldavError> {
        Transport::with_pauses(limits, Pauses::default())
    }

    /// Builds the client around `pauses`, which other transports may share.
    ///
    /// # Errors
    /// [`CaldavError::Setup`] when the TLS configuration cannot be built.
    pub fn with_pauses(limits: Limits, pauses: Pauses) -> Result<Transport, CaldavError> {
        if rustls::crypto::CryptoProvider::get_default().is_none() {
            // Another part of the process may have installed one first; either is fine.
            let _ = rustls::crypto::ring::default_provider().install_default();
        }
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .gzip(true)
            .connect_timeout(limits.connect_timeout)
            .read_timeout(limits.read_timeout)
            .timeout(limits.total_timeout)
            .pool_idle_timeout(Duration::from_secs(90))
            .user_agent(concat!("Almanac/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| CaldavError::Setup {
                reason: e.to_string(),
            })?;
        Ok(Transport {
            client,
            limits,
            pauses,
        })
    }

    /// The limits in force.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Sends `request`, following up to `max_redirects` redirects, sending `credentials` only to
    /// origins `scope` allows. Returns whatever final status the server gave; callers classify.
    ///
    /// # Quirks
    /// iCloud's 401 carries two challenges, `Basic` and `X-MobileMe-AuthToken` (realm
    /// `MMCalDav`), as two headers or one comma-joined header in either order; clients that pick
    /// the first scheme break (home-assistant/core #91711). Basic credentials are sent up front,
    /// as tsdav and DAVx5 do, and `WWW-Authenticate` is never read, so the order cannot matter
    /// and a 401 is final: one request, no retry with the same password (test
    /// `icloud_double_challenge_is_unauthorized_in_either_order_and_basic_was_sent`).
    ///
    /// A `429` or `503` with `Retry-After` pauses its host for every clone of this transport
    /// ([`Pauses`]); a request to a paused host is not sent.
    ///
    /// # Errors
    /// [`CaldavError::RateLimited`] without sending, while the host is paused;
    /// [`CaldavError::InvalidUrl`] for a URL (or redirect target) that is not https or loopback
    /// http; [`CaldavError::Offline`] / [`CaldavError::Timeout`] for network failures;
    /// [`CaldavError::Protocol`] for too many redirects, a bad `Location`, or a body over the
    /// size limit or cut short.
    pub async fn send(
        &self,
        request: Request,
        credentials: Option<&Credentials>,
        scope: &mut Scope,
        redirects: RedirectScope,
    ) -> Result<RawResponse, CaldavError> {
        let mut url = request.url.clone();
        for _ in 0..=self.limits.max_redirects {
            check_url(&url)?;
            self.pauses.admit(&url)?;
            let mut builder = self
                .client
                .request(request.method.clone(), url.clone())
                .headers(request.headers.clone());
            if let Some(body) = &request.body {
                builder = builder.body(body.clone());
            }
            if let Some(creds) = credentials.filter(|_| scope.allows(&url)) {
                builder = builder.header(
                    AUTHORIZATION,
                    auth::basic(&creds.username, &creds.password)?,
                );
            }
            let response = builder.send().await.map_err(|e| network_error(&url, &e))?;
            let status = response.status();
            if matches!(status.as_u16(), 429 | 503)
                && let Some(retry_after) = parse_retry_after(response.headers())
            {
                self.pauses.record(&url, status.as_u16(), retry_after);
            }
            if status.is_redirection() && status != StatusCode::NOT_MODIFIED {
                let target = redirect_target(&url, status.as_u16(), response.headers())?;
                tracing::debug!(from = %display_url(&url), to = %display_url(&target), "redirect");
                if redirects == RedirectScope::Discovery {
                    scope.admit(&target);
                }
                url = target;
                continue;
            }
            if status == StatusCode::UNAUTHORIZED && credentials.is_some() && !scope.allows(&url) {
                let port = url.port().map(|p| format!(":{p}")).unwrap_or_default();
                return Err(CaldavError::CredentialsNotSent {
                    host: format!("{}{port}", url.host_str().unwrap_or_default()),
                });
            }
            let headers = response.headers().clone();
            let body = self.read_body(&url, status.as_u16(), response).await?;
            return Ok(RawResponse {
                url,
                status: status.as_u16(),
                headers,
                body,
            });
        }
        Err(CaldavError::Protocol {
            url: display_url(&request.url),
            status: 0,
            reason: format!("more than {} redirects", self.limits.max_redirects),
        })
    }

    async fn read_body(
        &self,
        url: &Url,
        status: u16,
        mut response: reqwest::Response,
    ) -> Result<Vec<u8>, CaldavError> {
        let max = self.limits.max_body_bytes;
        let too_big = || CaldavError::TooLarge {
            url: display_url(url),
            limit: max,
        };
        let declared = response
            .headers()
            .get(CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        // Content-Length is that of the gzip body when compressed; it only bounds the first guess.
        if declared.is_some_and(|n| n > max) && response.headers().get("content-encoding").is_none()
        {
            return Err(too_big());
        }
        let mut body = Vec::with_capacity(declared.unwrap_or(0).min(max));
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    if body.len() + chunk.len() > max {
                        return Err(too_big());
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => return Ok(body),
                Err(e) if e.is_timeout() => {
                    return Err(CaldavError::Timeout {
                        url: display_url(url),
                    });
                }
                Err(e) => {
                    return Err(CaldavError::Protocol {
                        url: display_url(url),
                        status,
                        reason: format!("body cut short or undecodable: {}", error_chain(&e)),
                    });
                }
            }
        }
    }
}

fn redirect_target(url: &Url, status: u16, headers: &HeaderMap) -> Result<Url, CaldavError> {
    let location = headers
        .get(LOCATION)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| CaldavError::Protocol {
            url: display_url(url),
            status,
            reason: "redirect without a usable Location".into(),
        })?;
    url.join(location.trim())
        .map_err(|e| CaldavError::Protocol {
            url: display_url(url),
            status,
            reason: format!("redirect to an invalid Location: {e}"),
        })
}

/// The certificate rustls refused somewhere in `error`'s chain, if that is what failed. rustls's
/// error travels inside an `io::Error`, whose own `source()` skips it, so each link is also
/// opened as an `io::Error`.
fn certificate_problem(error: &(dyn std::error::Error + 'static)) -> Option<String> {
    let mut link = Some(error);
    while let Some(e) = link {
        let tls = e.downcast_ref::<rustls::Error>().or_else(|| {
            e.downcast_ref::<std::io::Error>()
                .and_then(|io| io.get_ref())
                .and_then(|inner| inner.downcast_ref::<rustls::Error>())
        });
        if let Some(rustls::Error::InvalidCertificate(why)) = tls {
            return Some(format!("{why:?}"));
        }
        link = e.source();
    }
    None
}

fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(inner) = source {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        source = inner.source();
    }
    text
}

fn network_error(url: &Url, error: &reqwest::Error) -> CaldavError {
    if error.is_timeout() {
        CaldavError::Timeout {
            url: display_url(url),
        }
    } else if let Some(reason) = certificate_problem(error) {
        CaldavError::Certificate {
            url: display_url(url),
            reason,
        }
    } else {
        CaldavError::Offline {
            url: display_url(url),
            reason: error_chain(error),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_certificate_is_found_inside_io_errors() {
        let refused = rustls::Error::InvalidCertificate(rustls::CertificateError::Expired);
        let wrapped = std::io::Error::other(refused);
        assert_eq!(certificate_problem(&wrapped).as_deref(), Some("Expired"));
        let reset = std::io::Error::from(std::io::ErrorKind::ConnectionReset);
        assert_eq!(certificate_problem(&reset), None);
    }

    #[test]
    fn relative_and_absolute_locations_resolve() {
        let base = Url::parse("https://caldav.icloud.com/.well-known/caldav").unwrap();
        let mut h = HeaderMap::new();
        h.insert(LOCATION, HeaderValue::from_static("/"));
        assert_eq!(
            redirect_target(&base, 301, &h).unwrap().as_str(),
            "https://caldav.icloud.com/"
        );
        h.insert(
            LOCATION,
            HeaderValue::from_static("https://p12-caldav.icloud.com:443/1/"),
        );
        assert_eq!(
            redirect_target(&base, 302, &h).unwrap().as_str(),
            "https://p12-caldav.icloud.com/1/"
        );
        assert!(redirect_target(&base, 302, &HeaderMap::new()).is_err());
    }

    #[test]
    fn credentials_debug_hides_the_password() {
        let c = Credentials {
            username: "a@b.c".into(),
            password: Password::new("abcd-efgh"),
        };
        let shown = format!("{c:?}");
        assert!(!shown.contains("abcd-efgh"), "{shown}");
    }
}
