//! The reads behind the Atom feeds (`web::feeds`): the newest documents, status events,
//! review outcomes, annual lists and procedure announcements, newest first, each limited to
//! `n` rows and, when `authorities` is given, to those authorities.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::{
    annual_list_publications, decisions, documents, effects, procedure_versions, procedures,
    withdrawals,
};
use super::stored::{self, At};
use super::{Db, DbError};
use crate::domain::kinds::EffectKind;
use crate::domain::procedure::Announcement;
use crate::domain::review::{DecisionKind, DecisionState};

fn limit(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// A document as the documents feed names it.
#[derive(Debug, Queryable)]
pub struct NewDocument {
    pub id: i64,
    pub authority_id: i64,
    pub doc_type: String,
    pub number: String,
    pub title: String,
    pub issued_on: NaiveDate,
    pub effective_on: NaiveDate,
}

/// The newest documents (by id).
pub fn newest_documents(
    db: &mut Db<'_>,
    authorities: Option<&[i64]>,
    n: usize,
) -> Result<Vec<NewDocument>, DbError> {
    Ok(crate::with_db!(db, c => {
        let mut q = documents::table
            .select((documents::id, documents::authority_id, documents::doc_type, documents::number, documents::title, documents::issued_on, documents::effective_on))
            // Withdrawn documents (entered in error) leave the feeds.
            .filter(diesel::dsl::not(documents::id.eq_any(withdrawals::table.select(withdrawals::document_id))))
            .order(documents::id.desc())
            .limit(limit(n))
            .into_boxed();
        if let Some(ids) = authorities {
            q = q.filter(documents::authority_id.eq_any(ids.to_vec()));
        }
        q.load(c)
    })?)
}

/// Documents that took effect on or before `today`, the latest first: (id, effective on).
pub fn took_effect(
    db: &mut Db<'_>,
    authorities: Option<&[i64]>,
    today: NaiveDate,
    n: usize,
) -> Result<Vec<(i64, NaiveDate)>, DbError> {
    Ok(crate::with_db!(db, c => {
        let mut q = documents::table
            .select((documents::id, documents::effective_on))
            // Withdrawn documents (entered in error) leave the feeds.
            .filter(diesel::dsl::not(documents::id.eq_any(withdrawals::table.select(withdrawals::document_id))))
            .filter(documents::effective_on.le(today))
            .order(documents::effective_on.desc())
            .limit(limit(n))
            .into_boxed();
        if let Some(ids) = authorities {
            q = q.filter(documents::authority_id.eq_any(ids.to_vec()));
        }
        q.load(c)
    })?)
}

/// Documents whose term ended before `today`, the latest first: (id, last day).
pub fn term_ended(
    db: &mut Db<'_>,
    authorities: Option<&[i64]>,
    today: NaiveDate,
    n: usize,
) -> Result<Vec<(i64, Option<NaiveDate>)>, DbError> {
    Ok(crate::with_db!(db, c => {
        let mut q = documents::table
            .select((documents::id, documents::end_on))
            // Withdrawn documents (entered in error) leave the feeds.
            .filter(diesel::dsl::not(documents::id.eq_any(withdrawals::table.select(withdrawals::document_id))))
            .filter(documents::end_on.lt(today))
            .order(documents::end_on.desc())
            .limit(limit(n))
            .into_boxed();
        if let Some(ids) = authorities {
            q = q.filter(documents::authority_id.eq_any(ids.to_vec()));
        }
        q.load(c)
    })?)
}

/// A document acting on another, from the day it acts.
#[derive(Debug)]
pub struct EffectEvent {
    pub id: i64,
    pub acting_id: i64,
    pub target_id: i64,
    pub kind: EffectKind,
    pub effective_on: NaiveDate,
}

/// Effects (other than implementing) in force by `today` on documents of `authorities`.
pub fn effects_in_force(
    db: &mut Db<'_>,
    authorities: Option<&[i64]>,
    today: NaiveDate,
    n: usize,
) -> Result<Vec<EffectEvent>, DbError> {
    let rows: Vec<(i64, i64, i64, String, NaiveDate)> = crate::with_db!(db, c => {
        let mut q = effects::table
            .inner_join(documents::table.on(documents::id.eq(effects::target_id)))
            .select((effects::id, effects::acting_id, effects::target_id, effects::kind, effects::effective_on))
            .filter(effects::effective_on.le(today))
            .filter(effects::kind.ne(EffectKind::Implements.code()))
            .filter(diesel::dsl::not(effects::acting_id.eq_any(withdrawals::table.select(withdrawals::document_id))))
            .filter(diesel::dsl::not(effects::target_id.eq_any(withdrawals::table.select(withdrawals::document_id))))
            .order(effects::effective_on.desc())
            .limit(limit(n))
            .into_boxed();
        if let Some(ids) = authorities {
            q = q.filter(documents::authority_id.eq_any(ids.to_vec()));
        }
        q.load(c)
    })?;
    rows.into_iter()
        .map(|(id, acting_id, target_id, kind, effective_on)| {
            let at = At::new("effects", &id, "kind");
            Ok(EffectEvent {
                kind: stored::code(&kind, at, EffectKind::parse)?,
                id,
                acting_id,
                target_id,
                effective_on,
            })
        })
        .collect()
}

/// A review decision that was decided (approved, closed or superseded).
#[derive(Debug)]
pub struct DecidedReview {
    pub id: i64,
    pub document_id: i64,
    pub kind: DecisionKind,
    pub decided_at: Option<NaiveDateTime>,
    pub reason: String,
}

/// The latest decided review decisions on documents of `authorities`.
pub fn decided_reviews(
    db: &mut Db<'_>,
    authorities: Option<&[i64]>,
    n: usize,
) -> Result<Vec<DecidedReview>, DbError> {
    let decided = [
        DecisionState::Approved.code(),
        DecisionState::Closed.code(),
        DecisionState::Superseded.code(),
    ];
    let rows: Vec<(i64, i64, String, Option<NaiveDateTime>, String)> = crate::with_db!(db, c => {
        let mut q = decisions::table
            .inner_join(documents::table.on(documents::id.eq(decisions::document_id)))
            .select((decisions::id, decisions::document_id, decisions::kind, decisions::decided_at, decisions::reason))
            .filter(decisions::state.eq_any(decided))
            // Decisions on a withdrawn document (entered in error) leave the feed with it.
            .filter(diesel::dsl::not(documents::id.eq_any(withdrawals::table.select(withdrawals::document_id))))
            .order(decisions::decided_at.desc())
            .limit(limit(n))
            .into_boxed();
        if let Some(ids) = authorities {
            q = q.filter(documents::authority_id.eq_any(ids.to_vec()));
        }
        q.load(c)
    })?;
    rows.into_iter()
        .map(|(id, document_id, kind, decided_at, reason)| {
            let at = At::new("decisions", &id, "kind");
            Ok(DecidedReview {
                kind: stored::code(&kind, at, DecisionKind::parse)?,
                id,
                document_id,
                decided_at,
                reason,
            })
        })
        .collect()
}

/// The latest annual lists published by `authorities`: (year, authority, published at).
pub fn annual_lists(
    db: &mut Db<'_>,
    authorities: Option<&[i64]>,
    n: usize,
) -> Result<Vec<(i32, i64, NaiveDateTime)>, DbError> {
    Ok(crate::with_db!(db, c => {
        let mut q = annual_list_publications::table
            .select((annual_list_publications::year, annual_list_publications::authority_id, annual_list_publications::published_at))
            .order(annual_list_publications::published_at.desc())
            .limit(limit(n))
            .into_boxed();
        if let Some(ids) = authorities {
            q = q.filter(annual_list_publications::authority_id.eq_any(ids.to_vec()));
        }
        q.load(c)
    })?)
}

/// A version of a procedure as its announcing decision published it.
#[derive(Debug)]
pub struct Announced {
    pub version_id: i64,
    pub code: String,
    pub name: String,
    pub announcement: Announcement,
    pub decision_number: String,
    pub decision_date: NaiveDate,
    pub authority_id: i64,
}

/// The latest announced procedure versions, by decisions of `authorities`.
pub fn announced_procedures(
    db: &mut Db<'_>,
    authorities: Option<&[i64]>,
    n: usize,
) -> Result<Vec<Announced>, DbError> {
    let rows: Vec<(i64, String, String, String, String, NaiveDate, i64)> = crate::with_db!(db, c => {
        let mut q = procedure_versions::table
            .inner_join(procedures::table.on(procedures::id.eq(procedure_versions::procedure_id)))
            .select((procedure_versions::id, procedures::code, procedure_versions::name, procedure_versions::announcement, procedure_versions::decision_number, procedure_versions::decision_date, procedure_versions::decision_authority_id))
            .order((procedure_versions::decision_date.desc(), procedure_versions::id.desc()))
            .limit(limit(n))
            .into_boxed();
        if let Some(ids) = authorities {
            q = q.filter(procedure_versions::decision_authority_id.eq_any(ids.to_vec()));
        }
        q.load(c)
    })?;
    rows.into_iter()
        .map(
            |(
                version_id,
                code,
                name,
                announcement,
                decision_number,
                decision_date,
                authority_id,
            )| {
                let at = At::new("procedure_versions", &version_id, "announcement");
                Ok(Announced {
                    announcement: stored::code(&announcement, at, Announcement::parse)?,
                    version_id,
                    code,
                    name,
                    decision_number,
                    decision_date,
                    authority_id,
                })
            },
        )
        .collect()
}
