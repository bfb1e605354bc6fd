//! A stored resource's text as physical lines, edited in place.
//!
//! Edits of a stored resource change only the content lines they mean to change: every other
//! line, folding and line end included, is copied byte for byte, so that X-APPLE-* properties,
//! VALARMs, ATTENDEEs, VTIMEZONEs and properties this crate has never heard of survive a round
//! trip (writing-caldav.md §1.4: "Keep the original ICS and patch it, rather than regenerating
//! it from your model"). A [`Doc`] is the text with its component tree (from our own lenient
//! lexer); a [`Patch`] replaces a range of physical lines; [`Doc::apply`] writes the result.
//! New lines are folded at 75 octets and TEXT values escaped as RFC 5545 §3.1 and §3.3.11 say.

use crate::event::Event;
use crate::lexer::{Component, Property, parse_components};
use crate::parse::event;
use crate::times::Times;
use almanac_core::EventTime;
use std::ops::Range;

/// Lines longer than this many octets are folded (RFC 5545 §3.1).
const FOLD_OCTETS: usize = 75;

/// Replaces the physical lines `at` (0-based, end exclusive; empty to insert) with `text`, which
/// holds whole lines with their line ends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Patch {
    pub at: Range<usize>,
    pub text: String,
}

impl Patch {
    pub(crate) fn insert(at: usize, text: String) -> Self {
        Patch { at: at..at, text }
    }

    pub(crate) fn remove(at: Range<usize>) -> Self {
        Patch {
            at,
            text: String::new(),
        }
    }
}

/// One VEVENT of the resource: its lines and, when it has a usable start, its parsed form.
pub(crate) struct Vevent<'d, 'a> {
    pub comp: &'d Component<'a>,
    pub event: Option<Event>,
}

impl Vevent<'_, '_> {
    /// `RECURRENCE-ID`, for overrides.
    pub(crate) fn rid(&self) -> Option<EventTime> {
        self.event.as_ref().and_then(|e| e.recurrence_id)
    }
}

/// The text of one resource, split into physical lines, with its component tree.
pub(crate) struct Doc<'a> {
    lines: Vec<&'a str>,
    /// The line end new lines get: the one the text already uses, so a patch never mixes them.
    pub eol: &'static str,
    roots: Vec<Component<'a>>,
}

