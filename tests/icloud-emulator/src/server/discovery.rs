//! What the emulator answers itself: the root and principal PROPFINDs of the discovery chain,
//! the home listing's synthesized entries (inbox, outbox, notification, a subscribed
//! calendar), and the split `200`/`404` propstats every PROPFIND gets.

use super::{Answer, Ctx};
use crate::layout;
use crate::upstream;
use crate::xml::{self, CALDAV, CS, DAV, Element, ICAL};
use bytes::Bytes;

/// The properties a PROPFIND asked for; `None` for allprop, propname or an empty body.
pub fn requested(body: &str) -> Option<Vec<(String, String)>> {
    if body.trim().is_empty() {
        return None;
    }
    let root = xml::parse(body).ok()?;
    let prop = root.find(DAV, "prop")?;
    Some(
        prop.elements()
            .map(|e| (e.ns.clone(), e.name.clone()))
            .collect(),
    )
}

fn status(code: &str) -> Element {
    Element::new(DAV, "status").text(&format!("HTTP/1.1 {code}"))
}

fn propstat(props: Vec<Element>, code: &str) -> Element {
    let mut prop = Element::new(DAV, "prop");
    for p in props {
        prop = prop.child(p);
    }
    Element::new(DAV, "propstat")
        .child(prop)
        .child(status(code))
}

/// One `response`: the known properties asked for in a `200` propstat, the rest (empty) in a
/// `404` one; `misplaced` known properties go into the `404` propstat *with* their value.
pub fn response(
    href: &str,
    requested: Option<&[(String, String)]>,
    known: Vec<Element>,
    misplaced: &[(&str, &str)],
) -> Element {
    let mut found = Vec::new();
    let mut missing = Vec::new();
    match requested {
        None => found = known,
        Some(wanted) => {
            for (ns, name) in wanted {
                match known.iter().find(|k| &k.ns == ns && &k.name == name) {
                    Some(k) if misplaced.contains(&(ns.as_str(), name.as_str())) => {
                        missing.push(k.clone());
                    }
                    Some(k) => found.push(k.clone()),
                    None => missing.push(Element::new(ns, name)),
                }
            }
        }
    }
    let mut resp = Element::new(DAV, "response").child(Element::new(DAV, "href").text(href));
    if !found.is_empty() {
        resp = resp.child(propstat(found, "200 OK"));
    }
    if !missing.is_empty() {
        resp = resp.child(propstat(missing, "404 Not Found"));
    }
    resp
}

fn href_prop(ns: &str, name: &str, href: &str) -> Element {
    Element::new(ns, name).child(Element::new(DAV, "href").text(href))
}

fn resourcetype(types: &[(&str, &str)]) -> Element {
    let mut rt = Element::new(DAV, "resourcetype");
    for (ns, name) in types {
        rt = rt.child(Element::new(ns, name));
    }
    rt
}

/// PROPFIND on `/` (or `/.well-known/caldav` answered in place).
pub fn root(ctx: &Ctx) -> Answer {
    let wanted = requested(&ctx.body_text());
    let known = vec![
        href_prop(DAV, "current-user-principal", &ctx.map.principal()),
        resourcetype(&[(DAV, "collection")]),
    ];
    let misplaced: &[(&str, &str)] = if ctx.quirks.principal_in_404_propstat {
        &[(DAV, "current-user-principal")]
    } else {
        &[]
    };
    let resp = response(&ctx.path, wanted.as_deref(), known, misplaced);
    Answer::xml(
        207,
        &Element::new(DAV, "multistatus").child(resp),
        ctx.quirks.text_plain_content_type,
    )
}

