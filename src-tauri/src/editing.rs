//! Commands that change events from the window (issue 19). Each converts its arguments, calls
//! the engine's editing (`almanac_sync`'s editor: local first, through the outbox), keeps the
//! change's undo under a token, tells the window, and wakes the push of the accounts touched.

use crate::edit_views::{
    calendar_id, draft_from, event_ref, fields_view, part_stat, writable_view,
};
use crate::ipc::command::commands;
use crate::ipc::editing::{
    Answer, ChangeReceipt, EditScope, EditorFields, EventDraft, EventRef, WritableCalendar,
};
use crate::ipc::{CHANGED, ChangeReason, ChangedEvent, ErrorCode, IpcError, number};
use crate::shell::Shell;
use almanac_core::{CalendarId, Href, Uid};
use almanac_sync::{Changed, Draft, Placed, Target};
use tauri::{AppHandle, Emitter, State};

commands! {
    writable_calendars() -> Vec<WritableCalendar>;
    editor_fields(event: EventRef) -> EditorFields;
    create_event(draft: EventDraft) -> ChangeReceipt;
    update_event(event: EventRef, scope: EditScope, draft: EventDraft) -> ChangeReceipt;
    move_event(
        event: EventRef,
        scope: EditScope,
        start: String,
        end: String,
        all_day: bool,
    ) -> ChangeReceipt;
    delete_event(event: EventRef, scope: EditScope) -> ChangeReceipt;
    answer_invitation(event: EventRef, scope: EditScope, answer: Answer) -> ChangeReceipt;
    undo_change(undo: number::Count) -> ChangeReceipt;
}

/// The store's key for the calendar the user last put an event in (offered first).
const LAST_CALENDAR: &str = "last_calendar";

/// A fresh UUID, uppercase as Apple writes them: a new event's UID and resource name.
pub(crate) fn fresh_uid() -> Uid {
    Uid::new(uuid::Uuid::new_v4().to_string().to_uppercase())
}

/// Tells the window that events changed, and wakes the push of every account whose calendars
/// `calendars` are.
pub(crate) async fn changed_here(app: &AppHandle, shell: &Shell, calendars: Vec<CalendarId>) {
    let accounts = shell
        .engine
        .with_store(move |s| {
            Ok(calendars
                .iter()
                .filter_map(|c| s.calendar(*c).ok()?.account)
                .collect::<Vec<_>>())
        })
        .await
        .unwrap_or_default();
    let mut accounts = accounts;
    accounts.sort_by_key(|a| a.0);
    accounts.dedup();
    for account in accounts {
        shell.push_soon(account);
    }
    let _ = app.emit(
        CHANGED,
        ChangedEvent {
            account: None,
            reason: ChangeReason::Edited,
        },
    );
}

/// Keeps a change's undo, tells the window, and says where the event is now.
async fn receipt(
    app: &AppHandle,
    shell: &Shell,
    changed: Changed<Option<EventRef>>,
    before: Option<EventRef>,
    note: Option<String>,
) -> ChangeReceipt {
    let calendars = changed.undo.resources().map(|(c, _)| c).collect();
    let after = changed.value;
    let token = shell.keep_undo(changed.undo, (before, after.clone()));
    changed_here(app, shell, calendars).await;
    ChangeReceipt {
        undo: token,
        event: after,
        note,
    }
}

async fn open(shell: &Shell, event: &EventRef) -> Result<Target, IpcError> {
    Ok(shell
        .engine
        .open_occurrence(
            calendar_id(event.calendar),
            Href::new(event.href.clone()),
            &event.start,
            shell.display_zone(),
        )
        .await?)
}

async fn remember_calendar(shell: &Shell, calendar: CalendarId) {
    let id = calendar.0.to_string();
    if let Err(err) = shell
        .engine
        .with_store(move |s| s.set_setting(LAST_CALENDAR, Some(&id)))
        .await
    {
        tracing::debug!(%err, "last calendar not saved");
    }
}

/// The calendars new events may go into, the last one used first.
#[tauri::command]
pub async fn writable_calendars(
    shell: State<'_, Shell>,
) -> Result<Vec<WritableCalendar>, IpcError> {
    let (calendars, last) = shell
        .engine
        .with_store(|s| Ok((s.all_calendars()?, s.setting(LAST_CALENDAR)?)))
        .await?;
    let mut out: Vec<WritableCalendar> = calendars.iter().filter_map(writable_view).collect();
    let last: Option<number::Id> = last.and_then(|l| l.parse().ok());
    out.sort_by_key(|c| Some(c.id) != last);
    Ok(out)
}

/// An occurrence's values for the full editor.
#[tauri::command]
pub async fn editor_fields(
    shell: State<'_, Shell>,
    event: EventRef,
) -> Result<EditorFields, IpcError> {
    Ok(fields_view(&open(&shell, &event).await?))
}

