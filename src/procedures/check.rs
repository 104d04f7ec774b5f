//! The completeness check (kiểm tra niêm yết) of a unit on a date: the required set — the
//! procedures whose current version, as announced for the unit's province (by its authorities
//! or those of the units it took over), is not abolished and is carried out at the unit's
//! level — and for each: posted or missing, the posted version current or outdated, first
//! posted within the deadline after the announcing decision (working days of the calendar,
//! default [`POSTING_DEADLINE_WORKING_DAYS`]), and its legal basis in force. Postings of
//! procedures that no longer apply there are listed too.
//!
//! Entry points for pages, API, CLI and benchmark:
//! - [`check_unit`] (by unit code) and [`check_units`] (several units, data loaded once);
//! - [`check_province`]: the province and every unit in it that exists on the date;
//! - [`Completeness::gaps`], [`write_csv`], [`write_table`] to show the result.
//!
//! The rules (what is a gap, the percentage) are in `domain::listing`; the deadline in
//! `domain::calendar`.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use serde::Serialize;

use crate::db::models::Unit;
use crate::db::procedures::{self as pq, Posting, ProcedureVersion};
use crate::db::stored::Corrupt;
use crate::db::{queries, Db, DbError};
use crate::domain::calendar::{posting_deadline, Calendar, POSTING_DEADLINE_WORKING_DAYS};
use crate::domain::kinds::UnitLevel;
use crate::domain::listing::{self, GapKind, ItemFacts};
use crate::domain::status::article_status;
use crate::registry::org::Org;
use crate::registry::status::{containers_of, StatusGraph};

/// What the check may be told.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Settings {
    /// Working days after the announcing decision by which a procedure must be posted.
    pub deadline_working_days: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            deadline_working_days: POSTING_DEADLINE_WORKING_DAYS,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    #[error("không tìm thấy đơn vị hành chính «{0}»")]
    UnknownUnit(String),
    #[error("đơn vị {name} ({code}) không tồn tại vào ngày {date}")]
    NotOnDate {
        code: String,
        name: String,
        date: String,
    },
    #[error("đơn vị {0} không thuộc tỉnh nào trong cơ sở dữ liệu")]
    NoProvince(String),
    #[error(transparent)]
    Db(#[from] DbError),
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct UnitView {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub level: String,
}

/// One legal basis of the current version and its status on the date.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct BasisState {
    pub document_id: i64,
    pub number: String,
    /// Provision key (`dieu-5`), if the basis is one provision.
    pub provision: Option<String>,
    pub status: String,
    pub status_label: String,
    pub in_force: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct GapView {
    pub kind: String,
    pub label: String,
    pub detail: String,
}

/// One required procedure at the unit.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Item {
    pub procedure_id: i64,
    pub code: String,
    pub name: String,
    pub field: String,
    /// The current version and its announcing decision.
    pub version_id: i64,
    pub decision_number: String,
    pub decision_date: NaiveDate,
    pub announcement: String,
    /// Last day to post it first.
    pub deadline: NaiveDate,
    /// The version posted on the date (the current one if it is up), its decision and points.
    pub posted_version_id: Option<i64>,
    pub posted_decision_number: Option<String>,
    pub posted_points: Vec<String>,
    /// First day the current version was posted at the unit.
    pub first_posted_on: Option<NaiveDate>,
    pub basis: Vec<BasisState>,
    /// Not yet posted correctly, but within the deadline.
    pub pending: bool,
    pub gaps: Vec<GapView>,
}

/// A posting up on the date of a procedure that does not apply at the unit any more.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Extra {
    pub procedure_id: i64,
    pub code: String,
    pub name: String,
    pub posting_id: i64,
    pub version_id: i64,
    pub from_on: NaiveDate,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Completeness {
    pub unit: UnitView,
    pub province_code: String,
    pub date: NaiveDate,
    pub settings: Settings,
    /// Required procedures, and those without any gap.
    pub required: usize,
    pub complete: usize,
    pub pending: usize,
    pub percent: f64,
    /// Every required procedure is posted correctly and nothing that no longer applies is up.
    pub is_complete: bool,
    pub items: Vec<Item>,
    pub extra: Vec<Extra>,
}

