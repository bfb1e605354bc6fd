//! A calendar feed server on loopback, for subscription tests: it serves `.ics` bodies with
//! `ETag` and `Last-Modified` (answering `304` when asked with either), gzip when the client
//! accepts it, broken answers on demand (a status, an HTML page, a body of any size, a
//! redirect), and logs every request with the headers that matter (credentials, validators,
//! encodings), so a test can count what a client sent. Stopping it (or dropping it) closes
//! the port: "the feed's server went away".

use flate2::Compression;
use flate2::write::GzEncoder;
use std::collections::HashMap;
use std::io::{self, BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;

/// What the server answers at one path.
#[derive(Clone, Debug)]
pub enum Content {
    /// An iCalendar body with an `ETag` and a `Last-Modified` derived from it; `304` to a
    /// request naming either; gzip-encoded when `gzip` and the client accepts it.
    Calendar {
        /// The body.
        text: String,
        /// Whether to gzip it for clients that accept gzip.
        gzip: bool,
    },
    /// The same, but the server sends only `Last-Modified` (as many static file servers do).
    Dated {
        /// The body.
        text: String,
    },
    /// This status, with a short text body.
    Status(u16),
    /// A `200` with this content type and body (an HTML page where a feed was due, or a body
    /// larger than a client accepts).
    Body {
        /// The `Content-Type`.
        content_type: &'static str,
        /// The body.
        body: Vec<u8>,
    },
    /// A `302` to this location.
    Redirect(String),
}

/// One request as the server saw it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FeedRequest {
    /// The path asked for.
    pub path: String,
    /// The status sent.
    pub status: u16,
    /// `Authorization`, if any was sent (a feed must never get one).
    pub authorization: Option<String>,
    /// `If-None-Match`, if sent.
    pub if_none_match: Option<String>,
    /// `If-Modified-Since`, if sent.
    pub if_modified_since: Option<String>,
    /// `Accept-Encoding`, if sent.
    pub accept_encoding: Option<String>,
    /// Whether the body went gzip-encoded.
    pub gzipped: bool,
}

#[derive(Default)]
struct State {
    content: HashMap<String, Content>,
    log: Vec<FeedRequest>,
}

/// A running feed server; it stops when dropped.
pub struct FeedServer {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

fn lock(state: &Mutex<State>) -> std::sync::MutexGuard<'_, State> {
    state.lock().unwrap_or_else(PoisonError::into_inner)
}

/// 64-bit FNV-1a, for validators derived from a body.
fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, b| {
        (hash ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The validators of a body: a strong ETag and an HTTP date on 1 December 2026.
fn validators(text: &str) -> (String, String) {
    let h = fnv(text.as_bytes());
    let etag = format!("\"{h:016x}\"");
    let date = format!(
        "Tue, 01 Dec 2026 {:02}:{:02}:{:02} GMT",
        (h / 3600) % 24,
        (h / 60) % 60,
        h % 60
    );
    (etag, date)
}

impl FeedServer {
    /// Starts a server on a free loopback port, serving nothing yet (`404` everywhere).
    ///
    /// # Errors
    /// When no port can be bound.
    pub fn start() -> io::Result<FeedServer> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        let state = Arc::new(Mutex::new(State::default()));
        let stop = Arc::new(AtomicBool::new(false));
        let (shared, stopping) = (Arc::clone(&state), Arc::clone(&stop));
        let thread = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stopping.load(Ordering::SeqCst) {
                    return;
                }
                if let Ok(stream) = stream {
                    // One request per connection (`Connection: close`): simple and enough.
                    let _ = answer(stream, &shared);
                }
            }
        });
        Ok(FeedServer {
            addr,
            state,
            stop,
            thread: Some(thread),
        })
    }

    /// `http://127.0.0.1:PORT/` followed by `path` (without its leading slash).
    pub fn url(&self, path: &str) -> String {
        format!("http://{}/{}", self.addr, path.trim_start_matches('/'))
    }

    /// Serves `content` at `path` from now on.
    pub fn serve(&self, path: &str, content: Content) {
        let path = format!("/{}", path.trim_start_matches('/'));
        lock(&self.state).content.insert(path, content);
    }

    /// Every request so far, in order.
    pub fn requests(&self) -> Vec<FeedRequest> {
        lock(&self.state).log.clone()
    }

    /// Stops serving: the port closes, and connections to it are refused. Returns once the
    /// server's thread has ended.
    pub fn stop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the accept loop, which then sees the flag and drops the listener.
        let _ = TcpStream::connect(self.addr);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for FeedServer {
    fn drop(&mut self) {
        self.stop();
    }
}

fn answer(stream: TcpStream, state: &Mutex<State>) -> io::Result<()> {
    let mut writer = stream.try_clone()?;
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
    let mut headers: HashMap<String, String> = HashMap::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h)? == 0 {
            break;
        }
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
        }
    }
    let header = |k: &str| headers.get(k).cloned();
    let content = lock(state).content.get(&path).cloned();
    let accepts_gzip = header("accept-encoding").is_some_and(|e| e.contains("gzip"));
    let mut extra: Vec<(&str, String)> = Vec::new();
    let mut gzipped = false;
    let (status, content_type, body): (u16, &str, Vec<u8>) = match content {
        None => (404, "text/plain", b"no feed here".to_vec()),
        Some(Content::Status(status)) => (status, "text/plain", b"feed server says no".to_vec()),
        Some(Content::Body { content_type, body }) => (200, content_type, body),
        Some(Content::Redirect(location)) => {
            extra.push(("Location", location));
            (302, "text/plain", Vec::new())
        }
        Some(Content::Calendar { text, gzip }) => {
            let (etag, date) = validators(&text);
            let fresh = header("if-none-match").is_some_and(|v| v == etag)
                || header("if-modified-since").is_some_and(|v| v == date);
            extra.push(("ETag", etag));
            extra.push(("Last-Modified", date));
            if fresh {
                (304, "text/calendar", Vec::new())
            } else if gzip && accepts_gzip {
                let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
                encoder.write_all(text.as_bytes())?;
                extra.push(("Content-Encoding", "gzip".into()));
                gzipped = true;
                (200, "text/calendar; charset=utf-8", encoder.finish()?)
            } else {
                (200, "text/calendar; charset=utf-8", text.into_bytes())
            }
        }
        Some(Content::Dated { text }) => {
            let (_, date) = validators(&text);
            let fresh = header("if-modified-since").is_some_and(|v| v == date);
            extra.push(("Last-Modified", date));
            if fresh {
                (304, "text/calendar", Vec::new())
            } else {
                (200, "text/calendar; charset=utf-8", text.into_bytes())
            }
        }
    };
    lock(state).log.push(FeedRequest {
        path,
        status,
        authorization: header("authorization"),
        if_none_match: header("if-none-match"),
        if_modified_since: header("if-modified-since"),
        accept_encoding: header("accept-encoding"),
        gzipped,
    });
    let mut head = format!(
        "HTTP/1.1 {status} Feed\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (k, v) in extra {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    writer.write_all(head.as_bytes())?;
    // A client that stops reading an oversized body closes its end; that is not our error.
    let _ = writer.write_all(&body);
    writer.flush()
}
