//! The dependency graph points down, as design.md §2 draws it: each crate may depend only on the
//! crates listed for it below, and nothing under `crates/` may depend on Tauri.

use anyhow::{Context, Result, bail};
use serde_json::Value;
use std::collections::BTreeMap;
use std::process::Command;

/// Which workspace crates each crate may depend on (normal and build dependencies).
fn allowed() -> BTreeMap<&'static str, &'static [&'static str]> {
    BTreeMap::from([
        ("almanac-core", &[][..]),
        ("almanac-ical", &["almanac-core"][..]),
        ("almanac-caldav", &["almanac-core"][..]),
        ("almanac-secrets", &["almanac-core"][..]),
        ("almanac-store", &["almanac-core", "almanac-ical"][..]),
        (
            "almanac-sync",
            &[
                "almanac-core",
                "almanac-ical",
                "almanac-caldav",
                "almanac-store",
                "almanac-secrets",
            ][..],
        ),
        (
            "almanac-cli",
            &[
                "almanac-core",
                "almanac-ical",
                "almanac-caldav",
                "almanac-store",
                "almanac-secrets",
                "almanac-sync",
            ][..],
        ),
        (
            "almanac-desktop",
            &[
                "almanac-core",
                "almanac-ical",
                "almanac-caldav",
                "almanac-store",
                "almanac-secrets",
                "almanac-sync",
            ][..],
        ),
        ("almanac-dataset", &["almanac-test-servers"][..]),
        ("almanac-icloud-emulator", &["almanac-test-servers"][..]),
        ("almanac-test-servers", &[][..]),
    ])
}

struct Edge {
    from: String,
    to: String,
    dev_only: bool,
    manifest: String,
}

