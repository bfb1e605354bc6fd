//! Calendar collections: mirrored from the server's listing, plus the user's on/off choice.

use crate::error::not_found;
use crate::{Store, StoreError};
use almanac_core::{AccountId, Calendar, CalendarId, ComponentKind, Href, SyncToken};
use rusqlite::{Connection, OptionalExtension, Row};

/// One calendar as the server lists it (PROPFIND depth 1 on the home).
///
/// It carries no ctag or sync token on purpose: those say "the local data is as of this
/// version", so they are written by [`Store::apply_batch`] together with the data, never at
/// listing time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CalendarListing {
    /// The collection's path.
    pub href: Href,
    /// `displayname` (the caller substitutes the last path segment when there is none).
    pub name: String,
    /// Apple's `calendar-color`.
    pub color: Option<String>,
    /// Apple's `calendar-order`.
    pub order: Option<i64>,
    /// `supported-calendar-component-set`.
    pub components: Vec<ComponentKind>,
    /// Whether `current-user-privilege-set` lacks write.
    pub read_only: bool,
}

pub(crate) const COLUMNS: &str = "id, account_id, href, name, color, sort_order, components, read_only, enabled, sync_token, notify, feed_url";

/// Account (subscriptions without one last), then the server's order (unordered last), then
/// name: how every list shows them.
pub(crate) const ORDER: &str =
    "ORDER BY account_id IS NULL, account_id, sort_order IS NULL, sort_order, name, id";

fn components_text(components: &[ComponentKind]) -> String {
    components
        .iter()
        .map(|c| match c {
            ComponentKind::Vevent => "VEVENT",
            ComponentKind::Vtodo => "VTODO",
        })
        .collect::<Vec<_>>()
        .join(",")
}

pub(crate) fn calendar_from(row: &Row<'_>) -> rusqlite::Result<Calendar> {
    let components = row
        .get_ref(6)?
        .as_str()?
        .split(',')
        .filter_map(|c| match c {
            "VEVENT" => Some(ComponentKind::Vevent),
            "VTODO" => Some(ComponentKind::Vtodo),
            _ => None,
        })
        .collect();
    Ok(Calendar {
        id: CalendarId(row.get(0)?),
        account: row.get::<_, Option<i64>>(1)?.map(AccountId),
        href: Href::new(row.get::<_, String>(2)?),
        name: row.get(3)?,
        color: row.get(4)?,
        order: row.get(5)?,
        components,
        read_only: row.get(7)?,
        enabled: row.get(8)?,
        sync_token: row.get::<_, Option<String>>(9)?.map(SyncToken::new),
        notify: row.get(10)?,
        feed_url: row.get(11)?,
    })
}

