//! Where credentials may go (design.md §4), as pure functions.
//!
//! Basic credentials go to the account's own origin, and to origins that discovery admitted by
//! [`partition_rule`]: iCloud's `https://pNN-caldav.icloud.com:443` partition hosts when the
//! account starts on an `*.icloud.com` host, or another loopback origin when the account starts
//! on loopback (our iCloud emulator serves entry and partition hosts on two loopback ports).
//! Every other origin, whether reached by redirect or named in a response, gets no credentials.
//! Plain `http://` is refused outright unless the host is loopback.

use crate::error::{CaldavError, display_url};
use std::net::IpAddr;
use url::{Host, Origin, Url};

/// Whether the URL's host is loopback (127.0.0.0/8, ::1, `localhost`).
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        Some(Host::Domain(name)) => {
            name.eq_ignore_ascii_case("localhost")
                || name.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
        }
        None => false,
    }
}

/// Refuses URLs that are not http(s), carry no host, or use plain HTTP off loopback.
///
/// # Errors
/// [`CaldavError::InvalidUrl`] naming the reason.
pub fn check_url(url: &Url) -> Result<(), CaldavError> {
    let refuse = |reason: &str| {
        Err(CaldavError::InvalidUrl {
            url: display_url(url),
            reason: reason.to_string(),
        })
    };
    if url.host().is_none() {
        return refuse("no host");
    }
    match url.scheme() {
        "https" => Ok(()),
        "http" if is_loopback(url) => Ok(()),
        "http" => refuse("plain HTTP is only allowed to loopback; use https"),
        _ => refuse("only http and https are supported"),
    }
}

/// Whether the URL is https on an iCloud host. Mainland China accounts use
/// `caldav.icloud.com.cn` (icloud-caldav.md §1.1, reported once), so that domain counts too.
fn is_icloud_https(url: &Url) -> bool {
    url.scheme() == "https"
        && url.host_str().is_some_and(|h| {
            let h = h.to_ascii_lowercase();
            ["icloud.com", "icloud.com.cn"]
                .iter()
                .any(|d| h == *d || h.strip_suffix(d).is_some_and(|rest| rest.ends_with('.')))
        })
}

/// Whether `target` may be admitted as a partition host of an account that starts at `start`:
/// both `https` on `*.icloud.com`, or both loopback.
pub fn partition_rule(start: &Url, target: &Url) -> bool {
    (is_icloud_https(start) && is_icloud_https(target))
        || (is_loopback(start) && is_loopback(target))
}

/// The set of origins that receive credentials.
#[derive(Clone, Debug)]
pub struct Scope {
    start: Url,
    allowed: Vec<Origin>,
}

impl Scope {
    /// A scope holding just the account's start origin.
    pub fn new(start: Url) -> Self {
        let allowed = vec![start.origin()];
        Scope { start, allowed }
    }

    /// The URL discovery started from.
    pub fn start(&self) -> &Url {
        &self.start
    }

    /// Admits `target`'s origin if [`partition_rule`] allows it; returns whether it is allowed
    /// now.
    pub fn admit(&mut self, target: &Url) -> bool {
        if self.allows(target) {
            return true;
        }
        if partition_rule(&self.start, target) {
            self.allowed.push(target.origin());
            return true;
        }
        false
    }

    /// Whether credentials may be sent to `target`.
    pub fn allows(&self, target: &Url) -> bool {
        let origin = target.origin();
        self.allowed.contains(&origin)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn icloud_partition_hosts_are_admitted_with_explicit_443() {
        let mut scope = Scope::new(u("https://caldav.icloud.com/"));
        assert!(scope.allows(&u("https://caldav.icloud.com:443/123/principal/")));
        assert!(!scope.allows(&u("https://p12-caldav.icloud.com:443/123/calendars/")));
        assert!(scope.admit(&u("https://p12-caldav.icloud.com:443/123/calendars/")));
        assert!(scope.allows(&u("https://p12-caldav.icloud.com/123/calendars/home/")));
        // A different port or scheme is a different origin.
        assert!(!scope.allows(&u("https://p12-caldav.icloud.com:8443/")));
        assert!(!scope.admit(&u("http://p13-caldav.icloud.com/")));
    }

    #[test]
    fn china_partition_hosts_are_icloud_too() {
        let mut scope = Scope::new(u("https://caldav.icloud.com.cn/"));
        assert!(scope.admit(&u("https://p61-caldav.icloud.com.cn:443/1/calendars/")));
        assert!(!scope.admit(&u("https://icloud.com.cn.evil.example/")));
        assert!(!scope.admit(&u("https://xicloud.com.cn/")));
    }

    #[test]
    fn foreign_hosts_never_get_credentials() {
        let mut scope = Scope::new(u("https://caldav.icloud.com/"));
        for target in [
            "https://evil.example/",
            "https://icloud.com.evil.example/",
            "https://evilicloud.com/",
            "http://127.0.0.1:8080/",
        ] {
            assert!(!scope.admit(&u(target)), "{target}");
            assert!(!scope.allows(&u(target)), "{target}");
        }
        let mut fastmail = Scope::new(u("https://caldav.fastmail.com/"));
        assert!(!fastmail.admit(&u("https://p12-caldav.icloud.com/")));
        assert!(!fastmail.admit(&u("https://other.fastmail.com/")));
    }

    #[test]
    fn loopback_partition_only_from_loopback() {
        let mut scope = Scope::new(u("http://127.0.0.1:5001/"));
        assert!(scope.admit(&u("http://127.0.0.1:5002/1/calendars/")));
        assert!(scope.allows(&u("http://127.0.0.1:5002/x")));
        assert!(!scope.admit(&u("https://example.com/")));
        let mut remote = Scope::new(u("https://dav.example.com/"));
        assert!(!remote.admit(&u("http://localhost:5002/")));
    }

    #[test]
    fn plain_http_only_to_loopback() {
        assert!(check_url(&u("http://127.0.0.1:1/")).is_ok());
        assert!(check_url(&u("http://127.8.0.1:1/")).is_ok());
        assert!(check_url(&u("http://[::1]:1/")).is_ok());
        assert!(check_url(&u("http://localhost/")).is_ok());
        assert!(check_url(&u("https://caldav.icloud.com/")).is_ok());
        assert!(matches!(
            check_url(&u("http://caldav.icloud.com/")),
            Err(CaldavError::InvalidUrl { .. })
        ));
        assert!(check_url(&u("ftp://127.0.0.1/")).is_err());
    }
}