impl<'a> Doc<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        let lines: Vec<&str> = text.split_inclusive('\n').collect();
        let eol = match lines.first() {
            Some(l) if !l.ends_with("\r\n") && l.ends_with('\n') => "\n",
            _ => "\r\n",
        };
        Doc {
            lines,
            eol,
            roots: parse_components(text, &mut Vec::new()),
        }
    }

    /// The VCALENDARs (or, without one, the loose top-level components, as [`crate::parse`]
    /// reads them).
    fn calendars(&self) -> Vec<&Component<'a>> {
        self.roots
            .iter()
            .filter(|c| c.name == "VCALENDAR")
            .collect()
    }

    /// The spans of the calendar-level properties called `name` (`METHOD`).
    pub(crate) fn calendar_props(&self, name: &str) -> Vec<Range<usize>> {
        self.calendars()
            .iter()
            .flat_map(|c| c.props(name))
            .map(|p| self.prop_span(p))
            .collect()
    }

    /// The components inside the VCALENDARs: VEVENTs, VTIMEZONEs and whatever else.
    pub(crate) fn components(&self) -> Vec<&Component<'a>> {
        let calendars = self.calendars();
        if calendars.is_empty() {
            return self.roots.iter().collect();
        }
        calendars.iter().flat_map(|c| c.children.iter()).collect()
    }

    /// A time reader that resolves TZIDs against this text's VTIMEZONEs.
    pub(crate) fn times(&self) -> Times<'_> {
        let calendars = self.calendars();
        Times::new(&calendars, &self.components())
    }

    /// The VEVENTs that share the first VEVENT's UID (a resource holds one UID; VEVENTs with
    /// another are left alone), with that UID.
    pub(crate) fn vevents(&self) -> (String, Vec<Vevent<'_, 'a>>) {
        let components = self.components();
        let mut times = self.times();
        let mut uid: Option<String> = None;
        let mut out = Vec::new();
        for c in components.into_iter().filter(|c| c.name == "VEVENT") {
            let this = c.prop("UID").map(|p| p.value.trim().to_owned());
            let this = this.unwrap_or_default();
            if uid.get_or_insert_with(|| this.clone()) != &this {
                continue;
            }
            let event = event(c, &mut times, &mut Vec::new());
            out.push(Vevent { comp: c, event });
        }
        (uid.unwrap_or_default(), out)
    }

    /// The physical lines of a property: its first line and its continuation lines.
    pub(crate) fn prop_span(&self, p: &Property) -> Range<usize> {
        let start = p.line.saturating_sub(1);
        let mut end = start + 1;
        while self
            .lines
            .get(end)
            .is_some_and(|l| l.starts_with([' ', '\t']))
        {
            end += 1;
        }
        start..end.min(self.lines.len())
    }

    /// A property's logical line as written, unfolded, without its line end.
    pub(crate) fn unfolded(&self, p: &Property) -> String {
        let mut out = String::new();
        for (i, line) in self
            .lines
            .get(self.prop_span(p))
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            let line = line.trim_end_matches(['\r', '\n']);
            out.push_str(if i == 0 {
                line
            } else {
                line.get(1..).unwrap_or("")
            });
        }
        out
    }

    /// The physical lines of a component, `BEGIN` to `END`.
    pub(crate) fn comp_span(&self, c: &Component) -> Range<usize> {
        c.first_line.saturating_sub(1)..c.last_line.min(self.lines.len())
    }

    /// Where lines go to end up last inside a component: before its `END`.
    pub(crate) fn end_line(&self, c: &Component) -> usize {
        if c.closed {
            c.last_line.saturating_sub(1)
        } else {
            c.last_line.min(self.lines.len())
        }
    }

    /// Where a new property of a component goes: after its properties, before its first
    /// subcomponent (RFC 5545 puts properties before VALARMs).
    pub(crate) fn prop_insert_line(&self, c: &Component) -> usize {
        c.children.first().map_or_else(
            || self.end_line(c),
            |child| child.first_line.saturating_sub(1),
        )
    }

    /// Where a new top-level component goes: before the first VEVENT, or before the calendar's
    /// `END`.
    pub(crate) fn first_event_line(&self) -> usize {
        if let Some(e) = self.components().into_iter().find(|c| c.name == "VEVENT") {
            return e.first_line.saturating_sub(1);
        }
        self.calendars()
            .first()
            .map_or(self.lines.len(), |c| self.end_line(c))
    }

    /// The whole text with `patches` applied.
    pub(crate) fn apply(&self, patches: Vec<Patch>) -> String {
        self.render(0..self.lines.len(), patches)
    }

    /// The lines `range` with the patches that fall inside it applied: how a component is
    /// copied with changes (an override made from its master, a series split off).
    ///
    /// Patches never overlap by construction (each property is set once per pass); an
    /// overlapping one would be a bug, caught by the debug assertion.
    pub(crate) fn render(&self, range: Range<usize>, mut patches: Vec<Patch>) -> String {
        patches.retain(|p| p.at.start >= range.start && p.at.end <= range.end);
        patches.sort_by_key(|p| (p.at.start, p.at.end));
        let mut out = String::new();
        let mut pos = range.start;
        for p in patches {
            debug_assert!(p.at.start >= pos, "overlapping patches {:?}", p.at);
            for line in self.lines.get(pos..p.at.start.max(pos)).unwrap_or_default() {
                out.push_str(line);
            }
            if !p.text.is_empty() && !out.is_empty() && !out.ends_with('\n') {
                out.push_str(self.eol);
            }
            out.push_str(&p.text);
            pos = pos.max(p.at.end);
        }
        for line in self.lines.get(pos..range.end).unwrap_or_default() {
            out.push_str(line);
        }
        out
    }
}

/// One logical line split as written: name, each parameter's raw text (`CN="Doe, J"`), value.
/// Re-joining the parts gives the line back unchanged, so a parameter can be replaced without
/// touching the others (quoted lists like `DELEGATED-TO="a","b"` included).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct RawLine<'l> {
    pub name: &'l str,
    pub params: Vec<&'l str>,
    pub value: &'l str,
}

