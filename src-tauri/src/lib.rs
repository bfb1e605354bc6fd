//! The desktop shell: windows, tray, and the commands and events between the UI and the engine.
//! It stays thin: no protocol, no SQL; each command converts its arguments, calls one core
//! function and maps the error.

mod commands;
pub mod ipc;
mod shell;
pub mod tray;
pub mod views;

use tauri::Manager;

/// Builds and runs the app until the user quits.
///
/// # Errors
/// When the webview or the event loop cannot start (no display, missing WebKit), or the local
/// store cannot be opened.
pub fn run() -> anyhow::Result<()> {
    tauri::Builder::default()
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_notification::init())
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
        ])
        .setup(|app| {
            let shell = shell::Shell::open(&app.path().app_data_dir()?)?;
            shell.relay_events(app.handle().clone());
            shell.sync_in_background(None);
            let accounts =
                tauri::async_runtime::block_on(shell.engine.with_store(|s| s.accounts()))?;
            app.manage(shell);
            let model = tray::tray_model(&tray::tray_status(&accounts), None);
            // The tray is a convenience: without it the window still shows every state.
            if let Err(err) = tray::create(app.handle(), &model) {
                eprintln!("almanac: no tray icon ({err}); state shows in the window only");
            }
            Ok(())
        })
        .run(tauri::generate_context!())?;
    Ok(())
}