fn workspace_edges() -> Result<Vec<Edge>> {
    let out = Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--no-deps"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .context("running cargo metadata")?;
    if !out.status.success() {
        bail!(
            "cargo metadata failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let meta: Value = serde_json::from_slice(&out.stdout)?;
    let mut edges = Vec::new();
    for pkg in meta["packages"].as_array().context("packages")? {
        let from = pkg["name"].as_str().context("name")?.to_string();
        let manifest = pkg["manifest_path"]
            .as_str()
            .context("manifest")?
            .to_string();
        for dep in pkg["dependencies"].as_array().context("dependencies")? {
            edges.push(Edge {
                from: from.clone(),
                to: dep["name"].as_str().context("dep name")?.to_string(),
                dev_only: dep["kind"].as_str() == Some("dev"),
                manifest: manifest.clone(),
            });
        }
    }
    Ok(edges)
}

#[test]
fn workspace_crates_depend_only_downward() -> Result<()> {
    let allowed = allowed();
    let mut wrong = Vec::new();
    for edge in workspace_edges()? {
        if edge.from == "almanac-tests" || edge.dev_only || !edge.to.starts_with("almanac-") {
            continue;
        }
        match allowed.get(edge.from.as_str()) {
            Some(ok) if ok.contains(&edge.to.as_str()) => {}
            Some(_) => wrong.push(format!("{} -> {}", edge.from, edge.to)),
            None => wrong.push(format!("{} is not in the layering table", edge.from)),
        }
    }
    assert!(wrong.is_empty(), "edges against design.md §2: {wrong:?}");
    Ok(())
}

#[test]
fn every_workspace_crate_is_in_the_layering_table() -> Result<()> {
    let allowed = allowed();
    let edges = workspace_edges()?;
    let unknown: Vec<&str> = edges
        .iter()
        .map(|e| e.from.as_str())
        .filter(|name| *name != "almanac-tests" && !allowed.contains_key(name))
        .collect();
    assert!(
        unknown.is_empty(),
        "crates missing from the table: {unknown:?}"
    );
    Ok(())
}

#[test]
fn nothing_under_crates_depends_on_tauri() -> Result<()> {
    let offenders: Vec<String> = workspace_edges()?
        .into_iter()
        .filter(|e| e.manifest.contains("/crates/") && e.to.starts_with("tauri"))
        .map(|e| format!("{} -> {}", e.from, e.to))
        .collect();
    assert!(offenders.is_empty(), "Tauri below src-tauri: {offenders:?}");
    Ok(())
}

// ---- Module level: no import circles inside a crate ----------------------------------------------
//
// A small text scanner, not a Rust parser. For each `src/**/*.rs` file it works out the module path
// from the file name (`lib.rs`/`main.rs` = root, `a.rs` or `a/mod.rs` = `a`, `a/b.rs` = `a::b`; each
// `src/bin/NAME.rs` or `src/bin/NAME/main.rs` is a crate root of its own) and collects the paths that
// start with `crate::` or `super::` (use trees with braces included). Each path is cut down to the
// longest prefix that is a known module, then lifted to the two modules' children of their common
// parent: `crate::engine::locked` used in `feeds::plan` is the edge `feeds → engine`. References
// between a module and its own ancestors or descendants are not edges.
//
// Not handled, on purpose: comments are stripped but string literals are not (a string holding
// `crate::x::` would count); inline `mod name { … }` blocks are treated as part of their file's module
// (so their `super::` resolves one level off); `#[path]` attributes and `include!`; relative paths
// (`use sibling::x` from the crate root, `self::`); paths to items re-exported at the crate root
// (`crate::Engine` names no module, so it is no edge). Test code is skipped by stopping each file at
// `#[cfg(test)]` when the next line declares `mod tests`.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// The crates whose module graphs must be acyclic, relative to the workspace root.
const MODULE_CRATES: &[&str] = &[
    "crates",
    "src-tauri",
    "tests/icloud-emulator",
    "tests/servers",
    "tests/dataset",
];

type ModPath = Vec<String>;

/// One crate root's modules: each file's module path with the module paths it refers to.
struct ModuleGraph {
    name: String,
    refs: BTreeMap<ModPath, Vec<ModPath>>,
}

fn rs_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            rs_files(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    Ok(())
}

/// The module path of `file`, relative to `base` (the directory holding the crate root).
fn module_path(base: &Path, file: &Path) -> Result<ModPath> {
    let rel = file.strip_prefix(base)?.with_extension("");
    let mut segs: ModPath = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let last = segs.last().map(String::as_str);
    if last == Some("mod") || (segs.len() == 1 && matches!(last, Some("lib" | "main"))) {
        segs.pop();
    }
    Ok(segs)
}

/// Every crate root under the listed directories, with its files' references.
fn module_graphs() -> Result<Vec<ModuleGraph>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut crate_dirs = Vec::new();
    for dir in MODULE_CRATES {
        let dir = root.join(dir);
        if dir.join("Cargo.toml").exists() {
            crate_dirs.push(dir);
        } else {
            for entry in std::fs::read_dir(&dir)? {
                let path = entry?.path();
                if path.join("Cargo.toml").exists() {
                    crate_dirs.push(path);
                }
            }
        }
    }
    let mut graphs = Vec::new();
    for dir in crate_dirs {
        let src = dir.join("src");
        let mut files = Vec::new();
        rs_files(&src, &mut files)?;
        // Group files by crate root: `src/bin/NAME…` is its own crate, everything else is `src`.
        let mut by_root: BTreeMap<PathBuf, Vec<PathBuf>> = BTreeMap::new();
        for file in files {
            let base = match file.strip_prefix(src.join("bin")) {
                Ok(rest) if rest.components().count() > 1 => src
                    .join("bin")
                    .join(rest.components().next().context("bin dir")?),
                Ok(_) => file.clone(),
                Err(_) => src.clone(),
            };
            by_root.entry(base).or_default().push(file);
        }
        for (base, files) in by_root {
            let name = base.strip_prefix(root)?.display().to_string();
            let mut refs = BTreeMap::new();
            for file in &files {
                let module = if base.is_file() {
                    Vec::new()
                } else {
                    module_path(&base, file)?
                };
                let text = std::fs::read_to_string(file)?;
                // `lib.rs` and `main.rs` are both the root: a root's references never make an
                // edge (every module is its descendant), so merging them loses nothing.
                let found = references(&module, &text);
                refs.entry(module).or_insert_with(Vec::new).extend(found);
            }
            graphs.push(ModuleGraph { name, refs });
        }
    }
    Ok(graphs)
}

/// The source of a file up to its `#[cfg(test)] mod tests`, with `//` and `/* */` comments removed.
fn code_of(text: &str) -> String {
    let mut lines = Vec::new();
    let mut iter = text.lines().peekable();
    while let Some(line) = iter.next() {
        if line.trim() == "#[cfg(test)]"
            && iter
                .peek()
                .is_some_and(|next| next.trim_start().starts_with("mod tests"))
        {
            break;
        }
        lines.push(line.split("//").next().unwrap_or_default());
    }
    let mut code = lines.join("\n");
    while let Some(start) = code.find("/*") {
        let end = code[start..]
            .find("*/")
            .map_or(code.len(), |e| start + e + 2);
        code.replace_range(start..end, " ");
    }
    code
}

/// The absolute module paths (possibly naming items below the module) that `module`'s code names
/// through `crate::` and `super::`.
fn references(module: &[String], text: &str) -> Vec<ModPath> {
    let code = code_of(text);
    let bytes = code.as_bytes();
    let is_ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let starts_word = i == 0 || !(is_ident(bytes[i - 1]) || bytes[i - 1] == b'$');
        let rest = &bytes[i..];
        if starts_word && (rest.starts_with(b"crate::") || rest.starts_with(b"super::")) {
            let (base, pos): (ModPath, usize) = if rest.starts_with(b"crate::") {
                (Vec::new(), i + "crate::".len())
            } else {
                let mut base = module.to_vec();
                let mut pos = i;
                while bytes[pos..].starts_with(b"super::") {
                    base.pop();
                    pos += "super::".len();
                }
                (base, pos)
            };
            let (paths, end) = use_tree(&code, pos);
            for path in paths {
                let mut full = base.clone();
                full.extend(path);
                out.push(full);
            }
            i = end.max(i + 1);
        } else {
            i += 1;
        }
    }
    out
}

