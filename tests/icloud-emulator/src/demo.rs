//! The account's calendars and demo data, created in Radicale with real MKCALENDAR and PUT
//! requests. The generator is seeded, so the same seed gives the same data; the ICS follows
//! what iCloud serves (fact sheet item 24): iCloud PRODIDs, `X-APPLE-STRUCTURED-LOCATION`,
//! VALARMs with `X-WR-ALARMUID` and the `ACTION:NONE` 19760401T005545Z "no alert", full
//! `VTIMEZONE`s for Europe/Berlin and America/Los_Angeles, overrides in the same resource,
//! all-day events with exclusive DTEND, random uppercase-UUID names (some
//! with `@`), and one event our parser refuses (over its size bound) that the sync quarantines.
//! A few fixed events on known days in December 2026 give the window's tests something to look
//! for: hostile text, a very long and a right-to-left title, and one event with every detail.
//! Duplicated DTSTAMPs are not seeded: Radicale refuses them with `400`.

use crate::EmulatorError;
use crate::layout::{self, CALENDARS, Kind};
use crate::rng::Rng;
use crate::upstream::Upstream;
use bytes::Bytes;
use std::fmt::Write as _;

/// How many events `--demo` seeds.
pub const DEMO_EVENTS: usize = 300;

const BERLIN: &str = "BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\nX-LIC-LOCATION:Europe/Berlin\r\nBEGIN:DAYLIGHT\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nTZNAME:CEST\r\nDTSTART:19810329T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\nEND:DAYLIGHT\r\nBEGIN:STANDARD\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nTZNAME:CET\r\nDTSTART:19961027T030000\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n";
const LOS_ANGELES: &str = "BEGIN:VTIMEZONE\r\nTZID:America/Los_Angeles\r\nX-LIC-LOCATION:America/Los_Angeles\r\nBEGIN:DAYLIGHT\r\nTZOFFSETFROM:-0800\r\nTZOFFSETTO:-0700\r\nTZNAME:PDT\r\nDTSTART:20070311T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU\r\nEND:DAYLIGHT\r\nBEGIN:STANDARD\r\nTZOFFSETFROM:-0700\r\nTZOFFSETTO:-0800\r\nTZNAME:PST\r\nDTSTART:20071104T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n";

const PRODIDS: [&str; 3] = [
    "-//Apple Inc.//iPhone OS 18.1//EN",
    "-//Apple Inc.//macOS 15.1//EN",
    "-//caldav.icloud.com//CALDAVJ 2612B101//EN",
];

const TITLES: [&str; 12] = [
    "Team sync",
    "Dentist",
    "Lunch with Sam",
    "Flight to SFO",
    "Yoga",
    "Quarterly review",
    "Piano lesson",
    "Standup",
    "Book club",
    "Parents' evening",
    "Haircut",
    "Design critique",
];

fn mkcalendar_body(name: &str, color: &str, order: u32, comp: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
<C:mkcalendar xmlns:D=\"DAV:\" xmlns:C=\"urn:ietf:params:xml:ns:caldav\" xmlns:A=\"http://apple.com/ns/ical/\">\
<D:set><D:prop><D:displayname>{name}</D:displayname><A:calendar-color>{color}</A:calendar-color>\
<A:calendar-order>{order}</A:calendar-order><C:supported-calendar-component-set><C:comp name=\"{comp}\"/>\
</C:supported-calendar-component-set></D:prop></D:set></C:mkcalendar>"
    )
}

/// Stores one object in Radicale.
///
/// # Errors
/// When Radicale cannot be reached or refuses the object.
pub async fn put(
    up: &Upstream,
    calendar: &str,
    name: &str,
    ics: String,
) -> Result<(), EmulatorError> {
    let path = format!("{}{calendar}/{name}", up.prefix());
    let r = up
        .send(
            "PUT",
            &path,
            &[("content-type", "text/calendar; charset=utf-8".into())],
            Bytes::from(ics),
        )
        .await
        .map_err(|e| EmulatorError::Seed(e.to_string()))?;
    if r.status >= 300 {
        return Err(EmulatorError::Seed(format!("PUT {path}: {}", r.status)));
    }
    Ok(())
}

