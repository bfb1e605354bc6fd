//! The HTTP control API (JSON on its own loopback port) for tests that run the emulator as a
//! separate process; it wraps the same operations as [`crate::Emulator`]. The endpoints are
//! listed in the crate documentation.

use crate::Quirks;
use crate::faults::{Fault, Scope};
use crate::server::lock;
use crate::view::View;
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::{Request, Response};
use serde::Deserialize;
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::net::TcpListener;

/// The emulator state the control API acts on.
#[derive(Debug, Clone)]
pub(crate) struct Handle(pub(crate) Arc<View>);

/// Serves the control API until the task is aborted.
pub(crate) async fn serve(listener: TcpListener, handle: Handle) {
    // Connections live in this set, so aborting the listener task ends them too.
    let mut connections = tokio::task::JoinSet::new();
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        // Reap finished connections so the set does not grow without bound.
        while connections.try_join_next().is_some() {}
        let handle = handle.clone();
        connections.spawn(async move {
            let service = hyper::service::service_fn(move |req| {
                let handle = handle.clone();
                async move { Ok::<_, std::convert::Infallible>(answer(&handle, req).await) }
            });
            let io = hyper_util::rt::TokioIo::new(stream);
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(io, service)
                .await;
        });
    }
}

fn reply(status: u16, body: &Value) -> Response<Full<Bytes>> {
    Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(body.to_string())))
        .unwrap_or_else(|_| Response::new(Full::new(Bytes::new())))
}

fn ok() -> Response<Full<Bytes>> {
    reply(200, &json!({"ok": true}))
}

fn bad(status: u16, message: &str) -> Response<Full<Bytes>> {
    reply(status, &json!({"error": message}))
}

#[derive(Deserialize)]
struct Housekeep {
    calendar: String,
    name: String,
}

#[derive(Deserialize)]
struct Revoke {
    password: String,
}

#[derive(Deserialize)]
struct Service {
    enabled: bool,
}

#[derive(Deserialize)]
struct Throttle {
    penalty_ms: u64,
    retry_after_secs: u64,
    #[serde(default = "default_throttle_status")]
    status: u16,
}

fn default_throttle_status() -> u16 {
    503
}

/// `POST /control/inject`: `calendar`, when given, narrows the fault to requests inside that
/// calendar's collection (see [`crate::faults::Faults::inject_in`]); bodies without it keep
/// matching every request.
#[derive(Deserialize)]
struct Inject {
    fault: Fault,
    scope: Scope,
    #[serde(default)]
    calendar: Option<String>,
}

fn parse<T: for<'de> Deserialize<'de>>(body: &[u8]) -> Result<T, Box<Response<Full<Bytes>>>> {
    serde_json::from_slice(body).map_err(|e| Box::new(bad(400, &e.to_string())))
}

async fn answer(h: &Handle, req: Request<Incoming>) -> Response<Full<Bytes>> {
    let method = req.method().as_str().to_string();
    let path = req.uri().path().to_string();
    let body = match Limited::new(req.into_body(), 1024 * 1024).collect().await {
        Ok(b) => b.to_bytes(),
        Err(_) => return bad(400, "body too large or unreadable"),
    };
    if (method.as_str(), path.as_str()) == ("POST", "/control/housekeep") {
        let Ok(req) = serde_json::from_slice::<Housekeep>(&body) else {
            return bad(400, "expected {\"calendar\":…,\"name\":…}");
        };
        return match crate::demo::housekeep(&h.0.shared.upstream, &req.calendar, &req.name).await {
            Ok(()) => ok(),
            Err(e) => bad(404, &e.to_string()),
        };
    }
    match route(h, &method, &path, &body) {
        Ok(r) => r,
        Err(r) => *r,
    }
}

