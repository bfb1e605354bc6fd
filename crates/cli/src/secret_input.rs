//! Reading a password: a hidden prompt on a terminal, or one line of stdin with
//! `--password-stdin`. The text goes straight into a [`Password`], which never prints.

use almanac_core::Password;
use anyhow::{Context, bail};
use std::io::{BufRead, IsTerminal};

/// Reads the password as the flags say; `prompt` is shown on the terminal.
///
/// # Errors
/// When stdin is not a terminal and `--password-stdin` was not given, when reading fails, or
/// when the password is empty.
pub fn read(from_stdin: bool, prompt: &str) -> anyhow::Result<Password> {
    let mut secret = if from_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("cannot read the password from stdin")?;
        line
    } else if std::io::stdin().is_terminal() {
        rpassword::prompt_password(prompt).context("cannot read the password")?
    } else {
        bail!("stdin is not a terminal: pass the password on stdin with --password-stdin");
    };
    let kept = secret.trim_end_matches(['\r', '\n']).len();
    secret.truncate(kept);
    let password = Password::new(secret);
    if password.expose().is_empty() {
        bail!("no password given");
    }
    Ok(password)
}