fn todo(uid: &str, summary: &str, description: &str) -> String {
    format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//caldav.icloud.com//CALDAVJ 2612B101//EN\r\n\
BEGIN:VTODO\r\nUID:{uid}\r\nDTSTAMP:20240101T000000Z\r\nSUMMARY:{summary}\r\nDESCRIPTION:{description}\r\n\
END:VTODO\r\nEND:VCALENDAR\r\n"
    )
}

/// Creates the account's calendars (see [`crate::layout`]) and the fixed objects every account
/// has: the upgraded-Reminders placeholders, a few shared holidays, one work event.
///
/// # Errors
/// When Radicale refuses a request.
pub async fn create_calendars(up: &Upstream) -> Result<(), EmulatorError> {
    for c in CALENDARS {
        let comp = if matches!(c.kind, Kind::Tasks | Kind::UpgradedReminders) {
            "VTODO"
        } else {
            "VEVENT"
        };
        let path = format!("{}{}/", up.prefix(), c.id);
        let r = up
            .send(
                "MKCALENDAR",
                &path,
                &[("content-type", "application/xml".into())],
                Bytes::from(mkcalendar_body(c.name, c.color, c.order, comp)),
            )
            .await
            .map_err(|e| EmulatorError::Seed(e.to_string()))?;
        if r.status >= 300 {
            return Err(EmulatorError::Seed(format!(
                "MKCALENDAR {path}: {}",
                r.status
            )));
        }
    }
    put(
        up,
        layout::REMINDERS,
        "A1F5C2D0-0001.ics",
        todo(
            "A1F5C2D0-0001",
            "Where are my reminders?",
            "The creator of this list has upgraded these reminders to a newer version of iCloud.",
        ),
    )
    .await?;
    put(
        up,
        layout::REMINDERS,
        "A1F5C2D0-0002.ics",
        todo(
            "A1F5C2D0-0002",
            "The creator of this list has upgraded these reminders.",
            "Upgrade your device to view and edit these reminders.",
        ),
    )
    .await?;
    for (i, (day, name)) in [
        ("20261224", "Christmas Eve"),
        ("20261225", "Christmas Day"),
        ("20261231", "New Year's Eve"),
    ]
    .iter()
    .enumerate()
    {
        let end = date_plus(day, 1);
        let ics = format!(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:{}\r\nBEGIN:VEVENT\r\nUID:holiday-{i}@example.com\r\nDTSTAMP:20240101T000000Z\r\nDTSTART;VALUE=DATE:{day}\r\nDTEND;VALUE=DATE:{end}\r\nSUMMARY:{name}\r\nTRANSP:TRANSPARENT\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
            PRODIDS[0]
        );
        put(
            up,
            layout::SHARED_READ_ONLY,
            &format!("holiday-{i}.ics"),
            ics,
        )
        .await?;
    }
    let work = format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:{}\r\n{BERLIN}BEGIN:VEVENT\r\nUID:kickoff-2026@example.com\r\nDTSTAMP:20260101T000000Z\r\nDTSTART;TZID=Europe/Berlin:20261201T100000\r\nDTEND;TZID=Europe/Berlin:20261201T110000\r\nSUMMARY:Planning kickoff\r\nLOCATION:Room Spree\r\nBEGIN:VALARM\r\nX-WR-ALARMUID:kickoff-alert\r\nACTION:DISPLAY\r\nDESCRIPTION:Reminder\r\nTRIGGER:-PT15M\r\nEND:VALARM\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
        PRODIDS[1]
    );
    put(up, layout::WORK, "kickoff.ics", work).await
}

/// Days since 1970-01-01 → (year, month, day) (Howard Hinnant's civil-from-days).
fn civil(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn ymd(days: i64) -> String {
    let (y, m, d) = civil(days);
    format!("{y:04}{m:02}{d:02}")
}

fn date_plus(yyyymmdd: &str, n: i64) -> String {
    let p = |r: std::ops::Range<usize>| {
        yyyymmdd
            .get(r)
            .and_then(|s| s.parse::<i64>().ok())
            .unwrap_or(1)
    };
    ymd(days_from_civil(p(0..4), p(4..6), p(6..8)) + n)
}

/// The current UTC time as an iCalendar DATE-TIME, e.g. `20261121T060910Z`.
pub fn utc_stamp() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let secs = i64::try_from(secs).unwrap_or(0);
    let (h, m, s) = (secs % 86_400 / 3600, secs % 3600 / 60, secs % 60);
    format!("{}T{h:02}{m:02}{s:02}Z", ymd(secs / 86_400))
}

