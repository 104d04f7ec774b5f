//! Corrections (đính chính) and withdrawals of documents entered in error: the rows and their
//! queries, written by `registry::withdraw` and the edit use case, read by the status graph,
//! the listings, the search indexer, the feeds, the export and the pages that answer 410.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use diesel::prelude::*;

use super::schema::{corrections, effect_wordings, effects, withdrawals};
use super::stored::{At, JsonColumn};
use super::{Db, DbError};
use crate::with_db;

type R<T> = Result<T, DbError>;

/// A document withdrawn (rút) because it was entered in error: it stays in the registry,
/// acts on no status, and its public addresses answer 410 with the reason.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable, serde::Serialize)]
#[diesel(table_name = withdrawals)]
pub struct Withdrawal {
    pub document_id: i64,
    pub withdrawn_on: NaiveDate,
    pub reason: String,
}

pub fn withdrawal(db: &mut Db<'_>, document_id: i64) -> R<Option<Withdrawal>> {
    Ok(with_db!(db, c => withdrawals::table
        .find(document_id)
        .select(Withdrawal::as_select())
        .first(c)
        .optional())?)
}

/// Every withdrawal, by document.
pub fn all_withdrawals(db: &mut Db<'_>) -> R<HashMap<i64, Withdrawal>> {
    let rows: Vec<Withdrawal> = with_db!(db, c => withdrawals::table
        .order(withdrawals::document_id)
        .select(Withdrawal::as_select())
        .load(c))?;
    Ok(rows.into_iter().map(|w| (w.document_id, w)).collect())
}

/// The ids of the withdrawn documents.
pub fn withdrawn_ids(db: &mut Db<'_>) -> R<HashSet<i64>> {
    let ids: Vec<i64> = with_db!(db, c => withdrawals::table
        .select(withdrawals::document_id)
        .load(c))?;
    Ok(ids.into_iter().collect())
}

pub fn insert_withdrawal(db: &mut Db<'_>, w: &Withdrawal) -> R<()> {
    with_db!(db, c => diesel::insert_into(withdrawals::table).values(w).execute(c))?;
    Ok(())
}

/// A correction naming the document that corrects (văn bản đính chính).
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = corrections)]
pub struct CorrectionRow {
    pub id: i64,
    pub document_id: i64,
    pub correcting_document_id: i64,
    pub audit_seq: i64,
    /// The changed fields' names, a JSON array.
    pub fields: String,
}

impl CorrectionRow {
    /// The changed fields; stored JSON that does not read is an error naming the row.
    pub fn fields_stored(&self) -> R<Vec<String>> {
        let column: JsonColumn<Vec<String>> = JsonColumn::stored(self.fields.clone());
        Ok(column.decode(At::new("corrections", &self.id, "fields"))?)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Insertable, serde::Serialize)]
#[diesel(table_name = corrections)]
pub struct NewCorrection {
    pub document_id: i64,
    pub correcting_document_id: i64,
    pub audit_seq: i64,
    pub fields: String,
}

pub fn insert_correction(db: &mut Db<'_>, row: &NewCorrection) -> R<i64> {
    Ok(with_db!(db, c => diesel::insert_into(corrections::table)
        .values(row)
        .returning(corrections::id)
        .get_result(c))?)
}

/// The corrections of a document, oldest first.
pub fn corrections_of(db: &mut Db<'_>, document_id: i64) -> R<Vec<CorrectionRow>> {
    Ok(with_db!(db, c => corrections::table
        .filter(corrections::document_id.eq(document_id))
        .order(corrections::id)
        .select(CorrectionRow::as_select())
        .load(c))?)
}

/// Removes an effect entered in error, with its stated wordings (the audit entry keeps it).
pub fn delete_effect(db: &mut Db<'_>, id: i64) -> R<()> {
    with_db!(db, c => diesel::delete(effect_wordings::table.filter(effect_wordings::effect_id.eq(id))).execute(c))?;
    with_db!(db, c => diesel::delete(effects::table.find(id)).execute(c))?;
    Ok(())
}

/// The documents of a number key (`15/2018/NQ-HDND`), with their authorities: (id, authority).
pub fn documents_by_number_key(db: &mut Db<'_>, key: &str) -> R<Vec<(i64, i64)>> {
    use super::schema::documents;
    Ok(with_db!(db, c => documents::table
        .filter(documents::number_key.eq(key))
        .order(documents::id)
        .select((documents::id, documents::authority_id))
        .load(c))?)
}

/// One effect by id.
pub fn effect(db: &mut Db<'_>, id: i64) -> R<Option<super::models::Effect>> {
    Ok(with_db!(db, c => effects::table
        .find(id)
        .select(super::models::Effect::as_select())
        .first(c)
        .optional())?)
}
