//! Content lines (RFC 5545 §3.1) and the component tree they form.
//!
//! Our own rather than the `icalendar` crate's parser, for two measured reasons: it keeps going
//! where real calendars are broken (below), and it is faster while doing more. In one run of
//! `cargo bench -p almanac-ical --bench ical -- --quick` (two cores), our whole parse of a
//! 1.2 KB iCloud event (lexing, typing, time zones, alarms) took 3.6 µs and `icalendar` 0.17's
//! `unfold` and `read_calendar` alone 16.7 µs, against a budget of 20 µs for the whole parse.
//!
//! # Quirks
//! Real calendars contain lines without a colon, stray `END:` lines, components that are never
//! closed and bare LF line ends. `icalendar`'s nom parser rejects the whole document on any of
//! these (measured: one colon-less line or a missing `END:VEVENT` fails `read_calendar`), so this
//! lexer skips the offending line, records a [`Warning`] and carries on.

use crate::warning::{Warning, WarningKind};
use std::borrow::Cow;

/// One unfolded content line: `NAME;PARAM=VALUE:value`. Borrows from the input unless the
/// line was folded or its names needed upper-casing: allocation was half the parse time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Property<'a> {
    /// The property name, upper-cased (names are case-insensitive).
    pub name: Cow<'a, str>,
    /// Parameters in order, names upper-cased, values with surrounding quotes removed.
    pub params: Vec<(Cow<'a, str>, Cow<'a, str>)>,
    /// The raw value, still escaped.
    pub value: Cow<'a, str>,
    /// The 1-based line of the input where the property starts.
    pub line: usize,
}

impl Property<'_> {
    /// The first value of a parameter, if present.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_ref())
    }
}

/// A `BEGIN:X` ... `END:X` block with its properties and nested components.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Component<'a> {
    /// The component name, upper-cased (`VEVENT`, `VALARM`, ...).
    pub name: Cow<'a, str>,
    /// Properties in input order, duplicates kept.
    pub properties: Vec<Property<'a>>,
    /// Nested components in input order.
    pub children: Vec<Component<'a>>,
    /// The 1-based physical line of its `BEGIN`: with `last_line`, what lets a whole-file
    /// reader cut one object's text out of the file unchanged.
    pub first_line: usize,
    /// The 1-based physical line of its `END`, or, when it was never closed, the line before
    /// whatever closed it (or the file's last line).
    pub last_line: usize,
    /// Whether its own `END` line was found.
    pub closed: bool,
}

impl<'a> Component<'a> {
    /// The first property of that name.
    pub fn prop(&self, name: &str) -> Option<&Property<'a>> {
        self.properties.iter().find(|p| p.name == name)
    }

    /// All properties of that name.
    pub fn props<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'s Property<'a>> + 's {
        self.properties.iter().filter(move |p| p.name == name)
    }
}

/// Splits text into unfolded logical lines with the line number each starts on.
fn unfold(text: &str) -> Vec<(usize, Cow<'_, str>)> {
    let mut out: Vec<(usize, Cow<'_, str>)> = Vec::new();
    for (i, physical) in text.split('\n').enumerate() {
        let physical = physical.strip_suffix('\r').unwrap_or(physical);
        if let Some(rest) = physical
            .strip_prefix(' ')
            .or_else(|| physical.strip_prefix('\t'))
            && let Some(last) = out.last_mut()
        {
            last.1.to_mut().push_str(rest);
            continue;
        }
        if physical.trim().is_empty() {
            continue;
        }
        out.push((i + 1, Cow::Borrowed(physical)));
    }
    out
}

/// Parses one logical line; `None` when it has no name or no colon.
fn parse_line<'a>(cow: &Cow<'a, str>, number: usize) -> Option<Property<'a>> {
    let line: &str = cow;
    // A slice of the line, borrowed from the input when the line itself is.
    let take = |from: usize, to: usize| -> Option<Cow<'a, str>> {
        match cow {
            Cow::Borrowed(s) => s.get(from..to).map(Cow::Borrowed),
            Cow::Owned(s) => s.get(from..to).map(|v| Cow::Owned(v.to_owned())),
        }
    };
    let bytes = line.as_bytes();
    let name_end = bytes
        .iter()
        .position(|&b| b == b';' || b == b':')
        .unwrap_or(bytes.len());
    let name = line.get(..name_end)?.trim();
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        return None;
    }
    let mut params = Vec::new();
    let mut pos = name_end;
    while bytes.get(pos) == Some(&b';') {
        pos += 1;
        let key_end = pos + bytes.get(pos..)?.iter().position(|&b| b == b'=')?;
        let key = upper(take(pos, key_end)?);
        pos = key_end + 1;
        let (value, next) = if bytes.get(pos) == Some(&b'"') {
            let close = pos + 1 + bytes.get(pos + 1..)?.iter().position(|&b| b == b'"')?;
            // A quoted value may be followed by more comma-separated values.
            let rest_end = close
                + 1
                + bytes
                    .get(close + 1..)?
                    .iter()
                    .position(|&b| b == b';' || b == b':')?;
            (take(pos + 1, close)?, rest_end)
        } else {
            let end = pos
                + bytes
                    .get(pos..)?
                    .iter()
                    .position(|&b| b == b';' || b == b':')?;
            (take(pos, end)?, end)
        };
        params.push((key, value));
        pos = next;
    }
    if bytes.get(pos) != Some(&b':') {
        return None;
    }
    let name_start = line.len() - line.trim_start().len();
    Some(Property {
        name: upper(take(name_start, name_start + name.len())?),
        params,
        value: take(pos + 1, line.len())?,
        line: number,
    })
}

