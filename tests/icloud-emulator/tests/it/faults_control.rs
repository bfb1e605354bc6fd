//! Throttling, injected faults, partition moves, the request log and the HTTP control API.

use crate::common::*;
use almanac_icloud_emulator::{Fault, Scope};
use std::time::{Duration, Instant};

async fn probe(emu: &almanac_icloud_emulator::Emulator) -> Result<Reply, reqwest::Error> {
    let pw = emu.password();
    send(
        &client(),
        "PROPFIND",
        &emu.entry_url(),
        Some((&emu.apple_id(), &pw)),
        Some("0"),
        PROPFIND_CUP,
    )
    .await
}

#[tokio::test]
async fn throttle_answers_503_with_a_retry_after_shorter_than_the_penalty() {
    let emu = start().await;
    emu.throttle(Duration::from_secs(3), Duration::from_secs(1));
    let r = probe(&emu).await.unwrap();
    assert_eq!(r.status, 503);
    assert_eq!(r.headers["retry-after"], "1");
    assert_eq!(r.headers["x-apple-user-partition"], "180");
    // Still inside the penalty after the advertised Retry-After would have passed for a client
    // that ignored the real penalty: the next request is throttled again.
    assert_eq!(probe(&emu).await.unwrap().status, 503);
    emu.throttle_with_status(Duration::from_secs(3), Duration::from_secs(1), 429);
    assert_eq!(probe(&emu).await.unwrap().status, 429);
    emu.clear_faults();
    assert_eq!(probe(&emu).await.unwrap().status, 207);
    assert_eq!(
        emu.requests()
            .count(|r| r.fault.as_deref() == Some("throttle")),
        3
    );
}

