//! The registry's administrative units and their successions (a unit is its code plus its
//! first day: official codes are reused), and its declared expiries (công bố hết hiệu lực theo
//! kết quả rà soát), provisions' own effective dates, class-wide ends set by transitional
//! provisions and undated detailing links: the rows, the new rows, and their queries. Written
//! by `registry::write_org`, `registry::expiry` and `registry::write`, read by the
//! organisation, the status graph and the export.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::models::{NewUnit, Unit, UnitSuccession};
use super::schema::{
    authorities, class_ends, decisions, declared_expiries, effects, provision_dates,
    unit_successions, units,
};
use super::stored::{At, JsonColumn};
use super::{Db, DbError};
use crate::domain::kinds::{AuthorityKind, UnitLevel};
use crate::domain::review::{DecisionKind, DecisionState};
use crate::domain::status::DocumentClass;
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

/// A unit by a bare code (its latest holder) or by `code@YYYY-MM-DD` (the unit holding the
/// code on that day, the latest formed if several); `None` when nothing matches.
pub fn unit_by_reference(db: &mut Db<'_>, reference: &str) -> R<Option<Unit>> {
    let Some((code, day)) = reference.split_once('@') else {
        return unit_by_code(db, reference);
    };
    let Ok(day) = NaiveDate::parse_from_str(day, "%Y-%m-%d") else {
        return Ok(None);
    };
    Ok(units_by_code(db, code)?
        .into_iter()
        .rfind(|u| u.valid_from.is_none_or(|f| f <= day) && u.valid_to.is_none_or(|t| day <= t)))
}

pub fn unit_by_id(db: &mut Db<'_>, id: i64) -> R<Option<Unit>> {
    Ok(with_db!(db, c => units::table.find(id).select(Unit::as_select()).first(c).optional())?)
}

/// The organisation's stamp: a new random number on every change to units, their successions
/// or authorities (set by triggers).
pub fn org_stamp(db: &mut Db<'_>) -> R<i64> {
    use crate::db::schema::org_stamp;
    Ok(with_db!(db, c => org_stamp::table.select(org_stamp::stamp).first(c))?)
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

// ---- finer law: provisions' own dates, class ends, undated links ---------------------------

/// Provisions of a document taking effect on their own date (keys, a JSON array).
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = provision_dates)]
pub struct ProvisionDateRow {
    pub id: i64,
    pub document_id: i64,
    pub provisions: String,
    pub effective_on: NaiveDate,
}

impl ProvisionDateRow {
    /// The provision keys; stored JSON that does not read is an error naming the row.
    pub fn provisions_stored(&self) -> R<Vec<String>> {
        let column: JsonColumn<Vec<String>> = JsonColumn::stored(self.provisions.clone());
        Ok(column.decode(At::new("provision_dates", &self.id, "provisions"))?)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Insertable, serde::Serialize)]
#[diesel(table_name = provision_dates)]
pub struct NewProvisionDate {
    pub document_id: i64,
    pub provisions: String,
    pub effective_on: NaiveDate,
}

/// The provisions' own dates of the documents `ids` (all when `None`), in the order recorded.
pub fn provision_dates_of(db: &mut Db<'_>, ids: Option<&[i64]>) -> R<Vec<ProvisionDateRow>> {
    let Some(ids) = ids else {
        return Ok(with_db!(db, c => provision_dates::table
            .order(provision_dates::id)
            .select(ProvisionDateRow::as_select())
            .load(c))?);
    };
    let mut out = Vec::new();
    for chunk in ids.chunks(500) {
        let part: Vec<ProvisionDateRow> = with_db!(db, c => provision_dates::table
            .filter(provision_dates::document_id.eq_any(chunk))
            .order(provision_dates::id)
            .select(ProvisionDateRow::as_select())
            .load(c))?;
        out.extend(part);
    }
    Ok(out)
}

/// Replaces the provisions' own dates of one document.
pub fn replace_provision_dates(
    db: &mut Db<'_>,
    document_id: i64,
    rows: &[NewProvisionDate],
) -> R<()> {
    with_db!(db, c => diesel::delete(
        provision_dates::table.filter(provision_dates::document_id.eq(document_id))
    )
    .execute(c))?;
    if !rows.is_empty() {
        with_db!(db, c => diesel::insert_into(provision_dates::table).values(rows).execute(c))?;
    }
    Ok(())
}

