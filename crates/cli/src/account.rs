//! `almanac account ...`: sign in (the password is verified before anything is stored), list,
//! relink with a new password, remove.

use crate::exit::failed;
use crate::output::{account_json, kind_name, print_json, state_words};
use almanac_core::{Account, AccountId, AccountKind, Password};
use anyhow::bail;
use clap::{Args, Subcommand};
use std::path::Path;

/// `almanac account`.
#[derive(Args, Debug)]
pub struct AccountArgs {
    #[command(subcommand)]
    command: AccountCommand,
}

#[derive(Subcommand, Debug)]
enum AccountCommand {
    /// Sign in: verify the password against the server, then keep it in the OS keychain.
    #[command(after_help = crate::exit::HELP)]
    Add(AddArgs),
    /// List the accounts.
    List {
        /// Print a JSON array.
        #[arg(long)]
        json: bool,
    },
    /// Give an account a new password (after the server refused the old one). Verified with
    /// one request; local data and sync tokens are kept, so the next sync is incremental.
    #[command(after_help = crate::exit::HELP)]
    Relink {
        /// The account's id or user name; may be left out when there is one account.
        account: Option<String>,
        /// Read the password from the first line of stdin instead of a hidden prompt.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Remove an account: its keychain entry and all its local data.
    Remove {
        /// The account's id or user name.
        account: String,
    },
}

#[derive(Args, Debug)]
struct AddArgs {
    #[command(subcommand)]
    kind: AddKind,
}

#[derive(Subcommand, Debug)]
enum AddKind {
    /// An iCloud account, with an app-specific password (xxxx-xxxx-xxxx-xxxx) made at
    /// account.apple.com → Sign-In and Security → App-Specific Passwords.
    Icloud {
        /// The Apple ID (e-mail address).
        #[arg(long)]
        apple_id: String,
        /// Where discovery starts instead of iCloud (an emulator, for tests).
        #[arg(long, env = "ALMANAC_ICLOUD_URL", hide_env_values = true)]
        server_url: Option<String>,
        /// Read the password from the first line of stdin instead of a hidden prompt.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Any other CalDAV server (Fastmail, Nextcloud, Radicale, ...).
    Caldav {
        /// The server's address (discovery starts there).
        #[arg(long)]
        url: String,
        /// The user name.
        #[arg(long)]
        user: String,
        /// Read the password from the first line of stdin instead of a hidden prompt.
        #[arg(long)]
        password_stdin: bool,
    },
}

/// Runs an `account` subcommand.
///
/// # Errors
/// Engine failures carry their exit code (see [`crate::exit`]).
pub fn run(args: AccountArgs, dir: &Path) -> anyhow::Result<()> {
    match args.command {
        AccountCommand::Add(a) => add(a.kind, dir),
        AccountCommand::List { json } => list(dir, json),
        AccountCommand::Relink {
            account,
            password_stdin,
        } => relink(account.as_deref(), password_stdin, dir),
        AccountCommand::Remove { account } => remove(&account, dir),
    }
}

/// The account named by `key`: its id, or its user name when that is unique.
///
/// # Errors
/// When no account, or more than one, matches.
pub fn find<'a>(accounts: &'a [Account], key: &str) -> anyhow::Result<&'a Account> {
    if let Ok(id) = key.parse::<i64>()
        && let Some(a) = accounts.iter().find(|a| a.id == AccountId(id))
    {
        return Ok(a);
    }
    let mut named = accounts.iter().filter(|a| a.username == key);
    match (named.next(), named.next()) {
        (Some(a), None) => Ok(a),
        (Some(_), Some(_)) => bail!("more than one account is named {key:?}; use its id"),
        (None, _) => bail!("no account {key:?} (see `almanac account list`)"),
    }
}

