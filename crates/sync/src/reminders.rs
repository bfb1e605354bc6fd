//! Which alarms to show now. Alarms come from the local store (so they fire offline), and the
//! store keeps how far they were delivered, so a restart repeats none. Alarms that came due
//! while Almanac was not running (or the machine slept) are not replayed one by one: they
//! become one summary.

use crate::engine::Engine;
use crate::error::SyncError;
use almanac_store::DueAlarm;
use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;

/// An alarm this late is still shown as itself; older ones count as missed.
pub const ALARM_GRACE: Duration = Duration::minutes(2);

/// What to show in one round.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AlarmRound {
    /// Alarms to show, each as its own notification, by time.
    pub show: Vec<DueAlarm>,
    /// Alarms that came due while nobody could see them: at most one summary.
    pub missed: Vec<DueAlarm>,
}

/// Splits alarms due in `(delivered_until, now]` into those to show and those missed.
pub fn split_round(due: Vec<DueAlarm>, now: DateTime<Utc>) -> AlarmRound {
    let (show, missed) = due.into_iter().partition(|a| a.at >= now - ALARM_GRACE);
    AlarmRound { show, missed }
}

impl Engine {
    /// The alarms due since the last round, marked delivered before they are returned. The
    /// first round ever only sets the mark: a new install does not replay the past.
    ///
    /// # Errors
    /// The store's errors.
    pub async fn alarm_round(&self, viewer: Tz) -> Result<AlarmRound, SyncError> {
        let now = self.now();
        self.with_store(move |s| {
            let Some(since) = s.alarms_delivered_until()? else {
                s.set_alarms_delivered_until(now)?;
                return Ok(AlarmRound::default());
            };
            if since >= now {
                return Ok(AlarmRound::default());
            }
            let due = s.alarms_between(since, now, viewer)?;
            s.set_alarms_delivered_until(now)?;
            Ok(split_round(due, now))
        })
        .await
    }

    /// When the next alarm fires within `within`, if one does: how long the caller may sleep.
    ///
    /// # Errors
    /// The store's errors.
    pub async fn next_alarm(
        &self,
        viewer: Tz,
        within: Duration,
    ) -> Result<Option<DateTime<Utc>>, SyncError> {
        let now = self.now();
        self.with_store(move |s| {
            Ok(s.alarms_between(now, now + within, viewer)?
                .first()
                .map(|a| a.at))
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use almanac_core::{CalendarId, EventTime, Href, Uid};

    fn alarm(at: DateTime<Utc>) -> DueAlarm {
        DueAlarm {
            at,
            calendar: CalendarId(1),
            calendar_name: "Home".into(),
            uid: Uid::new("u"),
            href: Href::new("/h/u.ics"),
            summary: Some("Dentist".into()),
            location: None,
            description: None,
            start: EventTime::Utc { instant: at },
            start_utc: at,
            all_day: false,
            audio: false,
        }
    }

    #[test]
    fn recent_alarms_show_and_older_ones_are_summarised() {
        let now = DateTime::UNIX_EPOCH + Duration::days(1);
        let round = split_round(
            vec![
                alarm(now - Duration::hours(3)),
                alarm(now - Duration::minutes(30)),
                alarm(now - Duration::seconds(90)),
                alarm(now),
            ],
            now,
        );
        assert_eq!(round.show.len(), 2);
        assert_eq!(round.missed.len(), 2);
        assert!(round.show.iter().all(|a| a.at >= now - ALARM_GRACE));
    }
}
