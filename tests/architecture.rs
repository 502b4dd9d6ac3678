//! The map's rules, checked on the source itself (ARCHITECTURE.md):
//! no import cycle between modules, the core (`nn`) importing nothing of
//! the rest, and no source file past the size a reader can hold.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A file past this many lines is a room to split by responsibility.
const MAX_LINES: usize = 800;

/// Every module of `src/` (as `a::b`) and its source, without lib.rs and
/// main.rs (the crate root declares, it does not depend).
fn modules() -> BTreeMap<String, String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    collect(&root, &mut files);
    files
        .into_iter()
        .filter_map(|path| {
            let relative = path.strip_prefix(&root).ok()?.with_extension("");
            let mut parts: Vec<String> = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if parts.last().is_some_and(|p| p == "mod") {
                parts.pop();
            }
            if parts == ["lib"] || parts == ["main"] {
                return None;
            }
            let source = std::fs::read_to_string(&path).ok()?;
            Some((parts.join("::"), source))
        })
        .collect()
}

/// A module's source without its unit tests (the `#[cfg(test)] mod` at its
/// end): tests may reach the edge, e.g. to read a message in Italian.
fn without_tests(source: &str) -> &str {
    source
        .find("#[cfg(test)]\nmod ")
        .map_or(source, |at| &source[..at])
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, files);
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
}

/// Identifiers, `::`, and single punctuation, with comments and string
/// literals left out.
fn tokens(source: &str) -> Vec<String> {
    let mut out = Vec::new();
    let chars: Vec<char> = source.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '/' && chars.get(i + 1) == Some(&'/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '\'' && chars.get(i + 1) == Some(&'\\') {
            // An escaped character literal: '\'' or '\n'.
            i += 2;
            while i < chars.len() && chars[i] != '\'' {
                i += 1;
            }
            i += 1;
        } else if c == '\'' && chars.get(i + 2) == Some(&'\'') {
            // A character literal such as '"' (a lifetime has no closing quote).
            i += 3;
        } else if c == '"' {
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                i += if chars[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
        } else if c.is_alphanumeric() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            out.push(chars[start..i].iter().collect());
        } else if c == ':' && chars.get(i + 1) == Some(&':') {
            out.push("::".into());
            i += 2;
        } else {
            if !c.is_whitespace() {
                out.push(c.to_string());
            }
            i += 1;
        }
    }
    out
}

/// The paths a `use` tree names, from `tokens[*at]` up to its end.
fn use_tree(tokens: &[String], at: &mut usize, prefix: &[String], out: &mut Vec<Vec<String>>) {
    let mut path = prefix.to_vec();
    while *at < tokens.len() {
        match tokens[*at].as_str() {
            "{" => {
                *at += 1;
                while *at < tokens.len() && tokens[*at] != "}" {
                    use_tree(tokens, at, &path, out);
                    if tokens.get(*at).is_some_and(|t| t == ",") {
                        *at += 1;
                    }
                }
                *at += 1;
                return;
            }
            "::" => *at += 1,
            "," | "}" | ";" => break,
            "as" => *at += 2,
            word => {
                path.push(word.to_string());
                *at += 1;
            }
        }
    }
    out.push(path);
}

/// Every path of the crate a source names: in `use` trees and inline.
fn paths(source: &str) -> Vec<Vec<String>> {
    let tokens = tokens(source);
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        if tokens[i] == "use" {
            i += 1;
            use_tree(&tokens, &mut i, &[], &mut out);
        } else if matches!(tokens[i].as_str(), "crate" | "super")
            && tokens.get(i + 1).is_some_and(|t| t == "::")
        {
            let mut path = vec![tokens[i].clone()];
            i += 1;
            while tokens.get(i).is_some_and(|t| t == "::") {
                match tokens.get(i + 1) {
                    Some(word) if word.chars().all(|c| c.is_alphanumeric() || c == '_') => {
                        path.push(word.clone());
                        i += 2;
                    }
                    _ => break,
                }
            }
            out.push(path);
            continue;
        }
        i += 1;
    }
    out
}

/// The module a path from `module` lands in (the longest prefix that is a
/// module), or `None` for paths outside the crate.
fn resolve(module: &str, path: &[String], all: &BTreeMap<String, String>) -> Option<String> {
    let here = || module.split("::").map(String::from).collect::<Vec<_>>();
    let first = path.first()?.as_str();
    let (mut base, mut rest) = match first {
        "crate" => (Vec::new(), &path[1..]),
        "self" => (here(), &path[1..]),
        "super" => {
            let mut base = here();
            base.pop();
            (base, &path[1..])
        }
        // `use child::x` in a module names its own child.
        _ if all.contains_key(&format!("{module}::{first}")) => (here(), path),
        _ => return None,
    };
    while rest.first().is_some_and(|p| p == "super") {
        base.pop();
        rest = &rest[1..];
    }
    let full: Vec<String> = base.into_iter().chain(rest.iter().cloned()).collect();
    (1..=full.len())
        .rev()
        .map(|n| full[..n].join("::"))
        .find(|m| all.contains_key(m))
}

/// module -> the modules it imports. A module's use of its own ancestors
/// (a file of a folder using the folder's types) is its own room, not an
/// edge.
fn imports() -> BTreeMap<String, BTreeSet<String>> {
    let all = modules();
    all.iter()
        .map(|(module, source)| {
            let targets = paths(without_tests(source))
                .iter()
                .filter_map(|p| resolve(module, p, &all))
                .filter(|t| t != module && !module.starts_with(&format!("{t}::")))
                .collect();
            (module.clone(), targets)
        })
        .collect()
}

