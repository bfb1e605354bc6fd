//! No false alarms (design.md §3): every fault the emulator can produce, through several sync
//! cycles, ends in Offline or Backoff and never in NeedsRelink; local data survives each; a
//! final fault-free sync converges. Time moves only by the engine's injected clock.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use almanac_caldav::Limits;
use almanac_core::{AccountId, AccountState};
use almanac_icloud_emulator::{Emulator, Fault, Options, Scope};
use almanac_store::Store;
use almanac_sync::SyncError;
use common::*;
use std::time::Duration;

/// Short timeouts, so that a slow answer is a timeout within a second.
fn limits() -> Limits {
    Limits {
        read_timeout: Duration::from_millis(1500),
        total_timeout: Duration::from_secs(3),
        ..Limits::default()
    }
}

/// Runs `n` sync cycles (moving the clock past any backoff first) and returns the states they
/// left; fails at once on anything that looks like a revocation.
async fn cycles(rig: &Rig, account: AccountId, n: usize, what: &str) -> Vec<AccountState> {
    let mut states = Vec::new();
    for _ in 0..n {
        rig.wait_out(account).await;
        let result = rig.sync(account).await;
        assert!(
            !matches!(result, Err(SyncError::NeedsRelink { .. })),
            "{what}: {result:?}"
        );
        let state = rig.state(account).await;
        assert_ne!(state, AccountState::NeedsRelink, "{what}");
        states.push(state);
    }
    states
}

