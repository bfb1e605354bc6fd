//! The schema and its numbered, forward-only migrations.
//!
//! `PRAGMA user_version` holds the number of migrations applied. Each migration runs in its own
//! transaction together with the version bump, so a crash leaves the file at a whole version.
//! Migrations only ever append: a shipped migration is never edited, and a file from a newer
//! Almanac (a higher version than [`LATEST`]) is refused rather than guessed at.
//!
//! The occurrence index and the search table are derived data. A migration that adds or changes
//! them marks every resource `indexed = 0`; [`crate::Store::open`] then re-parses those resources
//! from their raw ICS, which is why the raw text is always kept.
//!
//! The shape after the last migration:
//! - `accounts` (kind, username, server_url, home_url, state, backoff_until, last_success;
//!   unique username + server_url). No secret, ever.
//! - `calendars` (account (none for a subscription the user made without one), href, name,
//!   color, sort_order, components, read_only, enabled, ctag, sync_token, feed_url; unique
//!   account + href, and href alone without an account), cascading from accounts; `feeds`
//!   (calendar, listed by the account's server, the feed's ETag and Last-Modified, when it was
//!   last checked and last fetched) for calendars with a `feed_url`, cascading from calendars.
//! - `resources` (calendar, href, etag, uid (the first, when it holds several), uid_count,
//!   quarantine_reason, indexed, recurring (0 single, 1 series materialised over the horizon,
//!   2 series expanded on demand), first start; unique calendar + href) and `resource_texts`
//!   (the raw ICS), cascading from calendars.
//! - `occurrence_index`, WITHOUT ROWID, clustered by (floating, start_key, resource, seq), with
//!   a partial index for occurrences longer than a week and one by resource; cascading from
//!   resources.
//! - `search`, an FTS5 table (summary, location, description) with rowid = resource id, emptied
//!   by a trigger when its resource goes.
//! - `meta` (key, value): the horizon, the derivation-rules version and how far alarms were
//!   delivered.
//! - `settings` (key, value): the user's app settings as text.
//! - per-calendar sync health: `calendars.problem` and `calendars.missing_since`;
//!   `pending_fetches` (calendar, href, tries) and `held_deletions` (calendar, href), cascading
//!   from calendars; `calendar_choices` (account, href, enabled, notify) of removed calendars.

use crate::StoreError;
use rusqlite::{Connection, OptionalExtension};

