//! A counting TCP proxy for plain HTTP/1.1 on loopback: it forwards every connection to one
//! server and counts requests (by reading each request's head and `Content-Length` body) and
//! bytes in each direction, so a benchmark can report what a client sent over the wire.

use anyhow::Result;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// What went through the proxy since the last [`Counts::take`].
#[derive(Debug, Default)]
pub struct Counts {
    requests: AtomicU64,
    sent: AtomicU64,
    received: AtomicU64,
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
    /// Each request's method and path, in order.
    pub lines: Vec<String>,
}

impl Counts {
    /// Returns the counts so far and starts again from zero.
    pub fn take(&self) -> Snapshot {
        Snapshot {
            requests: self.requests.swap(0, Ordering::SeqCst),
            sent: self.sent.swap(0, Ordering::SeqCst),
            received: self.received.swap(0, Ordering::SeqCst),
            lines: self
                .lines
                .lock()
                .map(|mut l| std::mem::take(&mut *l))
                .unwrap_or_default(),
        }
    }
}

/// Starts a proxy on a free loopback port in front of `upstream`; it runs until the process
/// ends. Returns its address and its counters.
///
/// # Errors
/// When no port can be bound.
pub fn start(upstream: SocketAddr) -> Result<(SocketAddr, Arc<Counts>)> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    let counts = Arc::new(Counts::default());
    let shared = Arc::clone(&counts);
    std::thread::spawn(move || {
        for client in listener.incoming().flatten() {
            let counts = Arc::clone(&shared);
            std::thread::spawn(move || {
                let _ = relay(client, upstream, &counts);
            });
        }
    });
    Ok((addr, counts))
}

fn relay(client: TcpStream, upstream: SocketAddr, counts: &Arc<Counts>) -> Result<()> {
    let server = TcpStream::connect(upstream)?;
    let (mut to_client, from_server) = (client.try_clone()?, server.try_clone()?);
    let down = Arc::clone(counts);
    let answers = std::thread::spawn(move || {
        let mut reader = from_server;
        let mut buf = [0u8; 64 * 1024];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 || to_client.write_all(&buf[..n]).is_err() {
                break;
            }
            down.received.fetch_add(n as u64, Ordering::Relaxed);
        }
        let _ = to_client.shutdown(Shutdown::Write);
    });
    let result = requests(client, server, counts);
    let _ = answers.join();
    result
}

/// Forwards requests one by one, counting each.
fn requests(client: TcpStream, mut server: TcpStream, counts: &Counts) -> Result<()> {
    let mut reader = BufReader::new(client);
    loop {
        let mut head = Vec::new();
        loop {
            let mut line = Vec::new();
            if reader.read_until(b'\n', &mut line)? == 0 {
                let _ = server.shutdown(Shutdown::Write);
                return Ok(());
            }
            head.extend_from_slice(&line);
            if line == b"\r\n" || line == b"\n" {
                break;
            }
        }
        let text = String::from_utf8_lossy(&head);
        let length: usize = text
            .lines()
            .filter_map(|l| l.split_once(':'))
            .find(|(k, _)| k.trim().eq_ignore_ascii_case("content-length"))
            .and_then(|(_, v)| v.trim().parse().ok())
            .unwrap_or(0);
        let mut body = vec![0u8; length];
        reader.read_exact(&mut body)?;
        server.write_all(&head)?;
        server.write_all(&body)?;
        counts.requests.fetch_add(1, Ordering::Relaxed);
        counts
            .sent
            .fetch_add((head.len() + length) as u64, Ordering::Relaxed);
        let first = text.lines().next().unwrap_or("").to_string();
        if let Ok(mut lines) = counts.lines.lock() {
            lines.push(first);
        }
    }
}
