//! An in-memory [`Secrets`] for other crates' unit tests; the app never uses it.

use crate::{SecretKey, Secrets, SecretsError};
use almanac_core::Password;
use std::collections::HashMap;
use std::sync::Mutex;

/// Secrets in a map; with [`MemorySecrets::unavailable`] every call fails like a missing keychain.
#[derive(Debug, Default)]
pub struct MemorySecrets {
    entries: Mutex<HashMap<SecretKey, Password>>,
    broken: bool,
}

impl MemorySecrets {
    /// A store whose every call fails as if no keychain daemon ran.
    pub fn unavailable() -> Self {
        Self {
            entries: Mutex::default(),
            broken: true,
        }
    }

    fn with<T>(
        &self,
        f: impl FnOnce(&mut HashMap<SecretKey, Password>) -> T,
    ) -> Result<T, SecretsError> {
        if self.broken {
            return Err(SecretsError::Unavailable {
                reason: "no keychain in this test".into(),
            });
        }
        let mut entries = self
            .entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        Ok(f(&mut entries))
    }
}

impl Secrets for MemorySecrets {
    fn store(&self, key: &SecretKey, password: &Password) -> Result<(), SecretsError> {
        self.with(|m| {
            m.insert(key.clone(), password.clone());
        })
    }

    fn load(&self, key: &SecretKey) -> Result<Password, SecretsError> {
        self.with(|m| m.get(key).cloned())?
            .ok_or_else(|| SecretsError::NotFound {
                user: key.entry_user(),
            })
    }

    fn remove(&self, key: &SecretKey) -> Result<(), SecretsError> {
        self.with(|m| {
            m.remove(key);
        })
    }
}
