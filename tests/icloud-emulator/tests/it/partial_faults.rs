//! Per-calendar fault scopes and partial faults: one calendar fails while the rest of the
//! account answers normally, a listing with one failed member, a multiget that leaves out or
//! respells an href, a bare `403` for an old sync token — in process and through the control
//! API, with both scopes, in the request log, and cleared by clear-faults.

use crate::common::*;
use almanac_icloud_emulator::partial::{percent_decode, respell, same_href};
use almanac_icloud_emulator::xml::{self, DAV, Element};
use almanac_icloud_emulator::{Emulator, Fault, Scope};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

const WORK: &str = "work";
const FAMILY: &str = almanac_icloud_emulator::layout::FAMILY;

fn kickoff() -> String {
    format!("/{DSID}/calendars/work/kickoff.ics")
}

async fn listing(emu: &Emulator) -> Reply {
    dav(emu, "PROPFIND", &emu.home_url(), Some("1"), PROPFIND_HOME).await
}

async fn sync(emu: &Emulator, cal: &str, token: &str) -> Reply {
    dav(
        emu,
        "REPORT",
        &cal_url(emu, cal),
        Some("1"),
        &sync_body(token),
    )
    .await
}

async fn multiget(emu: &Emulator, hrefs: &[&str]) -> Reply {
    dav(
        emu,
        "REPORT",
        &cal_url(emu, WORK),
        Some("1"),
        &multiget_body(hrefs),
    )
    .await
}

/// The `response` elements of a multistatus body.
fn responses(body: &str) -> Vec<Element> {
    let ms = xml::parse(body).unwrap();
    assert!(ms.is(DAV, "multistatus"), "{body}");
    ms.elements()
        .filter(|e| e.is(DAV, "response"))
        .cloned()
        .collect()
}

fn href(resp: &Element) -> String {
    resp.find(DAV, "href").unwrap().text_content()
}

/// The one `response` whose href is `wanted` (byte for byte).
fn response_for(body: &str, wanted: &str) -> Option<Element> {
    let mut found: Vec<Element> = responses(body)
        .into_iter()
        .filter(|r| href(r) == wanted)
        .collect();
    assert!(found.len() <= 1, "{wanted} listed twice: {body}");
    found.pop()
}

fn collection(cal: &str) -> String {
    format!("/{DSID}/calendars/{cal}/")
}

/// `POST` to the control API; returns the status.
async fn control(emu: &Emulator, path: &str, body: Option<Value>) -> u16 {
    let mut req = client().post(url(&emu.control_url(), path));
    if let Some(b) = body {
        req = req.json(&b);
    }
    req.send().await.unwrap().status().as_u16()
}

fn faulted(emu: &Emulator, label: &str) -> usize {
    emu.requests().count(|r| r.fault.as_deref() == Some(label))
}

#[tokio::test]
async fn transport_faults_scoped_to_one_calendar_spare_the_home_and_the_other_calendars() {
    let emu = start().await;
    emu.inject_for_calendar(
        Fault::Status {
            status: 503,
            retry_after: Some(1),
        },
        Scope::Next(2),
        WORK,
    );
    // The listing (which names `work`) and another calendar are outside the scope and do not
    // count against it.
    let l = listing(&emu).await;
    assert_eq!(l.status, 207);
    assert!(
        response_for(&l.body, &collection(WORK)).is_some(),
        "{}",
        l.body
    );
    assert_eq!(sync(&emu, "home", "").await.status, 207);
    let r = sync(&emu, WORK, "").await;
    assert_eq!(
        (r.status, r.headers["retry-after"].to_str().unwrap()),
        (503, "1")
    );
    // A member's path is inside the collection too.
    let member = format!("{}kickoff.ics", cal_url(&emu, WORK));
    assert_eq!(dav(&emu, "GET", &member, None, "").await.status, 503);
    assert_eq!(dav(&emu, "GET", &member, None, "").await.status, 200);
    let log = emu.requests();
    assert_eq!(
        log.count(
            |r| r.fault.as_deref() == Some("status-503") && r.path.starts_with(&collection(WORK))
        ),
        2
    );
    assert_eq!(log.count(|r| r.fault.is_some()), 2);

    // A reset for a span: the other calendar keeps working throughout.
    emu.inject_for_calendar(Fault::ConnectionReset, Scope::ForMillis(300), WORK);
    let pw = emu.password();
    let work_sync = || async {
        send(
            &client(),
            "REPORT",
            &cal_url(&emu, WORK),
            Some((&emu.apple_id(), &pw)),
            Some("1"),
            &sync_body(""),
        )
        .await
    };
    assert!(work_sync().await.is_err());
    assert_eq!(sync(&emu, FAMILY, "").await.status, 207);
    let deadline = Instant::now() + Duration::from_secs(10);
    while work_sync().await.is_err() {
        assert!(Instant::now() < deadline, "the reset span never ended");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // A truncated body for the next request inside `work` only.
    emu.inject_for_calendar(Fault::TruncatedBody, Scope::Next(1), WORK);
    assert_eq!(listing(&emu).await.status, 207);
    let err = work_sync().await.expect_err("a truncated body must fail");
    assert!(
        err.is_body() || err.is_decode() || err.is_request(),
        "{err:?}"
    );
    assert_eq!(work_sync().await.unwrap().status, 207);

    // Slowness in `work` only: the home calendar answers at once, `work` only after the delay.
    emu.inject_for_calendar(Fault::Slow { millis: 800 }, Scope::Next(1), WORK);
    let timed = |cal: &'static str| {
        let emu = &emu;
        async move {
            let began = Instant::now();
            let status = sync(emu, cal, "").await.status;
            (status, began.elapsed())
        }
    };
    let (status, took) = timed("home").await;
    assert!(
        status == 207 && took < Duration::from_millis(800),
        "{took:?}"
    );
    let (status, took) = timed(WORK).await;
    assert!(
        status == 207 && took >= Duration::from_millis(800),
        "{took:?}"
    );
    let (status, took) = timed(WORK).await;
    assert!(
        status == 207 && took < Duration::from_millis(800),
        "{took:?}"
    );
    assert_eq!(
        emu.requests()
            .count(|r| r.fault.as_deref() == Some("slow-800ms") && r.path == collection(WORK)),
        1
    );
    assert_eq!(faulted(&emu, "truncated-body"), 1);
    assert!(faulted(&emu, "connection-reset") >= 1);
}

