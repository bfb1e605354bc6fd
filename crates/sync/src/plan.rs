//! The planner: pure functions from (local state, remote listing) to actions as data. The
//! executor carries the actions out; nothing here sends a request or touches the store, so every
//! row of the decision tables below has its own test.

use almanac_caldav::RemoteCalendar;
use almanac_core::{ComponentKind, Etag, Href, SyncToken};
use chrono::{DateTime, Utc};
use std::collections::{HashMap, HashSet};

/// What the store knows of one calendar, as the planner needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LocalCalendar {
    /// The collection's path.
    pub href: Href,
    /// The ctag applied with the last complete sync.
    pub ctag: Option<String>,
    /// The sync token applied with the last complete sync.
    pub sync_token: Option<SyncToken>,
    /// Display properties as stored, to notice renames and recolouring.
    pub name: String,
    /// Colour as stored.
    pub color: Option<String>,
    /// Order as stored.
    pub order: Option<i64>,
    /// Read-only as stored.
    pub read_only: bool,
    /// When a listing first left it out, if the last one did.
    pub missing_since: Option<DateTime<Utc>>,
    /// Whether members wait to be fetched again or its last sync failed: then it syncs even
    /// when its token says nothing changed.
    pub needs_sync: bool,
}

/// What else the planner needs to know about one listing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListingContext {
    /// Members the listing named with an error status: neither present nor absent.
    pub unavailable: HashSet<Href>,
    /// When the listing was made.
    pub now: DateTime<Utc>,
}

/// How long a calendar must stay out of the listing, over two listings, before it is removed:
/// one listing that leaves a calendar out is likelier a server hiccup than a deletion.
pub const REMOVAL_AGREEMENT: chrono::TimeDelta = chrono::TimeDelta::minutes(2);

/// How to learn what changed inside a calendar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FetchMode {
    /// sync-collection from the stored token.
    Incremental(SyncToken),
    /// The whole membership: sync-collection from empty where the server supports it, else an
    /// etag listing. Used for new calendars, servers without tokens and invalid tokens.
    Full {
        /// Whether the server advertises sync-collection for this calendar.
        server_has_tokens: bool,
    },
}

/// One decision about one calendar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CalendarAction {
    /// New on the server: store it and fetch everything.
    Add {
        /// The server's description.
        remote: RemoteCalendar,
    },
    /// Known, and its content changed: store new properties and fetch what changed.
    Sync {
        /// The server's description.
        remote: RemoteCalendar,
        /// How to list changes.
        mode: FetchMode,
    },
    /// Store its properties and fetch nothing: its content is unchanged but its name, colour,
    /// order or rights changed; or it is a task list, stored so that the front ends can name
    /// it as not shown, and never synced.
    UpdateProperties {
        /// The server's description.
        remote: RemoteCalendar,
    },
    /// Left out of two listings at least [`REMOVAL_AGREEMENT`] apart: remove it and its events
    /// locally (the user's switches are kept for its return).
    Remove {
        /// The collection's path.
        href: Href,
    },
    /// Left out of this listing for the first time: kept as it is, and noted as missing.
    Missing {
        /// The collection's path.
        href: Href,
    },
    /// Listed with an error status: kept untouched, with the status as its problem.
    Unavailable {
        /// The collection's path.
        href: Href,
    },
    /// Listed again after a listing had left it out: no longer missing.
    Relisted {
        /// The collection's path.
        href: Href,
    },
}

/// Why the planner refused to act on a listing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Held {
    /// The server listed no event calendar at all while we hold some: a server hiccup (iCloud
    /// has sent well-formed empty answers) is likelier than the user deleting every calendar.
    EmptyListing {
        /// How many calendars we hold.
        local: usize,
    },
}

/// The calendar-level plan of one sync.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CalendarPlan {
    /// What to do, in listing order, removals last.
    pub actions: Vec<CalendarAction>,
    /// What was refused, and why.
    pub held: Vec<Held>,
}

fn shows_events(remote: &RemoteCalendar) -> bool {
    remote.components.is_empty() || remote.components.contains(&ComponentKind::Vevent)
}

fn content_unchanged(local: &LocalCalendar, remote: &RemoteCalendar) -> bool {
    match (
        &local.sync_token,
        &remote.sync_token,
        &local.ctag,
        &remote.ctag,
    ) {
        (Some(ours), Some(theirs), _, _) => ours == theirs,
        (_, _, Some(ours), Some(theirs)) => ours == theirs,
        _ => false,
    }
}

