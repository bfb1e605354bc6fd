//! [`CaldavClient`]: the pure builders and parsers tied to the one sending function.

use crate::discovery::{
    Discovery, home_request, parse_home, parse_principal, principal_candidates, principal_request,
    start_url,
};
use crate::error::CaldavError;
use crate::listing::{Listing, Markers, list_request, parse_listing};
use crate::multiget::{DEFAULT_BATCH, Fetched, multiget_request, parse_multiget, reconcile};
use crate::response::protocol;
use crate::scope::Scope;
use crate::sync::{SyncDelta, SyncPage, etag_request, parse_etags, parse_sync, sync_request};
use crate::transport::{Credentials, Limits, RawResponse, RedirectScope, Request, Transport};
use crate::write::{create_request, delete_request, parse_write, update_request};
use almanac_core::{Etag, Href, SyncToken};
use std::sync::{Mutex, MutexGuard};
use url::Url;

/// How many truncated sync-collection pages are followed before giving up: a server that
/// truncates forever would otherwise keep a sync running forever.
const MAX_SYNC_PAGES: usize = 1000;

#[derive(Debug)]
struct State {
    scope: Scope,
    home: Option<Url>,
}

/// A CalDAV account's client: one connection pool, one credential scope, one home.
///
/// Records are keyed by path ([`Href`]); the client resolves paths against the home's origin,
/// which discovery sets. When iCloud moves an account to another partition host, run
/// [`CaldavClient::discover`] again: the paths stay the same and only the origin changes.
#[derive(Debug)]
pub struct CaldavClient {
    transport: Transport,
    credentials: Option<Credentials>,
    state: Mutex<State>,
    batch_size: usize,
}

impl CaldavClient {
    /// A client for an account starting at `start` (a URL, a host or an e-mail address).
    ///
    /// # Errors
    /// [`CaldavError::InvalidUrl`] for an unusable start; [`CaldavError::Setup`] when the HTTP
    /// client cannot be built.
    pub fn new(
        start: &str,
        credentials: Option<Credentials>,
        limits: Limits,
    ) -> Result<CaldavClient, CaldavError> {
        CaldavClient::with_transport(start, credentials, Transport::new(limits)?)
    }

    /// A client on a shared `transport`: its connection pool and its hosts' pauses are those
    /// of every other client on it (the sync engine's accounts share one).
    ///
    /// # Errors
    /// [`CaldavError::InvalidUrl`] for an unusable start.
    pub fn with_transport(
        start: &str,
        credentials: Option<Credentials>,
        transport: Transport,
    ) -> Result<CaldavClient, CaldavError> {
        let start = start_url(start)?;
        Ok(CaldavClient {
            transport,
            credentials,
            state: Mutex::new(State {
                scope: Scope::new(start),
                home: None,
            }),
            batch_size: DEFAULT_BATCH,
        })
    }

    /// Restores a home found by an earlier discovery, so a sync needs no discovery requests.
    /// The home's origin gets credentials only if the scope rule admits it.
    ///
    /// # Errors
    /// [`CaldavError::InvalidUrl`] for a home that is neither https nor loopback http.
    pub fn set_home(&self, home: Url) -> Result<(), CaldavError> {
        crate::scope::check_url(&home)?;
        let mut state = self.state();
        if !state.scope.admit(&home) {
            tracing::warn!(home = %crate::error::display_url(&home), "home is outside the credential scope");
        }
        state.home = Some(home);
        Ok(())
    }

    /// The home in use, if known.
    pub fn home(&self) -> Option<Url> {
        self.state().home.clone()
    }

