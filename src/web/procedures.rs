//! The public listing of administrative procedures (thủ tục hành chính): the catalogue
//! (`/procedures`), one procedure with its versions (`/procedures/{code}`), what is posted at a
//! unit (`/units/{code}/procedures`, CSV / JSON / XLSX), the printable posting sheet of a unit
//! and field (`/units/{code}/procedures/sheet`), and their JSON equivalents under `/api/v1`.
//!
//! What every page needs — each procedure with its versions, each version's legal basis and
//! whether it is in force — is built once per state of the database ([`Catalogue`]) and kept,
//! with each unit's listing and the pages rendered for anonymous readers, until the outbox
//! moves (every write to procedures, postings, documents and effects appends to it) or the day
//! changes. The outbox is looked at again at most every [`CHECK_EVERY`], so a public page is
//! at most that much behind a write.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use actix_web::web::Bytes;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::view::StatusView;
use super::{base_context, PageError};
use crate::app::{bad_param, number_param, opt, parse_date, AppState};
use crate::clock::today;
use crate::db::procedures::{self as pq, Posting, Procedure, ProcedureVersion};
use crate::db::{queries, Db};
use crate::domain::kinds::UnitLevel;
use crate::domain::procedure::{
    time_cut_percent, Channel, DossierComponent, OnlineLevel, ProcedureCode,
};
use crate::domain::text::{date_vn, fold};
use crate::error::AppError;
use crate::registry::org::Org;
use crate::registry::status::{containers_of, SharedGraph};

/// Rows per page by default, and at most.
pub const PER_PAGE: usize = 50;
pub const MAX_PER_PAGE: usize = 200;
pub const MAX_QUERY_CHARS: usize = 1000;
/// How long the cached listings are trusted before the outbox is looked at again.
pub const CHECK_EVERY: Duration = Duration::from_secs(1);
/// Rendered pages kept per state of the database.
const MAX_PAGES: usize = 1024;

// ---- views ----------------------------------------------------------------------------------

/// A code with its Vietnamese label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[schema(as = CodeLabel)]
pub struct Label {
    pub code: String,
    pub label: String,
}

impl Label {
    fn new(code: &str, label: &str) -> Label {
        Label {
            code: code.to_string(),
            label: label.to_string(),
        }
    }
}

/// One legal basis of a version and its status on the listing's date.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = ProcedureBasis)]
pub struct BasisView {
    pub document_id: i64,
    pub number: String,
    pub title: String,
    /// Provision key (`dieu-5`) when the basis is one provision.
    pub provision: Option<String>,
    /// `Điều 5`, `Khoản 2 Điều 7`.
    pub provision_label: Option<String>,
    pub url: String,
    pub status: Option<StatusView>,
    pub in_force: bool,
}

impl BasisView {
    fn describe(&self) -> String {
        let what = match &self.provision_label {
            Some(p) => format!("{p} của văn bản {}", self.number),
            None => format!("Văn bản {}", self.number),
        };
        match &self.status {
            Some(s) => format!("{what}: {}", s.label.to_lowercase()),
            None => format!("{what}: không xác định được tình trạng"),
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = ProcedureDecision)]
pub struct DecisionView {
    pub number: String,
    pub date: NaiveDate,
    pub date_display: String,
    pub authority_id: i64,
    pub authority_name: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = ProcedureFee)]
pub struct FeeView {
    pub name: String,
    pub amount: i64,
    pub amount_display: String,
    pub note: Option<String>,
}

/// One version of a procedure, with everything a citizen needs.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = ProcedureVersion)]
pub struct VersionView {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub field: String,
    pub levels: Vec<Label>,
    pub agency: String,
    pub applicants: String,
    pub steps: String,
    pub channels: Vec<Label>,
    pub dossier: Vec<DossierComponent>,
    /// Working days set by law, and committed locally.
    pub statutory_days: i32,
    pub local_days: i32,
    /// How much shorter the local time is, in percent (negative when longer).
    pub time_cut_percent: Option<f64>,
    pub time_warning: Option<String>,
    pub fees: Vec<FeeView>,
    pub fees_summary: String,
    pub result: String,
    pub conditions: String,
    pub online_level: Label,
    pub one_stop: Option<Label>,
    pub decision: DecisionView,
    pub announcement: Label,
    pub legal_basis: Vec<BasisView>,
    pub basis_in_force: bool,
    pub abolished: bool,
    #[serde(skip)]
    online: Option<OnlineLevel>,
}

/// One line of a listing.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = ProcedureRow)]
pub struct Row {
    pub code: String,
    pub name: String,
    pub field: String,
    pub levels: Vec<Label>,
    pub agency: String,
    pub channels: Vec<Label>,
    pub online_level: Label,
    pub statutory_days: i32,
    pub local_days: i32,
    pub fees: String,
    pub decision: DecisionView,
    pub announcement: Label,
    pub abolished: bool,
    pub basis_in_force: bool,
    /// What of the legal basis is no longer in force.
    pub basis_not_in_force: Vec<String>,
    pub url: String,
    /// At a unit: first day the shown version is posted, where, and whether a newer version
    /// was announced for the unit's province (its decision).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub posted_from: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub points: Vec<Label>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub newer_version: Option<String>,
    #[serde(skip)]
    online: Option<OnlineLevel>,
    #[serde(skip)]
    folded_name: String,
}

impl Row {
    fn of(v: &VersionView) -> Row {
        Row {
            code: v.code.clone(),
            name: v.name.clone(),
            field: v.field.clone(),
            levels: v.levels.clone(),
            agency: v.agency.clone(),
            channels: v.channels.clone(),
            online_level: v.online_level.clone(),
            statutory_days: v.statutory_days,
            local_days: v.local_days,
            fees: v.fees_summary.clone(),
            decision: v.decision.clone(),
            announcement: v.announcement.clone(),
            abolished: v.abolished,
            basis_in_force: v.basis_in_force,
            basis_not_in_force: v
                .legal_basis
                .iter()
                .filter(|b| !b.in_force)
                .map(BasisView::describe)
                .collect(),
            url: format!("/procedures/{}", v.code),
            posted_from: None,
            points: Vec::new(),
            newer_version: None,
            online: v.online,
            folded_name: fold(&v.name).to_lowercase(),
        }
    }
}

