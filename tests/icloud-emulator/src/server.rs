//! The emulated hosts: one HTTP/1.1 listener per host (entry, partitions), and the pipeline
//! every request goes through — old-partition check, throttle, injected faults (those scoped
//! to a calendar only inside its collection), Basic auth, then routing — with iCloud's headers
//! on every answer and one log entry per request.
//!
//! The request handlers are this module's children: they share its [`Ctx`], [`Answer`] and
//! [`Shared`] state, and [`routes`] dispatches to them; `forward` holds what several of them
//! pass on to Radicale.

pub mod partial;
pub mod scheduling;

mod discovery;
mod forward;
mod moves;
mod report;
mod routes;
pub(crate) mod stale;
pub(crate) mod sticky;
pub(crate) mod uids;
mod write_rules;
mod writes;

use crate::account::{Account, ChallengeStyle};
use crate::faults::{Fault, Faults};
use crate::log::LoggedRequest;
use crate::rng::Rng;
use crate::upstream::{Mapping, Upstream};
use crate::xml::{self, Element};
use base64::Engine as _;
use bytes::Bytes;
use http_body_util::{BodyExt, Limited};
use hyper::body::{Body, Frame, Incoming, SizeHint};
use hyper::{Request, Response};
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll};
use std::time::Instant;
use tokio::net::TcpListener;

/// The largest request body accepted (bounded input).
const MAX_BODY: usize = 16 * 1024 * 1024;

/// Locks a mutex, ignoring poisoning (a panicked test thread must not wedge the server).
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Which emulated host a listener is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// `caldav.icloud.com`.
    Entry,
    /// `p<NN>-caldav.icloud.com`, by index into the partition list.
    Partition(usize),
}

/// State shared by all hosts and the control API.
#[derive(Debug)]
pub struct Shared {
    /// The account.
    pub account: Mutex<Account>,
    /// Injected faults.
    pub faults: Mutex<Faults>,
    /// The request log.
    pub log: Mutex<Vec<LoggedRequest>>,
    /// Random source for passwords and request ids.
    pub rng: Mutex<Rng>,
    /// Radicale.
    pub upstream: Upstream,
    /// `http://127.0.0.1:P/` of the entry host.
    pub entry_url: String,
    /// Base URLs of the partition hosts.
    pub partition_urls: Vec<String>,
    /// Their partition numbers (as in `p<NN>`).
    pub partition_numbers: Vec<u32>,
    /// Next request sequence number.
    pub seq: AtomicU64,
    /// The `Server` header's hex build id.
    pub server_build: String,
    /// Previous object versions still served after a write (eventual consistency).
    pub stale: Mutex<stale::StaleReads>,
    /// Objects of deleted calendars, for the sticky-events quirk.
    pub sticky: Mutex<sticky::Graveyard>,
    /// Schedule-Tags and the log of iTIP messages "sent" (server-side scheduling).
    pub scheduling: Mutex<scheduling::Scheduling>,
    /// The UIDs the account holds, for account-wide uniqueness.
    pub uid_index: Mutex<uids::UidIndex>,
    /// Held by each object write (PUT, DELETE, MOVE) from its first check to its last, so
    /// the account-wide UID check and the stored version it compared cannot race.
    pub writes: tokio::sync::Mutex<()>,
}

/// A decided answer before iCloud's headers are added.
#[derive(Debug, Clone)]
pub struct Answer {
    /// HTTP status.
    pub status: u16,
    /// Extra headers.
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: Bytes,
}

impl Answer {
    /// An empty-bodied answer.
    pub fn empty(status: u16) -> Self {
        Self {
            status,
            headers: vec![("content-length".into(), "0".into())],
            body: Bytes::new(),
        }
    }

