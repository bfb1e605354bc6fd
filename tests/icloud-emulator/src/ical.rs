//! iCalendar text at the depth the write rules need (RFC 5545 §3.1): unfolded content lines
//! split into name, parameters and value, components as a tree that keeps the order of their
//! properties and subcomponents, and folding on the way back out. Only what the emulator
//! rewrites is ever re-serialised; an object it leaves alone is forwarded byte for byte.

/// Unfolded content lines: CRLF or LF line ends; a line starting with a space or tab
/// continues the previous one.
pub fn unfold(ics: &str) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for raw in ics.split('\n') {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        match (
            raw.strip_prefix(' ').or_else(|| raw.strip_prefix('\t')),
            lines.last_mut(),
        ) {
            (Some(cont), Some(last)) => last.push_str(cont),
            _ => lines.push(raw.to_string()),
        }
    }
    lines
}

/// Where the name, each parameter and the value of a content line end: `;` and `:` count
/// only outside double quotes (a quoted `CN="Doe; Jane"` does not split).
fn split_unquoted(line: &str) -> (Vec<&str>, &str) {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut quoted = false;
    for (i, c) in line.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ';' if !quoted => {
                parts.push(&line[start..i]);
                start = i + 1;
            }
            ':' if !quoted => {
                parts.push(&line[start..i]);
                return (parts, &line[i + 1..]);
            }
            _ => {}
        }
    }
    parts.push(&line[start..]);
    (parts, "")
}

/// One content line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// The property name, upper-cased.
    pub name: String,
    /// Parameters in order: the name upper-cased, the value as written (quotes kept).
    pub params: Vec<(String, String)>,
    /// The value, as written.
    pub value: String,
}

impl Line {
    /// Splits an unfolded content line.
    pub fn parse(raw: &str) -> Self {
        let (parts, value) = split_unquoted(raw);
        let mut parts = parts.into_iter();
        let name = parts.next().unwrap_or_default().trim().to_ascii_uppercase();
        let params = parts
            .map(|p| match p.split_once('=') {
                Some((k, v)) => (k.trim().to_ascii_uppercase(), v.to_string()),
                None => (p.trim().to_ascii_uppercase(), String::new()),
            })
            .collect();
        Self {
            name,
            params,
            value: value.to_string(),
        }
    }

    /// A parameter's value without its surrounding quotes.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim_matches('"'))
    }

    /// Sets a parameter (quoted when its value holds `:`, `;` or `,`); returns whether the
    /// line changed.
    pub fn set_param(&mut self, name: &str, value: &str) -> bool {
        let written = if value.contains([':', ';', ',']) {
            format!("\"{value}\"")
        } else {
            value.to_string()
        };
        match self
            .params
            .iter_mut()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
        {
            Some((_, v)) if *v == written => false,
            Some((_, v)) => {
                *v = written;
                true
            }
            None => {
                self.params.push((name.to_ascii_uppercase(), written));
                true
            }
        }
    }

    /// The line as text, unfolded.
    pub fn write(&self) -> String {
        let mut out = self.name.clone();
        for (k, v) in &self.params {
            out.push(';');
            out.push_str(k);
            out.push('=');
            out.push_str(v);
        }
        out.push(':');
        out.push_str(&self.value);
        out
    }
}

/// A property or a subcomponent, in the order the text has them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// A property.
    Prop(Line),
    /// A nested component.
    Comp(Component),
}

/// One `BEGIN:X` … `END:X` block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Component {
    /// The component name, upper-cased (`VEVENT`).
    pub name: String,
    /// Its properties and subcomponents in order.
    pub items: Vec<Item>,
}

impl Component {
    /// Its properties.
    pub fn props(&self) -> impl Iterator<Item = &Line> {
        self.items.iter().filter_map(|i| match i {
            Item::Prop(l) => Some(l),
            Item::Comp(_) => None,
        })
    }

    /// Its properties, mutably.
    pub fn props_mut(&mut self) -> impl Iterator<Item = &mut Line> {
        self.items.iter_mut().filter_map(|i| match i {
            Item::Prop(l) => Some(l),
            Item::Comp(_) => None,
        })
    }

    /// Its subcomponents.
    pub fn children(&self) -> impl Iterator<Item = &Component> {
        self.items.iter().filter_map(|i| match i {
            Item::Comp(c) => Some(c),
            Item::Prop(_) => None,
        })
    }

    /// Its subcomponents, mutably.
    pub fn children_mut(&mut self) -> impl Iterator<Item = &mut Component> {
        self.items.iter_mut().filter_map(|i| match i {
            Item::Comp(c) => Some(c),
            Item::Prop(_) => None,
        })
    }

    /// The first property of this name.
    pub fn prop(&self, name: &str) -> Option<&Line> {
        self.props().find(|l| l.name == name)
    }

    /// The value of the first property of this name, trimmed.
    pub fn value(&self, name: &str) -> Option<&str> {
        self.prop(name).map(|l| l.value.trim())
    }

    /// Every property in this component and below it, depth first.
    pub fn all_props(&self) -> Vec<&Line> {
        let mut out = Vec::new();
        for item in &self.items {
            match item {
                Item::Prop(l) => out.push(l),
                Item::Comp(c) => out.extend(c.all_props()),
            }
        }
        out
    }

