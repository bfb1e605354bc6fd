//! Injected faults: what goes wrong, and for how long (the next N matching requests, or a time
//! span). Transport and status faults match every request to an emulated host; the content
//! faults match only the requests they name.
//!
//! An injection may also be narrowed to one calendar ([`Faults::inject_in`]): it then matches
//! only requests whose path lies inside `/<DSID>/calendars/<calendar>/`, so a test can make
//! one calendar fail while the home listing and the other calendars stay healthy — the partial
//! failures a sync engine must survive without losing or duplicating what it already has.
//! The partial content faults (a failed member in the home listing, a multiget that leaves out
//! or respells an href, a bare `403` for an old sync token) are applied in [`crate::partial`].

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
    /// In the Depth-1 PROPFIND answer on the calendar home, this calendar's `response` holds only
    /// its `href` and `<status>HTTP/1.1 <status> <reason></status>` instead of its propstats,
    /// as a server does when one member of a listing fails (RFC 4918 §13). A client must not
    /// read that as "the calendar is gone" and delete what it holds of it.
    ListingMemberStatus {
        /// The calendar id (last path segment of the collection).
        calendar: String,
        /// The member's status (e.g. `503`).
        status: u16,
    },
    /// calendar-multiget leaves this href out of its answer entirely (no `response` at all),
    /// although it exists: servers do drop members under load. A client must neither treat
    /// the object as deleted nor mark it as fetched.
    MultigetOmit {
        /// The href as the client sees it (compared after percent-decoding).
        href: String,
    },
    /// calendar-multiget names this member with a differently spelled but equivalent href
    /// (a literal character percent-encoded, e.g. `@` as `%40` or `-` as `%2D`, or the case of
    /// the hex digits of an escape flipped), equal to the asked href only after
    /// percent-decoding. A client that compares hrefs byte for byte loses the object, or
    /// stores it twice.
    MultigetRespell {
        /// The href as the client sees it (compared after percent-decoding).
        href: String,
    },
    /// A sync-collection REPORT on this calendar *with a non-empty sync-token* gets a bare
    /// `403 Forbidden` with an empty body — no `DAV:valid-sync-token` precondition element —
    /// as some servers answer an expired token; an initial sync (empty token) works normally.
    /// A client must fall back to a full listing rather than give up on the calendar.
    StaleTokenForbidden {
        /// The calendar id (last path segment of the collection).
        calendar: String,
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
            Fault::ListingMemberStatus { calendar, status } => {
                format!("listing-{status}:{calendar}")
            }
            Fault::MultigetOmit { href } => format!("multiget-omit:{href}"),
            Fault::MultigetRespell { href } => format!("multiget-respell:{href}"),
            Fault::StaleTokenForbidden { calendar } => format!("stale-token-403:{calendar}"),
        }
    }

    /// Whether this fault shapes the whole answer before routing (status, reset, truncation,
    /// slowness, spurious 401), rather than the content of one kind of answer.
    pub fn is_request_fault(&self) -> bool {
        matches!(
            self,
            Fault::Status { .. }
                | Fault::ConnectionReset
                | Fault::TruncatedBody
                | Fault::Slow { .. }
                | Fault::SpuriousUnauthorized
        )
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
    /// Only requests inside this calendar's collection match (`None`: every request).
    calendar: Option<String>,
    remaining: Option<u32>,
    until: Option<Instant>,
}

impl Injection {
    fn live(&self, now: Instant) -> bool {
        self.remaining.is_none_or(|n| n > 0) && self.until.is_none_or(|u| u > now)
    }

