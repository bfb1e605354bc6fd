//! Home listing with Apple properties and synthesized collections; sync-collection, multiget
//! and calendar-query in iCloud's shape; expiring sync tokens; the published feed.

use crate::common::*;
use almanac_icloud_emulator::{Quirks, layout};

fn response_for<'a>(body: &'a str, href_end: &str) -> &'a str {
    body.split("<response>")
        .find(|r| r.contains(&format!("{href_end}</href>")))
        .unwrap_or_else(|| panic!("no response for {href_end} in {body}"))
}

#[tokio::test]
async fn home_listing_has_icloud_collections_and_properties() {
    let emu = start().await;
    let r = dav(&emu, "PROPFIND", &emu.home_url(), Some("1"), PROPFIND_HOME).await;
    assert_eq!(r.status, 207);
    let b = &r.body;
    let home = response_for(b, &format!("/{DSID}/calendars/"));
    assert!(
        home.contains("<resourcetype><collection/></resourcetype>"),
        "{home}"
    );
    let cal = response_for(b, "/calendars/home/");
    assert!(
        cal.contains(
            "<calendar-color xmlns=\"http://apple.com/ns/ical/\">#34AADCFF</calendar-color>"
        ),
        "{cal}"
    );
    assert!(cal.contains(">1</calendar-order>"), "{cal}");
    let (ok, missing) = (cal.find("200 OK"), cal.find("404 Not Found"));
    assert!(
        ok.is_some() && missing.is_some() && ok < missing,
        "200 before 404: {cal}"
    );
    let token = between(cal, "sync-token").unwrap_or_else(|| panic!("{cal}"));
    assert!(!token.contains("://") && !token.is_empty(), "{token}");
    assert!(response_for(b, "/calendars/tasks/").contains("<comp name=\"VTODO\"/>"));
    assert!(
        response_for(b, &format!("/calendars/{}/", layout::REMINDERS))
            .contains("<comp name=\"VTODO\"/>")
    );
    let inbox = response_for(b, "/calendars/inbox/");
    assert!(
        inbox.contains("<schedule-inbox xmlns=\"urn:ietf:params:xml:ns:caldav\"/>"),
        "{inbox}"
    );
    let dn404 = inbox.find("404 Not Found").unwrap();
    assert!(
        inbox.find("<displayname").unwrap() > inbox.find("200 OK").unwrap()
            && inbox.find("<displayname").unwrap() < dn404
    );
    assert!(response_for(b, "/calendars/outbox/").contains("schedule-outbox"));
    assert!(response_for(b, "/calendars/notification/").contains("<notification"));
    let shared = response_for(b, &format!("/calendars/{}/", layout::SHARED_READ_ONLY));
    assert!(
        shared.contains(&format!(
            "<owner><href>/{}/principal/</href></owner>",
            layout::SHARER_DSID
        )),
        "{shared}"
    );
    assert!(!shared.contains("<write"), "{shared}");
    let writable = response_for(b, &format!("/calendars/{}/", layout::SHARED_WRITABLE));
    assert!(writable.contains("<write"), "{writable}");
    let sub = response_for(b, &format!("/calendars/{}/", layout::SUBSCRIBED));
    assert!(
        sub.contains("<subscribed xmlns=\"http://calendarserver.org/ns/\"/>"),
        "{sub}"
    );
    assert!(!b.contains("Birthdays"));
    // The published feed: plain GET, no CalDAV, no credentials.
    let feed = between(sub, "source").unwrap();
    let feed_url = feed
        .split('>')
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_string();
    assert!(feed_url.ends_with(layout::HOLIDAYS_PATH), "{feed_url}");
    let f = send(&client(), "GET", &feed_url, None, None, "")
        .await
        .unwrap();
    assert_eq!(f.status, 200);
    assert!(f.body.contains("X-WR-CALNAME:US Holidays"), "{}", f.body);
    assert!(f.body.contains("SUMMARY:Thanksgiving"), "{}", f.body);
    // The work calendar's own published feed, on the same host.
    let work = feed_url.replace(
        layout::HOLIDAYS_PATH,
        &format!("/published/2/{}", layout::PUBLISHED_TOKEN),
    );
    let w = send(&client(), "GET", &work, None, None, "").await.unwrap();
    assert_eq!(w.status, 200);
    assert!(w.body.contains("Planning kickoff"), "{}", w.body);
}