fn properties_unchanged(local: &LocalCalendar, remote: &RemoteCalendar) -> bool {
    remote.name.as_deref().unwrap_or(remote.href.as_str()) == local.name
        && remote.color == local.color
        && remote.order == local.order
        && remote.read_only == local.read_only
}

/// Decides, per calendar, what a sync must do.
///
/// | remote | local | decision |
/// |---|---|---|
/// | VTODO-only (a task list) | absent, or its properties differ | `UpdateProperties` (stored to be named as not shown; its tasks are never fetched) |
/// | VTODO-only (a task list) | present, same properties | nothing |
/// | present | absent | `Add` |
/// | present, token or ctag equal | present | nothing, or `UpdateProperties` if they differ |
/// | present, changed, both have tokens | present | `Sync` incremental |
/// | present, changed, no stored token | present | `Sync` full |
/// | present, unchanged, members pending or its last sync failed | present | `Sync` (pending fetched by name) |
/// | present, after a listing that left it out | present | also `Relisted` |
/// | listed with an error status | present | `Unavailable` (kept untouched) |
/// | absent, first time | present | `Missing` (kept) |
/// | absent, missing since [`REMOVAL_AGREEMENT`] or longer | present | `Remove` |
/// | listing has no event calendar | some present, other than listed task lists | nothing; `Held::EmptyListing` |
pub fn plan_calendars(
    local: &[LocalCalendar],
    remote: &[RemoteCalendar],
    context: &ListingContext,
) -> CalendarPlan {
    let task_lists: HashSet<&Href> = remote
        .iter()
        .filter(|r| !shows_events(r))
        .map(|r| &r.href)
        .collect();
    let held_locally = local
        .iter()
        .filter(|l| !task_lists.contains(&l.href))
        .count();
    if remote.iter().all(|r| !shows_events(r)) && held_locally > 0 {
        return CalendarPlan {
            actions: Vec::new(),
            held: vec![Held::EmptyListing {
                local: held_locally,
            }],
        };
    }
    let by_href: HashMap<&Href, &LocalCalendar> = local.iter().map(|l| (&l.href, l)).collect();
    let mut actions = Vec::new();
    for remote in remote {
        let remote = remote.clone();
        if by_href
            .get(&remote.href)
            .is_some_and(|l| l.missing_since.is_some())
        {
            actions.push(CalendarAction::Relisted {
                href: remote.href.clone(),
            });
        }
        if !shows_events(&remote) {
            // A task list: named in the front ends as not shown, its tasks never fetched.
            if by_href
                .get(&remote.href)
                .is_none_or(|l| !properties_unchanged(l, &remote))
            {
                actions.push(CalendarAction::UpdateProperties { remote });
            }
            continue;
        }
        match by_href.get(&remote.href) {
            None => actions.push(CalendarAction::Add { remote }),
            Some(local) if content_unchanged(local, &remote) && !local.needs_sync => {
                if !properties_unchanged(local, &remote) {
                    actions.push(CalendarAction::UpdateProperties { remote });
                }
            }
            Some(local) => {
                let mode = match (&local.sync_token, &remote.sync_token) {
                    (Some(token), Some(_)) => FetchMode::Incremental(token.clone()),
                    (_, theirs) => FetchMode::Full {
                        server_has_tokens: theirs.is_some(),
                    },
                };
                actions.push(CalendarAction::Sync { remote, mode });
            }
        }
    }
    let listed: HashSet<&Href> = remote.iter().map(|r| &r.href).collect();
    for local in local.iter().filter(|l| !listed.contains(&l.href)) {
        let href = local.href.clone();
        actions.push(if context.unavailable.contains(&href) {
            CalendarAction::Unavailable { href }
        } else {
            match local.missing_since {
                Some(since) if context.now - since >= REMOVAL_AGREEMENT => {
                    CalendarAction::Remove { href }
                }
                Some(_) | None => CalendarAction::Missing { href },
            }
        });
    }
    CalendarPlan {
        actions,
        held: Vec::new(),
    }
}