/// Parses a path or use tree starting at `pos` (just after `crate::` or a run of `super::`): the paths
/// it names, relative to its start, and where it ends. `a::{b, c::d as e}` gives `a::b` and `a::c::d`.
fn use_tree(code: &str, pos: usize) -> (Vec<ModPath>, usize) {
    let bytes = code.as_bytes();
    let skip_ws = |mut p: usize| {
        while p < bytes.len() && bytes[p].is_ascii_whitespace() {
            p += 1;
        }
        p
    };
    let mut p = skip_ws(pos);
    if bytes.get(p) == Some(&b'{') {
        let mut paths = Vec::new();
        p += 1;
        loop {
            let (inner, end) = use_tree(code, p);
            paths.extend(inner);
            // Skip a rename (`as x`) or anything else up to this item's `,` or the group's `}`.
            p = end;
            let mut depth = 0;
            while p < bytes.len() {
                match bytes[p] {
                    b'{' => depth += 1,
                    b'}' if depth == 0 => return (paths, p + 1),
                    b'}' => depth -= 1,
                    b',' if depth == 0 => break,
                    _ => {}
                }
                p += 1;
            }
            if p >= bytes.len() {
                return (paths, p);
            }
            p += 1;
        }
    }
    let start = p;
    while p < bytes.len() && (bytes[p].is_ascii_alphanumeric() || bytes[p] == b'_') {
        p += 1;
    }
    if p == start {
        return (vec![Vec::new()], p);
    }
    let ident = code[start..p].to_string();
    if code[p..].starts_with("::") {
        let (inner, end) = use_tree(code, p + 2);
        let paths = inner
            .into_iter()
            .map(|rest| std::iter::once(ident.clone()).chain(rest).collect())
            .collect();
        return (paths, end);
    }
    (vec![vec![ident]], p)
}

/// The module-level edges of a crate: references lifted to the children of the common parent.
fn module_edges(graph: &ModuleGraph) -> BTreeMap<ModPath, BTreeSet<ModPath>> {
    let mut edges: BTreeMap<ModPath, BTreeSet<ModPath>> = BTreeMap::new();
    for (from, targets) in &graph.refs {
        for target in targets {
            // The longest prefix of the path that is a module.
            let Some(to) = (0..=target.len())
                .rev()
                .map(|n| target[..n].to_vec())
                .find(|prefix| graph.refs.contains_key(prefix))
            else {
                continue;
            };
            let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
            if common == from.len() || common == to.len() {
                continue; // the module itself, an ancestor, or a descendant
            }
            edges
                .entry(from[..=common].to_vec())
                .or_default()
                .insert(to[..=common].to_vec());
        }
    }
    edges
}

