//! The queries of «Việc của tôi» (each signed-in user's desk): review decisions and campaign
//! documents with their campaign, document and issuing unit, and inspections per unit. The
//! scope of the user and the order are applied by `app::desk`.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::{
    authorities, campaign_documents, campaigns, decisions, documents, inspections,
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