#[tokio::test]
async fn control_api_scopes_a_fault_to_a_calendar_and_clear_faults_ends_it() {
    let emu = start().await;
    let scoped = json!({
        "fault": {"kind": "status", "status": 500},
        "scope": {"for_millis": 60_000},
        "calendar": "work",
    });
    assert_eq!(control(&emu, "/control/inject", Some(scoped)).await, 200);
    assert_eq!(listing(&emu).await.status, 207);
    assert_eq!(sync(&emu, "home", "").await.status, 207);
    assert_eq!(sync(&emu, WORK, "").await.status, 500);
    assert_eq!(multiget(&emu, &[&kickoff()]).await.status, 500);
    assert_eq!(control(&emu, "/control/clear-faults", None).await, 200);
    assert_eq!(sync(&emu, WORK, "").await.status, 207);
    // A body without `calendar` still means every request.
    let everywhere = json!({"fault": {"kind": "status", "status": 502}, "scope": {"next": 1}});
    assert_eq!(
        control(&emu, "/control/inject", Some(everywhere)).await,
        200
    );
    assert_eq!(listing(&emu).await.status, 502);
    assert_eq!(listing(&emu).await.status, 207);
    // The listing is answered on the home, so a calendar scope could never let it fire.
    let never = json!({
        "fault": {"kind": "listing-member-status", "calendar": "work", "status": 503},
        "scope": {"next": 1},
        "calendar": "work",
    });
    assert_eq!(control(&emu, "/control/inject", Some(never)).await, 400);
    assert_eq!(faulted(&emu, "status-500"), 2);
    assert_eq!(faulted(&emu, "status-502"), 1);
}

