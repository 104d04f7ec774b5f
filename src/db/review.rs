//! Rows and queries of the review tracker's decisions and their handling stages. Codes are
//! stored as text (`kind`, `state`, `ground`, `stage`) and `provisions` as a JSON list; the
//! rows here hold them as stored, and `crate::review::decisions` reads them into the domain
//! types through [`super::stored`], so that a value that does not fit is an error.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::{
    campaign_documents, decision_stages, decisions, documents, users, withdrawals,
};
use super::stored::{At, Corrupt, JsonColumn};
use super::{Db, DbError};
use crate::domain::review::{DecisionKind, DecisionState, ExpiryGround, Stage};
use crate::with_db;

type R<T> = Result<T, DbError>;

/// A declared expiry as stored: (decision, document, provisions as stored, date).
pub type DeclaredExpiry = (i64, i64, String, Option<NaiveDate>);

/// A decision as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = decisions)]
pub struct DecisionRow {
    pub id: i64,
    pub campaign_id: i64,
    pub document_id: i64,
    pub supersedes_id: Option<i64>,
    pub kind: String,
    pub partial: bool,
    pub provisions: String,
    pub ground: Option<String>,
    pub reason: String,
    pub legal_basis_document_id: Option<i64>,
    pub legal_basis_provision: Option<String>,
    pub effective_on: Option<NaiveDate>,
    pub state: String,
    pub proposed_by: i64,
    pub proposed_at: NaiveDateTime,
    pub decided_by: Option<i64>,
    pub decided_at: Option<NaiveDateTime>,
    pub comment: Option<String>,
    pub handling_document_id: Option<i64>,
    pub closed_at: Option<NaiveDateTime>,
    pub version: i32,
}

impl DecisionRow {
    fn at(&self, column: &'static str) -> At<'_, i64> {
        At {
            table: "decisions",
            row: &self.id,
            column,
        }
    }

    pub fn kind(&self) -> Result<DecisionKind, Corrupt> {
        super::stored::code(&self.kind, self.at("kind"), DecisionKind::parse)
    }

    pub fn state(&self) -> Result<DecisionState, Corrupt> {
        super::stored::code(&self.state, self.at("state"), DecisionState::parse)
    }

    pub fn ground(&self) -> Result<Option<ExpiryGround>, Corrupt> {
        self.ground
            .as_deref()
            .map(|g| super::stored::code(g, self.at("ground"), ExpiryGround::parse))
            .transpose()
    }

    /// The provision keys the decision concerns (empty: the whole document).
    pub fn provisions(&self) -> Result<Vec<String>, Corrupt> {
        JsonColumn::<Vec<String>>::stored(self.provisions.clone()).decode(self.at("provisions"))
    }
}

/// A new proposal, as written.
pub struct NewDecision<'a> {
    pub campaign_id: i64,
    pub document_id: i64,
    pub supersedes_id: Option<i64>,
    pub kind: DecisionKind,
    pub partial: bool,
    pub provisions: &'a [String],
    pub ground: Option<ExpiryGround>,
    pub reason: &'a str,
    pub legal_basis_document_id: Option<i64>,
    pub legal_basis_provision: Option<&'a str>,
    pub effective_on: Option<NaiveDate>,
    pub proposed_by: i64,
    pub proposed_at: NaiveDateTime,
}

pub fn decision(db: &mut Db<'_>, id: i64) -> R<Option<DecisionRow>> {
    Ok(with_db!(db, c => decisions::table
        .find(id)
        .select(DecisionRow::as_select())
        .first(c)
        .optional())?)
}

/// Writes a proposal (state `proposed`, version 1); its id.
pub fn insert_decision(db: &mut Db<'_>, d: &NewDecision<'_>) -> R<i64> {
    // A list of strings always encodes.
    let provisions = serde_json::json!(d.provisions).to_string();
    Ok(with_db!(db, c => diesel::insert_into(decisions::table)
        .values((
            decisions::campaign_id.eq(d.campaign_id),
            decisions::document_id.eq(d.document_id),
            decisions::supersedes_id.eq(d.supersedes_id),
            decisions::kind.eq(d.kind.code()),
            decisions::partial.eq(d.partial),
            decisions::provisions.eq(&provisions),
            decisions::ground.eq(d.ground.map(|g| g.code())),
            decisions::reason.eq(d.reason),
            decisions::legal_basis_document_id.eq(d.legal_basis_document_id),
            decisions::legal_basis_provision.eq(d.legal_basis_provision),
            decisions::effective_on.eq(d.effective_on),
            decisions::state.eq(DecisionState::Proposed.code()),
            decisions::proposed_by.eq(d.proposed_by),
            decisions::proposed_at.eq(d.proposed_at),
            decisions::version.eq(1),
        ))
        .returning(decisions::id)
        .get_result(c))?)
}

