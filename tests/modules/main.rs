//! The module-cycle check: no circle between top-level modules of `src/` beyond the edges that
//! `tests/module-cycles.txt` still lists. The list only shrinks: an edge that leaves its circle
//! must be deleted from it, and once it is empty the check demands zero circles.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod graph;
mod sql;

use graph::{module_path, references, scan_crate, strip, Graph};
use std::path::Path;

const LIST: &str = "tests/module-cycles.txt";

#[test]
fn no_module_circle_beyond_the_listed_edges() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let graph = scan_crate(root).unwrap();
    assert!(graph.modules.contains("web") && graph.modules.contains("domain"));
    let list = std::fs::read_to_string(root.join(LIST)).unwrap();
    println!("{}", graph.describe());
    if let Err(problems) = graph::ratchet(&graph, LIST, &list) {
        panic!("module cycles:\n{problems}");
    }
}

/// Writes a small crate `src/` from `(path, text)` pairs into a temporary directory.
fn tree(files: &[(&str, &str)]) -> (tempfile::TempDir, Graph) {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let full = dir.path().join("src").join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, text).unwrap();
    }
    let graph = scan_crate(dir.path()).unwrap();
    (dir, graph)
}

fn edges(graph: &Graph) -> Vec<String> {
    graph
        .edges
        .keys()
        .map(|(a, b)| format!("{a} -> {b}"))
        .collect()
}

const PLANTED: &[(&str, &str)] = &[
    ("lib.rs", "pub mod alpha;\npub mod beta;\n"),
    (
        "alpha/mod.rs",
        "pub mod inner;\npub fn f() -> u32 {\n    crate::beta::g() + 1\n}\n",
    ),
    ("alpha/inner.rs", "pub fn h() -> u32 { super::f() }\n"),
    (
        "beta.rs",
        "pub fn g() -> u32 { 1 }\npub fn k() -> u32 {\n    super::alpha::f()\n}\n",
    ),
];

#[test]
fn a_planted_circle_is_reported_with_one_place_per_edge() {
    let (_dir, graph) = tree(PLANTED);
    assert_eq!(edges(&graph), ["alpha -> beta", "beta -> alpha"]);
    assert_eq!(
        graph.circles(),
        vec![vec!["alpha".to_string(), "beta".into()]]
    );
    let text = graph.describe();
    assert!(text.contains("circle of 2 modules: alpha, beta"), "{text}");
    assert!(
        text.contains("alpha -> beta   (1 references; e.g. src/alpha/mod.rs:3)"),
        "{text}"
    );
    assert!(
        text.contains("beta -> alpha   (1 references; e.g. src/beta.rs:3)"),
        "{text}"
    );
    // With an empty list the check demands zero circles, and fails here.
    let err = graph::ratchet(&graph, "list", "# no circles\n").unwrap_err();
    assert!(
        err.contains("new edge in a circle: alpha -> beta (e.g. src/alpha/mod.rs:3)"),
        "{err}"
    );
    assert!(
        err.contains("new edge in a circle: beta -> alpha (e.g. src/beta.rs:3)"),
        "{err}"
    );
    // Listed, the circle is tolerated; half listed, the other half fails.
    graph::ratchet(&graph, "list", "alpha -> beta\nbeta -> alpha\n").unwrap();
    let err = graph::ratchet(&graph, "list", "alpha -> beta\n").unwrap_err();
    assert!(
        err.contains("beta -> alpha") && !err.contains("new edge in a circle: alpha"),
        "{err}"
    );
}

#[test]
fn an_acyclic_tree_reports_no_circle_and_a_stale_line_fails() {
    let (_dir, graph) = tree(&[
        ("lib.rs", "pub mod alpha;\npub mod beta;\npub mod gamma;\n"),
        (
            "alpha.rs",
            "use crate::{beta, gamma::x};\npub fn f() { beta::g() }\n",
        ),
        ("beta.rs", "pub fn g() { super::gamma::x() }\n"),
        ("gamma.rs", "pub fn x() {}\n"),
    ]);
    assert_eq!(
        edges(&graph),
        ["alpha -> beta", "alpha -> gamma", "beta -> gamma"]
    );
    assert!(graph.circles().is_empty());
    assert_eq!(graph.describe(), "no circles between top-level modules\n");
    graph::ratchet(&graph, "list", "").unwrap();
    // A listed edge that is no longer in a circle, or no longer exists, must be deleted.
    let err = graph::ratchet(&graph, "list", "alpha -> beta\ngamma -> alpha\n").unwrap_err();
    assert!(
        err.contains(
            "alpha -> beta is no longer in a circle: delete the line `alpha -> beta` from list"
        ),
        "{err}"
    );
    assert!(
        err.contains("gamma -> alpha no longer exists: delete the line `gamma -> alpha` from list"),
        "{err}"
    );
    let err = graph::ratchet(&graph, "list", "alpha beta\n").unwrap_err();
    assert!(err.contains("list:1: `alpha beta` is not an edge"), "{err}");
}

