//! The module graph of `src/`: which top-level module names which, and the circles among them.
//!
//! A text scan, no parser: comments and string literals are blanked (lines kept), then every
//! `crate::…`, `$crate::…` and `super::…` path is resolved to the top-level module it names,
//! inline paths as well as `use` lines and `use crate::{a, b::c}` groups. `super::` is resolved
//! against the file's module path plus the inline `mod name { … }` blocks around it.
//! `lib.rs` (the root), `main.rs` and `src/bin/` (the binaries) are left out.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// One edge `from -> to` between top-level modules: how often, and the first place it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edge {
    pub count: usize,
    pub example: String,
}

#[derive(Debug, Default)]
pub struct Graph {
    pub modules: BTreeSet<String>,
    pub edges: BTreeMap<(String, String), Edge>,
}

/// Reads every `.rs` file under `root/src` and builds the graph of top-level modules.
pub fn scan_crate(root: &Path) -> std::io::Result<Graph> {
    let src = root.join("src");
    let mut files = Vec::new();
    collect_rs(&src, &mut files)?;
    files.sort();
    let mut sources = Vec::new();
    for file in files {
        let rel = file.strip_prefix(&src).unwrap_or(&file).to_path_buf();
        let Some(module) = module_path(&rel) else {
            continue;
        };
        let shown = Path::new("src").join(&rel).display().to_string();
        sources.push((shown, module, std::fs::read_to_string(&file)?));
    }
    let mut graph = Graph::default();
    for (_, module, _) in &sources {
        if let Some(top) = module.first() {
            graph.modules.insert(top.clone());
        }
    }
    for (shown, module, text) in &sources {
        let Some(from) = module.first() else {
            continue;
        };
        for (to, line) in references(module, text) {
            if &to == from || !graph.modules.contains(&to) {
                continue;
            }
            graph
                .edges
                .entry((from.clone(), to))
                .and_modify(|e| e.count += 1)
                .or_insert_with(|| Edge {
                    count: 1,
                    example: format!("{shown}:{line}"),
                });
        }
    }
    Ok(graph)
}

