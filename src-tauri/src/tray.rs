//! The tray: its icon and menu are a pure function of the app's state ([`tray_model`]), so they
//! can be tested without a tray host (GNOME has none by default, and CI never does); the thin
//! part that talks to Tauri only renders a model.

use crate::notices::NextEvent;
use almanac_core::{Account, AccountKind, AccountState};
use tauri::image::Image;
use tauri::menu::{Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::{TrayIcon, TrayIconBuilder};
use tauri::{AppHandle, Manager, Runtime};

/// The app's overall state as the tray shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TrayStatus {
    /// No account yet.
    NotSignedIn,
    /// Every account synced.
    UpToDate,
    /// A sync is running.
    Syncing,
    /// The server cannot be reached; saved data is shown.
    Offline,
    /// An account needs a new password (or another action only the user can take).
    ActionNeeded {
        /// Which account, in words ("iCloud", "Fastmail").
        account: String,
    },
}

/// Which icon the tray shows; each has a badge of its own shape, so colour is not the only signal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TrayIconKind {
    /// No badge.
    Ok,
    /// A blue arrows badge.
    Syncing,
    /// A grey cross badge.
    Offline,
    /// An amber exclamation badge.
    ActionNeeded,
}

/// One menu entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrayItem {
    /// The id menu events carry; `None` for informational lines.
    pub id: Option<&'static str>,
    /// The label as the menu reads it: mnemonic-encoded, so a literal `&` is `&&` (see
    /// [`menu_label`]).
    pub label: String,
}

/// Everything the tray shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrayModel {
    /// The icon variant.
    pub icon: TrayIconKind,
    /// The hover text.
    pub tooltip: String,
    /// The menu, top to bottom; `None` is a separator.
    pub items: Vec<Option<TrayItem>>,
}

/// Menu ids the app reacts to.
pub mod ids {
    /// Shows and focuses the window.
    pub const OPEN: &str = "open";
    /// Starts a sync of every account.
    pub const SYNC_NOW: &str = "sync-now";
    /// Shows the window with the sign-in repair banner.
    pub const FIX_SIGN_IN: &str = "fix-sign-in";
    /// Quits the app.
    pub const QUIT: &str = "quit";
}

/// Text as a menu label that shows it literally. Tauri's menus (muda) read every label as
/// mnemonic-encoded on every platform: `&` marks the access key and `&&` is a literal `&`; on
/// Linux muda itself turns that into GTK's `_` and escapes a literal `_` as `__`, and macOS
/// strips the marks. So only `&` needs escaping here: "Q3_review" already shows as typed, and
/// escaping `_` as well would show "Q3__review". Event titles and account names come from
/// other people, and no label of ours uses an access key, so every label goes through this.
pub fn menu_label(text: &str) -> String {
    text.replace('&', "&&")
}

fn info(label: impl AsRef<str>) -> Option<TrayItem> {
    Some(TrayItem {
        id: None,
        label: menu_label(label.as_ref()),
    })
}

fn action(id: &'static str, label: impl AsRef<str>) -> Option<TrayItem> {
    Some(TrayItem {
        id: Some(id),
        label: menu_label(label.as_ref()),
    })
}

/// The tray's state from the accounts: one needing the user wins, then syncing, then offline.
pub fn tray_status(accounts: &[Account]) -> TrayStatus {
    if accounts.is_empty() {
        return TrayStatus::NotSignedIn;
    }
    if let Some(broken) = accounts.iter().find(|a| {
        matches!(
            a.state,
            AccountState::NeedsRelink
                | AccountState::PasswordMissing
                | AccountState::KeychainLocked
        )
    }) {
        return TrayStatus::ActionNeeded {
            account: account_label(broken),
        };
    }
    if accounts.iter().any(|a| a.state == AccountState::Syncing) {
        return TrayStatus::Syncing;
    }
    if accounts.iter().any(|a| {
        matches!(
            a.state,
            AccountState::Offline | AccountState::Backoff { .. } | AccountState::Confirming { .. }
        )
    }) {
        return TrayStatus::Offline;
    }
    TrayStatus::UpToDate
}

/// How the tray and notifications name an account.
pub fn account_label(account: &Account) -> String {
    match account.kind {
        AccountKind::Icloud => "iCloud".into(),
        AccountKind::Caldav => account.username.clone(),
    }
}

