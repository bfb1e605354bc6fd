//! The dataset: calendars of iCloud-shaped events over a span of years. About 10% of events
//! recur (weekly, monthly or yearly; some with EXDATE and one to three moved occurrences in
//! the same resource), 10% are all-day, the rest are timed in Europe/Berlin or
//! America/Los_Angeles; every resource carries the VTIMEZONE it uses (all-day ones too, as
//! iCloud's do), Apple properties and often a VALARM, and notes that bring an event to about
//! 1.2 KB. Dates are fixed (from 2025-01-01), not relative to today, so a seed always gives the
//! same bytes.

use crate::rng::Rng;
use std::fmt::Write as _;

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    /// The generator's seed.
    pub seed: u64,
    /// How many calendars; events are dealt to them in turn.
    pub calendars: usize,
    /// How many events in all.
    pub events: usize,
    /// Over how many years from 2025-01-01 the events start.
    pub years: u32,
}

impl Spec {
    /// The benchmark's dataset: 5 calendars, 10,000 events over 3 years.
    pub const BENCH: Spec = Spec {
        seed: 2026,
        calendars: 5,
        events: 10_000,
        years: 3,
    };

    /// The first and the last day an event can start on, `YYYY-MM-DD`.
    pub fn span(&self) -> (String, String) {
        let dashed = |days: i64| {
            let d = ymd(days);
            format!("{}-{}-{}", &d[..4], &d[4..6], &d[6..])
        };
        let last = FIRST_DAY + i64::from(self.years.max(1)) * 365 - 1;
        (dashed(FIRST_DAY), dashed(last))
    }
}

/// One calendar object: its resource name and its iCalendar text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Object {
    /// The resource name, e.g. `0F3A…​.ics`.
    pub name: String,
    /// The VCALENDAR text, CRLF line ends.
    pub ics: String,
}

/// One calendar and its objects.
#[derive(Debug, Clone)]
#[expect(missing_docs, reason = "fields named for what they hold")]
pub struct Calendar {
    /// The collection's path segment under the user's home.
    pub slug: String,
    /// Its display name.
    pub name: String,
    /// Its colour, iCloud-style `#RRGGBBAA`.
    pub color: String,
    pub objects: Vec<Object>,
}

/// Europe/Berlin as iCloud sends it.
pub const BERLIN: &str = "BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\nX-LIC-LOCATION:Europe/Berlin\r\nBEGIN:DAYLIGHT\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nTZNAME:CEST\r\nDTSTART:19810329T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\nEND:DAYLIGHT\r\nBEGIN:STANDARD\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nTZNAME:CET\r\nDTSTART:19961027T030000\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n";
/// America/Los_Angeles as iCloud sends it.
pub const LOS_ANGELES: &str = "BEGIN:VTIMEZONE\r\nTZID:America/Los_Angeles\r\nX-LIC-LOCATION:America/Los_Angeles\r\nBEGIN:DAYLIGHT\r\nTZOFFSETFROM:-0800\r\nTZOFFSETTO:-0700\r\nTZNAME:PDT\r\nDTSTART:20070311T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU\r\nEND:DAYLIGHT\r\nBEGIN:STANDARD\r\nTZOFFSETFROM:-0700\r\nTZOFFSETTO:-0800\r\nTZNAME:PST\r\nDTSTART:20071104T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n";
const ZONES: [(&str, &str); 2] = [
    ("Europe/Berlin", BERLIN),
    ("America/Los_Angeles", LOS_ANGELES),
];
const PRODIDS: [&str; 3] = [
    "-//Apple Inc.//iPhone OS 18.1//EN",
    "-//Apple Inc.//macOS 15.1//EN",
    "-//caldav.icloud.com//CALDAVJ 2612B101//EN",
];
const TITLES: [&str; 10] = [
    "Team sync",
    "Dentist",
    "Lunch with Sam",
    "Flight to SFO",
    "Yoga",
    "Quarterly review",
    "Piano lesson",
    "Book club",
    "Haircut",
    "Design critique",
];
const CALENDAR_NAMES: [(&str, &str); 5] = [
    ("Home", "#34AADCFF"),
    ("Work", "#CC73E1FF"),
    ("Family", "#FF9500FF"),
    ("Sport", "#65DB39FF"),
    ("Travel", "#FFCC00FF"),
];
const WORDS: [&str; 12] = [
    "agenda", "bring", "notes", "from", "the", "last", "meeting", "and", "slides", "for", "review",
    "please",
];
/// 2025-01-01 in days since 1970-01-01.
const FIRST_DAY: i64 = 20_089;
/// The size an event's text aims at.
const TARGET_BYTES: usize = 1200;