fn money(amount: i64) -> String {
    if amount == 0 {
        return "Không thu".to_string();
    }
    let digits = amount.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    format!("{}{out} đồng", if amount < 0 { "-" } else { "" })
}

fn point_label(point: &str) -> Label {
    match point {
        "portal" => Label::new(point, "Cổng thông tin điện tử"),
        _ => Label::new(point, "Bộ phận tiếp nhận và trả kết quả"),
    }
}

fn online_label(code: &str) -> Label {
    match OnlineLevel::parse(code) {
        Ok(l) => Label::new(l.code(), l.label()),
        Err(_) => Label::new(code, code),
    }
}

// ---- the catalogue --------------------------------------------------------------------------

/// A procedure and its versions, oldest first (a new version never overwrites the old).
#[derive(Debug)]
pub struct Entry {
    pub procedure_id: i64,
    pub code: String,
    pub versions: Vec<VersionView>,
    raw: Vec<ProcedureVersion>,
}

impl Entry {
    /// The newest announcement (the catalogue shows it).
    pub fn newest(&self) -> Option<&VersionView> {
        self.versions.last()
    }
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

    fn version(&self, id: i64) -> Option<(&Entry, &VersionView, &ProcedureVersion)> {
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
        use crate::db::schema::{procedure_versions, procedures};
        use diesel::prelude::*;
        let org = Org::load(db)?;
        let all: Vec<Procedure> = crate::with_db!(db, c => procedures::table
            .order(procedures::code)
            .select(Procedure::as_select())
            .load(c))?;
        let mut versions: Vec<ProcedureVersion> = crate::with_db!(db, c => procedure_versions::table
            .select(ProcedureVersion::as_select())
            .load(c))?;
        versions.sort_by_key(|v| (v.procedure_id, v.decision_date, v.id));
        let ids: Vec<i64> = versions.iter().map(|v| v.id).collect();
        let basis = pq::basis_of(db, &ids)?;
        // Statuses of the basis documents and provisions on the date.
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
        let mut basis_views: HashMap<i64, Vec<BasisView>> = HashMap::new();
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
            basis_views
                .entry(b.version_id)
                .or_default()
                .push(BasisView {
                    document_id: b.document_id,
                    number: summary.map(|s| s.number.clone()).unwrap_or_default(),
                    title: summary.map(|s| s.title.clone()).unwrap_or_default(),
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
                })
                .collect();
            entries.push(Entry {
                procedure_id: p.id,
                code: p.code,
                versions: views,
                raw,
            });
        }
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
        Ok(Catalogue {
            date,
            entries,
            by_code,
            by_version,
            fields,
        })
    }
}

fn version_view(
    code: &str,
    v: &ProcedureVersion,
    authority_name: String,
    legal_basis: Vec<BasisView>,
) -> VersionView {
    let online = OnlineLevel::parse(&v.online_level).ok();
    let fees: Vec<FeeView> = v
        .fee_list()
        .into_iter()
        .map(|f| FeeView {
            amount_display: money(f.amount),
            name: f.name,
            amount: f.amount,
            note: f.note,
        })
        .collect();
    let fees_summary = if fees.is_empty() || fees.iter().all(|f| f.amount == 0) {
        "Không thu".to_string()
    } else {
        fees.iter()
            .map(|f| format!("{}: {}", f.name, f.amount_display))
            .collect::<Vec<_>>()
            .join("; ")
    };
    let announcement = match v.announcement_kind() {
        Some(a) => Label::new(a.code(), a.label()),
        None => Label::new(&v.announcement, &v.announcement),
    };
    VersionView {
        id: v.id,
        code: code.to_string(),
        name: v.name.clone(),
        field: v.field.clone(),
        levels: v
            .level_list()
            .into_iter()
            .map(|l| Label::new(l.code(), l.label()))
            .collect(),
        agency: v.agency.clone(),
        applicants: v.applicants.clone(),
        steps: v.steps.clone(),
        channels: v
            .channel_list()
            .into_iter()
            .map(|c| Label::new(c.code(), c.label()))
            .collect(),
        dossier: v.dossier_list(),
        statutory_days: v.statutory_days,
        local_days: v.local_days,
        time_cut_percent: time_cut_percent(
            u32::try_from(v.statutory_days).unwrap_or_default(),
            u32::try_from(v.local_days).unwrap_or_default(),
        )
        .map(|p| (p * 10.0).round() / 10.0),
        time_warning: v.time_warning.clone(),
        fees,
        fees_summary,
        result: v.result.clone(),
        conditions: v.conditions.clone(),
        online_level: online_label(&v.online_level),
        one_stop: v.one_stop_kind().map(|o| Label::new(o.code(), o.label())),
        decision: DecisionView {
            number: v.decision_number.clone(),
            date: v.decision_date,
            date_display: date_vn(v.decision_date),
            authority_id: v.decision_authority_id,
            authority_name,
        },
        announcement,
        basis_in_force: legal_basis.iter().all(|b| b.in_force),
        legal_basis,
        abolished: v.is_abolished(),
        online,
    }
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

fn unit_listing(
    db: &mut Db<'_>,
    org: &Org,
    catalogue: &Catalogue,
    unit: &crate::db::models::Unit,
    date: NaiveDate,
) -> Result<UnitListing, AppError> {
    let level = UnitLevel::parse(&unit.level);
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
            .max_by_key(|(_, _, r)| (r.decision_date, r.id))
        else {
            continue;
        };
        if view.abolished || !level.is_some_and(|l| raw.level_list().contains(&l)) {
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
            .filter(|v| v.decision_date <= date)
            .filter(|v| (v.decision_date, v.id) > (raw.decision_date, raw.id))
            .max_by_key(|v| (v.decision_date, v.id))
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
            level: unit.level.clone(),
            level_label: level.map_or("", UnitLevel::label).to_string(),
            parent_name: parent.map(|p| p.name.clone()),
        },
        date,
        rows,
    })
}

// ---- the cache ------------------------------------------------------------------------------

struct Generation {
    /// The newest outbox id when the catalogue was built.
    version: i64,
    date: NaiveDate,
    checked: Instant,
    catalogue: Arc<Catalogue>,
    units: HashMap<i64, Arc<UnitListing>>,
    pages: HashMap<String, Bytes>,
}