/// The tray for a given state: the state in words, the next event, then the actions.
pub fn tray_model(status: &TrayStatus, next: Option<&NextEvent>) -> TrayModel {
    let (icon, state_line) = match status {
        TrayStatus::NotSignedIn => (TrayIconKind::Ok, "Not signed in".to_string()),
        TrayStatus::UpToDate => (TrayIconKind::Ok, "Up to date".to_string()),
        TrayStatus::Syncing => (TrayIconKind::Syncing, "Syncing…".to_string()),
        TrayStatus::Offline => (
            TrayIconKind::Offline,
            "Offline, showing saved data".to_string(),
        ),
        TrayStatus::ActionNeeded { account } => (
            TrayIconKind::ActionNeeded,
            format!("{account} needs a new password"),
        ),
    };
    let mut items = vec![info(&state_line)];
    if let Some(next) = next {
        items.push(info(format!("Next: {} · {}", next.title, next.when)));
    }
    items.push(None);
    if let TrayStatus::ActionNeeded { account } = status {
        items.push(action(ids::FIX_SIGN_IN, format!("Fix {account} sign-in…")));
    }
    if *status != TrayStatus::NotSignedIn {
        items.push(action(ids::SYNC_NOW, "Sync now"));
    }
    items.push(action(ids::OPEN, "Open Almanac"));
    items.push(None);
    items.push(action(ids::QUIT, "Quit"));
    TrayModel {
        icon,
        tooltip: format!("Almanac: {state_line}"),
        items,
    }
}

fn icon_bytes(kind: TrayIconKind) -> &'static [u8] {
    match kind {
        TrayIconKind::Ok => include_bytes!("../../icons/tray/ok.png"),
        TrayIconKind::Syncing => include_bytes!("../../icons/tray/syncing.png"),
        TrayIconKind::Offline => include_bytes!("../../icons/tray/offline.png"),
        TrayIconKind::ActionNeeded => include_bytes!("../../icons/tray/action-needed.png"),
    }
}

fn menu<R: Runtime>(app: &AppHandle<R>, model: &TrayModel) -> tauri::Result<Menu<R>> {
    let menu = Menu::new(app)?;
    for item in &model.items {
        match item {
            None => menu.append(&PredefinedMenuItem::separator(app)?)?,
            Some(TrayItem {
                id: Some(id),
                label,
            }) => menu.append(&MenuItem::with_id(app, *id, label, true, None::<&str>)?)?,
            Some(TrayItem { id: None, label }) => {
                menu.append(&MenuItem::new(app, label, false, None::<&str>)?)?
            }
        }
    }
    Ok(menu)
}

/// Creates the tray icon; its "Sync now" calls `sync_now`. Without a StatusNotifier host this
/// still succeeds and the app runs; state then shows in the window only.
///
/// # Errors
/// When the menu or the icon cannot be built.
pub fn create<R: Runtime>(
    app: &AppHandle<R>,
    model: &TrayModel,
    sync_now: impl Fn() + Send + Sync + 'static,
) -> tauri::Result<TrayIcon<R>> {
    TrayIconBuilder::with_id("main")
        .icon(Image::from_bytes(icon_bytes(model.icon))?)
        .tooltip(&model.tooltip)
        .menu(&menu(app, model)?)
        .on_menu_event(move |app, event| match event.id().as_ref() {
            ids::QUIT => app.exit(0),
            ids::OPEN | ids::FIX_SIGN_IN => show_main_window(app),
            ids::SYNC_NOW => sync_now(),
            _ => {}
        })
        .build(app)
}

/// Shows a new model in the existing tray, if there is one.
///
/// # Errors
/// When the menu or the icon cannot be built.
pub fn show<R: Runtime>(app: &AppHandle<R>, model: &TrayModel) -> tauri::Result<()> {
    if let Some(tray) = app.tray_by_id("main") {
        tray.set_icon(Some(Image::from_bytes(icon_bytes(model.icon))?))?;
        tray.set_tooltip(Some(&model.tooltip))?;
        tray.set_menu(Some(menu(app, model)?))?;
    }
    Ok(())
}

