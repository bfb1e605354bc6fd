//! Shared test rig: an engine with a clock the test drives, views of the store and of a
//! server to compare, and event text.

use almanac_caldav::{CaldavClient, Credentials, Limits};
use almanac_core::{AccountId, AccountKind, AccountState, CalendarId, Etag, Href, Password};
use almanac_icloud_emulator::Emulator;
use almanac_secrets::MemorySecrets;
use almanac_store::Store;
use almanac_sync::{Cancel, Engine, EngineParts, SyncError, SyncReport};
use chrono::{DateTime, TimeZone, Utc};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

/// Runs one property-test case on its own two-thread runtime (proptest's cases are plain
/// functions; each case starts its own emulator).
pub fn run_case<F: std::future::Future<Output = ()>>(case: F) {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
        .block_on(case);
}

/// Calendar path → (member path → etag).
pub type Mirror = BTreeMap<String, BTreeMap<String, String>>;

/// An engine whose clock only moves when the test says so.
pub struct Rig {
    pub engine: Engine,
    pub now: Arc<Mutex<DateTime<Utc>>>,
}

/// The instant the date-sensitive suites start at: `ALMANAC_TEST_NOW` (RFC 3339) when set, so
/// `./x test` can run them again pinned to a DST-change day and to a leap day; else a fixed day.
/// Never the real date.
pub fn start_time() -> DateTime<Utc> {
    match std::env::var("ALMANAC_TEST_NOW") {
        Ok(text) => DateTime::parse_from_rfc3339(&text)
            .expect("ALMANAC_TEST_NOW is an RFC 3339 instant")
            .to_utc(),
        Err(_) => Utc.with_ymd_and_hms(2026, 11, 21, 8, 0, 0).unwrap(),
    }
}

impl Rig {
    pub fn new(store: Store, limits: Limits) -> Rig {
        Rig::with_secrets(
            store,
            limits,
            Arc::new(MemorySecrets::default()),
            start_time(),
        )
    }

    pub fn in_memory() -> Rig {
        Rig::new(Store::open_in_memory().unwrap(), Limits::default())
    }

    pub fn with_secrets(
        store: Store,
        limits: Limits,
        secrets: Arc<MemorySecrets>,
        at: DateTime<Utc>,
    ) -> Rig {
        let now = Arc::new(Mutex::new(at));
        let clock = Arc::clone(&now);
        let engine = Engine::new(EngineParts {
            store,
            secrets,
            limits,
            clock: Arc::new(move || *clock.lock().unwrap()),
            jitter: Arc::new(|| 0.5),
        });
        Rig { engine, now }
    }

    pub fn advance(&self, by: chrono::Duration) {
        *self.now.lock().unwrap() += by;
    }

    pub fn time(&self) -> DateTime<Utc> {
        *self.now.lock().unwrap()
    }

    pub async fn add(&self, kind: AccountKind, url: &str, user: &str, pw: &str) -> AccountId {
        self.engine
            .add_account(kind, url, user, Password::new(pw))
            .await
            .unwrap()
    }

    /// Signs in to the emulator's account with the password it issued at start.
    pub async fn add_icloud(&self, emu: &Emulator) -> AccountId {
        self.add(
            AccountKind::Icloud,
            &emu.entry_url(),
            &emu.apple_id(),
            &emu.password(),
        )
        .await
    }

    pub async fn sync(&self, account: AccountId) -> Result<SyncReport, SyncError> {
        self.engine
            .sync_account(account, almanac_sync::Trigger::User, &Cancel::default())
            .await
    }

    pub async fn state(&self, account: AccountId) -> AccountState {
        self.engine
            .with_store(move |s| s.account(account))
            .await
            .unwrap()
            .state
    }

    /// Moves the clock past any backoff (or wait for a confirming request) the account is in.
    pub async fn wait_out(&self, account: AccountId) {
        if let AccountState::Backoff { until, .. } | AccountState::Confirming { at: until } =
            self.state(account).await
        {
            let mut now = self.now.lock().unwrap();
            if *now <= until {
                *now = until + chrono::Duration::seconds(1);
            }
        }
    }

