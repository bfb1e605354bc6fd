// Generated from src-tauri/src/ipc.rs by the `bindings_are_current` test.
// Do not edit: run `UPDATE_BINDINGS=1 cargo test -p almanac-desktop bindings`.

export type ErrorCode = "invalid_input" | "unavailable";

export type IpcError = { 
/**
 * What kind of failure, for the UI's logic.
 */
code: ErrorCode, 
/**
 * Plain words for a person; never a stack trace, never a secret.
 */
message: string, };
