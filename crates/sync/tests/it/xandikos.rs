//! The engine against a real CalDAV server (Xandikos from the test venv): sign-in, a full first
//! sync, a no-change sync, and incremental syncs after server-side add, change and delete, with
//! the store compared to the server after each.

use almanac_caldav::{CaldavClient, Credentials, Limits};
use almanac_core::{AccountKind, AccountState, Href, Password};
use almanac_secrets::MemorySecrets;
use almanac_store::Store;
use almanac_sync::{Cancel, Engine, EngineParts};
use std::collections::HashMap;
use std::sync::Arc;

const CALENDAR: &str = "/alice/calendars/calendar/";

fn event(uid: &str, summary: &str, day: u32) -> String {
    format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Almanac tests//EN\r\nBEGIN:VEVENT\r\nUID:{uid}\r\n\
         DTSTAMP:20261101T090000Z\r\nDTSTART:202612{day:02}T090000Z\r\nDTEND:202612{day:02}T100000Z\r\n\
         SUMMARY:{summary}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
}

fn engine() -> Engine {
    Engine::new(EngineParts {
        store: Store::open_in_memory().unwrap(),
        secrets: Arc::new(MemorySecrets::default()),
        limits: Limits::default(),
        clock: Arc::new(chrono::Utc::now),
        jitter: Arc::new(|| 0.5),
    })
}

fn server_client(base: &str) -> CaldavClient {
    let creds = Credentials {
        username: "alice".into(),
        password: Password::new("unused"),
    };
    CaldavClient::new(base, Some(creds), Limits::default()).unwrap()
}

async fn server_etags(client: &CaldavClient) -> HashMap<Href, almanac_core::Etag> {
    client
        .list_etags(&Href::new(CALENDAR))
        .await
        .unwrap()
        .into_iter()
        .collect()
}

