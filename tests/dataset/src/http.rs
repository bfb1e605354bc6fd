//! HTTP to a loopback CalDAV server with Basic auth, through reqwest (the client the app itself
//! uses) and quick-xml: enough to create calendars, put objects and list what a collection
//! holds. Callers are synchronous (the seeder, the crash-safety test, the benchmark's driver),
//! so each request runs on a current-thread runtime of its own; reqwest's `blocking` feature
//! would do the same, but switching it on rebuilds reqwest and every crate above it for the
//! whole workspace.

use anyhow::{Context, Result, bail};
use quick_xml::Reader;
use quick_xml::events::Event;
use std::net::SocketAddr;
use std::time::Duration;

/// A loopback CalDAV server and one user's credentials.
#[derive(Debug, Clone)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct Server {
    /// Where it listens.
    pub addr: SocketAddr,
    pub user: String,
    /// The user's password.
    pub password: String,
}

/// A response: status and body.
#[derive(Debug)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct Response {
    pub status: u16,
    /// The body, as text.
    pub body: String,
}

impl Server {
    /// Sends one request and reads the whole response.
    ///
    /// # Errors
    /// When the method is not a token, the connection fails or times out, or the response is
    /// not HTTP.
    pub fn send(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> Result<Response> {
        let url = format!("http://{}{path}", self.addr);
        let verb = reqwest::Method::from_bytes(method.as_bytes())
            .with_context(|| format!("{method:?} is no HTTP method"))?;
        if rustls::crypto::CryptoProvider::get_default().is_none() {
            // In a workspace build reqwest has almanac-caldav's `rustls-no-provider`, and a
            // client cannot be built before a provider is installed; another thread winning
            // the race to install one is fine.
            let _ = rustls::crypto::ring::default_provider().install_default();
        }
        let client = reqwest::Client::builder()
            .no_proxy()
            .connect_timeout(Duration::from_secs(10))
            // Radicale parses a whole uploaded calendar before it answers: minutes for thousands.
            .timeout(Duration::from_secs(600))
            .build()?;
        let mut request = client
            .request(verb, &url)
            .basic_auth(&self.user, Some(&self.password))
            .body(body.to_owned());
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        runtime
            .block_on(async {
                let response = request.send().await?;
                let status = response.status().as_u16();
                Ok::<_, reqwest::Error>(Response {
                    status,
                    body: response.text().await?,
                })
            })
            .with_context(|| format!("{method} {url}"))
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

    /// `href → etag` of every object in a collection (PROPFIND depth 1 for `getetag`), sorted.
    ///
    /// # Errors
    /// When the request fails or its answer is not XML.
    pub fn etags(&self, collection: &str) -> Result<Vec<(String, String)>> {
        let body =
            "<?xml version=\"1.0\"?><propfind xmlns=\"DAV:\"><prop><getetag/></prop></propfind>";
        let r = self.expect_ok(
            "PROPFIND",
            collection,
            &[("Depth", "1"), ("Content-Type", "application/xml")],
            body,
        )?;
        let mut out: Vec<(String, String)> = hrefs_and_etags(&r.body)
            .with_context(|| format!("PROPFIND {collection}"))?
            .into_iter()
            .filter(|(href, etag)| href != collection && !etag.is_empty())
            .collect();
        out.sort();
        Ok(out)
    }
}

/// `(href, getetag)` of each `response` of a multistatus, matched by local name (any prefix).
fn hrefs_and_etags(xml: &str) -> Result<Vec<(String, String)>> {
    let mut reader = Reader::from_str(xml);
    let mut open = String::new();
    let (mut href, mut etag) = (String::new(), String::new());
    let mut out = Vec::new();
    loop {
        let text = match reader.read_event()? {
            Event::Start(start) => {
                open = start.local_name().as_ref().to_string();
                continue;
            }
            Event::End(end) => {
                if end.local_name().as_ref() == "response" {
                    let (h, e) = (std::mem::take(&mut href), std::mem::take(&mut etag));
                    out.push((h.trim().to_string(), e.trim().to_string()));
                }
                open.clear();
                continue;
            }
            Event::Text(text) => text.xml10_content().into_owned(),
            Event::GeneralRef(reference) => {
                let name = reference.into_inner();
                quick_xml::escape::unescape(&format!("&{name};"))?.into_owned()
            }
            Event::Eof => return Ok(out),
            _ => continue,
        };
        match open.as_str() {
            "href" => href.push_str(&text),
            "getetag" => etag.push_str(&text),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multistatus_pairs_ignore_prefixes_and_resolve_entities() {
        // Radicale's shape: a `D:` prefix and the etag's quotes as entities.
        let xml = "<?xml version='1.0' encoding='utf-8'?>\n<D:multistatus xmlns:D=\"DAV:\">\
            <D:response><D:href>/a/</D:href><D:propstat><D:prop><D:getetag/></D:prop>\
            </D:propstat></D:response><response><href>/a/b.ics</href><propstat><prop>\
            <getetag>&quot;1&#34;</getetag></prop></propstat></response></D:multistatus>";
        assert_eq!(
            hrefs_and_etags(xml).unwrap(),
            [
                ("/a/".to_string(), String::new()),
                ("/a/b.ics".to_string(), "\"1\"".to_string())
            ]
        );
        assert!(hrefs_and_etags("<a><b></a>").is_err());
    }

    #[test]
    fn a_refused_connection_is_an_error_in_any_feature_set() {
        // Run with almanac-caldav in the same build (`cargo test -p almanac-dataset -p
        // almanac-caldav --lib`), reqwest has no TLS provider of its own: building the client
        // must still work.
        let addr = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap();
        let server = Server {
            addr,
            user: "u".into(),
            password: "p".into(),
        };
        let err = server
            .send("PROPFIND", "/", &[("Depth", "0")], "")
            .unwrap_err();
        assert!(
            format!("{err:#}").contains("PROPFIND http://127.0.0.1:"),
            "{err:#}"
        );
    }
}