impl Store {
    /// Inserts or updates a calendar from the server's listing, keyed by (account, href). The
    /// user's `enabled` choice and the sync state survive an update; a new calendar starts
    /// enabled.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when the account does not exist.
    pub fn upsert_calendar(
        &mut self,
        account: AccountId,
        listing: &CalendarListing,
    ) -> Result<CalendarId, StoreError> {
        self.account(account)?;
        let id = self.conn.query_row(
            "INSERT INTO calendars (account_id, href, name, color, sort_order, components,
                read_only)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (account_id, href) DO UPDATE SET name = excluded.name,
                color = excluded.color, sort_order = excluded.sort_order,
                components = excluded.components, read_only = excluded.read_only
             RETURNING id",
            (
                account.0,
                listing.href.as_str(),
                &listing.name,
                &listing.color,
                listing.order,
                components_text(&listing.components),
                listing.read_only,
            ),
            |r| r.get(0),
        )?;
        // A calendar that was removed and came back gets the user's switches back.
        restore_choices(&self.conn, account, listing.href.as_str(), id)?;
        Ok(CalendarId(id))
    }

    /// One calendar.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when it does not exist.
    pub fn calendar(&self, id: CalendarId) -> Result<Calendar, StoreError> {
        self.conn
            .query_row(
                &format!("SELECT {COLUMNS} FROM calendars WHERE id = ?1"),
                [id.0],
                calendar_from,
            )
            .optional()?
            .ok_or_else(|| not_found("calendar", id))
    }

    /// The account's CalDAV collections (calendars and task lists) in display order (server
    /// order, then name): what its server's listing is compared with. Its subscriptions are
    /// not among them (see [`Store::subscriptions`]).
    ///
    /// # Errors
    /// [`StoreError::Corrupt`] when a stored value cannot be read back.
    pub fn calendars(&self, account: AccountId) -> Result<Vec<Calendar>, StoreError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM calendars WHERE account_id = ?1 AND feed_url IS NULL {ORDER}"
        ))?;
        let rows = stmt.query_map([account.0], calendar_from)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every calendar, subscriptions included, by account (subscriptions without one last)
    /// and then display order.
    ///
    /// # Errors
    /// [`StoreError::Corrupt`] when a stored value cannot be read back.
    pub fn all_calendars(&self) -> Result<Vec<Calendar>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!("SELECT {COLUMNS} FROM calendars {ORDER}"))?;
        let rows = stmt.query_map([], calendar_from)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Shows or hides a calendar; the choice survives later listings.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when it does not exist.
    pub fn set_calendar_enabled(
        &mut self,
        id: CalendarId,
        enabled: bool,
    ) -> Result<(), StoreError> {
        self.set_calendar_choice(id, "enabled", enabled)
    }

    /// Turns a calendar's alarm notifications on or off; the choice survives later listings.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when it does not exist.
    pub fn set_calendar_notify(&mut self, id: CalendarId, notify: bool) -> Result<(), StoreError> {
        self.set_calendar_choice(id, "notify", notify)
    }

    /// `column` is one of the user's per-calendar switches, never outside input.
    fn set_calendar_choice(
        &mut self,
        id: CalendarId,
        column: &'static str,
        value: bool,
    ) -> Result<(), StoreError> {
        let n = self.conn.execute(
            &format!("UPDATE calendars SET {column} = ?2 WHERE id = ?1"),
            (id.0, value),
        )?;
        if n == 0 {
            return Err(not_found("calendar", id));
        }
        Ok(())
    }

    /// Removes a calendar that is gone from the server, with its resources, occurrences and
    /// search rows, in one transaction. The user's switches (shown, notifications) are kept by
    /// href, so the same calendar coming back later keeps them.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when it does not exist.
    pub fn remove_calendar(&mut self, id: CalendarId) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO calendar_choices (account_id, href, enabled, notify)
             SELECT account_id, href, enabled, notify FROM calendars
             WHERE id = ?1 AND account_id IS NOT NULL
             ON CONFLICT (account_id, href) DO UPDATE SET enabled = excluded.enabled,
                notify = excluded.notify",
            [id.0],
        )?;
        if tx.execute("DELETE FROM calendars WHERE id = ?1", [id.0])? == 0 {
            return Err(not_found("calendar", id));
        }
        tx.commit()?;
        Ok(())
    }

    /// The sync token the local data is complete at, if any.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when the calendar does not exist.
    pub fn sync_token(&self, id: CalendarId) -> Result<Option<SyncToken>, StoreError> {
        Ok(self.calendar_column(id, "sync_token")?.map(SyncToken::new))
    }

    /// The ctag the local data is complete at, if any (for servers without sync-collection).
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when the calendar does not exist.
    pub fn ctag(&self, id: CalendarId) -> Result<Option<String>, StoreError> {
        self.calendar_column(id, "ctag")
    }

    /// Forgets the calendar's sync token and ctag, keeping its data: after the server rejects
    /// the token (InvalidSyncToken), the next sync compares etags in full.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when the calendar does not exist.
    pub fn forget_sync_state(&mut self, id: CalendarId) -> Result<(), StoreError> {
        let n = self.conn.execute(
            "UPDATE calendars SET sync_token = NULL, ctag = NULL WHERE id = ?1",
            [id.0],
        )?;
        if n == 0 {
            return Err(not_found("calendar", id));
        }
        Ok(())
    }

    fn calendar_column(&self, id: CalendarId, column: &str) -> Result<Option<String>, StoreError> {
        self.conn
            .query_row(
                &format!("SELECT {column} FROM calendars WHERE id = ?1"),
                [id.0],
                |r| r.get::<_, Option<String>>(0),
            )
            .optional()?
            .ok_or_else(|| not_found("calendar", id))
    }
}

