//! Commands the window may call for accounts, calendars and reading events. Each converts its
//! arguments, calls one engine or store function, and maps the error.

use crate::ipc::command::commands;
use crate::ipc::error::{sign_in_error, subscribe_error};
use crate::ipc::{
    AccountKindView, AccountView, CalendarView, ErrorCode, EventDetailsView, EventView, IpcError,
    Overview, ProblemView, SearchHitView, SignInRequest, SubscribeRequest, number,
};
use crate::shell::Shell;
use crate::views;
use almanac_core::{AccountKind, Calendar, CalendarId, Href, Password};
use almanac_store::{Store, StoreError};
use chrono::{DateTime, Utc};
use tauri::{AppHandle, State};
use tauri_plugin_opener::OpenerExt;

commands! {
    open_app_password_page() -> ();
    sign_in(request: SignInRequest) -> AccountView;
    overview() -> Overview;
    events_between(from: String, to: String) -> Vec<EventView>;
    set_calendar_enabled(calendar: number::Id, enabled: bool) -> ();
    sync_now() -> ();
    relink(account: number::Id, password: String) -> AccountView;
    remove_account(account: number::Id) -> ();
    search(text: String) -> Vec<SearchHitView>;
    event_details(calendar: number::Id, href: String, start: String) -> EventDetailsView;
    sync_problems() -> Vec<ProblemView>;
    open_link(url: String) -> ();
    subscribe(request: SubscribeRequest) -> CalendarView;
    unsubscribe(calendar: number::Id) -> ();
}

/// Apple's account page, where app-specific passwords are made (Sign-In and Security →
/// App-Specific Passwords).
pub const APPLE_ACCOUNT_URL: &str = "https://account.apple.com/account/manage";

/// Opens Apple's account page in the default browser. The URL is fixed here rather than taken
/// from the window, so a compromised page cannot make us open anything else.
#[tauri::command]
pub fn open_app_password_page(app: AppHandle) -> Result<(), IpcError> {
    app.opener()
        .open_url(APPLE_ACCOUNT_URL, None::<&str>)
        .map_err(|_| {
            IpcError::new(
                ErrorCode::Unavailable,
                format!("Almanac could not open your browser. Visit {APPLE_ACCOUNT_URL} yourself."),
            )
        })
}

/// Verifies the credentials against the server, stores the password in the keychain and the
/// account in the store, then starts the first sync in the background.
#[tauri::command]
pub async fn sign_in(
    shell: State<'_, Shell>,
    request: SignInRequest,
) -> Result<AccountView, IpcError> {
    let username = request.username.trim().to_string();
    let typed = request.password;
    let (kind, server_url, password) = match request.kind {
        AccountKindView::Icloud => {
            if !username.contains('@') {
                return Err(IpcError::invalid(
                    "Use the e-mail address of your Apple ID.",
                ));
            }
            (
                AccountKind::Icloud,
                shell.icloud_url.clone(),
                typed.normalised_app_specific(),
            )
        }
        AccountKindView::Caldav => {
            let typed_url = request.server_url.unwrap_or_default();
            if typed_url.trim().is_empty() {
                return Err(IpcError::invalid("Enter the server's address."));
            }
            let url = almanac_sync::start_url(AccountKind::Caldav, Some(&typed_url));
            (AccountKind::Caldav, url, typed)
        }
    };
    if username.is_empty() || password.expose().is_empty() {
        return Err(IpcError::invalid("Enter a user name and a password."));
    }
    let id = shell
        .engine
        .add_account(kind, &server_url, &username, password)
        .await
        .map_err(|e| sign_in_error(request.kind, &server_url, &e))?;
    syncing_account(&shell, id).await
}

/// Starts an account's sync in the background and returns the account as it stands.
async fn syncing_account(
    shell: &Shell,
    id: almanac_core::AccountId,
) -> Result<AccountView, IpcError> {
    shell.sync_in_background(Some(id));
    let (account, problems) = shell
        .engine
        .with_store(move |s| {
            Ok((
                s.account(id)?,
                s.quarantined_count(id)? + s.multi_uid_count(id)?,
            ))
        })
        .await?;
    Ok(views::account_view(
        &account,
        shell.display_zone(),
        shell.account_progress(id),
        problems,
        false,
    ))
}

/// Every calendar with its sync health in words (`None`: up to date).
fn calendars_with_health(s: &Store) -> Result<Vec<(Calendar, Option<String>)>, StoreError> {
    s.all_calendars()?
        .into_iter()
        .map(|c| {
            let health = almanac_sync::health_text(&s.calendar_health(c.id)?);
            Ok((c, health))
        })
        .collect()
}

