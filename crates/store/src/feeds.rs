//! Subscriptions: calendars whose events come from a feed (an `.ics` address) rather than from
//! a CalDAV collection. Two kinds, one table:
//! - the user's own, made with "subscribe", which belong to an account or to none, and go only
//!   when the user unsubscribes;
//! - those an account's server lists (iCloud's subscribed calendars, `listed`), which come and
//!   go with that listing.
//!
//! Each is a calendar row with a `feed_url` (read-only, holding VEVENTs) and a `feeds` row with
//! what the feed's server said about the last copy (ETag, Last-Modified) and when it was last
//! asked. A new subscription's alarms do not notify until the user turns them on: a feed's
//! VALARMs are its publisher's, and Apple Calendar strips them from subscriptions by default
//! (iCloud's `subscribed-strip-alarms`). Their events are stored as resources like any other, one per UID, through
//! [`Store::apply_batch`], so browsing, search and alarms need nothing of their own.

use crate::calendars::{COLUMNS, ORDER, calendar_from, restore_choices};
use crate::error::not_found;
use crate::{CalendarListing, Store, StoreError};
use almanac_core::{AccountId, Calendar, CalendarId};
use chrono::{DateTime, Utc};
use rusqlite::OptionalExtension;

/// A subscription with the state of its feed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Subscription {
    /// The calendar; its `feed_url` is the feed's address.
    pub calendar: Calendar,
    /// Whether the account's server lists it (then it follows that listing, and only the
    /// server can end it).
    pub listed: bool,
    /// `ETag` of the copy stored, as its server sent it.
    pub etag: Option<String>,
    /// `Last-Modified` of the copy stored, as its server sent it.
    pub last_modified: Option<String>,
    /// When the feed was last asked for (whatever the answer).
    pub checked_at: Option<DateTime<Utc>>,
    /// When the feed last answered with a copy that was stored or confirmed unchanged.
    pub fetched_at: Option<DateTime<Utc>>,
}

impl Subscription {
    /// The feed's address.
    pub fn url(&self) -> &str {
        self.calendar.feed_url.as_deref().unwrap_or_default()
    }
}

fn timestamp(seconds: Option<i64>) -> Option<DateTime<Utc>> {
    seconds.and_then(|s| DateTime::from_timestamp(s, 0))
}

