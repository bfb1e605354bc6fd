//! The transport and the client against a scripted HTTP server on loopback: what goes on the
//! wire (credentials, gzip, connection reuse, redirects) and how each failure is classified.

use almanac_caldav::{CaldavClient, CaldavError, Credentials, Limits, RetryAfter, Transport};
use almanac_core::{Href, Password, SyncToken};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

const SECRET: &str = "abcd-efgh-ijkl-mnop";

/// What the scripted server does for one request.
enum Reply {
    /// Send these bytes and keep the connection open.
    Send(Vec<u8>),
    /// Send these bytes and close the connection.
    SendClose(Vec<u8>),
    /// Never answer (until the test ends).
    Hang,
}

fn reply(status: &str, headers: &[(&str, &str)], body: &[u8]) -> Reply {
    let mut out = format!("HTTP/1.1 {status}\r\nContent-Length: {}\r\n", body.len());
    for (k, v) in headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str("\r\n");
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(body);
    Reply::Send(bytes)
}

#[derive(Clone, Debug)]
struct Seen {
    connection: usize,
    line: String,
    headers: Vec<(String, String)>,
    body: String,
}

impl Seen {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

struct Scripted {
    base: String,
    seen: Arc<Mutex<Vec<Seen>>>,
    _stop: mpsc::Sender<()>,
}

/// Request line, headers, body.
type RawRequest = (String, Vec<(String, String)>, String);

fn read_request(reader: &mut BufReader<TcpStream>) -> Option<RawRequest> {
    let mut line = String::new();
    if reader.read_line(&mut line).ok()? == 0 {
        return None;
    }
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        reader.read_line(&mut h).ok()?;
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        let (k, v) = h.split_once(':')?;
        headers.push((k.trim().to_string(), v.trim().to_string()));
    }
    let len = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = vec![0; len];
    reader.read_exact(&mut body).ok()?;
    Some((
        line.trim_end().to_string(),
        headers,
        String::from_utf8_lossy(&body).into_owned(),
    ))
}

fn serve(script: Vec<Reply>) -> Scripted {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}/", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let (stop, stopped) = mpsc::channel::<()>();
    let log = Arc::clone(&seen);
    std::thread::spawn(move || {
        let mut script = script.into_iter();
        for (connection, stream) in listener.incoming().enumerate() {
            let Ok(stream) = stream else { return };
            let mut writer = stream.try_clone().unwrap();
            let mut reader = BufReader::new(stream);
            while let Some((line, headers, body)) = read_request(&mut reader) {
                log.lock().unwrap().push(Seen {
                    connection,
                    line,
                    headers,
                    body,
                });
                match script.next() {
                    Some(Reply::Send(bytes)) => writer.write_all(&bytes).unwrap(),
                    Some(Reply::SendClose(bytes)) => {
                        let _ = writer.write_all(&bytes);
                        break;
                    }
                    Some(Reply::Hang) => {
                        let _ = stopped.recv_timeout(Duration::from_secs(30));
                        return;
                    }
                    None => return,
                }
            }
        }
    });
    Scripted {
        base,
        seen,
        _stop: stop,
    }
}

fn client(base: &str, limits: Limits) -> CaldavClient {
    let creds = Credentials {
        username: "alice@icloud.com".into(),
        password: Password::new(SECRET),
    };
    CaldavClient::new(base, Some(creds), limits).unwrap()
}

const MULTISTATUS: &str = r#"<?xml version="1.0"?><d:multistatus xmlns:d="DAV:"><d:response><d:href>/cal/a.ics</d:href><d:propstat><d:prop><d:getetag>"1"</d:getetag></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response></d:multistatus>"#;

#[tokio::test]
async fn icloud_double_challenge_is_unauthorized_in_either_order_and_basic_was_sent() {
    for challenges in [
        vec![
            ("WWW-Authenticate", "Basic realm=\"MMCalDav\""),
            (
                "WWW-Authenticate",
                "X-MobileMe-AuthToken realm=\"MMCalDav\"",
            ),
        ],
        vec![(
            "WWW-Authenticate",
            "X-MobileMe-AuthToken realm=\"MMCalDav\", Basic realm=\"MMCalDav\"",
        )],
    ] {
        let mut headers = challenges.clone();
        headers.push(("x-apple-user-partition", "12"));
        let server = serve(vec![reply("401 Unauthorized", &headers, b"")]);
        let c = client(&server.base, Limits::default());
        let err = c.list_etags(&Href::new("/cal/")).await.unwrap_err();
        assert!(matches!(err, CaldavError::Unauthorized { .. }), "{err:?}");
        assert!(!format!("{err} {err:?}").contains(SECRET));
        let seen = server.seen.lock().unwrap().clone();
        assert_eq!(
            seen.len(),
            1,
            "one request, no retry with the same password"
        );
        assert!(
            seen[0]
                .header("authorization")
                .unwrap()
                .starts_with("Basic ")
        );
    }
}

