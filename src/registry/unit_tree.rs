//! The map of units the `/units` page shows: one province at a time, before or from the
//! 2025 reorganisation (63 provinces with their districts and communes until 30 June 2025, 34
//! provinces with their communes from 1 July 2025), each unit with its fate (still existing,
//! merged into …, dissolved), and a search by name that ignores diacritics. Pure over
//! [`Org`]: no I/O.

use chrono::NaiveDate;
use serde::Serialize;

use super::org::Org;
use super::unit_labels;
use crate::db::models::Unit;
use crate::domain::kinds::{vocabulary, UnitLevel};
use crate::domain::text::{date_vn, fold};

/// The first day of the 2025 map (Nghị quyết 202/2025/QH15; Luật 72/2025/QH15).
pub const REORGANISED: NaiveDate = match NaiveDate::from_ymd_opt(2025, 7, 1) {
    Some(d) => d,
    None => NaiveDate::MIN,
};

vocabulary! {
    /// Which map of the country the `/units` page shows.
    UnitEra {
        Tu = "tu", "Từ 01/07/2025";
        Truoc = "truoc", "Trước 01/07/2025";
    }
}

impl UnitEra {
    /// Whether unit `u` existed on some day of this map.
    pub fn shows(self, u: &Unit) -> bool {
        match self {
            UnitEra::Truoc => u.valid_from.is_none_or(|f| f < REORGANISED),
            UnitEra::Tu => u.valid_to.is_none_or(|t| t >= REORGANISED),
        }
    }

    pub fn other(self) -> UnitEra {
        match self {
            UnitEra::Tu => UnitEra::Truoc,
            UnitEra::Truoc => UnitEra::Tu,
        }
    }
}

/// A unit the page links to, by the reference that names it alone (`91@2025-07-01`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnitLink {
    pub reference: String,
    pub name: String,
}

/// One line of the map.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnitLine {
    pub reference: String,
    pub code: String,
    pub name: String,
    pub level_label: &'static str,
    /// Still existing on the day the page is read.
    pub current: bool,
    /// `Đang tồn tại`, `Đã sáp nhập vào`, `Đã giải thể` …, with the day.
    pub fate: String,
    /// The units that took it over (at most [`SHOWN_SUCCESSORS`]; none named when more).
    pub successors: Vec<UnitLink>,
    /// The name of the unit above it (search results only).
    pub parent: Option<String>,
    /// Its former district and province (`huyện Đầm Dơi cũ, tỉnh Cà Mau`): what sets it apart
    /// from units of the same name.
    pub context: String,
    /// `đã sáp nhập`, `đã giải thể` once abolished.
    pub status: Option<&'static str>,
    /// The former name the search matched (`xã Tân Thuận`), when its own did not.
    pub former_name: Option<String>,
    pub children: Vec<UnitLine>,
}

/// Successors named on a line; a district split among many communes names none.
pub const SHOWN_SUCCESSORS: usize = 3;

/// The provinces of a map, in the order of their official codes.
pub fn provinces(org: &Org, era: UnitEra) -> Vec<&Unit> {
    let mut v: Vec<&Unit> = org
        .units
        .values()
        .filter(|u| org.unit_level(u.id) == Some(UnitLevel::Tinh) && era.shows(u))
        .collect();
    v.sort_by(|a, b| (&a.code, a.valid_from).cmp(&(&b.code, b.valid_from)));
    v
}

/// The province `unit` lies in (itself for a province).
pub fn province_of(org: &Org, unit: i64) -> Option<&Unit> {
    let mut u = org.units.get(&unit)?;
    // Three levels at most; the bound also stops a parent cycle in corrupt data.
    for _ in 0..4 {
        if org.unit_level(u.id) == Some(UnitLevel::Tinh) {
            return Some(u);
        }
        u = org.units.get(&u.parent_id?)?;
    }
    None
}

/// The same province on the other map: itself if it spans both, else its successor (from
/// 1 July 2025) or its predecessor of the same code, else its first predecessor.
pub fn counterpart<'a>(org: &'a Org, province: &'a Unit, era: UnitEra) -> Option<&'a Unit> {
    if era.shows(province) {
        return Some(province);
    }
    let is_province = |u: &&Unit| org.unit_level(u.id) == Some(UnitLevel::Tinh) && era.shows(u);
    let mut related: Vec<&Unit> = match era {
        UnitEra::Tu => org.unit_successors(province.id),
        UnitEra::Truoc => org.unit_predecessors(province.id),
    }
    .into_iter()
    .map(|(u, _)| u)
    .filter(is_province)
    .collect();
    related.sort_by_key(|u| (u.code != province.code, u.code.clone()));
    related.into_iter().next()
}

