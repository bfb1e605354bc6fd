//! iCloud's write rules: conditional PUTs, 201/204, and the rejections iCloud is known for.

use crate::common::*;
use almanac_icloud_emulator::{Emulator, Quirks, layout};

async fn put(
    emu: &Emulator,
    url: &str,
    body: &str,
    headers: &[(&str, &str)],
) -> (u16, Option<String>) {
    let mut req = client()
        .put(url)
        .basic_auth(emu.apple_id(), Some(emu.password()))
        .body(body.to_string());
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let r = req.send().await.unwrap();
    let etag = r
        .headers()
        .get("etag")
        .map(|v| v.to_str().unwrap().to_string());
    (r.status().as_u16(), etag)
}

const CT: (&str, &str) = ("Content-Type", "text/calendar; charset=utf-8");

#[tokio::test]
async fn conditional_puts_answer_201_204_and_412() {
    let emu = start().await;
    let href = format!("{}w1.ics", cal_url(&emu, "home"));
    let (s, etag) = put(&emu, &href, &event("w1"), &[CT, ("If-None-Match", "*")]).await;
    assert_eq!(s, 201);
    let etag = etag.unwrap();
    assert_eq!(
        put(&emu, &href, &event("w1"), &[CT, ("If-None-Match", "*")])
            .await
            .0,
        412
    );
    let (s, new_etag) = put(
        &emu,
        &href,
        &event("w1").replace("SUMMARY:w1", "SUMMARY:w1 edited"),
        &[CT, ("If-Match", &etag)],
    )
    .await;
    assert_eq!(s, 204);
    assert_ne!(new_etag.unwrap(), etag);
    assert_eq!(
        put(&emu, &href, &event("w1"), &[CT, ("If-Match", &etag)])
            .await
            .0,
        412
    );
    emu.set_quirks(Quirks {
        omit_put_etag: true,
        ..Quirks::default()
    });
    let (s, e) = put(
        &emu,
        &format!("{}w2.ics", cal_url(&emu, "home")),
        &event("w2"),
        &[CT, ("If-None-Match", "*")],
    )
    .await;
    assert_eq!((s, e), (201, None));
    assert_eq!(
        dav(
            &emu,
            "DELETE",
            &format!("{}gone.ics", cal_url(&emu, "home")),
            None,
            ""
        )
        .await
        .status,
        404
    );
}

#[tokio::test]
async fn icloud_rejects_what_it_rejects() {
    let emu = start().await;
    let home = cal_url(&emu, "home");
    let no_end = event("n1").replace("DTEND:20261110T110000Z\r\n", "");
    assert_eq!(
        put(&emu, &format!("{home}n1.ics"), &no_end, &[CT]).await.0,
        404
    );
    let with_duration = no_end.replace("SUMMARY", "DURATION:PT1H\r\nSUMMARY");
    assert_eq!(
        put(&emu, &format!("{home}n1.ics"), &with_duration, &[CT])
            .await
            .0,
        201
    );
    let method = event("m1").replace("VERSION:2.0\r\n", "VERSION:2.0\r\nMETHOD:REQUEST\r\n");
    assert_eq!(
        put(&emu, &format!("{home}m1.ics"), &method, &[CT]).await.0,
        400
    );
    emu.set_quirks(Quirks {
        method_rejection_status: 403,
        ..Quirks::default()
    });
    assert_eq!(
        put(&emu, &format!("{home}m1.ics"), &method, &[CT]).await.0,
        403
    );
    // The same UID in another calendar of the account.
    assert_eq!(
        put(
            &emu,
            &format!("{}dup.ics", cal_url(&emu, "work")),
            &event("n1"),
            &[CT]
        )
        .await
        .0,
        403
    );
    let todo = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VTODO\r\nUID:t1\r\nDTSTAMP:20260101T000000Z\r\nDUE:20261110T100000Z\r\nSUMMARY:t\r\nEND:VTODO\r\nEND:VCALENDAR\r\n";
    assert_eq!(
        put(&emu, &format!("{home}t1.ics"), todo, &[CT]).await.0,
        403
    );
    assert_eq!(
        put(
            &emu,
            &format!("{}t1.ics", cal_url(&emu, layout::TASKS)),
            todo,
            &[CT]
        )
        .await
        .0,
        201
    );
    assert_eq!(
        put(
            &emu,
            &format!("{}e1.ics", cal_url(&emu, layout::TASKS)),
            &event("e1"),
            &[CT]
        )
        .await
        .0,
        403
    );
    assert_eq!(
        put(&emu, &format!("{home}c1.ics"), &event("c1"), &[])
            .await
            .0,
        415
    );
    assert_eq!(
        put(
            &emu,
            &format!("{}r1.ics", cal_url(&emu, layout::SHARED_READ_ONLY)),
            &event("r1"),
            &[CT]
        )
        .await
        .0,
        403
    );
}

