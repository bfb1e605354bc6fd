//! Server-side scheduling (RFC 6638) against a started emulator: the log of invitations,
//! updates, cancellations and replies "sent", `SCHEDULE-STATUS`, `Schedule-Tag` and
//! `If-Schedule-Tag-Match`, `SCHEDULE-AGENT=CLIENT`, `Schedule-Reply: F`, and the switch.

use crate::common::*;
use almanac_icloud_emulator::{Emulator, MessageKind, Quirks};

const ME: &str = "mailto:almanac.tester@icloud.com";

/// An event the account organizes, with these attendee lines.
fn organized(uid: &str, attendees: &[&str], location: &str) -> String {
    let lines: String = attendees.iter().map(|a| format!("{a}\r\n")).collect();
    event(uid).replace(
        "SUMMARY:",
        &format!("ORGANIZER;CN=Tester:{ME}\r\nATTENDEE;PARTSTAT=ACCEPTED:{ME}\r\n{lines}LOCATION:{location}\r\nSUMMARY:"),
    )
}

/// An invitation from Sam to the account, with the account's PARTSTAT.
fn invitation(uid: &str, partstat: &str) -> String {
    event(uid).replace(
        "SUMMARY:",
        &format!(
            "ORGANIZER;CN=Sam:mailto:sam@example.com\r\nATTENDEE;PARTSTAT=ACCEPTED:mailto:sam@example.com\r\nATTENDEE;PARTSTAT={partstat};RSVP=TRUE:{ME}\r\nSUMMARY:"
        ),
    )
}

fn sent(emu: &Emulator) -> Vec<(MessageKind, String)> {
    emu.scheduling_log()
        .into_iter()
        .map(|m| (m.kind, m.to))
        .collect()
}

