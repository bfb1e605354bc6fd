//! No false alarms (design.md §3): every fault the emulator can produce, through several sync
//! cycles, ends in Offline or Backoff and never in NeedsRelink; local data survives each; a
//! final fault-free sync converges. Time moves only by the engine's injected clock.

use crate::common::*;
use almanac_caldav::Limits;
use almanac_core::{AccountId, AccountState};
use almanac_icloud_emulator::{Fault, Scope};
use almanac_store::Store;
use almanac_sync::SyncError;
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
    let emu = seeded_emulator(11).await;
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
        AccountState::Backoff {
            until,
            server_asked: true,
        } => {
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

/// The members of `calendar` in the store, with their stored text.
async fn texts_of(rig: &Rig, account: AccountId, calendar: &str) -> Vec<(String, String)> {
    rig.contents(account)
        .await
        .into_iter()
        .filter(|(href, _)| href.starts_with(calendar))
        .collect()
}

/// Issue 14's table, row by row, against one server with three calendars of events: after each
/// partial fault the healthy calendars are exact in the same run, the failing one keeps its data
/// and token and carries its own problem, and when the faults stop one clean sync leaves the
/// mirror exact: hrefs, etags and text.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_half_failing_server_leaves_an_exact_mirror() {
    let emu = seeded_emulator(14).await;
    let calendars = ["home", "work", almanac_icloud_emulator::layout::FAMILY];
    let names: Vec<String> = (0..12).map(|i| format!("e{i}")).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    for calendar in calendars {
        seed(&emu, calendar, &names).await;
    }
    let rig = Rig::new(Store::open_in_memory().unwrap(), limits());
    let account = rig.add_icloud(&emu).await;
    rig.sync(account).await.unwrap();
    let admin = remote(&emu).await;
    let cal = |c: &str| format!("{}{c}/", admin.home);
    let health = |href: String| {
        rig.engine.with_store(move |s| {
            let c = s
                .calendars(account)?
                .into_iter()
                .find(|c| c.href.as_str() == href);
            s.calendar_health(c.map_or(almanac_core::CalendarId(0), |c| c.id))
        })
    };
    let edit = |calendar: &'static str, name: &'static str, summary: &'static str| {
        let emu = &emu;
        async move {
            emu.put_object(calendar, &format!("{name}.ics"), &event(name, summary, 20))
                .await
                .unwrap();
        }
    };

    // One calendar's REPORT answers 500: the other two are updated in the same run.
    let work_before = texts_of(&rig, account, &cal("work")).await;
    let work_token = rig.token(account, &cal("work")).await;
    edit("home", "e1", "home edited").await;
    edit("work", "e1", "work edited").await;
    edit(calendars[2], "e1", "family edited").await;
    let five_hundred = Fault::Status {
        status: 500,
        retry_after: None,
    };
    emu.inject_for_calendar(five_hundred, Scope::ForMillis(60_000), "work");
    let report = rig.sync(account).await.unwrap();
    assert_eq!(report.calendar_errors.len(), 1, "{report:?}");
    assert_eq!(report.calendar_errors[0].0.as_str(), cal("work"));
    assert_eq!(rig.state(account).await, AccountState::Active);
    let texts = rig.contents(account).await;
    assert!(texts[&format!("{}e1.ics", cal("home"))].contains("home edited"));
    assert!(texts[&format!("{}e1.ics", cal(calendars[2]))].contains("family edited"));
    assert_eq!(
        texts_of(&rig, account, &cal("work")).await,
        work_before,
        "kept"
    );
    assert_eq!(
        rig.token(account, &cal("work")).await,
        work_token,
        "its token too"
    );
    let problem = health(cal("work")).await.unwrap().problem.unwrap();
    assert!(problem.contains("500"), "{problem}");
    assert!(health(cal("home")).await.unwrap().is_clean());
    emu.clear_faults();
    let report = rig.sync(account).await.unwrap();
    assert!(report.calendar_errors.is_empty(), "{report:?}");
    assert!(
        health(cal("work")).await.unwrap().is_clean(),
        "cleared by its next sync"
    );
    assert_mirrors(&rig, account, &admin).await;

    // A multiget that leaves out an href it was asked for: kept as pending, the token moves on,
    // and the next sync fetches it by name.
    edit("home", "e2", "left out").await;
    let href = format!("{}e2.ics", cal("home"));
    emu.inject(Fault::MultigetOmit { href: href.clone() }, Scope::Next(1));
    let token = rig.token(account, &cal("home")).await;
    let report = rig.sync(account).await.unwrap();
    assert_eq!(report.missing, 1, "{report:?}");
    assert_ne!(rig.token(account, &cal("home")).await, token);
    assert_eq!(rig.pending(account, &cal("home")).await, 1);
    rig.sync(account).await.unwrap();
    assert_eq!(rig.pending(account, &cal("home")).await, 0);
    assert!(rig.contents(account).await[&href].contains("left out"));

    // An answer that spells the href another way: stored under the href asked for, no twin.
    edit("work", "e3", "respelled").await;
    let href = format!("{}e3.ics", cal("work"));
    emu.inject(
        Fault::MultigetRespell { href: href.clone() },
        Scope::Next(1),
    );
    rig.sync(account).await.unwrap();
    assert!(rig.contents(account).await[&href].contains("respelled"));
    assert_mirrors(&rig, account, &admin).await;

    // The listing gives one calendar's member a 503: that calendar and its events stay, with
    // the user's switch.
    let family = cal(calendars[2]);
    let family_id = rig
        .engine
        .with_store({
            let family = family.clone();
            move |s| {
                Ok(s.calendars(account)?
                    .into_iter()
                    .find(|c| c.href.as_str() == family))
            }
        })
        .await
        .unwrap()
        .unwrap()
        .id;
    rig.engine
        .with_store(move |s| s.set_calendar_enabled(family_id, false))
        .await
        .unwrap();
    let fault = Fault::ListingMemberStatus {
        calendar: calendars[2].into(),
        status: 503,
    };
    emu.inject(fault, Scope::Next(1));
    let before = texts_of(&rig, account, &family).await;
    let report = rig.sync(account).await.unwrap();
    assert_eq!(report.calendars_removed, 0, "{report:?}");
    assert_eq!(texts_of(&rig, account, &family).await, before);
    assert!(health(family.clone()).await.unwrap().problem.is_some());

    // A bare 403 on an incremental sync-collection: retried once from an empty token.
    edit("home", "e4", "after a stale token").await;
    let fault = Fault::StaleTokenForbidden {
        calendar: "home".into(),
    };
    emu.inject(fault, Scope::Next(1));
    let report = rig.sync(account).await.unwrap();
    assert!(report.calendar_errors.is_empty(), "{report:?}");
    assert!(rig.contents(account).await[&format!("{}e4.ics", cal("home"))].contains("stale"));

    // Every fault stops: one clean sync, and the mirror is exact.
    emu.clear_faults();
    rig.advance(almanac_sync::plan::REMOVAL_AGREEMENT);
    let report = rig.sync(account).await.unwrap();
    assert_eq!(report.calendars_removed, 0, "{report:?}");
    assert_mirrors(&rig, account, &admin).await;
    for calendar in calendars {
        assert!(
            health(cal(calendar)).await.unwrap().is_clean(),
            "{calendar}"
        );
    }
    let family = rig
        .engine
        .with_store(move |s| s.calendar(family_id))
        .await
        .unwrap();
    assert!(!family.enabled, "the user's switch survived");
}

