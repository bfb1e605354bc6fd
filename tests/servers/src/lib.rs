//! Real CalDAV servers for tests: Radicale and Xandikos, installed by `./x test` into the
//! workspace's `.venv` (or the venv named by `ALMANAC_TEST_VENV`), each started on a free
//! loopback port in a fresh temporary directory and stopped when its handle drops; and
//! [`feed::FeedServer`], a calendar feed server of our own, for subscriptions.

pub mod feed;

use std::io;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tempfile::TempDir;

/// Why a test server could not be started.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// The venv has no such program: run `./x test` (or `./x setup-test`) to create it.
    #[error("{program} not found at {path}: run `./x test` once to create the test venv")]
    NotInstalled {
        /// The server's executable name.
        program: &'static str,
        /// Where it was looked for.
        path: PathBuf,
    },
    /// Spawning, writing its configuration or finding a port failed.
    #[error("starting {program}: {source}")]
    Io {
        /// The server's executable name.
        program: &'static str,
        /// The underlying failure.
        #[source]
        source: io::Error,
    },
    /// It started but never accepted a connection, or exited early.
    #[error("{program} did not accept connections on {addr} within {waited:?}; it said:\n{output}")]
    NotReady {
        /// The server's executable name.
        program: &'static str,
        /// Where it should have listened.
        addr: SocketAddr,
        /// How long we waited.
        waited: Duration,
        /// The end of what it printed.
        output: String,
    },
}

/// A running server; it is killed and its data removed when this drops.
#[derive(Debug)]
pub struct TestServer {
    /// `http://127.0.0.1:PORT/`.
    pub base_url: String,
    /// The loopback address it listens on.
    pub addr: SocketAddr,
    /// The user it knows (Radicale authenticates it; Xandikos serves it without auth).
    pub user: String,
    /// That user's password.
    pub password: String,
    child: Child,
    data_dir: TempDir,
}

