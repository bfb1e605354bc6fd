//! Commands of the settings view: sync interval, start at login, display zone, notifications
//! per calendar, export, where the data lives, and diagnostics without secrets.

use crate::ipc::command::commands;
use crate::ipc::{CHANGED, ChangeReason, ChangedEvent, ErrorCode, IpcError, SettingsView, number};
use crate::shell::{INTERVAL_SETTING, Shell, ZONE_SETTING, minutes_duration};
use almanac_core::{Account, CalendarId};
use almanac_store::Store;
use chrono_tz::Tz;
use tauri::{AppHandle, Emitter, Manager, State};
use tauri_plugin_autostart::ManagerExt;
use tauri_plugin_opener::OpenerExt;

commands! {
    settings() -> SettingsView;
    set_sync_interval(minutes: number::Count) -> ();
    set_start_at_login(enabled: bool) -> ();
    set_zone_override(zone: Option<String>) -> ();
    set_calendar_notify(calendar: number::Id, enabled: bool) -> ();
    export_calendar(calendar: number::Id) -> String;
    open_data_dir() -> ();
    diagnostics() -> String;
}

/// Tells the window that settings changed, so it redraws times and lists.
fn changed(app: &AppHandle) {
    let _ = app.emit(
        CHANGED,
        ChangedEvent {
            account: None,
            reason: ChangeReason::Settings,
        },
    );
}

/// The settings as they stand.
#[tauri::command]
pub fn settings(app: AppHandle, shell: State<'_, Shell>) -> SettingsView {
    let minutes = shell.schedule.interval().as_secs() / 60;
    SettingsView {
        sync_minutes: number::Count::try_from(minutes).unwrap_or(number::Count::MAX),
        start_at_login: app.autolaunch().is_enabled().unwrap_or(false),
        zone_override: shell.zone_override().map(|z| z.name().to_string()),
        system_zone: shell.system_zone.name().to_string(),
        data_dir: shell.data_dir.display().to_string(),
    }
}

/// Minutes between scheduled syncs: 5 to 1440.
#[tauri::command]
pub async fn set_sync_interval(
    shell: State<'_, Shell>,
    minutes: number::Count,
) -> Result<(), IpcError> {
    if !(5..=1440).contains(&minutes) {
        return Err(IpcError::invalid("Choose between 5 minutes and a day."));
    }
    let text = minutes.to_string();
    shell
        .engine
        .with_store(move |s| s.set_setting(INTERVAL_SETTING, Some(&text)))
        .await?;
    shell.schedule.set_interval(minutes_duration(minutes));
    Ok(())
}

/// Starts Almanac at login, or stops doing so (off until the user turns it on).
#[tauri::command]
pub fn set_start_at_login(app: AppHandle, enabled: bool) -> Result<(), IpcError> {
    let launcher = app.autolaunch();
    let done = if enabled {
        launcher.enable()
    } else {
        launcher.disable()
    };
    done.map_err(|_| IpcError::unavailable("change the login items"))
}

/// Shows times in `zone` (an IANA name), or in the system's zone when `None`.
#[tauri::command]
pub async fn set_zone_override(
    app: AppHandle,
    shell: State<'_, Shell>,
    zone: Option<String>,
) -> Result<(), IpcError> {
    let parsed = match zone.as_deref() {
        None | Some("") => None,
        Some(name) => Some(
            name.parse::<Tz>()
                .map_err(|_| IpcError::invalid("That time zone is not known."))?,
        ),
    };
    let saved = parsed.map(|z| z.name().to_string());
    shell
        .engine
        .with_store(move |s| s.set_setting(ZONE_SETTING, saved.as_deref()))
        .await?;
    shell.set_zone_override(parsed);
    changed(&app);
    Ok(())
}

/// Turns a calendar's alarm notifications on or off.
#[tauri::command]
pub async fn set_calendar_notify(
    shell: State<'_, Shell>,
    calendar: number::Id,
    enabled: bool,
) -> Result<(), IpcError> {
    crate::commands::set_calendar_switch(&shell, calendar, enabled, Store::set_calendar_notify)
        .await
}

/// Writes the calendar as one `.ics` file into the Downloads folder (or the data directory
/// when there is none), shows it in the file manager, and returns its path.
#[tauri::command]
pub async fn export_calendar(
    app: AppHandle,
    shell: State<'_, Shell>,
    calendar: number::Id,
) -> Result<String, IpcError> {
    let id = CalendarId(i64::from(calendar));
    let (cal, texts) = shell
        .engine
        .with_store(move |s| Ok((s.calendar(id)?, s.calendar_texts(id)?)))
        .await?;
    let text = almanac_ical::merge_objects(texts.iter().map(String::as_str), &cal.name);
    let folder = app
        .path()
        .download_dir()
        .unwrap_or_else(|_| shell.data_dir.clone());
    let path = free_path(&folder, &file_stem(&cal.name));
    std::fs::create_dir_all(&folder)
        .and_then(|()| std::fs::write(&path, text))
        .map_err(|e| {
            IpcError::new(
                ErrorCode::Storage,
                format!("The file could not be written: {e}"),
            )
        })?;
    if let Err(err) = app.opener().reveal_item_in_dir(&path) {
        tracing::debug!(%err, "file manager not opened");
    }
    Ok(path.display().to_string())
}

