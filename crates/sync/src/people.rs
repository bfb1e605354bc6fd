//! The account's own place on an event: organizer, invited, or neither. The account's address
//! is its user name (an Apple ID is an e-mail address); addresses compare without `mailto:`
//! and case. On a server that schedules (iCloud), saving an organizer's change makes the server
//! tell the attendees, and saving an attendee's answer makes it tell the organizer.

use almanac_ical::{Details, Person, address_key};

/// An attendee's answer so far.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answer {
    /// Not answered (`NEEDS-ACTION`, or anything unknown).
    NeedsAction,
    /// `ACCEPTED`.
    Accepted,
    /// `TENTATIVE`.
    Tentative,
    /// `DECLINED`.
    Declined,
}

fn is(person: &Person, me: &str) -> bool {
    address_key(&person.address) == address_key(me)
}

/// Whether `me` organizes the event.
pub fn organizes(details: &Details, me: &str) -> bool {
    details.organizer.as_ref().is_some_and(|o| is(o, me))
}

/// `me`'s answer, when `me` is invited to the event by someone else.
pub fn invitation(details: &Details, me: &str) -> Option<Answer> {
    if organizes(details, me) {
        return None;
    }
    let mine = details.attendees.iter().find(|a| is(a, me))?;
    Some(
        match mine
            .partstat
            .as_deref()
            .map(str::to_ascii_uppercase)
            .as_deref()
        {
            Some("ACCEPTED") => Answer::Accepted,
            Some("TENTATIVE") => Answer::Tentative,
            Some("DECLINED") => Answer::Declined,
            _ => Answer::NeedsAction,
        },
    )
}

/// How many people the server will tell about a change `me` saves: the other attendees when
/// `me` organizes, else none.
pub fn attendees_told(details: &Details, me: &str) -> usize {
    if !organizes(details, me) {
        return 0;
    }
    let mut others: Vec<String> = details
        .attendees
        .iter()
        .filter(|a| !is(a, me))
        .map(|a| address_key(&a.address))
        .collect();
    others.sort();
    others.dedup();
    others.len()
}

/// What to tell an organizer who saved a change: the server tells `told` people.
pub fn told_note(told: usize) -> Option<String> {
    match told {
        0 => None,
        1 => Some("The server will send the update to the 1 person invited.".into()),
        n => Some(format!(
            "The server will send the update to the {n} people invited."
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(address: &str, partstat: Option<&str>) -> Person {
        Person {
            address: address.into(),
            name: None,
            partstat: partstat.map(str::to_string),
        }
    }

    #[test]
    fn an_organizer_hears_that_the_server_tells_the_attendees() {
        let details = Details {
            organizer: Some(person("mailto:Jane@icloud.com", None)),
            attendees: vec![
                person("mailto:jane@icloud.com", Some("ACCEPTED")),
                person("mailto:sam@example.com", Some("NEEDS-ACTION")),
                person("MAILTO:kim@example.com", None),
                person("mailto:kim@example.com", None),
            ],
            ..Details::default()
        };
        assert_eq!(attendees_told(&details, "jane@icloud.com"), 2);
        assert_eq!(attendees_told(&details, "sam@example.com"), 0);
        assert_eq!(
            invitation(&details, "jane@icloud.com"),
            None,
            "she organizes"
        );
        assert_eq!(
            invitation(&details, "sam@example.com"),
            Some(Answer::NeedsAction)
        );
        assert_eq!(invitation(&details, "nobody@example.com"), None);
        assert_eq!(
            told_note(2).as_deref(),
            Some("The server will send the update to the 2 people invited.")
        );
    }
}
