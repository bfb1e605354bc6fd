//! Discovery: from what the user typed to the principal and the calendar home (RFC 6764, 5397,
//! 4791 §6.2.1).
//!
//! Flow: `/.well-known/caldav` (its redirect followed) or the URL as given → PROPFIND depth 0 for
//! `current-user-principal` → PROPFIND depth 0 on the principal for `calendar-home-set` and
//! `calendar-user-address-set`, unless the first answer named them. The home may be an absolute URL
//! on another host: iCloud sends every account to a partition host such as
//! `https://p12-caldav.icloud.com:443/123/calendars/`.

use crate::error::CaldavError;
use crate::response::{expect_multistatus, resolve};
use crate::transport::{RawResponse, Request};
use crate::xml::Ns;
use url::Url;

/// What discovery found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Discovery {
    /// The principal URL (`https://caldav.icloud.com/123/principal/`).
    pub principal: Url,
    /// The calendar home, absolute (it may be on a partition host).
    pub home: Url,
    /// `calendar-user-address-set` entries (`mailto:...`), the one marked preferred first.
    pub addresses: Vec<String>,
}

/// Turns what a person typed into a start URL: a full URL is kept, a bare host or an e-mail
/// address becomes `https://<domain>/`.
///
/// # Errors
/// [`CaldavError::InvalidUrl`] when nothing usable is left.
pub fn start_url(input: &str) -> Result<Url, CaldavError> {
    let input = input.trim();
    let invalid = |reason: &str| CaldavError::InvalidUrl {
        url: input.split('@').next_back().unwrap_or_default().to_string(),
        reason: reason.to_string(),
    };
    let candidate = if input.contains("://") {
        input.to_string()
    } else if let Some((_, domain)) = input.rsplit_once('@') {
        format!("https://{domain}/")
    } else {
        format!("https://{input}")
    };
    let url = Url::parse(&candidate).map_err(|e| invalid(&e.to_string()))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid(
            "user info in the URL; give the user name separately",
        ));
    }
    crate::scope::check_url(&url)?;
    Ok(url)
}

/// `/.well-known/caldav` on the URL's origin.
pub fn well_known(url: &Url) -> Url {
    let mut out = url.clone();
    out.set_path("/.well-known/caldav");
    out.set_query(None);
    out.set_fragment(None);
    out
}

/// The URLs to ask for `current-user-principal`, in order: the well-known URL first when the user
/// gave only a host, the given URL first when it has a path of its own.
pub fn principal_candidates(start: &Url) -> Vec<Url> {
    if start.path() == "/" || start.path().is_empty() {
        vec![well_known(start), start.clone()]
    } else {
        vec![start.clone(), well_known(start)]
    }
}

const HOME_BODY: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<d:propfind xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><c:calendar-home-set/><c:calendar-user-address-set/><d:current-user-principal/></d:prop></d:propfind>"#;

/// PROPFIND depth 0 for `current-user-principal`, asking for the home and the addresses in
/// the same breath: a server whose start URL is the principal names them at once, and
/// discovery then needs no second round trip.
pub fn principal_request(url: Url) -> Request {
    Request::xml("PROPFIND", url, "0", HOME_BODY.to_string())
}

/// PROPFIND depth 0 on the principal for the home and addresses.
pub fn home_request(principal: Url) -> Request {
    Request::xml("PROPFIND", principal, "0", HOME_BODY.to_string())
}

/// The principal named in the answer, resolved against the URL that answered.
///
/// # Quirks
/// iCloud gives the principal as a relative href (`/123/principal/`, fixture
/// `icloud_current_user_principal.xml`) and has been seen to put it in a 404 propstat
/// (`icloud_principal_in_404_propstat.xml`); both are taken.
///
/// # Errors
/// The answer's classified status, or [`CaldavError::Protocol`] for a malformed body.
pub fn parse_principal(response: &RawResponse) -> Result<Option<Url>, CaldavError> {
    let ms = expect_multistatus(response)?;
    for r in &ms.responses {
        if let Some(href) = r
            .prop_lenient(Ns::Dav, "current-user-principal")
            .and_then(|p| p.hrefs().next())
        {
            return resolve(response, href).map(Some);
        }
    }
    Ok(None)
}