/// An end date a transitional provision sets for a class of documents.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = class_ends)]
pub struct ClassEndRow {
    pub id: i64,
    pub basis_id: i64,
    /// The provision key of the transitional provision (`dieu-72/khoan-3`).
    pub provision: String,
    pub authority_kinds: String,
    pub levels: String,
    pub types: String,
    pub issued_from: Option<NaiveDate>,
    pub issued_to: Option<NaiveDate>,
    pub ceases_on: NaiveDate,
    pub note: Option<String>,
}

impl ClassEndRow {
    /// The class it ends, read strictly: an unknown stored code is an error naming the row.
    pub fn class_stored(&self) -> R<DocumentClass> {
        let at = |column| At::new("class_ends", &self.id, column);
        let kinds: JsonColumn<Vec<AuthorityKind>> =
            JsonColumn::stored(self.authority_kinds.clone());
        let levels: JsonColumn<Vec<UnitLevel>> = JsonColumn::stored(self.levels.clone());
        let types: JsonColumn<Vec<String>> = JsonColumn::stored(self.types.clone());
        Ok(DocumentClass {
            authority_kinds: kinds.decode(at("authority_kinds"))?,
            levels: levels.decode(at("levels"))?,
            types: types.decode(at("types"))?,
            issued_from: self.issued_from,
            issued_to: self.issued_to,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Insertable, AsChangeset, serde::Serialize)]
#[diesel(table_name = class_ends, treat_none_as_null = true)]
pub struct NewClassEnd {
    pub basis_id: i64,
    pub provision: String,
    pub authority_kinds: String,
    pub levels: String,
    pub types: String,
    pub issued_from: Option<NaiveDate>,
    pub issued_to: Option<NaiveDate>,
    pub ceases_on: NaiveDate,
    pub note: Option<String>,
}

pub fn all_class_ends(db: &mut Db<'_>) -> R<Vec<ClassEndRow>> {
    Ok(with_db!(db, c => class_ends::table
        .order(class_ends::id)
        .select(ClassEndRow::as_select())
        .load(c))?)
}

pub fn class_end(db: &mut Db<'_>, basis_id: i64, provision: &str) -> R<Option<ClassEndRow>> {
    Ok(with_db!(db, c => class_ends::table
        .filter(class_ends::basis_id.eq(basis_id))
        .filter(class_ends::provision.eq(provision))
        .select(ClassEndRow::as_select())
        .first(c)
        .optional())?)
}

pub fn insert_class_end(db: &mut Db<'_>, row: &NewClassEnd) -> R<i64> {
    Ok(with_db!(db, c => diesel::insert_into(class_ends::table)
        .values(row)
        .returning(class_ends::id)
        .get_result(c))?)
}

pub fn update_class_end(db: &mut Db<'_>, id: i64, row: &NewClassEnd) -> R<()> {
    with_db!(db, c => diesel::update(class_ends::table.find(id)).set(row).execute(c))?;
    Ok(())
}

/// Each authority's kind and its unit's level (`None` for an authority without a unit), as
/// stored codes: what a class end reads of a document's issuer.
pub fn authority_classes(db: &mut Db<'_>) -> R<Vec<(i64, String, Option<String>)>> {
    Ok(with_db!(db, c => authorities::table
        .left_join(units::table)
        .select((authorities::id, authorities::kind, units::level.nullable()))
        .load(c))?)
}

/// Whether the effect was recorded without a date of its own.
pub fn effect_undated(db: &mut Db<'_>, id: i64) -> R<bool> {
    Ok(with_db!(db, c => effects::table
        .find(id)
        .select(effects::undated)
        .first(c))?)
}

pub fn set_effect_undated(db: &mut Db<'_>, id: i64, undated: bool) -> R<()> {
    with_db!(db, c => diesel::update(effects::table.find(id))
        .set(effects::undated.eq(undated))
        .execute(c))?;
    Ok(())
}

/// The ids of the effects recorded without a date of their own.
pub fn undated_effects(db: &mut Db<'_>) -> R<std::collections::HashSet<i64>> {
    let ids: Vec<i64> = with_db!(db, c => effects::table
        .filter(effects::undated.eq(true))
        .select(effects::id)
        .load(c))?;
    Ok(ids.into_iter().collect())
}
