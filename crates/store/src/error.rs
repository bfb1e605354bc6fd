//! The store's one error type, classified by what the caller can do about it.

use rusqlite::ffi::ErrorCode;

/// Why a store operation failed. Messages name tables, columns and keys, never stored values, so
/// an error can be logged or shown without leaking event text (and the store holds no secret).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database cannot be used right now: another process holds a lock, the disk is full or
    /// read-only, or the file cannot be opened. Nothing was changed; retry later or tell the
    /// user about the disk.
    #[error("local store unavailable: {reason}")]
    Unavailable {
        /// SQLite's description.
        reason: String,
    },
    /// The file is not an Almanac database, is damaged, or was written by a newer Almanac.
    /// Retrying will not help: the caller should offer to rebuild the local mirror from the
    /// server (no user data lives only here, except the `enabled` choices).
    #[error("local store is corrupt or unreadable: {reason}")]
    Corrupt {
        /// What was found.
        reason: String,
    },
    /// The account, calendar or resource named does not exist (it was removed meanwhile).
    #[error("{what} {key} not found")]
    NotFound {
        /// The kind of record: "account", "calendar", ...
        what: &'static str,
        /// Its key.
        key: String,
    },
    /// The change would duplicate a record that must be unique (the same account twice).
    #[error("{what} already exists")]
    Conflict {
        /// What would be duplicated.
        what: &'static str,
    },
    /// A bug in the store: SQL that does not fit the schema, or a value of the wrong type.
    /// Report it; retrying will fail the same way.
    #[error("local store internal error: {reason}")]
    Internal {
        /// rusqlite's description.
        reason: String,
    },
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        let reason = e.to_string();
        if matches!(
            e,
            rusqlite::Error::FromSqlConversionFailure(..) | rusqlite::Error::InvalidColumnType(..)
        ) {
            // A stored value this build cannot read back.
            return StoreError::Corrupt { reason };
        }
        match e.sqlite_error_code() {
            Some(
                ErrorCode::DatabaseBusy
                | ErrorCode::DatabaseLocked
                | ErrorCode::ReadOnly
                | ErrorCode::DiskFull
                | ErrorCode::CannotOpen
                | ErrorCode::SystemIoFailure
                | ErrorCode::PermissionDenied
                | ErrorCode::FileLockingProtocolFailed
                | ErrorCode::OutOfMemory
                | ErrorCode::NoLargeFileSupport,
            ) => StoreError::Unavailable { reason },
            Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase) => {
                StoreError::Corrupt { reason }
            }
            Some(ErrorCode::ConstraintViolation) => StoreError::Conflict { what: "record" },
            _ => StoreError::Internal { reason },
        }
    }
}

/// Maps "no row" to [`StoreError::NotFound`] for the record being looked up.
pub(crate) fn not_found(what: &'static str, key: impl ToString) -> StoreError {
    StoreError::NotFound {
        what,
        key: key.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_that_is_not_a_database_is_corrupt() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("not-a-db.sqlite");
        std::fs::write(
            &path,
            b"this is not SQLite, just some bytes of text long enough",
        )
        .unwrap();
        let err = crate::Store::open(&path).err().unwrap();
        assert!(matches!(err, StoreError::Corrupt { .. }), "{err:?}");
    }
}
