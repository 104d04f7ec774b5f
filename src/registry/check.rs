//! `vanban check`: the data-quality report. It names each offending record and separates
//! errors (data that makes a derived status wrong) from warnings (data that breaks a rule of
//! the law but does not mislead the status).

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::db::models::{Authority, DocumentSummary, Unit};
use crate::db::stored::Corrupt;
use crate::db::{queries, Db, DbError};
use crate::domain::kinds::{AuthorityKind, UnitLevel};
use crate::domain::number::DocumentNumber;
use crate::domain::structure::display_reference;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Finding {
    pub severity: Severity,
    pub code: &'static str,
    pub message: String,
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = match self.severity {
            Severity::Error => "LỖI",
            Severity::Warning => "CẢNH BÁO",
        };
        write!(f, "{s} [{}] {}", self.code, self.message)
    }
}

/// Minimum days between signing and taking effect (Luật 80/2015, Điều 151: 10 days for
/// provincial documents, 7 for district and commune ones).
pub fn minimum_days(level: UnitLevel) -> i64 {
    match level {
        UnitLevel::Tinh => 10,
        UnitLevel::Huyen | UnitLevel::Xa => 7,
    }
}

/// Dates and numbers of each document: effective before issued, ended before effective, a
/// number that does not parse, a number used twice by one authority.
fn check_documents(
    ids: &[i64],
    docs: &HashMap<i64, DocumentSummary>,
    name: &dyn Fn(i64) -> String,
    err: &mut dyn FnMut(&'static str, String),
) {
    let mut by_number: BTreeMap<(i64, String), Vec<i64>> = BTreeMap::new();
    for id in ids {
        let d = &docs[id];
        if d.effective_on < d.issued_on {
            err(
                "effective-before-issue",
                format!(
                    "{}: ngày có hiệu lực {} trước ngày ban hành {}",
                    name(d.id),
                    d.effective_on,
                    d.issued_on
                ),
            );
        }
        if let Some(end) = d.end_on {
            if end < d.effective_on {
                err(
                    "end-before-effective",
                    format!(
                        "{}: ngày hết hiệu lực {end} trước ngày có hiệu lực {}",
                        name(d.id),
                        d.effective_on
                    ),
                );
            }
        }
        match DocumentNumber::parse(&d.number) {
            Ok(n) => by_number
                .entry((d.authority_id, n.key()))
                .or_default()
                .push(d.id),
            Err(e) => err("invalid-number", format!("{}: {e}", name(d.id))),
        }
    }
    for ((_, key), list) in &by_number {
        if list.len() > 1 {
            let names: Vec<String> = list.iter().map(|i| name(*i)).collect();
            err(
                "duplicate-number",
                format!(
                    "số ký hiệu {key} dùng cho nhiều văn bản của cùng cơ quan: {}",
                    names.join("; ")
                ),
            );
        }
    }
}

pub fn run(db: &mut Db<'_>) -> Result<Vec<Finding>, DbError> {
    let mut out = Vec::new();
    let docs: HashMap<i64, DocumentSummary> = queries::document_summaries(db, &Default::default())?
        .into_iter()
        .map(|d| (d.id, d))
        .collect();
    let authorities: HashMap<i64, _> = queries::all_authorities(db)?
        .into_iter()
        .map(|a| (a.id, a))
        .collect();
    let units: HashMap<i64, _> = queries::all_units(db)?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    let name = |id: i64| -> String {
        match docs.get(&id) {
            Some(d) => {
                let a = authorities
                    .get(&d.authority_id)
                    .map(|a| a.code.as_str())
                    .unwrap_or("?");
                format!("văn bản {} ({a}, id {id})", d.number)
            }
            None => format!("văn bản id {id}"),
        }
    };
    let mut err = |code: &'static str, message: String| {
        out.push(Finding {
            severity: Severity::Error,
            code,
            message,
        })
    };

    let mut ids: Vec<i64> = docs.keys().copied().collect();
    ids.sort_unstable();
    check_documents(&ids, &docs, &name, &mut err);

    check_effects(db, &docs, &name, &mut err)?;
    check_timing(&ids, &docs, &authorities, &units, &name, &mut out)?;
    out.sort_by_key(|f| f.severity);
    Ok(out)
}