/// The home and the addresses from the principal's answer.
///
/// # Quirks
/// iCloud answers the principal PROPFIND with a response href of `/principal/` instead of the
/// URL asked for (fixture `icloud_principal_home_set.xml`), so the response href is not
/// checked; the first response carrying a home is taken. The home is an absolute URL on a
/// partition host with an explicit `:443`, which `Url` normalises away.
///
/// # Errors
/// The answer's classified status; [`CaldavError::Protocol`] for a malformed body or a principal
/// that names no calendar home.
pub fn parse_home(response: &RawResponse) -> Result<(Url, Vec<String>), CaldavError> {
    let ms = expect_multistatus(response)?;
    let mut home = None;
    let mut addresses: Vec<(bool, String)> = Vec::new();
    for r in &ms.responses {
        if home.is_none()
            && let Some(href) = r
                .prop(Ns::Caldav, "calendar-home-set")
                .and_then(|p| p.hrefs().next())
        {
            home = Some(resolve(response, href)?);
        }
        if let Some(set) = r.prop(Ns::Caldav, "calendar-user-address-set") {
            for h in set.children.iter().filter(|c| c.is(Ns::Dav, "href")) {
                let preferred = h.attr("preferred").is_some_and(|v| v == "1" || v == "true");
                addresses.push((preferred, h.text.trim().to_string()));
            }
        }
    }
    addresses.sort_by_key(|(preferred, _)| !*preferred);
    let home = home.ok_or_else(|| CaldavError::Protocol {
        url: crate::error::display_url(&response.url),
        status: response.status,
        reason: "the principal names no calendar-home-set".into(),
    })?;
    Ok((
        home,
        addresses
            .into_iter()
            .map(|(_, a)| a)
            .filter(|a| !a.is_empty())
            .collect(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::response::tests::fixture_response;

    #[test]
    fn start_urls_from_what_people_type() {
        assert_eq!(
            start_url("alice@fastmail.com").unwrap().as_str(),
            "https://fastmail.com/"
        );
        assert_eq!(
            start_url("caldav.icloud.com").unwrap().as_str(),
            "https://caldav.icloud.com/"
        );
        assert_eq!(
            start_url("https://dav.example.com/remote.php/dav")
                .unwrap()
                .as_str(),
            "https://dav.example.com/remote.php/dav"
        );
        assert!(start_url("http://dav.example.com/").is_err());
        assert!(start_url("https://bob:pw@dav.example.com/").is_err());
        assert!(start_url("http://127.0.0.1:5232/").is_ok());
    }

    #[test]
    fn candidates_try_well_known_first_for_bare_hosts() {
        let bare = Url::parse("https://caldav.icloud.com/").unwrap();
        assert_eq!(
            principal_candidates(&bare)[0].as_str(),
            "https://caldav.icloud.com/.well-known/caldav"
        );
        let path = Url::parse("https://dav.example.com/dav/").unwrap();
        assert_eq!(principal_candidates(&path)[0], path);
    }

    #[test]
    fn icloud_relative_principal() {
        let r = fixture_response(
            "https://caldav.icloud.com/",
            "icloud_current_user_principal.xml",
        );
        let p = parse_principal(&r).unwrap().unwrap();
        assert_eq!(p.as_str(), "https://caldav.icloud.com/17149682/principal/");
    }

    #[test]
    fn icloud_principal_in_404_propstat() {
        let r = fixture_response(
            "https://caldav.icloud.com/",
            "icloud_principal_in_404_propstat.xml",
        );
        let p = parse_principal(&r).unwrap().unwrap();
        assert_eq!(p.path(), "/17149682/principal/");
    }

    #[test]
    fn icloud_home_on_partition_host() {
        let r = fixture_response(
            "https://caldav.icloud.com/17149682/principal/",
            "icloud_principal_home_set.xml",
        );
        let (home, addresses) = parse_home(&r).unwrap();
        assert_eq!(
            home.as_str(),
            "https://p12-caldav.icloud.com/17149682/calendars/"
        );
        assert_eq!(home.host_str(), Some("p12-caldav.icloud.com"));
        assert_eq!(addresses[0], "mailto:alice@icloud.com");
        assert_eq!(addresses.len(), 3);
    }

    #[test]
    fn nextcloud_principal_and_home() {
        let r = fixture_response(
            "https://cloud.example.com/remote.php/dav/",
            "nextcloud_current_user_principal.xml",
        );
        let p = parse_principal(&r).unwrap().unwrap();
        assert_eq!(
            p.as_str(),
            "https://cloud.example.com/remote.php/dav/principals/users/alice/"
        );
    }

    #[test]
    fn no_principal_is_none_and_html_is_protocol() {
        let r = fixture_response("https://x.example/", "radicale_no_principal.xml");
        assert_eq!(parse_principal(&r).unwrap(), None);
        let mut html = r.clone();
        html.body = b"<html><body>hello</body></html>".to_vec();
        assert!(matches!(
            parse_principal(&html),
            Err(CaldavError::Protocol { .. })
        ));
    }
}
