//! The `Authorization: Basic` header, built in buffers that are zeroed when dropped.
//!
//! reqwest's `basic_auth` formats `user:password` and then its base64 into ordinary `String`s,
//! freed without being overwritten; here both live in `Zeroizing` buffers, so the password read
//! from the keychain is copied only into memory that is wiped. The finished header value is the
//! one copy we cannot wipe (reqwest and hyper own it until the request is written); it is marked
//! sensitive, so `Debug` prints it as `Sensitive` and HTTP/2 keeps it out of its header table.

use crate::error::CaldavError;
use almanac_core::Password;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use reqwest::header::HeaderValue;
use zeroize::Zeroizing;

/// `Basic base64(username:password)`, marked sensitive.
///
/// # Errors
/// [`CaldavError::Setup`] if the value were no valid header, which base64 output cannot be.
pub(crate) fn basic(username: &str, password: &Password) -> Result<HeaderValue, CaldavError> {
    let secret = password.expose();
    let mut plain = Zeroizing::new(Vec::with_capacity(username.len() + 1 + secret.len()));
    plain.extend_from_slice(username.as_bytes());
    plain.push(b':');
    plain.extend_from_slice(secret.as_bytes());
    let mut value = Zeroizing::new(String::from("Basic "));
    STANDARD.encode_string(plain.as_slice(), &mut value);
    let mut header = HeaderValue::from_str(&value).map_err(|_| CaldavError::Setup {
        reason: "the Authorization header could not be built".into(),
    })?;
    header.set_sensitive(true);
    Ok(header)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_rfc_7617_basic_and_sensitive() {
        let header = basic("jane@icloud.com", &Password::new("abcd-efgh-ijkl-mnop")).unwrap();
        // `printf 'jane@icloud.com:abcd-efgh-ijkl-mnop' | base64`
        assert_eq!(
            header.to_str().unwrap(),
            "Basic amFuZUBpY2xvdWQuY29tOmFiY2QtZWZnaC1pamtsLW1ub3A="
        );
        assert!(header.is_sensitive());
        assert_eq!(format!("{header:?}"), "Sensitive");
    }
}
