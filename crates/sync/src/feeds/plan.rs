//! The pure part of subscriptions: a feed's copy read as one resource per UID, compared with
//! the stored copy (with the mass-deletion guard), its problems in words, its own name, and
//! what an account's listing means for its subscribed calendars. Nothing here sends a request
//! or touches the store.

use crate::plan::{REMOVAL_AGREEMENT, RemoteChanges, plan_resources};
use almanac_caldav::{CaldavError, Listing, MAX_FEED_BYTES};
use almanac_core::{CalendarId, Etag, Href};
use almanac_ical::{CalendarFile, IcalError};
use almanac_store::ResourceUpsert;
use chrono::{DateTime, Utc};
use std::collections::{HashMap, HashSet};

/// How one feed's new copy is applied.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FeedPlan {
    /// Events new or changed since the stored copy.
    pub upserts: Vec<ResourceUpsert>,
    /// Events the feed no longer has.
    pub deletes: Vec<Href>,
    /// Removals the guard held: too many at once to believe on one copy.
    pub held: Vec<Href>,
}

/// 64-bit FNV-1a, as the ical crate's content UIDs use: stable across Rust releases, so a
/// stored tag still matches the same text after an upgrade.
fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, b| {
        (hash ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// One resource per UID of a feed's copy: named by its UID (percent-encoded, so two UIDs never
/// share a name) and tagged by a hash of its own text, so an event that did not change between
/// copies is not written again.
pub fn feed_resources(file: &CalendarFile) -> Vec<ResourceUpsert> {
    file.objects
        .iter()
        .map(|object| {
            let name: String =
                url::form_urlencoded::byte_serialize(object.uid.as_str().as_bytes()).collect();
            ResourceUpsert {
                href: Href::new(format!("{name}.ics")),
                etag: Etag::new(format!("\"{:016x}\"", fnv(object.raw.as_bytes()))),
                ics: object.raw.clone(),
            }
        })
        .collect()
}

/// Compares a feed's new copy with the stored one: the copy is the whole membership, so
/// what it lacks goes, unless that is most of the calendar at once (a feed that comes back
/// empty or cut short is likelier a fault than a cancelled season) and `confirmed` (the
/// removals held last time) does not already agree.
pub fn plan_feed(
    local: &HashMap<Href, Etag>,
    copy: Vec<ResourceUpsert>,
    confirmed: &HashSet<Href>,
) -> FeedPlan {
    let members = copy
        .iter()
        .map(|r| (r.href.clone(), Some(r.etag.clone())))
        .collect();
    let plan = plan_resources(local, &RemoteChanges::Complete { members }, confirmed);
    let fetch: HashSet<Href> = plan.fetch.into_iter().collect();
    FeedPlan {
        upserts: copy
            .into_iter()
            .filter(|r| fetch.contains(&r.href))
            .collect(),
        deletes: plan.delete,
        held: plan.held_deletions,
    }
}

/// Why a feed's answer could not be used; its last good copy stays.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FeedProblem {
    /// The request failed or the server refused.
    Fetch(CaldavError),
    /// The answer is not an iCalendar file (an HTML page, an error text).
    NotCalendar,
    /// The answer is larger than a file Almanac reads.
    TooLarge,
}

/// A feed's copy as resources: every event of every UID; none for a calendar that holds no
/// event (which [`plan_feed`]'s guard then weighs).
///
/// # Errors
/// [`FeedProblem::NotCalendar`] for text that is no VCALENDAR; [`FeedProblem::TooLarge`] above
/// the file bound.
pub fn read_copy(text: &str) -> Result<Vec<ResourceUpsert>, FeedProblem> {
    let calendar = || {
        let start = text.trim_start_matches('\u{feff}').trim_start();
        start
            .get(..15)
            .is_some_and(|s| s.eq_ignore_ascii_case("BEGIN:VCALENDAR"))
    };
    match almanac_ical::parse_file(text) {
        Ok(file) => Ok(feed_resources(&file)),
        Err(IcalError::TooLarge { .. }) => Err(FeedProblem::TooLarge),
        Err(IcalError::NoEvent) if calendar() => Ok(Vec::new()),
        // No event and no VCALENDAR: an HTML page or an error text where a feed was due.
        Err(_) => Err(FeedProblem::NotCalendar),
    }
}

/// A size bound in words: megabytes, or kilobytes below one.
fn size_words(bytes: usize) -> String {
    if bytes >= 1024 * 1024 {
        format!("{} MB", bytes / (1024 * 1024))
    } else {
        format!("{} KB", bytes / 1024)
    }
}

/// A feed's problem in words, for the sidebar, the problems view and `almanac status`.
pub fn feed_problem_text(problem: &FeedProblem) -> String {
    let kept = "the last copy Almanac got is shown";
    match problem {
        FeedProblem::NotCalendar => {
            format!("The feed's address answered with something that is not a calendar; {kept}.")
        }
        FeedProblem::TooLarge => format!(
            "The feed is larger than Almanac reads ({}); {kept}.",
            size_words(MAX_FEED_BYTES)
        ),
        FeedProblem::Fetch(e) => match e {
            CaldavError::Offline { .. } | CaldavError::Timeout { .. } => {
                format!("The feed's server could not be reached; {kept}.")
            }
            CaldavError::TooLarge { limit, .. } => format!(
                "The feed is larger than Almanac reads ({}); {kept}.",
                size_words(*limit)
            ),
            CaldavError::NotFound { status, .. } => {
                format!("The feed's address no longer finds a calendar ({status}); {kept}.")
            }
            CaldavError::Unauthorized { .. } | CaldavError::Forbidden { .. } => format!(
                "The feed's server refuses it to Almanac, which subscribes to public feeds only; {kept}."
            ),
            CaldavError::Server { status, .. } | CaldavError::RateLimited { status, .. } => {
                format!(
                    "The feed's server failed ({status}); {kept}, and it is tried again at the next sync."
                )
            }
            CaldavError::Certificate { .. } => {
                format!("The feed's server has a certificate Almanac refuses; {kept}.")
            }
            CaldavError::InvalidUrl { reason, .. } => {
                format!("The feed sent Almanac to an address it will not use ({reason}); {kept}.")
            }
            other => format!("The feed could not be read ({other}); {kept}."),
        },
    }
}

/// The feed's own name (`X-WR-CALNAME`, which Google, Apple and Outlook feeds carry), read
/// from the calendar's properties before its first component.
pub fn feed_name(text: &str) -> Option<String> {
    let mut unfolded: Vec<String> = Vec::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix([' ', '\t']) {
            if let Some(last) = unfolded.last_mut() {
                last.push_str(rest.trim_end_matches('\r'));
            }
            continue;
        }
        let line = line.trim_end_matches('\r');
        if line
            .get(..6)
            .is_some_and(|b| b.eq_ignore_ascii_case("BEGIN:"))
            && !line.eq_ignore_ascii_case("BEGIN:VCALENDAR")
        {
            break;
        }
        unfolded.push(line.to_string());
    }
    unfolded.iter().find_map(|line| {
        let (key, value) = line.split_once(':')?;
        let name = key.split(';').next()?;
        if !name.eq_ignore_ascii_case("X-WR-CALNAME") {
            return None;
        }
        let value = value
            .replace("\\n", " ")
            .replace("\\N", " ")
            .replace("\\,", ",")
            .replace("\\;", ";")
            .replace("\\\\", "\\");
        let value = value.trim();
        (!value.is_empty()).then(|| value.chars().take(200).collect())
    })
}

