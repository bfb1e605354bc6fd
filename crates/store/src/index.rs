//! Derived rows of one parsed resource: its occurrences and its search row.

use crate::StoreError;
use crate::timecode::{encode, is_wall_clock};
use almanac_core::EventTime;
use almanac_ical::{CalendarObject, Limits, Occurrence, Window};
use chrono::DateTime;
use chrono_tz::Tz;
use rusqlite::Connection;

/// Occurrences longer than this are flagged `long` and found by a separate index scan, so that
/// the main scan only has to reach back this far before the window.
pub(crate) const LONG_SECS: i64 = 7 * 86_400;

/// What the index needs from one parsed resource.
pub(crate) struct Derived {
    /// Whether the master recurs: its occurrences are only materialised over the horizon.
    pub recurring: bool,
    /// A series with more occurrences in the horizon than the expansion limit (an hourly rule):
    /// none are materialised, and queries always expand it, so no window sees a truncated set.
    pub on_demand: bool,
    /// The series' (or first override's) start, shown with search hits.
    pub first_start: Option<EventTime>,
    pub occurrences: Vec<Occurrence>,
    /// Summary, location and description, each joined over the master and its overrides.
    pub text: [String; 3],
}

/// Expands the objects of one resource for the index: each completely when it does not recur,
/// over `horizon` when it does (nothing when there is no horizon yet: queries expand it on
/// demand). A resource holds one object, except one that breaks the one-UID rule, whose
/// objects are all indexed under it; such a resource counts as recurring when any of its
/// objects recurs, so that queries beyond the horizon expand all of it from its text and
/// never list an event twice.
///
/// Expansion runs with the viewer in UTC, so floating and all-day occurrences get their
/// wall-clock times as if UTC, which is how they are keyed.
pub(crate) fn derive(objects: &[CalendarObject], horizon: Option<(i64, i64)>) -> Derived {
    let recurs = |obj: &CalendarObject| obj.master.as_ref().is_some_and(|m| m.is_recurring());
    let recurring = objects.iter().any(recurs);
    let horizon = horizon.and_then(|(from, to)| {
        Some((
            DateTime::from_timestamp(from, 0)?,
            DateTime::from_timestamp(to, 0)?,
        ))
    });
    // Year 1 to 9999: a single event (or a set of overrides) is indexed wherever it is.
    let all_time = DateTime::from_timestamp(-62_135_596_800, 0)
        .zip(DateTime::from_timestamp(253_402_300_799, 0));
    let mut on_demand = false;
    let mut occurrences = Vec::new();
    for obj in objects {
        let series = recurs(obj);
        let window = if series { horizon } else { all_time };
        let Some((start, end)) = window else { continue };
        let exp = obj.expand(
            Window {
                start,
                end,
                viewer: Tz::UTC,
            },
            Limits::default(),
        );
        if exp.capped && series {
            tracing::warn!(uid = %obj.uid, "series too dense to index; expanded on demand");
            on_demand = true;
        } else {
            if exp.capped {
                tracing::warn!(uid = %obj.uid, "expansion capped while indexing");
            }
            occurrences.extend(exp.occurrences);
        }
    }
    if on_demand {
        occurrences.clear();
    }
    let events: Vec<_> = objects
        .iter()
        .flat_map(|obj| obj.master.iter().chain(&obj.overrides))
        .collect();
    let join = |field: fn(&almanac_ical::Details) -> Option<&String>| {
        let mut parts: Vec<&str> = Vec::new();
        for e in &events {
            if let Some(v) = field(&e.details)
                && !parts.contains(&v.as_str())
            {
                parts.push(v);
            }
        }
        parts.join("\n")
    };
    Derived {
        recurring,
        on_demand,
        first_start: events.first().map(|e| e.start),
        occurrences,
        text: [
            join(|d| d.summary.as_ref()),
            join(|d| d.location.as_ref()),
            join(|d| d.description.as_ref()),
        ],
    }
}

