//! The unit a scoped record belongs to, for the route guard's scope check.

use diesel::prelude::*;

use super::schema::{authorities, documents};
use super::{Db, DbError};

/// The unit of a document's issuing authority: `None` when there is no such document,
/// `Some(None)` for a central authority.
pub fn document_unit(db: &mut Db<'_>, id: i64) -> Result<Option<Option<i64>>, DbError> {
    Ok(crate::with_db!(db, c => documents::table
        .inner_join(authorities::table)
        .filter(documents::id.eq(id))
        .select(authorities::unit_id)
        .first::<Option<i64>>(c)
        .optional())?)
}

/// The unit of an authority, as [`document_unit`].
pub fn authority_unit(db: &mut Db<'_>, id: i64) -> Result<Option<Option<i64>>, DbError> {
    Ok(crate::with_db!(db, c => authorities::table
        .find(id)
        .select(authorities::unit_id)
        .first::<Option<i64>>(c)
        .optional())?)
}

/// The id of the unit with this code: its latest holder (codes are reused, `db::registry`).
pub fn unit_by_code(db: &mut Db<'_>, code: &str) -> Result<Option<i64>, DbError> {
    Ok(super::registry::unit_by_code(db, code)?.map(|u| u.id))
}

/// The unit of the authority that announced the current version of the procedure `code`
/// (its province for a provincial announcement), as [`document_unit`].
pub fn procedure_unit(db: &mut Db<'_>, code: &str) -> Result<Option<Option<i64>>, DbError> {
    match super::procedure_forms::current_version(db, code)? {
        None => Ok(None),
        Some(v) => authority_unit(db, v.decision_authority_id),
    }
}
