//! What runs while Almanac lives, window open or not: the sync schedule, the relay of engine
//! events to the window, the alarm clock that turns VALARMs from the local store into
//! notifications, and the tray kept in step.

use crate::ipc::{CHANGED, ChangeReason, ChangedEvent};
use crate::notices;
use crate::shell::Shell;
use crate::tray;
use almanac_core::{AccountId, AccountState};
use almanac_sync::{Engine, SyncEvent};
use chrono::Duration;
use chrono_tz::Tz;
use std::sync::Arc;
use tauri::{AppHandle, Emitter, Manager};
use tauri_plugin_notification::NotificationExt;

/// The longest the alarm clock sleeps: how often the tray's "next event" is brought up to date.
const ALARM_NAP: Duration = Duration::seconds(60);

/// Starts the relay of engine events, the schedule and the alarm clock.
pub fn start(app: &AppHandle, shell: &Shell) {
    relay_events(app, shell);
    tauri::async_runtime::spawn(almanac_sync::run_schedule(
        Arc::clone(&shell.engine),
        shell.schedule.clone(),
    ));
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let mut first = true;
        loop {
            let Some((engine, zone)) = app
                .try_state::<Shell>()
                .map(|shell| (Arc::clone(&shell.engine), shell.display_zone()))
            else {
                return;
            };
            let (shown, missed) = deliver_alarms(&app, &engine, zone).await;
            if first || shown + missed > 0 {
                tracing::info!(shown, missed, first, "alarm round");
                first = false;
            }
            refresh_tray(&app, &engine, zone).await;
            let now = engine.now();
            let wake = match engine.next_alarm(zone, ALARM_NAP).await {
                Ok(Some(at)) => at,
                _ => now + ALARM_NAP,
            };
            let nap = (wake - now).to_std().unwrap_or_default();
            tokio::time::sleep(nap.max(std::time::Duration::from_millis(200))).await;
        }
    });
}

/// Shows the alarms due since the last round, and one summary for those missed; returns how
/// many were shown and missed.
async fn deliver_alarms(app: &AppHandle, engine: &Engine, zone: Tz) -> (usize, usize) {
    let round = match engine.alarm_round(zone).await {
        Ok(round) => round,
        Err(err) => {
            tracing::warn!(%err, "alarms could not be read");
            return (0, 0);
        }
    };
    let (now, hour12) = (engine.now(), notices::locale_uses_12_hours());
    for alarm in &round.show {
        let (title, body) = notices::reminder_notice(alarm, now, zone, hour12);
        let sound = alarm.audio.then_some(ALARM_SOUND);
        show_notification(app, &title, &body, sound);
    }
    if !round.missed.is_empty() {
        let (title, body) = notices::missed_notice(&round.missed);
        notify(app, &title, &body);
    }
    (round.show.len(), round.missed.len())
}

/// The sound of an `ACTION:AUDIO` alarm: the freedesktop sound theme's alarm on Linux, the
/// system's default elsewhere.
const ALARM_SOUND: &str = if cfg!(target_os = "linux") {
    "alarm-clock-elapsed"
} else {
    "Default"
};

/// Shows one desktop notification.
pub fn notify(app: &AppHandle, title: &str, body: &str) {
    show_notification(app, title, body, None);
}

fn show_notification(app: &AppHandle, title: &str, body: &str, sound: Option<&str>) {
    let mut builder = app
        .notification()
        .builder()
        .title(title)
        .body(notices::wire_body(body));
    if let Some(sound) = sound {
        builder = builder.sound(sound);
    }
    if let Err(err) = builder.show() {
        tracing::warn!(%err, "could not show a notification");
    }
}

/// Redraws the tray from the accounts' states and the next event.
pub async fn refresh_tray(app: &AppHandle, engine: &Engine, zone: Tz) {
    let now = engine.now();
    let read = engine
        .with_store(move |s| {
            let upcoming = s.occurrences_between(now, now + Duration::days(7), zone, true)?;
            Ok((s.accounts()?, upcoming))
        })
        .await;
    let Ok((accounts, upcoming)) = read else {
        return;
    };
    let next = notices::next_event(&upcoming, now, zone, notices::locale_uses_12_hours());
    let model = tray::tray_model(&tray::tray_status(&accounts), next.as_ref());
    if let Err(err) = tray::show(app, &model) {
        tracing::debug!(%err, "tray not updated");
    }
}

