//! Domain types shared by every Almanac crate, and nothing else: no I/O, no policy.
//!
//! The newtypes exist so that a value's meaning travels with it: an [`Href`] is a server path,
//! never a URL with a host (iCloud moves accounts between partition hosts, so records are keyed by
//! path); an [`Etag`] is opaque and compared as-is; a [`Password`] can be used but not printed,
//! logged or serialised. [`EventTime`] keeps iCalendar's four kinds of time apart, because
//! flattening a floating or all-day time to UTC is how calendars end up a day or an hour off.

mod account;
mod ids;
mod locale;
mod password;
mod time;

pub use account::{Account, AccountKind, AccountState, Calendar, ComponentKind};
pub use ids::{AccountId, CalendarId, Etag, Href, SyncToken, Uid};
pub use locale::HourCycle;
pub use password::Password;
pub use time::EventTime;
