//! Property tests of writing: an edit touches only what it changes, a no-op edit touches
//! nothing, moving a series keeps every occurrence and override, and a merge with an unchanged
//! side is the other side.

use crate::common::{self, fixture, utc};
use almanac_ical::{
    Changes, EventTime, Merge, ResourceWrite, Scope, Trigger, Uid, edit, merge, parse,
};
use chrono::{DateTime, Duration, Utc};
use proptest::prelude::*;

/// Single-UID resources from each producer.
const RESOURCES: &[&str] = &[
    "icloud_weekly_berlin.ics",
    "icloud_typical_event.ics",
    "icloud_sydney_weekly.ics",
    "google_new_york_daily.ics",
    "thunderbird_mozilla_tzid.ics",
    "fastmail_allday_yearly.ics",
    "nextcloud_thisandfuture.ics",
    "outlook_customized_tz.ics",
];

fn now() -> DateTime<Utc> {
    utc(2026, 3, 1, 12, 0)
}

fn edit_all(raw: &str, changes: &Changes) -> String {
    match edit(raw, &Scope::All, changes, now(), || Uid::new("x"))
        .unwrap()
        .resource
    {
        ResourceWrite::Put(text) => text,
        ResourceWrite::Delete => panic!("an edit of all never deletes"),
    }
}

/// Logical lines (unfolded) of a text.
fn logical(text: &str) -> Vec<String> {
    text.replace("\r\n", "\n")
        .replace("\n ", "")
        .lines()
        .map(str::to_owned)
        .collect()
}

/// Names of the logical lines that are in one text and not the other (as multisets).
fn changed_names(a: &str, b: &str) -> Vec<String> {
    let (mut a, mut b) = (logical(a), logical(b));
    let mut names = Vec::new();
    a.retain(|line| match b.iter().position(|l| l == line) {
        Some(i) => {
            b.remove(i);
            false
        }
        None => true,
    });
    for line in a.iter().chain(&b) {
        names.push(line.split([';', ':']).next().unwrap_or_default().to_owned());
    }
    names.sort();
    names.dedup();
    names
}

/// What the user typed, as it reads back: line breaks normalised, control characters gone, and
/// nothing at all for a blank text.
fn as_stored(s: &str) -> Option<String> {
    let s: String = s
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .chars()
        .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
        .collect();
    (!s.trim().is_empty()).then_some(s)
}