/// Forwards engine events to the window as [`ChangedEvent`]s, keeps the tray in step, and
/// tells the user once, by a desktop notification, when an account needs a new password.
fn relay_events(app: &AppHandle, shell: &Shell) {
    let mut events = shell.engine.subscribe();
    let engine = Arc::clone(&shell.engine);
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        loop {
            let (account, reason) = match events.recv().await {
                Ok(SyncEvent::StateChanged { account, state }) => {
                    // Progress belongs to a running sync; a failed run leaves none behind.
                    if state != AccountState::Syncing {
                        clear_progress(&app, account);
                    }
                    on_state(&app, &engine, account, state).await;
                    (Some(account), ChangeReason::State)
                }
                Ok(SyncEvent::CalendarProgress {
                    account,
                    calendar,
                    fetched,
                    total,
                }) => {
                    if let Some(shell) = app.try_state::<Shell>() {
                        shell.set_calendar_progress(account, calendar, (fetched, total));
                    }
                    (Some(account), ChangeReason::Progress)
                }
                Ok(SyncEvent::Finished { account, .. }) => {
                    clear_progress(&app, account);
                    // A sync reads and writes much of the store once: its pages need not
                    // stay (memory.rs).
                    if let Err(err) = engine.with_store(|s| s.shrink_memory()).await {
                        tracing::warn!(%err, "page cache not shrunk");
                    }
                    crate::memory::release_freed_memory();
                    if let Some(shell) = app.try_state::<Shell>()
                        && shell.take_unpushed(account)
                    {
                        shell.push_soon(account);
                    }
                    (Some(account), ChangeReason::Finished)
                }
                // Subscriptions belong to no account's sync.
                Ok(SyncEvent::FeedsSynced { .. }) => (None, ChangeReason::Feeds),
                Ok(SyncEvent::Started { .. } | SyncEvent::CalendarsFound { .. }) => continue,
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
            };
            let payload = ChangedEvent {
                account: account.map(|a| i32::try_from(a.0).unwrap_or(i32::MAX)),
                reason,
            };
            trace_event(&payload);
            let _ = app.emit(CHANGED, payload);
        }
    });
}

/// Forgets an account's sync progress.
fn clear_progress(app: &AppHandle, account: AccountId) {
    if let Some(shell) = app.try_state::<Shell>() {
        shell.clear_progress(account);
    }
}

/// With `ALMANAC_IPC_TRACE=<file>`, every event sent to the window is also appended to that
/// file as a JSON line, so tests can search the real IPC event stream for secrets.
fn trace_event(payload: &ChangedEvent) {
    let Some(path) = std::env::var_os("ALMANAC_IPC_TRACE") else {
        return;
    };
    let line = match serde_json::to_string(payload) {
        Ok(line) => line,
        Err(_) => return,
    };
    use std::io::Write;
    let written = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .and_then(|mut f| writeln!(f, "{line}"));
    if let Err(err) = written {
        tracing::debug!(%err, "IPC trace not written");
    }
}

/// Redraws the tray and, on the move to NeedsRelink (which happens once per revocation: the
/// engine sends nothing more with the refused password), notifies.
async fn on_state(app: &AppHandle, engine: &Engine, account: AccountId, state: AccountState) {
    let zone = app
        .try_state::<Shell>()
        .map_or_else(crate::shell::system_zone, |s| s.display_zone());
    refresh_tray(app, engine, zone).await;
    if state != AccountState::NeedsRelink {
        return;
    }
    let Ok(accounts) = engine.with_store(|s| s.accounts()).await else {
        return;
    };
    let Some(acct) = accounts.iter().find(|a| a.id == account) else {
        return;
    };
    let (title, body) = notices::relink_notice(acct);
    notify(app, &title, &body);
}
