//! Parses one iCalendar object resource (a VCALENDAR with a master VEVENT and its RECURRENCE-ID
//! overrides) and expands its occurrences inside an explicit window: RRULE, RDATE, EXDATE,
//! overrides, time zones (IANA, VTIMEZONE, Windows names), all-day and floating semantics, and
//! alarm times. Pure functions: text in, occurrences and warnings out, no I/O.
//!
//! Flow: [`parse`] turns text into a [`CalendarObject`] (master, overrides, warnings and the raw
//! text, which keeps every property this crate does not model). [`CalendarObject::expand`]
//! takes a [`Window`] and [`Limits`] and returns an [`Expansion`]: the [`Occurrence`]s that
//! overlap the window, each with its start, end, recurrence id, the override's own fields and
//! its [`AlarmTime`]s. [`Occurrence::instants`] turns one into UTC instants for a viewer.
//!
//! Whole files (a holiday feed, a Google, Outlook or Thunderbird export) hold many UIDs, in any
//! order, sometimes several versions of one event: [`parse_file`] groups them into one
//! [`CalendarObject`] per UID (the newest version of each master and override winning, UID-less
//! events given a UID from their content) in a [`CalendarFile`], whose
//! [`CalendarFile::expand`] lists every occurrence of the file in start order. Each object's
//! `raw` is then its own standalone VCALENDAR, which [`parse`] reads back to the same events.
//!
//! Times stay in the form the producer chose ([`EventTime`]): recurrence runs on the wall clock
//! of DTSTART, so a 10:00 meeting stays at 10:00 after DST, and all-day events stay on their day
//! in every zone. Broken input gives [`Warning`]s, never a panic: real calendars are broken.
//!
//! Writing (issue 17) keeps the same discipline: time and UIDs are inputs, and nothing the user
//! did not change is touched. [`compose`] builds a new event's resource with the `icalendar`
//! builder. [`edit`] and [`delete`] change a stored resource for a [`Scope`] (this occurrence,
//! this and following, all) by rewriting only the content lines that must change, every other
//! line kept byte for byte ([`Changes`] says what changed; [`ScopedEdit`] says what to upload);
//! [`set_partstat`] answers an invitation; [`RepeatRule`] is a rule as an editor shows it; [`merge`] combines our edit with a newer server copy
//! property by property. The rules live in the module overviews of `edit` (one VEVENT: which
//! properties change, SEQUENCE), `scope` and its `split` (recurring scopes), `series` (the time
//! algebra of a series), `reply`, `merge`, `compose`, `outgoing` and `vtimezone`.
//!
//! The content-line lexer is our own rather than `icalendar`'s: `icalendar` 0.17 rejects a
//! whole document for one colon-less line or a missing `END:VEVENT` (real calendars have
//! both) and took 19.9 µs to unfold and read a 1.1 KB iCloud event without any typing, against a
//! budget of 20 µs for the whole parse. Recurrence rules are expanded by the `rrule` crate,
//! driven with a step budget (see `recur`).

mod alarm;
mod alarm_text;
mod compose;
mod describe;
mod edit;
mod event;
mod expand;
mod export;
mod file;
mod lexer;
mod lines;
mod merge;
mod outgoing;
mod parse;
mod recur;
mod repeat;
mod reply;
mod resource_text;
mod scope;
mod series;
mod simple_rule;
mod times;
mod tz;
mod value;
mod vtimezone;
mod warning;

pub use alarm::{Alarm, AlarmAction, AlarmTime, Trigger};
pub use almanac_core::{EventTime, Uid};
pub use compose::{NewEvent, PRODID, compose};
pub use edit::Changes;
pub use event::{CalendarObject, Details, Event, Person, Status, StructuredLocation, address_key};
pub use expand::{Expansion, Limits, Occurrence, Window};
pub use export::merge_objects;
pub use file::{CalendarFile, MAX_FILE_BYTES, parse_file, parse_objects};
pub use merge::{Merge, MergeConflict, merge};
pub use parse::{MAX_ICS_BYTES, parse};
pub use repeat::{Frequency, Repeat, RepeatEnd, RepeatRule, repeat_of, weekday_code, weekday_of};
pub use reply::{PartStat, set_partstat};
pub use scope::{NewResource, ResourceWrite, Scope, ScopedEdit, delete, edit};
pub use series::shift;
pub use tz::{local_to_utc, to_utc};
pub use value::IcalDuration;
pub use warning::{Warning, WarningKind};

/// Why a resource could not be parsed at all, or an edit could not be made. For reading,
/// anything less is a [`Warning`]; a caller that gets an error keeps the raw text and
/// quarantines the resource (design.md §3, `BadResource`). An edit that fails changes nothing:
/// the stored text stays as it was.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum IcalError {
    /// The text is larger than [`MAX_ICS_BYTES`] (for [`parse`]) or [`MAX_FILE_BYTES`] (for
    /// [`parse_file`]); it was not read.
    #[error("calendar object is {size} bytes, over the {limit}-byte limit")]
    TooLarge {
        /// The size of the input.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// No VEVENT with a usable start: a task list item, an empty calendar or feed, or not
    /// iCalendar.
    #[error("no VEVENT with a usable DTSTART")]
    NoEvent,
    /// An edit named an occurrence the series does not have (deleted, or the series changed
    /// since the caller read it): re-read the resource and ask again.
    #[error("no occurrence at {recurrence_id} in this series")]
    NoSuchOccurrence {
        /// The RECURRENCE-ID asked for, as it would be written (`TZID=Europe/Berlin:2026...`).
        recurrence_id: String,
    },
    /// The scope does not fit the event: "this" or "following" on an event that does not
    /// repeat, "all" or "following" on a resource that holds only some occurrences of a series
    /// (an invitation to them), an answer scoped to "following". Offer the scopes that exist.
    #[error("{reason}")]
    ScopeMismatch {
        /// Why, for the user.
        reason: &'static str,
    },
    /// The change would make an invalid event: an end before the start, a date end on a timed
    /// start, a switch between all-day and timed without an end, a repeat rule that does not
    /// parse. Nothing was written; correct the input.
    #[error("invalid change: {reason}")]
    InvalidChange {
        /// What is wrong, for the user.
        reason: String,
    },
    /// [`set_partstat`] was given an address that is not invited to the event (or to that
    /// occurrence): check which of the account's addresses the organizer used.
    #[error("{address} is not invited to this event")]
    NotAnAttendee {
        /// The address given.
        address: String,
    },
}

/// An [`IcalError::InvalidChange`] for `reason`.
pub(crate) fn invalid(reason: &str) -> IcalError {
    IcalError::InvalidChange {
        reason: reason.to_owned(),
    }
}
