//! An event as an editor shows and produces it ([`Draft`]): times as the user sees them (a date
//! for a whole-day event, else a wall-clock time in a named zone), a repeat rule the editor can
//! show, alerts in minutes before the start. [`Opened`] is an existing occurrence opened in the
//! editor; saving diffs the draft against it into [`Changes`] naming only what the user changed,
//! so every other line of the stored text stays as it was.
//!
//! An edit of a whole series made at one of its occurrences moves the series by as much as
//! that occurrence moved ([`almanac_ical::shift`]): dragging the third Monday of a weekly
//! meeting to Tuesday makes it a Tuesday meeting from its first occurrence on.

use crate::occurrence::{read_shown, shown_time, source, wall_clock_text};
use almanac_core::{EventTime, Uid};
use almanac_ical::{
    CalendarObject, Changes, IcalDuration, IcalError, NewEvent, Occurrence, Repeat, RepeatRule,
    Scope, Trigger,
};
use chrono::{NaiveDate, NaiveDateTime};
use chrono_tz::Tz;

/// An event as the editor shows it and the user leaves it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Draft {
    /// `SUMMARY`; empty for none.
    pub title: String,
    /// Whether `start` and `end` are dates (`YYYY-MM-DD`, the end exclusive) rather than
    /// wall-clock times (`YYYY-MM-DDTHH:MM[:SS]`) in `zone`.
    pub all_day: bool,
    /// The start as shown.
    pub start: String,
    /// The end as shown.
    pub end: String,
    /// The zone of timed `start` and `end`.
    pub zone: Tz,
    /// `None`: it does not repeat, or repeats by a rule the editor cannot show (kept).
    pub repeat: Option<RepeatRule>,
    /// Minutes before the start (0 at the start, negative after it; for a whole-day event,
    /// before 00:00 of its day).
    pub alerts: Vec<i64>,
    /// `LOCATION`.
    pub location: Option<String>,
    /// `URL`.
    pub url: Option<String>,
    /// `DESCRIPTION`.
    pub notes: Option<String>,
}

fn invalid(reason: &str) -> IcalError {
    IcalError::InvalidChange {
        reason: reason.into(),
    }
}

/// A time the editor gave: a date for a whole-day event, else a wall-clock time in `zone`
/// (UTC stays UTC, as iCalendar writes it without a TZID).
fn event_time(text: &str, all_day: bool, zone: Tz) -> Result<EventTime, IcalError> {
    if all_day {
        return NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
            .map(|date| EventTime::Date { date })
            .map_err(|_| invalid("a whole-day event's start and end are dates"));
    }
    if !text.contains('T') {
        return Err(invalid("a timed event's start and end are times"));
    }
    let local = read_shown(text).ok_or_else(|| invalid("the time is not understood"))?;
    Ok(match zone {
        Tz::UTC => EventTime::Utc {
            instant: local.and_utc(),
        },
        tz => EventTime::Zoned { local, tz },
    })
}

