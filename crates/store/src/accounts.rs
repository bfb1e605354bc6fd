//! Accounts and their sync state. No column holds a secret: the password lives in the OS
//! keychain (design.md §4), and nothing here accepts a `Password`.

use crate::error::not_found;
use crate::{Store, StoreError};
use almanac_core::{Account, AccountId, AccountKind, AccountState};
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Row};

const COLUMNS: &str = "id, kind, username, server_url, state, backoff_until, last_success";

fn kind_name(kind: AccountKind) -> &'static str {
    match kind {
        AccountKind::Icloud => "icloud",
        AccountKind::Caldav => "caldav",
    }
}

fn state_columns(state: AccountState) -> (&'static str, Option<i64>) {
    match state {
        AccountState::Active => ("active", None),
        AccountState::Syncing => ("syncing", None),
        AccountState::Offline => ("offline", None),
        // The server asked for the wait; "retry_later" is our own (stores before it wrote
        // "backoff" for both, which reads as the stricter one).
        AccountState::Backoff {
            until,
            server_asked: true,
        } => ("backoff", Some(until.timestamp())),
        AccountState::Backoff {
            until,
            server_asked: false,
        } => ("retry_later", Some(until.timestamp())),
        AccountState::Confirming { at } => ("confirming", Some(at.timestamp())),
        AccountState::NeedsRelink => ("needs_relink", None),
        AccountState::PasswordMissing => ("password_missing", None),
        AccountState::KeychainLocked => ("keychain_locked", None),
    }
}

fn corrupt(what: &str) -> rusqlite::Error {
    rusqlite::Error::InvalidColumnType(0, what.to_owned(), rusqlite::types::Type::Text)
}

fn timestamp(seconds: Option<i64>) -> rusqlite::Result<Option<DateTime<Utc>>> {
    seconds
        .map(|s| DateTime::from_timestamp(s, 0).ok_or_else(|| corrupt("timestamp")))
        .transpose()
}

fn account_from(row: &Row<'_>) -> rusqlite::Result<Account> {
    let kind = match row.get_ref(1)?.as_str()? {
        "icloud" => AccountKind::Icloud,
        "caldav" => AccountKind::Caldav,
        _ => return Err(corrupt("accounts.kind")),
    };
    let until = timestamp(row.get(5)?)?;
    let state = match (row.get_ref(4)?.as_str()?, until) {
        ("active", _) => AccountState::Active,
        ("syncing", _) => AccountState::Syncing,
        ("offline", _) => AccountState::Offline,
        ("backoff", Some(until)) => AccountState::Backoff {
            until,
            server_asked: true,
        },
        ("retry_later", Some(until)) => AccountState::Backoff {
            until,
            server_asked: false,
        },
        ("confirming", Some(at)) => AccountState::Confirming { at },
        ("needs_relink", _) => AccountState::NeedsRelink,
        ("password_missing", _) => AccountState::PasswordMissing,
        ("keychain_locked", _) => AccountState::KeychainLocked,
        _ => return Err(corrupt("accounts.state")),
    };
    Ok(Account {
        id: AccountId(row.get(0)?),
        kind,
        username: row.get(2)?,
        server_url: row.get(3)?,
        state,
        last_success: timestamp(row.get(6)?)?,
    })
}

impl Store {
    /// Adds an account in state [`AccountState::Active`]. Call it after the password was
    /// verified against the server and stored in the keychain; the store itself never sees it.
    ///
    /// # Errors
    /// [`StoreError::Conflict`] when an account with the same user name and server exists.
    pub fn add_account(
        &mut self,
        kind: AccountKind,
        username: &str,
        server_url: &str,
    ) -> Result<AccountId, StoreError> {
        self.conn
            .execute(
                "INSERT INTO accounts (kind, username, server_url) VALUES (?1, ?2, ?3)",
                (kind_name(kind), username, server_url),
            )
            .map_err(|e| match StoreError::from(e) {
                StoreError::Conflict { .. } => StoreError::Conflict { what: "account" },
                other => other,
            })?;
        Ok(AccountId(self.conn.last_insert_rowid()))
    }

