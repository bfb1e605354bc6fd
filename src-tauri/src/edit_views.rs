//! Pure conversions for editing in the window: the editor's draft to and from the engine's,
//! the editor's fields, where an event is after a change, the conflicts view's two sides and
//! each account's waiting changes. Kept apart from the commands so they are tested without
//! Tauri.

use crate::ipc::editing::{
    Answer, ConflictSide, ConflictView, EditScope, EditorFields, EventDraft, EventRef, Frequency,
    PendingChanges, RepeatEnd, RepeatRule, WritableCalendar,
};
use crate::ipc::{IpcError, number};
use crate::views::{count, css_color, id, read_only_reason};
use almanac_core::{AccountId, Calendar, CalendarId, ComponentKind};
use almanac_ical::{Limits, PartStat, Window};
use almanac_store::{LocalChange, OutboxEntry};
use almanac_sync::{Draft, Placed, Target, shown_time};
use chrono::{Duration, NaiveDate};
use chrono_tz::Tz;
use std::collections::BTreeMap;

/// The engine's scope for the window's.
pub fn scope(chosen: EditScope) -> almanac_sync::EditScope {
    match chosen {
        EditScope::This => almanac_sync::EditScope::This,
        EditScope::Following => almanac_sync::EditScope::Following,
        EditScope::All => almanac_sync::EditScope::All,
    }
}

/// The PARTSTAT for the window's answer.
pub fn part_stat(answer: Answer) -> PartStat {
    match answer {
        Answer::Accepted => PartStat::Accepted,
        Answer::Tentative => PartStat::Tentative,
        Answer::Declined => PartStat::Declined,
    }
}

/// A store key from the window.
pub fn calendar_id(calendar: number::Id) -> CalendarId {
    CalendarId(i64::from(calendar))
}

fn rule_from(view: &RepeatRule) -> Result<almanac_ical::RepeatRule, IpcError> {
    let weekdays = view
        .by_day
        .iter()
        .map(|d| almanac_ical::weekday_of(d))
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| IpcError::invalid("A weekday is not understood."))?;
    let end = match &view.end {
        RepeatEnd::Never => almanac_ical::RepeatEnd::Never,
        RepeatEnd::Count { count } => almanac_ical::RepeatEnd::Count(*count),
        RepeatEnd::Until { date } => almanac_ical::RepeatEnd::Until(
            NaiveDate::parse_from_str(date, "%Y-%m-%d")
                .map_err(|_| IpcError::invalid("The repeat's last day is not understood."))?,
        ),
    };
    Ok(almanac_ical::RepeatRule {
        frequency: match view.freq {
            Frequency::Daily => almanac_ical::Frequency::Daily,
            Frequency::Weekly => almanac_ical::Frequency::Weekly,
            Frequency::Monthly => almanac_ical::Frequency::Monthly,
            Frequency::Yearly => almanac_ical::Frequency::Yearly,
        },
        interval: view.interval.max(1),
        weekdays,
        end,
        week_start: None,
    })
}

fn rule_view(rule: &almanac_ical::RepeatRule) -> RepeatRule {
    RepeatRule {
        freq: match rule.frequency {
            almanac_ical::Frequency::Daily => Frequency::Daily,
            almanac_ical::Frequency::Weekly => Frequency::Weekly,
            almanac_ical::Frequency::Monthly => Frequency::Monthly,
            almanac_ical::Frequency::Yearly => Frequency::Yearly,
        },
        interval: rule.interval,
        by_day: rule
            .weekdays
            .iter()
            .map(|d| almanac_ical::weekday_code(*d).to_string())
            .collect(),
        end: match rule.end {
            almanac_ical::RepeatEnd::Never => RepeatEnd::Never,
            almanac_ical::RepeatEnd::Count(count) => RepeatEnd::Count { count },
            almanac_ical::RepeatEnd::Until(date) => RepeatEnd::Until {
                date: date.format("%Y-%m-%d").to_string(),
            },
        },
    }
}

/// The engine's draft for the window's, with the calendar it names.
///
/// # Errors
/// [`crate::ipc::ErrorCode::InvalidInput`] for an unknown zone, weekday or date.
pub fn draft_from(view: &EventDraft) -> Result<(CalendarId, Draft), IpcError> {
    let zone: Tz = view
        .zone
        .parse()
        .map_err(|_| IpcError::invalid("That time zone is not known."))?;
    let draft = Draft {
        title: view.title.clone(),
        all_day: view.all_day,
        start: view.start.clone(),
        end: view.end.clone(),
        zone,
        repeat: view.repeat.as_ref().map(rule_from).transpose()?,
        alerts: view.alerts.clone(),
        location: view.location.clone(),
        url: view.url.clone(),
        notes: view.notes.clone(),
    };
    Ok((calendar_id(view.calendar), draft))
}

