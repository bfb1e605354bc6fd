//! The one type that holds a secret.

use std::fmt;

/// A password or app-specific password, held only while it is used.
///
/// It prints as `[redacted]` under `Debug`, has no `Display`, and implements neither `Serialize`
/// nor `Clone`-into-string conversions, so it cannot reach a log line, an IPC event or SQLite by
/// accident: the only way out is [`Password::expose`], which callers use at the HTTP or keychain
/// boundary and nowhere else.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    /// Takes ownership of a secret as typed or read from the keychain.
    pub fn new(secret: impl Into<String>) -> Self {
        Self(secret.into())
    }

    /// The secret itself, for the HTTP Authorization header or the keychain, and nothing else.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether the secret has Apple's app-specific shape: four groups of four lowercase letters,
    /// as `xxxx-xxxx-xxxx-xxxx`.
    pub fn is_app_specific_shape(&self) -> bool {
        let groups: Vec<&str> = self.0.split('-').collect();
        groups.len() == 4
            && groups
                .iter()
                .all(|g| g.len() == 4 && g.bytes().all(|b| b.is_ascii_lowercase()))
    }

    /// Normalises what a person pasted into Apple's shape where that is unambiguous: spaces and
    /// hyphens are dropped, capitals lowered, and sixteen letters regrouped in fours. Anything
    /// else is returned unchanged, so a CalDAV server's ordinary password is left alone.
    pub fn normalised_app_specific(&self) -> Password {
        let letters: String = self
            .0
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect();
        if letters.len() == 16 && letters.chars().all(|c| c.is_ascii_alphabetic()) {
            let lower = letters.to_ascii_lowercase();
            let groups: Vec<&str> = (0..4).map(|i| &lower[i * 4..i * 4 + 4]).collect();
            Password::new(groups.join("-"))
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

impl Drop for Password {
    fn drop(&mut self) {
        // Overwrite the bytes before the allocation is freed, so a later heap dump is less likely
        // to hold the secret. Writing zero bytes keeps the string valid UTF-8.
        let zeroed = "\0".repeat(self.0.len());
        self.0.replace_range(.., &zeroed);
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