/// Catalogue, unit listings and anonymous pages of today, kept until the database changes.
#[derive(Default)]
pub struct ListingCache {
    held: Mutex<Option<Generation>>,
}

impl ListingCache {
    /// A page rendered for this address, and the outbox id it was rendered at; `stale` when
    /// the cache was last confirmed current [`CHECK_EVERY`] ago or more. The first reader to
    /// find it stale confirms it (the others keep being answered from it meanwhile).
    fn kept_page(&self, key: &str) -> Option<(i64, Bytes, bool)> {
        let mut held = self.held.lock().ok()?;
        let g = held.as_mut()?;
        if g.date != today() {
            return None;
        }
        let body = g.pages.get(key)?.clone();
        let stale = g.checked.elapsed() >= CHECK_EVERY;
        if stale {
            g.checked = Instant::now();
        }
        Some((g.version, body, stale))
    }

    /// Marks the cache current again when the outbox has not moved since `version`.
    fn confirm(&self, version: i64, now_at: i64) -> bool {
        if version != now_at {
            return false;
        }
        if let Ok(mut held) = self.held.lock() {
            if let Some(g) = held.as_mut().filter(|g| g.version == version) {
                g.checked = Instant::now();
                return true;
            }
        }
        false
    }

    fn put_page(&self, version: i64, key: String, body: Bytes) {
        if let Ok(mut held) = self.held.lock() {
            if let Some(g) = held.as_mut().filter(|g| g.version == version) {
                if g.pages.len() >= MAX_PAGES {
                    g.pages.clear();
                }
                g.pages.insert(key, body);
            }
        }
    }

    /// The catalogue as of `date` and the outbox id it reflects (only today's is kept).
    pub fn catalogue(
        &self,
        db: &mut Db<'_>,
        graphs: &SharedGraph,
        date: NaiveDate,
    ) -> Result<(i64, Arc<Catalogue>), AppError> {
        let version = queries::outbox_max(db)?;
        if date != today() {
            return Ok((version, Arc::new(Catalogue::load(db, graphs, date)?)));
        }
        if let Ok(mut held) = self.held.lock() {
            if let Some(g) = held
                .as_mut()
                .filter(|g| g.version == version && g.date == date)
            {
                g.checked = Instant::now();
                return Ok((version, g.catalogue.clone()));
            }
        }
        let catalogue = Arc::new(Catalogue::load(db, graphs, date)?);
        if let Ok(mut held) = self.held.lock() {
            if held
                .as_ref()
                .is_none_or(|g| g.version <= version || g.date != date)
            {
                *held = Some(Generation {
                    version,
                    date,
                    checked: Instant::now(),
                    catalogue: catalogue.clone(),
                    units: HashMap::new(),
                    pages: HashMap::new(),
                });
            }
        }
        Ok((version, catalogue))
    }

    fn unit(
        &self,
        db: &mut Db<'_>,
        org: &Org,
        version: i64,
        catalogue: &Catalogue,
        unit: &crate::db::models::Unit,
    ) -> Result<Arc<UnitListing>, AppError> {
        let date = catalogue.date;
        let cached = date == today();
        if cached {
            if let Ok(held) = self.held.lock() {
                if let Some(l) = held
                    .as_ref()
                    .filter(|g| g.version == version && g.date == date)
                    .and_then(|g| g.units.get(&unit.id))
                {
                    return Ok(l.clone());
                }
            }
        }
        let listing = Arc::new(unit_listing(db, org, catalogue, unit, date)?);
        if cached {
            if let Ok(mut held) = self.held.lock() {
                if let Some(g) = held
                    .as_mut()
                    .filter(|g| g.version == version && g.date == date)
                {
                    g.units.insert(unit.id, listing.clone());
                }
            }
        }
        Ok(listing)
    }
}

// ---- filters --------------------------------------------------------------------------------

#[derive(Debug, Default, Clone, Deserialize, Serialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListingQuery {
    /// Từ khóa trong tên thủ tục, có hoặc không dấu.
    #[serde(default)]
    pub q: Option<String>,
    /// Lĩnh vực.
    #[serde(default)]
    pub field: Option<String>,
    /// Cấp thực hiện: `tinh`, `huyen`, `xa`.
    #[serde(default)]
    pub level: Option<String>,
    /// Mức độ dịch vụ công trực tuyến.
    #[serde(default)]
    pub online: Option<String>,
    /// Cách thức thực hiện (trực tiếp, bưu chính, trực tuyến).
    #[serde(default)]
    pub channel: Option<String>,
    /// Ngày, `yyyy-mm-dd` (mặc định: hôm nay).
    #[serde(default)]
    #[param(value_type = Option<String>, format = Date)]
    pub date: Option<String>,
    /// Số trang, từ 1 đến 10.000.
    #[serde(default)]
    #[param(value_type = Option<i64>)]
    pub page: Option<String>,
    /// Số dòng mỗi trang.
    #[serde(default)]
    #[param(value_type = Option<i64>)]
    pub per_page: Option<String>,
    /// Pages only (`csv`, `xlsx`): the API answers JSON and refuses it.
    #[serde(default)]
    #[param(ignore)]
    pub format: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Filters {
    pub q: Option<String>,
    pub field: Option<String>,
    pub level: Option<UnitLevel>,
    pub online: Option<OnlineLevel>,
    pub channel: Option<Channel>,
    pub page: usize,
    pub per_page: usize,
}

