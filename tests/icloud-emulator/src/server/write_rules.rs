//! What iCloud checks in a calendar object before storing it, and what it rewrites on the way
//! in. Each rule is a [`Quirks`] switch; the evidence is in the project's notes
//! (`shared/writing-caldav.md` §1.4 and §4, `shared/icloud-caldav.md` §5) and quoted below.
//! A refusal names its RFC 4791 §5.3.2.1 precondition in a `DAV:error` body, as CalendarServer
//! (the open-source ancestor iCloud is believed to descend from) does.

use super::Answer;
use crate::account::Quirks;
use crate::ical::{self, Component, Item};
use crate::layout::Kind;
use crate::xml::{CALDAV, DAV, Element};

/// The PRODID iCloud writes on objects it creates itself (seen in server-made data).
pub const ICLOUD_PRODID: &str = "-//caldav.icloud.com//CALDAVJ 2612B101//EN";

/// Why a write is refused: a status and, usually, the precondition that failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The HTTP status.
    pub status: u16,
    /// The CalDAV precondition element (local name in the CalDAV namespace), if any.
    pub condition: Option<&'static str>,
    /// An href inside the precondition (the resource already holding a UID).
    pub href: Option<String>,
}

impl Refusal {
    /// A refusal with an empty body.
    pub fn bare(status: u16) -> Self {
        Self {
            status,
            condition: None,
            href: None,
        }
    }

    /// A refusal naming a CalDAV precondition.
    pub fn caldav(status: u16, condition: &'static str) -> Self {
        Self {
            status,
            condition: Some(condition),
            href: None,
        }
    }

    /// The answer: `<error xmlns="DAV:"><{condition} xmlns="urn:…:caldav">[<href>]</…></error>`.
    pub fn answer(&self, text_plain: bool) -> Answer {
        let Some(condition) = self.condition else {
            return Answer::empty(self.status);
        };
        let mut element = Element::new(CALDAV, condition);
        if let Some(href) = &self.href {
            element = element.child(Element::new(DAV, "href").text(href));
        }
        Answer::xml(
            self.status,
            &Element::new(DAV, "error").child(element),
            text_plain,
        )
    }
}

/// What the checks need to know about one object.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Shape {
    /// Whether the VCALENDAR carries a METHOD.
    pub has_method: bool,
    /// Whether some VEVENT has DTSTART but no DTEND or DURATION.
    pub event_without_end: bool,
    /// Whether it holds a VEVENT.
    pub has_event: bool,
    /// Whether it holds a VTODO.
    pub has_todo: bool,
    /// The distinct UIDs of its components, in order.
    pub uids: Vec<String>,
    /// The distinct component types (VEVENT, VTODO, …) it holds.
    pub types: Vec<String>,
}

impl Shape {
    /// The UID of the resource (its first component's).
    pub fn uid(&self) -> Option<&str> {
        self.uids.first().map(String::as_str)
    }
}

/// Reads the shape of a parsed object.
pub fn shape(calendar: &[Component]) -> Shape {
    let mut s = Shape {
        has_method: calendar.iter().any(|c| c.prop("METHOD").is_some()),
        ..Shape::default()
    };
    for c in ical::items(calendar) {
        if !s.types.contains(&c.name) {
            s.types.push(c.name.clone());
        }
        if let Some(uid) = c.value("UID")
            && !s.uids.iter().any(|u| u == uid)
        {
            s.uids.push(uid.to_string());
        }
        if c.name == "VEVENT" {
            s.has_event = true;
            let end = c.prop("DTEND").is_some() || c.prop("DURATION").is_some();
            s.event_without_end |= c.prop("DTSTART").is_some() && !end;
        } else if c.name == "VTODO" {
            s.has_todo = true;
        }
    }
    s
}