/// One cycle through each strongly connected component of more than one module (Tarjan), spelled
/// out as `a → b → a`.
fn cycles(edges: &BTreeMap<ModPath, BTreeSet<ModPath>>) -> Vec<String> {
    struct Tarjan<'a> {
        edges: &'a BTreeMap<ModPath, BTreeSet<ModPath>>,
        index: HashMap<&'a ModPath, usize>,
        low: HashMap<&'a ModPath, usize>,
        stack: Vec<&'a ModPath>,
        on_stack: BTreeSet<&'a ModPath>,
        components: Vec<Vec<&'a ModPath>>,
    }
    impl<'a> Tarjan<'a> {
        fn visit(&mut self, v: &'a ModPath) {
            let n = self.index.len();
            self.index.insert(v, n);
            self.low.insert(v, n);
            self.stack.push(v);
            self.on_stack.insert(v);
            for w in self.edges.get(v).into_iter().flatten() {
                if !self.index.contains_key(w) {
                    self.visit(w);
                    let low = self.low[v].min(self.low[w]);
                    self.low.insert(v, low);
                } else if self.on_stack.contains(w) {
                    let low = self.low[v].min(self.index[w]);
                    self.low.insert(v, low);
                }
            }
            if self.low[v] == self.index[v] {
                let mut component = Vec::new();
                while let Some(w) = self.stack.pop() {
                    self.on_stack.remove(w);
                    component.push(w);
                    if w == v {
                        break;
                    }
                }
                self.components.push(component);
            }
        }
    }
    let mut t = Tarjan {
        edges,
        index: HashMap::new(),
        low: HashMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        components: Vec::new(),
    };
    for v in edges.keys() {
        if !t.index.contains_key(v) {
            t.visit(v);
        }
    }
    let name = |m: &ModPath| m.join("::");
    let mut found = Vec::new();
    for component in t.components.into_iter().filter(|c| c.len() > 1) {
        let members: BTreeSet<&ModPath> = component.iter().copied().collect();
        let start = *members.iter().next().unwrap_or(&component[0]);
        // Breadth-first from `start` back to itself, inside the component: the shortest cycle.
        let mut came_from: HashMap<&ModPath, &ModPath> = HashMap::new();
        let mut queue = std::collections::VecDeque::from([start]);
        let mut last = None;
        'search: while let Some(v) = queue.pop_front() {
            for w in edges.get(v).into_iter().flatten() {
                if w == start {
                    last = Some(v);
                    break 'search;
                }
                if members.contains(w) && !came_from.contains_key(w) {
                    came_from.insert(w, v);
                    queue.push_back(w);
                }
            }
        }
        let mut path = vec![name(start)];
        let mut v = last;
        while let Some(m) = v.filter(|m| *m != start) {
            path.push(name(m));
            v = came_from.get(m).copied();
        }
        path.push(name(start));
        path.reverse();
        let mut cycle = path.join(" → ");
        if component.len() > path.len() - 1 {
            let all: Vec<String> = members.iter().map(|m| name(m)).collect();
            cycle.push_str(&format!(" (all tangled: {})", all.join(", ")));
        }
        found.push(cycle);
    }
    found
}

#[test]
fn every_crate_module_graph_is_acyclic() -> Result<()> {
    let mut wrong = Vec::new();
    let graphs = module_graphs()?;
    assert!(graphs.len() > 10, "found only {} crate roots", graphs.len());
    for graph in &graphs {
        for cycle in cycles(&module_edges(graph)) {
            wrong.push(format!("{}: {cycle}", graph.name));
        }
    }
    assert!(wrong.is_empty(), "import circles:\n{}", wrong.join("\n"));
    Ok(())
}

#[test]
fn the_module_scanner_finds_edges_and_cycles() {
    let module = vec!["feeds".to_string(), "plan".to_string()];
    let code = "use crate::{engine::{self, locked}, error::E as X};\n\
                fn f() { super::super::policy::may(); $crate::no::x(); crate::Engine::new() }\n\
                // crate::comment::x\n\
                #[cfg(test)]\nmod tests { use crate::tested::x; }";
    let refs = references(&module, code);
    let names: Vec<String> = refs.iter().map(|p| p.join("::")).collect();
    assert_eq!(
        names,
        [
            "engine::self",
            "engine::locked",
            "error::E",
            "policy::may",
            "Engine::new"
        ]
    );
    let m = |s: &str| -> ModPath { s.split("::").map(str::to_string).collect() };
    let graph = ModuleGraph {
        name: "example".into(),
        refs: BTreeMap::from([
            (Vec::new(), vec![]),
            (m("recur"), vec![m("tz::wall_clock")]),
            (m("tz"), vec![m("recur::weekday"), m("tz::inner::x")]),
            (m("tz::inner"), vec![m("tz::f")]),
            (m("feeds"), vec![m("feeds::plan")]),
            (m("feeds::plan"), vec![m("feeds::x"), m("engine::locked")]),
            (m("engine"), vec![]),
        ]),
    };
    let edges = module_edges(&graph);
    assert_eq!(edges.get(&m("feeds")), Some(&BTreeSet::from([m("engine")])));
    assert_eq!(cycles(&edges), ["recur → tz → recur"]);
}