/// Moves a pending decision at `version` to `to`; the number of rows changed (0: someone
/// else decided or changed it meanwhile).
pub fn decide(
    db: &mut Db<'_>,
    id: i64,
    version: i32,
    to: DecisionState,
    by: i64,
    comment: Option<&str>,
    now: NaiveDateTime,
) -> R<usize> {
    Ok(with_db!(db, c => diesel::update(
        decisions::table
            .filter(decisions::id.eq(id))
            .filter(decisions::version.eq(version))
            .filter(decisions::state.eq(DecisionState::Proposed.code())),
    )
    .set((
        decisions::state.eq(to.code()),
        decisions::decided_by.eq(Some(by)),
        decisions::decided_at.eq(Some(now)),
        decisions::comment.eq(comment),
        decisions::version.eq(version + 1),
    ))
    .execute(c))?)
}

/// Marks a decided decision as superseded by its correction.
pub fn supersede(db: &mut Db<'_>, id: i64, version: i32) -> R<()> {
    with_db!(db, c => diesel::update(decisions::table.find(id))
        .set((
            decisions::state.eq(DecisionState::Superseded.code()),
            decisions::version.eq(version + 1),
        ))
        .execute(c))?;
    Ok(())
}

/// Closes an approved decision at `version` with its handling document; rows changed.
pub fn close(
    db: &mut Db<'_>,
    id: i64,
    version: i32,
    handling_document_id: i64,
    now: NaiveDateTime,
) -> R<usize> {
    Ok(with_db!(db, c => diesel::update(
        decisions::table
            .filter(decisions::id.eq(id))
            .filter(decisions::version.eq(version)),
    )
    .set((
        decisions::state.eq(DecisionState::Closed.code()),
        decisions::handling_document_id.eq(Some(handling_document_id)),
        decisions::closed_at.eq(Some(now)),
        decisions::version.eq(version + 1),
    ))
    .execute(c))?)
}

/// Raises a decision's version (a stage was recorded), if it is still `version`.
pub fn bump_version(db: &mut Db<'_>, id: i64, version: i32) -> R<()> {
    with_db!(db, c => diesel::update(
        decisions::table
            .filter(decisions::id.eq(id))
            .filter(decisions::version.eq(version)),
    )
    .set(decisions::version.eq(version + 1))
    .execute(c))?;
    Ok(())
}

/// The decisions of a campaign on one document, oldest first.
pub fn decisions_of_document(db: &mut Db<'_>, campaign: i64, document: i64) -> R<Vec<DecisionRow>> {
    Ok(with_db!(db, c => decisions::table
        .filter(decisions::campaign_id.eq(campaign))
        .filter(decisions::document_id.eq(document))
        .order(decisions::id)
        .select(DecisionRow::as_select())
        .load(c))?)
}

/// The decisions of a campaign, oldest first (superseded ones included).
pub fn decisions_of_campaign(db: &mut Db<'_>, campaign: i64) -> R<Vec<DecisionRow>> {
    Ok(with_db!(db, c => decisions::table
        .filter(decisions::campaign_id.eq(campaign))
        .order(decisions::id)
        .select(DecisionRow::as_select())
        .load(c))?)
}

