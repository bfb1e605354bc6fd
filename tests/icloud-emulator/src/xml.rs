//! A small XML tree: parse WebDAV bodies (from clients and from Radicale) by namespace URI, and
//! write them back in iCloud's style — no prefixes, a default `xmlns` declared on each element
//! whose namespace differs from its parent's, and `calendar-data` wrapped in CDATA.

use quick_xml::NsReader;
use quick_xml::events::Event;
use quick_xml::name::ResolveResult;

/// The `DAV:` namespace.
pub const DAV: &str = "DAV:";
/// The CalDAV namespace.
pub const CALDAV: &str = "urn:ietf:params:xml:ns:caldav";
/// The calendarserver.org namespace (getctag, subscribed, source).
pub const CS: &str = "http://calendarserver.org/ns/";
/// Apple's iCal namespace (calendar-color, calendar-order).
pub const ICAL: &str = "http://apple.com/ns/ical/";

/// How deep a body may nest before it is refused (bounded input).
const MAX_DEPTH: usize = 64;

/// One element: namespace URI, local name, plain (unprefixed) attributes and children.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element {
    /// Namespace URI (empty when unbound).
    pub ns: String,
    /// Local name.
    pub name: String,
    /// Unprefixed attributes other than namespace declarations, unescaped.
    pub attrs: Vec<(String, String)>,
    /// Child nodes in order.
    pub children: Vec<Node>,
}

/// A child of an element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    /// A nested element.
    Element(Element),
    /// Character data (text or CDATA), unescaped.
    Text(String),
}

/// Why a body is not XML we can read.
#[derive(Debug, thiserror::Error)]
#[error("malformed XML: {0}")]
pub struct XmlError(pub String);

impl Element {
    /// A new element without attributes or children.
    pub fn new(ns: &str, name: &str) -> Self {
        Self {
            ns: ns.to_string(),
            name: name.to_string(),
            attrs: Vec::new(),
            children: Vec::new(),
        }
    }

    /// Appends a child element (builder style).
    #[must_use]
    pub fn child(mut self, child: Element) -> Self {
        self.children.push(Node::Element(child));
        self
    }

    /// Appends text (builder style).
    #[must_use]
    pub fn text(mut self, text: &str) -> Self {
        self.children.push(Node::Text(text.to_string()));
        self
    }

    /// Adds an attribute (builder style).
    #[must_use]
    pub fn attr(mut self, name: &str, value: &str) -> Self {
        self.attrs.push((name.to_string(), value.to_string()));
        self
    }

    /// Whether this element is `{ns}name`.
    pub fn is(&self, ns: &str, name: &str) -> bool {
        self.ns == ns && self.name == name
    }

    /// Child elements.
    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            Node::Text(_) => None,
        })
    }

    /// Mutable child elements.
    pub fn elements_mut(&mut self) -> impl Iterator<Item = &mut Element> {
        self.children.iter_mut().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            Node::Text(_) => None,
        })
    }

    /// The first child `{ns}name`.
    pub fn find(&self, ns: &str, name: &str) -> Option<&Element> {
        self.elements().find(|e| e.is(ns, name))
    }

    /// All descendants (depth first, self excluded) named `{ns}name`.
    pub fn descendants<'a>(&'a self, ns: &'a str, name: &'a str, out: &mut Vec<&'a Element>) {
        for e in self.elements() {
            if e.is(ns, name) {
                out.push(e);
            }
            e.descendants(ns, name, out);
        }
    }

    /// The concatenated text of the direct text children, trimmed.
    pub fn text_content(&self) -> String {
        let mut s = String::new();
        for n in &self.children {
            if let Node::Text(t) = n {
                s.push_str(t);
            }
        }
        s.trim().to_string()
    }

    /// Replaces all children with one text node.
    pub fn set_text(&mut self, text: &str) {
        self.children = vec![Node::Text(text.to_string())];
    }

    /// The value of an unprefixed attribute.
    pub fn attr_value(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Parses a document and returns its root element; whitespace-only text is dropped.
///
/// # Errors
/// When the body is not well-formed XML, nests deeper than 64, or has no root element.
pub fn parse(body: &str) -> Result<Element, XmlError> {
    let mut reader = NsReader::from_str(body);
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    loop {
        let (ns, event) = reader
            .read_resolved_event()
            .map_err(|e| XmlError(e.to_string()))?;
        let ns = match ns {
            ResolveResult::Bound(ns) => AsRef::<str>::as_ref(&ns).to_string(),
            ResolveResult::Unbound => String::new(),
            ResolveResult::Unknown(p) => return Err(XmlError(format!("unknown prefix {p}"))),
        };
        let (start, empty) = match event {
            Event::Start(start) => (start, false),
            Event::Empty(start) => (start, true),
            Event::End(_) => {
                close(&mut stack, &mut root);
                continue;
            }
            Event::Text(t) => {
                push_text(&mut stack, &t.xml10_content());
                continue;
            }
            Event::CData(t) => {
                push_text(&mut stack, &t.xml10_content());
                continue;
            }
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref().map_err(|e| XmlError(e.to_string()))? {
                    Some(c) => c.to_string(),
                    None => match AsRef::<str>::as_ref(&r.xml10_content()) {
                        "amp" => "&".into(),
                        "lt" => "<".into(),
                        "gt" => ">".into(),
                        "quot" => "\"".into(),
                        "apos" => "'".into(),
                        other => return Err(XmlError(format!("unknown entity &{other};"))),
                    },
                };
                push_text(&mut stack, &resolved);
                continue;
            }
            Event::Eof => break,
            _ => continue,
        };
        if root.is_some() {
            return Err(XmlError("content after the root element".into()));
        }
        let mut el = Element::new(&ns, AsRef::<str>::as_ref(&start.local_name()));
        for attr in start.attributes() {
            let attr = attr.map_err(|e| XmlError(e.to_string()))?;
            let key: &str = attr.key.as_ref();
            if key == "xmlns" || key.contains(':') {
                continue;
            }
            let value = attr
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map_err(|e| XmlError(e.to_string()))?
                .into_owned();
            el.attrs.push((key.to_string(), value));
        }
        if stack.len() >= MAX_DEPTH {
            return Err(XmlError("nested too deeply".into()));
        }
        stack.push(el);
        if empty {
            close(&mut stack, &mut root);
        }
    }
    if !stack.is_empty() {
        return Err(XmlError("unclosed element".into()));
    }
    root.ok_or_else(|| XmlError("no root element".into()))
}