#[tokio::test]
async fn mkcalendar_accepts_client_ids_and_refuses_odd_names() {
    let emu = start().await;
    let body = r#"<?xml version="1.0" encoding="UTF-8"?><C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav" xmlns:A="http://apple.com/ns/ical/"><D:set><D:prop><D:displayname>Trips</D:displayname><A:calendar-color>#FF9500FF</A:calendar-color><A:calendar-order>9</A:calendar-order></D:prop></D:set></C:mkcalendar>"#;
    assert_eq!(
        dav(&emu, "MKCALENDAR", &cal_url(&emu, "x"), None, body)
            .await
            .status,
        403
    );
    assert_eq!(
        dav(&emu, "MKCALENDAR", &cal_url(&emu, "trips-2026"), None, body)
            .await
            .status,
        201
    );
    let listing = dav(&emu, "PROPFIND", &emu.home_url(), Some("1"), PROPFIND_HOME).await;
    assert!(
        listing
            .body
            .contains(&format!("<href>/{DSID}/calendars/trips-2026/</href>"))
    );
    assert!(!listing.body.contains("radicale.org"), "{}", listing.body);
}

#[tokio::test]
async fn housekeeping_changes_etags_and_reads_can_be_stale_after_a_write() {
    let emu = start().await;
    let href = format!("{}h1.ics", cal_url(&emu, "home"));
    let (_, etag) = put(&emu, &href, &event("h1"), &[CT, ("If-None-Match", "*")]).await;
    let etag = etag.unwrap();
    emu.housekeep("home", "h1.ics").await.unwrap();
    assert_eq!(
        put(&emu, &href, &event("h1"), &[CT, ("If-Match", &etag)])
            .await
            .0,
        412
    );
    let current = dav(&emu, "GET", &href, None, "").await;
    let etag = current.headers["etag"].to_str().unwrap().to_string();
    // Via the control API too.
    let r = client()
        .post(url(&emu.control_url(), "/control/housekeep"))
        .body(r#"{"calendar":"home","name":"h1.ics"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_ne!(
        dav(&emu, "GET", &href, None, "").await.headers["etag"]
            .to_str()
            .unwrap(),
        etag
    );
    // Stale reads: the next 2 reads after an update still serve the old version.
    emu.set_quirks(Quirks {
        stale_reads_after_write: 2,
        ..Quirks::default()
    });
    let before = dav(&emu, "GET", &href, None, "").await;
    let old_etag = before.headers["etag"].to_str().unwrap().to_string();
    let edited = event("h1").replace("SUMMARY:h1", "SUMMARY:edited");
    assert_eq!(
        put(&emu, &href, &edited, &[CT, ("If-Match", &old_etag)])
            .await
            .0,
        204
    );
    let stale = dav(&emu, "GET", &href, None, "").await;
    assert!(stale.body.contains("SUMMARY:h1") && stale.headers["etag"] == old_etag.as_str());
    let path = format!("/{DSID}/calendars/home/h1.ics");
    let m = dav(
        &emu,
        "REPORT",
        &cal_url(&emu, "home"),
        Some("1"),
        &multiget_body(&[&path]),
    )
    .await;
    assert!(
        m.body.contains("SUMMARY:h1") && m.body.contains(&old_etag),
        "{}",
        m.body
    );
    let fresh = dav(&emu, "GET", &href, None, "").await;
    assert!(fresh.body.contains("SUMMARY:edited"));
}

#[tokio::test]
async fn sticky_events_and_none_for_empty_values() {
    let emu = start().await;
    emu.set_quirks(Quirks {
        sticky_events: true,
        empty_values_as_none: true,
        ..Quirks::default()
    });
    let body = r#"<?xml version="1.0" encoding="UTF-8"?><C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:set><D:prop><D:displayname>Temp</D:displayname></D:prop></D:set></C:mkcalendar>"#;
    let cal = cal_url(&emu, "temp-cal");
    assert_eq!(dav(&emu, "MKCALENDAR", &cal, None, body).await.status, 201);
    assert_eq!(
        put(&emu, &format!("{cal}s1.ics"), &event("s1"), &[CT])
            .await
            .0,
        201
    );
    assert_eq!(dav(&emu, "DELETE", &cal, None, "").await.status, 200);
    let bare = r#"<?xml version="1.0" encoding="UTF-8"?><C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"/>"#;
    assert_eq!(dav(&emu, "MKCALENDAR", &cal, None, bare).await.status, 201);
    assert_eq!(
        dav(&emu, "GET", &format!("{cal}s1.ics"), None, "")
            .await
            .status,
        200
    );
    let listing = dav(&emu, "PROPFIND", &cal, Some("0"), PROPFIND_HOME).await;
    assert!(
        listing.body.contains(">None</calendar-color>"),
        "{}",
        listing.body
    );
    assert!(
        listing.body.contains("<displayname>temp-cal</displayname>"),
        "{}",
        listing.body
    );
    assert!(
        listing.body.contains("<comp name=\"VEVENT\"/></supported"),
        "{}",
        listing.body
    );
}