    /// Syncs until a sync succeeds with nothing held back (at most `tries` attempts), moving the
    /// clock past backoffs in between.
    pub async fn converge(&self, account: AccountId, tries: usize) -> SyncReport {
        let mut last = None;
        for _ in 0..tries {
            self.wait_out(account).await;
            // Calendars a listing left out are removed only when a listing minutes later agrees.
            self.advance(almanac_sync::plan::REMOVAL_AGREEMENT);
            match self.sync(account).await {
                Ok(r)
                    if r.held_deletions == 0
                        && r.missing == 0
                        && !r.listing_held
                        && r.calendar_errors.is_empty()
                        && r.calendars_missing == 0 =>
                {
                    return r;
                }
                other => last = Some(other),
            }
        }
        panic!("no clean sync in {tries} tries; last: {last:?}");
    }

    pub async fn mirror(&self, account: AccountId) -> Mirror {
        self.engine
            .with_store(move |s| {
                let mut out = Mirror::new();
                // Task lists are stored to be named, never synced: the server's mirror skips them.
                let events = |c: &almanac_core::Calendar| {
                    c.components.is_empty()
                        || c.components.contains(&almanac_core::ComponentKind::Vevent)
                };
                for c in s.calendars(account)?.into_iter().filter(events) {
                    let etags = s.local_etags(c.id)?;
                    out.insert(
                        c.href.to_string(),
                        etags
                            .into_iter()
                            .map(|(h, e)| (h.to_string(), e.as_str().to_string()))
                            .collect(),
                    );
                }
                Ok(out)
            })
            .await
            .unwrap()
    }

    /// Every stored resource's text, by path.
    pub async fn contents(&self, account: AccountId) -> BTreeMap<String, String> {
        self.engine
            .with_store(move |s| {
                let mut out = BTreeMap::new();
                for c in s.calendars(account)? {
                    for href in s.local_etags(c.id)?.into_keys() {
                        let text = s.resource_ics(c.id, &href)?;
                        out.insert(href.to_string(), text);
                    }
                }
                Ok(out)
            })
            .await
            .unwrap()
    }

    /// Occurrences per resource path in a window around the test events.
    pub async fn occurrences(&self) -> BTreeMap<String, usize> {
        self.engine
            .with_store(|s| {
                let from = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
                let to = Utc.with_ymd_and_hms(2028, 1, 1, 0, 0, 0).unwrap();
                let mut out = BTreeMap::new();
                for o in s.occurrences_between(from, to, chrono_tz::UTC, false)? {
                    *out.entry(o.href.to_string()).or_insert(0) += 1;
                }
                Ok(out)
            })
            .await
            .unwrap()
    }

    /// The stored sync token of the calendar at `href`.
    /// How many members of the calendar at `href` wait to be fetched again.
    pub async fn pending(&self, account: AccountId, href: &str) -> usize {
        let href = href.to_string();
        self.engine
            .with_store(move |s| {
                let cal = s
                    .calendars(account)?
                    .into_iter()
                    .find(|c| c.href.as_str() == href);
                Ok(match cal {
                    Some(c) => s.pending_fetches(c.id)?.len(),
                    None => 0,
                })
            })
            .await
            .unwrap()
    }

    pub async fn token(&self, account: AccountId, href: &str) -> Option<String> {
        let href = href.to_string();
        self.engine
            .with_store(move |s| {
                let cal = s
                    .calendars(account)?
                    .into_iter()
                    .find(|c| c.href.as_str() == href);
                Ok(cal
                    .and_then(|c| c.sync_token)
                    .map(|t| t.as_str().to_string()))
            })
            .await
            .unwrap()
    }
}

/// How many `StateChanged` events with `state` arrived so far (lagged events are skipped).
pub fn count_states(
    events: &mut tokio::sync::broadcast::Receiver<almanac_sync::SyncEvent>,
    state: &AccountState,
) -> usize {
    let mut n = 0;
    loop {
        match events.try_recv() {
            Ok(almanac_sync::SyncEvent::StateChanged { state: s, .. }) if s == *state => n += 1,
            Ok(_) | Err(tokio::sync::broadcast::error::TryRecvError::Lagged(_)) => {}
            Err(_) => return n,
        }
    }
}