/// An answer over the size bound is asked for again in smaller batches.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversize_multiget_answers_are_asked_for_in_halves() {
    let emu = seeded_emulator(15).await;
    // Events with 4 KB of notes each: a multiget of all 12 is about 50 KB, of three about
    // 13 KB, while the listing and the sync-collection answers stay under 20 KB.
    let notes = "Agenda item. ".repeat(320);
    for i in 0..12 {
        let uid = format!("m{i}");
        let ics =
            event(&uid, &uid, 3).replace("SUMMARY:", &format!("DESCRIPTION:{notes}\r\nSUMMARY:"));
        emu.put_object("home", &format!("{uid}.ics"), &ics)
            .await
            .unwrap();
    }
    seed(&emu, "work", &["w"]).await;
    let limits = Limits {
        max_body_bytes: 20_000,
        ..limits()
    };
    let rig = Rig::new(Store::open_in_memory().unwrap(), limits);
    let account = rig.add_icloud(&emu).await;
    let mark = emu.log_mark();
    let report = rig.sync(account).await.unwrap();
    assert!(report.calendar_errors.is_empty(), "{report:?}");
    let admin = remote(&emu).await;
    assert_mirrors(&rig, account, &admin).await;
    let reports = emu
        .requests()
        .since(mark)
        .entries
        .iter()
        .filter(|r| r.method == "REPORT")
        .count();
    assert!(
        reports > 4,
        "split into smaller multigets: {reports} REPORTs"
    );
}

