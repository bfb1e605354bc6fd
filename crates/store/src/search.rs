//! Full-text search over summary, location and description (SQLite FTS5).

use crate::timecode::decode;
use crate::{Store, StoreError};
use almanac_core::{CalendarId, EventTime, Href, Uid};
use serde::Serialize;

/// One event found by [`Store::search`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct SearchHit {
    pub calendar: CalendarId,
    pub calendar_name: String,
    pub href: Href,
    pub uid: Uid,
    /// The summary (the master's; overrides' own summaries are searched but not shown here).
    pub summary: String,
    /// The location (the master's).
    pub location: String,
    /// The series' first start (or the event's start), to place the hit in time.
    pub start: Option<EventTime>,
}

/// Turns what a person typed into an FTS5 query that cannot be a syntax error: every
/// whitespace-separated word becomes a quoted string (quotes doubled inside), matched as a
/// prefix, and all must match. `NEAR`, `OR`, `-`, `*`, `:` and parentheses typed by the user are
/// searched for as text, not obeyed.
fn fts_query(text: &str) -> Option<String> {
    let terms: Vec<String> = text
        .split_whitespace()
        .map(|w| format!("\"{}\"*", w.replace('"', "\"\"")))
        .collect();
    (!terms.is_empty()).then(|| terms.join(" "))
}

/// The search row joins the master's and overrides' values by lines; the first is the master's.
fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or_default().to_owned()
}

impl Store {
    /// Events whose summary, location or description contain every word of `text` (as a word
    /// prefix, case- and accent-insensitive), best matches first, at most `limit`.
    ///
    /// # Errors
    /// As classified by [`StoreError`]; no text the user types causes one.
    pub fn search(&self, text: &str, limit: usize) -> Result<Vec<SearchHit>, StoreError> {
        let Some(query) = fts_query(text) else {
            return Ok(Vec::new());
        };
        let mut stmt = self.conn.prepare_cached(
            "SELECT r.calendar_id, c.name, r.href, r.uid, s.summary, s.location,
                r.start_kind, r.start_local, r.start_tz
             FROM search s
             JOIN resources r ON r.id = s.rowid
             JOIN calendars c ON c.id = r.calendar_id
             WHERE search MATCH ?1
             ORDER BY s.rank, r.id
             LIMIT ?2",
        )?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = stmt.query_map((query, limit), |r| {
            let start = match r.get::<_, Option<i64>>(6)? {
                Some(kind) => decode(kind, r.get(7)?, r.get_ref(8)?.as_str_or_null()?),
                None => None,
            };
            Ok(SearchHit {
                calendar: CalendarId(r.get(0)?),
                calendar_name: r.get(1)?,
                href: Href::new(r.get::<_, String>(2)?),
                uid: Uid::new(r.get::<_, Option<String>>(3)?.unwrap_or_default()),
                summary: first_line(r.get_ref(4)?.as_str()?),
                location: first_line(r.get_ref(5)?.as_str()?),
                start,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_text_is_quoted_term_by_term() {
        assert_eq!(fts_query("  "), None);
        assert_eq!(
            fts_query("team lunch").as_deref(),
            Some("\"team\"* \"lunch\"*")
        );
        assert_eq!(
            fts_query("say \"hi\" OR(").as_deref(),
            Some("\"say\"* \"\"\"hi\"\"\"* \"OR(\"*")
        );
    }
}