    /// An XML answer in iCloud's style.
    pub fn xml(status: u16, root: &Element, text_plain: bool) -> Self {
        let ct = if text_plain {
            "text/plain; charset=utf-8"
        } else {
            "text/xml; charset=utf-8"
        };
        Self {
            status,
            headers: vec![("content-type".into(), ct.into())],
            body: Bytes::from(xml::write(root)),
        }
    }

    /// An HTML error page, as AppleHttpServer sends for unsupported requests.
    pub fn html(status: u16, title: &str) -> Self {
        let body = format!(
            "<html><head><title>{status} {title}</title></head><body><h1>{title}</h1></body></html>"
        );
        Self {
            status,
            headers: vec![("content-type".into(), "text/html; charset=utf-8".into())],
            body: Bytes::from(body),
        }
    }

    /// Adds a header (builder style).
    #[must_use]
    pub fn with(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }
}

/// What happens on the wire.
enum Delivery {
    Normal(Answer),
    Truncated(Answer),
    Reset,
}

/// One request, read in full, with a snapshot of the account state it needs.
#[derive(Debug)]
pub struct Ctx {
    /// Which host it came to.
    pub role: Role,
    /// Method.
    pub method: String,
    /// Path (percent-encoded, as sent).
    pub path: String,
    /// Request headers.
    pub headers: hyper::HeaderMap,
    /// Body.
    pub body: Bytes,
    /// Whether the body was over the largest the emulator reads (then `body` is empty).
    pub body_overflow: bool,
    /// Path and token mapping.
    pub map: Mapping,
    /// Quirks in force.
    pub quirks: crate::account::Quirks,
    /// Absolute URL of the current partition host, without trailing slash.
    pub partition_base: String,
    /// The Apple ID.
    pub apple_id: String,
    /// Shared state.
    pub shared: Arc<Shared>,
}

impl Ctx {
    /// A request header as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The body as text (lossy).
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Serves one host until the task is aborted.
pub async fn serve(listener: TcpListener, role: Role, shared: Arc<Shared>) {
    // Connections live in this set, so aborting the listener task ends them too.
    let mut connections = tokio::task::JoinSet::new();
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        // Reap finished connections so the set does not grow without bound.
        while connections.try_join_next().is_some() {}
        let shared = Arc::clone(&shared);
        connections.spawn(async move {
            // A second handle on the socket lets the reset fault set SO_LINGER 0 and close.
            let Ok(std_stream) = stream.into_std() else {
                return;
            };
            let twin = std_stream.try_clone().ok();
            let Ok(stream) = tokio::net::TcpStream::from_std(std_stream) else {
                return;
            };
            let twin = Arc::new(Mutex::new(twin));
            let service = hyper::service::service_fn(move |req| {
                let shared = Arc::clone(&shared);
                let twin = Arc::clone(&twin);
                async move { handle(req, role, shared, twin).await }
            });
            let io = hyper_util::rt::TokioIo::new(stream);
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(io, service)
                .await;
        });
    }
}

type Twin = Arc<Mutex<Option<std::net::TcpStream>>>;