/// Trimmed and upper-cased, allocating only when the text was not already so.
fn upper(s: Cow<'_, str>) -> Cow<'_, str> {
    let trimmed = s.trim();
    if trimmed.len() == s.len() && !s.bytes().any(|b| b.is_ascii_lowercase()) {
        return s;
    }
    Cow::Owned(trimmed.to_ascii_uppercase())
}

/// Parses text into its top-level components, leniently: bad lines and broken nesting become
/// warnings, never errors.
pub(crate) fn parse_components<'a>(
    text: &'a str,
    warnings: &mut Vec<Warning>,
) -> Vec<Component<'a>> {
    let mut roots = Vec::new();
    let mut stack: Vec<Component> = Vec::new();
    for (number, line) in unfold(text) {
        let Some(prop) = parse_line(&line, number) else {
            warnings.push(Warning::at(
                WarningKind::BadLine,
                number,
                "not a content line; skipped",
            ));
            continue;
        };
        match prop.name.as_ref() {
            "BEGIN" => stack.push(Component {
                name: upper(prop.value),
                first_line: number,
                ..Component::default()
            }),
            "END" => {
                let name = prop.value.trim().to_ascii_uppercase();
                if !stack.iter().any(|c| c.name == name) {
                    warnings.push(Warning::at(
                        WarningKind::Structure,
                        number,
                        format!("END:{name} without BEGIN; skipped"),
                    ));
                    continue;
                }
                while let Some(mut done) = stack.pop() {
                    let matched = done.name == name;
                    done.last_line = if matched {
                        number
                    } else {
                        number.saturating_sub(1).max(done.first_line)
                    };
                    done.closed = matched;
                    if !matched {
                        warnings.push(Warning::at(
                            WarningKind::Structure,
                            number,
                            format!("{} was never closed", done.name),
                        ));
                    }
                    attach(&mut stack, &mut roots, done);
                    if matched {
                        break;
                    }
                }
            }
            _ => match stack.last_mut() {
                Some(current) => current.properties.push(prop),
                None => warnings.push(Warning::at(
                    WarningKind::Structure,
                    number,
                    "property outside any component; skipped",
                )),
            },
        }
    }
    let physical_lines = if stack.is_empty() {
        0
    } else {
        text.split('\n').count()
    };
    while let Some(mut done) = stack.pop() {
        done.last_line = physical_lines.max(done.first_line);
        warnings.push(Warning::new(
            WarningKind::Structure,
            format!("{} was never closed", done.name),
        ));
        attach(&mut stack, &mut roots, done);
    }
    roots
}

fn attach<'a>(stack: &mut [Component<'a>], roots: &mut Vec<Component<'a>>, done: Component<'a>) {
    match stack.last_mut() {
        Some(parent) => parent.children.push(done),
        None => roots.push(done),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unfolds_and_reads_parameters() {
        let text = "BEGIN:VEVENT\r\nDTSTART;TZID=\"Eur;ope:x\";VALUE=DATE-TIME:2026\r\n 0101T100000\r\nEND:VEVENT\r\n";
        let mut w = Vec::new();
        let roots = parse_components(text, &mut w);
        assert!(w.is_empty(), "{w:?}");
        let p = roots[0].prop("DTSTART").unwrap();
        assert_eq!(p.param("TZID"), Some("Eur;ope:x"));
        assert_eq!(p.param("VALUE"), Some("DATE-TIME"));
        assert_eq!(p.value, "20260101T100000");
        assert_eq!(p.line, 2);
    }

    #[test]
    fn bad_lines_and_unclosed_components_are_warnings() {
        let text =
            "BEGIN:VCALENDAR\nBEGIN:VEVENT\nno colon here\nSUMMARY:x\nEND:VCALENDAR\nEND:VTODO\n";
        let mut w = Vec::new();
        let roots = parse_components(text, &mut w);
        assert_eq!(roots.len(), 1);
        assert_eq!(roots[0].children[0].prop("SUMMARY").unwrap().value, "x");
        let kinds: Vec<_> = w.iter().map(|w| w.kind).collect();
        assert_eq!(
            kinds,
            [
                WarningKind::BadLine,
                WarningKind::Structure,
                WarningKind::Structure
            ]
        );
    }
}
