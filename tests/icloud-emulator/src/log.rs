//! The request log: one entry per request to an emulated host, with its credential and outcome,
//! so tests and benchmarks can count what a client sent.

use serde::{Deserialize, Serialize};

/// One request as the emulator saw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoggedRequest {
    /// Sequence number, from 1, in arrival order.
    pub seq: u64,
    /// Which host: `entry`, or `p<NN>` for a partition host.
    pub host: String,
    /// The HTTP method.
    pub method: String,
    /// The request path (without query).
    pub path: String,
    /// The `Depth` header, if any.
    pub depth: Option<String>,
    /// For REPORT: the report's root element (`sync-collection`, `calendar-multiget`, …).
    pub report: Option<String>,
    /// The Basic user name, if credentials were sent.
    pub user: Option<String>,
    /// The Basic password, if credentials were sent (this is a test server).
    pub password: Option<String>,
    /// The status sent (0 when the connection was reset or cut before a status).
    pub status: u16,
    /// The injected fault or throttle that shaped the answer, if any.
    pub fault: Option<String>,
}

/// A snapshot of the log with counting helpers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestLog {
    /// The entries in arrival order.
    pub entries: Vec<LoggedRequest>,
}

impl RequestLog {
    /// How many entries match `pred`.
    pub fn count(&self, pred: impl Fn(&LoggedRequest) -> bool) -> usize {
        self.entries.iter().filter(|r| pred(r)).count()
    }

    /// Entries sent with this password.
    pub fn with_credential(&self, password: &str) -> Vec<&LoggedRequest> {
        self.entries
            .iter()
            .filter(|r| r.password.as_deref() == Some(password))
            .collect()
    }

    /// How many `401`s went to requests with this password.
    pub fn unauthorized_for(&self, password: &str) -> usize {
        self.count(|r| r.status == 401 && r.password.as_deref() == Some(password))
    }

    /// How many entries used this method.
    pub fn count_method(&self, method: &str) -> usize {
        self.count(|r| r.method.eq_ignore_ascii_case(method))
    }

    /// How many entries went to this host (`entry` or `p<NN>`).
    pub fn count_host(&self, host: &str) -> usize {
        self.count(|r| r.host == host)
    }

    /// How many entries went to this path.
    pub fn count_path(&self, path: &str) -> usize {
        self.count(|r| r.path == path)
    }

    /// Entries after sequence number `seq` (see `Emulator::log_mark`).
    #[must_use]
    pub fn since(&self, seq: u64) -> RequestLog {
        RequestLog {
            entries: self
                .entries
                .iter()
                .filter(|r| r.seq > seq)
                .cloned()
                .collect(),
        }
    }

    /// Counts per method, host, path and password (`-` when none), for the control API.
    pub fn summary(&self) -> serde_json::Value {
        use std::collections::BTreeMap;
        let mut by_method: BTreeMap<&str, usize> = BTreeMap::new();
        let mut by_host: BTreeMap<&str, usize> = BTreeMap::new();
        let mut by_path: BTreeMap<&str, usize> = BTreeMap::new();
        let mut by_password: BTreeMap<&str, usize> = BTreeMap::new();
        let mut unauthorized: BTreeMap<&str, usize> = BTreeMap::new();
        for r in &self.entries {
            *by_method.entry(&r.method).or_default() += 1;
            *by_host.entry(&r.host).or_default() += 1;
            *by_path.entry(&r.path).or_default() += 1;
            let pw = r.password.as_deref().unwrap_or("-");
            *by_password.entry(pw).or_default() += 1;
            if r.status == 401 {
                *unauthorized.entry(pw).or_default() += 1;
            }
        }
        serde_json::json!({
            "total": self.entries.len(),
            "by_method": by_method,
            "by_host": by_host,
            "by_path": by_path,
            "by_password": by_password,
            "unauthorized_by_password": unauthorized,
        })
    }
}