#[tokio::test]
async fn gzip_is_requested_and_decoded_and_connections_are_reused() {
    use flate2::{Compression, write::GzEncoder};
    let mut gz = GzEncoder::new(Vec::new(), Compression::default());
    gz.write_all(MULTISTATUS.as_bytes()).unwrap();
    let gzipped = gz.finish().unwrap();
    let server = serve(vec![
        reply(
            "207 Multi-Status",
            &[
                ("Content-Type", "application/xml"),
                ("Content-Encoding", "gzip"),
            ],
            &gzipped,
        ),
        reply(
            "207 Multi-Status",
            &[("Content-Type", "application/xml")],
            MULTISTATUS.as_bytes(),
        ),
    ]);
    let c = client(&server.base, Limits::default());
    let etags = c.list_etags(&Href::new("/cal/")).await.unwrap();
    assert_eq!(etags.len(), 1);
    assert_eq!(c.list_etags(&Href::new("/cal/")).await.unwrap().len(), 1);
    let seen = server.seen.lock().unwrap().clone();
    assert!(seen[0].header("accept-encoding").unwrap().contains("gzip"));
    assert_eq!(
        seen[0].header("content-type"),
        Some("application/xml; charset=utf-8")
    );
    assert_eq!(seen[0].header("depth"), Some("1"));
    assert_eq!(
        seen[1].connection, seen[0].connection,
        "the second request reuses the connection"
    );
}

#[tokio::test]
async fn redirect_to_another_origin_drops_credentials() {
    let elsewhere = serve(vec![reply("207 Multi-Status", &[], MULTISTATUS.as_bytes())]);
    let target = format!("{}cal/", elsewhere.base);
    let entry = serve(vec![reply(
        "301 Moved Permanently",
        &[("Location", &target)],
        b"",
    )]);
    let c = client(&entry.base, Limits::default());
    let etags = c.list_etags(&Href::new("/cal/")).await.unwrap();
    assert_eq!(etags.len(), 1);
    assert!(
        entry.seen.lock().unwrap()[0]
            .header("authorization")
            .is_some()
    );
    assert_eq!(
        elsewhere.seen.lock().unwrap()[0].header("authorization"),
        None
    );
}

/// A 401 from a host that never got the credentials says nothing about the password: it is its
/// own class, naming the host, and never `Unauthorized` (which could lead to NeedsRelink).
#[tokio::test]
async fn a_401_from_a_host_that_got_no_credentials_is_not_a_refusal() {
    let elsewhere = serve(vec![reply(
        "401 Unauthorized",
        &[("WWW-Authenticate", "Basic realm=\"x\"")],
        b"",
    )]);
    let target = format!("{}cal/", elsewhere.base);
    let entry = serve(vec![reply("302 Found", &[("Location", &target)], b"")]);
    let err = client(&entry.base, Limits::default())
        .list_etags(&Href::new("/cal/"))
        .await
        .unwrap_err();
    let base = url::Url::parse(&elsewhere.base).unwrap();
    let host = format!("{}:{}", base.host_str().unwrap(), base.port().unwrap());
    assert_eq!(err, CaldavError::CredentialsNotSent { host });
    assert_eq!(
        elsewhere.seen.lock().unwrap()[0].header("authorization"),
        None
    );
}