/// Gives a calendar that comes back (by account and href) the switches the user left on it.
pub(crate) fn restore_choices(
    conn: &Connection,
    account: AccountId,
    href: &str,
    id: i64,
) -> Result<(), StoreError> {
    let restored = conn.execute(
        "UPDATE calendars SET
            enabled = (SELECT enabled FROM calendar_choices c
                       WHERE c.account_id = ?1 AND c.href = ?2),
            notify = (SELECT notify FROM calendar_choices c
                      WHERE c.account_id = ?1 AND c.href = ?2)
         WHERE id = ?3 AND EXISTS (SELECT 1 FROM calendar_choices c
                                   WHERE c.account_id = ?1 AND c.href = ?2)",
        (account.0, href, id),
    )?;
    if restored > 0 {
        conn.execute(
            "DELETE FROM calendar_choices WHERE account_id = ?1 AND href = ?2",
            (account.0, href),
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use almanac_core::AccountKind;

    fn listing(href: &str, name: &str, order: Option<i64>) -> CalendarListing {
        CalendarListing {
            href: Href::new(href),
            name: name.to_owned(),
            color: Some("#FF2968FF".to_owned()),
            order,
            components: vec![ComponentKind::Vevent],
            read_only: false,
        }
    }

    #[test]
    fn relisting_keeps_the_users_choice_and_updates_the_rest() {
        let mut s = Store::open_in_memory().unwrap();
        let a = s
            .add_account(
                AccountKind::Icloud,
                "a@icloud.com",
                "https://caldav.icloud.com/",
            )
            .unwrap();
        let id = s
            .upsert_calendar(a, &listing("/1/calendars/home/", "Home", Some(2)))
            .unwrap();
        s.set_calendar_enabled(id, false).unwrap();
        let mut renamed = listing("/1/calendars/home/", "Family", Some(1));
        renamed.components = vec![ComponentKind::Vevent, ComponentKind::Vtodo];
        renamed.read_only = true;
        assert_eq!(s.upsert_calendar(a, &renamed).unwrap(), id);
        let c = s.calendar(id).unwrap();
        assert!(!c.enabled);
        assert_eq!(c.name, "Family");
        assert_eq!(c.order, Some(1));
        assert!(c.read_only);
        assert_eq!(c.components, renamed.components);
    }

    #[test]
    fn calendars_list_by_account_then_order_then_name() {
        let mut s = Store::open_in_memory().unwrap();
        let a = s
            .add_account(AccountKind::Caldav, "a", "https://x/")
            .unwrap();
        let b = s
            .add_account(AccountKind::Caldav, "b", "https://x/")
            .unwrap();
        s.upsert_calendar(b, &listing("/b/1/", "Alpha", None))
            .unwrap();
        s.upsert_calendar(a, &listing("/a/3/", "Zulu", None))
            .unwrap();
        s.upsert_calendar(a, &listing("/a/2/", "Beta", Some(5)))
            .unwrap();
        s.upsert_calendar(a, &listing("/a/1/", "Work", Some(1)))
            .unwrap();
        s.upsert_calendar(a, &listing("/a/4/", "Alpha", None))
            .unwrap();
        let names: Vec<String> = s
            .all_calendars()
            .unwrap()
            .into_iter()
            .map(|c| c.name)
            .collect();
        assert_eq!(names, ["Work", "Beta", "Alpha", "Zulu", "Alpha"]);
        assert_eq!(s.calendars(b).unwrap().len(), 1);
    }

    #[test]
    fn unknown_calendars_and_accounts_are_not_found() {
        let mut s = Store::open_in_memory().unwrap();
        let err = s
            .upsert_calendar(AccountId(7), &listing("/x/", "X", None))
            .unwrap_err();
        assert!(matches!(
            err,
            StoreError::NotFound {
                what: "account",
                ..
            }
        ));
        assert!(matches!(
            s.sync_token(CalendarId(3)),
            Err(StoreError::NotFound { .. })
        ));
        assert!(matches!(
            s.remove_calendar(CalendarId(3)),
            Err(StoreError::NotFound { .. })
        ));
    }
}
