//! The queries of «Việc của tôi» (each signed-in user's desk): review decisions and campaign
//! documents with their campaign, document and issuing unit, handling stages, unassigned
//! documents counted per campaign and unit, campaigns not started, and inspections per unit.
//! The scope of the user and the order are applied by `app::desk`; the audit trail's head
//! tells the header's cached count that something was written.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::{
    audit_log, authorities, campaign_documents, campaigns, decision_stages, decisions, documents,
    inspections,
};
use super::{Db, DbError};
use crate::with_db;

type R<T> = Result<T, DbError>;

/// A review decision as the desk lists it.
#[derive(Debug, Clone, Queryable)]
pub struct DeskDecision {
    pub id: i64,
    pub campaign_id: i64,
    pub campaign_name: String,
    pub deadline: NaiveDate,
    pub document_id: i64,
    pub number: String,
    pub title: String,
    /// The unit of the document's issuing authority (none: a central authority).
    pub unit_id: Option<i64>,
    pub proposed_by: i64,
    pub proposed_at: NaiveDateTime,
    pub comment: Option<String>,
}

/// The decisions in this state (stored code), oldest proposal first.
pub fn decisions_in_state(db: &mut Db<'_>, state: &str) -> R<Vec<DeskDecision>> {
    Ok(with_db!(db, c => decisions::table
        .inner_join(campaigns::table)
        .inner_join(documents::table.on(documents::id.eq(decisions::document_id)))
        .inner_join(authorities::table.on(authorities::id.eq(documents::authority_id)))
        .filter(decisions::state.eq(state))
        .order((decisions::proposed_at.asc(), decisions::id.asc()))
        .select((
            decisions::id,
            decisions::campaign_id,
            campaigns::name,
            campaigns::deadline,
            decisions::document_id,
            documents::number,
            documents::title,
            authorities::unit_id,
            decisions::proposed_by,
            decisions::proposed_at,
            decisions::comment,
        ))
        .load(c))?)
}

/// The decisions a correction has replaced (their ids).
pub fn superseded_ids(db: &mut Db<'_>) -> R<Vec<i64>> {
    let ids: Vec<Option<i64>> = with_db!(db, c => decisions::table
        .filter(decisions::supersedes_id.is_not_null())
        .select(decisions::supersedes_id)
        .load(c))?;
    Ok(ids.into_iter().flatten().collect())
}

/// A document of a started campaign assigned to an officer.
#[derive(Debug, Clone, Queryable)]
pub struct DeskAssignment {
    pub campaign_id: i64,
    pub campaign_name: String,
    pub deadline: NaiveDate,
    pub document_id: i64,
    pub number: String,
    pub title: String,
}

/// The documents of started campaigns assigned to `officer` that have no decision yet in
/// their campaign, by deadline.
pub fn assigned_undecided(db: &mut Db<'_>, officer: i64) -> R<Vec<DeskAssignment>> {
    Ok(with_db!(db, c => campaign_documents::table
        .inner_join(campaigns::table)
        .inner_join(documents::table.on(documents::id.eq(campaign_documents::document_id)))
        .filter(campaign_documents::officer_id.eq(officer))
        .filter(campaigns::started_on.is_not_null())
        .filter(diesel::dsl::not(diesel::dsl::exists(
            decisions::table
                .filter(decisions::campaign_id.eq(campaign_documents::campaign_id))
                .filter(decisions::document_id.eq(campaign_documents::document_id)),
        )))
        .order((campaigns::deadline.asc(), documents::number.asc()))
        .select((
            campaign_documents::campaign_id,
            campaigns::name,
            campaigns::deadline,
            campaign_documents::document_id,
            documents::number,
            documents::title,
        ))
        .load(c))?)
}

/// Each unit's latest inspection day.
pub fn last_inspections(db: &mut Db<'_>) -> R<Vec<(i64, Option<NaiveDate>)>> {
    Ok(with_db!(db, c => inspections::table
        .group_by(inspections::unit_id)
        .select((inspections::unit_id, diesel::dsl::max(inspections::inspected_on)))
        .load(c))?)
}

/// An approved decision whose kind needs a handling document (amend, replace, repeal), not
/// closed yet.
#[derive(Debug, Clone, Queryable)]
pub struct DeskHandling {
    pub id: i64,
    pub campaign_id: i64,
    pub campaign_name: String,
    pub document_id: i64,
    pub number: String,
    pub title: String,
    /// The unit of the document's issuing authority (none: a central authority).
    pub unit_id: Option<i64>,
    /// Stored code of the decision's kind.
    pub kind: String,
    pub decided_at: Option<NaiveDateTime>,
}