fn close(stack: &mut Vec<Element>, root: &mut Option<Element>) {
    if let Some(done) = stack.pop() {
        match stack.last_mut() {
            Some(parent) => parent.children.push(Node::Element(done)),
            None => *root = Some(done),
        }
    }
}

fn push_text(stack: &mut [Element], text: &str) {
    let Some(top) = stack.last_mut() else { return };
    if let Some(Node::Text(prev)) = top.children.last_mut() {
        prev.push_str(text);
    } else if !text.trim().is_empty() {
        top.children.push(Node::Text(text.to_string()));
    }
}

/// Writes a document in iCloud's style (see the module doc).
pub fn write(root: &Element) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    write_element(root, "", &mut out);
    out
}

fn write_element(el: &Element, inherited_ns: &str, out: &mut String) {
    out.push('<');
    out.push_str(&el.name);
    if el.ns != inherited_ns {
        out.push_str(" xmlns=\"");
        escape_into(&el.ns, true, out);
        out.push('"');
    }
    for (k, v) in &el.attrs {
        out.push(' ');
        out.push_str(k);
        out.push_str("=\"");
        escape_into(v, true, out);
        out.push('"');
    }
    if el.children.is_empty() {
        out.push_str("/>");
        return;
    }
    out.push('>');
    let cdata = el.is(CALDAV, "calendar-data");
    for child in &el.children {
        match child {
            Node::Element(c) => write_element(c, &el.ns, out),
            Node::Text(t) if cdata => {
                out.push_str("<![CDATA[");
                // A `]]>` inside the data ends one section and opens the next.
                out.push_str(&t.replace("]]>", "]]]]><![CDATA[>"));
                out.push_str("]]>");
            }
            Node::Text(t) => escape_into(t, false, out),
        }
    }
    out.push_str("</");
    out.push_str(&el.name);
    out.push('>');
}

fn escape_into(s: &str, attr: bool, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attr => out.push_str("&quot;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_by_namespace_and_writes_default_namespaces() {
        let body = "<?xml version='1.0'?><D:multistatus xmlns:D=\"DAV:\" xmlns:C=\"urn:ietf:params:xml:ns:caldav\">\
            <D:response><D:href>/a&amp;b/</D:href><C:calendar-data>BEGIN:X\r\nEND:X</C:calendar-data></D:response></D:multistatus>";
        let root = parse(body).unwrap();
        assert!(root.is(DAV, "multistatus"));
        let resp = root.find(DAV, "response").unwrap();
        assert_eq!(resp.find(DAV, "href").unwrap().text_content(), "/a&b/");
        let out = write(&root);
        assert!(
            out.contains("<multistatus xmlns=\"DAV:\"><response><href>/a&amp;b/</href>"),
            "{out}"
        );
        assert!(
            out.contains("<calendar-data xmlns=\"urn:ietf:params:xml:ns:caldav\"><![CDATA[BEGIN:X"),
            "{out}"
        );
        assert_eq!(parse(&out).unwrap(), root);
    }

    #[test]
    fn refuses_garbage_and_deep_nesting() {
        assert!(parse("<a><b></a>").is_err());
        assert!(parse("").is_err());
        assert!(parse(&"<a>".repeat(100)).is_err());
    }
}
