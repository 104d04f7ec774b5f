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
use serde::{Deserialize, Serialize};

use super::decisions::Person;
use crate::db::campaigns::{self as rows, CampaignRow, NewCampaign};
use crate::db::stored::{self, At, Corrupt, JsonColumn};
use crate::db::{queries, Db, DbError};
use crate::domain::kinds::EffectKind;
use crate::domain::review::CampaignKind;
use crate::registry::org::Org;
use crate::registry::status::StatusGraph;

// A campaign as the pages and the API show it (its kind and filters as stored, checked when
// read: see `Campaign::scope`). A plain comment: the OpenAPI document shows doc comments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
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

/// A campaign's kind and filters, read from their stored code and JSON lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    pub kind: CampaignKind,
    pub authorities: Vec<i64>,
    pub types: Vec<String>,
    pub fields: Vec<String>,
}

impl Campaign {
    fn at(&self, column: &'static str) -> At<'_, i64> {
        At {
            table: "campaigns",
            row: &self.id,
            column,
        }
    }

    /// The kind and filters; an unknown kind or a corrupt list is [`Corrupt`], never a
    /// default.
    pub fn scope(&self) -> Result<Scope, Corrupt> {
        Ok(Scope {
            kind: stored::code(&self.kind, self.at("kind"), CampaignKind::parse)?,
            authorities: self.list(&self.authority_ids, "authority_ids")?,
            types: self.list(&self.doc_types, "doc_types")?,
            fields: self.list(&self.fields, "fields")?,
        })
    }

    fn list<T: serde::de::DeserializeOwned>(
        &self,
        raw: &str,
        column: &'static str,
    ) -> Result<Vec<T>, Corrupt> {
        JsonColumn::stored(raw.to_owned()).decode(self.at(column))
    }
}

impl TryFrom<CampaignRow> for Campaign {
    type Error = Corrupt;

