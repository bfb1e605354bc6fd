//! The engine against the iCloud emulator: convergence through server edits and calendar
//! changes, one request per no-change sync, invalid sync tokens, partition moves, and the
//! revocation policy (the dead password is sent at most twice, across restarts).

use crate::common::*;
use almanac_core::{AccountKind, AccountState, Password};
use almanac_icloud_emulator::{Emulator, Fault, Options, Scope};
use almanac_store::Store;
use almanac_sync::SyncError;

async fn emulator() -> Emulator {
    seeded_emulator(7).await
}

/// Requests the engine's password carried after `mark`.
fn sent_with(emu: &Emulator, mark: u64, pw: &str) -> Vec<almanac_icloud_emulator::LoggedRequest> {
    emu.requests()
        .since(mark)
        .with_credential(pw)
        .into_iter()
        .cloned()
        .collect()
}

fn assert_one_home_propfind(emu: &Emulator, mark: u64, pw: &str) {
    let sent = sent_with(emu, mark, pw);
    assert_eq!(
        sent.len(),
        1,
        "a no-change sync sends one request: {sent:#?}"
    );
    let home = url::Url::parse(&emu.home_url()).unwrap();
    assert_eq!(
        (
            sent[0].method.as_str(),
            sent[0].depth.as_deref(),
            sent[0].path.as_str()
        ),
        ("PROPFIND", Some("1"), home.path())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn converges_through_edits_moves_and_calendar_changes_with_one_request_when_idle() {
    let emu = emulator().await;
    seed(&emu, "home", &["h1", "h2", "h3"]).await;
    seed(&emu, "work", &["w1", "w2"]).await;
    let rig = Rig::in_memory();
    let pw = emu.password();
    let account = rig
        .add(AccountKind::Icloud, &emu.entry_url(), &emu.apple_id(), &pw)
        .await;
    let first = rig.sync(account).await.unwrap();
    let admin = remote(&emu).await;
    let held: usize = admin.mirror().await.values().map(|m| m.len()).sum();
    assert_eq!(first.fetched, held, "{first:?}");
    assert_mirrors(&rig, account, &admin).await;

    let mark = emu.log_mark();
    let idle = rig.sync(account).await.unwrap();
    assert_eq!((idle.fetched, idle.deleted), (0, 0), "{idle:?}");
    assert_one_home_propfind(&emu, mark, &pw);

    // Add, change, delete, and move h3 from home to work (same UID, new path).
    emu.put_object("home", "h4.ics", &event("h4", "new", 10))
        .await
        .unwrap();
    emu.put_object("work", "w1.ics", &event("w1", "changed", 11))
        .await
        .unwrap();
    emu.delete_object("work", "w2.ics").await.unwrap();
    emu.delete_object("home", "h3.ics").await.unwrap();
    emu.put_object("work", "h3.ics", &event("h3", "moved", 3))
        .await
        .unwrap();
    let second = rig.sync(account).await.unwrap();
    assert_eq!((second.fetched, second.deleted), (3, 2), "{second:?}");
    assert_mirrors(&rig, account, &admin).await;
    let moved = rig
        .engine
        .with_store(|s| s.search("moved", 10))
        .await
        .unwrap();
    assert_eq!(moved.len(), 1, "the moved event exists once");

    // A calendar appears with an event, then another disappears.
    let added = format!("{}added-cal/", emu.home_url());
    let status = dav(
        "MKCALENDAR",
        &added,
        &emu.apple_id(),
        &emu.issue_password().unwrap(),
        MKCALENDAR,
    )
    .await;
    assert_eq!(status, 201);
    emu.put_object("added-cal", "a1.ics", &event("a1", "in added", 12))
        .await
        .unwrap();
    let third = rig.sync(account).await.unwrap();
    assert_eq!((third.calendars_added, third.fetched), (1, 1), "{third:?}");
    assert_mirrors(&rig, account, &admin).await;

    let gone = format!("{}work/", emu.home_url());
    assert_eq!(
        dav(
            "DELETE",
            &gone,
            &emu.apple_id(),
            &emu.issue_password().unwrap(),
            ""
        )
        .await,
        200
    );
    let first_look = rig.sync(account).await.unwrap();
    assert_eq!(
        first_look.calendars_removed, 0,
        "one listing without it is not enough"
    );
    rig.advance(chrono::Duration::minutes(3));
    let fourth = rig.sync(account).await.unwrap();
    assert_eq!(fourth.calendars_removed, 1, "{fourth:?}");
    assert_mirrors(&rig, account, &admin).await;

    let mark = emu.log_mark();
    rig.sync(account).await.unwrap();
    assert_one_home_propfind(&emu, mark, &pw);

    // One changed event costs three requests: listing, sync-collection, multiget.
    emu.put_object("home", "h5.ics", &event("h5", "one more", 13))
        .await
        .unwrap();
    let mark = emu.log_mark();
    rig.sync(account).await.unwrap();
    let sent: Vec<_> = sent_with(&emu, mark, &pw)
        .into_iter()
        .map(|r| (r.method, r.report))
        .collect();
    let report = |r: &str| ("REPORT".to_string(), Some(r.to_string()));
    assert_eq!(
        sent,
        vec![
            ("PROPFIND".to_string(), None),
            report("sync-collection"),
            report("calendar-multiget")
        ]
    );
    assert_eq!(rig.state(account).await, AccountState::Active);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_account_syncs_and_then_idles_on_one_request() {
    let emu = Emulator::start(Options {
        demo: true,
        seed: Some(2026),
        ..Options::default()
    })
    .await
    .unwrap();
    let rig = Rig::in_memory();
    let pw = emu.password();
    let account = rig
        .add(AccountKind::Icloud, &emu.entry_url(), &emu.apple_id(), &pw)
        .await;
    let mark = emu.log_mark();
    let first = rig.sync(account).await.unwrap();
    assert!(first.fetched + first.quarantined > 250, "{first:?}");
    // The listing, then per calendar one sync-collection and one multiget per 100 events.
    let sent = sent_with(&emu, mark, &pw).len();
    assert!(sent <= 12, "a full sync of the demo sent {sent} requests");
    let admin = remote(&emu).await;
    assert_eq!(rig.mirror(account).await, admin.mirror().await);
    for _ in 0..3 {
        let mark = emu.log_mark();
        rig.sync(account).await.unwrap();
        assert_one_home_propfind(&emu, mark, &pw);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invalid_sync_token_resyncs_by_etag_and_keeps_local_data() {
    let emu = emulator().await;
    seed(&emu, "home", &["a", "b", "c"]).await;
    seed(&emu, "work", &["d"]).await;
    let rig = Rig::in_memory();
    let account = rig.add_icloud(&emu).await;
    rig.sync(account).await.unwrap();
    let admin = remote(&emu).await;
    let home = admin.home.to_string() + "home/";
    let old = rig.token(account, &home).await.unwrap();

    emu.expire_sync_tokens();
    emu.put_object("home", "e.ics", &event("e", "after expiry", 5))
        .await
        .unwrap();
    let report = rig.sync(account).await.unwrap();
    assert_eq!(
        (report.fetched, report.deleted),
        (1, 0),
        "only the new event is fetched: {report:?}"
    );
    assert_mirrors(&rig, account, &admin).await;
    let new = rig.token(account, &home).await.unwrap();
    assert_ne!(new, old, "the token was renewed");
    assert_eq!(Some(new), admin.token(&home).await);
    assert_eq!(rig.state(account).await, AccountState::Active);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_partition_move_is_followed_without_duplicates() {
    let emu = emulator().await;
    seed(&emu, "home", &["a", "b"]).await;
    let rig = Rig::in_memory();
    let account = rig.add_icloud(&emu).await;
    rig.sync(account).await.unwrap();
    let before = rig.mirror(account).await;

    emu.move_partition();
    emu.put_object("home", "c.ics", &event("c", "after move", 3))
        .await
        .unwrap();
    let report = rig.converge(account, 3).await;
    assert_eq!(report.fetched, 1, "{report:?}");
    let admin = remote(&emu).await;
    assert_mirrors(&rig, account, &admin).await;
    let after = rig.mirror(account).await;
    assert_eq!(after.len(), before.len(), "no duplicate calendars");
    let stored_home = rig
        .engine
        .with_store(move |s| s.home_url(account))
        .await
        .unwrap();
    assert_eq!(stored_home.as_deref(), Some(emu.home_url().as_str()));
    assert_eq!(rig.state(account).await, AccountState::Active);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_password_is_sent_at_most_twice_even_across_restarts() {
    let emu = emulator().await;
    seed(&emu, "home", &["a", "b"]).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("almanac.sqlite");
    let secrets = std::sync::Arc::new(almanac_secrets::MemorySecrets::default());
    let pw = emu.password();
    let rig = Rig::with_secrets(
        Store::open(&path).unwrap(),
        almanac_caldav::Limits::default(),
        secrets.clone(),
        start_time(),
    );
    let account = rig
        .add(AccountKind::Icloud, &emu.entry_url(), &emu.apple_id(), &pw)
        .await;
    rig.sync(account).await.unwrap();
    let kept = rig.mirror(account).await;

    let mark = emu.log_mark();
    emu.revoke_all();
    // The first refusal is not yet a revocation: the confirming request waits 30 seconds, and
    // nothing is sent before it, even when the user asks.
    let err = rig.sync(account).await.unwrap_err();
    assert!(matches!(err, SyncError::Unavailable(_)), "{err:?}");
    let AccountState::Confirming { at } = rig.state(account).await else {
        panic!("{:?}", rig.state(account).await);
    };
    assert!(at >= rig.time() + almanac_sync::policy::CONFIRM_DELAY);
    rig.advance(chrono::Duration::seconds(29));
    let err = rig.sync(account).await.unwrap_err();
    assert!(matches!(err, SyncError::NotNow { .. }), "{err:?}");
    drop(rig);

    // A restart in between: the new engine over the same file and keychain confirms, once, at
    // the entry host.
    let rig = Rig::with_secrets(
        Store::open(&path).unwrap(),
        almanac_caldav::Limits::default(),
        secrets.clone(),
        at + chrono::Duration::seconds(1),
    );
    let mut events = rig.engine.subscribe();
    let err = rig.sync(account).await.unwrap_err();
    assert!(matches!(err, SyncError::NeedsRelink { .. }), "{err:?}");
    assert_eq!(rig.state(account).await, AccountState::NeedsRelink);
    let confirming = sent_with(&emu, mark, &pw);
    assert_eq!(confirming.len(), 2, "{confirming:#?}");
    assert_eq!(
        confirming[1].host, "entry",
        "the confirmation goes to the entry host"
    );
    for _ in 0..3 {
        rig.advance(chrono::Duration::hours(1));
        let err = rig.sync(account).await.unwrap_err();
        assert!(matches!(err, SyncError::NotNow { .. }), "{err:?}");
    }
    assert_eq!(
        count_states(&mut events, &AccountState::NeedsRelink),
        1,
        "the user is told once"
    );
    let at = rig.time();
    drop(rig);

    // Another restart: still nothing is sent.
    let rig = Rig::with_secrets(
        Store::open(&path).unwrap(),
        almanac_caldav::Limits::default(),
        secrets,
        at + chrono::Duration::days(1),
    );
    for _ in 0..3 {
        let err = rig.sync(account).await.unwrap_err();
        assert!(matches!(err, SyncError::NotNow { .. }), "{err:?}");
    }
    assert_eq!(rig.mirror(account).await, kept, "local data stays");
    let dead = sent_with(&emu, mark, &pw);
    assert!(
        dead.len() <= 2,
        "the dead password went out {} times: {dead:#?}",
        dead.len()
    );
    assert!(dead.iter().all(|r| r.status == 401));

    // A new password resumes incrementally, even after a partition move in the meantime:
    // nothing is downloaded again.
    emu.move_partition();
    let fresh = emu.issue_password().unwrap();
    rig.engine
        .relink(account, Password::new(fresh.clone()))
        .await
        .unwrap();
    assert_eq!(rig.state(account).await, AccountState::Active);
    emu.put_object("home", "c.ics", &event("c", "after relink", 3))
        .await
        .unwrap();
    let report = rig.sync(account).await.unwrap();
    assert_eq!((report.fetched, report.deleted), (1, 0), "{report:?}");
    assert_eq!(
        sent_with(&emu, mark, &pw).len(),
        dead.len(),
        "still nothing with the dead one"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_spurious_401_is_not_a_revocation() {
    let emu = emulator().await;
    seed(&emu, "home", &["a", "b"]).await;
    let rig = Rig::in_memory();
    let account = rig.add_icloud(&emu).await;
    rig.sync(account).await.unwrap();
    emu.inject(Fault::SpuriousUnauthorized, Scope::Next(1));
    let result = rig.sync(account).await;
    assert!(
        !matches!(result, Err(SyncError::NeedsRelink { .. })),
        "{result:?}"
    );
    assert_ne!(rig.state(account).await, AccountState::NeedsRelink);
    rig.converge(account, 3).await;
    assert_eq!(rig.state(account).await, AccountState::Active);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_sync_keeps_the_state_and_the_next_one_finishes_the_work() {
    let emu = emulator().await;
    seed(&emu, "home", &["a"]).await;
    let rig = Rig::in_memory();
    let account = rig.add_icloud(&emu).await;
    rig.sync(account).await.unwrap();
    emu.put_object("home", "b.ics", &event("b", "b", 2))
        .await
        .unwrap();
    let cancel = almanac_sync::Cancel::default();
    cancel.cancel();
    let err = rig
        .engine
        .sync_account(account, almanac_sync::Trigger::User, &cancel)
        .await
        .unwrap_err();
    assert!(matches!(err, SyncError::Cancelled), "{err:?}");
    assert_eq!(rig.state(account).await, AccountState::Active, "no backoff");
    let report = rig.sync(account).await.unwrap();
    assert_eq!(report.fetched, 1, "{report:?}");
}

/// The app and a CLI run share one store: while one syncs an account, the other's sync of it
/// does not start (a lock in the store, across processes), and afterwards it runs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_never_sync_one_account_at_once() {
    let emu = emulator().await;
    seed(&emu, "home", &["a"]).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("almanac.sqlite3");
    let secrets = std::sync::Arc::new(almanac_secrets::MemorySecrets::default());
    let rig = |secrets| {
        Rig::with_secrets(
            Store::open(&path).unwrap(),
            almanac_caldav::Limits::default(),
            secrets,
            start_time(),
        )
    };
    let app = std::sync::Arc::new(rig(secrets.clone()));
    let account = app.add_icloud(&emu).await;
    app.sync(account).await.unwrap();
    let cli = rig(secrets);

    emu.inject(Fault::Slow { millis: 3000 }, Scope::Next(1));
    let running = tokio::spawn({
        let app = std::sync::Arc::clone(&app);
        async move { app.sync(account).await }
    });
    // The app's sync holds the lock once the shared store says Syncing; its first request is
    // then held three seconds by the server.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while cli.state(account).await != AccountState::Syncing {
        assert!(
            std::time::Instant::now() < deadline,
            "the app's sync never started"
        );
        tokio::task::yield_now().await;
    }
    let err = cli.sync(account).await.unwrap_err();
    assert!(
        matches!(
            err,
            SyncError::NotNow {
                state: AccountState::Syncing,
                ..
            }
        ),
        "{err:?}"
    );
    running.await.unwrap().unwrap();
    cli.sync(account)
        .await
        .expect("runs once the app's sync is done");
}

/// A keychain that cannot be reached (locked, or no daemon) is said as such and retried; the
/// server is not asked, and nothing local is lost.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_locked_keychain_is_said_and_the_server_is_not_asked() {
    let emu = emulator().await;
    seed(&emu, "home", &["a"]).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("almanac.sqlite3");
    let open = |secrets| {
        Rig::with_secrets(
            Store::open(&path).unwrap(),
            almanac_caldav::Limits::default(),
            secrets,
            start_time(),
        )
    };
    let unlocked = std::sync::Arc::new(almanac_secrets::MemorySecrets::default());
    let rig = open(unlocked.clone());
    let account = rig.add_icloud(&emu).await;
    rig.sync(account).await.unwrap();
    let kept = rig.mirror(account).await;
    drop(rig);

    let locked = open(std::sync::Arc::new(
        almanac_secrets::MemorySecrets::unavailable(),
    ));
    let mark = emu.log_mark();
    let err = locked.sync(account).await.unwrap_err();
    assert!(matches!(err, SyncError::Secrets(_)), "{err:?}");
    assert_eq!(locked.state(account).await, AccountState::KeychainLocked);
    assert!(
        emu.requests().since(mark).entries.is_empty(),
        "nothing sent"
    );
    assert_eq!(locked.mirror(account).await, kept);
    drop(locked);

    let back = open(unlocked);
    back.sync(account)
        .await
        .expect("syncs once the keychain is open");
    assert_eq!(back.state(account).await, AccountState::Active);
}

/// A cancel drops every request in flight at once, whichever calendar it belongs to; what was
/// stored stays, and the next sync finishes the work.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancel_stops_the_work_in_flight_and_keeps_what_was_stored() {
    let emu = emulator().await;
    seed(&emu, "home", &["h0"]).await;
    seed(&emu, "work", &["w0"]).await;
    let rig = std::sync::Arc::new(Rig::in_memory());
    let account = rig.add_icloud(&emu).await;
    rig.sync(account).await.unwrap();
    emu.put_object("home", "h1.ics", &event("h1", "h1", 2))
        .await
        .unwrap();
    emu.put_object("work", "w1.ics", &event("w1", "w1", 2))
        .await
        .unwrap();
    // Work answers after a minute; home at once.
    emu.inject_for_calendar(
        Fault::Slow { millis: 60_000 },
        Scope::ForMillis(120_000),
        "work",
    );
    let cancel = almanac_sync::Cancel::default();
    let running = tokio::spawn({
        let (rig, cancel) = (std::sync::Arc::clone(&rig), cancel.clone());
        async move {
            rig.engine
                .sync_account(account, almanac_sync::Trigger::User, &cancel)
                .await
        }
    });
    let home = format!("{}home/h1.ics", remote(&emu).await.home);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !rig.contents(account).await.contains_key(&home) {
        assert!(
            std::time::Instant::now() < deadline,
            "home was never stored"
        );
        tokio::task::yield_now().await;
    }
    cancel.cancel();
    let result = tokio::time::timeout(std::time::Duration::from_secs(20), running)
        .await
        .expect("the cancel does not wait for the slow answer")
        .unwrap();
    assert!(matches!(result, Err(SyncError::Cancelled)), "{result:?}");
    assert_eq!(rig.state(account).await, AccountState::Active);
    assert!(rig.contents(account).await.contains_key(&home), "kept");

    emu.clear_faults();
    rig.sync(account).await.unwrap();
    assert_mirrors(&rig, account, &remote(&emu).await).await;
}

/// A Retry-After from one calendar's request pauses every request to the host: the run stops
/// (the other calendars' requests in flight are dropped) and nothing is sent until it passes,
/// not even when the user asks.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retry_after_from_one_calendar_pauses_every_request_to_the_host() {
    let emu = emulator().await;
    for calendar in ["home", "work"] {
        seed(&emu, calendar, &["x0"]).await;
    }
    let rig = Rig::in_memory();
    let account = rig.add_icloud(&emu).await;
    rig.sync(account).await.unwrap();
    for calendar in ["home", "work"] {
        emu.put_object(calendar, "x1.ics", &event("x1", "x1", 3))
            .await
            .unwrap();
    }
    let throttled = Fault::Status {
        status: 503,
        retry_after: Some(120),
    };
    emu.inject_for_calendar(throttled, Scope::Next(1), "work");
    let err = rig.sync(account).await.unwrap_err();
    assert!(matches!(err, SyncError::Unavailable(_)), "{err:?}");
    let AccountState::Backoff {
        until,
        server_asked: true,
    } = rig.state(account).await
    else {
        panic!("{:?}", rig.state(account).await);
    };
    assert!(until >= rig.time() + chrono::Duration::seconds(120));
    let mark = emu.log_mark();
    assert!(matches!(
        rig.sync(account).await,
        Err(SyncError::NotNow { .. })
    ));
    assert!(
        emu.requests().since(mark).entries.is_empty(),
        "nothing sent"
    );
    rig.wait_out(account).await;
    rig.sync(account).await.unwrap();
    assert_mirrors(&rig, account, &remote(&emu).await).await;
}