/// Checks the parameters that do not need the catalogue; a bad one is a 400 naming it.
fn parse_filters(q: &ListingQuery) -> Result<Filters, AppError> {
    let text = opt(&q.q).map(crate::domain::text::nfc);
    if text
        .as_ref()
        .is_some_and(|t| t.chars().count() > MAX_QUERY_CHARS)
    {
        return Err(bad_param(
            "q",
            format!("câu tìm kiếm dài quá {MAX_QUERY_CHARS} ký tự."),
        ));
    }
    let level =
        match opt(&q.level) {
            None => None,
            Some(l) => Some(UnitLevel::parse(l).ok_or_else(|| {
                bad_param("level", format!("«{l}» không hợp lệ (tinh, huyen, xa)."))
            })?),
        };
    let online = match opt(&q.online) {
        None => None,
        Some(o) => Some(OnlineLevel::parse(o).map_err(|_| {
            bad_param(
                "online",
                format!("«{o}» không hợp lệ (full, partial, none; 1, 2, 3, 4 trước 01/8/2022)."),
            )
        })?),
    };
    let channel = match opt(&q.channel) {
        None => None,
        Some(c) => Some(Channel::parse(c).ok_or_else(|| {
            bad_param(
                "channel",
                format!("«{c}» không hợp lệ (in_person, post, online)."),
            )
        })?),
    };
    let page: usize = number_param("page", &q.page)?.unwrap_or(1);
    if page == 0 || page > 10_000 {
        return Err(bad_param("page", "phải từ 1 đến 10000.".into()));
    }
    let per_page: usize = number_param("per_page", &q.per_page)?.unwrap_or(PER_PAGE);
    if per_page == 0 || per_page > MAX_PER_PAGE {
        return Err(bad_param(
            "per_page",
            format!("phải từ 1 đến {MAX_PER_PAGE}."),
        ));
    }
    Ok(Filters {
        q: text,
        field: opt(&q.field).map(String::from),
        level,
        online,
        channel,
        page,
        per_page,
    })
}

/// The field filter as written in the catalogue; an unknown field is a 400.
fn check_field(f: &mut Filters, catalogue: &Catalogue) -> Result<(), AppError> {
    if let Some(typed) = f.field.clone() {
        if typed.chars().count() > 200 {
            return Err(bad_param("field", "dài quá 200 ký tự.".into()));
        }
        let Some(known) = catalogue.field(&typed) else {
            return Err(bad_param(
                "field",
                format!(
                    "lĩnh vực «{typed}» không có (các lĩnh vực: {}).",
                    catalogue.fields.join(", ")
                ),
            ));
        };
        f.field = Some(known.to_string());
    }
    Ok(())
}

fn format_of(q: &ListingQuery, allowed: &[&str]) -> Result<String, AppError> {
    let f = opt(&q.format).unwrap_or("html");
    if allowed.contains(&f) {
        Ok(f.to_string())
    } else {
        Err(bad_param(
            "format",
            format!("«{f}» không hợp lệ ({}).", allowed.join(", ")),
        ))
    }
}

fn online_matches(wanted: OnlineLevel, have: Option<OnlineLevel>) -> bool {
    let Some(have) = have else {
        return false;
    };
    match wanted {
        // A legacy level asks for that level; today's names include their legacy equivalents.
        OnlineLevel::Legacy(_) => have == wanted,
        other => have.modern() == other,
    }
}

/// The codes the search index ranks for `q`, best first (procedure scope). Without a search
/// service the names are matched as text.
fn ranked_codes(
    state: &AppState,
    q: &str,
    catalogue: &Catalogue,
) -> Result<Option<Vec<String>>, AppError> {
    let Some(service) = state.search.as_ref() else {
        return Ok(None);
    };
    let mut p = crate::search::query::Params::new(q, crate::search::query::Scope::Procedures);
    p.limit = catalogue
        .entries
        .len()
        .clamp(1, crate::search::query::TOTAL_CAP);
    let results = state
        .search_cache
        .search(&service.searcher(), &service.fields, &p)
        .map_err(|e| AppError::internal("tìm kiếm", e))?;
    Ok(Some(
        results.hits.iter().map(|h| h.number.clone()).collect(),
    ))
}

/// Applies the filters (and the search) to rows; search results keep their rank.
fn select<'a>(
    state: &AppState,
    rows: impl Iterator<Item = &'a Row>,
    f: &Filters,
    catalogue: &Catalogue,
) -> Result<Vec<&'a Row>, AppError> {
    let kept = rows.filter(|r| {
        f.field.as_ref().is_none_or(|x| &r.field == x)
            && f.level
                .is_none_or(|l| r.levels.iter().any(|x| x.code == l.code()))
            && f.channel
                .is_none_or(|c| r.channels.iter().any(|x| x.code == c.code()))
            && f.online.is_none_or(|o| online_matches(o, r.online))
    });
    let Some(q) = f.q.as_deref() else {
        return Ok(kept.collect());
    };
    // A procedure code finds that procedure.
    if let Ok(code) = ProcedureCode::parse(q) {
        return Ok(kept.filter(|r| r.code == code.as_str()).collect());
    }
    match ranked_codes(state, q, catalogue)? {
        Some(codes) => {
            let rank: HashMap<&str, usize> = codes
                .iter()
                .enumerate()
                .map(|(i, c)| (c.as_str(), i))
                .collect();
            let mut v: Vec<(usize, &Row)> = kept
                .filter_map(|r| rank.get(r.code.as_str()).map(|i| (*i, r)))
                .collect();
            v.sort_by_key(|(i, _)| *i);
            Ok(v.into_iter().map(|(_, r)| r).collect())
        }
        None => {
            let needle = fold(q).to_lowercase();
            Ok(kept.filter(|r| r.folded_name.contains(&needle)).collect())
        }
    }
}

/// One page of a listing.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = ProcedureListing)]
pub struct ListingPage {
    pub date: NaiveDate,
    pub total: usize,
    pub page: usize,
    pub per_page: usize,
    pub pages: usize,
    pub items: Vec<Row>,
}

fn paginate(rows: Vec<&Row>, f: &Filters, date: NaiveDate) -> ListingPage {
    let total = rows.len();
    let pages = total.div_ceil(f.per_page).max(1);
    let items = rows
        .into_iter()
        .skip((f.page - 1) * f.per_page)
        .take(f.per_page)
        .cloned()
        .collect();
    ListingPage {
        date,
        total,
        page: f.page,
        per_page: f.per_page,
        pages,
        items,
    }
}

// ---- loading --------------------------------------------------------------------------------

