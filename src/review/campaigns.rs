//! Campaigns (đợt rà soát): a scope gives the documents to review, frozen when the campaign
//! starts.
//!
//! A user limited to some units creates, starts and assigns only campaigns over those units:
//! every authority a campaign names, the reorganised unit it reviews and every document its
//! frozen list would hold must belong to them (a campaign naming no authority reaches every
//! authority, so it is for users without a limit). A document is assigned only to an officer
//! whose own units cover it, since no one else could propose its decision.

use std::collections::HashSet;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::decisions::Person;
use crate::db::schema::{campaign_documents, campaigns, documents};
use crate::db::{queries, Db, DbError};
use crate::domain::kinds::EffectKind;
use crate::domain::review::CampaignKind;
use crate::registry::org::Org;
use crate::registry::status::StatusGraph;

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = campaigns)]
pub struct Campaign {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub basis_document_id: Option<i64>,
    pub predecessor_unit_id: Option<i64>,
    pub authority_ids: String,
    pub doc_types: String,
    pub fields: String,
    pub issued_from: Option<NaiveDate>,
    pub issued_to: Option<NaiveDate>,
    pub deadline: NaiveDate,
    pub started_on: Option<NaiveDate>,
    pub created_by: i64,
    #[serde(serialize_with = "crate::wire::utc")]
    pub created_at: NaiveDateTime,
    pub version: i32,
}

/// What a new campaign is given.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[schema(example = json!({
    "name": "Rà soát thường xuyên năm 2026",
    "kind": "ongoing",
    "deadline": "2026-12-31"
}))]
pub struct CampaignInput {
    pub name: String,
    #[schema(value_type = crate::domain::review::CampaignKind, inline)]
    pub kind: String,
    #[serde(default)]
    pub basis_document_id: Option<i64>,
    #[serde(default)]
    pub predecessor_unit: Option<String>,
    #[serde(default)]
    pub authorities: Vec<i64>,
    #[serde(default)]
    pub types: Vec<String>,
    #[serde(default)]
    pub fields: Vec<String>,
    #[serde(default)]
    pub issued_from: Option<NaiveDate>,
    #[serde(default)]
    pub issued_to: Option<NaiveDate>,
    pub deadline: NaiveDate,
}

