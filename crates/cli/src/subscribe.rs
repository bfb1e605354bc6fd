//! `almanac subscribe URL [--name N] [--account A]` and `almanac unsubscribe NAME`: calendars
//! whose events come from a feed (a `webcal://` or `https://` `.ics` address), read-only, for
//! any account or none. `almanac sync` fetches them again with the accounts.

use crate::exit::{Code, Failed, code_of};
use crate::output::print_json;
use almanac_caldav::CaldavError;
use almanac_core::CalendarId;
use almanac_store::{StoreError, Subscription};
use almanac_sync::{FeedsReport, SyncError};
use anyhow::bail;
use clap::Args;
use serde_json::json;
use std::path::Path;

/// `almanac subscribe`.
#[derive(Args, Debug)]
pub struct SubscribeArgs {
    /// The feed's address: `webcal://...` or `https://...` (an `.ics` file).
    url: String,
    /// Its name in Almanac; default: the feed's own name, else its host.
    #[arg(long)]
    name: Option<String>,
    /// Show it with this account (id or user name); default: with no account.
    #[arg(long)]
    account: Option<String>,
    /// Print the new subscription as JSON.
    #[arg(long)]
    json: bool,
}

/// `almanac unsubscribe`.
#[derive(Args, Debug)]
pub struct UnsubscribeArgs {
    /// The subscription's name, id or feed address (see `almanac calendars`).
    name: String,
}

/// The host of a feed address, for messages (never its path: private feeds keep their secret
/// token there).
fn host_of(url: &str) -> String {
    almanac_caldav::feed_url(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_else(|| "the feed's server".into())
}

/// Words for a feed that could not be subscribed to.
pub fn explain(err: &SyncError, url: &str) -> String {
    let host = host_of(url);
    match err {
        SyncError::Server(CaldavError::InvalidUrl { reason, .. }) => {
            format!("this address cannot be used: {reason}.")
        }
        SyncError::Server(CaldavError::Protocol { .. }) => {
            format!("{host} did not answer with a calendar (.ics) file; check the address.")
        }
        SyncError::Server(CaldavError::NotFound { status, .. }) => {
            format!("{host} has no calendar at this address ({status}).")
        }
        SyncError::Server(CaldavError::Unauthorized { .. } | CaldavError::Forbidden { .. }) => {
            format!("{host} refuses this feed; Almanac subscribes to public feeds only.")
        }
        SyncError::Unavailable(CaldavError::Offline { .. } | CaldavError::Timeout { .. }) => {
            format!("cannot reach {host}: check the network and try again.")
        }
        SyncError::Unavailable(CaldavError::TooLarge { limit, .. }) => format!(
            "the feed is larger than Almanac reads ({} MB).",
            limit / (1024 * 1024)
        ),
        SyncError::Unavailable(inner) => {
            format!("{host} is having trouble; try again later ({inner}).")
        }
        SyncError::Store(StoreError::Conflict { .. }) => {
            "you already subscribe to this address.".into()
        }
        other => other.to_string(),
    }
}

/// Subscribes, fetching the feed once first: a wrong address stores nothing.
///
/// # Errors
/// [`Failed`] with exit code 3 when the feed cannot be reached now, 1 otherwise.
pub fn subscribe(args: &SubscribeArgs, dir: &Path) -> anyhow::Result<()> {
    let engine = crate::data::engine(dir)?;
    let rt = crate::data::runtime()?;
    let account = match &args.account {
        Some(key) => {
            let accounts = rt.block_on(engine.with_store(|s| s.accounts()))?;
            Some(crate::account::find(&accounts, key)?.id)
        }
        None => None,
    };
    let made = rt
        .block_on(engine.subscribe_feed(&args.url, args.name.as_deref(), account))
        .map_err(|e| Failed {
            code: code_of(&e),
            message: explain(&e, &args.url),
        })?;
    if args.json {
        return print_json(&json!({
            "id": made.calendar.0,
            "name": made.name,
            "url": made.url,
            "account": account.map(|a| a.0),
            "events": made.events,
        }));
    }
    out!(
        "Subscribed to {} (calendar {}): {} events, read-only. `almanac sync` fetches it again.",
        made.name,
        made.calendar,
        made.events
    );
    Ok(())
}

/// The subscription named by `key`: its id, its feed address, or its name when unique.
fn find<'a>(subscriptions: &'a [Subscription], key: &str) -> anyhow::Result<&'a Subscription> {
    if let Ok(id) = key.parse::<i64>()
        && let Some(s) = subscriptions
            .iter()
            .find(|s| s.calendar.id == CalendarId(id))
    {
        return Ok(s);
    }
    let address = almanac_caldav::feed_url(key).map(|u| u.to_string()).ok();
    let mut named = subscriptions
        .iter()
        .filter(|s| s.calendar.name == key || Some(s.url()) == address.as_deref());
    match (named.next(), named.next()) {
        (Some(s), None) => Ok(s),
        (Some(_), Some(_)) => bail!("more than one subscription is named {key:?}; use its id"),
        (None, _) => bail!("no subscription {key:?} (see `almanac calendars`)"),
    }
}

