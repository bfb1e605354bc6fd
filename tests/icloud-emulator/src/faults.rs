//! Injected faults: what goes wrong, and for how long (the next N matching requests, or a time
//! span). Transport and status faults match every request to an emulated host; the two content
//! faults match only the requests they name.

use serde::{Deserialize, Serialize};
use std::time::{Duration, Instant};

/// The longest a slow response may stall, so a test can never hang on it.
pub const MAX_SLOW: Duration = Duration::from_secs(120);

/// One kind of misbehaviour.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Fault {
    /// Answer with this status and an empty body (e.g. `500`, `503`); `retry_after` seconds, if
    /// given, go into a `Retry-After` header.
    Status {
        /// The HTTP status.
        status: u16,
        /// Optional `Retry-After` in seconds.
        #[serde(default)]
        retry_after: Option<u64>,
    },
    /// Close the connection with a TCP reset before answering.
    ConnectionReset,
    /// Send the headers and half the body, then drop the connection.
    TruncatedBody,
    /// Wait this long (capped at two minutes) before answering normally.
    Slow {
        /// The delay in milliseconds.
        millis: u64,
    },
    /// One `401` although the credential is valid.
    SpuriousUnauthorized,
    /// An empty but well-formed `207` for PROPFIND/REPORT on this calendar id.
    EmptyMultistatus {
        /// The calendar id (last path segment of the collection).
        calendar: String,
    },
    /// calendar-multiget answers `404` for this href although it exists.
    MultigetNotFound {
        /// The href as the client sees it (`/<DSID>/calendars/<cal>/<name>.ics`).
        href: String,
    },
}

impl Fault {
    /// A short label for the request log.
    pub fn label(&self) -> String {
        match self {
            Fault::Status { status, .. } => format!("status-{status}"),
            Fault::ConnectionReset => "connection-reset".into(),
            Fault::TruncatedBody => "truncated-body".into(),
            Fault::Slow { millis } => format!("slow-{millis}ms"),
            Fault::SpuriousUnauthorized => "spurious-401".into(),
            Fault::EmptyMultistatus { calendar } => format!("empty-207:{calendar}"),
            Fault::MultigetNotFound { href } => format!("multiget-404:{href}"),
        }
    }

    /// The slow fault's delay, capped.
    pub fn slow_delay(millis: u64) -> Duration {
        Duration::from_millis(millis).min(MAX_SLOW)
    }
}

/// How long an injected fault lasts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// The next N matching requests.
    Next(u32),
    /// Every matching request for this many milliseconds from now.
    ForMillis(u64),
}

impl Scope {
    /// Every matching request for `d`.
    pub fn for_duration(d: Duration) -> Self {
        Scope::ForMillis(u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
    }
}

#[derive(Debug, Clone)]
struct Injection {
    fault: Fault,
    remaining: Option<u32>,
    until: Option<Instant>,
}

impl Injection {
    fn live(&self, now: Instant) -> bool {
        self.remaining.is_none_or(|n| n > 0) && self.until.is_none_or(|u| u > now)
    }

    fn consume(&mut self) {
        if let Some(n) = &mut self.remaining {
            *n = n.saturating_sub(1);
        }
    }
}

/// The active injections, oldest first.
#[derive(Debug, Default)]
pub struct Faults {
    active: Vec<Injection>,
}

impl Faults {
    /// Adds an injection.
    pub fn inject(&mut self, fault: Fault, scope: Scope, now: Instant) {
        let (remaining, until) = match scope {
            Scope::Next(n) => (Some(n), None),
            Scope::ForMillis(ms) => (None, Some(now + Duration::from_millis(ms))),
        };
        self.active.push(Injection {
            fault,
            remaining,
            until,
        });
    }

    /// Removes all injections.
    pub fn clear(&mut self) {
        self.active.clear();
    }

    fn prune(&mut self, now: Instant) {
        self.active.retain(|i| i.live(now));
    }

    /// Takes the first live request-level fault (status, reset, truncation, slowness, spurious
    /// 401), counting it against its scope.
    pub fn take_request_fault(&mut self, now: Instant) -> Option<Fault> {
        self.prune(now);
        let inj = self.active.iter_mut().find(|i| {
            !matches!(
                i.fault,
                Fault::EmptyMultistatus { .. } | Fault::MultigetNotFound { .. }
            )
        })?;
        inj.consume();
        Some(inj.fault.clone())
    }

    /// Whether PROPFIND/REPORT on `calendar` should get an empty 207 (counts it if so).
    pub fn take_empty_multistatus(&mut self, calendar: &str, now: Instant) -> bool {
        self.prune(now);
        let found = self
            .active
            .iter_mut()
            .find(|i| matches!(&i.fault, Fault::EmptyMultistatus { calendar: c } if c == calendar));
        found.map(Injection::consume).is_some()
    }

    /// Which of `hrefs` a multiget should pretend are missing (each counts once per request).
    pub fn take_multiget_missing(&mut self, hrefs: &[String], now: Instant) -> Vec<String> {
        self.prune(now);
        let mut missing = Vec::new();
        for inj in &mut self.active {
            if let Fault::MultigetNotFound { href } = &inj.fault
                && hrefs.iter().any(|h| h == href)
            {
                missing.push(href.clone());
                inj.consume();
            }
        }
        missing
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_n_counts_down_and_spans_expire() {
        let now = Instant::now();
        let mut f = Faults::default();
        f.inject(
            Fault::Status {
                status: 500,
                retry_after: None,
            },
            Scope::Next(2),
            now,
        );
        assert!(f.take_request_fault(now).is_some());
        assert!(f.take_request_fault(now).is_some());
        assert!(f.take_request_fault(now).is_none());
        f.inject(Fault::ConnectionReset, Scope::ForMillis(10), now);
        assert!(f.take_request_fault(now).is_some());
        assert!(
            f.take_request_fault(now + Duration::from_millis(11))
                .is_none()
        );
    }

    #[test]
    fn content_faults_match_only_their_target() {
        let now = Instant::now();
        let mut f = Faults::default();
        f.inject(
            Fault::EmptyMultistatus {
                calendar: "home".into(),
            },
            Scope::Next(1),
            now,
        );
        assert!(f.take_request_fault(now).is_none());
        assert!(!f.take_empty_multistatus("work", now));
        assert!(f.take_empty_multistatus("home", now));
        assert!(!f.take_empty_multistatus("home", now));
    }

    #[test]
    fn faults_round_trip_as_json() {
        let json = r#"{"kind":"status","status":503,"retry_after":2}"#;
        let f: Fault = serde_json::from_str(json).unwrap();
        assert_eq!(
            f,
            Fault::Status {
                status: 503,
                retry_after: Some(2)
            }
        );
        let s: Scope = serde_json::from_str(r#"{"next":3}"#).unwrap();
        assert_eq!(s, Scope::Next(3));
    }
}
