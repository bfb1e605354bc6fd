//! An iCloud CalDAV emulator: an entry host and partition hosts on loopback, in front of a real
//! Radicale, adding what is iCloud's own (discovery chain, app-specific-password auth and
//! revocation, Apple properties and XML style, throttling and faults) and counting requests.
//! It depends on no Almanac crate, so a client bug and an emulator bug cannot hide each other.
//!
//! # Flow
//!
//! [`Emulator::start`] starts Radicale (from the test venv, via `almanac-test-servers`),
//! creates the account's calendars in it, optionally seeds demo data, and listens on:
//!
//! - the **entry host** `http://127.0.0.1:P1/` (stand-in for `caldav.icloud.com`);
//! - one **partition host** per partition number (default p180 and p181), stand-ins for
//!   `pNN-caldav.icloud.com`;
//! - the **control API** `http://127.0.0.1:P0/control/…` (JSON, for tests in other processes).
//!
//! Every request to an emulated host passes: old-partition check (`503`) → throttle
//! (`503`/`429` + `Retry-After`) → injected request faults → Basic auth (bare `401` with both
//! `Basic` and `X-MobileMe-AuthToken` challenges, realm `MMCalDav`) → routing. Every answer
//! carries `x-apple-user-partition`, `Server: AppleHttpServer/<hex>`, `X-Apple-Request-UUID`,
//! `X-Responding-Instance`; every request lands in the [`RequestLog`].
//!
//! Discovery: PROPFIND `/` gives `current-user-principal` = `/<DSID>/principal/` (relative);
//! the principal gives an absolute `calendar-home-set` on the current partition host
//! (the entry host answers `/<DSID>/…` too, or redirects there by quirk),
//! `http://127.0.0.1:P2/<DSID>/calendars/`. `/<DSID>/calendars/<cal>/…` maps to Radicale's
//! `/alice/<cal>/…`; hrefs are rewritten both ways, Radicale's URI sync tokens become opaque
//! base64 tokens carrying an epoch (so "expire all tokens" works), and XML is re-written in
//! iCloud's style (default-namespace elements, `200` propstat before `404`, CDATA
//! calendar-data, an extra entry for the collection itself in sync-collection and
//! calendar-query results). sync-collection on the home reports calendars added or changed
//! (`200`, ctag as getetag) and removed (`404`).
//!
//! # What lives in Radicale and what is synthesized
//!
//! In Radicale (real data, see [`layout::CALENDARS`]): `home`, `work`, a UUID-named family
//! calendar, a legacy VTODO list `tasks`, an upgraded-Reminders placeholder list (VTODO, the
//! two placeholder tasks), and two 64-character-id calendars standing for calendars shared from
//! DSID [`layout::SHARER_DSID`]. The emulator overrides their `owner` (the sharer's principal)
//! and, for the read-only one, `current-user-privilege-set` (read only) and refuses writes with
//! `403`. Synthesized by the emulator alone: the root and principal resources, the `inbox`,
//! `outbox` and `notification` collections, and a subscribed (webcal) calendar whose `source`
//! is a US-holidays ICS feed ([`layout::HOLIDAYS_PATH`], with an `ETag`) served by the
//! partition hosts, which also serve `work` as a public feed at `/published/2/<token>`.
//!
//! # Writes
//!
//! Writes follow iCloud's rules before they reach Radicale, in CalendarServer's order (see
//! `writes.rs`, `write_rules.rs`, `uids.rs`, `scheduling.rs`, `moves.rs`), each rule a
//! [`Quirks`] switch:
//!
//! 1. preconditions first: `412` for `If-None-Match: *` on an existing href, a stale
//!    `If-Match` and a stale `If-Schedule-Tag-Match` (`honour_preconditions`);
//! 2. `415` for a create without `Content-Type: text/calendar`;
//! 3. the content: `403 CALDAV:max-resource-size` over 1 MiB (`max_resource_size`,
//!    `resource_size_status`); `400` (or `403`) `valid-calendar-object-resource` for
//!    `METHOD` (`refuse_method`, `method_rejection_status`); `403` for several UIDs or
//!    component types (`single_uid_per_resource`); `404` for a VEVENT without DTEND/DURATION;
//!    `403 supported-calendar-component` for a VTODO on an event calendar (or the reverse)
//!    and for the read-only share; `403 valid-calendar-data` for a TZID that is not an Olson
//!    name (`olson_tzids_only`);
//! 4. `403 CALDAV:no-uid-conflict` naming the holder's href for a UID held anywhere else in
//!    the account, or changed under an existing href (`unique_uids`, `uid_conflict_status`);
//! 5. rewrites (duplicate VALARMs dropped, `normalise_on_put`; iCloud's PRODID,
//!    `rewrite_every_put`; `SCHEDULE-STATUS` by scheduling) and then no `ETag` in the answer
//!    (`etag_when_rewritten` turns that off, `omit_put_etag` drops it always);
//! 6. server-side scheduling (`server_scheduling`): invitations, updates, cancellations and
//!    replies logged as [`ItipMessage`]s ([`Emulator::scheduling_log`],
//!    `GET /control/scheduling`), `Schedule-Tag` on PUT/GET/MOVE, `SCHEDULE-AGENT=CLIENT`
//!    and `Schedule-Reply: F` honoured;
//! 7. `201` on create, `204` on update; DELETE of a missing object `404`.
//!
//! MOVE gets `403` unless `allow_move` (then a move to another calendar of the account answers
//! `201`, `412`/`403` onto an existing destination); COPY gets `403`; MKCALENDAR refuses ids
//! shorter than 2 or with special characters.
//!
//! # Switchable behaviour
//!
//! [`Quirks`] (in-process with [`Emulator::set_quirks`], or `POST /control/quirks` with a
//! partial object) switches: `well_known_redirect`, `entry_redirects_to_partition`,
//! `principal_href_bug` (`/principal/`), `principal_in_404_propstat`, `challenge`
//! (`two-headers` / `one-header`), `text_plain_content_type`, `invalid_sync_token_status`
//! (403/410), `accept_unhyphenated`, `multiget_limit` (`507` above it),
//! `method_rejection_status`, `omit_put_etag`, `stale_reads_after_write` (the next N reads
//! of an updated object serve the old body and ETag), `sticky_events` (a calendar recreated
//! under a deleted one's id gets its events back), `empty_values_as_none` (a missing
//! displayname, colour or description comes back as the string `None`), `propagation_delay_ms` (for issuing and
//! revoking ASPs), `rate_limit` (`{"requests","window_ms","penalty_ms","retry_after_secs"}`: a
//! sliding-window budget whose overrun starts a throttle), and the write rules above:
//! `normalise_on_put` (on), `rewrite_every_put` (off), `etag_when_rewritten` (off),
//! `unique_uids` (on), `uid_conflict_status` (403), `refuse_method` (on),
//! `single_uid_per_resource` (on), `olson_tzids_only` (on), `honour_preconditions` (on),
//! `server_scheduling` (on), `allow_move` (off), `max_resource_size` (1048576, `null` for
//! none), `resource_size_status` (403).
//!
//! # In-process API
//!
//! ```no_run
//! # async fn demo() -> Result<(), almanac_icloud_emulator::EmulatorError> {
//! use almanac_icloud_emulator::{Emulator, Fault, Options, Scope};
//! let emu = Emulator::start(Options::default()).await?;
//! let password = emu.password(); // an active app-specific password
//! // … point a client at emu.entry_url() with emu.apple_id() / password …
//! emu.inject(Fault::Status { status: 503, retry_after: Some(1) }, Scope::Next(1));
//! emu.revoke(&password)?;
//! assert_eq!(emu.requests().unauthorized_for(&password), 0);
//! # Ok(()) }
//! ```
//!
//! # Control API
//!
//! All bodies are JSON; answers are JSON (`{"ok":true}` when there is nothing else to say,
//! `{"error":"…"}` with 400/404 on a bad request).
//!
//! | method and path | body | answer |
//! |---|---|---|
//! | `GET /control/info` | | `{"apple_id","dsid","password","passwords","main_password","entry_url","control_url","home_url","partition","partition_urls","radicale_url"}` |
//! | `POST /control/passwords` | | `{"password":"xxxx-xxxx-xxxx-xxxx"}` (400 when 25 are active) |
//! | `POST /control/revoke` | `{"password":"…"}` | `{"ok":true}` (404 when not active) |
//! | `POST /control/revoke-all` | | `{"ok":true}` |
//! | `POST /control/change-main-password` | | `{"main_password":"…"}` (all ASPs revoked) |
//! | `POST /control/calendar-service` | `{"enabled":false}` | `{"ok":true}` |
//! | `POST /control/expire-sync-tokens` | | `{"ok":true}` |
//! | `POST /control/move-partition` | | `{"partition":181,"home_url":"…"}` |
//! | `POST /control/throttle` | `{"penalty_ms":5000,"retry_after_secs":1,"status":503}` | `{"ok":true}` |
//! | `POST /control/inject` | `{"fault":{"kind":"status","status":500},"scope":{"next":2}}`, optionally with `"calendar":"work"` | `{"ok":true}` |
//! | `POST /control/clear-faults` | | `{"ok":true}` (faults and throttle) |
//! | `POST /control/quirks` | a partial [`Quirks`] object, e.g. `{"invalid_sync_token_status":410}` | the full quirks |
//! | `GET /control/log` | | `{"entries":[…],"summary":{…}}` ([`LoggedRequest`] entries) |
//! | `POST /control/log/clear` | | `{"ok":true}` |
//! | `GET /control/scheduling` | | `{"messages":[…]}` ([`ItipMessage`]: `seq`, `kind` (`invitation`/`update`/`cancel`/`reply`), `method`, `uid`, `href`, `from`, `to`, `partstat`, `recurrence_id`, `summary`) |
//! | `POST /control/scheduling/clear` | | `{"ok":true}` |
//! | `POST /control/housekeep` | `{"calendar":"home","name":"x.ics"}` | `{"ok":true}` (the object's ETag changes) |
//!
//! Fault JSON (`kind`): `status` (`status`, optional `retry_after`), `connection-reset`,
//! `truncated-body`, `slow` (`millis`, capped at 120 s), `spurious-unauthorized`,
//! `empty-multistatus` (`calendar`), `multiget-not-found` (`href`), and the partial faults
//! `listing-member-status` (`calendar`, `status`), `multiget-omit` (`href`),
//! `multiget-respell` (`href`), `stale-token-forbidden` (`calendar`) (see [`Fault`]). Scope:
//! `{"next":N}` or `{"for_millis":MS}`. `"calendar":"<id>"` next to them narrows the fault to
//! requests inside that calendar's collection ([`Emulator::inject_for_calendar`]).
//!
//! # Standalone
//!
//! `cargo run -p almanac-icloud-emulator -- --demo [--json]` prints the Apple ID, a valid
//! app-specific password, the entry URL and the control URL, then serves until killed.