/// Whether a TZID is an Olson (IANA tz database) name. The emulator has no copy of the
/// database, so this is the shape of one: `Area/Location[/Sub]` with one of the database's
/// areas (or a `backward` link area such as `US/`), or one of its bare names. That refuses
/// what clients are known to send instead — Outlook's Windows names (`W. Europe Standard
/// Time`), libical's and Mozilla's prefixed ids (`/freeassociation.sourceforge.net/…`,
/// `/mozilla.org/…`), offsets (`GMT+0100`) — but would let a made-up `Europe/Nowhere` pass.
pub fn is_olson(tzid: &str) -> bool {
    const AREAS: [&str; 16] = [
        "Africa",
        "America",
        "Antarctica",
        "Arctic",
        "Asia",
        "Atlantic",
        "Australia",
        "Europe",
        "Indian",
        "Pacific",
        "Etc",
        "US",
        "Canada",
        "Mexico",
        "Brazil",
        "Chile",
    ];
    const BARE: [&str; 18] = [
        "UTC",
        "GMT",
        "UCT",
        "Zulu",
        "Universal",
        "Greenwich",
        "EST",
        "MST",
        "HST",
        "EST5EDT",
        "CST6CDT",
        "MST7MDT",
        "PST8PDT",
        "CET",
        "EET",
        "MET",
        "WET",
        "Japan",
    ];
    let tzid = tzid.trim().trim_matches('"');
    if BARE.contains(&tzid) {
        return true;
    }
    let Some((area, rest)) = tzid.split_once('/') else {
        return false;
    };
    AREAS.contains(&area)
        && rest.split('/').all(|seg| {
            seg.chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphanumeric())
                && seg
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '+'))
        })
}

/// The first TZID (a `TZID=` parameter, or a VTIMEZONE's `TZID`) that is not an Olson name.
fn foreign_tzid(calendar: &[Component]) -> Option<String> {
    calendar
        .iter()
        .flat_map(Component::all_props)
        .filter_map(|l| {
            if l.name == "TZID" {
                Some(l.value.trim())
            } else {
                l.param("TZID")
            }
        })
        .find(|t| !is_olson(t))
        .map(str::to_string)
}

/// The content rules, in CalendarServer's order after the preconditions: size, then the
/// object's validity, then what the collection holds. `size` is the body's length in octets;
/// `overflow` says the body was too large to read at all.
///
/// - **Size** (`max_resource_size`, default 1 MiB, status `resource_size_status`, default
///   `403`): iCloud's limit is unknown (icloud-caldav.md §5.2: "No public figure exists for
///   the maximum event size"); CalendarServer's `MaxResourceSize` default is 1,048,576 and it
///   answers `403 CALDAV:max-resource-size` (writing-caldav.md §1.4, stdconfig L331, sql.py
///   L2700), the precondition RFC 4791 §5.3.2.1 defines. `413` and `507` are other servers'
///   answers, kept for tests of a client's handling of them.
/// - **METHOD** (`refuse_method`, status `method_rejection_status`): "`METHOD` forbidden →
///   403 `CALDAV:valid-calendar-object-resource`" (RFC 4791 §4.1; CalDAVTester `errors.xml`;
///   QuickMail #289 against iCloud). The status stays `400` by default, as before.
/// - **One UID, one component type** (`single_uid_per_resource`): "Exactly one UID per
///   resource, one component type → 403 `valid-calendar-object-resource`" (RFC 4791 §4.1,
///   CalendarServer `ical.py`).
/// - **DTEND or DURATION**: a VEVENT without both gets `404` (DAVx5 #1859, vdirsyncer #1200).
/// - **Component type** against the collection: `403 supported-calendar-component` (iCloud
///   collections hold VEVENT or VTODO, never both).
/// - **Olson TZIDs** (`olson_tzids_only`): "iCloud needs Olson location names as TZID"
///   (writing-caldav.md §1.4, from Evolution's fix for iCloud, EDS bug 764027, commit
///   4b21d75b1, which rewrites TZIDs to the location name for iCloud.com). Nobody has published
///   iCloud's exact answer; §4 lists it as "403 `valid-timezone` / rejected TZID". The emulator
///   answers `403 CALDAV:valid-calendar-data`. CalendarServer itself accepts any TZID that has
///   a VTIMEZONE, which is what turning the switch off gives.
///
/// # Errors
/// The first rule broken, as a [`Refusal`].
pub fn check(
    calendar: &[Component],
    kind: Option<Kind>,
    size: usize,
    overflow: bool,
    q: &Quirks,
) -> Result<Shape, Refusal> {
    match q.max_resource_size {
        Some(limit) if overflow || size as u64 > limit => {
            return Err(Refusal::caldav(q.resource_size_status, "max-resource-size"));
        }
        None if overflow => return Err(Refusal::bare(413)),
        _ => {}
    }
    let s = shape(calendar);
    if q.refuse_method && s.has_method {
        return Err(Refusal::caldav(
            q.method_rejection_status,
            "valid-calendar-object-resource",
        ));
    }
    if q.single_uid_per_resource && (s.uids.len() > 1 || s.types.len() > 1) {
        return Err(Refusal::caldav(403, "valid-calendar-object-resource"));
    }
    if s.event_without_end {
        return Err(Refusal::bare(404));
    }
    let task_list = matches!(kind, Some(Kind::Tasks | Kind::UpgradedReminders));
    if (s.has_todo && !task_list) || (s.has_event && task_list) {
        return Err(Refusal::caldav(403, "supported-calendar-component"));
    }
    if q.olson_tzids_only && foreign_tzid(calendar).is_some() {
        return Err(Refusal::caldav(403, "valid-calendar-data"));
    }
    Ok(s)
}