/// One line of the list of gaps.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GapLine<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub kind: &'a str,
    pub label: &'a str,
    pub detail: &'a str,
}

impl Completeness {
    /// Every gap: those of required procedures, then postings that no longer apply.
    pub fn gaps(&self) -> Vec<GapLine<'_>> {
        let mut out = Vec::new();
        for i in &self.items {
            for g in &i.gaps {
                out.push(GapLine {
                    code: &i.code,
                    name: &i.name,
                    kind: &g.kind,
                    label: &g.label,
                    detail: &g.detail,
                });
            }
        }
        for e in &self.extra {
            out.push(GapLine {
                code: &e.code,
                name: &e.name,
                kind: GapKind::NotRequired.code(),
                label: GapKind::NotRequired.label(),
                detail: &e.reason,
            });
        }
        out
    }
}

fn fmt(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

fn exists_on(u: &crate::db::models::Unit, date: NaiveDate) -> bool {
    u.valid_from.is_none_or(|f| f <= date) && u.valid_to.is_none_or(|t| date <= t)
}

/// What the check loads once for all units of a province.
struct ProvinceData {
    /// Current version per procedure (announced on or before the date).
    current: HashMap<i64, ProcedureVersion>,
    /// Every version announced for the province, by id.
    versions: HashMap<i64, ProcedureVersion>,
    /// The unit levels of each current version, by version id (read once, checked).
    levels: HashMap<i64, Vec<UnitLevel>>,
}

/// Checks one unit, by code.
pub fn check_unit(
    db: &mut Db<'_>,
    code: &str,
    date: NaiveDate,
    settings: Settings,
) -> Result<Completeness, CheckError> {
    let code = crate::domain::text::nfc(code.trim());
    let Some(u) = queries::unit_by_code(db, &code)? else {
        return Err(CheckError::UnknownUnit(code));
    };
    let mut v = check_units(db, &[u.id], date, settings)?;
    v.pop().ok_or(CheckError::UnknownUnit(code))
}

/// Checks a province and every unit in it (communes, districts before 2025) that exists on
/// the date, the province first, then by unit code.
pub fn check_province(
    db: &mut Db<'_>,
    code: &str,
    date: NaiveDate,
    settings: Settings,
) -> Result<Vec<Completeness>, CheckError> {
    let org = Org::load(db)?;
    let code = crate::domain::text::nfc(code.trim());
    let Some(p) = org.unit_by_code(&code) else {
        return Err(CheckError::UnknownUnit(code));
    };
    let province = p.id;
    let mut ids: Vec<(String, i64)> = org
        .units
        .values()
        .filter(|u| u.id != province && exists_on(u, date))
        .filter(|u| super::write::province_of(&org.units, u.id) == Some(province))
        .map(|u| (u.code.clone(), u.id))
        .collect();
    ids.sort();
    let mut all = vec![province];
    all.extend(ids.into_iter().map(|(_, id)| id));
    check_with(db, &org, &all, date, settings)
}

/// Checks several units; what they share (versions, statuses, calendar) is loaded once.
pub fn check_units(
    db: &mut Db<'_>,
    unit_ids: &[i64],
    date: NaiveDate,
    settings: Settings,
) -> Result<Vec<Completeness>, CheckError> {
    let org = Org::load(db)?;
    check_with(db, &org, unit_ids, date, settings)
}

/// The codes of the procedures current in `provinces`, by procedure id.
fn procedure_codes(
    db: &mut Db<'_>,
    provinces: &HashMap<i64, ProvinceData>,
) -> Result<HashMap<i64, String>, CheckError> {
    let mut procedure_ids: Vec<i64> = provinces
        .values()
        .flat_map(|p| p.current.keys().copied())
        .collect();
    procedure_ids.sort_unstable();
    procedure_ids.dedup();
    Ok(pq::procedures_by_ids(db, &procedure_ids)?
        .into_iter()
        .map(|p| (p.id, p.code))
        .collect())
}

/// As [`check_units`], with the organisation already loaded (several dates of one unit).
pub fn check_with(
    db: &mut Db<'_>,
    org: &Org,
    unit_ids: &[i64],
    date: NaiveDate,
    settings: Settings,
) -> Result<Vec<Completeness>, CheckError> {
    let calendar = pq::calendar(db)?;
    let units = units_with_provinces(org, unit_ids, date)?;
    let provinces = announced_by_provinces(db, org, &units, date)?;
    let codes = procedure_codes(db, &provinces)?;
    // Legal basis of the current versions, and each basis' status on the date.
    let current_ids: Vec<i64> = provinces
        .values()
        .flat_map(|p| p.current.values().map(|v| v.id))
        .collect();
    let mut basis_by_version: HashMap<i64, Vec<(i64, Option<String>)>> = HashMap::new();
    for b in pq::basis_of(db, &current_ids)? {
        basis_by_version
            .entry(b.version_id)
            .or_default()
            .push((b.document_id, b.provision));
    }
    let basis_states = basis_statuses(db, &basis_by_version, date)?;
    // Postings.
    let ids: Vec<i64> = units.iter().map(|(u, _)| u.id).collect();
    let mut postings: HashMap<i64, Vec<Posting>> = HashMap::new();
    for p in pq::postings_of_units(db, &ids, date)? {
        postings.entry(p.unit_id).or_default().push(p);
    }
    let mut versions_needed: Vec<i64> = Vec::new();
    for ps in postings.values() {
        for p in ps {
            if !provinces
                .values()
                .any(|d| d.versions.contains_key(&p.version_id))
            {
                versions_needed.push(p.version_id);
            }
        }
    }
    versions_needed.sort_unstable();
    versions_needed.dedup();
    let foreign: HashMap<i64, ProcedureVersion> = pq::versions_by_ids(db, &versions_needed)?
        .into_iter()
        .map(|v| (v.id, v))
        .collect();
    let mut out = Vec::new();
    let empty = Vec::new();
    for (u, p) in units {
        let data = &provinces[&p];
        let ps = postings.get(&u.id).unwrap_or(&empty);
        let level = u.level_stored().map_err(DbError::from)?;
        out.push(check_one(
            u,
            level,
            org.units.get(&p).map_or("", |x| x.code.as_str()),
            data,
            &foreign,
            &codes,
            &basis_by_version,
            &basis_states,
            ps,
            &calendar,
            date,
            settings,
        ));
    }
    Ok(out)
}

/// A procedure whose current version is not up at a unit's one-stop counter (bộ phận một
/// cửa) on the date: never posted there, posted in an older version, or taken down — with the
/// last day to post it (`domain::calendar::posting_deadline`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuePosting {
    pub unit_id: i64,
    pub unit_code: String,
    pub unit_name: String,
    pub code: String,
    pub name: String,
    pub decision_number: String,
    pub decision_date: NaiveDate,
    pub deadline: NaiveDate,
    /// An older version is up at the counter.
    pub older_posted: bool,
    /// The current version is up on the portal only.
    pub on_portal: bool,
}