/// iCloud "housekeeping": rewrites an object's DTSTAMP so its ETag changes without any edit
/// by the user (KashCal's live 412 test).
///
/// # Errors
/// When Radicale does not have the object or refuses the rewrite.
pub async fn housekeep(up: &Upstream, calendar: &str, name: &str) -> Result<(), EmulatorError> {
    let path = format!("{}{calendar}/{name}", up.prefix());
    let r = up
        .send("GET", &path, &[], Bytes::new())
        .await
        .map_err(|e| EmulatorError::Seed(e.to_string()))?;
    if r.status != 200 {
        return Err(EmulatorError::Seed(format!("GET {path}: {}", r.status)));
    }
    let text = String::from_utf8_lossy(&r.body);
    let stamp = utc_stamp();
    let mut done = false;
    let lines: Vec<String> = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .map(|l| {
            if !done && l.starts_with("DTSTAMP:") {
                done = true;
                // A second housekeeping within the same second must still change the ETag.
                let old = l.trim_start_matches("DTSTAMP:");
                if old == stamp {
                    format!("DTSTAMP:{}T000000Z", date_plus(&stamp, 1))
                } else {
                    format!("DTSTAMP:{stamp}")
                }
            } else {
                l.to_string()
            }
        })
        .collect();
    put(up, calendar, name, lines.join("\r\n")).await
}

/// Today by the system clock, in days since 1970-01-01 (UTC).
pub fn today() -> i64 {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    i64::try_from(secs / 86_400).unwrap_or(0)
}

/// Reads `YYYY-MM-DD` as days since 1970-01-01, for `--today`.
pub fn parse_day(text: &str) -> Option<i64> {
    let mut parts = text.trim().splitn(3, '-').map(|p| p.parse::<i64>().ok());
    let (y, m, d) = (parts.next()??, parts.next()??, parts.next()??);
    let day = days_from_civil(y, m, d);
    // Out-of-range months or days would silently wrap into another date.
    (civil(day) == (y, m, d)).then_some(day)
}

fn alarm(rng: &mut Rng, out: &mut String) {
    let uid = rng.uuid();
    match rng.below(3) {
        0 => {
            let _ = write!(
                out,
                "BEGIN:VALARM\r\nX-WR-ALARMUID:{uid}\r\nUID:{uid}\r\nTRIGGER:-PT15M\r\nDESCRIPTION:Reminder\r\nACTION:DISPLAY\r\nEND:VALARM\r\n"
            );
        }
        1 => {
            let _ = write!(
                out,
                "BEGIN:VALARM\r\nX-WR-ALARMUID:{uid}\r\nUID:{uid}\r\nTRIGGER;VALUE=DATE-TIME:19760401T005545Z\r\nACTION:NONE\r\nX-APPLE-DEFAULT-ALARM:TRUE\r\nEND:VALARM\r\n"
            );
        }
        _ => {
            let _ = write!(
                out,
                "BEGIN:VALARM\r\nX-WR-ALARMUID:{uid}\r\nUID:{uid}\r\nTRIGGER:-PT1H\r\nDESCRIPTION:Reminder\r\nACTION:DISPLAY\r\nACKNOWLEDGED:20240101T090000Z\r\nEND:VALARM\r\n"
            );
        }
    }
}

