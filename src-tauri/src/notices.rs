//! The words of desktop notifications and of the tray's "next event" line. Pure, so they are
//! tested without a notification daemon.

use almanac_core::{Account, AccountKind};
use almanac_store::{AgendaItem, DueAlarm};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;

/// The next event, as the tray's second line shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NextEvent {
    /// The event's title.
    pub title: String,
    /// When, already formatted in the user's zone and locale ("Today 14:00").
    pub when: String,
}

/// Whether the user's locale writes times on a 12-hour clock (CLDR's answer for it; see
/// [`almanac_sync::system_hour_cycle`]).
pub fn locale_uses_12_hours() -> bool {
    almanac_sync::system_hour_cycle() == almanac_core::HourCycle::H12
}

fn clock(at: DateTime<Tz>, hour12: bool) -> String {
    at.format(if hour12 { "%-I:%M %p" } else { "%H:%M" })
        .to_string()
}

/// "Today 10:00", "Tomorrow 10:00", "Tue 1 Dec 10:00"; all-day: "Today", "Tue 1 Dec".
pub fn when_text(
    start: DateTime<Utc>,
    all_day: bool,
    now: DateTime<Utc>,
    zone: Tz,
    hour12: bool,
) -> String {
    let (start, today) = (
        start.with_timezone(&zone),
        now.with_timezone(&zone).date_naive(),
    );
    let day = match (start.date_naive() - today).num_days() {
        0 => "Today".to_string(),
        1 => "Tomorrow".to_string(),
        _ => start.format("%a %-d %b").to_string(),
    };
    if all_day {
        day
    } else {
        format!("{day} {}", clock(start, hour12))
    }
}

/// The notification of one alarm: the event's title, then when and where.
pub fn reminder_notice(
    alarm: &DueAlarm,
    now: DateTime<Utc>,
    zone: Tz,
    hour12: bool,
) -> (String, String) {
    let title = alarm
        .summary
        .clone()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| "(No title)".into());
    let mut body = when_text(alarm.start_utc, alarm.all_day, now, zone, hour12);
    if let Some(location) = alarm.location.as_deref().filter(|l| !l.trim().is_empty()) {
        body.push_str(" · ");
        body.push_str(location);
    }
    body.push_str(&format!(" ({})", alarm.calendar_name));
    (title, body)
}

/// The one notification for alarms that came due while Almanac was closed or asleep.
pub fn missed_notice(missed: &[DueAlarm]) -> (String, String) {
    let title = match missed.len() {
        1 => "1 reminder passed while Almanac was closed".to_string(),
        n => format!("{n} reminders passed while Almanac was closed"),
    };
    let names: Vec<&str> = missed
        .iter()
        .filter_map(|a| a.summary.as_deref())
        .take(3)
        .collect();
    let mut body = names.join(", ");
    if missed.len() > names.len() {
        body.push_str(if names.is_empty() {
            "Open Almanac to see them."
        } else {
            ", …"
        });
    }
    (title, body)
}

/// The tray's next event: the first occurrence starting after `now`.
pub fn next_event(
    items: &[AgendaItem],
    now: DateTime<Utc>,
    zone: Tz,
    hour12: bool,
) -> Option<NextEvent> {
    let next = items
        .iter()
        .filter(|i| i.start_utc >= now)
        .min_by_key(|i| i.start_utc)?;
    Some(NextEvent {
        title: next
            .summary
            .clone()
            .filter(|s| !s.trim().is_empty())
            .unwrap_or_else(|| "(No title)".into()),
        when: when_text(next.start_utc, next.all_day, now, zone, hour12),
    })
}

/// Whether notifications go to a freedesktop notification server (over D-Bus): there, as in
/// `tauri-plugin-notification`, every Unix but macOS.
const FREEDESKTOP: bool = cfg!(all(unix, not(target_os = "macos")));

/// A notification body as the platform's notification service reads it. A freedesktop server
/// may parse the body as markup (the specification's `body-markup`: dunst, GNOME Shell, KDE and
/// others do), and titles and locations come from other people, so there it is escaped; the
/// summary is plain text by the specification and is passed as it is. Windows and macOS take
/// plain text.
pub fn wire_body(body: &str) -> String {
    if FREEDESKTOP {
        escape_markup(body)
    } else {
        body.to_string()
    }
}

