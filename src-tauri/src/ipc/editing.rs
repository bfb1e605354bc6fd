//! The shapes of editing in the window (issue 19), as /work/notes/edit-ipc-contract.md names
//! them. Times are `YYYY-MM-DD` (whole days, the end exclusive) or `YYYY-MM-DDTHH:MM[:SS]` on
//! the wall clock of `zone`, an IANA name (the display zone unless the user chose another).

use super::number;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Which occurrences of a repeating event a change is for; "all" for one that does not repeat.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum EditScope {
    /// The occurrence shown.
    This,
    /// It and every later one.
    Following,
    /// The whole series.
    All,
}

/// An answer to an invitation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    /// Will attend.
    Accepted,
    /// Might attend.
    Tentative,
    /// Will not attend.
    Declined,
}

/// The unit of a repeat rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[expect(missing_docs, reason = "named for what they are")]
pub enum Frequency {
    Daily,
    Weekly,
    Monthly,
    Yearly,
}

/// When a repeat rule stops.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RepeatEnd {
    /// Never.
    Never,
    /// After the occurrence on this day (`YYYY-MM-DD`), that whole day included.
    Until {
        /// The last day.
        date: String,
    },
    /// After this many occurrences in all.
    Count {
        /// How many.
        count: number::Count,
    },
}

/// A repeat rule the editor shows (presets and custom every-N rules).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct RepeatRule {
    pub freq: Frequency,
    /// Every N units.
    pub interval: number::Count,
    /// Weekly: the weekdays (`"MO"`, `"WE"`); empty for the start's weekday.
    pub by_day: Vec<String>,
    pub end: RepeatEnd,
}

/// An event as the editor or the quick-create popover produces it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct EventDraft {
    /// Where it goes (a different one than the event's moves it there).
    pub calendar: number::Id,
    /// Empty for no title.
    pub title: String,
    pub all_day: bool,
    pub start: String,
    /// Exclusive.
    pub end: String,
    /// The IANA zone of timed `start` and `end`.
    pub zone: String,
    /// `null`: it does not repeat (or, for an existing event, by a custom rule, kept).
    pub repeat: Option<RepeatRule>,
    /// Minutes before the start (0 at the start, negative after it; for a whole-day event,
    /// before 00:00 of its day: 900 is 15:00 the day before).
    pub alerts: Vec<i64>,
    pub location: Option<String>,
    pub url: Option<String>,
    pub notes: Option<String>,
}

/// One occurrence, exactly as `EventView` names it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct EventRef {
    pub calendar: number::Id,
    pub href: String,
    /// The occurrence's start as `EventView.start` has it.
    pub start: String,
}

/// An existing event's values, to fill the full editor. Times are in the event's own zone
/// when it has one, else in the display zone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct EditorFields {
    #[serde(flatten)]
    #[ts(flatten)]
    pub draft: EventDraft,
    /// Ask which occurrences before saving or deleting.
    pub recurring: bool,
    pub read_only: bool,
    /// Why it cannot be changed, for a hover text.
    pub read_only_reason: Option<String>,
    /// A rule the editor cannot show as a `RepeatRule`, in words; kept unless changed.
    pub custom_repeat_text: Option<String>,
    pub has_attendees: bool,
    pub organizer_is_me: bool,
}

/// A calendar new events may go into.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct WritableCalendar {
    pub id: number::Id,
    pub account: number::Id,
    pub name: String,
    /// `#RRGGBB` for CSS.
    pub color: Option<String>,
}

/// What a change left behind.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct ChangeReceipt {
    /// A token for `undo_change` (the last 20 changes are kept).
    pub undo: number::Count,
    /// Where the event is now; `null` after a deletion.
    pub event: Option<EventRef>,
    /// Words to show, such as "The server will send the update to the 3 people invited."
    pub note: Option<String>,
}

/// One account's changes the server does not have yet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct PendingChanges {
    pub account: number::Id,
    /// Changes waiting to be sent (refused ones included).
    pub pending: number::Count,
    /// Changes the server refused (kept, sent again at each sync).
    pub refused: number::Count,
    /// Changes whose event changed on the server too: the user chooses.
    pub conflicts: number::Count,
}

/// One side of a conflict. Untrusted text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct ConflictSide {
    pub title: String,
    /// In the display zone, as `EventView.start`.
    pub start: String,
    pub end: String,
    pub all_day: bool,
    pub location: Option<String>,
    pub notes: Option<String>,
    /// The whole iCalendar text.
    pub text: String,
}

/// An event changed here and on the server.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct ConflictView {
    /// For `resolve_conflict`.
    pub id: number::Id,
    pub calendar: number::Id,
    pub calendar_name: String,
    pub title: String,
    /// `null`: this side deleted the event.
    pub mine: Option<ConflictSide>,
    /// `null`: that side deleted the event.
    pub theirs: Option<ConflictSide>,
}

/// Which version of a conflicting event stays.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Keep {
    /// This computer's, sent again against the server's copy.
    Mine,
    /// The server's; this computer's change is dropped.
    Theirs,
    /// The server's stays, this computer's becomes a new event beside it.
    Both,
}

/// What importing a file does (or did) in a calendar.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct ImportPreview {
    pub calendar_name: String,
    /// Events in the file.
    pub total: number::Count,
    pub new: number::Count,
    /// Events already there that the file has a newer version of.
    pub updated: number::Count,
    pub skipped: number::Count,
    /// Why events were skipped or left out, in words.
    pub skipped_reasons: Vec<String>,
}
