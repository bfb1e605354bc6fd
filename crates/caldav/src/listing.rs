//! Calendar listing: one PROPFIND depth 1 on the home returns every collection with its name,
//! colour, order, components, ctag, sync token, privileges and owner, and each subscribed
//! calendar with the address of its feed.

use crate::error::CaldavError;
use crate::response::{expect_multistatus, member_path, same_collection};
use crate::transport::{RawResponse, Request};
use crate::xml::{Ns, Response};
use almanac_core::{ComponentKind, Href, SyncToken};
use url::Url;

/// A calendar or task list in the home.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RemoteCalendar {
    /// Its path.
    pub href: Href,
    /// `displayname`, if set.
    pub name: Option<String>,
    /// Apple `calendar-color`, `#RRGGBB` or `#RRGGBBAA` as the server gave it.
    pub color: Option<String>,
    /// Apple `calendar-order`.
    pub order: Option<i64>,
    /// What it holds; a calendar without `supported-calendar-component-set` holds both.
    pub components: Vec<ComponentKind>,
    /// calendarserver `getctag`: changes whenever any member changes.
    pub ctag: Option<String>,
    /// RFC 6578 `sync-token`, if the server supports sync-collection here.
    pub sync_token: Option<SyncToken>,
    /// Whether `current-user-privilege-set` lacks write access.
    pub read_only: bool,
    /// `DAV:owner`, when given: a principal other than ours means a calendar shared with us.
    pub owner: Option<Href>,
}

impl RemoteCalendar {
    /// A VTODO-only list (iCloud Reminders, legacy or the "upgraded" placeholder).
    pub fn is_task_list(&self) -> bool {
        !self.components.contains(&ComponentKind::Vevent)
            && self.components.contains(&ComponentKind::Vtodo)
    }

    /// Whether another principal owns it.
    pub fn is_shared_with(&self, principal: &Href) -> bool {
        self.owner
            .as_ref()
            .is_some_and(|o| !same_collection(o.as_str(), principal.as_str()))
    }
}

/// A subscribed calendar in the home (iCloud's calendarserver `subscribed`): a feed the account
/// keeps for the user, whose events are not CalDAV data but an `.ics` file at `source`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RemoteSubscription {
    /// Its path in the home.
    pub href: Href,
    /// `displayname`, if set.
    pub name: Option<String>,
    /// Apple `calendar-color`.
    pub color: Option<String>,
    /// Apple `calendar-order`.
    pub order: Option<i64>,
    /// calendarserver `source`: the feed's address as the server has it (often `webcal://`).
    pub source: String,
}

/// Why a member of the home is not a calendar for us.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Skipped {
    /// The home itself.
    Home,
    /// `schedule-inbox`.
    Inbox,
    /// `schedule-outbox`.
    Outbox,
    /// calendarserver `notification`.
    Notification,
    /// calendarserver `subscribed`: a webcal feed stored on the server, not CalDAV data.
    Subscribed,
    /// A plain collection or a non-collection.
    NotACalendar,
    /// A calendar that holds neither events nor tasks (VJOURNAL only).
    NoEventsOrTasks,
    /// A member the server would not describe (non-2xx status).
    Unavailable,
}

/// Everything in the home.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Listing {
    /// Calendars and task lists.
    pub calendars: Vec<RemoteCalendar>,
    /// Subscribed calendars that name their feed (each is also in `skipped`, as
    /// [`Skipped::Subscribed`]: nothing of it is synced over CalDAV).
    pub subscribed: Vec<RemoteSubscription>,
    /// Members that were recognised and left out, with why.
    pub skipped: Vec<(Href, Skipped)>,
}

/// Which change markers a listing asks for besides names, colours, components and rights.
///
/// # Quirks
/// Radicale computes both on demand by hashing every member of every calendar: for 10,000
/// events, a listing with both took 1.5 s of its time, with the sync token alone 0.85 s, with
/// neither 0.01 s (Radicale 3.9 on loopback, `curl` PROPFIND depth 1 on the home). So a sync
/// asks only for what its plan needs: nothing on an account's first listing (every calendar is
/// new and its sync-collection brings a token), the sync token after that, and the ctag too
/// only while some calendar has no token (a server without sync-collection).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Markers {
    /// `DAV:sync-token`.
    pub sync_token: bool,
    /// calendarserver `getctag`.
    pub ctag: bool,
}

