//! almanac-cli's integration tests, one binary for the crate: a binary per file cost a link step
//! each, and link steps dominated test builds on two cores. Each module was a file of its own;
//! run one with `cargo test -p almanac-cli --test it -- subscriptions::` (`accounts_sync` needs
//! the keychain: `tests/desktop-session.sh cargo test -p almanac-cli --test it`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

mod accounts_sync;
mod caldav_and_data_dir;
mod ics_expand;
mod subscriptions;
