//! DATE and DATE-TIME values as [`EventTime`]s, with each TZID resolved once per resource (or
//! once per VCALENDAR of a whole file) against its VTIMEZONEs.

use crate::lexer::{Component, Property};
use crate::value::{parse_date, parse_date_time};
use crate::warning::{Warning, WarningKind};
use almanac_core::EventTime;
use chrono_tz::Tz;
use std::collections::HashMap;

/// Reads times with their TZIDs resolved once per resource (or once per VCALENDAR of a file).
pub(crate) struct Times<'a> {
    vtimezones: Vec<&'a Component<'a>>,
    /// Google's calendar-wide zone, applied to floating times (see [`crate::parse`]).
    wr_timezone: Option<Tz>,
    cache: HashMap<String, Option<Tz>>,
}

impl<'a> Times<'a> {
    /// Times read against the VTIMEZONEs among `components` and the `X-WR-TIMEZONE` of the
    /// first of `calendars` that has one.
    pub(crate) fn new(calendars: &[&'a Component<'a>], components: &[&'a Component<'a>]) -> Self {
        Times {
            vtimezones: components
                .iter()
                .copied()
                .filter(|c| c.name == "VTIMEZONE")
                .collect(),
            wr_timezone: calendars
                .iter()
                .find_map(|c| c.prop("X-WR-TIMEZONE"))
                .and_then(|p| crate::tz::iana(p.value.trim())),
            cache: HashMap::new(),
        }
    }
}

impl Times<'_> {
    fn zone(&mut self, tzid: &str, line: usize, warnings: &mut Vec<Warning>) -> Option<Tz> {
        if let Some(hit) = self.cache.get(tzid) {
            return *hit;
        }
        let tz = crate::tz::resolve(tzid, &self.vtimezones);
        if tz.is_none() {
            warnings.push(Warning::at(
                WarningKind::UnknownTimezone,
                line,
                format!("TZID {tzid:?} unknown; read as floating"),
            ));
        }
        self.cache.insert(tzid.to_owned(), tz);
        tz
    }

    /// One DATE or DATE-TIME value with the property's VALUE and TZID parameters.
    pub(crate) fn value(
        &mut self,
        prop: &Property,
        raw: &str,
        warnings: &mut Vec<Warning>,
    ) -> Option<EventTime> {
        let raw = raw.trim();
        if (prop
            .param("VALUE")
            .is_some_and(|v| v.eq_ignore_ascii_case("DATE"))
            || raw.len() == 8)
            && let Some(date) = parse_date(raw)
        {
            return Some(EventTime::Date { date });
        }
        let Some((local, utc)) = parse_date_time(raw) else {
            warnings.push(Warning::at(
                WarningKind::BadValue,
                prop.line,
                format!("{} value {raw:?} is not a date or date-time", prop.name),
            ));
            return None;
        };
        if utc {
            return Some(EventTime::Utc {
                instant: local.and_utc(),
            });
        }
        let zone = match prop.param("TZID") {
            Some(tzid) => self.zone(tzid, prop.line, warnings),
            None => self.wr_timezone,
        };
        Some(match zone {
            Some(tz) => EventTime::Zoned { local, tz },
            None => EventTime::Floating { local },
        })
    }

    /// The first `name` property of `c` as a time, if it has a usable one.
    pub(crate) fn single(
        &mut self,
        c: &Component,
        name: &str,
        warnings: &mut Vec<Warning>,
    ) -> Option<EventTime> {
        let prop = c.prop(name)?;
        self.value(prop, &prop.value, warnings)
    }
}