/// Runs `f` with a connection, today's (or the asked date's) catalogue and its version.
async fn with_catalogue<T, F>(state: &AppState, date: NaiveDate, f: F) -> Result<T, AppError>
where
    T: Send + 'static,
    F: FnOnce(&mut Db<'_>, &AppState, i64, Arc<Catalogue>) -> Result<T, AppError> + Send + 'static,
{
    let state = state.clone();
    web::block(move || {
        let mut conn = state.pool.get()?;
        let mut db = conn.db();
        let (version, catalogue) =
            state
                .procedure_listings
                .catalogue(&mut db, &state.statuses, date)?;
        f(&mut db, &state, version, catalogue)
    })
    .await?
}

struct UnitData {
    version: i64,
    listing: Arc<UnitListing>,
    fields: Vec<String>,
    filters: Filters,
    page: ListingPage,
    /// Every selected row (for exports and the sheet).
    all: Vec<Row>,
}

async fn load_unit(state: &AppState, code: String, q: &ListingQuery) -> Result<UnitData, AppError> {
    let date = parse_date(q.date.as_deref())?;
    let mut filters = parse_filters(q)?;
    with_catalogue(state, date, move |db, state, version, catalogue| {
        check_field(&mut filters, &catalogue)?;
        let org = state.org_cache.get(&state.pool)?;
        let code = crate::domain::text::nfc(code.trim());
        let unit = org.unit_by_code(&code).ok_or_else(|| {
            AppError::NotFound(format!("Không có đơn vị hành chính mã «{code}»."))
        })?;
        let listing = state
            .procedure_listings
            .unit(db, &org, version, &catalogue, unit)?;
        let selected = select(state, listing.rows.iter(), &filters, &catalogue)?;
        let all: Vec<Row> = selected.iter().map(|r| (*r).clone()).collect();
        let page = paginate(selected, &filters, date);
        let mut fields: Vec<String> = Vec::new();
        for r in &listing.rows {
            if !fields.contains(&r.field) {
                fields.push(r.field.clone());
            }
        }
        Ok(UnitData {
            version,
            listing,
            fields,
            filters,
            page,
            all,
        })
    })
    .await
}

// ---- pages ----------------------------------------------------------------------------------

fn query_string(q: &ListingQuery, page: Option<usize>) -> String {
    let page = page.map(|p| p.to_string());
    let pairs: Vec<String> = [
        ("q", opt(&q.q)),
        ("field", opt(&q.field)),
        ("level", opt(&q.level)),
        ("online", opt(&q.online)),
        ("channel", opt(&q.channel)),
        ("date", opt(&q.date)),
        ("per_page", opt(&q.per_page)),
        ("page", page.as_deref()),
    ]
    .into_iter()
    .filter_map(|(k, v)| Some(format!("{k}={}", super::public::urlencode(v?))))
    .collect();
    pairs.join("&")
}

fn filter_context(ctx: &mut tera::Context, q: &ListingQuery, fields: &[String]) {
    ctx.insert(
        "filters",
        &serde_json::json!({
            "q": opt(&q.q).unwrap_or(""),
            "field": opt(&q.field).unwrap_or(""),
            "level": opt(&q.level).unwrap_or(""),
            "online": opt(&q.online).unwrap_or(""),
            "channel": opt(&q.channel).unwrap_or(""),
            "date": opt(&q.date).unwrap_or(""),
        }),
    );
    ctx.insert("fields", fields);
    ctx.insert(
        "levels",
        &UnitLevel::ALL
            .iter()
            .map(|l| Label::new(l.code(), l.label()))
            .collect::<Vec<_>>(),
    );
    ctx.insert(
        "online_levels",
        &[
            OnlineLevel::Full,
            OnlineLevel::Partial,
            OnlineLevel::None,
            OnlineLevel::Legacy(4),
            OnlineLevel::Legacy(3),
            OnlineLevel::Legacy(2),
            OnlineLevel::Legacy(1),
        ]
        .iter()
        .map(|l| Label::new(l.code(), l.label()))
        .collect::<Vec<_>>(),
    );
    ctx.insert(
        "channels",
        &Channel::ALL
            .iter()
            .map(|c| Label::new(c.code(), c.label()))
            .collect::<Vec<_>>(),
    );
}

fn page_context(ctx: &mut tera::Context, page: &ListingPage, base: &str, q: &ListingQuery) {
    ctx.insert("rows", &page.items);
    ctx.insert("total", &page.total);
    ctx.insert("page", &page.page);
    ctx.insert("pages", &page.pages);
    ctx.insert("date_display", &date_vn(page.date));
    let link = |p: usize| format!("{base}?{}", query_string(q, Some(p)));
    ctx.insert("prev_url", &(page.page > 1).then(|| link(page.page - 1)));
    ctx.insert(
        "next_url",
        &(page.page < page.pages).then(|| link(page.page + 1)),
    );
}

fn html(body: Bytes) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(body)
}

/// Renders a page; for an anonymous reader of today's listing, keeps it for the next ones.
fn render_kept(
    state: &AppState,
    key: Option<(i64, String)>,
    name: &str,
    ctx: &tera::Context,
) -> Result<HttpResponse, AppError> {
    let rendered = super::templates()?.render(
        name,
        &match crate::auth::viewer::current() {
            Some(v) => {
                let mut c = ctx.clone();
                c.insert("viewer", &*v);
                c
            }
            None => ctx.clone(),
        },
    )?;
    let body = Bytes::from(rendered);
    if let Some((version, key)) = key {
        state
            .procedure_listings
            .put_page(version, key, body.clone());
    }
    Ok(html(body))
}

/// The cache key of a page when it may be kept: anonymous reader, today's date.
fn keep_key(req: &HttpRequest, q: &ListingQuery) -> Option<String> {
    let anonymous = crate::auth::viewer::current().is_none();
    let dated = opt(&q.date).is_some_and(|d| parse_date(Some(d)).ok() != Some(today()));
    (anonymous && !dated).then(|| req.uri().to_string())
}

/// The page kept for this address, confirmed current (one small query at most every
/// [`CHECK_EVERY`]).
async fn kept(state: &AppState, key: Option<&str>) -> Result<Option<Bytes>, AppError> {
    let Some((version, body, stale)) = key.and_then(|k| state.procedure_listings.kept_page(k))
    else {
        return Ok(None);
    };
    if !stale {
        return Ok(Some(body));
    }
    let pool = state.pool.clone();
    let now_at = web::block(move || -> Result<i64, AppError> {
        let mut conn = pool.get()?;
        Ok(queries::outbox_max(&mut conn.db())?)
    })
    .await??;
    Ok(state
        .procedure_listings
        .confirm(version, now_at)
        .then_some(body))
}

