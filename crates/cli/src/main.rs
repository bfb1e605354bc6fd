//! `almanac`: the headless front end to the same engine and store the desktop app uses: sign in,
//! sync, calendars, agenda, search, status, subscriptions to calendar feeds, and `.ics` files
//! on disk. Each subcommand maps to
//! one library call; exit codes are documented in `--help` (see [`exit::HELP`]): 0 ok, 2 the
//! account needs a new password, 3 offline or server unavailable, 1 anything else (bad usage
//! included, so that 2 always means a refused password).

/// `println!` that reports a failed write (a closed pipe: `almanac agenda | head`) as an error
/// instead of panicking; `main` ends quietly on a broken pipe.
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout().lock(), $($arg)*)?
    }};
}

mod account;
mod data;
mod edit;
mod event;
mod exit;
mod ics;
mod occurrence;
mod output;
mod secret_input;
mod subscribe;
mod sync;
mod view;
mod when;
mod zone;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// Command-line arguments.
#[derive(Parser, Debug)]
#[command(
    name = "almanac",
    version,
    about = "Almanac, the calendar, from a terminal",
    after_help = exit::HELP
)]
struct Cli {
    /// The directory of the store; default: the desktop app's, so both share one store.
    #[arg(
        long,
        global = true,
        env = "ALMANAC_DATA_DIR",
        hide_env_values = true,
        value_name = "DIR"
    )]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Sign in, list, relink or remove accounts.
    #[command(after_help = exit::HELP)]
    Account(account::AccountArgs),
    /// Sync every account (or one) with its server.
    #[command(after_help = exit::HELP)]
    Sync(sync::SyncArgs),
    /// List the calendars of every account, from the local store.
    Calendars(view::CalendarsArgs),
    /// List the events in a window, from the local store.
    Agenda(view::AgendaArgs),
    /// Search titles, locations and notes in the local store.
    Search(view::SearchArgs),
    /// Per account: state, last successful sync, quarantined items, calendars.
    Status(view::StatusArgs),
    /// Work with iCalendar (.ics) files directly, without an account.
    Ics(ics::IcsArgs),
    /// Subscribe to a calendar feed (webcal:// or https://), read-only, with any account or
    /// none; `sync` fetches it again.
    #[command(after_help = exit::HELP)]
    Subscribe(subscribe::SubscribeArgs),
    /// End a subscription made with `subscribe`, with its events.
    Unsubscribe(subscribe::UnsubscribeArgs),
    /// Change events: stored here at once (offline too), sent by the next `sync`.
    Event(event::EventArgs),
    /// The changes that wait for the server, with their state.
    Outbox(edit::ListArgs),
    /// The changes that conflict with the server's, waiting for a choice.
    Conflicts(edit::ListArgs),
    /// Settle a conflict: keep mine, theirs, or both.
    Conflict(edit::ConflictArgs),
    /// Import every event of an .ics file into a calendar, through the outbox: new ones are
    /// added, ones already there updated only if newer (SEQUENCE, then LAST-MODIFIED).
    Import(edit::ImportArgs),
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let dir = || data::data_dir(cli.data_dir.as_deref());
    match cli.command {
        Command::Account(args) => account::run(args, &dir()?),
        Command::Sync(args) => sync::run(&args, &dir()?),
        Command::Calendars(args) => view::calendars(&args, &dir()?),
        Command::Agenda(args) => view::agenda(&args, &dir()?),
        Command::Search(args) => view::search(&args, &dir()?),
        Command::Status(args) => view::status(&args, &dir()?),
        Command::Ics(args) => ics::run(args),
        Command::Subscribe(args) => subscribe::subscribe(&args, &dir()?),
        Command::Unsubscribe(args) => subscribe::unsubscribe(&args, &dir()?),
        Command::Event(args) => event::run(args, &dir()?),
        Command::Outbox(args) => edit::outbox(&args, &dir()?),
        Command::Conflicts(args) => edit::conflicts(&args, &dir()?),
        Command::Conflict(args) => edit::conflict(args, &dir()?),
        Command::Import(args) => edit::import(&args, &dir()?),
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // Help and version go to stdout with 0; usage errors exit 1, never clap's 2.
            let _ = e.print();
            return ExitCode::from(u8::from(e.use_stderr()));
        }
    };
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e)
            if e.downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe) =>
        {
            ExitCode::SUCCESS
        }
        Err(e) => {
            let code = e
                .downcast_ref::<exit::Failed>()
                .map_or(exit::Code::Other, |f| f.code);
            eprintln!("almanac: error: {e:#}");
            ExitCode::from(code.status())
        }
    }
}
