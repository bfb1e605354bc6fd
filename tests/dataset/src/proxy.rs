//! A counting, delaying TCP proxy for plain HTTP/1.1 on loopback: it forwards every connection
//! to one server and counts requests (by reading each request's head and its body, sized by
//! `Content-Length` or chunked), bytes in each direction and connections, so a benchmark can
//! report what a client sent over the wire.
//!
//! With a latency it also plays a far server: nothing a new connection carries goes on before
//! that long after it was opened (the TCP handshake's round trip), and each request is held
//! that long after it arrived before it is forwarded (the request's round trip). Requests are
//! read as they arrive, whatever the holds, so each counts from when the client sent it (a
//! client may open a connection well before it sends on it). Requests are held each
//! from its own arrival, so requests on separate connections wait in parallel, as they would on
//! a real network; a client that waits for one answer before the next request pays the latency
//! once per request.
//!
//! A server that closes the connection after each answer, as Radicale does, makes a client pay
//! the connection's latency for every request too. With [`Far::keep_alive`] the proxy keeps the
//! client's connection open instead, as a far server with keep-alive (iCloud's) does, and
//! opens a new one to the server behind for each request when it must.
//!
//! It also measures the client's critical path in round trips: each request's depth is one more
//! than that of the latest answer back, whole, before the request arrived (the answer a client
//! that asks as soon as it can was waiting for), and [`Snapshot::round_trips`] is the deepest
//! request. A client that asks everything at once scores 1, one that asks one thing after
//! another scores its number of requests. The latest answer rather than the deepest: a server
//! that answers requests sent at once one after the other (Radicale) would otherwise count
//! the late answers' followers a round deeper. An answer is whole when the server closes the
//! connection after it (Radicale) or when the proxy forwards it in full ([`Far::keep_alive`]:
//! exact, as its end is known before the client sees it); one that only the client's next
//! request on its connection shows whole counts as the deepest so far, not as the latest, since
//! when it ended is not known.

mod wire;

use anyhow::Result;
use std::io::{self, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};
use wire::{header, persistent_head, read_request, read_response};

/// What went through the proxy since the last [`Counts::take`].
#[derive(Debug, Default)]
pub struct Counts {
    requests: AtomicU64,
    sent: AtomicU64,
    received: AtomicU64,
    connections: AtomicU64,
    in_flight: AtomicU64,
    peak_in_flight: AtomicU64,
    /// The depth of the latest answer that came back whole.
    answered_depth: AtomicU64,
    /// The deepest request.
    deepest: AtomicU64,
    /// Bumped by each [`Counts::take`]: answers to requests of an earlier count do not count.
    epoch: AtomicU64,
    lines: Mutex<Vec<String>>,
}

/// A snapshot of [`Counts`].
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    /// Requests forwarded.
    pub requests: u64,
    /// Bytes from the client to the server.
    pub sent: u64,
    /// Bytes from the server to the client.
    pub received: u64,
    /// Connections the client opened.
    pub connections: u64,
    /// The most requests that were waiting for an answer at one time: 1 for a client that
    /// asks one thing after another.
    pub peak_in_flight: u64,
    /// Round trips on the critical path: the deepest request, as the module overview says.
    pub round_trips: u64,
    /// Each request's method and path, in order.
    pub lines: Vec<String>,
}

impl Snapshot {
    /// Two measured steps, the second after the first, as one: sums (round trips too: the
    /// second step's start waited for the first's end), and the larger peak.
    #[must_use]
    pub fn and(mut self, other: &Snapshot) -> Snapshot {
        self.round_trips += other.round_trips;
        self.requests += other.requests;
        self.sent += other.sent;
        self.received += other.received;
        self.connections += other.connections;
        self.peak_in_flight = self.peak_in_flight.max(other.peak_in_flight);
        self.lines.extend(other.lines.iter().cloned());
        self
    }
}

impl Counts {
    /// Returns the counts so far and starts again from zero.
    pub fn take(&self) -> Snapshot {
        let now_in_flight = self.in_flight.load(Ordering::SeqCst);
        Snapshot {
            requests: self.requests.swap(0, Ordering::SeqCst),
            sent: self.sent.swap(0, Ordering::SeqCst),
            received: self.received.swap(0, Ordering::SeqCst),
            connections: self.connections.swap(0, Ordering::SeqCst),
            peak_in_flight: self.peak_in_flight.swap(now_in_flight, Ordering::SeqCst),
            round_trips: {
                self.epoch.fetch_add(1, Ordering::SeqCst);
                self.answered_depth.store(0, Ordering::SeqCst);
                self.deepest.swap(0, Ordering::SeqCst)
            },
            lines: self
                .lines
                .lock()
                .map(|mut l| std::mem::take(&mut *l))
                .unwrap_or_default(),
        }
    }

