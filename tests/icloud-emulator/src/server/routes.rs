//! Routing of authenticated requests, and the calendar-collection operations that Radicale
//! carries out behind the emulator (PROPFIND, GET, PUT, DELETE, PROPPATCH, MKCALENDAR).

use super::discovery;
use super::forward::{forward_plain, rewrite_request_hrefs};
use super::report;
use super::writes;
use super::{Answer, Ctx, Role, lock};
use crate::layout::{self, Kind};
use crate::upstream::{self, calendar_of};
use crate::xml::{self, DAV, Element};
use std::time::Instant;

pub use discovery::published;

/// Methods a CalDAV collection answers (the `Allow` header).
const ALLOW: &str = "OPTIONS, GET, HEAD, PUT, DELETE, PROPFIND, PROPPATCH, REPORT, MKCALENDAR";

/// Answers an authenticated request.
pub async fn route(ctx: &Ctx, label: &mut Option<String>) -> Answer {
    let path = ctx.path.as_str();
    let dsid_prefix = format!("/{}/", ctx.map.dsid);
    if ctx.method == "OPTIONS" {
        let allow = if ctx.quirks.allow_move {
            format!("{ALLOW}, MOVE")
        } else {
            ALLOW.to_string()
        };
        return Answer::empty(200)
            .with("dav", "1, 2, 3, access-control, calendar-access, calendar-schedule, calendar-auto-schedule, calendarserver-sharing")
            .with("allow", &allow);
    }
    if path == "/" || path.trim_end_matches('/') == "/.well-known/caldav" {
        if path != "/" && ctx.quirks.well_known_redirect {
            return Answer::empty(301).with("location", "/");
        }
        return match ctx.method.as_str() {
            "PROPFIND" => discovery::root(ctx),
            "GET" | "HEAD" => Answer::empty(400),
            _ => Answer::html(501, "Unsupported Request"),
        };
    }
    if !path.starts_with(&dsid_prefix) {
        // Another account's DSID, an e-mail address as a path, or garbage.
        return if path.contains("//") {
            Answer::empty(400)
        } else {
            Answer::empty(403)
        };
    }
    if ctx.role == Role::Entry && ctx.quirks.entry_redirects_to_partition {
        return Answer::empty(301).with("location", &format!("{}{path}", ctx.partition_base));
    }
    let principal = ctx.map.principal();
    if path == principal || path == principal.trim_end_matches('/') {
        return match ctx.method.as_str() {
            "PROPFIND" => discovery::principal(ctx),
            _ => Answer::html(501, "Unsupported Request"),
        };
    }
    let home = ctx.map.home();
    if path == home || path == home.trim_end_matches('/') {
        return match ctx.method.as_str() {
            "PROPFIND" => discovery::home(ctx, label).await,
            "REPORT" => match xml::parse(&ctx.body_text()) {
                Ok(root) if root.is(DAV, "sync-collection") => report::home_sync(ctx, &root).await,
                // calcurse #30: a calendar-query sent to the home fails.
                _ => Answer::empty(500),
            },
            _ => Answer::html(501, "Unsupported Request"),
        };
    }
    let Some(cal) = calendar_of(&home, path) else {
        return Answer::empty(404);
    };
    if layout::SYNTHESIZED.contains(&cal) {
        return synthesized(ctx, cal);
    }
    calendar(ctx, cal, label).await
}

fn synthesized(ctx: &Ctx, cal: &str) -> Answer {
    let tp = ctx.quirks.text_plain_content_type;
    match ctx.method.as_str() {
        "PROPFIND" => {
            let wanted = discovery::requested(&ctx.body_text());
            match discovery::synthesized(ctx, cal, wanted.as_deref()) {
                Some(r) => Answer::xml(207, &Element::new(DAV, "multistatus").child(r), tp),
                None => Answer::empty(404),
            }
        }
        "REPORT" => Answer::xml(207, &Element::new(DAV, "multistatus"), tp),
        _ => Answer::empty(403),
    }
}

