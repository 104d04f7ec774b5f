//! Campaigns (đợt rà soát): a scope gives the documents to review, frozen when the campaign
//! starts.

use std::collections::HashSet;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

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

/// Checks and stores a campaign (not started); returns its id.
pub fn create(
    db: &mut Db<'_>,
    actor: &str,
    user_id: i64,
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

/// Starts a campaign: its document list is computed and frozen. Starting twice is refused.
pub fn start(db: &mut Db<'_>, actor: &str, id: i64, on: NaiveDate) -> Result<usize, CampaignError> {
    let Some(c) = get(db, id)? else {
        return invalid(format!("không có đợt rà soát số {id}"));
    };
    if c.started_on.is_some() {
        return invalid("đợt rà soát đã bắt đầu; danh sách văn bản đã cố định");
    }
    let docs = documents_in_scope(db, &c, on)?;
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

/// Assigns documents of a started campaign to an officer (or unassigns them with `None`).
/// Documents outside the campaign are refused, naming the first.
pub fn assign(
    db: &mut Db<'_>,
    actor: &str,
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
