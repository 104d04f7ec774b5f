//! Rows and queries of `unit_contacts`: the one-stop office and feedback address of a unit
//! (one row per unit; see `domain::contact`).

use diesel::prelude::*;

use super::schema::unit_contacts;
use super::{Db, DbError};
use crate::with_db;

/// A unit's contact as stored (empty texts for fields not known).
#[derive(
    Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable, AsChangeset, serde::Serialize,
)]
#[diesel(table_name = unit_contacts)]
pub struct UnitContactRow {
    pub unit_id: i64,
    pub address: String,
    pub hours: String,
    pub phone: String,
    pub email: String,
    pub feedback_address: String,
    pub feedback_phone: String,
    pub feedback_email: String,
    pub feedback_url: String,
}

pub fn of_unit(db: &mut Db<'_>, unit_id: i64) -> Result<Option<UnitContactRow>, DbError> {
    Ok(with_db!(db, c => unit_contacts::table
        .find(unit_id)
        .select(UnitContactRow::as_select())
        .first(c)
        .optional())?)
}

/// Writes the row: an update when the unit has one (`exists`), else an insert.
pub fn upsert(db: &mut Db<'_>, row: &UnitContactRow, exists: bool) -> Result<(), DbError> {
    if exists {
        with_db!(db, c => diesel::update(unit_contacts::table.find(row.unit_id))
            .set(row)
            .execute(c))?;
    } else {
        with_db!(db, c => diesel::insert_into(unit_contacts::table).values(row).execute(c))?;
    }
    Ok(())
}

/// Every unit's contact, by unit id (the export).
pub fn all(db: &mut Db<'_>) -> Result<Vec<UnitContactRow>, DbError> {
    Ok(with_db!(db, c => unit_contacts::table
        .order(unit_contacts::unit_id)
        .select(UnitContactRow::as_select())
        .load(c))?)
}
