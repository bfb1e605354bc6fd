//! The `Secrets` trait and its OS keychain implementation (macOS Keychain, Windows Credential
//! Manager, the Secret Service on Linux). Passwords live there and in memory while used, never in
//! SQLite, configuration, logs or IPC.
//!
//! # Key scheme
//! One keychain entry per account: service [`SERVICE`], user name `"{username} {server}"` (the
//! account's login and the URL discovery starts from), so that two accounts on different servers
//! with the same login never share an entry. On Linux the Secret Service item carries the
//! attributes `service` and `username` with those values, so
//! `secret-tool lookup service app.almanac.desktop username "jane@icloud.com https://caldav.icloud.com/"`
//! finds it.
//!
//! Every call blocks on the platform's keychain (D-Bus on Linux): call it from a blocking thread.

#[cfg(feature = "memory")]
mod memory;

#[cfg(feature = "memory")]
pub use memory::MemorySecrets;

use almanac_core::Password;

/// The keychain service name all of Almanac's entries use.
pub const SERVICE: &str = "app.almanac.desktop";

/// Which account a secret belongs to.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SecretKey {
    /// The login sent to the server (the Apple ID for iCloud).
    pub username: String,
    /// The URL discovery starts from.
    pub server: String,
}

impl SecretKey {
    /// The keychain's user field for this account.
    pub fn entry_user(&self) -> String {
        format!("{} {}", self.username, self.server)
    }
}

/// Why the keychain could not do what was asked. None of these carries the secret.
#[derive(Debug, thiserror::Error)]
pub enum SecretsError {
    /// No password is stored for this account: sign in again.
    #[error("no password is stored for {user}")]
    NotFound {
        /// The entry's user field.
        user: String,
    },
    /// The keychain cannot be reached or refused access; the user must start or unlock it.
    #[error(
        "the system keychain is not available ({reason}). On Linux, Almanac keeps passwords in \
         the Secret Service: make sure GNOME Keyring or KWallet is running and unlocked."
    )]
    Unavailable {
        /// What the platform said, without any secret.
        reason: String,
    },
}

/// Stores, loads and removes account passwords.
pub trait Secrets: Send + Sync {
    /// Stores or replaces the password for `key`.
    ///
    /// # Errors
    /// [`SecretsError::Unavailable`] when the keychain cannot be reached or refuses.
    fn store(&self, key: &SecretKey, password: &Password) -> Result<(), SecretsError>;

    /// Loads the password for `key`.
    ///
    /// # Errors
    /// [`SecretsError::NotFound`] when none is stored; [`SecretsError::Unavailable`] as above.
    fn load(&self, key: &SecretKey) -> Result<Password, SecretsError>;

    /// Removes the password for `key`; removing one that is not there is not an error.
    ///
    /// # Errors
    /// [`SecretsError::Unavailable`] when the keychain cannot be reached or refuses.
    fn remove(&self, key: &SecretKey) -> Result<(), SecretsError>;
}

/// The OS keychain.
#[derive(Clone, Debug)]
pub struct KeyringSecrets {
    service: String,
}

impl Default for KeyringSecrets {
    fn default() -> Self {
        Self {
            service: SERVICE.to_string(),
        }
    }
}

impl KeyringSecrets {
    /// A store under another service name, so tests never touch a person's real entries.
    pub fn with_service(service: impl Into<String>) -> Self {
        Self {
            service: service.into(),
        }
    }

    fn entry(&self, key: &SecretKey) -> Result<keyring::Entry, SecretsError> {
        keyring::Entry::new(&self.service, &key.entry_user()).map_err(unavailable)
    }
}

fn unavailable(err: keyring::Error) -> SecretsError {
    // keyring's errors describe the platform failure; none of them embeds the password.
    SecretsError::Unavailable {
        reason: err.to_string(),
    }
}

impl Secrets for KeyringSecrets {
    fn store(&self, key: &SecretKey, password: &Password) -> Result<(), SecretsError> {
        self.entry(key)?
            .set_password(password.expose())
            .map_err(unavailable)
    }

    fn load(&self, key: &SecretKey) -> Result<Password, SecretsError> {
        match self.entry(key)?.get_password() {
            Ok(secret) => Ok(Password::new(secret)),
            Err(keyring::Error::NoEntry) => Err(SecretsError::NotFound {
                user: key.entry_user(),
            }),
            Err(err) => Err(unavailable(err)),
        }
    }

    fn remove(&self, key: &SecretKey) -> Result<(), SecretsError> {
        match self.entry(key)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(err) => Err(unavailable(err)),
        }
    }
}
