//! HTTP/1.1 framing, enough for a proxy: where a request or a response ends (RFC 9112 §6),
//! and a response's head made persistent for the client.

use std::io::{self, BufRead};

fn read_line(reader: &mut impl BufRead, into: &mut Vec<u8>) -> io::Result<usize> {
    let start = into.len();
    let n = reader.read_until(b'\n', into)?;
    if n == 0 {
        return Ok(0);
    }
    if into.last() != Some(&b'\n') {
        return Err(io::ErrorKind::UnexpectedEof.into());
    }
    Ok(into.len() - start)
}

fn is_blank(line: &[u8]) -> bool {
    line == b"\r\n" || line == b"\n"
}

/// Reads a head up to its blank line into `raw`; `false` when the peer closed the connection
/// before a first byte.
fn read_head(reader: &mut impl BufRead, raw: &mut Vec<u8>) -> io::Result<bool> {
    loop {
        let start = raw.len();
        if read_line(reader, raw)? == 0 {
            return if raw.is_empty() {
                Ok(false)
            } else {
                Err(io::ErrorKind::UnexpectedEof.into())
            };
        }
        if is_blank(&raw[start..]) {
            if start == 0 {
                // A stray line end between messages (RFC 9112 §2.2 allows it): skip it.
                raw.clear();
                continue;
            }
            return Ok(true);
        }
    }
}

/// The value of a header of `head`, lower-cased.
pub fn header(head: &[u8], name: &str) -> Option<String> {
    String::from_utf8_lossy(head)
        .lines()
        .skip(1)
        .filter_map(|l| l.split_once(':'))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case(name))
        .map(|(_, v)| v.trim().to_ascii_lowercase())
}

/// How a message's body ends.
enum Body {
    Chunked,
    Length(usize),
    /// A response without length: it ends when the server closes the connection.
    UntilClose,
}

fn read_body(reader: &mut impl BufRead, body: Body, raw: &mut Vec<u8>) -> io::Result<()> {
    match body {
        Body::Length(length) => {
            let start = raw.len();
            raw.resize(start + length, 0);
            reader.read_exact(&mut raw[start..])
        }
        Body::UntilClose => reader.read_to_end(raw).map(|_| ()),
        Body::Chunked => loop {
            let start = raw.len();
            if read_line(reader, raw)? == 0 {
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
            let text = String::from_utf8_lossy(&raw[start..]);
            let hex = text.split(';').next().unwrap_or("").trim();
            let size = usize::from_str_radix(hex, 16)
                .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "bad chunk size"))?;
            if size == 0 {
                // Trailers, up to the blank line.
                loop {
                    let start = raw.len();
                    if read_line(reader, raw)? == 0 {
                        return Err(io::ErrorKind::UnexpectedEof.into());
                    }
                    if is_blank(&raw[start..]) {
                        return Ok(());
                    }
                }
            }
            let start = raw.len();
            raw.resize(start + size + 2, 0);
            reader.read_exact(&mut raw[start..])?;
        },
    }
}

fn framing(head: &[u8]) -> Option<Body> {
    if header(head, "transfer-encoding").is_some_and(|v| v.contains("chunked")) {
        return Some(Body::Chunked);
    }
    header(head, "content-length")
        .and_then(|v| v.parse().ok())
        .map(Body::Length)
}

/// One whole request as it came (head and body), or `None` when the client closed the
/// connection between requests.
///
/// # Errors
/// When reading fails or the connection closes inside a request.
pub fn read_request(reader: &mut impl BufRead) -> io::Result<Option<Vec<u8>>> {
    let mut raw = Vec::new();
    if !read_head(reader, &mut raw)? {
        return Ok(None);
    }
    let body = framing(&raw).unwrap_or(Body::Length(0));
    read_body(reader, body, &mut raw)?;
    Ok(Some(raw))
}