async fn handle(
    req: Request<Incoming>,
    role: Role,
    shared: Arc<Shared>,
    twin: Twin,
) -> Result<Response<EmuBody>, io::Error> {
    let seq = shared.seq.fetch_add(1, Ordering::SeqCst) + 1;
    let (parts, body) = req.into_parts();
    let (body, body_overflow) = match Limited::new(body, MAX_BODY).collect().await {
        Ok(b) => (b.to_bytes(), false),
        Err(_) => (Bytes::new(), true),
    };
    let method = parts.method.as_str().to_string();
    let path = parts.uri.path().to_string();
    let creds = basic_credentials(&parts.headers);
    let (map, quirks, partition, apple_id) = {
        let a = lock(&shared.account);
        let map = Mapping {
            dsid: a.dsid.clone(),
            radicale_prefix: shared.upstream.prefix(),
            epoch: a.token_epoch,
        };
        (map, a.quirks.clone(), a.partition, a.apple_id.clone())
    };
    let ctx = Ctx {
        role,
        method: method.clone(),
        path: path.clone(),
        headers: parts.headers,
        body,
        body_overflow,
        map,
        quirks,
        partition_base: shared
            .partition_urls
            .get(partition)
            .map(|u| u.trim_end_matches('/').to_string())
            .unwrap_or_default(),
        apple_id,
        shared: Arc::clone(&shared),
    };
    let report = (method == "REPORT")
        .then(|| xml::parse(&ctx.body_text()).ok().map(|r| r.name))
        .flatten();
    let mut fault_label = None;
    let delivery = decide(&ctx, creds.as_ref(), &mut fault_label).await;
    let status = match &delivery {
        Delivery::Normal(a) | Delivery::Truncated(a) => a.status,
        Delivery::Reset => 0,
    };
    let host = match role {
        Role::Entry => "entry".to_string(),
        Role::Partition(i) => format!("p{}", shared.partition_numbers.get(i).copied().unwrap_or(0)),
    };
    lock(&shared.log).push(LoggedRequest {
        seq,
        host,
        method,
        path,
        depth: ctx.header("depth").map(str::to_string),
        report,
        user: creds.as_ref().map(|c| c.0.clone()),
        password: creds.map(|c| c.1),
        status,
        fault: fault_label,
    });
    match delivery {
        Delivery::Reset => {
            if let Some(s) = lock(&twin).take() {
                let _ = socket2::SockRef::from(&s).set_linger(Some(std::time::Duration::ZERO));
            }
            Err(io::Error::new(
                io::ErrorKind::ConnectionReset,
                "injected connection reset",
            ))
        }
        Delivery::Normal(a) => Ok(finish(&shared, partition, a, false)),
        Delivery::Truncated(a) => Ok(finish(&shared, partition, a, true)),
    }
}

async fn decide(
    ctx: &Ctx,
    creds: Option<&(String, String)>,
    label: &mut Option<String>,
) -> Delivery {
    let shared = &ctx.shared;
    let now = Instant::now();
    if let Role::Partition(i) = ctx.role {
        if ctx.path.starts_with("/published/") {
            return Delivery::Normal(routes::published(ctx).await);
        }
        if i != lock(&shared.account).partition {
            *label = Some("old-partition".into());
            return Delivery::Normal(Answer::empty(503));
        }
    }
    let throttle = {
        let mut a = lock(&shared.account);
        a.throttle_at(now).or_else(|| a.admit(now))
    };
    if let Some(t) = throttle {
        *label = Some("throttle".into());
        return Delivery::Normal(
            Answer::empty(t.status).with("retry-after", &t.retry_after_secs.to_string()),
        );
    }
    let calendar = partial::request_calendar(&ctx.map.home(), &ctx.path);
    let fault = lock(&shared.faults).take_request_fault(calendar.as_deref(), now);
    let mut truncate = false;
    if let Some(fault) = fault {
        *label = Some(fault.label());
        match fault {
            Fault::Status {
                status,
                retry_after,
            } => {
                let mut a = Answer::empty(status);
                if let Some(s) = retry_after {
                    a = a.with("retry-after", &s.to_string());
                }
                return Delivery::Normal(a);
            }
            Fault::ConnectionReset => return Delivery::Reset,
            Fault::SpuriousUnauthorized => {
                return Delivery::Normal(unauthorized(&ctx.quirks.challenge));
            }
            Fault::Slow { millis } => tokio::time::sleep(Fault::slow_delay(millis)).await,
            Fault::TruncatedBody => truncate = true,
            Fault::EmptyMultistatus { .. }
            | Fault::MultigetNotFound { .. }
            | Fault::ListingMemberStatus { .. }
            | Fault::MultigetOmit { .. }
            | Fault::MultigetRespell { .. }
            | Fault::StaleTokenForbidden { .. } => {}
        }
    }
    let authorized = creds.is_some_and(|(u, p)| lock(&shared.account).accepts(u, p, now));
    if !authorized {
        return Delivery::Normal(unauthorized(&ctx.quirks.challenge));
    }
    let answer = routes::route(ctx, label).await;
    if truncate {
        Delivery::Truncated(answer)
    } else {
        Delivery::Normal(answer)
    }
}

