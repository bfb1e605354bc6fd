//! Against real servers on loopback: Radicale (Basic auth) and Xandikos (no auth), started from
//! the test venv by `almanac-test-servers`. Server-side edits go through a plain reqwest client,
//! so that the code under test only reads what another client changed.

use almanac_caldav::{CaldavClient, CaldavError, Credentials, Limits};
use almanac_core::{Etag, Href, Password, SyncToken};
use almanac_test_servers::TestServer;

fn ics(uid: &str, summary: &str) -> String {
    format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Almanac//test//EN\r\nBEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20240101T000000Z\r\nDTSTART:20240102T100000Z\r\nDTEND:20240102T110000Z\r\nSUMMARY:{summary}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
}

/// Another client editing the server behind our back.
struct Other {
    http: reqwest::Client,
    base: String,
    user: String,
    password: String,
}

impl Other {
    fn new(server: &TestServer) -> Other {
        // reqwest is built without a default crypto provider (see Cargo.toml).
        let _ = rustls::crypto::ring::default_provider().install_default();
        Other {
            http: reqwest::Client::new(),
            base: server.base_url.trim_end_matches('/').to_string(),
            user: server.user.clone(),
            password: server.password.clone(),
        }
    }

    async fn call(&self, method: &str, path: &str, body: Option<String>) -> u16 {
        let mut req = self
            .http
            .request(
                reqwest::Method::from_bytes(method.as_bytes()).unwrap(),
                format!("{}{path}", self.base),
            )
            .basic_auth(&self.user, Some(&self.password));
        if let Some(body) = body {
            req = req.header("Content-Type", "text/calendar").body(body);
        }
        req.send().await.unwrap().status().as_u16()
    }

    async fn mkcalendar(&self, path: &str) {
        let status = self.call("MKCALENDAR", path, None).await;
        assert!(status == 201, "MKCALENDAR {path}: {status}");
    }

    async fn put(&self, path: &str, body: String) {
        let status = self.call("PUT", path, Some(body)).await;
        assert!((200..300).contains(&status), "PUT {path}: {status}");
    }

    async fn delete(&self, path: &str) {
        let status = self.call("DELETE", path, None).await;
        assert!((200..300).contains(&status), "DELETE {path}: {status}");
    }
}

fn client_for(server: &TestServer, password: Option<&str>) -> CaldavClient {
    let credentials = password.map(|p| Credentials {
        username: server.user.clone(),
        password: Password::new(p),
    });
    CaldavClient::new(&server.base_url, credentials, Limits::default()).unwrap()
}

fn sorted(mut hrefs: Vec<Href>) -> Vec<Href> {
    hrefs.sort();
    hrefs
}

