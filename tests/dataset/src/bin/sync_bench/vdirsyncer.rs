//! vdirsyncer, the reference client: one pair from the CalDAV server (through the proxy) to a
//! filesystem storage, every collection the server has (`collections = ["from a"]`), new
//! local collections created without asking (`implicit = "create"`), so that `discover` and
//! `sync` run without a terminal.

use anyhow::{Context, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

/// A configured vdirsyncer.
#[derive(Debug)]
pub struct Vdirsyncer {
    bin: PathBuf,
    config: PathBuf,
    local: PathBuf,
    /// What `vdirsyncer --version` says, e.g. `vdirsyncer 0.21.0`.
    pub version: String,
}

impl Vdirsyncer {
    /// Writes a configuration under `scratch` for the server at `url`.
    ///
    /// # Errors
    /// When `bin` does not run or the configuration cannot be written.
    pub fn configure(
        bin: &Path,
        scratch: &Path,
        url: &str,
        user: &str,
        password: &str,
    ) -> Result<Vdirsyncer> {
        let out = Command::new(bin)
            .arg("--version")
            .output()
            .with_context(|| format!("running {}", bin.display()))?;
        // "vdirsyncer, version 0.21.0"
        let version = String::from_utf8_lossy(&out.stdout)
            .trim()
            .replace(", version", "");
        let dir = scratch.join("vdirsyncer");
        let local = dir.join("calendars");
        std::fs::create_dir_all(&local)?;
        // Values are JSON in vdirsyncer's configuration.
        let json = |s: &str| serde_json::Value::from(s).to_string();
        let status = format!("{}/", dir.join("status").display());
        let config = format!(
            "[general]\nstatus_path = {status}\n\n\
             [pair bench]\na = \"server\"\nb = \"local\"\ncollections = [\"from a\"]\n\
             implicit = \"create\"\nconflict_resolution = \"a wins\"\n\n\
             [storage server]\ntype = \"caldav\"\nurl = {url}\nusername = {user}\npassword = {password}\n\n\
             [storage local]\ntype = \"filesystem\"\npath = {local}\nfileext = \".ics\"\n",
            status = json(&status),
            url = json(url),
            user = json(user),
            password = json(password),
            local = json(&format!("{}/", local.display())),
        );
        let config_path = dir.join("config");
        std::fs::write(&config_path, config)?;
        Ok(Vdirsyncer {
            bin: bin.to_path_buf(),
            config: config_path,
            local,
            version,
        })
    }

    /// `vdirsyncer discover` or `vdirsyncer sync`, quiet but for warnings.
    pub fn command(&self, verb: &str) -> Command {
        let mut command = Command::new(&self.bin);
        command
            .arg("--config")
            .arg(&self.config)
            .args(["--verbosity", "WARNING", verb]);
        command
    }

    /// How many items the local side holds, in all its collections.
    ///
    /// # Errors
    /// When the directory cannot be read.
    pub fn stored(&self) -> Result<usize> {
        let mut items = 0;
        for collection in std::fs::read_dir(&self.local)? {
            let collection = collection?.path();
            if collection.is_dir() {
                items += std::fs::read_dir(&collection)?
                    .filter_map(Result::ok)
                    .filter(|e| e.path().extension().is_some_and(|x| x == "ics"))
                    .count();
            }
        }
        Ok(items)
    }
}
