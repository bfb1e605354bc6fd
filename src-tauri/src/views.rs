//! Pure conversions from engine and store types to what the window shows. Kept apart from the
//! commands so they are tested without Tauri.

use crate::ipc::{
    AccountKindView, AccountStateView, AccountView, CalendarView, EventView, ProblemView,
    ProgressView, SearchHitView, number,
};
use almanac_core::{Account, AccountKind, AccountState, Calendar, CalendarId, EventTime, Href};
use almanac_store::{
    AgendaItem, LocalChange, MultiUidResource, OutboxEntry, Quarantined, SearchHit,
};
use almanac_sync::shown_time;
use chrono::SecondsFormat;
use chrono_tz::Tz;
use std::collections::HashMap;

/// The account kind as the UI names it.
pub fn kind_view(kind: AccountKind) -> AccountKindView {
    match kind {
        AccountKind::Icloud => AccountKindView::Icloud,
        AccountKind::Caldav => AccountKindView::Caldav,
    }
}

/// A state for the window's logic and its words for a person, in the viewer's zone.
pub fn state_words(state: &AccountState, viewer: Tz) -> (AccountStateView, String) {
    match state {
        AccountState::Active => (AccountStateView::Active, "Up to date".into()),
        AccountState::Syncing => (AccountStateView::Syncing, "Syncing…".into()),
        AccountState::Offline => (
            AccountStateView::Offline,
            "Offline, showing saved data".into(),
        ),
        AccountState::Backoff {
            until,
            server_asked,
        } => (
            AccountStateView::Backoff,
            format!(
                "{}; next try at {}",
                if *server_asked {
                    "The server asked to wait"
                } else {
                    "Waiting after a server error"
                },
                until.with_timezone(&viewer).format("%H:%M")
            ),
        ),
        AccountState::Confirming { at } => (
            AccountStateView::Confirming,
            format!(
                "The password was refused once; checking again at {}",
                at.with_timezone(&viewer).format("%H:%M")
            ),
        ),
        AccountState::NeedsRelink => (AccountStateView::NeedsRelink, "Needs a new password".into()),
        AccountState::PasswordMissing => (
            AccountStateView::PasswordMissing,
            "No saved password: paste it to sync again".into(),
        ),
        AccountState::KeychainLocked => (
            AccountStateView::KeychainLocked,
            "The keychain is locked: unlock it, then Sync now".into(),
        ),
    }
}

pub(crate) fn id(value: i64) -> number::Id {
    number::Id::try_from(value).unwrap_or(number::Id::MAX)
}

/// An account for the sidebar. `progress` is (fetched, total) events over its calendars while
/// a sync fetches; `problems` counts its events that could not be read and its calendars that
/// could not be synced; `calendar_trouble` says whether there are any of the latter.
pub fn account_view(
    account: &Account,
    viewer: Tz,
    progress: Option<(usize, usize)>,
    problems: usize,
    calendar_trouble: bool,
) -> AccountView {
    let (state, mut state_text) = state_words(&account.state, viewer);
    match (&account.state, progress) {
        (AccountState::Syncing, Some((fetched, total))) => {
            state_text = format!("Syncing… {fetched} of {total} events");
        }
        (AccountState::Active, _) if calendar_trouble => {
            state_text = "Synced with problems".into();
        }
        _ => {}
    }
    AccountView {
        id: id(account.id.0),
        kind: kind_view(account.kind),
        username: account.username.clone(),
        state,
        state_text,
        last_success: account
            .last_success
            .map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true)),
        problems: count(problems),
    }
}

pub(crate) fn count(n: usize) -> number::Count {
    number::Count::try_from(n).unwrap_or(number::Count::MAX)
}

/// A colour fit for CSS: `#RRGGBB` from the server's `#RRGGBB` or iCloud's `#RRGGBBAA`;
/// anything else (the colour comes from the server, so it could be anything) is dropped.
pub fn css_color(color: Option<&str>) -> Option<String> {
    let hex = color?.strip_prefix('#')?;
    let ok = (hex.len() == 6 || hex.len() == 8) && hex.bytes().all(|b| b.is_ascii_hexdigit());
    ok.then(|| format!("#{}", &hex[..6]))
}

