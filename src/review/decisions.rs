//! Review decisions: an officer proposes, another person approves or returns; a decided
//! record is never edited (a correction supersedes it); handling stages follow in order.
//! Every write (propose, approve, return, stage, close) is refused (403) unless the document
//! reviewed belongs to the units of the person acting.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use crate::db::review::{self as rows, DecisionRow, NewDecision, NewStage};
use crate::db::stored::Corrupt;
use crate::db::{queries, Db, DbError};
use crate::domain::review::{self, DecisionKind, DecisionState, ExpiryGround, ReviewError, Stage};
use crate::domain::structure::parse_reference;

// A decision, read from its row: every stored code and the provision list must fit their
// types (see [`Decision::from_row`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Decision {
    pub id: i64,
    pub campaign_id: i64,
    pub document_id: i64,
    pub supersedes_id: Option<i64>,
    #[schema(value_type = String)]
    pub kind: DecisionKind,
    pub partial: bool,
    // The provision keys concerned (empty: the whole document), as a JSON list in text, as
    // stored.
    #[serde(serialize_with = "json_text")]
    #[schema(value_type = String)]
    pub provisions: Vec<String>,
    #[schema(value_type = Option<String>)]
    pub ground: Option<ExpiryGround>,
    pub reason: String,
    pub legal_basis_document_id: Option<i64>,
    pub legal_basis_provision: Option<String>,
    pub effective_on: Option<NaiveDate>,
    #[schema(value_type = String)]
    pub state: DecisionState,
    pub proposed_by: i64,
    #[serde(serialize_with = "crate::wire::utc")]
    pub proposed_at: NaiveDateTime,
    pub decided_by: Option<i64>,
    #[serde(serialize_with = "crate::wire::utc_opt")]
    pub decided_at: Option<NaiveDateTime>,
    pub comment: Option<String>,
    pub handling_document_id: Option<i64>,
    #[serde(serialize_with = "crate::wire::utc_opt")]
    pub closed_at: Option<NaiveDateTime>,
    pub version: i32,
}

/// The provision list as the API has always shown it: JSON text.
fn json_text<S: serde::Serializer>(v: &[String], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&serde_json::json!(v).to_string())
}

impl Decision {
    /// The decision of a stored row; a code or a provision list that does not fit is
    /// [`Corrupt`], never read as a default.
    pub fn from_row(r: DecisionRow) -> Result<Decision, Corrupt> {
        Ok(Decision {
            kind: r.kind()?,
            state: r.state()?,
            ground: r.ground()?,
            provisions: r.provisions()?,
            id: r.id,
            campaign_id: r.campaign_id,
            document_id: r.document_id,
            supersedes_id: r.supersedes_id,
            partial: r.partial,
            reason: r.reason,
            legal_basis_document_id: r.legal_basis_document_id,
            legal_basis_provision: r.legal_basis_provision,
            effective_on: r.effective_on,
            proposed_by: r.proposed_by,
            proposed_at: r.proposed_at,
            decided_by: r.decided_by,
            decided_at: r.decided_at,
            comment: r.comment,
            handling_document_id: r.handling_document_id,
            closed_at: r.closed_at,
            version: r.version,
        })
    }
}

fn read_all(rows: Vec<DecisionRow>) -> Result<Vec<Decision>, DbError> {
    rows.into_iter()
        .map(|r| Decision::from_row(r).map_err(DbError::from))
        .collect()
}

/// What an officer proposes, its codes read (by [`kind_of`] and [`ground_of`] where the
/// proposal arrives as text; deserialized, only the codes are accepted).
#[derive(Debug, Clone, Deserialize)]
pub struct Proposal {
    pub document_id: i64,
    pub kind: DecisionKind,
    /// Whether only some provisions are concerned (default: when provisions are listed).
    #[serde(default)]
    pub partial: Option<bool>,
    #[serde(default)]
    pub provisions: Vec<String>,
    #[serde(default)]
    pub ground: Option<ExpiryGround>,
    pub reason: String,
    #[serde(default)]
    pub legal_basis_document_id: Option<i64>,
    #[serde(default)]
    pub legal_basis_provision: Option<String>,
    #[serde(default)]
    pub effective_on: Option<NaiveDate>,
    #[serde(default)]
    pub supersedes_id: Option<i64>,
}

