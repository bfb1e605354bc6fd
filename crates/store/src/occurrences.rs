//! Range queries: the agenda between two instants, as a viewer in a given zone sees it.

use crate::index::LONG_SECS;
use crate::timecode::{decode, is_wall_clock};
use crate::{Store, StoreError};
use almanac_core::{CalendarId, EventTime, Href, Uid};
use almanac_ical::{Limits, Status, Window, to_utc};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use rusqlite::Row;
use serde::Serialize;
use std::collections::HashMap;

/// One occurrence in a range, with what the agenda, the views and the alarm schedule show.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct AgendaItem {
    pub calendar: CalendarId,
    pub calendar_name: String,
    pub calendar_color: Option<String>,
    pub uid: Uid,
    pub href: Href,
    /// `SUMMARY` (the override's own for a moved occurrence).
    pub summary: Option<String>,
    /// `LOCATION`.
    pub location: Option<String>,
    /// Start as the producer wrote it.
    pub start: EventTime,
    /// End (exclusive) as the producer wrote it.
    pub end: EventTime,
    /// Start as an instant for the viewer.
    pub start_utc: DateTime<Utc>,
    /// End as an instant for the viewer.
    pub end_utc: DateTime<Utc>,
    /// Whether it is a whole-day occurrence.
    pub all_day: bool,
    /// Its RECURRENCE-ID, for occurrences of a series.
    pub recurrence_id: Option<EventTime>,
    /// `STATUS` (cancelled occurrences of a series are already left out).
    pub status: Option<Status>,
    /// Whether its event has a change the server does not have yet: shown as "not yet on the
    /// server" until the push settles it.
    pub pending: bool,
}

/// Wall-clock and instant windows differ by the viewer's DST shift at most; candidates of
/// floating rows are fetched this much wider and then checked exactly.
const WALL_MARGIN: i64 = 86_400;

/// The same overlap rule as `almanac_ical`: half-open, and a zero-length occurrence counts when
/// it starts inside the window.
fn overlaps(
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> bool {
    if end <= start {
        start >= from && start < to
    } else {
        start < to && end > from
    }
}

/// The query over occurrences that start in a range; `hint` may name the index to walk.
fn select(hint: &str) -> String {
    format!(
        "SELECT o.start_kind, o.start_local, o.start_tz, o.end_kind, o.end_local,
            o.end_tz, o.rid_kind, o.rid_local, o.rid_tz, o.status, o.summary, o.location,
            o.uid, o.href, o.calendar_id, o.start_key, o.end_key
        FROM occurrence_index o {hint}"
    )
}

/// ?1 floating, ?2 from, ?3 to, ?4 include recurring series.
const FILTER: &str = "AND (o.end_key > ?2 OR o.start_key >= ?2) AND (?4 = 1 OR o.recurring = 0)";

/// Calendar id to name, colour and enabled flag: read once per query rather than joined per
/// occurrence.
type Calendars = HashMap<i64, (String, Option<String>, bool)>;

fn bad(what: &str) -> rusqlite::Error {
    rusqlite::Error::InvalidColumnType(0, what.to_owned(), rusqlite::types::Type::Integer)
}

/// The row as an item, or `None` when it does not overlap the window (the SQL ranges are a
/// superset) or its calendar is not shown; strings are only read for rows that are kept.
fn item_from(row: &Row<'_>, query: &Query<'_>) -> rusqlite::Result<Option<AgendaItem>> {
    let time = |i: usize| -> rusqlite::Result<Option<EventTime>> {
        let kind: Option<i64> = row.get(i)?;
        let Some(kind) = kind else { return Ok(None) };
        let tz = row.get_ref(i + 2)?.as_str_or_null()?;
        decode(kind, row.get(i + 1)?, tz)
            .map(Some)
            .ok_or_else(|| bad("occurrence time"))
    };
    let calendar: i64 = row.get(14)?;
    let Some((name, color, enabled)) = query.calendars.get(&calendar) else {
        return Ok(None);
    };
    if query.enabled_only && !enabled {
        return Ok(None);
    }
    let start = time(0)?.ok_or_else(|| bad("occurrences.start"))?;
    let end = time(3)?.ok_or_else(|| bad("occurrences.end"))?;
    // Zoned and UTC times were keyed by their instant already; only wall-clock times depend on
    // the viewer. Skipping the zone arithmetic saves a tenth of a month query.
    let instant = |t: &EventTime, key: usize| -> rusqlite::Result<DateTime<Utc>> {
        if is_wall_clock(t) {
            Ok(to_utc(t, query.viewer))
        } else {
            DateTime::from_timestamp(row.get(key)?, 0).ok_or_else(|| bad("occurrences.key"))
        }
    };
    let (start_utc, end_utc) = (instant(&start, 15)?, instant(&end, 16)?);
    if !overlaps(start_utc, end_utc, query.from, query.to) {
        return Ok(None);
    }
    Ok(Some(AgendaItem {
        start_utc,
        end_utc,
        all_day: start.is_date(),
        recurrence_id: time(6)?,
        start,
        end,
        status: match row.get_ref(9)?.as_str_or_null()? {
            Some("tentative") => Some(Status::Tentative),
            Some("confirmed") => Some(Status::Confirmed),
            Some("cancelled") => Some(Status::Cancelled),
            _ => None,
        },
        summary: row.get(10)?,
        location: row.get(11)?,
        uid: Uid::new(row.get::<_, String>(12)?),
        href: Href::new(row.get::<_, String>(13)?),
        calendar: CalendarId(calendar),
        calendar_name: name.clone(),
        calendar_color: color.clone(),
        pending: false,
    }))
}

/// What one call of [`Store::occurrences_between`] asks for.
struct Query<'a> {
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    viewer: Tz,
    enabled_only: bool,
    calendars: &'a Calendars,
}

