//! The desktop shell: windows, tray, and the commands and events between the UI and the engine.
//! It stays thin: no protocol, no SQL; each command converts its arguments, calls one core
//! function and maps the error.

/// Builds and runs the app until the user quits.
///
/// # Errors
/// When the webview or the event loop cannot start (no display, missing WebKit).
pub fn run() -> anyhow::Result<()> {
    tauri::Builder::default()
        .plugin(tauri_plugin_opener::init())
        .run(tauri::generate_context!())?;
    Ok(())
}