/// A calendar for the sidebar, with its sync's (fetched, total) while one runs, its sync
/// health in words, for a task list why it is not shown (said for the kind of account it is
/// in, `kind`), and for a subscription its feed and whether the user may end it here (not
/// when the account's server lists it: `listed`).
pub fn calendar_view(
    calendar: &Calendar,
    kind: Option<AccountKind>,
    listed: bool,
    progress: Option<(usize, usize)>,
    health: Option<String>,
) -> CalendarView {
    let events = calendar.components.is_empty()
        || calendar
            .components
            .contains(&almanac_core::ComponentKind::Vevent);
    let kind = kind.unwrap_or(AccountKind::Caldav);
    CalendarView {
        not_shown: (!events).then(|| almanac_sync::task_list_text(kind).to_string()),
        health,
        id: id(calendar.id.0),
        account: calendar.account.map(|a| id(a.0)),
        name: calendar.name.clone(),
        color: css_color(calendar.color.as_deref()),
        enabled: calendar.enabled,
        read_only: calendar.read_only,
        notify: calendar.notify,
        progress: progress.map(|(fetched, total)| ProgressView {
            fetched: count(fetched),
            total: count(total),
        }),
        feed_url: calendar.feed_url.clone(),
        can_unsubscribe: calendar.feed_url.is_some() && !listed,
    }
}

/// Where an event's last change stands, from the outbox.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EditState {
    /// The server does not have it yet.
    pub pending: bool,
    /// The server's reason for refusing it.
    pub refused: Option<String>,
    /// The server's copy changed too; the user chooses.
    pub conflict: bool,
}

/// The outbox by resource, to mark the events shown.
#[derive(Debug, Default)]
pub struct EditMarks(HashMap<(CalendarId, Href), EditState>);

impl EditMarks {
    /// Marks from the outbox's entries.
    pub fn new(entries: &[OutboxEntry]) -> EditMarks {
        EditMarks(
            entries
                .iter()
                .map(|e| {
                    let state = EditState {
                        pending: true,
                        refused: e.last_error.clone(),
                        conflict: e.change == LocalChange::Conflict,
                    };
                    ((e.calendar, e.href.clone()), state)
                })
                .collect(),
        )
    }

    /// The state of the event in resource `href`.
    pub fn of(&self, calendar: CalendarId, href: &Href) -> EditState {
        self.0
            .get(&(calendar, href.clone()))
            .cloned()
            .unwrap_or_default()
    }
}

/// Why the user may not change a calendar's events, for a hover text; `None` when they may.
pub fn read_only_reason(calendar: &Calendar) -> Option<String> {
    if calendar.feed_url.is_some() {
        Some("A subscription: its events come from a calendar someone publishes.".into())
    } else if calendar.read_only {
        Some("Shared with you read-only: only its owner can change it.".into())
    } else {
        None
    }
}

/// An occurrence for the calendar views, on `zone`'s wall clock, marked with where its last
/// change stands.
pub fn event_view(item: &AgendaItem, zone: Tz, marks: &EditMarks) -> EventView {
    let state = marks.of(item.calendar, &item.href);
    let rid = item
        .recurrence_id
        .map(|_| item.start_utc.timestamp().to_string())
        .unwrap_or_default();
    EventView {
        id: format!("{}|{}|{}", item.calendar.0, item.href, rid),
        calendar: id(item.calendar.0),
        href: item.href.as_str().to_string(),
        title: item
            .summary
            .clone()
            .filter(|s| !s.trim().is_empty())
            .unwrap_or_else(|| "(No title)".into()),
        start: shown_time(&item.start, item.start_utc, item.all_day, zone),
        end: shown_time(&item.end, item.end_utc, item.all_day, zone),
        all_day: item.all_day,
        color: css_color(item.calendar_color.as_deref()),
        location: item.location.clone(),
        pending: item.pending,
        refused: state.refused,
        conflict: state.conflict,
    }
}

