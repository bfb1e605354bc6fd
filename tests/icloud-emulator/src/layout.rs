//! The account's fixed layout: which collections the home holds, which of them live in
//! Radicale and which the emulator synthesizes (Radicale cannot represent them).

/// What a collection in the home is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A VEVENT calendar of the account's own.
    Events,
    /// A legacy (never upgraded) Reminders list: a VTODO calendar.
    Tasks,
    /// An upgraded Reminders list: a VTODO calendar holding two placeholder tasks.
    UpgradedReminders,
    /// A VEVENT calendar shared read-only from another DSID.
    SharedReadOnly,
    /// A VEVENT calendar shared read-write from another DSID.
    SharedWritable,
}

/// One calendar collection stored in Radicale under `/alice/<id>/`.
#[derive(Debug, Clone, Copy)]
pub struct CalendarSpec {
    /// The collection id (last path segment).
    pub id: &'static str,
    /// Its displayname.
    pub name: &'static str,
    /// Apple `calendar-color`, `#RRGGBBAA`.
    pub color: &'static str,
    /// Apple `calendar-order`.
    pub order: u32,
    /// What it is.
    pub kind: Kind,
}

/// The id of the default calendar.
pub const HOME: &str = "home";
/// The id of the work calendar.
pub const WORK: &str = "work";
/// The id of the family calendar (an uppercase UUID, as Apple names calendars).
pub const FAMILY: &str = "6E3A8F0C-2B1D-4C4E-9A7B-5D2F1E0C9B84";
/// The id of the legacy VTODO list.
pub const TASKS: &str = "tasks";
/// The id of the upgraded-Reminders placeholder list.
pub const REMINDERS: &str = "C3D0F5B2-8E41-4A57-B6E9-2F7A1D4C8E93";
/// The id (64 characters) of the calendar shared read-only from another DSID.
pub const SHARED_READ_ONLY: &str =
    "a3f1c9e07b2d4e6f8a1b3c5d7e9f0a2b4c6d8e0f1a3b5c7d9e1f2a4b6c8d0e2f";
/// The id (64 characters) of the calendar shared read-write from another DSID.
pub const SHARED_WRITABLE: &str =
    "b7e2d4f6a8c0e1f3a5b7c9d1e3f5a7b9c1d3e5f7a9b1c3d5e7f9a1b3c5d7e9f1";
/// The DSID of the account that shares the two shared calendars.
pub const SHARER_DSID: &str = "10298475612";
/// The token of the published (public, read-only ICS) feed of the work calendar.
pub const PUBLISHED_TOKEN: &str = "MTAyOTg0NzU2MTIxMDI5OOgYv3mFmsqkQ1vJpbBZlA2kR8c";
/// Where the partition hosts serve the holiday feed the subscribed calendar's `source` names,
/// shaped like iCloud's own (`webcal://pNN-calendars.icloud.com/holiday/US_en.ics`, fixture
/// `icloud_home_listing.xml`) under the published prefix.
pub const HOLIDAYS_PATH: &str = "/published/holiday/US_en.ics";
/// The id of the subscribed (webcal) calendar, which exists only as a synthesized entry.
pub const SUBSCRIBED: &str = "D5A0E8C1-6B3F-4F29-8C74-1E9B2A7D3F60";

/// The calendars stored in Radicale, in `calendar-order`.
pub const CALENDARS: [CalendarSpec; 7] = [
    CalendarSpec {
        id: HOME,
        name: "Home",
        color: "#34AADCFF",
        order: 1,
        kind: Kind::Events,
    },
    CalendarSpec {
        id: WORK,
        name: "Work",
        color: "#FF2968FF",
        order: 2,
        kind: Kind::Events,
    },
    CalendarSpec {
        id: FAMILY,
        name: "Family",
        color: "#63DA38FF",
        order: 3,
        kind: Kind::Events,
    },
    CalendarSpec {
        id: TASKS,
        name: "Tasks",
        color: "#FF9500FF",
        order: 4,
        kind: Kind::Tasks,
    },
    CalendarSpec {
        id: REMINDERS,
        name: "Reminders",
        color: "#CC73E1FF",
        order: 5,
        kind: Kind::UpgradedReminders,
    },
    CalendarSpec {
        id: SHARED_READ_ONLY,
        name: "Team Holidays",
        color: "#A2845EFF",
        order: 6,
        kind: Kind::SharedReadOnly,
    },
    CalendarSpec {
        id: SHARED_WRITABLE,
        name: "Shared Trips",
        color: "#FFCC00FF",
        order: 7,
        kind: Kind::SharedWritable,
    },
];

/// The spec of a stored calendar by id.
pub fn calendar(id: &str) -> Option<&'static CalendarSpec> {
    CALENDARS.iter().find(|c| c.id == id)
}

/// Collections the emulator synthesizes in the home (Radicale has no such thing).
pub const SYNTHESIZED: [&str; 4] = ["inbox", "outbox", "notification", SUBSCRIBED];
