//! Hosts that asked us to wait. A `503` or `429` with `Retry-After` is the server speaking
//! about itself, not about one request or one account: until the time it named, no request
//! goes to that host (scheme, host and port) from any client sharing these [`Pauses`]; each is
//! refused at once with [`CaldavError::RateLimited`] naming when the pause ends.
//!
//! The clock is an input, so tests and the sync engine (whose clock tests pin) decide what
//! "now" is; the longest pause honoured is capped, as a server asking for a day is.

use crate::error::{CaldavError, RetryAfter, display_url};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};
use url::Url;

/// The current time, as pauses see it.
pub type PauseClock = Arc<dyn Fn() -> SystemTime + Send + Sync>;

/// Until when each host asked us to wait, shared by every clone (and so by every client and
/// account that holds one).
#[derive(Clone)]
pub struct Pauses {
    until: Arc<Mutex<HashMap<String, Pause>>>,
    clock: PauseClock,
    cap: Duration,
}

#[derive(Clone, Copy, Debug)]
struct Pause {
    until: SystemTime,
    status: u16,
}

impl std::fmt::Debug for Pauses {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pauses").field("cap", &self.cap).finish()
    }
}

impl Default for Pauses {
    /// The system clock, and pauses of at most two hours.
    fn default() -> Self {
        Pauses::new(Arc::new(SystemTime::now), Duration::from_secs(2 * 60 * 60))
    }
}

/// The key of a URL's host: its origin, so that iCloud's entry host and each partition host
/// (and the emulator's loopback ports) pause apart.
fn host_of(url: &Url) -> String {
    url.origin().ascii_serialization()
}

impl Pauses {
    /// Pauses on `clock`, none longer than `cap`.
    pub fn new(clock: PauseClock, cap: Duration) -> Pauses {
        Pauses {
            until: Arc::default(),
            clock,
            cap,
        }
    }

    /// Refuses a request to a host that asked us to wait and whose wait is not over.
    ///
    /// # Errors
    /// [`CaldavError::RateLimited`] with the status the host sent and when its pause ends.
    pub fn admit(&self, url: &Url) -> Result<(), CaldavError> {
        let now = (self.clock)();
        let mut map = self.until.lock().unwrap_or_else(PoisonError::into_inner);
        match map.get(&host_of(url)).copied() {
            Some(pause) if pause.until > now => Err(CaldavError::RateLimited {
                url: display_url(url),
                status: pause.status,
                retry_after: Some(RetryAfter::At(pause.until)),
            }),
            Some(_) => {
                map.remove(&host_of(url));
                Ok(())
            }
            None => Ok(()),
        }
    }

    /// The host of `url` answered `status` with `Retry-After`: nothing goes there until then
    /// (capped). A later, longer request extends the pause; a shorter one never shortens it.
    pub fn record(&self, url: &Url, status: u16, retry_after: RetryAfter) {
        let now = (self.clock)();
        let asked = match retry_after {
            RetryAfter::Delay(d) => d,
            RetryAfter::At(at) => at.duration_since(now).unwrap_or_default(),
        };
        let until = now + asked.min(self.cap);
        tracing::warn!(host = %host_of(url), seconds = asked.min(self.cap).as_secs(), "the server asked us to wait; every request to it pauses");
        let mut map = self.until.lock().unwrap_or_else(PoisonError::into_inner);
        let pause = map.entry(host_of(url)).or_insert(Pause { until, status });
        if until > pause.until {
            *pause = Pause { until, status };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000 + secs)
    }

    fn clocked() -> (Pauses, Arc<Mutex<SystemTime>>) {
        let now = Arc::new(Mutex::new(at(0)));
        let clock = Arc::clone(&now);
        let pauses = Pauses::new(
            Arc::new(move || *clock.lock().unwrap()),
            Duration::from_secs(3600),
        );
        (pauses, now)
    }

    fn u(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn a_pause_holds_every_path_of_the_host_until_it_ends() {
        let (pauses, now) = clocked();
        let shared = pauses.clone();
        pauses.record(
            &u("https://p12-caldav.icloud.com/1/calendars/work/"),
            503,
            RetryAfter::Delay(Duration::from_secs(120)),
        );
        let err = shared
            .admit(&u("https://p12-caldav.icloud.com/1/calendars/home/"))
            .unwrap_err();
        assert_eq!(
            err,
            CaldavError::RateLimited {
                url: "https://p12-caldav.icloud.com/1/calendars/home/".into(),
                status: 503,
                retry_after: Some(RetryAfter::At(at(120))),
            }
        );
        assert!(shared.admit(&u("https://caldav.icloud.com/")).is_ok());
        assert!(
            shared
                .admit(&u("https://p12-caldav.icloud.com:8443/"))
                .is_ok()
        );
        *now.lock().unwrap() = at(120);
        assert!(shared.admit(&u("https://p12-caldav.icloud.com/1/")).is_ok());
    }

    #[test]
    fn pauses_are_capped_and_never_shortened() {
        let (pauses, _) = clocked();
        let host = u("http://127.0.0.1:8080/");
        pauses.record(&host, 429, RetryAfter::At(at(86_400)));
        let until = |p: &Pauses| match p.admit(&host) {
            Err(CaldavError::RateLimited {
                retry_after: Some(RetryAfter::At(t)),
                ..
            }) => t,
            other => panic!("{other:?}"),
        };
        assert_eq!(until(&pauses), at(3600), "capped");
        pauses.record(&host, 503, RetryAfter::Delay(Duration::from_secs(5)));
        assert_eq!(until(&pauses), at(3600), "not shortened");
    }
}
