//! Warnings: what was wrong with the input and what was done about it.

use serde::Serialize;
use std::fmt;

/// What kind of problem a [`Warning`] reports, so callers can count or filter without matching
/// message strings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WarningKind {
    /// A line that is not a content line was skipped.
    BadLine,
    /// Components were not nested properly (missing `END`, stray `END`).
    Structure,
    /// A property value could not be read and was ignored or replaced by a default.
    BadValue,
    /// A TZID could not be resolved; the time was read as floating.
    UnknownTimezone,
    /// A recurrence rule, or a part of one, could not be used.
    BadRule,
    /// Expansion stopped at the occurrence limit.
    Capped,
    /// Conflicting or duplicated data; the first or most sensible value was kept.
    Inconsistent,
    /// A VEVENT with another UID than the resource's first. A calendar object resource holds one
    /// UID (RFC 4791 §4.1), so [`crate::parse`] set it aside; [`crate::parse_objects`] and
    /// [`crate::parse_file`] read it as an object of its own.
    OtherUid,
}

/// A problem in the input that was worked around. Parsing and expansion go on after one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Warning {
    /// What kind of problem.
    pub kind: WarningKind,
    /// The 1-based input line, where one is known.
    pub line: Option<usize>,
    /// A human-readable explanation, for logs.
    pub message: String,
}

impl Warning {
    pub(crate) fn new(kind: WarningKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            line: None,
            message: message.into(),
        }
    }

    pub(crate) fn at(kind: WarningKind, line: usize, message: impl Into<String>) -> Self {
        Self {
            kind,
            line: Some(line),
            message: message.into(),
        }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "line {line}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}
