//! `almanac`: the headless front end to the same engine the desktop app uses. Its subcommands
//! are added as the engine grows; each maps to one library call and one exit code.

use clap::Parser;

/// Command-line arguments.
#[derive(Parser, Debug)]
#[command(name = "almanac", version, about = "Almanac, the calendar, from a terminal")]
struct Cli {}

fn main() -> anyhow::Result<()> {
    let _cli = Cli::parse();
    Ok(())
}
