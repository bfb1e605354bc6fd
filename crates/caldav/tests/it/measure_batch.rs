//! Measures calendar-multiget batch sizes against loopback Radicale. Not a pass/fail test: it
//! prints figures used to choose `multiget::DEFAULT_BATCH`. Run it by hand:
//! `cargo test -p almanac-caldav --release --test it -- measure_batch:: --ignored --nocapture`

use almanac_caldav::{CaldavClient, Credentials, Limits};
use almanac_core::{Href, Password};
use std::fmt::Write as _;
use std::time::Instant;

const EVENTS: usize = 3000;

#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
#[ignore = "measurement for choosing DEFAULT_BATCH; run by hand with --nocapture"]
async fn multiget_batch_sizes() {
    let server = almanac_test_servers::radicale().unwrap();
    let _ = rustls::crypto::ring::default_provider().install_default();
    let http = reqwest::Client::new();
    let mut ics =
        String::from("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Almanac//measure//EN\r\n");
    for i in 0..EVENTS {
        let _ = write!(
            ics,
            "BEGIN:VEVENT\r\nUID:ev-{i:05}\r\nDTSTAMP:20240101T000000Z\r\nDTSTART:20240102T100000Z\r\nDTEND:20240102T110000Z\r\nSUMMARY:Event {i}\r\nDESCRIPTION:{}\r\nEND:VEVENT\r\n",
            "Some text of an ordinary length. ".repeat(8)
        );
    }
    ics.push_str("END:VCALENDAR\r\n");
    let status = http
        .put(format!("{}alice/big/", server.base_url))
        .basic_auth(&server.user, Some(&server.password))
        .header("Content-Type", "text/calendar")
        .body(ics)
        .send()
        .await
        .unwrap()
        .status();
    assert!(status.is_success(), "{status}");

    let creds = Credentials {
        username: server.user.clone(),
        password: Password::new(server.password.clone()),
    };
    let mut client = CaldavClient::new(&server.base_url, Some(creds), Limits::default()).unwrap();
    client.discover().await.unwrap();
    let cal = Href::new("/alice/big/");
    let hrefs: Vec<Href> = client
        .list_etags(&cal)
        .await
        .unwrap()
        .into_iter()
        .map(|(h, _)| h)
        .collect();
    assert_eq!(hrefs.len(), EVENTS);
    println!("multiget of {EVENTS} events from loopback Radicale 3.9 (best of 3):");
    for batch in [50, 100, 250, 500, 1000] {
        client.set_batch_size(batch);
        let mut best = f64::MAX;
        for _ in 0..3 {
            let start = Instant::now();
            let fetched = client.multiget(&cal, &hrefs).await.unwrap();
            assert_eq!(fetched.found.len(), EVENTS);
            best = best.min(start.elapsed().as_secs_f64());
        }
        println!(
            "  batch {batch:>4}: {:>3} requests, {best:.2} s, {:.0} events/s",
            EVENTS.div_ceil(batch),
            EVENTS as f64 / best
        );
    }
}