/// The effects between documents: dated before the acting document was issued, citing a
/// provision the target does not have, acting on itself, or going round in a circle.
fn check_effects(
    db: &mut Db<'_>,
    docs: &HashMap<i64, DocumentSummary>,
    name: &dyn Fn(i64) -> String,
    err: &mut dyn FnMut(&'static str, String),
) -> Result<(), DbError> {
    let effects = queries::all_effects(db)?;
    let mut keys_cache: HashMap<i64, HashSet<String>> = HashMap::new();
    let mut edges: HashMap<i64, Vec<i64>> = HashMap::new();
    for e in &effects {
        edges.entry(e.acting_id).or_default().push(e.target_id);
        let kind = e.kind_stored()?.label();
        if let Some(acting) = docs.get(&e.acting_id) {
            if e.effective_on < acting.issued_on {
                err(
                    "effect-before-acting-issued",
                    format!(
                        "tác động id {} ({kind}) của {} đến {} có hiệu lực ngày {}, trước khi văn bản tác động được ban hành ({})",
                        e.id,
                        name(e.acting_id),
                        name(e.target_id),
                        e.effective_on,
                        acting.issued_on
                    ),
                );
            }
        }
        let provisions = e.provisions_stored()?;
        if !provisions.is_empty() {
            let keys = match keys_cache.entry(e.target_id) {
                std::collections::hash_map::Entry::Occupied(o) => o.into_mut(),
                std::collections::hash_map::Entry::Vacant(v) => v.insert(
                    queries::provision_keys_of(db, e.target_id)?
                        .into_iter()
                        .collect(),
                ),
            };
            for p in provisions.iter().filter(|p| !keys.contains(*p)) {
                err(
                    "missing-provision",
                    format!(
                        "tác động id {} ({kind}) của {} dẫn chiếu {} nhưng {} không có quy định này",
                        e.id,
                        name(e.acting_id),
                        display_reference(p),
                        name(e.target_id)
                    ),
                );
            }
        }
        if e.acting_id == e.target_id {
            err(
                "self-effect",
                format!(
                    "tác động id {}: {} tác động đến chính nó",
                    e.id,
                    name(e.acting_id)
                ),
            );
        }
    }
    for cycle in cycles(&edges) {
        let names: Vec<String> = cycle.iter().map(|i| name(*i)).collect();
        err(
            "effect-cycle",
            format!("vòng tác động: {} → (quay lại đầu)", names.join(" → ")),
        );
    }

    Ok(())
}

/// Documents of provincial, district and commune authorities that take effect sooner after
/// signing than Điều 151 allows (a warning).
fn check_timing(
    ids: &[i64],
    docs: &HashMap<i64, DocumentSummary>,
    authorities: &HashMap<i64, Authority>,
    units: &HashMap<i64, Unit>,
    name: &dyn Fn(i64) -> String,
    out: &mut Vec<Finding>,
) -> Result<(), Corrupt> {
    for id in ids {
        let d = &docs[id];
        let Some(a) = authorities.get(&d.authority_id) else {
            continue;
        };
        if a.kind_stored()? == AuthorityKind::Central {
            continue;
        }
        let Some(unit) = a.unit_id.and_then(|u| units.get(&u)) else {
            continue;
        };
        let level = unit.level_stored()?;
        let min = minimum_days(level);
        let days = (d.effective_on - d.issued_on).num_days();
        if (0..min).contains(&days) {
            out.push(Finding {
                severity: Severity::Warning,
                code: "effective-too-soon",
                message: format!(
                    "{}: có hiệu lực {days} ngày sau khi ký, ít hơn {min} ngày theo Điều 151 Luật Ban hành văn bản quy phạm pháp luật",
                    name(d.id)
                ),
            });
        }
    }
    Ok(())
}

/// Each elementary cycle found once, as the list of documents on it (smallest id first).
fn cycles(edges: &HashMap<i64, Vec<i64>>) -> Vec<Vec<i64>> {
    // Peel off nodes that cannot lie on a cycle (no way in or no way out), then walk.
    let mut alive: HashSet<i64> = edges.keys().copied().collect();
    for ts in edges.values() {
        alive.extend(ts.iter().copied());
    }
    loop {
        let mut indeg: HashMap<i64, usize> = alive.iter().map(|n| (*n, 0)).collect();
        for (s, ts) in edges {
            if !alive.contains(s) {
                continue;
            }
            for t in ts.iter().filter(|t| alive.contains(t)) {
                *indeg.entry(*t).or_default() += 1;
            }
        }
        let before = alive.len();
        alive.retain(|n| {
            indeg.get(n).copied().unwrap_or(0) > 0
                && edges
                    .get(n)
                    .is_some_and(|ts| ts.iter().any(|t| indeg.contains_key(t)))
        });
        if alive.len() == before {
            break;
        }
    }
    let mut found = Vec::new();
    let mut starts: Vec<i64> = alive.iter().copied().collect();
    starts.sort_unstable();
    for start in starts {
        if !alive.contains(&start) {
            continue;
        }
        let mut path = vec![start];
        let mut at = start;
        let cycle = loop {
            let next = edges
                .get(&at)
                .and_then(|ts| ts.iter().copied().filter(|t| alive.contains(t)).min());
            let Some(n) = next else { break None };
            if let Some(pos) = path.iter().position(|p| *p == n) {
                break Some(path[pos..].to_vec());
            }
            path.push(n);
            at = n;
        };
        if let Some(mut c) = cycle {
            for n in &c {
                alive.remove(n);
            }
            if let Some(min_pos) = c
                .iter()
                .enumerate()
                .min_by_key(|(_, v)| **v)
                .map(|(i, _)| i)
            {
                c.rotate_left(min_pos);
            }
            found.push(c);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_cycles_and_ignores_chains() {
        let edges: HashMap<i64, Vec<i64>> = [
            (1, vec![2]),
            (2, vec![3]),
            (3, vec![1]),
            (4, vec![1]),
            (5, vec![6]),
        ]
        .into_iter()
        .collect();
        assert_eq!(cycles(&edges), vec![vec![1, 2, 3]]);
        let chain: HashMap<i64, Vec<i64>> = [(1, vec![2]), (2, vec![3])].into_iter().collect();
        assert!(cycles(&chain).is_empty());
    }
}
