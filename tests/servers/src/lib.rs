//! Real CalDAV servers for tests: Radicale and Xandikos, installed by `./x test` into the
//! workspace's `.venv` (or the venv named by `ALMANAC_TEST_VENV`), each started on a free
//! loopback port in a fresh temporary directory and stopped when its handle drops.

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
    #[error("{program} did not accept connections on {addr} within {waited:?}")]
    NotReady {
        /// The server's executable name.
        program: &'static str,
        /// Where it should have listened.
        addr: SocketAddr,
        /// How long we waited.
        waited: Duration,
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
    })
}

fn io_err(program: &'static str) -> impl Fn(io::Error) -> ServerError {
    move |source| ServerError::Io { program, source }
}

/// Starts Radicale with Basic auth (plain htpasswd) for one user, `alice`.
///
/// # Errors
/// When the venv lacks Radicale, or it does not start listening within 30 s.
pub fn radicale() -> Result<TestServer, ServerError> {
    const PROGRAM: &str = "radicale";
    let bin = program_path(PROGRAM)?;
    let err = io_err(PROGRAM);
    let dir = tempfile::tempdir().map_err(&err)?;
    let port = free_loopback_port().map_err(&err)?;
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let (user, password) = ("alice".to_string(), "alice-caldav-secret".to_string());
    std::fs::write(dir.path().join("users"), format!("{user}:{password}\n")).map_err(&err)?;
    let config = format!(
        "[server]\nhosts = {addr}\n\
         [auth]\ntype = htpasswd\nhtpasswd_filename = {users}\nhtpasswd_encryption = plain\ndelay = 0\n\
         [rights]\ntype = owner_only\n\
         [storage]\nfilesystem_folder = {store}\n\
         [logging]\nlevel = warning\n",
        users = dir.path().join("users").display(),
        store = dir.path().join("collections").display(),
    );
    let config_path = dir.path().join("config");
    std::fs::write(&config_path, config).map_err(&err)?;
    let mut child = Command::new(bin)
        .arg("--config")
        .arg(&config_path)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .spawn()
        .map_err(&err)?;
    wait_until_listening(PROGRAM, &mut child, addr)?;
    Ok(TestServer {
        base_url: format!("http://{addr}/"),
        addr,
        user,
        password,
        child,
        data_dir: dir,
    })
}

/// Starts Xandikos with a default calendar for `/alice/`, without auth (its Basic auth needs
/// HTTPS and bcrypt entries; see platform-notes.md).
///
/// # Errors
/// When the venv lacks Xandikos, or it does not start listening within 30 s.
pub fn xandikos() -> Result<TestServer, ServerError> {
    const PROGRAM: &str = "xandikos";
    let bin = program_path(PROGRAM)?;
    let err = io_err(PROGRAM);
    let dir = tempfile::tempdir().map_err(&err)?;
    let port = free_loopback_port().map_err(&err)?;
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let mut child = Command::new(bin)
        .args([
            "serve",
            "--defaults",
            "--current-user-principal",
            "/alice/",
            "-l",
            "127.0.0.1",
        ])
        .arg("-p")
        .arg(port.to_string())
        .arg("-d")
        .arg(dir.path())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(&err)?;
    wait_until_listening(PROGRAM, &mut child, addr)?;
    Ok(TestServer {
        base_url: format!("http://{addr}/"),
        addr,
        user: "alice".into(),
        password: String::new(),
        child,
        data_dir: dir,
    })
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
