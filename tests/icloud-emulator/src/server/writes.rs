//! Writes to calendar objects (PUT, DELETE, and the `Schedule-Tag` on reads), in iCloud's
//! order: preconditions, then the content rules (`write_rules.rs`), then account-wide UID
//! uniqueness (`uids.rs`), then the server's rewrites and scheduling (`scheduling.rs`), then
//! Radicale stores the object. Writes are serialised, so a UID check, the stored version a
//! precondition was checked against and the scheduling comparison cannot race each other.
//!
//! - **Preconditions** (`honour_preconditions`): `If-None-Match: *` on an existing href,
//!   an `If-Match` that is stale (or names a missing object) and an `If-Schedule-Tag-Match`
//!   that does not match get `412` ("A stale ETag returns 412 Precondition Failed",
//!   icloud-caldav.md §5.3, confirmed by KashCal's live test). CalendarServer checks them
//!   before the body, so a stale write with a bad body still gets `412`. Radicale enforces
//!   `If-Match` and `If-None-Match` again as it stores. Off, they are not forwarded either:
//!   the last writer wins, as on a server that ignores them.
//! - A create without `Content-Type: text/calendar` gets `415` (lambdabaa/dav #127).
//! - A create answers `201`, an update `204`.
//! - **No ETag after a rewrite** (`etag_when_rewritten` off): RFC 4791 §5.3.4, servers "MUST
//!   NOT return a strong ETag" when the stored object is not octet-identical to the one sent,
//!   and "clients may need to retrieve the modified calendar object resource (and ETag)";
//!   CalendarServer drops the header whenever it changed the component (storebridge
//!   L2774–2781), and Evolution issue #178 saw a server that writes `SCHEDULE-STATUS` never
//!   return an ETag, "but a Schedule-Tag header". `omit_put_etag` leaves it out always.

use super::forward::forward_plain;
use super::scheduling::{self, Draft, Role};
use super::write_rules::{self, Refusal, Shape};
use super::{Answer, Ctx, lock};
use crate::ical::{self, Component};
use crate::layout::Kind;
use bytes::Bytes;

/// The stored version of an object.
pub struct Stored {
    /// Its body.
    pub body: Bytes,
    /// Its ETag.
    pub etag: Option<String>,
}

impl Stored {
    /// Its body, parsed.
    pub fn calendar(&self) -> Vec<Component> {
        ical::parse(&String::from_utf8_lossy(&self.body))
    }
}

/// The object at a Radicale path now, if any.
///
/// # Errors
/// A `502` answer when Radicale cannot be reached or answers neither `200` nor `404`.
pub async fn current(ctx: &Ctx, radicale_path: &str) -> Result<Option<Stored>, Answer> {
    match ctx
        .shared
        .upstream
        .send("GET", radicale_path, &[], Bytes::new())
        .await
    {
        Ok(r) if r.status == 200 => Ok(Some(Stored {
            body: r.body,
            etag: r.etag,
        })),
        Ok(r) if r.status == 404 => Ok(None),
        _ => Err(Answer::empty(502)),
    }
}

/// The account's calendar user address (the principal's `calendar-user-address-set`).
pub fn me(ctx: &Ctx) -> String {
    format!("mailto:{}", ctx.apple_id)
}

/// The `412` for a failed precondition on the request path, if one fails.
pub fn preconditions(ctx: &Ctx, current: Option<&Stored>) -> Option<Answer> {
    if !ctx.quirks.honour_preconditions {
        return None;
    }
    let failed = Some(Answer::empty(412));
    if ctx.header("if-none-match").is_some_and(|v| v.trim() == "*") && current.is_some() {
        return failed;
    }
    if let Some(wanted) = ctx.header("if-match") {
        let etag = current.map(|c| c.etag.clone().unwrap_or_default());
        let matches =
            etag.is_some_and(|e| wanted.trim() == "*" || wanted.split(',').any(|w| w.trim() == e));
        if !matches {
            return failed;
        }
    }
    if let Some(wanted) = ctx.header("if-schedule-tag-match") {
        let tag = lock(&ctx.shared.scheduling).tag(&ctx.path);
        if current.is_none() || tag.is_none_or(|t| t != wanted.trim()) {
            return failed;
        }
    }
    None
}

