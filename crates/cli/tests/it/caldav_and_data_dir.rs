//! `almanac account add caldav` against a real Radicale, and where the store lives: `--data-dir`
//! over `ALMANAC_DATA_DIR`, and by default the desktop app's own directory.

use crate::common::{json, text};
use serde_json::Value;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn almanac(env: &[(&str, &Path)], args: &[&str], stdin: &str) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_almanac"));
    cmd.args(args)
        .env_remove("ALMANAC_DATA_DIR")
        .env("TZ", "UTC")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    let mut pipe = child.stdin.take().unwrap();
    pipe.write_all(stdin.as_bytes()).unwrap();
    drop(pipe);
    child.wait_with_output().unwrap()
}

#[test]
fn a_caldav_account_signs_in_with_its_own_password_and_syncs() {
    let server = almanac_test_servers::radicale()
        .expect("Radicale starts (run `./x test` once to create the test venv)");
    let data = tempfile::tempdir().unwrap();
    let env = [("ALMANAC_DATA_DIR", data.path())];
    // Typed as people type it: the scheme in capitals, no trailing slash.
    let typed = server
        .base_url
        .replacen("http://", "HTTP://", 1)
        .trim_end_matches('/')
        .to_string();
    let add = |password: &str| {
        almanac(
            &env,
            &[
                "account",
                "add",
                "caldav",
                "--url",
                &typed,
                "--user",
                &server.user,
                "--password-stdin",
            ],
            &format!("{password}\r\n"),
        )
    };
    let refused = add("not-the-password");
    assert_eq!(refused.status.code(), Some(2), "{}", text(&refused));
    assert!(
        !text(&refused).contains("app-specific"),
        "iCloud words only for iCloud"
    );
    let listed = almanac(&env, &["account", "list", "--json"], "");
    assert_eq!(json(&listed), Value::Array(vec![]));

    // The CRLF a Windows pipe adds is not part of the password.
    let added = add(&server.password);
    assert_eq!(added.status.code(), Some(0), "{}", text(&added));
    let listed = json(&almanac(&env, &["account", "list", "--json"], ""));
    assert_eq!(listed[0]["kind"], "caldav");
    assert_eq!(listed[0]["username"], server.user.as_str());
    assert_eq!(
        listed[0]["server_url"],
        server.base_url.as_str(),
        "stored in one spelling"
    );
    let synced = almanac(&env, &["sync", "--account", &server.user, "--json"], "");
    assert_eq!(synced.status.code(), Some(0), "{}", text(&synced));
    assert_eq!(json(&synced)[0]["state"], "active");
    let removed = almanac(&env, &["account", "remove", &server.user], "");
    assert_eq!(removed.status.code(), Some(0), "{}", text(&removed));
}

#[test]
fn the_flag_beats_the_variable_and_the_default_is_the_apps_directory() {
    let by_env = tempfile::tempdir().unwrap();
    let by_flag = tempfile::tempdir().unwrap();
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/", closed.local_addr().unwrap());
    drop(closed);
    let flag = by_flag.path().to_str().unwrap();
    // Signing in opens (and so creates) the store before it reaches for the server.
    let args = [
        "--data-dir",
        flag,
        "account",
        "add",
        "caldav",
        "--url",
        &url,
        "--user",
        "jane",
        "--password-stdin",
    ];
    let out = almanac(&[("ALMANAC_DATA_DIR", by_env.path())], &args, "pw\n");
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    assert!(by_flag.path().join("almanac.sqlite3").exists());
    assert!(!by_env.path().join("almanac.sqlite3").exists());

    if cfg!(target_os = "linux") {
        // Tauri's app_data_dir on Linux: $XDG_DATA_HOME/<identifier>.
        let xdg = tempfile::tempdir().unwrap();
        let out = almanac(&[("XDG_DATA_HOME", xdg.path())], &args[2..], "pw\n");
        assert_eq!(out.status.code(), Some(3), "{}", text(&out));
        assert!(
            xdg.path()
                .join("app.almanac.desktop/almanac.sqlite3")
                .exists()
        );
    }
}
