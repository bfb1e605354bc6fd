//! The emulated Apple ID: its app-specific passwords (ASPs), main password, Calendar service
//! flag, partition, sync-token epoch, throttle, and the switchable quirks.

use serde::{Deserialize, Serialize};
use std::time::{Duration, Instant};

/// At most this many ASPs are active at once (Apple support 102654).
pub const MAX_ACTIVE_PASSWORDS: usize = 25;

/// How the `401` challenge is sent; iCloud has been seen doing both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum ChallengeStyle {
    /// Two `WWW-Authenticate` headers, `Basic` first (vdirsyncer #838, 2025).
    #[default]
    TwoHeaders,
    /// One comma-joined header, `X-MobileMe-AuthToken` first (a captured fixture).
    OneHeader,
}

/// Switchable behaviours where iCloud is known to vary or where sources disagree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "snake_case")]
pub struct Quirks {
    /// `/.well-known/caldav` answers `301` to `/` instead of answering in place.
    pub well_known_redirect: bool,
    /// The entry host answers `/<DSID>/…` with a `301` to the partition host.
    pub entry_redirects_to_partition: bool,
    /// The principal PROPFIND answers with the href `/principal/` (python-caldav #186).
    pub principal_href_bug: bool,
    /// `current-user-principal` comes inside a `404` propstat (DAV-4-TbSync comment).
    pub principal_in_404_propstat: bool,
    /// Shape of the `401` challenge.
    pub challenge: ChallengeStyle,
    /// XML bodies are labelled `text/plain` (python-caldav response.py comment).
    pub text_plain_content_type: bool,
    /// Status for an invalid or expired sync token: `403` (default) or `410`.
    pub invalid_sync_token_status: u16,
    /// Whether an ASP typed without hyphens is accepted (unknown for real iCloud).
    pub accept_unhyphenated: bool,
    /// Most hrefs one calendar-multiget may name (`None`: no limit, as observed).
    pub multiget_limit: Option<usize>,
    /// Status for a PUT whose object carries `METHOD`: `400` (default) or `403`.
    pub method_rejection_status: u16,
    /// Leave the `ETag` header out of PUT answers (unknown whether iCloud sends it).
    pub omit_put_etag: bool,
    /// How long issuing or revoking an ASP takes to take effect (default 0: at once).
    pub propagation_delay_ms: u64,
    /// A per-account request budget (`None`: unlimited).
    pub rate_limit: Option<RateLimit>,
    /// After an update, this many reads still serve the previous version (KashCal).
    pub stale_reads_after_write: u32,
    /// A calendar recreated with a deleted one's id gets its old events back.
    pub sticky_events: bool,
    /// Missing displayname/colour/description come back as the string `None` (vdirsyncer).
    pub empty_values_as_none: bool,
    /// Rewrites on the way in what CalendarServer rewrites (duplicate VALARMs dropped); a
    /// rewritten PUT answers without `ETag` (see `write_rules::normalise`). Default on.
    pub normalise_on_put: bool,
    /// Every PUT is a rewrite (the PRODID becomes iCloud's), so no PUT answer has an `ETag`.
    pub rewrite_every_put: bool,
    /// Send the `ETag` even after a rewrite, turning rule "no ETag when rewritten" off.
    pub etag_when_rewritten: bool,
    /// A UID is unique across the whole account: a PUT whose UID another href holds, or that
    /// changes the UID of an existing object, is refused with `CALDAV:no-uid-conflict`.
    pub unique_uids: bool,
    /// Status when another href holds the UID: `403` (default; python-caldav #3) or `412`
    /// (TbSync #187). A UID changed under its href always gets `403`.
    pub uid_conflict_status: u16,
    /// A `METHOD` property is refused (status `method_rejection_status`). Default on.
    pub refuse_method: bool,
    /// More than one UID, or more than one component type, in one object is refused (`403`).
    pub single_uid_per_resource: bool,
    /// TZIDs must be Olson names (`403 valid-calendar-data` otherwise). Default on.
    pub olson_tzids_only: bool,
    /// `If-Match`, `If-None-Match: *` and `If-Schedule-Tag-Match` are honoured (`412`); off,
    /// they are ignored and the last writer wins. Default on.
    pub honour_preconditions: bool,
    /// Server-side scheduling (RFC 6638): invitations, updates, cancellations and replies
    /// are "sent" (logged), `SCHEDULE-STATUS` is written, `Schedule-Tag` is answered.
    pub server_scheduling: bool,
    /// MOVE of an event to another calendar of the account works; off, it gets `403`.
    pub allow_move: bool,
    /// The largest object a PUT may store, in octets (`None`: no limit of the emulator's own;
    /// Radicale's 10 MB then answers `412`).
    pub max_resource_size: Option<u64>,
    /// Status for an object over `max_resource_size`: `403` (default), `413` or `507`.
    pub resource_size_status: u16,
}

