//! `./x run` where no window can open says so in one line, before it installs or builds
//! anything.

#![cfg(target_os = "linux")]

use anyhow::{Context, Result};
use std::process::Command;

#[test]
fn x_run_without_a_display_says_so_and_builds_nothing() -> Result<()> {
    let out = Command::new("bash")
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/x"))
        .arg("run")
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .context("running ./x run")?;
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    assert_eq!(
        stderr,
        "x: no display: run ./x run from a desktop session (DISPLAY or WAYLAND_DISPLAY is not \
         set)\n"
    );
    assert_eq!(stdout, "", "nothing installed or built");
    Ok(())
}