/// The rewrites iCloud is modelled to make on the way in; returns whether any changed the
/// object (then the PUT answer carries no `ETag`, see `writes.rs`).
///
/// - `normalise_on_put`: VALARMs that repeat another VALARM of the same component (equal
///   but for their `UID`/`X-WR-ALARMUID`) are dropped — CalendarServer's
///   `RemoveDuplicateAlarms: True`, one of the rewrites after which it strips the ETag
///   (writing-caldav.md §1.1, storebridge L2774–2781).
/// - `rewrite_every_put`: the PRODID becomes iCloud's own, so *every* write is a rewrite —
///   the pessimistic reading of "iCloud rewrites what you send", for tests of the
///   fetch-after-write path (writing-caldav.md §6d.1, "always in iCloud mode").
pub fn normalise(calendar: &mut [Component], q: &Quirks) -> bool {
    let mut changed = false;
    if q.normalise_on_put {
        for item in ical::items_mut(calendar) {
            changed |= drop_duplicate_alarms(item);
        }
    }
    if q.rewrite_every_put {
        for cal in calendar.iter_mut().filter(|c| c.name == "VCALENDAR") {
            changed |= stamp_prodid(cal);
        }
    }
    changed
}

fn drop_duplicate_alarms(item: &mut Component) -> bool {
    let key = |alarm: &Component| -> Vec<String> {
        let mut lines: Vec<String> = alarm
            .all_props()
            .into_iter()
            .filter(|l| l.name != "UID" && l.name != "X-WR-ALARMUID")
            .map(ical::Line::write)
            .collect();
        lines.sort();
        lines
    };
    let mut seen = Vec::new();
    let before = item.items.len();
    item.items.retain(|i| match i {
        Item::Comp(alarm) if alarm.name == "VALARM" => {
            let k = key(alarm);
            if seen.contains(&k) {
                false
            } else {
                seen.push(k);
                true
            }
        }
        _ => true,
    });
    item.items.len() != before
}

fn stamp_prodid(cal: &mut Component) -> bool {
    if let Some(line) = cal.props_mut().find(|l| l.name == "PRODID") {
        if line.value == ICLOUD_PRODID {
            return false;
        }
        line.value = ICLOUD_PRODID.to_string();
        return true;
    }
    cal.items.insert(
        0,
        Item::Prop(ical::Line::parse(&format!("PRODID:{ICLOUD_PRODID}"))),
    );
    true
}