#[derive(Debug, thiserror::Error)]
pub enum CampaignError {
    #[error("{0}")]
    Invalid(String),
    /// Outside the units of the user who acts (403); nothing written.
    #[error("{0}")]
    Forbidden(String),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<diesel::result::Error> for CampaignError {
    fn from(e: diesel::result::Error) -> Self {
        CampaignError::Db(DbError::Query(e))
    }
}

fn invalid<T>(m: impl Into<String>) -> Result<T, CampaignError> {
    Err(CampaignError::Invalid(m.into()))
}

fn forbidden<T>(m: impl Into<String>) -> Result<T, CampaignError> {
    Err(CampaignError::Forbidden(m.into()))
}

const OUTSIDE: &str = "không thuộc đơn vị hành chính mà tài khoản được phân công";

/// Refuses a campaign whose reach is not inside `units` (the acting user's, predecessors
/// included): each authority it names, the reorganised unit it reviews, and, when it names
/// neither, the whole registry.
fn require_reach(
    db: &mut Db<'_>,
    units: &HashSet<i64>,
    kind: CampaignKind,
    authorities: &[i64],
    predecessor: Option<i64>,
) -> Result<(), CampaignError> {
    let reorganised = kind == CampaignKind::Reorganisation && predecessor.is_some();
    if authorities.is_empty() && !reorganised {
        return forbidden(
            "đợt rà soát không chọn cơ quan ban hành sẽ gồm văn bản của mọi cơ quan; tài khoản chỉ được rà soát văn bản của các đơn vị được phân công, hãy chọn cơ quan ban hành thuộc các đơn vị đó",
        );
    }
    for a in authorities {
        // An authority that does not exist is refused by the rules of the campaign.
        let Some(a) = queries::authority_by_id(db, *a)? else {
            continue;
        };
        if !a.unit_id.is_some_and(|u| units.contains(&u)) {
            return forbidden(format!("cơ quan «{}» {OUTSIDE}", a.name));
        }
    }
    if let (true, Some(u)) = (reorganised, predecessor) {
        if !units.contains(&u) {
            let name = queries::unit_by_id(db, u)?.map_or_else(|| format!("#{u}"), |u| u.name);
            return forbidden(format!("đơn vị đã sắp xếp «{name}» {OUTSIDE}"));
        }
    }
    Ok(())
}

/// Whether a user limited to `units` may start `c` as far as its reach goes (its frozen list is
/// checked when it starts); for the pages, to offer the button only to them.
pub fn reach_covered(
    db: &mut Db<'_>,
    units: Option<&HashSet<i64>>,
    c: &Campaign,
) -> Result<bool, DbError> {
    let Some(units) = units else {
        return Ok(true);
    };
    let kind = CampaignKind::parse(&c.kind).unwrap_or(CampaignKind::Ongoing);
    match require_reach(
        db,
        units,
        kind,
        &list_of::<i64>(&c.authority_ids),
        c.predecessor_unit_id,
    ) {
        Ok(()) => Ok(true),
        Err(CampaignError::Db(e)) => Err(e),
        Err(_) => Ok(false),
    }
}

/// The unit of each document's issuing authority (`None`: a central authority).
fn units_of_documents(
    db: &mut Db<'_>,
    docs: &[i64],
) -> Result<Vec<(i64, i64, Option<i64>)>, DbError> {
    let mut rows: Vec<(i64, i64)> = Vec::new();
    for chunk in docs.chunks(500) {
        let part: Vec<(i64, i64)> = crate::with_db!(db, c => documents::table
            .filter(documents::id.eq_any(chunk))
            .select((documents::id, documents::authority_id))
            .load(c))?;
        rows.extend(part);
    }
    let unit_of: std::collections::HashMap<i64, Option<i64>> = queries::all_authorities(db)?
        .into_iter()
        .map(|a| (a.id, a.unit_id))
        .collect();
    Ok(rows
        .into_iter()
        .map(|(d, a)| (d, a, unit_of.get(&a).copied().flatten()))
        .collect())
}

/// The first of `docs` whose authority's unit is not in `units`: (document, authority).
fn first_outside(
    db: &mut Db<'_>,
    units: &HashSet<i64>,
    docs: &[i64],
) -> Result<Option<(i64, String)>, DbError> {
    let mut outside: Vec<(i64, i64)> = units_of_documents(db, docs)?
        .into_iter()
        .filter(|(_, _, u)| !u.is_some_and(|u| units.contains(&u)))
        .map(|(d, a, _)| (d, a))
        .collect();
    outside.sort_unstable();
    let Some((d, a)) = outside.first().copied() else {
        return Ok(None);
    };
    let name = queries::authority_by_id(db, a)?.map_or_else(|| format!("#{a}"), |a| a.name);
    Ok(Some((d, name)))
}

/// Checks and stores a campaign (not started) created by `p`, refused (403) unless its reach
/// is inside `p`'s units; returns its id. What the pages and the API call.
pub fn create_as(
    db: &mut Db<'_>,
    p: &Person,
    input: &CampaignInput,
    now: NaiveDateTime,
) -> Result<i64, CampaignError> {
    create_within(db, &p.actor, p.id, p.units.as_ref(), input, now)
}

/// As [`create_as`], for a caller without a limit (command line, benchmarks, tests).
pub fn create(
    db: &mut Db<'_>,
    actor: &str,
    user_id: i64,
    input: &CampaignInput,
    now: NaiveDateTime,
) -> Result<i64, CampaignError> {
    create_within(db, actor, user_id, None, input, now)
}

fn create_within(
    db: &mut Db<'_>,
    actor: &str,
    user_id: i64,
    units: Option<&HashSet<i64>>,
    input: &CampaignInput,
    now: NaiveDateTime,
) -> Result<i64, CampaignError> {
    let name = crate::domain::text::nfc(input.name.trim());
    if name.is_empty() || name.chars().count() > 300 {
        return invalid("tên đợt rà soát cần từ 1 đến 300 ký tự");
    }
    {
        use crate::domain::input as typed;
        let refused = |e: typed::ControlCharacter| CampaignError::Invalid(e.to_string());
        typed::line("tên đợt rà soát (name)", &name).map_err(refused)?;
        for f in &input.fields {
            typed::line("lĩnh vực (fields)", f).map_err(refused)?;
        }
        for t in &input.types {
            typed::line("loại văn bản (types)", t).map_err(refused)?;
        }
        if let Some(u) = &input.predecessor_unit {
            typed::line("đơn vị cũ (predecessor_unit)", u).map_err(refused)?;
        }
    }
    let Some(kind) = CampaignKind::parse(input.kind.trim()) else {
        let kinds: Vec<&str> = CampaignKind::ALL.iter().map(|k| k.code()).collect();
        return invalid(format!(
            "loại đợt rà soát «{}» không hợp lệ ({})",
            input.kind,
            kinds.join(", ")
        ));
    };
    if let (Some(f), Some(t)) = (input.issued_from, input.issued_to) {
        if t < f {
            return invalid("khoảng ngày ban hành: ngày cuối trước ngày đầu");
        }
    }
    let basis = match (kind, input.basis_document_id) {
        (CampaignKind::HigherDocument, None) => {
            return invalid("đợt rà soát theo căn cứ mới cần văn bản căn cứ (basis_document_id)")
        }
        (_, Some(id)) => match queries::document(db, id)? {
            Some(d) => Some(d.id),
            None => return invalid(format!("không có văn bản số {id} trong cơ sở dữ liệu")),
        },
        (_, None) => None,
    };
    let predecessor = match (kind, &input.predecessor_unit) {
        (CampaignKind::Reorganisation, None) => {
            return invalid(
                "đợt rà soát khi sắp xếp đơn vị cần đơn vị đã sắp xếp (predecessor_unit)",
            )
        }
        (_, Some(code)) => match queries::unit_by_code(db, code.trim())? {
            Some(u) => Some(u.id),
            None => return invalid(format!("không có đơn vị hành chính mã «{code}»")),
        },
        (_, None) => None,
    };
    for a in &input.authorities {
        if queries::authority_by_id(db, *a)?.is_none() {
            return invalid(format!("không có cơ quan ban hành số {a}"));
        }
    }
    for t in &input.types {
        if crate::domain::kinds::document_type(t).is_none() {
            return invalid(format!("loại văn bản «{t}» không hợp lệ"));
        }
    }
    if let Some(units) = units {
        require_reach(db, units, kind, &input.authorities, predecessor)?;
    }
    let id: i64 = crate::with_db!(db, c => diesel::insert_into(campaigns::table)
        .values((
            campaigns::name.eq(&name),
            campaigns::kind.eq(kind.code()),
            campaigns::basis_document_id.eq(basis),
            campaigns::predecessor_unit_id.eq(predecessor),
            campaigns::authority_ids.eq(serde_json::json!(input.authorities).to_string()),
            campaigns::doc_types.eq(serde_json::json!(input.types).to_string()),
            campaigns::fields.eq(serde_json::json!(input.fields).to_string()),
            campaigns::issued_from.eq(input.issued_from),
            campaigns::issued_to.eq(input.issued_to),
            campaigns::deadline.eq(input.deadline),
            campaigns::created_by.eq(user_id),
            campaigns::created_at.eq(now),
            campaigns::version.eq(1),
        ))
        .returning(campaigns::id)
        .get_result(c))?;
    let after = serde_json::json!({
        "name": name, "kind": kind.code(), "basis_document_id": basis,
        "predecessor_unit_id": predecessor, "authorities": input.authorities,
        "types": input.types, "fields": input.fields, "issued_from": input.issued_from,
        "issued_to": input.issued_to, "deadline": input.deadline,
    });
    crate::audit::append(
        db,
        actor,
        "create",
        "campaign",
        &id.to_string(),
        None,
        Some(&after),
    )?;
    Ok(id)
}

pub fn get(db: &mut Db<'_>, id: i64) -> Result<Option<Campaign>, DbError> {
    Ok(crate::with_db!(db, c => campaigns::table
        .find(id)
        .select(Campaign::as_select())
        .first(c)
        .optional())?)
}

fn list_of<T: serde::de::DeserializeOwned>(s: &str) -> Vec<T> {
    serde_json::from_str(s).unwrap_or_default()
}

/// The documents a campaign covers on `on`: by its kind (those citing or implementing its
/// basis; those of a reorganised unit's authorities), narrowed by its filters, and only those
/// still (at least partly) applying that day.
pub fn documents_in_scope(
    db: &mut Db<'_>,
    c: &Campaign,
    on: NaiveDate,
) -> Result<Vec<i64>, DbError> {
    let org = Org::load(db)?;
    let kind = CampaignKind::parse(&c.kind);
    let mut candidates: Option<HashSet<i64>> = None;
    if let (Some(CampaignKind::HigherDocument), Some(basis)) = (kind, c.basis_document_id) {
        candidates = Some(
            queries::effects_on(db, basis)?
                .into_iter()
                .filter(|e| {
                    matches!(
                        EffectKind::parse(&e.kind),
                        Some(EffectKind::Implements | EffectKind::BasedOn)
                    )
                })
                .map(|e| e.acting_id)
                .collect(),
        );
    }
    let mut authorities: Option<HashSet<i64>> = None;
    let wanted: Vec<i64> = list_of(&c.authority_ids);
    if !wanted.is_empty() {
        authorities = Some(
            wanted
                .iter()
                .flat_map(|a| org.authority_with_predecessors(*a))
                .collect(),
        );
    }
    if let (Some(CampaignKind::Reorganisation), Some(unit)) = (kind, c.predecessor_unit_id) {
        let mut units: HashSet<i64> = org.all_unit_predecessors(unit).into_iter().collect();
        units.insert(unit);
        let of_unit: HashSet<i64> = org
            .authorities
            .values()
            .filter(|a| a.unit_id.is_some_and(|u| units.contains(&u)))
            .map(|a| a.id)
            .collect();
        authorities = Some(match authorities {
            Some(a) => a.intersection(&of_unit).copied().collect(),
            None => of_unit,
        });
    }
    let types: Vec<String> = list_of(&c.doc_types);
    let fields: Vec<String> = list_of::<String>(&c.fields)
        .iter()
        .map(|f| crate::domain::text::fold(&f.to_lowercase()))
        .collect();
    let rows: Vec<(i64, i64, String, String, NaiveDate)> = crate::with_db!(db, c => documents::table
        .select((documents::id, documents::authority_id, documents::doc_type, documents::fields, documents::issued_on))
        .order(documents::id)
        .load(c))?;
    let graph = StatusGraph::load_all(db)?;
    let local: HashSet<i64> = org
        .authorities
        .values()
        .filter(|a| a.unit_id.is_some())
        .map(|a| a.id)
        .collect();
    Ok(rows
        .into_iter()
        .filter(|(id, a, t, f, issued)| {
            local.contains(a)
                && candidates.as_ref().is_none_or(|s| s.contains(id))
                && authorities.as_ref().is_none_or(|s| s.contains(a))
                && (types.is_empty() || types.contains(t))
                && (fields.is_empty()
                    || list_of::<String>(f)
                        .iter()
                        .any(|x| fields.contains(&crate::domain::text::fold(&x.to_lowercase()))))
                && c.issued_from.is_none_or(|d| *issued >= d)
                && c.issued_to.is_none_or(|d| *issued <= d)
                && graph.status(*id, on).is_some_and(|s| s.status.applies())
        })
        .map(|r| r.0)
        .collect())
}

/// Starts a campaign as `p`: its document list is computed and frozen. Starting twice is
/// refused, and so (403) is a campaign whose reach or list goes outside `p`'s units. What the
/// pages and the API call.
pub fn start_as(
    db: &mut Db<'_>,
    p: &Person,
    id: i64,
    on: NaiveDate,
) -> Result<usize, CampaignError> {
    start_within(db, &p.actor, p.units.as_ref(), id, on)
}

/// As [`start_as`], for a caller without a limit (command line, benchmarks, tests).
pub fn start(db: &mut Db<'_>, actor: &str, id: i64, on: NaiveDate) -> Result<usize, CampaignError> {
    start_within(db, actor, None, id, on)
}

fn start_within(
    db: &mut Db<'_>,
    actor: &str,
    units: Option<&HashSet<i64>>,
    id: i64,
    on: NaiveDate,
) -> Result<usize, CampaignError> {
    let Some(c) = get(db, id)? else {
        return invalid(format!("không có đợt rà soát số {id}"));
    };
    if let Some(units) = units {
        let kind = CampaignKind::parse(&c.kind).unwrap_or(CampaignKind::Ongoing);
        require_reach(
            db,
            units,
            kind,
            &list_of::<i64>(&c.authority_ids),
            c.predecessor_unit_id,
        )?;
    }
    if c.started_on.is_some() {
        return invalid("đợt rà soát đã bắt đầu; danh sách văn bản đã cố định");
    }
    let docs = documents_in_scope(db, &c, on)?;
    if let Some(units) = units {
        if let Some((d, authority)) = first_outside(db, units, &docs)? {
            return forbidden(format!(
                "danh sách của đợt rà soát gồm văn bản số {d} của «{authority}», {OUTSIDE}"
            ));
        }
    }
    for chunk in docs.chunks(500) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|d| {
                (
                    campaign_documents::campaign_id.eq(id),
                    campaign_documents::document_id.eq(*d),
                )
            })
            .collect();
        crate::with_db!(db, c => diesel::insert_into(campaign_documents::table).values(&rows).execute(c))?;
    }
    crate::with_db!(db, c => diesel::update(campaigns::table.find(id))
        .set((campaigns::started_on.eq(Some(on)), campaigns::version.eq(campaigns::version + 1)))
        .execute(c))?;
    let after = serde_json::json!({ "started_on": on, "documents": docs.len() });
    crate::audit::append(
        db,
        actor,
        "start",
        "campaign",
        &id.to_string(),
        None,
        Some(&after),
    )?;
    Ok(docs.len())
}

