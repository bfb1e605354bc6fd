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