/// The precondition headers passed on to Radicale (none when they are switched off).
fn passed_preconditions(ctx: &Ctx) -> Vec<(&'static str, String)> {
    let mut pass = Vec::new();
    if ctx.quirks.honour_preconditions {
        for h in ["if-match", "if-none-match"] {
            if let Some(v) = ctx.header(h) {
                pass.push((h, v.to_string()));
            }
        }
    }
    pass
}

/// A UID taken elsewhere in the account, or a UID changed under an existing href.
async fn uid_conflict(ctx: &Ctx, shape: &Shape, old: Option<&[Component]>) -> Option<Refusal> {
    if !ctx.quirks.unique_uids {
        return None;
    }
    let uid = shape.uid()?;
    let conflict = |status, href: String| Refusal {
        status,
        condition: Some("no-uid-conflict"),
        href: Some(href),
    };
    // CalendarServer: "Cannot change the UID in an existing resource" (sql.py L3615).
    if let Some(old) = old
        && write_rules::shape(old).uid().is_some_and(|o| o != uid)
    {
        return Some(conflict(403, ctx.path.clone()));
    }
    let holder = super::uids::holder(ctx, uid, &ctx.path).await?;
    Some(conflict(ctx.quirks.uid_conflict_status, holder))
}

/// Sends the PUT to Radicale.
async fn store(ctx: &Ctx, radicale_path: &str, body: Bytes) -> Answer {
    let mut headers = passed_preconditions(ctx);
    if let Some(ct) = ctx.header("content-type") {
        headers.push(("content-type", ct.to_string()));
    }
    let Ok(reply) = ctx
        .shared
        .upstream
        .send("PUT", radicale_path, &headers, body)
        .await
    else {
        return Answer::empty(502);
    };
    let mut a = Answer {
        status: reply.status,
        headers: Vec::new(),
        body: reply.body,
    };
    if let Some(e) = reply.etag {
        a = a.with("etag", &e);
    }
    a
}

/// A PUT into calendar `kind` (Radicale path `radicale_path`).
pub async fn put(ctx: &Ctx, kind: Option<Kind>, radicale_path: &str) -> Answer {
    if kind == Some(Kind::SharedReadOnly) {
        return Answer::empty(403);
    }
    let _serial = ctx.shared.writes.lock().await;
    let current = match current(ctx, radicale_path).await {
        Ok(c) => c,
        Err(a) => return a,
    };
    if let Some(a) = preconditions(ctx, current.as_ref()) {
        return a;
    }
    let is_calendar = ctx
        .header("content-type")
        .is_some_and(|c| c.to_ascii_lowercase().starts_with("text/calendar"));
    if current.is_none() && !is_calendar {
        return Answer::empty(415);
    }
    let tp = ctx.quirks.text_plain_content_type;
    let sent = ical::parse(&ctx.body_text());
    let shape =
        match write_rules::check(&sent, kind, ctx.body.len(), ctx.body_overflow, &ctx.quirks) {
            Ok(s) => s,
            Err(r) => return r.answer(tp),
        };
    let old = current.as_ref().map(Stored::calendar);
    if let Some(r) = uid_conflict(ctx, &shape, old.as_deref()).await {
        return r.answer(tp);
    }
    let mut stored = sent;
    let mut rewritten = write_rules::normalise(&mut stored, &ctx.quirks);
    let me = me(ctx);
    let drafts = if ctx.quirks.server_scheduling {
        scheduling::plan(old.as_deref(), Some(&stored), &me, true)
    } else {
        Vec::new()
    };
    rewritten |= scheduling::stamp_status(&mut stored, &drafts);
    let body = if rewritten {
        Bytes::from(ical::write(&stored))
    } else {
        ctx.body.clone()
    };
    if current.is_some() {
        super::stale::before_write(ctx, radicale_path).await;
    }
    let mut a = store(ctx, radicale_path, body).await;
    if !(200..300).contains(&a.status) {
        return a;
    }
    a.status = if current.is_some() { 204 } else { 201 };
    a.body = Bytes::new();
    let keep_etag = !ctx.quirks.omit_put_etag && (!rewritten || ctx.quirks.etag_when_rewritten);
    if !keep_etag {
        a.headers.retain(|(k, _)| k != "etag");
    }
    if ctx.quirks.server_scheduling
        && let Some(tag) = after_store(ctx, old.as_deref(), &stored, &me, drafts)
    {
        a = a.with("schedule-tag", &tag);
    }
    a
}