/// Migration `n` (1-based) is `MIGRATIONS[n - 1]`.
const MIGRATIONS: &[&str] = &[
    // 1: the mirror itself: accounts (never a secret), calendars and raw resources.
    "CREATE TABLE accounts (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CONSTRAINT accounts_kind_known CHECK (kind IN ('icloud', 'caldav')),
        username TEXT NOT NULL,
        server_url TEXT NOT NULL,
        home_url TEXT,
        state TEXT NOT NULL DEFAULT 'active',
        backoff_until INTEGER,
        last_success INTEGER,
        CONSTRAINT accounts_unique_login UNIQUE (username, server_url)
    );
    CREATE TABLE calendars (
        id INTEGER PRIMARY KEY,
        account_id INTEGER NOT NULL
            CONSTRAINT calendars_account_fk REFERENCES accounts (id) ON DELETE CASCADE,
        href TEXT NOT NULL,
        name TEXT NOT NULL,
        color TEXT,
        sort_order INTEGER,
        components TEXT NOT NULL,
        read_only INTEGER NOT NULL DEFAULT 0,
        enabled INTEGER NOT NULL DEFAULT 1,
        ctag TEXT,
        sync_token TEXT,
        CONSTRAINT calendars_unique_href UNIQUE (account_id, href)
    );
    CREATE TABLE resources (
        id INTEGER PRIMARY KEY,
        calendar_id INTEGER NOT NULL
            CONSTRAINT resources_calendar_fk REFERENCES calendars (id) ON DELETE CASCADE,
        href TEXT NOT NULL,
        etag TEXT NOT NULL,
        uid TEXT,
        ics TEXT NOT NULL,
        quarantine_reason TEXT,
        CONSTRAINT resources_unique_href UNIQUE (calendar_id, href)
    );
    CREATE INDEX resources_quarantined ON resources (calendar_id)
        WHERE quarantine_reason IS NOT NULL;",
    // 2: the occurrence index. Keys are UTC seconds for zoned and UTC starts, and wall-clock
    // seconds read as if UTC for floating and all-day starts (`floating = 1`), which the query
    // compares with the viewer's wall-clock window.
    "ALTER TABLE resources ADD COLUMN indexed INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE resources ADD COLUMN recurring INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE resources ADD COLUMN start_kind INTEGER;
    ALTER TABLE resources ADD COLUMN start_local INTEGER;
    ALTER TABLE resources ADD COLUMN start_tz TEXT;
    CREATE INDEX resources_pending ON resources (id) WHERE indexed = 0;
    CREATE INDEX resources_recurring ON resources (calendar_id) WHERE recurring = 1;
    CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value INTEGER NOT NULL
    );
    CREATE TABLE occurrences (
        resource_id INTEGER NOT NULL
            CONSTRAINT occurrences_resource_fk REFERENCES resources (id) ON DELETE CASCADE,
        floating INTEGER NOT NULL,
        long INTEGER NOT NULL,
        start_key INTEGER NOT NULL,
        end_key INTEGER NOT NULL,
        start_kind INTEGER NOT NULL,
        start_local INTEGER NOT NULL,
        start_tz TEXT,
        end_kind INTEGER NOT NULL,
        end_local INTEGER NOT NULL,
        end_tz TEXT,
        rid_kind INTEGER,
        rid_local INTEGER,
        rid_tz TEXT,
        status TEXT,
        summary TEXT,
        location TEXT
    );
    CREATE INDEX occurrences_by_start ON occurrences (floating, start_key);
    CREATE INDEX occurrences_long_by_start ON occurrences (floating, start_key) WHERE long = 1;
    CREATE INDEX occurrences_by_resource ON occurrences (resource_id);
    UPDATE resources SET indexed = 0;",
    // 3: full-text search over summary, location and description, one row per resource
    // (rowid = resources.id). Virtual tables take no foreign keys, so a trigger follows deletes,
    // including those cascading from a calendar or an account.
    "CREATE VIRTUAL TABLE search USING fts5 (
        summary, location, description,
        tokenize = 'unicode61 remove_diacritics 2'
    );
    CREATE TRIGGER resources_search_cleanup AFTER DELETE ON resources BEGIN
        DELETE FROM search WHERE rowid = old.id;
    END;
    UPDATE resources SET indexed = 0;",
    // 4: for range queries on large stores (see benches/occurrences.rs). The occurrence index is
    // clustered by its key (WITHOUT ROWID), so a month reads consecutive pages rather than one
    // table row per index entry; `seq` tells apart occurrences of one resource that share a
    // start (an override moved onto another occurrence's time). The raw text moves to its own
    // table, so the per-occurrence lookup of href and UID reads a compact `resources`.
    "CREATE TABLE resource_texts (
        resource_id INTEGER PRIMARY KEY
            CONSTRAINT resource_texts_resource_fk REFERENCES resources (id) ON DELETE CASCADE,
        ics TEXT NOT NULL
    );
    INSERT INTO resource_texts (resource_id, ics) SELECT id, ics FROM resources;
    ALTER TABLE resources DROP COLUMN ics;
    DROP TABLE occurrences;
    CREATE TABLE occurrence_index (
        floating INTEGER NOT NULL,
        start_key INTEGER NOT NULL,
        resource_id INTEGER NOT NULL
            CONSTRAINT occurrence_index_resource_fk REFERENCES resources (id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        long INTEGER NOT NULL,
        end_key INTEGER NOT NULL,
        start_kind INTEGER NOT NULL,
        start_local INTEGER NOT NULL,
        start_tz TEXT,
        end_kind INTEGER NOT NULL,
        end_local INTEGER NOT NULL,
        end_tz TEXT,
        rid_kind INTEGER,
        rid_local INTEGER,
        rid_tz TEXT,
        status TEXT,
        summary TEXT,
        location TEXT,
        CONSTRAINT occurrence_index_pk PRIMARY KEY (floating, start_key, resource_id, seq)
    ) WITHOUT ROWID;
    CREATE INDEX occurrence_index_by_resource ON occurrence_index (resource_id);
    CREATE INDEX occurrence_index_long ON occurrence_index (floating, start_key) WHERE long = 1;
    UPDATE resources SET indexed = 0;",
    // 5: each occurrence row carries its resource's calendar, href, UID and recurring flag, so a
    // range query reads only the clustered index and never looks a resource up per row. The
    // values never go stale: a resource keeps its calendar and href for life, and its UID and
    // recurrence are re-derived together with its occurrences.
    "ALTER TABLE occurrence_index ADD COLUMN calendar_id INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE occurrence_index ADD COLUMN href TEXT NOT NULL DEFAULT '';
    ALTER TABLE occurrence_index ADD COLUMN uid TEXT NOT NULL DEFAULT '';
    ALTER TABLE occurrence_index ADD COLUMN recurring INTEGER NOT NULL DEFAULT 0;
    UPDATE resources SET indexed = 0;",
    // 6: `resources.recurring = 2` marks a series too dense to materialise (more occurrences in
    // the horizon than the expansion limit, as an hourly rule has): queries always expand it,
    // and this index finds those few without a scan. Series indexed before may hold a truncated
    // set, so they are derived again.
    "CREATE INDEX resources_on_demand ON resources (calendar_id) WHERE recurring = 2;
    UPDATE resources SET indexed = 0 WHERE recurring = 1;",
    // 7: the user's choices: whether a calendar's alarms notify, and app settings (sync
    // interval, display zone) as text by key. Secrets never go here.
    "ALTER TABLE calendars ADD COLUMN notify INTEGER NOT NULL DEFAULT 1;
    CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );",
    // 8: per-calendar sync health, kept so every process sees it (design.md §3, one calendar's
    // failure is that calendar's): its last problem in words; when it went missing from the
    // home listing; members asked for and not delivered, with their tries; deletions the
    // mass-deletion guard held; and the user's switches of a removed calendar, by href, for
    // when it comes back.
    "ALTER TABLE calendars ADD COLUMN problem TEXT;
    ALTER TABLE calendars ADD COLUMN missing_since INTEGER;
    CREATE TABLE pending_fetches (
        calendar_id INTEGER NOT NULL
            CONSTRAINT pending_fetches_calendar_fk REFERENCES calendars (id) ON DELETE CASCADE,
        href TEXT NOT NULL,
        tries INTEGER NOT NULL DEFAULT 1,
        CONSTRAINT pending_fetches_key PRIMARY KEY (calendar_id, href)
    ) WITHOUT ROWID;
    CREATE TABLE held_deletions (
        calendar_id INTEGER NOT NULL
            CONSTRAINT held_deletions_calendar_fk REFERENCES calendars (id) ON DELETE CASCADE,
        href TEXT NOT NULL,
        CONSTRAINT held_deletions_key PRIMARY KEY (calendar_id, href)
    ) WITHOUT ROWID;
    CREATE TABLE calendar_choices (
        account_id INTEGER NOT NULL
            CONSTRAINT calendar_choices_account_fk REFERENCES accounts (id) ON DELETE CASCADE,
        href TEXT NOT NULL,
        enabled INTEGER NOT NULL,
        notify INTEGER NOT NULL,
        CONSTRAINT calendar_choices_key PRIMARY KEY (account_id, href)
    ) WITHOUT ROWID;",
    // 9: how many UIDs a resource holds. One is the rule (RFC 4791 §4.1); a resource some
    // server or importer filled with several keeps all their events now, and is listed with a
    // note. Every resource is read again, since a resource read before kept its first UID only.
    "ALTER TABLE resources ADD COLUMN uid_count INTEGER NOT NULL DEFAULT 1;
    CREATE INDEX resources_multi_uid ON resources (calendar_id) WHERE uid_count > 1;
    UPDATE resources SET indexed = 0;",
    // 10: subscriptions: calendars whose events come from a feed (`feed_url`), the user's own
    // (which may belong to no account, so `account_id` becomes nullable: the table is rebuilt,
    // see REBUILDS) and those an account's server lists (iCloud's subscribed calendars), with
    // what each feed's server said about its last copy (ETag, Last-Modified) and when it was
    // last asked and last answered with a copy.
    "CREATE TABLE calendars_v10 (
        id INTEGER PRIMARY KEY,
        account_id INTEGER
            CONSTRAINT calendars_v10_account_fk REFERENCES accounts (id) ON DELETE CASCADE,
        href TEXT NOT NULL,
        name TEXT NOT NULL,
        color TEXT,
        sort_order INTEGER,
        components TEXT NOT NULL,
        read_only INTEGER NOT NULL DEFAULT 0,
        enabled INTEGER NOT NULL DEFAULT 1,
        ctag TEXT,
        sync_token TEXT,
        notify INTEGER NOT NULL DEFAULT 1,
        problem TEXT,
        missing_since INTEGER,
        feed_url TEXT,
        CONSTRAINT calendars_v10_unique_href UNIQUE (account_id, href)
    );
    INSERT INTO calendars_v10 (id, account_id, href, name, color, sort_order, components,
        read_only, enabled, ctag, sync_token, notify, problem, missing_since)
    SELECT id, account_id, href, name, color, sort_order, components, read_only, enabled, ctag,
        sync_token, notify, problem, missing_since FROM calendars;
    DROP TABLE calendars;
    ALTER TABLE calendars_v10 RENAME TO calendars;
    CREATE UNIQUE INDEX calendars_unique_own_feed ON calendars (href) WHERE account_id IS NULL;
    CREATE TABLE feeds (
        calendar_id INTEGER PRIMARY KEY
            CONSTRAINT feeds_calendar_fk REFERENCES calendars (id) ON DELETE CASCADE,
        listed INTEGER NOT NULL DEFAULT 0,
        etag TEXT,
        last_modified TEXT,
        checked_at INTEGER,
        fetched_at INTEGER
    );",
    // The outbox: the user's changes until the server has them (see `outbox.rs`): per
    // resource, what to send, the server copy it is based on, a revision counter, the server's
    // reason for a refusal, and for a conflict what happened on the server.
    "CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        calendar_id INTEGER NOT NULL
            CONSTRAINT outbox_calendar_fk REFERENCES calendars (id) ON DELETE CASCADE,
        href TEXT NOT NULL,
        change TEXT NOT NULL
            CONSTRAINT outbox_change_known CHECK (change IN ('created', 'modified', 'deleted', 'conflict')),
        base_etag TEXT,
        base_ics TEXT,
        local_ics TEXT,
        local_rev INTEGER NOT NULL DEFAULT 1,
        last_error TEXT,
        conflict TEXT,
        CONSTRAINT outbox_one_per_resource UNIQUE (calendar_id, href)
    );",
];