/// One demo object (VCALENDAR text) for event number `i`, around day `base`.
fn event(i: usize, rng: &mut Rng, base: i64) -> String {
    let uid = format!("{}@almanac-demo", rng.uuid());
    let offset = i64::try_from(rng.below(180)).unwrap_or(0) - 60;
    let day = ymd(base + offset);
    let hour = 8 + rng.below(10);
    let title = rng.pick(&TITLES).copied().unwrap_or("Event");
    let prodid = rng.pick(&PRODIDS).copied().unwrap_or(PRODIDS[0]);
    let mut tzs = String::new();
    let mut ev = format!("BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20260101T120000Z\r\n");
    let _ = write!(
        ev,
        "SUMMARY:{title} #{i}\r\nCREATED:20260101T120000Z\r\nSEQUENCE:0\r\nX-APPLE-CREATOR-IDENTITY:com.apple.mobilecal\r\n"
    );
    let mut overrides = String::new();
    match i % 6 {
        0 => {
            let _ = write!(
                ev,
                "DTSTART;VALUE=DATE:{day}\r\nDTEND;VALUE=DATE:{}\r\nTRANSP:TRANSPARENT\r\n",
                date_plus(&day, 1)
            );
        }
        1 => {
            let _ = write!(
                ev,
                "DTSTART;VALUE=DATE:{day}\r\nDTEND;VALUE=DATE:{}\r\n",
                date_plus(&day, 3)
            );
        }
        2 | 3 => {
            let (tz, block) = if i % 6 == 2 {
                ("Europe/Berlin", BERLIN)
            } else {
                ("America/Los_Angeles", LOS_ANGELES)
            };
            tzs.push_str(block);
            let _ = write!(
                ev,
                "DTSTART;TZID={tz}:{day}T{hour:02}0000\r\nDTEND;TZID={tz}:{day}T{hour:02}4500\r\n"
            );
            if i.is_multiple_of(4) {
                let _ = write!(
                    ev,
                    "X-APPLE-STRUCTURED-LOCATION;VALUE=URI;X-ADDRESS=Alexanderplatz 1\\n10178 Berlin;X-APPLE-RADIUS=70;X-TITLE=Alexanderplatz:geo:52.521918,13.413215\r\nLOCATION:Alexanderplatz\\nAlexanderplatz 1\\n10178 Berlin\r\n"
                );
                ev.push_str("X-APPLE-TRAVEL-ADVISORY-BEHAVIOR:AUTOMATIC\r\nX-APPLE-TRAVEL-DURATION;VALUE=DURATION:PT25M\r\n");
                let _ = write!(
                    ev,
                    "X-APPLE-TRAVEL-START;ROUTING=CAR;VALUE=URI;X-ADDRESS=Torstr. 1\\n10119 Berlin;X-TITLE=Home:geo:52.5291,13.4010\r\n"
                );
            } else if i % 4 == 2 {
                // Some copies carry trailing whitespace after the geo URI (python-caldav #37).
                ev.push_str("X-APPLE-STRUCTURED-LOCATION;VALUE=URI;X-APPLE-RADIUS=141;X-TITLE=Golden Gate Park:geo:37.769421,-122.486214 \r\nLOCATION:Golden Gate Park\r\nURL;VALUE=URI:\r\nX-APPLE-CREATOR-TEAM-IDENTITY:0000000000\r\n");
            }
        }
        4 => {
            // Weekly series with one moved and one cancelled occurrence, overrides in the same resource.
            tzs.push_str(BERLIN);
            let _ = write!(
                ev,
                "DTSTART;TZID=Europe/Berlin:{day}T{hour:02}0000\r\nDTEND;TZID=Europe/Berlin:{day}T{hour:02}3000\r\nRRULE:FREQ=WEEKLY;COUNT=12\r\nEXDATE;TZID=Europe/Berlin:{}T{hour:02}0000\r\n",
                date_plus(&day, 14)
            );
            if i.is_multiple_of(20) {
                // The earlier half of a series split "this and future" (home-assistant #153046).
                let _ = write!(
                    ev,
                    "RELATED-TO;RELTYPE=X-CALENDARSERVER-RECURRENCE-SET:{}\r\n",
                    rng.uuid()
                );
            }
            let moved = date_plus(&day, 7);
            let _ = write!(
                overrides,
                "BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20260101T120000Z\r\nRECURRENCE-ID;TZID=Europe/Berlin:{moved}T{hour:02}0000\r\nDTSTART;TZID=Europe/Berlin:{moved}T{:02}0000\r\nDTEND;TZID=Europe/Berlin:{moved}T{:02}3000\r\nSUMMARY:{title} #{i} (moved)\r\nSEQUENCE:1\r\nEND:VEVENT\r\n",
                hour + 1,
                hour + 1
            );
        }
        _ => {
            // Multi-day timed, in UTC, with attendees.
            let _ = write!(
                ev,
                "DTSTART:{day}T{hour:02}0000Z\r\nDTEND:{}T{hour:02}0000Z\r\nORGANIZER;CN=Sam Example:mailto:sam@example.com\r\nATTENDEE;CN=Sam Example;PARTSTAT=ACCEPTED;ROLE=CHAIR:mailto:sam@example.com\r\nATTENDEE;CN=Almanac Tester;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:almanac.tester@icloud.com\r\n",
                date_plus(&day, 2)
            );
        }
    }
    if i.is_multiple_of(3) {
        alarm(rng, &mut ev);
    }
    ev.push_str("END:VEVENT\r\n");
    format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:{prodid}\r\nCALSCALE:GREGORIAN\r\n{tzs}{ev}{overrides}END:VCALENDAR\r\n"
    )
}

