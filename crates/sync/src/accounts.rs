//! Accounts: signing in (the password verified before anything is stored), relinking with a
//! new password (kept local data, so the next sync is incremental), and removing. The keychain
//! key and the discovery start are here too: every front end names an account the same way.

use crate::engine::{Engine, ICLOUD_URL, locked, secret_key};
use crate::error::SyncError;
use crate::policy::may_have_moved;
use almanac_caldav::Url;
use almanac_core::{AccountId, AccountKind, AccountState, Password};
use almanac_store::StoreError;

/// Where an account of `kind` starts discovery, given what the user typed (if anything), in
/// the one spelling that is stored and used: discovery's reading of it
/// ([`almanac_caldav::discovery::start_url`]), so `dav.example.com`, `dav.example.com/` and
/// `HTTPS://Dav.Example.com` are all `https://dav.example.com/` (http stays for loopback
/// only). Text discovery cannot use is kept as typed, trimmed: the sign-in then fails on it
/// with discovery's own reason.
pub fn start_url(kind: AccountKind, typed: Option<&str>) -> String {
    match (kind, typed) {
        (_, Some(typed)) if !typed.trim().is_empty() => almanac_caldav::discovery::start_url(typed)
            .map_or_else(|_| typed.trim().to_string(), String::from),
        _ => ICLOUD_URL.to_string(),
    }
}

impl Engine {
    /// Verifies a new account's password against its server (discovery: a 401 means a wrong,
    /// revoked or main Apple ID password), then stores the password in the keychain and the
    /// account in the store. Nothing is stored when verification fails.
    ///
    /// # Errors
    /// [`SyncError::NeedsRelink`] for a refused password; [`SyncError::Unavailable`] when the
    /// server cannot be reached; [`SyncError::Server`] when it is not a CalDAV server;
    /// store and keychain failures as such.
    pub async fn add_account(
        &self,
        kind: AccountKind,
        server_url: &str,
        username: &str,
        password: Password,
    ) -> Result<AccountId, SyncError> {
        // Checked first, so a second sign-in of the same account neither sends a request nor
        // replaces the keychain entry of the one already there.
        let (user, url) = (username.to_string(), server_url.to_string());
        let exists = self
            .with_store(move |s| {
                Ok(s.accounts()?
                    .iter()
                    .any(|a| a.username == user && a.server_url == url))
            })
            .await?;
        if exists {
            return Err(SyncError::Store(StoreError::Conflict { what: "account" }));
        }
        let client = self.client(server_url, username, password.clone())?;
        let discovery = client
            .discover()
            .await
            .map_err(|e| SyncError::from_caldav(e, None))?;
        let key = secret_key(username, server_url);
        self.with_secrets(move |s| s.store(&key, &password)).await?;
        let (url, user, home) = (
            server_url.to_string(),
            username.to_string(),
            discovery.home.to_string(),
        );
        self.with_store(move |s| {
            let id = s.add_account(kind, &user, &url)?;
            s.set_home_url(id, Some(&home))?;
            Ok(id)
        })
        .await
    }

    /// Replaces a refused password: verifies the new one with one request to the known home,
    /// stores it in the keychain and makes the account Active again. Local data and sync tokens
    /// are kept, so the next sync is incremental.
    ///
    /// # Errors
    /// As [`Engine::add_account`].
    pub async fn relink(&self, account: AccountId, password: Password) -> Result<(), SyncError> {
        let (acct, home) = self
            .with_store(move |s| Ok((s.account(account)?, s.home_url(account)?)))
            .await?;
        let client = self.client(&acct.server_url, &acct.username, password.clone())?;
        // The stored home first (one request); discovery when there is none, or when the home
        // fails as a moved one does (the account may have changed partition meanwhile).
        let stored = home.as_deref().and_then(|h| Url::parse(h).ok());
        let verified = match stored {
            Some(home) => match client.set_home(home) {
                Ok(()) => match client.verify().await {
                    Err(e) if may_have_moved(&e) => client.discover().await.map(Some),
                    other => other.map(|()| None),
                },
                Err(e) => Err(e),
            },
            None => client.discover().await.map(Some),
        };
        let found = verified.map_err(|e| SyncError::from_caldav(e, Some(account)))?;
        if let Some(found) = found {
            let home = found.home.to_string();
            self.with_store(move |s| s.set_home_url(account, Some(&home)))
                .await?;
        }
        let key = secret_key(&acct.username, &acct.server_url);
        self.with_secrets(move |s| s.store(&key, &password)).await?;
        locked(&self.failures).remove(&account);
        self.set_state(account, AccountState::Active).await
    }

    /// Removes an account: its keychain entry and all its local data.
    ///
    /// # Errors
    /// Store and keychain failures.
    pub async fn remove_account(&self, account: AccountId) -> Result<(), SyncError> {
        let acct = self.with_store(move |s| s.account(account)).await?;
        let key = secret_key(&acct.username, &acct.server_url);
        self.with_secrets(move |s| s.remove(&key)).await?;
        self.with_store(move |s| s.remove_account(account)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typed_server_address_is_stored_in_one_spelling() {
        for typed in [
            "dav.example.com",
            "dav.example.com/",
            "  HTTPS://Dav.Example.com ",
            "https://dav.example.com:443",
        ] {
            assert_eq!(
                start_url(AccountKind::Caldav, Some(typed)),
                "https://dav.example.com/",
                "{typed:?}"
            );
        }
        assert_eq!(
            start_url(
                AccountKind::Caldav,
                Some("https://dav.example.com/remote.php/dav")
            ),
            "https://dav.example.com/remote.php/dav"
        );
        assert_eq!(
            start_url(AccountKind::Caldav, Some("http://127.0.0.1:5232")),
            "http://127.0.0.1:5232/",
            "loopback keeps http"
        );
        assert_eq!(
            start_url(AccountKind::Caldav, Some("HTTP://LocalHost:5232/")),
            "http://localhost:5232/"
        );
    }

    #[test]
    fn an_unusable_address_is_kept_for_the_sign_in_to_refuse() {
        assert_eq!(
            start_url(AccountKind::Caldav, Some(" http://dav.example.com ")),
            "http://dav.example.com"
        );
        assert_eq!(start_url(AccountKind::Icloud, None), ICLOUD_URL);
        assert_eq!(start_url(AccountKind::Icloud, Some("  ")), ICLOUD_URL);
    }
}
