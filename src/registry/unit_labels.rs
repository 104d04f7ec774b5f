//! Units as lists, pickers and notices show them after the 2025 reorganisation: each unit
//! labelled apart from its namesakes (`domain::units::unit_label` over its ancestors), the
//! notice of an abolished unit with its successors, the line of what a successor took over,
//! and the search by present and former names ([`units_matching`]). Pure over [`Org`].

use std::collections::BTreeSet;

use chrono::NaiveDate;
use serde::Serialize;

use super::org::Org;
use super::unit_tree::{search_key, UnitLink};
use crate::db::models::Unit;
use crate::domain::kinds::UnitLevel;
use crate::domain::units::{
    cmp_vn, collation_key, name_in_sentence, succession_notice, taken_over_line, unit_label,
    CollationKey, Successor, UnitFacts, UnitLabel,
};

/// The longest query the unit search reads (characters); the rest is cut off.
pub const MAX_QUERY_CHARS: usize = 100;

fn facts<'a>(org: &Org, u: &'a Unit, today: NaiveDate) -> Option<UnitFacts<'a>> {
    Some(UnitFacts {
        name: &u.name,
        level: org.unit_level(u.id)?,
        abolished: org.unit_defunct(u.id, today),
        succeeded: !org.unit_successors(u.id).is_empty(),
    })
}

/// The unit's ancestors, nearest first; a commune without a district above it (formed in 2025
/// under the province) gets the district its predecessors lay in, when they all lay in one.
fn ancestors<'a>(org: &'a Org, u: &Unit) -> Vec<&'a Unit> {
    let mut chain = Vec::new();
    let mut at = u.parent_id;
    // Three levels at most; the bound also stops a parent cycle in corrupt data.
    for _ in 0..4 {
        let Some(p) = at.and_then(|p| org.units.get(&p)) else {
            break;
        };
        chain.push(p);
        at = p.parent_id;
    }
    let has_district = chain
        .iter()
        .any(|a| org.unit_level(a.id) == Some(UnitLevel::Huyen));
    if org.unit_level(u.id) == Some(UnitLevel::Xa) && !has_district {
        let districts: BTreeSet<i64> = org
            .unit_predecessors(u.id)
            .iter()
            .filter_map(|(p, _)| p.parent_id)
            .filter(|d| org.unit_level(*d) == Some(UnitLevel::Huyen))
            .collect();
        if let (1, Some(d)) = (districts.len(), districts.first()) {
            if let Some(d) = org.units.get(d) {
                chain.insert(0, d);
            }
        }
    }
    chain
}

/// The label of a unit on `today` (README, "Administrative units": the name, then its former
/// district and province, then its status).
pub fn label(org: &Org, u: &Unit, today: NaiveDate) -> UnitLabel {
    let own = facts(org, u, today).unwrap_or(UnitFacts {
        name: &u.name,
        level: UnitLevel::Xa,
        abolished: false,
        succeeded: false,
    });
    let up: Vec<UnitFacts<'_>> = ancestors(org, u)
        .into_iter()
        .filter_map(|a| facts(org, a, today))
        .collect();
    unit_label(&own, &up)
}

/// An authority's name with its unit's context and status where they tell it apart from
/// namesakes: `Ủy ban nhân dân xã Tân Thuận (huyện Đầm Dơi cũ, tỉnh Cà Mau) — đã sáp nhập`.
pub fn authority_label(org: &Org, a: &crate::db::models::Authority, today: NaiveDate) -> String {
    let Some(l) = a
        .unit_id
        .and_then(|u| org.units.get(&u))
        .map(|u| label(org, u, today))
    else {
        return a.name.clone();
    };
    let mut t = a.name.clone();
    if !l.context.is_empty() {
        t.push_str(&format!(" ({})", l.context));
    }
    if let Some(s) = l.status {
        t.push_str(&format!(" — {s}"));
    }
    t
}

/// The list order of units: current units first, then abolished ones; each group in
/// Vietnamese order of name, then of context, then by code. A key, for sorting long lists with
/// `sort_by_cached_key` (each text's collation key computed once).
pub fn list_key(l: &UnitLabel, code: &str) -> (bool, CollationKey, CollationKey, String) {
    (
        l.status.is_some(),
        collation_key(&l.name),
        collation_key(&l.context),
        code.to_string(),
    )
}

/// The notice of an abolished unit's pages, with the units that took it over.
#[derive(Debug, Clone, Serialize)]
pub struct SuccessionNotice {
    pub text: String,
    pub successors: Vec<UnitLink>,
}