/// A file name from a calendar name that came from a server: no separators, no dots first.
fn file_stem(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || " -_()".contains(c) {
                c
            } else {
                '_'
            }
        })
        .take(80)
        .collect();
    match cleaned.trim() {
        "" => "Calendar".into(),
        stem => stem.to_string(),
    }
}

/// `stem.ics` in `folder`, or `stem (2).ics` and so on when taken.
fn free_path(folder: &std::path::Path, stem: &str) -> std::path::PathBuf {
    let mut path = folder.join(format!("{stem}.ics"));
    let mut n = 2;
    while path.exists() {
        path = folder.join(format!("{stem} ({n}).ics"));
        n += 1;
    }
    path
}

/// Opens the data directory in the file manager.
#[tauri::command]
pub fn open_data_dir(app: AppHandle, shell: State<'_, Shell>) -> Result<(), IpcError> {
    app.opener()
        .open_path(shell.data_dir.display().to_string(), None::<&str>)
        .map_err(|_| IpcError::unavailable("open the folder"))
}

/// Versions, account states, calendars with trouble and recent problems, for a bug report. No
/// user names, no passwords, no calendar names, no event text.
#[tauri::command]
pub async fn diagnostics(app: AppHandle, shell: State<'_, Shell>) -> Result<String, IpcError> {
    let accounts = shell
        .engine
        .with_store(|s| {
            s.accounts()?
                .into_iter()
                .map(|account| {
                    let calendars = s.calendars(account.id)?;
                    let mut troubled = Vec::new();
                    for c in &calendars {
                        if let Some(text) = almanac_sync::health_text(&s.calendar_health(c.id)?) {
                            troubled.push((c.id, text));
                        }
                    }
                    Ok(AccountFacts {
                        quarantined: s.quarantined_count(account.id)?,
                        calendars: calendars.len(),
                        troubled,
                        account,
                    })
                })
                .collect::<Result<Vec<_>, _>>()
        })
        .await?;
    let mut out = format!(
        "Almanac {} (Tauri {}), {} {}\nDisplay zone: {} (system {})\nData: {}\n\nAccounts:\n",
        app.package_info().version,
        tauri::VERSION,
        std::env::consts::OS,
        std::env::consts::ARCH,
        shell.display_zone().name(),
        shell.system_zone.name(),
        shell.data_dir.display(),
    );
    out.push_str(&accounts_report(&accounts));
    out.push_str("\nRecent warnings and errors:\n");
    for line in crate::logging::recent_problems(&crate::logging::log_dir(&shell.data_dir), 30) {
        out.push_str(&line);
        out.push('\n');
    }
    Ok(out)
}

/// What the diagnostics say about one account.
struct AccountFacts {
    account: Account,
    /// Its quarantined items.
    quarantined: usize,
    /// How many calendars it has.
    calendars: usize,
    /// Its calendars with trouble, by id (names stay private), with their health in words.
    troubled: Vec<(CalendarId, String)>,
}

/// The accounts part of the diagnostics: one line per account (its host, not its user name),
/// then one line per calendar with trouble.
fn accounts_report(accounts: &[AccountFacts]) -> String {
    let mut out = String::new();
    for facts in accounts {
        let account = &facts.account;
        let host = url::Url::parse(&account.server_url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_string))
            .unwrap_or_default();
        out.push_str(&format!(
            "- #{} {:?} at {host}: {:?}, last success {}, {} calendars, {} sync problems\n",
            account.id.0,
            account.kind,
            account.state,
            account
                .last_success
                .map_or_else(|| "never".into(), |t| t.to_rfc3339()),
            facts.calendars,
            facts.quarantined + facts.troubled.len(),
        ));
        for (calendar, health) in &facts.troubled {
            out.push_str(&format!("  - calendar #{}: {health}\n", calendar.0));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diagnostics_list_each_troubled_calendar_by_id_with_its_health() {
        let facts = |id: i64, troubled: Vec<(CalendarId, String)>| AccountFacts {
            account: Account {
                id: almanac_core::AccountId(id),
                kind: almanac_core::AccountKind::Caldav,
                username: "jane.doe".into(),
                server_url: "https://dav.example.com/dav/".into(),
                state: almanac_core::AccountState::Active,
                last_success: None,
            },
            quarantined: 1,
            calendars: 3,
            troubled,
        };
        let report = accounts_report(&[
            facts(
                1,
                vec![
                    (CalendarId(4), "The server failed (500).".into()),
                    (CalendarId(9), "2 events waiting to be fetched.".into()),
                ],
            ),
            facts(2, Vec::new()),
        ]);
        assert_eq!(
            report,
            "- #1 Caldav at dav.example.com: Active, last success never, 3 calendars, 3 sync \
             problems\n  \
             - calendar #4: The server failed (500).\n  \
             - calendar #9: 2 events waiting to be fetched.\n\
             - #2 Caldav at dav.example.com: Active, last success never, 3 calendars, 1 sync \
             problems\n"
        );
        assert!(!report.contains("jane.doe"));
    }

    #[test]
    fn export_names_are_safe_and_never_overwrite() {
        assert_eq!(file_stem("Work/../../etc"), "Work_______etc");
        assert_eq!(file_stem("..."), "___");
        assert_eq!(file_stem("  "), "Calendar");
        let dir = tempfile::tempdir().unwrap();
        let first = free_path(dir.path(), "Work");
        std::fs::write(&first, "x").unwrap();
        assert_eq!(
            free_path(dir.path(), "Work"),
            dir.path().join("Work (2).ics")
        );
    }
}