    /// Every account, oldest first.
    ///
    /// # Errors
    /// [`StoreError::Corrupt`] when a stored value cannot be read back; others as classified.
    pub fn accounts(&self) -> Result<Vec<Account>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!("SELECT {COLUMNS} FROM accounts ORDER BY id"))?;
        let rows = stmt.query_map([], account_from)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// One account.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when it does not exist.
    pub fn account(&self, id: AccountId) -> Result<Account, StoreError> {
        self.conn
            .query_row(
                &format!("SELECT {COLUMNS} FROM accounts WHERE id = ?1"),
                [id.0],
                account_from,
            )
            .optional()?
            .ok_or_else(|| not_found("account", id))
    }

    /// Removes an account and, in the same transaction, all its calendars, resources,
    /// occurrences and search rows. The caller removes its keychain entry.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when it does not exist.
    pub fn remove_account(&mut self, id: AccountId) -> Result<(), StoreError> {
        let n = self
            .conn
            .execute("DELETE FROM accounts WHERE id = ?1", [id.0])?;
        if n == 0 {
            return Err(not_found("account", id));
        }
        Ok(())
    }

    /// Persists the account's state, so that [`AccountState::NeedsRelink`] survives a restart
    /// and the dead password is never sent again.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when the account does not exist.
    pub fn set_account_state(
        &mut self,
        id: AccountId,
        state: AccountState,
    ) -> Result<(), StoreError> {
        let (name, until) = state_columns(state);
        self.update_account(
            id,
            "UPDATE accounts SET state = ?2, backoff_until = ?3 WHERE id = ?1",
            (id.0, name, until),
        )
    }

    /// Records that a sync of the account completed without error at `at`.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when the account does not exist.
    pub fn record_success(&mut self, id: AccountId, at: DateTime<Utc>) -> Result<(), StoreError> {
        self.update_account(
            id,
            "UPDATE accounts SET last_success = ?2 WHERE id = ?1",
            (id.0, at.timestamp()),
        )
    }

    /// Remembers the calendar home found by discovery (a full URL: on iCloud it names the
    /// partition host), so the next sync skips discovery. `None` forgets it, forcing discovery
    /// again (after a redirect to a new partition, say).
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when the account does not exist.
    pub fn set_home_url(&mut self, id: AccountId, url: Option<&str>) -> Result<(), StoreError> {
        self.update_account(
            id,
            "UPDATE accounts SET home_url = ?2 WHERE id = ?1",
            (id.0, url),
        )
    }

    /// The calendar home remembered by [`Store::set_home_url`].
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when the account does not exist.
    pub fn home_url(&self, id: AccountId) -> Result<Option<String>, StoreError> {
        self.conn
            .query_row("SELECT home_url FROM accounts WHERE id = ?1", [id.0], |r| {
                r.get(0)
            })
            .optional()?
            .ok_or_else(|| not_found("account", id))
    }

    fn update_account(
        &mut self,
        id: AccountId,
        sql: &str,
        params: impl rusqlite::Params,
    ) -> Result<(), StoreError> {
        if self.conn.execute(sql, params)? == 0 {
            return Err(not_found("account", id));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> Store {
        Store::open_in_memory().unwrap()
    }

    #[test]
    fn accounts_round_trip_with_every_state() {
        let mut s = store();
        let id = s
            .add_account(
                AccountKind::Icloud,
                "a@icloud.com",
                "https://caldav.icloud.com/",
            )
            .unwrap();
        let until = DateTime::from_timestamp(1_790_000_000, 0).unwrap();
        for state in [
            AccountState::Syncing,
            AccountState::Offline,
            AccountState::Backoff {
                until,
                server_asked: true,
            },
            AccountState::Backoff {
                until,
                server_asked: false,
            },
            AccountState::Confirming { at: until },
            AccountState::NeedsRelink,
            AccountState::PasswordMissing,
            AccountState::KeychainLocked,
            AccountState::Active,
        ] {
            s.set_account_state(id, state).unwrap();
            assert_eq!(s.account(id).unwrap().state, state);
        }
        s.record_success(id, until).unwrap();
        let a = s.account(id).unwrap();
        assert_eq!(a.last_success, Some(until));
        assert_eq!(a.kind, AccountKind::Icloud);
        assert_eq!(s.accounts().unwrap(), vec![a]);
    }

    #[test]
    fn the_same_login_twice_is_a_conflict() {
        let mut s = store();
        s.add_account(AccountKind::Caldav, "bob", "https://dav.example/")
            .unwrap();
        let err = s
            .add_account(AccountKind::Caldav, "bob", "https://dav.example/")
            .unwrap_err();
        assert!(
            matches!(err, StoreError::Conflict { what: "account" }),
            "{err:?}"
        );
        s.add_account(AccountKind::Caldav, "bob", "https://other.example/")
            .unwrap();
    }

    #[test]
    fn home_url_is_remembered_and_forgotten() {
        let mut s = store();
        let id = s
            .add_account(
                AccountKind::Icloud,
                "a@icloud.com",
                "https://caldav.icloud.com/",
            )
            .unwrap();
        assert_eq!(s.home_url(id).unwrap(), None);
        let home = "https://p42-caldav.icloud.com/1234/calendars/";
        s.set_home_url(id, Some(home)).unwrap();
        assert_eq!(s.home_url(id).unwrap().as_deref(), Some(home));
        s.set_home_url(id, None).unwrap();
        assert_eq!(s.home_url(id).unwrap(), None);
    }

    #[test]
    fn missing_accounts_are_not_found() {
        let mut s = store();
        let ghost = AccountId(99);
        assert!(matches!(s.account(ghost), Err(StoreError::NotFound { .. })));
        assert!(matches!(
            s.remove_account(ghost),
            Err(StoreError::NotFound { .. })
        ));
        assert!(matches!(
            s.set_account_state(ghost, AccountState::Active),
            Err(StoreError::NotFound { .. })
        ));
    }
}