pub mod account;
pub mod control;
pub mod demo;
pub mod faults;
mod ical;
pub mod layout;
pub mod log;
pub mod rng;
mod server;
mod upstream;
mod view;
pub mod xml;

pub use account::{AccountError, ChallengeStyle, Quirks, RateLimit};
pub use faults::{Fault, Scope};
pub use log::{LoggedRequest, RequestLog};
pub use server::scheduling::{ItipMessage, MessageKind};
pub use server::{partial, scheduling};

use account::Account;
use bytes::Bytes;
use server::{Role, Shared, lock};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use upstream::Upstream;
use view::View;

/// Why the emulator could not start.
#[derive(Debug, thiserror::Error)]
pub enum EmulatorError {
    /// Radicale could not be started.
    #[error(transparent)]
    Radicale(#[from] almanac_test_servers::ServerError),
    /// A listener could not be bound.
    #[error("binding a loopback port: {0}")]
    Bind(#[from] std::io::Error),
    /// Radicale refused to set up the account's calendars or demo data.
    #[error("seeding Radicale: {0}")]
    Seed(String),
    /// An account operation was refused.
    #[error(transparent)]
    Account(#[from] AccountError),
}

/// How to start an emulator.
#[derive(Debug, Clone)]
pub struct Options {
    /// The Apple ID.
    pub apple_id: String,
    /// The DSID (8–11 digits).
    pub dsid: String,
    /// The main Apple ID password (always refused on CalDAV).
    pub main_password: String,
    /// Partition numbers, one host each; the account starts on the first.
    pub partitions: Vec<u32>,
    /// Seed demo events (a few hundred) into the calendars.
    pub demo: bool,
    /// The day the demo data is built around, in days since 1970-01-01 (`None`: today by the
    /// system clock). Tests that pin the app's clock pass the same day.
    pub demo_today: Option<i64>,
    /// Seed of the demo generator and the password generator (`None`: from the clock).
    pub seed: Option<u64>,
    /// Fixed entry port (`None`: any free one).
    pub entry_port: Option<u16>,
    /// Fixed control port (`None`: any free one).
    pub control_port: Option<u16>,
    /// Quirks in force from the start.
    pub quirks: Quirks,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            apple_id: "almanac.tester@icloud.com".into(),
            dsid: "17149682".into(),
            main_password: "Correct-Horse-Battery-1".into(),
            partitions: vec![180, 181],
            demo: false,
            demo_today: None,
            seed: None,
            entry_port: None,
            control_port: None,
            quirks: Quirks::default(),
        }
    }
}

/// A running emulator; everything stops (and Radicale's data is removed) when it drops.
#[derive(Debug)]
pub struct Emulator {
    shared: Arc<Shared>,
    control_url: String,
    first_password: String,
    tasks: Vec<JoinHandle<()>>,
    // Kept for its Drop: stops Radicale.
    radicale: almanac_test_servers::TestServer,
}

impl Drop for Emulator {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}

async fn bind(port: Option<u16>) -> Result<(TcpListener, String), std::io::Error> {
    let listener = TcpListener::bind(("127.0.0.1", port.unwrap_or(0))).await?;
    let url = format!("http://{}/", listener.local_addr()?);
    Ok((listener, url))
}

impl Emulator {
    /// Starts Radicale and the emulated hosts, creates the account's calendars, and issues one
    /// app-specific password ([`Emulator::password`]).
    ///
    /// # Errors
    /// When Radicale does not start, a port cannot be bound, or seeding fails.
    pub async fn start(options: Options) -> Result<Self, EmulatorError> {
        let radicale = tokio::task::spawn_blocking(almanac_test_servers::radicale)
            .await
            .map_err(|e| EmulatorError::Seed(e.to_string()))??;
        let upstream = Upstream::new(&radicale.base_url, &radicale.user, &radicale.password)
            .map_err(|e| EmulatorError::Seed(e.to_string()))?;
        demo::create_calendars(&upstream).await?;
        let mut rng = options
            .seed
            .map_or_else(rng::Rng::from_clock, rng::Rng::new);
        if options.demo {
            let today = options.demo_today.unwrap_or_else(demo::today);
            demo::seed_events(&upstream, &mut rng.clone(), today).await?;
        }
        let (entry, entry_url) = bind(options.entry_port).await?;
        let mut partitions = Vec::new();
        let mut partition_urls = Vec::new();
        for _ in &options.partitions {
            let (l, u) = bind(None).await?;
            partitions.push(l);
            partition_urls.push(u);
        }
        let (control, control_url) = bind(options.control_port).await?;
        let mut account = Account::new(
            options.apple_id.clone(),
            options.dsid.clone(),
            options.main_password.clone(),
            options.quirks.clone(),
        );
        let first_password = account.issue(&mut rng)?;
        let server_build = rng.hex(8);
        let shared = Arc::new(Shared {
            account: std::sync::Mutex::new(account),
            faults: std::sync::Mutex::new(faults::Faults::default()),
            log: std::sync::Mutex::new(Vec::new()),
            rng: std::sync::Mutex::new(rng),
            upstream,
            entry_url,
            partition_urls,
            partition_numbers: options.partitions.clone(),
            seq: AtomicU64::new(0),
            server_build,
            stale: std::sync::Mutex::new(server::stale::StaleReads::default()),
            sticky: std::sync::Mutex::new(server::sticky::Graveyard::default()),
            scheduling: std::sync::Mutex::new(server::scheduling::Scheduling::default()),
            uid_index: std::sync::Mutex::new(server::uids::UidIndex::default()),
            writes: tokio::sync::Mutex::new(()),
        });
        let mut tasks = vec![tokio::spawn(server::serve(
            entry,
            Role::Entry,
            Arc::clone(&shared),
        ))];
        for (i, l) in partitions.into_iter().enumerate() {
            tasks.push(tokio::spawn(server::serve(
                l,
                Role::Partition(i),
                Arc::clone(&shared),
            )));
        }
        let mut emu = Self {
            shared,
            control_url,
            first_password,
            tasks,
            radicale,
        };
        let handle = control::Handle(Arc::new(emu.clone_view()));
        emu.tasks
            .push(tokio::spawn(control::serve(control, handle)));
        Ok(emu)
    }