#[tokio::test]
async fn organizer_writes_invite_update_and_cancel_each_attendee_but_client_scheduled_ones() {
    let emu = start().await;
    let href = format!("{}o1.ics", cal_url(&emu, "home"));
    let v1 = organized(
        "o1",
        &[
            "ATTENDEE;RSVP=TRUE:mailto:ana@example.com",
            "ATTENDEE;SCHEDULE-AGENT=CLIENT:mailto:kim@example.com",
        ],
        "Room 1",
    );
    let r = request(&emu, "PUT", &href, &[ICS, ("If-None-Match", "*")], &v1).await;
    // The server wrote SCHEDULE-STATUS, so no ETag; a Schedule-Tag instead.
    assert_eq!((r.status, header(&r, "etag")), (201, None));
    let tag1 = header(&r, "schedule-tag").unwrap();
    assert_eq!(
        sent(&emu),
        [(MessageKind::Invitation, "mailto:ana@example.com".into())]
    );
    let got = dav(&emu, "GET", &href, None, "").await;
    assert!(
        got.body
            .contains("SCHEDULE-STATUS=1.1:mailto:ana@example.com"),
        "{}",
        got.body
    );
    assert!(!got.body.contains("SCHEDULE-STATUS=1.1:mailto:kim"));
    assert_eq!(header(&got, "schedule-tag").unwrap(), tag1);
    let etag = header(&got, "etag").unwrap();
    // A significant change: an update to Ana, and a new tag.
    let v2 = got.body.replace("LOCATION:Room 1", "LOCATION:Room 2");
    let r = request(&emu, "PUT", &href, &[ICS, ("If-Match", &etag)], &v2).await;
    assert_eq!(r.status, 204);
    // Sent back with the server's SCHEDULE-STATUS as it was: stored as sent, so an ETag.
    assert!(header(&r, "etag").is_some());
    let tag2 = header(&r, "schedule-tag").unwrap();
    assert_ne!(tag2, tag1);
    assert_eq!(
        sent(&emu)[1],
        (MessageKind::Update, "mailto:ana@example.com".into())
    );
    // Ana removed, Ben added.
    emu.clear_scheduling_log();
    let v3 = organized("o1", &["ATTENDEE:mailto:ben@example.com"], "Room 2");
    let r = request(
        &emu,
        "PUT",
        &href,
        &[ICS, ("If-Schedule-Tag-Match", &tag2)],
        &v3,
    )
    .await;
    assert_eq!(r.status, 204);
    assert_eq!(
        sent(&emu),
        [
            (MessageKind::Cancel, "mailto:ana@example.com".into()),
            (MessageKind::Invitation, "mailto:ben@example.com".into())
        ]
    );
    // A stale Schedule-Tag is a failed precondition.
    let r = request(
        &emu,
        "PUT",
        &href,
        &[ICS, ("If-Schedule-Tag-Match", &tag1)],
        &v3,
    )
    .await;
    assert_eq!(r.status, 412);
    // Deleting the event cancels it for everyone still invited; the control API shows the log.
    assert_eq!(dav(&emu, "DELETE", &href, None, "").await.status, 200);
    let log: serde_json::Value = client()
        .get(url(&emu.control_url(), "/control/scheduling"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let last = log["messages"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["kind"], "cancel");
    assert_eq!(last["method"], "CANCEL");
    assert_eq!(last["to"], "mailto:ben@example.com");
    assert_eq!(last["uid"], "o1");
    assert_eq!(last["from"], ME);
    let cleared = client()
        .post(url(&emu.control_url(), "/control/scheduling/clear"))
        .send()
        .await
        .unwrap();
    assert_eq!(cleared.status(), 200);
    assert!(emu.scheduling_log().is_empty());
}

#[tokio::test]
async fn attendee_replies_go_to_the_organizer_and_keep_the_schedule_tag() {
    let emu = start().await;
    // Delivered by the server, as an invitation lands in an iCloud calendar.
    emu.put_object("home", "inv.ics", &invitation("inv", "NEEDS-ACTION"))
        .await
        .unwrap();
    let href = format!("{}inv.ics", cal_url(&emu, "home"));
    let got = dav(&emu, "GET", &href, None, "").await;
    let tag = header(&got, "schedule-tag").unwrap();
    let accepted = got
        .body
        .replace("PARTSTAT=NEEDS-ACTION", "PARTSTAT=ACCEPTED");
    let r = request(
        &emu,
        "PUT",
        &href,
        &[ICS, ("If-Schedule-Tag-Match", &tag)],
        &accepted,
    )
    .await;
    assert_eq!(r.status, 204);
    // Only the participation status changed: the tag stays (RFC 6638 §3.2.10).
    assert_eq!(header(&r, "schedule-tag").unwrap(), tag);
    let log = emu.scheduling_log();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].kind, MessageKind::Reply);
    assert_eq!(log[0].method, "REPLY");
    assert_eq!(log[0].to, "mailto:sam@example.com");
    assert_eq!(log[0].partstat.as_deref(), Some("ACCEPTED"));
    let stored = dav(&emu, "GET", &href, None, "").await;
    assert!(
        stored
            .body
            .contains("ORGANIZER;CN=Sam;SCHEDULE-STATUS=1.1:mailto:sam@example.com")
    );
    // Deleting with `Schedule-Reply: F` sends nothing; without it, a DECLINED reply.
    assert_eq!(
        request(&emu, "DELETE", &href, &[("Schedule-Reply", "F")], "")
            .await
            .status,
        200
    );
    assert_eq!(emu.scheduling_log().len(), 1);
    emu.put_object("work", "inv2.ics", &invitation("inv2", "TENTATIVE"))
        .await
        .unwrap();
    let href2 = format!("{}inv2.ics", cal_url(&emu, "work"));
    assert_eq!(dav(&emu, "DELETE", &href2, None, "").await.status, 200);
    let last = emu.scheduling_log().pop().unwrap();
    assert_eq!(
        (last.kind, last.partstat.as_deref(), last.uid.as_str()),
        (MessageKind::Reply, Some("DECLINED"), "inv2")
    );
    // An organizer that schedules itself (SCHEDULE-AGENT=CLIENT): the reply is the client's job.
    let own = invitation("inv3", "NEEDS-ACTION")
        .replace("ORGANIZER;", "ORGANIZER;SCHEDULE-AGENT=CLIENT;");
    emu.put_object("home", "inv3.ics", &own).await.unwrap();
    let href3 = format!("{}inv3.ics", cal_url(&emu, "home"));
    let r = request(
        &emu,
        "PUT",
        &href3,
        &[ICS],
        &own.replace("NEEDS-ACTION", "DECLINED"),
    )
    .await;
    assert_eq!(r.status, 204);
    assert_eq!(emu.scheduling_log().len(), 2);
}

#[tokio::test]
async fn with_scheduling_off_nothing_is_sent_rewritten_or_tagged() {
    let emu = start().await;
    emu.set_quirks(Quirks {
        server_scheduling: false,
        ..Quirks::default()
    });
    let href = format!("{}o2.ics", cal_url(&emu, "home"));
    let body = organized("o2", &["ATTENDEE:mailto:ana@example.com"], "Room 1");
    let r = request(&emu, "PUT", &href, &[ICS, ("If-None-Match", "*")], &body).await;
    assert_eq!(r.status, 201);
    assert!(header(&r, "etag").is_some());
    assert!(header(&r, "schedule-tag").is_none());
    let got = dav(&emu, "GET", &href, None, "").await;
    assert!(header(&got, "schedule-tag").is_none());
    assert!(!got.body.contains("SCHEDULE-STATUS"));
    assert!(emu.scheduling_log().is_empty());
    // Through the control API, back on: the next change is scheduled.
    patch_quirks(&emu, serde_json::json!({"server_scheduling": true})).await;
    let etag = header(&got, "etag").unwrap();
    let moved = got.body.replace("Room 1", "Room 3");
    let r = request(&emu, "PUT", &href, &[ICS, ("If-Match", &etag)], &moved).await;
    assert_eq!(r.status, 204);
    assert!(header(&r, "schedule-tag").is_some());
    assert_eq!(
        sent(&emu),
        [(MessageKind::Update, "mailto:ana@example.com".into())]
    );
}