    /// Whether a request inside `calendar` (`None`: outside every calendar) is in its scope.
    fn covers(&self, calendar: Option<&str>) -> bool {
        self.calendar
            .as_deref()
            .is_none_or(|wanted| calendar == Some(wanted))
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
    /// Adds an injection that matches requests anywhere.
    pub fn inject(&mut self, fault: Fault, scope: Scope, now: Instant) {
        self.inject_in(fault, scope, None, now);
    }

    /// Adds an injection; with `calendar` it matches only requests whose path lies inside that
    /// calendar's collection (`/<DSID>/calendars/<calendar>/…`), so the home listing and the
    /// other calendars stay healthy. The scope counts only those requests. A fault answered on
    /// the home itself ([`Fault::ListingMemberStatus`]) never matches under a calendar.
    pub fn inject_in(
        &mut self,
        fault: Fault,
        scope: Scope,
        calendar: Option<String>,
        now: Instant,
    ) {
        let (remaining, until) = match scope {
            Scope::Next(n) => (Some(n), None),
            Scope::ForMillis(ms) => (None, Some(now + Duration::from_millis(ms))),
        };
        self.active.push(Injection {
            fault,
            calendar,
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
    /// 401) whose scope covers a request inside `calendar` (`None`: a request outside every
    /// calendar, such as the home listing), counting it against its scope.
    pub fn take_request_fault(&mut self, calendar: Option<&str>, now: Instant) -> Option<Fault> {
        self.prune(now);
        let inj = self
            .active
            .iter_mut()
            .find(|i| i.fault.is_request_fault() && i.covers(calendar))?;
        inj.consume();
        Some(inj.fault.clone())
    }

    /// Whether PROPFIND/REPORT on `calendar` should get an empty 207 (counts it if so).
    pub fn take_empty_multistatus(&mut self, calendar: &str, now: Instant) -> bool {
        self.prune(now);
        let found = self.active.iter_mut().find(|i| {
            i.covers(Some(calendar))
                && matches!(&i.fault, Fault::EmptyMultistatus { calendar: c } if c == calendar)
        });
        found.map(Injection::consume).is_some()
    }

    /// Every live fault that `pick` accepts and whose scope covers a request inside `calendar`,
    /// each counted once against its scope (the caller applies them to one answer).
    pub fn take_all(
        &mut self,
        calendar: Option<&str>,
        now: Instant,
        pick: impl Fn(&Fault) -> bool,
    ) -> Vec<Fault> {
        self.prune(now);
        let mut taken = Vec::new();
        for inj in &mut self.active {
            if inj.covers(calendar) && pick(&inj.fault) {
                inj.consume();
                taken.push(inj.fault.clone());
            }
        }
        taken
    }

    /// Which of `hrefs` a multiget inside `calendar` should pretend are missing (each counts
    /// once per request).
    pub fn take_multiget_missing(
        &mut self,
        hrefs: &[String],
        calendar: Option<&str>,
        now: Instant,
    ) -> Vec<String> {
        self.prune(now);
        let mut missing = Vec::new();
        for inj in &mut self.active {
            if let Fault::MultigetNotFound { href } = &inj.fault
                && inj.covers(calendar)
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
        assert!(f.take_request_fault(None, now).is_some());
        assert!(f.take_request_fault(Some("work"), now).is_some());
        assert!(f.take_request_fault(None, now).is_none());
        f.inject(Fault::ConnectionReset, Scope::ForMillis(10), now);
        assert!(f.take_request_fault(None, now).is_some());
        assert!(
            f.take_request_fault(None, now + Duration::from_millis(11))
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
        assert!(f.take_request_fault(None, now).is_none());
        assert!(!f.take_empty_multistatus("work", now));
        assert!(f.take_empty_multistatus("home", now));
        assert!(!f.take_empty_multistatus("home", now));
    }

    #[test]
    fn a_calendar_scope_spares_other_calendars_and_the_home() {
        let now = Instant::now();
        let mut f = Faults::default();
        f.inject_in(
            Fault::TruncatedBody,
            Scope::Next(1),
            Some("work".into()),
            now,
        );
        assert!(f.take_request_fault(None, now).is_none());
        assert!(f.take_request_fault(Some("home"), now).is_none());
        assert_eq!(
            f.take_request_fault(Some("work"), now),
            Some(Fault::TruncatedBody)
        );
        assert!(f.take_request_fault(Some("work"), now).is_none());
        let stale = Fault::StaleTokenForbidden {
            calendar: "work".into(),
        };
        f.inject(stale.clone(), Scope::ForMillis(50), now);
        assert!(f.take_request_fault(Some("work"), now).is_none());
        let pick = |x: &Fault| matches!(x, Fault::StaleTokenForbidden { .. });
        assert_eq!(f.take_all(Some("work"), now, pick), vec![stale.clone()]);
        assert_eq!(f.take_all(Some("work"), now, pick), vec![stale]);
        assert!(
            f.take_all(Some("work"), now + Duration::from_millis(51), pick)
                .is_empty()
        );
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
        let json = r#"{"kind":"listing-member-status","calendar":"work","status":503}"#;
        let f: Fault = serde_json::from_str(json).unwrap();
        assert_eq!(f.label(), "listing-503:work");
        for (json, label) in [
            (
                r#"{"kind":"multiget-omit","href":"/1/calendars/w/a.ics"}"#,
                "multiget-omit:/1/calendars/w/a.ics",
            ),
            (
                r#"{"kind":"multiget-respell","href":"/1/calendars/w/a.ics"}"#,
                "multiget-respell:/1/calendars/w/a.ics",
            ),
            (
                r#"{"kind":"stale-token-forbidden","calendar":"w"}"#,
                "stale-token-403:w",
            ),
        ] {
            let f: Fault = serde_json::from_str(json).unwrap();
            assert_eq!(f.label(), label);
            assert!(!f.is_request_fault());
            assert_eq!(serde_json::to_string(&f).unwrap(), json);
        }
    }
}
