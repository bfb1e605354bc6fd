// Generated from the command tables in src-tauri/src by the `bindings_are_current` test.
// Do not edit: run `UPDATE_BINDINGS=1 cargo test -p almanac-desktop bindings`.

import type { AccountView, Answer, CalendarView, ChangeReceipt, ConflictView, EditScope, EditorFields, EventDetailsView, EventDraft, EventRef, EventView, ImportPreview, Keep, Overview, PendingChanges, ProblemView, SearchHitView, SettingsView, SignInRequest, SubscribeRequest, WritableCalendar } from "./bindings";

/** Sends one command and resolves with its answer; `index.ts` passes Tauri's `invoke`, with errors shaped. */
export type Call = <T>(command: string, args?: Record<string, unknown>) => Promise<T>;

/** Every command of the shell, each a typed function over `call`. */
export function commands(call: Call) {
  return {
    /** `commands::open_app_password_page` in src-tauri. */
    openAppPasswordPage: (): Promise<void> =>
      call("open_app_password_page"),
    /** `commands::sign_in` in src-tauri. */
    signIn: (request: SignInRequest): Promise<AccountView> =>
      call("sign_in", { request }),
    /** `commands::overview` in src-tauri. */
    overview: (): Promise<Overview> =>
      call("overview"),
    /** `commands::events_between` in src-tauri. */
    eventsBetween: (from: string, to: string): Promise<Array<EventView>> =>
      call("events_between", { from, to }),
    /** `commands::set_calendar_enabled` in src-tauri. */
    setCalendarEnabled: (calendar: number, enabled: boolean): Promise<void> =>
      call("set_calendar_enabled", { calendar, enabled }),
    /** `commands::sync_now` in src-tauri. */
    syncNow: (): Promise<void> =>
      call("sync_now"),
    /** `commands::relink` in src-tauri. */
    relink: (account: number, password: string): Promise<AccountView> =>
      call("relink", { account, password }),
    /** `commands::remove_account` in src-tauri. */
    removeAccount: (account: number): Promise<void> =>
      call("remove_account", { account }),
    /** `commands::search` in src-tauri. */
    search: (text: string): Promise<Array<SearchHitView>> =>
      call("search", { text }),
    /** `commands::event_details` in src-tauri. */
    eventDetails: (calendar: number, href: string, start: string): Promise<EventDetailsView> =>
      call("event_details", { calendar, href, start }),
    /** `commands::sync_problems` in src-tauri. */
    syncProblems: (): Promise<Array<ProblemView>> =>
      call("sync_problems"),
    /** `commands::open_link` in src-tauri. */
    openLink: (url: string): Promise<void> =>
      call("open_link", { url }),
    /** `commands::subscribe` in src-tauri. */
    subscribe: (request: SubscribeRequest): Promise<CalendarView> =>
      call("subscribe", { request }),
    /** `commands::unsubscribe` in src-tauri. */
    unsubscribe: (calendar: number): Promise<void> =>
      call("unsubscribe", { calendar }),
    /** `settings::settings` in src-tauri. */
    settings: (): Promise<SettingsView> =>
      call("settings"),
    /** `settings::set_sync_interval` in src-tauri. */
    setSyncInterval: (minutes: number): Promise<void> =>
      call("set_sync_interval", { minutes }),
    /** `settings::set_start_at_login` in src-tauri. */
    setStartAtLogin: (enabled: boolean): Promise<void> =>
      call("set_start_at_login", { enabled }),
    /** `settings::set_zone_override` in src-tauri. */
    setZoneOverride: (zone: string | null): Promise<void> =>
      call("set_zone_override", { zone }),
    /** `settings::set_calendar_notify` in src-tauri. */
    setCalendarNotify: (calendar: number, enabled: boolean): Promise<void> =>
      call("set_calendar_notify", { calendar, enabled }),
    /** `settings::export_calendar` in src-tauri. */
    exportCalendar: (calendar: number): Promise<string> =>
      call("export_calendar", { calendar }),
    /** `settings::open_data_dir` in src-tauri. */
    openDataDir: (): Promise<void> =>
      call("open_data_dir"),
    /** `settings::diagnostics` in src-tauri. */
    diagnostics: (): Promise<string> =>
      call("diagnostics"),
    /** `editing::writable_calendars` in src-tauri. */
    writableCalendars: (): Promise<Array<WritableCalendar>> =>
      call("writable_calendars"),
    /** `editing::editor_fields` in src-tauri. */
    editorFields: (event: EventRef): Promise<EditorFields> =>
      call("editor_fields", { event }),
    /** `editing::create_event` in src-tauri. */
    createEvent: (draft: EventDraft): Promise<ChangeReceipt> =>
      call("create_event", { draft }),
    /** `editing::update_event` in src-tauri. */
    updateEvent: (event: EventRef, scope: EditScope, draft: EventDraft): Promise<ChangeReceipt> =>
      call("update_event", { event, scope, draft }),
    /** `editing::move_event` in src-tauri. */
    moveEvent: (event: EventRef, scope: EditScope, start: string, end: string, allDay: boolean): Promise<ChangeReceipt> =>
      call("move_event", { event, scope, start, end, allDay }),
    /** `editing::delete_event` in src-tauri. */
    deleteEvent: (event: EventRef, scope: EditScope): Promise<ChangeReceipt> =>
      call("delete_event", { event, scope }),
    /** `editing::answer_invitation` in src-tauri. */
    answerInvitation: (event: EventRef, scope: EditScope, answer: Answer): Promise<ChangeReceipt> =>
      call("answer_invitation", { event, scope, answer }),
    /** `editing::undo_change` in src-tauri. */
    undoChange: (undo: number): Promise<ChangeReceipt> =>
      call("undo_change", { undo }),
    /** `changes::pending_changes` in src-tauri. */
    pendingChanges: (): Promise<Array<PendingChanges>> =>
      call("pending_changes"),
    /** `changes::conflicts` in src-tauri. */
    conflicts: (): Promise<Array<ConflictView>> =>
      call("conflicts"),
    /** `changes::resolve_conflict` in src-tauri. */
    resolveConflict: (id: number, keep: Keep): Promise<void> =>
      call("resolve_conflict", { id, keep }),
    /** `changes::import_preview` in src-tauri. */
    importPreview: (path: string, calendar: number): Promise<ImportPreview> =>
      call("import_preview", { path, calendar }),
    /** `changes::import_events` in src-tauri. */
    importEvents: (path: string, calendar: number): Promise<ImportPreview> =>
      call("import_events", { path, calendar }),
  };
}

/** What feature folders take by injection: all commands, or a `Pick` of them. */
export type Commands = ReturnType<typeof commands>;
