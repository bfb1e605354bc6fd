//! A calendar's sync health in words, the same in every front end (the sidebar, the problems
//! view, `almanac status`, diagnostics).

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
}