/// The procedures to post at the counter of each unit (units that do not exist on the date are
/// skipped): the required set of the completeness check without the legal-basis statuses, so
/// that it stays cheap for a user's units. By unit, then procedure code.
pub fn postings_due(
    db: &mut Db<'_>,
    org: &Org,
    unit_ids: &[i64],
    date: NaiveDate,
    settings: Settings,
) -> Result<Vec<DuePosting>, CheckError> {
    let existing: Vec<i64> = unit_ids
        .iter()
        .copied()
        .filter(|id| org.units.get(id).is_some_and(|u| exists_on(u, date)))
        .filter(|id| super::write::province_of(&org.units, *id).is_some())
        .collect();
    if existing.is_empty() {
        return Ok(Vec::new());
    }
    let calendar = pq::calendar(db)?;
    let units = units_with_provinces(org, &existing, date)?;
    let provinces = announced_by_provinces(db, org, &units, date)?;
    let codes = procedure_codes(db, &provinces)?;
    let mut postings: HashMap<i64, Vec<Posting>> = HashMap::new();
    for p in pq::postings_of_units(db, &existing, date)? {
        if p.active_on(date) {
            postings.entry(p.unit_id).or_default().push(p);
        }
    }
    let reception = crate::domain::procedure::PostingPoint::Reception.code();
    let mut out = Vec::new();
    for (u, p) in units {
        let data = &provinces[&p];
        let level = u.level_stored().map_err(DbError::from)?;
        let up = postings.get(&u.id).map_or(&[][..], Vec::as_slice);
        for v in data
            .current
            .values()
            .filter(|v| !v.is_abolished())
            .filter(|v| data.levels.get(&v.id).is_some_and(|ls| ls.contains(&level)))
        {
            let of_procedure = || up.iter().filter(|x| x.procedure_id == v.procedure_id);
            if of_procedure().any(|x| x.version_id == v.id && x.point == reception) {
                continue;
            }
            out.push(DuePosting {
                unit_id: u.id,
                unit_code: u.code.clone(),
                unit_name: u.name.clone(),
                code: codes.get(&v.procedure_id).cloned().unwrap_or_default(),
                name: v.name.clone(),
                decision_number: v.decision_number.clone(),
                decision_date: v.decision_date,
                deadline: posting_deadline(
                    &calendar,
                    v.decision_date,
                    settings.deadline_working_days,
                ),
                older_posted: of_procedure().any(|x| x.version_id != v.id && x.point == reception),
                on_portal: of_procedure().any(|x| x.version_id == v.id && x.point != reception),
            });
        }
    }
    out.sort_by(|a, b| (&a.unit_code, &a.code).cmp(&(&b.unit_code, &b.code)));
    Ok(out)
}

