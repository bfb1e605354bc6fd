//! calendar-multiget (RFC 4791 §7.9): bodies and etags of named members, in batches.

use crate::error::CaldavError;
use crate::response::{expect_multistatus, member_path, same_collection};
use crate::transport::{RawResponse, Request};
use crate::xml::{Ns, escape};
use almanac_core::{Etag, Href};
use std::fmt::Write as _;
use url::Url;

/// How many hrefs one multiget asks for.
///
/// Measured against loopback Radicale 3.9 with 3,000 events, release build, best of 3
/// (`cargo test -p almanac-caldav --release --test it -- measure_batch:: --ignored --nocapture`):
/// 50 → 0.59 s (60 requests), 100 → 0.53 s, 250 → 0.50 s (12 requests), 500 → 0.48 s,
/// 1000 → 0.43 s. On loopback the server's per-item work dominates, so past 250 the gain is a
/// few percent; over a real link each request also costs a round trip (12 instead of 30 per
/// 3,000 events at 250 vs 100), while a larger batch makes a failed request cost more and goes
/// further beyond what other iCloud clients send (10 to 100; no documented limit). 250 it is.
pub const DEFAULT_BATCH: usize = 250;

/// One member with its data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FetchedResource {
    /// Its path.
    pub href: Href,
    /// Its etag, when given (the sync engine needs it for later writes).
    pub etag: Option<Etag>,
    /// The iCalendar text, as the server gave it.
    pub data: String,
}

/// What one or more multigets returned.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Fetched {
    /// Members that came back with data.
    pub found: Vec<FetchedResource>,
    /// Members that came back 404 (gone, or not yet visible on iCloud).
    pub missing: Vec<Href>,
    /// Members that came back with another status or without calendar data.
    pub failed: Vec<(Href, u16)>,
    /// Members asked for that the answer did not mention at all.
    pub unanswered: Vec<Href>,
}

impl Fetched {
    /// Appends another batch's results.
    pub fn extend(&mut self, other: Fetched) {
        self.found.extend(other.found);
        self.missing.extend(other.missing);
        self.failed.extend(other.failed);
        self.unanswered.extend(other.unanswered);
    }

    /// Every member asked for and not delivered, whatever the reason.
    pub fn undelivered(&self) -> impl Iterator<Item = &Href> {
        let failed = self.failed.iter().map(|(h, _)| h);
        self.missing.iter().chain(failed).chain(&self.unanswered)
    }
}

/// An href with its percent-escapes decoded (`%40` and `@`, `%2d` and `%2D` are one member).
fn decoded(href: &Href) -> String {
    percent_encoding::percent_decode_str(href.as_str())
        .decode_utf8_lossy()
        .into_owned()
}

/// Puts an answer in terms of what was asked: a member the server named under another spelling
/// of the same path gets the spelling asked for (which is the one the listing and the store
/// use), and every href asked for and not mentioned lands in [`Fetched::unanswered`].
///
/// # Quirks
/// Servers normalise percent-encoding in their answers (Radicale and iCloud decode `%40`;
/// others encode `@`), so comparing raw strings would both lose the member asked for and store
/// a twin under the other spelling.
pub fn reconcile(asked: &[Href], mut fetched: Fetched) -> Fetched {
    let by_decoded: std::collections::HashMap<String, &Href> =
        asked.iter().map(|h| (decoded(h), h)).collect();
    let mut answered = std::collections::HashSet::new();
    let mut respell = |href: &mut Href| {
        if let Some(asked) = by_decoded.get(&decoded(href)) {
            href.clone_from(asked);
            answered.insert((*asked).clone());
        }
    };
    fetched.found.iter_mut().for_each(|r| respell(&mut r.href));
    fetched.missing.iter_mut().for_each(&mut respell);
    fetched.failed.iter_mut().for_each(|(h, _)| respell(h));
    fetched.unanswered = asked
        .iter()
        .filter(|h| !answered.contains(*h))
        .cloned()
        .collect();
    fetched
}