/// `/procedures`: the catalogue, searchable and filtered.
pub async fn catalogue(
    req: HttpRequest,
    state: web::Data<AppState>,
    q: web::Query<ListingQuery>,
) -> Result<HttpResponse, PageError> {
    let q = q.into_inner();
    let key = keep_key(&req, &q);
    if let Some(body) = kept(&state, key.as_deref()).await? {
        return Ok(html(body));
    }
    let (version, page, fields) = load_catalogue(&state, &q).await?;
    let mut ctx = base_context("procedures", "");
    filter_context(&mut ctx, &q, &fields);
    page_context(&mut ctx, &page, "/procedures", &q);
    let qs = query_string(&q, None);
    let api = format!(
        "/api/v1/procedures{}{qs}",
        if qs.is_empty() { "" } else { "?" }
    );
    ctx.insert("api_url", &api);
    Ok(render_kept(
        &state,
        key.map(|k| (version, k)),
        "procedures.html",
        &ctx,
    )?)
}

async fn load_catalogue(
    state: &AppState,
    q: &ListingQuery,
) -> Result<(i64, ListingPage, Vec<String>), AppError> {
    let date = parse_date(q.date.as_deref())?;
    let mut filters = parse_filters(q)?;
    with_catalogue(state, date, move |_, state, version, catalogue| {
        check_field(&mut filters, &catalogue)?;
        let rows: Vec<Row> = catalogue
            .entries
            .iter()
            .filter_map(|e| e.newest().map(Row::of))
            .collect();
        let mut sorted: Vec<&Row> = rows.iter().collect();
        sorted.sort_by(|a, b| {
            fold(&a.field)
                .to_lowercase()
                .cmp(&fold(&b.field).to_lowercase())
                .then_with(|| a.code.cmp(&b.code))
        });
        let selected = select(state, sorted.into_iter(), &filters, &catalogue)?;
        Ok((
            version,
            paginate(selected, &filters, date),
            catalogue.fields.clone(),
        ))
    })
    .await
}

/// The province's catalogue of procedures in force on a date, filtered and paginated.
#[utoipa::path(
    get,
    path = "/api/v1/procedures",
    operation_id = "list_procedures",
    tag = "thu-tuc",
    summary = "Danh mục thủ tục hành chính, có bộ lọc và phân trang",
    params(ListingQuery),
    responses(
        (status = 200, description = "Một trang danh mục", body = ListingPage),
        (status = 400, description = "Tham số không hợp lệ, có nêu tên tham số (`bad_request`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
    ),
)]
pub async fn api_catalogue(
    state: web::Data<AppState>,
    q: web::Query<ListingQuery>,
) -> Result<HttpResponse, AppError> {
    let (_, page, _) = load_catalogue(&state, &q.into_inner()).await?;
    Ok(HttpResponse::Ok().json(page))
}

/// One procedure: the version asked (default the newest), every version, where it is posted.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ProcedurePage {
    pub code: String,
    pub date: NaiveDate,
    pub version: VersionView,
    pub is_newest: bool,
    pub versions: Vec<VersionView>,
    pub posted_at: Vec<PostedAt>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PostedAt {
    pub unit_code: String,
    pub unit_name: String,
    pub decision_number: String,
    pub from_on: String,
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DetailQuery {
    /// Mã số phiên bản (mặc định: phiên bản mới nhất).
    #[serde(default)]
    #[param(value_type = Option<i64>)]
    pub version: Option<String>,
    /// Ngày xét tình trạng căn cứ pháp lý, `yyyy-mm-dd` (mặc định: hôm nay).
    #[serde(default)]
    #[param(value_type = Option<String>, format = Date)]
    pub date: Option<String>,
}

async fn load_detail(
    state: &AppState,
    code: String,
    q: &DetailQuery,
) -> Result<ProcedurePage, AppError> {
    let date = parse_date(q.date.as_deref())?;
    let wanted: Option<i64> = number_param("version", &q.version)?;
    let code = code.trim().to_string();
    let unknown = {
        let code = code.clone();
        move || AppError::NotFound(format!("Không có thủ tục hành chính mã «{code}»."))
    };
    if ProcedureCode::parse(&code).is_err() {
        return Err(unknown());
    }
    with_catalogue(state, date, move |db, state, _, catalogue| {
        let entry = catalogue.entry(&code).ok_or_else(&unknown)?;
        let version = match wanted {
            None => entry.newest().ok_or_else(&unknown)?,
            Some(id) => entry.versions.iter().find(|v| v.id == id).ok_or_else(|| {
                bad_param(
                    "version",
                    format!("thủ tục {code} không có phiên bản mã số {id}."),
                )
            })?,
        };
        let org = state.org_cache.get(&state.pool)?;
        let mut posted_at = Vec::new();
        {
            use crate::db::schema::postings;
            use diesel::prelude::*;
            let rows: Vec<Posting> = crate::with_db!(db, c => postings::table
                .filter(postings::procedure_id.eq(entry.procedure_id))
                .filter(postings::from_on.le(date))
                .select(Posting::as_select())
                .load(c))?;
            let mut seen = HashSet::new();
            let mut rows: Vec<&Posting> = rows.iter().filter(|p| p.active_on(date)).collect();
            rows.sort_by_key(|p| (p.unit_id, p.from_on));
            for p in rows {
                let Some(u) = org.units.get(&p.unit_id) else {
                    continue;
                };
                if !seen.insert(u.id) {
                    continue;
                }
                posted_at.push(PostedAt {
                    unit_code: u.code.clone(),
                    unit_name: u.name.clone(),
                    decision_number: catalogue
                        .version(p.version_id)
                        .map(|(_, v, _)| v.decision.number.clone())
                        .unwrap_or_default(),
                    from_on: date_vn(p.from_on),
                });
            }
            posted_at.sort_by(|a, b| a.unit_code.cmp(&b.unit_code));
        }
        let mut versions: Vec<VersionView> = entry.versions.clone();
        versions.reverse();
        Ok(ProcedurePage {
            code: entry.code.clone(),
            date,
            is_newest: entry.newest().is_some_and(|n| n.id == version.id),
            version: version.clone(),
            versions,
            posted_at,
        })
    })
    .await
}

/// `/procedures/{code}`.
pub async fn detail(
    state: web::Data<AppState>,
    path: web::Path<String>,
    q: web::Query<DetailQuery>,
) -> Result<HttpResponse, PageError> {
    let page = load_detail(&state, path.into_inner(), &q).await?;
    let mut ctx = base_context("procedures", "");
    ctx.insert("p", &page);
    ctx.insert("date_display", &date_vn(page.date));
    Ok(super::render("procedure.html", &ctx)?)
}

/// One procedure: the version asked (default the newest), every version, where it is posted.
#[utoipa::path(
    get,
    path = "/api/v1/procedures/{code}",
    operation_id = "get_procedure",
    tag = "thu-tuc",
    summary = "Một thủ tục hành chính: các phiên bản và nơi niêm yết",
    params(("code" = String, Path, description = "Mã thủ tục", example = "1.001193"), DetailQuery),
    responses(
        (status = 200, description = "Thủ tục", body = ProcedurePage),
        (status = 400, description = "Tham số không hợp lệ (`bad_request`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 404, description = "Không có thủ tục hoặc phiên bản này (`not_found`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
    ),
)]
pub async fn api_detail(
    state: web::Data<AppState>,
    path: web::Path<String>,
    q: web::Query<DetailQuery>,
) -> Result<HttpResponse, AppError> {
    let page = load_detail(&state, path.into_inner(), &q).await?;
    Ok(HttpResponse::Ok().json(page))
}

/// The JSON of a unit's listing (API and export).
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = UnitProcedureListing)]
pub struct UnitListingJson<'a> {
    pub unit: &'a UnitInfo,
    #[serde(flatten)]
    pub page: &'a ListingPage,
}

