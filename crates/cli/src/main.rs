//! `almanac`: the headless front end to the same engine the desktop app uses. Its subcommands
//! are added as the engine grows; each maps to one library call and one exit code: 0 on
//! success, 1 on any error (printed to stderr), 2 for bad usage (clap's own).

mod ics;
mod zone;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Command-line arguments.
#[derive(Parser, Debug)]
#[command(
    name = "almanac",
    version,
    about = "Almanac, the calendar, from a terminal"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Work with iCalendar (.ics) files directly, without an account.
    Ics(ics::IcsArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Ics(args) => ics::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("almanac: error: {e:#}");
            ExitCode::from(1)
        }
    }
}
