//! What `almanac status` and the account screen show.

use crate::calendars::{COLUMNS, ORDER, calendar_from};
use crate::{Store, StoreError};
use almanac_core::{Account, AccountId, Calendar};
use serde::Serialize;

/// One account's health, from the local store only.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AccountStatus {
    /// The account, with its state and last successful sync.
    pub account: Account,
    /// The remembered calendar home, if discovery ran.
    pub home_url: Option<String>,
    /// Resources kept raw because they did not parse.
    pub quarantined: usize,
    /// Its calendars (collections and subscriptions) in display order.
    pub calendars: Vec<CalendarStatus>,
}

/// One calendar's share of an [`AccountStatus`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct CalendarStatus {
    pub calendar: Calendar,
    /// Resources stored.
    pub resources: usize,
    /// Of which quarantined.
    pub quarantined: usize,
    /// What its last sync could not do or left for later.
    pub health: crate::CalendarHealth,
}

impl Store {
    /// The account's state, last success, quarantine count and calendars with their counts.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when the account does not exist.
    pub fn status(&self, account: AccountId) -> Result<AccountStatus, StoreError> {
        let acc = self.account(account)?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT count(*), count(quarantine_reason) FROM resources WHERE calendar_id = ?1",
        )?;
        // Its collections and its subscriptions: each has a health to show.
        let all: Vec<Calendar> = self
            .conn
            .prepare_cached(&format!(
                "SELECT {COLUMNS} FROM calendars WHERE account_id = ?1 {ORDER}"
            ))?
            .query_map([account.0], calendar_from)?
            .collect::<Result<_, _>>()?;
        let mut calendars = Vec::new();
        for calendar in all {
            let (resources, quarantined): (i64, i64) =
                stmt.query_row([calendar.id.0], |r| Ok((r.get(0)?, r.get(1)?)))?;
            calendars.push(CalendarStatus {
                health: self.calendar_health(calendar.id)?,
                calendar,
                resources: usize::try_from(resources).unwrap_or(0),
                quarantined: usize::try_from(quarantined).unwrap_or(0),
            });
        }
        Ok(AccountStatus {
            home_url: self.home_url(account)?,
            quarantined: calendars.iter().map(|c| c.quarantined).sum(),
            account: acc,
            calendars,
        })
    }
}
