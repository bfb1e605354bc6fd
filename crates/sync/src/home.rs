//! The calendar home and its listing: the stored home is listed with one PROPFIND; discovery
//! runs the first time, and once more when the stored home fails as a moved one does.

use crate::engine::{Engine, Failure};
use crate::policy::may_have_moved;
use almanac_caldav::{CaldavClient, CaldavError, Listing, Markers, Url};
use almanac_core::{AccountId, Href};

impl Engine {
    /// The calendar listing: one PROPFIND on the stored home. When that home fails in a way a
    /// move could explain (iCloud moved the account to another partition host, whose old host
    /// now answers 503 or is gone), discovery runs once; if it names another home, that home is
    /// stored and listed. Never after a 401 (that is the revocation policy's business) or a
    /// Retry-After (the server asked us to wait). It asks for the change `markers` the plan
    /// needs.
    pub(crate) async fn listing(
        &self,
        account: AccountId,
        client: &CaldavClient,
        markers: Markers,
    ) -> Result<Listing, Failure> {
        let stored = self.with_store(move |s| s.home_url(account)).await?;
        let Some(Ok(url)) = stored.as_deref().map(Url::parse) else {
            let home = self.discover_home(account, client).await?;
            return Ok(client.list_calendars_with(&home, markers).await?);
        };
        client.set_home(url.clone())?;
        let failed = match client
            .list_calendars_with(&Href::new(url.path()), markers)
            .await
        {
            Ok(listing) => return Ok(listing),
            Err(e) if !may_have_moved(&e) => return Err(e.into()),
            Err(e) => e,
        };
        tracing::info!(error = %failed, "the stored calendar home failed; discovering it again");
        match client.discover().await {
            Ok(found) if found.home != url => {
                tracing::info!(home = %almanac_caldav::error::display_url(&found.home), "the calendar home moved");
                let home = found.home.to_string();
                self.with_store(move |s| s.set_home_url(account, Some(&home)))
                    .await?;
                Ok(client
                    .list_calendars_with(&Href::new(found.home.path()), markers)
                    .await?)
            }
            Err(e @ CaldavError::Unauthorized { .. }) => Err(e.into()),
            Ok(_) | Err(_) => Err(failed.into()),
        }
    }

    async fn discover_home(
        &self,
        account: AccountId,
        client: &CaldavClient,
    ) -> Result<Href, Failure> {
        let discovery = client.discover().await?;
        let home = discovery.home.to_string();
        self.with_store(move |s| s.set_home_url(account, Some(&home)))
            .await?;
        Ok(Href::new(discovery.home.path()))
    }
}