#[tokio::test]
async fn sync_collection_multiget_and_query_in_icloud_shape() {
    let emu = start().await;
    let cal = cal_url(&emu, "home");
    let put = dav(
        &emu,
        "PUT",
        &format!("{cal}A1%40example.ics"),
        None,
        &event("a1"),
    )
    .await;
    assert_eq!(put.status, 201);
    let s = dav(&emu, "REPORT", &cal, Some("1"), &sync_body("")).await;
    assert_eq!(s.status, 207);
    let token = between(&s.body, "sync-token").unwrap();
    assert!(!token.contains("://"));
    let self_href = format!("<href>/{DSID}/calendars/home/</href>");
    assert!(s.body.contains(&self_href), "collection entry: {}", s.body);
    let member = format!("/{DSID}/calendars/home/A1%40example.ics");
    assert!(s.body.contains(&member));
    // No change: only the collection entry.
    let again = dav(&emu, "REPORT", &cal, Some("1"), &sync_body(&token)).await;
    assert_eq!(again.status, 207);
    assert!(!again.body.contains(&member));
    // A deletion shows as 404.
    assert_eq!(
        dav(&emu, "DELETE", &format!("{cal}A1%40example.ics"), None, "")
            .await
            .status,
        200
    );
    let del = dav(
        &emu,
        "REPORT",
        &cal,
        Some("1"),
        &sync_body(&between(&again.body, "sync-token").unwrap()),
    )
    .await;
    assert!(
        response_for(&del.body, "A1%40example.ics").contains("404"),
        "{}",
        del.body
    );
    // multiget: CDATA calendar-data, 404 for a missing href.
    dav(&emu, "PUT", &format!("{cal}b2.ics"), None, &event("b2")).await;
    let m = dav(
        &emu,
        "REPORT",
        &cal,
        Some("1"),
        &multiget_body(&[
            &format!("/{DSID}/calendars/home/b2.ics"),
            &format!("/{DSID}/calendars/home/nope.ics"),
        ]),
    )
    .await;
    assert_eq!(m.status, 207);
    assert!(
        m.body.contains(
            "<calendar-data xmlns=\"urn:ietf:params:xml:ns:caldav\"><![CDATA[BEGIN:VCALENDAR"
        ),
        "{}",
        m.body
    );
    assert!(response_for(&m.body, "nope.ics").contains("404"));
    // calendar-query: VEVENT filter required; the collection itself listed with 404 data.
    assert_eq!(
        dav(&emu, "REPORT", &cal, Some("1"), QUERY_NO_FILTER)
            .await
            .status,
        500
    );
    let q = dav(&emu, "REPORT", &cal, Some("1"), QUERY_VEVENT).await;
    assert_eq!(q.status, 207);
    assert!(
        response_for(&q.body, &format!("/{DSID}/calendars/home/")).contains("404"),
        "{}",
        q.body
    );
    assert!(q.body.contains("b2.ics"));
    assert_eq!(
        dav(&emu, "REPORT", &emu.home_url(), Some("1"), QUERY_VEVENT)
            .await
            .status,
        500
    );
    // Whitespace before the XML declaration: 400.
    assert_eq!(
        dav(
            &emu,
            "REPORT",
            &cal,
            Some("1"),
            &format!("\n {QUERY_VEVENT}")
        )
        .await
        .status,
        400
    );
}

#[tokio::test]
async fn expired_sync_tokens_get_403_or_410_with_valid_sync_token() {
    let emu = start().await;
    let cal = cal_url(&emu, "work");
    let s = dav(&emu, "REPORT", &cal, Some("1"), &sync_body("")).await;
    let token = between(&s.body, "sync-token").unwrap();
    emu.expire_sync_tokens();
    let r = dav(&emu, "REPORT", &cal, Some("1"), &sync_body(&token)).await;
    assert_eq!(r.status, 403);
    assert!(
        r.body
            .contains("<error xmlns=\"DAV:\"><valid-sync-token/></error>"),
        "{}",
        r.body
    );
    let garbage = dav(
        &emu,
        "REPORT",
        &cal,
        Some("1"),
        &sync_body("bm90LWEtdG9rZW4="),
    )
    .await;
    assert_eq!(garbage.status, 403);
    emu.set_quirks(Quirks {
        invalid_sync_token_status: 410,
        ..Quirks::default()
    });
    assert_eq!(
        dav(&emu, "REPORT", &cal, Some("1"), &sync_body(&token))
            .await
            .status,
        410
    );
    // A full resync from an empty token works and yields a usable token.
    let fresh = dav(&emu, "REPORT", &cal, Some("1"), &sync_body("")).await;
    assert!(fresh.body.contains("kickoff.ics"));
    let t2 = between(&fresh.body, "sync-token").unwrap();
    assert_eq!(
        dav(&emu, "REPORT", &cal, Some("1"), &sync_body(&t2))
            .await
            .status,
        207
    );
}