/// The editor's fields for an opened occurrence.
pub fn fields_view(target: &Target) -> EditorFields {
    let d = &target.opened.draft;
    let details = &target.opened.occurrence().details;
    EditorFields {
        draft: EventDraft {
            calendar: id(target.calendar.id.0),
            title: d.title.clone(),
            all_day: d.all_day,
            start: d.start.clone(),
            end: d.end.clone(),
            zone: d.zone.name().to_string(),
            repeat: d.repeat.as_ref().map(rule_view),
            alerts: d.alerts.clone(),
            location: d.location.clone(),
            url: d.url.clone(),
            notes: d.notes.clone(),
        },
        recurring: target.opened.recurring,
        read_only: target.calendar.read_only || target.calendar.feed_url.is_some(),
        read_only_reason: read_only_reason(&target.calendar),
        custom_repeat_text: target.opened.custom_repeat.clone(),
        has_attendees: !details.attendees.is_empty(),
        organizer_is_me: target
            .me
            .as_deref()
            .is_some_and(|me| almanac_sync::organizes(details, me)),
    }
}

/// Where the event is after a change, as the views name it; `asked` is the start the window
/// named it by, for a change that did not move it.
pub fn event_ref(placed: &Placed, asked: &str) -> EventRef {
    EventRef {
        calendar: id(placed.calendar.0),
        href: placed.href.as_str().to_string(),
        start: placed.start.clone().unwrap_or_else(|| asked.to_string()),
    }
}

/// A calendar new events may go into: an account's own calendar of events, writable.
pub fn writable_view(calendar: &Calendar) -> Option<WritableCalendar> {
    let events =
        calendar.components.is_empty() || calendar.components.contains(&ComponentKind::Vevent);
    let account = calendar.account?;
    (events && !calendar.read_only && calendar.feed_url.is_none()).then(|| WritableCalendar {
        id: id(calendar.id.0),
        account: id(account.0),
        name: calendar.name.clone(),
        color: css_color(calendar.color.as_deref()),
    })
}

/// Each account's waiting changes, refusals and conflicts, for the accounts that have any.
pub fn pending_views(entries: &[OutboxEntry], calendars: &[Calendar]) -> Vec<PendingChanges> {
    let mut by_account: BTreeMap<AccountId, [usize; 3]> = BTreeMap::new();
    for e in entries {
        let Some(account) = calendars
            .iter()
            .find(|c| c.id == e.calendar)
            .and_then(|c| c.account)
        else {
            continue;
        };
        let counts = by_account.entry(account).or_default();
        if e.change == LocalChange::Conflict {
            counts[2] += 1;
        } else {
            counts[0] += 1;
            counts[1] += usize::from(e.last_error.is_some());
        }
    }
    by_account
        .into_iter()
        .map(|(account, [pending, refused, conflicts])| PendingChanges {
            account: id(account.0),
            pending: count(pending),
            refused: count(refused),
            conflicts: count(conflicts),
        })
        .collect()
}

/// One side of a conflict: the first occurrence of the text's event, in `zone`.
fn side(text: &str, zone: Tz) -> Option<ConflictSide> {
    let objects = almanac_ical::parse_objects(text).ok()?;
    let object = objects.first()?;
    let event = object.master.as_ref().or(object.overrides.first())?;
    let at = almanac_ical::to_utc(&event.start, zone);
    let window = Window {
        start: at,
        end: at + Duration::seconds(1),
        viewer: zone,
    };
    let occurrence = object
        .expand(window, Limits::default())
        .occurrences
        .into_iter()
        .next()?;
    let (s, e) = occurrence.instants(zone);
    let d = &occurrence.details;
    Some(ConflictSide {
        title: d.summary.clone().unwrap_or_default(),
        start: shown_time(&occurrence.start, s, occurrence.all_day, zone),
        end: shown_time(&occurrence.end, e, occurrence.all_day, zone),
        all_day: occurrence.all_day,
        location: d.location.clone(),
        notes: d.description.clone(),
        text: text.to_string(),
    })
}