    /// The campaign, once its kind and filters are known to fit their types.
    fn try_from(r: CampaignRow) -> Result<Campaign, Corrupt> {
        let c = Campaign {
            id: r.id,
            name: r.name,
            kind: r.kind,
            basis_document_id: r.basis_document_id,
            predecessor_unit_id: r.predecessor_unit_id,
            authority_ids: r.authority_ids,
            doc_types: r.doc_types,
            fields: r.fields,
            issued_from: r.issued_from,
            issued_to: r.issued_to,
            deadline: r.deadline,
            started_on: r.started_on,
            created_by: r.created_by,
            created_at: r.created_at,
            version: r.version,
        };
        c.scope()?;
        Ok(c)
    }
}

/// What a new campaign is given, its kind read (by [`kind_of`] where it arrives as text).
#[derive(Debug, Clone, Deserialize)]
pub struct CampaignInput {
    pub name: String,
    pub kind: CampaignKind,
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

/// A routine review (`ongoing`) with no name, scope or deadline yet.
impl Default for CampaignInput {
    fn default() -> Self {
        CampaignInput {
            name: String::new(),
            kind: CampaignKind::Ongoing,
            basis_document_id: None,
            predecessor_unit: None,
            authorities: Vec::new(),
            types: Vec::new(),
            fields: Vec::new(),
            issued_from: None,
            issued_to: None,
            deadline: NaiveDate::default(),
        }
    }
}

/// A campaign kind as sent or typed; an unknown one is refused, naming the codes.
pub fn kind_of(raw: &str) -> Result<CampaignKind, CampaignError> {
    CampaignKind::parse(raw.trim()).ok_or_else(|| {
        let kinds: Vec<&str> = CampaignKind::ALL.iter().map(|k| k.code()).collect();
        CampaignError::Invalid(format!(
            "loại đợt rà soát «{raw}» không hợp lệ ({})",
            kinds.join(", ")
        ))
    })
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
    let scope = c.scope()?;
    match require_reach(
        db,
        units,
        scope.kind,
        &scope.authorities,
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
    let rows = rows::authorities_of_documents(db, docs)?;
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

/// A new campaign's input once checked: its name in NFC, its kind and the rows it refers to.
struct Checked {
    name: String,
    kind: CampaignKind,
    basis: Option<i64>,
    predecessor: Option<i64>,
}

fn create_within(
    db: &mut Db<'_>,
    actor: &str,
    user_id: i64,
    units: Option<&HashSet<i64>>,
    input: &CampaignInput,
    now: NaiveDateTime,
) -> Result<i64, CampaignError> {
    let (name, kind) = check_text(input)?;
    let checked = resolve(db, input, name, kind)?;
    if let Some(units) = units {
        require_reach(db, units, kind, &input.authorities, checked.predecessor)?;
    }
    let id = write_campaign(db, user_id, input, &checked, now)?;
    let after = serde_json::json!({
        "name": checked.name, "kind": kind.code(), "basis_document_id": checked.basis,
        "predecessor_unit_id": checked.predecessor, "authorities": input.authorities,
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

/// The checks that need no database: the name, control characters, the kind, the dates.
fn check_text(input: &CampaignInput) -> Result<(String, CampaignKind), CampaignError> {
    use crate::domain::input as typed;
    let name = crate::domain::text::nfc(input.name.trim());
    if name.is_empty() || name.chars().count() > 300 {
        return invalid("tên đợt rà soát cần từ 1 đến 300 ký tự");
    }
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
    let kind = input.kind;
    if let (Some(f), Some(t)) = (input.issued_from, input.issued_to) {
        if t < f {
            return invalid("khoảng ngày ban hành: ngày cuối trước ngày đầu");
        }
    }
    Ok((name, kind))
}

/// The checks against the registry: the basis document, the reorganised unit, the
/// authorities and the document types the input names.
fn resolve(
    db: &mut Db<'_>,
    input: &CampaignInput,
    name: String,
    kind: CampaignKind,
) -> Result<Checked, CampaignError> {
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
    Ok(Checked {
        name,
        kind,
        basis,
        predecessor,
    })
}

/// Stores a checked campaign; its id.
fn write_campaign(
    db: &mut Db<'_>,
    user_id: i64,
    input: &CampaignInput,
    checked: &Checked,
    now: NaiveDateTime,
) -> Result<i64, CampaignError> {
    let list = |v: serde_json::Value| v.to_string();
    let (authorities, types, fields) = (
        list(serde_json::json!(input.authorities)),
        list(serde_json::json!(input.types)),
        list(serde_json::json!(input.fields)),
    );
    Ok(rows::insert_campaign(
        db,
        &NewCampaign {
            name: &checked.name,
            kind: checked.kind.code(),
            basis_document_id: checked.basis,
            predecessor_unit_id: checked.predecessor,
            authority_ids: &authorities,
            doc_types: &types,
            fields: &fields,
            issued_from: input.issued_from,
            issued_to: input.issued_to,
            deadline: input.deadline,
            created_by: user_id,
            created_at: now,
        },
    )?)
}

pub fn get(db: &mut Db<'_>, id: i64) -> Result<Option<Campaign>, DbError> {
    Ok(rows::campaign(db, id)?
        .map(Campaign::try_from)
        .transpose()?)
}

/// The documents a campaign covers on `on`: by its kind (those citing or implementing its
/// basis; those of a reorganised unit's authorities), narrowed by its filters, and only those
/// still (at least partly) applying that day.
pub fn documents_in_scope(
    db: &mut Db<'_>,
    c: &Campaign,
    on: NaiveDate,
) -> Result<Vec<i64>, DbError> {
    let scope = c.scope()?;
    let org = Org::load(db)?;
    let candidates = match (scope.kind, c.basis_document_id) {
        (CampaignKind::HigherDocument, Some(basis)) => Some(acting_on_basis(db, basis)?),
        _ => None,
    };
    let authorities = authorities_in_reach(&org, &scope, c);
    let fields: Vec<String> = scope.fields.iter().map(|f| folded(f)).collect();
    let graph = StatusGraph::load_all(db)?;
    let local: HashSet<i64> = org
        .authorities
        .values()
        .filter(|a| a.unit_id.is_some())
        .map(|a| a.id)
        .collect();
    let mut found = Vec::new();
    for d in rows::scope_rows(db)? {
        let wanted = local.contains(&d.authority_id)
            && candidates.as_ref().is_none_or(|s| s.contains(&d.id))
            && authorities
                .as_ref()
                .is_none_or(|s| s.contains(&d.authority_id))
            && (scope.types.is_empty() || scope.types.contains(&d.doc_type))
            && c.issued_from.is_none_or(|f| d.issued_on >= f)
            && c.issued_to.is_none_or(|t| d.issued_on <= t)
            && (fields.is_empty() || has_field(&d, &fields)?)
            && graph.status(d.id, on).is_some_and(|s| s.status.applies());
        if wanted {
            found.push(d.id);
        }
    }
    Ok(found)
}

/// A field name as compared: lower case, without diacritics.
fn folded(f: &str) -> String {
    crate::domain::text::fold(&f.to_lowercase())
}

/// Whether a document's stored fields name one of `fields` (folded); a corrupt list is
/// [`Corrupt`].
fn has_field(d: &rows::ScopeRow, fields: &[String]) -> Result<bool, Corrupt> {
    let at = At::new("documents", &d.id, "fields");
    let own: Vec<String> = JsonColumn::stored(d.fields.clone()).decode(at)?;
    Ok(own.iter().any(|x| fields.contains(&folded(x))))
}

/// The documents implementing or based on `basis`.
fn acting_on_basis(db: &mut Db<'_>, basis: i64) -> Result<HashSet<i64>, DbError> {
    let mut acting = HashSet::new();
    for e in queries::effects_on(db, basis)? {
        let at = At::new("effects", &e.id, "kind");
        let kind = stored::code(&e.kind, at, EffectKind::parse)?;
        if matches!(kind, EffectKind::Implements | EffectKind::BasedOn) {
            acting.insert(e.acting_id);
        }
    }
    Ok(acting)
}

/// The authorities whose documents the campaign reviews (`None`: every one): those it names
/// with their predecessors, narrowed to the reorganised unit's when it reviews one.
fn authorities_in_reach(org: &Org, scope: &Scope, c: &Campaign) -> Option<HashSet<i64>> {
    let named: Option<HashSet<i64>> = (!scope.authorities.is_empty()).then(|| {
        scope
            .authorities
            .iter()
            .flat_map(|a| org.authority_with_predecessors(*a))
            .collect()
    });
    let (CampaignKind::Reorganisation, Some(unit)) = (scope.kind, c.predecessor_unit_id) else {
        return named;
    };
    let mut units: HashSet<i64> = org.all_unit_predecessors(unit).into_iter().collect();
    units.insert(unit);
    let of_unit: HashSet<i64> = org
        .authorities
        .values()
        .filter(|a| a.unit_id.is_some_and(|u| units.contains(&u)))
        .map(|a| a.id)
        .collect();
    Some(match named {
        Some(a) => a.intersection(&of_unit).copied().collect(),
        None => of_unit,
    })
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
        let scope = c.scope().map_err(DbError::from)?;
        require_reach(
            db,
            units,
            scope.kind,
            &scope.authorities,
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
    rows::freeze(db, id, &docs, on)?;
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
    rows::campaign_documents(db, id)
}

pub fn contains(db: &mut Db<'_>, id: i64, document: i64) -> Result<bool, DbError> {
    rows::campaign_contains(db, id, document)
}

/// All campaigns, newest first.
pub fn list(db: &mut Db<'_>) -> Result<Vec<Campaign>, DbError> {
    rows::campaigns(db)?
        .into_iter()
        .map(|r| Ok(Campaign::try_from(r)?))
        .collect()
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
        let role = rows::user_role(db, o)?;
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
    let n = rows::assign(db, id, documents, officer)?;
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
    rows::assignments(db, id)
}