/// Sorts by start, end, calendar and href. Compact keys are sorted and the permutation applied
/// by swaps: sorting ~270-byte items directly moved each one n·log n times, a fifth of a month
/// query's time.
fn sort(mut items: Vec<AgendaItem>) -> Vec<AgendaItem> {
    let mut keys: Vec<(i64, i64, i64, usize)> = items
        .iter()
        .enumerate()
        .map(|(i, a)| {
            (
                a.start_utc.timestamp(),
                a.end_utc.timestamp(),
                a.calendar.0,
                i,
            )
        })
        .collect();
    keys.sort_unstable_by(|x, y| {
        (x.0, x.1, x.2)
            .cmp(&(y.0, y.1, y.2))
            .then_with(|| items[x.3].href.cmp(&items[y.3].href))
            .then(x.3.cmp(&y.3))
    });
    // Position p receives the item at order[p]: follow each cycle once, marking done positions.
    let mut order: Vec<usize> = keys.into_iter().map(|k| k.3).collect();
    for start in 0..order.len() {
        let mut at = start;
        while order[at] != at {
            let next = order[at];
            order[at] = at;
            if next == start {
                break;
            }
            items.swap(at, next);
            at = next;
        }
    }
    items
}

impl Store {
    /// The occurrences overlapping `[from, to)` for a viewer in `viewer`, sorted by start, then
    /// end, then calendar and href. Floating times are read as wall-clock times in `viewer`,
    /// and all-day events cover the viewer's local days. With `enabled_only`, hidden calendars
    /// are left out.
    ///
    /// Inside the materialised horizon this is a few index scans; when the window reaches
    /// beyond it, recurring series are expanded from their stored ICS (correct, slower).
    ///
    /// # Errors
    /// [`StoreError::Corrupt`] when a stored value cannot be read back; others as classified.
    pub fn occurrences_between(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        viewer: Tz,
        enabled_only: bool,
    ) -> Result<Vec<AgendaItem>, StoreError> {
        if to <= from {
            return Ok(Vec::new());
        }
        let (f, t) = (from.timestamp(), to.timestamp());
        // The viewer's wall clock at both ends, read as if UTC: how floating rows are keyed.
        let wall = |i: DateTime<Utc>| i.with_timezone(&viewer).naive_local().and_utc().timestamp();
        let (wf, wt) = (wall(from) - WALL_MARGIN, wall(to) + WALL_MARGIN);
        let inside = self
            .horizon
            .is_some_and(|(hf, ht)| hf <= f.min(wf) && t.max(wt) <= ht);
        let calendars: Calendars = self
            .conn
            .prepare_cached("SELECT id, name, color, enabled FROM calendars")?
            .query_map([], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?, r.get(3)?))))?
            .collect::<Result<_, _>>()?;
        let query = Query {
            from,
            to,
            viewer,
            enabled_only,
            calendars: &calendars,
        };
        let mut items = Vec::with_capacity(self.agenda_hint.get() + 64);
        // The long-event scan names its index: without statistics SQLite would walk the primary
        // key instead, reading every row before the window (38 ms a month on 100,000 events).
        let short = self.conn.prepare_cached(&format!(
            "{} WHERE o.floating = ?1 AND o.start_key < ?3 AND o.start_key >= ?2 - {LONG_SECS}
             {FILTER}",
            select("")
        ))?;
        let long = self.conn.prepare_cached(&format!(
            "{} WHERE o.long = 1 AND o.floating = ?1 AND o.start_key < ?2 - {LONG_SECS}
             {FILTER}",
            select("INDEXED BY occurrence_index_long")
        ))?;
        for mut stmt in [short, long] {
            for (floating, lo, hi) in [(false, f, t), (true, wf, wt)] {
                let rows = stmt.query_map((floating, lo, hi, inside), |r| item_from(r, &query))?;
                for item in rows {
                    items.extend(item?);
                }
            }
        }
        // Inside the horizon only series too dense to materialise need expanding.
        let expand = if inside { "= 2" } else { "IN (1, 2)" };
        self.expand_series(expand, &query, &mut items)?;
        self.agenda_hint.set(items.len());
        self.mark_pending(&mut items)?;
        Ok(sort(items))
    }

    /// Marks the items whose resource has a change in the outbox (usually none or a few, so
    /// one small query instead of a join on every row of the hot path).
    fn mark_pending(&self, items: &mut [AgendaItem]) -> Result<(), StoreError> {
        let pending: std::collections::HashSet<(i64, String)> = self
            .conn
            .prepare_cached("SELECT calendar_id, href FROM outbox")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        if pending.is_empty() {
            return Ok(());
        }
        for item in items {
            item.pending = pending.contains(&(item.calendar.0, item.href.as_str().to_string()));
        }
        Ok(())
    }

    /// Expands the series whose `recurring` code matches `codes` (an SQL condition) over the
    /// window from their stored text: dense series always, every series beyond the horizon.
    fn expand_series(
        &self,
        codes: &str,
        query: &Query<'_>,
        items: &mut Vec<AgendaItem>,
    ) -> Result<(), StoreError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT t.ics, r.href, c.id, c.name, c.color FROM resources r
             JOIN resource_texts t ON t.resource_id = r.id
             JOIN calendars c ON c.id = r.calendar_id
             WHERE r.recurring {codes} AND r.quarantine_reason IS NULL
                AND (?1 = 0 OR c.enabled = 1)"
        ))?;
        let mut rows = stmt.query([query.enabled_only])?;
        let viewer = query.viewer;
        let window = Window {
            start: query.from,
            end: query.to,
            viewer,
        };
        while let Some(row) = rows.next()? {
            let ics: String = row.get(0)?;
            let Ok(objects) = almanac_ical::parse_objects(&ics) else {
                continue;
            };
            let href = Href::new(row.get::<_, String>(1)?);
            let calendar = CalendarId(row.get(2)?);
            let name: String = row.get(3)?;
            let color: Option<String> = row.get(4)?;
            let occurrences = objects
                .iter()
                .flat_map(|o| o.expand(window, Limits::default()).occurrences);
            for occ in occurrences {
                let (start_utc, end_utc) = occ.instants(viewer);
                items.push(AgendaItem {
                    calendar,
                    calendar_name: name.clone(),
                    calendar_color: color.clone(),
                    uid: occ.uid,
                    href: href.clone(),
                    summary: occ.details.summary.clone(),
                    location: occ.details.location.clone(),
                    start: occ.start,
                    end: occ.end,
                    start_utc,
                    end_utc,
                    all_day: occ.all_day,
                    recurrence_id: occ.recurrence_id,
                    status: occ.status,
                    pending: false,
                });
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(start: i64, calendar: i64, href: &str) -> AgendaItem {
        let at = DateTime::from_timestamp(start, 0).unwrap();
        AgendaItem {
            calendar: CalendarId(calendar),
            calendar_name: String::new(),
            calendar_color: None,
            uid: Uid::new("u"),
            href: Href::new(href),
            summary: None,
            location: None,
            start: EventTime::Utc { instant: at },
            end: EventTime::Utc { instant: at },
            start_utc: at,
            end_utc: at,
            all_day: false,
            recurrence_id: None,
            status: None,
            pending: false,
        }
    }

    #[test]
    fn sort_orders_by_start_then_calendar_then_href_whatever_the_input_order() {
        let mut items = Vec::new();
        for i in 0..60_i64 {
            // A scrambled order with ties on start (i % 7) and on calendar.
            let k = (i * 37) % 60;
            items.push(item(k % 7, k % 3, &format!("/{}.ics", k % 5)));
        }
        let sorted = sort(items.clone());
        assert_eq!(sorted.len(), items.len());
        let key = |a: &AgendaItem| (a.start_utc, a.end_utc, a.calendar, a.href.clone());
        assert!(sorted.windows(2).all(|w| key(&w[0]) <= key(&w[1])));
        let mut want: Vec<_> = items.iter().map(key).collect();
        want.sort();
        assert_eq!(sorted.iter().map(key).collect::<Vec<_>>(), want);
    }
}
