//! The local mirror: SQLite through rusqlite, with numbered forward-only migrations; accounts
//! (never secrets), calendars, resources (href, etag, raw ICS), an occurrence index for range
//! queries, full-text search and sync state. Every applied batch is one transaction, and a sync
//! token is written in the same transaction as the batch that completes it.