#[tokio::test]
async fn listing_member_status_fails_one_member_of_the_home_listing() {
    let emu = start().await;
    emu.inject(
        Fault::ListingMemberStatus {
            calendar: WORK.into(),
            status: 503,
        },
        Scope::Next(1),
    );
    // Requests that do not list `work` (Depth 0, the collection itself) are untouched and do
    // not use up the scope.
    let own = dav(&emu, "PROPFIND", &emu.home_url(), Some("0"), PROPFIND_HOME).await;
    assert_eq!(own.status, 207);
    let direct = dav(
        &emu,
        "PROPFIND",
        &cal_url(&emu, WORK),
        Some("0"),
        PROPFIND_HOME,
    )
    .await;
    assert!(
        direct.body.contains("<displayname>Work</displayname>"),
        "{}",
        direct.body
    );
    let l = listing(&emu).await;
    assert_eq!(l.status, 207);
    let work = response_for(&l.body, &collection(WORK)).unwrap();
    let names: Vec<&str> = work.elements().map(|e| e.name.as_str()).collect();
    assert_eq!(names, ["href", "status"], "{}", l.body);
    assert_eq!(
        work.find(DAV, "status").unwrap().text_content(),
        "HTTP/1.1 503 Service Unavailable"
    );
    // The other members keep their propstats.
    let home = response_for(&l.body, &collection("home")).unwrap();
    assert!(home.find(DAV, "propstat").is_some(), "{}", l.body);
    assert!(
        response_for(&l.body, &collection(FAMILY))
            .unwrap()
            .find(DAV, "propstat")
            .is_some()
    );
    let again = listing(&emu).await;
    let work = response_for(&again.body, &collection(WORK)).unwrap();
    assert!(work.find(DAV, "propstat").is_some(), "{}", again.body);
    assert!(work.find(DAV, "status").is_none());
    assert_eq!(faulted(&emu, "listing-503:work"), 1);

    // Through the control API, for a span, on the UUID-named calendar.
    let span = json!({
        "fault": {"kind": "listing-member-status", "calendar": FAMILY, "status": 500},
        "scope": {"for_millis": 60_000},
    });
    assert_eq!(control(&emu, "/control/inject", Some(span)).await, 200);
    for _ in 0..2 {
        let l = listing(&emu).await;
        let family = response_for(&l.body, &collection(FAMILY)).unwrap();
        assert!(family.find(DAV, "propstat").is_none(), "{}", l.body);
        assert_eq!(
            family.find(DAV, "status").unwrap().text_content(),
            "HTTP/1.1 500 Internal Server Error"
        );
        assert!(
            response_for(&l.body, &collection(WORK))
                .unwrap()
                .find(DAV, "propstat")
                .is_some()
        );
    }
    assert_eq!(control(&emu, "/control/clear-faults", None).await, 200);
    let l = listing(&emu).await;
    assert!(
        response_for(&l.body, &collection(FAMILY))
            .unwrap()
            .find(DAV, "propstat")
            .is_some()
    );
    assert_eq!(faulted(&emu, &format!("listing-500:{FAMILY}")), 2);
}

#[tokio::test]
async fn multiget_omit_leaves_a_member_out_entirely() {
    let emu = start().await;
    emu.put_object(WORK, "standup.ics", &event("standup"))
        .await
        .unwrap();
    let standup = format!("/{DSID}/calendars/work/standup.ics");
    let kickoff = kickoff();
    emu.inject(
        Fault::MultigetOmit {
            href: kickoff.clone(),
        },
        Scope::Next(1),
    );
    // A multiget that does not ask for it neither changes nor uses up the scope.
    let other = multiget(&emu, &[&standup]).await;
    assert_eq!(responses(&other.body).len(), 1, "{}", other.body);
    let m = multiget(&emu, &[&kickoff, &standup]).await;
    assert_eq!(m.status, 207);
    let rs = responses(&m.body);
    assert_eq!(
        rs.iter().map(href).collect::<Vec<_>>(),
        [standup.as_str()],
        "{}",
        m.body
    );
    assert!(
        m.body.contains("BEGIN:VCALENDAR") && !m.body.contains("kickoff"),
        "{}",
        m.body
    );
    assert!(!m.body.contains("404"), "{}", m.body);
    let m = multiget(&emu, &[&kickoff, &standup]).await;
    assert_eq!(responses(&m.body).len(), 2, "{}", m.body);
    assert_eq!(faulted(&emu, &format!("multiget-omit:{kickoff}")), 1);

    // Through the control API, for a span, named in another spelling of the same href.
    let span = json!({
        "fault": {"kind": "multiget-omit", "href": format!("/{DSID}/calendars/work/%6Bickoff.ics")},
        "scope": {"for_millis": 60_000},
    });
    assert_eq!(control(&emu, "/control/inject", Some(span)).await, 200);
    for _ in 0..2 {
        let m = multiget(&emu, &[&kickoff, &standup]).await;
        assert_eq!(
            responses(&m.body).iter().map(href).collect::<Vec<_>>(),
            [standup.as_str()]
        );
    }
    assert_eq!(control(&emu, "/control/clear-faults", None).await, 200);
    let m = multiget(&emu, &[&kickoff, &standup]).await;
    assert_eq!(responses(&m.body).len(), 2, "{}", m.body);
}

