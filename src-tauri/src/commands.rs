//! Commands the window may call. Each converts its arguments, calls one function, maps the error.

use crate::ipc::{ErrorCode, IpcError};
use tauri::AppHandle;
use tauri_plugin_opener::OpenerExt;

/// Apple's account page, where app-specific passwords are made (Sign-In and Security →
/// App-Specific Passwords).
pub const APPLE_ACCOUNT_URL: &str = "https://account.apple.com/account/manage";

/// Opens Apple's account page in the default browser. The URL is fixed here rather than taken
/// from the window, so a compromised page cannot make us open anything else.
#[tauri::command]
pub fn open_app_password_page(app: AppHandle) -> Result<(), IpcError> {
    app.opener()
        .open_url(APPLE_ACCOUNT_URL, None::<&str>)
        .map_err(|_| {
            IpcError::new(
                ErrorCode::Unavailable,
                format!("Almanac could not open your browser. Visit {APPLE_ACCOUNT_URL} yourself."),
            )
        })
}