    /// A request arrived on a connection whose answers not yet whole are `open` (with their
    /// depths): the client read them all before sending this one.
    fn asked(&self, request: &[u8], open: &Open) {
        self.whole(open, Whole::Unknown);
        let depth = self.answered_depth.load(Ordering::SeqCst) + 1;
        self.deepest.fetch_max(depth, Ordering::SeqCst);
        let epoch = self.epoch.load(Ordering::SeqCst);
        open.lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push((epoch, depth));
        self.requests.fetch_add(1, Ordering::Relaxed);
        self.sent.fetch_add(request.len() as u64, Ordering::Relaxed);
        let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.peak_in_flight.fetch_max(now, Ordering::SeqCst);
        let first = request
            .split(|&b| b == b'\n')
            .next()
            .map(|l| String::from_utf8_lossy(l).trim_end().to_string())
            .unwrap_or_default();
        if let Ok(mut lines) = self.lines.lock() {
            lines.push(first);
        }
    }

    /// Answers on a connection came back whole, as `which` says.
    fn whole(&self, open: &Open, which: Whole) {
        let mut open = open
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let count = match which {
            Whole::Oldest => open.len().min(1),
            Whole::All | Whole::Unknown => open.len(),
        };
        let epoch = self.epoch.load(Ordering::SeqCst);
        for (asked_in, depth) in open.drain(..count) {
            if asked_in != epoch {
                continue;
            }
            if which == Whole::Unknown {
                self.answered_depth.fetch_max(depth, Ordering::SeqCst);
            } else {
                self.answered_depth.store(depth, Ordering::SeqCst);
            }
        }
    }

    /// The first bytes of an answer arrived on a connection that had `awaiting` requests
    /// without one. (A client that pipelines requests on one connection is miscounted; none of
    /// the measured clients does.)
    fn answered(&self, awaiting: &AtomicU64) {
        if awaiting
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok()
        {
            // Checked, so that a miscount (a pipelining client) cannot wrap below zero.
            let _ = self
                .in_flight
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1));
        }
    }
}

/// How the proxy plays a far server.
#[derive(Debug, Clone, Copy, Default)]
pub struct Far {
    /// How long each new connection and each request is held.
    pub latency: Duration,
    /// Keep each client connection open from one request to the next, as a far server with
    /// keep-alive does, even when the server behind closes it after each answer (Radicale
    /// answers in HTTP/1.0 and closes). Off: the client sees the server's own connection
    /// handling, byte for byte.
    pub keep_alive: bool,
}

/// Starts a proxy on a free loopback port in front of `upstream`, playing a server as far as
/// `far` says (the default: forwards at once, byte for byte); it runs until the process ends.
/// Returns its address and its counters.
///
/// # Errors
/// When no port can be bound.
pub fn start(upstream: SocketAddr, far: Far) -> Result<(SocketAddr, Arc<Counts>)> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    let counts = Arc::new(Counts::default());
    let shared = Arc::clone(&counts);
    std::thread::spawn(move || {
        for client in listener.incoming().flatten() {
            let counts = Arc::clone(&shared);
            // Each connection is served on its own thread, so that a client opening several at
            // once pays the handshake's latency once, not once per connection.
            std::thread::spawn(move || {
                counts.connections.fetch_add(1, Ordering::Relaxed);
                let _ = relay(client, upstream, far, &counts);
            });
        }
    });
    Ok((addr, counts))
}

/// A request and the instant it may go on to the server.
type Held = (Instant, Vec<u8>);

/// The count ([`Counts::take`]'s epoch) and depth of each of a connection's requests whose
/// answers are not yet whole, oldest first.
type Open = Arc<Mutex<Vec<(u64, u64)>>>;

/// Which of a connection's answers just came back whole.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Whole {
    /// The oldest: the proxy forwarded it in full.
    Oldest,
    /// Every one: the server closed the connection.
    All,
    /// Every one, at some time before now: the client sent its next request.
    Unknown,
}

