//! A Tauri 2 window with a static page and nothing else: no commands, plugins or tray.

fn main() {
    if let Err(err) = tauri::Builder::default().run(tauri::generate_context!()) {
        eprintln!("bare tauri: {err}");
        std::process::exit(1);
    }
}
