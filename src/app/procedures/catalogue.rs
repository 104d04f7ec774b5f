//! The catalogue of procedures with their versions and legal basis as of a date, and what
//! applies and is posted at one unit on that date.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use serde::Serialize;

use super::views::{point_label, version_view, BasisView, Row, VersionView};
use crate::app::view::StatusView;
use crate::db::procedures::{self as pq, Posting, ProcedureVersion};
use crate::db::{queries, Db};
use crate::domain::text::{date_vn, fold};
use crate::error::AppError;
use crate::registry::org::Org;
use crate::registry::status::{containers_of, SharedGraph};

/// A procedure and its versions, oldest first (a new version never overwrites the old).
#[derive(Debug)]
pub struct Entry {
    pub procedure_id: i64,
    pub code: String,
    pub versions: Vec<VersionView>,
    pub(crate) raw: Vec<ProcedureVersion>,
    /// The index of the version current on the catalogue's date: the last one in effect
    /// then (`domain::procedure::announced_by`), or the newest when none is in effect yet.
    pub(crate) current: usize,
}

impl Entry {
    /// The current announcement (the catalogue shows it): a version signed but not yet in
    /// effect does not replace the one in effect.
    pub fn newest(&self) -> Option<&VersionView> {
        self.versions.get(self.current).or(self.versions.last())
    }
}

/// The index of the version current on `date` among `raw` (in the order they become current).
fn current_index(raw: &[ProcedureVersion], date: NaiveDate) -> usize {
    raw.iter()
        .rposition(|v| v.current_from() <= date)
        .unwrap_or(raw.len().saturating_sub(1))
}

/// Every procedure with its versions and their legal basis as of `date`.
#[derive(Debug)]
pub struct Catalogue {
    pub date: NaiveDate,
    pub entries: Vec<Entry>,
    by_code: HashMap<String, usize>,
    /// Version id → (entry, version) indexes.
    by_version: HashMap<i64, (usize, usize)>,
    /// The fields (lĩnh vực) of the newest versions, in reading order.
    pub fields: Vec<String>,
}

impl Catalogue {
    pub fn entry(&self, code: &str) -> Option<&Entry> {
        self.by_code.get(code).and_then(|i| self.entries.get(*i))
    }

    pub(crate) fn version(&self, id: i64) -> Option<(&Entry, &VersionView, &ProcedureVersion)> {
        let (e, v) = *self.by_version.get(&id)?;
        let entry = self.entries.get(e)?;
        Some((entry, entry.versions.get(v)?, entry.raw.get(v)?))
    }

    /// The field as written in the catalogue, matched without case or diacritics.
    pub fn field(&self, typed: &str) -> Option<&str> {
        let key = fold(typed.trim()).to_lowercase();
        self.fields
            .iter()
            .find(|f| fold(f).to_lowercase() == key)
            .map(String::as_str)
    }

    pub fn load(
        db: &mut Db<'_>,
        graphs: &SharedGraph,
        date: NaiveDate,
    ) -> Result<Catalogue, AppError> {
        let org = Org::load(db)?;
        let all = pq::all_procedures(db)?;
        let mut versions = pq::all_versions(db)?;
        versions.sort_by_key(|v| (v.procedure_id, v.currency_key()));
        let ids: Vec<i64> = versions.iter().map(|v| v.id).collect();
        let mut basis_views = basis_views(db, graphs, &ids, date)?;
        let mut by_procedure: HashMap<i64, Vec<ProcedureVersion>> = HashMap::new();
        for v in versions {
            by_procedure.entry(v.procedure_id).or_default().push(v);
        }
        let mut names: HashMap<i64, String> = HashMap::new();
        let mut entries = Vec::with_capacity(all.len());
        for p in all {
            let Some(raw) = by_procedure.remove(&p.id) else {
                continue;
            };
            let views = raw
                .iter()
                .map(|v| {
                    let authority = names
                        .entry(v.decision_authority_id)
                        .or_insert_with(|| org.authority_name(v.decision_authority_id))
                        .clone();
                    version_view(
                        &p.code,
                        v,
                        authority,
                        basis_views.remove(&v.id).unwrap_or_default(),
                    )
                    .map_err(crate::db::DbError::from)
                })
                .collect::<Result<Vec<_>, _>>()?;
            entries.push(Entry {
                procedure_id: p.id,
                code: p.code,
                versions: views,
                current: current_index(&raw, date),
                raw,
            });
        }
        Ok(Catalogue::index(date, entries))
    }

