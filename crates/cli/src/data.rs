//! Where the store lives, and the engine over it.
//!
//! The default directory is the desktop app's own (Tauri's `app_data_dir`: the platform data
//! directory plus the app identifier, `$XDG_DATA_HOME/app.almanac.desktop` on Linux), so the
//! CLI and the app share one store and one keychain.

use almanac_caldav::Limits;
use almanac_secrets::KeyringSecrets;
use almanac_store::Store;
use almanac_sync::{Engine, EngineParts};
use anyhow::{Context, anyhow};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The desktop app's identifier, which names its data directory.
const APP_ID: &str = "app.almanac.desktop";

/// The store's file name inside the data directory (the desktop app's too).
pub const STORE_FILE: &str = "almanac.sqlite3";

/// The chosen data directory: `--data-dir` / `ALMANAC_DATA_DIR`, else the app's.
///
/// # Errors
/// When no directory was given and the platform has no data directory.
pub fn data_dir(given: Option<&Path>) -> anyhow::Result<PathBuf> {
    match given {
        Some(dir) => Ok(dir.to_path_buf()),
        None => dirs::data_dir()
            .map(|d| d.join(APP_ID))
            .ok_or_else(|| anyhow!("no data directory on this system; pass --data-dir")),
    }
}

/// Opens the store for reading. A directory without a store reads as empty (an in-memory
/// store), so looking never creates files.
///
/// # Errors
/// When the store exists but cannot be opened.
pub fn open_for_reading(dir: &Path) -> anyhow::Result<Store> {
    let path = dir.join(STORE_FILE);
    if path.exists() {
        Store::open(&path).with_context(|| format!("cannot open {}", path.display()))
    } else {
        Ok(Store::open_in_memory()?)
    }
}

/// Opens (creating if need be) the store for writing.
///
/// # Errors
/// When the directory cannot be made or the store cannot be opened.
pub fn open_for_writing(dir: &Path) -> anyhow::Result<Store> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let path = dir.join(STORE_FILE);
    Store::open(&path).with_context(|| format!("cannot open {}", path.display()))
}

/// The engine over the store in `dir` and the OS keychain, as the desktop app builds it.
///
/// # Errors
/// As [`open_for_writing`].
pub fn engine(dir: &Path) -> anyhow::Result<Engine> {
    Ok(Engine::new(EngineParts {
        store: open_for_writing(dir)?,
        secrets: Arc::new(KeyringSecrets::default()),
        limits: Limits::default(),
        clock: almanac_sync::clock_from_env(),
        jitter: almanac_sync::system_jitter(),
    }))
}

/// A runtime for one command: the engine's network work is async, its store work runs on
/// blocking threads.
///
/// # Errors
/// When the runtime cannot start.
pub fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}