const EXPORT_HEADER: [&str; 16] = [
    "STT",
    "Mã thủ tục",
    "Tên thủ tục",
    "Lĩnh vực",
    "Cấp thực hiện",
    "Cơ quan thực hiện",
    "Cách thức thực hiện",
    "Thời hạn theo quy định (ngày làm việc)",
    "Thời hạn cam kết (ngày làm việc)",
    "Phí, lệ phí",
    "Mức độ trực tuyến",
    "Quyết định công bố",
    "Căn cứ pháp lý còn hiệu lực",
    "Niêm yết từ ngày",
    "Nơi niêm yết",
    "Ghi chú",
];

fn export_rows(rows: &[Row]) -> Vec<Vec<String>> {
    let join = |v: &[Label]| {
        v.iter()
            .map(|l| l.label.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    rows.iter()
        .enumerate()
        .map(|(i, r)| {
            let mut notes = r.basis_not_in_force.clone();
            notes.extend(r.newer_version.clone());
            vec![
                (i + 1).to_string(),
                r.code.clone(),
                r.name.clone(),
                r.field.clone(),
                join(&r.levels),
                r.agency.clone(),
                join(&r.channels),
                r.statutory_days.to_string(),
                r.local_days.to_string(),
                r.fees.clone(),
                r.online_level.label.clone(),
                format!("{} ngày {}", r.decision.number, r.decision.date_display),
                if r.basis_in_force { "Có" } else { "Không" }.to_string(),
                r.posted_from.clone().unwrap_or_default(),
                join(&r.points),
                notes.join("; "),
            ]
        })
        .collect()
}

fn csv_of(rows: &[Row]) -> Result<Vec<u8>, AppError> {
    // A byte order mark, so that spreadsheets read the diacritics.
    let mut w = crate::spreadsheet::cells::CsvWriter::new(b"\xEF\xBB\xBF".to_vec());
    let fail = |e: csv::Error| AppError::internal("ghi CSV", e);
    w.write_record(EXPORT_HEADER).map_err(fail)?;
    for row in export_rows(rows) {
        w.write_record(&row).map_err(fail)?;
    }
    w.into_inner().map_err(fail)
}

fn attachment(content_type: &str, name: String, body: Vec<u8>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{name}\""),
        ))
        .body(body)
}

/// `/units/{code}/procedures[?format=csv|xlsx|json]`.
pub async fn unit_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    q: web::Query<ListingQuery>,
) -> Result<HttpResponse, PageError> {
    let q = q.into_inner();
    let format = format_of(&q, &["html", "csv", "xlsx", "json"])?;
    let key = (format == "html").then(|| keep_key(&req, &q)).flatten();
    if let Some(body) = kept(&state, key.as_deref()).await? {
        return Ok(html(body));
    }
    let data = load_unit(&state, path.into_inner(), &q).await?;
    let file = format!(
        "thu-tuc-hanh-chinh-{}-{}",
        data.listing.unit.code, data.listing.date
    );
    match format.as_str() {
        "csv" => {
            return Ok(attachment(
                "text/csv; charset=utf-8",
                format!("{file}.csv"),
                csv_of(&data.all)?,
            ))
        }
        "xlsx" => {
            let body = super::xlsx::workbook(&[super::xlsx::Sheet {
                name: "Thủ tục hành chính",
                header: &EXPORT_HEADER,
                rows: export_rows(&data.all),
            }])?;
            return Ok(attachment(
                super::xlsx::CONTENT_TYPE,
                format!("{file}.xlsx"),
                body,
            ));
        }
        "json" => {
            let all = ListingPage {
                date: data.listing.date,
                total: data.all.len(),
                page: 1,
                per_page: data.all.len().max(1),
                pages: 1,
                items: data.all.clone(),
            };
            let body = serde_json::to_vec(&UnitListingJson {
                unit: &data.listing.unit,
                page: &all,
            })
            .map_err(|e| AppError::internal("chuyển đổi JSON", e))?;
            return Ok(attachment("application/json", format!("{file}.json"), body));
        }
        _ => {}
    }
    let mut ctx = base_context("units", "");
    filter_context(&mut ctx, &q, &data.fields);
    let base = format!(
        "/units/{}/procedures",
        super::public::urlencode(&data.listing.unit.code)
    );
    page_context(&mut ctx, &data.page, &base, &q);
    ctx.insert("unit", &data.listing.unit);
    ctx.insert("listed", &data.listing.rows.len());
    let qs = query_string(&q, None);
    let sep = if qs.is_empty() { "" } else { "&" };
    ctx.insert("base_url", &base);
    ctx.insert("csv_url", &format!("{base}?{qs}{sep}format=csv"));
    ctx.insert("xlsx_url", &format!("{base}?{qs}{sep}format=xlsx"));
    ctx.insert("json_url", &format!("{base}?{qs}{sep}format=json"));
    ctx.insert(
        "api_url",
        &format!(
            "/api/v1/units/{}/procedures{}{qs}",
            super::public::urlencode(&data.listing.unit.code),
            if qs.is_empty() { "" } else { "?" }
        ),
    );
    let sheet_date = opt(&q.date).map(|d| format!("&date={}", super::public::urlencode(d)));
    let sheets: Vec<serde_json::Value> = data
        .fields
        .iter()
        .map(|f| {
            serde_json::json!({
                "field": f,
                "url": format!("{base}/sheet?field={}{}", super::public::urlencode(f), sheet_date.clone().unwrap_or_default()),
            })
        })
        .collect();
    ctx.insert("sheets", &sheets);
    ctx.insert(
        "sheet_all_url",
        &format!(
            "{base}/sheet{}",
            sheet_date
                .as_deref()
                .map(|s| format!("?{}", &s[1..]))
                .unwrap_or_default()
        ),
    );
    Ok(render_kept(
        &state,
        key.map(|k| (data.version, k)),
        "unit_procedures.html",
        &ctx,
    )?)
}