/// A quarantined event, named by its calendar.
pub fn problem_view(problem: &Quarantined, calendars: &[Calendar]) -> ProblemView {
    ProblemView {
        calendar_name: calendars
            .iter()
            .find(|c| c.id == problem.calendar)
            .map_or_else(|| "(Removed calendar)".into(), |c| c.name.clone()),
        summary: problem.summary.clone(),
        uid: problem.uid.as_ref().map(|u| u.as_str().to_string()),
        reason: problem.reason.clone(),
    }
}

/// A resource holding events with several UIDs, named by its calendar, with the note that
/// says all of them are shown.
pub fn multi_uid_view(resource: &MultiUidResource, calendars: &[Calendar]) -> ProblemView {
    ProblemView {
        calendar_name: calendars
            .iter()
            .find(|c| c.id == resource.calendar)
            .map_or_else(|| "(Removed calendar)".into(), |c| c.name.clone()),
        summary: resource.summary.clone(),
        uid: resource.uid.as_ref().map(|u| u.as_str().to_string()),
        reason: almanac_sync::multi_uid_text(resource.uids),
    }
}

/// A calendar that could not be synced, or has events waiting, for the "sync problems" view.
pub fn calendar_problem_view(calendar: &Calendar, health: &str) -> ProblemView {
    ProblemView {
        calendar_name: calendar.name.clone(),
        summary: None,
        uid: None,
        reason: health.to_string(),
    }
}