/// Discovery, listing, full fetch, incremental after add/change/delete, invalid-token recovery.
async fn full_cycle(server: &TestServer, client: &CaldavClient, calendar: &str) {
    let other = Other::new(server);
    let found = client.discover().await.unwrap();
    let home = Href::new(found.home.path());
    assert!(
        calendar.starts_with(home.as_str()),
        "{calendar} not under {home}"
    );

    let listing = client.list_calendars(&home).await.unwrap();
    let cal = listing
        .calendars
        .iter()
        .find(|c| c.href.as_str() == calendar)
        .unwrap_or_else(|| panic!("{calendar} not in {listing:?}"));
    let cal_href = cal.href.clone();
    assert!(!cal.read_only);
    assert!(cal.sync_token.is_some(), "{cal:?}");

    for i in 0..5 {
        other
            .put(
                &format!("{calendar}e{i}.ics"),
                ics(&format!("uid-{i}"), &format!("Event {i}")),
            )
            .await;
    }
    let first = client.sync_collection(&cal_href, None).await.unwrap();
    assert_eq!(first.changed.len(), 5, "{first:?}");
    assert!(first.deleted.is_empty());
    let hrefs: Vec<Href> = first.changed.iter().map(|(h, _)| h.clone()).collect();
    let fetched = client.multiget(&cal_href, &hrefs).await.unwrap();
    assert_eq!(fetched.found.len(), 5);
    assert!(
        fetched
            .found
            .iter()
            .all(|r| r.data.contains("BEGIN:VEVENT") && r.etag.is_some())
    );

    let etags = client.list_etags(&cal_href).await.unwrap();
    assert_eq!(
        sorted(etags.iter().map(|(h, _)| h.clone()).collect()),
        sorted(hrefs.clone())
    );

    // Someone else adds one, changes one, deletes one.
    other
        .put(&format!("{calendar}new.ics"), ics("uid-new", "New"))
        .await;
    other
        .put(&format!("{calendar}e1.ics"), ics("uid-1", "Changed"))
        .await;
    other.delete(&format!("{calendar}e2.ics")).await;
    let delta = client
        .sync_collection(&cal_href, Some(&first.token))
        .await
        .unwrap();
    let changed = sorted(delta.changed.iter().map(|(h, _)| h.clone()).collect());
    assert_eq!(
        changed,
        vec![
            Href::new(format!("{calendar}e1.ics")),
            Href::new(format!("{calendar}new.ics"))
        ]
    );
    assert_eq!(delta.deleted, vec![Href::new(format!("{calendar}e2.ics"))]);
    assert_ne!(delta.token, first.token);

    // A multiget naming a deleted member reports it and still returns the rest.
    let mut ask = changed.clone();
    ask.push(Href::new(format!("{calendar}e2.ics")));
    let fetched = client.multiget(&cal_href, &ask).await.unwrap();
    assert_eq!(fetched.found.len(), 2);
    assert!(
        fetched
            .found
            .iter()
            .any(|r| r.data.contains("SUMMARY:Changed"))
    );
    assert_eq!(
        fetched.missing,
        vec![Href::new(format!("{calendar}e2.ics"))]
    );

    // Nothing changed: an empty delta.
    let quiet = client
        .sync_collection(&cal_href, Some(&delta.token))
        .await
        .unwrap();
    assert!(
        quiet.changed.is_empty() && quiet.deleted.is_empty(),
        "{quiet:?}"
    );

    // A token the server never issued: its own error, then a full resync from empty works.
    let bogus = SyncToken::new(format!("{}bogus-0000", delta.token.as_str()));
    let err = client
        .sync_collection(&cal_href, Some(&bogus))
        .await
        .unwrap_err();
    assert!(
        matches!(err, CaldavError::InvalidSyncToken { .. }),
        "{err:?}"
    );
    let again = client.sync_collection(&cal_href, None).await.unwrap();
    assert_eq!(again.changed.len(), 5);
}

/// Conditional writes and their 412s.
async fn conditional_writes(client: &CaldavClient, calendar: &str) {
    let href = Href::new(format!("{calendar}written.ics"));
    let created = client.put_create(&href, &ics("w-1", "Mine")).await.unwrap();
    let again = client
        .put_create(&href, &ics("w-1", "Mine again"))
        .await
        .unwrap_err();
    assert_eq!(
        again,
        CaldavError::PreconditionFailed {
            href: href.to_string()
        }
    );

    let etag = match created {
        Some(etag) => etag,
        None => client
            .multiget(&Href::new(calendar), std::slice::from_ref(&href))
            .await
            .unwrap()
            .found[0]
            .etag
            .clone()
            .unwrap(),
    };
    let stale = Etag::new("\"not-the-etag\"");
    let err = client
        .put_update(&href, &stale, &ics("w-1", "Lost update"))
        .await
        .unwrap_err();
    assert_eq!(
        err,
        CaldavError::PreconditionFailed {
            href: href.to_string()
        }
    );
    let new_etag = client
        .put_update(&href, &etag, &ics("w-1", "Edited"))
        .await
        .unwrap();
    let new_etag = match new_etag {
        Some(e) => e,
        None => client
            .multiget(&Href::new(calendar), std::slice::from_ref(&href))
            .await
            .unwrap()
            .found[0]
            .etag
            .clone()
            .unwrap(),
    };
    assert_ne!(new_etag, etag);
    let err = client.delete(&href, &etag).await.unwrap_err();
    assert_eq!(
        err,
        CaldavError::PreconditionFailed {
            href: href.to_string()
        }
    );
    client.delete(&href, &new_etag).await.unwrap();
    let gone = client.delete(&href, &new_etag).await.unwrap_err();
    assert!(
        matches!(
            gone,
            CaldavError::NotFound { .. } | CaldavError::PreconditionFailed { .. }
        ),
        "{gone:?}"
    );
}

