//! The desktop shell: windows, tray, and the commands and events between the UI and the engine.
//! It stays thin: no protocol, no SQL; each command converts its arguments, calls one core
//! function and maps the error.

mod background;
mod changes;
mod commands;
pub mod details;
mod display;
mod edit_views;
mod editing;
pub mod ipc;
pub mod logging;
mod memory;
pub mod notices;
mod settings;
mod shell;
pub mod tray;
pub mod views;

use tauri::{Manager, WindowEvent};

/// Every module's table of commands (see `ipc::command`), in the order `generate_handler!` below
/// names them.
#[cfg(test)]
pub(crate) fn commands_table() -> Vec<ipc::command::Command> {
    [
        commands::COMMANDS,
        settings::COMMANDS,
        editing::COMMANDS,
        changes::COMMANDS,
    ]
    .concat()
}

/// Builds and runs the app until the user quits.
///
/// # Errors
/// When the webview or the event loop cannot start (no display, missing WebKit), or the local
/// store cannot be opened.
pub fn run() -> anyhow::Result<()> {
    display::open()?;
    tauri::Builder::default()
        // First, so a second launch hands over before anything else starts.
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            tray::show_main_window(app);
        }))
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_notification::init())
        .plugin(tauri_plugin_autostart::Builder::new().build())
        // File → Import's OS file dialog (the window is granted `dialog:allow-open` only).
        .plugin(tauri_plugin_dialog::init())
        .invoke_handler(tauri::generate_handler![
            commands::open_app_password_page,
            commands::sign_in,
            commands::overview,
            commands::events_between,
            commands::set_calendar_enabled,
            commands::sync_now,
            commands::relink,
            commands::remove_account,
            commands::search,
            commands::event_details,
            commands::sync_problems,
            commands::open_link,
            commands::subscribe,
            commands::unsubscribe,
            settings::settings,
            settings::set_sync_interval,
            settings::set_start_at_login,
            settings::set_zone_override,
            settings::set_calendar_notify,
            settings::export_calendar,
            settings::open_data_dir,
            settings::diagnostics,
            editing::writable_calendars,
            editing::editor_fields,
            editing::create_event,
            editing::update_event,
            editing::move_event,
            editing::delete_event,
            editing::answer_invitation,
            editing::undo_change,
            changes::pending_changes,
            changes::conflicts,
            changes::resolve_conflict,
            changes::import_preview,
            changes::import_events,
        ])
        .on_window_event(|window, event| {
            // Closing the window keeps Almanac syncing and reminding; Quit is in the tray.
            if let WindowEvent::CloseRequested { api, .. } = event
                && window.label() == "main"
            {
                api.prevent_close();
                if let Err(err) = window.hide() {
                    tracing::warn!(%err, "window not hidden");
                }
            }
        })
        .setup(|app| {
            let data_dir = app.path().app_data_dir()?;
            match logging::init(&logging::log_dir(&data_dir)) {
                Ok(guard) => {
                    app.manage(guard);
                }
                Err(err) => eprintln!("almanac: no log file ({err})"),
            }
            tracing::info!(version = %app.package_info().version, "Almanac starting");
            let shell = shell::Shell::open(&data_dir)?;
            let model = tray::tray_model(&tray::TrayStatus::UpToDate, None);
            let schedule = shell.schedule.clone();
            // The tray is a convenience: without it the window still shows every state.
            if let Err(err) = tray::create(app.handle(), &model, move || schedule.sync_now()) {
                tracing::warn!(%err, "no tray icon; state shows in the window only");
            }
            app.manage(shell);
            background::start(app.handle(), &app.state::<shell::Shell>());
            Ok(())
        })
        .run(tauri::generate_context!())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    /// The commands `generate_handler!` serves, as this file names them.
    fn served() -> Vec<&'static str> {
        let source = include_str!("lib.rs");
        let (_, list) = source.split_once("generate_handler![").unwrap();
        let (list, _) = list.split_once(']').unwrap();
        list.split(',')
            .map(str::trim)
            .filter(|path| !path.is_empty())
            .map(|path| path.rsplit("::").next().unwrap())
            .collect()
    }

    #[test]
    fn the_tables_name_exactly_the_commands_the_handler_serves() {
        let mut tabled: Vec<&str> = super::commands_table().iter().map(|c| c.name).collect();
        let mut served = served();
        assert!(served.len() > 20, "{served:?}");
        tabled.sort_unstable();
        served.sort_unstable();
        assert_eq!(tabled, served);
    }

    /// A command left out of build.rs's `COMMANDS` has no permission to grant, and one left out
    /// of the capability is refused to the window: either way every call of it fails there with
    /// a bare rejection, which no other test sees.
    #[test]
    fn every_tabled_command_is_declared_in_build_rs_and_granted_to_the_window() {
        let build = include_str!("../build.rs");
        let (_, declared) = build.split_once("const COMMANDS").unwrap();
        let (declared, _) = declared.split_once("];").unwrap();
        let declared: Vec<&str> = declared.split('"').skip(1).step_by(2).collect();
        let capability: serde_json::Value =
            serde_json::from_str(include_str!("../capabilities/default.json")).unwrap();
        let granted: Vec<&str> = capability["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(serde_json::Value::as_str)
            .collect();
        let tabled = super::commands_table();
        assert!(tabled.len() > 20);
        for command in tabled {
            assert!(
                declared.contains(&command.name),
                "{} is missing from build.rs COMMANDS",
                command.name
            );
            let permission = format!("allow-{}", command.name.replace('_', "-"));
            assert!(
                granted.contains(&permission.as_str()),
                "{permission} is missing from capabilities/default.json"
            );
        }
    }
}
