//! The layer rule of `src/xmpp/` (see its `mod.rs`): the pure protocol
//! layer imports neither `store`, `api`, `account` nor `ui`, does no I/O,
//! and its files do not import each other in a circle. And the GUI
//! (`src/ui/`) talks to the account actors only in the `api` vocabulary,
//! using nothing of the actor's module `account`. Read from the sources,
//! so a break fails here before it spreads.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Modules of the crate the protocol layer must not use.
const FORBIDDEN_MODULES: &[&str] = &["store", "api", "account", "ui"];

/// Text that means reaching out of the layer or doing I/O.
const FORBIDDEN_TEXT: &[&str] = &[
    "super::super",
    "tokio::",
    "std::fs",
    "std::net",
    "std::io",
    "std::process",
    "std::env",
    "reqwest",
    "rusqlite",
    "iced::",
];

fn layer_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src/xmpp")
}

/// Every `.rs` file under `dir`, with its module name (file stem).
fn sources(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries {
        let path = entry.unwrap_or_else(|e| panic!("{e}")).path();
        if path.is_dir() {
            out.extend(sources(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let name = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            out.push((name, text));
        }
    }
    out.sort();
    out
}

/// The first path segments after each `prefix` in `text`: `a` for
/// `prefix::a::b`, and `a`, `b` for `prefix::{a::x, b}`.
fn used_after(text: &str, prefix: &str) -> BTreeSet<String> {
    let ident = |s: &str| {
        s.trim()
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .next()
            .unwrap_or("")
            .to_owned()
    };
    let mut used = BTreeSet::new();
    for (at, _) in text.match_indices(prefix) {
        let rest = &text[at + prefix.len()..];
        match rest.strip_prefix('{') {
            Some(group) => {
                // Only the top level of the group: `a::{x, y}` names `a`.
                let mut depth = 0;
                let mut start = 0;
                for (i, c) in group.char_indices() {
                    match c {
                        '{' => depth += 1,
                        '}' if depth == 0 => {
                            used.insert(ident(&group[start..i]));
                            break;
                        }
                        '}' => depth -= 1,
                        ',' if depth == 0 => {
                            used.insert(ident(&group[start..i]));
                            start = i + 1;
                        }
                        _ => {}
                    }
                }
            }
            None => {
                used.insert(ident(rest));
            }
        }
    }
    used.remove("");
    used
}

#[test]
fn the_protocol_layer_uses_no_store_api_account_or_io() {
    let files = sources(&layer_dir());
    assert!(files.len() > 5, "src/xmpp/ not found or nearly empty");
    let mut broken = Vec::new();
    for (name, text) in &files {
        let crate_uses = used_after(text, "crate::");
        for m in FORBIDDEN_MODULES {
            if crate_uses.contains(*m) {
                broken.push(format!("{name}.rs uses crate::{m}"));
            }
        }
        for t in FORBIDDEN_TEXT {
            if text.contains(t) {
                broken.push(format!("{name}.rs contains `{t}`"));
            }
        }
    }
    assert!(
        broken.is_empty(),
        "layer rule broken:\n{}",
        broken.join("\n")
    );
}

#[test]
fn the_protocol_layer_has_no_import_circles() {
    let files = sources(&layer_dir());
    let names: BTreeSet<String> = files.iter().map(|(n, _)| n.clone()).collect();
    // Who each file uses among its siblings (`super::x`, `crate::xmpp::x`).
    let graph: BTreeMap<String, BTreeSet<String>> = files
        .iter()
        .filter(|(name, _)| name != "mod")
        .map(|(name, text)| {
            let mut uses = used_after(text, "super::");
            uses.extend(used_after(text, "crate::xmpp::"));
            let uses = uses
                .into_iter()
                .filter(|u| u != name && u != "mod" && names.contains(u))
                .collect();
            (name.clone(), uses)
        })
        .collect();
    // Depth-first search for a back edge.
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|p| p == node) {
            let mut circle = path[at..].to_vec();
            circle.push(node.to_owned());
            return Some(circle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(circle) = visit(next, graph, path, done) {
                return Some(circle);
            }
        }
        path.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    for node in graph.keys() {
        let circle = visit(node, &graph, &mut Vec::new(), &mut done);
        assert!(
            circle.is_none(),
            "import circle: {}",
            circle.unwrap_or_default().join(" → ")
        );
    }
}

/// Whether `text` uses the module `account` by a path (`crate::account::x`,
/// `crate::{account::x, …}`, or `account::x` after a `use crate::account`);
/// `add_account::` and `accounts::` are other modules.
fn uses_account(text: &str) -> bool {
    used_after(text, "crate::").contains("account")
        || text.match_indices("account::").any(|(at, _)| {
            !text[..at]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphanumeric() || c == '_')
        })
}

#[test]
fn the_gui_uses_nothing_of_the_account_actor() {
    let files = sources(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src/ui"));
    assert!(files.len() > 20, "src/ui/ not found or nearly empty");
    let broken: Vec<String> = files
        .iter()
        .filter(|(_, text)| uses_account(text))
        .map(|(name, _)| format!("{name}.rs uses the account actor's module"))
        .collect();
    assert!(
        broken.is_empty(),
        "the GUI must speak only `api` (and `accounts`) to the actors:\n{}",
        broken.join("\n")
    );
}

#[test]
fn the_checks_see_what_they_look_for() {
    assert!(uses_account("use crate::account::AccountCommand;"));
    assert!(uses_account("use crate::{api::Event, account::presence};"));
    assert!(uses_account(
        "use crate::account;\nlet x = account::spawn();"
    ));
    assert!(!uses_account(
        "use crate::accounts::{self, ToAccount};\nadd_account::State::new()"
    ));
    let text = "use crate::{api::Event, store};\nuse crate::xmpp::{chat::{self, X}, util::element};\nsuper::fallback::NS";
    let crate_uses = used_after(text, "crate::");
    assert!(crate_uses.contains("api") && crate_uses.contains("store"));
    let siblings = used_after(text, "crate::xmpp::");
    assert_eq!(siblings, BTreeSet::from(["chat".into(), "util".into()]));
    assert_eq!(
        used_after(text, "super::"),
        BTreeSet::from(["fallback".to_owned()])
    );
}