/// iCloud's answer to every credential failure: bare `401`, empty body, both challenges.
pub fn unauthorized(style: &ChallengeStyle) -> Answer {
    let a = Answer::empty(401);
    match style {
        ChallengeStyle::TwoHeaders => a.with("www-authenticate", "Basic realm=\"MMCalDav\"").with(
            "www-authenticate",
            "X-MobileMe-AuthToken realm=\"MMCalDav\"",
        ),
        ChallengeStyle::OneHeader => a.with(
            "www-authenticate",
            "X-MobileMe-AuthToken realm=\"MMCalDav\", Basic realm=\"MMCalDav\"",
        ),
    }
}

fn basic_credentials(headers: &hyper::HeaderMap) -> Option<(String, String)> {
    let value = headers.get("authorization")?.to_str().ok()?;
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let decoded = String::from_utf8(decoded).ok()?;
    let (user, password) = decoded.split_once(':')?;
    Some((user.to_string(), password.to_string()))
}

fn finish(shared: &Shared, partition: usize, answer: Answer, truncated: bool) -> Response<EmuBody> {
    let number = shared
        .partition_numbers
        .get(partition)
        .copied()
        .unwrap_or(0);
    let request_id = lock(&shared.rng).uuid().to_lowercase();
    let mut builder = Response::builder()
        .status(answer.status)
        .header("server", format!("AppleHttpServer/{}", shared.server_build))
        .header("x-apple-user-partition", number.to_string())
        .header("x-apple-request-uuid", request_id)
        .header(
            "x-responding-instance",
            format!("caldavj:34100101:p{number}-caldavj-016.icloud.com:8443:2612B101:a7f0c5e1"),
        )
        .header(
            "strict-transport-security",
            "max-age=31536000; includeSubDomains",
        )
        .header(
            "via",
            "xrail:icloud-xrail-group115-ext-009.prod.icloud.com:443",
        )
        .header("apple-seq", "0.0")
        .header("apple-tk", "false");
    for (k, v) in &answer.headers {
        if k != "content-length" {
            builder = builder.header(k.as_str(), v.as_str());
        }
    }
    let body = if truncated {
        EmuBody::truncated(answer.body)
    } else {
        EmuBody::full(answer.body)
    };
    builder
        .body(body)
        .unwrap_or_else(|_| Response::new(EmuBody::full(Bytes::new())))
}

/// A response body: whole, or cut in half (the truncated-body fault).
pub struct EmuBody {
    data: Option<Bytes>,
    total: u64,
    cut: bool,
}

impl EmuBody {
    /// The whole body.
    pub fn full(data: Bytes) -> Self {
        Self {
            total: data.len() as u64,
            data: Some(data).filter(|d| !d.is_empty()),
            cut: false,
        }
    }

    /// Announces the full length, sends half, then fails (hyper drops the connection).
    pub fn truncated(data: Bytes) -> Self {
        let total = data.len() as u64;
        let half = data.slice(..data.len() / 2);
        Self {
            data: Some(half),
            total: total.max(1),
            cut: true,
        }
    }
}

impl Body for EmuBody {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        if let Some(d) = self.data.take() {
            return Poll::Ready(Some(Ok(Frame::data(d))));
        }
        if self.cut {
            self.cut = false;
            return Poll::Ready(Some(Err(io::Error::new(
                io::ErrorKind::BrokenPipe,
                "truncated",
            ))));
        }
        Poll::Ready(None)
    }

    fn is_end_stream(&self) -> bool {
        self.data.is_none() && !self.cut
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.total)
    }
}