/// A search result, placed on the viewer's calendar day.
pub fn search_hit_view(hit: &SearchHit, viewer: Tz) -> SearchHitView {
    let date = hit.start.map(|start| match start {
        EventTime::Date { date } => date.format("%Y-%m-%d").to_string(),
        other => almanac_ical::to_utc(&other, viewer)
            .with_timezone(&viewer)
            .format("%Y-%m-%d")
            .to_string(),
    });
    let non_empty = |s: &str| (!s.trim().is_empty()).then(|| s.to_string());
    SearchHitView {
        id: format!("{}|{}", hit.calendar.0, hit.href),
        title: non_empty(&hit.summary).unwrap_or_else(|| "(No title)".into()),
        calendar_name: hit.calendar_name.clone(),
        location: non_empty(&hit.location),
        date,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use almanac_core::AccountId;
    use chrono::Utc;

    #[test]
    fn colours_are_checked_before_they_reach_css() {
        assert_eq!(css_color(Some("#FF2968FF")).as_deref(), Some("#FF2968"));
        assert_eq!(css_color(Some("#1badf8")).as_deref(), Some("#1badf8"));
        for hostile in ["red;background:url(x)", "#12345", "#GGGGGG", "None", ""] {
            assert_eq!(css_color(Some(hostile)), None, "{hostile}");
        }
    }

    fn calendar(id: i64, name: &str, components: Vec<almanac_core::ComponentKind>) -> Calendar {
        Calendar {
            id: CalendarId(id),
            account: Some(AccountId(1)),
            href: Href::new(format!("/1/calendars/{id}/")),
            name: name.into(),
            color: None,
            order: None,
            components,
            read_only: false,
            enabled: true,
            notify: true,
            sync_token: None,
            feed_url: None,
        }
    }

    #[test]
    fn an_item_with_several_uids_gets_a_note_naming_its_calendar() {
        let calendar = calendar(4, "Home", vec![almanac_core::ComponentKind::Vevent]);
        let resource = MultiUidResource {
            calendar: CalendarId(4),
            href: Href::new("/1/calendars/home/export.ics"),
            uids: 3,
            uid: Some("first@example.com".into()),
            summary: Some("Lunch".into()),
        };
        let view = multi_uid_view(&resource, &[calendar]);
        assert_eq!(view.calendar_name, "Home");
        assert_eq!(view.uid.as_deref(), Some("first@example.com"));
        assert!(view.reason.contains("shows all 3"), "{}", view.reason);
    }

    #[test]
    fn a_task_list_is_named_as_not_shown_with_why() {
        let mut list = calendar(5, "Reminders", vec![almanac_core::ComponentKind::Vtodo]);
        let icloud = calendar_view(&list, Some(AccountKind::Icloud), false, None, None);
        let why = icloud.not_shown.unwrap();
        assert!(why.contains("not served over CalDAV"), "{why}");
        let other = calendar_view(&list, Some(AccountKind::Caldav), false, None, None);
        assert!(!other.not_shown.unwrap().contains("iCloud"));
        list.components = vec![
            almanac_core::ComponentKind::Vevent,
            almanac_core::ComponentKind::Vtodo,
        ];
        assert_eq!(
            calendar_view(&list, Some(AccountKind::Icloud), false, None, None).not_shown,
            None,
            "a calendar that holds events too is shown"
        );
    }

    #[test]
    fn a_subscription_shows_its_feed_and_only_the_users_own_can_be_ended_here() {
        let mut feed = calendar(6, "Holidays", vec![almanac_core::ComponentKind::Vevent]);
        feed.account = None;
        feed.read_only = true;
        feed.feed_url = Some("https://example.com/holidays.ics".into());
        let own = calendar_view(&feed, None, false, None, None);
        assert_eq!(own.account, None);
        assert_eq!(
            own.feed_url.as_deref(),
            Some("https://example.com/holidays.ics")
        );
        assert!(own.read_only && own.can_unsubscribe);
        assert_eq!(own.not_shown, None);
        let listed = calendar_view(&feed, Some(AccountKind::Icloud), true, None, None);
        assert!(
            !listed.can_unsubscribe,
            "iCloud lists it: only iCloud can end it"
        );
        let plain = calendar(7, "Work", vec![almanac_core::ComponentKind::Vevent]);
        assert!(!calendar_view(&plain, None, false, None, None).can_unsubscribe);
    }

    #[test]
    fn search_hits_land_on_the_viewers_day() {
        let hit = SearchHit {
            calendar: CalendarId(1),
            calendar_name: "Work".into(),
            href: Href::new("/w/a.ics"),
            uid: "a".into(),
            summary: "Late call".into(),
            location: String::new(),
            start: Some(EventTime::Utc {
                instant: chrono::DateTime::parse_from_rfc3339("2026-12-01T23:30:00Z")
                    .unwrap()
                    .to_utc(),
            }),
        };
        let berlin = search_hit_view(&hit, chrono_tz::Europe::Berlin);
        assert_eq!(berlin.date.as_deref(), Some("2026-12-02"));
        assert_eq!(berlin.location, None);
        let la = search_hit_view(&hit, chrono_tz::America::Los_Angeles);
        assert_eq!(la.date.as_deref(), Some("2026-12-01"));
    }

    #[test]
    fn all_day_events_keep_their_dates() {
        let date = chrono::NaiveDate::from_ymd_opt(2026, 12, 24).unwrap();
        let next = chrono::NaiveDate::from_ymd_opt(2026, 12, 25).unwrap();
        let item = AgendaItem {
            calendar: CalendarId(3),
            calendar_name: "Home".into(),
            calendar_color: Some("#FF2968FF".into()),
            uid: "u".into(),
            href: Href::new("/h/a.ics"),
            summary: Some("<img src=x onerror=alert(1)>".into()),
            location: None,
            start: EventTime::Date { date },
            end: EventTime::Date { date: next },
            start_utc: Utc::now(),
            end_utc: Utc::now(),
            all_day: true,
            recurrence_id: None,
            status: None,
            pending: false,
        };
        let view = event_view(&item, chrono_tz::Pacific::Kiritimati, &EditMarks::default());
        assert_eq!(
            (view.start.as_str(), view.end.as_str()),
            ("2026-12-24", "2026-12-25")
        );
        assert_eq!(
            view.title, "<img src=x onerror=alert(1)>",
            "text stays text; the UI renders it as text"
        );
        assert_eq!(view.color.as_deref(), Some("#FF2968"));
        let _ = AccountId(1);
    }
}
