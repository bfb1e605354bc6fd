//! Discovery chain, iCloud headers and XML style, Basic auth with app-specific passwords.

use crate::common::*;
use almanac_icloud_emulator::{ChallengeStyle, Quirks};

#[tokio::test]
async fn discovery_chain_from_entry_root_to_absolute_home_on_partition() {
    let emu = start().await;
    let root = dav(&emu, "PROPFIND", &emu.entry_url(), Some("0"), PROPFIND_CUP).await;
    assert_eq!(root.status, 207);
    assert!(
        root.body.contains("<multistatus xmlns=\"DAV:\">"),
        "{}",
        root.body
    );
    let principal = between(&root.body, "current-user-principal").unwrap();
    assert!(
        principal.contains(&format!("<href>/{DSID}/principal/</href>")),
        "{principal}"
    );
    // displayname is not known on the root: split 200/404 propstats.
    assert!(root.body.contains("404 Not Found"), "{}", root.body);
    for host in [emu.entry_url(), emu.partition_urls()[0].clone()] {
        let p = dav(
            &emu,
            "PROPFIND",
            &url(&host, &format!("/{DSID}/principal/")),
            Some("0"),
            PROPFIND_PRINCIPAL,
        )
        .await;
        assert_eq!(p.status, 207);
        let home = between(&p.body, "calendar-home-set").unwrap();
        assert!(
            home.contains(&format!("{}{DSID}/calendars/", emu.partition_urls()[0])),
            "{home}"
        );
        assert!(
            p.body.contains(
                "<calendar-home-set xmlns=\"urn:ietf:params:xml:ns:caldav\"><href xmlns=\"DAV:\">"
            ),
            "{}",
            p.body
        );
        assert!(
            p.body
                .contains(&format!("preferred=\"1\">mailto:{}</href>", emu.apple_id())),
            "{}",
            p.body
        );
    }
}

#[tokio::test]
async fn every_answer_carries_icloud_headers() {
    let emu = start().await;
    for auth in [true, false] {
        let pw = emu.password();
        let creds = auth.then_some((emu.apple_id(), pw));
        let r = send(
            &client(),
            "PROPFIND",
            &emu.entry_url(),
            creds.as_ref().map(|(u, p)| (u.as_str(), p.as_str())),
            Some("0"),
            PROPFIND_CUP,
        )
        .await
        .unwrap();
        assert_eq!(r.headers["x-apple-user-partition"], "180");
        assert!(
            r.headers["server"]
                .to_str()
                .unwrap()
                .starts_with("AppleHttpServer/")
        );
        assert_eq!(r.headers["x-apple-request-uuid"].len(), 36);
        assert!(
            r.headers["x-responding-instance"]
                .to_str()
                .unwrap()
                .contains("p180-caldavj")
        );
    }
}

async fn assert_bare_401(
    emu: &almanac_icloud_emulator::Emulator,
    user: &str,
    password: Option<&str>,
) {
    let auth = password.map(|p| (user, p));
    let r = send(
        &client(),
        "PROPFIND",
        &emu.entry_url(),
        auth,
        Some("0"),
        PROPFIND_CUP,
    )
    .await
    .unwrap();
    assert_eq!(r.status, 401, "{user}/{password:?}");
    assert!(r.body.is_empty());
    assert_eq!(r.headers["content-length"], "0");
    let challenges: Vec<_> = r
        .headers
        .get_all("www-authenticate")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect();
    assert_eq!(
        challenges,
        [
            "Basic realm=\"MMCalDav\"",
            "X-MobileMe-AuthToken realm=\"MMCalDav\""
        ]
    );
    assert_eq!(r.headers["x-apple-user-partition"], "180");
}