#[tokio::test]
async fn discovery_follows_well_known_and_sends_credentials_to_the_partition_host() {
    let partition = serve(vec![reply(
        "207 Multi-Status",
        &[],
        br#"<multistatus xmlns="DAV:"><response><href>/17149682/calendars/</href><propstat><prop><resourcetype><collection/></resourcetype></prop><status>HTTP/1.1 200 OK</status></propstat></response></multistatus>"#,
    )]);
    let home = format!("{}17149682/calendars/", partition.base);
    let home_body = format!(
        r#"<multistatus xmlns='DAV:'><response><href>/principal/</href><propstat><prop><calendar-home-set xmlns='urn:ietf:params:xml:ns:caldav'><href xmlns='DAV:'>{home}</href></calendar-home-set></prop><status>HTTP/1.1 200 OK</status></propstat></response></multistatus>"#
    );
    let entry = serve(vec![
        reply("301 Moved Permanently", &[("Location", "/")], b""),
        reply("207 Multi-Status", &[], br#"<multistatus xmlns='DAV:'><response><href>/</href><propstat><prop><current-user-principal xmlns='DAV:'><href xmlns='DAV:'>/17149682/principal/</href></current-user-principal></prop><status>HTTP/1.1 200 OK</status></propstat></response></multistatus>"#),
        reply("207 Multi-Status", &[], home_body.as_bytes()),
    ]);
    let c = client(&entry.base, Limits::default());
    let found = c.discover().await.unwrap();
    assert_eq!(found.home.as_str(), home);
    assert_eq!(found.principal.path(), "/17149682/principal/");
    let entry_seen = entry.seen.lock().unwrap().clone();
    assert_eq!(entry_seen.len(), 3);
    assert!(
        entry_seen[0]
            .line
            .starts_with("PROPFIND /.well-known/caldav ")
    );
    assert!(entry_seen[1].line.starts_with("PROPFIND / "));
    assert!(
        entry_seen[2]
            .line
            .starts_with("PROPFIND /17149682/principal/ ")
    );
    let listing = c
        .list_calendars(&Href::new(found.home.path()))
        .await
        .unwrap();
    assert!(listing.calendars.is_empty());
    let p = partition.seen.lock().unwrap().clone();
    assert!(
        p[0].header("authorization").unwrap().starts_with("Basic "),
        "partition host gets Basic"
    );
}

#[tokio::test]
async fn truncated_sync_results_are_followed_to_the_end() {
    let page = |token: &str, extra: &str| {
        format!(
            r#"<d:multistatus xmlns:d="DAV:"><d:response><d:href>/cal/{token}.ics</d:href><d:propstat><d:prop><d:getetag>"{token}"</d:getetag></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>{extra}<d:sync-token>tok-{token}</d:sync-token></d:multistatus>"#
        )
    };
    let truncated = r#"<d:response><d:href>/cal/</d:href><d:status>HTTP/1.1 507 Insufficient Storage</d:status></d:response>"#;
    let server = serve(vec![
        reply("207 Multi-Status", &[], page("1", truncated).as_bytes()),
        reply("207 Multi-Status", &[], page("2", "").as_bytes()),
    ]);
    let c = client(&server.base, Limits::default());
    let delta = c
        .sync_collection(&Href::new("/cal/"), Some(&SyncToken::new("tok-0")))
        .await
        .unwrap();
    assert_eq!(delta.changed.len(), 2);
    assert_eq!(delta.token.as_str(), "tok-2");
    let seen = server.seen.lock().unwrap().clone();
    assert!(seen[0].body.contains("<d:sync-token>tok-0</d:sync-token>"));
    assert!(seen[1].body.contains("<d:sync-token>tok-1</d:sync-token>"));
}

#[tokio::test]
async fn failures_are_classified() {
    // Throttled.
    let server = serve(vec![reply(
        "503 Service Unavailable",
        &[("Retry-After", "30")],
        b"",
    )]);
    let err = client(&server.base, Limits::default())
        .list_etags(&Href::new("/cal/"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, CaldavError::RateLimited { retry_after: Some(RetryAfter::Delay(d)), .. } if d == Duration::from_secs(30)),
        "{err:?}"
    );

    // An HTML page where a multistatus was due.
    let server = serve(vec![reply(
        "207 Multi-Status",
        &[("Content-Type", "text/html")],
        b"<html><body>Oops</body></html>",
    )]);
    let err = client(&server.base, Limits::default())
        .list_etags(&Href::new("/cal/"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, CaldavError::Protocol { status: 207, .. }),
        "{err:?}"
    );

    // A body cut short.
    let server = serve(vec![Reply::SendClose(
        format!(
            "HTTP/1.1 207 Multi-Status\r\nContent-Length: 5000\r\n\r\n{}",
            &MULTISTATUS[..60]
        )
        .into_bytes(),
    )]);
    let err = client(&server.base, Limits::default())
        .list_etags(&Href::new("/cal/"))
        .await
        .unwrap_err();
    assert!(matches!(err, CaldavError::Protocol { .. }), "{err:?}");

    // A body over the limit.
    let big = format!("{}{}", " ".repeat(2048), MULTISTATUS);
    let server = serve(vec![reply("207 Multi-Status", &[], big.as_bytes())]);
    let limits = Limits {
        max_body_bytes: 1024,
        ..Limits::default()
    };
    let err = client(&server.base, limits)
        .list_etags(&Href::new("/cal/"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, CaldavError::TooLarge { limit: 1024, .. }),
        "{err:?}"
    );

    // No answer within the read timeout.
    let server = serve(vec![Reply::Hang]);
    let limits = Limits {
        read_timeout: Duration::from_millis(300),
        ..Limits::default()
    };
    let err = client(&server.base, limits)
        .list_etags(&Href::new("/cal/"))
        .await
        .unwrap_err();
    assert!(matches!(err, CaldavError::Timeout { .. }), "{err:?}");

    // Nobody listening.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let err = client(&format!("http://127.0.0.1:{port}/"), Limits::default())
        .list_etags(&Href::new("/cal/"))
        .await
        .unwrap_err();
    assert!(matches!(err, CaldavError::Offline { .. }), "{err:?}");
    assert!(!format!("{err:?}").contains(SECRET));
}

#[tokio::test]
async fn redirect_loops_end() {
    let replies = (0..10)
        .map(|_| reply("302 Found", &[("Location", "/again")], b""))
        .collect();
    let server = serve(replies);
    let err = client(&server.base, Limits::default())
        .list_etags(&Href::new("/cal/"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, CaldavError::Protocol { ref reason, .. } if reason.contains("redirects")),
        "{err:?}"
    );
}

#[tokio::test]
async fn partition_move_keeps_paths_and_follows_the_new_host() {
    let etags = |etag: &str| {
        format!(
            r#"<multistatus xmlns="DAV:"><response><href>/17149682/calendars/home/a.ics</href><propstat><prop><getetag>"{etag}"</getetag></prop><status>HTTP/1.1 200 OK</status></propstat></response></multistatus>"#
        )
    };
    let old = serve(vec![reply(
        "207 Multi-Status",
        &[],
        etags("old").as_bytes(),
    )]);
    let new = serve(vec![reply(
        "207 Multi-Status",
        &[],
        etags("new").as_bytes(),
    )]);
    let principal = br#"<multistatus xmlns='DAV:'><response><href>/</href><propstat><prop><current-user-principal xmlns='DAV:'><href xmlns='DAV:'>/17149682/principal/</href></current-user-principal></prop><status>HTTP/1.1 200 OK</status></propstat></response></multistatus>"#;
    let home = |base: &str| {
        format!(
            r#"<multistatus xmlns='DAV:'><response><href>/principal/</href><propstat><prop><calendar-home-set xmlns='urn:ietf:params:xml:ns:caldav'><href xmlns='DAV:'>{base}17149682/calendars/</href></calendar-home-set></prop><status>HTTP/1.1 200 OK</status></propstat></response></multistatus>"#
        )
    };
    // The entry host answers the well-known URL in place (no redirect).
    let entry = serve(vec![
        reply("207 Multi-Status", &[], principal),
        reply("207 Multi-Status", &[], home(&old.base).as_bytes()),
        reply("207 Multi-Status", &[], principal),
        reply("207 Multi-Status", &[], home(&new.base).as_bytes()),
    ]);
    let c = client(&entry.base, Limits::default());
    let calendar = Href::new("/17149682/calendars/home/");
    c.discover().await.unwrap();
    let before = c.list_etags(&calendar).await.unwrap();
    // The old partition stops answering; the next discovery names another host.
    assert!(c.list_etags(&calendar).await.is_err());
    let found = c.discover().await.unwrap();
    assert_eq!(
        found.home.as_str(),
        format!("{}17149682/calendars/", new.base)
    );
    let after = c.list_etags(&calendar).await.unwrap();
    assert_eq!(before[0].0, after[0].0, "same record key on the new host");
    assert_ne!(before[0].1, after[0].1);
    assert!(
        new.seen.lock().unwrap()[0]
            .header("authorization")
            .is_some()
    );
    assert_eq!(
        entry.seen.lock().unwrap().len(),
        4,
        "two requests per discovery"
    );
}

#[tokio::test]
async fn entry_host_redirect_to_the_partition_host_keeps_basic_during_discovery() {
    let partition = serve(vec![
        reply("207 Multi-Status", &[], br#"<multistatus xmlns='DAV:'><response><href>/</href><propstat><prop><current-user-principal xmlns='DAV:'><href xmlns='DAV:'>/17149682/principal/</href></current-user-principal></prop><status>HTTP/1.1 200 OK</status></propstat></response></multistatus>"#),
        reply("207 Multi-Status", &[], br#"<multistatus xmlns='DAV:'><response><href>/principal/</href><propstat><prop><calendar-home-set xmlns='urn:ietf:params:xml:ns:caldav'><href xmlns='DAV:'>/17149682/calendars/</href></calendar-home-set></prop><status>HTTP/1.1 200 OK</status></propstat></response></multistatus>"#),
    ]);
    // Quirk (b) of icloud-caldav.md: the entry host sends everything to the partition host.
    let entry = serve(vec![reply(
        "302 Found",
        &[("Location", &partition.base)],
        b"",
    )]);
    let c = client(&entry.base, Limits::default());
    let found = c.discover().await.unwrap();
    assert_eq!(
        found.home.as_str(),
        format!("{}17149682/calendars/", partition.base)
    );
    let seen = partition.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 2);
    assert!(seen.iter().all(|s| {
        s.header("authorization")
            .is_some_and(|a| a.starts_with("Basic "))
    }));
}

#[tokio::test]
async fn redirect_to_plain_http_off_loopback_is_refused_before_connecting() {
    let entry = serve(vec![reply(
        "301 Moved Permanently",
        &[("Location", "http://dav.example.com/cal/")],
        b"",
    )]);
    let err = client(&entry.base, Limits::default())
        .list_etags(&Href::new("/cal/"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, CaldavError::InvalidUrl { ref url, .. } if url.contains("dav.example.com")),
        "{err:?}"
    );
}

/// A 503 with Retry-After pauses its host for every client on the same transport (the sync
/// engine's accounts share one): the second client's request is refused without being sent,
/// naming when the pause ends; a client on a transport of its own is not held.
#[tokio::test]
async fn a_retry_after_pauses_the_host_for_every_client_on_the_transport() {
    // Each answer closes its connection: the scripted server serves one at a time.
    let server = serve(vec![
        Reply::SendClose(
            b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 120\r\nContent-Length: 0\r\n\r\n"
                .to_vec(),
        ),
        Reply::SendClose(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n".to_vec()),
    ]);
    let transport = Transport::new(Limits::default()).unwrap();
    let on = |user: &str| {
        let creds = Credentials {
            username: user.into(),
            password: Password::new(SECRET),
        };
        CaldavClient::with_transport(&server.base, Some(creds), transport.clone()).unwrap()
    };
    let calendar = Href::new("/cal/");
    let first = on("alice@icloud.com").list_etags(&calendar).await;
    assert!(
        matches!(first, Err(CaldavError::RateLimited { status: 503, .. })),
        "{first:?}"
    );
    let second = on("bob@icloud.com").list_etags(&calendar).await;
    assert!(
        matches!(
            second,
            Err(CaldavError::RateLimited {
                status: 503,
                retry_after: Some(RetryAfter::At(_)),
                ..
            })
        ),
        "{second:?}"
    );
    assert_eq!(server.seen.lock().unwrap().len(), 1, "not sent");
    let apart = client(&server.base, Limits::default())
        .list_etags(&calendar)
        .await;
    assert!(
        matches!(apart, Err(CaldavError::NotFound { .. })),
        "{apart:?}"
    );
}

/// A start URL that is the principal and names the home beside it (the first PROPFIND asks
/// for both): discovery needs no second request.
#[tokio::test]
async fn a_principal_that_names_its_home_costs_one_round_trip() {
    let server = serve(vec![reply(
        "207 Multi-Status",
        &[],
        br#"<multistatus xmlns='DAV:'><response><href>/dav/principals/alice/</href><propstat><prop><current-user-principal><href>/dav/principals/alice/</href></current-user-principal><calendar-home-set xmlns='urn:ietf:params:xml:ns:caldav'><href xmlns='DAV:'>/dav/calendars/alice/</href></calendar-home-set></prop><status>HTTP/1.1 200 OK</status></propstat></response></multistatus>"#,
    )]);
    let start = format!("{}dav/principals/alice/", server.base);
    let found = client(&start, Limits::default()).discover().await.unwrap();
    assert_eq!(found.home.path(), "/dav/calendars/alice/");
    let seen = server.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 1, "{seen:#?}");
    assert!(seen[0].line.starts_with("PROPFIND /dav/principals/alice/ "));
    assert!(seen[0].body.contains("calendar-home-set"));
}