impl Markers {
    /// Both markers, for a caller that wants the whole picture.
    pub const ALL: Markers = Markers {
        sync_token: true,
        ctag: true,
    };
}

/// PROPFIND depth 1 on the home, asking for `markers`.
pub fn list_request(home: Url, markers: Markers) -> Request {
    let mut body = String::from(
        r#"<?xml version="1.0" encoding="utf-8"?>
<d:propfind xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav" xmlns:cs="http://calendarserver.org/ns/" xmlns:a="http://apple.com/ns/ical/"><d:prop><d:resourcetype/><d:displayname/><c:supported-calendar-component-set/>"#,
    );
    if markers.ctag {
        body.push_str("<cs:getctag/>");
    }
    if markers.sync_token {
        body.push_str("<d:sync-token/>");
    }
    body.push_str("<a:calendar-color/><a:calendar-order/><d:current-user-privilege-set/><d:owner/><cs:source/></d:prop></d:propfind>");
    Request::xml("PROPFIND", home, "1", body)
}

fn text_prop(r: &Response, ns: Ns, name: &str) -> Option<String> {
    let text = r.prop(ns, name)?.text.trim();
    // iCloud renders some empty values as the literal "None".
    (!text.is_empty() && text != "None").then(|| text.to_string())
}

fn color(r: &Response, href: &Href) -> Option<String> {
    let value = text_prop(r, Ns::Apple, "calendar-color")?;
    let hex = value.strip_prefix('#')?;
    if matches!(hex.len(), 6 | 8) && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        Some(value)
    } else {
        tracing::info!(%href, value, "ignoring a calendar-color that is not #RRGGBB[AA]");
        None
    }
}

fn components(r: &Response) -> Vec<ComponentKind> {
    let Some(set) = r.prop(Ns::Caldav, "supported-calendar-component-set") else {
        return vec![ComponentKind::Vevent, ComponentKind::Vtodo];
    };
    let mut out = Vec::new();
    for comp in set.children.iter().filter(|c| c.is(Ns::Caldav, "comp")) {
        match comp.attr("name").map(str::to_ascii_uppercase).as_deref() {
            Some("VEVENT") if !out.contains(&ComponentKind::Vevent) => {
                out.push(ComponentKind::Vevent)
            }
            Some("VTODO") if !out.contains(&ComponentKind::Vtodo) => out.push(ComponentKind::Vtodo),
            _ => {}
        }
    }
    out
}

fn read_only(r: &Response) -> bool {
    let Some(set) = r.prop(Ns::Dav, "current-user-privilege-set") else {
        return false;
    };
    let writable = set
        .children
        .iter()
        .filter(|p| p.is(Ns::Dav, "privilege"))
        .any(|p| {
            p.children.iter().any(|c| {
                c.ns == Ns::Dav
                    && matches!(c.name.as_str(), "all" | "write" | "write-content" | "bind")
            })
        });
    !writable
}

