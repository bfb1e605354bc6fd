//! Tauri's context (configuration and the embedded page) at compile time.

fn main() {
    tauri_build::build();
}