/// A handling stage to record, its stage read (by [`stage_of`] where it arrives as text).
#[derive(Debug, Clone, Deserialize)]
pub struct StageInput {
    pub stage: Stage,
    pub date: NaiveDate,
    pub paper: String,
    #[serde(default)]
    pub agency: Option<String>,
    #[serde(default)]
    pub planned_on: Option<NaiveDate>,
}

/// A decision kind as sent or typed; an unknown one is refused, naming the codes.
pub fn kind_of(raw: &str) -> Result<DecisionKind, DecisionError> {
    DecisionKind::parse(raw.trim()).ok_or_else(|| {
        let kinds: Vec<&str> = DecisionKind::ALL.iter().map(|k| k.code()).collect();
        DecisionError::Invalid(format!(
            "loại quyết định «{raw}» không hợp lệ ({})",
            kinds.join(", ")
        ))
    })
}

/// A ground of expiry as sent or typed (none when absent or blank); an unknown one is refused.
pub fn ground_of(raw: Option<&str>) -> Result<Option<ExpiryGround>, DecisionError> {
    match raw.map(str::trim) {
        None | Some("") => Ok(None),
        Some(g) => ExpiryGround::parse(g).map(Some).ok_or_else(|| {
            DecisionError::Invalid(format!("căn cứ hết hiệu lực «{g}» không hợp lệ"))
        }),
    }
}

/// A handling stage as sent or typed; an unknown one is refused.
pub fn stage_of(raw: &str) -> Result<Stage, DecisionError> {
    Stage::parse(raw.trim())
        .ok_or_else(|| DecisionError::Invalid(format!("giai đoạn «{raw}» không hợp lệ")))
}

/// Who acts: their id, audit name, and the units their scope covers (`None`: all).
#[derive(Debug, Clone)]
pub struct Person {
    pub id: i64,
    pub actor: String,
    pub units: Option<std::collections::HashSet<i64>>,
}

