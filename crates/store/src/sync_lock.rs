//! One sync of an account at a time across processes: the app and a CLI run share the store,
//! and two syncs of one account would each apply the same changes and race on its token. The
//! lock is an advisory lock on a file beside the database, held while a sync runs; the OS drops
//! it when the process ends, so a crash never leaves it held.

use crate::{Store, StoreError};
use almanac_core::AccountId;
use std::fs::{File, OpenOptions, TryLockError};
use std::path::PathBuf;

/// Held while one account syncs; dropping it lets the next sync of that account in.
#[derive(Debug)]
pub struct SyncLock {
    /// `None` for a store in memory, which no other process can open.
    _file: Option<File>,
}

impl Store {
    /// Takes the sync lock of `account`: `None` when another process holds it.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the lock file cannot be made (a read-only or full disk).
    pub fn try_lock_sync(&self, account: AccountId) -> Result<Option<SyncLock>, StoreError> {
        let Some(path) = self.lock_path(account) else {
            return Ok(Some(SyncLock { _file: None }));
        };
        let unavailable = |e: std::io::Error| StoreError::Unavailable {
            reason: format!("cannot make the sync lock {}: {e}", path.display()),
        };
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(unavailable)?;
        match file.try_lock() {
            Ok(()) => Ok(Some(SyncLock { _file: Some(file) })),
            Err(TryLockError::WouldBlock) => Ok(None),
            Err(TryLockError::Error(e)) => Err(unavailable(e)),
        }
    }

    fn lock_path(&self, account: AccountId) -> Option<PathBuf> {
        let db = self.conn.path().filter(|p| !p.is_empty())?;
        Some(PathBuf::from(format!("{db}.sync-{}.lock", account.0)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_store_on_the_same_file_waits_for_the_first_sync() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("almanac.sqlite3");
        let (app, cli) = (Store::open(&path).unwrap(), Store::open(&path).unwrap());
        let held = app.try_lock_sync(AccountId(1)).unwrap();
        assert!(held.is_some());
        assert!(
            cli.try_lock_sync(AccountId(1)).unwrap().is_none(),
            "held elsewhere"
        );
        assert!(
            cli.try_lock_sync(AccountId(2)).unwrap().is_some(),
            "per account"
        );
        drop(held);
        assert!(
            cli.try_lock_sync(AccountId(1)).unwrap().is_some(),
            "released"
        );
    }

    #[test]
    fn a_store_in_memory_always_gets_its_lock() {
        let s = Store::open_in_memory().unwrap();
        let first = s.try_lock_sync(AccountId(1)).unwrap();
        assert!(first.is_some() && s.try_lock_sync(AccountId(1)).unwrap().is_some());
    }
}