/// The approved decisions of these kinds (stored codes), oldest approval first.
pub fn approved_of_kinds(db: &mut Db<'_>, approved: &str, kinds: &[&str]) -> R<Vec<DeskHandling>> {
    Ok(with_db!(db, c => decisions::table
        .inner_join(campaigns::table)
        .inner_join(documents::table.on(documents::id.eq(decisions::document_id)))
        .inner_join(authorities::table.on(authorities::id.eq(documents::authority_id)))
        .filter(decisions::state.eq(approved))
        .filter(decisions::kind.eq_any(kinds))
        .order((decisions::decided_at.asc(), decisions::id.asc()))
        .select((
            decisions::id,
            decisions::campaign_id,
            campaigns::name,
            decisions::document_id,
            documents::number,
            documents::title,
            authorities::unit_id,
            decisions::kind,
            decisions::decided_at,
        ))
        .load(c))?)
}

/// The handling stages recorded for these decisions: (decision, stored stage code, day).
pub fn stages_of_decisions(db: &mut Db<'_>, ids: &[i64]) -> R<Vec<(i64, String, NaiveDate)>> {
    let mut out = Vec::new();
    for chunk in ids.chunks(500) {
        let part: Vec<(i64, String, NaiveDate)> = with_db!(db, c => decision_stages::table
            .filter(decision_stages::decision_id.eq_any(chunk))
            .select((
                decision_stages::decision_id,
                decision_stages::stage,
                decision_stages::done_on,
            ))
            .load(c))?;
        out.extend(part);
    }
    Ok(out)
}

/// Documents of started campaigns assigned to nobody and without a decision, counted per
/// campaign and issuing unit (none: a central authority).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnassignedCount {
    pub campaign_id: i64,
    pub unit_id: Option<i64>,
    pub count: i64,
}

pub fn unassigned_counts(db: &mut Db<'_>) -> R<Vec<UnassignedCount>> {
    Ok(with_db!(db, c => campaign_documents::table
        .inner_join(campaigns::table)
        .inner_join(documents::table.on(documents::id.eq(campaign_documents::document_id)))
        .inner_join(authorities::table.on(authorities::id.eq(documents::authority_id)))
        .filter(campaign_documents::officer_id.is_null())
        .filter(campaigns::started_on.is_not_null())
        .filter(diesel::dsl::not(diesel::dsl::exists(
            decisions::table
                .filter(decisions::campaign_id.eq(campaign_documents::campaign_id))
                .filter(decisions::document_id.eq(campaign_documents::document_id)),
        )))
        .select((campaign_documents::campaign_id, authorities::unit_id))
        .load::<(i64, Option<i64>)>(c))?
    .into_iter()
    .fold(
        Vec::<UnassignedCount>::new(),
        |mut acc, (campaign_id, unit_id)| {
            match acc
                .iter_mut()
                .find(|c| c.campaign_id == campaign_id && c.unit_id == unit_id)
            {
                Some(c) => c.count += 1,
                None => acc.push(UnassignedCount {
                    campaign_id,
                    unit_id,
                    count: 1,
                }),
            }
            acc
        },
    ))
}

/// A campaign as the desk names it.
#[derive(Debug, Clone, Queryable)]
pub struct DeskCampaign {
    pub id: i64,
    pub name: String,
    pub deadline: NaiveDate,
    pub started_on: Option<NaiveDate>,
    pub created_by: i64,
    pub created_at: NaiveDateTime,
}

/// The columns of a [`DeskCampaign`].
const CAMPAIGN_COLUMNS: (
    campaigns::id,
    campaigns::name,
    campaigns::deadline,
    campaigns::started_on,
    campaigns::created_by,
    campaigns::created_at,
) = (
    campaigns::id,
    campaigns::name,
    campaigns::deadline,
    campaigns::started_on,
    campaigns::created_by,
    campaigns::created_at,
);

/// These campaigns, by id.
pub fn campaigns_by_ids(db: &mut Db<'_>, ids: &[i64]) -> R<Vec<DeskCampaign>> {
    Ok(with_db!(db, c => campaigns::table
        .filter(campaigns::id.eq_any(ids))
        .order(campaigns::id.asc())
        .select(CAMPAIGN_COLUMNS)
        .load(c))?)
}

/// The campaigns `user` made and has not started yet, oldest first.
pub fn unstarted_campaigns_of(db: &mut Db<'_>, user: i64) -> R<Vec<DeskCampaign>> {
    Ok(with_db!(db, c => campaigns::table
        .filter(campaigns::created_by.eq(user))
        .filter(campaigns::started_on.is_null())
        .order(campaigns::id.asc())
        .select(CAMPAIGN_COLUMNS)
        .load(c))?)
}

/// The number of the audit trail's latest entry (0 when empty): every write appends one, so
/// a cached count made at this number is current while it stays.
pub fn audit_head(db: &mut Db<'_>) -> R<i64> {
    let max: Option<i64> = with_db!(db, c => audit_log::table
        .select(diesel::dsl::max(audit_log::seq))
        .first(c))?;
    Ok(max.unwrap_or(0))
}