impl<'l> RawLine<'l> {
    /// Splits an unfolded line; `None` when it has no colon after its parameters.
    pub(crate) fn split(line: &'l str) -> Option<Self> {
        let bytes = line.as_bytes();
        let end_of_name = bytes.iter().position(|&b| b == b';' || b == b':')?;
        let mut params = Vec::new();
        let mut pos = end_of_name;
        while bytes.get(pos) == Some(&b';') {
            let start = pos + 1;
            let mut quoted = false;
            pos = start;
            while let Some(&b) = bytes.get(pos) {
                match b {
                    b'"' => quoted = !quoted,
                    b';' | b':' if !quoted => break,
                    _ => {}
                }
                pos += 1;
            }
            params.push(line.get(start..pos)?);
        }
        if bytes.get(pos) != Some(&b':') {
            return None;
        }
        Some(RawLine {
            name: line.get(..end_of_name)?,
            params,
            value: line.get(pos + 1..)?,
        })
    }

    /// The first value of parameter `name`, unquoted.
    pub(crate) fn param(&self, name: &str) -> Option<&'l str> {
        self.params.iter().find_map(|p| {
            let (k, v) = p.split_once('=')?;
            k.trim().eq_ignore_ascii_case(name).then(|| {
                let v = v.trim();
                match v.strip_prefix('"') {
                    Some(quoted) => quoted.split('"').next().unwrap_or(quoted),
                    None => v.split(',').next().unwrap_or(v),
                }
            })
        })
    }

    /// The parameters other than those named in `drop`, as written.
    pub(crate) fn params_without(&self, drop: &[&str]) -> Vec<String> {
        self.params
            .iter()
            .filter(|p| {
                let name = p.split_once('=').map_or(**p, |(k, _)| k).trim();
                !drop.iter().any(|d| d.eq_ignore_ascii_case(name))
            })
            .map(|p| (*p).to_owned())
            .collect()
    }
}

/// A content line, folded, with its line end: `NAME;PARAM=...:value`. `params` are written as
/// given (`TZID=Europe/Berlin`); `value` must already be escaped as its type requires.
pub(crate) fn content_line(name: &str, params: &[String], value: &str, eol: &str) -> String {
    let mut line = String::from(name);
    for p in params {
        line.push(';');
        line.push_str(p);
    }
    line.push(':');
    line.push_str(value);
    fold(&line, eol)
}

/// Folds a logical line so that no physical line exceeds 75 octets, never inside a UTF-8
/// character (RFC 5545 §3.1), and ends it with `eol`.
pub(crate) fn fold(line: &str, eol: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 64 * 3 + 2);
    let mut octets = 0;
    for ch in line.chars() {
        let n = ch.len_utf8();
        if octets + n > FOLD_OCTETS {
            out.push_str(eol);
            out.push(' ');
            octets = 1;
        }
        out.push(ch);
        octets += n;
    }
    out.push_str(eol);
    out
}

/// Text as a user typed it, made safe for any value: line breaks become `\n` (a bare CR would
/// end the content line) and other control characters, which CalendarServer refuses with a 403
/// (writing-caldav.md §1.4), are dropped.
pub(crate) fn clean_text(s: &str) -> String {
    s.replace("\r\n", "\n")
        .replace('\r', "\n")
        .chars()
        .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
        .collect()
}

/// A TEXT value escaped (RFC 5545 §3.3.11): backslash, semicolon, comma and newline.
pub(crate) fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in clean_text(s).chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

/// A parameter value, quoted when it holds `:`, `;` or `,` (RFC 5545 §3.2); a double quote,
/// which no parameter value may hold, is dropped.
pub(crate) fn param_value(s: &str) -> String {
    let s: String = clean_text(s)
        .chars()
        .filter(|c| *c != '"' && *c != '\n')
        .collect();
    if s.contains([':', ';', ',']) {
        format!("\"{s}\"")
    } else {
        s
    }
}

/// The parameter (`VALUE=DATE` or `TZID=...`) and value a time is written with.
pub(crate) fn time_value(t: &EventTime) -> (Option<String>, String) {
    match t {
        EventTime::Date { date } => (
            Some("VALUE=DATE".to_owned()),
            date.format("%Y%m%d").to_string(),
        ),
        EventTime::Floating { local } => (None, local.format("%Y%m%dT%H%M%S").to_string()),
        EventTime::Utc { instant } => (None, instant.format("%Y%m%dT%H%M%SZ").to_string()),
        EventTime::Zoned { local, tz } => (
            Some(format!("TZID={}", param_value(tz.name()))),
            local.format("%Y%m%dT%H%M%S").to_string(),
        ),
    }
}

