//! Alarm firings from the local store, for desktop notifications that work offline, and the
//! mark of how far they were delivered, so a restart does not repeat one.

use crate::{Store, StoreError};
use almanac_core::{CalendarId, EventTime, Href, Uid};
use almanac_ical::{AlarmAction, Limits, Window};
use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use rusqlite::OptionalExtension;
use std::collections::BTreeSet;

/// How far from its occurrence an alarm may fire and still be found: alarms are looked up
/// through the occurrences near the window. A week covers every relative alert Apple, Google
/// and Fastmail offer (the longest is "1 week before").
pub const ALARM_REACH: Duration = Duration::days(8);

/// One alarm firing of one occurrence.
#[derive(Clone, Debug, PartialEq, Eq)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct DueAlarm {
    /// When it fires.
    pub at: DateTime<Utc>,
    pub calendar: CalendarId,
    pub calendar_name: String,
    pub uid: Uid,
    pub href: Href,
    /// `SUMMARY` of the occurrence.
    pub summary: Option<String>,
    /// `LOCATION` of the occurrence.
    pub location: Option<String>,
    /// The alarm's own text (`DESCRIPTION` of the VALARM), if any.
    pub description: Option<String>,
    /// The occurrence's start as written, and as an instant for the viewer.
    pub start: EventTime,
    /// The occurrence's start for the viewer.
    pub start_utc: DateTime<Utc>,
    /// Whether the occurrence is all-day.
    pub all_day: bool,
    /// Whether the alarm asks for a sound (`ACTION:AUDIO`) rather than only a message.
    pub audio: bool,
}

const DELIVERED_KEY: &str = "alarms_delivered_until";

impl Store {
    /// Display and audio alarms firing in `(from, to]` of calendars whose notifications are on,
    /// by time. E-mail and other actions are the server's business; `ACTION:NONE` (Apple's
    /// "no alert") never gets this far.
    ///
    /// # Errors
    /// As classified by [`StoreError`].
    pub fn alarms_between(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        viewer: Tz,
    ) -> Result<Vec<DueAlarm>, StoreError> {
        if to <= from {
            return Ok(Vec::new());
        }
        let (wide_from, wide_to) = (from - ALARM_REACH, to + ALARM_REACH);
        let notify: BTreeSet<i64> = self
            .conn
            .prepare_cached("SELECT id FROM calendars WHERE notify = 1")?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        let resources: BTreeSet<(CalendarId, Href, String)> = self
            .occurrences_between(wide_from, wide_to, viewer, false)?
            .into_iter()
            .filter(|o| notify.contains(&o.calendar.0))
            .map(|o| (o.calendar, o.href, o.calendar_name))
            .collect();
        let window = Window {
            start: wide_from,
            end: wide_to,
            viewer,
        };
        let mut due = Vec::new();
        for (calendar, href, calendar_name) in resources {
            let Ok(objects) = almanac_ical::parse_objects(&self.resource_ics(calendar, &href)?)
            else {
                continue;
            };
            let occurrences = objects
                .iter()
                .flat_map(|o| o.expand(window, Limits::default()).occurrences);
            for occ in occurrences {
                let (start_utc, _) = occ.instants(viewer);
                for alarm in &occ.alarms {
                    let shown = matches!(alarm.action, AlarmAction::Display | AlarmAction::Audio);
                    if shown && from < alarm.at && alarm.at <= to {
                        due.push(DueAlarm {
                            at: alarm.at,
                            calendar,
                            calendar_name: calendar_name.clone(),
                            uid: occ.uid.clone(),
                            href: href.clone(),
                            summary: occ.details.summary.clone(),
                            location: occ.details.location.clone(),
                            description: alarm.description.as_deref().map(str::to_string),
                            start: occ.start,
                            start_utc,
                            all_day: occ.all_day,
                            audio: alarm.action == AlarmAction::Audio,
                        });
                    }
                }
            }
        }
        due.sort_by(|a, b| (a.at, &a.uid, a.start_utc).cmp(&(b.at, &b.uid, b.start_utc)));
        due.dedup_by(|a, b| (a.at, &a.uid, a.start_utc) == (b.at, &b.uid, b.start_utc));
        Ok(due)
    }

    /// Until when alarms were delivered (or summarised as missed), if ever.
    ///
    /// # Errors
    /// As classified by [`StoreError`].
    pub fn alarms_delivered_until(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        let secs: Option<i64> = self
            .conn
            .query_row(
                "SELECT value FROM meta WHERE key = ?1",
                [DELIVERED_KEY],
                |r| r.get(0),
            )
            .optional()?;
        Ok(secs.and_then(|s| DateTime::from_timestamp(s, 0)))
    }

    /// Records that alarms up to `until` were delivered. Saved before they are shown: after a
    /// crash a reminder may be lost, but it is never shown twice.
    ///
    /// # Errors
    /// As classified by [`StoreError`].
    pub fn set_alarms_delivered_until(&mut self, until: DateTime<Utc>) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (DELIVERED_KEY, until.timestamp()),
        )?;
        Ok(())
    }
}
