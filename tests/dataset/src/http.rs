//! Plain HTTP/1.1 to a loopback CalDAV server with Basic auth: enough to create calendars, put
//! objects and list what a collection holds. One connection per request, bounded by timeouts.

use anyhow::{Context, Result, bail};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

/// A loopback CalDAV server and one user's credentials.
#[derive(Debug, Clone)]
pub struct Server {
    /// Where it listens.
    pub addr: SocketAddr,
    /// The user.
    pub user: String,
    /// The user's password.
    pub password: String,
}

/// A response: status and body.
#[derive(Debug)]
pub struct Response {
    /// The HTTP status.
    pub status: u16,
    /// The body, as text.
    pub body: String,
}

fn base64(input: &[u8]) -> String {
    const TABLE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in input.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (k, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if k <= chunk.len() {
                out.push(char::from(TABLE[((n >> shift) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

impl Server {
    /// Sends one request and reads the whole response.
    ///
    /// # Errors
    /// When the connection fails or times out, or the response is not HTTP.
    pub fn send(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> Result<Response> {
        let mut stream = TcpStream::connect_timeout(&self.addr, Duration::from_secs(10))
            .with_context(|| format!("connecting to {}", self.addr))?;
        // Radicale parses a whole uploaded calendar before it answers: minutes for thousands.
        stream.set_read_timeout(Some(Duration::from_secs(600)))?;
        stream.set_write_timeout(Some(Duration::from_secs(60)))?;
        let auth = base64(format!("{}:{}", self.user, self.password).as_bytes());
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nAuthorization: Basic {auth}\r\nContent-Length: {}\r\nConnection: close\r\n",
            self.addr,
            body.len()
        );
        for (k, v) in headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes())?;
        stream.write_all(body.as_bytes())?;
        let mut raw = Vec::new();
        stream
            .read_to_end(&mut raw)
            .with_context(|| format!("reading the answer to {method} {path}"))?;
        let text = String::from_utf8_lossy(&raw);
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
        let status = head
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .with_context(|| format!("{method} {path}: not an HTTP answer: {head:.200}"))?;
        Ok(Response {
            status,
            body: body.to_string(),
        })
    }

    /// Sends one request and fails unless the status is 2xx.
    ///
    /// # Errors
    /// As [`Server::send`], and on a status outside 200..300.
    pub fn expect_ok(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> Result<Response> {
        let r = self.send(method, path, headers, body)?;
        if !(200..300).contains(&r.status) {
            bail!("{method} {path}: {} {:.300}", r.status, r.body);
        }
        Ok(r)
    }

    /// The user's home collection, `/<user>/`.
    pub fn home(&self) -> String {
        format!("/{}/", self.user)
    }

    /// `href → etag` of every object in a collection (PROPFIND depth 1 for `getetag`).
    ///
    /// # Errors
    /// When the request fails.
    pub fn etags(&self, collection: &str) -> Result<Vec<(String, String)>> {
        let body =
            "<?xml version=\"1.0\"?><propfind xmlns=\"DAV:\"><prop><getetag/></prop></propfind>";
        let r = self.expect_ok(
            "PROPFIND",
            collection,
            &[("Depth", "1"), ("Content-Type", "application/xml")],
            body,
        )?;
        let mut out = Vec::new();
        for response in elements(&r.body, "response") {
            let href = elements(response, "href")
                .first()
                .map(|h| h.trim().to_string());
            let etag = elements(response, "getetag")
                .first()
                .map(|e| e.trim().replace("&quot;", "\""));
            if let (Some(href), Some(etag)) = (href, etag)
                && href != collection
                && !etag.is_empty()
            {
                out.push((href, etag));
            }
        }
        out.sort();
        Ok(out)
    }
}

/// The inner text of each element with local name `local` (any namespace prefix), outermost
/// first; enough for the flat multistatus answers of a test server.
pub fn elements<'a>(xml: &'a str, local: &str) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some(open) = rest.find('<') {
        let after = &rest[open + 1..];
        let Some(end) = after.find('>') else { break };
        let tag = &after[..end];
        let name = tag.split_whitespace().next().unwrap_or("");
        let bare = name.rsplit(':').next().unwrap_or(name);
        if bare == local && !tag.starts_with('/') && !tag.ends_with('/') {
            let inner = &after[end + 1..];
            let close = format!("</{name}>");
            if let Some(stop) = inner.find(&close) {
                out.push(&inner[..stop]);
                rest = &inner[stop + close.len()..];
                continue;
            }
        }
        rest = &after[end + 1..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc_4648() {
        assert_eq!(base64(b"alice:secret"), "YWxpY2U6c2VjcmV0");
        assert_eq!(base64(b"ab"), "YWI=");
        assert_eq!(base64(b"a"), "YQ==");
    }

    #[test]
    fn elements_ignore_prefixes() {
        let xml = "<D:multistatus xmlns:D=\"DAV:\"><D:response><D:href>/a/</D:href></D:response><response><href>/b</href><getetag>\"1\"</getetag></response></D:multistatus>";
        let r = elements(xml, "response");
        assert_eq!(r.len(), 2);
        assert_eq!(elements(r[1], "getetag"), vec!["\"1\""]);
    }
}