/// The units, each with its province; a unit unknown, not existing on the date or outside any
/// province is refused.
fn units_with_provinces<'o>(
    org: &'o Org,
    unit_ids: &[i64],
    date: NaiveDate,
) -> Result<Vec<(&'o Unit, i64)>, CheckError> {
    let mut units = Vec::new();
    for id in unit_ids {
        let Some(u) = org.units.get(id) else {
            return Err(CheckError::UnknownUnit(id.to_string()));
        };
        if !exists_on(u, date) {
            return Err(CheckError::NotOnDate {
                code: u.code.clone(),
                name: u.name.clone(),
                date: fmt(date),
            });
        }
        let Some(p) = super::write::province_of(&org.units, u.id) else {
            return Err(CheckError::NoProvince(u.code.clone()));
        };
        units.push((u, p));
    }
    Ok(units)
}

/// What each province announced by the date (its authorities and those of the units it took
/// over), by province unit id.
fn announced_by_provinces(
    db: &mut Db<'_>,
    org: &Org,
    units: &[(&Unit, i64)],
    date: NaiveDate,
) -> Result<HashMap<i64, ProvinceData>, CheckError> {
    let mut provinces: HashMap<i64, ProvinceData> = HashMap::new();
    for (_, p) in units {
        if provinces.contains_key(p) {
            continue;
        }
        let mut unit_set: HashSet<i64> = org.all_unit_predecessors(*p).into_iter().collect();
        unit_set.insert(*p);
        let authorities: Vec<i64> = org
            .authorities
            .values()
            .filter(|a| a.unit_id.is_some_and(|u| unit_set.contains(&u)))
            .map(|a| a.id)
            .collect();
        let all = pq::versions_announced_by(db, &authorities, date)?;
        let mut current: HashMap<i64, ProcedureVersion> = HashMap::new();
        // Sorted oldest first: the last one wins.
        for v in &all {
            current.insert(v.procedure_id, v.clone());
        }
        let levels = current
            .values()
            .map(|v| Ok((v.id, v.levels_stored()?)))
            .collect::<Result<_, Corrupt>>()
            .map_err(DbError::from)?;
        let versions = all.into_iter().map(|v| (v.id, v)).collect();
        provinces.insert(
            *p,
            ProvinceData {
                current,
                versions,
                levels,
            },
        );
    }
    Ok(provinces)
}

type BasisKey = (i64, Option<String>);

