//! The fact sheet's revoked-password scenarios (item 26) at the HTTP level: what a client sees
//! in each, so the client's own scenario tests can rely on the emulator producing it.

use crate::common::*;
use almanac_icloud_emulator::{Emulator, Quirks};
use std::time::Duration;

async fn as_user(emu: &Emulator, user: &str, password: &str) -> Reply {
    let home = emu.home_url();
    send(
        &client(),
        "PROPFIND",
        &home,
        Some((user, password)),
        Some("1"),
        PROPFIND_HOME,
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn a_revoked_mid_sync_then_resumes_with_a_new_password() {
    let emu = start().await;
    let (id, pw) = (emu.apple_id(), emu.password());
    let cal = cal_url(&emu, "work");
    let first = send(
        &client(),
        "REPORT",
        &cal,
        Some((&id, &pw)),
        Some("1"),
        &sync_body(""),
    )
    .await
    .unwrap();
    let token = between(&first.body, "sync-token").unwrap();
    emu.revoke(&pw).unwrap();
    let next = send(
        &client(),
        "REPORT",
        &cal,
        Some((&id, &pw)),
        Some("1"),
        &sync_body(&token),
    )
    .await
    .unwrap();
    assert_eq!((next.status, next.body.as_str()), (401, ""));
    // The user pastes a new password: the old token still works (incremental resume).
    let fresh = emu.issue_password().unwrap();
    let resumed = send(
        &client(),
        "REPORT",
        &cal,
        Some((&id, &fresh)),
        Some("1"),
        &sync_body(&token),
    )
    .await
    .unwrap();
    assert_eq!(resumed.status, 207);
    assert_eq!(emu.requests().unauthorized_for(&pw), 1);
}

#[tokio::test]
async fn b_c_d_e_all_look_the_same_bare_401() {
    let emu = start().await;
    let id = emu.apple_id();
    let pw = emu.password();
    let other_accounts_asp = "qwer-tyui-opas-dfgh";
    let mut seen = Vec::new();
    // (c) the primary password; (d) an ASP of another Apple ID.
    seen.push(as_user(&emu, &id, &emu.main_password()).await);
    seen.push(as_user(&emu, &id, other_accounts_asp).await);
    // (e) Calendar service off.
    emu.set_calendar_service(false);
    seen.push(as_user(&emu, &id, &pw).await);
    emu.set_calendar_service(true);
    // (b) primary password changed: every ASP revoked.
    emu.change_main_password();
    seen.push(as_user(&emu, &id, &pw).await);
    for r in &seen {
        assert_eq!((r.status, r.body.as_str()), (401, ""));
        assert_eq!(r.headers.get_all("www-authenticate").iter().count(), 2);
    }
    // Nothing in the headers tells the causes apart (besides the per-response request id).
    let shape = |r: &Reply| {
        let mut names: Vec<_> = r
            .headers
            .keys()
            .map(|k| k.as_str().to_string())
            .filter(|k| k != "date")
            .collect();
        names.sort();
        names
    };
    assert!(seen.iter().all(|r| shape(r) == shape(&seen[0])));
}

#[tokio::test]
async fn f_throttling_with_a_valid_password_is_never_a_401() {
    let emu = start().await;
    emu.throttle(Duration::from_secs(30), Duration::from_secs(1));
    let r = as_user(&emu, &emu.apple_id(), &emu.password()).await;
    assert_eq!(r.status, 503);
    assert!(r.headers.contains_key("retry-after"));
    assert_eq!(emu.requests().count(|r| r.status == 401), 0);
}

#[tokio::test]
async fn xml_labelled_text_plain_and_a_multiget_batch_limit() {
    let emu = start().await;
    emu.set_quirks(Quirks {
        text_plain_content_type: true,
        multiget_limit: Some(1),
        ..Quirks::default()
    });
    let r = as_user(&emu, &emu.apple_id(), &emu.password()).await;
    assert!(
        r.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    let cal = cal_url(&emu, "work");
    let one = format!("/{DSID}/calendars/work/kickoff.ics");
    let two = format!("/{DSID}/calendars/work/other.ics");
    assert_eq!(
        dav(&emu, "REPORT", &cal, Some("1"), &multiget_body(&[&one]))
            .await
            .status,
        207
    );
    assert_eq!(
        dav(
            &emu,
            "REPORT",
            &cal,
            Some("1"),
            &multiget_body(&[&one, &two])
        )
        .await
        .status,
        507
    );
}