/// Approved (or closed) decisions declaring expiry: (decision, document, provisions as
/// stored, date), for the documents `ids` (all when `None`).
pub fn declared_expiries(db: &mut Db<'_>, ids: Option<&[i64]>) -> R<Vec<DeclaredExpiry>> {
    let states = [DecisionState::Approved.code(), DecisionState::Closed.code()];
    let kind = DecisionKind::DeclareExpired.code();
    match ids {
        None => Ok(with_db!(db, c => decisions::table
            .filter(decisions::kind.eq(kind))
            .filter(decisions::state.eq_any(states))
            .select((decisions::id, decisions::document_id, decisions::provisions, decisions::effective_on))
            .load(c))?),
        Some(ids) => {
            let mut out = Vec::new();
            for chunk in ids.chunks(500) {
                let part: Vec<DeclaredExpiry> = with_db!(db, c => decisions::table
                    .filter(decisions::kind.eq(kind))
                    .filter(decisions::state.eq_any(states))
                    .filter(decisions::document_id.eq_any(chunk))
                    .select((decisions::id, decisions::document_id, decisions::provisions, decisions::effective_on))
                    .load(c))?;
                out.extend(part);
            }
            Ok(out)
        }
    }
}

/// A handling stage as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = decision_stages)]
pub struct StageRow {
    pub decision_id: i64,
    pub stage: String,
    pub done_on: NaiveDate,
    pub paper: String,
    pub agency: Option<String>,
    pub planned_on: Option<NaiveDate>,
    pub recorded_by: i64,
    pub recorded_at: NaiveDateTime,
}

impl StageRow {
    pub fn stage(&self) -> Result<Stage, Corrupt> {
        super::stored::code(
            &self.stage,
            At {
                table: "decision_stages",
                row: &format!("{}/{}", self.decision_id, self.stage),
                column: "stage",
            },
            Stage::parse,
        )
    }
}

/// A stage to record.
pub struct NewStage<'a> {
    pub decision_id: i64,
    pub stage: Stage,
    pub done_on: NaiveDate,
    pub paper: &'a str,
    pub agency: Option<&'a str>,
    pub planned_on: Option<NaiveDate>,
    pub recorded_by: i64,
    pub recorded_at: NaiveDateTime,
}

pub fn stages_of(db: &mut Db<'_>, decision: i64) -> R<Vec<StageRow>> {
    Ok(with_db!(db, c => decision_stages::table
        .filter(decision_stages::decision_id.eq(decision))
        .select(StageRow::as_select())
        .load(c))?)
}

/// The handling stages of every decision of a campaign.
pub fn stages_of_campaign(db: &mut Db<'_>, campaign: i64) -> R<Vec<StageRow>> {
    Ok(with_db!(db, c => decision_stages::table
        .inner_join(decisions::table.on(decisions::id.eq(decision_stages::decision_id)))
        .filter(decisions::campaign_id.eq(campaign))
        .select(StageRow::as_select())
        .load(c))?)
}

pub fn insert_stage(db: &mut Db<'_>, s: &NewStage<'_>) -> R<()> {
    with_db!(db, c => diesel::insert_into(decision_stages::table)
        .values((
            decision_stages::decision_id.eq(s.decision_id),
            decision_stages::stage.eq(s.stage.code()),
            decision_stages::done_on.eq(s.done_on),
            decision_stages::paper.eq(s.paper),
            decision_stages::agency.eq(s.agency),
            decision_stages::planned_on.eq(s.planned_on),
            decision_stages::recorded_by.eq(s.recorded_by),
            decision_stages::recorded_at.eq(s.recorded_at),
        ))
        .execute(c))?;
    Ok(())
}

/// The documents of a campaign's frozen list: (document, its authority, the officer assigned).
pub fn campaign_documents_with_authority(
    db: &mut Db<'_>,
    campaign: i64,
) -> R<Vec<(i64, i64, Option<i64>)>> {
    Ok(with_db!(db, c => campaign_documents::table
        .inner_join(documents::table.on(documents::id.eq(campaign_documents::document_id)))
        .filter(campaign_documents::campaign_id.eq(campaign))
        // A document withdrawn since (entered in error) is no longer reviewed.
        .filter(diesel::dsl::not(documents::id.eq_any(withdrawals::table.select(withdrawals::document_id))))
        .select((documents::id, documents::authority_id, campaign_documents::officer_id))
        .load(c))?)
}

/// Every user's display name: (id, name).
pub fn user_names(db: &mut Db<'_>) -> R<Vec<(i64, String)>> {
    Ok(with_db!(db, c => users::table
        .select((users::id, users::display_name))
        .load(c))?)
}