/// One whole response to a request with `method`: its head and its body, and whether the
/// body was framed (a length or chunks) rather than ended by the server closing.
///
/// # Errors
/// When reading fails, the server closes before an answer, or inside a framed one.
pub fn read_response(
    reader: &mut impl BufRead,
    method: &str,
) -> io::Result<(Vec<u8>, Vec<u8>, bool)> {
    let mut head = Vec::new();
    if !read_head(reader, &mut head)? {
        return Err(io::ErrorKind::UnexpectedEof.into());
    }
    let status: u16 = String::from_utf8_lossy(&head)
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let mut body = Vec::new();
    let bodiless = method.eq_ignore_ascii_case("HEAD") || matches!(status, 100..=199 | 204 | 304);
    let framed = if bodiless {
        true
    } else {
        match framing(&head) {
            Some(framed) => {
                read_body(reader, framed, &mut body)?;
                true
            }
            None => {
                read_body(reader, Body::UntilClose, &mut body)?;
                false
            }
        }
    };
    Ok((head, body, framed))
}

/// `head` as an HTTP/1.1 answer that keeps the connection open (or closes it when `close`):
/// without the server's `Connection` and `Keep-Alive` headers, and with a `Content-Length`
/// of `body_length` when the server gave none.
pub fn persistent_head(head: &[u8], body_length: Option<usize>, close: bool) -> Vec<u8> {
    let text = String::from_utf8_lossy(head);
    let mut lines = text.lines();
    let status = lines.next().unwrap_or_default();
    let mut out = match status.split_once(' ') {
        Some((_, rest)) => format!("HTTP/1.1 {rest}\r\n"),
        None => format!("{status}\r\n"),
    };
    for line in lines.filter(|l| !l.is_empty()) {
        let name = line.split(':').next().unwrap_or("").trim();
        if !name.eq_ignore_ascii_case("connection") && !name.eq_ignore_ascii_case("keep-alive") {
            out.push_str(line);
            out.push_str("\r\n");
        }
    }
    if let Some(length) = body_length {
        out.push_str(&format!("Content-Length: {length}\r\n"));
    }
    if close {
        out.push_str("Connection: close\r\n");
    }
    out.push_str("\r\n");
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::BufReader;

    fn requests(wire: &str) -> Vec<String> {
        let mut reader = BufReader::new(wire.as_bytes());
        let mut out = Vec::new();
        while let Some(r) = read_request(&mut reader).unwrap() {
            out.push(String::from_utf8(r).unwrap());
        }
        out
    }

    #[test]
    fn requests_are_framed_by_length_and_by_chunks() {
        let a = "PUT /a HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello";
        let b = "POST /b HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n2\r\nde\r\n0\r\nT: 1\r\n\r\n";
        let c = "PROPFIND /c HTTP/1.1\r\nDepth: 1\r\n\r\n";
        assert_eq!(requests(&format!("{a}{b}\r\n{c}")), vec![a, b, c]);
    }

    #[test]
    fn a_request_cut_short_is_an_error() {
        let mut reader = BufReader::new(&b"PUT /a HTTP/1.1\r\nContent-Length: 5\r\n\r\nhel"[..]);
        assert!(read_request(&mut reader).is_err());
    }

    #[test]
    fn responses_end_at_their_length_or_when_the_server_closes() {
        let wire = "HTTP/1.0 207 Multi-Status\r\nContent-Length: 2\r\nConnection: close\r\n\r\nokHTTP/1.0 204 No Content\r\n\r\n";
        let mut reader = BufReader::new(wire.as_bytes());
        let (head, body, framed) = read_response(&mut reader, "PROPFIND").unwrap();
        assert_eq!((body.as_slice(), framed), (&b"ok"[..], true));
        assert_eq!(
            String::from_utf8(persistent_head(&head, None, false)).unwrap(),
            "HTTP/1.1 207 Multi-Status\r\nContent-Length: 2\r\n\r\n"
        );
        let (_, body, framed) = read_response(&mut reader, "DELETE").unwrap();
        assert!(body.is_empty() && framed);
        let mut reader = BufReader::new(&b"HTTP/1.0 200 OK\r\nServer: x\r\n\r\nto the end"[..]);
        let (head, body, framed) = read_response(&mut reader, "GET").unwrap();
        assert_eq!((body.as_slice(), framed), (&b"to the end"[..], false));
        assert_eq!(
            String::from_utf8(persistent_head(&head, Some(body.len()), true)).unwrap(),
            "HTTP/1.1 200 OK\r\nServer: x\r\nContent-Length: 10\r\nConnection: close\r\n\r\n"
        );
    }
}
