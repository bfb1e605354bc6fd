//! iCloud's write rules, each against a started emulator with real HTTP, then with its switch
//! off: no ETag after a rewrite, account-wide UIDs, METHOD and several UIDs, Olson TZIDs,
//! `412` preconditions, MOVE, and the size limit. Scheduling is in `scheduling.rs`.

use crate::common::*;
use almanac_icloud_emulator::{Quirks, layout};

/// `event(uid)` with `extra` lines just before its SUMMARY.
fn event_with(uid: &str, extra: &str) -> String {
    event(uid).replace("SUMMARY:", &format!("{extra}SUMMARY:"))
}

fn alarm(uid: &str) -> String {
    format!(
        "BEGIN:VALARM\r\nUID:{uid}\r\nX-WR-ALARMUID:{uid}\r\nACTION:DISPLAY\r\nDESCRIPTION:x\r\nTRIGGER:-PT15M\r\nEND:VALARM\r\n"
    )
}

async fn create(emu: &almanac_icloud_emulator::Emulator, href: &str, body: &str) -> Reply {
    request(emu, "PUT", href, &[ICS, ("If-None-Match", "*")], body).await
}

#[tokio::test]
async fn a_rewritten_put_answers_without_etag_unless_switched() {
    let emu = start().await;
    let home = cal_url(&emu, "home");
    // Two copies of one alarm: the server keeps one, so what it stores is not what was sent.
    let doubled = event_with("r1", &format!("{}{}", alarm("A1"), alarm("A2")));
    let r = create(&emu, &format!("{home}r1.ics"), &doubled).await;
    assert_eq!((r.status, header(&r, "etag")), (201, None));
    let stored = dav(&emu, "GET", &format!("{home}r1.ics"), None, "").await;
    assert_eq!(stored.body.matches("BEGIN:VALARM").count(), 1);
    assert!(header(&stored, "etag").is_some());
    // Stored as sent: the ETag comes back.
    let plain = create(&emu, &format!("{home}r2.ics"), &event("r2")).await;
    assert_eq!(plain.status, 201);
    assert!(header(&plain, "etag").is_some());
    // Pessimistic mode: every PUT is rewritten (iCloud's PRODID), none has an ETag.
    patch_quirks(&emu, serde_json::json!({"rewrite_every_put": true})).await;
    let r = create(&emu, &format!("{home}r3.ics"), &event("r3")).await;
    assert_eq!((r.status, header(&r, "etag")), (201, None));
    let stored = dav(&emu, "GET", &format!("{home}r3.ics"), None, "").await;
    assert!(
        stored.body.contains("PRODID:-//caldav.icloud.com//"),
        "{}",
        stored.body
    );
    // Switched off: the ETag of the rewritten object is sent anyway, and it is the stored one.
    emu.set_quirks(Quirks {
        etag_when_rewritten: true,
        ..Quirks::default()
    });
    let doubled4 = doubled.replace("UID:r1", "UID:r4");
    let r = create(&emu, &format!("{home}r4.ics"), &doubled4).await;
    let stored = dav(&emu, "GET", &format!("{home}r4.ics"), None, "").await;
    assert_eq!(r.status, 201);
    assert_eq!(header(&r, "etag"), header(&stored, "etag"));
    // No normalisation at all: both alarms are stored, and the ETag is sent.
    emu.set_quirks(Quirks {
        normalise_on_put: false,
        ..Quirks::default()
    });
    let doubled5 = doubled.replace("UID:r1", "UID:r5");
    let r = create(&emu, &format!("{home}r5.ics"), &doubled5).await;
    assert!(header(&r, "etag").is_some());
    let stored = dav(&emu, "GET", &format!("{home}r5.ics"), None, "").await;
    assert_eq!(stored.body.matches("BEGIN:VALARM").count(), 2);
}