/// Relays one client connection. Its requests are read as they arrive (so that each counts from
/// when the client sent it), and each goes on once the connection's handshake latency has
/// passed since it was accepted and then its own latency since it arrived (or since the
/// handshake ended, for one the client sent at once: it could not have arrived earlier).
fn relay(client: TcpStream, upstream: SocketAddr, far: Far, counts: &Arc<Counts>) -> Result<()> {
    let connected = Instant::now() + far.latency;
    let awaiting = Arc::new(AtomicU64::new(0));
    let open = Open::default();
    // Requests are read as they come and handed over with the instant they may go on.
    let (due, held) = mpsc::channel::<Held>();
    let reader = {
        let (client, counts) = (client.try_clone()?, Arc::clone(counts));
        let (awaiting, open) = (Arc::clone(&awaiting), Arc::clone(&open));
        std::thread::spawn(move || {
            let mut reader = BufReader::new(client);
            while let Ok(Some(request)) = read_request(&mut reader) {
                awaiting.fetch_add(1, Ordering::SeqCst);
                counts.asked(&request, &open);
                let arrived = Instant::now().max(connected);
                if due.send((arrived + far.latency, request)).is_err() {
                    break;
                }
            }
        })
    };
    let relayed = if far.keep_alive {
        persistent(&held, &client, upstream, counts, (&awaiting, &open))
    } else {
        streamed(&held, &client, upstream, counts, (&awaiting, &open))
    };
    if relayed.is_err() {
        // The server is gone: unblock the reader, which waits on the client.
        let _ = client.shutdown(Shutdown::Both);
    }
    let _ = reader.join();
    relayed
}

/// One connection to the server for the client's one: requests go on once their time has
/// come, answers come back byte for byte as they arrive.
fn streamed(
    held: &mpsc::Receiver<Held>,
    client: &TcpStream,
    upstream: SocketAddr,
    counts: &Arc<Counts>,
    (awaiting, open): (&Arc<AtomicU64>, &Open),
) -> Result<()> {
    let mut server = TcpStream::connect(upstream)?;
    let answers = {
        let (mut to_client, mut from_server) = (client.try_clone()?, server.try_clone()?);
        let (counts, awaiting, open) = (Arc::clone(counts), Arc::clone(awaiting), Arc::clone(open));
        std::thread::spawn(move || {
            let mut buf = [0u8; 64 * 1024];
            while let Ok(n) = from_server.read(&mut buf) {
                if n == 0 || to_client.write_all(&buf[..n]).is_err() {
                    break;
                }
                counts.answered(&awaiting);
                counts.received.fetch_add(n as u64, Ordering::Relaxed);
            }
            // The server closed the connection: what it answered on it is whole.
            counts.whole(&open, Whole::All);
            let _ = to_client.shutdown(Shutdown::Write);
        })
    };
    let mut forwarded = Ok(());
    for (at, request) in held {
        std::thread::sleep(at.saturating_duration_since(Instant::now()));
        if let Err(err) = server.write_all(&request) {
            forwarded = Err(err.into());
            break;
        }
    }
    let _ = server.shutdown(Shutdown::Write);
    let _ = answers.join();
    forwarded
}

/// The client's connection stays open: each request, once its time has come, goes to the
/// server on the connection the last answer left open, or on a new one; each answer comes
/// back whole, as HTTP/1.1 that keeps the connection.
fn persistent(
    held: &mpsc::Receiver<Held>,
    mut client: &TcpStream,
    upstream: SocketAddr,
    counts: &Counts,
    (awaiting, unanswered): (&AtomicU64, &Open),
) -> Result<()> {
    let mut open: Option<BufReader<TcpStream>> = None;
    for (at, request) in held {
        std::thread::sleep(at.saturating_duration_since(Instant::now()));
        let method = String::from_utf8_lossy(request.split(|&b| b == b' ').next().unwrap_or(b""))
            .into_owned();
        let answer = match open.take() {
            // A kept connection the server closed meanwhile gets one retry on a new one.
            Some(mut kept) => exchange(&mut kept, &request, &method)
                .map(|a| (kept, a))
                .or_else(|_| fresh(upstream, &request, &method)),
            None => fresh(upstream, &request, &method),
        };
        let (server, (head, body, framed)) = answer?;
        let server_keeps = framed
            && head.starts_with(b"HTTP/1.1")
            && !header(&head, "connection").is_some_and(|v| v.contains("close"));
        if server_keeps {
            open = Some(server);
        }
        let close = header(&request, "connection").is_some_and(|v| v.contains("close"));
        let head = persistent_head(&head, (!framed).then_some(body.len()), close);
        counts.answered(awaiting);
        // Whole before it is written: once the client has it, it may ask again at once, on
        // another connection too, before this thread would run again.
        counts.whole(unanswered, Whole::Oldest);
        client.write_all(&head)?;
        client.write_all(&body)?;
        counts
            .received
            .fetch_add((head.len() + body.len()) as u64, Ordering::Relaxed);
        if close {
            break;
        }
    }
    let _ = client.shutdown(Shutdown::Write);
    Ok(())
}

