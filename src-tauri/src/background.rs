//! What runs while Almanac lives, window open or not: the sync schedule, the alarm clock that
//! turns VALARMs from the local store into notifications, and the tray kept in step.

use crate::notices;
use crate::shell::Shell;
use crate::tray;
use almanac_sync::Engine;
use chrono::Duration;
use chrono_tz::Tz;
use std::sync::Arc;
use tauri::{AppHandle, Manager};
use tauri_plugin_notification::NotificationExt;

/// The longest the alarm clock sleeps: how often the tray's "next event" is brought up to date.
const ALARM_NAP: Duration = Duration::seconds(60);

/// Starts the schedule and the alarm clock.
pub fn start(app: &AppHandle, shell: &Shell) {
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