/// How many base64 characters the oversized demo attachment has: past the parser's 4 MiB bound.
const OVERSIZED_ATTACHMENT: usize = 4_600_000;

/// The one demo object our parser refuses, so the sync quarantines it (and the window lists it
/// under "sync problems"): an invitation carrying a 4.6 MB inline attachment, as Outlook and
/// Exchange send them (`ATTACH;ENCODING=BASE64;VALUE=BINARY`, RFC 5545 §3.8.1.1), beyond the
/// 4 MiB bound on one calendar object. Radicale stores it, so the server is consistent.
///
/// # Quirks
/// A VEVENT without DTSTART (the obvious "unparseable" shape) cannot be seeded: Radicale 3.9
/// refuses it with `400` ("missing DTSTART"), and it re-serialises what it accepts through
/// vobject, so broken values (fractional seconds, bare parameters) come back well-formed.
pub fn unparseable_event() -> String {
    let attachment = "QUxN".repeat(OVERSIZED_ATTACHMENT / 4);
    format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN\r\nBEGIN:VEVENT\r\nUID:unparseable-demo@almanac-demo\r\nDTSTAMP:20260101T120000Z\r\nDTSTART:20261105T090000Z\r\nDTEND:20261105T100000Z\r\nSUMMARY:Board pack review\r\nATTACH;ENCODING=BASE64;VALUE=BINARY;FMTTYPE=application/pdf;X-FILENAME=board-pack.pdf:{attachment}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
}

/// One VEVENT on 2026-12-03 in Europe/Berlin, from `hour` for an hour, as a whole object.
fn fixed_event(uid: &str, hour: u32, props: &str) -> String {
    format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:{}\r\n{BERLIN}BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20260101T120000Z\r\nDTSTART;TZID=Europe/Berlin:20261203T{hour:02}0000\r\nDTEND;TZID=Europe/Berlin:20261203T{:02}0000\r\n{props}END:VEVENT\r\nEND:VCALENDAR\r\n",
        PRODIDS[0],
        hour + 1
    )
}

/// Events whose text must stay inert in the window, all on 2026-12-03 in Home.
fn hostile_events() -> Vec<(&'static str, String)> {
    // A title no line can break: 34 characters, 18 times (612 in all).
    let long = "Supercalifragilisticexpialidocious".repeat(18);
    vec![
        (
            // OWASP XSS filter-evasion payloads, as an invitation from a stranger can carry them.
            "HOSTILE-0001.ics",
            fixed_event(
                "hostile-markup@almanac-demo",
                9,
                "SUMMARY:<script>alert(1)</script><img src=x onerror=alert(2)>\r\nLOCATION:<b>Room</b> <iframe src=javascript:alert(5)>\r\nDESCRIPTION:Agenda at https://example.com/agenda?week=49&lang=en\\, minutes after.\\nDo not open javascript:alert(3) or <a href=\"javascript:alert(4)\">this link</a>.\r\nURL;VALUE=URI:javascript:alert(6)\r\n",
            ),
        ),
        (
            // A pasted token or URL as the whole title: no break opportunity in 612 characters.
            "HOSTILE-0002.ics",
            fixed_event(
                "hostile-long@almanac-demo",
                12,
                &format!("SUMMARY:{long}\r\n"),
            ),
        ),
        (
            // Right-to-left text (Arabic title, Hebrew location), as colleagues' shared calendars hold it.
            "HOSTILE-0003.ics",
            fixed_event(
                "hostile-rtl@almanac-demo",
                14,
                "SUMMARY:اجتماع الفريق الأسبوعي\r\nLOCATION:חדר ישיבות 2\r\nDESCRIPTION:מה חדש השבוע\r\n",
            ),
        ),
    ]
}