impl TestServer {
    /// The directory the server stores its collections in.
    pub fn data_dir(&self) -> &Path {
        self.data_dir.path()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        // Best effort: the process may already have exited.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The test venv's `bin` directory.
pub fn venv_bin() -> PathBuf {
    match std::env::var_os("ALMANAC_TEST_VENV") {
        Some(venv) => PathBuf::from(venv).join("bin"),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.venv/bin"),
    }
}

fn program_path(program: &'static str) -> Result<PathBuf, ServerError> {
    let path = venv_bin().join(program);
    if path.is_file() {
        Ok(path)
    } else {
        Err(ServerError::NotInstalled { program, path })
    }
}

/// A port that was free a moment ago on 127.0.0.1.
pub fn free_loopback_port() -> io::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

fn wait_until_listening(
    program: &'static str,
    child: &mut Child,
    addr: SocketAddr,
) -> Result<(), ServerError> {
    let waited = Duration::from_secs(30);
    let deadline = Instant::now() + waited;
    while Instant::now() < deadline {
        if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
            return Ok(());
        }
        if let Ok(Some(_)) = child.try_wait() {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Err(ServerError::NotReady {
        program,
        addr,
        waited,
        output: String::new(),
    })
}

fn io_err(program: &'static str) -> impl Fn(io::Error) -> ServerError {
    move |source| ServerError::Io { program, source }
}

/// A server about to start: its program, a fresh data directory and a free loopback address.
struct Prepared {
    program: &'static str,
    bin: PathBuf,
    dir: TempDir,
    addr: SocketAddr,
}

fn prepare(program: &'static str) -> Result<Prepared, ServerError> {
    let bin = program_path(program)?;
    let err = io_err(program);
    let dir = tempfile::tempdir().map_err(&err)?;
    let port = free_loopback_port().map_err(&err)?;
    Ok(Prepared {
        program,
        bin,
        dir,
        addr: SocketAddr::from(([127, 0, 0, 1], port)),
    })
}

impl Prepared {
    /// Spawns `command` (built from `self.bin`) with its output in `server.log` in the data
    /// directory, and waits until it listens.
    fn launch(
        self,
        mut command: Command,
        user: &str,
        password: &str,
    ) -> Result<TestServer, ServerError> {
        let err = io_err(self.program);
        let log = std::fs::File::create(self.dir.path().join("server.log")).map_err(&err)?;
        let mut child = command
            .stdin(Stdio::null())
            .stdout(log.try_clone().map_err(&err)?)
            .stderr(log)
            .spawn()
            .map_err(&err)?;
        if let Err(err) = wait_until_listening(self.program, &mut child, self.addr) {
            let _ = child.kill();
            let said =
                std::fs::read_to_string(self.dir.path().join("server.log")).unwrap_or_default();
            let tail = said
                .char_indices()
                .rev()
                .nth(2000)
                .map_or(&said[..], |(i, _)| &said[i..]);
            return Err(match err {
                ServerError::NotReady {
                    program,
                    addr,
                    waited,
                    ..
                } => ServerError::NotReady {
                    program,
                    addr,
                    waited,
                    output: tail.to_string(),
                },
                other => other,
            });
        }
        Ok(TestServer {
            base_url: format!("http://{}/", self.addr),
            addr: self.addr,
            user: user.to_string(),
            password: password.to_string(),
            child,
            data_dir: self.dir,
        })
    }
}

/// Starts Radicale with Basic auth (plain htpasswd) for one user, `alice`.
///
/// # Errors
/// When the venv lacks Radicale, or it does not start listening within 30 s.
pub fn radicale() -> Result<TestServer, ServerError> {
    let server = prepare("radicale")?;
    let err = io_err(server.program);
    let (user, password) = ("alice", "alice-caldav-secret");
    let dir = server.dir.path();
    std::fs::write(dir.join("users"), format!("{user}:{password}\n")).map_err(&err)?;
    let config = format!(
        "[server]\nhosts = {addr}\n\
         [auth]\ntype = htpasswd\nhtpasswd_filename = {users}\nhtpasswd_encryption = plain\ndelay = 0\n\
         [rights]\ntype = owner_only\n\
         [storage]\nfilesystem_folder = {store}\n\
         [logging]\nlevel = warning\n",
        addr = server.addr,
        users = dir.join("users").display(),
        store = dir.join("collections").display(),
    );
    let config_path = dir.join("config");
    std::fs::write(&config_path, config).map_err(&err)?;
    let mut command = Command::new(&server.bin);
    command.arg("--config").arg(&config_path);
    server.launch(command, user, password)
}

/// Starts Xandikos with a default calendar for `/alice/`, without auth (its Basic auth needs
/// HTTPS and bcrypt entries; see platform-notes.md).
///
/// # Errors
/// When the venv lacks Xandikos, or it does not start listening within 30 s.
pub fn xandikos() -> Result<TestServer, ServerError> {
    let server = prepare("xandikos")?;
    let mut command = Command::new(&server.bin);
    command
        .args([
            "serve",
            "--defaults",
            "--current-user-principal",
            "/alice/",
            "-l",
            "127.0.0.1",
        ])
        .arg("-p")
        .arg(server.addr.port().to_string())
        .arg("-d")
        .arg(server.dir.path());
    server.launch(command, "alice", "")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};

    fn status_of(addr: SocketAddr, request: &str) -> String {
        let mut stream = TcpStream::connect(addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        stream.write_all(request.as_bytes()).unwrap();
        let mut buf = [0u8; 64];
        let n = stream.read(&mut buf).unwrap();
        String::from_utf8_lossy(&buf[..n])
            .lines()
            .next()
            .unwrap_or_default()
            .to_string()
    }

    #[test]
    fn radicale_starts_and_demands_credentials() {
        let server = radicale().unwrap();
        let line = status_of(
            server.addr,
            "PROPFIND /alice/ HTTP/1.1\r\nHost: x\r\nDepth: 0\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        );
        assert!(line.contains("401"), "{line}");
    }

    #[test]
    fn xandikos_starts_and_serves_the_principal() {
        let server = xandikos().unwrap();
        let line = status_of(
            server.addr,
            "PROPFIND /alice/ HTTP/1.1\r\nHost: x\r\nDepth: 0\r\nContent-Type: application/xml\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        );
        assert!(line.contains("207"), "{line}");
    }
}