    /// A view sharing this emulator's state, for the control API (it owns nothing).
    fn clone_view(&self) -> View {
        View {
            shared: Arc::clone(&self.shared),
            control_url: self.control_url.clone(),
            first_password: self.first_password.clone(),
            radicale_url: self.radicale.base_url.clone(),
        }
    }

    /// The shared-state view every accessor below delegates to.
    fn view(&self) -> View {
        self.clone_view()
    }

    /// `http://127.0.0.1:P/` of the entry host.
    pub fn entry_url(&self) -> String {
        self.shared.entry_url.clone()
    }

    /// `http://127.0.0.1:P/` of the control API.
    pub fn control_url(&self) -> String {
        self.control_url.clone()
    }

    /// Base URLs of the partition hosts, in partition order.
    pub fn partition_urls(&self) -> Vec<String> {
        self.shared.partition_urls.clone()
    }

    /// Radicale's own base URL (user `alice`), for test setup that bypasses the emulator.
    pub fn radicale_url(&self) -> String {
        self.radicale.base_url.clone()
    }

    /// The Apple ID.
    pub fn apple_id(&self) -> String {
        lock(&self.shared.account).apple_id.clone()
    }

    /// The DSID.
    pub fn dsid(&self) -> String {
        lock(&self.shared.account).dsid.clone()
    }

