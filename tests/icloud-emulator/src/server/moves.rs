//! WebDAV MOVE of a calendar object to another calendar of the account (`allow_move`).
//!
//! Whether iCloud supports it is not confirmed: "MOVE between calendars fails (`412` or
//! `403`); use create followed by delete instead" (icloud-caldav.md §5.3, from KashCal's push
//! strategy), while "iOS uses MOVE first and falls back to PUT" (writing-caldav.md §1.8,
//! owncloud/core #23829) and CalendarServer implements it within a home. So the switch is off
//! by default and MOVE then gets `403`, as KashCal saw; on, it follows CalendarServer
//! (storebridge `http_MOVE`): the destination must be in the same home and must not exist
//! (`Overwrite: F` onto an existing one → `412`, otherwise `403`); `If-Match` and
//! `If-Schedule-Tag-Match` apply to the source; a created destination answers `201`, with
//! the `Schedule-Tag` of a scheduling object (RFC 6638 §3.2.10: "A response to any successful
//! COPY or MOVE request … targeting a scheduling object resource MUST include a Schedule-Tag").
//! A MOVE sends no scheduling messages: that is why clients prefer it to DELETE plus PUT,
//! which cancels and re-invites (writing-caldav.md §1.5).

use super::write_rules::{self, Refusal};
use super::writes::{self, Stored};
use super::{Answer, Ctx, lock};
use crate::layout::{self, Kind};
use crate::upstream::calendar_of;
use bytes::Bytes;

/// The client path of a Destination header (which may be an absolute URL).
fn destination_path(dest: &str) -> &str {
    match dest.find("://") {
        Some(i) => dest[i + 3..].find('/').map_or("/", |j| &dest[i + 3 + j..]),
        None => dest,
    }
}

/// A MOVE of the object at the request path (Radicale path `radicale_path`).
pub async fn move_object(ctx: &Ctx, kind: Option<Kind>, radicale_path: &str) -> Answer {
    if !ctx.quirks.allow_move || kind == Some(Kind::SharedReadOnly) {
        return Answer::empty(403);
    }
    let Some(dest) = ctx.header("destination").map(destination_path) else {
        return Answer::empty(400);
    };
    let home = ctx.map.home();
    // Another account, or outside the home: "a different home → 403".
    let (Some(dest_cal), Some(dest_radicale)) =
        (calendar_of(&home, dest), ctx.map.to_radicale(dest))
    else {
        return Answer::empty(403);
    };
    let dest_kind = layout::calendar(dest_cal).map(|s| s.kind);
    if dest.ends_with('/')
        || layout::SYNTHESIZED.contains(&dest_cal)
        || dest_kind == Some(Kind::SharedReadOnly)
    {
        return Answer::empty(403);
    }
    let _serial = ctx.shared.writes.lock().await;
    let source = match writes::current(ctx, radicale_path).await {
        Ok(Some(s)) => s,
        Ok(None) => return Answer::empty(404),
        Err(a) => return a,
    };
    if let Some(a) = writes::preconditions(ctx, Some(&source)) {
        return a;
    }
    let shape = write_rules::shape(&source.calendar());
    let task_list = matches!(dest_kind, Some(Kind::Tasks | Kind::UpgradedReminders));
    if (shape.has_todo && !task_list) || (shape.has_event && task_list) {
        return Refusal::caldav(403, "supported-calendar-component")
            .answer(ctx.quirks.text_plain_content_type);
    }
    match writes::current(ctx, &dest_radicale).await {
        Ok(Some(_)) => {
            let overwrite_f = ctx
                .header("overwrite")
                .is_some_and(|v| v.trim().eq_ignore_ascii_case("F"));
            return Answer::empty(if overwrite_f { 412 } else { 403 });
        }
        Ok(None) => {}
        Err(a) => return a,
    }
    let headers = [
        ("destination", dest_radicale.clone()),
        ("overwrite", "F".to_string()),
    ];
    let Ok(reply) = ctx
        .shared
        .upstream
        .send("MOVE", radicale_path, &headers, Bytes::new())
        .await
    else {
        return Answer::empty(502);
    };
    if !(200..300).contains(&reply.status) {
        return Answer::empty(reply.status);
    }
    after_move(ctx, &source, dest)
}

/// The `201` of a done MOVE, with the Schedule-Tag carried over to the destination.
fn after_move(ctx: &Ctx, source: &Stored, dest: &str) -> Answer {
    let answer = Answer::empty(201);
    let mut s = lock(&ctx.shared.scheduling);
    s.rename(&ctx.path, dest);
    if !ctx.quirks.server_scheduling {
        return answer;
    }
    let role = super::scheduling::role(&source.calendar(), &writes::me(ctx));
    if role == super::scheduling::Role::None {
        return answer;
    }
    let tag = s.tag_or_new(dest);
    answer.with("schedule-tag", &tag)
}
