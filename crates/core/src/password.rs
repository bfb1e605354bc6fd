//! The one type that holds a secret.
//!
//! Held in `secrecy`'s [`SecretString`], which zeroes its bytes (with `zeroize`) when dropped, so
//! a later heap dump is less likely to hold the secret. The `String` a secret arrives in (typed,
//! deserialised from IPC, read from the keychain) is copied into an allocation of exactly its
//! length and then zeroed whole, spare capacity included: `SecretString::from(String)` would
//! shrink it by reallocation and leave the old buffer behind.

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Deserializer};
use std::fmt;
use zeroize::{Zeroize, Zeroizing};

/// A password or app-specific password, held only while it is used.
///
/// It prints as `[redacted]` under `Debug`, has no `Display`, and implements neither `Serialize`
/// nor `Clone`-into-string conversions, so it cannot reach a log line, an IPC event or SQLite by
/// accident: the only way out is [`Password::expose`], which callers use at the HTTP or keychain
/// boundary and nowhere else. It deserialises from a string, so that the sign-in request holds
/// one from the moment it arrives.
#[derive(Clone)]
pub struct Password(SecretString);

impl Password {
    /// Takes ownership of a secret as typed or read from the keychain, and zeroes the `String`
    /// it came in.
    pub fn new(secret: impl Into<String>) -> Self {
        let mut arrived: String = secret.into();
        let held = SecretString::from(arrived.as_str());
        arrived.zeroize();
        Self(held)
    }

    /// The secret itself, for the HTTP Authorization header or the keychain, and nothing else.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }

    /// Whether the secret has Apple's app-specific shape: four groups of four lowercase letters,
    /// as `xxxx-xxxx-xxxx-xxxx`.
    pub fn is_app_specific_shape(&self) -> bool {
        let groups: Vec<&str> = self.expose().split('-').collect();
        groups.len() == 4
            && groups
                .iter()
                .all(|g| g.len() == 4 && g.bytes().all(|b| b.is_ascii_lowercase()))
    }

    /// Normalises what a person pasted into Apple's shape where that is unambiguous: spaces and
    /// hyphens are dropped, capitals lowered, and sixteen letters regrouped in fours. Anything
    /// else is returned unchanged, so a CalDAV server's ordinary password is left alone.
    pub fn normalised_app_specific(&self) -> Password {
        let letters: Zeroizing<String> = Zeroizing::new(
            self.expose()
                .chars()
                .filter(|c| !c.is_whitespace() && *c != '-')
                .map(|c| c.to_ascii_lowercase())
                .collect(),
        );
        if letters.len() == 16 && letters.chars().all(|c| c.is_ascii_alphabetic()) {
            let mut grouped = Zeroizing::new(String::with_capacity(19));
            for (i, c) in letters.chars().enumerate() {
                if i > 0 && i % 4 == 0 {
                    grouped.push('-');
                }
                grouped.push(c);
            }
            Password::new(grouped.as_str())
        } else {
            self.clone()
        }
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl PartialEq for Password {
    fn eq(&self, other: &Self) -> bool {
        self.expose() == other.expose()
    }
}

impl Eq for Password {}

impl<'de> Deserialize<'de> for Password {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Password::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_secret() {
        let p = Password::new("abcd-efgh-ijkl-mnop");
        assert_eq!(format!("{p:?}"), "[redacted]");
        assert_eq!(format!("{:?}", Some(&p)), "Some([redacted])");
    }

    #[test]
    fn deserialises_from_a_string_and_compares_by_value() {
        let p: Password = serde_json::from_str("\"abcd-efgh-ijkl-mnop\"").unwrap();
        assert_eq!(p, Password::new("abcd-efgh-ijkl-mnop"));
        assert_ne!(p, Password::new("abcd-efgh-ijkl-mnoq"));
        assert!(serde_json::from_str::<Password>("42").is_err());
    }

    #[test]
    fn recognises_apples_shape() {
        assert!(Password::new("abcd-efgh-ijkl-mnop").is_app_specific_shape());
        assert!(!Password::new("abcdefghijklmnop").is_app_specific_shape());
        assert!(!Password::new("ABCD-efgh-ijkl-mnop").is_app_specific_shape());
        assert!(!Password::new("abcd-efgh-ijkl-mno1").is_app_specific_shape());
        assert!(!Password::new("MyMainPassword1!").is_app_specific_shape());
    }

    #[test]
    fn normalises_pasted_variants() {
        for pasted in [
            "ABCD-EFGH-IJKL-MNOP",
            "abcd efgh ijkl mnop",
            " abcdefghijklmnop\n",
        ] {
            let n = Password::new(pasted).normalised_app_specific();
            assert_eq!(n.expose(), "abcd-efgh-ijkl-mnop", "from {pasted:?}");
        }
        let other = Password::new("correct horse battery");
        assert_eq!(
            other.normalised_app_specific().expose(),
            "correct horse battery"
        );
    }
}