/// A conflict for the conflicts view, both sides in `zone`; `None` for an entry that is not a
/// conflict.
pub fn conflict_view(
    entry: &OutboxEntry,
    calendars: &[Calendar],
    zone: Tz,
) -> Option<ConflictView> {
    if entry.change != LocalChange::Conflict {
        return None;
    }
    let mine = entry.local_ics.as_deref().and_then(|t| side(t, zone));
    let theirs = entry.base_ics.as_deref().and_then(|t| side(t, zone));
    let title = mine
        .as_ref()
        .or(theirs.as_ref())
        .map(|s| s.title.clone())
        .filter(|t| !t.trim().is_empty())
        .unwrap_or_else(|| "(No title)".into());
    Some(ConflictView {
        id: number::Id::try_from(entry.id).unwrap_or(number::Id::MAX),
        calendar: id(entry.calendar.0),
        calendar_name: calendars
            .iter()
            .find(|c| c.id == entry.calendar)
            .map_or_else(|| "(Removed calendar)".into(), |c| c.name.clone()),
        title,
        mine,
        theirs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use almanac_core::{Etag, Href};

    fn calendar(id: i64, read_only: bool) -> Calendar {
        Calendar {
            id: CalendarId(id),
            account: Some(AccountId(1)),
            href: Href::new(format!("/c{id}/")),
            name: format!("C{id}"),
            color: None,
            order: None,
            components: vec![ComponentKind::Vevent],
            read_only,
            enabled: true,
            notify: true,
            sync_token: None,
            feed_url: None,
        }
    }

    fn entry(id: i64, change: LocalChange, error: Option<&str>) -> OutboxEntry {
        let text = |summary: &str| {
            format!(
                "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:u\r\nDTSTART;VALUE=DATE:20261224\r\n\
                 DTEND;VALUE=DATE:20261225\r\nSUMMARY:{summary}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
            )
        };
        OutboxEntry {
            id,
            calendar: CalendarId(1),
            href: Href::new("/c1/u.ics"),
            change,
            base_etag: Some(Etag::new("\"2\"")),
            base_ics: Some(text("Theirs")),
            local_ics: (change != LocalChange::Deleted).then(|| text("Mine")),
            local_rev: 1,
            last_error: error.map(str::to_string),
            conflict: None,
        }
    }

    #[test]
    fn drafts_cross_both_ways_and_refuse_what_is_not_understood() {
        let view = EventDraft {
            calendar: 3,
            title: "Yoga".into(),
            all_day: false,
            start: "2026-12-07T18:00".into(),
            end: "2026-12-07T19:00".into(),
            zone: "Europe/Berlin".into(),
            repeat: Some(RepeatRule {
                freq: Frequency::Weekly,
                interval: 1,
                by_day: vec!["MO".into(), "TH".into()],
                end: RepeatEnd::Until {
                    date: "2027-03-01".into(),
                },
            }),
            alerts: vec![30],
            location: None,
            url: None,
            notes: None,
        };
        let (calendar, draft) = draft_from(&view).unwrap();
        assert_eq!(calendar, CalendarId(3));
        assert_eq!(
            draft.repeat.as_ref().unwrap().to_rrule(),
            "FREQ=WEEKLY;BYDAY=MO,TH;UNTIL=20270301"
        );
        assert_eq!(
            rule_view(draft.repeat.as_ref().unwrap()),
            view.repeat.clone().unwrap()
        );
        let bad_zone = EventDraft {
            zone: "Mars/Olympus".into(),
            ..view.clone()
        };
        assert!(draft_from(&bad_zone).is_err());
        let mut bad_day = view;
        bad_day.repeat.as_mut().unwrap().by_day = vec!["XX".into()];
        assert!(draft_from(&bad_day).is_err());
    }

    #[test]
    fn only_an_account_s_writable_event_calendars_take_new_events() {
        assert!(writable_view(&calendar(1, false)).is_some());
        assert!(writable_view(&calendar(2, true)).is_none());
        let mut feed = calendar(3, false);
        feed.feed_url = Some("https://example.com/h.ics".into());
        assert!(writable_view(&feed).is_none());
        let mut tasks = calendar(4, false);
        tasks.components = vec![ComponentKind::Vtodo];
        assert!(writable_view(&tasks).is_none());
    }

    #[test]
    fn counts_and_conflicts_come_from_the_outbox() {
        let entries = [
            entry(1, LocalChange::Modified, None),
            entry(2, LocalChange::Created, Some("too large")),
            entry(3, LocalChange::Conflict, None),
        ];
        let calendars = [calendar(1, false)];
        let counts = pending_views(&entries, &calendars);
        assert_eq!(
            counts,
            [PendingChanges {
                account: 1,
                pending: 2,
                refused: 1,
                conflicts: 1
            }]
        );
        let zone = chrono_tz::Asia::Tokyo;
        assert!(conflict_view(&entries[0], &calendars, zone).is_none());
        let view = conflict_view(&entries[2], &calendars, zone).unwrap();
        assert_eq!((view.id, view.title.as_str()), (3, "Mine"));
        let theirs = view.theirs.unwrap();
        assert_eq!(
            (theirs.start.as_str(), theirs.all_day),
            ("2026-12-24", true)
        );
        assert_eq!(view.calendar_name, "C1");
    }
}
