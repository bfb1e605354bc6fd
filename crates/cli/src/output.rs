//! Shapes shared by several commands: accounts and calendars as JSON and as words, and the one
//! way JSON is printed.

use almanac_core::{Account, AccountKind, AccountState, Calendar, ComponentKind};
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Value, json};

/// Prints one JSON value (an array or an object), pretty, on stdout.
///
/// # Errors
/// Never in practice: the values are built from plain data.
pub fn print_json(value: &Value) -> anyhow::Result<()> {
    out!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

/// RFC 3339 in UTC, to the second.
pub fn instant(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The state's stable name, as the store and the desktop app spell it.
pub fn state_name(state: &AccountState) -> &'static str {
    match state {
        AccountState::Active => "active",
        AccountState::Syncing => "syncing",
        AccountState::Offline => "offline",
        AccountState::Backoff { .. } => "backoff",
        AccountState::Confirming { .. } => "confirming",
        AccountState::NeedsRelink => "needs_relink",
        AccountState::PasswordMissing => "password_missing",
        AccountState::KeychainLocked => "keychain_locked",
    }
}

/// The state in words for people.
pub fn state_words(state: &AccountState) -> String {
    match state {
        AccountState::Active => "up to date".into(),
        AccountState::Syncing => "syncing".into(),
        AccountState::Offline => "offline".into(),
        AccountState::Backoff {
            until,
            server_asked: true,
        } => format!("the server asked to wait until {}", instant(*until)),
        AccountState::Backoff { until, .. } => {
            format!("retrying after a server error at {}", instant(*until))
        }
        AccountState::Confirming { at } => format!(
            "the password was refused once; asking the server again at {}",
            instant(*at)
        ),
        AccountState::NeedsRelink => "needs a new password".into(),
        AccountState::PasswordMissing => {
            "no password in the keychain; run `almanac account relink`".into()
        }
        AccountState::KeychainLocked => "the keychain is locked; unlock it and sync again".into(),
    }
}

/// `icloud` or `caldav`.
pub fn kind_name(kind: AccountKind) -> &'static str {
    match kind {
        AccountKind::Icloud => "icloud",
        AccountKind::Caldav => "caldav",
    }
}

/// An account as JSON: id, kind, username, server_url, state, backoff_until, last_success.
pub fn account_json(a: &Account) -> Value {
    let until = match a.state {
        AccountState::Backoff { until, .. } | AccountState::Confirming { at: until } => {
            Some(instant(until))
        }
        _ => None,
    };
    json!({
        "id": a.id.0,
        "kind": kind_name(a.kind),
        "username": a.username,
        "server_url": a.server_url,
        "state": state_name(&a.state),
        "backoff_until": until,
        "last_success": a.last_success.map(instant),
    })
}

/// A calendar as JSON.
pub fn calendar_json(c: &Calendar) -> Value {
    let components: Vec<&str> = c
        .components
        .iter()
        .map(|k| match k {
            ComponentKind::Vevent => "VEVENT",
            ComponentKind::Vtodo => "VTODO",
        })
        .collect();
    json!({
        "id": c.id.0,
        "account": c.account.map(|a| a.0),
        "feed_url": c.feed_url,
        "name": c.name,
        "href": c.href.as_str(),
        "color": c.color,
        "components": components,
        "enabled": c.enabled,
        "read_only": c.read_only,
    })
}

/// Whether a calendar holds events (collections that name no component may hold anything).
pub fn holds_events(c: &Calendar) -> bool {
    c.components.is_empty() || c.components.contains(&ComponentKind::Vevent)
}
