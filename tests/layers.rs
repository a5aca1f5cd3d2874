//! The layer rule of `src/xmpp/` (see its `mod.rs`): the pure protocol
//! layer imports neither `store`, `api`, `account` nor `ui`, does no I/O,
//! and its files do not import each other in a circle; nor do the files of
//! `src/account/`. And the GUI (`src/ui/`) talks to the account actors only
//! in the `api` vocabulary, using nothing of the actor's module `account`.
//! Read from the sources, so a break fails here before it spreads.

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
    let circle = find_circle(&graph);
    assert!(
        circle.is_none(),
        "import circle: {}",
        circle.unwrap_or_default().join(" → ")
    );
}

/// A circle in `graph` (who uses whom), by depth-first search for a back
/// edge: the nodes along it, the first repeated at the end.
fn find_circle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
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
    graph
        .keys()
        .find_map(|node| visit(node, graph, &mut Vec::new(), &mut done))
}

/// Every `.rs` file under `dir` with its module path below `dir`: `a.rs`
/// and `a/mod.rs` are `a`, `a/b.rs` is `a::b`, `mod.rs` itself is empty.
fn modules(dir: &Path, above: &[String]) -> Vec<(Vec<String>, String)> {
    let mut out = Vec::new();
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries {
        let path = entry.unwrap_or_else(|e| panic!("{e}")).path();
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut module = above.to_vec();
        if path.is_dir() {
            module.push(stem);
            out.extend(modules(&path, &module));
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            if stem != "mod" {
                module.push(stem);
            }
            out.push((module, text));
        }
    }
    out.sort();
    out
}

/// The paths after each `prefix` in `text`, groups expanded and `self`
/// dropped: `a::b::X` gives `a, b, X`; `a::{self, b::{c, d}}` gives `a`,
/// `a, b, c` and `a, b, d`. A `prefix` that ends another path segment
/// (`super::super::`) is read from its first occurrence only.
fn paths_after(text: &str, prefix: &str) -> Vec<Vec<String>> {
    fn tree(s: &[u8], i: &mut usize) -> Vec<Vec<String>> {
        let skip_ws = |i: &mut usize| {
            while s.get(*i).is_some_and(|c| c.is_ascii_whitespace()) {
                *i += 1;
            }
        };
        let mut path: Vec<String> = Vec::new();
        loop {
            skip_ws(i);
            if s.get(*i) == Some(&b'{') {
                *i += 1;
                let mut out = Vec::new();
                loop {
                    skip_ws(i);
                    if s.get(*i) == Some(&b'}') {
                        *i += 1;
                        break;
                    }
                    for sub in tree(s, i) {
                        out.push([path.clone(), sub].concat());
                    }
                    skip_ws(i);
                    match s.get(*i) {
                        Some(b',') => *i += 1,
                        Some(b'}') => {
                            *i += 1;
                            break;
                        }
                        // Not a use tree after all (or the end of the text).
                        _ => break,
                    }
                }
                return out;
            }
            let start = *i;
            while s
                .get(*i)
                .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
            {
                *i += 1;
            }
            if start == *i {
                break;
            }
            let ident = String::from_utf8_lossy(&s[start..*i]).into_owned();
            if ident != "self" {
                path.push(ident);
            }
            if s[*i..].starts_with(b"::") {
                *i += 2;
            } else {
                break;
            }
        }
        vec![path]
    }
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    for (at, _) in text.match_indices(prefix) {
        if text[..at].ends_with("::") {
            continue;
        }
        let mut i = at + prefix.len();
        out.extend(tree(bytes, &mut i).into_iter().filter(|p| !p.is_empty()));
    }
    out
}

fn account_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src/account")
}

#[test]
fn the_account_files_have_no_import_circles() {
    let files = modules(&account_dir(), &[]);
    assert!(files.len() > 20, "src/account/ not found or nearly empty");
    let known: BTreeSet<Vec<String>> = files.iter().map(|(m, _)| m.clone()).collect();
    // The longest start of `path` that is one of the files.
    let module_of = |path: &[String]| {
        (1..=path.len())
            .rev()
            .map(|n| path[..n].to_vec())
            .find(|m| known.contains(m))
    };
    let name = |m: &[String]| match m.is_empty() {
        true => "mod".to_owned(),
        false => m.join("::"),
    };
    let graph: BTreeMap<String, BTreeSet<String>> = files
        .iter()
        .map(|(module, text)| {
            let mut used = paths_after(text, "crate::account::");
            // `super::` from `a::b` is `a`; `super::super::` is the root.
            for path in paths_after(text, "super::") {
                let ups = 1 + path.iter().take_while(|s| *s == "super").count();
                let base = &module[..module.len().saturating_sub(ups)];
                let rest = path.iter().skip_while(|s| *s == "super");
                used.push(base.iter().chain(rest).cloned().collect());
            }
            let uses = used
                .iter()
                .filter_map(|p| module_of(p))
                // A module using its parents' items is how Rust nests
                // modules, not a circle.
                .filter(|m| !module.starts_with(m))
                .map(|m| name(&m))
                .collect();
            (name(module), uses)
        })
        .collect();
    let circle = find_circle(&graph);
    assert!(
        circle.is_none(),
        "import circle in src/account/: {}",
        circle.unwrap_or_default().join(" → ")
    );
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
    let text = "use super::{Actor, muc::{self, parse::X}};\nuse crate::account::{sync::{A, B}, chat};\nsuper::super::mam::y";
    let path = |p: &str| p.split("::").map(str::to_owned).collect::<Vec<_>>();
    assert_eq!(
        paths_after(text, "super::"),
        [
            path("Actor"),
            path("muc"),
            path("muc::parse::X"),
            path("super::mam::y")
        ]
    );
    assert_eq!(
        paths_after(text, "crate::account::"),
        [path("sync::A"), path("sync::B"), path("chat")]
    );
    let mut graph = BTreeMap::new();
    graph.insert("a".to_owned(), BTreeSet::from(["b".to_owned()]));
    graph.insert("b".to_owned(), BTreeSet::from(["c".to_owned()]));
    assert_eq!(find_circle(&graph), None);
    graph.insert("c".to_owned(), BTreeSet::from(["a".to_owned()]));
    assert_eq!(
        find_circle(&graph).map(|c| c.join(" ")).as_deref(),
        Some("a b c a")
    );
}