/// The account to relink: the one named by `key`, or the only one when no key is given.
///
/// # Errors
/// As [`find`]; without a key, when there is no account or more than one (naming their ids).
fn relink_target<'a>(accounts: &'a [Account], key: Option<&str>) -> anyhow::Result<&'a Account> {
    match (key, accounts) {
        (Some(key), _) => find(accounts, key),
        (None, [only]) => Ok(only),
        (None, []) => bail!("no accounts to relink (see `almanac account list`)"),
        (None, several) => {
            let ids: Vec<String> = several.iter().map(|a| a.id.to_string()).collect();
            bail!(
                "there are {} accounts (ids {}), so say which to relink: `almanac account relink ID`",
                several.len(),
                ids.join(", ")
            )
        }
    }
}

fn add(kind: AddKind, dir: &Path) -> anyhow::Result<()> {
    let (kind, server_url, username, from_stdin) = match kind {
        AddKind::Icloud {
            apple_id,
            server_url,
            password_stdin,
        } => (
            AccountKind::Icloud,
            almanac_sync::start_url(AccountKind::Icloud, server_url.as_deref()),
            apple_id,
            password_stdin,
        ),
        AddKind::Caldav {
            url,
            user,
            password_stdin,
        } => (
            AccountKind::Caldav,
            almanac_sync::start_url(AccountKind::Caldav, Some(&url)),
            user,
            password_stdin,
        ),
    };
    let password = read_password(kind, from_stdin)?;
    let engine = crate::data::engine(dir)?;
    let added = crate::data::runtime()?.block_on(engine.add_account(
        kind,
        &server_url,
        &username,
        password,
    ));
    let id = added.map_err(|e| failed(&e, kind, &server_url))?;
    out!(
        "Added account {id}: {username} ({}). Run `almanac sync` to download its calendars.",
        kind_name(kind)
    );
    Ok(())
}

/// Reads the password; an iCloud one is normalised to Apple's shape, and one that still does
/// not have it gets a warning (Apple refuses Apple ID passwords for calendar apps).
fn read_password(kind: AccountKind, from_stdin: bool) -> anyhow::Result<Password> {
    match kind {
        AccountKind::Icloud => {
            let p = crate::secret_input::read(from_stdin, "App-specific password: ")?
                .normalised_app_specific();
            if !p.is_app_specific_shape() {
                eprintln!(
                    "almanac: warning: this is not shaped like an app-specific password \
                     (xxxx-xxxx-xxxx-xxxx); iCloud refuses Apple ID passwords"
                );
            }
            Ok(p)
        }
        AccountKind::Caldav => crate::secret_input::read(from_stdin, "Password: "),
    }
}

fn list(dir: &Path, json: bool) -> anyhow::Result<()> {
    let accounts = crate::data::open_for_reading(dir)?.accounts()?;
    if json {
        return print_json(&accounts.iter().map(account_json).collect());
    }
    if accounts.is_empty() {
        out!("No accounts. Add one with `almanac account add icloud --apple-id ID`.");
    }
    for a in &accounts {
        out!(
            "{:>3}  {:<7} {}  ({}, {})",
            a.id,
            kind_name(a.kind),
            a.username,
            a.server_url,
            state_words(&a.state)
        );
    }
    Ok(())
}

fn relink(key: Option<&str>, from_stdin: bool, dir: &Path) -> anyhow::Result<()> {
    let engine = crate::data::engine(dir)?;
    let rt = crate::data::runtime()?;
    let accounts = rt.block_on(engine.with_store(|s| s.accounts()))?;
    let account = relink_target(&accounts, key)?.clone();
    let password = read_password(account.kind, from_stdin)?;
    rt.block_on(engine.relink(account.id, password))
        .map_err(|e| failed(&e, account.kind, &account.server_url))?;
    out!(
        "Account {}: new password accepted and stored. Run `almanac sync` to continue.",
        account.id
    );
    Ok(())
}

fn remove(key: &str, dir: &Path) -> anyhow::Result<()> {
    let engine = crate::data::engine(dir)?;
    let rt = crate::data::runtime()?;
    let accounts = rt.block_on(engine.with_store(|s| s.accounts()))?;
    let account = find(&accounts, key)?.clone();
    rt.block_on(engine.remove_account(account.id))
        .map_err(|e| failed(&e, account.kind, &account.server_url))?;
    out!(
        "Removed account {}: {} (its password and local data are gone).",
        account.id,
        account.username
    );
    Ok(())
}