/// Migrations that rebuild a table other tables refer to. They run with foreign keys off, as
/// SQLite's own procedure for such changes says (with them on, dropping the old table would
/// delete every row that refers to it), and every key is checked before they commit.
const REBUILDS: &[u32] = &[10];

/// The schema version this build writes.
pub(crate) const LATEST: u32 = MIGRATIONS.len() as u32;

/// The version of the rules that derive occurrences and search rows from raw text. Bump it when
/// `almanac_ical` starts reading something differently (a new TZID mapping, a parse that used to
/// fail): [`crate::Store::open`] then re-reads every resource, quarantined ones included, from
/// the raw text it kept.
const DERIVED_VERSION: i64 = 1;

/// Marks every resource for re-indexing when the derived rows were made by other rules.
pub(crate) fn invalidate_stale_derived_rows(conn: &Connection) -> Result<(), StoreError> {
    let stored: Option<i64> = conn
        .query_row(
            "SELECT value FROM meta WHERE key = 'derived_version'",
            [],
            |r| r.get(0),
        )
        .optional()?;
    if stored != Some(DERIVED_VERSION) {
        conn.execute("UPDATE resources SET indexed = 0", [])?;
        conn.execute(
            "INSERT INTO meta (key, value) VALUES ('derived_version', ?1)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [DERIVED_VERSION],
        )?;
    }
    Ok(())
}

