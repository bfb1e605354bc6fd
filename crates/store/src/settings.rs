//! The user's app settings (sync interval, display zone), as text by key. The shell decides what
//! the keys and values mean; the store only keeps them across restarts.

use crate::{Store, StoreError};
use rusqlite::OptionalExtension;

impl Store {
    /// The value saved under `key`, if any.
    ///
    /// # Errors
    /// SQLite errors as classified by [`StoreError`].
    pub fn setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()?)
    }

    /// Saves `value` under `key`, or forgets the key when `value` is `None`.
    ///
    /// # Errors
    /// SQLite errors as classified by [`StoreError`].
    pub fn set_setting(&mut self, key: &str, value: Option<&str>) -> Result<(), StoreError> {
        match value {
            Some(value) => self.conn.execute(
                "INSERT INTO settings (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )?,
            None => self
                .conn
                .execute("DELETE FROM settings WHERE key = ?1", [key])?,
        };
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::Store;

    #[test]
    fn settings_are_kept_replaced_and_forgotten() {
        let mut store = Store::open_in_memory().unwrap();
        assert_eq!(store.setting("sync_minutes").unwrap(), None);
        store.set_setting("sync_minutes", Some("15")).unwrap();
        store.set_setting("sync_minutes", Some("30")).unwrap();
        assert_eq!(
            store.setting("sync_minutes").unwrap().as_deref(),
            Some("30")
        );
        store.set_setting("sync_minutes", None).unwrap();
        assert_eq!(store.setting("sync_minutes").unwrap(), None);
    }
}