/// PROPFIND on `/<DSID>/principal/`.
pub fn principal(ctx: &Ctx) -> Answer {
    let wanted = requested(&ctx.body_text());
    // Absolute, on the partition host, with an explicit port (iCloud writes `:443`).
    let home_url = format!("{}{}", ctx.partition_base, ctx.map.home());
    let principal = ctx.map.principal();
    let addresses = Element::new(CALDAV, "calendar-user-address-set")
        .child(
            Element::new(DAV, "href")
                .attr("preferred", "1")
                .text(&format!("mailto:{}", ctx.apple_id)),
        )
        .child(Element::new(DAV, "href").text(&format!("{}{principal}", ctx.partition_base)));
    let known = vec![
        href_prop(CALDAV, "calendar-home-set", &home_url),
        addresses,
        href_prop(DAV, "current-user-principal", &principal),
        href_prop(DAV, "principal-URL", &principal),
        Element::new(DAV, "displayname").text(&ctx.apple_id),
        resourcetype(&[(DAV, "principal")]),
        href_prop(CALDAV, "schedule-inbox-URL", &format!("{home_url}inbox/")),
        href_prop(CALDAV, "schedule-outbox-URL", &format!("{home_url}outbox/")),
        Element::new(CS, "email-address-set")
            .child(Element::new(CS, "email-address").text(&ctx.apple_id)),
    ];
    let href = if ctx.quirks.principal_href_bug {
        "/principal/".to_string()
    } else {
        principal
    };
    let resp = response(&href, wanted.as_deref(), known, &[]);
    Answer::xml(
        207,
        &Element::new(DAV, "multistatus").child(resp),
        ctx.quirks.text_plain_content_type,
    )
}

fn full_privileges() -> Element {
    let mut set = Element::new(DAV, "current-user-privilege-set");
    for p in [
        "read",
        "write",
        "write-properties",
        "write-content",
        "bind",
        "unbind",
    ] {
        set = set.child(Element::new(DAV, "privilege").child(Element::new(DAV, p)));
    }
    set
}

/// The synthesized collection `id` in the home, if it is one.
pub fn synthesized(ctx: &Ctx, id: &str, wanted: Option<&[(String, String)]>) -> Option<Element> {
    let href = format!("{}{id}/", ctx.map.home());
    let owner = href_prop(DAV, "owner", &ctx.map.principal());
    let known = match id {
        "inbox" => vec![
            resourcetype(&[(DAV, "collection"), (CALDAV, "schedule-inbox")]),
            owner,
            full_privileges(),
        ],
        "outbox" => vec![
            resourcetype(&[(DAV, "collection"), (CALDAV, "schedule-outbox")]),
            owner,
            full_privileges(),
        ],
        "notification" => vec![
            resourcetype(&[(DAV, "collection"), (CS, "notification")]),
            owner,
            full_privileges(),
        ],
        layout::SUBSCRIBED => vec![
            resourcetype(&[(DAV, "collection"), (CS, "subscribed")]),
            Element::new(DAV, "displayname").text("US Holidays"),
            href_prop(
                CS,
                "source",
                &format!("{}{}", ctx.partition_base, layout::HOLIDAYS_PATH),
            ),
            Element::new(ICAL, "calendar-color").text("#8E8E93FF"),
            Element::new(ICAL, "calendar-order").text("8"),
            Element::new(CS, "refreshrate").text("P1W"),
            Element::new(CS, "subscribed-strip-alarms").text("true"),
            owner,
            upstream::read_only_privileges(),
        ],
        _ => return None,
    };
    Some(response(&href, wanted, known, &[]))
}

/// PROPFIND on the home: Radicale's listing reshaped, plus the synthesized entries at Depth 1,
/// where an injected [`crate::Fault::ListingMemberStatus`] fails one member.
pub async fn home(ctx: &Ctx, label: &mut Option<String>) -> Answer {
    let depth = ctx.header("depth").unwrap_or("1").to_string();
    let reply = ctx
        .shared
        .upstream
        .send(
            "PROPFIND",
            &ctx.map.radicale_prefix,
            &[
                ("depth", depth.clone()),
                ("content-type", "application/xml".into()),
            ],
            ctx.body.clone(),
        )
        .await;
    let Ok(reply) = reply else {
        return Answer::empty(502);
    };
    let Ok(mut ms) = xml::parse(&String::from_utf8_lossy(&reply.body)) else {
        return Answer::empty(502);
    };
    upstream::reshape(&mut ms, &ctx.map);
    if ctx.quirks.empty_values_as_none {
        upstream::none_for_missing(&mut ms);
    }
    if depth != "0" {
        let wanted = requested(&ctx.body_text());
        for id in layout::SYNTHESIZED {
            if let Some(resp) = synthesized(ctx, id, wanted.as_deref()) {
                ms = ms.child(resp);
            }
        }
        super::partial::listing(ctx, &mut ms, label);
    }
    Answer::xml(207, &ms, ctx.quirks.text_plain_content_type)
}