/// Accounts and calendars, from the local store.
#[tauri::command]
pub async fn overview(shell: State<'_, Shell>) -> Result<Overview, IpcError> {
    let (accounts, calendars, listed) = shell
        .engine
        .with_store(|s| {
            let accounts = s.accounts()?;
            let problems = accounts
                .iter()
                .map(|a| Ok(s.quarantined_count(a.id)? + s.multi_uid_count(a.id)?))
                .collect::<Result<Vec<_>, StoreError>>()?;
            let listed: Vec<CalendarId> = s
                .subscriptions()?
                .into_iter()
                .filter(|f| f.listed)
                .map(|f| f.calendar.id)
                .collect();
            Ok((
                accounts.into_iter().zip(problems).collect::<Vec<_>>(),
                calendars_with_health(s)?,
                listed,
            ))
        })
        .await?;
    let zone = shell.display_zone();
    Ok(Overview {
        accounts: accounts
            .iter()
            .map(|(a, quarantined)| {
                let troubled = calendars
                    .iter()
                    .filter(|(c, health)| c.account == Some(a.id) && health.is_some())
                    .count();
                views::account_view(
                    a,
                    zone,
                    shell.account_progress(a.id),
                    *quarantined + troubled,
                    troubled > 0,
                )
            })
            .collect(),
        calendars: calendars
            .iter()
            .map(|(c, health)| {
                let kind = accounts
                    .iter()
                    .find(|(a, _)| Some(a.id) == c.account)
                    .map(|(a, _)| a.kind);
                let progress = c
                    .account
                    .and_then(|account| shell.calendar_progress(account, &c.href));
                views::calendar_view(c, kind, listed.contains(&c.id), progress, health.clone())
            })
            .collect(),
        display_zone: zone.name().to_string(),
        clock_skew_ms: shell.clock_skew_ms,
    })
}

/// A `YYYY-MM-DDTHH:MM:SS` wall-clock time in `zone`, as the calendar component sends it.
fn instant(text: &str, zone: chrono_tz::Tz) -> Result<DateTime<Utc>, IpcError> {
    chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S")
        .map(|local| almanac_ical::local_to_utc(zone, local))
        .map_err(|_| IpcError::invalid("The date range is not understood."))
}

/// The occurrences of shown calendars overlapping `[from, to)`: only the visible range
/// crosses IPC.
#[tauri::command]
pub async fn events_between(
    shell: State<'_, Shell>,
    from: String,
    to: String,
) -> Result<Vec<EventView>, IpcError> {
    let zone = shell.display_zone();
    let (from, to) = (instant(&from, zone)?, instant(&to, zone)?);
    if to - from > chrono::Duration::days(400) {
        return Err(IpcError::invalid(
            "Ask for at most a year of events at a time.",
        ));
    }
    let (items, outbox) = shell
        .engine
        .with_store(move |s| {
            Ok((
                s.occurrences_between(from, to, zone, true)?,
                s.outbox(None)?,
            ))
        })
        .await?;
    let marks = views::EditMarks::new(&outbox);
    Ok(items
        .iter()
        .map(|i| views::event_view(i, zone, &marks))
        .collect())
}

/// Searches the local store (works offline and while an account needs a new password).
#[tauri::command]
pub async fn search(shell: State<'_, Shell>, text: String) -> Result<Vec<SearchHitView>, IpcError> {
    let viewer = shell.display_zone();
    let hits = shell
        .engine
        .with_store(move |s| s.search(&text, 50))
        .await?;
    Ok(hits
        .iter()
        .map(|h| views::search_hit_view(h, viewer))
        .collect())
}

/// Shows or hides a calendar; the choice is stored.
#[tauri::command]
pub async fn set_calendar_enabled(
    shell: State<'_, Shell>,
    calendar: number::Id,
    enabled: bool,
) -> Result<(), IpcError> {
    set_calendar_switch(&shell, calendar, enabled, Store::set_calendar_enabled).await
}

/// Stores one of the user's per-calendar switches (shown, notifies).
pub(crate) async fn set_calendar_switch(
    shell: &Shell,
    calendar: number::Id,
    on: bool,
    set: fn(&mut Store, CalendarId, bool) -> Result<(), StoreError>,
) -> Result<(), IpcError> {
    shell
        .engine
        .with_store(move |s| set(s, CalendarId(i64::from(calendar)), on))
        .await
        .map_err(IpcError::from)
}

/// Replaces a refused password: verifies it with one request, stores it in the keychain, and
/// resumes syncing incrementally.
#[tauri::command]
pub async fn relink(
    shell: State<'_, Shell>,
    account: number::Id,
    password: String,
) -> Result<AccountView, IpcError> {
    let id = almanac_core::AccountId(i64::from(account));
    let acct = shell.engine.with_store(move |s| s.account(id)).await?;
    let kind = views::kind_view(acct.kind);
    let typed = Password::new(password);
    let password = match acct.kind {
        AccountKind::Icloud => typed.normalised_app_specific(),
        AccountKind::Caldav => typed,
    };
    shell
        .engine
        .relink(id, password)
        .await
        .map_err(|e| sign_in_error(kind, &acct.server_url, &e))?;
    syncing_account(&shell, id).await
}

