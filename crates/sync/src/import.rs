//! Importing an `.ics` file into a calendar of an account, through the outbox like any change:
//! first a plan (what is new, what the file has a newer version of, what is skipped and why),
//! shown to the user, then the plan carried out. Events are matched by UID across the whole
//! account (iCloud keeps UIDs unique there); a newer version updates the event where it is.
//! Newer means a higher `SEQUENCE`, then a later `LAST-MODIFIED`.

use crate::engine::Engine;
use crate::error::SyncError;
use almanac_core::{Calendar, CalendarId, Href, Uid};
use almanac_store::StoreError;

/// What importing a file into a calendar would do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportPlan {
    /// The calendar it goes into.
    pub calendar: Calendar,
    /// Events the account does not have, as whole resources (UID, text).
    pub new: Vec<(Uid, String)>,
    /// Events the file has a newer version of: UID, where it is, and the newer text.
    pub updated: Vec<(Uid, CalendarId, Href, String)>,
    /// UIDs of events already there in the same or a newer version.
    pub skipped: Vec<Uid>,
    /// What else was left out of the file, in words (components that could not be read).
    pub notes: Vec<String>,
}

impl ImportPlan {
    /// How many events the file holds.
    pub fn total(&self) -> usize {
        self.new.len() + self.updated.len() + self.skipped.len()
    }

    /// Why events are skipped, in words.
    pub fn skipped_reasons(&self) -> Vec<String> {
        let already = match self.skipped.len() {
            0 => None,
            1 => Some("1 event is already there, and the file's copy is not newer.".into()),
            n => Some(format!(
                "{n} events are already there, and the file's copies are not newer."
            )),
        };
        already.into_iter().chain(self.notes.clone()).collect()
    }
}

/// `SEQUENCE` and `LAST-MODIFIED` of the first VEVENT: which of two copies is newer.
fn version_of(ics: &str) -> (i64, String) {
    let field = |name: &str| {
        ics.lines()
            .skip_while(|l| !l.starts_with("BEGIN:VEVENT"))
            .find_map(|l| l.strip_prefix(name))
            .map(|v| v.trim().to_string())
    };
    let sequence = field("SEQUENCE:").and_then(|s| s.parse().ok()).unwrap_or(0);
    (sequence, field("LAST-MODIFIED:").unwrap_or_default())
}

/// At most this many of the file's own problems are named in a plan.
const NOTES: usize = 5;

impl Engine {
    /// Plans importing the calendar file `text` into `calendar`.
    ///
    /// # Errors
    /// [`SyncError::InvalidEdit`] when the text is not a calendar file with events;
    /// [`SyncError::ReadOnly`] for a calendar that cannot be written (a subscription too);
    /// store failures.
    pub async fn plan_import(
        &self,
        text: &str,
        calendar: CalendarId,
    ) -> Result<ImportPlan, SyncError> {
        let file = almanac_ical::parse_file(text)?;
        let cal = self.with_store(move |s| s.calendar(calendar)).await?;
        let Some(account) = cal.account.filter(|_| !cal.read_only) else {
            return Err(SyncError::ReadOnly { calendar: cal.name });
        };
        let notes = file
            .warnings
            .iter()
            .take(NOTES)
            .map(|w| w.message.clone())
            .collect();
        let objects: Vec<(Uid, String)> =
            file.objects.into_iter().map(|o| (o.uid, o.raw)).collect();
        self.with_store(move |s| {
            let mut plan = ImportPlan {
                calendar: cal,
                new: Vec::new(),
                updated: Vec::new(),
                skipped: Vec::new(),
                notes,
            };
            for (uid, raw) in objects {
                let existing = s.resources_with_uid(account, uid.as_str())?;
                match existing.into_iter().next() {
                    None => plan.new.push((uid, raw)),
                    Some((at, href)) => {
                        let stored = s.resource_ics(at, &href)?;
                        if version_of(&raw) > version_of(&stored) {
                            plan.updated.push((uid, at, href, raw));
                        } else {
                            plan.skipped.push(uid);
                        }
                    }
                }
            }
            Ok::<_, StoreError>(plan)
        })
        .await
    }

    /// Carries out `plan`: each new event stored under a fresh name from `fresh` (so a
    /// retried upload can never make a second copy), each newer version over the old one.
    ///
    /// # Errors
    /// [`SyncError::ReadOnly`] when a calendar became read-only meanwhile; store failures. What
    /// was stored before a failure stays, each event its own change.
    pub async fn import(
        &self,
        plan: &ImportPlan,
        mut fresh: impl FnMut() -> Uid,
    ) -> Result<(), SyncError> {
        for (_, raw) in &plan.new {
            self.create_event(plan.calendar.id, fresh().as_str(), raw.clone())
                .await?;
        }
        for (_, at, href, raw) in &plan.updated {
            self.update_event(*at, href.clone(), raw.clone()).await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newer_means_sequence_then_last_modified() {
        let ics = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\nSEQUENCE:2\r\nLAST-MODIFIED:20261101T000000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        assert_eq!(version_of(ics), (2, "20261101T000000Z".into()));
        let older = ics.replace("SEQUENCE:2", "SEQUENCE:1");
        assert!(version_of(ics) > version_of(&older));
        let later = ics.replace("20261101", "20261102");
        assert!(version_of(&later) > version_of(ics));
    }
}