/// Brings the main window to the front, restoring it if it was hidden to the tray.
pub fn show_main_window<R: Runtime>(app: &AppHandle<R>) {
    if let Some(window) = app.get_webview_window("main") {
        // Each step may fail on a window manager that refuses it; the next still helps.
        let _ = window.show();
        let _ = window.unminimize();
        let _ = window.set_focus();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(model: &TrayModel) -> Vec<String> {
        model
            .items
            .iter()
            .flatten()
            .map(|i| i.label.clone())
            .collect()
    }

    #[test]
    fn signed_out_offers_no_sync() {
        let model = tray_model(&TrayStatus::NotSignedIn, None);
        assert_eq!(labels(&model), ["Not signed in", "Open Almanac", "Quit"]);
        assert_eq!(model.icon, TrayIconKind::Ok);
    }

    #[test]
    fn up_to_date_shows_the_next_event() {
        let next = NextEvent {
            title: "Dentist".into(),
            when: "Today 14:00".into(),
        };
        let model = tray_model(&TrayStatus::UpToDate, Some(&next));
        assert_eq!(
            labels(&model),
            [
                "Up to date",
                "Next: Dentist · Today 14:00",
                "Sync now",
                "Open Almanac",
                "Quit"
            ]
        );
    }

    /// What a menu shows for a label: muda's reading of the mnemonic encoding (`&&` a literal
    /// `&`, a lone `&` the access-key mark), the same on every platform.
    fn shown(label: &str) -> String {
        label
            .replace("&&", "\0")
            .replace('&', "")
            .replace('\0', "&")
    }

    #[test]
    fn titles_and_names_show_literally_in_the_menu() {
        let next = NextEvent {
            title: "Q3_review & R&D <b>".into(),
            when: "Today 14:00".into(),
        };
        let status = TrayStatus::ActionNeeded {
            account: "tom&jerry_dav".into(),
        };
        let model = tray_model(&status, Some(&next));
        let labels = labels(&model);
        assert_eq!(labels[1], "Next: Q3_review && R&&D <b> · Today 14:00");
        assert_eq!(
            labels.iter().map(|l| shown(l)).collect::<Vec<_>>()[..3],
            [
                "tom&jerry_dav needs a new password",
                "Next: Q3_review & R&D <b> · Today 14:00",
                "Fix tom&jerry_dav sign-in…",
            ]
        );
        for text in ["Q3_review", "a && b", "&", "__init__", "Ünïcode &x"] {
            assert_eq!(shown(&menu_label(text)), text);
        }
    }

    #[test]
    fn action_needed_leads_with_the_fix() {
        let status = TrayStatus::ActionNeeded {
            account: "iCloud".into(),
        };
        let model = tray_model(&status, None);
        assert_eq!(model.icon, TrayIconKind::ActionNeeded);
        let first_action = model
            .items
            .iter()
            .flatten()
            .find(|i| i.id.is_some())
            .unwrap();
        assert_eq!(first_action.id, Some(ids::FIX_SIGN_IN));
        assert_eq!(first_action.label, "Fix iCloud sign-in…");
        assert!(model.tooltip.contains("needs a new password"));
    }

    fn account(kind: AccountKind, state: AccountState) -> Account {
        Account {
            id: almanac_core::AccountId(1),
            kind,
            username: "jane@example.com".into(),
            server_url: "https://caldav.icloud.com/".into(),
            state,
            last_success: None,
        }
    }

    #[test]
    fn a_revoked_account_outranks_every_other_state() {
        let accounts = [
            account(AccountKind::Caldav, AccountState::Syncing),
            account(AccountKind::Icloud, AccountState::NeedsRelink),
        ];
        assert_eq!(
            tray_status(&accounts),
            TrayStatus::ActionNeeded {
                account: "iCloud".into()
            }
        );
        assert_eq!(tray_status(&accounts[..1]), TrayStatus::Syncing);
        assert_eq!(tray_status(&[]), TrayStatus::NotSignedIn);
        assert_eq!(
            tray_status(&[account(AccountKind::Icloud, AccountState::Offline)]),
            TrayStatus::Offline
        );
        assert_eq!(
            tray_status(&[account(AccountKind::Icloud, AccountState::Active)]),
            TrayStatus::UpToDate
        );
    }

    #[test]
    fn every_state_has_its_own_icon_and_words() {
        let offline = tray_model(&TrayStatus::Offline, None);
        let syncing = tray_model(&TrayStatus::Syncing, None);
        assert_eq!(offline.icon, TrayIconKind::Offline);
        assert_eq!(syncing.icon, TrayIconKind::Syncing);
        assert_ne!(offline.tooltip, syncing.tooltip);
        for kind in [
            TrayIconKind::Ok,
            TrayIconKind::Syncing,
            TrayIconKind::Offline,
            TrayIconKind::ActionNeeded,
        ] {
            assert!(Image::from_bytes(icon_bytes(kind)).is_ok());
        }
    }
}
