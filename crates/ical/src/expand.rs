//! Expansion: the occurrences of a [`CalendarObject`] that overlap a window.
//!
//! The master's rules are expanded on DTSTART's wall clock over the window widened by a margin
//! (the longest event, the largest THISANDFUTURE shift and two days for zone offsets), so that
//! occurrences that start before the window but reach into it, and occurrences moved into it,
//! are found. Each candidate is then checked exactly against the window as instants.

use crate::alarm::{AlarmTime, Edge, alarm_times};
use crate::event::{CalendarObject, Details, Event, Length, RDate, Status};
use crate::tz::{add_naive, add_utc, in_frame_of, to_utc, wall_clock, with_wall_clock};
use crate::warning::{Warning, WarningKind};
use almanac_core::{EventTime, Uid};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::Serialize;
use std::sync::Arc;

/// The half-open interval `[start, end)` to expand, and the zone in which floating times and
/// all-day dates are read (the viewer's).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    /// Inclusive start.
    pub start: DateTime<Utc>,
    /// Exclusive end.
    pub end: DateTime<Utc>,
    /// The viewer's zone.
    pub viewer: Tz,
}

/// Bounds that keep hostile or pathological rules from exhausting time or memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Occurrences returned at most; more are dropped and reported.
    pub max_occurrences: usize,
    /// Rule iterations at most, per rule, counted from DTSTART.
    pub max_steps: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_occurrences: 10_000,
            max_steps: 1_000_000,
        }
    }
}

/// One occurrence: what the occurrence index, the agenda and the notification schedule hold.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Occurrence {
    /// The event's UID.
    pub uid: Uid,
    /// The occurrence's RECURRENCE-ID (its original start); `None` for a non-recurring event.
    pub recurrence_id: Option<EventTime>,
    /// Start, in the form the producer chose.
    pub start: EventTime,
    /// End (exclusive), in DTEND's form.
    pub end: EventTime,
    /// Whether it is an all-day (DATE) occurrence.
    pub all_day: bool,
    /// Its STATUS (the override's own, for moved occurrences).
    pub status: Option<Status>,
    /// Its descriptive fields (the override's own, for moved occurrences).
    pub details: Arc<Details>,
    /// When its alarms fire.
    pub alarms: Vec<AlarmTime>,
    /// Whether an override VEVENT produced it.
    pub is_override: bool,
}

impl Occurrence {
    /// The summary, if any.
    pub fn summary(&self) -> Option<&str> {
        self.details.summary.as_deref()
    }

    /// Start and end as instants for a viewer in `viewer`: floating and all-day times are
    /// wall-clock values there.
    pub fn instants(&self, viewer: Tz) -> (DateTime<Utc>, DateTime<Utc>) {
        (to_utc(&self.start, viewer), to_utc(&self.end, viewer))
    }
}

/// The result of [`CalendarObject::expand`].
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Expansion {
    /// Occurrences overlapping the window, by start then end.
    pub occurrences: Vec<Occurrence>,
    /// Problems met while expanding (a capped rule, for instance).
    pub warnings: Vec<Warning>,
    /// Whether a limit cut the expansion short.
    pub capped: bool,
}

/// How exclusions and recurrence ids are compared with candidates: by day when either side is a
/// DATE (an EXDATE;VALUE=DATE on a timed series removes that day), else as instants, so that a
/// RECURRENCE-ID in UTC matches a zoned DTSTART.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Key {
    Day(NaiveDate),
    Instant(DateTime<Utc>),
}

fn key(t: &EventTime, master_is_date: bool, viewer: Tz) -> Key {
    if master_is_date || t.is_date() {
        Key::Day(wall_clock(t).date())
    } else {
        Key::Instant(to_utc(t, viewer))
    }
}

fn matches(k: Key, day: NaiveDate, instant: DateTime<Utc>) -> bool {
    match k {
        Key::Day(d) => d == day,
        Key::Instant(i) => i == instant,
    }
}

/// The end of an occurrence starting at `start` (instant `at`), as a time and an instant.
fn end_of(
    start: &EventTime,
    at: DateTime<Utc>,
    length: &Length,
    viewer: Tz,
) -> (EventTime, DateTime<Utc>) {
    let days = Duration::try_days(length.nominal.days).unwrap_or(Duration::MAX);
    if let EventTime::Date { date } = start {
        let date = date.checked_add_signed(days).unwrap_or(*date);
        let end = EventTime::Date { date };
        return (end, to_utc(&end, viewer));
    }
    let end = match (length.end_form, start) {
        (None, EventTime::Floating { .. }) => EventTime::Floating {
            local: add_naive(add_naive(wall_clock(start), days), length.exact),
        },
        (form, _) if length.nominal.days == 0 => {
            let end_at = add_utc(at, length.exact);
            return (in_frame_of(&form.unwrap_or(*start), end_at, viewer), end_at);
        }
        (form, _) => {
            let mid = with_wall_clock(start, add_naive(wall_clock(start), days));
            in_frame_of(
                &form.unwrap_or(*start),
                add_utc(to_utc(&mid, viewer), length.exact),
                viewer,
            )
        }
    };
    (end, to_utc(&end, viewer))
}