    fn write_into(&self, out: &mut String) {
        push_folded(out, &format!("BEGIN:{}", self.name));
        for item in &self.items {
            match item {
                Item::Prop(l) => push_folded(out, &l.write()),
                Item::Comp(c) => c.write_into(out),
            }
        }
        push_folded(out, &format!("END:{}", self.name));
    }
}

/// The top-level components of a text (normally one `VCALENDAR`). Lines outside any
/// component, and unclosed components, are kept as far as they go: the write rules judge
/// what is there, and Radicale refuses what is not iCalendar at all.
pub fn parse(ics: &str) -> Vec<Component> {
    let mut stack: Vec<Component> = Vec::new();
    let mut top = Vec::new();
    for raw in unfold(ics) {
        if raw.trim().is_empty() {
            continue;
        }
        let line = Line::parse(&raw);
        match line.name.as_str() {
            "BEGIN" => stack.push(Component {
                name: line.value.trim().to_ascii_uppercase(),
                items: Vec::new(),
            }),
            "END" => {
                let Some(done) = stack.pop() else { continue };
                match stack.last_mut() {
                    Some(parent) => parent.items.push(Item::Comp(done)),
                    None => top.push(done),
                }
            }
            _ => {
                if let Some(current) = stack.last_mut() {
                    current.items.push(Item::Prop(line));
                }
            }
        }
    }
    while let Some(open) = stack.pop() {
        match stack.last_mut() {
            Some(parent) => parent.items.push(Item::Comp(open)),
            None => top.push(open),
        }
    }
    top
}

/// The components as text: CRLF line ends, lines folded at 75 octets.
pub fn write(components: &[Component]) -> String {
    let mut out = String::new();
    for c in components {
        c.write_into(&mut out);
    }
    out
}

/// Appends one line folded at 75 octets (never inside a UTF-8 sequence), then CRLF.
fn push_folded(out: &mut String, line: &str) {
    let mut width = 0;
    for c in line.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out.push_str("\r\n");
}

/// The scheduling components of a calendar (`VEVENT`, `VTODO`, `VJOURNAL`, `VFREEBUSY`),
/// the ones that carry a UID of the resource (not `VTIMEZONE`, not nested `VALARM`s).
pub fn items(calendar: &[Component]) -> impl Iterator<Item = &Component> {
    calendar.iter().flat_map(Component::children).filter(|c| {
        matches!(
            c.name.as_str(),
            "VEVENT" | "VTODO" | "VJOURNAL" | "VFREEBUSY"
        )
    })
}

/// Like [`items`], mutably.
pub fn items_mut(calendar: &mut [Component]) -> impl Iterator<Item = &mut Component> {
    calendar
        .iter_mut()
        .flat_map(Component::children_mut)
        .filter(|c| {
            matches!(
                c.name.as_str(),
                "VEVENT" | "VTODO" | "VJOURNAL" | "VFREEBUSY"
            )
        })
}

/// Whether a calendar user address names `account` (`mailto:` compared case-insensitively,
/// RFC 6638 §3.1 matches addresses of the collection's owner).
pub fn same_address(a: &str, b: &str) -> bool {
    let strip = |s: &str| {
        let s = s.trim();
        match s.get(..7) {
            Some(p) if p.eq_ignore_ascii_case("mailto:") => s[7..].to_ascii_lowercase(),
            _ => s.to_ascii_lowercase(),
        }
    };
    strip(a) == strip(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_split_outside_quotes_and_write_back() {
        let l = Line::parse("ATTENDEE;CN=\"Doe; Jane: PhD\";PARTSTAT=ACCEPTED:mailto:j@x.org");
        assert_eq!(l.name, "ATTENDEE");
        assert_eq!(l.param("cn"), Some("Doe; Jane: PhD"));
        assert_eq!(l.value, "mailto:j@x.org");
        let mut l2 = l.clone();
        assert!(!l2.set_param("PARTSTAT", "ACCEPTED"));
        assert!(l2.set_param("SCHEDULE-STATUS", "1.2"));
        assert_eq!(
            l2.write(),
            "ATTENDEE;CN=\"Doe; Jane: PhD\";PARTSTAT=ACCEPTED;SCHEDULE-STATUS=1.2:mailto:j@x.org"
        );
        assert_eq!(Line::parse("DTSTART:2026").params, vec![]);
    }

    #[test]
    fn components_nest_keep_order_and_fold() {
        let ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:a\r\nBEGIN:VALARM\r\nTRIGGER:-PT5M\r\nEND:VALARM\r\nSUMMARY:x\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        let cal = parse(ics);
        assert_eq!(write(&cal), ics);
        let ev = items(&cal).next().unwrap();
        assert_eq!(ev.value("UID"), Some("a"));
        assert_eq!(ev.children().count(), 1);
        let long = format!("SUMMARY:{}", "é".repeat(60));
        let mut out = String::new();
        push_folded(&mut out, &long);
        assert!(out.split("\r\n").all(|l| l.len() <= 75));
        assert_eq!(unfold(&out)[0], long);
    }

    #[test]
    fn addresses_compare_without_case_or_scheme_case() {
        assert!(same_address("MAILTO:A@iCloud.com", "mailto:a@icloud.com"));
        assert!(!same_address("mailto:b@icloud.com", "mailto:a@icloud.com"));
    }
}