#[test]
fn a_circle_through_three_modules_lists_every_edge_and_leaves_others_out() {
    let (_dir, graph) = tree(&[
        ("a.rs", "pub fn f() { crate::b::f() }\n"),
        ("b.rs", "pub fn f() { crate::c::f() }\n"),
        ("c.rs", "pub fn f() { crate::a::f(); crate::d::f() }\n"),
        ("d.rs", "pub fn f() { crate::d::f() }\n"),
    ]);
    assert_eq!(
        graph.circles(),
        vec![vec!["a".to_string(), "b".into(), "c".into()]]
    );
    let cyclic: Vec<_> = graph.cyclic_edges().into_iter().collect();
    assert_eq!(cyclic.len(), 3);
    assert!(!cyclic.contains(&("c".to_string(), "d".to_string())));
}

fn names(module: &[&str], text: &str) -> Vec<(String, usize)> {
    let module: Vec<String> = module.iter().map(|s| s.to_string()).collect();
    references(&module, text)
}

#[test]
fn comments_strings_and_char_literals_are_not_paths() {
    let text = r####"
// crate::a::x in a line comment
/* crate::b::x /* nested */ crate::c::x */
/// [crate::d::x] in a doc link
fn f<'a>(s: &'a str) -> char {
    let _ = "crate::e::x \" crate::e::y";
    let _ = r#"crate::g::x " still raw"#;
    let _ = br"crate::h::x";
    let _ = b'"';
    let _ = '\'';
    let _ = '"'; crate::real::x();
    'x'
}
"####;
    assert_eq!(names(&["web"], text), [("real".to_string(), 11)]);
    let stripped = strip(text);
    assert_eq!(stripped.lines().count(), text.lines().count());
}

#[test]
fn use_groups_macros_and_super_resolve_to_top_level_modules() {
    let text = "
use crate::{api::x, db, {search::q, self}};
use super::super::domain::Rule;
macro_rules! m { () => { $crate::error::AppError::X }; }
fn f() { super::sibling::g(); crate::web::on_pool(1); }
mod tests {
    use super::*;
    use super::super::super::auth::t;
    mod deeper { use super::super::super::super::config::C; }
}
";
    // The file is `web/pages.rs`: two `super`s reach the root, one stays in `web`.
    let got: Vec<String> = names(&["web", "pages"], text)
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    assert_eq!(
        got,
        ["api", "db", "search", "domain", "error", "web", "auth", "config"]
    );
}

#[test]
fn module_paths_follow_files_and_leave_the_binaries_out() {
    let p = |s: &str| module_path(Path::new(s));
    assert_eq!(p("web/mod.rs"), Some(vec!["web".to_string()]));
    assert_eq!(
        p("web/public/list.rs"),
        Some(vec!["web".into(), "public".into(), "list".into()])
    );
    assert_eq!(p("startup.rs"), Some(vec!["startup".to_string()]));
    assert_eq!(p("lib.rs"), None);
    assert_eq!(p("main.rs"), None);
    assert_eq!(p("bin/vanban-bench.rs"), None);
}

#[test]
fn sql_lives_in_db_beyond_the_listed_files() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let found = sql::sql_outside_db(root).unwrap();
    let list = std::fs::read_to_string(root.join("tests/sql-outside-db.txt")).unwrap();
    for (file, hit) in &found {
        println!("{file}: {hit}");
    }
    if let Err(problems) = sql::check(&found, &list) {
        panic!("SQL outside src/db/:\n{problems}");
    }
}

#[test]
fn a_query_outside_db_is_found_and_error_types_are_not() {
    let dir = tempfile::tempdir().unwrap();
    let put = |path: &str, text: &str| {
        let full = dir.path().join("src").join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, text).unwrap();
    };
    put(
        "db/mod.rs",
        "use diesel::prelude::*;\n#[derive(Queryable)]\npub struct Row;\n",
    );
    put(
        "review/mod.rs",
        "// diesel::prelude in a comment\nfn f() -> Result<(), diesel::result::Error> {\n    let s = \"diesel::update\";\n    Ok(())\n}\n",
    );
    put(
        "web/mod.rs",
        "fn g() {\n    crate::with_db!(db, c => diesel::update(t).execute(c));\n}\n",
    );
    put("auth/mod.rs", "#[derive(Debug, Queryable)]\nstruct U;\n");
    put(
        "search/mod.rs",
        "use tantivy::schema::Field;\nstruct MyQueryable;\n",
    );
    let found = sql::sql_outside_db(dir.path()).unwrap();
    let files: Vec<&str> = found.keys().map(String::as_str).collect();
    assert_eq!(files, ["src/auth/mod.rs", "src/web/mod.rs"], "{found:?}");
    assert_eq!(found["src/web/mod.rs"], "diesel::update at line 2");
    let err = sql::check(&found, "src/auth/mod.rs\nsrc/review/mod.rs\n").unwrap_err();
    assert!(err.contains("src/web/mod.rs holds SQL"), "{err}");
    assert!(
        err.contains("src/review/mod.rs no longer holds SQL"),
        "{err}"
    );
    sql::check(&found, "# header\nsrc/auth/mod.rs\nsrc/web/mod.rs\n").unwrap();
}
