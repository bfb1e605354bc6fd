//! The `almanac-desktop` binary: everything lives in the library so tests can reach it.

// Without this a Windows release build opens a console window beside the app.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::process::ExitCode;

/// A failure to start (no display, no store) is one line on stderr and exit status 1.
fn main() -> ExitCode {
    match almanac_desktop::run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("almanac-desktop: {e:#}");
            ExitCode::FAILURE
        }
    }
}
