//! WebDAV and CalDAV over HTTP: discovery, calendar listing, sync-collection, etag listing,
//! calendar-multiget and conditional writes. Requests are built and responses parsed by pure
//! code; one function sends. Every failure is classified (unauthorized, rate limited, offline,
//! invalid sync token, ...) so that the sync engine decides what it means without reading status
//! codes. Nothing here knows SQLite, Tauri or retry policy.
//!
//! Flow: [`CaldavClient::discover`] (well-known URL → principal → calendar home, possibly on an
//! iCloud partition host) → [`CaldavClient::list_calendars`] (one PROPFIND depth 1) → per changed
//! calendar [`CaldavClient::sync_collection`] from the stored token (or
//! [`CaldavClient::list_etags`] where the server lacks it) → [`CaldavClient::multiget`] of the
//! changed hrefs in batches. Writes are always conditional ([`CaldavClient::put_create`],
//! [`CaldavClient::put_update`], [`CaldavClient::delete`]).
//!
//! Modules: [`xml`] (the multistatus parser), [`transport`] (requests as data and the one
//! sending function), [`scope`] (where credentials may go), [`pause`] (hosts that asked us to
//! wait, shared by every client on one transport), [`error`] (classification), one
//! module per protocol step with its request builder and response parser, and [`feed`]: the
//! conditional GET of a calendar feed (an `.ics` address), which never carries credentials.

mod auth;
pub mod client;
pub mod discovery;
pub mod error;
pub mod feed;
pub mod listing;
pub mod multiget;
pub mod pause;
pub mod response;
pub mod scope;
pub mod sync;
pub mod transport;
pub mod write;
pub mod xml;

pub use client::CaldavClient;
pub use client::read_multiget;
pub use discovery::Discovery;
pub use error::{CaldavError, RetryAfter};
pub use feed::{FeedAnswer, FeedClient, MAX_FEED_BYTES, Validators, feed_url};
pub use listing::{Listing, Markers, RemoteCalendar, RemoteSubscription, Skipped};
pub use multiget::{DEFAULT_BATCH, Fetched, FetchedResource};
pub use pause::{PauseClock, Pauses};
pub use sync::{SyncDelta, SyncPage};
pub use transport::{Credentials, Limits, Transport};
/// Re-exported so callers can store and restore a home URL without naming the `url` crate.
pub use url::Url;
