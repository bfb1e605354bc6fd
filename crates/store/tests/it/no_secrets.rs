//! The store never holds a password (design.md §4): nothing in its API takes one, no column is
//! meant for one, and after a realistic session the password's bytes are nowhere in the files,
//! while a password-shaped user name is found exactly where user names live (so the scan works).

use crate::common::{at, ical_fixture, listing, upsert};
use almanac_core::{AccountKind, AccountState, Password, SyncToken};
use almanac_store::{Batch, Store};

const SECRET: &str = "qwer-tyui-opas-dfgh";
const SHAPED_USERNAME: &str = "zxcv-bnml-kjhg-fdsa";

fn files_contain(dir: &std::path::Path, needle: &str) -> bool {
    std::fs::read_dir(dir).unwrap().any(|e| {
        let bytes = std::fs::read(e.unwrap().path()).unwrap();
        bytes.windows(needle.len()).any(|w| w == needle.as_bytes())
    })
}

#[test]
fn a_session_leaves_no_password_in_the_database_files() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("almanac.sqlite");
    {
        // What sign-in and one sync do, with the password held by the caller the whole time.
        let password = Password::new(SECRET);
        assert!(password.is_app_specific_shape());
        let mut s = Store::open(&path).unwrap();
        let a = s
            .add_account(
                AccountKind::Icloud,
                "someone@icloud.com",
                "https://caldav.icloud.com/",
            )
            .unwrap();
        let b = s
            .add_account(
                AccountKind::Caldav,
                SHAPED_USERNAME,
                "https://dav.example.org/",
            )
            .unwrap();
        s.set_home_url(a, Some("https://p42-caldav.icloud.com/123/calendars/"))
            .unwrap();
        let cal = s
            .upsert_calendar(a, &listing("/123/calendars/home/", "Home"))
            .unwrap();
        s.apply_batch(
            cal,
            &Batch {
                upserts: vec![upsert(
                    "/123/calendars/home/w.ics",
                    "\"1\"",
                    ical_fixture("icloud_weekly_berlin.ics"),
                )],
                new_sync_token: Some(SyncToken::new("HwoQEgwAAA==")),
                ..Batch::default()
            },
        )
        .unwrap();
        s.record_success(a, at(2026, 7, 1, 12, 0)).unwrap();
        s.set_account_state(a, AccountState::NeedsRelink).unwrap();
        s.set_account_state(b, AccountState::Offline).unwrap();
        assert_eq!(password.expose(), SECRET);
    }
    assert!(
        !files_contain(dir.path(), SECRET),
        "the password reached the database files"
    );
    assert!(
        files_contain(dir.path(), SHAPED_USERNAME),
        "the scan must see stored text"
    );

    // Where the password-shaped user name is stored: accounts.username and nowhere else.
    let conn = rusqlite::Connection::open(&path).unwrap();
    let mut places = Vec::new();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'search_%'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for table in &tables {
        let columns: Vec<String> = conn
            .prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        for column in columns {
            let lower = column.to_ascii_lowercase();
            for banned in ["pass", "secret", "credential", "auth", "keychain"] {
                assert!(
                    !lower.contains(banned),
                    "{table}.{column} looks meant for a secret"
                );
            }
            let n: i64 = conn
                .query_row(
                    &format!(
                        "SELECT count(*) FROM \"{table}\" WHERE CAST(\"{column}\" AS TEXT) LIKE ?1"
                    ),
                    [format!("%{SHAPED_USERNAME}%")],
                    |r| r.get(0),
                )
                .unwrap();
            if n > 0 {
                places.push(format!("{table}.{column}"));
            }
        }
    }
    assert_eq!(places, ["accounts.username"]);
}