/// Whether the request addresses the collection itself (not a member).
fn is_collection_path(ctx: &Ctx, cal: &str) -> bool {
    let coll = format!("{}{cal}", ctx.map.home());
    ctx.path.trim_end_matches('/') == coll
}

async fn calendar(ctx: &Ctx, cal: &str, label: &mut Option<String>) -> Answer {
    let kind = layout::calendar(cal).map(|s| s.kind);
    let Some(radicale_path) = ctx.map.to_radicale(&ctx.path) else {
        return Answer::empty(404);
    };
    let tp = ctx.quirks.text_plain_content_type;
    match ctx.method.as_str() {
        "PROPFIND" | "REPORT" if is_collection_path(ctx, cal) && empty_fault(ctx, cal) => {
            *label = Some(format!("empty-207:{cal}"));
            report::empty_multistatus(ctx)
        }
        "REPORT" => report::calendar_report(ctx, &radicale_path, label).await,
        "MKCALENDAR" if !writes::calendar_id_ok(cal) => Answer::empty(403),
        "MKCALENDAR" => {
            let a = forward_multistatus(ctx, &radicale_path).await;
            if a.status == 201 {
                super::sticky::after_create(ctx, cal).await;
            }
            a
        }
        "PROPFIND" | "PROPPATCH" => {
            if ctx.method == "PROPPATCH" && kind == Some(Kind::SharedReadOnly) {
                return Answer::empty(403);
            }
            forward_multistatus(ctx, &radicale_path).await
        }
        "GET" | "HEAD" => {
            let a = match super::stale::get(ctx) {
                Some(old) => old,
                None => forward_plain(ctx, &radicale_path, &[]).await,
            };
            writes::with_schedule_tag(ctx, a)
        }
        "PUT" => writes::put(ctx, kind, &radicale_path).await,
        "DELETE" if is_collection_path(ctx, cal) => {
            if kind == Some(Kind::SharedReadOnly) {
                return Answer::empty(403);
            }
            let pass: Vec<_> = ctx
                .header("if-match")
                .map(|v| ("if-match", v.to_string()))
                .into_iter()
                .collect();
            super::sticky::before_delete(ctx, cal, &radicale_path).await;
            forward_plain(ctx, &radicale_path, &pass).await
        }
        "DELETE" => writes::delete(ctx, kind, &radicale_path).await,
        "MOVE" if !is_collection_path(ctx, cal) => {
            super::moves::move_object(ctx, kind, &radicale_path).await
        }
        // KashCal: MOVE between calendars fails on iCloud (see `moves.rs`); COPY likewise.
        "MOVE" | "COPY" => Answer::empty(403),
        _ => {
            let _ = tp;
            Answer::html(501, "Unsupported Request")
        }
    }
}

fn empty_fault(ctx: &Ctx, cal: &str) -> bool {
    lock(&ctx.shared.faults).take_empty_multistatus(cal, Instant::now())
}

/// Forwards a request whose answer is a multistatus (or an empty error), reshaped.
async fn forward_multistatus(ctx: &Ctx, radicale_path: &str) -> Answer {
    let mut headers = vec![("content-type", "application/xml".to_string())];
    if let Some(d) = ctx.header("depth") {
        headers.push(("depth", d.to_string()));
    }
    let body = rewrite_request_hrefs(ctx);
    let Ok(reply) = ctx
        .shared
        .upstream
        .send(&ctx.method, radicale_path, &headers, body)
        .await
    else {
        return Answer::empty(502);
    };
    if reply.status != 207 {
        return Answer::empty(reply.status);
    }
    match xml::parse(&String::from_utf8_lossy(&reply.body)) {
        Ok(mut ms) => {
            upstream::reshape(&mut ms, &ctx.map);
            super::write_rules::advertise_max_size(&mut ms, ctx.quirks.max_resource_size);
            if ctx.quirks.empty_values_as_none {
                upstream::none_for_missing(&mut ms);
            }
            Answer::xml(207, &ms, ctx.quirks.text_plain_content_type)
        }
        Err(_) => Answer::empty(502),
    }
}