/// `text` as character data of the notification markup: `&`, `<` and `>` as entities. Quotes
/// stay: they only mean something inside a tag, and no tag can open once `<` is escaped.
pub fn escape_markup(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

/// The notification's words when an account needs a new password.
pub fn relink_notice(account: &Account) -> (String, String) {
    match account.kind {
        AccountKind::Icloud => (
            "iCloud needs a new app-specific password".into(),
            "Apple no longer accepts Almanac's password: the Apple ID password was changed, or \
             the app-specific password was revoked. Open Almanac to paste a new one; your \
             calendars stay available meanwhile."
                .into(),
        ),
        AccountKind::Caldav => (
            format!("{} needs a new password", account.username),
            "The server no longer accepts Almanac's password. Open Almanac to enter a new one; \
             your calendars stay available meanwhile."
                .into(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use almanac_core::{CalendarId, EventTime, Href, Uid};
    use chrono::TimeZone;

    fn utc(d: u32, h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, d, h, m, 0).unwrap()
    }

    fn alarm(summary: &str, start: DateTime<Utc>) -> DueAlarm {
        DueAlarm {
            at: start - chrono::Duration::minutes(15),
            calendar: CalendarId(1),
            calendar_name: "Work".into(),
            uid: Uid::new("k"),
            href: Href::new("/w/k.ics"),
            summary: Some(summary.into()),
            location: Some("Alexanderplatz".into()),
            description: None,
            start: EventTime::Utc { instant: start },
            start_utc: start,
            all_day: false,
            audio: false,
        }
    }

    #[test]
    fn a_reminder_says_what_when_and_where_in_the_users_zone() {
        let berlin = chrono_tz::Europe::Berlin;
        let a = alarm("Planning kickoff", utc(1, 9, 0));
        let (title, body) = reminder_notice(&a, utc(1, 8, 45), berlin, false);
        assert_eq!(title, "Planning kickoff");
        assert_eq!(body, "Today 10:00 · Alexanderplatz (Work)");
        let (_, us) = reminder_notice(&a, utc(1, 8, 45), chrono_tz::America::New_York, true);
        assert_eq!(us, "Today 4:00 AM · Alexanderplatz (Work)");
    }

    #[test]
    fn text_from_other_people_reaches_a_markup_parsing_server_as_text() {
        let mut a = alarm("Q&A <b>launch</b>", utc(1, 9, 0));
        a.location = Some("Café \"Müller\" & Söhne, <Room 2>".into());
        let (title, body) = reminder_notice(&a, utc(1, 8, 45), chrono_tz::UTC, false);
        assert_eq!(title, "Q&A <b>launch</b>", "the summary is plain text");
        assert_eq!(
            escape_markup(&body),
            "Today 09:00 · Café \"Müller\" &amp; Söhne, &lt;Room 2&gt; (Work)"
        );
        assert_eq!(
            escape_markup("&amp;"),
            "&amp;amp;",
            "escaped once, as typed"
        );
        if cfg!(target_os = "linux") {
            assert_eq!(wire_body(&body), escape_markup(&body));
        }
        if cfg!(any(windows, target_os = "macos")) {
            assert_eq!(wire_body(&body), body);
        }
    }

    #[test]
    fn missed_reminders_are_one_summary() {
        let missed: Vec<_> = ["A", "B", "C", "D"]
            .iter()
            .map(|s| alarm(s, utc(1, 9, 0)))
            .collect();
        let (title, body) = missed_notice(&missed);
        assert_eq!(title, "4 reminders passed while Almanac was closed");
        assert_eq!(body, "A, B, C, …");
    }

    #[test]
    fn the_next_event_is_the_first_that_has_not_started() {
        let item = |summary: &str, start| AgendaItem {
            calendar: CalendarId(1),
            calendar_name: "Work".into(),
            calendar_color: None,
            uid: Uid::new(summary),
            href: Href::new("/w/x.ics"),
            summary: Some(summary.into()),
            location: None,
            start: EventTime::Utc { instant: start },
            end: EventTime::Utc { instant: start },
            start_utc: start,
            end_utc: start,
            all_day: false,
            recurrence_id: None,
            status: None,
            pending: false,
        };
        let items = [
            item("Past", utc(1, 7, 0)),
            item("Later", utc(3, 9, 0)),
            item("Soon", utc(2, 9, 0)),
        ];
        let next = next_event(&items, utc(1, 8, 0), chrono_tz::UTC, false).unwrap();
        assert_eq!(next.title, "Soon");
        assert_eq!(next.when, "Tomorrow 09:00");
        let later = next_event(&items[1..2], utc(1, 8, 0), chrono_tz::UTC, false).unwrap();
        assert_eq!(later.when, "Thu 3 Dec 09:00");
    }
}
