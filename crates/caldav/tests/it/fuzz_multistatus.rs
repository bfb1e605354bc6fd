//! Fuzzing without nightly: proptest feeds arbitrary bytes and mutated fixtures into the
//! multistatus parser and every response parser built on it. None may panic; all must answer
//! `Ok` or a classified error. A round-trip property checks that whatever text we escape comes
//! back byte for byte.

use almanac_caldav::transport::RawResponse;
use almanac_caldav::xml::{escape, parse_error_conditions, parse_multistatus};
use almanac_caldav::{discovery, listing, multiget, sync};
use proptest::prelude::*;
use reqwest::header::HeaderMap;

fn fixtures() -> Vec<Vec<u8>> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
    let mut out: Vec<Vec<u8>> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| std::fs::read(e.unwrap().path()).unwrap())
        .collect();
    out.sort();
    assert!(out.len() >= 10, "fixtures missing");
    out
}

fn every_parser(body: Vec<u8>) {
    let _ = parse_multistatus(&body);
    let _ = parse_error_conditions(&body);
    for status in [207, 403, 409, 410, 412, 500] {
        let r = RawResponse {
            url: url::Url::parse("https://p12-caldav.icloud.com/17149682/calendars/home/").unwrap(),
            status,
            headers: HeaderMap::new(),
            body: body.clone(),
        };
        let _ = discovery::parse_principal(&r);
        let _ = discovery::parse_home(&r);
        let _ = listing::parse_listing(&r);
        let _ = sync::parse_sync(&r);
        let _ = sync::parse_etags(&r);
        let _ = multiget::parse_multiget(&r);
    }
}

#[derive(Clone, Debug)]
enum Mutation {
    Flip(usize, u8),
    Truncate(usize),
    Insert(usize, Vec<u8>),
    Duplicate(usize, usize),
    Delete(usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Flip(i, b)),
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), prop::collection::vec(any::<u8>(), 1..16))
            .prop_map(|(i, b)| Mutation::Insert(i, b)),
        (any::<usize>(), 1usize..200).prop_map(|(i, n)| Mutation::Duplicate(i, n)),
        (any::<usize>(), 1usize..50).prop_map(|(i, n)| Mutation::Delete(i, n)),
    ]
}

fn apply(mut body: Vec<u8>, mutations: &[Mutation]) -> Vec<u8> {
    for m in mutations {
        if body.is_empty() {
            break;
        }
        let at = |i: usize| i % body.len();
        match m {
            Mutation::Flip(i, b) => {
                let i = at(*i);
                body[i] ^= b | 1;
            }
            Mutation::Truncate(i) => body.truncate(at(*i)),
            Mutation::Insert(i, bytes) => {
                let i = at(*i);
                body.splice(i..i, bytes.iter().copied());
            }
            Mutation::Duplicate(i, n) => {
                let i = at(*i);
                let end = (i + n).min(body.len());
                let copy = body[i..end].to_vec();
                body.splice(i..i, copy);
            }
            Mutation::Delete(i, n) => {
                let i = at(*i);
                let end = (i + n).min(body.len());
                body.drain(i..end);
            }
        }
    }
    body
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(body in prop::collection::vec(any::<u8>(), 0..2048)) {
        every_parser(body);
    }

    #[test]
    fn mutated_fixtures_never_panic(
        which in any::<usize>(),
        mutations in prop::collection::vec(mutation(), 1..6),
    ) {
        let all = fixtures();
        let body = apply(all[which % all.len()].clone(), &mutations);
        every_parser(body);
    }

    #[test]
    fn escaped_text_round_trips(
        hrefs in prop::collection::vec(any::<String>(), 1..8),
        data in any::<String>(),
    ) {
        // XML cannot carry NUL or most C0 controls, and normalises CR; servers never send them.
        let clean = |s: &str| s.chars().filter(|c| !c.is_control() || *c == '\n' || *c == '\t').collect::<String>();
        let data = clean(&data);
        let hrefs: Vec<String> = hrefs.iter().map(|h| format!("/cal/{}.ics", clean(h).trim())).collect();
        let mut body = String::from(r#"<d:multistatus xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">"#);
        for href in &hrefs {
            body.push_str(&format!(
                "<d:response><d:href>{}</d:href><d:propstat><d:prop><c:calendar-data>{}</c:calendar-data></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>",
                escape(href), escape(&data)
            ));
        }
        body.push_str("</d:multistatus>");
        let ms = parse_multistatus(body.as_bytes()).unwrap();
        prop_assert_eq!(ms.responses.len(), hrefs.len());
        for (r, href) in ms.responses.iter().zip(&hrefs) {
            prop_assert_eq!(&r.hrefs[0], href.trim());
            let got = &r.prop(almanac_caldav::xml::Ns::Caldav, "calendar-data").unwrap().text;
            prop_assert_eq!(got, &data);
        }
    }
}
