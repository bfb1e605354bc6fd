//! The app's one piece of state: the engine over the store in the app's data directory and the
//! OS keychain, and the relay of engine events to the window.

use crate::ipc::{CHANGED, ChangedEvent};
use almanac_caldav::Limits;
use almanac_core::{AccountId, AccountState};
use almanac_secrets::KeyringSecrets;
use almanac_store::Store;
use almanac_sync::{Cancel, Engine, EngineParts, SyncEvent};
use chrono_tz::Tz;
use std::path::Path;
use std::sync::Arc;
use tauri::{AppHandle, Emitter};
use tauri_plugin_notification::NotificationExt;

/// Shared by every command.
pub struct Shell {
    /// The sync engine.
    pub engine: Arc<Engine>,
    /// The viewer's time zone, for floating and all-day events.
    pub viewer: Tz,
    /// Where iCloud accounts start discovery (`ALMANAC_ICLOUD_URL` points it at the emulator).
    pub icloud_url: String,
}

/// The system's IANA zone, or UTC when it cannot be told.
pub fn system_zone() -> Tz {
    iana_time_zone::get_timezone()
        .ok()
        .and_then(|name| name.parse().ok())
        .unwrap_or(Tz::UTC)
}

impl Shell {
    /// Opens the store in `data_dir` and builds the engine.
    ///
    /// # Errors
    /// When the directory cannot be made or the store cannot be opened.
    pub fn open(data_dir: &Path) -> anyhow::Result<Shell> {
        std::fs::create_dir_all(data_dir)?;
        let store = Store::open(data_dir.join("almanac.sqlite3"))?;
        let engine = Engine::new(EngineParts {
            store,
            secrets: Arc::new(KeyringSecrets::default()),
            limits: Limits::default(),
            clock: almanac_sync::system_clock(),
            jitter: almanac_sync::system_jitter(),
        });
        Ok(Shell {
            engine: Arc::new(engine),
            viewer: system_zone(),
            icloud_url: std::env::var("ALMANAC_ICLOUD_URL")
                .unwrap_or_else(|_| almanac_sync::ICLOUD_URL.into()),
        })
    }

    /// Syncs one account, or every account, without blocking the caller.
    pub fn sync_in_background(&self, account: Option<almanac_core::AccountId>) {
        let engine = Arc::clone(&self.engine);
        tauri::async_runtime::spawn(async move {
            let ids = match account {
                Some(id) => vec![id],
                None => match engine.with_store(|s| s.accounts()).await {
                    Ok(accounts) => accounts.into_iter().map(|a| a.id).collect(),
                    Err(_) => Vec::new(),
                },
            };
            for id in ids {
                // The outcome reaches the window through the state events; nothing to do here.
                let _ = engine.sync_account(id, &Cancel::default()).await;
            }
        });
    }

    /// Forwards engine events to the window as [`ChangedEvent`]s, keeps the tray in step, and
    /// tells the user once, by a desktop notification, when an account needs a new password.
    pub fn relay_events(&self, app: AppHandle) {
        let mut events = self.engine.subscribe();
        let engine = Arc::clone(&self.engine);
        tauri::async_runtime::spawn(async move {
            loop {
                let (account, reason) = match events.recv().await {
                    Ok(SyncEvent::StateChanged { account, state }) => {
                        on_state(&app, &engine, account, state).await;
                        (account, "state")
                    }
                    Ok(SyncEvent::CalendarProgress { account, .. }) => (account, "progress"),
                    Ok(SyncEvent::Finished { account, .. }) => (account, "finished"),
                    Ok(SyncEvent::Started { .. } | SyncEvent::CalendarsFound { .. }) => continue,
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
                };
                let payload = ChangedEvent {
                    account: i32::try_from(account.0).unwrap_or(i32::MAX),
                    reason: reason.into(),
                };
                trace_event(&payload);
                let _ = app.emit(CHANGED, payload);
            }
        });
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
    let Ok(accounts) = engine.with_store(|s| s.accounts()).await else {
        return;
    };
    let model = crate::tray::tray_model(&crate::tray::tray_status(&accounts), None);
    if let Err(err) = crate::tray::show(app, &model) {
        tracing::debug!(%err, "tray not updated");
    }
    if state != AccountState::NeedsRelink {
        return;
    }
    let Some(acct) = accounts.iter().find(|a| a.id == account) else {
        return;
    };
    let (title, body) = relink_notice(acct);
    if let Err(err) = app.notification().builder().title(title).body(body).show() {
        tracing::warn!(%err, "could not show the notification");
    }
}

/// The notification's words when an account needs a new password.
pub fn relink_notice(account: &almanac_core::Account) -> (String, String) {
    match account.kind {
        almanac_core::AccountKind::Icloud => (
            "iCloud needs a new app-specific password".into(),
            "Apple no longer accepts Almanac's password: the Apple ID password was changed, or \
             the app-specific password was revoked. Open Almanac to paste a new one; your \
             calendars stay available meanwhile."
                .into(),
        ),
        almanac_core::AccountKind::Caldav => (
            format!("{} needs a new password", account.username),
            "The server no longer accepts Almanac's password. Open Almanac to enter a new one; \
             your calendars stay available meanwhile."
                .into(),
        ),
    }
}
