//! What the machine says about its user's time: the zone and the clock's hour cycle, read once
//! by each front end (the desktop shell and the CLI) from here, so that both agree.
//!
//! The zone: `TZ` when it names an IANA zone (the per-process override every C program honours,
//! and how tests pin one), else the OS setting through `iana-time-zone` (the `/etc/localtime`
//! link on Linux, the system preference on macOS, the Windows zone mapped by the OS), else UTC.
//! The hour cycle: the locale that formats times, mapped by CLDR's table
//! ([`HourCycle::of_locale`]): on Linux and the BSDs `LC_ALL`, `LC_TIME`, `LANG` in the C
//! library's order; on macOS and Windows the first preferred locale from `sys-locale` (the
//! user's language and region there, not a separate 12/24-hour switch).

use almanac_core::HourCycle;
use chrono_tz::Tz;

/// The user's zone: `TZ`, then the OS setting; UTC when neither names an IANA zone. The
/// `Etc/UTC` aliases read as `UTC`.
pub fn system_zone() -> Tz {
    let named = std::env::var("TZ")
        .ok()
        .and_then(|tz| tz.trim_start_matches(':').parse().ok())
        .or_else(|| {
            iana_time_zone::get_timezone()
                .ok()
                .and_then(|name| name.parse().ok())
        });
    match named {
        Some(Tz::Etc__UTC | Tz::Etc__UCT | Tz::Etc__Universal | Tz::Etc__Zulu) | None => Tz::UTC,
        Some(zone) => zone,
    }
}

/// The hour cycle of the user's locale for times.
pub fn system_hour_cycle() -> HourCycle {
    HourCycle::of_locale(&time_locale().unwrap_or_default())
}

#[cfg(not(any(target_os = "macos", target_os = "windows")))]
fn time_locale() -> Option<String> {
    posix_time_locale(|name| std::env::var(name).ok())
}

#[cfg(any(target_os = "macos", target_os = "windows"))]
fn time_locale() -> Option<String> {
    sys_locale::get_locale()
}

/// The locale of the C library's time category (`LC_TIME`) as the environment sets it.
#[cfg(any(test, not(any(target_os = "macos", target_os = "windows"))))]
fn posix_time_locale(var: impl Fn(&str) -> Option<String>) -> Option<String> {
    ["LC_ALL", "LC_TIME", "LANG"]
        .into_iter()
        .find_map(|name| var(name).filter(|value| !value.is_empty()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_time_category_follows_the_c_librarys_order() {
        let env = |set: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                set.iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| (*v).to_string())
            }
        };
        let of = |set| posix_time_locale(env(set));
        assert_eq!(
            of(&[("LANG", "de_DE.UTF-8"), ("LC_TIME", "en_US.UTF-8")]),
            Some("en_US.UTF-8".into())
        );
        assert_eq!(
            of(&[("LC_ALL", "en_GB.UTF-8"), ("LC_TIME", "en_US.UTF-8")]),
            Some("en_GB.UTF-8".into())
        );
        assert_eq!(
            of(&[("LC_ALL", ""), ("LANG", "ko_KR.UTF-8")]),
            Some("ko_KR.UTF-8".into())
        );
        assert_eq!(
            of(&[("LANGUAGE", "en_US")]),
            None,
            "LANGUAGE is for messages"
        );
    }
}
