//! The wordings a document's search units hold when amendments changed it: each amended
//! provision's current wording (the latest amendment in force on the day indexed) in the text,
//! and its earlier wordings (the original, and amendments since superseded) in a field of their
//! own, weighted lower, so that the old words still find the provision (issue 15, item 6).

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::db::models::Provision;
use crate::db::stored::Corrupt;
use crate::db::{wording, Db, DbError};
use crate::domain::structure::{node_label, NodeKind};

/// The amended provisions of one document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Amended {
    /// Provision key → the wording in force.
    pub current: HashMap<String, String>,
    /// Provision key → wordings superseded by a later amendment, oldest first.
    pub earlier: HashMap<String, Vec<String>>,
}

/// The amended provisions of the documents `ids` on `day`, by document (documents with no
/// recorded wording are absent).
pub fn amended(
    db: &mut Db<'_>,
    ids: &[i64],
    day: NaiveDate,
) -> Result<HashMap<i64, Amended>, DbError> {
    let effects = wording::amendments_on(db, ids, day)?;
    if effects.is_empty() {
        return Ok(HashMap::new());
    }
    let effect_ids: Vec<i64> = effects.iter().map(|e| e.id).collect();
    let words = crate::registry::wording::wordings(db, &effect_ids)?;
    let mut out: HashMap<i64, Amended> = HashMap::new();
    // Oldest first: each later wording of a key supersedes the one before.
    for e in &effects {
        for key in e.provisions_stored()? {
            let Some(w) = words.get(&(e.id, key.clone())) else {
                continue;
            };
            let a = out.entry(e.target_id).or_default();
            if let Some(before) = a.current.insert(key.clone(), w.clone()) {
                a.earlier.entry(key).or_default().push(before);
            }
        }
    }
    Ok(out)
}

/// An article's search unit: key, label, heading, its text in force, and its earlier wordings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Article {
    pub key: String,
    pub label: String,
    pub heading: String,
    pub text: String,
    pub earlier: String,
}

fn push_line(s: &mut String, line: &str) {
    if !s.is_empty() {
        s.push('\n');
    }
    s.push_str(line);
}

/// Whether `key` is `outer` or inside it.
fn within(key: &str, outer: &str) -> bool {
    key.strip_prefix(outer)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// Each article (Điều) with its clauses and points, and each annex (Phụ lục) whole, as a unit
/// of its own; amended provisions in their wording in
/// force (their original text among the earlier wordings), provisions added by an amendment
/// (bổ sung Điều 5a, khoản 3) after the article holding them or as articles of their own. A
/// provision of unknown stored kind is an error naming its row.
pub fn articles(provisions: &[Provision], a: &Amended) -> Result<Vec<Article>, Corrupt> {
    let mut out: Vec<Article> = Vec::new();
    // The amended provision whose wording replaced the text of the ones inside it.
    let mut replaced: Option<&str> = None;
    for p in provisions {
        let kind = p.kind_stored()?;
        let unit = matches!(kind, NodeKind::Dieu | NodeKind::PhuLuc);
        let original = match kind {
            NodeKind::Dieu | NodeKind::PhuLuc => {
                let mut t = p.heading.clone();
                if !p.body.is_empty() {
                    push_line(&mut t, &p.body);
                }
                t
            }
            NodeKind::Khoan | NodeKind::Diem => {
                format!("{} {}", node_label(kind, &p.label), p.body)
            }
            NodeKind::Chuong | NodeKind::Muc => continue,
        };
        if unit {
            replaced = None;
            out.push(Article {
                key: p.key.clone(),
                label: node_label(kind, &p.label),
                heading: p.heading.clone(),
                ..Article::default()
            });
        }
        let Some(last) = out.last_mut().filter(|l| within(&p.key, &l.key)) else {
            continue;
        };
        if replaced.is_some_and(|r| within(&p.key, r)) {
            push_line(&mut last.earlier, &original);
            continue;
        }
        let text = match a.current.get(&p.key) {
            Some(now) => {
                replaced = Some(&p.key);
                push_line(&mut last.earlier, &original);
                now
            }
            None => &original,
        };
        // The article's own text opens the unit; each clause and point goes on its own line.
        if !unit {
            last.text.push('\n');
        }
        last.text.push_str(text);
        for old in a.earlier.get(&p.key).into_iter().flatten() {
            push_line(&mut last.earlier, old);
        }
    }
    added(&mut out, provisions, a);
    Ok(out)
}

/// Provisions an amendment added: inside the article holding them, or new articles.
fn added(out: &mut Vec<Article>, provisions: &[Provision], a: &Amended) {
    let mut keys: Vec<&String> = a
        .current
        .keys()
        .filter(|k| !provisions.iter().any(|p| p.key == **k))
        .collect();
    keys.sort();
    for key in keys {
        let now = &a.current[key];
        let article = key.split('/').next().unwrap_or(key);
        if let Some(holder) = out.iter_mut().find(|x| x.key == article) {
            push_line(&mut holder.text, now);
            continue;
        }
        let Some(label) = article.strip_prefix("dieu-") else {
            continue;
        };
        // "Điều 5a. Heading" opens the new article's wording.
        let first = now.lines().next().unwrap_or_default();
        let heading = first
            .split_once(". ")
            .map_or(first, |(_, h)| h)
            .trim()
            .to_string();
        out.push(Article {
            key: key.clone(),
            label: node_label(NodeKind::Dieu, label),
            heading,
            text: now.clone(),
            earlier: a.earlier.get(key).map(|v| v.join("\n")).unwrap_or_default(),
        });
    }
}