/// US holidays as a public feed serves them (Apple's holiday calendars are one VCALENDAR of
/// all-day events); yearly rules, so every pinned test date has its holidays.
const HOLIDAYS: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Apple Inc.//iCloud holidays//EN\r\n\
X-WR-CALNAME:US Holidays\r\nX-APPLE-CALENDAR-COLOR:#8E8E93\r\n\
BEGIN:VEVENT\r\nUID:us-new-years-day@holidays.example\r\nDTSTAMP:20250101T000000Z\r\n\
DTSTART;VALUE=DATE:20250101\r\nDTEND;VALUE=DATE:20250102\r\nRRULE:FREQ=YEARLY\r\n\
SUMMARY:New Year's Day\r\nTRANSP:TRANSPARENT\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:us-independence-day@holidays.example\r\nDTSTAMP:20250101T000000Z\r\n\
DTSTART;VALUE=DATE:20250704\r\nDTEND;VALUE=DATE:20250705\r\nRRULE:FREQ=YEARLY\r\n\
SUMMARY:Independence Day\r\nTRANSP:TRANSPARENT\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:us-thanksgiving@holidays.example\r\nDTSTAMP:20250101T000000Z\r\n\
DTSTART;VALUE=DATE:20251127\r\nDTEND;VALUE=DATE:20251128\r\n\
RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=4TH\r\nSUMMARY:Thanksgiving\r\nTRANSP:TRANSPARENT\r\n\
END:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:us-christmas-day@holidays.example\r\nDTSTAMP:20250101T000000Z\r\n\
DTSTART;VALUE=DATE:20251225\r\nDTEND;VALUE=DATE:20251226\r\nRRULE:FREQ=YEARLY\r\n\
SUMMARY:Christmas Day\r\nTRANSP:TRANSPARENT\r\nEND:VEVENT\r\n\
END:VCALENDAR\r\n";

/// The holiday feed's entity tag: it never changes, so a conditional GET gets a `304`.
const HOLIDAYS_ETAG: &str = "\"us-holidays-1\"";

/// `GET /published/2/<token>` on a partition host: the work calendar as one public ICS feed;
/// `GET` [`layout::HOLIDAYS_PATH`]: the subscribed calendar's holiday feed, with an `ETag`.
pub async fn published(ctx: &Ctx) -> Answer {
    if ctx.path == layout::HOLIDAYS_PATH && ctx.method == "GET" {
        let fresh = ctx.header("if-none-match") == Some(HOLIDAYS_ETAG);
        return Answer {
            status: if fresh { 304 } else { 200 },
            headers: vec![
                ("content-type".into(), "text/calendar; charset=utf-8".into()),
                ("etag".into(), HOLIDAYS_ETAG.into()),
            ],
            body: if fresh {
                Bytes::new()
            } else {
                Bytes::from_static(HOLIDAYS.as_bytes())
            },
        };
    }
    let wanted = format!("/published/2/{}", layout::PUBLISHED_TOKEN);
    if ctx.path.trim_end_matches('/') != wanted || ctx.method != "GET" {
        return Answer::empty(404);
    }
    let path = format!("{}{}/", ctx.map.radicale_prefix, layout::WORK);
    match ctx
        .shared
        .upstream
        .send("GET", &path, &[], Bytes::new())
        .await
    {
        Ok(r) if r.status == 200 => Answer {
            status: 200,
            headers: vec![("content-type".into(), "text/calendar; charset=utf-8".into())],
            body: r.body,
        },
        _ => Answer::empty(404),
    }
}
