//! The window's editing against the iCloud emulator (a real Radicale behind it) and a second
//! client: a drag changes only DTSTART and DTEND; an undo of a change the server never saw
//! sends nothing; an undo of one it has puts the earlier text back with one conditional PUT
//! (and merges, rather than overwrites, what someone changed meanwhile); a file is imported
//! through the outbox; a conflict is settled by keeping both.

use crate::common::*;
use almanac_core::{Href, Uid};
use almanac_store::LocalChange;
use almanac_sync::{Changed, Draft, EditScope, Placed, Target};
use chrono_tz::Tz;
use std::collections::BTreeSet;

const BERLIN: Tz = chrono_tz::Europe::Berlin;

impl HomeSetup {
    /// Renames the whole event at `href` from its occurrence shown at `start` in Berlin.
    async fn rename(&self, href: &Href, start: &str, title: &str) -> (Target, Changed<Placed>) {
        let engine = &self.rig.engine;
        let target = engine
            .open_occurrence(self.home, href.clone(), start, BERLIN)
            .await
            .unwrap();
        let draft = Draft {
            title: title.into(),
            ..target.opened.draft.clone()
        };
        let edited = engine
            .save(
                &target,
                EditScope::All,
                &draft,
                self.home,
                Uid::new("X"),
                BERLIN,
            )
            .await
            .unwrap();
        (target, edited)
    }

    async fn server(&self) -> std::collections::BTreeMap<String, String> {
        self.other.contents(&self.other.mirror().await).await
    }

    fn writes_since(&self, mark: u64) -> Vec<String> {
        self.emu
            .requests()
            .since(mark)
            .entries
            .iter()
            .filter(|r| matches!(r.method.as_str(), "PUT" | "DELETE"))
            .map(|r| r.method.clone())
            .collect()
    }
}

/// The content lines of a resource, unfolded, as a set: what a server's reserialisation keeps.
fn lines(text: &str) -> BTreeSet<String> {
    text.replace("\r\n ", "")
        .replace("\n ", "")
        .lines()
        .map(|l| l.trim_end_matches('\r').to_string())
        .filter(|l| !l.is_empty())
        .collect()
}

fn names(lines: &BTreeSet<String>) -> BTreeSet<String> {
    lines
        .iter()
        .map(|l| l.split([':', ';']).next().unwrap_or_default().to_string())
        .collect()
}

// Shape: an iCloud event with a place, notes, an Apple property and an alert.
const TALK: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Apple Inc.//macOS 15.1//EN\r\n\
    BEGIN:VEVENT\r\nUID:talk\r\nDTSTAMP:20261101T090000Z\r\nSEQUENCE:1\r\n\
    DTSTART;TZID=Europe/Berlin:20261203T140000\r\nDTEND;TZID=Europe/Berlin:20261203T150000\r\n\
    SUMMARY:Talk\r\nLOCATION:Hall B\r\nDESCRIPTION:Slides first\r\nX-APPLE-TRAVEL-ADVISORY-BEHAVIOR:AUTOMATIC\r\n\
    BEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:-PT15M\r\nDESCRIPTION:Reminder\r\nEND:VALARM\r\n\
    END:VEVENT\r\nEND:VCALENDAR\r\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_drag_changes_dtstart_and_dtend_only() {
    let s = home_setup(19, &[]).await;
    s.emu.put_object("home", "talk.ics", TALK).await.unwrap();
    s.rig.sync(s.account).await.unwrap();
    let href = Href::new(format!("{}talk.ics", s.home_href));
    let before = lines(&s.server().await[href.as_str()]);

    // Shown in New York: 08:00 there; dragged to the next day at 09:30, one hour long.
    let new_york = chrono_tz::America::New_York;
    let target = s
        .rig
        .engine
        .open_occurrence(s.home, href.clone(), "2026-12-03T08:00:00", new_york)
        .await
        .unwrap();
    let dragged = target
        .opened
        .moved(
            "2026-12-04T09:30:00",
            "2026-12-04T10:30:00",
            false,
            new_york,
        )
        .unwrap();
    let saved = s
        .rig
        .engine
        .save(
            &target,
            EditScope::All,
            &dragged,
            s.home,
            Uid::new("UNUSED"),
            new_york,
        )
        .await
        .unwrap();
    assert_eq!(saved.value.start.as_deref(), Some("2026-12-04T09:30:00"));
    assert_eq!(saved.value.href, href);
    s.rig.sync(s.account).await.unwrap();

    let after = lines(&s.server().await[href.as_str()]);
    let changed: BTreeSet<String> = names(
        &before
            .symmetric_difference(&after)
            .cloned()
            .collect::<BTreeSet<_>>(),
    );
    let expected: BTreeSet<String> = ["DTSTART", "DTEND", "SEQUENCE", "DTSTAMP", "LAST-MODIFIED"]
        .map(String::from)
        .into();
    assert!(changed.is_subset(&expected), "{changed:?}");
    assert!(
        after.contains("DTSTART;TZID=Europe/Berlin:20261204T153000"),
        "{after:?}"
    );
    assert!(
        after.contains("DTEND;TZID=Europe/Berlin:20261204T163000"),
        "{after:?}"
    );
    assert_mirrors(&s.rig, s.account, &s.other).await;
}