/// The notice for `u` read on `date`: `None` while it exists.
pub fn notice(org: &Org, u: &Unit, date: NaiveDate) -> Option<SuccessionNotice> {
    if !org.unit_defunct(u.id, date) {
        return None;
    }
    let mut direct = org.unit_successors(u.id);
    direct.sort_by(|a, b| cmp_vn(&a.0.name, &b.0.name).then_with(|| a.0.code.cmp(&b.0.code)));
    let others: Vec<Vec<&str>> = direct
        .iter()
        .map(|(s, _)| {
            // Units of its own level: a commune merged with communes, not with the district
            // whose territory was also shared out.
            let mut v: Vec<&str> = org
                .unit_predecessors(s.id)
                .into_iter()
                .filter(|(p, _)| p.id != u.id)
                .filter(|(p, _)| org.unit_level(p.id) == org.unit_level(u.id))
                .map(|(p, _)| p.name.as_str())
                .collect();
            v.sort_by(|a, b| cmp_vn(a, b));
            v
        })
        .collect();
    let successors: Vec<Successor<'_>> = direct
        .iter()
        .zip(&others)
        .map(|((s, on), with)| Successor {
            name: &s.name,
            on: *on,
            merged_with: with.clone(),
        })
        .collect();
    Some(SuccessionNotice {
        text: succession_notice(&u.name, u.valid_to, &successors),
        successors: direct
            .iter()
            .map(|(s, _)| UnitLink {
                reference: org.unit_reference(s),
                name: s.name.clone(),
            })
            .collect(),
    })
}

/// «Tiếp nhận từ: …, từ ngày …» for a unit that took others over.
pub fn taken_over(org: &Org, u: &Unit) -> Option<String> {
    // Units of its own level (a commune took over communes; the district it lay in is named
    // only when nothing else is).
    let all = org.unit_predecessors(u.id);
    let level = org.unit_level(u.id);
    let same: Vec<(&Unit, NaiveDate)> = all
        .iter()
        .filter(|(p, _)| org.unit_level(p.id) == level)
        .copied()
        .collect();
    let mut preds = if same.is_empty() { all } else { same };
    preds.sort_by(|a, b| cmp_vn(&a.0.name, &b.0.name).then_with(|| a.0.code.cmp(&b.0.code)));
    let named: Vec<(&str, NaiveDate)> =
        preds.iter().map(|(p, on)| (p.name.as_str(), *on)).collect();
    taken_over_line(&u.name, &named)
}

/// A unit found by name.
#[derive(Debug, Clone, Serialize)]
pub struct UnitMatch {
    pub reference: String,
    pub code: String,
    #[serde(flatten)]
    pub label: UnitLabel,
    pub current: bool,
    /// The former name that matched (a predecessor's), when the unit's own did not:
    /// `xã Tân Thuận`.
    pub former_name: Option<String>,
    /// Whether the query is the whole name (without its level word), not part of it.
    #[serde(skip)]
    pub exact: bool,
}

/// The query as the search reads it: trimmed, at most [`MAX_QUERY_CHARS`] characters.
pub fn bounded(query: &str) -> String {
    query.trim().chars().take(MAX_QUERY_CHARS).collect()
}

/// The name without its level word: `Xã Tân Thuận` → `tan thuan` (folded).
fn bare_key(name: &str) -> String {
    let key = search_key(name);
    for prefix in [
        "thanh pho ",
        "thi tran ",
        "thi xa ",
        "dac khu ",
        "phuong ",
        "huyen ",
        "quan ",
        "tinh ",
        "xa ",
    ] {
        if let Some(rest) = key.strip_prefix(prefix) {
            return rest.to_string();
        }
    }
    key
}

/// Every unit (among `candidates`, or all when `None`) whose name or one of whose former
/// names — the names of the units of its level it took over, directly or earlier — contains
/// `query`,
/// diacritics and case ignored: current units first, then abolished ones, each in Vietnamese
/// order. A blank query finds nothing.
pub fn units_matching(
    org: &Org,
    query: &str,
    today: NaiveDate,
    candidates: Option<&[i64]>,
) -> Vec<UnitMatch> {
    let query = bounded(query);
    let needle = search_key(&query);
    if needle.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    let all: Vec<&Unit> = match candidates {
        Some(ids) => ids.iter().filter_map(|i| org.units.get(i)).collect(),
        None => org.units.values().collect(),
    };
    for u in all {
        let own = search_key(&u.name).contains(&needle);
        let former = if own {
            None
        } else {
            // Units of its own level only: a commune is not known by its former district.
            let level = org.unit_level(u.id);
            let mut names: Vec<&Unit> = org
                .all_unit_predecessors(u.id)
                .into_iter()
                .filter_map(|p| org.units.get(&p))
                .filter(|p| org.unit_level(p.id) == level)
                .filter(|p| search_key(&p.name).contains(&needle))
                .collect();
            names.sort_by(|a, b| cmp_vn(&a.name, &b.name));
            match names.first() {
                Some(p) => Some(*p),
                None => continue,
            }
        };
        let matched = former.map_or(u.name.as_str(), |p| p.name.as_str());
        out.push(UnitMatch {
            reference: org.unit_reference(u),
            code: u.code.clone(),
            label: label(org, u, today),
            current: !org.unit_defunct(u.id, today),
            former_name: former.map(|p| name_in_sentence(&p.name)),
            exact: bare_key(matched) == needle || search_key(matched) == needle,
        });
    }
    out.sort_by_cached_key(|a| list_key(&a.label, &a.code));
    out
}