/// What to do with the account's stored subscribed calendars after a listing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ListedAction {
    /// Listed: store it (new, or its name, colour or feed changed).
    Upsert(almanac_caldav::RemoteSubscription),
    /// Left out of this listing for the first time: kept, and noted as missing.
    Missing(CalendarId),
    /// Listed again after a listing left it out.
    Relisted(CalendarId),
    /// Left out of two listings at least [`REMOVAL_AGREEMENT`] apart: removed.
    Remove(CalendarId),
}

/// Plans the account's subscribed calendars from a listing, with the calendars' rule: one
/// listing that leaves one out is likelier a hiccup than a deletion, and a listing without any
/// calendar removes nothing. `stored` holds each stored one's href, id and since when it is
/// missing.
pub fn plan_listed(
    stored: &[(Href, CalendarId, Option<DateTime<Utc>>)],
    listing: &Listing,
    now: DateTime<Utc>,
) -> Vec<ListedAction> {
    let mut actions: Vec<ListedAction> = Vec::new();
    for remote in &listing.subscribed {
        if let Some((_, id, Some(_))) = stored.iter().find(|(h, _, _)| *h == remote.href) {
            actions.push(ListedAction::Relisted(*id));
        }
        actions.push(ListedAction::Upsert(remote.clone()));
    }
    if listing.calendars.is_empty() {
        return actions;
    }
    let listed: HashSet<&Href> = listing.subscribed.iter().map(|r| &r.href).collect();
    for (href, id, missing_since) in stored {
        if listed.contains(href) {
            continue;
        }
        actions.push(match missing_since {
            Some(since) if now - *since >= REMOVAL_AGREEMENT => ListedAction::Remove(*id),
            _ => ListedAction::Missing(*id),
        });
    }
    actions
}

#[cfg(test)]
mod tests {
    use super::*;

    const FEED: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nX-WR-CALNAME:Holidays in \r\n the US\\, 2026\r\n\
        BEGIN:VEVENT\r\nUID:a\r\nDTSTART;VALUE=DATE:20260704\r\nSUMMARY:Independence Day\r\nEND:VEVENT\r\n\
        BEGIN:VEVENT\r\nUID:b/c d\r\nDTSTART;VALUE=DATE:20261126\r\nSUMMARY:Thanksgiving\r\nEND:VEVENT\r\n\
        END:VCALENDAR\r\n";

    fn copy(text: &str) -> Vec<ResourceUpsert> {
        read_copy(text).unwrap()
    }