async fn local_etags(engine: &Engine) -> HashMap<Href, almanac_core::Etag> {
    engine
        .with_store(|s| {
            let cal = s
                .all_calendars()?
                .into_iter()
                .find(|c| c.href.as_str() == CALENDAR)
                .unwrap();
            s.local_etags(cal.id)
        })
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mirrors_the_server_through_adds_changes_and_deletes() {
    let server = almanac_test_servers::xandikos().unwrap();
    let remote = server_client(&server.base_url);
    for (i, name) in ["a", "b", "c"].iter().enumerate() {
        let href = Href::new(format!("{CALENDAR}{name}.ics"));
        remote
            .put_create(&href, &event(name, &format!("Event {name}"), 1 + i as u32))
            .await
            .unwrap();
    }

    let engine = engine();
    let account = engine
        .add_account(
            AccountKind::Caldav,
            &server.base_url,
            "alice",
            Password::new("secret"),
        )
        .await
        .unwrap();
    let cancel = Cancel::default();

    let first = engine
        .sync_account(account, almanac_sync::Trigger::User, &cancel)
        .await
        .unwrap();
    assert_eq!(first.fetched, 3, "{first:?}");
    assert_eq!(local_etags(&engine).await, server_etags(&remote).await);

    let idle = engine
        .sync_account(account, almanac_sync::Trigger::User, &cancel)
        .await
        .unwrap();
    assert_eq!((idle.fetched, idle.deleted), (0, 0), "{idle:?}");

    let etags = server_etags(&remote).await;
    let b = Href::new(format!("{CALENDAR}b.ics"));
    remote
        .put_update(&b, &etags[&b], &event("b", "Event b, moved", 9))
        .await
        .unwrap();
    remote
        .delete(
            &Href::new(format!("{CALENDAR}a.ics")),
            &etags[&Href::new(format!("{CALENDAR}a.ics"))],
        )
        .await
        .unwrap();
    remote
        .put_create(
            &Href::new(format!("{CALENDAR}d.ics")),
            &event("d", "Event d", 12),
        )
        .await
        .unwrap();

    let third = engine
        .sync_account(account, almanac_sync::Trigger::User, &cancel)
        .await
        .unwrap();
    assert_eq!((third.fetched, third.deleted), (2, 1), "{third:?}");
    assert_eq!(local_etags(&engine).await, server_etags(&remote).await);
    let hits = engine.with_store(|s| s.search("moved", 10)).await.unwrap();
    assert_eq!(hits.len(), 1);
    let state = engine
        .with_store(move |s| s.account(account))
        .await
        .unwrap()
        .state;
    assert_eq!(state, AccountState::Active);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_server_means_offline_and_keeps_local_data() {
    let server = almanac_test_servers::xandikos().unwrap();
    let remote = server_client(&server.base_url);
    remote
        .put_create(
            &Href::new(format!("{CALENDAR}a.ics")),
            &event("a", "Kept", 3),
        )
        .await
        .unwrap();
    let engine = engine();
    let account = engine
        .add_account(
            AccountKind::Caldav,
            &server.base_url,
            "alice",
            Password::new("secret"),
        )
        .await
        .unwrap();
    engine
        .sync_account(account, almanac_sync::Trigger::User, &Cancel::default())
        .await
        .unwrap();
    drop(server);

    let err = engine
        .sync_account(account, almanac_sync::Trigger::User, &Cancel::default())
        .await
        .unwrap_err();
    assert!(
        matches!(err, almanac_sync::SyncError::Unavailable(_)),
        "{err:?}"
    );
    let state = engine
        .with_store(move |s| s.account(account))
        .await
        .unwrap()
        .state;
    assert_eq!(state, AccountState::Offline);
    assert_eq!(local_etags(&engine).await.len(), 1, "local data survives");
}

/// The write path against Xandikos: a created, an edited and a deleted event arrive with their
/// preconditions; an edit against a copy changed there meanwhile becomes a conflict (Xandikos
/// answers the stale If-Match with 412) and "keep mine" then wins against its new etag.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_arrive_with_preconditions_and_a_stale_edit_is_a_conflict() {
    let server = almanac_test_servers::xandikos().unwrap();
    let remote = server_client(&server.base_url);
    for (i, name) in ["keep", "edit", "drop"].iter().enumerate() {
        let href = Href::new(format!("{CALENDAR}{name}.ics"));
        remote
            .put_create(&href, &event(name, name, 1 + i as u32))
            .await
            .unwrap();
    }
    let engine = engine();
    let account = engine
        .add_account(
            AccountKind::Caldav,
            &server.base_url,
            "alice",
            Password::new("secret"),
        )
        .await
        .unwrap();
    let cancel = Cancel::default();
    let sync = || engine.sync_account(account, almanac_sync::Trigger::User, &cancel);
    sync().await.unwrap();
    let calendar = engine
        .with_store(|s| {
            Ok(s.all_calendars()?
                .into_iter()
                .find(|c| c.href.as_str() == CALENDAR)
                .map(|c| c.id))
        })
        .await
        .unwrap()
        .unwrap();
    let created = engine
        .create_event(calendar, "NEW-XANDIKOS", event("new", "Created here", 8))
        .await
        .unwrap();
    let edit = Href::new(format!("{CALENDAR}edit.ics"));
    engine
        .update_event(calendar, edit.clone(), event("edit", "Edited here", 2))
        .await
        .unwrap();
    engine
        .delete_event(calendar, Href::new(format!("{CALENDAR}drop.ics")))
        .await
        .unwrap();
    let report = sync().await.unwrap();
    assert_eq!(report.pushed, 3, "{report:?}");
    assert_eq!(local_etags(&engine).await, server_etags(&remote).await);
    assert!(server_etags(&remote).await.contains_key(&created));

    // Changed there meanwhile: a conflict that keeps both versions, then "keep mine".
    let etags = server_etags(&remote).await;
    remote
        .put_update(&edit, &etags[&edit], &event("edit", "Changed there", 2))
        .await
        .unwrap();
    engine
        .update_event(calendar, edit.clone(), event("edit", "Changed here", 2))
        .await
        .unwrap();
    let report = sync().await.unwrap();
    assert_eq!(report.conflicts, 1, "{report:?}");
    let conflict = engine.outbox(None).await.unwrap().remove(0);
    engine.resolve_conflict(conflict.id, true).await.unwrap();
    let report = sync().await.unwrap();
    assert_eq!((report.pushed, report.conflicts), (1, 0), "{report:?}");
    let got = remote
        .multiget_batch(&Href::new(CALENDAR), &[edit])
        .await
        .unwrap();
    assert!(got.found[0].data.contains("Changed here"));
    assert_eq!(local_etags(&engine).await, server_etags(&remote).await);
}
