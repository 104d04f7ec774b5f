//! The annexes after the signature (phụ lục, Nghị định 30/2020 Phụ lục I): "PHỤ LỤC I", its
//! title in capitals ("DANH MỤC THỦ TỤC …", on one line or more), then "(Kèm theo Quyết định
//! số …/QĐ-UBND ngày … của …)" and the annex's own text — tables, numbered items — up to the
//! next annex. The annexes are read as `domain::structure` reads them, so that what the review
//! form lists is what the saved text's annex nodes will be.

use super::super::structure::{self, annex_at, key_part, NodeKind};

/// One annex of the document.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Annex {
    /// The number as written (`I`, `02`); empty for a document's one unnumbered annex.
    pub label: String,
    /// The title under the heading, its lines joined by one space; `None` when there is none.
    pub title: Option<String>,
    /// The line (1-based) of the heading.
    pub line: usize,
    /// The rest of the annex: the "(Kèm theo …)" line, its tables (cells separated by tabs as
    /// the file gave them) and lists, one line a line.
    pub text: String,
}

/// The index of the first line at or after `from` that opens an annex.
pub fn start(lines: &[&str], from: usize) -> Option<usize> {
    (from..lines.len()).find(|&i| {
        let prev = lines[..i]
            .iter()
            .rev()
            .map(|l| l.trim())
            .find(|l| !l.is_empty());
        annex_at(prev, lines[i]).is_some()
    })
}

/// The annexes from line `from` on (the end of the document's own text).
pub fn read(lines: &[&str], from: usize) -> Vec<Annex> {
    let Some(first) = start(lines, from) else {
        return Vec::new();
    };
    // The first heading of each key: a repeated number stays text of the annex before it, as
    // the structure keeps it.
    let mut heads: Vec<(String, usize)> = Vec::new();
    let mut prev: Option<&str> = None;
    for (i, line) in lines.iter().enumerate().skip(first) {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if let Some((label, _)) = annex_at(prev, line) {
            let key = key_part(NodeKind::PhuLuc, &label);
            if !heads.iter().any(|(k, _)| *k == key) {
                heads.push((key, i));
            }
        }
        prev = Some(line);
    }
    let s = structure::parse(&lines[first..].join("\n"));
    s.annexes()
        .filter_map(|n| {
            let (_, i) = heads.iter().find(|(k, _)| *k == n.key)?;
            Some(Annex {
                label: n.label.clone(),
                title: (!n.heading.is_empty()).then(|| n.heading.clone()),
                line: i + 1,
                text: n.body.clone(),
            })
        })
        .collect()
}