/// REPORT calendar-multiget for `hrefs` (paths on the calendar's host).
pub fn multiget_request(calendar: Url, hrefs: &[Href]) -> Request {
    let mut body = String::with_capacity(300 + hrefs.len() * 80);
    body.push_str(r#"<?xml version="1.0" encoding="utf-8"?>
<c:calendar-multiget xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><d:getetag/><c:calendar-data/></d:prop>"#);
    for href in hrefs {
        let _ = write!(body, "<d:href>{}</d:href>", escape(href.as_str()));
    }
    body.push_str("</c:calendar-multiget>");
    Request::xml("REPORT", calendar, "1", body)
}

/// Reads a multiget answer. A missing member is data, not an error.
///
/// # Quirks
/// iCloud may include the collection itself with calendar-data in a 404 propstat; it is dropped.
/// Right after a sync-collection, iCloud can answer 404 for a member it just listed (eventual
/// consistency), which is why 404s land in [`Fetched::missing`] and are not taken as deletions
/// here.
///
/// # Errors
/// The answer's classified status, or [`CaldavError::Protocol`] for a malformed body.
pub fn parse_multiget(response: &RawResponse) -> Result<Fetched, CaldavError> {
    let ms = expect_multistatus(response)?;
    let collection = response.url.path().to_string();
    let mut out = Fetched::default();
    for mut r in ms.responses {
        let mut hrefs = Vec::with_capacity(r.hrefs.len());
        for raw in &r.hrefs {
            let Some(href) = member_path(response, raw) else {
                continue;
            };
            if !same_collection(href.as_str(), &collection) {
                hrefs.push(href);
            }
        }
        if hrefs.is_empty() {
            continue;
        }
        if let Some(status) = r.status.filter(|s| !(200..300).contains(s)) {
            for href in hrefs {
                if status == 404 {
                    out.missing.push(href)
                } else {
                    out.failed.push((href, status))
                }
            }
            continue;
        }
        let etag = r.prop(Ns::Dav, "getetag").map(|e| Etag::new(e.text.trim()));
        // Moved, not copied: calendar data is most of the body.
        let data = r.take_prop(Ns::Caldav, "calendar-data").map(|d| d.text);
        match (hrefs.into_iter().next(), data) {
            (Some(href), Some(data)) if !data.trim().is_empty() => {
                out.found.push(FetchedResource { href, etag, data });
            }
            (Some(href), _) => {
                let status = r.prop_status(Ns::Caldav, "calendar-data").unwrap_or(200);
                if status == 404 {
                    out.missing.push(href)
                } else {
                    out.failed.push((href, status))
                }
            }
            (None, _) => {}
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::response::tests::fixture_response;

    #[test]
    fn icloud_multiget_with_cdata_and_a_missing_member() {
        let r = fixture_response(
            "https://p12-caldav.icloud.com:443/17149682/calendars/home/",
            "icloud_multiget.xml",
        );
        let f = parse_multiget(&r).unwrap();
        assert_eq!(f.found.len(), 1);
        assert!(f.found[0].data.starts_with("BEGIN:VCALENDAR\n"));
        assert!(f.found[0].data.contains("X-APPLE-STRUCTURED-LOCATION"));
        assert_eq!(f.found[0].etag.as_ref().unwrap().as_str(), "\"mj9g5sbe\"");
        assert_eq!(
            f.missing,
            vec![Href::new("/17149682/calendars/home/missing.ics")]
        );
        assert!(f.failed.is_empty());
    }

    #[test]
    fn google_multiget_with_absolute_hrefs() {
        let r = fixture_response(
            "https://apidata.googleusercontent.com/caldav/v2/alice%40gmail.com/events/",
            "google_multiget.xml",
        );
        let f = parse_multiget(&r).unwrap();
        assert_eq!(f.found.len(), 1);
        assert_eq!(
            f.found[0].href.as_str(),
            "/caldav/v2/alice%40gmail.com/events/abc123.ics"
        );
        assert_eq!(f.missing.len(), 1);
    }

    #[test]
    fn answers_are_put_in_the_spelling_asked_for_and_silence_is_counted() {
        let asked = [
            Href::new("/1/calendars/home/A@icloud.com.ics"),
            Href::new("/1/calendars/home/b%2Dc.ics"),
            Href::new("/1/calendars/home/left-out.ics"),
        ];
        let fetched = Fetched {
            found: vec![FetchedResource {
                href: Href::new("/1/calendars/home/A%40icloud.com.ics"),
                etag: None,
                data: "BEGIN:VCALENDAR".into(),
            }],
            missing: vec![Href::new("/1/calendars/home/b-c.ics")],
            ..Fetched::default()
        };
        let r = reconcile(&asked, fetched);
        assert_eq!(r.found[0].href, asked[0]);
        assert_eq!(r.missing, vec![asked[1].clone()]);
        assert_eq!(r.unanswered, vec![asked[2].clone()]);
        assert_eq!(r.undelivered().count(), 2);
    }

    #[test]
    fn request_escapes_hrefs() {
        let r = multiget_request(
            Url::parse("https://x.example/cal/").unwrap(),
            &[Href::new("/cal/a&b.ics"), Href::new("/cal/c.ics")],
        );
        let body = String::from_utf8(r.body.unwrap()).unwrap();
        assert!(body.contains("<d:href>/cal/a&amp;b.ics</d:href><d:href>/cal/c.ics</d:href>"));
        assert_eq!(r.headers["Depth"], "1");
    }
}
