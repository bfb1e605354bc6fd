//! The log: `tracing` to a daily file in the app's data directory (a week kept), with anything
//! shaped like a credential masked on the way out, and the recent warnings for "Copy
//! diagnostics". Nothing logs a password on purpose (`Password` prints as redacted); the mask
//! is the second line of defence.

use std::borrow::Cow;
use std::io::Write;
use std::path::{Path, PathBuf};
use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{Builder, Rotation};

/// The log directory inside the data directory.
pub fn log_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("logs")
}

/// Starts logging to files in `dir`. Keep the guard alive: dropping it flushes and stops the
/// writer. `ALMANAC_LOG` takes a filter such as `debug` or `almanac_sync=trace`.
///
/// # Errors
/// When the directory cannot be made or the subscriber is already set.
pub fn init(dir: &Path) -> anyhow::Result<WorkerGuard> {
    // Made first: the appender prunes old files before it creates the directory, and says so on
    // stderr at every first start.
    std::fs::create_dir_all(dir)?;
    let appender = Builder::new()
        .rotation(Rotation::DAILY)
        .filename_prefix("almanac")
        .filename_suffix("log")
        .max_log_files(7)
        .build(dir)?;
    let (writer, guard) = tracing_appender::non_blocking(Redacting(appender));
    let filter = tracing_subscriber::EnvFilter::try_from_env("ALMANAC_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .with_env_filter(filter)
        .try_init()
        .map_err(|e| anyhow::anyhow!("logging already set up: {e}"))?;
    Ok(guard)
}

/// A writer that masks credentials in each record before it reaches the file.
struct Redacting<W>(W);

impl<W: Write> Write for Redacting<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        self.0.write_all(redact(&text).as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

/// Masks the value after `Basic `/`Bearer ` (HTTP authorization) and after `password=` or
/// `password:` in any case.
pub fn redact(text: &str) -> Cow<'_, str> {
    const MARKERS: [&str; 4] = ["basic ", "bearer ", "password=", "password:"];
    let lower = text.to_ascii_lowercase();
    if !MARKERS.iter().any(|m| lower.contains(m)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = 0;
    let mut i = 0;
    while i < text.len() {
        let hit = MARKERS
            .iter()
            .find(|m| lower[i..].starts_with(*m) && text.is_char_boundary(i + m.len()));
        if let Some(marker) = hit {
            let value_start = i + marker.len();
            let value_start = value_start
                + text[value_start..]
                    .len()
                    .saturating_sub(text[value_start..].trim_start().len());
            let value_end = text[value_start..]
                .find(|c: char| c.is_whitespace() || c == '"' || c == ',')
                .map_or(text.len(), |n| value_start + n);
            out.push_str(&text[rest..value_start]);
            out.push_str("[redacted]");
            rest = value_end;
            i = value_end.max(i + 1);
        } else {
            i += text[i..].chars().next().map_or(1, char::len_utf8);
        }
    }
    out.push_str(&text[rest.min(text.len())..]);
    Cow::Owned(out)
}

/// The last `limit` warning and error lines of the newest log files, oldest first.
pub fn recent_problems(dir: &Path, limit: usize) -> Vec<String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| entries.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    files.sort();
    let mut lines: Vec<String> = files
        .iter()
        .rev()
        .take(2)
        .rev()
        .filter_map(|f| std::fs::read_to_string(f).ok())
        .flat_map(|text| {
            text.lines()
                .filter(|l| l.contains(" WARN ") || l.contains(" ERROR "))
                .map(|l| redact(l).into_owned())
                .collect::<Vec<_>>()
        })
        .collect();
    let skip = lines.len().saturating_sub(limit);
    lines.drain(..skip);
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_are_masked_and_other_text_kept() {
        assert_eq!(
            redact("GET / Authorization: Basic YTpi, next"),
            "GET / Authorization: Basic [redacted], next"
        );
        assert_eq!(
            redact("PASSWORD=abcd-efgh rest"),
            "PASSWORD=[redacted] rest"
        );
        assert_eq!(redact("password: hunter2"), "password: [redacted]");
        assert_eq!(redact("synced 3 calendars"), "synced 3 calendars");
        assert_eq!(redact("ünïcödé basic"), "ünïcödé basic");
    }

    #[test]
    fn recent_problems_are_the_newest_warnings() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("almanac.2026-11-20.log"),
            "t  WARN old\nt  INFO fine\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("almanac.2026-11-21.log"),
            "t ERROR new password=x\nt  WARN newer\n",
        )
        .unwrap();
        assert_eq!(
            recent_problems(dir.path(), 2),
            ["t ERROR new password=[redacted]", "t  WARN newer"]
        );
    }
}
