//! Whether a window can open at all, asked before Tauri is. On Linux and the BSDs Tauri's event
//! loop panics when GTK cannot open a display (tao's `EventLoop::new` expects `gtk::init` to
//! succeed), which leaves a person in a terminal or an SSH session a backtrace instead of the
//! reason. GTK's own check is the one that counts (a `DISPLAY` may name an X server that is
//! gone); the environment only picks the words.

/// Why no window can open, in one line, given `DISPLAY` and `WAYLAND_DISPLAY` (`None` or empty:
/// not set).
pub fn no_display_message(display: Option<&str>, wayland: Option<&str>) -> String {
    fn set(v: Option<&str>) -> Option<&str> {
        v.filter(|v| !v.is_empty())
    }
    match (set(display), set(wayland)) {
        (None, None) => "no display: start Almanac from a desktop session (DISPLAY or \
                         WAYLAND_DISPLAY is not set)"
            .to_string(),
        (display, wayland) => {
            let named: Vec<String> = [("DISPLAY", display), ("WAYLAND_DISPLAY", wayland)]
                .into_iter()
                .filter_map(|(name, value)| value.map(|v| format!("{name}={v}")))
                .collect();
            format!(
                "cannot open the display ({}): start Almanac from a desktop session",
                named.join(", ")
            )
        }
    }
}

/// Opens GTK's display, as Tauri is about to.
///
/// # Errors
/// When GTK cannot open a display; the message is one line for people.
#[cfg(any(
    target_os = "linux",
    target_os = "dragonfly",
    target_os = "freebsd",
    target_os = "netbsd",
    target_os = "openbsd"
))]
pub fn open() -> anyhow::Result<()> {
    // Idempotent: tao's own `gtk::init` later finds GTK initialised on this same (main) thread.
    gtk::init().map_err(|_| {
        let var = |name| std::env::var(name).ok();
        anyhow::anyhow!(no_display_message(
            var("DISPLAY").as_deref(),
            var("WAYLAND_DISPLAY").as_deref()
        ))
    })
}

/// Windows and macOS always have a display for a desktop app.
#[cfg(not(any(
    target_os = "linux",
    target_os = "dragonfly",
    target_os = "freebsd",
    target_os = "netbsd",
    target_os = "openbsd"
)))]
pub fn open() -> anyhow::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_words_say_which_variable_is_missing_or_which_display_failed() {
        let none = "no display: start Almanac from a desktop session (DISPLAY or WAYLAND_DISPLAY \
                    is not set)";
        assert_eq!(no_display_message(None, None), none);
        assert_eq!(no_display_message(Some(""), Some("")), none);
        assert_eq!(
            no_display_message(Some(":99"), None),
            "cannot open the display (DISPLAY=:99): start Almanac from a desktop session"
        );
        assert_eq!(
            no_display_message(Some(":0"), Some("wayland-1")),
            "cannot open the display (DISPLAY=:0, WAYLAND_DISPLAY=wayland-1): start Almanac \
             from a desktop session"
        );
        assert!(!no_display_message(None, None).contains('\n'));
    }
}