/// The frozen list of a started campaign.
pub fn documents(db: &mut Db<'_>, id: i64) -> Result<Vec<i64>, DbError> {
    Ok(crate::with_db!(db, c => campaign_documents::table
        .filter(campaign_documents::campaign_id.eq(id))
        .order(campaign_documents::document_id)
        .select(campaign_documents::document_id)
        .load(c))?)
}

pub fn contains(db: &mut Db<'_>, id: i64, document: i64) -> Result<bool, DbError> {
    let n: i64 = crate::with_db!(db, c => campaign_documents::table
        .filter(campaign_documents::campaign_id.eq(id))
        .filter(campaign_documents::document_id.eq(document))
        .count()
        .get_result(c))?;
    Ok(n > 0)
}

/// All campaigns, newest first.
pub fn list(db: &mut Db<'_>) -> Result<Vec<Campaign>, DbError> {
    Ok(crate::with_db!(db, c => campaigns::table
        .order(campaigns::id.desc())
        .select(Campaign::as_select())
        .load(c))?)
}

/// Assigns documents of a started campaign to an officer (or unassigns them), as `p`: as
/// [`assign`], and refused (403) unless every document is in `p`'s units. What the pages and
/// the API call.
pub fn assign_as(
    db: &mut Db<'_>,
    p: &Person,
    id: i64,
    documents: &[i64],
    officer: Option<i64>,
) -> Result<usize, CampaignError> {
    assign_within(db, &p.actor, p.units.as_ref(), id, documents, officer)
}