/// One event with every detail the event panel shows, in Work: a series every other Tuesday and
/// Thursday in Los Angeles time (so its own zone differs from the viewer's), an organizer and
/// attendees with their answers, Apple's structured location, notes with links, a URL, an alarm,
/// and the 2026-12-17 occurrence moved to the 18th. Shapes as iCloud serves them (fact sheet
/// item 24); the quoted `X-ADDRESS` is how iCloud writes addresses with commas.
fn design_review() -> String {
    format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:{}\r\nCALSCALE:GREGORIAN\r\n{LOS_ANGELES}BEGIN:VEVENT\r\nUID:design-review-2026@almanac-demo\r\nDTSTAMP:20260101T120000Z\r\nCREATED:20260101T120000Z\r\nSEQUENCE:0\r\n\
DTSTART;TZID=America/Los_Angeles:20261201T090000\r\nDTEND;TZID=America/Los_Angeles:20261201T100000\r\n\
RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH;UNTIL=20270331T235959Z\r\nSUMMARY:Design review\r\n\
LOCATION:Apple Park\\nOne Apple Park Way\\, Cupertino\\, CA 95014\r\n\
X-APPLE-STRUCTURED-LOCATION;VALUE=URI;X-ADDRESS=\"One Apple Park Way, Cupertino, CA 95014\";X-APPLE-RADIUS=100;X-TITLE=Apple Park:geo:37.334900,-122.009020\r\n\
DESCRIPTION:Slides: https://example.com/design/review-deck\\nCall: https://meet.example.com/design-review\\nBring the prototypes.\r\n\
URL;VALUE=URI:https://example.com/design\r\n\
ORGANIZER;CN=Sam Example:mailto:sam@example.com\r\n\
ATTENDEE;CN=Sam Example;PARTSTAT=ACCEPTED;ROLE=CHAIR:mailto:sam@example.com\r\n\
ATTENDEE;CN=Almanac Tester;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:almanac.tester@icloud.com\r\n\
ATTENDEE;CN=Ana Lima;PARTSTAT=TENTATIVE:mailto:ana@example.com\r\n\
ATTENDEE;CN=Kim Lee;PARTSTAT=DECLINED:mailto:kim@example.com\r\n\
BEGIN:VALARM\r\nX-WR-ALARMUID:5B1D0C4E-7A2F-4E39-9C61-0D8E3F2A1B7C\r\nUID:5B1D0C4E-7A2F-4E39-9C61-0D8E3F2A1B7C\r\nTRIGGER:-PT15M\r\nDESCRIPTION:Reminder\r\nACTION:DISPLAY\r\nEND:VALARM\r\n\
END:VEVENT\r\nBEGIN:VEVENT\r\nUID:design-review-2026@almanac-demo\r\nDTSTAMP:20260101T120000Z\r\n\
RECURRENCE-ID;TZID=America/Los_Angeles:20261217T090000\r\nDTSTART;TZID=America/Los_Angeles:20261218T110000\r\nDTEND;TZID=America/Los_Angeles:20261218T120000\r\n\
SUMMARY:Design review (moved)\r\nSEQUENCE:1\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
        PRODIDS[1]
    )
}