    /// The main Apple ID password (CalDAV always refuses it).
    pub fn main_password(&self) -> String {
        lock(&self.shared.account).main_password.clone()
    }

    /// The password issued at start (it may have been revoked since).
    pub fn password(&self) -> String {
        self.first_password.clone()
    }

    /// The absolute calendar-home-set URL on the current partition host.
    pub fn home_url(&self) -> String {
        self.view().home_url()
    }

    /// The current partition number.
    pub fn partition(&self) -> u32 {
        self.view().partition()
    }

    /// Issues a new app-specific password.
    ///
    /// # Errors
    /// [`AccountError::TooManyPasswords`] when 25 are active.
    pub fn issue_password(&self) -> Result<String, AccountError> {
        self.view().issue_password()
    }

    /// Revokes one app-specific password; it fails from the next request on.
    ///
    /// # Errors
    /// [`AccountError::UnknownPassword`] when it is not active.
    pub fn revoke(&self, password: &str) -> Result<(), AccountError> {
        lock(&self.shared.account).revoke(password)
    }

    /// Revokes every app-specific password.
    pub fn revoke_all(&self) {
        lock(&self.shared.account).revoke_all();
    }

    /// Changes the main password, which revokes every app-specific password; returns the new one.
    pub fn change_main_password(&self) -> String {
        self.view().change_main_password()
    }