/// Sorts each member of the home into a calendar or a skip reason.
///
/// # Quirks
/// iCloud's home lists `inbox`, `outbox` and `notification` collections, subscribed webcal
/// feeds (calendarserver `subscribed`), VTODO-only Reminders lists, and calendars shared from
/// other accounts with a read-only privilege set (fixture `icloud_home_listing.xml`). Colours
/// come as `#RRGGBBAA`; other servers use `#RRGGBB`.
///
/// # Errors
/// The answer's classified status, or [`CaldavError::Protocol`] for a malformed body.
pub fn parse_listing(response: &RawResponse) -> Result<Listing, CaldavError> {
    let ms = expect_multistatus(response)?;
    let home = response.url.path().to_string();
    let mut listing = Listing::default();
    for r in &ms.responses {
        let Some(href) = r.hrefs.first().and_then(|raw| member_path(response, raw)) else {
            continue;
        };
        if same_collection(href.as_str(), &home) {
            listing.skipped.push((href, Skipped::Home));
            continue;
        }
        let described = r.propstats.iter().any(|p| (200..300).contains(&p.status));
        if r.status.is_some_and(|s| !(200..300).contains(&s)) || !described {
            listing.skipped.push((href, Skipped::Unavailable));
            continue;
        }
        let kind = r.prop(Ns::Dav, "resourcetype");
        let has = |ns, name| kind.is_some_and(|k| k.has_child(ns, name));
        let skipped = if has(Ns::Caldav, "schedule-inbox") {
            Some(Skipped::Inbox)
        } else if has(Ns::Caldav, "schedule-outbox") {
            Some(Skipped::Outbox)
        } else if has(Ns::CalendarServer, "notification") {
            Some(Skipped::Notification)
        } else if has(Ns::CalendarServer, "subscribed") {
            Some(Skipped::Subscribed)
        } else if !has(Ns::Caldav, "calendar") {
            Some(Skipped::NotACalendar)
        } else {
            None
        };
        if skipped == Some(Skipped::Subscribed) {
            let source = r
                .prop(Ns::CalendarServer, "source")
                .and_then(|s| s.hrefs().next().map(str::trim))
                .filter(|s| !s.is_empty());
            match source {
                Some(source) => listing.subscribed.push(RemoteSubscription {
                    href: href.clone(),
                    name: text_prop(r, Ns::Dav, "displayname"),
                    color: color(r, &href),
                    order: text_prop(r, Ns::Apple, "calendar-order").and_then(|o| o.parse().ok()),
                    source: source.to_string(),
                }),
                None => tracing::info!(%href, "a subscribed calendar without a source, skipped"),
            }
        }
        if let Some(reason) = skipped {
            listing.skipped.push((href, reason));
            continue;
        }
        let components = components(r);
        if components.is_empty() {
            listing.skipped.push((href, Skipped::NoEventsOrTasks));
            continue;
        }
        let owner = r
            .prop(Ns::Dav, "owner")
            .and_then(|o| o.hrefs().next())
            .and_then(|o| member_path(response, o));
        listing.calendars.push(RemoteCalendar {
            name: text_prop(r, Ns::Dav, "displayname"),
            color: color(r, &href),
            order: text_prop(r, Ns::Apple, "calendar-order").and_then(|o| o.parse().ok()),
            components,
            ctag: text_prop(r, Ns::CalendarServer, "getctag"),
            sync_token: text_prop(r, Ns::Dav, "sync-token").map(SyncToken::new),
            read_only: read_only(r),
            owner,
            href,
        });
    }
    Ok(listing)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::response::tests::fixture_response;

    #[test]
    fn a_listing_asks_only_for_the_markers_wanted() {
        let body = |markers| {
            let url = Url::parse("https://x.example/home/").unwrap();
            String::from_utf8(list_request(url, markers).body.unwrap()).unwrap()
        };
        let all = body(Markers::ALL);
        assert!(all.contains("<cs:getctag/>") && all.contains("<d:sync-token/>"));
        let token = body(Markers {
            sync_token: true,
            ctag: false,
        });
        assert!(token.contains("<d:sync-token/>") && !token.contains("getctag"));
        let none = body(Markers {
            sync_token: false,
            ctag: false,
        });
        assert!(!none.contains("sync-token") && !none.contains("getctag"));
        assert!(none.contains("<d:displayname/>") && none.ends_with("</d:propfind>"));
    }

    fn find<'a>(l: &'a Listing, href: &str) -> &'a RemoteCalendar {
        l.calendars
            .iter()
            .find(|c| c.href.as_str() == href)
            .unwrap()
    }

    #[test]
    fn icloud_home_listing() {
        let r = fixture_response(
            "https://p12-caldav.icloud.com:443/17149682/calendars/",
            "icloud_home_listing.xml",
        );
        let l = parse_listing(&r).unwrap();
        let home = find(&l, "/17149682/calendars/home/");
        assert_eq!(home.name.as_deref(), Some("Home"));
        assert_eq!(home.color.as_deref(), Some("#1BADF8FF"));
        assert_eq!(home.order, Some(1));
        assert_eq!(home.components, vec![ComponentKind::Vevent]);
        assert_eq!(
            home.ctag.as_deref(),
            Some("HwoQEgwAAAh4yw8ZAAAAAAAAAAAYAhgAIhUIh5HFqPWX2/TBARDL6PvI7K3kuesBKAA=")
        );
        assert_eq!(
            home.sync_token.as_ref().unwrap().as_str(),
            "HwoQEgwAAAh4yw8ZAAAAAAAAAAAYAhgAIhUIh5HFqPWX2/TBARDL6PvI7K3kuesBKAA="
        );
        assert!(!home.read_only);
        assert!(!home.is_shared_with(&Href::new("/17149682/principal/")));

        let tasks = find(&l, "/17149682/calendars/tasks/");
        assert!(tasks.is_task_list());

        let shared = find(
            &l,
            "/17149682/calendars/3A0A5B6C7D8E9F00112233445566778899AABBCCDDEEFF00112233445566778/",
        );
        assert!(shared.read_only);
        assert!(shared.is_shared_with(&Href::new("/17149682/principal/")));

        let skipped: Vec<_> = l.skipped.iter().map(|(h, s)| (h.as_str(), *s)).collect();
        assert!(skipped.contains(&("/17149682/calendars/", Skipped::Home)));
        assert!(skipped.contains(&("/17149682/calendars/inbox/", Skipped::Inbox)));
        assert!(skipped.contains(&("/17149682/calendars/outbox/", Skipped::Outbox)));
        assert!(skipped.contains(&("/17149682/calendars/notification/", Skipped::Notification)));
        assert!(skipped.contains(&("/17149682/calendars/holidays/", Skipped::Subscribed)));
        assert_eq!(l.calendars.len(), 4);
        assert_eq!(
            l.subscribed,
            vec![RemoteSubscription {
                href: Href::new("/17149682/calendars/holidays/"),
                name: Some("US Holidays".into()),
                color: None,
                order: None,
                source: "webcal://p12-calendars.icloud.com/holiday/US_en.ics".into(),
            }]
        );
    }

    #[test]
    fn nextcloud_home_listing() {
        let r = fixture_response(
            "https://cloud.example.com/remote.php/dav/calendars/alice/",
            "nextcloud_home_listing.xml",
        );
        let l = parse_listing(&r).unwrap();
        let personal = find(&l, "/remote.php/dav/calendars/alice/personal/");
        assert_eq!(personal.color.as_deref(), Some("#0082c9"));
        assert_eq!(
            personal.components,
            vec![ComponentKind::Vevent, ComponentKind::Vtodo]
        );
        assert_eq!(
            personal.sync_token.as_ref().unwrap().as_str(),
            "http://sabre.io/ns/sync/12"
        );
        let skipped: Vec<_> = l.skipped.iter().map(|(_, s)| *s).collect();
        assert!(skipped.contains(&Skipped::Inbox));
        assert!(skipped.contains(&Skipped::Outbox));
        assert!(skipped.contains(&Skipped::NotACalendar));
    }

    #[test]
    fn fastmail_listing() {
        let r = fixture_response(
            "https://caldav.fastmail.com/dav/calendars/user/alice@fastmail.com/",
            "fastmail_home_listing.xml",
        );
        let l = parse_listing(&r).unwrap();
        assert_eq!(l.calendars.len(), 1);
        let cal = &l.calendars[0];
        assert_eq!(
            cal.href.as_str(),
            "/dav/calendars/user/alice@fastmail.com/Default/"
        );
        assert_eq!(cal.color.as_deref(), Some("#3a429c"));
        assert!(!cal.read_only, "write-content and bind are write access");
        assert!(!cal.is_task_list());
        assert_eq!(
            cal.sync_token.as_ref().unwrap().as_str(),
            "data:,1710000000-12"
        );
        assert_eq!(l.skipped.len(), 3);
    }

    #[test]
    fn google_listing_with_absolute_hrefs() {
        let r = fixture_response(
            "https://apidata.googleusercontent.com/caldav/v2/alice%40gmail.com/",
            "google_home_listing.xml",
        );
        let l = parse_listing(&r).unwrap();
        assert_eq!(l.calendars.len(), 2);
        let events = find(&l, "/caldav/v2/alice%40gmail.com/events/");
        assert_eq!(events.color.as_deref(), Some("#9FE1E7"));
        assert!(l.calendars.iter().any(|c| c.read_only));
    }
}