    /// The catalogue over its entries, with its lookups and the fields in reading order.
    fn index(date: NaiveDate, entries: Vec<Entry>) -> Catalogue {
        let mut by_code = HashMap::with_capacity(entries.len());
        let mut by_version = HashMap::new();
        let mut fields: Vec<String> = Vec::new();
        for (i, e) in entries.iter().enumerate() {
            by_code.insert(e.code.clone(), i);
            for (j, v) in e.versions.iter().enumerate() {
                by_version.insert(v.id, (i, j));
            }
            if let Some(v) = e.newest() {
                if !v.field.is_empty() && !fields.contains(&v.field) {
                    fields.push(v.field.clone());
                }
            }
        }
        fields.sort_by_key(|f| fold(f).to_lowercase());
        Catalogue {
            date,
            entries,
            by_code,
            by_version,
            fields,
        }
    }
}

/// The legal basis of each version (by version id), with the status of each basis document or
/// provision on `date`.
fn basis_views(
    db: &mut Db<'_>,
    graphs: &SharedGraph,
    version_ids: &[i64],
    date: NaiveDate,
) -> Result<HashMap<i64, Vec<BasisView>>, AppError> {
    let basis = pq::basis_of(db, version_ids)?;
    let mut docs: Vec<i64> = basis.iter().map(|b| b.document_id).collect();
    docs.sort_unstable();
    docs.dedup();
    let summaries: HashMap<i64, crate::db::models::DocumentSummary> =
        queries::summaries_by_ids(db, &docs)?
            .into_iter()
            .map(|d| (d.id, d))
            .collect();
    let whole = graphs.statuses(db, date)?;
    let graph = graphs.graph(db)?;
    let mut parents: HashMap<(i64, String), Option<String>> = HashMap::new();
    let with_provisions: HashSet<i64> = basis
        .iter()
        .filter(|b| b.provision.is_some())
        .map(|b| b.document_id)
        .collect();
    for doc in &with_provisions {
        for p in queries::provisions_of(db, *doc)? {
            parents.insert((*doc, p.key), p.parent_key);
        }
    }
    let mut out: HashMap<i64, Vec<BasisView>> = HashMap::new();
    for b in &basis {
        let status = match &b.provision {
            None => whole.get(&b.document_id).copied(),
            Some(key) => graph.facts(b.document_id, date).map(|facts| {
                let parent = parents
                    .get(&(b.document_id, key.clone()))
                    .cloned()
                    .flatten();
                crate::domain::status::article_status(
                    &facts,
                    key,
                    &containers_of(parent.as_deref()),
                    date,
                )
                .status
            }),
        };
        let summary = summaries.get(&b.document_id);
        out.entry(b.version_id).or_default().push(BasisView {
            document_id: b.document_id,
            number: summary.map(|s| s.number.clone()).unwrap_or_default(),
            title: summary.map(|s| s.title.clone()).unwrap_or_default(),
            citation: crate::domain::citation::cite(
                b.provision.as_deref(),
                crate::domain::citation::Cited {
                    kind: summary.map_or("", |s| s.doc_type.as_str()),
                    number: summary.map_or("", |s| s.number.as_str()),
                    title: summary.map_or("", |s| s.title.as_str()),
                },
            ),
            provision_label: b
                .provision
                .as_deref()
                .map(crate::domain::structure::display_reference),
            url: match &b.provision {
                Some(k) => format!("/documents/{}/{k}", b.document_id),
                None => format!("/documents/{}", b.document_id),
            },
            provision: b.provision.clone(),
            in_force: status.is_some_and(|s| s.applies()),
            status: status.map(StatusView::from),
        });
    }
    Ok(out)
}