    /// Turns the account's Calendar service on or off (off: every request gets `401`).
    pub fn set_calendar_service(&self, enabled: bool) {
        lock(&self.shared.account).calendar_service = enabled;
    }

    /// Makes every sync token issued so far invalid (`403` valid-sync-token, or `410` by quirk).
    pub fn expire_sync_tokens(&self) {
        lock(&self.shared.account).token_epoch += 1;
    }

    /// Moves the account to the next partition; the old partition host then answers `503`.
    /// Returns the new partition number.
    pub fn move_partition(&self) -> u32 {
        self.view().move_partition()
    }

    /// Throttles the account: every request for `penalty` gets `503` advertising
    /// `Retry-After: retry_after` (make it shorter than the penalty, as iCloud does).
    pub fn throttle(&self, penalty: Duration, retry_after: Duration) {
        self.throttle_with_status(penalty, retry_after, 503);
    }

    /// Like [`Emulator::throttle`] with another status (`429`, the unconfirmed variant).
    pub fn throttle_with_status(&self, penalty: Duration, retry_after: Duration, status: u16) {
        lock(&self.shared.account).throttle_for(Instant::now(), penalty, retry_after, status);
    }

    /// Injects a fault for a scope.
    pub fn inject(&self, fault: Fault, scope: Scope) {
        lock(&self.shared.faults).inject(fault, scope, Instant::now());
    }

    /// Injects a fault that matches only requests inside one calendar's collection
    /// (`/<DSID>/calendars/<calendar>/…`, the collection and its members), so that calendar
    /// fails while the home listing and the other calendars stay healthy; the scope counts
    /// only those requests. Mostly for the transport and status faults; a fault answered on
    /// the home ([`Fault::ListingMemberStatus`]) never matches under a calendar.
    pub fn inject_for_calendar(&self, fault: Fault, scope: Scope, calendar: &str) {
        lock(&self.shared.faults).inject_in(
            fault,
            scope,
            Some(calendar.to_string()),
            Instant::now(),
        );
    }

    /// Removes every injected fault and the throttle.
    pub fn clear_faults(&self) {
        self.view().clear_faults();
    }