/// Held mass deletions live in the store: a second process (a new engine on the same file)
/// that sees the same deletions confirms them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn held_deletions_are_confirmed_by_a_later_process() {
    let emu = seeded_emulator(16).await;
    let names: Vec<String> = (0..12).map(|i| format!("d{i}")).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    seed(&emu, "home", &names).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("almanac.sqlite3");
    let secrets = std::sync::Arc::new(almanac_secrets::MemorySecrets::default());
    let first = Rig::with_secrets(
        Store::open(&path).unwrap(),
        limits(),
        secrets.clone(),
        start_time(),
    );
    let account = first.add_icloud(&emu).await;
    first.sync(account).await.unwrap();
    for name in &names[..10] {
        emu.delete_object("home", &format!("{name}.ics"))
            .await
            .unwrap();
    }
    let report = first.sync(account).await.unwrap();
    assert_eq!(report.held_deletions, 10, "{report:?}");
    let home = format!("{}home/", remote(&emu).await.home);
    assert_eq!(first.mirror(account).await[&home].len(), 12, "held");
    drop(first);

    let second = Rig::with_secrets(Store::open(&path).unwrap(), limits(), secrets, start_time());
    let report = second.sync(account).await.unwrap();
    assert_eq!(
        (report.held_deletions, report.deleted),
        (0, 10),
        "{report:?}"
    );
    assert_mirrors(&second, account, &remote(&emu).await).await;
}

/// A sync the user asks for runs after a plain server fault (our own backoff paces only the
/// schedule); after a Retry-After it waits, as the server asked.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sync_the_user_asks_for_runs_unless_the_server_asked_to_wait() {
    let emu = seeded_emulator(17).await;
    seed(&emu, "home", &["u"]).await;
    let rig = Rig::new(Store::open_in_memory().unwrap(), limits());
    let account = rig.add_icloud(&emu).await;
    rig.sync(account).await.unwrap();

    let fault = Fault::Status {
        status: 500,
        retry_after: None,
    };
    emu.inject(fault, Scope::Next(1));
    assert!(rig.sync(account).await.is_err());
    assert!(matches!(
        rig.state(account).await,
        AccountState::Backoff {
            server_asked: false,
            ..
        }
    ));
    let schedule = rig
        .engine
        .sync_account(
            account,
            almanac_sync::Trigger::Schedule,
            &Default::default(),
        )
        .await;
    assert!(
        matches!(schedule, Err(SyncError::NotNow { .. })),
        "{schedule:?}"
    );
    rig.sync(account)
        .await
        .expect("the user's sync runs at once");
    assert_eq!(rig.state(account).await, AccountState::Active);

    emu.throttle(Duration::from_secs(600), Duration::from_secs(120));
    assert!(rig.sync(account).await.is_err());
    let mark = emu.log_mark();
    let waited = rig.sync(account).await;
    assert!(
        matches!(
            waited,
            Err(SyncError::NotNow {
                state: AccountState::Backoff {
                    server_asked: true,
                    ..
                },
                ..
            })
        ),
        "{waited:?}"
    );
    assert!(
        emu.requests().since(mark).entries.is_empty(),
        "nothing sent"
    );
}