impl Default for Quirks {
    fn default() -> Self {
        Self {
            well_known_redirect: false,
            entry_redirects_to_partition: false,
            principal_href_bug: false,
            principal_in_404_propstat: false,
            challenge: ChallengeStyle::TwoHeaders,
            text_plain_content_type: false,
            invalid_sync_token_status: 403,
            accept_unhyphenated: false,
            multiget_limit: None,
            method_rejection_status: 400,
            omit_put_etag: false,
            propagation_delay_ms: 0,
            rate_limit: None,
            stale_reads_after_write: 0,
            sticky_events: false,
            empty_values_as_none: false,
            normalise_on_put: true,
            rewrite_every_put: false,
            etag_when_rewritten: false,
            unique_uids: true,
            uid_conflict_status: 403,
            refuse_method: true,
            single_uid_per_resource: true,
            olson_tzids_only: true,
            honour_preconditions: true,
            server_scheduling: true,
            allow_move: false,
            max_resource_size: Some(1024 * 1024),
            resource_size_status: 403,
        }
    }
}

/// An account-wide throttle: every request before `until` gets `status` with `Retry-After`.
#[derive(Debug, Clone, Copy)]
pub struct Throttle {
    /// When the real penalty ends.
    pub until: Instant,
    /// What `Retry-After` advertises (shorter than the penalty, as on iCloud).
    pub retry_after_secs: u64,
    /// `503` (observed) or `429` (unconfirmed variant).
    pub status: u16,
}

#[derive(Debug, Clone)]
struct Asp {
    password: String,
    issued_at: Instant,
    revoked_at: Option<Instant>,
}

impl Asp {
    fn active(&self) -> bool {
        self.revoked_at.is_none()
    }

    /// Whether the server honours it at `now`, given the propagation delay.
    fn honoured(&self, now: Instant, delay: Duration) -> bool {
        self.issued_at + delay <= now && self.revoked_at.is_none_or(|r| now < r + delay)
    }
}

/// A sliding-window request budget; exceeding it starts a throttle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateLimit {
    /// Requests allowed per window.
    pub requests: u32,
    /// The window in milliseconds.
    pub window_ms: u64,
    /// How long the throttle lasts once the budget is exceeded.
    pub penalty_ms: u64,
    /// What `Retry-After` advertises meanwhile (shorter than the penalty, as on iCloud).
    pub retry_after_secs: u64,
}

/// Why a password could not be issued.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum AccountError {
    /// 25 ASPs are active; Apple makes the user revoke one first.
    #[error("25 app-specific passwords are active; revoke one first")]
    TooManyPasswords,
    /// No such active ASP.
    #[error("no such active app-specific password")]
    UnknownPassword,
}

/// The account state behind every host.
#[derive(Debug)]
pub struct Account {
    /// The Apple ID (primary e-mail).
    pub apple_id: String,
    /// The numeric DSID used in every path.
    pub dsid: String,
    /// The main Apple ID password (always refused on CalDAV).
    pub main_password: String,
    asps: Vec<Asp>,
    /// Whether the Calendar service is on for this Apple ID.
    pub calendar_service: bool,
    /// Bumped by "expire all sync tokens"; tokens carry the epoch they were issued in.
    pub token_epoch: u32,
    /// Index of the current partition host.
    pub partition: usize,
    /// The active throttle, if any.
    pub throttle: Option<Throttle>,
    /// Switchable quirks.
    pub quirks: Quirks,
    recent: std::collections::VecDeque<Instant>,
}

