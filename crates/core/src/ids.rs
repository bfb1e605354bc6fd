//! Identifier newtypes. Each wraps a string exactly as the server or the store gave it.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! string_newtype {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Wraps a value exactly as given.
            pub fn new(value: impl Into<String>) -> Self {
                Self(value.into())
            }

            /// The value exactly as the server or the store gave it.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                Self::new(value)
            }
        }

        impl From<String> for $name {
            fn from(value: String) -> Self {
                Self(value)
            }
        }
    };
}

string_newtype!(
    /// A resource's path on its server (`/123/calendars/home/abc.ics`), never a full URL: iCloud
    /// moves accounts between partition hosts, and a record keyed by host would duplicate.
    Href
);
string_newtype!(
    /// An opaque entity tag, quotes included, compared byte for byte.
    Etag
);
string_newtype!(
    /// An iCalendar UID: ties a master event to its overrides and survives renames of the href.
    Uid
);
string_newtype!(
    /// An RFC 6578 sync token: opaque (iCloud's are base64, not URIs) and only ever sent back.
    SyncToken
);

/// The store's key for an account.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AccountId(pub i64);

/// The store's key for a calendar collection.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CalendarId(pub i64);

impl fmt::Display for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl fmt::Display for CalendarId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newtypes_serialise_as_plain_strings() {
        let href = Href::new("/1/calendars/home/a%40b.ics");
        let json = serde_json::to_string(&href).unwrap();
        assert_eq!(json, "\"/1/calendars/home/a%40b.ics\"");
        let back: Href = serde_json::from_str(&json).unwrap();
        assert_eq!(back, href);
    }

    #[test]
    fn etags_compare_byte_for_byte() {
        assert_ne!(Etag::from("\"abc\""), Etag::from("abc"));
        assert_eq!(Etag::from("\"abc\"").as_str(), "\"abc\"");
    }
}