    /// Changes the quirks in force.
    pub fn set_quirks(&self, quirks: Quirks) {
        lock(&self.shared.account).quirks = quirks;
    }

    /// The quirks in force.
    pub fn quirks(&self) -> Quirks {
        lock(&self.shared.account).quirks.clone()
    }

    /// A snapshot of the request log.
    pub fn requests(&self) -> RequestLog {
        self.view().requests()
    }

    /// The sequence number of the last logged request; pass it to [`RequestLog::since`].
    pub fn log_mark(&self) -> u64 {
        self.shared.seq.load(Ordering::SeqCst)
    }

    /// Empties the request log.
    pub fn clear_log(&self) {
        lock(&self.shared.log).clear();
    }

    /// The iTIP messages server-side scheduling has "sent" so far, oldest first (see
    /// [`scheduling`]).
    pub fn scheduling_log(&self) -> Vec<ItipMessage> {
        lock(&self.shared.scheduling).messages()
    }

    /// Empties the scheduling log (Schedule-Tags stay).
    pub fn clear_scheduling_log(&self) {
        lock(&self.shared.scheduling).clear();
    }

    /// Stores a calendar object directly in Radicale (bypassing the emulator and its log).
    ///
    /// # Errors
    /// When Radicale refuses it.
    pub async fn put_object(
        &self,
        calendar: &str,
        name: &str,
        ics: &str,
    ) -> Result<(), EmulatorError> {
        demo::put(&self.shared.upstream, calendar, name, ics.to_string()).await
    }

    /// iCloud "housekeeping": changes an object's ETag without any edit by the user (its
    /// DTSTAMP is rewritten), so a client's next `If-Match` with the old ETag gets `412`.
    ///
    /// # Errors
    /// When Radicale does not have the object or refuses the rewrite.
    pub async fn housekeep(&self, calendar: &str, name: &str) -> Result<(), EmulatorError> {
        demo::housekeep(&self.shared.upstream, calendar, name).await
    }

    /// Every object of a calendar as the server holds it, as (name, text): what a test checks
    /// on the server side after a client wrote.
    ///
    /// # Errors
    /// When Radicale cannot be reached or does not know the calendar.
    pub async fn objects(&self, calendar: &str) -> Result<Vec<(String, String)>, EmulatorError> {
        let up = &self.shared.upstream;
        let collection = format!("{}{calendar}/", up.prefix());
        let seed = |e: &dyn std::fmt::Display| EmulatorError::Seed(e.to_string());
        let listing = up
            .send(
                "PROPFIND",
                &collection,
                &[("Depth", "1".to_string())],
                Bytes::new(),
            )
            .await
            .map_err(|e| seed(&e))?;
        let body = String::from_utf8_lossy(&listing.body);
        let mut out = Vec::new();
        for piece in body.split("href>").skip(1) {
            let Some(href) = piece.split("</").next() else {
                continue;
            };
            let Some(name) = href.rsplit('/').next().filter(|n| n.ends_with(".ics")) else {
                continue;
            };
            if out.iter().any(|(n, _): &(String, String)| n == name) {
                continue;
            }
            let got = up
                .send("GET", &format!("{collection}{name}"), &[], Bytes::new())
                .await
                .map_err(|e| seed(&e))?;
            out.push((
                name.to_string(),
                String::from_utf8_lossy(&got.body).into_owned(),
            ));
        }
        Ok(out)
    }

    /// Deletes a calendar object directly in Radicale.
    ///
    /// # Errors
    /// When Radicale cannot be reached or does not have it.
    pub async fn delete_object(&self, calendar: &str, name: &str) -> Result<(), EmulatorError> {
        let path = format!("{}{calendar}/{name}", self.shared.upstream.prefix());
        let r = self
            .shared
            .upstream
            .send("DELETE", &path, &[], Bytes::new())
            .await
            .map_err(|e| EmulatorError::Seed(e.to_string()))?;
        if r.status >= 300 {
            return Err(EmulatorError::Seed(format!("DELETE {path}: {}", r.status)));
        }
        Ok(())
    }
}

/// A reqwest client builder that works in every build of the workspace: feature unification can
/// turn on reqwest's TLS without a crypto provider (almanac-caldav uses `rustls-no-provider`),
/// and then building a client panics unless a process-wide provider is installed first.
pub fn http_client() -> reqwest::ClientBuilder {
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // Losing the race to another thread installing one is fine: any provider will do.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
    reqwest::Client::builder().no_proxy()
}
