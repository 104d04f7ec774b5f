//! The registry's administrative units and their successions (a unit is its code plus its
//! first day: official codes are reused), and its declared expiries (công bố hết hiệu lực theo
//! kết quả rà soát): the rows, the new rows, and their queries. Written by
//! `registry::write_org` and `registry::expiry`, read by the organisation, the status graph
//! and the export.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::models::{NewUnit, Unit, UnitSuccession};
use super::schema::{decisions, declared_expiries, unit_successions, units};
use super::stored::{At, JsonColumn};
use super::{Db, DbError};
use crate::domain::review::{DecisionKind, DecisionState};
use crate::with_db;

type R<T> = Result<T, DbError>;

// ---- units ---------------------------------------------------------------------------------

/// Every unit that holds or held `code`, earliest first (a unit with no first day first).
pub fn units_by_code(db: &mut Db<'_>, code: &str) -> R<Vec<Unit>> {
    let mut v: Vec<Unit> = with_db!(db, c => units::table
        .filter(units::code.eq(code))
        .select(Unit::as_select())
        .load(c))?;
    v.sort_by_key(|u| (u.valid_from, u.id));
    Ok(v)
}

/// The latest unit holding `code` (the one formed last): what a bare code in an address or a
/// filter names. `registry::org::resolve` picks by date where a date is known.
pub fn unit_by_code(db: &mut Db<'_>, code: &str) -> R<Option<Unit>> {
    Ok(units_by_code(db, code)?.pop())
}

pub fn unit_by_id(db: &mut Db<'_>, id: i64) -> R<Option<Unit>> {
    Ok(with_db!(db, c => units::table.find(id).select(Unit::as_select()).first(c).optional())?)
}

pub fn all_units(db: &mut Db<'_>) -> R<Vec<Unit>> {
    Ok(with_db!(db, c => units::table.order(units::id).select(Unit::as_select()).load(c))?)
}

pub fn insert_unit(db: &mut Db<'_>, u: &NewUnit) -> R<i64> {
    Ok(
        with_db!(db, c => diesel::insert_into(units::table).values(u).returning(units::id).get_result(c))?,
    )
}

pub fn update_unit(db: &mut Db<'_>, id: i64, u: &NewUnit) -> R<()> {
    with_db!(db, c => diesel::update(units::table.find(id)).set(u).execute(c))?;
    Ok(())
}

pub fn all_successions(db: &mut Db<'_>) -> R<Vec<UnitSuccession>> {
    Ok(with_db!(db, c => unit_successions::table
        .order((unit_successions::predecessor_id, unit_successions::successor_id))
        .select(UnitSuccession::as_select())
        .load(c))?)
}

pub fn succession(db: &mut Db<'_>, pred: i64, succ: i64) -> R<Option<UnitSuccession>> {
    Ok(with_db!(db, c => unit_successions::table
        .find((pred, succ))
        .select(UnitSuccession::as_select())
        .first(c)
        .optional())?)
}

pub fn insert_succession(db: &mut Db<'_>, s: &UnitSuccession) -> R<()> {
    with_db!(db, c => diesel::insert_into(unit_successions::table).values(s).execute(c))?;
    Ok(())
}

/// Inserts successions in multi-row statements (3 parameters a row, far below PostgreSQL's
/// 65,535 bind parameters a statement).
pub fn insert_successions(db: &mut Db<'_>, rows: &[UnitSuccession]) -> R<()> {
    for chunk in rows.chunks(SUCCESSIONS_PER_STATEMENT) {
        with_db!(db, c => diesel::insert_into(unit_successions::table).values(chunk).execute(c))?;
    }
    Ok(())
}

/// Rows of one multi-row succession insert.
const SUCCESSIONS_PER_STATEMENT: usize = 1000;

pub fn update_succession(db: &mut Db<'_>, s: &UnitSuccession) -> R<()> {
    with_db!(db, c => diesel::update(unit_successions::table.find((s.predecessor_id, s.successor_id)))
        .set(unit_successions::effective_on.eq(s.effective_on))
        .execute(c))?;
    Ok(())
}

// ---- declared expiries -----------------------------------------------------------------------

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