/// Ends a subscription made here, with its events.
///
/// # Errors
/// When there is no such subscription, or it belongs to an account's server.
pub fn unsubscribe(args: &UnsubscribeArgs, dir: &Path) -> anyhow::Result<()> {
    let engine = crate::data::engine(dir)?;
    let rt = crate::data::runtime()?;
    let all = rt.block_on(engine.with_store(|s| s.subscriptions()))?;
    let found = find(&all, &args.name)?;
    if found.listed {
        return Err(Failed {
            code: Code::Other,
            message: format!(
                "{} is a subscribed calendar of your account on its server; end it there (in \
                 Apple Calendar for iCloud), and Almanac follows at the next sync.",
                found.calendar.name
            ),
        }
        .into());
    }
    let (id, name) = (found.calendar.id, found.calendar.name.clone());
    rt.block_on(engine.unsubscribe_feed(id))?;
    out!("Unsubscribed from {name} (calendar {id}); its events are gone from this computer.");
    Ok(())
}

/// A feed round in one line for `almanac sync`, and each failed feed on its own.
pub fn words(report: &FeedsReport) -> Vec<String> {
    let mut lines = vec![format!(
        "subscriptions: {} checked, {} unchanged, {} events fetched{}",
        report.checked,
        report.unchanged,
        report.fetched,
        if report.deleted > 0 {
            format!(", {} deleted", report.deleted)
        } else {
            String::new()
        }
    )];
    for (name, problem) in &report.failed {
        lines.push(format!("subscription {name}: {problem}"));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feed_failures_are_said_with_the_host_only() {
        let url = "https://calendar.example.com/private-8c1f2e/basic.ics";
        let html = SyncError::Server(CaldavError::Protocol {
            url: url.into(),
            status: 200,
            reason: "x".into(),
        });
        let said = explain(&html, url);
        assert!(said.contains("calendar.example.com"), "{said}");
        assert!(!said.contains("private-8c1f2e"), "{said}");
        let down = SyncError::Unavailable(CaldavError::Offline {
            url: url.into(),
            reason: "refused".into(),
        });
        assert_eq!(code_of(&down), Code::Unavailable);
        assert!(explain(&down, url).starts_with("cannot reach"));
        let twice = SyncError::Store(StoreError::Conflict {
            what: "subscription",
        });
        assert_eq!(
            explain(&twice, url),
            "you already subscribe to this address."
        );
    }

    #[test]
    fn a_round_reads_as_lines() {
        let report = FeedsReport {
            checked: 2,
            unchanged: 1,
            fetched: 12,
            failed: vec![("F1".into(), "The feed's server failed (500).".into())],
            ..FeedsReport::default()
        };
        assert_eq!(
            words(&report),
            [
                "subscriptions: 2 checked, 1 unchanged, 12 events fetched",
                "subscription F1: The feed's server failed (500)."
            ]
        );
    }
}