/// Seeds [`DEMO_EVENTS`] events around `today` (days since 1970-01-01) over the event calendars,
/// a few legacy tasks, the fixed December events for the window's tests, and the unparseable
/// event. Tests that pin the app's clock pass its day, so "today" is the same on both sides.
///
/// # Errors
/// When Radicale refuses a request.
pub async fn seed_events(up: &Upstream, rng: &mut Rng, today: i64) -> Result<(), EmulatorError> {
    let targets = [
        layout::HOME,
        layout::WORK,
        layout::FAMILY,
        layout::SHARED_WRITABLE,
    ];
    for i in 0..DEMO_EVENTS {
        let cal = targets[i % targets.len()];
        // Apple names objects with random uppercase UUIDs, unrelated to the UID; a few contain '@'.
        let name = if i % 25 == 0 {
            format!("{}@icloud.com.ics", rng.uuid())
        } else {
            format!("{}.ics", rng.uuid())
        };
        put(up, cal, &name, event(i, rng, today)).await?;
    }
    for i in 0..8 {
        let uid = rng.uuid();
        put(
            up,
            layout::TASKS,
            &format!("{uid}.ics"),
            todo(&uid, &format!("Task {i}"), "Legacy reminder"),
        )
        .await?;
    }
    for (name, ics) in hostile_events() {
        put(up, layout::HOME, name, ics).await?;
    }
    put(up, layout::WORK, "DESIGN-REVIEW-0001.ics", design_review()).await?;
    put(
        up,
        layout::HOME,
        "UNPARSEABLE-0001.ics",
        unparseable_event(),
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_read_exactly_or_not_at_all() {
        assert_eq!(parse_day("1970-01-02"), Some(1));
        assert_eq!(
            parse_day("2028-02-29").map(ymd).as_deref(),
            Some("20280229")
        );
        assert_eq!(parse_day("2027-02-29"), None);
        assert_eq!(parse_day("2026-13-01"), None);
        assert_eq!(parse_day("yesterday"), None);
    }

    #[test]
    fn calendar_arithmetic_round_trips() {
        assert_eq!(ymd(0), "19700101");
        assert_eq!(date_plus("20261231", 1), "20270101");
        assert_eq!(date_plus("20240228", 1), "20240229");
        for d in [-1000, 0, 20_000, 30_000] {
            let (y, m, dd) = civil(d);
            assert_eq!(days_from_civil(y, m, dd), d);
        }
    }

    #[test]
    fn the_fixed_events_carry_what_the_window_tests_look_for() {
        assert!(unparseable_event().len() > 4 * 1024 * 1024);
        let hostile: String = hostile_events().into_iter().map(|(_, ics)| ics).collect();
        for needle in [
            "SUMMARY:<script>alert(1)</script><img src=x onerror=alert(2)>",
            "javascript:alert(3)",
            "https://example.com/agenda",
            "SUMMARY:اجتماع",
            "DTSTART;TZID=Europe/Berlin:20261203T",
        ] {
            assert!(hostile.contains(needle), "{needle}");
        }
        let review = design_review();
        for needle in [
            "RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH;UNTIL=",
            "PARTSTAT=DECLINED",
            ":geo:37.334900,-122.009020",
            "BEGIN:VALARM",
            "RECURRENCE-ID;TZID=America/Los_Angeles:20261217T090000",
            "SUMMARY:Design review (moved)",
        ] {
            assert!(review.contains(needle), "{needle}");
        }
    }

    #[test]
    fn generator_is_seeded_and_covers_the_shapes() {
        let all: String = (0..48)
            .map(|i| event(i, &mut Rng::new(1), 20_000))
            .collect();
        assert_eq!(
            event(4, &mut Rng::new(1), 20_000),
            event(4, &mut Rng::new(1), 20_000)
        );
        for needle in [
            "X-APPLE-TRAVEL-DURATION",
            "13.4010\r\n",
            "-122.486214 \r\n",
            "X-CALENDARSERVER-RECURRENCE-SET",
            "RECURRENCE-ID",
            "VALUE=DATE",
            "BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin",
            "America/Los_Angeles",
            "ATTENDEE",
            "X-APPLE-STRUCTURED-LOCATION",
            "BEGIN:VALARM",
        ] {
            assert!(all.contains(needle), "{needle}");
        }
    }
}