/// The most names the home page's box suggests in its HTML (a datalist); the script finds the
/// others through the lookup as one types.
pub const HOME_SUGGESTIONS_MAX: usize = 1_000;

/// The names a citizen may type for a commune of the deployment's province: the current
/// communes' and those of the communes they took over, in Vietnamese order (the home page's
/// suggestions). None when there are more than [`HOME_SUGGESTIONS_MAX`] (a page is not to
/// carry a country's names; a cut list would suggest only the first letters).
pub fn commune_names(org: &Org, today: NaiveDate) -> Vec<String> {
    let Some(home) = super::unit_tree::home_province(org, super::unit_tree::UnitEra::Tu) else {
        return Vec::new();
    };
    let mut names = BTreeSet::new();
    for u in org.units.values() {
        let commune = org.unit_level(u.id) == Some(UnitLevel::Xa);
        let here = super::unit_tree::province_of(org, u.id).is_some_and(|p| p.id == home.id);
        if !commune || !here || org.unit_defunct(u.id, today) {
            continue;
        }
        names.insert(u.name.clone());
        for p in org.all_unit_predecessors(u.id) {
            if let Some(p) = org.units.get(&p) {
                if org.unit_level(p.id) == Some(UnitLevel::Xa) {
                    names.insert(p.name.clone());
                }
            }
        }
    }
    if names.len() > HOME_SUGGESTIONS_MAX {
        return Vec::new();
    }
    let mut v: Vec<String> = names.into_iter().collect();
    v.sort_by(|a, b| cmp_vn(a, b));
    v
}

/// The most matches a unit lookup (`/units/tim.json`, the pickers' search) gives.
pub const LOOKUP_LIMIT: usize = 20;

/// An authority of a unit found by a lookup, labelled as the pickers show it.
#[derive(Debug, Clone, Serialize)]
pub struct AuthorityChoice {
    pub id: i64,
    pub label: String,
}

/// A unit found by a lookup, with its level and its authorities.
#[derive(Debug, Clone, Serialize)]
pub struct LookupMatch {
    #[serde(flatten)]
    pub unit: UnitMatch,
    /// `xa`, `huyen` or `tinh`.
    pub level: Option<&'static str>,
    pub authorities: Vec<AuthorityChoice>,
}

/// At most [`LOOKUP_LIMIT`] units among `scope` (every unit when `None`) whose present or
/// former name contains `query`: whole-name matches first, then as [`units_matching`] orders
/// them (current units first, Vietnamese order). Each comes with its authorities, labelled.
pub fn lookup(
    org: &Org,
    query: &str,
    today: NaiveDate,
    scope: Option<&std::collections::HashSet<i64>>,
) -> Vec<LookupMatch> {
    let candidates: Option<Vec<i64>> = scope.map(|s| {
        let mut v: Vec<i64> = s.iter().copied().collect();
        v.sort_unstable();
        v
    });
    let mut found = units_matching(org, query, today, candidates.as_deref());
    // Stable: within each group the list order stays.
    found.sort_by_key(|m| !m.exact);
    found.truncate(LOOKUP_LIMIT);
    found
        .into_iter()
        .map(|m| {
            let unit = org.unit_by_code(&m.reference);
            let mut authorities: Vec<AuthorityChoice> = unit
                .map(|u| {
                    org.authorities
                        .values()
                        .filter(|a| a.unit_id == Some(u.id))
                        .map(|a| AuthorityChoice {
                            id: a.id,
                            label: authority_label(org, a, today),
                        })
                        .collect()
                })
                .unwrap_or_default();
            authorities.sort_by(|a, b| cmp_vn(&a.label, &b.label).then(a.id.cmp(&b.id)));
            LookupMatch {
                level: unit.and_then(|u| org.unit_level(u.id)).map(|l| l.code()),
                unit: m,
                authorities,
            }
        })
        .collect()
}