#[tokio::test]
async fn read_only_share_refuses_writes_and_move_is_refused() {
    let emu = start().await;
    let ro = cal_url(&emu, layout::SHARED_READ_ONLY);
    assert_eq!(
        dav(&emu, "PUT", &format!("{ro}x.ics"), None, &event("x"))
            .await
            .status,
        403
    );
    assert_eq!(
        dav(&emu, "DELETE", &format!("{ro}holiday-0.ics"), None, "")
            .await
            .status,
        403
    );
    assert_eq!(
        dav(&emu, "GET", &format!("{ro}holiday-0.ics"), None, "")
            .await
            .status,
        200
    );
    let rw = cal_url(&emu, layout::SHARED_WRITABLE);
    assert_eq!(
        dav(&emu, "PUT", &format!("{rw}x.ics"), None, &event("x"))
            .await
            .status,
        201
    );
    assert_eq!(
        dav(&emu, "MOVE", &format!("{rw}x.ics"), None, "")
            .await
            .status,
        403
    );
}

#[tokio::test]
async fn demo_data_is_seeded_through_radicale() {
    let emu = almanac_icloud_emulator::Emulator::start(almanac_icloud_emulator::Options {
        demo: true,
        seed: Some(5),
        ..Default::default()
    })
    .await
    .unwrap();
    let mut total = 0;
    for cal in [
        layout::HOME,
        layout::WORK,
        layout::FAMILY,
        layout::SHARED_WRITABLE,
    ] {
        let s = dav(
            &emu,
            "REPORT",
            &cal_url(&emu, cal),
            Some("1"),
            &sync_body(""),
        )
        .await;
        total += s.body.matches(".ics</href>").count();
    }
    assert!(total >= 300, "{total}");
    let bad = dav(
        &emu,
        "GET",
        &format!("{}UNPARSEABLE-0001.ics", cal_url(&emu, layout::HOME)),
        None,
        "",
    )
    .await;
    // Stored whole, though past the client's 4 MiB bound on one object.
    assert!(bad.body.len() > 4 * 1024 * 1024, "{}", bad.body.len());
    assert!(bad.body.contains("SUMMARY:Board pack review"));
}

#[tokio::test]
async fn sync_collection_on_the_home_reports_calendars_added_changed_and_removed() {
    let emu = start().await;
    let first = dav(&emu, "REPORT", &emu.home_url(), Some("1"), &sync_body("")).await;
    assert_eq!(first.status, 207);
    assert!(
        first
            .body
            .contains(&format!("<href>/{DSID}/calendars/home/</href>"))
    );
    let token = between(&first.body, "sync-token").unwrap();
    let quiet = dav(
        &emu,
        "REPORT",
        &emu.home_url(),
        Some("1"),
        &sync_body(&token),
    )
    .await;
    assert!(!quiet.body.contains("<response>"), "{}", quiet.body);
    let body = r#"<?xml version="1.0" encoding="UTF-8"?><C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:set><D:prop><D:displayname>New</D:displayname></D:prop></D:set></C:mkcalendar>"#;
    assert_eq!(
        dav(&emu, "MKCALENDAR", &cal_url(&emu, "added"), None, body)
            .await
            .status,
        201
    );
    dav(
        &emu,
        "PUT",
        &format!("{}n.ics", cal_url(&emu, "work")),
        None,
        &event("n"),
    )
    .await;
    let t = between(&quiet.body, "sync-token").unwrap();
    let changes = dav(&emu, "REPORT", &emu.home_url(), Some("1"), &sync_body(&t)).await;
    assert!(
        changes.body.contains("/calendars/added/</href>")
            && changes.body.contains("/calendars/work/</href>"),
        "{}",
        changes.body
    );
    assert!(!changes.body.contains("/calendars/home/</href>"));
    assert_eq!(
        dav(&emu, "DELETE", &cal_url(&emu, "added"), None, "")
            .await
            .status,
        200
    );
    let t = between(&changes.body, "sync-token").unwrap();
    let removed = dav(&emu, "REPORT", &emu.home_url(), Some("1"), &sync_body(&t)).await;
    assert!(
        response_for(&removed.body, "/calendars/added/").contains("404 Not Found"),
        "{}",
        removed.body
    );
    emu.expire_sync_tokens();
    assert_eq!(
        dav(&emu, "REPORT", &emu.home_url(), Some("1"), &sync_body(&t))
            .await
            .status,
        403
    );
}