/// The deployment's province on a map: the province holding most of the registry's
/// authorities (Cà Mau in the sample), moved to the map asked; the first province when the
/// registry has no local authority.
pub fn home_province(org: &Org, era: UnitEra) -> Option<&Unit> {
    let mut counts: std::collections::HashMap<i64, usize> = std::collections::HashMap::new();
    for a in org.authorities.values() {
        if let Some(p) = a.unit_id.and_then(|u| province_of(org, u)) {
            *counts.entry(p.id).or_default() += 1;
        }
    }
    let home = counts
        .into_iter()
        .max_by_key(|(id, n)| (*n, std::cmp::Reverse(*id)))
        .and_then(|(id, _)| org.units.get(&id))
        .and_then(|p| counterpart(org, p, era));
    home.or_else(|| provinces(org, era).into_iter().next())
}

fn line(org: &Org, u: &Unit, today: NaiveDate) -> UnitLine {
    let label = unit_labels::label(org, u, today);
    let mut successors: Vec<(&Unit, NaiveDate)> = org.unit_successors(u.id);
    successors.sort_by(|a, b| a.0.code.cmp(&b.0.code));
    let current = u.valid_to.is_none_or(|t| t >= today);
    let end = u.valid_to.map(date_vn).unwrap_or_default();
    let (fate, shown) = match successors.len() {
        _ if current => ("Đang tồn tại".to_string(), 0),
        0 => (format!("Đã giải thể (đến {end})"), 0),
        1 => (format!("Đã sáp nhập (đến {end}) vào"), 1),
        n if n <= SHOWN_SUCCESSORS => (format!("Đã sắp xếp (đến {end}), địa bàn thuộc"), n),
        n => (
            format!("Đã giải thể (đến {end}), địa bàn thuộc {n} đơn vị mới"),
            0,
        ),
    };
    UnitLine {
        reference: org.unit_reference(u),
        code: u.code.clone(),
        name: u.name.clone(),
        level_label: org.unit_level(u.id).map_or("", UnitLevel::label),
        current,
        fate,
        successors: successors
            .iter()
            .take(shown)
            .map(|(s, _)| UnitLink {
                reference: org.unit_reference(s),
                name: s.name.clone(),
            })
            .collect(),
        parent: None,
        context: label.context,
        status: label.status,
        former_name: None,
        children: Vec::new(),
    }
}

/// The units directly under `parent` on a map, by code.
fn children_of(org: &Org, parent: i64, era: UnitEra) -> Vec<&Unit> {
    let mut v: Vec<&Unit> = org
        .units
        .values()
        .filter(|c| c.parent_id == Some(parent) && era.shows(c))
        .collect();
    v.sort_by(|a, b| (&a.code, a.valid_from).cmp(&(&b.code, b.valid_from)));
    v
}

/// Lines in list order: current units first, then abolished ones, each in Vietnamese order.
fn sorted(mut lines: Vec<UnitLine>) -> Vec<UnitLine> {
    use crate::domain::units::collation_key;
    lines.sort_by_cached_key(|l| {
        (
            !l.current,
            collation_key(&l.name),
            collation_key(&l.context),
            l.code.clone(),
        )
    });
    lines
}

/// A province's tree on a map: its units, each with the units under it.
pub fn tree(org: &Org, province: &Unit, era: UnitEra, today: NaiveDate) -> Vec<UnitLine> {
    sorted(
        children_of(org, province.id, era)
            .into_iter()
            .map(|c| {
                let mut l = line(org, c, today);
                l.children = sorted(
                    children_of(org, c.id, era)
                        .into_iter()
                        .map(|g| line(org, g, today))
                        .collect(),
                );
                l
            })
            .collect(),
    )
}

/// Folded, lower-cased: what the search compares (`Đầm Dơi` and `dam doi` match).
pub fn search_key(s: &str) -> String {
    fold(s).to_lowercase()
}

/// The units of a province, on either map, whose name, or the name of a unit they took over,
/// contains `query` (diacritics and case ignored): current units first, then abolished ones,
/// each in Vietnamese order, naming the unit above it and the former name that matched.
pub fn search(
    org: &Org,
    province: &Unit,
    era: UnitEra,
    query: &str,
    today: NaiveDate,
) -> Vec<UnitLine> {
    // Both maps: a name typed on the new map may be a commune's of before 1 July 2025 (found
    // with the unit that took it over, and itself after the current ones).
    let mut candidates = Vec::new();
    for e in [era, era.other()] {
        let Some(p) = counterpart(org, province, e) else {
            continue;
        };
        for c in children_of(org, p.id, e) {
            candidates.push(c.id);
            candidates.extend(children_of(org, c.id, e).iter().map(|g| g.id));
        }
    }
    candidates.sort_unstable();
    candidates.dedup();
    unit_labels::units_matching(org, query, today, Some(&candidates))
        .into_iter()
        .filter_map(|m| {
            let u = org.unit_by_code(&m.reference)?;
            let mut l = line(org, u, today);
            l.parent = u
                .parent_id
                .and_then(|p| org.units.get(&p))
                .map(|p| p.name.clone());
            l.former_name = m.former_name;
            Some(l)
        })
        .collect()
}