/// What the server says changed inside one calendar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RemoteChanges {
    /// A sync-collection delta: only what changed since our token.
    Delta {
        /// Changed or added members with their new etags (some servers omit them).
        changed: Vec<(Href, Option<Etag>)>,
        /// Members gone since our token.
        deleted: Vec<Href>,
    },
    /// The complete membership (etag listing, or sync-collection from empty).
    Complete {
        /// Every member with its etag (a member without one is always fetched).
        members: Vec<(Href, Option<Etag>)>,
    },
}

/// The resource-level plan for one calendar.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ResourcePlan {
    /// Members to download with calendar-multiget.
    pub fetch: Vec<Href>,
    /// Members to remove locally.
    pub delete: Vec<Href>,
    /// Deletions the guard refused to apply this time.
    pub held_deletions: Vec<Href>,
}

/// The mass-deletion guard: a calendar with at least this many local items...
pub const GUARD_MIN_ITEMS: usize = 10;
/// ...that would lose more than this fraction of them in one sync is not wiped on one answer.
pub const GUARD_MAX_FRACTION: f64 = 0.5;

/// Whether deleting `deleting` of `held` local items looks like a server fault rather than the
/// user's doing: everything at once, or most of a calendar that had a fair number of items.
pub fn deletion_is_suspicious(held: usize, deleting: usize) -> bool {
    if held == 0 || deleting == 0 {
        return false;
    }
    // Counts are far below 2^52, so the conversion to f64 is exact.
    #[allow(clippy::cast_precision_loss)]
    let fraction = deleting as f64 / held as f64;
    (deleting == held && held > 1) || (held >= GUARD_MIN_ITEMS && fraction > GUARD_MAX_FRACTION)
}

/// Decides which members to fetch and delete.
///
/// | remote says | local | decision |
/// |---|---|---|
/// | changed, etag equals ours | present | nothing |
/// | changed, etag differs or unknown | any | fetch |
/// | deleted (delta) | present | delete |
/// | deleted (delta) | absent | nothing |
/// | absent from a complete listing | present | delete |
/// | deletions trip the guard and `confirmed` is false | | held, not deleted |
///
/// `confirmed` says the previous sync already saw (and held) the same deletions: a second,
/// independent answer agreeing is what lets them through.
pub fn plan_resources(
    local: &HashMap<Href, Etag>,
    remote: &RemoteChanges,
    confirmed: &HashSet<Href>,
) -> ResourcePlan {
    let wants_fetch = |href: &Href, etag: &Option<Etag>| match (local.get(href), etag) {
        (Some(ours), Some(theirs)) => ours != theirs,
        _ => true,
    };
    let (fetch, delete): (Vec<Href>, Vec<Href>) = match remote {
        RemoteChanges::Delta { changed, deleted } => (
            changed
                .iter()
                .filter(|(h, e)| wants_fetch(h, e))
                .map(|(h, _)| h.clone())
                .collect(),
            deleted
                .iter()
                .filter(|h| local.contains_key(*h))
                .cloned()
                .collect(),
        ),
        RemoteChanges::Complete { members } => {
            let listed: HashSet<&Href> = members.iter().map(|(h, _)| h).collect();
            let mut gone: Vec<Href> = local
                .keys()
                .filter(|h| !listed.contains(h))
                .cloned()
                .collect();
            gone.sort();
            (
                members
                    .iter()
                    .filter(|(h, e)| wants_fetch(h, e))
                    .map(|(h, _)| h.clone())
                    .collect(),
                gone,
            )
        }
    };
    let all_confirmed = delete.iter().all(|h| confirmed.contains(h));
    if deletion_is_suspicious(local.len(), delete.len()) && !all_confirmed {
        ResourcePlan {
            fetch,
            delete: Vec::new(),
            held_deletions: delete,
        }
    } else {
        ResourcePlan {
            fetch,
            delete,
            held_deletions: Vec::new(),
        }
    }
}