pub fn collect_rs(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect_rs(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    Ok(())
}

/// `web/public.rs` → `[web, public]`, `web/mod.rs` → `[web]`, `startup.rs` → `[startup]`;
/// `None` for the crate root and the binaries.
pub fn module_path(rel: &Path) -> Option<Vec<String>> {
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let last = parts.pop()?;
    if parts.is_empty() && (last == "lib.rs" || last == "main.rs") {
        return None;
    }
    if parts.first().is_some_and(|p| p == "bin") {
        return None;
    }
    let stem = last.strip_suffix(".rs")?.to_string();
    if stem != "mod" {
        parts.push(stem);
    }
    if parts.is_empty() {
        None
    } else {
        Some(parts)
    }
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Blanks comments, string, raw string and char literals with spaces, keeping every newline,
/// so that what is left is code and line numbers still hold.
#[allow(clippy::too_many_lines)] // a scanner of one loop; the rule is for src/
pub fn strip(src: &str) -> String {
    let c: Vec<char> = src.chars().collect();
    let mut out = String::with_capacity(src.len());
    let blank = |out: &mut String, ch: char| out.push(if ch == '\n' { '\n' } else { ' ' });
    let mut i = 0;
    while i < c.len() {
        let ch = c[i];
        let next = c.get(i + 1).copied();
        let after_ident = i > 0 && is_ident(c[i - 1]);
        if ch == '/' && next == Some('/') {
            while i < c.len() && c[i] != '\n' {
                out.push(' ');
                i += 1;
            }
            continue;
        }
        if ch == '/' && next == Some('*') {
            // Block comments nest in Rust.
            let mut depth = 0usize;
            while i < c.len() {
                if c[i] == '/' && c.get(i + 1) == Some(&'*') {
                    depth += 1;
                    out.push_str("  ");
                    i += 2;
                } else if c[i] == '*' && c.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    out.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    blank(&mut out, c[i]);
                    i += 1;
                }
            }
            continue;
        }
        if !after_ident && (ch == 'r' || (ch == 'b' && next == Some('r'))) {
            let mut j = i + if ch == 'b' { 2 } else { 1 };
            let mut hashes = 0;
            while c.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if c.get(j) == Some(&'"') {
                let mut k = j + 1;
                loop {
                    if k >= c.len() {
                        break;
                    }
                    if c[k] == '"' && (1..=hashes).all(|h| c.get(k + h) == Some(&'#')) {
                        k += 1 + hashes;
                        break;
                    }
                    k += 1;
                }
                let end = k.min(c.len());
                for &x in &c[i..end] {
                    blank(&mut out, x);
                }
                i = end;
                continue;
            }
        }
        if ch == '"' {
            out.push(' ');
            i += 1;
            while i < c.len() && c[i] != '"' {
                if c[i] == '\\' {
                    out.push(' ');
                    i += 1;
                }
                if i < c.len() {
                    blank(&mut out, c[i]);
                    i += 1;
                }
            }
            if i < c.len() {
                out.push(' ');
                i += 1;
            }
            continue;
        }
        if ch == '\'' {
            // A char literal ('x', '\n', '\u{1F600}', '"'), else a lifetime or a label.
            let end = if next == Some('\\') {
                let mut k = i + 3;
                while k < c.len() && c[k] != '\'' && c[k] != '\n' {
                    k += 1;
                }
                Some(k + 1)
            } else if c.get(i + 2) == Some(&'\'') {
                Some(i + 3)
            } else {
                None
            };
            if let Some(end) = end {
                let end = end.min(c.len());
                for &x in &c[i..end] {
                    blank(&mut out, x);
                }
                i = end;
                continue;
            }
        }
        out.push(ch);
        i += 1;
    }
    out
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Ident(String),
    PathSep,
    Open,
    Close,
    Comma,
    Other,
}

fn tokens(code: &str) -> Vec<(Tok, usize)> {
    let c: Vec<char> = code.chars().collect();
    let mut out = Vec::new();
    let mut line = 1;
    let mut i = 0;
    while i < c.len() {
        let ch = c[i];
        if ch == '\n' {
            line += 1;
            i += 1;
        } else if ch.is_whitespace() {
            i += 1;
        } else if is_ident(ch) {
            let start = i;
            while i < c.len() && is_ident(c[i]) {
                i += 1;
            }
            let word: String = c[start..i].iter().collect();
            out.push((Tok::Ident(word), line));
        } else if ch == ':' && c.get(i + 1) == Some(&':') {
            out.push((Tok::PathSep, line));
            i += 2;
        } else {
            out.push((
                match ch {
                    '{' => Tok::Open,
                    '}' => Tok::Close,
                    ',' => Tok::Comma,
                    _ => Tok::Other,
                },
                line,
            ));
            i += 1;
        }
    }
    out
}

fn is(toks: &[(Tok, usize)], i: usize, t: &Tok) -> bool {
    toks.get(i).is_some_and(|(x, _)| x == t)
}

fn ident(toks: &[(Tok, usize)], i: usize) -> Option<&str> {
    match toks.get(i) {
        Some((Tok::Ident(s), _)) => Some(s),
        _ => None,
    }
}

/// Every first segment under the crate root that the file at `module` names, with its line:
/// `crate::web::x`, `$crate::web::x`, `use crate::{web, api::y}`, and `super::` paths that climb
/// up to the root.
pub fn references(module: &[String], text: &str) -> Vec<(String, usize)> {
    let toks = tokens(&strip(text));
    let mut out = Vec::new();
    let mut depth = 0usize;
    // Inline `mod name { … }` blocks open around the current token, with their brace depth.
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut pending_mod: Option<String> = None;
    for i in 0..toks.len() {
        match &toks[i].0 {
            Tok::Open => {
                depth += 1;
                if let Some(name) = pending_mod.take() {
                    inline.push((name, depth));
                }
            }
            Tok::Close => {
                if inline.last().is_some_and(|(_, d)| *d == depth) {
                    inline.pop();
                }
                depth = depth.saturating_sub(1);
            }
            Tok::Ident(word) => {
                let prev_sep = i > 0 && is(&toks, i - 1, &Tok::PathSep);
                if word == "mod" {
                    if let Some(name) = ident(&toks, i + 1) {
                        if is(&toks, i + 2, &Tok::Open) {
                            pending_mod = Some(name.to_string());
                        }
                    }
                } else if word == "crate" && !prev_sep && is(&toks, i + 1, &Tok::PathSep) {
                    heads(&toks, i + 2, &mut out);
                } else if word == "super" && !prev_sep && is(&toks, i + 1, &Tok::PathSep) {
                    let mut climbs = 0;
                    let mut k = i;
                    while ident(&toks, k) == Some("super") && is(&toks, k + 1, &Tok::PathSep) {
                        climbs += 1;
                        k += 2;
                    }
                    let here = module.len() + inline.len();
                    // Climbing to the root: the next segment names a top-level module. Short of
                    // the root, the path stays inside this file's own top-level module.
                    if climbs == here {
                        heads(&toks, k, &mut out);
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// The first segments of the path (or `{…}` group) that starts at token `i`.
fn heads(toks: &[(Tok, usize)], i: usize, out: &mut Vec<(String, usize)>) {
    match toks.get(i) {
        Some((Tok::Ident(name), line)) if !matches!(name.as_str(), "self" | "super" | "crate") => {
            out.push((name.clone(), *line));
        }
        Some((Tok::Open, _)) => {
            let mut k = i + 1;
            let mut depth = 0usize;
            let mut head = true;
            while k < toks.len() {
                match &toks[k].0 {
                    Tok::Open if depth == 0 && head => {
                        heads(toks, k, out);
                        head = false;
                        depth += 1;
                    }
                    Tok::Open => depth += 1,
                    Tok::Close if depth == 0 => break,
                    Tok::Close => depth -= 1,
                    Tok::Comma if depth == 0 => head = true,
                    Tok::Ident(_) if depth == 0 && head => {
                        heads(toks, k, out);
                        head = false;
                    }
                    _ => {
                        if depth == 0 {
                            head = false;
                        }
                    }
                }
                k += 1;
            }
        }
        _ => {}
    }
}

impl Graph {
    /// The strongly connected components with more than one module (Tarjan), each sorted,
    /// largest first.
    pub fn circles(&self) -> Vec<Vec<String>> {
        let names: Vec<&String> = self.modules.iter().collect();
        let index_of = |m: &String| names.iter().position(|n| *n == m);
        let mut next: Vec<Vec<usize>> = vec![Vec::new(); names.len()];
        for (from, to) in self.edges.keys() {
            if let (Some(a), Some(b)) = (index_of(from), index_of(to)) {
                next[a].push(b);
            }
        }
        let mut tarjan = Tarjan {
            next: &next,
            index: vec![None; names.len()],
            low: vec![0; names.len()],
            on_stack: vec![false; names.len()],
            stack: Vec::new(),
            counter: 0,
            out: Vec::new(),
        };
        for v in 0..names.len() {
            if tarjan.index[v].is_none() {
                tarjan.visit(v);
            }
        }
        let mut circles: Vec<Vec<String>> = tarjan
            .out
            .into_iter()
            .filter(|c| c.len() > 1)
            .map(|c| {
                let mut c: Vec<String> = c.into_iter().map(|v| names[v].clone()).collect();
                c.sort();
                c
            })
            .collect();
        circles.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
        circles
    }

    /// The edges whose two ends lie in the same circle.
    pub fn cyclic_edges(&self) -> BTreeSet<(String, String)> {
        let circles = self.circles();
        self.edges
            .keys()
            .filter(|(a, b)| circles.iter().any(|c| c.contains(a) && c.contains(b)))
            .cloned()
            .collect()
    }

    /// Each circle, its modules and every edge inside it with one place that writes it.
    pub fn describe(&self) -> String {
        let circles = self.circles();
        if circles.is_empty() {
            return "no circles between top-level modules\n".to_string();
        }
        let mut s = String::new();
        for c in &circles {
            let _ = writeln!(s, "circle of {} modules: {}", c.len(), c.join(", "));
            for ((a, b), e) in &self.edges {
                if c.contains(a) && c.contains(b) {
                    let _ = writeln!(
                        s,
                        "    {a} -> {b}   ({} references; e.g. {})",
                        e.count, e.example
                    );
                }
            }
        }
        s
    }
}

struct Tarjan<'a> {
    next: &'a [Vec<usize>],
    index: Vec<Option<usize>>,
    low: Vec<usize>,
    on_stack: Vec<bool>,
    stack: Vec<usize>,
    counter: usize,
    out: Vec<Vec<usize>>,
}

impl Tarjan<'_> {
    fn visit(&mut self, v: usize) {
        self.index[v] = Some(self.counter);
        self.low[v] = self.counter;
        self.counter += 1;
        self.stack.push(v);
        self.on_stack[v] = true;
        for &w in &self.next[v] {
            match self.index[w] {
                None => {
                    self.visit(w);
                    self.low[v] = self.low[v].min(self.low[w]);
                }
                Some(iw) if self.on_stack[w] => self.low[v] = self.low[v].min(iw),
                Some(_) => {}
            }
        }
        if Some(self.low[v]) == self.index[v] {
            let mut component = Vec::new();
            while let Some(w) = self.stack.pop() {
                self.on_stack[w] = false;
                component.push(w);
                if w == v {
                    break;
                }
            }
            self.out.push(component);
        }
    }
}

/// Holds the graph to the list of edges allowed in circles (`a -> b` a line, `#` comments):
/// a circle edge not listed fails, and so does a listed edge that is no longer in a circle.
pub fn ratchet(graph: &Graph, list_name: &str, list: &str) -> Result<(), String> {
    let mut allowed = BTreeSet::new();
    let mut problems = Vec::new();
    for (n, raw) in list.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let edge = line
            .split_once("->")
            .map(|(a, b)| (a.trim().to_string(), b.trim().to_string()))
            .filter(|(a, b)| {
                !a.is_empty()
                    && !b.is_empty()
                    && !a.contains(char::is_whitespace)
                    && !b.contains(char::is_whitespace)
            });
        match edge {
            None => problems.push(format!(
                "{list_name}:{}: `{line}` is not an edge; write `from -> to`",
                n + 1
            )),
            Some(e) => {
                if !allowed.insert(e) {
                    problems.push(format!("{list_name}:{}: `{line}` is listed twice", n + 1));
                }
            }
        }
    }
    let cyclic = graph.cyclic_edges();
    for (a, b) in cyclic.difference(&allowed) {
        let example = graph
            .edges
            .get(&(a.clone(), b.clone()))
            .map(|e| e.example.clone())
            .unwrap_or_default();
        problems.push(format!(
            "new edge in a circle: {a} -> {b} (e.g. {example}); move the code so that \
             `{a}` does not need `{b}`, or what both need below them, instead of listing the edge"
        ));
    }
    for (a, b) in allowed.difference(&cyclic) {
        let why = if graph.edges.contains_key(&(a.clone(), b.clone())) {
            "is no longer in a circle"
        } else {
            "no longer exists"
        };
        problems.push(format!(
            "{a} -> {b} {why}: delete the line `{a} -> {b}` from {list_name}"
        ));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{}\n\nthe circles today:\n{}",
            problems.join("\n"),
            graph.describe()
        ))
    }
}
