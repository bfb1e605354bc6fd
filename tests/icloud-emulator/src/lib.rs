//! An iCloud CalDAV emulator: an entry host and partition hosts on loopback, in front of a real
//! Radicale, adding what is iCloud's own (discovery chain, app-specific-password auth and
//! revocation, Apple properties and XML style, throttling and faults) and counting requests.
//! It depends on no Almanac crate, so a client bug and an emulator bug cannot hide each other.