/// A second client, with its own credentials, that edits and inspects the server.
pub struct Remote {
    pub client: CaldavClient,
    pub home: Href,
}

impl Remote {
    pub async fn connect(url: &str, user: &str, pw: &str) -> Remote {
        let creds = Credentials {
            username: user.into(),
            password: Password::new(pw),
        };
        let client = CaldavClient::new(url, Some(creds), Limits::default()).unwrap();
        let found = client.discover().await.unwrap();
        Remote {
            client,
            home: Href::new(found.home.path()),
        }
    }

    /// Every event calendar the server lists, with its members' etags.
    pub async fn mirror(&self) -> Mirror {
        let listing = self.client.list_calendars(&self.home).await.unwrap();
        let mut out = Mirror::new();
        for cal in listing.calendars {
            let events = cal.components.is_empty()
                || cal
                    .components
                    .contains(&almanac_core::ComponentKind::Vevent);
            if !events {
                continue;
            }
            let members = self.client.list_etags(&cal.href).await.unwrap();
            out.insert(
                cal.href.to_string(),
                members
                    .into_iter()
                    .map(|(h, e)| (h.to_string(), e.as_str().to_string()))
                    .collect(),
            );
        }
        out
    }

    /// Every member's text as the server serves it, for the members of `mirror`.
    pub async fn contents(&self, mirror: &Mirror) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        for (calendar, members) in mirror {
            let hrefs: Vec<Href> = members.keys().map(Href::new).collect();
            let fetched = self
                .client
                .multiget(&Href::new(calendar.as_str()), &hrefs)
                .await
                .unwrap();
            for r in fetched.found {
                out.insert(r.href.to_string(), r.data);
            }
        }
        out
    }

    /// The sync token the listing shows for a calendar.
    pub async fn token(&self, href: &str) -> Option<String> {
        let listing = self.client.list_calendars(&self.home).await.unwrap();
        listing
            .calendars
            .into_iter()
            .find(|c| c.href.as_str() == href)
            .and_then(|c| c.sync_token)
            .map(|t| t.as_str().to_string())
    }

    pub fn path(&self, calendar: &str, name: &str) -> Href {
        Href::new(format!("{}{calendar}/{name}", self.home))
    }

    pub async fn create(&self, calendar: &str, name: &str, ics: &str) {
        self.client
            .put_create(&self.path(calendar, name), ics)
            .await
            .unwrap();
    }

    pub async fn etag(&self, calendar: &str, name: &str) -> Etag {
        let href = self.path(calendar, name);
        let cal = Href::new(format!("{}{calendar}/", self.home));
        self.client
            .list_etags(&cal)
            .await
            .unwrap()
            .into_iter()
            .find(|(h, _)| *h == href)
            .map(|(_, e)| e)
            .unwrap()
    }

    pub async fn change(&self, calendar: &str, name: &str, ics: &str) {
        let etag = self.etag(calendar, name).await;
        self.client
            .put_update(&self.path(calendar, name), &etag, ics)
            .await
            .unwrap();
    }

    pub async fn remove(&self, calendar: &str, name: &str) {
        let etag = self.etag(calendar, name).await;
        self.client
            .delete(&self.path(calendar, name), &etag)
            .await
            .unwrap();
    }
}

/// A one-hour event on day `day` of December 2026 (one occurrence).
pub fn event(uid: &str, summary: &str, day: u32) -> String {
    format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Almanac tests//EN\r\nBEGIN:VEVENT\r\nUID:{uid}\r\n\
         DTSTAMP:20261101T090000Z\r\nDTSTART:202612{day:02}T090000Z\r\nDTEND:202612{day:02}T100000Z\r\n\
         SUMMARY:{summary}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
}