fn is_backoff(s: &AccountState) -> bool {
    matches!(s, AccountState::Backoff { .. })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_fault_leads_to_needs_relink_and_local_data_survives_each() {
    let emu = Emulator::start(Options {
        seed: Some(11),
        ..Options::default()
    })
    .await
    .unwrap();
    seed(&emu, "home", &["a", "b", "c", "d"]).await;
    let rig = Rig::new(Store::open_in_memory().unwrap(), limits());
    let account = rig.add_icloud(&emu).await;
    rig.sync(account).await.unwrap();
    let mut events = rig.engine.subscribe();
    let admin = Remote::connect(
        &emu.entry_url(),
        &emu.apple_id(),
        &emu.issue_password().unwrap(),
    )
    .await;
    let home_cal = format!("{}home/", admin.home);
    let kept = |m: &Mirror| m.get(&home_cal).map_or(0, |c| c.len());
    assert_eq!(kept(&rig.mirror(account).await), 4);

    // 503 with Retry-After: Backoff at least that long, and nothing is sent before it.
    emu.throttle(Duration::from_secs(600), Duration::from_secs(120));
    let before = rig.time();
    let states = cycles(&rig, account, 1, "throttle").await;
    match states[0] {
        AccountState::Backoff { until } => {
            assert!(until >= before + chrono::Duration::seconds(120), "{until}");
        }
        ref s => panic!("throttle left {s:?}"),
    }
    let mark = emu.log_mark();
    rig.advance(chrono::Duration::seconds(60));
    assert!(matches!(
        rig.sync(account).await,
        Err(SyncError::NotNow { .. })
    ));
    assert_eq!(
        emu.requests().since(mark).entries.len(),
        0,
        "nothing sent in backoff"
    );
    let states = cycles(&rig, account, 2, "throttle").await;
    assert!(states.iter().all(is_backoff), "{states:?}");
    emu.clear_faults();
    rig.converge(account, 3).await;

    // Server faults: a 500 means Backoff. A truncated body too, or Offline: the emulator's hyper
    // may close the connection before the headers leave, which no client can tell from a reset.
    for (fault, offline_ok) in [
        (
            Fault::Status {
                status: 500,
                retry_after: None,
            },
            false,
        ),
        (Fault::TruncatedBody, true),
    ] {
        emu.inject(fault.clone(), Scope::Next(1));
        let states = cycles(&rig, account, 1, &fault.label()).await;
        assert!(
            is_backoff(&states[0]) || (offline_ok && states[0] == AccountState::Offline),
            "{fault:?}: {states:?}"
        );
        emu.inject(fault.clone(), Scope::Next(6));
        cycles(&rig, account, 3, &fault.label()).await;
        emu.clear_faults();
        rig.converge(account, 3).await;
    }

    // Network faults: a reset and a slow answer beyond the timeout mean Offline.
    for fault in [Fault::ConnectionReset, Fault::Slow { millis: 2500 }] {
        emu.inject(fault.clone(), Scope::Next(1));
        let states = cycles(&rig, account, 1, &fault.label()).await;
        assert_eq!(states[0], AccountState::Offline, "{fault:?}");
        emu.inject(fault.clone(), Scope::Next(3));
        cycles(&rig, account, 2, &fault.label()).await;
        emu.clear_faults();
        rig.converge(account, 3).await;
    }

    // A well-formed empty answer for a changed calendar: nothing local is deleted.
    emu.put_object("home", "e.ics", &event("e", "e", 5))
        .await
        .unwrap();
    emu.inject(
        Fault::EmptyMultistatus {
            calendar: "home".into(),
        },
        Scope::Next(2),
    );
    cycles(&rig, account, 2, "empty 207").await;
    assert!(
        kept(&rig.mirror(account).await) >= 4,
        "the guard keeps local data"
    );
    emu.clear_faults();
    rig.converge(account, 3).await;
    assert_mirrors(&rig, account, &admin).await;

    // A listed href that multiget says is missing: not deleted, kept as pending (so the token
    // may advance), and fetched by name at the next sync.
    let token = rig.token(account, &home_cal).await;
    emu.put_object("home", "f.ics", &event("f", "f", 6))
        .await
        .unwrap();
    emu.put_object("home", "a.ics", &event("a", "a changed", 1))
        .await
        .unwrap();
    for name in ["f.ics", "a.ics"] {
        emu.inject(
            Fault::MultigetNotFound {
                href: format!("{home_cal}{name}"),
            },
            Scope::Next(1),
        );
    }
    let report = rig.sync(account).await.unwrap();
    assert_eq!(report.missing, 2, "{report:?}");
    let local = rig.mirror(account).await;
    assert!(
        local[&home_cal].contains_key(&format!("{home_cal}a.ics")),
        "not deleted"
    );
    assert_ne!(
        rig.token(account, &home_cal).await,
        token,
        "the token advanced"
    );
    assert_eq!(rig.pending(account, &home_cal).await, 2, "both are pending");
    let next = rig.sync(account).await.unwrap();
    assert_eq!((next.fetched, next.missing), (2, 0), "{next:?}");
    assert_eq!(rig.pending(account, &home_cal).await, 0);
    rig.converge(account, 3).await;
    assert_mirrors(&rig, account, &admin).await;

    // Invalid tokens and a partition move, in a row, with faults on top.
    emu.expire_sync_tokens();
    emu.move_partition();
    emu.inject(Fault::SpuriousUnauthorized, Scope::Next(1));
    emu.put_object("home", "g.ics", &event("g", "g", 7))
        .await
        .unwrap();
    cycles(&rig, account, 2, "expired tokens, moved partition").await;
    rig.converge(account, 3).await;
    let admin = Remote::connect(
        &emu.entry_url(),
        &emu.apple_id(),
        &emu.issue_password().unwrap(),
    )
    .await;
    assert_mirrors(&rig, account, &admin).await;

    // The network goes away altogether.
    let before = rig.mirror(account).await;
    drop(emu);
    let states = cycles(&rig, account, 3, "network down").await;
    assert!(
        states.iter().all(|s| *s == AccountState::Offline),
        "{states:?}"
    );
    assert_eq!(rig.mirror(account).await, before, "local data survives");
    assert_eq!(count_states(&mut events, &AccountState::NeedsRelink), 0);
}
