//! The sync engine: the account state machine, a pure planner that turns (local state, remote
//! listing) into actions, an executor that carries them out, scheduling and backoff, the
//! revocation policy, and quarantine of unparseable resources. Progress and state go out on a
//! channel; only an Unauthorized answer, confirmed once, moves an account to NeedsRelink.
//!
//! Flow of [`Engine::sync_account`]: the stored calendar home (discovery the first time, and
//! once more when the stored home fails as a moved one does, see [`policy::may_have_moved`])
//! → one PROPFIND depth 1 listing every calendar with the change markers the plan needs (its
//! sync token, its ctag where it has none) → the push of the user's changes
//! ([`push::plan_push`]: If-None-Match / If-Match, several in flight, 412 into a three-way
//! merge or a conflict) → [`plan::plan_calendars`] → the changed calendars concurrently, each
//! with sync-collection from its stored token (or the whole membership) →
//! [`plan::plan_resources`] (with the mass-deletion guard) → calendar-multiget batches in
//! flight side by side → the store applies each batch in one transaction, deletions and the
//! new token last → [`policy::next_state`] decides the account's state. When nothing changed,
//! the listing is the only request. A server's Retry-After pauses every request to its host,
//! from every account (one transport, see `engine`).
//!
//! Modules, in the order a sync meets them: `engine` (the account state machine), `accounts`
//! (sign in, relink, remove), `home` (the listing), [`push`] (the outbox sent), `run` (one
//! run: the calendar plan carried out, calendars concurrently), `calendar` (one calendar's
//! changes, fetched and applied), [`plan`] (pure decisions), [`policy`] (what failures mean),
//! `schedule` (when each account syncs), `edit` (the user's changes, local first), `health`
//! (a calendar's trouble in words), [`feeds`] (subscriptions: calendars fetched from an `.ics`
//! address, on the same schedule), `reminders` (alarms due), `system` (the user's zone and
//! hour cycle, for the front ends).
//!
//! A window's editing sits on `edit`: `occurrence` (an occurrence named by its shown start,
//! and the scope an edit of it has), `draft` (the editor's values, diffed into the changes the
//! user made), `people` (organizer or invited), `editor` (open, save, move, delete, answer,
//! keep both), `undo` (what each change replaced, put back through the outbox) and `import` (a
//! file planned, then stored through the outbox).

mod accounts;
mod calendar;
mod draft;
mod edit;
mod editor;
mod engine;
mod error;
mod events;
pub mod feeds;
mod health;
mod home;
mod import;
mod occurrence;
mod people;
pub mod plan;
pub mod policy;
pub mod push;
mod reminders;
mod run;
mod schedule;
mod system;
mod undo;

pub use accounts::start_url;
pub use draft::{Draft, Opened};
pub use editor::{Placed, Target};
pub use engine::{
    Cancel, Clock, Engine, EngineParts, ICLOUD_URL, Jitter, clock_from_env, secret_key,
    system_clock, system_jitter,
};
pub use error::SyncError;
pub use events::{FeedsReport, SyncEvent, SyncReport};
pub use feeds::Subscribed;
pub use health::{health_text, multi_uid_text, task_list_text};
pub use import::ImportPlan;
pub use occurrence::{EditScope, find, read_shown, scope_of, shown_time, source, wall_clock_text};
pub use people::{Answer, attendees_told, invitation, organizes, told_note};
pub use policy::Trigger;
pub use reminders::{ALARM_GRACE, AlarmRound, split_round};
pub use schedule::{AccountClock, ScheduleControl, next_sync, reachable, run_schedule};
pub use system::{system_hour_cycle, system_zone};
pub use undo::{Changed, UNDO_KEPT, Undo, UndoLog};
