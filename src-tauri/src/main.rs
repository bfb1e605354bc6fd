//! The `almanac-desktop` binary: everything lives in the library so tests can reach it.

// Without this a Windows release build opens a console window beside the app.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() -> anyhow::Result<()> {
    almanac_desktop::run()
}