    /// Changes how many hrefs one multiget asks for (at least 1).
    pub fn set_batch_size(&mut self, size: usize) {
        self.batch_size = size.max(1);
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The absolute URL of a path: on the home's origin, or the start origin before discovery.
    ///
    /// # Errors
    /// [`CaldavError::InvalidUrl`] when the path cannot be joined.
    pub fn url_for(&self, href: &Href) -> Result<Url, CaldavError> {
        let state = self.state();
        let base = state
            .home
            .clone()
            .unwrap_or_else(|| state.scope.start().clone());
        base.join(href.as_str())
            .map_err(|e| CaldavError::InvalidUrl {
                url: href.to_string(),
                reason: e.to_string(),
            })
    }

    async fn send(
        &self,
        request: Request,
        redirects: RedirectScope,
    ) -> Result<RawResponse, CaldavError> {
        let mut scope = self.state().scope.clone();
        let response = self
            .transport
            .send(request, self.credentials.as_ref(), &mut scope, redirects)
            .await?;
        if redirects == RedirectScope::Discovery {
            self.state().scope = scope;
        }
        Ok(response)
    }

    /// Finds the principal, the calendar home and the user's addresses, and remembers the home.
    ///
    /// Costs two requests on servers that answer the well-known URL, three when it must fall back
    /// to the given URL or follow a redirect; one fewer where the server names the home beside
    /// the principal (the first PROPFIND asks for both). The candidates are asked one after the
    /// other, never at once: a wrong password (a user typing their Apple ID password) is then
    /// refused once per sign-in, not once per candidate.
    ///
    /// # Errors
    /// [`CaldavError::Unauthorized`], [`CaldavError::Offline`], [`CaldavError::Timeout`] and
    /// [`CaldavError::RateLimited`] at once (a second request would not help); otherwise the
    /// last candidate's error, or [`CaldavError::Protocol`] when no principal or home is named.
    pub async fn discover(&self) -> Result<Discovery, CaldavError> {
        let start = self.state().scope.start().clone();
        let mut found = None;
        let mut fallback = None;
        let mut last_error = None;
        for candidate in principal_candidates(&start) {
            let answer = self
                .send(principal_request(candidate), RedirectScope::Discovery)
                .await;
            match answer.and_then(|r| parse_principal(&r).map(|p| (p, r))) {
                Ok((Some(p), r)) => {
                    found = Some((p, r));
                    break;
                }
                // No principal named: the URL that answered stands for it.
                Ok((None, r)) => {
                    fallback.get_or_insert((r.url.clone(), r));
                }
                Err(
                    e @ (CaldavError::Unauthorized { .. }
                    | CaldavError::Offline { .. }
                    | CaldavError::Timeout { .. }
                    | CaldavError::RateLimited { .. }
                    | CaldavError::InvalidUrl { .. }),
                ) => return Err(e),
                Err(e) => last_error = Some(e),
            }
        }
        let Some((principal, answer)) = found.or(fallback) else {
            return Err(last_error.unwrap_or_else(|| CaldavError::Protocol {
                url: crate::error::display_url(&start),
                status: 0,
                reason: "no current-user-principal found".into(),
            }));
        };
        let (home, addresses) = match parse_home(&answer) {
            Ok(named_beside) => named_beside,
            Err(_) => parse_home(
                &self
                    .send(home_request(principal.clone()), RedirectScope::Discovery)
                    .await?,
            )?,
        };
        self.set_home(home.clone())?;
        Ok(Discovery {
            principal,
            home,
            addresses,
        })
    }

    /// Lists the calendars in `home` in one PROPFIND depth 1, with both change markers.
    ///
    /// # Errors
    /// Any [`CaldavError`] from sending or classifying.
    pub async fn list_calendars(&self, home: &Href) -> Result<Listing, CaldavError> {
        self.list_calendars_with(home, Markers::ALL).await
    }

    /// Lists the calendars in `home` in one PROPFIND depth 1, asking only for `markers` (what
    /// is not asked for reads as `None`).
    ///
    /// # Errors
    /// Any [`CaldavError`] from sending or classifying.
    pub async fn list_calendars_with(
        &self,
        home: &Href,
        markers: Markers,
    ) -> Result<Listing, CaldavError> {
        let answer = self
            .send(
                list_request(self.url_for(home)?, markers),
                RedirectScope::Fixed,
            )
            .await?;
        parse_listing(&answer)
    }

    /// One sync-collection request.
    ///
    /// # Errors
    /// [`CaldavError::InvalidSyncToken`] when the token has expired; any other classified error.
    pub async fn sync_page(
        &self,
        calendar: &Href,
        token: Option<&SyncToken>,
    ) -> Result<SyncPage, CaldavError> {
        let request = sync_request(self.url_for(calendar)?, token);
        parse_sync(&self.send(request, RedirectScope::Fixed).await?)
    }

    /// Everything that changed since `token` (`None`: everything), following truncated (507)
    /// results until the server says it is complete.
    ///
    /// # Errors
    /// [`CaldavError::InvalidSyncToken`] when the token has expired (resync from `None`, keeping
    /// local data); [`CaldavError::Protocol`] when the server truncates more than 1000 times.
    pub async fn sync_collection(
        &self,
        calendar: &Href,
        token: Option<&SyncToken>,
    ) -> Result<SyncDelta, CaldavError> {
        let mut delta = SyncDelta::default();
        let mut next = token.cloned();
        for _ in 0..MAX_SYNC_PAGES {
            let page = self.sync_page(calendar, next.as_ref()).await?;
            let truncated = page.truncated;
            let progressed = page.token.is_some() && page.token != next;
            next.clone_from(&page.token);
            delta.absorb(page);
            if !truncated {
                return Ok(delta);
            }
            if !progressed {
                break;
            }
        }
        Err(CaldavError::Protocol {
            url: self
                .url_for(calendar)
                .map(|u| crate::error::display_url(&u))
                .unwrap_or_default(),
            status: 207,
            reason: "sync-collection stays truncated without progress".into(),
        })
    }

    /// Every member's etag, for servers without sync-collection.
    ///
    /// # Errors
    /// Any classified error.
    pub async fn list_etags(&self, calendar: &Href) -> Result<Vec<(Href, Etag)>, CaldavError> {
        let answer = self
            .send(etag_request(self.url_for(calendar)?), RedirectScope::Fixed)
            .await?;
        parse_etags(&answer)
    }

    /// One calendar-multiget request for `hrefs`.
    ///
    /// # Errors
    /// Any classified error; missing members are not errors.
    pub async fn multiget_batch(
        &self,
        calendar: &Href,
        hrefs: &[Href],
    ) -> Result<Fetched, CaldavError> {
        read_multiget(hrefs, &self.multiget_answer(calendar, hrefs).await?)
    }

    /// One calendar-multiget request for `hrefs`, its answer unread: a caller with many in
    /// flight reads each ([`read_multiget`]) off its async threads.
    ///
    /// # Errors
    /// Any classified error of sending.
    pub async fn multiget_answer(
        &self,
        calendar: &Href,
        hrefs: &[Href],
    ) -> Result<RawResponse, CaldavError> {
        self.send(
            multiget_request(self.url_for(calendar)?, hrefs),
            RedirectScope::Fixed,
        )
        .await
    }

    /// Bodies and etags of `hrefs`, in batches of the configured size.
    ///
    /// # Errors
    /// The first batch's classified error; missing members are not errors.
    pub async fn multiget(&self, calendar: &Href, hrefs: &[Href]) -> Result<Fetched, CaldavError> {
        let mut out = Fetched::default();
        for batch in hrefs.chunks(self.batch_size) {
            out.extend(self.multiget_batch(calendar, batch).await?);
        }
        Ok(out)
    }

    /// Creates `href`; fails rather than overwrite. Returns the new etag if the server sent one.
    ///
    /// # Errors
    /// [`CaldavError::PreconditionFailed`] when it already exists; any classified error.
    pub async fn put_create(&self, href: &Href, ics: &str) -> Result<Option<Etag>, CaldavError> {
        let answer = self
            .send(
                create_request(self.url_for(href)?, ics),
                RedirectScope::Fixed,
            )
            .await?;
        parse_write(&answer, href)
    }

    /// Replaces `href` if it still has `etag`.
    ///
    /// # Errors
    /// [`CaldavError::PreconditionFailed`] when it changed on the server; any classified error.
    pub async fn put_update(
        &self,
        href: &Href,
        etag: &Etag,
        ics: &str,
    ) -> Result<Option<Etag>, CaldavError> {
        let request = update_request(self.url_for(href)?, ics, etag)?;
        parse_write(&self.send(request, RedirectScope::Fixed).await?, href)
    }

    /// Deletes `href` if it still has `etag`.
    ///
    /// # Errors
    /// [`CaldavError::PreconditionFailed`] when it changed on the server;
    /// [`CaldavError::NotFound`] when it is already gone; any classified error.
    pub async fn delete(&self, href: &Href, etag: &Etag) -> Result<(), CaldavError> {
        let request = delete_request(self.url_for(href)?, etag)?;
        let answer = self.send(request, RedirectScope::Fixed).await?;
        parse_write(&answer, href).map(|_| ())
    }

    /// Checks that the credentials work with one cheap request (PROPFIND depth 0 on the home or
    /// the start URL).
    ///
    /// # Errors
    /// [`CaldavError::Unauthorized`] for refused credentials; any other classified error.
    pub async fn verify(&self) -> Result<(), CaldavError> {
        let url = self
            .home()
            .unwrap_or_else(|| self.state().scope.start().clone());
        self.verify_at(url).await
    }

    /// One cheap request to the account's entry URL (where discovery starts:
    /// `caldav.icloud.com` for iCloud), to confirm a refusal: a partition host's 401 may be that
    /// host's own trouble, the entry host's answer is the account's.
    ///
    /// # Errors
    /// [`CaldavError::Unauthorized`] for refused credentials; any other classified error.
    pub async fn verify_entry(&self) -> Result<(), CaldavError> {
        let url = self.state().scope.start().clone();
        self.verify_at(url).await
    }

    async fn verify_at(&self, url: Url) -> Result<(), CaldavError> {
        let answer = self
            .send(principal_request(url), RedirectScope::Discovery)
            .await?;
        match answer.status {
            207 => Ok(()),
            s if s >= 400 => Err(crate::response::unexpected(&answer)),
            _ => Err(protocol(
                &answer,
                format!("unexpected status {}", answer.status),
            )),
        }
    }
}

/// Reads a calendar-multiget answer in terms of the `hrefs` asked for (see [`reconcile`]).
/// Pure, and CPU-bound for large answers.
///
/// # Errors
/// The answer's classified status, or [`CaldavError::Protocol`] for a malformed body.
pub fn read_multiget(hrefs: &[Href], answer: &RawResponse) -> Result<Fetched, CaldavError> {
    let fetched = reconcile(hrefs, parse_multiget(answer)?);
    if !fetched.unanswered.is_empty() {
        tracing::warn!(url = %crate::error::display_url(&answer.url), asked = hrefs.len(), unanswered = fetched.unanswered.len(), "multiget left hrefs unanswered");
    }
    Ok(fetched)
}

#[cfg(test)]
mod tests {
    use super::*;
    use almanac_core::Password;