fn basis_statuses(
    db: &mut Db<'_>,
    basis: &HashMap<i64, Vec<BasisKey>>,
    date: NaiveDate,
) -> Result<HashMap<BasisKey, BasisState>, DbError> {
    let mut keys: Vec<BasisKey> = basis.values().flatten().cloned().collect();
    keys.sort();
    keys.dedup();
    let mut docs: Vec<i64> = keys.iter().map(|k| k.0).collect();
    docs.dedup();
    let numbers: HashMap<i64, String> = queries::summaries_by_ids(db, &docs)?
        .into_iter()
        .map(|d| (d.id, d.number))
        .collect();
    let mut out = HashMap::new();
    // A withdrawn document (entered in error) is no legal basis: it acts on nothing.
    let withdrawn = crate::db::editing::withdrawn_ids(db)?;
    for doc in docs {
        if withdrawn.contains(&doc) {
            for k in keys.iter().filter(|k| k.0 == doc) {
                out.insert(
                    k.clone(),
                    BasisState {
                        document_id: doc,
                        number: numbers.get(&doc).cloned().unwrap_or_default(),
                        provision: k.1.clone(),
                        status: crate::registry::withdraw::WITHDRAWN_CODE.to_string(),
                        status_label: crate::registry::withdraw::WITHDRAWN_LABEL.to_string(),
                        in_force: false,
                    },
                );
            }
            continue;
        }
        let graph = StatusGraph::load_around(db, doc)?;
        let Some(facts) = graph.facts(doc, date) else {
            continue;
        };
        let whole = crate::domain::status::status_on(&facts, date).status;
        let provisions = if keys.iter().any(|k| k.0 == doc && k.1.is_some()) {
            queries::provisions_of(db, doc)?
        } else {
            Vec::new()
        };
        for k in keys.iter().filter(|k| k.0 == doc) {
            let status = match &k.1 {
                None => whole,
                Some(key) => {
                    let parent = provisions
                        .iter()
                        .find(|p| &p.key == key)
                        .and_then(|p| p.parent_key.clone());
                    article_status(&facts, key, &containers_of(parent.as_deref()), date).status
                }
            };
            out.insert(
                k.clone(),
                BasisState {
                    document_id: doc,
                    number: numbers.get(&doc).cloned().unwrap_or_default(),
                    provision: k.1.clone(),
                    status: status.code().to_string(),
                    status_label: status.label().to_string(),
                    in_force: status.applies(),
                },
            );
        }
    }
    Ok(out)
}

/// What a gap means for this procedure, in words.
fn gap_detail(
    g: &GapKind,
    v: &ProcedureVersion,
    deadline: NaiveDate,
    posted_decision_number: Option<&str>,
    first_posted_current: Option<NaiveDate>,
    settings: Settings,
    basis: &[BasisState],
) -> String {
    match g {
        GapKind::Missing => format!(
            "chưa niêm yết; hạn niêm yết {} (quyết định {} ngày {})",
            fmt(deadline),
            v.decision_number,
            fmt(v.decision_date)
        ),
        GapKind::Outdated => format!(
            "đang niêm yết theo quyết định {}, phiên bản hiện hành theo quyết định {} ngày {}; hạn cập nhật {}",
            posted_decision_number.unwrap_or_default(),
            v.decision_number,
            fmt(v.decision_date),
            fmt(deadline)
        ),
        GapKind::Late => format!(
            "niêm yết từ {}, sau hạn {} ({} ngày làm việc sau quyết định {})",
            first_posted_current.map(fmt).unwrap_or_default(),
            fmt(deadline),
            settings.deadline_working_days,
            v.decision_number
        ),
        GapKind::BasisNotInForce => {
            let bad: Vec<String> = basis
                .iter()
                .filter(|b| !b.in_force)
                .map(|b| {
                    let what = match &b.provision {
                        Some(k) => format!(
                            "{} của văn bản {}",
                            crate::domain::structure::display_reference(k),
                            b.number
                        ),
                        None => format!("văn bản {}", b.number),
                    };
                    format!("{what}: {}", b.status_label.to_lowercase())
                })
                .collect();
            bad.join("; ")
        }
        GapKind::NotRequired => String::new(),
    }
}