/// Days since 1970-01-01 → `YYYYMMDD` (Howard Hinnant's civil-from-days).
pub fn ymd(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    format!("{:04}{m:02}{d:02}", yoe + era * 400 + i64::from(m <= 2))
}

/// Generates the dataset `spec` describes.
pub fn generate(spec: Spec) -> Vec<Calendar> {
    let mut rng = Rng::new(spec.seed);
    let mut calendars: Vec<Calendar> = (0..spec.calendars)
        .map(|c| {
            let (name, color) = CALENDAR_NAMES[c % CALENDAR_NAMES.len()];
            Calendar {
                slug: format!("cal-{c}"),
                name: if c < CALENDAR_NAMES.len() {
                    name.to_string()
                } else {
                    format!("{name} {c}")
                },
                color: color.to_string(),
                objects: Vec::new(),
            }
        })
        .collect();
    let span = i64::from(spec.years.max(1)) * 365;
    for i in 0..spec.events {
        let day = FIRST_DAY + i64::try_from(rng.below(span.unsigned_abs())).unwrap_or(0);
        // Named for the UID, as a server that stores a whole uploaded calendar names them.
        let uid = rng.uuid();
        let object = Object {
            name: format!("{uid}.ics"),
            ics: event(i, &uid, day, &mut rng),
        };
        if let Some(cal) = calendars.get_mut(i % spec.calendars.max(1)) {
            cal.objects.push(object);
        }
    }
    calendars
}

/// The same event with a new title and SEQUENCE: a server-side edit.
pub fn edited(ics: &str, round: u32) -> String {
    ics.replacen("SUMMARY:", &format!("SUMMARY:(edit {round}) "), 1)
        .replacen("SEQUENCE:0", &format!("SEQUENCE:{round}"), 1)
}

fn alarm(rng: &mut Rng, out: &mut String) {
    let uid = rng.uuid();
    if rng.percent(30) {
        let _ = write!(
            out,
            "BEGIN:VALARM\r\nX-WR-ALARMUID:{uid}\r\nUID:{uid}\r\nTRIGGER;VALUE=DATE-TIME:19760401T005545Z\r\nACTION:NONE\r\nX-APPLE-DEFAULT-ALARM:TRUE\r\nEND:VALARM\r\n"
        );
    } else {
        let _ = write!(
            out,
            "BEGIN:VALARM\r\nX-WR-ALARMUID:{uid}\r\nUID:{uid}\r\nTRIGGER:-PT{}M\r\nDESCRIPTION:Reminder\r\nACTION:DISPLAY\r\nEND:VALARM\r\n",
            [5, 15, 30, 60][usize::try_from(rng.below(4)).unwrap_or(0)]
        );
    }
}