    #[test]
    fn paths_resolve_against_the_current_home_origin() {
        let client =
            CaldavClient::new("https://caldav.icloud.com/", None, Limits::default()).unwrap();
        let href = Href::new("/17149682/calendars/home/a.ics");
        assert_eq!(
            client.url_for(&href).unwrap().as_str(),
            "https://caldav.icloud.com/17149682/calendars/home/a.ics"
        );
        client
            .set_home(Url::parse("https://p12-caldav.icloud.com:443/17149682/calendars/").unwrap())
            .unwrap();
        assert_eq!(
            client.url_for(&href).unwrap().as_str(),
            "https://p12-caldav.icloud.com/17149682/calendars/home/a.ics"
        );
        // The account moved partition: same path, new host, no duplicate record.
        client
            .set_home(Url::parse("https://p13-caldav.icloud.com:443/17149682/calendars/").unwrap())
            .unwrap();
        assert_eq!(
            client.url_for(&href).unwrap().host_str(),
            Some("p13-caldav.icloud.com")
        );
    }

    #[test]
    fn debug_output_hides_the_password() {
        let creds = Credentials {
            username: "alice@icloud.com".into(),
            password: Password::new("wxyz-abcd-efgh-ijkl"),
        };
        let client =
            CaldavClient::new("https://caldav.icloud.com/", Some(creds), Limits::default())
                .unwrap();
        let shown = format!("{client:?}");
        assert!(!shown.contains("wxyz-abcd-efgh-ijkl"), "{shown}");
        assert!(shown.contains("[redacted]"));
    }