impl Store {
    /// Adds a subscription the user made to the feed at `url` (already checked and fetched
    /// once by the caller), under `account` or under none; it is read-only, starts shown, and
    /// notifies of nothing until the user turns its alarms on.
    ///
    /// # Errors
    /// [`StoreError::Conflict`] (`"subscription"`) when the user already subscribes to `url`;
    /// [`StoreError::NotFound`] when the account does not exist.
    pub fn add_subscription(
        &mut self,
        account: Option<AccountId>,
        url: &str,
        name: &str,
        color: Option<&str>,
    ) -> Result<CalendarId, StoreError> {
        if let Some(account) = account {
            self.account(account)?;
        }
        let tx = self.conn.transaction()?;
        let taken = tx
            .query_row(
                "SELECT 1 FROM calendars c JOIN feeds f ON f.calendar_id = c.id
                 WHERE c.feed_url = ?1 AND f.listed = 0",
                [url],
                |_| Ok(()),
            )
            .optional()?;
        if taken.is_some() {
            return Err(StoreError::Conflict {
                what: "subscription",
            });
        }
        let id: i64 = tx.query_row(
            "INSERT INTO calendars (account_id, href, name, color, components, read_only,
                notify, feed_url)
             VALUES (?1, ?2, ?3, ?4, 'VEVENT', 1, 0, ?2) RETURNING id",
            (account.map(|a| a.0), url, name, color),
            |r| r.get(0),
        )?;
        tx.execute(
            "INSERT INTO feeds (calendar_id, listed) VALUES (?1, 0)",
            [id],
        )?;
        tx.commit()?;
        Ok(CalendarId(id))
    }

    /// Inserts or updates a subscribed calendar the account's server lists, keyed by (account,
    /// href): its name, colour and order follow the listing, its feed is `url`. When the
    /// address changed, what was said about the old feed's copy is forgotten, so the new one
    /// is fetched whole. The user's switches survive, as for [`Store::upsert_calendar`].
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when the account does not exist.
    pub fn upsert_listed_subscription(
        &mut self,
        account: AccountId,
        listing: &CalendarListing,
        url: &str,
    ) -> Result<CalendarId, StoreError> {
        self.account(account)?;
        let tx = self.conn.transaction()?;
        let before: Option<String> = tx
            .query_row(
                "SELECT feed_url FROM calendars WHERE account_id = ?1 AND href = ?2",
                (account.0, listing.href.as_str()),
                |r| r.get(0),
            )
            .optional()?
            .flatten();
        let id: i64 = tx.query_row(
            "INSERT INTO calendars (account_id, href, name, color, sort_order, components,
                read_only, notify, feed_url)
             VALUES (?1, ?2, ?3, ?4, ?5, 'VEVENT', 1, 0, ?6)
             ON CONFLICT (account_id, href) DO UPDATE SET name = excluded.name,
                color = excluded.color, sort_order = excluded.sort_order,
                components = excluded.components, read_only = 1, feed_url = excluded.feed_url
             RETURNING id",
            (
                account.0,
                listing.href.as_str(),
                &listing.name,
                &listing.color,
                listing.order,
                url,
            ),
            |r| r.get(0),
        )?;
        tx.execute(
            "INSERT INTO feeds (calendar_id, listed) VALUES (?1, 1)
             ON CONFLICT (calendar_id) DO UPDATE SET listed = 1",
            [id],
        )?;
        if before.as_deref().is_some_and(|b| b != url) {
            tx.execute(
                "UPDATE feeds SET etag = NULL, last_modified = NULL WHERE calendar_id = ?1",
                [id],
            )?;
        }
        restore_choices(&tx, account, listing.href.as_str(), id)?;
        tx.commit()?;
        Ok(CalendarId(id))
    }

    /// Ends a subscription the user made: the calendar, its events and its feed's state go, in
    /// one statement (they cascade).
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when there is no such subscription made here (one the account's
    /// server lists is the server's to end).
    pub fn remove_subscription(&mut self, id: CalendarId) -> Result<(), StoreError> {
        let n = self.conn.execute(
            "DELETE FROM calendars WHERE id = ?1
                AND EXISTS (SELECT 1 FROM feeds WHERE calendar_id = ?1 AND listed = 0)",
            [id.0],
        )?;
        if n == 0 {
            return Err(not_found("subscription made here", id));
        }
        Ok(())
    }

    /// Every subscription with its feed's state, in display order.
    ///
    /// # Errors
    /// [`StoreError::Corrupt`] when a stored value cannot be read back.
    pub fn subscriptions(&self) -> Result<Vec<Subscription>, StoreError> {
        // No column name is in both tables, so the calendar's columns need no qualifier.
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS}, f.listed, f.etag, f.last_modified, f.checked_at, f.fetched_at
             FROM calendars c JOIN feeds f ON f.calendar_id = c.id
             WHERE c.feed_url IS NOT NULL {ORDER}"
        ))?;
        let rows = stmt.query_map([], |r| {
            Ok(Subscription {
                calendar: calendar_from(r)?,
                listed: r.get(12)?,
                etag: r.get(13)?,
                last_modified: r.get(14)?,
                checked_at: timestamp(r.get(15)?),
                fetched_at: timestamp(r.get(16)?),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Records that the feed was asked for at `at` and gave nothing new to store (it failed, or
    /// the caller keeps the copy it has).
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when the subscription does not exist.
    pub fn record_feed_check(
        &mut self,
        id: CalendarId,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let n = self.conn.execute(
            "UPDATE feeds SET checked_at = ?2 WHERE calendar_id = ?1",
            (id.0, at.timestamp()),
        )?;
        if n == 0 {
            return Err(not_found("subscription", id));
        }
        Ok(())
    }

    /// Records that the feed answered at `at` with the copy now stored (or with "not
    /// modified"), and what its server said about it: sent back next time, so an unchanged
    /// feed costs a `304`. `None` for both asks for the whole feed next time.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when the subscription does not exist.
    pub fn record_feed_copy(
        &mut self,
        id: CalendarId,
        etag: Option<&str>,
        last_modified: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let n = self.conn.execute(
            "UPDATE feeds SET etag = ?2, last_modified = ?3, checked_at = ?4, fetched_at = ?4
             WHERE calendar_id = ?1",
            (id.0, etag, last_modified, at.timestamp()),
        )?;
        if n == 0 {
            return Err(not_found("subscription", id));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use almanac_core::{AccountKind, ComponentKind, Href};

    fn listing(href: &str, name: &str) -> CalendarListing {
        CalendarListing {
            href: Href::new(href),
            name: name.into(),
            color: Some("#8E8E93FF".into()),
            order: Some(8),
            components: vec![ComponentKind::Vevent],
            read_only: true,
        }
    }

    #[test]
    fn the_users_subscriptions_belong_to_an_account_or_none_and_are_not_its_collections() {
        let mut s = Store::open_in_memory().unwrap();
        let a = s
            .add_account(AccountKind::Caldav, "u", "https://dav.example/")
            .unwrap();
        let url = "https://example.com/holidays.ics";
        let own = s.add_subscription(None, url, "Holidays", None).unwrap();
        assert!(matches!(
            s.add_subscription(Some(a), url, "Again", None),
            Err(StoreError::Conflict {
                what: "subscription"
            })
        ));
        let under = s
            .add_subscription(Some(a), "https://example.com/f1.ics", "F1", Some("#FF0000"))
            .unwrap();
        assert!(
            s.calendars(a).unwrap().is_empty(),
            "not a CalDAV collection"
        );
        let subs = s.subscriptions().unwrap();
        assert_eq!(
            subs.iter().map(|x| x.calendar.id).collect::<Vec<_>>(),
            [under, own],
            "account first, none last"
        );
        let own = &subs[1];
        assert_eq!(own.calendar.account, None);
        assert_eq!(own.url(), url);
        assert!(own.calendar.read_only && !own.listed);
        assert!(!own.calendar.notify, "a feed's alarms are its publisher's");
        assert_eq!((own.etag.as_deref(), own.checked_at), (None, None));
        assert_eq!(s.all_calendars().unwrap().len(), 2);
        s.remove_account(a).unwrap();
        assert_eq!(
            s.subscriptions().unwrap().len(),
            1,
            "the account's went with it"
        );
        s.remove_subscription(own.calendar.id).unwrap();
        assert!(s.subscriptions().unwrap().is_empty());
    }

    #[test]
    fn a_listed_subscription_follows_its_listing_and_a_new_address_is_fetched_whole() {
        let mut s = Store::open_in_memory().unwrap();
        let a = s
            .add_account(
                AccountKind::Icloud,
                "a@icloud.com",
                "https://caldav.icloud.com/",
            )
            .unwrap();
        let href = "/1/calendars/holidays/";
        let id = s
            .upsert_listed_subscription(a, &listing(href, "US Holidays"), "https://h/1.ics")
            .unwrap();
        let at = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        s.record_feed_copy(
            id,
            Some("\"v1\""),
            Some("Tue, 01 Dec 2026 08:00:00 GMT"),
            at,
        )
        .unwrap();
        s.set_calendar_enabled(id, false).unwrap();
        let again = s
            .upsert_listed_subscription(a, &listing(href, "Holidays"), "https://h/1.ics")
            .unwrap();
        assert_eq!(again, id);
        let sub = s.subscriptions().unwrap().remove(0);
        assert!(sub.listed && !sub.calendar.enabled);
        assert_eq!(sub.calendar.name, "Holidays");
        assert_eq!(sub.etag.as_deref(), Some("\"v1\""));
        assert_eq!(sub.fetched_at, Some(at));
        s.upsert_listed_subscription(a, &listing(href, "Holidays"), "https://h/2.ics")
            .unwrap();
        let sub = s.subscriptions().unwrap().remove(0);
        assert_eq!((sub.etag, sub.last_modified), (None, None));
        assert!(
            matches!(s.remove_subscription(id), Err(StoreError::NotFound { .. })),
            "the server's to end"
        );
        // Removed and listed again: the user's switch comes back.
        s.remove_calendar(id).unwrap();
        let back = s
            .upsert_listed_subscription(a, &listing(href, "Holidays"), "https://h/2.ics")
            .unwrap();
        assert!(!s.calendar(back).unwrap().enabled);
    }
}