fn text_strategy() -> impl Strategy<Value = String> {
    prop_oneof![
        "\\PC{0,100}",
        "[a-z ,;:\\\\\"]{0,40}(\r\n|\n|\r)?[A-Zäöü€😀 ]{0,60}",
        Just(String::new()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// Setting any fields to the values they already have leaves the text byte for byte.
    #[test]
    fn an_edit_that_changes_nothing_leaves_the_text_as_it_was(
        which in 0..RESOURCES.len(),
        fields in proptest::collection::vec(any::<bool>(), 6),
    ) {
        let raw = fixture(RESOURCES[which]);
        let master = parse(&raw).unwrap().master.unwrap();
        let d = &master.details;
        let pick = |i: usize| fields[i];
        let changes = Changes {
            summary: pick(0).then(|| d.summary.clone()),
            location: pick(1).then(|| d.location.clone()),
            description: pick(2).then(|| d.description.clone()),
            url: pick(3).then(|| d.url.clone()),
            start: pick(4).then_some(master.start),
            alarms: pick(5).then(|| master.alarms.iter().map(|a| a.trigger.clone()).collect()),
            ..Changes::default()
        };
        prop_assert_eq!(edit_all(&raw, &changes), raw);
    }

    /// A new title changes the SUMMARY line and the revision lines, nothing else, and reads
    /// back as typed; every line written is folded within 75 octets.
    #[test]
    fn a_title_edit_changes_no_other_line(
        which in 0..RESOURCES.len(),
        title in text_strategy(),
    ) {
        let raw = fixture(RESOURCES[which]);
        let out = edit_all(&raw, &Changes { summary: Some(Some(title.clone())), ..Changes::default() });
        for name in changed_names(&raw, &out) {
            prop_assert!(
                // METHOD goes from an imported invitation on its first write.
                ["SUMMARY", "SEQUENCE", "DTSTAMP", "LAST-MODIFIED", "METHOD"].contains(&name.as_str()),
                "{} changed in {}", name, RESOURCES[which]
            );
        }
        for line in out.split("\r\n").flat_map(|l| l.split('\n')) {
            prop_assert!(line.len() <= 75 || raw.contains(line), "{:?}", line);
        }
        let back = parse(&out).unwrap().master.unwrap();
        prop_assert_eq!(back.details.summary.clone(), as_stored(&title));
    }

    /// Moving a whole series by any amount keeps every occurrence, override and exclusion:
    /// the same number of occurrences and of overrides, before and after.
    #[test]
    fn moving_a_series_keeps_its_occurrences_and_overrides(
        which in 0..4usize,
        minutes in -3000i64..3000,
    ) {
        let name = [
            "icloud_weekly_berlin.ics",
            "google_new_york_daily.ics",
            "icloud_sydney_weekly.ics",
            "thunderbird_mozilla_tzid.ics",
        ][which];
        let raw = fixture(name);
        let master = parse(&raw).unwrap().master.unwrap();
        let moved = match master.start {
            EventTime::Zoned { local, tz } => EventTime::Zoned { local: local + Duration::minutes(minutes), tz },
            other => other,
        };
        let out = edit_all(&raw, &Changes { start: Some(moved), ..Changes::default() });
        // The window moves with the series: two of them never end. Its edges, Thursdays at
        // noon UTC, are days away from any of these series' occurrences.
        let count = |text: &str, shift: Duration| {
            let (from, to) = (utc(2025, 6, 5, 12, 0) + shift, utc(2027, 6, 3, 12, 0) + shift);
            let exp = common::expand(&parse(text).unwrap(), from, to, chrono_tz::UTC);
            (exp.occurrences.len(), exp.occurrences.iter().filter(|o| o.is_override).count())
        };
        prop_assert_eq!(count(&out, Duration::minutes(minutes)), count(&raw, Duration::zero()), "{}", name);
    }

    /// Merging with a side that did not change gives the other side, byte for byte; disjoint
    /// changes merge to both.
    #[test]
    fn merges_with_an_unchanged_side_return_the_change(
        which in 0..RESOURCES.len(),
        title in "[A-Za-z ,;]{1,30}",
        place in "[A-Za-z ,;]{1,30}",
    ) {
        let base = fixture(RESOURCES[which]);
        let mine = edit_all(&base, &Changes { summary: Some(Some(title.clone())), ..Changes::default() });
        prop_assert_eq!(merge(&base, &base, &mine), Merge::Clean(mine.clone()));
        prop_assert_eq!(merge(&base, &mine, &base), Merge::Clean(mine.clone()));
        let theirs = edit_all(&base, &Changes {
            location: Some(Some(place.clone())),
            alarms: Some(vec![Trigger::Start(almanac_ical::IcalDuration { days: 0, seconds: -600 })]),
            ..Changes::default()
        });
        let Merge::Clean(merged) = merge(&base, &mine, &theirs) else {
            return Err(TestCaseError::fail("disjoint edits conflicted"));
        };
        let back = parse(&merged).unwrap().master.unwrap();
        prop_assert_eq!(back.details.summary.clone(), as_stored(&title));
        prop_assert_eq!(back.details.location.clone(), as_stored(&place));
        prop_assert_eq!(back.alarms.len(), 1);
    }
}

/// Each occurrence as (start instant, summary), in start order.
fn starts(text: Option<&str>) -> Vec<(DateTime<Utc>, Option<String>)> {
    let Some(text) = text else {
        return Vec::new();
    };
    let exp = common::expand(
        &parse(text).unwrap(),
        utc(2025, 6, 5, 12, 0),
        utc(2027, 6, 3, 12, 0),
        chrono_tz::UTC,
    );
    exp.occurrences
        .iter()
        .map(|o| (o.instants(chrono_tz::UTC).0, o.summary().map(str::to_owned)))
        .collect()
}

fn written(write: &ResourceWrite) -> Option<&str> {
    match write {
        ResourceWrite::Put(text) => Some(text),
        ResourceWrite::Delete => None,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Splitting a series at any of its occurrences ("this and following" without other
    /// changes) keeps every occurrence, in one resource or the other; deleting one occurrence
    /// removes that one and no other.
    #[test]
    fn splitting_or_deleting_at_any_occurrence_loses_nothing_else(which in 0..4usize, k in 0usize..200) {
        let name = [
            "icloud_weekly_berlin.ics",
            "google_new_york_daily.ics",
            "thunderbird_mozilla_tzid.ics",
            "fastmail_allday_yearly.ics",
        ][which];
        let raw = fixture(name);
        let object = parse(&raw).unwrap();
        let exp = common::expand(&object, utc(2025, 6, 5, 12, 0), utc(2027, 6, 3, 12, 0), chrono_tz::UTC);
        let all = starts(Some(&raw));
        let k = k % exp.occurrences.len();
        let rid = exp.occurrences[k].recurrence_id.unwrap();

        let split = edit(&raw, &Scope::Following(rid), &Changes::default(), now(), || Uid::new("new")).unwrap();
        let mut both = starts(written(&split.resource));
        both.extend(starts(split.new_resource.as_ref().map(|n| n.text.as_str())));
        both.sort();
        prop_assert_eq!(&both, &all, "{} split at #{}", name, k);

        let deleted = almanac_ical::delete(&raw, &Scope::This(rid), now()).unwrap();
        let mut expected = all.clone();
        expected.remove(k);
        prop_assert_eq!(starts(written(&deleted.resource)), expected, "{} without #{}", name, k);
    }
}