#[tokio::test]
async fn uids_are_unique_across_the_account_and_the_conflict_names_the_holder() {
    let emu = start().await;
    let (home, work) = (cal_url(&emu, "home"), cal_url(&emu, "work"));
    assert_eq!(
        create(&emu, &format!("{home}a.ics"), &event("u1"))
            .await
            .status,
        201
    );
    let holder = format!(">/{DSID}/calendars/home/a.ics</href>");
    for other in [format!("{work}b.ics"), format!("{home}c.ics")] {
        let r = create(&emu, &other, &event("u1")).await;
        assert_eq!(r.status, 403, "{other}");
        assert!(
            r.body
                .contains("<no-uid-conflict xmlns=\"urn:ietf:params:xml:ns:caldav\">")
        );
        assert!(r.body.contains(&holder), "{}", r.body);
    }
    // The UID of an existing object cannot change under its href.
    let etag = header(
        &dav(&emu, "GET", &format!("{home}a.ics"), None, "").await,
        "etag",
    )
    .unwrap();
    let r = request(
        &emu,
        "PUT",
        &format!("{home}a.ics"),
        &[ICS, ("If-Match", &etag)],
        &event("u2"),
    )
    .await;
    assert_eq!(r.status, 403);
    assert!(r.body.contains("no-uid-conflict"));
    // A calendar the client made itself is part of the account too.
    let mk = r#"<?xml version="1.0" encoding="UTF-8"?><C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:set><D:prop><D:displayname>Trips</D:displayname></D:prop></D:set></C:mkcalendar>"#;
    let trips = cal_url(&emu, "trips-2026");
    assert_eq!(dav(&emu, "MKCALENDAR", &trips, None, mk).await.status, 201);
    assert_eq!(
        create(&emu, &format!("{trips}t.ics"), &event("u3"))
            .await
            .status,
        201
    );
    let r = create(&emu, &format!("{home}t.ics"), &event("u3")).await;
    assert!(r.status == 403 && r.body.contains("/calendars/trips-2026/t.ics"));
    // Objects stored behind the emulator's back count too, and stop counting when deleted.
    emu.put_object(layout::FAMILY, "direct.ics", &event("u9"))
        .await
        .unwrap();
    let r = create(&emu, &format!("{home}d.ics"), &event("u9")).await;
    assert!(
        r.status == 403 && r.body.contains("/direct.ics"),
        "{}",
        r.body
    );
    emu.delete_object(layout::FAMILY, "direct.ics")
        .await
        .unwrap();
    assert_eq!(
        create(&emu, &format!("{home}d.ics"), &event("u9"))
            .await
            .status,
        201
    );
    // TbSync #187's status, through the control API.
    patch_quirks(&emu, serde_json::json!({"uid_conflict_status": 412})).await;
    assert_eq!(
        create(&emu, &format!("{work}b.ics"), &event("u1"))
            .await
            .status,
        412
    );
    // Switched off: the same UID may live in two calendars.
    patch_quirks(&emu, serde_json::json!({"unique_uids": false})).await;
    assert_eq!(
        create(&emu, &format!("{work}b.ics"), &event("u1"))
            .await
            .status,
        201
    );
}

#[tokio::test]
async fn method_and_several_uids_are_refused_as_invalid_objects() {
    let emu = start().await;
    let home = cal_url(&emu, "home");
    let invalid = "<valid-calendar-object-resource xmlns=\"urn:ietf:params:xml:ns:caldav\"/>";
    let method = event("m1").replace("VERSION:2.0\r\n", "VERSION:2.0\r\nMETHOD:PUBLISH\r\n");
    let r = create(&emu, &format!("{home}m1.ics"), &method).await;
    assert_eq!(r.status, 400);
    assert!(r.body.contains(invalid), "{}", r.body);
    let second = event("m3")
        .replace(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//EN\r\n",
            "",
        )
        .replace("END:VCALENDAR\r\n", "");
    let two = event("m2").replace("END:VCALENDAR\r\n", &format!("{second}END:VCALENDAR\r\n"));
    let r = create(&emu, &format!("{home}m2.ics"), &two).await;
    assert_eq!(r.status, 403);
    assert!(r.body.contains(invalid));
    // Overrides share the master's UID: one UID, accepted.
    let override_ = event("m4")
        .replace(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//EN\r\n",
            "",
        )
        .replace("END:VCALENDAR\r\n", "")
        .replace(
            "DTSTART:20261110",
            "RECURRENCE-ID:20261117T100000Z\r\nDTSTART:20261117",
        )
        .replace("DTEND:20261110", "DTEND:20261117");
    let series = event_with("m4", "RRULE:FREQ=WEEKLY;COUNT=4\r\n").replace(
        "END:VCALENDAR\r\n",
        &format!("{override_}END:VCALENDAR\r\n"),
    );
    assert_eq!(
        create(&emu, &format!("{home}m4.ics"), &series).await.status,
        201
    );
    // Switched off: the emulator passes them on and Radicale decides.
    emu.set_quirks(Quirks {
        refuse_method: false,
        single_uid_per_resource: false,
        ..Quirks::default()
    });
    let r = create(&emu, &format!("{home}m1.ics"), &method).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let r = create(&emu, &format!("{home}m2.ics"), &two).await;
    assert!(!r.body.contains(invalid), "{} {}", r.status, r.body);
}