/// A Retry-After pauses its host for every account on it, not only for the one that met it:
/// two accounts on one emulator host, the first is throttled, and the second, asked to sync
/// by the user, sends nothing until the pause the server named is over; then both sync.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retry_after_pauses_the_host_for_every_account_on_it() {
    let emu = seeded_emulator(18).await;
    seed(&emu, "home", &["p"]).await;
    let rig = Rig::new(Store::open_in_memory().unwrap(), limits());
    let first = rig.add_icloud(&emu).await;
    // The same Apple ID spelt in capitals is a second account here; iCloud (and the emulator)
    // read Apple IDs without case.
    let second = rig
        .add(
            almanac_core::AccountKind::Icloud,
            &emu.entry_url(),
            &emu.apple_id().to_uppercase(),
            &emu.issue_password().unwrap(),
        )
        .await;
    rig.sync(first).await.unwrap();
    rig.sync(second).await.unwrap();
    emu.put_object("home", "q.ics", &event("q", "q", 2))
        .await
        .unwrap();

    emu.inject(
        Fault::Status {
            status: 503,
            retry_after: Some(120),
        },
        Scope::Next(1),
    );
    assert!(matches!(
        rig.sync(first).await,
        Err(SyncError::Unavailable(_))
    ));
    let mark = emu.log_mark();
    let paused = rig.sync(second).await;
    assert!(
        matches!(paused, Err(SyncError::Unavailable(_))),
        "{paused:?}"
    );
    assert!(
        emu.requests().since(mark).entries.is_empty(),
        "nothing sent to the paused host"
    );
    let AccountState::Backoff {
        until,
        server_asked: true,
    } = rig.state(second).await
    else {
        panic!("{:?}", rig.state(second).await);
    };
    assert!(
        until >= rig.time() + chrono::Duration::seconds(119),
        "{until}"
    );

    rig.advance(chrono::Duration::seconds(121));
    for account in [first, second] {
        rig.wait_out(account).await;
        let report = rig.sync(account).await.unwrap();
        assert_eq!(report.fetched, 1, "{report:?}");
    }
    let server = remote(&emu).await.mirror().await;
    assert_eq!(rig.mirror(first).await, server);
    assert_eq!(rig.mirror(second).await, server);
}

/// A calendar whose listing outlasts the read timeout while another calendar syncs beside it
/// (as on a server that answers one request at a time, where it queues behind the other's
/// multigets) is tried again alone at the end of the run: the first sync ends complete, with no
/// problem said about that calendar.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_calendar_that_timed_out_beside_others_is_tried_again_alone() {
    let emu = seeded_emulator(12).await;
    seed(&emu, "home", &["a", "b"]).await;
    seed(&emu, "work", &["c", "d"]).await;
    emu.inject_for_calendar(Fault::Slow { millis: 2500 }, Scope::Next(1), "work");
    let rig = Rig::new(Store::open_in_memory().unwrap(), limits());
    let account = rig.add_icloud(&emu).await;
    let report = rig.sync(account).await.unwrap();
    assert!(
        report.calendar_errors.is_empty(),
        "{:?}",
        report.calendar_errors
    );
    assert_mirrors(&rig, account, &remote(&emu).await).await;
    let problems = rig
        .engine
        .with_store(move |s| {
            let mut problems = Vec::new();
            for calendar in s.calendars(account)? {
                problems.extend(s.calendar_health(calendar.id)?.problem);
            }
            Ok(problems)
        })
        .await
        .unwrap();
    assert!(problems.is_empty(), "{problems:?}");
}