#[tokio::test]
async fn multiget_respell_names_a_member_with_an_equivalent_href() {
    let emu = start().await;
    emu.put_object(WORK, "team-sync@x.ics", &event("team-sync"))
        .await
        .unwrap();
    // The href as the server lists it (Radicale escapes the `@`).
    let listed = sync(&emu, WORK, "").await;
    let team = responses(&listed.body)
        .iter()
        .map(href)
        .find(|h| h.contains("team-sync"))
        .unwrap();
    assert_eq!(
        percent_decode(&team),
        format!("/{DSID}/calendars/work/team-sync@x.ics")
    );
    let kickoff = kickoff();
    emu.inject(
        Fault::MultigetRespell {
            href: kickoff.clone(),
        },
        Scope::Next(1),
    );
    emu.inject(
        Fault::MultigetRespell { href: team.clone() },
        Scope::Next(1),
    );
    let m = multiget(&emu, &[&kickoff, &team]).await;
    assert_eq!(m.status, 207);
    let mut got: Vec<String> = responses(&m.body).iter().map(href).collect();
    got.sort();
    assert_eq!(got.len(), 2, "{}", m.body);
    // Neither spelling is the one asked for, and each decodes to it.
    for asked in [&kickoff, &team] {
        assert!(!got.contains(asked), "{asked} in {got:?}");
        let answered = got.iter().find(|g| same_href(g, asked)).unwrap();
        assert_eq!(percent_decode(asked), percent_decode(answered));
        assert_eq!(*answered, respell(asked));
    }
    assert!(
        got.contains(&format!("/{DSID}/calendars/work/%6Bickoff.ics")),
        "{got:?}"
    );
    assert!(
        got.contains(&format!("/{DSID}/calendars/work/team%2Dsync%40x.ics")),
        "{got:?}"
    );
    assert_eq!(m.body.matches("BEGIN:VCALENDAR").count(), 2, "{}", m.body);
    // The next multiget spells them as before.
    let m = multiget(&emu, &[&kickoff, &team]).await;
    let mut plain: Vec<String> = responses(&m.body).iter().map(href).collect();
    plain.sort();
    let mut asked = vec![kickoff.clone(), team.clone()];
    asked.sort();
    assert_eq!(plain, asked, "{}", m.body);
    assert_eq!(
        emu.requests().count(|r| r.fault.as_deref()
            == Some(&format!(
                "multiget-respell:{kickoff}; multiget-respell:{team}"
            ))),
        1
    );

    // Through the control API, for a span.
    let span = json!({
        "fault": {"kind": "multiget-respell", "href": kickoff},
        "scope": {"for_millis": 60_000},
    });
    assert_eq!(control(&emu, "/control/inject", Some(span)).await, 200);
    for _ in 0..2 {
        let m = multiget(&emu, &[&kickoff]).await;
        assert_eq!(
            responses(&m.body).iter().map(href).collect::<Vec<_>>(),
            [respell(&kickoff)]
        );
    }
    assert_eq!(control(&emu, "/control/clear-faults", None).await, 200);
    let m = multiget(&emu, &[&kickoff]).await;
    assert_eq!(
        responses(&m.body).iter().map(href).collect::<Vec<_>>(),
        [kickoff.as_str()]
    );
    assert_eq!(faulted(&emu, &format!("multiget-respell:{kickoff}")), 2);
}

#[tokio::test]
async fn stale_token_forbidden_is_a_bare_403_for_a_non_empty_token_only() {
    let emu = start().await;
    let first = sync(&emu, WORK, "").await;
    let token = between(&first.body, "sync-token").unwrap();
    let home_token = between(&sync(&emu, "home", "").await.body, "sync-token").unwrap();
    // Without the fault, a foreign token gets the precondition element.
    let normal = sync(&emu, WORK, "bm90LWEtdG9rZW4=").await;
    assert_eq!(normal.status, 403);
    assert!(normal.body.contains("valid-sync-token"), "{}", normal.body);

    emu.inject(
        Fault::StaleTokenForbidden {
            calendar: WORK.into(),
        },
        Scope::Next(1),
    );
    // An initial sync works and does not use up the scope; other calendars are untouched.
    let initial = sync(&emu, WORK, "").await;
    assert_eq!(initial.status, 207);
    assert!(initial.body.contains("kickoff.ics"), "{}", initial.body);
    assert_eq!(sync(&emu, "home", &home_token).await.status, 207);
    let r = sync(&emu, WORK, &token).await;
    assert_eq!(r.status, 403);
    assert!(r.body.is_empty(), "{}", r.body);
    assert!(r.headers.get("content-type").is_none(), "{:?}", r.headers);
    // The token itself was fine: the next incremental sync succeeds with it.
    let r = sync(&emu, WORK, &token).await;
    assert_eq!(r.status, 207, "{}", r.body);
    assert_eq!(faulted(&emu, "stale-token-403:work"), 1);

    // Through the control API, for a span.
    let span = json!({
        "fault": {"kind": "stale-token-forbidden", "calendar": "work"},
        "scope": {"for_millis": 60_000},
    });
    assert_eq!(control(&emu, "/control/inject", Some(span)).await, 200);
    for _ in 0..2 {
        let r = sync(&emu, WORK, &token).await;
        assert_eq!((r.status, r.body.as_str()), (403, ""));
    }
    assert_eq!(sync(&emu, WORK, "").await.status, 207);
    assert_eq!(control(&emu, "/control/clear-faults", None).await, 200);
    assert_eq!(sync(&emu, WORK, &token).await.status, 207);
    assert_eq!(faulted(&emu, "stale-token-403:work"), 3);
}
