//! The write path against the iCloud emulator (a real Radicale behind it) and a second client:
//! edits made offline arrive at the next sync with their preconditions; a change made on the
//! server meanwhile becomes a conflict that loses nothing; a deletion never removes what the
//! user did not see; a lost answer never makes a duplicate; one refused change blocks none.

use crate::common::*;
use almanac_core::Href;
use almanac_store::LocalChange;
use almanac_sync::SyncError;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edits_made_offline_arrive_at_the_next_sync() {
    let s = home_setup(21, &["keep", "edit", "drop"]).await;
    // No request is made for an edit: these three happen "offline".
    let mark = s.emu.log_mark();
    let created = s
        .rig
        .engine
        .create_event(s.home, "5F0C1A2B-NEW", event("new", "Created offline", 9))
        .await
        .unwrap();
    let edit = Href::new(format!("{}edit.ics", s.home_href));
    s.rig
        .engine
        .update_event(s.home, edit.clone(), event("edit", "Edited offline", 2))
        .await
        .unwrap();
    let drop = Href::new(format!("{}drop.ics", s.home_href));
    s.rig
        .engine
        .delete_event(s.home, drop.clone())
        .await
        .unwrap();
    assert!(
        s.emu.requests().since(mark).entries.is_empty(),
        "local first"
    );
    let shown = s.rig.contents(s.account).await;
    assert!(shown[created.as_str()].contains("Created offline"));
    assert!(shown[edit.as_str()].contains("Edited offline"));
    assert!(!shown.contains_key(drop.as_str()));
    assert_eq!(s.rig.engine.outbox(None).await.unwrap().len(), 3);

    let report = s.rig.sync(s.account).await.unwrap();
    assert_eq!(report.pushed, 3, "{report:?}");
    assert!(s.rig.engine.outbox(None).await.unwrap().is_empty());
    assert_mirrors(&s.rig, s.account, &s.other).await;
    let server = s.other.contents(&s.other.mirror().await).await;
    assert!(server[created.as_str()].contains("Created offline"));
    assert!(server[edit.as_str()].contains("Edited offline"));
    assert!(
        server.contains_key(&format!("{}keep.ics", s.home_href)),
        "untouched"
    );
    let deletes = s.emu.requests().since(mark).count(|r| r.method == "DELETE");
    assert_eq!(deletes, 1, "a DELETE only for what the user deleted");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edit_against_a_changed_server_copy_becomes_a_conflict_and_loses_nothing() {
    let s = home_setup(21, &["talk"]).await;
    let href = Href::new(format!("{}talk.ics", s.home_href));
    s.other
        .change("home", "talk.ics", &event("talk", "Theirs", 4))
        .await;
    s.rig
        .engine
        .update_event(s.home, href.clone(), event("talk", "Mine", 4))
        .await
        .unwrap();
    let report = s.rig.sync(s.account).await.unwrap();
    assert_eq!(report.conflicts, 1, "{report:?}");
    let conflict = s.rig.engine.outbox(None).await.unwrap().remove(0);
    assert_eq!(conflict.change, LocalChange::Conflict);
    assert!(
        conflict.local_ics.as_deref().unwrap().contains("Mine"),
        "kept"
    );
    assert!(
        s.rig.contents(s.account).await[href.as_str()].contains("Theirs"),
        "shown"
    );

    // Keep mine: sent again against the server's current copy.
    s.rig
        .engine
        .resolve_conflict(conflict.id, true)
        .await
        .unwrap();
    let report = s.rig.sync(s.account).await.unwrap();
    assert_eq!((report.pushed, report.conflicts), (1, 0), "{report:?}");
    let server = s.other.contents(&s.other.mirror().await).await;
    assert!(server[href.as_str()].contains("Mine"));
    assert_mirrors(&s.rig, s.account, &s.other).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deletion_never_removes_a_copy_edited_elsewhere_and_an_edit_of_a_deleted_one_can_be_restored()
 {
    let s = home_setup(21, &["a", "b"]).await;
    // Local delete against a remote edit: the server's copy stays, here too.
    s.other
        .change("home", "a.ics", &event("a", "Edited there", 1))
        .await;
    let a = Href::new(format!("{}a.ics", s.home_href));
    s.rig.engine.delete_event(s.home, a.clone()).await.unwrap();
    // Local edit against a remote delete: a conflict that offers the edit back.
    s.other.remove("home", "b.ics").await;
    let b = Href::new(format!("{}b.ics", s.home_href));
    s.rig
        .engine
        .update_event(s.home, b.clone(), event("b", "Edited here", 2))
        .await
        .unwrap();
    let report = s.rig.sync(s.account).await.unwrap();
    assert_eq!(report.conflicts, 1, "{report:?}");
    let server = s.other.contents(&s.other.mirror().await).await;
    assert!(server[a.as_str()].contains("Edited there"), "not deleted");
    assert!(s.rig.contents(s.account).await[a.as_str()].contains("Edited there"));
    let conflict = s.rig.engine.outbox(None).await.unwrap().remove(0);
    assert_eq!(conflict.conflict.as_deref(), Some("deleted on the server"));
    s.rig
        .engine
        .resolve_conflict(conflict.id, true)
        .await
        .unwrap();
    s.rig.sync(s.account).await.unwrap();
    let server = s.other.contents(&s.other.mirror().await).await;
    assert!(server[b.as_str()].contains("Edited here"), "restored");
    assert_mirrors(&s.rig, s.account, &s.other).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_answer_never_makes_a_duplicate_and_a_refused_change_blocks_none() {
    let s = home_setup(21, &["x"]).await;
    // Our earlier upload reached the server but its answer was lost: the same UID is there.
    let created = s
        .rig
        .engine
        .create_event(s.home, "LOST-ANSWER", event("lost", "Uploaded once", 5))
        .await
        .unwrap();
    s.other
        .create(
            "home",
            "LOST-ANSWER.ics",
            &event("lost", "Uploaded once", 5),
        )
        .await;
    // A change the server refuses (not iCalendar at all), and a fine one after it.
    s.rig
        .engine
        .create_event(s.home, "BROKEN", "this is not iCalendar".into())
        .await
        .unwrap();
    s.rig
        .engine
        .create_event(s.home, "FINE", event("fine", "Fine", 6))
        .await
        .unwrap();
    let report = s.rig.sync(s.account).await.unwrap();
    assert_eq!((report.pushed, report.push_refused), (2, 1), "{report:?}");
    let server = s.other.mirror().await;
    let home = &server[&s.home_href];
    assert_eq!(home.keys().filter(|h| h.contains("LOST-ANSWER")).count(), 1);
    assert!(home.contains_key(&format!("{}FINE.ics", s.home_href)));
    let left = s.rig.engine.outbox(None).await.unwrap();
    assert_eq!(left.len(), 1);
    assert!(left[0].href.as_str().ends_with("BROKEN.ics"));
    assert!(left[0].last_error.is_some(), "the server's reason is kept");
    assert!(
        s.rig
            .contents(s.account)
            .await
            .contains_key(created.as_str())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_only_calendars_refuse_edits_in_words() {
    let s = home_setup(21, &["x"]).await;
    let shared = almanac_icloud_emulator::layout::SHARED_READ_ONLY;
    let href = format!("{}{shared}/", s.other.home);
    let listed = s
        .rig
        .engine
        .with_store(move |st| {
            Ok(st
                .all_calendars()?
                .into_iter()
                .find(|c| c.href.as_str() == href))
        })
        .await
        .unwrap();
    let Some(calendar) = listed else {
        panic!("the emulator lists its read-only shared calendar");
    };
    assert!(calendar.read_only);
    let err = s
        .rig
        .engine
        .create_event(calendar.id, "NOPE", event("n", "n", 1))
        .await
        .unwrap_err();
    assert!(matches!(err, SyncError::ReadOnly { .. }), "{err:?}");
    assert!(err.to_string().contains("read-only"));
}

/// Two sides changed different properties: merged three-way against the base and sent again,
/// no conflict; both changes reach the server.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changes_to_different_properties_merge_without_asking() {
    let s = home_setup(21, &[]).await;
    // Shape: an iCloud event with a location (icloud-caldav.md, calendar-multiget bodies).
    let with = |summary: &str, location: &str| {
        format!(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Apple Inc.//macOS 15.1//EN\r\n\
             BEGIN:VEVENT\r\nUID:merge-me\r\nDTSTAMP:20261101T090000Z\r\n\
             DTSTART:20261203T090000Z\r\nDTEND:20261203T100000Z\r\nSUMMARY:{summary}\r\n\
             LOCATION:{location}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
        )
    };
    s.other
        .create("home", "merge.ics", &with("Review", "Room 1"))
        .await;
    s.rig.sync(s.account).await.unwrap();
    s.other
        .change("home", "merge.ics", &with("Review", "Room 7"))
        .await;
    let href = Href::new(format!("{}merge.ics", s.home_href));
    s.rig
        .engine
        .update_event(s.home, href.clone(), with("Design review", "Room 1"))
        .await
        .unwrap();
    let report = s.rig.sync(s.account).await.unwrap();
    assert_eq!((report.pushed, report.conflicts), (1, 0), "{report:?}");
    let server = s.other.contents(&s.other.mirror().await).await;
    let text = &server[href.as_str()];
    assert!(text.contains("SUMMARY:Design review"), "{text}");
    assert!(text.contains("LOCATION:Room 7"), "{text}");
    assert_mirrors(&s.rig, s.account, &s.other).await;
}

/// A move between calendars keeps the UID and reaches the server as a deletion then a
/// creation, in that order, so iCloud's account-wide UID rule (the emulator enforces it) never
/// sees two copies; an event with attendees is refused, in words.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_event_moves_between_calendars_under_icloud_s_uid_rule() {
    let s = home_setup(21, &["trip"]).await;
    let work_href = format!("{}work/", s.other.home);
    let work = calendar_id(&s.rig, s.account, &work_href).await;
    let from = Href::new(format!("{}trip.ics", s.home_href));
    let moved = s
        .rig
        .engine
        .move_event(s.home, from.clone(), work)
        .await
        .unwrap();
    assert!(moved.as_str().starts_with(&work_href));
    let mark = s.emu.log_mark();
    let report = s.rig.sync(s.account).await.unwrap();
    assert_eq!((report.pushed, report.push_refused), (2, 0), "{report:?}");
    let writes: Vec<String> = s
        .emu
        .requests()
        .since(mark)
        .entries
        .iter()
        .filter(|r| r.method == "DELETE" || r.method == "PUT")
        .map(|r| r.method.clone())
        .collect();
    assert_eq!(writes, ["DELETE", "PUT"]);
    let server = s.other.mirror().await;
    assert!(!server[&s.home_href].contains_key(from.as_str()));
    assert!(server[&work_href].contains_key(moved.as_str()));
    assert_mirrors(&s.rig, s.account, &s.other).await;

    let meeting = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Apple Inc.//macOS 15.1//EN\r\n\
        BEGIN:VEVENT\r\nUID:meeting\r\nDTSTAMP:20261101T000000Z\r\nDTSTART:20261204T090000Z\r\n\
        DTEND:20261204T100000Z\r\nSUMMARY:Meeting\r\nORGANIZER:mailto:sam@example.com\r\n\
        ATTENDEE;PARTSTAT=ACCEPTED:mailto:sam@example.com\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    s.emu
        .put_object("home", "meeting.ics", meeting)
        .await
        .unwrap();
    s.rig.sync(s.account).await.unwrap();
    let err = s
        .rig
        .engine
        .move_event(
            s.home,
            Href::new(format!("{}meeting.ics", s.home_href)),
            work,
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("attendees"), "{err}");
}

/// The push keeps several writes in flight, but every deletion is answered before the first
/// creation goes out: four moves (each a DELETE in home, slowed here, and a PUT of the same UID
/// in work) among eight new events all land, none refused by iCloud's account-wide UID rule,
/// which a PUT sent while its DELETE is still held would break.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pipelined_writes_send_every_deletion_before_any_creation() {
    let names = ["m0", "m1", "m2", "m3"];
    let s = home_setup(21, &names).await;
    let work_href = format!("{}work/", s.other.home);
    let work = calendar_id(&s.rig, s.account, &work_href).await;
    let mut moved = Vec::new();
    for name in names {
        let from = Href::new(format!("{}{name}.ics", s.home_href));
        moved.push(s.rig.engine.move_event(s.home, from, work).await.unwrap());
    }
    for i in 0..8 {
        let uid = format!("NEW-{i}");
        s.rig
            .engine
            .create_event(work, &uid, event(&uid, "new", 10))
            .await
            .unwrap();
    }
    s.emu.inject_for_calendar(
        almanac_icloud_emulator::Fault::Slow { millis: 400 },
        almanac_icloud_emulator::Scope::Next(4),
        "home",
    );
    let mark = s.emu.log_mark();
    let report = s.rig.sync(s.account).await.unwrap();
    assert_eq!((report.pushed, report.push_refused), (16, 0), "{report:?}");
    let log = s.emu.requests().since(mark);
    let seqs = |method: &str| -> Vec<u64> {
        log.entries
            .iter()
            .filter(|r| r.method == method)
            .map(|r| r.seq)
            .collect()
    };
    let (deletes, puts) = (seqs("DELETE"), seqs("PUT"));
    assert_eq!((deletes.len(), puts.len()), (4, 12));
    assert!(deletes.iter().max() < puts.iter().min(), "{log:#?}");
    assert!(
        log.entries.iter().all(|r| r.status < 400),
        "nothing refused: {log:#?}"
    );
    let server = s.other.mirror().await;
    for href in &moved {
        assert!(server[&work_href].contains_key(href.as_str()));
    }
    assert!(s.rig.engine.outbox(None).await.unwrap().is_empty());
    assert_mirrors(&s.rig, s.account, &s.other).await;
}

/// A Retry-After in the middle of a pipelined push: nothing new is sent after it (only the
/// writes already in flight meet the throttle), what was accepted is recorded, the rest stays
/// in the outbox without a refusal, and the next sync sends it: every event on the server
/// exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retry_after_mid_push_keeps_the_rest_queued() {
    let s = home_setup(21, &[]).await;
    let uids: Vec<String> = (0..12).map(|i| format!("QUEUED-{i:02}")).collect();
    for uid in &uids {
        s.rig
            .engine
            .create_event(s.home, uid, event(uid, uid, 12))
            .await
            .unwrap();
    }
    // The listing and three writes pass; the next request starts a throttle.
    s.emu.set_quirks(almanac_icloud_emulator::Quirks {
        rate_limit: Some(almanac_icloud_emulator::RateLimit {
            requests: 4,
            window_ms: 600_000,
            penalty_ms: 600_000,
            retry_after_secs: 120,
        }),
        ..s.emu.quirks()
    });
    let mark = s.emu.log_mark();
    let err = s.rig.sync(s.account).await.unwrap_err();
    assert!(matches!(err, SyncError::Unavailable(_)), "{err:?}");
    let log = s.emu.requests().since(mark);
    let throttled = log.count(|r| r.status == 503);
    assert!(
        (1..=almanac_sync::push::WRITES_AT_ONCE).contains(&throttled),
        "only the writes in flight met the throttle: {log:#?}"
    );
    let accepted = log.count(|r| r.method == "PUT" && r.status == 201);
    assert_eq!(accepted, 3, "{log:#?}");
    assert_eq!(log.entries.len(), 1 + accepted + throttled, "{log:#?}");
    let left = s.rig.engine.outbox(None).await.unwrap();
    assert_eq!(left.len(), uids.len() - accepted);
    assert!(
        left.iter().all(|e| e.last_error.is_none()),
        "queued, not refused: {left:#?}"
    );

    s.emu.set_quirks(almanac_icloud_emulator::Quirks {
        rate_limit: None,
        ..s.emu.quirks()
    });
    s.emu.clear_faults();
    s.rig.wait_out(s.account).await;
    let report = s.rig.sync(s.account).await.unwrap();
    assert_eq!(report.pushed, uids.len() - accepted, "{report:?}");
    assert!(s.rig.engine.outbox(None).await.unwrap().is_empty());
    let server = s.other.mirror().await;
    for uid in &uids {
        let copies = server[&s.home_href]
            .keys()
            .filter(|h| h.contains(uid.as_str()))
            .count();
        assert_eq!(copies, 1, "{uid}");
    }
    assert_mirrors(&s.rig, s.account, &s.other).await;
}

mod two_clients {
    //! The property of issue 17: this client and another edit the same calendar through the
    //! server, with faults in between; after the faults stop and a few syncs, every edit this
    //! client made is on the server or kept in a conflict, never silently lost, and the
    //! server saw a DELETE only for what this client deleted.
    use super::*;
    use almanac_icloud_emulator::{Fault, Scope};
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    #[derive(Clone, Debug)]
    enum Step {
        LocalEdit(usize),
        LocalDelete(usize),
        RemoteEdit(usize),
        RemoteDelete(usize),
        Fault(bool),
        Sync,
    }

    fn step() -> impl Strategy<Value = Step> {
        prop_oneof![
            3 => (0..4usize).prop_map(Step::LocalEdit),
            1 => (0..4usize).prop_map(Step::LocalDelete),
            2 => (0..4usize).prop_map(Step::RemoteEdit),
            1 => (0..4usize).prop_map(Step::RemoteDelete),
            1 => any::<bool>().prop_map(Step::Fault),
            2 => Just(Step::Sync),
        ]
    }

    // Shape: an iCloud event (icloud-caldav.md); this client edits SUMMARY, the other LOCATION,
    // so most overlaps merge and some (a deletion on one side) become conflicts.
    fn text(name: &str, summary: &str, location: &str) -> String {
        format!(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Apple Inc.//macOS 15.1//EN\r\n\
             BEGIN:VEVENT\r\nUID:{name}\r\nDTSTAMP:20261101T090000Z\r\n\
             DTSTART:20261205T090000Z\r\nDTEND:20261205T100000Z\r\nSUMMARY:{summary}\r\n\
             LOCATION:{location}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
        )
    }

    async fn edits_under_faults(steps: Vec<Step>) {
        let s = home_setup(21, &[]).await;
        let names: Vec<String> = (0..4).map(|i| format!("e{i}")).collect();
        for name in &names {
            s.other
                .create(
                    "home",
                    &format!("{name}.ics"),
                    &text(name, "start", "Room 0"),
                )
                .await;
        }
        s.rig.sync(s.account).await.unwrap();
        let mut mine: BTreeMap<String, String> = BTreeMap::new();
        let mut deleted_here = Vec::new();
        let mut n = 0;
        let mark = s.emu.log_mark();
        for step in steps {
            n += 1;
            match step {
                Step::LocalEdit(i) => {
                    let name = &names[i];
                    let href = Href::new(format!("{}{name}.ics", s.home_href));
                    let summary = format!("mine {n}");
                    let location =
                        s.rig
                            .contents(s.account)
                            .await
                            .get(href.as_str())
                            .and_then(|t| {
                                t.lines()
                                    .find_map(|l| l.strip_prefix("LOCATION:"))
                                    .map(|l| l.trim().to_string())
                            });
                    let Some(location) = location else { continue };
                    let edited = s
                        .rig
                        .engine
                        .update_event(s.home, href, text(name, &summary, &location))
                        .await;
                    // Refused edits (a conflict to settle first) are the user's to see, not lost.
                    if edited.is_ok() {
                        mine.insert(name.clone(), summary);
                    }
                }
                Step::LocalDelete(i) => {
                    let href = Href::new(format!("{}{}.ics", s.home_href, names[i]));
                    if s.rig.engine.delete_event(s.home, href).await.is_ok() {
                        mine.remove(&names[i]);
                        deleted_here.push(names[i].clone());
                    }
                }
                // The other client writes straight to the server store, past the faults
                // injected for this client's requests.
                Step::RemoteEdit(i) => {
                    let name = &names[i];
                    let file = format!("{name}.ics");
                    let current = s.emu.objects("home").await.unwrap();
                    if let Some((_, now)) = current.iter().find(|(n, _)| *n == file) {
                        let summary = now
                            .lines()
                            .find_map(|l| l.strip_prefix("SUMMARY:"))
                            .unwrap_or("start")
                            .trim()
                            .to_string();
                        let edited = text(name, &summary, &format!("Room {n}"));
                        s.emu.put_object("home", &file, &edited).await.unwrap();
                    }
                }
                Step::RemoteDelete(i) => {
                    let file = format!("{}.ics", names[i]);
                    let current = s.emu.objects("home").await.unwrap();
                    if let Some((_, now)) = current.iter().find(|(n, _)| *n == file) {
                        // An edit of mine the server already has is the other client's to
                        // delete; one it does not have yet must survive as a conflict.
                        let arrived = mine.get(&names[i]).is_some_and(|m| {
                            now.contains(&format!("SUMMARY:{m}\r"))
                                || now.contains(&format!("SUMMARY:{m}\n"))
                        });
                        if arrived {
                            mine.remove(&names[i]);
                        }
                        s.emu.delete_object("home", &file).await.unwrap();
                    }
                }
                Step::Fault(reset) => {
                    let fault = if reset {
                        Fault::ConnectionReset
                    } else {
                        Fault::Status {
                            status: 500,
                            retry_after: None,
                        }
                    };
                    s.emu.inject(fault, Scope::Next(1));
                }
                Step::Sync => {
                    s.rig.wait_out(s.account).await;
                    let result = s.rig.sync(s.account).await;
                    assert!(
                        !matches!(result, Err(SyncError::NeedsRelink { .. })),
                        "{result:?}"
                    );
                }
            }
        }
        s.emu.clear_faults();
        for _ in 0..3 {
            s.rig.wait_out(s.account).await;
            let _ = s.rig.sync(s.account).await;
        }
        let server = s.other.contents(&s.other.mirror().await).await;
        let outbox = s.rig.engine.outbox(None).await.unwrap();
        for (name, summary) in &mine {
            let href = format!("{}{name}.ics", s.home_href);
            let on_server = server
                .get(&href)
                .is_some_and(|t| t.contains(&format!("SUMMARY:{summary}")));
            let in_conflict = outbox.iter().any(|e| {
                e.href.as_str() == href
                    && e.change == LocalChange::Conflict
                    && e.local_ics.as_deref().is_some_and(|t| t.contains(summary))
            });
            assert!(
                on_server || in_conflict,
                "{name}: my edit {summary:?} is neither on the server nor kept: {:?} / {outbox:?}",
                server.get(&href)
            );
        }
        assert!(
            outbox.iter().all(|e| e.change == LocalChange::Conflict),
            "only conflicts wait once the faults stop: {outbox:?}"
        );
        for entry in s
            .emu
            .requests()
            .since(mark)
            .entries
            .iter()
            .filter(|r| r.method == "DELETE")
        {
            let name = entry
                .path
                .rsplit('/')
                .next()
                .unwrap_or_default()
                .trim_end_matches(".ics");
            assert!(
                deleted_here.iter().any(|d| d == name),
                "a DELETE nobody asked for: {entry:?}"
            );
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 8,
            max_shrink_iters: 16,
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        #[test]
        fn every_edit_reaches_the_server_or_waits_in_a_conflict(steps in proptest::collection::vec(step(), 4..16)) {
            run_case(edits_under_faults(steps));
        }
    }
}
