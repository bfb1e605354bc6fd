//! The iCloud emulator's integration tests, one binary for the crate: a binary per file cost a
//! link step each, and link steps dominated test builds on two cores. Each module was a file of
//! its own; run one with `cargo test -p almanac-icloud-emulator --test it -- writes::`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

mod discovery_auth;
mod faults_control;
mod listing_sync;
mod partial_faults;
mod scenarios;
mod scheduling;
mod write_rules;
mod writes;