#[tokio::test]
async fn status_faults_for_the_next_n_requests_and_for_a_span() {
    let emu = start().await;
    emu.inject(
        Fault::Status {
            status: 500,
            retry_after: None,
        },
        Scope::Next(2),
    );
    assert_eq!(probe(&emu).await.unwrap().status, 500);
    assert_eq!(probe(&emu).await.unwrap().status, 500);
    assert_eq!(probe(&emu).await.unwrap().status, 207);
    emu.inject(
        Fault::Status {
            status: 503,
            retry_after: Some(2),
        },
        Scope::for_duration(Duration::from_millis(300)),
    );
    let r = probe(&emu).await.unwrap();
    assert_eq!(
        (r.status, r.headers["retry-after"].to_str().unwrap()),
        (503, "2")
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let s = probe(&emu).await.unwrap().status;
        if s == 207 {
            break;
        }
        assert!(Instant::now() < deadline, "the 503 span never ended");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn connection_reset_and_truncated_body() {
    let emu = start().await;
    emu.inject(Fault::ConnectionReset, Scope::Next(1));
    let err = probe(&emu)
        .await
        .expect_err("a reset must fail the request");
    assert!(
        err.is_request() || err.is_connect() || err.is_body(),
        "{err:?}"
    );
    emu.inject(Fault::TruncatedBody, Scope::Next(1));
    let err = probe(&emu).await.expect_err("a truncated body must fail");
    assert!(
        err.is_body() || err.is_decode() || err.is_request(),
        "{err:?}"
    );
    assert_eq!(probe(&emu).await.unwrap().status, 207);
    let log = emu.requests();
    assert_eq!(
        log.count(|r| r.fault.as_deref() == Some("connection-reset") && r.status == 0),
        1
    );
    assert_eq!(
        log.count(|r| r.fault.as_deref() == Some("truncated-body")),
        1
    );
}

#[tokio::test]
async fn slow_response_outlasts_the_client_timeout_but_is_bounded() {
    let emu = start().await;
    emu.inject(Fault::Slow { millis: 1500 }, Scope::Next(1));
    let quick = almanac_icloud_emulator::http_client()
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let err = quick
        .request(
            reqwest::Method::from_bytes(b"PROPFIND").unwrap(),
            emu.entry_url(),
        )
        .basic_auth(emu.apple_id(), Some(emu.password()))
        .header("Depth", "0")
        .send()
        .await
        .expect_err("must time out");
    assert!(err.is_timeout(), "{err:?}");
    // The fault was consumed; a patient client gets an answer.
    assert_eq!(probe(&emu).await.unwrap().status, 207);
    assert_eq!(
        Fault::slow_delay(10_000_000),
        almanac_icloud_emulator::faults::MAX_SLOW
    );
}

#[tokio::test]
async fn spurious_401_once_while_the_password_stays_valid() {
    let emu = start().await;
    emu.inject(Fault::SpuriousUnauthorized, Scope::Next(1));
    let r = probe(&emu).await.unwrap();
    assert_eq!(r.status, 401);
    assert!(r.body.is_empty());
    assert_eq!(r.headers.get_all("www-authenticate").iter().count(), 2);
    assert_eq!(probe(&emu).await.unwrap().status, 207);
    assert_eq!(emu.requests().unauthorized_for(&emu.password()), 1);
}

#[tokio::test]
async fn empty_207_for_one_calendar_and_multiget_404_for_a_listed_href() {
    let emu = start().await;
    let cal = cal_url(&emu, "work");
    emu.inject(
        Fault::EmptyMultistatus {
            calendar: "work".into(),
        },
        Scope::Next(1),
    );
    // Another calendar is unaffected.
    let home = dav(
        &emu,
        "REPORT",
        &cal_url(&emu, "home"),
        Some("1"),
        &sync_body(""),
    )
    .await;
    assert!(home.body.contains("<response>"));
    let empty = dav(&emu, "REPORT", &cal, Some("1"), QUERY_VEVENT).await;
    assert_eq!(empty.status, 207);
    assert!(
        !empty.body.contains("<response>") && empty.body.contains("<multistatus xmlns=\"DAV:\"/>"),
        "{}",
        empty.body
    );
    let listed = dav(&emu, "REPORT", &cal, Some("1"), &sync_body("")).await;
    let href = format!("/{DSID}/calendars/work/kickoff.ics");
    assert!(listed.body.contains(&href));
    emu.inject(
        Fault::MultigetNotFound { href: href.clone() },
        Scope::Next(1),
    );
    let m = dav(&emu, "REPORT", &cal, Some("1"), &multiget_body(&[&href])).await;
    assert_eq!(m.status, 207);
    assert!(
        m.body.contains("404 Not Found") && !m.body.contains("BEGIN:VCALENDAR"),
        "{}",
        m.body
    );
    let m = dav(&emu, "REPORT", &cal, Some("1"), &multiget_body(&[&href])).await;
    assert!(m.body.contains("BEGIN:VCALENDAR"), "{}", m.body);
}

#[tokio::test]
async fn moving_partition_changes_the_home_and_retires_the_old_host() {
    let emu = start().await;
    let old = emu.partition_urls()[0].clone();
    let path = format!("/{DSID}/calendars/");
    assert_eq!(
        dav(
            &emu,
            "PROPFIND",
            &url(&old, &path),
            Some("1"),
            PROPFIND_HOME
        )
        .await
        .status,
        207
    );
    assert_eq!(emu.move_partition(), 181);
    let new = emu.partition_urls()[1].clone();
    let old_r = dav(
        &emu,
        "PROPFIND",
        &url(&old, &path),
        Some("1"),
        PROPFIND_HOME,
    )
    .await;
    assert_eq!(old_r.status, 503);
    let p = dav(
        &emu,
        "PROPFIND",
        &url(&emu.entry_url(), &format!("/{DSID}/principal/")),
        Some("0"),
        PROPFIND_PRINCIPAL,
    )
    .await;
    assert!(
        p.body.contains(&format!("{new}{DSID}/calendars/")),
        "{}",
        p.body
    );
    assert_eq!(p.headers["x-apple-user-partition"], "181");
    let r = dav(
        &emu,
        "PROPFIND",
        &url(&new, &path),
        Some("1"),
        PROPFIND_HOME,
    )
    .await;
    assert_eq!(r.status, 207);
    assert!(
        r.body
            .contains(&format!("<href>/{DSID}/calendars/home/</href>"))
    );
}

#[tokio::test]
async fn request_log_counts_per_method_host_path_and_credential() {
    let emu = start().await;
    let mark = emu.log_mark();
    let pw = emu.password();
    dav(&emu, "PROPFIND", &emu.entry_url(), Some("0"), PROPFIND_CUP).await;
    dav(
        &emu,
        "REPORT",
        &cal_url(&emu, "home"),
        Some("1"),
        &sync_body(""),
    )
    .await;
    send(
        &client(),
        "PROPFIND",
        &emu.entry_url(),
        Some((&emu.apple_id(), "wrong-pass-word-xxxx")),
        Some("0"),
        "",
    )
    .await
    .unwrap();
    let log = emu.requests().since(mark);
    assert_eq!(log.entries.len(), 3);
    assert_eq!(log.count_method("PROPFIND"), 2);
    assert_eq!(log.count_host("entry"), 2);
    assert_eq!(log.count_host("p180"), 1);
    assert_eq!(log.count_path(&format!("/{DSID}/calendars/home/")), 1);
    assert_eq!(log.with_credential(&pw).len(), 2);
    assert_eq!(log.unauthorized_for("wrong-pass-word-xxxx"), 1);
    assert_eq!(log.entries[1].report.as_deref(), Some("sync-collection"));
    assert_eq!(emu.requests().since(emu.log_mark()).entries.len(), 0);
}

#[tokio::test]
async fn http_control_api_drives_the_same_state() {
    let emu = start().await;
    let c = client();
    let ctl = |p: &str| url(&emu.control_url(), p);
    let info: serde_json::Value = c
        .get(ctl("/control/info"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(info["apple_id"], emu.apple_id());
    assert_eq!(info["password"], emu.password());
    assert_eq!(info["entry_url"], emu.entry_url());
    assert_eq!(info["partition"], 180);
    let issued: serde_json::Value = c
        .post(ctl("/control/passwords"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let second = issued["password"].as_str().unwrap().to_string();
    let revoke = c
        .post(ctl("/control/revoke"))
        .json(&serde_json::json!({"password": emu.password()}))
        .send()
        .await
        .unwrap();
    assert_eq!(revoke.status(), 200);
    assert_eq!(probe(&emu).await.unwrap().status, 401);
    let ok = probe_as(&c, &emu, &second).await;
    assert_eq!(ok.status, 207);
    let inject = c
        .post(ctl("/control/inject"))
        .json(
            &serde_json::json!({"fault": {"kind": "status", "status": 500}, "scope": {"next": 1}}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(inject.status(), 200);
    let failed = probe_as(&c, &emu, &second).await;
    assert_eq!(failed.status, 500);
    c.post(ctl("/control/calendar-service"))
        .json(&serde_json::json!({"enabled": false}))
        .send()
        .await
        .unwrap();
    let off = probe_as(&c, &emu, &second).await;
    assert_eq!(off.status, 401);
    c.post(ctl("/control/calendar-service"))
        .json(&serde_json::json!({"enabled": true}))
        .send()
        .await
        .unwrap();
    let quirks: serde_json::Value = c
        .post(ctl("/control/quirks"))
        .json(&serde_json::json!({"invalid_sync_token_status": 410}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(quirks["invalid_sync_token_status"], 410);
    assert_eq!(emu.quirks().invalid_sync_token_status, 410);
    let moved: serde_json::Value = c
        .post(ctl("/control/move-partition"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(moved["partition"], 181);
    let main: serde_json::Value = c
        .post(ctl("/control/change-main-password"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(main["main_password"], emu.main_password());
    let after = probe_as(&c, &emu, &second).await;
    assert_eq!(after.status, 401);
    for path in [
        "/control/expire-sync-tokens",
        "/control/revoke-all",
        "/control/clear-faults",
        "/control/log/clear",
    ] {
        assert_eq!(
            c.post(ctl(path)).send().await.unwrap().status(),
            200,
            "{path}"
        );
    }
    let throttle = c
        .post(ctl("/control/throttle"))
        .json(&serde_json::json!({"penalty_ms": 2000, "retry_after_secs": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(throttle.status(), 200);
    assert_eq!(probe(&emu).await.unwrap().status, 503);
    let log: serde_json::Value = c
        .get(ctl("/control/log"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(log["entries"].as_array().unwrap().len(), 1);
    assert_eq!(log["summary"]["by_method"]["PROPFIND"], 1);
    let bad = c
        .post(ctl("/control/inject"))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    assert_eq!(
        c.get(ctl("/control/nope")).send().await.unwrap().status(),
        404
    );
}

#[tokio::test]
async fn rate_limit_turns_into_a_throttle() {
    let emu = start().await;
    emu.set_quirks(almanac_icloud_emulator::Quirks {
        rate_limit: Some(almanac_icloud_emulator::RateLimit {
            requests: 3,
            window_ms: 60_000,
            penalty_ms: 60_000,
            retry_after_secs: 2,
        }),
        ..Default::default()
    });
    for _ in 0..3 {
        assert_eq!(probe(&emu).await.unwrap().status, 207);
    }
    let r = probe(&emu).await.unwrap();
    assert_eq!(
        (r.status, r.headers["retry-after"].to_str().unwrap()),
        (503, "2")
    );
    assert_eq!(probe(&emu).await.unwrap().status, 503);
}

#[tokio::test]
async fn new_passwords_can_take_a_while_to_propagate() {
    let emu = start().await;
    emu.set_quirks(almanac_icloud_emulator::Quirks {
        propagation_delay_ms: 400,
        ..Default::default()
    });
    let fresh = emu.issue_password().unwrap();
    let ask = || async {
        send(
            &client(),
            "PROPFIND",
            &emu.entry_url(),
            Some((&emu.apple_id(), &fresh)),
            Some("0"),
            PROPFIND_CUP,
        )
        .await
        .unwrap()
        .status
    };
    assert_eq!(ask().await, 401);
    let deadline = Instant::now() + Duration::from_secs(10);
    while ask().await != 207 {
        assert!(
            Instant::now() < deadline,
            "the new password never became valid"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