/// Creates an event from the popover or the editor.
#[tauri::command]
pub async fn create_event(
    app: AppHandle,
    shell: State<'_, Shell>,
    draft: EventDraft,
) -> Result<ChangeReceipt, IpcError> {
    let (calendar, draft) = draft_from(&draft)?;
    let zone = shell.display_zone();
    let created = shell
        .engine
        .create_from(calendar, &draft, fresh_uid(), zone)
        .await?;
    remember_calendar(&shell, calendar).await;
    let created = created.map(|placed| Some(event_ref(&placed, "")));
    Ok(receipt(&app, &shell, created, None, None).await)
}

/// Saves the editor's values over an occurrence, for the occurrences `scope` names; only the
/// fields that differ from `editor_fields` change, and another calendar moves the event.
#[tauri::command]
pub async fn update_event(
    app: AppHandle,
    shell: State<'_, Shell>,
    event: EventRef,
    scope: EditScope,
    draft: EventDraft,
) -> Result<ChangeReceipt, IpcError> {
    let target = open(&shell, &event).await?;
    let (to, draft) = draft_from(&draft)?;
    save(&app, &shell, &target, event, scope, &draft, to).await
}

/// Saves `draft` over `target` for the occurrences `scope` names, in calendar `to`: an edit
/// from the editor and a drag are the same change to the engine.
async fn save(
    app: &AppHandle,
    shell: &Shell,
    target: &Target,
    event: EventRef,
    scope: EditScope,
    draft: &Draft,
    to: CalendarId,
) -> Result<ChangeReceipt, IpcError> {
    let saved = shell
        .engine
        .save(
            target,
            crate::edit_views::scope(scope),
            draft,
            to,
            fresh_uid(),
            shell.display_zone(),
        )
        .await?;
    if to != target.calendar.id {
        remember_calendar(shell, to).await;
    }
    placed(app, shell, saved, event, target.note()).await
}

async fn placed(
    app: &AppHandle,
    shell: &Shell,
    changed: Changed<Placed>,
    before: EventRef,
    note: Option<String>,
) -> Result<ChangeReceipt, IpcError> {
    let changed = changed.map(|p| Some(event_ref(&p, &before.start)));
    Ok(receipt(app, shell, changed, Some(before), note).await)
}

/// Moves or resizes an occurrence (a drag, or the keyboard): times in the display zone.
#[tauri::command]
pub async fn move_event(
    app: AppHandle,
    shell: State<'_, Shell>,
    event: EventRef,
    scope: EditScope,
    start: String,
    end: String,
    all_day: bool,
) -> Result<ChangeReceipt, IpcError> {
    let target = open(&shell, &event).await?;
    let draft = target
        .opened
        .moved(&start, &end, all_day, shell.display_zone())?;
    save(
        &app,
        &shell,
        &target,
        event,
        scope,
        &draft,
        target.calendar.id,
    )
    .await
}

/// Deletes the occurrences `scope` names.
#[tauri::command]
pub async fn delete_event(
    app: AppHandle,
    shell: State<'_, Shell>,
    event: EventRef,
    scope: EditScope,
) -> Result<ChangeReceipt, IpcError> {
    let target = open(&shell, &event).await?;
    let deleted = shell
        .engine
        .delete_at(&target, crate::edit_views::scope(scope))
        .await?;
    let deleted = deleted.map(|()| None);
    Ok(receipt(&app, &shell, deleted, Some(event), target.note()).await)
}

/// Answers an invitation (the account's own answer only; the server tells the organizer).
#[tauri::command]
pub async fn answer_invitation(
    app: AppHandle,
    shell: State<'_, Shell>,
    event: EventRef,
    scope: EditScope,
    answer: Answer,
) -> Result<ChangeReceipt, IpcError> {
    let target = open(&shell, &event).await?;
    let answered = shell
        .engine
        .answer(&target, crate::edit_views::scope(scope), part_stat(answer))
        .await?;
    placed(&app, &shell, answered, event, None).await
}

/// Puts back what the change under `undo` replaced; its receipt undoes the undo.
#[tauri::command]
pub async fn undo_change(
    app: AppHandle,
    shell: State<'_, Shell>,
    undo: number::Count,
) -> Result<ChangeReceipt, IpcError> {
    let (undo, (before, after)) = shell.take_undo(undo).ok_or_else(|| {
        IpcError::new(ErrorCode::NotFound, "This change can no longer be undone.")
    })?;
    let kept = undo.clone();
    let undone = match shell.engine.undo(undo).await {
        Ok(undone) => undone,
        Err(err) => {
            // Still undoable once the reason (a conflict) is settled.
            shell.keep_undo(kept, (before, after));
            return Err(err.into());
        }
    };
    let undone = undone.map(|()| before.clone());
    Ok(receipt(&app, &shell, undone, after, None).await)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fresh_uids_are_uppercase_uuids() {
        let uid = fresh_uid();
        assert_eq!(uid.as_str().len(), 36);
        assert_eq!(uid.as_str(), uid.as_str().to_uppercase());
        assert_ne!(fresh_uid(), uid);
    }
}