/// Sends a bare WebDAV request (MKCALENDAR, DELETE of a collection) with Basic auth.
pub async fn dav(method: &str, url: &str, user: &str, pw: &str, body: &str) -> u16 {
    let client = almanac_icloud_emulator::http_client().build().unwrap();
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    client
        .request(method, url)
        .basic_auth(user, Some(pw))
        .header("content-type", "application/xml; charset=utf-8")
        .body(body.to_string())
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

pub const MKCALENDAR: &str = r#"<?xml version="1.0" encoding="UTF-8"?><C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:set><D:prop><D:displayname>Added</D:displayname><C:supported-calendar-component-set><C:comp name="VEVENT"/></C:supported-calendar-component-set></D:prop></D:set></C:mkcalendar>"#;

/// Asserts the store holds exactly what the server holds, each event with one occurrence.
pub async fn assert_mirrors(rig: &Rig, account: AccountId, remote: &Remote) {
    let server = remote.mirror().await;
    let local = rig.mirror(account).await;
    assert_eq!(local, server, "store differs from server");
    // Content, not bytes: a server may store what we sent in its own serialisation (Radicale
    // reorders properties and ends lines with LF, and still answers with an ETag).
    let content = |texts: BTreeMap<String, String>| -> BTreeMap<String, Vec<String>> {
        texts
            .into_iter()
            .map(|(href, text)| {
                let mut lines: Vec<String> = text
                    .replace("\r\n ", "")
                    .replace("\n ", "")
                    .lines()
                    .map(|l| l.trim_end_matches('\r').to_string())
                    .filter(|l| !l.is_empty())
                    .collect();
                lines.sort();
                (href, lines)
            })
            .collect()
    };
    assert_eq!(
        content(rig.contents(account).await),
        content(remote.contents(&server).await),
        "stored text differs from the server's"
    );
    let expected: BTreeMap<String, usize> = server
        .values()
        .flat_map(|m| m.keys().map(|h| (h.clone(), 1)))
        .collect();
    assert_eq!(rig.occurrences().await, expected, "occurrence index");
}

/// A second client of the emulator with its own app-specific password, for edits and checks.
pub async fn remote(emu: &Emulator) -> Remote {
    let pw = emu.issue_password().unwrap();
    Remote::connect(&emu.entry_url(), &emu.apple_id(), &pw).await
}

/// Puts one event per name into an emulator calendar, on consecutive days.
pub async fn seed(emu: &Emulator, calendar: &str, names: &[&str]) {
    for (i, n) in names.iter().enumerate() {
        let day = u32::try_from(i).unwrap() + 1;
        emu.put_object(calendar, &format!("{n}.ics"), &event(n, n, day))
            .await
            .unwrap();
    }
}

/// The id the rig gave the calendar at `href`.
pub async fn calendar_id(rig: &Rig, account: AccountId, href: &str) -> CalendarId {
    let href = href.to_string();
    rig.engine
        .with_store(move |s| {
            Ok(s.calendars(account)?
                .into_iter()
                .find(|c| c.href.as_str() == href)
                .map(|c| c.id))
        })
        .await
        .unwrap()
        .unwrap()
}

/// An emulator account synced once by a rig, with a second client and its "home" calendar.
pub struct HomeSetup {
    pub emu: Emulator,
    pub rig: Rig,
    pub account: AccountId,
    pub other: Remote,
    pub home: CalendarId,
    pub home_href: String,
}

/// The emulator with its random choices (ETags, tokens, fault draws) fixed by `seed`, so that a
/// failing test fails the same way again.
pub async fn seeded_emulator(seed: u64) -> Emulator {
    Emulator::start(almanac_icloud_emulator::Options {
        seed: Some(seed),
        ..Default::default()
    })
    .await
    .unwrap()
}

/// Starts an emulator (`seed` fixes its generated values), puts `names` into "home" as in
/// [`seed`], and syncs it once.
pub async fn home_setup(seed_value: u64, names: &[&str]) -> HomeSetup {
    let emu = seeded_emulator(seed_value).await;
    seed(&emu, "home", names).await;
    let rig = Rig::new(Store::open_in_memory().unwrap(), Default::default());
    let account = rig.add_icloud(&emu).await;
    rig.sync(account).await.unwrap();
    let other = remote(&emu).await;
    let home_href = format!("{}home/", other.home);
    let home = calendar_id(&rig, account, &home_href).await;
    HomeSetup {
        emu,
        rig,
        account,
        other,
        home,
        home_href,
    }
}