/// A time property (`DTSTART`, `EXDATE`, ...) keeping the parameters of `old` other than VALUE
/// and TZID, which the new value decides.
pub(crate) fn time_line(name: &str, old: Option<&RawLine>, t: &EventTime, eol: &str) -> String {
    let mut params = old.map_or_else(Vec::new, |o| o.params_without(&["VALUE", "TZID"]));
    let (param, value) = time_value(t);
    params.extend(param);
    content_line(name, &params, &value, eol)
}

/// A DURATION value (RFC 5545 §3.3.6): `-PT15M`, `P1D`, `PT25H`, `PT0S`.
pub(crate) fn duration_value(d: crate::value::IcalDuration) -> String {
    let negative = d.is_negative();
    let (days, seconds) = if negative {
        (-d.days, -d.seconds)
    } else {
        (d.days, d.seconds)
    };
    let mut out = String::from(if negative { "-P" } else { "P" });
    if days != 0 {
        out.push_str(&format!("{days}D"));
    }
    if seconds != 0 || days == 0 {
        out.push('T');
        let (h, m, s) = (seconds / 3600, seconds % 3600 / 60, seconds % 60);
        if h != 0 {
            out.push_str(&format!("{h}H"));
        }
        if m != 0 {
            out.push_str(&format!("{m}M"));
        }
        if s != 0 || seconds == 0 {
            out.push_str(&format!("{s}S"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::IcalDuration;

    #[test]
    fn folding_keeps_lines_within_75_octets_and_characters_whole() {
        let line = format!("SUMMARY:{}", "Straße ".repeat(30));
        let folded = fold(&line, "\r\n");
        for physical in folded.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(physical.len() <= 75, "{physical:?}");
        }
        let unfolded = folded.replace("\r\n ", "");
        assert_eq!(unfolded.strip_suffix("\r\n"), Some(line.as_str()));
    }

    #[test]
    fn raw_lines_split_and_rejoin_with_quoted_parameters() {
        let line = r#"ATTENDEE;CN="Doe, J";DELEGATED-TO="mailto:a@x","mailto:b@x";PARTSTAT=NEEDS-ACTION:mailto:j@x"#;
        let raw = RawLine::split(line).unwrap();
        assert_eq!(raw.name, "ATTENDEE");
        assert_eq!(raw.params.len(), 3);
        assert_eq!(raw.param("cn"), Some("Doe, J"));
        assert_eq!(raw.param("PARTSTAT"), Some("NEEDS-ACTION"));
        assert_eq!(raw.value, "mailto:j@x");
        let rejoined = content_line(raw.name, &raw.params_without(&[]), raw.value, "\n");
        assert_eq!(rejoined.replace("\n ", "").trim_end(), line);
        assert_eq!(raw.params_without(&["cn", "partstat"]).len(), 1);
        assert!(RawLine::split("no colon").is_none());
    }

    #[test]
    fn text_is_escaped_and_cleaned() {
        assert_eq!(escape_text("a;b,c\\d\r\ne\u{7}"), "a\\;b\\,c\\\\d\\ne");
        assert_eq!(param_value("Doe, \"J\""), "\"Doe, J\"");
    }

    #[test]
    fn durations_are_written_as_rfc_5545_reads_them() {
        let d = |days, seconds| duration_value(IcalDuration { days, seconds });
        assert_eq!(d(0, -900), "-PT15M");
        assert_eq!(d(1, 0), "P1D");
        assert_eq!(d(0, 25 * 3600), "PT25H");
        assert_eq!(d(0, 0), "PT0S");
        assert_eq!(d(-1, -3661), "-P1DT1H1M1S");
    }

    #[test]
    fn patches_replace_insert_and_remove_lines() {
        let text = "BEGIN:VEVENT\r\nSUMMARY:a\r\n long\r\nUID:x\r\nEND:VEVENT\r\n";
        let doc = Doc::new(text);
        let (_, events) = doc.vevents();
        let summary = events[0].comp.prop("SUMMARY").unwrap();
        assert_eq!(doc.prop_span(summary), 1..3);
        assert_eq!(doc.unfolded(summary), "SUMMARY:along");
        let out = doc.apply(vec![
            Patch {
                at: doc.prop_span(summary),
                text: "SUMMARY:b\r\n".into(),
            },
            Patch::insert(doc.end_line(events[0].comp), "LOCATION:c\r\n".into()),
        ]);
        assert_eq!(
            out,
            "BEGIN:VEVENT\r\nSUMMARY:b\r\nUID:x\r\nLOCATION:c\r\nEND:VEVENT\r\n"
        );
    }
}