fn route(
    h: &Handle,
    method: &str,
    path: &str,
    body: &[u8],
) -> Result<Response<Full<Bytes>>, Box<Response<Full<Bytes>>>> {
    let v = &h.0;
    let shared = &v.shared;
    Ok(match (method, path) {
        ("GET", "/control/info") => {
            let a = lock(&shared.account);
            let info = json!({
                "apple_id": a.apple_id,
                "dsid": a.dsid,
                "password": v.first_password,
                "passwords": a.active_passwords(),
                "main_password": a.main_password,
                "entry_url": shared.entry_url,
                "control_url": v.control_url,
                "partition_urls": shared.partition_urls,
                "radicale_url": v.radicale_url,
            });
            drop(a);
            let mut info = info;
            info["home_url"] = json!(v.home_url());
            info["partition"] = json!(v.partition());
            reply(200, &info)
        }
        ("POST", "/control/passwords") => match v.issue_password() {
            Ok(p) => reply(200, &json!({"password": p})),
            Err(e) => bad(400, &e.to_string()),
        },
        ("POST", "/control/revoke") => {
            let r: Revoke = parse(body)?;
            match lock(&shared.account).revoke(&r.password) {
                Ok(()) => ok(),
                Err(e) => bad(404, &e.to_string()),
            }
        }
        ("POST", "/control/revoke-all") => {
            lock(&shared.account).revoke_all();
            ok()
        }
        ("POST", "/control/change-main-password") => {
            reply(200, &json!({"main_password": v.change_main_password()}))
        }
        ("POST", "/control/calendar-service") => {
            let s: Service = parse(body)?;
            lock(&shared.account).calendar_service = s.enabled;
            ok()
        }
        ("POST", "/control/expire-sync-tokens") => {
            lock(&shared.account).token_epoch += 1;
            ok()
        }
        ("POST", "/control/move-partition") => {
            let p = v.move_partition();
            reply(200, &json!({"partition": p, "home_url": v.home_url()}))
        }
        ("POST", "/control/throttle") => {
            let t: Throttle = parse(body)?;
            lock(&shared.account).throttle_for(
                Instant::now(),
                Duration::from_millis(t.penalty_ms),
                Duration::from_secs(t.retry_after_secs),
                t.status,
            );
            ok()
        }
        ("POST", "/control/inject") => {
            let i: Inject = parse(body)?;
            if i.calendar.is_some() && matches!(i.fault, Fault::ListingMemberStatus { .. }) {
                // Answered on the home, outside every calendar: it could never fire.
                return Err(Box::new(bad(
                    400,
                    "listing-member-status names its calendar itself; drop \"calendar\"",
                )));
            }
            lock(&shared.faults).inject_in(i.fault, i.scope, i.calendar, Instant::now());
            ok()
        }
        ("POST", "/control/clear-faults") => {
            v.clear_faults();
            ok()
        }
        ("POST", "/control/quirks") => {
            let mut current =
                serde_json::to_value(lock(&shared.account).quirks.clone()).unwrap_or(Value::Null);
            let patch: Value = parse(body)?;
            if let (Some(cur), Some(patch)) = (current.as_object_mut(), patch.as_object()) {
                for (k, val) in patch {
                    cur.insert(k.clone(), val.clone());
                }
            }
            let quirks: Quirks =
                serde_json::from_value(current).map_err(|e| Box::new(bad(400, &e.to_string())))?;
            lock(&shared.account).quirks = quirks.clone();
            reply(200, &serde_json::to_value(quirks).unwrap_or(Value::Null))
        }
        ("GET", "/control/log") => {
            let log = v.requests();
            reply(
                200,
                &json!({"entries": log.entries, "summary": log.summary()}),
            )
        }
        ("POST", "/control/log/clear") => {
            lock(&shared.log).clear();
            ok()
        }
        ("GET", "/control/scheduling") => {
            let messages = lock(&shared.scheduling).messages();
            reply(200, &json!({ "messages": messages }))
        }
        ("POST", "/control/scheduling/clear") => {
            lock(&shared.scheduling).clear();
            ok()
        }
        _ => bad(404, "no such control endpoint"),
    })
}