#[tokio::test]
async fn only_an_active_app_specific_password_opens_the_account() {
    let emu = start().await;
    let id = emu.apple_id();
    let pw = emu.password();
    assert!(
        pw.len() == 19
            && pw
                .split('-')
                .all(|g| g.len() == 4 && g.bytes().all(|b| b.is_ascii_lowercase())),
        "{pw}"
    );
    assert_bare_401(&emu, &id, None).await;
    assert_bare_401(&emu, &id, Some("abcd-efgh-ijkl-mnop")).await;
    assert_bare_401(&emu, &id, Some(&emu.main_password())).await;
    assert_bare_401(&emu, "someone.else@icloud.com", Some(&pw)).await;
    assert_bare_401(&emu, &id, Some(&pw.replace('-', ""))).await;
    assert_eq!(
        dav(&emu, "PROPFIND", &emu.entry_url(), Some("0"), PROPFIND_CUP)
            .await
            .status,
        207
    );
    // Revoke one: that one dies, a second survives.
    let second = emu.issue_password().unwrap();
    emu.revoke(&pw).unwrap();
    assert_bare_401(&emu, &id, Some(&pw)).await;
    let ok = send(
        &client(),
        "PROPFIND",
        &emu.entry_url(),
        Some((&id, &second)),
        Some("0"),
        PROPFIND_CUP,
    )
    .await
    .unwrap();
    assert_eq!(ok.status, 207);
    // Calendar service off: the valid password gets the same bare 401.
    emu.set_calendar_service(false);
    assert_bare_401(&emu, &id, Some(&second)).await;
    emu.set_calendar_service(true);
    // Changing the main password revokes every ASP.
    let third = emu.issue_password().unwrap();
    let main = emu.change_main_password();
    assert_bare_401(&emu, &id, Some(&second)).await;
    assert_bare_401(&emu, &id, Some(&third)).await;
    assert_bare_401(&emu, &id, Some(&main)).await;
    // At most 25 active.
    for _ in 0..25 {
        emu.issue_password().unwrap();
    }
    assert!(emu.issue_password().is_err());
    emu.revoke_all();
    assert!(emu.issue_password().is_ok());
    assert_eq!(emu.requests().unauthorized_for(&pw), 2);
}

#[tokio::test]
async fn switchable_challenge_shape_and_hyphenless_passwords() {
    let emu = start().await;
    emu.set_quirks(Quirks {
        challenge: ChallengeStyle::OneHeader,
        accept_unhyphenated: true,
        ..Quirks::default()
    });
    let r = send(
        &client(),
        "PROPFIND",
        &emu.entry_url(),
        None,
        Some("0"),
        PROPFIND_CUP,
    )
    .await
    .unwrap();
    let all: Vec<_> = r.headers.get_all("www-authenticate").iter().collect();
    assert_eq!(all.len(), 1);
    assert!(
        all[0]
            .to_str()
            .unwrap()
            .starts_with("X-MobileMe-AuthToken realm=\"MMCalDav\", Basic")
    );
    let plain = emu.password().replace('-', "");
    let ok = send(
        &client(),
        "PROPFIND",
        &emu.entry_url(),
        Some((&emu.apple_id(), &plain)),
        Some("0"),
        PROPFIND_CUP,
    )
    .await
    .unwrap();
    assert_eq!(ok.status, 207);
}

#[tokio::test]
async fn discovery_quirks_redirects_and_principal_bugs() {
    let emu = start().await;
    let wk = url(&emu.entry_url(), "/.well-known/caldav");
    assert_eq!(
        dav(&emu, "PROPFIND", &wk, Some("0"), PROPFIND_CUP)
            .await
            .status,
        207
    );
    emu.set_quirks(Quirks {
        well_known_redirect: true,
        entry_redirects_to_partition: true,
        principal_href_bug: true,
        principal_in_404_propstat: true,
        ..Quirks::default()
    });
    let r = dav(&emu, "PROPFIND", &wk, Some("0"), PROPFIND_CUP).await;
    assert_eq!(
        (r.status, r.headers["location"].to_str().unwrap()),
        (301, "/")
    );
    let root = dav(&emu, "PROPFIND", &emu.entry_url(), Some("0"), PROPFIND_CUP).await;
    let stat404 = root.body.find("404 Not Found").unwrap();
    let cup = root.body.find("current-user-principal").unwrap();
    assert!(
        !root.body[..stat404].contains("200 OK") && cup < stat404,
        "{}",
        root.body
    );
    let principal = format!("/{DSID}/principal/");
    let r = dav(
        &emu,
        "PROPFIND",
        &url(&emu.entry_url(), &principal),
        Some("0"),
        PROPFIND_PRINCIPAL,
    )
    .await;
    assert_eq!(r.status, 301);
    assert_eq!(
        r.headers["location"].to_str().unwrap(),
        url(&emu.partition_urls()[0], &principal)
    );
    let p = dav(
        &emu,
        "PROPFIND",
        &url(&emu.partition_urls()[0], &principal),
        Some("0"),
        PROPFIND_PRINCIPAL,
    )
    .await;
    assert!(p.body.contains("<href>/principal/</href>"), "{}", p.body);
}

#[tokio::test]
async fn plain_get_on_root_and_unsupported_methods() {
    let emu = start().await;
    let r = dav(&emu, "GET", &emu.entry_url(), None, "").await;
    assert_eq!((r.status, r.body.as_str()), (400, ""));
    let r = dav(&emu, "LOCK", &emu.entry_url(), None, "").await;
    assert_eq!(r.status, 501);
    assert!(r.body.contains("<html>"));
    let r = dav(
        &emu,
        "PROPFIND",
        &url(&emu.entry_url(), "/99999999/calendars/"),
        Some("1"),
        PROPFIND_HOME,
    )
    .await;
    assert_eq!(r.status, 403);
}