/// The procedures that apply at a unit and are posted there on a date.
#[utoipa::path(
    get,
    path = "/api/v1/units/{code}/procedures",
    operation_id = "unit_procedures",
    tag = "thu-tuc",
    summary = "Thủ tục hành chính niêm yết tại một đơn vị",
    params(("code" = String, Path, description = "Mã đơn vị hành chính", example = "32153"), ListingQuery),
    responses(
        (status = 200, description = "Đơn vị và một trang danh sách", body = UnitListingJson),
        (status = 400, description = "Tham số không hợp lệ, kể cả `format` (`bad_request`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
        (status = 404, description = "Không có đơn vị này (`not_found`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
    ),
)]
pub async fn api_unit(
    state: web::Data<AppState>,
    path: web::Path<String>,
    q: web::Query<ListingQuery>,
) -> Result<HttpResponse, AppError> {
    let q = q.into_inner();
    if opt(&q.format).is_some() {
        return Err(bad_param(
            "format",
            "API chỉ trả JSON; tải CSV, XLSX tại trang /units/{mã}/procedures.".into(),
        ));
    }
    let data = load_unit(&state, path.into_inner(), &q).await?;
    Ok(HttpResponse::Ok().json(UnitListingJson {
        unit: &data.listing.unit,
        page: &data.page,
    }))
}

/// `/units/{code}/procedures/sheet?field=`: the posting sheet (bảng niêm yết) of a unit, one
/// section per field, for printing and posting at the reception point.
pub async fn sheet(
    state: web::Data<AppState>,
    path: web::Path<String>,
    q: web::Query<ListingQuery>,
) -> Result<HttpResponse, PageError> {
    let q = q.into_inner();
    for (name, v) in [
        ("q", &q.q),
        ("level", &q.level),
        ("online", &q.online),
        ("channel", &q.channel),
        ("page", &q.page),
        ("per_page", &q.per_page),
        ("format", &q.format),
    ] {
        if opt(v).is_some() {
            return Err(PageError(bad_param(
                name,
                "bảng niêm yết chỉ chọn theo lĩnh vực (field) và ngày (date).".into(),
            )));
        }
    }
    let data = load_unit(&state, path.into_inner(), &q).await?;
    let mut groups: Vec<serde_json::Value> = Vec::new();
    let mut current: Option<(String, Vec<&Row>)> = None;
    for r in &data.all {
        match &mut current {
            Some((f, rows)) if *f == r.field => rows.push(r),
            _ => {
                if let Some((f, rows)) = current.take() {
                    groups.push(serde_json::json!({"field": f, "rows": rows}));
                }
                current = Some((r.field.clone(), vec![r]));
            }
        }
    }
    if let Some((f, rows)) = current.take() {
        groups.push(serde_json::json!({"field": f, "rows": rows}));
    }
    let mut ctx = base_context("units", "");
    ctx.insert("unit", &data.listing.unit);
    ctx.insert("groups", &groups);
    ctx.insert("field", &data.filters.field);
    ctx.insert("date_display", &date_vn(data.listing.date));
    ctx.insert(
        "back_url",
        &format!(
            "/units/{}/procedures",
            super::public::urlencode(&data.listing.unit.code)
        ),
    );
    Ok(super::render("procedure_sheet.html", &ctx)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_written_the_vietnamese_way() {
        assert_eq!(money(0), "Không thu");
        assert_eq!(money(8000), "8.000 đồng");
        assert_eq!(money(1_500_000), "1.500.000 đồng");
        assert_eq!(money(500), "500 đồng");
    }

    #[test]
    fn online_filters_map_legacy_levels() {
        assert!(online_matches(
            OnlineLevel::Full,
            Some(OnlineLevel::Legacy(4))
        ));
        assert!(online_matches(
            OnlineLevel::Partial,
            Some(OnlineLevel::Legacy(3))
        ));
        assert!(online_matches(
            OnlineLevel::None,
            Some(OnlineLevel::Legacy(2))
        ));
        assert!(!online_matches(
            OnlineLevel::Legacy(4),
            Some(OnlineLevel::Full)
        ));
        assert!(!online_matches(OnlineLevel::Full, None));
    }

    #[test]
    fn bad_filters_name_their_parameter() {
        let q = |k: &str, v: &str| {
            let mut q = ListingQuery::default();
            match k {
                "level" => q.level = Some(v.into()),
                "online" => q.online = Some(v.into()),
                "channel" => q.channel = Some(v.into()),
                "page" => q.page = Some(v.into()),
                _ => q.per_page = Some(v.into()),
            }
            q
        };
        for (k, v) in [
            ("level", "phuong"),
            ("online", "5"),
            ("channel", "fax"),
            ("page", "0"),
            ("per_page", "201"),
            ("per_page", "x"),
        ] {
            let e = parse_filters(&q(k, v)).unwrap_err();
            assert!(e.public_message().contains(&format!("«{k}»")), "{k}: {e}");
        }
        assert!(parse_filters(&q("per_page", "200")).is_ok());
    }
}
