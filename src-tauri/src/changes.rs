//! Commands about what waits for the server: each account's pending changes, the conflicts and
//! their settling, and importing a file through the outbox.

use crate::edit_views::{calendar_id, conflict_view, pending_views};
use crate::editing::{changed_here, fresh_uid};
use crate::ipc::command::commands;
use crate::ipc::editing::{ConflictView, ImportPreview, Keep, PendingChanges};
use crate::ipc::{IpcError, number};
use crate::shell::Shell;
use crate::views::count;
use almanac_core::CalendarId;
use almanac_sync::ImportPlan;
use tauri::{AppHandle, State};

commands! {
    pending_changes() -> Vec<PendingChanges>;
    conflicts() -> Vec<ConflictView>;
    resolve_conflict(id: number::Id, keep: Keep) -> ();
    import_preview(path: String, calendar: number::Id) -> ImportPreview;
    import_events(path: String, calendar: number::Id) -> ImportPreview;
}

/// Each account's changes not yet on the server, refused ones and conflicts.
#[tauri::command]
pub async fn pending_changes(shell: State<'_, Shell>) -> Result<Vec<PendingChanges>, IpcError> {
    let (entries, calendars) = shell
        .engine
        .with_store(|s| Ok((s.outbox(None)?, s.all_calendars()?)))
        .await?;
    Ok(pending_views(&entries, &calendars))
}

/// The events changed here and on the server, both versions in the display zone.
#[tauri::command]
pub async fn conflicts(shell: State<'_, Shell>) -> Result<Vec<ConflictView>, IpcError> {
    let (entries, calendars) = shell
        .engine
        .with_store(|s| Ok((s.outbox(None)?, s.all_calendars()?)))
        .await?;
    let zone = shell.display_zone();
    Ok(entries
        .iter()
        .filter_map(|e| conflict_view(e, &calendars, zone))
        .collect())
}

/// Settles a conflict: keep mine (sent again against the server's copy), theirs, or both
/// (mine becomes a new event beside theirs).
#[tauri::command]
pub async fn resolve_conflict(
    app: AppHandle,
    shell: State<'_, Shell>,
    id: number::Id,
    keep: Keep,
) -> Result<(), IpcError> {
    let id = i64::from(id);
    let calendar = shell
        .engine
        .outbox(None)
        .await?
        .iter()
        .find(|e| e.id == id)
        .map(|e| e.calendar);
    match keep {
        Keep::Mine => shell.engine.resolve_conflict(id, true).await?,
        Keep::Theirs => shell.engine.resolve_conflict(id, false).await?,
        Keep::Both => {
            shell.engine.keep_both(id, fresh_uid()).await?;
        }
    }
    changed_here(&app, &shell, calendar.into_iter().collect()).await;
    Ok(())
}

/// The plan for importing the file at `path` into `calendar`.
async fn plan(shell: &Shell, path: &str, calendar: CalendarId) -> Result<ImportPlan, IpcError> {
    let size = std::fs::metadata(path)
        .map_err(|_| IpcError::invalid("Almanac cannot read this file."))?
        .len();
    if size > almanac_ical::MAX_FILE_BYTES as u64 {
        return Err(IpcError::invalid(
            "This file is larger than Almanac imports.",
        ));
    }
    let text = std::fs::read_to_string(path)
        .map_err(|_| IpcError::invalid("This file is not a calendar (.ics) file."))?;
    Ok(shell.engine.plan_import(&text, calendar).await?)
}

fn preview(plan: &ImportPlan) -> ImportPreview {
    ImportPreview {
        calendar_name: plan.calendar.name.clone(),
        total: count(plan.total()),
        new: count(plan.new.len()),
        updated: count(plan.updated.len()),
        skipped: count(plan.skipped.len()),
        skipped_reasons: plan.skipped_reasons(),
    }
}

/// What importing the file at `path` (from the file dialog or a dropped file) into `calendar`
/// would do; nothing is stored.
#[tauri::command]
pub async fn import_preview(
    shell: State<'_, Shell>,
    path: String,
    calendar: number::Id,
) -> Result<ImportPreview, IpcError> {
    Ok(preview(&plan(&shell, &path, calendar_id(calendar)).await?))
}

/// Imports the file at `path` into `calendar` through the outbox, and says what it did.
#[tauri::command]
pub async fn import_events(
    app: AppHandle,
    shell: State<'_, Shell>,
    path: String,
    calendar: number::Id,
) -> Result<ImportPreview, IpcError> {
    let id = calendar_id(calendar);
    let plan = plan(&shell, &path, id).await?;
    let result = shell.engine.import(&plan, fresh_uid).await;
    let touched = std::iter::once(id)
        .chain(plan.updated.iter().map(|(_, c, ..)| *c))
        .collect();
    changed_here(&app, &shell, touched).await;
    result?;
    Ok(preview(&plan))
}