/// The version recorded in the file (0 for a new file).
pub(crate) fn version(conn: &Connection) -> Result<u32, StoreError> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
}

/// Brings the file up to `target`, one transaction per migration.
///
/// # Errors
/// [`StoreError::Corrupt`] when the file is newer than this build knows; SQLite errors as
/// classified by [`StoreError`].
pub(crate) fn migrate_to(conn: &mut Connection, target: u32) -> Result<(), StoreError> {
    let found = version(conn)?;
    if found > LATEST {
        return Err(StoreError::Corrupt {
            reason: format!(
                "schema version {found} is newer than this Almanac supports ({LATEST})"
            ),
        });
    }
    for (n, sql) in (1..=target).zip(MIGRATIONS).skip(found as usize) {
        if REBUILDS.contains(&n) {
            // Foreign keys can only be switched outside a transaction.
            let enforced: bool = conn.query_row("PRAGMA foreign_keys", [], |r| r.get(0))?;
            conn.pragma_update(None, "foreign_keys", false)?;
            let applied = apply(conn, n, sql, true);
            conn.pragma_update(None, "foreign_keys", enforced)?;
            applied?;
        } else {
            apply(conn, n, sql, false)?;
        }
        tracing::info!(version = n, "store schema migrated");
    }
    Ok(())
}