// ---- a unit's listing -----------------------------------------------------------------------

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = ProcedureUnit)]
pub struct UnitInfo {
    pub code: String,
    pub name: String,
    pub level: String,
    pub level_label: String,
    pub parent_name: Option<String>,
}

/// The procedures that apply at a unit and are posted there on a date.
#[derive(Debug)]
pub struct UnitListing {
    pub unit: UnitInfo,
    pub date: NaiveDate,
    pub rows: Vec<Row>,
}

pub(crate) fn unit_listing(
    db: &mut Db<'_>,
    org: &Org,
    catalogue: &Catalogue,
    unit: &crate::db::models::Unit,
    date: NaiveDate,
) -> Result<UnitListing, AppError> {
    let level = unit.level_stored().map_err(crate::db::DbError::from)?;
    let mut active: HashMap<i64, Vec<Posting>> = HashMap::new();
    for p in pq::postings_of_units(db, &[unit.id], date)? {
        if p.active_on(date) {
            active.entry(p.procedure_id).or_default().push(p);
        }
    }
    // The authorities of the unit's province (and of the units it took over) announce the
    // versions that apply there.
    let province = crate::procedures::write::province_of(&org.units, unit.id);
    let mut province_units: HashSet<i64> = HashSet::new();
    if let Some(p) = province {
        province_units.insert(p);
        province_units.extend(org.all_unit_predecessors(p));
    }
    let announcing: HashSet<i64> = org
        .authorities
        .values()
        .filter(|a| a.unit_id.is_some_and(|u| province_units.contains(&u)))
        .map(|a| a.id)
        .collect();
    let mut rows = Vec::new();
    for postings in active.values() {
        // The newest version posted, where it is posted, since when.
        let Some((entry, view, raw)) = postings
            .iter()
            .filter_map(|p| catalogue.version(p.version_id))
            .max_by_key(|(_, _, r)| r.currency_key())
        else {
            continue;
        };
        if view.abolished || !view.levels.iter().any(|x| x.code == level.code()) {
            continue;
        }
        let mine: Vec<&Posting> = postings.iter().filter(|p| p.version_id == raw.id).collect();
        let mut row = Row::of(view);
        row.posted_from = mine.iter().map(|p| p.from_on).min().map(date_vn);
        let mut points: Vec<String> = mine.iter().map(|p| p.point.clone()).collect();
        // The reception point first: it is where citizens file.
        points.sort_by_key(|p| (p != "reception", p.clone()));
        points.dedup();
        row.points = points.iter().map(|p| point_label(p)).collect();
        row.newer_version = entry
            .raw
            .iter()
            .filter(|v| announcing.contains(&v.decision_authority_id))
            .filter(|v| v.current_from() <= date)
            .filter(|v| v.currency_key() > raw.currency_key())
            .max_by_key(|v| v.currency_key())
            .map(|v| {
                if v.is_abolished() {
                    format!(
                        "Thủ tục đã bị bãi bỏ theo Quyết định {} ngày {}",
                        v.decision_number,
                        date_vn(v.decision_date)
                    )
                } else {
                    format!(
                        "Đã có phiên bản mới theo Quyết định {} ngày {}",
                        v.decision_number,
                        date_vn(v.decision_date)
                    )
                }
            });
        rows.push(row);
    }
    rows.sort_by(|a, b| {
        fold(&a.field)
            .to_lowercase()
            .cmp(&fold(&b.field).to_lowercase())
            .then_with(|| a.code.cmp(&b.code))
    });
    let parent = unit.parent_id.and_then(|p| org.units.get(&p));
    Ok(UnitListing {
        unit: UnitInfo {
            code: unit.code.clone(),
            name: unit.name.clone(),
            level: level.code().to_string(),
            level_label: level.label().to_string(),
            parent_name: parent.map(|p| p.name.clone()),
        },
        date,
        rows,
    })
}