/// Strongly connected groups of more than one module.
fn cycles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    let reach = |from: &String| {
        let mut seen = BTreeSet::new();
        let mut todo = vec![from.clone()];
        while let Some(m) = todo.pop() {
            for next in graph.get(&m).into_iter().flatten() {
                if seen.insert(next.clone()) {
                    todo.push(next.clone());
                }
            }
        }
        seen
    };
    let reaches: BTreeMap<&String, BTreeSet<String>> =
        graph.keys().map(|m| (m, reach(m))).collect();
    let mut groups: BTreeSet<Vec<String>> = BTreeSet::new();
    for (m, from_m) in &reaches {
        let group: Vec<String> = from_m
            .iter()
            .filter(|other| reaches.get(other).is_some_and(|r| r.contains(*m)))
            .cloned()
            .collect();
        if group.len() > 1 {
            groups.insert(group);
        }
    }
    groups.into_iter().collect()
}

#[test]
fn no_module_imports_one_that_imports_it_back() {
    let graph = imports();
    assert!(graph.contains_key("nn::mlp") && graph.contains_key("app::live"));
    let found = cycles(&graph);
    let described: Vec<String> = found
        .iter()
        .map(|group| {
            group
                .iter()
                .map(|m| {
                    let inside: Vec<&String> =
                        graph[m].iter().filter(|t| group.contains(t)).collect();
                    format!("{m} -> {inside:?}")
                })
                .collect::<Vec<_>>()
                .join("; ")
        })
        .collect();
    assert!(found.is_empty(), "import cycles:\n{}", described.join("\n"));
}

#[test]
fn the_top_level_rooms_depend_one_way() {
    let mut top: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (module, targets) in imports() {
        let from = module.split("::").next().unwrap_or_default().to_string();
        let entry = top.entry(from.clone()).or_default();
        for target in targets {
            let to = target.split("::").next().unwrap_or_default().to_string();
            if to != from {
                entry.insert(to);
            }
        }
    }
    let found = cycles(&top);
    assert!(found.is_empty(), "top-level cycles: {found:?} in {top:?}");
}

/// The top-level rooms from the edge inwards (ARCHITECTURE.md): a room
/// imports only rooms of its own rank or further in. Rooms not listed
/// (`lang`, `files`, the file formats' helpers) serve every rank.
const LAYERS: [&[&str]; 8] = [
    &["cli"],
    &["app"],
    &["explain"],
    &["headless"],
    &["handout"],
    &["figures", "session", "model_file", "lessons"],
    &["train"],
    &["nn"],
];

#[test]
fn the_rooms_depend_from_the_edge_inwards() {
    let rank = |room: &str| LAYERS.iter().position(|layer| layer.contains(&room));
    let mut outward = Vec::new();
    for (module, targets) in imports() {
        let from = module.split("::").next().unwrap_or_default();
        for target in targets {
            let to = target.split("::").next().unwrap_or_default();
            if let (Some(a), Some(b)) = (rank(from), rank(to))
                && b < a
            {
                outward.push(format!("{module} -> {target}"));
            }
        }
    }
    assert!(outward.is_empty(), "imports towards the edge: {outward:?}");
    assert!(rank("handout") > rank("headless") && rank("handout") < rank("figures"));
}

#[test]
fn the_core_imports_nothing_outside_itself() {
    let graph = imports();
    let outside: Vec<String> = graph
        .iter()
        .filter(|(m, _)| m.starts_with("nn"))
        .flat_map(|(m, targets)| {
            targets
                .iter()
                .filter(|t| !t.starts_with("nn"))
                .map(move |t| format!("{m} -> {t}"))
        })
        .collect();
    assert!(outside.is_empty(), "the core reaches out: {outside:?}");
}

#[test]
fn no_source_file_is_past_what_a_reader_holds() {
    let long: Vec<String> = modules()
        .into_iter()
        .filter_map(|(m, source)| {
            let lines = source.lines().count();
            (lines > MAX_LINES).then(|| format!("{m}: {lines} lines"))
        })
        .collect();
    assert!(long.is_empty(), "split by responsibility: {long:?}");
}

#[test]
fn the_cycle_finder_finds_a_cycle() {
    // The checks above are only as good as the finder: a known cycle.
    let graph: BTreeMap<String, BTreeSet<String>> = [
        ("a", vec!["b"]),
        ("b", vec!["c"]),
        ("c", vec!["a"]),
        ("d", vec!["a"]),
    ]
    .into_iter()
    .map(|(m, t)| (m.to_string(), t.into_iter().map(String::from).collect()))
    .collect();
    assert_eq!(cycles(&graph), vec![vec!["a", "b", "c"]]);
    let parsed =
        paths("use crate::train::{command::{Edit, Twin}, History};\nlet x = super::plot::y();");
    assert!(parsed.contains(&vec![
        "crate".into(),
        "train".into(),
        "command".into(),
        "Edit".into()
    ]));
    assert!(parsed.contains(&vec!["crate".into(), "train".into(), "History".into()]));
    assert!(parsed.contains(&vec!["super".into(), "plot".into(), "y".into()]));
}
