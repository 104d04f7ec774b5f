//! The registry's declared expiries (công bố hết hiệu lực theo kết quả rà soát): the row, the
//! new row, and their queries. Written by `registry::expiry`, read by the status graph and the
//! export.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::{decisions, declared_expiries};
use super::stored::{At, JsonColumn};
use super::{Db, DbError};
use crate::domain::review::{DecisionKind, DecisionState};
use crate::with_db;

type R<T> = Result<T, DbError>;

/// A document (or some of its provisions) declared expired by a review decision, from
/// `effective_on`; no longer counted once `ended_at` is set.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = declared_expiries)]
pub struct DeclaredExpiryRow {
    pub id: i64,
    pub document_id: i64,
    /// Provision keys, a JSON array (empty: the whole document).
    pub provisions: String,
    pub effective_on: NaiveDate,
    /// The number of the review decision that declared it.
    pub decision: i64,
    pub ended_at: Option<NaiveDateTime>,
}

impl DeclaredExpiryRow {
    /// The provision keys; stored JSON that does not read is an error naming the row.
    pub fn provisions_stored(&self) -> R<Vec<String>> {
        let column: JsonColumn<Vec<String>> = JsonColumn::stored(self.provisions.clone());
        Ok(column.decode(At::new("declared_expiries", &self.id, "provisions"))?)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Insertable, serde::Serialize)]
#[diesel(table_name = declared_expiries)]
pub struct NewDeclaredExpiry {
    pub document_id: i64,
    pub provisions: String,
    pub effective_on: NaiveDate,
    pub decision: i64,
}

pub fn declared_expiry(
    db: &mut Db<'_>,
    document: i64,
    decision: i64,
) -> R<Option<DeclaredExpiryRow>> {
    Ok(with_db!(db, c => declared_expiries::table
        .filter(declared_expiries::document_id.eq(document))
        .filter(declared_expiries::decision.eq(decision))
        .select(DeclaredExpiryRow::as_select())
        .first(c)
        .optional())?)
}

pub fn insert_declared_expiry(db: &mut Db<'_>, row: &NewDeclaredExpiry) -> R<i64> {
    Ok(
        with_db!(db, c => diesel::insert_into(declared_expiries::table)
        .values(row)
        .returning(declared_expiries::id)
        .get_result(c))?,
    )
}

/// Changes what a record declares (provisions, date) and whether it has ended.
pub fn update_declared_expiry(
    db: &mut Db<'_>,
    id: i64,
    provisions: &str,
    effective_on: NaiveDate,
    ended_at: Option<NaiveDateTime>,
) -> R<()> {
    with_db!(db, c => diesel::update(declared_expiries::table.find(id))
        .set((
            declared_expiries::provisions.eq(provisions),
            declared_expiries::effective_on.eq(effective_on),
            declared_expiries::ended_at.eq(ended_at),
        ))
        .execute(c))?;
    Ok(())
}

/// The records not ended, of the documents `ids` (all when `None`).
pub fn live_declared_expiries(db: &mut Db<'_>, ids: Option<&[i64]>) -> R<Vec<DeclaredExpiryRow>> {
    let Some(ids) = ids else {
        return Ok(with_db!(db, c => declared_expiries::table
            .filter(declared_expiries::ended_at.is_null())
            .order(declared_expiries::id)
            .select(DeclaredExpiryRow::as_select())
            .load(c))?);
    };
    let mut out = Vec::new();
    for chunk in ids.chunks(500) {
        let part: Vec<DeclaredExpiryRow> = with_db!(db, c => declared_expiries::table
            .filter(declared_expiries::ended_at.is_null())
            .filter(declared_expiries::document_id.eq_any(chunk))
            .order(declared_expiries::id)
            .select(DeclaredExpiryRow::as_select())
            .load(c))?;
        out.extend(part);
    }
    Ok(out)
}

/// Every record, ended ones included (the export).
pub fn all_declared_expiries(db: &mut Db<'_>) -> R<Vec<DeclaredExpiryRow>> {
    Ok(with_db!(db, c => declared_expiries::table
        .order(declared_expiries::id)
        .select(DeclaredExpiryRow::as_select())
        .load(c))?)
}

/// What a review decision declared expired, as the upgrade step reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApprovedExpiry {
    pub decision: i64,
    pub document_id: i64,
    pub provisions: String,
    pub effective_on: NaiveDate,
}

/// Approved (or closed) review decisions declaring expiry that have no registry record yet:
/// what the upgrade to registry records still has to write (empty once it ran).
pub fn approved_expiries_without_record(db: &mut Db<'_>) -> R<Vec<ApprovedExpiry>> {
    let states = [DecisionState::Approved.code(), DecisionState::Closed.code()];
    let rows: Vec<(i64, i64, String, Option<NaiveDate>)> = with_db!(db, c => decisions::table
        .filter(decisions::kind.eq(DecisionKind::DeclareExpired.code()))
        .filter(decisions::state.eq_any(states))
        .order(decisions::id)
        .select((decisions::id, decisions::document_id, decisions::provisions, decisions::effective_on))
        .load(c))?;
    let recorded: std::collections::HashSet<(i64, i64)> =
        with_db!(db, c => declared_expiries::table
        .select((declared_expiries::document_id, declared_expiries::decision))
        .load::<(i64, i64)>(c))?
        .into_iter()
        .collect();
    Ok(rows
        .into_iter()
        .filter(|(d, doc, _, _)| !recorded.contains(&(*doc, *d)))
        .filter_map(|(decision, document_id, provisions, on)| {
            Some(ApprovedExpiry {
                decision,
                document_id,
                provisions,
                effective_on: on?,
            })
        })
        .collect())
}