    #[test]
    fn the_client_and_its_futures_cross_threads() {
        fn send_sync<T: Send + Sync>(_: &T) {}
        fn send<F: Send>(_: F) {}
        let client =
            CaldavClient::new("https://caldav.icloud.com/", None, Limits::default()).unwrap();
        send_sync(&client);
        let href = Href::new("/1/calendars/home/");
        send(client.discover());
        send(client.sync_collection(&href, None));
        send(client.multiget(&href, &[]));
        send(client.put_create(&href, ""));
    }

    #[test]
    fn request_bodies_start_with_the_declaration() {
        let u = Url::parse("https://x.example/cal/").unwrap();
        let token = SyncToken::new("t");
        let requests = [
            principal_request(u.clone()),
            home_request(u.clone()),
            list_request(u.clone(), Markers::ALL),
            sync_request(u.clone(), Some(&token)),
            sync_request(u.clone(), None),
            etag_request(u.clone()),
            multiget_request(u, &[Href::new("/cal/a.ics")]),
        ];
        for r in requests {
            let body = r.body.unwrap();
            assert!(
                body.starts_with(b"<?xml"),
                "{}",
                String::from_utf8_lossy(&body)
            );
            assert!(crate::xml::parse_error_conditions(&body).is_empty());
            assert_eq!(r.headers["Content-Type"], "application/xml; charset=utf-8");
        }
    }

    #[test]
    fn refuses_plain_http_off_loopback() {
        assert!(matches!(
            CaldavClient::new("http://dav.example.com/", None, Limits::default()),
            Err(CaldavError::InvalidUrl { .. })
        ));
    }
}