/// Event number `i`, with `uid`, on `day` (days since 1970-01-01).
fn event(i: usize, uid: &str, day: i64, rng: &mut Rng) -> String {
    let title = TITLES[i % TITLES.len()];
    let prodid = PRODIDS[usize::try_from(rng.below(3)).unwrap_or(0)];
    let (tz, vtimezone) = ZONES[usize::try_from(rng.below(2)).unwrap_or(0)];
    let date = ymd(day);
    let hour = 8 + rng.below(10);
    let mut ev = format!(
        "BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20250101T120000Z\r\nCREATED:20250101T120000Z\r\nLAST-MODIFIED:20250101T120000Z\r\nSEQUENCE:0\r\nSUMMARY:{title} #{i}\r\nX-APPLE-CREATOR-IDENTITY:com.apple.mobilecal\r\nX-APPLE-CREATOR-TEAM-IDENTITY:0000000000\r\n"
    );
    let mut overrides = String::new();
    match i % 10 {
        0 => {
            let _ = write!(
                ev,
                "DTSTART;VALUE=DATE:{date}\r\nDTEND;VALUE=DATE:{}\r\nTRANSP:TRANSPARENT\r\n",
                ymd(day + 1 + i64::try_from(rng.below(3)).unwrap_or(0))
            );
        }
        1 => {
            let (freq, step) = match rng.below(3) {
                0 => ("WEEKLY", 7),
                1 => ("MONTHLY", 28),
                _ => ("YEARLY", 364),
            };
            let _ = write!(
                ev,
                "DTSTART;TZID={tz}:{date}T{hour:02}0000\r\nDTEND;TZID={tz}:{date}T{hour:02}4500\r\nRRULE:FREQ={freq};COUNT={}\r\n",
                10 + rng.below(40)
            );
            // Only weekly dates are known to fall on an occurrence; monthly and yearly
            // overrides use the first occurrence, which always exists.
            let nth = |n: i64| if step == 7 { day + 7 * n } else { day };
            if rng.percent(50) {
                let _ = write!(
                    ev,
                    "EXDATE;TZID={tz}:{}T{hour:02}0000\r\n",
                    ymd(day + 7 * 2).as_str()
                );
            }
            let moved = if step == 7 { 1 + rng.below(3) } else { 1 };
            for n in 0..moved {
                let n = i64::try_from(n).unwrap_or(0) * 3 + i64::from(step == 7);
                let at = ymd(nth(n));
                let _ = write!(
                    overrides,
                    "BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20250101T120000Z\r\nRECURRENCE-ID;TZID={tz}:{at}T{hour:02}0000\r\nDTSTART;TZID={tz}:{at}T{:02}0000\r\nDTEND;TZID={tz}:{at}T{:02}4500\r\nSEQUENCE:1\r\nSUMMARY:{title} #{i} (moved)\r\nEND:VEVENT\r\n",
                    hour + 1,
                    hour + 1
                );
            }
        }
        _ => {
            let _ = write!(
                ev,
                "DTSTART;TZID={tz}:{date}T{hour:02}{:02}00\r\nDTEND;TZID={tz}:{date}T{:02}{:02}00\r\n",
                rng.below(4) * 15,
                hour + 1,
                rng.below(4) * 15
            );
            if rng.percent(40) {
                ev.push_str("LOCATION:Alexanderplatz\\nAlexanderplatz 1\\n10178 Berlin\r\nX-APPLE-STRUCTURED-LOCATION;VALUE=URI;X-ADDRESS=Alexanderplatz 1\\n10178 Berlin;X-APPLE-RADIUS=70;X-TITLE=Alexanderplatz:geo:52.521918,13.413215\r\nX-APPLE-TRAVEL-ADVISORY-BEHAVIOR:AUTOMATIC\r\n");
            }
        }
    }
    if rng.percent(70) {
        alarm(rng, &mut ev);
    }
    let head = format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:{prodid}\r\nCALSCALE:GREGORIAN\r\n{vtimezone}"
    );
    let tail = "END:VEVENT\r\nEND:VCALENDAR\r\n";
    let used = head.len() + ev.len() + overrides.len() + tail.len() + "DESCRIPTION:\r\n".len();
    let want = TARGET_BYTES.saturating_sub(used) + usize::try_from(rng.below(200)).unwrap_or(0);
    let mut notes = String::new();
    while notes.len() + 8 < want.saturating_sub(100) {
        if !notes.is_empty() {
            notes.push(' ');
        }
        notes.push_str(WORDS[usize::try_from(rng.below(12)).unwrap_or(0)]);
    }
    // Fold at 74 octets, as RFC 5545 asks (the words are ASCII).
    let mut line = format!("DESCRIPTION:{notes}");
    let mut folded = String::new();
    while line.len() > 74 {
        let rest = line.split_off(74);
        folded.push_str(&line);
        folded.push_str("\r\n ");
        line = rest;
    }
    folded.push_str(&line);
    folded.push_str("\r\n");
    format!("{head}{ev}{folded}END:VEVENT\r\n{overrides}END:VCALENDAR\r\n")
}