/// Runs migration `n` and the version bump in one transaction; with `check_keys`, refuses to
/// commit when any foreign key points nowhere.
fn apply(conn: &mut Connection, n: u32, sql: &str, check_keys: bool) -> Result<(), StoreError> {
    let tx = conn.transaction()?;
    tx.execute_batch(sql)?;
    if check_keys && tx.prepare("PRAGMA foreign_key_check")?.exists([])? {
        return Err(StoreError::Corrupt {
            reason: format!("migration {n} left a foreign key pointing nowhere"),
        });
    }
    tx.pragma_update(None, "user_version", n)?;
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn index_and_constraint_names_are_unique() {
        let mut names = HashSet::new();
        let mut count = 0;
        for sql in MIGRATIONS {
            let words: Vec<&str> = sql.split_whitespace().collect();
            for w in words.windows(3) {
                // `ALTER TABLE x` and `DROP TABLE x` name an existing table.
                if matches!(w[1], "INDEX" | "CONSTRAINT" | "TRIGGER" | "TABLE")
                    && !matches!(w[0], "ALTER" | "DROP")
                {
                    count += 1;
                    assert!(names.insert(w[2]), "{} defined twice", w[2]);
                }
            }
        }
        assert!(count > 10, "the scan found only {count} names");
    }

    #[test]
    fn a_newer_file_is_refused() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", LATEST + 1)
            .unwrap();
        let err = migrate_to(&mut conn, LATEST).unwrap_err();
        assert!(matches!(err, StoreError::Corrupt { .. }), "{err:?}");
    }

    /// Shape: a minimal VEVENT as RFC 5545 §3.6.1 allows it (floating times, no VTIMEZONE).
    const LUNCH: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n\
        BEGIN:VEVENT\r\nUID:lunch-1\r\nDTSTAMP:20260101T000000Z\r\n\
        DTSTART:20260701T120000\r\nDTEND:20260701T130000\r\nSUMMARY:Migrated lunch\r\n\
        END:VEVENT\r\nEND:VCALENDAR\r\n";

    /// Rows as a build at `version` wrote them: versions 1 to 3 kept the raw text in
    /// `resources.ics`, later ones in `resource_texts`.
    fn seed(conn: &Connection, version: u32) {
        conn.execute_batch(
            "INSERT INTO accounts (id, kind, username, server_url, state)
                VALUES (1, 'icloud', 'a@icloud.com', 'https://caldav.icloud.com/', 'needs_relink');
             INSERT INTO calendars (id, account_id, href, name, components, enabled, sync_token)
                VALUES (10, 1, '/1/calendars/home/', 'Home', 'VEVENT', 0, 'tok-1');",
        )
        .unwrap();
        let rows = [
            (1, "lunch.ics", Some("lunch-1"), LUNCH, None),
            (2, "bad.ics", None, "not iCalendar", Some("no VEVENT")),
        ];
        for (id, name, uid, ics, reason) in rows {
            let href = format!("/1/calendars/home/{name}");
            if version < 4 {
                // Versions 1 to 3 kept the raw text inline.
                conn.execute(
                    "INSERT INTO resources (id, calendar_id, href, etag, uid, ics, quarantine_reason)
                     VALUES (?1, 10, ?2, '\"e\"', ?3, ?4, ?5)",
                    (id, href, uid, ics, reason),
                )
                .unwrap();
            } else {
                conn.execute(
                    "INSERT INTO resources (id, calendar_id, href, etag, uid, quarantine_reason)
                     VALUES (?1, 10, ?2, '\"e\"', ?3, ?4)",
                    (id, href, uid, reason),
                )
                .unwrap();
                conn.execute(
                    "INSERT INTO resource_texts (resource_id, ics) VALUES (?1, ?2)",
                    (id, ics),
                )
                .unwrap();
            }
        }
    }

    #[test]
    fn every_earlier_version_migrates_with_its_data() {
        use almanac_core::{AccountId, AccountState, CalendarId, SyncToken};
        for start in 0..=LATEST {
            let mut conn = Connection::open_in_memory().unwrap();
            migrate_to(&mut conn, start).unwrap();
            assert_eq!(version(&conn).unwrap(), start);
            if start >= 1 {
                seed(&conn, start);
            }
            let store = crate::Store::setup(conn).unwrap();
            assert_eq!(version(&store.conn).unwrap(), LATEST);
            if start == 0 {
                assert!(store.accounts().unwrap().is_empty());
                continue;
            }
            let account = store.account(AccountId(1)).unwrap();
            assert_eq!(account.state, AccountState::NeedsRelink, "from {start}");
            let cal = CalendarId(10);
            assert!(!store.calendar(cal).unwrap().enabled);
            assert_eq!(
                store.sync_token(cal).unwrap(),
                Some(SyncToken::new("tok-1"))
            );
            assert_eq!(store.local_etags(cal).unwrap().len(), 2);
            let day = |d: u32| {
                chrono::NaiveDate::from_ymd_opt(2026, 7, d)
                    .unwrap()
                    .and_hms_opt(0, 0, 0)
                    .unwrap()
                    .and_utc()
            };
            let agenda = store
                .occurrences_between(day(1), day(2), chrono_tz::Tz::UTC, false)
                .unwrap();
            assert_eq!(agenda.len(), 1, "occurrences rebuilt from {start}");
            assert_eq!(agenda[0].summary.as_deref(), Some("Migrated lunch"));
            assert_eq!(
                store.search("migrated", 10).unwrap().len(),
                1,
                "from {start}"
            );
            let q = store.quarantined().unwrap();
            assert_eq!(q.len(), 1);
            assert_eq!(
                q[0].reason, "no VEVENT with a usable DTSTART",
                "re-read from {start}"
            );
            // The rebuilt calendars table is still what resources refer to, and cascades.
            let mut store = store;
            store.remove_account(AccountId(1)).unwrap();
            assert!(store.all_calendars().unwrap().is_empty());
            let left: i64 = store
                .conn
                .query_row("SELECT count(*) FROM resource_texts", [], |r| r.get(0))
                .unwrap();
            assert_eq!(left, 0, "keys cascade after the rebuild, from {start}");
        }
    }

    #[test]
    fn the_rebuild_keeps_foreign_keys_as_they_were_switched() {
        for enforced in [false, true] {
            let mut conn = Connection::open_in_memory().unwrap();
            conn.pragma_update(None, "foreign_keys", enforced).unwrap();
            migrate_to(&mut conn, LATEST).unwrap();
            let now: bool = conn
                .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
                .unwrap();
            assert_eq!(now, enforced);
        }
    }

    #[test]
    fn new_derivation_rules_re_read_every_resource() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate_to(&mut conn, LATEST).unwrap();
        seed(&conn, LATEST);
        conn.execute("UPDATE resources SET indexed = 1", [])
            .unwrap();
        invalidate_stale_derived_rows(&conn).unwrap();
        let pending: i64 = conn
            .query_row(
                "SELECT count(*) FROM resources WHERE indexed = 0",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(pending, 2);
        conn.execute("UPDATE resources SET indexed = 1", [])
            .unwrap();
        invalidate_stale_derived_rows(&conn).unwrap();
        let pending: i64 = conn
            .query_row(
                "SELECT count(*) FROM resources WHERE indexed = 0",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(pending, 0, "same rules, nothing to redo");
    }

    #[test]
    fn migrating_twice_is_a_no_op() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate_to(&mut conn, LATEST).unwrap();
        migrate_to(&mut conn, LATEST).unwrap();
        assert_eq!(version(&conn).unwrap(), LATEST);
    }
}
