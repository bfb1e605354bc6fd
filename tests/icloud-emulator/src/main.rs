//! `almanac-icloud-emulator`: runs the iCloud emulator standalone (optionally with demo data)
//! and prints how to sign in to it, then serves until killed.

use almanac_icloud_emulator::{Emulator, Options};
use clap::Parser;

/// Run the iCloud CalDAV emulator in front of a fresh Radicale.
#[derive(Debug, Parser)]
#[command(version)]
struct Args {
    /// Seed a few hundred demo events.
    #[arg(long)]
    demo: bool,
    /// Print the account as one JSON line instead of text.
    #[arg(long)]
    json: bool,
    /// The day (YYYY-MM-DD) the demo data is built around; default today. Tests that pin the
    /// app's clock pass its day.
    #[arg(long, value_parser = parse_today)]
    today: Option<i64>,
    /// Seed for the demo data and passwords.
    #[arg(long, default_value_t = 2026)]
    seed: u64,
    /// Fixed entry-host port (default: any free port).
    #[arg(long)]
    entry_port: Option<u16>,
    /// Fixed control-API port (default: any free port).
    #[arg(long)]
    control_port: Option<u16>,
}

fn parse_today(text: &str) -> Result<i64, String> {
    almanac_icloud_emulator::demo::parse_day(text)
        .ok_or_else(|| format!("not a day (YYYY-MM-DD): {text}"))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let emu = Emulator::start(Options {
        demo: args.demo,
        demo_today: args.today,
        seed: Some(args.seed),
        entry_port: args.entry_port,
        control_port: args.control_port,
        ..Options::default()
    })
    .await?;
    if args.json {
        let line = serde_json::json!({
            "apple_id": emu.apple_id(),
            "password": emu.password(),
            "entry_url": emu.entry_url(),
            "control_url": emu.control_url(),
            "home_url": emu.home_url(),
        });
        println!("{line}");
    } else {
        println!("iCloud emulator running (Ctrl-C to stop)");
        println!("  Apple ID:     {}", emu.apple_id());
        println!("  App password: {}", emu.password());
        println!("  Entry URL:    {}", emu.entry_url());
        println!("  Control URL:  {}control/info", emu.control_url());
    }
    wait_for_signal().await;
    drop(emu);
    Ok(())
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}
