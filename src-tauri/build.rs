//! Generates Tauri's context (configuration, capabilities, embedded assets) at compile time, and
//! declares our commands so that capabilities must grant each one by name.

fn main() {
    let commands = tauri_build::AppManifest::new().commands(&["open_app_password_page"]);
    if let Err(err) = tauri_build::try_build(tauri_build::Attributes::new().app_manifest(commands))
    {
        panic!("tauri-build: {err:#}");
    }
}
