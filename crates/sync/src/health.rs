//! A calendar's sync health in words, the same in every front end (the sidebar, the problems
//! view, `almanac status`, diagnostics).

use almanac_core::AccountKind;
use almanac_store::{CalendarHealth, MAX_FETCH_TRIES};

/// What is wrong with or waiting in one calendar, in sentences; `None` when it is up to date.
pub fn health_text(health: &CalendarHealth) -> Option<String> {
    let mut said = Vec::new();
    if let Some(problem) = &health.problem {
        said.push(problem.clone());
    }
    if health.missing_since.is_some() {
        said.push(
            "The server's latest calendar list left it out; it is kept until a second list agrees."
                .to_string(),
        );
    }
    match (health.failing, health.pending) {
        (0, 0) => {}
        (0, n) => said.push(format!("{} waiting to be fetched.", events(n))),
        (n, _) => said.push(format!(
            "{} could not be fetched after {MAX_FETCH_TRIES} tries; Almanac keeps asking.",
            events(n)
        )),
    }
    if health.held_deletions > 0 {
        said.push(format!(
            "{} held until a second sync agrees they were deleted.",
            events(health.held_deletions)
        ));
    }
    (!said.is_empty()).then(|| said.join(" "))
}

/// The note on a resource that holds events with several UIDs, where CalDAV allows one per
/// resource (RFC 4791 §4.1): nothing is lost here, but another app may show only one of them.
pub fn multi_uid_text(uids: usize) -> String {
    format!(
        "This item on the server holds {uids} events with different UIDs, where CalDAV allows \
         one per item; Almanac shows all {uids}, but other apps may show only the first."
    )
}

/// Why the task lists of an account are named but not shown, in one sentence. iCloud's own
/// Reminders lists upgraded since iOS 13 (2019) live outside CalDAV (icloud-caldav.md,
/// "Reminders"), so no CalDAV client sees them, and the lists that remain are legacy ones or
/// placeholders.
pub fn task_list_text(kind: AccountKind) -> &'static str {
    match kind {
        AccountKind::Icloud => {
            "Almanac shows events, not tasks; and iCloud Reminders upgraded since iOS 13 are not \
             served over CalDAV at all, so only Apple's Reminders app can show them."
        }
        AccountKind::Caldav => "Almanac shows events, not tasks.",
    }
}

fn events(n: usize) -> String {
    if n == 1 {
        "1 event".into()
    } else {
        format!("{n} events")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_up_to_date_calendar_says_nothing_and_each_condition_is_said() {
        assert_eq!(health_text(&CalendarHealth::default()), None);
        let health = CalendarHealth {
            problem: Some("The server failed (500).".into()),
            pending: 3,
            failing: 0,
            held_deletions: 12,
            missing_since: None,
        };
        assert_eq!(
            health_text(&health).as_deref(),
            Some(
                "The server failed (500). 3 events waiting to be fetched. 12 events held until a \
                 second sync agrees they were deleted."
            )
        );
        let failing = CalendarHealth {
            pending: 1,
            failing: 1,
            ..CalendarHealth::default()
        };
        assert!(
            health_text(&failing)
                .unwrap()
                .starts_with("1 event could not be fetched")
        );
    }

    #[test]
    fn a_resource_with_several_uids_is_said_with_its_count() {
        let note = multi_uid_text(3);
        assert!(note.contains("3 events with different UIDs"), "{note}");
        assert!(note.contains("shows all 3"), "{note}");
    }
}