/// Formats 16 letters as `xxxx-xxxx-xxxx-xxxx`.
fn hyphenate(letters: &str) -> String {
    let chars: Vec<char> = letters.chars().collect();
    chars
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

impl Account {
    /// A new account with no ASPs.
    pub fn new(apple_id: String, dsid: String, main_password: String, quirks: Quirks) -> Self {
        Self {
            apple_id,
            dsid,
            main_password,
            asps: Vec::new(),
            calendar_service: true,
            token_epoch: 1,
            partition: 0,
            throttle: None,
            quirks,
            recent: std::collections::VecDeque::new(),
        }
    }

    /// Issues a new ASP from 16 random lowercase letters.
    ///
    /// # Errors
    /// [`AccountError::TooManyPasswords`] when 25 are already active.
    pub fn issue(&mut self, random: &mut crate::rng::Rng) -> Result<String, AccountError> {
        if self.active_passwords().len() >= MAX_ACTIVE_PASSWORDS {
            return Err(AccountError::TooManyPasswords);
        }
        let letters: String = (0..16).map(|_| random.lowercase_letter()).collect();
        let password = hyphenate(&letters);
        self.asps.push(Asp {
            password: password.clone(),
            issued_at: Instant::now(),
            revoked_at: None,
        });
        Ok(password)
    }

    /// Revokes one ASP.
    ///
    /// # Errors
    /// [`AccountError::UnknownPassword`] when it is not an active ASP.
    pub fn revoke(&mut self, password: &str) -> Result<(), AccountError> {
        let asp = self
            .asps
            .iter_mut()
            .find(|a| a.active() && a.password == password)
            .ok_or(AccountError::UnknownPassword)?;
        asp.revoked_at = Some(Instant::now());
        Ok(())
    }

    /// Revokes every ASP.
    pub fn revoke_all(&mut self) {
        for a in &mut self.asps {
            if a.revoked_at.is_none() {
                a.revoked_at = Some(Instant::now());
            }
        }
    }

    /// The active ASPs, oldest first.
    pub fn active_passwords(&self) -> Vec<String> {
        self.asps
            .iter()
            .filter(|a| a.active())
            .map(|a| a.password.clone())
            .collect()
    }

    /// Whether Basic credentials open the account now.
    pub fn accepts(&self, user: &str, password: &str, now: Instant) -> bool {
        if !self.calendar_service || !user.eq_ignore_ascii_case(&self.apple_id) {
            return false;
        }
        let delay = Duration::from_millis(self.quirks.propagation_delay_ms);
        let candidate = if self.quirks.accept_unhyphenated
            && password.len() == 16
            && password.bytes().all(|b| b.is_ascii_lowercase())
        {
            hyphenate(password)
        } else {
            password.to_string()
        };
        self.asps
            .iter()
            .any(|a| a.password == candidate && a.honoured(now, delay))
    }

    /// The throttle in force at `now`, clearing an expired one.
    pub fn throttle_at(&mut self, now: Instant) -> Option<Throttle> {
        match self.throttle {
            Some(t) if t.until > now => Some(t),
            _ => {
                self.throttle = None;
                None
            }
        }
    }

    /// Counts one request against the rate limit; exceeding it starts a throttle, returned.
    pub fn admit(&mut self, now: Instant) -> Option<Throttle> {
        let limit = self.quirks.rate_limit?;
        let window = Duration::from_millis(limit.window_ms);
        while self
            .recent
            .front()
            .is_some_and(|t| now.duration_since(*t) >= window)
        {
            self.recent.pop_front();
        }
        self.recent.push_back(now);
        if self.recent.len() > limit.requests as usize {
            self.recent.clear();
            let penalty = Duration::from_millis(limit.penalty_ms);
            let retry_after = Duration::from_secs(limit.retry_after_secs);
            self.throttle_for(now, penalty, retry_after, 503);
            return self.throttle;
        }
        None
    }

    /// Starts a throttle of `penalty` advertising `retry_after`.
    pub fn throttle_for(
        &mut self,
        now: Instant,
        penalty: Duration,
        retry_after: Duration,
        status: u16,
    ) {
        self.throttle = Some(Throttle {
            until: now + penalty,
            retry_after_secs: retry_after.as_secs().max(1),
            status,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifecycle_of_app_specific_passwords() {
        let mut rng = crate::rng::Rng::new(7);
        let mut a = Account::new(
            "a@icloud.com".into(),
            "1".into(),
            "Main1".into(),
            Quirks::default(),
        );
        let p = a.issue(&mut rng).unwrap();
        assert_eq!(p.len(), 19);
        assert!(a.accepts("A@iCloud.com", &p, Instant::now()));
        assert!(!a.accepts("a@icloud.com", &p.replace('-', ""), Instant::now()));
        assert!(!a.accepts("a@icloud.com", "Main1", Instant::now()));
        a.calendar_service = false;
        assert!(!a.accepts("a@icloud.com", &p, Instant::now()));
        a.calendar_service = true;
        a.revoke(&p).unwrap();
        assert!(!a.accepts("a@icloud.com", &p, Instant::now()));
        for _ in 0..MAX_ACTIVE_PASSWORDS {
            a.issue(&mut rng).unwrap();
        }
        assert_eq!(a.issue(&mut rng), Err(AccountError::TooManyPasswords));
        a.revoke_all();
        assert!(a.active_passwords().is_empty());
    }

    #[test]
    fn propagation_delay_and_rate_limit() {
        let mut rng = crate::rng::Rng::new(9);
        let quirks = Quirks {
            propagation_delay_ms: 60_000,
            rate_limit: Some(RateLimit {
                requests: 2,
                window_ms: 60_000,
                penalty_ms: 5000,
                retry_after_secs: 1,
            }),
            ..Quirks::default()
        };
        let mut a = Account::new("a@icloud.com".into(), "1".into(), "M".into(), quirks);
        let p = a.issue(&mut rng).unwrap();
        let now = Instant::now();
        assert!(!a.accepts("a@icloud.com", &p, now));
        assert!(a.accepts("a@icloud.com", &p, now + Duration::from_secs(61)));
        a.revoke(&p).unwrap();
        assert!(!a.accepts("a@icloud.com", &p, now + Duration::from_secs(200)));
        assert!(a.admit(now).is_none() && a.admit(now).is_none());
        let t = a.admit(now).unwrap();
        assert_eq!((t.status, t.retry_after_secs), (503, 1));
        assert!(a.throttle_at(now + Duration::from_secs(2)).is_some());
    }
}
