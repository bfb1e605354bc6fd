//! What the engine tells its front ends while it works: progress and state, on a channel. None
//! of these carries a secret, so they can go to logs, IPC and the terminal as they are.

use almanac_core::{AccountId, AccountState, Href};
use serde::Serialize;

/// One progress or state report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum SyncEvent {
    /// A sync of the account began.
    Started {
        /// The account.
        account: AccountId,
    },
    /// The calendar listing arrived: how many event calendars the account has.
    CalendarsFound {
        /// The account.
        account: AccountId,
        /// How many.
        count: usize,
    },
    /// Events of one calendar were stored; sent after each batch, so a first sync fills in.
    CalendarProgress {
        /// The account.
        account: AccountId,
        /// The calendar's path.
        calendar: Href,
        /// Resources stored so far in this sync.
        fetched: usize,
        /// Resources this sync must fetch for the calendar.
        total: usize,
    },
    /// The account's state changed (Syncing, Active, Offline, Backoff, NeedsRelink).
    StateChanged {
        /// The account.
        account: AccountId,
        /// The new state.
        state: AccountState,
    },
    /// The sync ended; the report says what it did.
    Finished {
        /// The account.
        account: AccountId,
        /// What happened.
        report: SyncReport,
    },
    /// A round of subscriptions' feeds was fetched (they belong to no account's sync).
    FeedsSynced {
        /// What happened.
        report: FeedsReport,
    },
}

impl SyncReport {
    /// Adds what one calendar's sync did to the account's report.
    pub fn merge(&mut self, other: SyncReport) {
        self.calendars_added += other.calendars_added;
        self.calendars_removed += other.calendars_removed;
        self.calendars_missing += other.calendars_missing;
        self.fetched += other.fetched;
        self.deleted += other.deleted;
        self.quarantined += other.quarantined;
        self.held_deletions += other.held_deletions;
        self.missing += other.missing;
        self.calendar_errors.extend(other.calendar_errors);
        self.listing_held |= other.listing_held;
        self.pushed += other.pushed;
        self.push_refused += other.push_refused;
        self.conflicts += other.conflicts;
        self.unconfirmed_deletions += other.unconfirmed_deletions;
    }
}

/// What one sync of an account did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SyncReport {
    /// Calendars added locally.
    pub calendars_added: usize,
    /// Calendars removed locally.
    pub calendars_removed: usize,
    /// Calendars the listing left out, kept until a listing minutes later agrees.
    pub calendars_missing: usize,
    /// Resources downloaded and stored.
    pub fetched: usize,
    /// Resources deleted locally.
    pub deleted: usize,
    /// Resources kept raw because they do not parse.
    pub quarantined: usize,
    /// Deletions refused by the mass-deletion guard until a second sync agrees.
    pub held_deletions: usize,
    /// Hrefs the server listed but did not deliver (eventual consistency); tried again next time.
    pub missing: usize,
    /// Calendars that failed on their own (403, 404) while the rest synced.
    pub calendar_errors: Vec<(Href, String)>,
    /// Whether the server's listing looked anomalous and was not acted on.
    pub listing_held: bool,
    /// Local changes the server now has.
    pub pushed: usize,
    /// Local changes the server refused; kept with its reason, sent again next time.
    pub push_refused: usize,
    /// Local changes in conflict with the server's, waiting for the user.
    pub conflicts: usize,
    /// Local deletions held for confirmation (more than `push::MASS_DELETE` at once).
    pub unconfirmed_deletions: usize,
}

/// What one round of [`crate::Engine::sync_feeds`] did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct FeedsReport {
    /// Feeds asked for.
    pub checked: usize,
    /// Of those, feeds that answered "not modified" (or with the same events).
    pub unchanged: usize,
    /// Events stored (new or changed).
    pub fetched: usize,
    /// Events removed because the feed no longer has them.
    pub deleted: usize,
    /// Removals held by the mass-deletion guard until a second copy agrees.
    pub held_deletions: usize,
    /// Feeds that failed, by name, with the problem in words; each kept its last good copy.
    pub failed: Vec<(String, String)>,
}
