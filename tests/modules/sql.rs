//! The rule for SQL (README, Layout): every diesel query and row type lives in `src/db/`.
//!
//! A text scan of `src/` outside `db/` (comments and strings blanked, as for the module graph)
//! for what only database code writes: the diesel prelude and query builders, `sql_query`,
//! the diesel schema, the `with_db!` macro and row derives. Error types (`diesel::result::…`)
//! may be named anywhere: a feature converts them, it does not query.
//! `tests/sql-outside-db.txt` lists the files that still hold SQL; it only shrinks.

use std::collections::BTreeMap;
use std::path::Path;

use crate::graph::{collect_rs, strip};

/// What database code writes and other code does not.
pub const MARKS: &[&str] = &[
    "diesel::prelude",
    "diesel::insert_into",
    "diesel::update",
    "diesel::delete",
    "diesel::sql_query",
    "diesel::dsl",
    "diesel::sql_types",
    "db::schema",
    "with_db!",
    "Queryable",
    "Insertable",
    "QueryableByName",
    "AsChangeset",
    "Selectable",
];

/// Files of `root/src` outside `src/db/` that hold SQL, each with its first mark and line.
pub fn sql_outside_db(root: &Path) -> std::io::Result<BTreeMap<String, String>> {
    let src = root.join("src");
    let mut files = Vec::new();
    collect_rs(&src, &mut files)?;
    let mut found = BTreeMap::new();
    for file in files {
        let rel = file.strip_prefix(&src).unwrap_or(&file);
        if rel.starts_with("db") {
            continue;
        }
        let text = strip(&std::fs::read_to_string(&file)?);
        let hit = text.lines().enumerate().find_map(|(n, line)| {
            MARKS
                .iter()
                .find(|m| contains_word(line, m))
                .map(|m| format!("{m} at line {}", n + 1))
        });
        if let Some(hit) = hit {
            found.insert(format!("src/{}", rel.display()), hit);
        }
    }
    Ok(found)
}

/// `mark` in `line`, not as part of a longer identifier (`Queryable` but not `MyQueryable`).
fn contains_word(line: &str, mark: &str) -> bool {
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    line.match_indices(mark).any(|(at, _)| {
        let joined_before = mark.starts_with(ident) && line[..at].ends_with(ident);
        let joined_after = mark.ends_with(ident) && line[at + mark.len()..].starts_with(ident);
        !joined_before && !joined_after
    })
}

/// Compares what was found with the list: a new file is a failure, and so is a listed file
/// that no longer holds SQL (delete its line).
pub fn check(found: &BTreeMap<String, String>, list: &str) -> Result<(), String> {
    let listed: Vec<&str> = list
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    let mut problems = Vec::new();
    for (file, hit) in found {
        if !listed.contains(&file.as_str()) {
            problems.push(format!(
                "{file} holds SQL ({hit}): move the query or row type into src/db/"
            ));
        }
    }
    for file in &listed {
        if !found.contains_key(*file) {
            problems.push(format!(
                "{file} no longer holds SQL: delete its line from tests/sql-outside-db.txt"
            ));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n"))
    }
}
