//! `cargo xtask check-layers`: the modules of `hania-http` import only
//! downwards. Each top-level module has a layer; a module may import
//! modules of lower layers only (two handler modules of one layer may not
//! import each other), and no two files import each other, directly or
//! through others. Imports are read from `crate::…` and `super::…` paths
//! outside `#[cfg(test)]` code.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::{Context, Result, bail};

/// The layers of `hania-http`, lowest first.
const LAYERS: &[&[&str]] = &[
    &["wire"],
    &["state"],
    &["middleware"],
    &["chat_stream"],
    &["native", "hansei", "slug", "widget"],
    &["routes"],
    &["openapi"],
];

fn layer_of(top: &str) -> Option<usize> {
    LAYERS.iter().position(|layer| layer.contains(&top))
}

/// `a/b.rs` → `a::b`, `a/mod.rs` → `a`, `lib.rs` → `` (the crate root).
fn module_path(relative: &Path) -> String {
    let mut parts: Vec<String> = relative
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_owned())
        .collect();
    if parts.last().is_some_and(|p| p == "mod" || p == "lib") {
        parts.pop();
    }
    parts.join("::")
}

fn rust_files(dir: &Path, found: &mut Vec<std::path::PathBuf>) -> Result<()> {
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            rust_files(&path, found)?;
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
    Ok(())
}

/// The code of a file without comments and without its test module.
fn code_of(text: &str) -> String {
    let text = text.split("#[cfg(test)]").next().unwrap_or_default();
    text.lines()
        .map(|line| line.split("//").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n")
}

fn ident(chars: &[char], mut i: usize) -> (String, usize) {
    let start = i;
    while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
        i += 1;
    }
    (chars[start..i].iter().collect(), i)
}

/// The paths starting at `i` (after `crate::` or `super::`): `a::b`, or
/// several for a `{…}` group.
fn paths_at(chars: &[char], mut i: usize, prefix: Vec<String>, out: &mut Vec<Vec<String>>) {
    let mut path = prefix;
    loop {
        while i < chars.len() && chars[i].is_whitespace() {
            i += 1;
        }
        if i < chars.len() && chars[i] == '{' {
            // A group: split at top-level commas.
            let mut depth = 0;
            let mut item_start = i + 1;
            let mut j = i;
            while j < chars.len() {
                match chars[j] {
                    '{' => depth += 1,
                    '}' | ',' if depth == 1 => {
                        paths_at(chars, item_start, path.clone(), out);
                        item_start = j + 1;
                        if chars[j] == '}' {
                            return;
                        }
                    }
                    '}' => depth -= 1,
                    _ => {}
                }
                j += 1;
            }
            return;
        }
        let (name, next) = ident(chars, i);
        if name.is_empty() {
            break;
        }
        path.push(name);
        i = next;
        if chars.get(i) == Some(&':') && chars.get(i + 1) == Some(&':') {
            i += 2;
        } else {
            break;
        }
    }
    if !path.is_empty() {
        out.push(path);
    }
}

/// Every module path a file's code refers to.
fn references(code: &str, module: &str) -> Vec<Vec<String>> {
    let chars: Vec<char> = code.chars().collect();
    let text: String = chars.iter().collect();
    let mut out = Vec::new();
    for (anchor, base) in [("crate::", Vec::new()), ("super::", parent(module))] {
        let mut from = 0;
        while let Some(found) = text[from..].find(anchor) {
            let at = from + found;
            let before = text[..at].chars().next_back();
            if !before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                let start = text[..at + anchor.len()].chars().count();
                paths_at(&chars, start, base.clone(), &mut out);
            }
            from = at + anchor.len();
        }
    }
    out
}

fn parent(module: &str) -> Vec<String> {
    let mut parts: Vec<String> = module.split("::").map(str::to_owned).collect();
    parts.pop();
    parts.retain(|p| !p.is_empty());
    parts
}

/// The longest prefix of `path` that is a file module.
fn resolve(path: &[String], modules: &BTreeSet<String>) -> Option<String> {
    (1..=path.len())
        .rev()
        .map(|n| path[..n].join("::"))
        .find(|candidate| modules.contains(candidate))
}

fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        state.insert(node.to_owned(), 1);
        stack.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            match state.get(next.as_str()) {
                Some(1) => {
                    let start = stack.iter().position(|n| n == next).unwrap_or(0);
                    let mut cycle = stack[start..].to_vec();
                    cycle.push(next.clone());
                    return Some(cycle);
                }
                Some(_) => {}
                None => {
                    if let Some(cycle) = visit(next, graph, state, stack) {
                        return Some(cycle);
                    }
                }
            }
        }
        stack.pop();
        state.insert(node.to_owned(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for node in graph.keys() {
        if !state.contains_key(node.as_str()) {
            let mut stack = Vec::new();
            if let Some(cycle) = visit(node, graph, &mut state, &mut stack) {
                return Some(cycle);
            }
        }
    }
    None
}

/// Checks the layers of the crate whose sources are in `src`.
pub fn check(src: &Path) -> Result<()> {
    println!("==> layers of {}", src.display());
    let mut files = Vec::new();
    rust_files(src, &mut files)?;
    let mut sources = BTreeMap::new();
    for file in &files {
        let relative = file.strip_prefix(src).unwrap_or(file);
        let text = std::fs::read_to_string(file)?;
        sources.insert(module_path(relative), code_of(&text));
    }
    let modules: BTreeSet<String> = sources.keys().cloned().collect();
    let mut file_graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut problems = Vec::new();
    for (module, code) in &sources {
        if module.is_empty() {
            continue; // The crate root wires everything.
        }
        let top = module.split("::").next().unwrap_or_default();
        let Some(layer) = layer_of(top) else {
            problems.push(format!(
                "module `{top}` has no layer in xtask/src/layers.rs"
            ));
            continue;
        };
        for path in references(code, module) {
            let Some(target) = resolve(&path, &modules) else {
                continue;
            };
            if target.is_empty() || target == *module {
                continue;
            }
            file_graph
                .entry(module.clone())
                .or_default()
                .insert(target.clone());
            let target_top = target.split("::").next().unwrap_or_default();
            if target_top == top {
                continue;
            }
            match layer_of(target_top) {
                Some(l) if l < layer => {}
                _ => problems.push(format!(
                    "`{module}` imports `{target}`, which is not in a lower layer"
                )),
            }
        }
    }
    if let Some(cycle) = find_cycle(&file_graph) {
        problems.push(format!("import circle: {}", cycle.join(" → ")));
    }
    if !problems.is_empty() {
        bail!("layering:\n  {}", problems.join("\n  "));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grouped_and_relative_imports_are_read() {
        let code = "use crate::{hansei, wire::error::ApiError};\nuse super::dto::X;\nlet a = crate::state::S;";
        let refs = references(code, "native::bots");
        let joined: Vec<String> = refs.iter().map(|p| p.join("::")).collect();
        assert!(joined.contains(&"hansei".to_owned()), "{joined:?}");
        assert!(joined.contains(&"wire::error::ApiError".to_owned()));
        assert!(joined.contains(&"native::dto::X".to_owned()));
        assert!(joined.contains(&"state::S".to_owned()));
    }

    #[test]
    fn a_circle_is_found() {
        let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        graph.entry("a".into()).or_default().insert("b".into());
        graph.entry("b".into()).or_default().insert("a".into());
        assert!(find_cycle(&graph).is_some());
        graph.remove("b");
        assert!(find_cycle(&graph).is_none());
    }
}
