//! Generates Tauri's context (configuration, capabilities, embedded assets) at compile time.

fn main() {
    tauri_build::build();
}