/// `t` on the wall clock of `form`, the override's DTSTART, where a THISANDFUTURE shift is
/// measured and applied: a RECURRENCE-ID in UTC against `DTSTART;TZID=...` would otherwise
/// count the zone's offset as part of the shift. Dates, and times that meet a date, compare
/// as written (an all-day series moved to 09:00 shifts by nine hours from each day's start).
fn frame_for_shift(t: &EventTime, form: &EventTime, viewer: Tz) -> EventTime {
    let same_frame = match (t, form) {
        (EventTime::Zoned { tz: a, .. }, EventTime::Zoned { tz: b, .. }) => a == b,
        (EventTime::Floating { .. }, EventTime::Floating { .. })
        | (EventTime::Utc { .. }, EventTime::Utc { .. }) => true,
        _ => t.is_date() || form.is_date(),
    };
    if same_frame {
        *t
    } else {
        in_frame_of(form, to_utc(t, viewer), viewer)
    }
}

fn overlaps(start: DateTime<Utc>, end: DateTime<Utc>, w: &Window) -> bool {
    if end <= start {
        start >= w.start && start < w.end
    } else {
        start < w.end && end > w.start
    }
}

struct Found {
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    occurrence: Occurrence,
}

impl CalendarObject {
    /// The occurrences that overlap `window`, sorted by start then end. A cancelled override
    /// removes its occurrence; other overrides replace theirs, wherever they move it.
    /// Zero-length occurrences count when their start is inside the window. A cancelled
    /// master keeps its occurrences, with [`Status::Cancelled`], so the UI can strike them out.
    pub fn expand(&self, window: Window, limits: Limits) -> Expansion {
        let viewer = window.viewer;
        let mut found: Vec<Found> = Vec::with_capacity(64);
        let mut exp = Expansion::default();
        let master_is_date = self.master.as_ref().is_some_and(|m| m.start.is_date());
        let override_keys: Vec<Key> = self
            .overrides
            .iter()
            .filter_map(|o| {
                o.recurrence_id
                    .as_ref()
                    .map(|r| key(r, master_is_date, viewer))
            })
            .collect();
        let first_key = self
            .master
            .as_ref()
            .map(|m| key(&m.start, master_is_date, viewer));
        let mut push = |ev: &Event,
                        rid: Option<EventTime>,
                        start: EventTime,
                        at: DateTime<Utc>,
                        end: (EventTime, DateTime<Utc>),
                        first: bool,
                        is_override: bool| {
            let (s, e) = (at, end.1);
            if !overlaps(s, e, &window) {
                return;
            }
            found.push(Found {
                start: s,
                end: e,
                occurrence: Occurrence {
                    uid: self.uid.clone(),
                    recurrence_id: rid,
                    start,
                    end: end.0,
                    all_day: start.is_date(),
                    status: ev.details.status,
                    details: Arc::clone(&ev.details),
                    alarms: alarm_times(
                        &ev.alarms,
                        &Edge {
                            time: &start,
                            at: s,
                        },
                        &Edge {
                            time: &end.0,
                            at: e,
                        },
                        first,
                        viewer,
                    ),
                    is_override,
                },
            });
        };
        let is_first = |t: &EventTime| match first_key {
            Some(k) => matches(k, wall_clock(t).date(), to_utc(t, viewer)),
            None => true,
        };
        if let Some(master) = &self.master {
            let futures: Vec<(&Event, Key, Duration)> = self
                .overrides
                .iter()
                .filter(|o| o.this_and_future)
                .filter_map(|o| {
                    let rid = o.recurrence_id?;
                    Some((
                        o,
                        key(&rid, master_is_date, viewer),
                        wall_clock(&o.start) - wall_clock(&frame_for_shift(&rid, &o.start, viewer)),
                    ))
                })
                .collect();
            let longest = std::iter::once(master)
                .chain(&self.overrides)
                .map(|e| e.length.nominal.exact() + e.length.exact)
                .chain(master.rdates.iter().filter_map(|r| match r {
                    RDate::Period(s, e) => Some(to_utc(e, viewer) - to_utc(s, viewer)),
                    RDate::At(_) => None,
                }))
                .max()
                .unwrap_or_default()
                .min(Duration::days(400));
            let shift = futures
                .iter()
                .map(|f| f.2.abs())
                .max()
                .unwrap_or_default()
                .min(Duration::days(400));
            let margin = longest + shift + Duration::days(2);
            let lo = wall_clock(&in_frame_of(
                &master.start,
                add_utc(window.start, -margin),
                viewer,
            ));
            let hi = wall_clock(&in_frame_of(
                &master.start,
                add_utc(window.end, margin),
                viewer,
            ));
            let mut candidates: Vec<(EventTime, Option<EventTime>)> = Vec::with_capacity(64);
            let start_wall = wall_clock(&master.start);
            if !master.is_recurring() || (lo..=hi).contains(&start_wall) {
                candidates.push((master.start, None));
            }
            for rule in &master.rules {
                let r = rule.expand(
                    lo,
                    hi,
                    limits.max_steps,
                    limits.max_occurrences.saturating_mul(2),
                );
                if r.capped {
                    exp.capped = true;
                    exp.warnings.push(Warning::new(
                        WarningKind::Capped,
                        "recurrence rule capped at the expansion limit",
                    ));
                }
                candidates.extend(
                    r.starts
                        .into_iter()
                        .map(|t| (with_wall_clock(&master.start, t), None)),
                );
            }
            for rdate in &master.rdates {
                let (s, e) = match rdate {
                    RDate::At(t) => (*t, None),
                    RDate::Period(s, e) => (*s, Some(*e)),
                };
                let s = match (master.start, s) {
                    (EventTime::Date { .. }, EventTime::Date { .. }) => s,
                    (m, EventTime::Date { date }) => {
                        with_wall_clock(&m, date.and_time(wall_clock(&m).time()))
                    }
                    (m, s) => in_frame_of(&m, to_utc(&s, viewer), viewer),
                };
                if (lo..=hi).contains(&wall_clock(&s)) {
                    candidates.push((s, e));
                }
            }
            candidates.sort_by_key(|c| wall_clock(&c.0));
            candidates.dedup_by_key(|c| wall_clock(&c.0));
            let exdates: Vec<Key> = master
                .exdates
                .iter()
                .map(|x| key(x, master_is_date, viewer))
                .collect();
            // The recurrence set is a set of instants (RFC 5545 §3.8.5.3): two wall-clock starts
            // that a DST gap maps to one instant (an HOURLY rule at 02:00 and 03:00 on the
            // spring-forward night) are one occurrence. Candidates are in wall-clock order,
            // which maps to non-decreasing instants, so comparing neighbours suffices.
            let mut previous: Option<DateTime<Utc>> = None;
            for (cand, period_end) in candidates {
                let (day, instant) = (wall_clock(&cand).date(), to_utc(&cand, viewer));
                if !master_is_date && previous.replace(instant) == Some(instant) {
                    continue;
                }
                if exdates
                    .iter()
                    .chain(&override_keys)
                    .any(|k| matches(*k, day, instant))
                {
                    continue;
                }
                let future = futures
                    .iter()
                    .filter(|(_, k, _)| match *k {
                        Key::Day(d) => d <= day,
                        Key::Instant(i) => i <= instant,
                    })
                    .max_by_key(|(_, k, _)| match *k {
                        Key::Day(d) => (Some(d), None),
                        Key::Instant(i) => (None, Some(i)),
                    });
                match future {
                    Some((ev, _, shift)) if ev.details.status != Some(Status::Cancelled) => {
                        let base = wall_clock(&frame_for_shift(&cand, &ev.start, viewer));
                        let start = with_wall_clock(&ev.start, add_naive(base, *shift));
                        let at = to_utc(&start, viewer);
                        let end = end_of(&start, at, &ev.length, viewer);
                        push(ev, Some(cand), start, at, end, false, true);
                    }
                    Some(_) => {}
                    None => {
                        let end = match period_end {
                            Some(e) => (e, to_utc(&e, viewer)),
                            None => end_of(&cand, instant, &master.length, viewer),
                        };
                        let rid = master.is_recurring().then_some(cand);
                        let first = first_key.is_none_or(|k| matches(k, day, instant));
                        push(master, rid, cand, instant, end, first, false);
                    }
                }
            }
        }
        for o in &self.overrides {
            if o.details.status == Some(Status::Cancelled) {
                continue;
            }
            let at = to_utc(&o.start, viewer);
            let end = end_of(&o.start, at, &o.length, viewer);
            let first = o.recurrence_id.as_ref().is_none_or(&is_first);
            push(o, o.recurrence_id, o.start, at, end, first, true);
        }
        found.sort_by_key(|f| (f.start, f.end));
        if found.len() > limits.max_occurrences {
            found.truncate(limits.max_occurrences);
            exp.capped = true;
            exp.warnings.push(Warning::new(
                WarningKind::Capped,
                "occurrences capped at the expansion limit",
            ));
        }
        exp.occurrences = found.into_iter().map(|f| f.occurrence).collect();
        exp
    }
}