/// Makes `CALDAV:max-resource-size` in a PROPFIND answer tell the emulator's limit (Radicale
/// answers its own, 10 MB), as DAVx5 reads it before writing (writing-caldav.md §1.7).
pub fn advertise_max_size(el: &mut Element, limit: Option<u64>) {
    let Some(limit) = limit else { return };
    for child in el.elements_mut() {
        if child.is(CALDAV, "max-resource-size") {
            child.set_text(&limit.to_string());
        } else {
            advertise_max_size(child, Some(limit));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EVENT: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTART:20260101T100000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

    fn refusal(ics: &str, q: &Quirks) -> Option<Refusal> {
        check(&ical::parse(ics), Some(Kind::Events), ics.len(), false, q).err()
    }

    #[test]
    fn shapes() {
        let s = shape(&ical::parse(EVENT));
        assert!(s.event_without_end && s.has_event && !s.has_method);
        assert_eq!(s.uid(), Some("a"));
        let ok = EVENT.replace("END:VEVENT", "DURATION:PT1H\r\nEND:VEVENT");
        assert!(!shape(&ical::parse(&ok)).event_without_end);
        let two = ok.replace(
            "END:VCALENDAR",
            "BEGIN:VEVENT\r\nUID:b\r\nDTSTART:20260101T100000Z\r\nDURATION:PT1H\r\nEND:VEVENT\r\nEND:VCALENDAR",
        );
        assert_eq!(shape(&ical::parse(&two)).uids, ["a", "b"]);
    }

    #[test]
    fn rules_refuse_with_their_preconditions_and_switch_off() {
        let q = Quirks::default();
        let ok = EVENT.replace("END:VEVENT", "DTEND:20260101T110000Z\r\nEND:VEVENT");
        assert_eq!(refusal(&ok, &q), None);
        assert_eq!(refusal(EVENT, &q), Some(Refusal::bare(404)));
        let method = ok.replace("VERSION:2.0", "VERSION:2.0\r\nMETHOD:REQUEST");
        assert_eq!(
            refusal(&method, &q),
            Some(Refusal::caldav(400, "valid-calendar-object-resource"))
        );
        let off = Quirks {
            refuse_method: false,
            olson_tzids_only: false,
            ..Quirks::default()
        };
        assert_eq!(refusal(&method, &off), None);
        let windows = ok.replace("DTSTART:", "DTSTART;TZID=\"W. Europe Standard Time\":");
        assert_eq!(
            refusal(&windows, &q),
            Some(Refusal::caldav(403, "valid-calendar-data"))
        );
        assert_eq!(refusal(&windows, &off), None);
        let small = Quirks {
            max_resource_size: Some(10),
            resource_size_status: 507,
            ..Quirks::default()
        };
        assert_eq!(
            refusal(&ok, &small),
            Some(Refusal::caldav(507, "max-resource-size"))
        );
    }

    #[test]
    fn olson_names_and_the_others() {
        for good in [
            "Europe/Berlin",
            "America/Argentina/Buenos_Aires",
            "Etc/GMT+5",
            "UTC",
            "US/Eastern",
        ] {
            assert!(is_olson(good), "{good}");
        }
        for bad in [
            "W. Europe Standard Time",
            "/mozilla.org/20050126_1/Europe/Berlin",
            "/freeassociation.sourceforge.net/Europe/Berlin",
            "GMT+0100",
            "Europe/",
            "Mars/Olympus",
        ] {
            assert!(!is_olson(bad), "{bad}");
        }
    }

    #[test]
    fn rewrites_duplicate_alarms_and_prodid() {
        let alarm = |uid: &str| {
            format!(
                "BEGIN:VALARM\r\nUID:{uid}\r\nACTION:DISPLAY\r\nTRIGGER:-PT5M\r\nEND:VALARM\r\n"
            )
        };
        let ics = EVENT.replace(
            "END:VEVENT",
            &format!("{}{}END:VEVENT", alarm("1"), alarm("2")),
        );
        let mut cal = ical::parse(&ics);
        assert!(normalise(&mut cal, &Quirks::default()));
        assert_eq!(ical::items(&cal).next().unwrap().children().count(), 1);
        assert!(!normalise(&mut cal, &Quirks::default()));
        let every = Quirks {
            rewrite_every_put: true,
            ..Quirks::default()
        };
        assert!(normalise(&mut cal, &every));
        assert!(ical::write(&cal).contains(ICLOUD_PRODID));
    }
}