/// Logs what a stored write sent and gives the object its Schedule-Tag (kept when the change
/// was inconsequential); `None` when it is not a scheduling object.
fn after_store(
    ctx: &Ctx,
    old: Option<&[Component]>,
    stored: &[Component],
    me: &str,
    drafts: Vec<Draft>,
) -> Option<String> {
    let mut s = lock(&ctx.shared.scheduling);
    if !drafts.is_empty() {
        s.record(&ctx.path, stored, me, drafts);
    }
    if scheduling::role(stored, me) == Role::None {
        s.forget(&ctx.path);
        return None;
    }
    let keep = old.is_some_and(|o| {
        scheduling::role(o, me) != Role::None && scheduling::inconsequential(o, stored)
    });
    Some(match s.tag(&ctx.path) {
        Some(t) if keep => t,
        _ => s.retag(&ctx.path),
    })
}

/// A DELETE of a calendar object: preconditions, then Radicale, then the cancellations or
/// the declining reply (`Schedule-Reply: F` suppresses the reply, RFC 6638 §8.1).
pub async fn delete(ctx: &Ctx, kind: Option<Kind>, radicale_path: &str) -> Answer {
    if kind == Some(Kind::SharedReadOnly) {
        return Answer::empty(403);
    }
    let _serial = ctx.shared.writes.lock().await;
    let current = match current(ctx, radicale_path).await {
        Ok(c) => c,
        Err(a) => return a,
    };
    if current.is_some()
        && let Some(a) = preconditions(ctx, current.as_ref())
    {
        return a;
    }
    let a = forward_plain(ctx, radicale_path, &passed_preconditions(ctx)).await;
    if !(200..300).contains(&a.status) {
        return a;
    }
    if let Some(old) = current.as_ref().map(Stored::calendar) {
        let me = me(ctx);
        let mut s = lock(&ctx.shared.scheduling);
        if ctx.quirks.server_scheduling {
            let reply = !ctx
                .header("schedule-reply")
                .is_some_and(|v| v.trim().eq_ignore_ascii_case("F"));
            let drafts = scheduling::plan(Some(&old), None, &me, reply);
            s.record(&ctx.path, &old, &me, drafts);
        }
        s.forget(&ctx.path);
    }
    a
}

/// Adds the `Schedule-Tag` to a successful GET or HEAD of a scheduling object.
pub fn with_schedule_tag(ctx: &Ctx, answer: Answer) -> Answer {
    if !ctx.quirks.server_scheduling || answer.status != 200 {
        return answer;
    }
    let mut s = lock(&ctx.shared.scheduling);
    let tag = if ctx.method == "GET" {
        let cal = ical::parse(&String::from_utf8_lossy(&answer.body));
        (scheduling::role(&cal, &me(ctx)) != Role::None).then(|| s.tag_or_new(&ctx.path))
    } else {
        s.tag(&ctx.path)
    };
    drop(s);
    match tag {
        Some(t) => answer.with("schedule-tag", &t),
        None => answer,
    }
}

/// Whether a client-chosen calendar id is one iCloud accepts (vdirsyncer: very short names and
/// special characters are rejected).
pub fn calendar_id_ok(id: &str) -> bool {
    id.len() >= 2
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '@' | '%'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_ids() {
        assert!(calendar_id_ok("work-2") && !calendar_id_ok("a") && !calendar_id_ok("bad name!"));
    }
}