/// Postings up on the date of procedures that are not required at the unit, with the reason.
fn extras<'v>(
    by_procedure: &BTreeMap<i64, Vec<&Posting>>,
    required_ids: &HashSet<i64>,
    data: &ProvinceData,
    version_of: &dyn Fn(i64) -> Option<&'v ProcedureVersion>,
    codes: &HashMap<i64, String>,
    date: NaiveDate,
) -> Vec<Extra> {
    let mut extra = Vec::new();
    for (pid, ps) in by_procedure {
        if required_ids.contains(pid) {
            continue;
        }
        for p in ps.iter().filter(|p| p.active_on(date)) {
            let posted = version_of(p.version_id);
            let current = data.current.get(pid);
            let reason = match current {
                Some(c) if c.is_abolished() => format!(
                    "thủ tục đã bị bãi bỏ theo quyết định {} ngày {} nhưng vẫn niêm yết",
                    c.decision_number,
                    fmt(c.decision_date)
                ),
                Some(_) => {
                    "thủ tục không thực hiện ở cấp của đơn vị nhưng đang niêm yết".to_string()
                }
                None => {
                    "thủ tục không được công bố cho tỉnh của đơn vị nhưng đang niêm yết".to_string()
                }
            };
            extra.push(Extra {
                procedure_id: *pid,
                code: codes.get(pid).cloned().unwrap_or_default(),
                name: posted.map(|v| v.name.clone()).unwrap_or_default(),
                posting_id: p.id,
                version_id: p.version_id,
                from_on: p.from_on,
                reason,
            });
        }
    }
    extra
}

/// The legal basis of a version with the state of each on the date.
fn basis_for(
    version_id: i64,
    basis_by_version: &HashMap<i64, Vec<BasisKey>>,
    basis_states: &HashMap<BasisKey, BasisState>,
) -> Vec<BasisState> {
    basis_by_version
        .get(&version_id)
        .map(|keys| {
            keys.iter()
                .filter_map(|k| basis_states.get(k).cloned())
                .collect()
        })
        .unwrap_or_default()
}

/// The version shown among the active postings (the current one when posted, else the first)
/// and the points where it is posted.
fn shown_posting(active: &[&&Posting], current_id: i64) -> (Option<i64>, Vec<String>) {
    let shown = active
        .iter()
        .find(|p| p.version_id == current_id)
        .or_else(|| active.first())
        .map(|p| p.version_id);
    let mut points: Vec<String> = active
        .iter()
        .filter(|p| Some(p.version_id) == shown)
        .map(|p| p.point.clone())
        .collect();
    points.sort();
    points.dedup();
    (shown, points)
}