const WINDOWS_TZ: &str = "BEGIN:VTIMEZONE\r\nTZID:W. Europe Standard Time\r\nBEGIN:STANDARD\r\nDTSTART:16010101T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r\nEND:STANDARD\r\nBEGIN:DAYLIGHT\r\nDTSTART:16010101T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r\n";

fn zoned(uid: &str, tzid: &str) -> String {
    event(uid)
        .replace(
            "BEGIN:VEVENT",
            &format!(
                "{}BEGIN:VEVENT",
                WINDOWS_TZ.replace("W. Europe Standard Time", tzid)
            ),
        )
        .replace(
            "DTSTART:20261110T100000Z",
            &format!("DTSTART;TZID=\"{tzid}\":20261110T100000"),
        )
        .replace(
            "DTEND:20261110T110000Z",
            &format!("DTEND;TZID=\"{tzid}\":20261110T110000"),
        )
}

#[tokio::test]
async fn tzids_that_are_not_olson_names_are_refused() {
    let emu = start().await;
    let home = cal_url(&emu, "home");
    for (name, tzid) in [
        ("z1", "W. Europe Standard Time"),
        ("z2", "/mozilla.org/20050126_1/Europe/Berlin"),
    ] {
        let r = create(&emu, &format!("{home}{name}.ics"), &zoned(name, tzid)).await;
        assert_eq!(r.status, 403, "{tzid}");
        assert!(r.body.contains("<valid-calendar-data"), "{}", r.body);
    }
    let olson = create(
        &emu,
        &format!("{home}z3.ics"),
        &zoned("z3", "Europe/Berlin"),
    )
    .await;
    assert_eq!(olson.status, 201);
    patch_quirks(&emu, serde_json::json!({"olson_tzids_only": false})).await;
    let r = create(
        &emu,
        &format!("{home}z1.ics"),
        &zoned("z1", "W. Europe Standard Time"),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
}

#[tokio::test]
async fn stale_preconditions_get_412_before_the_body_is_judged() {
    let emu = start().await;
    let href = format!("{}p1.ics", cal_url(&emu, "home"));
    let first = create(&emu, &href, &event("p1")).await;
    let old = header(&first, "etag").unwrap();
    assert_eq!(create(&emu, &href, &event("p1")).await.status, 412);
    let edit = |s: &str| event("p1").replace("SUMMARY:p1", &format!("SUMMARY:{s}"));
    let r = request(&emu, "PUT", &href, &[ICS, ("If-Match", &old)], &edit("one")).await;
    assert_eq!(r.status, 204);
    let new = header(&r, "etag").unwrap();
    let stale = request(&emu, "PUT", &href, &[ICS, ("If-Match", &old)], &edit("two")).await;
    assert_eq!(stale.status, 412);
    // Preconditions come first: a stale write with a METHOD in it is still a 412.
    let method = edit("three").replace("VERSION:2.0\r\n", "VERSION:2.0\r\nMETHOD:REQUEST\r\n");
    let r = request(&emu, "PUT", &href, &[ICS, ("If-Match", &old)], &method).await;
    assert_eq!(r.status, 412);
    let missing = format!("{}gone.ics", cal_url(&emu, "home"));
    let r = request(
        &emu,
        "PUT",
        &missing,
        &[ICS, ("If-Match", &old)],
        &event("g"),
    )
    .await;
    assert_eq!(r.status, 412);
    assert_eq!(
        request(&emu, "DELETE", &href, &[("If-Match", &old)], "")
            .await
            .status,
        412
    );
    // Switched off: the server ignores them, the last writer wins.
    patch_quirks(&emu, serde_json::json!({"honour_preconditions": false})).await;
    let r = request(
        &emu,
        "PUT",
        &href,
        &[ICS, ("If-Match", &old)],
        &edit("four"),
    )
    .await;
    assert_eq!(r.status, 204);
    assert_eq!(create(&emu, &href, &edit("five")).await.status, 204);
    let body = dav(&emu, "GET", &href, None, "").await.body;
    assert!(body.contains("SUMMARY:five"));
    assert_ne!(new, old);
    assert_eq!(
        request(&emu, "DELETE", &href, &[("If-Match", &old)], "")
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn move_works_when_switched_on_and_gets_403_otherwise() {
    let emu = start().await;
    let (home, work) = (cal_url(&emu, "home"), cal_url(&emu, "work"));
    assert_eq!(
        create(&emu, &format!("{home}mv.ics"), &event("mv"))
            .await
            .status,
        201
    );
    let dest = format!("{work}mv.ics");
    let mv = |dest: String, extra: Vec<(&'static str, String)>| {
        let emu = &emu;
        let src = format!("{home}mv.ics");
        async move {
            let mut headers = vec![("Destination", dest)];
            if !extra.iter().any(|(k, _)| *k == "Overwrite") {
                headers.push(("Overwrite", "F".to_string()));
            }
            headers.extend(extra);
            let h: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
            request(emu, "MOVE", &src, &h, "").await
        }
    };
    // Off (iCloud as KashCal saw it): 403, and nothing moved.
    assert_eq!(mv(dest.clone(), vec![]).await.status, 403);
    let options = request(&emu, "OPTIONS", &home, &[], "").await;
    assert!(!header(&options, "allow").unwrap().contains("MOVE"));
    patch_quirks(&emu, serde_json::json!({"allow_move": true})).await;
    let options = request(&emu, "OPTIONS", &home, &[], "").await;
    assert!(header(&options, "allow").unwrap().contains("MOVE"));
    let read_only = format!("{}mv.ics", cal_url(&emu, layout::SHARED_READ_ONLY));
    assert_eq!(mv(read_only, vec![]).await.status, 403);
    let tasks = format!("{}mv.ics", cal_url(&emu, layout::TASKS));
    assert_eq!(mv(tasks, vec![]).await.status, 403);
    assert_eq!(
        mv("/1/calendars/work/mv.ics".into(), vec![]).await.status,
        403
    );
    let stale = vec![("If-Match", "\"stale\"".to_string())];
    assert_eq!(mv(dest.clone(), stale).await.status, 412);
    // A destination that exists: Overwrite F → 412, T → 403.
    assert_eq!(
        create(&emu, &format!("{work}taken.ics"), &event("tk"))
            .await
            .status,
        201
    );
    assert_eq!(mv(format!("{work}taken.ics"), vec![]).await.status, 412);
    let overwrite = vec![("Overwrite", "T".to_string())];
    assert_eq!(mv(format!("{work}taken.ics"), overwrite).await.status, 403);
    // An absolute Destination, as clients send it.
    let r = mv(dest.clone(), vec![]).await;
    assert_eq!(r.status, 201);
    assert_eq!(dav(&emu, "GET", &dest, None, "").await.status, 200);
    assert_eq!(
        dav(&emu, "GET", &format!("{home}mv.ics"), None, "")
            .await
            .status,
        404
    );
    assert_eq!(mv(dest, vec![]).await.status, 404);
    // The UID moved with the object.
    let r = create(&emu, &format!("{home}again.ics"), &event("mv")).await;
    assert!(r.status == 403 && r.body.contains("/calendars/work/mv.ics"));
}

fn big_event(uid: &str, octets: usize) -> String {
    let mut description = String::from("DESCRIPTION:");
    while description.len() < octets {
        description.push_str(&"x".repeat(73));
        description.push_str("\r\n ");
    }
    event_with(uid, &format!("{}\r\n", description.trim_end()))
}

#[tokio::test]
async fn objects_over_the_size_limit_are_refused() {
    let emu = start().await;
    let home = cal_url(&emu, "home");
    let big = big_event("big", 1_100_000);
    let r = create(&emu, &format!("{home}big.ics"), &big).await;
    assert_eq!(r.status, 403);
    assert!(r.body.contains("<max-resource-size"), "{}", r.body);
    let propfind = r#"<?xml version="1.0" encoding="UTF-8"?><d:propfind xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><c:max-resource-size/></d:prop></d:propfind>"#;
    let props = dav(&emu, "PROPFIND", &home, Some("0"), propfind).await;
    assert!(
        props.body.contains(">1048576</max-resource-size>"),
        "{}",
        props.body
    );
    emu.set_quirks(Quirks {
        max_resource_size: Some(2_000),
        resource_size_status: 413,
        ..Quirks::default()
    });
    assert_eq!(
        create(&emu, &format!("{home}mid.ics"), &big_event("mid", 3_000))
            .await
            .status,
        413
    );
    assert_eq!(
        create(&emu, &format!("{home}small.ics"), &event("small"))
            .await
            .status,
        201
    );
    emu.set_quirks(Quirks {
        max_resource_size: None,
        ..Quirks::default()
    });
    let r = create(&emu, &format!("{home}big.ics"), &big).await;
    assert_eq!(r.status, 201, "{}", r.body);
}
