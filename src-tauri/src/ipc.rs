//! The shapes that cross the IPC boundary. TypeScript types for them are generated into
//! `ui/src/ipc/bindings.ts` (see the `bindings_are_current` test), never written by hand.

use serde::Serialize;
use ts_rs::TS;

/// What the UI can branch on when a command fails. A closed set: the UI never reads `message`
/// to decide anything, and nobody matches error strings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The arguments were not usable (an empty field, a malformed URL).
    InvalidInput,
    /// The system could not do what was asked (open a browser, reach the keychain).
    Unavailable,
}

/// The one error type of every command: a code to branch on and a sentence for a person.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct IpcError {
    /// What kind of failure, for the UI's logic.
    pub code: ErrorCode,
    /// Plain words for a person; never a stack trace, never a secret.
    pub message: String,
}

impl IpcError {
    /// An error with its code and message.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;
    use ts_rs::Config;

    /// The TypeScript the UI imports, generated from the types above.
    fn bindings() -> String {
        let cfg = Config::new().with_large_int("number");
        let decls = [ErrorCode::decl(&cfg), IpcError::decl(&cfg)];
        let mut out = String::from(
            "// Generated from src-tauri/src/ipc.rs by the `bindings_are_current` test.\n\
             // Do not edit: run `UPDATE_BINDINGS=1 cargo test -p almanac-desktop bindings`.\n\n",
        );
        for decl in decls {
            out.push_str("export ");
            out.push_str(&decl);
            out.push_str("\n\n");
        }
        out.truncate(out.trim_end().len());
        out.push('\n');
        out
    }

    #[test]
    fn bindings_are_current() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/ipc/bindings.ts");
        let expected = bindings();
        if std::env::var_os("UPDATE_BINDINGS").is_some() {
            std::fs::write(&path, &expected).unwrap();
        }
        let actual = std::fs::read_to_string(&path).unwrap_or_default();
        assert_eq!(
            actual, expected,
            "ui/src/ipc/bindings.ts is stale: rerun with UPDATE_BINDINGS=1"
        );
    }

    #[test]
    fn errors_serialise_with_a_snake_case_code() {
        let json = serde_json::to_value(IpcError::new(ErrorCode::InvalidInput, "x")).unwrap();
        assert_eq!(json["code"], "invalid_input");
    }
}