/// Assigns documents of a started campaign to an officer (or unassigns them with `None`).
/// Documents outside the campaign are refused, naming the first, and so are documents outside
/// the officer's own units (they could not propose a decision on them).
pub fn assign(
    db: &mut Db<'_>,
    actor: &str,
    id: i64,
    documents: &[i64],
    officer: Option<i64>,
) -> Result<usize, CampaignError> {
    assign_within(db, actor, None, id, documents, officer)
}

fn assign_within(
    db: &mut Db<'_>,
    actor: &str,
    units: Option<&HashSet<i64>>,
    id: i64,
    documents: &[i64],
    officer: Option<i64>,
) -> Result<usize, CampaignError> {
    let Some(c) = get(db, id)? else {
        return invalid(format!("không có đợt rà soát số {id}"));
    };
    if c.started_on.is_none() {
        return invalid("đợt rà soát chưa bắt đầu: chưa có danh sách văn bản để phân công");
    }
    if documents.is_empty() {
        return invalid("cần ít nhất một văn bản để phân công");
    }
    if let Some(o) = officer {
        let role: Option<String> = crate::with_db!(db, c => crate::db::schema::users::table
            .find(o)
            .select(crate::db::schema::users::role)
            .first(c)
            .optional())?;
        if !matches!(role.as_deref(), Some("officer" | "admin")) {
            return invalid(format!("tài khoản số {o} không phải cán bộ pháp chế"));
        }
    }
    for d in documents {
        if !contains(db, id, *d)? {
            return invalid(format!(
                "văn bản số {d} không thuộc danh sách của đợt rà soát"
            ));
        }
    }
    if let Some(units) = units {
        if let Some((d, authority)) = first_outside(db, units, documents)? {
            return forbidden(format!("văn bản số {d} của «{authority}» {OUTSIDE}"));
        }
    }
    if let Some(o) = officer {
        let org = Org::load(db)?;
        let scope = crate::auth::users::scope_of(db, o)?;
        if let Some(units) = scope.expanded(|u| org.all_unit_predecessors(u)) {
            if let Some((d, authority)) = first_outside(db, &units, documents)? {
                let name = crate::auth::users::find(db, o)?
                    .map_or_else(|| format!("#{o}"), |u| u.display_name);
                return invalid(format!(
                    "văn bản số {d} của «{authority}» không thuộc đơn vị hành chính mà cán bộ {name} được phân công: cán bộ đó không đề xuất được kết quả rà soát văn bản này"
                ));
            }
        }
    }
    let n = crate::with_db!(db, c => diesel::update(
        campaign_documents::table
            .filter(campaign_documents::campaign_id.eq(id))
            .filter(campaign_documents::document_id.eq_any(documents)),
    )
    .set(campaign_documents::officer_id.eq(officer))
    .execute(c))?;
    let after = serde_json::json!({ "documents": documents, "officer_id": officer });
    crate::audit::append(
        db,
        actor,
        "assign",
        "campaign",
        &id.to_string(),
        None,
        Some(&after),
    )?;
    Ok(n)
}

/// The officer each document of the campaign is assigned to.
pub fn assignments(db: &mut Db<'_>, id: i64) -> Result<Vec<(i64, Option<i64>)>, DbError> {
    Ok(crate::with_db!(db, c => campaign_documents::table
        .filter(campaign_documents::campaign_id.eq(id))
        .select((campaign_documents::document_id, campaign_documents::officer_id))
        .load(c))?)
}