type Answer = (Vec<u8>, Vec<u8>, bool);

fn exchange(server: &mut BufReader<TcpStream>, request: &[u8], method: &str) -> io::Result<Answer> {
    server.get_mut().write_all(request)?;
    read_response(server, method)
}

fn fresh(
    upstream: SocketAddr,
    request: &[u8],
    method: &str,
) -> io::Result<(BufReader<TcpStream>, Answer)> {
    let mut server = BufReader::new(TcpStream::connect(upstream)?);
    let answer = exchange(&mut server, request, method)?;
    Ok((server, answer))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A server that answers every request with 204 on connections it keeps open, or, with
    /// `close`, with 200 and a body, as HTTP/1.0 that closes (as Radicale does).
    fn server(close: bool) -> SocketAddr {
        let upstream = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = upstream.local_addr().unwrap();
        std::thread::spawn(move || {
            for conn in upstream.incoming().flatten() {
                std::thread::spawn(move || {
                    let mut reader = BufReader::new(conn.try_clone().unwrap());
                    let mut conn = conn;
                    while let Ok(Some(_)) = read_request(&mut reader) {
                        if close {
                            let _ = conn.write_all(
                                b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok",
                            );
                            return;
                        }
                        let _ = conn.write_all(b"HTTP/1.1 204 No Content\r\n\r\n");
                    }
                });
            }
        });
        addr
    }

    /// Sends `n` requests on one connection, each after the last answer; the answers.
    fn ask(addr: SocketAddr, n: usize) -> Vec<String> {
        let mut conn = TcpStream::connect(addr).unwrap();
        let mut reader = BufReader::new(conn.try_clone().unwrap());
        (0..n)
            .map(|_| {
                conn.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
                    .unwrap();
                let (head, body, _) = read_response(&mut reader, "GET").unwrap();
                format!(
                    "{}{}",
                    String::from_utf8_lossy(&head),
                    String::from_utf8_lossy(&body)
                )
            })
            .collect()
    }

    #[test]
    fn requests_and_connections_wait_for_the_latency() {
        let latency = Duration::from_millis(60);
        let far = Far {
            latency,
            keep_alive: false,
        };
        let (addr, counts) = start(server(false), far).unwrap();
        let started = Instant::now();
        let answers = ask(addr, 2);
        assert!(
            answers.iter().all(|a| a.starts_with("HTTP/1.1 204")),
            "{answers:?}"
        );
        // One connection and two requests, each held: three latencies at least.
        assert!(started.elapsed() >= latency * 3, "{:?}", started.elapsed());
        let seen = counts.take();
        assert_eq!((seen.requests, seen.connections), (2, 1));
        assert_eq!(seen.peak_in_flight, 1);
        assert_eq!(seen.lines, vec!["GET / HTTP/1.1", "GET / HTTP/1.1"]);
        assert_eq!(seen.sent, 2 * 27);
    }

    #[test]
    fn round_trips_count_the_requests_that_waited_for_each_other() {
        let far = Far {
            latency: Duration::from_millis(50),
            keep_alive: true,
        };
        let (addr, counts) = start(server(false), far).unwrap();
        ask(addr, 3);
        assert_eq!(counts.take().round_trips, 3, "one after another");
        let side_by_side: Vec<_> = (0..3)
            .map(|_| std::thread::spawn(move || ask(addr, 1)))
            .collect();
        for asking in side_by_side {
            asking.join().unwrap();
        }
        ask(addr, 1);
        let seen = counts.take();
        assert_eq!(
            (seen.requests, seen.round_trips),
            (4, 2),
            "three at once, then one"
        );
        let streamed = Far {
            keep_alive: false,
            ..far
        };
        let (closing, counts) = start(server(true), streamed).unwrap();
        ask(closing, 1);
        ask(closing, 1);
        assert_eq!(
            counts.take().round_trips,
            2,
            "an answer is whole when the server closes"
        );
    }

    #[test]
    fn keep_alive_holds_the_client_connection_open_when_the_server_closes() {
        let far = Far {
            latency: Duration::ZERO,
            keep_alive: true,
        };
        let (addr, counts) = start(server(true), far).unwrap();
        let answers = ask(addr, 3);
        assert_eq!(
            answers,
            vec!["HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"; 3]
        );
        let seen = counts.take();
        assert_eq!((seen.requests, seen.connections), (3, 1));
        assert_eq!(seen.received, 3 * answers[0].len() as u64);
    }
}
