//! The sync engine: the account state machine, a pure planner that turns (local state, remote
//! listing) into actions, an executor that carries them out, scheduling and backoff, the
//! revocation policy, and quarantine of unparseable resources. Progress and state go out on a
//! channel; only an Unauthorized answer, confirmed once, moves an account to NeedsRelink.

pub mod plan;
pub mod policy;