/// `None` for an empty or blank text.
fn text(value: Option<&str>) -> Option<String> {
    value
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

fn minutes(trigger: &Trigger) -> Option<i64> {
    match trigger {
        Trigger::Start(d) => Some(-d.exact().num_seconds() / 60),
        Trigger::End(_) | Trigger::At(_) => None,
    }
}

fn before(minutes: i64) -> Trigger {
    Trigger::Start(IcalDuration {
        days: 0,
        seconds: minutes.saturating_mul(-60),
    })
}

/// The same rule for comparing: the week start is not shown, so it does not count.
fn shown_rule(rule: &Option<RepeatRule>) -> Option<RepeatRule> {
    rule.clone().map(|r| RepeatRule {
        week_start: None,
        ..r
    })
}

impl Draft {
    /// Start and end as iCalendar times.
    ///
    /// # Errors
    /// [`IcalError::InvalidChange`] when a time is not understood or not of the kind `all_day`
    /// says.
    pub fn times(&self) -> Result<(EventTime, EventTime), IcalError> {
        Ok((
            event_time(&self.start, self.all_day, self.zone)?,
            event_time(&self.end, self.all_day, self.zone)?,
        ))
    }

    /// The new event this draft describes, under `uid`.
    ///
    /// # Errors
    /// As [`Draft::times`].
    pub fn new_event(&self, uid: Uid) -> Result<NewEvent, IcalError> {
        let (start, end) = self.times()?;
        Ok(NewEvent {
            uid,
            summary: self.title.trim().to_string(),
            start,
            end,
            rrule: self.repeat.as_ref().map(RepeatRule::to_rrule),
            location: text(self.location.as_deref()),
            description: text(self.notes.as_deref()),
            url: text(self.url.as_deref()),
            alarms: self.alerts.iter().map(|m| before(*m)).collect(),
        })
    }

    /// The start as the views show it in `display` (where the event is after a save).
    pub fn shown_start(&self, display: Tz) -> Option<String> {
        let (start, _) = self.times().ok()?;
        let instant = almanac_ical::to_utc(&start, self.zone);
        Some(shown_time(&start, instant, self.all_day, display))
    }
}

/// An existing occurrence opened in the editor.
#[derive(Clone, Debug)]
pub struct Opened {
    /// Its values as the editor shows them. Times are in the event's own zone when it has one,
    /// else in the display zone.
    pub draft: Draft,
    /// Whether it is an occurrence of a series (the editor asks which ones a change is for).
    pub recurring: bool,
    /// The series' rule in words when the editor cannot show it.
    pub custom_repeat: Option<String>,
    occurrence: Occurrence,
    master_start: Option<EventTime>,
    alarms: Vec<Trigger>,
}

impl Opened {
    /// `occurrence` of `object` as the editor opens it; floating and UTC times are shown in
    /// `display`.
    pub fn new(object: &CalendarObject, occurrence: Occurrence, display: Tz) -> Opened {
        let zone = match occurrence.start {
            EventTime::Zoned { tz, .. } if !occurrence.all_day => tz,
            _ => display,
        };
        let (s, e) = occurrence.instants(zone);
        let shown = |t: &EventTime, at| shown_time(t, at, occurrence.all_day, zone);
        let (repeat, custom_repeat) = match almanac_ical::repeat_of(&object.raw) {
            Repeat::Rule(rule) => (Some(rule), None),
            Repeat::Never => (None, None),
            Repeat::Custom => (
                None,
                Some(
                    object
                        .master
                        .as_ref()
                        .and_then(almanac_ical::Event::recurrence_text)
                        .unwrap_or_else(|| "On chosen dates".into()),
                ),
            ),
        };
        let alarms: Vec<Trigger> = source(object, &occurrence)
            .map(|e| e.alarms.iter().map(|a| a.trigger.clone()).collect())
            .unwrap_or_default();
        let d = &occurrence.details;
        let draft = Draft {
            title: d.summary.clone().unwrap_or_default(),
            all_day: occurrence.all_day,
            start: shown(&occurrence.start, s),
            end: shown(&occurrence.end, e),
            zone,
            repeat,
            alerts: alarms.iter().filter_map(minutes).collect(),
            location: text(d.location.as_deref()),
            url: text(d.url.as_deref()),
            notes: text(d.description.as_deref()),
        };
        Opened {
            draft,
            recurring: occurrence.recurrence_id.is_some(),
            custom_repeat,
            master_start: object.master.as_ref().map(|m| m.start),
            occurrence,
            alarms,
        }
    }

    /// The occurrence opened.
    pub fn occurrence(&self) -> &Occurrence {
        &self.occurrence
    }

    /// The draft with the occurrence moved to `start`..`end` (wall-clock times in `display`,
    /// or dates): how a drag or a resize reads. A timed event keeps its own zone.
    ///
    /// # Errors
    /// [`IcalError::InvalidChange`] when a time is not understood.
    pub fn moved(
        &self,
        start: &str,
        end: &str,
        all_day: bool,
        display: Tz,
    ) -> Result<Draft, IcalError> {
        let zone = if all_day { display } else { self.draft.zone };
        let in_own_zone = |text: &str| -> Result<String, IcalError> {
            if all_day {
                return Ok(text.trim().to_string());
            }
            let local: NaiveDateTime =
                read_shown(text).ok_or_else(|| invalid("the time is not understood"))?;
            Ok(wall_clock_text(
                almanac_ical::local_to_utc(display, local),
                zone,
            ))
        };
        Ok(Draft {
            all_day,
            start: in_own_zone(start)?,
            end: in_own_zone(end)?,
            zone,
            ..self.draft.clone()
        })
    }

    /// What saving `draft` for `scope` changes: only the fields that differ from what the
    /// editor showed.
    ///
    /// # Errors
    /// [`IcalError::InvalidChange`] when a changed time is not understood.
    pub fn changes(&self, draft: &Draft, scope: &Scope) -> Result<Changes, IcalError> {
        let was = &self.draft;
        let differs = |a: &Option<String>, b: &Option<String>| {
            let (a, b) = (text(a.as_deref()), text(b.as_deref()));
            (a != b).then_some(b)
        };
        let mut changes = Changes {
            summary: (draft.title.trim() != was.title.trim()).then(|| text(Some(&draft.title))),
            location: differs(&was.location, &draft.location),
            url: differs(&was.url, &draft.url),
            description: differs(&was.notes, &draft.notes),
            ..Changes::default()
        };
        let when = |d: &Draft| (d.all_day, d.start.clone(), d.end.clone(), d.zone);
        if when(draft) != when(was) {
            let (start, end) = draft.times()?;
            let (start, end) = match (scope, self.occurrence.recurrence_id, self.master_start) {
                (Scope::All, Some(_), Some(master)) => {
                    let moved = almanac_ical::shift(&master, &self.occurrence.start, &start);
                    (moved, almanac_ical::shift(&end, &start, &moved))
                }
                _ => (start, end),
            };
            changes.start = Some(start);
            changes.end = Some(end);
        }
        if shown_rule(&draft.repeat) != shown_rule(&was.repeat) {
            changes.rrule = Some(draft.repeat.clone().map(|rule| {
                RepeatRule {
                    week_start: was.repeat.as_ref().and_then(|r| r.week_start),
                    ..rule
                }
                .to_rrule()
            }));
        }
        let sorted = |mut v: Vec<i64>| {
            v.sort_unstable();
            v.dedup();
            v
        };
        let wanted = sorted(draft.alerts.clone());
        if wanted != sorted(was.alerts.clone()) {
            let kept = self.alarms.iter().filter(|t| minutes(t).is_none()).cloned();
            let shown = wanted.iter().map(|m| {
                self.alarms
                    .iter()
                    .find(|t| minutes(t) == Some(*m))
                    .cloned()
                    .unwrap_or_else(|| before(*m))
            });
            changes.alarms = Some(kept.chain(shown).collect());
        }
        Ok(changes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::occurrence::find;
    use chrono::Weekday;

    // Shape: an iCloud weekly series in Berlin with an alert, a place and Apple's WKST.
    const SERIES: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:s\r\n\
        DTSTART;TZID=Europe/Berlin:20261207T100000\r\nDTEND;TZID=Europe/Berlin:20261207T103000\r\n\
        RRULE:FREQ=WEEKLY;BYDAY=MO;WKST=SU\r\nSUMMARY:Standup\r\nLOCATION:Room 1\r\n\
        BEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:-PT15M\r\nEND:VALARM\r\n\
        BEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER;RELATED=END:PT0S\r\nEND:VALARM\r\n\
        END:VEVENT\r\nEND:VCALENDAR\r\n";

    fn opened(start: &str, display: Tz) -> Opened {
        let objects = almanac_ical::parse_objects(SERIES).unwrap();
        let (object, occurrence) = find(&objects, start, display).unwrap();
        Opened::new(object, occurrence, display)
    }

    fn berlin(text: &str) -> EventTime {
        EventTime::Zoned {
            local: read_shown(text).unwrap(),
            tz: chrono_tz::Europe::Berlin,
        }
    }

    #[test]
    fn the_editor_shows_the_event_in_its_own_zone_and_an_unchanged_draft_changes_nothing() {
        let o = opened("2026-12-14T04:00:00", chrono_tz::America::New_York);
        assert_eq!(o.draft.zone, chrono_tz::Europe::Berlin);
        assert_eq!(
            (o.draft.start.as_str(), o.draft.end.as_str()),
            ("2026-12-14T10:00:00", "2026-12-14T10:30:00")
        );
        assert_eq!(o.draft.alerts, [15]);
        assert_eq!(o.draft.repeat.as_ref().unwrap().weekdays, [Weekday::Mon]);
        assert!(o.recurring);
        let same = o.changes(&o.draft.clone(), &Scope::All).unwrap();
        assert_eq!(same, Changes::default());
    }

    #[test]
    fn only_the_fields_the_user_touched_are_changed() {
        let o = opened("2026-12-14T10:00:00", chrono_tz::Europe::Berlin);
        let draft = Draft {
            title: "Daily standup".into(),
            location: Some("  ".into()),
            alerts: vec![15, 60],
            ..o.draft.clone()
        };
        let changes = o.changes(&draft, &Scope::All).unwrap();
        assert_eq!(changes.summary, Some(Some("Daily standup".into())));
        assert_eq!(changes.location, Some(None), "emptied: removed");
        assert_eq!((changes.start, changes.rrule), (None, None));
        let alarms = changes.alarms.unwrap();
        assert_eq!(
            alarms.len(),
            3,
            "the RELATED=END alarm the editor cannot show stays"
        );
        assert!(alarms.contains(&before(60)));
    }

    #[test]
    fn a_whole_series_moves_by_as_much_as_the_occurrence_it_was_dragged_at() {
        let berlin_zone = chrono_tz::Europe::Berlin;
        let o = opened("2026-12-21T10:00:00", berlin_zone);
        let dragged = o
            .moved("2026-12-22T11:00", "2026-12-22T11:30", false, berlin_zone)
            .unwrap();
        let all = o.changes(&dragged, &Scope::All).unwrap();
        assert_eq!(all.start, Some(berlin("2026-12-08T11:00")));
        assert_eq!(all.end, Some(berlin("2026-12-08T11:30")));
        assert_eq!((all.summary, all.alarms), (None, None));
        let one = o
            .changes(&dragged, &Scope::This(berlin("2026-12-21T10:00")))
            .unwrap();
        assert_eq!(one.start, Some(berlin("2026-12-22T11:00")));
    }

    #[test]
    fn a_drag_in_another_display_zone_keeps_the_event_s_zone() {
        let new_york = chrono_tz::America::New_York;
        let o = opened("2026-12-14T04:00:00", new_york);
        let later = o
            .moved(
                "2026-12-14T05:00:00",
                "2026-12-14T05:30:00",
                false,
                new_york,
            )
            .unwrap();
        assert_eq!(later.zone, chrono_tz::Europe::Berlin);
        assert_eq!(later.start, "2026-12-14T11:00:00");
        let changes = o.changes(&later, &Scope::Following(berlin("2026-12-14T10:00")));
        assert_eq!(changes.unwrap().start, Some(berlin("2026-12-14T11:00")));
    }

    #[test]
    fn a_new_rule_keeps_the_week_start_and_a_new_event_reads_its_times() {
        let o = opened("2026-12-14T10:00:00", chrono_tz::Europe::Berlin);
        let mut rule = o.draft.repeat.clone().unwrap();
        rule.interval = 2;
        rule.week_start = None;
        let draft = Draft {
            repeat: Some(rule),
            ..o.draft.clone()
        };
        let changes = o.changes(&draft, &Scope::All).unwrap();
        assert_eq!(
            changes.rrule,
            Some(Some("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO;WKST=SU".into()))
        );

        let lunch = Draft {
            title: " Lunch ".into(),
            all_day: true,
            start: "2026-12-12".into(),
            end: "2026-12-13".into(),
            zone: Tz::UTC,
            repeat: None,
            alerts: vec![900],
            location: None,
            url: Some(String::new()),
            notes: None,
        };
        let event = lunch.new_event(Uid::new("U")).unwrap();
        assert_eq!(event.summary, "Lunch");
        assert!(matches!(event.start, EventTime::Date { .. }));
        assert_eq!(event.url, None);
        assert_eq!(event.alarms, [before(900)]);
        assert_eq!(
            lunch.shown_start(chrono_tz::Asia::Tokyo).unwrap(),
            "2026-12-12"
        );
        let timed = Draft {
            all_day: false,
            ..lunch
        };
        assert!(timed.times().is_err(), "a date is no time");
    }
}
