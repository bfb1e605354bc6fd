//! almanac-sync's integration tests, one binary for the crate: a binary per file cost a link step
//! each, and link steps dominated test builds on two cores. Each module was a file of its own;
//! run one with `cargo test -p almanac-sync --test it -- feeds::`. `./x test` runs `reminders::`
//! and `schedule::` again with `ALMANAC_TEST_NOW` pinned to a DST-change day and a leap day.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

mod convergence;
mod editing;
mod faults;
mod feeds;
mod icloud;
mod reminders;
mod schedule;
mod servers;
mod writes;
mod xandikos;