/// Removes an account after the window asked the user to confirm: its keychain entry and all
/// its local data.
#[tauri::command]
pub async fn remove_account(shell: State<'_, Shell>, account: number::Id) -> Result<(), IpcError> {
    let id = almanac_core::AccountId(i64::from(account));
    Ok(shell.engine.remove_account(id).await?)
}

/// Subscribes to a calendar feed (`webcal://` or `https://`), with an account or none. The
/// feed is fetched once first, so a wrong address stores nothing; later copies come with the
/// sync schedule.
#[tauri::command]
pub async fn subscribe(
    shell: State<'_, Shell>,
    request: SubscribeRequest,
) -> Result<CalendarView, IpcError> {
    let account = request
        .account
        .map(|a| almanac_core::AccountId(i64::from(a)));
    let name = request
        .name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty());
    let made = shell
        .engine
        .subscribe_feed(&request.url, name, account)
        .await
        .map_err(|e| subscribe_error(&request.url, &e))?;
    let calendar = shell
        .engine
        .with_store(move |s| s.calendar(made.calendar))
        .await?;
    Ok(views::calendar_view(&calendar, None, false, None, None))
}

/// Ends a subscription the user made here, with its events.
#[tauri::command]
pub async fn unsubscribe(shell: State<'_, Shell>, calendar: number::Id) -> Result<(), IpcError> {
    let id = CalendarId(i64::from(calendar));
    shell
        .engine
        .unsubscribe_feed(id)
        .await
        .map_err(|e| match e {
            almanac_sync::SyncError::Store(StoreError::NotFound { .. }) => IpcError::invalid(
                "This subscription belongs to your account on its server; end it there.",
            ),
            other => other.into(),
        })
}

/// Starts a sync of every account now.
#[tauri::command]
pub fn sync_now(shell: State<'_, Shell>) {
    shell.sync_in_background(None);
}

/// One occurrence for the details panel: the calendar, resource and start the views gave.
#[tauri::command]
pub async fn event_details(
    shell: State<'_, Shell>,
    calendar: number::Id,
    href: String,
    start: String,
) -> Result<EventDetailsView, IpcError> {
    let zone = shell.display_zone();
    let id = CalendarId(i64::from(calendar));
    let href = Href::new(href);
    let (cal, ics, me, outbox) = shell
        .engine
        .with_store(move |s| {
            let cal = s.calendar(id)?;
            let me = match cal.account {
                Some(a) if cal.feed_url.is_none() => Some(s.account(a)?.username),
                _ => None,
            };
            Ok((cal, s.resource_ics(id, &href)?, me, (href, s.outbox(None)?)))
        })
        .await?;
    let (href, outbox) = outbox;
    let gone = || IpcError::new(ErrorCode::NotFound, "This event is no longer there.");
    // A resource that breaks the one-UID rule holds several objects; the occurrence is in one.
    let objects = almanac_ical::parse_objects(&ics).map_err(|_| gone())?;
    let state = views::EditMarks::new(&outbox).of(id, &href);
    crate::details::event_details(&objects, &cal, &start, zone, me.as_deref(), &state)
        .ok_or_else(gone)
}

/// Calendars that could not be synced, events that could not be read, and items that hold
/// several events (all shown, with a note), for the "sync problems" view.
#[tauri::command]
pub async fn sync_problems(shell: State<'_, Shell>) -> Result<Vec<ProblemView>, IpcError> {
    let (problems, noted, calendars) = shell
        .engine
        .with_store(|s| {
            Ok((
                s.quarantined()?,
                s.multi_uid_resources()?,
                calendars_with_health(s)?,
            ))
        })
        .await?;
    let troubled = calendars.iter().filter_map(|(c, health)| {
        health
            .as_ref()
            .map(|reason| views::calendar_problem_view(c, reason))
    });
    let plain: Vec<Calendar> = calendars.iter().map(|(c, _)| c.clone()).collect();
    Ok(troubled
        .chain(problems.iter().map(|p| views::problem_view(p, &plain)))
        .chain(noted.iter().map(|r| views::multi_uid_view(r, &plain)))
        .collect())
}

/// Opens a link from an event (its URL, a link in its notes, its map) in the default browser:
/// `http:` and `https:` only, checked here because the text came from other people.
#[tauri::command]
pub fn open_link(app: AppHandle, url: String) -> Result<(), IpcError> {
    let link = crate::details::web_link(&url)
        .ok_or_else(|| IpcError::invalid("Only web links can be opened from an event."))?;
    app.opener()
        .open_url(link, None::<&str>)
        .map_err(|_| IpcError::unavailable("open your browser"))
}
