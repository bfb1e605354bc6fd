//! Generates Tauri's context (configuration, capabilities, embedded assets) at compile time, and
//! declares our commands so that capabilities must grant each one by name.

const COMMANDS: &[&str] = &[
    "open_app_password_page",
    "sign_in",
    "overview",
    "events_between",
    "set_calendar_enabled",
    "sync_now",
    "relink",
    "remove_account",
    "search",
    "event_details",
    "sync_problems",
    "open_link",
    "subscribe",
    "unsubscribe",
    "settings",
    "set_sync_interval",
    "set_start_at_login",
    "set_zone_override",
    "set_calendar_notify",
    "export_calendar",
    "open_data_dir",
    "diagnostics",
    "writable_calendars",
    "editor_fields",
    "create_event",
    "update_event",
    "move_event",
    "delete_event",
    "answer_invitation",
    "undo_change",
    "pending_changes",
    "conflicts",
    "resolve_conflict",
    "import_preview",
    "import_events",
];

fn main() {
    let manifest = tauri_build::AppManifest::new().commands(COMMANDS);
    if let Err(err) = tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))
    {
        panic!("tauri-build: {err:#}");
    }
}