/// Adds the members earlier syncs asked for and did not get (`pending`) to a plan: fetched by
/// name again, unless the server now says they are gone (deleted in the delta, or absent from a
/// complete listing), in which case deleting them clears them. Linear in the sizes involved.
pub fn with_pending(
    mut plan: ResourcePlan,
    remote: &RemoteChanges,
    pending: &[Href],
) -> ResourcePlan {
    let gone: HashSet<&Href> = match remote {
        RemoteChanges::Delta { deleted, .. } => deleted.iter().collect(),
        RemoteChanges::Complete { members } => {
            let listed: HashSet<&Href> = members.iter().map(|(h, _)| h).collect();
            pending.iter().filter(|h| !listed.contains(h)).collect()
        }
    };
    let mut planned: HashSet<Href> = plan
        .fetch
        .iter()
        .chain(&plan.delete)
        .chain(&plan.held_deletions)
        .cloned()
        .collect();
    for href in pending {
        if planned.insert(href.clone()) {
            if gone.contains(href) {
                plan.delete.push(href.clone());
            } else {
                plan.fetch.push(href.clone());
            }
        }
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;

    fn remote(href: &str, ctag: &str, token: Option<&str>) -> RemoteCalendar {
        RemoteCalendar {
            href: Href::new(href),
            name: Some("Home".into()),
            color: Some("#FF2968FF".into()),
            order: Some(1),
            components: vec![ComponentKind::Vevent],
            ctag: Some(ctag.into()),
            sync_token: token.map(SyncToken::new),
            read_only: false,
            owner: None,
        }
    }

    fn local(href: &str, ctag: &str, token: Option<&str>) -> LocalCalendar {
        LocalCalendar {
            href: Href::new(href),
            ctag: Some(ctag.into()),
            sync_token: token.map(SyncToken::new),
            name: "Home".into(),
            color: Some("#FF2968FF".into()),
            order: Some(1),
            read_only: false,
            missing_since: None,
            needs_sync: false,
        }
    }

    fn at(minute: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + minute * 60, 0).unwrap()
    }

    fn listed_at(minute: i64) -> ListingContext {
        ListingContext {
            unavailable: HashSet::new(),
            now: at(minute),
        }
    }

    #[test]
    fn new_calendars_are_added() {
        let plan = plan_calendars(
            &[],
            &[remote("/1/calendars/home/", "c1", Some("t1"))],
            &listed_at(0),
        );
        assert!(
            matches!(&plan.actions[..], [CalendarAction::Add { remote }] if remote.href.as_str() == "/1/calendars/home/")
        );
    }

    #[test]
    fn unchanged_tokens_mean_no_work() {
        let plan = plan_calendars(
            &[local("/h/", "c1", Some("t1"))],
            &[remote("/h/", "c1", Some("t1"))],
            &listed_at(0),
        );
        assert_eq!(plan, CalendarPlan::default());
    }

    #[test]
    fn equal_ctag_without_tokens_means_no_work() {
        let plan = plan_calendars(
            &[local("/h/", "c1", None)],
            &[remote("/h/", "c1", None)],
            &listed_at(0),
        );
        assert!(plan.actions.is_empty());
    }

    #[test]
    fn renamed_or_recoloured_calendars_update_properties_only() {
        let mut r = remote("/h/", "c1", Some("t1"));
        r.color = Some("#1BADF8FF".into());
        let plan = plan_calendars(&[local("/h/", "c1", Some("t1"))], &[r], &listed_at(0));
        assert!(matches!(
            &plan.actions[..],
            [CalendarAction::UpdateProperties { .. }]
        ));
    }

    #[test]
    fn changed_calendars_sync_incrementally_from_the_stored_token() {
        let plan = plan_calendars(
            &[local("/h/", "c1", Some("t1"))],
            &[remote("/h/", "c2", Some("t2"))],
            &listed_at(0),
        );
        assert!(matches!(
            &plan.actions[..],
            [CalendarAction::Sync { mode: FetchMode::Incremental(t), .. }] if t.as_str() == "t1"
        ));
    }

    #[test]
    fn changed_calendars_without_a_stored_token_sync_fully() {
        let plan = plan_calendars(
            &[local("/h/", "c1", None)],
            &[remote("/h/", "c2", None)],
            &listed_at(0),
        );
        assert!(matches!(
            &plan.actions[..],
            [CalendarAction::Sync {
                mode: FetchMode::Full {
                    server_has_tokens: false
                },
                ..
            }]
        ));
    }

    #[test]
    fn a_calendar_left_out_is_removed_only_when_two_listings_minutes_apart_agree() {
        let mut gone = local("/b/", "c", Some("t"));
        let here = [remote("/a/", "c", Some("t"))];
        let locals = |g: &LocalCalendar| vec![local("/a/", "c", Some("t")), g.clone()];
        let missing = vec![CalendarAction::Missing {
            href: Href::new("/b/"),
        }];
        assert_eq!(
            plan_calendars(&locals(&gone), &here, &listed_at(0)).actions,
            missing
        );
        gone.missing_since = Some(at(0));
        assert_eq!(
            plan_calendars(&locals(&gone), &here, &listed_at(1)).actions,
            missing
        );
        assert_eq!(
            plan_calendars(&locals(&gone), &here, &listed_at(2)).actions,
            vec![CalendarAction::Remove {
                href: Href::new("/b/")
            }]
        );
    }

    #[test]
    fn a_calendar_listed_with_an_error_status_is_kept_untouched() {
        let mut context = listed_at(60);
        context.unavailable.insert(Href::new("/b/"));
        let mut b = local("/b/", "c", Some("t"));
        b.missing_since = Some(at(0));
        let plan = plan_calendars(
            &[local("/a/", "c", Some("t")), b],
            &[remote("/a/", "c", Some("t"))],
            &context,
        );
        assert_eq!(
            plan.actions,
            vec![CalendarAction::Unavailable {
                href: Href::new("/b/")
            }]
        );
    }

    #[test]
    fn a_calendar_back_in_the_listing_is_no_longer_missing_and_pending_members_sync() {
        let mut a = local("/a/", "c", Some("t"));
        a.missing_since = Some(at(0));
        a.needs_sync = true;
        let plan = plan_calendars(&[a], &[remote("/a/", "c", Some("t"))], &listed_at(1));
        assert!(matches!(
            &plan.actions[..],
            [
                CalendarAction::Relisted { .. },
                CalendarAction::Sync {
                    mode: FetchMode::Incremental(_),
                    ..
                }
            ]
        ));
    }

    #[test]
    fn an_empty_listing_removes_nothing() {
        let plan = plan_calendars(&[local("/a/", "c", Some("t"))], &[], &listed_at(0));
        assert!(plan.actions.is_empty());
        assert_eq!(plan.held, vec![Held::EmptyListing { local: 1 }]);
    }

    fn task_list(href: &str) -> RemoteCalendar {
        let mut todo = remote(href, "c", None);
        todo.components = vec![ComponentKind::Vtodo];
        todo.name = Some("Reminders".into());
        todo
    }

    #[test]
    fn a_new_task_list_is_stored_to_be_named_and_never_synced() {
        let plan = plan_calendars(
            &[local("/a/", "c", Some("t"))],
            &[remote("/a/", "c", Some("t")), task_list("/tasks/")],
            &listed_at(0),
        );
        assert!(
            matches!(&plan.actions[..], [CalendarAction::UpdateProperties { remote }] if remote.href.as_str() == "/tasks/")
        );
    }

    #[test]
    fn a_known_task_list_is_left_alone_or_renamed_but_never_synced() {
        let mut known = local("/tasks/", "c", None);
        known.name = "Reminders".into();
        let listed = [task_list("/tasks/")];
        assert_eq!(
            plan_calendars(&[known.clone()], &listed, &listed_at(0)),
            CalendarPlan::default(),
            "a task list changes its ctag with every task, and nothing is fetched for it"
        );
        let mut renamed = task_list("/tasks/");
        renamed.name = Some("Groceries".into());
        assert!(matches!(
            &plan_calendars(&[known], &[renamed], &listed_at(0)).actions[..],
            [CalendarAction::UpdateProperties { .. }]
        ));
    }

    #[test]
    fn a_listing_of_task_lists_only_is_held_while_we_hold_event_calendars() {
        let plan = plan_calendars(
            &[local("/a/", "c", Some("t"))],
            &[task_list("/tasks/")],
            &listed_at(0),
        );
        assert!(plan.actions.is_empty());
        assert_eq!(plan.held, vec![Held::EmptyListing { local: 1 }]);
    }

    #[test]
    fn a_task_list_gone_from_the_listing_goes_like_a_calendar() {
        let plan = plan_calendars(
            &[local("/a/", "c", Some("t")), local("/tasks/", "c", None)],
            &[remote("/a/", "c", Some("t"))],
            &listed_at(0),
        );
        assert_eq!(
            plan.actions,
            vec![CalendarAction::Missing {
                href: Href::new("/tasks/")
            }]
        );
    }

    #[test]
    fn pending_members_are_fetched_again_unless_the_server_says_they_are_gone() {
        let pending = [Href::new("/p"), Href::new("/gone"), Href::new("/b")];
        let delta = RemoteChanges::Delta {
            changed: vec![member("/b", Some("2"))],
            deleted: vec![Href::new("/gone")],
        };
        let plan = with_pending(
            plan_resources(&etags(&[("/b", "1")]), &delta, &HashSet::new()),
            &delta,
            &pending,
        );
        assert_eq!(plan.fetch, vec![Href::new("/b"), Href::new("/p")]);
        assert_eq!(plan.delete, vec![Href::new("/gone")]);
        let complete = RemoteChanges::Complete {
            members: vec![member("/b", Some("2"))],
        };
        let plan = with_pending(ResourcePlan::default(), &complete, &pending);
        assert_eq!(plan.fetch, vec![Href::new("/b")]);
        assert_eq!(plan.delete, vec![Href::new("/p"), Href::new("/gone")]);
    }

    fn etags(pairs: &[(&str, &str)]) -> HashMap<Href, Etag> {
        pairs
            .iter()
            .map(|(h, e)| (Href::new(*h), Etag::new(*e)))
            .collect()
    }

    fn member(href: &str, etag: Option<&str>) -> (Href, Option<Etag>) {
        (Href::new(href), etag.map(Etag::new))
    }

    #[test]
    fn deltas_fetch_only_what_differs() {
        let local = etags(&[("/a", "1"), ("/b", "1")]);
        let remote = RemoteChanges::Delta {
            changed: vec![
                member("/a", Some("1")),
                member("/b", Some("2")),
                member("/c", None),
            ],
            deleted: vec![],
        };
        let plan = plan_resources(&local, &remote, &HashSet::new());
        assert_eq!(plan.fetch, vec![Href::new("/b"), Href::new("/c")]);
        assert!(plan.delete.is_empty());
    }

    #[test]
    fn deltas_delete_only_what_we_hold() {
        let local = etags(&[("/a", "1"), ("/b", "1"), ("/c", "1")]);
        let remote = RemoteChanges::Delta {
            changed: vec![],
            deleted: vec![Href::new("/a"), Href::new("/zz")],
        };
        let plan = plan_resources(&local, &remote, &HashSet::new());
        assert_eq!(plan.delete, vec![Href::new("/a")]);
    }

    #[test]
    fn complete_listings_delete_what_is_not_listed() {
        let local = etags(&[("/a", "1"), ("/b", "1"), ("/c", "1")]);
        let remote = RemoteChanges::Complete {
            members: vec![member("/a", Some("1")), member("/b", Some("9"))],
        };
        let plan = plan_resources(&local, &remote, &HashSet::new());
        assert_eq!(plan.fetch, vec![Href::new("/b")]);
        assert_eq!(plan.delete, vec![Href::new("/c")]);
    }

    #[test]
    fn an_empty_answer_does_not_wipe_a_calendar() {
        let local = etags(&[("/a", "1"), ("/b", "1"), ("/c", "1")]);
        let plan = plan_resources(
            &local,
            &RemoteChanges::Complete { members: vec![] },
            &HashSet::new(),
        );
        assert!(plan.delete.is_empty());
        assert_eq!(plan.held_deletions.len(), 3);
    }

    #[test]
    fn a_confirming_second_answer_lets_deletions_through() {
        let local = etags(&[("/a", "1"), ("/b", "1"), ("/c", "1")]);
        let confirmed: HashSet<Href> = local.keys().cloned().collect();
        let plan = plan_resources(
            &local,
            &RemoteChanges::Complete { members: vec![] },
            &confirmed,
        );
        assert_eq!(plan.delete.len(), 3);
        assert!(plan.held_deletions.is_empty());
    }

    #[test]
    fn the_guard_trips_on_most_of_a_large_calendar_but_not_on_ordinary_deletions() {
        assert!(deletion_is_suspicious(20, 11));
        assert!(!deletion_is_suspicious(20, 10));
        assert!(!deletion_is_suspicious(5, 2));
        assert!(deletion_is_suspicious(2, 2));
        assert!(
            !deletion_is_suspicious(1, 1),
            "deleting the only event is ordinary"
        );
        assert!(!deletion_is_suspicious(0, 0));
    }
}
