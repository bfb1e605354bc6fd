//! The real keychain: on Linux, gnome-keyring's Secret Service in the private D-Bus session that
//! `./x test` opens (tests/with-keyring.sh). `secret-tool` checks from outside that the entry is
//! really in the Secret Service and not in some in-process fallback.

#![allow(clippy::expect_used)] // a test: a missing tool should fail it loudly

use almanac_core::Password;
use almanac_secrets::{KeyringSecrets, SecretKey, Secrets, SecretsError};
use std::process::Command;

fn unique_key(test: &str) -> SecretKey {
    SecretKey {
        username: format!("{test}-{}@icloud.com", std::process::id()),
        server: "https://caldav.icloud.com/".into(),
    }
}

fn secret_tool_lookup(service: &str, key: &SecretKey) -> Option<String> {
    let out = Command::new("secret-tool")
        .args(["lookup", "service", service, "username", &key.entry_user()])
        .output()
        .expect("secret-tool is installed by ./x test");
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn stores_loads_replaces_and_removes_in_the_secret_service() {
    let service = "app.almanac.tests";
    let secrets = KeyringSecrets::with_service(service);
    let key = unique_key("roundtrip");

    secrets
        .store(&key, &Password::new("abcd-efgh-ijkl-mnop"))
        .unwrap();
    assert_eq!(secrets.load(&key).unwrap().expose(), "abcd-efgh-ijkl-mnop");
    assert_eq!(
        secret_tool_lookup(service, &key).as_deref(),
        Some("abcd-efgh-ijkl-mnop")
    );

    secrets
        .store(&key, &Password::new("qrst-uvwx-yzab-cdef"))
        .unwrap();
    assert_eq!(secrets.load(&key).unwrap().expose(), "qrst-uvwx-yzab-cdef");

    secrets.remove(&key).unwrap();
    assert!(matches!(
        secrets.load(&key),
        Err(SecretsError::NotFound { .. })
    ));
    assert_eq!(secret_tool_lookup(service, &key), None);
    secrets.remove(&key).unwrap();
}

#[test]
fn missing_entries_are_not_found_and_errors_hold_no_secret() {
    let secrets = KeyringSecrets::with_service("app.almanac.tests");
    let key = unique_key("missing");
    let err = secrets.load(&key).unwrap_err();
    assert!(matches!(err, SecretsError::NotFound { .. }), "{err:?}");
    assert!(err.to_string().contains(&key.username));
}
