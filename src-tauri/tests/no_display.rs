//! The app started where no window can open (an SSH session, a service, a stale `DISPLAY`):
//! one line on stderr and a failure status, not a panic with a backtrace. The real binary, with
//! its environment emptied of every display and its XDG directories pointing at a scratch
//! directory, so nothing of a real session is reached or written.

#![cfg(any(
    target_os = "linux",
    target_os = "dragonfly",
    target_os = "freebsd",
    target_os = "netbsd",
    target_os = "openbsd"
))]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::{Command, Output};

fn start(display: Option<&str>) -> Output {
    let scratch = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_almanac-desktop"));
    for var in [
        "DISPLAY",
        "WAYLAND_DISPLAY",
        "WAYLAND_SOCKET",
        "GDK_BACKEND",
    ] {
        cmd.env_remove(var);
    }
    if let Some(display) = display {
        cmd.env("DISPLAY", display);
    }
    // An empty runtime directory: no Wayland socket to fall back on.
    for var in [
        "HOME",
        "XDG_RUNTIME_DIR",
        "XDG_DATA_HOME",
        "XDG_CONFIG_HOME",
        "XDG_CACHE_HOME",
    ] {
        cmd.env(var, scratch.path());
    }
    cmd.env("RUST_BACKTRACE", "1").output().unwrap()
}

fn stderr_of(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn without_a_display_the_app_says_so_in_one_line() {
    let out = start(None);
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
    assert_eq!(
        stderr_of(&out),
        "almanac-desktop: no display: start Almanac from a desktop session (DISPLAY or \
         WAYLAND_DISPLAY is not set)\n"
    );
}

#[test]
fn a_display_that_is_gone_is_named() {
    // No X server answers on display 31999 (its socket would be /tmp/.X11-unix/X31999).
    let out = start(Some(":31999"));
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
    let stderr = stderr_of(&out);
    let last = stderr.lines().last().unwrap_or_default();
    assert_eq!(
        last,
        "almanac-desktop: cannot open the display (DISPLAY=:31999): start Almanac from a \
         desktop session"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}