#[derive(Debug, thiserror::Error)]
pub enum DecisionError {
    #[error("{0}")]
    NotFound(String),
    /// Refused by the rules (422).
    #[error("{0}")]
    Invalid(String),
    /// Not the user's to do (403).
    #[error("{0}")]
    Forbidden(String),
    /// Not in a state that allows it, or changed meanwhile (409).
    #[error("{0}")]
    Conflict(String),
    /// `If-Match` names another version (412).
    #[error("phiên bản {given} không còn là phiên bản hiện tại ({current}); hãy tải lại")]
    Stale { given: i32, current: i32 },
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<diesel::result::Error> for DecisionError {
    fn from(e: diesel::result::Error) -> Self {
        DecisionError::Db(DbError::Query(e))
    }
}

impl From<ReviewError> for DecisionError {
    fn from(e: ReviewError) -> Self {
        match e {
            ReviewError::SelfApproval => DecisionError::Forbidden(e.to_string()),
            ReviewError::NotPending(_) => DecisionError::Conflict(e.to_string()),
            _ => DecisionError::Invalid(e.to_string()),
        }
    }
}

pub fn get(db: &mut Db<'_>, id: i64) -> Result<Option<Decision>, DbError> {
    rows::decision(db, id)?
        .map(|r| Decision::from_row(r).map_err(DbError::from))
        .transpose()
}

fn load(db: &mut Db<'_>, id: i64) -> Result<Decision, DecisionError> {
    get(db, id)?.ok_or_else(|| DecisionError::NotFound(format!("không có quyết định số {id}")))
}

fn check_version(d: &Decision, if_match: Option<i32>) -> Result<(), DecisionError> {
    match if_match {
        Some(v) if v != d.version => Err(DecisionError::Stale {
            given: v,
            current: d.version,
        }),
        _ => Ok(()),
    }
}

/// Whether `p`'s scope covers the document.
fn covers(db: &mut Db<'_>, p: &Person, document: i64) -> Result<bool, DbError> {
    let Some(units) = &p.units else {
        return Ok(true);
    };
    let Some(d) = queries::document(db, document)? else {
        return Ok(false);
    };
    let unit = queries::authority_by_id(db, d.authority_id)?.and_then(|a| a.unit_id);
    Ok(unit.is_some_and(|u| units.contains(&u)))
}

/// Refuses when `p`'s scope does not cover the document.
fn require_cover(db: &mut Db<'_>, p: &Person, document: i64) -> Result<(), DecisionError> {
    if covers(db, p, document)? {
        Ok(())
    } else {
        Err(DecisionError::Forbidden(
            "văn bản không thuộc đơn vị mà tài khoản được phân công".into(),
        ))
    }
}

fn snapshot(d: &Decision) -> serde_json::Value {
    serde_json::to_value(d).unwrap_or(serde_json::Value::Null)
}

/// What a proposal says, checked against the rules and the document.
struct Checked {
    kind: DecisionKind,
    ground: Option<ExpiryGround>,
    /// The provision keys, parsed.
    keys: Vec<String>,
    partial: bool,
}

/// An officer proposes a decision on a document of a started campaign.
pub fn propose(
    db: &mut Db<'_>,
    p: &Person,
    campaign: i64,
    input: &Proposal,
    now: NaiveDateTime,
) -> Result<i64, DecisionError> {
    check_proposal_text(input)?;
    check_campaign(db, campaign, input.document_id)?;
    require_cover(db, p, input.document_id)?;
    let checked = check_content(db, input)?;
    check_supersedes(db, campaign, input)?;
    check_live(db, campaign, input)?;
    write_proposal(db, p, campaign, input, &checked, now)
}

/// The campaign exists, has started, and lists the document.
fn check_campaign(db: &mut Db<'_>, campaign: i64, document: i64) -> Result<(), DecisionError> {
    let Some(c) = super::campaigns::get(db, campaign)? else {
        return Err(DecisionError::NotFound(format!(
            "không có đợt rà soát số {campaign}"
        )));
    };
    if c.started_on.is_none() {
        return Err(DecisionError::Conflict("đợt rà soát chưa bắt đầu".into()));
    }
    if !super::campaigns::contains(db, campaign, document)? {
        return Err(DecisionError::Invalid(format!(
            "văn bản số {document} không thuộc danh sách rà soát của đợt này"
        )));
    }
    Ok(())
}

/// The kind, ground, provisions, reason, expiry date and legal basis of a proposal, checked
/// by the rules of [`review::check_decision`] against the document's provisions.
fn check_content(db: &mut Db<'_>, input: &Proposal) -> Result<Checked, DecisionError> {
    let (kind, ground) = (input.kind, input.ground);
    let mut keys = Vec::new();
    for p in &input.provisions {
        keys.push(parse_reference(p).map_err(|e| DecisionError::Invalid(e.to_string()))?);
    }
    let have = queries::provision_keys_of(db, input.document_id)?;
    let partial = input.partial.unwrap_or(!keys.is_empty());
    review::check_decision(kind, partial, &keys, &have, ground)?;
    if input.reason.trim().is_empty() {
        return Err(DecisionError::Invalid(
            "cần nêu lý do của quyết định".into(),
        ));
    }
    if kind == DecisionKind::DeclareExpired && input.effective_on.is_none() {
        return Err(DecisionError::Invalid(
            "quyết định công bố hết hiệu lực cần ngày hết hiệu lực (effective_on)".into(),
        ));
    }
    if let Some(b) = input.legal_basis_document_id {
        if queries::document(db, b)?.is_none() {
            return Err(DecisionError::Invalid(format!(
                "không có văn bản căn cứ số {b} trong cơ sở dữ liệu"
            )));
        }
    }
    Ok(Checked {
        kind,
        ground,
        keys,
        partial,
    })
}

/// A correction supersedes only a decided decision on the same document in the same campaign.
fn check_supersedes(db: &mut Db<'_>, campaign: i64, input: &Proposal) -> Result<(), DecisionError> {
    let Some(old) = input.supersedes_id else {
        return Ok(());
    };
    let o = load(db, old)?;
    let decided = matches!(o.state, DecisionState::Approved | DecisionState::Closed);
    if o.document_id != input.document_id || o.campaign_id != campaign || !decided {
        return Err(DecisionError::Invalid(
            "chỉ thay thế được một quyết định đã phê duyệt về cùng văn bản trong cùng đợt".into(),
        ));
    }
    Ok(())
}

/// One live decision per document: a correction names the decision it supersedes, and a new
/// proposal waits until the pending one is decided.
fn check_live(db: &mut Db<'_>, campaign: i64, input: &Proposal) -> Result<(), DecisionError> {
    let live = of_document(db, campaign, input.document_id)?
        .into_iter()
        .filter(|d| {
            matches!(
                d.state,
                DecisionState::Proposed | DecisionState::Approved | DecisionState::Closed
            )
        })
        .collect::<Vec<_>>();
    if let Some(p) = live.iter().find(|d| d.state == DecisionState::Proposed) {
        return Err(DecisionError::Conflict(format!(
            "văn bản đang có đề xuất số {} chờ phê duyệt; hãy phê duyệt hoặc trả lại đề xuất đó trước",
            p.id
        )));
    }
    if input.supersedes_id.is_none() {
        if let Some(d) = live.first() {
            return Err(DecisionError::Invalid(format!(
                "văn bản đã có quyết định số {} đã phê duyệt; quyết định đã phê duyệt không sửa được, hãy lập đính chính thay thế quyết định đó",
                d.id
            )));
        }
    }
    Ok(())
}

/// Writes a checked proposal and its audit entry.
fn write_proposal(
    db: &mut Db<'_>,
    p: &Person,
    campaign: i64,
    input: &Proposal,
    checked: &Checked,
    now: NaiveDateTime,
) -> Result<i64, DecisionError> {
    let reason = crate::domain::text::nfc(input.reason.trim());
    let id = rows::insert_decision(
        db,
        &NewDecision {
            campaign_id: campaign,
            document_id: input.document_id,
            supersedes_id: input.supersedes_id,
            kind: checked.kind,
            partial: checked.partial,
            provisions: &checked.keys,
            ground: checked.ground,
            reason: &reason,
            legal_basis_document_id: input.legal_basis_document_id,
            legal_basis_provision: input.legal_basis_provision.as_deref(),
            effective_on: input.effective_on,
            proposed_by: p.id,
            proposed_at: now,
        },
    )?;
    let d = load(db, id)?;
    crate::audit::append(
        db,
        &p.actor,
        "propose",
        "decision",
        &id.to_string(),
        None,
        Some(&snapshot(&d)),
    )?;
    Ok(id)
}

/// Moves a pending decision to `to` if it is still the version read: of two approvers acting
/// at once, exactly one succeeds; the other gets a conflict.
fn decide(
    db: &mut Db<'_>,
    p: &Person,
    d: &Decision,
    to: DecisionState,
    comment: Option<&str>,
    now: NaiveDateTime,
) -> Result<Decision, DecisionError> {
    let n = rows::decide(db, d.id, d.version, to, p.id, comment, now)?;
    if n == 0 {
        return Err(DecisionError::Conflict(
            "quyết định vừa được người khác xử lý; hãy tải lại".into(),
        ));
    }
    let after = load(db, d.id)?;
    let action = if to == DecisionState::Approved {
        "approve"
    } else {
        "return"
    };
    crate::audit::append(
        db,
        &p.actor,
        action,
        "decision",
        &d.id.to_string(),
        Some(&snapshot(d)),
        Some(&snapshot(&after)),
    )?;
    Ok(after)
}

/// What a confirmation step checks before it asks: the decision exists, is within the person's
/// units and is still at the form's version (the action's own rule is checked by the caller:
/// `approvable`, `returnable`, `closable`). Nothing is written.
pub fn check_action(
    db: &mut Db<'_>,
    p: &Person,
    id: i64,
    if_match: Option<i32>,
) -> Result<Decision, DecisionError> {
    let d = load(db, id)?;
    require_cover(db, p, d.document_id)?;
    check_version(&d, if_match)?;
    Ok(d)
}

/// The rule `approve` applies to a decision's state, for `check_action`.
pub fn approvable(d: &Decision, p: &Person) -> Result<(), DecisionError> {
    review::approve(d.state, d.proposed_by, p.id)?;
    Ok(())
}

/// The rule `return_to_officer` applies, for `check_action`.
pub fn returnable(d: &Decision, p: &Person, comment: &str) -> Result<(), DecisionError> {
    review::return_to_officer(d.state, d.proposed_by, p.id, comment)?;
    Ok(())
}

/// The rule `close` applies to the decision itself (the handling document is checked then).
pub fn closable(d: &Decision, _: &Person) -> Result<(), DecisionError> {
    if d.state != DecisionState::Approved {
        return Err(DecisionError::Conflict(
            "chỉ đóng được quyết định đã phê duyệt".into(),
        ));
    }
    if !d.kind.needs_handling() {
        return Err(ReviewError::NoHandling.into());
    }
    Ok(())
}

/// Whether the handling document has the decision's effect on the reviewed document, as
/// closing requires.
pub fn handling_acts(db: &mut Db<'_>, d: &Decision, handling: i64) -> Result<(), DecisionError> {
    let kind = d.kind;
    let acts = queries::effects_by(db, handling)?
        .into_iter()
        .any(|e| e.target_id == d.document_id && e.kind == kind.code());
    if !acts {
        return Err(DecisionError::Invalid(format!(
            "văn bản xử lý số {handling} không có tác động «{}» đến văn bản được rà soát; hãy nhập văn bản xử lý cùng tác động của nó trước",
            kind.label()
        )));
    }
    Ok(())
}

pub fn approve(
    db: &mut Db<'_>,
    p: &Person,
    id: i64,
    if_match: Option<i32>,
    now: NaiveDateTime,
) -> Result<Decision, DecisionError> {
    let d = load(db, id)?;
    require_cover(db, p, d.document_id)?;
    check_version(&d, if_match)?;
    review::approve(d.state, d.proposed_by, p.id)?;
    let after = decide(db, p, &d, DecisionState::Approved, None, now)?;
    if d.kind == DecisionKind::DeclareExpired {
        // The declared expiry becomes a registry record (audited); the status reads it from
        // the stated date, and its outbox row refreshes the document in the search index.
        if let Some(on) = d.effective_on {
            // The record keeps the provision keys as the decision stored them (a JSON array).
            let provisions = serde_json::Value::from(d.provisions.clone()).to_string();
            crate::registry::expiry::declare(db, &p.actor, d.id, d.document_id, &provisions, on)?;
        }
    }
    // The decision it corrects stays visible, marked as superseded.
    if let Some(old) = d.supersedes_id {
        let o = load(db, old)?;
        rows::supersede(db, old, o.version)?;
        let a = load(db, old)?;
        if o.kind == DecisionKind::DeclareExpired {
            // The expiry it declared no longer applies: its registry record is ended (kept,
            // audited, with an outbox row for the document).
            crate::registry::expiry::end(db, &p.actor, o.id, o.document_id, now)?;
        }
        crate::audit::append(
            db,
            &p.actor,
            "supersede",
            "decision",
            &old.to_string(),
            Some(&snapshot(&o)),
            Some(&snapshot(&a)),
        )?;
    }
    Ok(after)
}

pub fn return_to_officer(
    db: &mut Db<'_>,
    p: &Person,
    id: i64,
    comment: &str,
    if_match: Option<i32>,
    now: NaiveDateTime,
) -> Result<Decision, DecisionError> {
    let d = load(db, id)?;
    // Returning is deciding too: only within the approver's units.
    require_cover(db, p, d.document_id)?;
    check_version(&d, if_match)?;
    review::return_to_officer(d.state, d.proposed_by, p.id, comment)?;
    decide(
        db,
        p,
        &d,
        DecisionState::Returned,
        Some(comment.trim()),
        now,
    )
}

// A recorded handling stage (named `StageRow` in the OpenAPI document, as it always was).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[schema(as = StageRow)]
pub struct StageRecord {
    pub decision_id: i64,
    #[schema(value_type = String)]
    pub stage: Stage,
    pub done_on: NaiveDate,
    pub paper: String,
    pub agency: Option<String>,
    pub planned_on: Option<NaiveDate>,
    pub recorded_by: i64,
    #[serde(serialize_with = "crate::wire::utc")]
    pub recorded_at: NaiveDateTime,
}

/// The handling stages of a decision, in the order of the pipeline.
pub fn stages(db: &mut Db<'_>, id: i64) -> Result<Vec<StageRecord>, DbError> {
    let mut v = Vec::new();
    for r in rows::stages_of(db, id)? {
        v.push(StageRecord {
            stage: r.stage()?,
            decision_id: r.decision_id,
            done_on: r.done_on,
            paper: r.paper,
            agency: r.agency,
            planned_on: r.planned_on,
            recorded_by: r.recorded_by,
            recorded_at: r.recorded_at,
        });
    }
    v.sort_by_key(|s| s.stage.index());
    Ok(v)
}

/// Refuses control characters in what a person typed into a proposal (the reason may hold
/// line breaks), before anything is looked up or written.
fn check_proposal_text(input: &Proposal) -> Result<(), DecisionError> {
    use crate::domain::input as typed;
    let invalid = |e: typed::ControlCharacter| DecisionError::Invalid(e.to_string());
    typed::text("lý do (reason)", &input.reason).map_err(invalid)?;
    if let Some(p) = &input.legal_basis_provision {
        typed::line("điều khoản căn cứ (legal_basis_provision)", p).map_err(invalid)?;
    }
    for p in &input.provisions {
        typed::line("điều khoản (provisions)", p).map_err(invalid)?;
    }
    Ok(())
}

/// Records the next handling stage of an approved amend/replace/repeal decision.
pub fn record_stage(
    db: &mut Db<'_>,
    p: &Person,
    id: i64,
    input: &StageInput,
    if_match: Option<i32>,
    now: NaiveDateTime,
) -> Result<Decision, DecisionError> {
    {
        use crate::domain::input as typed;
        let invalid = |e: typed::ControlCharacter| DecisionError::Invalid(e.to_string());
        typed::line("văn bản giấy tờ (paper)", &input.paper).map_err(invalid)?;
        if let Some(a) = &input.agency {
            typed::line("cơ quan (agency)", a).map_err(invalid)?;
        }
    }
    let d = load(db, id)?;
    check_version(&d, if_match)?;
    if d.state != DecisionState::Approved {
        return Err(DecisionError::Conflict(
            "chỉ ghi giai đoạn xử lý cho quyết định đã phê duyệt".into(),
        ));
    }
    require_cover(db, p, d.document_id)?;
    let stage = input.stage;
    if input.paper.trim().is_empty() {
        return Err(DecisionError::Invalid(
            "cần số, ngày của văn bản giấy tờ của giai đoạn (ví dụ: Công văn số 2170/STP-XDTHPL ngày 02/10/2025)".into(),
        ));
    }
    let last = stages(db, id)?.last().map(|s| (s.stage, s.done_on));
    review::advance(d.kind, last, stage, input.date)?;
    let paper = crate::domain::text::nfc(input.paper.trim());
    rows::insert_stage(
        db,
        &NewStage {
            decision_id: id,
            stage,
            done_on: input.date,
            paper: &paper,
            agency: input.agency.as_deref(),
            planned_on: input.planned_on,
            recorded_by: p.id,
            recorded_at: now,
        },
    )?;
    rows::bump_version(db, id, d.version)?;
    let after = serde_json::json!({
        "stage": stage.code(), "date": input.date, "paper": input.paper.trim(),
        "agency": input.agency, "planned_on": input.planned_on,
    });
    crate::audit::append(
        db,
        &p.actor,
        "stage",
        "decision",
        &id.to_string(),
        None,
        Some(&after),
    )?;
    load(db, id)
}

/// The decisions of a campaign on one document, oldest first.
fn of_document(db: &mut Db<'_>, campaign: i64, document: i64) -> Result<Vec<Decision>, DbError> {
    read_all(rows::decisions_of_document(db, campaign, document)?)
}

/// The decisions of a campaign, oldest first (superseded ones included).
pub fn of_campaign(db: &mut Db<'_>, campaign: i64) -> Result<Vec<Decision>, DbError> {
    read_all(rows::decisions_of_campaign(db, campaign)?)
}

/// Approved (or closed) decisions declaring expiry, not superseded: (decision, document,
/// provisions as stored, date), for the documents `ids` (all when `None`).
pub fn declared_expiries(
    db: &mut Db<'_>,
    ids: Option<&[i64]>,
) -> Result<Vec<(i64, i64, String, NaiveDate)>, DbError> {
    Ok(rows::declared_expiries(db, ids)?
        .into_iter()
        .filter_map(|(d, doc, p, on)| Some((d, doc, p, on?)))
        .collect())
}

/// Closes an approved amend/replace/repeal decision once its handling document is in the
/// registry with an effect on the reviewed document; the status then changes on that
/// effect's date, by the registry's rules.
pub fn close(
    db: &mut Db<'_>,
    p: &Person,
    id: i64,
    handling_document_id: i64,
    if_match: Option<i32>,
    now: NaiveDateTime,
) -> Result<Decision, DecisionError> {
    let d = load(db, id)?;
    check_version(&d, if_match)?;
    if d.state != DecisionState::Approved {
        return Err(DecisionError::Conflict(
            "chỉ đóng được quyết định đã phê duyệt".into(),
        ));
    }
    let kind = d.kind;
    if !kind.needs_handling() {
        return Err(ReviewError::NoHandling.into());
    }
    require_cover(db, p, d.document_id)?;
    handling_acts(db, &d, handling_document_id)?;
    let n = rows::close(db, id, d.version, handling_document_id, now)?;
    if n == 0 {
        return Err(DecisionError::Conflict(
            "quyết định vừa được người khác thay đổi; hãy tải lại".into(),
        ));
    }
    let after = load(db, id)?;
    crate::audit::append(
        db,
        &p.actor,
        "close",
        "decision",
        &id.to_string(),
        Some(&snapshot(&d)),
        Some(&snapshot(&after)),
    )?;
    Ok(after)
}

/// The current decision of each document: the latest one that is not superseded.
pub fn current(decisions: Vec<Decision>) -> HashMap<i64, Decision> {
    let mut out: HashMap<i64, Decision> = HashMap::new();
    for d in decisions {
        if d.state == DecisionState::Superseded {
            continue;
        }
        if out.get(&d.document_id).is_none_or(|o| o.id < d.id) {
            out.insert(d.document_id, d);
        }
    }
    out
}
