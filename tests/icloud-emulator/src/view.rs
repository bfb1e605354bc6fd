//! The operations that the in-process handle and the HTTP control API share.

use crate::RequestLog;
use crate::account::AccountError;
use crate::server::{Shared, lock};
use std::sync::Arc;

/// The operations shared by [`Emulator`] and the control API.
#[derive(Debug, Clone)]
pub(crate) struct View {
    pub(crate) shared: Arc<Shared>,
    pub(crate) control_url: String,
    pub(crate) first_password: String,
    pub(crate) radicale_url: String,
}

impl View {
    pub(crate) fn home_url(&self) -> String {
        let a = lock(&self.shared.account);
        let base = self
            .shared
            .partition_urls
            .get(a.partition)
            .cloned()
            .unwrap_or_default();
        format!("{}/{}/calendars/", base.trim_end_matches('/'), a.dsid)
    }

    pub(crate) fn partition(&self) -> u32 {
        let p = lock(&self.shared.account).partition;
        self.shared.partition_numbers.get(p).copied().unwrap_or(0)
    }

    pub(crate) fn issue_password(&self) -> Result<String, AccountError> {
        let mut rng = lock(&self.shared.rng);
        lock(&self.shared.account).issue(&mut rng)
    }

    pub(crate) fn change_main_password(&self) -> String {
        let suffix = lock(&self.shared.rng).hex(6);
        let mut a = lock(&self.shared.account);
        a.main_password = format!("Changed-{suffix}-1");
        a.revoke_all();
        a.main_password.clone()
    }

    pub(crate) fn move_partition(&self) -> u32 {
        let n = self.shared.partition_numbers.len().max(1);
        {
            let mut a = lock(&self.shared.account);
            a.partition = (a.partition + 1) % n;
        }
        self.partition()
    }

    pub(crate) fn clear_faults(&self) {
        lock(&self.shared.faults).clear();
        lock(&self.shared.account).throttle = None;
    }

    pub(crate) fn requests(&self) -> RequestLog {
        RequestLog {
            entries: lock(&self.shared.log).clone(),
        }
    }
}