    #[test]
    fn each_uid_is_one_resource_named_by_it_and_tagged_by_its_text() {
        let resources = copy(FEED);
        let hrefs: Vec<&str> = resources.iter().map(|r| r.href.as_str()).collect();
        assert_eq!(hrefs, ["a.ics", "b%2Fc+d.ics"]);
        assert_eq!(copy(FEED), resources, "the same text, the same tags");
        let changed = copy(&FEED.replace("Thanksgiving", "Thanksgiving Day"));
        assert_eq!(changed[0].etag, resources[0].etag);
        assert_ne!(changed[1].etag, resources[1].etag);
    }

    #[test]
    fn a_new_copy_writes_only_what_changed_and_removes_what_is_gone() {
        let first = copy(FEED);
        let local: HashMap<Href, Etag> = first
            .iter()
            .map(|r| (r.href.clone(), r.etag.clone()))
            .collect();
        assert_eq!(
            plan_feed(&local, first.clone(), &HashSet::new()),
            FeedPlan::default()
        );
        let without_b = FEED.replace("UID:b/c d", "UID:e");
        let plan = plan_feed(&local, copy(&without_b), &HashSet::new());
        assert_eq!(
            plan.upserts
                .iter()
                .map(|r| r.href.as_str())
                .collect::<Vec<_>>(),
            ["e.ics"]
        );
        assert_eq!(plan.deletes, vec![Href::new("b%2Fc+d.ics")]);
    }

    #[test]
    fn an_empty_copy_is_held_until_a_second_one_agrees() {
        let local: HashMap<Href, Etag> = copy(FEED)
            .iter()
            .map(|r| (r.href.clone(), r.etag.clone()))
            .collect();
        let empty = copy("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n");
        assert!(empty.is_empty());
        let plan = plan_feed(&local, empty.clone(), &HashSet::new());
        assert!(plan.deletes.is_empty());
        assert_eq!(plan.held.len(), 2);
        let confirmed: HashSet<Href> = plan.held.into_iter().collect();
        assert_eq!(plan_feed(&local, empty, &confirmed).deletes.len(), 2);
    }

    #[test]
    fn answers_that_are_no_calendar_are_problems_not_empty_calendars() {
        assert_eq!(
            read_copy("<!doctype html><html><body>Sign in</body></html>"),
            Err(FeedProblem::NotCalendar)
        );
        assert_eq!(read_copy(""), Err(FeedProblem::NotCalendar));
        assert_eq!(
            read_copy("\u{feff}begin:vcalendar\r\nEND:VCALENDAR\r\n"),
            Ok(Vec::new())
        );
        let text = feed_problem_text(&FeedProblem::NotCalendar);
        assert!(text.contains("last copy"), "{text}");
    }

    #[test]
    fn the_feeds_own_name_is_read_unfolded_and_unescaped() {
        assert_eq!(feed_name(FEED).as_deref(), Some("Holidays in the US, 2026"));
        assert_eq!(
            feed_name("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nX-WR-CALNAME:not this\r\nEND:VEVENT\r\n"),
            None
        );
    }

    fn at(minute: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + minute * 60, 0).unwrap()
    }

    fn listing(subscribed: &[&str], calendars: usize) -> Listing {
        let calendar = almanac_caldav::RemoteCalendar {
            href: Href::new("/1/calendars/home/"),
            name: None,
            color: None,
            order: None,
            components: vec![almanac_core::ComponentKind::Vevent],
            ctag: None,
            sync_token: None,
            read_only: false,
            owner: None,
        };
        Listing {
            calendars: vec![calendar; calendars],
            subscribed: subscribed
                .iter()
                .map(|h| almanac_caldav::RemoteSubscription {
                    href: Href::new(*h),
                    name: Some("US Holidays".into()),
                    color: None,
                    order: None,
                    source: "webcal://example.com/us.ics".into(),
                })
                .collect(),
            skipped: Vec::new(),
        }
    }

    #[test]
    fn a_listed_subscription_goes_only_when_two_listings_minutes_apart_agree() {
        let id = CalendarId(4);
        let href = Href::new("/1/calendars/holidays/");
        let here = plan_listed(
            &[(href.clone(), id, None)],
            &listing(&["/1/calendars/holidays/"], 1),
            at(0),
        );
        assert!(matches!(&here[..], [ListedAction::Upsert(_)]));
        let gone = listing(&[], 1);
        assert_eq!(
            plan_listed(&[(href.clone(), id, None)], &gone, at(0)),
            vec![ListedAction::Missing(id)]
        );
        assert_eq!(
            plan_listed(&[(href.clone(), id, Some(at(0)))], &gone, at(1)),
            vec![ListedAction::Missing(id)]
        );
        assert_eq!(
            plan_listed(&[(href.clone(), id, Some(at(0)))], &gone, at(2)),
            vec![ListedAction::Remove(id)]
        );
        assert!(
            plan_listed(&[(href.clone(), id, Some(at(0)))], &listing(&[], 0), at(9)).is_empty(),
            "a listing without calendars removes nothing"
        );
        assert!(matches!(
            &plan_listed(
                &[(href, id, Some(at(0)))],
                &listing(&["/1/calendars/holidays/"], 1),
                at(1)
            )[..],
            [ListedAction::Relisted(_), ListedAction::Upsert(_)]
        ));
    }
}