fn lunch() -> Draft {
    Draft {
        title: "Lunch".into(),
        all_day: false,
        start: "2026-12-10T12:00".into(),
        end: "2026-12-10T13:00".into(),
        zone: BERLIN,
        repeat: None,
        alerts: vec![10],
        location: None,
        url: None,
        notes: None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn undoing_changes_the_server_never_saw_sends_nothing() {
    let s = home_setup(19, &["keep"]).await;
    let created = s
        .rig
        .engine
        .create_from(s.home, &lunch(), Uid::new("LUNCH-1"), BERLIN)
        .await
        .unwrap();
    assert_eq!(s.rig.engine.outbox(None).await.unwrap().len(), 1);
    // An edit of a server event, and a deletion, also undone before any sync.
    let keep = Href::new(format!("{}keep.ics", s.home_href));
    let (target, edited) = s.rename(&keep, "2026-12-01T10:00:00", "Kept").await;
    let deleted = s
        .rig
        .engine
        .delete_at(&target, EditScope::All)
        .await
        .unwrap();
    assert_eq!(s.rig.engine.outbox(None).await.unwrap().len(), 2);

    let redo = s.rig.engine.undo(deleted.undo).await.unwrap();
    s.rig.engine.undo(edited.undo).await.unwrap();
    s.rig.engine.undo(created.undo).await.unwrap();
    assert!(
        s.rig.engine.outbox(None).await.unwrap().is_empty(),
        "as if never changed"
    );
    assert!(s.rig.contents(s.account).await[keep.as_str()].contains("SUMMARY:keep"));
    assert_eq!(redo.undo.resources().count(), 1, "an undo can be undone");

    let mark = s.emu.log_mark();
    s.rig.sync(s.account).await.unwrap();
    assert!(
        s.writes_since(mark).is_empty(),
        "{:?}",
        s.writes_since(mark)
    );
    assert_mirrors(&s.rig, s.account, &s.other).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn undoing_a_change_the_server_has_puts_the_earlier_text_back_with_if_match() {
    let s = home_setup(19, &["talk", "plan"]).await;
    let original = s.rig.contents(s.account).await;
    let talk = Href::new(format!("{}talk.ics", s.home_href));
    let (_, edited) = s.rename(&talk, "2026-12-01T10:00:00", "Talk renamed").await;
    s.rig.sync(s.account).await.unwrap();
    assert!(s.server().await[talk.as_str()].contains("Talk renamed"));

    s.rig.engine.undo(edited.undo).await.unwrap();
    let mark = s.emu.log_mark();
    s.rig.sync(s.account).await.unwrap();
    assert_eq!(s.writes_since(mark), ["PUT"]);
    assert_eq!(
        lines(&s.server().await[talk.as_str()]),
        lines(&original[talk.as_str()]),
        "the earlier text, back on the server"
    );

    // Changed on the server after our push: the undo's If-Match fails, and the three-way merge
    // keeps their change with our undo rather than overwriting it.
    let plan = Href::new(format!("{}plan.ics", s.home_href));
    let (_, edited) = s.rename(&plan, "2026-12-02T10:00:00", "Plan renamed").await;
    s.rig.sync(s.account).await.unwrap();
    let theirs =
        s.server().await[plan.as_str()].replace("END:VEVENT", "LOCATION:Room 9\r\nEND:VEVENT");
    s.other.change("home", "plan.ics", &theirs).await;
    s.rig.engine.undo(edited.undo).await.unwrap();
    let report = s.rig.sync(s.account).await.unwrap();
    assert_eq!(report.conflicts, 0, "{report:?}");
    let server = s.server().await[plan.as_str()].clone();
    assert!(server.contains("SUMMARY:plan"), "{server}");
    assert!(server.contains("LOCATION:Room 9"), "{server}");
    assert_mirrors(&s.rig, s.account, &s.other).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_is_imported_through_the_outbox_and_a_conflict_keeps_both() {
    let s = home_setup(19, &["trip", "old"]).await;
    let newer_trip = event("trip", "Trip newer", 1).replace("DTSTAMP", "SEQUENCE:3\r\nDTSTAMP");
    let file = format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Export//EN\r\n{}{}{}END:VCALENDAR\r\n",
        body(&newer_trip),
        body(&event("old", "old", 2)),
        body(&event("fresh", "Fresh", 12)),
    );
    let plan = s.rig.engine.plan_import(&file, s.home).await.unwrap();
    assert_eq!(
        (plan.new.len(), plan.updated.len(), plan.skipped.len()),
        (1, 1, 1)
    );
    assert_eq!(plan.skipped_reasons().len(), 1);
    let mark = s.emu.log_mark();
    let mut n = 0;
    s.rig
        .engine
        .import(&plan, || {
            n += 1;
            Uid::new(format!("IMPORTED-{n}"))
        })
        .await
        .unwrap();
    assert!(s.writes_since(mark).is_empty(), "local first");
    s.rig.sync(s.account).await.unwrap();
    let server = s.server().await;
    assert!(server[&format!("{}IMPORTED-1.ics", s.home_href)].contains("Fresh"));
    assert!(server[&format!("{}trip.ics", s.home_href)].contains("Trip newer"));

    // Keep both: theirs stays at its path, mine becomes a new event.
    let old = Href::new(format!("{}old.ics", s.home_href));
    s.other
        .change("home", "old.ics", &event("old", "Theirs", 2))
        .await;
    s.rig
        .engine
        .update_event(s.home, old.clone(), event("old", "Mine", 2))
        .await
        .unwrap();
    s.rig.sync(s.account).await.unwrap();
    let conflict = s.rig.engine.outbox(None).await.unwrap().remove(0);
    assert_eq!(conflict.change, LocalChange::Conflict);
    let copy = s
        .rig
        .engine
        .keep_both(conflict.id, Uid::new("MINE-COPY"))
        .await
        .unwrap()
        .unwrap();
    s.rig.sync(s.account).await.unwrap();
    let server = s.server().await;
    assert!(server[old.as_str()].contains("Theirs"));
    assert!(server[copy.as_str()].contains("Mine"));
    assert!(server[copy.as_str()].contains("UID:MINE-COPY"));
    assert_mirrors(&s.rig, s.account, &s.other).await;
}

/// The VEVENT of a one-event resource.
fn body(ics: &str) -> &str {
    let start = ics.find("BEGIN:VEVENT").unwrap();
    let end = ics.find("END:VEVENT\r\n").unwrap() + "END:VEVENT\r\n".len();
    &ics[start..end]
}
