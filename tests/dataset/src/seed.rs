//! Puts a generated dataset into a CalDAV server. Radicale stores each object with a lock and
//! an fsync, about 25 ms a PUT, so each calendar goes up whole instead: one PUT of a VCALENDAR
//! with every event to the collection's URL (Radicale's "upload a whole calendar"; it stores
//! one object per UID, named `<UID>.ics`, with the VTIMEZONEs it uses), then a PROPPATCH for
//! the name, colour and order.

use crate::generate::{BERLIN, Calendar, LOS_ANGELES};
use crate::http::Server;
use anyhow::{Result, bail};

fn proppatch_body(name: &str, color: &str, order: usize) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
<D:propertyupdate xmlns:D=\"DAV:\" xmlns:A=\"http://apple.com/ns/ical/\">\
<D:set><D:prop><D:displayname>{name}</D:displayname><A:calendar-color>{color}</A:calendar-color>\
<A:calendar-order>{order}</A:calendar-order></D:prop></D:set></D:propertyupdate>"
    )
}

const WARM_QUERY: &str = "<?xml version=\"1.0\"?><C:calendar-query xmlns:D=\"DAV:\" xmlns:C=\"urn:ietf:params:xml:ns:caldav\">\
<D:prop><D:getetag/><C:calendar-data/></D:prop><C:filter><C:comp-filter name=\"VCALENDAR\"/></C:filter></C:calendar-query>";

/// The collection path of `calendar` on `server`.
pub fn collection(server: &Server, calendar: &Calendar) -> String {
    format!("{}{}/", server.home(), calendar.slug)
}

/// One VCALENDAR with every event of `calendar`, each zone once.
fn whole(calendar: &Calendar) -> Result<String> {
    let mut out = format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Almanac//dataset//EN\r\nX-WR-CALNAME:{}\r\n{BERLIN}{LOS_ANGELES}",
        calendar.name
    );
    for object in &calendar.objects {
        let (Some(start), Some(end)) = (
            object.ics.find("BEGIN:VEVENT"),
            object.ics.rfind("END:VCALENDAR"),
        ) else {
            bail!("{} has no VEVENT", object.name);
        };
        out.push_str(&object.ics[start..end]);
    }
    out.push_str("END:VCALENDAR\r\n");
    Ok(out)
}

/// Creates every calendar with its objects.
///
/// # Errors
/// When the server refuses a request.
pub fn seed(server: &Server, calendars: &[Calendar]) -> Result<()> {
    // The first authenticated request creates the user's home in Radicale.
    server.send("PROPFIND", &server.home(), &[("Depth", "0")], "")?;
    for (order, cal) in calendars.iter().enumerate() {
        let path = collection(server, cal);
        server.expect_ok(
            "PUT",
            &path,
            &[("Content-Type", "text/calendar; charset=utf-8")],
            &whole(cal)?,
        )?;
        server.expect_ok(
            "PROPPATCH",
            &path,
            &[("Content-Type", "application/xml")],
            &proppatch_body(&cal.name, &cal.color, order),
        )?;
        // An uploaded calendar is parsed again on its first read; read it once here so that
        // what is measured next meets a warm server, as a client of a real one would.
        server.expect_ok(
            "REPORT",
            &path,
            &[("Depth", "1"), ("Content-Type", "application/xml")],
            WARM_QUERY,
        )?;
    }
    Ok(())
}

/// Puts one object: `If-None-Match: *` to create, `If-Match` to replace.
///
/// # Errors
/// When the server refuses it.
pub fn put(server: &Server, path: &str, ics: &str, if_match: Option<&str>) -> Result<()> {
    let condition = match if_match {
        Some(etag) => ("If-Match", etag),
        None => ("If-None-Match", "*"),
    };
    server.expect_ok(
        "PUT",
        path,
        &[("Content-Type", "text/calendar; charset=utf-8"), condition],
        ics,
    )?;
    Ok(())
}