/// Postings of a unit by procedure.
fn by_procedure(postings: &[Posting]) -> BTreeMap<i64, Vec<&Posting>> {
    let mut out: BTreeMap<i64, Vec<&Posting>> = BTreeMap::new();
    for p in postings {
        out.entry(p.procedure_id).or_default().push(p);
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn check_one(
    u: &crate::db::models::Unit,
    level: UnitLevel,
    province_code: &str,
    data: &ProvinceData,
    foreign: &HashMap<i64, ProcedureVersion>,
    codes: &HashMap<i64, String>,
    basis_by_version: &HashMap<i64, Vec<BasisKey>>,
    basis_states: &HashMap<BasisKey, BasisState>,
    postings: &[Posting],
    calendar: &Calendar,
    date: NaiveDate,
    settings: Settings,
) -> Completeness {
    let version_of = |id: i64| data.versions.get(&id).or_else(|| foreign.get(&id));
    let by_procedure = by_procedure(postings);
    let mut items = Vec::new();
    let mut required_ids = HashSet::new();
    let mut currents: Vec<&ProcedureVersion> = data
        .current
        .values()
        .filter(|v| !v.is_abolished())
        .filter(|v| data.levels.get(&v.id).is_some_and(|ls| ls.contains(&level)))
        .collect();
    currents.sort_by(|a, b| codes.get(&a.procedure_id).cmp(&codes.get(&b.procedure_id)));
    for v in currents {
        required_ids.insert(v.procedure_id);
        let code = codes.get(&v.procedure_id).cloned().unwrap_or_default();
        let deadline = posting_deadline(calendar, v.decision_date, settings.deadline_working_days);
        let ps = by_procedure
            .get(&v.procedure_id)
            .map_or(&[][..], Vec::as_slice);
        let active: Vec<&&Posting> = ps.iter().filter(|p| p.active_on(date)).collect();
        let current_posted = active.iter().any(|p| p.version_id == v.id);
        let older_posted = !current_posted && !active.is_empty();
        let first_posted_current = ps
            .iter()
            .filter(|p| p.version_id == v.id)
            .map(|p| p.from_on)
            .min();
        let basis = basis_for(v.id, basis_by_version, basis_states);
        let facts = ItemFacts {
            date,
            deadline,
            current_posted,
            older_posted,
            first_posted_current,
            basis_in_force: basis.iter().all(|b| b.in_force),
        };
        let a = listing::assess(&facts);
        let (shown, points) = shown_posting(&active, v.id);
        let posted_decision_number =
            shown.and_then(|id| version_of(id).map(|x| x.decision_number.clone()));
        let gaps = a
            .gaps
            .iter()
            .map(|g| GapView {
                kind: g.code().to_string(),
                label: g.label().to_string(),
                detail: gap_detail(
                    g,
                    v,
                    deadline,
                    posted_decision_number.as_deref(),
                    first_posted_current,
                    settings,
                    &basis,
                ),
            })
            .collect();
        items.push(Item {
            procedure_id: v.procedure_id,
            code,
            name: v.name.clone(),
            field: v.field.clone(),
            version_id: v.id,
            decision_number: v.decision_number.clone(),
            decision_date: v.decision_date,
            announcement: v.announcement.clone(),
            deadline,
            posted_version_id: shown,
            posted_decision_number,
            posted_points: points,
            first_posted_on: first_posted_current,
            basis,
            pending: a.pending,
            gaps,
        });
    }
    let extra = extras(&by_procedure, &required_ids, data, &version_of, codes, date);
    let required = items.len();
    let complete = items.iter().filter(|i| i.gaps.is_empty()).count();
    let pending = items.iter().filter(|i| i.pending).count();
    Completeness {
        unit: UnitView {
            id: u.id,
            code: u.code.clone(),
            name: u.name.clone(),
            level: u.level.clone(),
        },
        province_code: province_code.to_string(),
        date,
        settings,
        required,
        complete,
        pending,
        percent: listing::percent(complete, required),
        is_complete: complete == required && extra.is_empty(),
        items,
        extra,
    }
}

/// The list of gaps as CSV (UTF-8 with BOM, so spreadsheets read the diacritics): one row per
/// gap.
pub fn write_csv(c: &Completeness, out: &mut impl std::io::Write) -> std::io::Result<()> {
    out.write_all("\u{feff}".as_bytes())?;
    let mut w = crate::spreadsheet::cells::CsvWriter::new(out);
    let header = [
        "Đơn vị",
        "Ngày kiểm tra",
        "Mã thủ tục",
        "Tên thủ tục",
        "Vấn đề",
        "Mã vấn đề",
        "Chi tiết",
    ];
    w.write_record(header)?;
    let date = fmt(c.date);
    for g in c.gaps() {
        w.write_record([
            c.unit.code.as_str(),
            date.as_str(),
            g.code,
            g.name,
            g.label,
            g.kind,
            g.detail,
        ])?;
    }
    w.flush()?;
    Ok(())
}

/// A summary and the list of gaps as a text table (for `vanban check-listings`).
pub fn write_table(c: &Completeness, out: &mut impl std::io::Write) -> std::io::Result<()> {
    writeln!(
        out,
        "{} ({}), ngày {}: {}/{} thủ tục niêm yết đầy đủ, đúng hạn ({:.1}%){}",
        c.unit.name,
        c.unit.code,
        fmt(c.date),
        c.complete,
        c.required,
        c.percent,
        if c.pending > 0 {
            format!("; {} thủ tục còn trong hạn niêm yết", c.pending)
        } else {
            String::new()
        }
    )?;
    writeln!(
        out,
        "hạn niêm yết: {} ngày làm việc sau quyết định công bố",
        c.settings.deadline_working_days
    )?;
    let gaps = c.gaps();
    if gaps.is_empty() {
        writeln!(out, "Không có thiếu sót.")?;
        return Ok(());
    }
    writeln!(
        out,
        "{:<10} {:<36} {:<42} chi tiết",
        "mã", "vấn đề", "thủ tục"
    )?;
    for g in gaps {
        let name: String = if g.name.chars().count() > 40 {
            let mut s: String = g.name.chars().take(39).collect();
            s.push('…');
            s
        } else {
            g.name.to_string()
        };
        writeln!(
            out,
            "{:<10} {:<36} {:<42} {}",
            g.code, g.label, name, g.detail
        )?;
    }
    Ok(())
}
