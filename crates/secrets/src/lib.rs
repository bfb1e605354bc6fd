//! The `Secrets` trait and its OS keychain implementation (macOS Keychain, Windows Credential
//! Manager, the Secret Service on Linux). Passwords live there and in memory while used, never in
//! SQLite, configuration, logs or IPC.