/// The resource whose derived rows are written: occurrence rows repeat its calendar, href and
/// UID so that range queries need no join.
pub(crate) struct Owner<'a> {
    pub id: i64,
    pub calendar: i64,
    pub href: &'a str,
}

impl Derived {
    /// `resources.recurring`: 0 for a single event, 1 for a series materialised over the
    /// horizon, 2 for a series expanded on demand only.
    pub(crate) fn recurrence_code(&self) -> i64 {
        match (self.recurring, self.on_demand) {
            (_, true) => 2,
            (true, false) => 1,
            (false, false) => 0,
        }
    }
}

/// Replaces the occurrence and search rows of a resource. Each occurrence row carries its own
/// event's UID (a resource that breaks the one-UID rule holds several).
pub(crate) fn write(
    conn: &Connection,
    owner: &Owner<'_>,
    derived: &Derived,
) -> Result<(), StoreError> {
    let id = owner.id;
    clear(conn, id)?;
    let mut insert = conn.prepare_cached(
        "INSERT INTO occurrence_index (resource_id, floating, long, start_key, end_key,
            start_kind, start_local, start_tz, end_kind, end_local, end_tz,
            rid_kind, rid_local, rid_tz, status, summary, location, seq,
            calendar_id, href, uid, recurring)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,
            ?19, ?20, ?21, ?22)",
    )?;
    for (seq, occ) in derived.occurrences.iter().enumerate() {
        let (s, e) = occ.instants(Tz::UTC);
        let (s, e) = (s.timestamp(), e.timestamp());
        let start = encode(&occ.start);
        let end = encode(&occ.end);
        let rid = occ.recurrence_id.as_ref().map(encode);
        insert.execute(rusqlite::params![
            id,
            is_wall_clock(&occ.start),
            e - s > LONG_SECS,
            s,
            e,
            start.0,
            start.1,
            start.2,
            end.0,
            end.1,
            end.2,
            rid.map(|r| r.0),
            rid.map(|r| r.1),
            rid.and_then(|r| r.2),
            occ.status.map(almanac_ical::Status::as_str),
            occ.details.summary,
            occ.details.location,
            i64::try_from(seq).unwrap_or(i64::MAX),
            owner.calendar,
            owner.href,
            occ.uid.as_str(),
            derived.recurring,
        ])?;
    }
    let [summary, location, description] = &derived.text;
    conn.prepare_cached(
        "INSERT INTO search (rowid, summary, location, description) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute((id, summary, location, description))?;
    Ok(())
}

/// Removes the derived rows of resource `id` (before a re-index, or when it stops parsing).
pub(crate) fn clear(conn: &Connection, id: i64) -> Result<(), StoreError> {
    conn.prepare_cached("DELETE FROM occurrence_index WHERE resource_id = ?1")?
        .execute([id])?;
    conn.prepare_cached("DELETE FROM search WHERE rowid = ?1")?
        .execute([id])?;
    Ok(())
}

/// The value of the first `name` property in raw text, for resources that did not parse (the
/// quarantine list shows their UID and summary when it can find them). Unfolding and escapes
/// are not handled: this is a hint for a person, not data.
pub(crate) fn scrape(ics: &str, name: &str) -> Option<String> {
    ics.lines().find_map(|line| {
        let rest = line
            .get(..name.len())?
            .eq_ignore_ascii_case(name)
            .then(|| &line[name.len()..])?;
        if !(rest.starts_with(':') || rest.starts_with(';')) {
            return None;
        }
        let value = rest.split_once(':')?.1.trim();
        (!value.is_empty()).then(|| value.to_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrapes_properties_with_and_without_parameters() {
        let ics =
            "BEGIN:VEVENT\r\nUID:abc-1\r\nSUMMARY;LANGUAGE=en:Lunch: pizza\r\nSUMMARYX:no\r\n";
        assert_eq!(scrape(ics, "UID").as_deref(), Some("abc-1"));
        assert_eq!(scrape(ics, "SUMMARY").as_deref(), Some("Lunch: pizza"));
        assert_eq!(scrape(ics, "LOCATION"), None);
    }
}