#[tokio::test]
async fn radicale_discovery_listing_sync_and_writes() {
    let server = almanac_test_servers::radicale().unwrap();
    let other = Other::new(&server);
    other.mkcalendar("/alice/work/").await;
    let client = client_for(&server, Some(&server.password));
    full_cycle(&server, &client, "/alice/work/").await;
    conditional_writes(&client, "/alice/work/").await;
}

#[tokio::test]
async fn xandikos_discovery_listing_sync_and_writes() {
    let server = almanac_test_servers::xandikos().unwrap();
    let client = client_for(&server, None);
    full_cycle(&server, &client, "/alice/calendars/calendar/").await;
    conditional_writes(&client, "/alice/calendars/calendar/").await;
}

#[tokio::test]
async fn radicale_wrong_password_is_unauthorized_and_never_echoed() {
    let server = almanac_test_servers::radicale().unwrap();
    let client = client_for(&server, Some("definitely-wrong-secret"));
    let err = client.discover().await.unwrap_err();
    assert!(matches!(err, CaldavError::Unauthorized { .. }), "{err:?}");
    let shown = format!("{err} {err:?} {client:?}");
    assert!(!shown.contains("definitely-wrong-secret"), "{shown}");
}

#[tokio::test]
async fn radicale_skips_non_calendar_collections_and_lists_task_lists() {
    let server = almanac_test_servers::radicale().unwrap();
    let other = Other::new(&server);
    other.mkcalendar("/alice/events/").await;
    let status = other
        .http
        .request(reqwest::Method::from_bytes(b"MKCALENDAR").unwrap(), format!("{}/alice/todo/", other.base))
        .basic_auth(&other.user, Some(&other.password))
        .header("Content-Type", "application/xml")
        .body(r#"<?xml version="1.0"?><C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:set><D:prop><D:displayname>Todo</D:displayname><C:supported-calendar-component-set><C:comp name="VTODO"/></C:supported-calendar-component-set></D:prop></D:set></C:mkcalendar>"#)
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status.as_u16(), 201);
    let status = other
        .http
        .request(reqwest::Method::from_bytes(b"MKCOL").unwrap(), format!("{}/alice/contacts/", other.base))
        .basic_auth(&other.user, Some(&other.password))
        .header("Content-Type", "application/xml")
        .body(r#"<?xml version="1.0"?><D:mkcol xmlns:D="DAV:" xmlns:CR="urn:ietf:params:xml:ns:carddav"><D:set><D:prop><D:resourcetype><D:collection/><CR:addressbook/></D:resourcetype></D:prop></D:set></D:mkcol>"#)
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status.as_u16(), 201);
    let client = client_for(&server, Some(&server.password));
    let home = Href::new(client.discover().await.unwrap().home.path());
    let listing = client.list_calendars(&home).await.unwrap();
    let names: Vec<&str> = listing.calendars.iter().map(|c| c.href.as_str()).collect();
    assert_eq!(names.len(), 2, "{listing:?}");
    let todo = listing
        .calendars
        .iter()
        .find(|c| c.href.as_str() == "/alice/todo/")
        .unwrap();
    assert!(todo.is_task_list());
    assert_eq!(todo.name.as_deref(), Some("Todo"));
    assert!(
        listing
            .skipped
            .iter()
            .any(|(h, s)| h.as_str() == "/alice/contacts/"
                && *s == almanac_caldav::Skipped::NotACalendar)
    );
}
