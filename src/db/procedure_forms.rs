//! The forms of a procedure version (`procedure_forms`, their bytes in `procedure_form_parts`
//! through [`super::originals::insert_parts`]): the rows and every query of
//! `crate::originals::forms`.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::originals::Blobs;
use super::schema::{procedure_forms, procedure_versions, procedures};
use super::{Db, DbError};
use crate::with_db;

type R<T> = Result<T, DbError>;

/// A stored form without its bytes.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = procedure_forms)]
pub struct FormRow {
    pub id: i64,
    pub version_id: i64,
    pub sha256: String,
    pub name: String,
    pub content_type: String,
    pub size: i64,
    pub description: Option<String>,
    pub created_at: NaiveDateTime,
    pub created_by: String,
    pub withdrawn_at: Option<NaiveDateTime>,
    pub withdrawn_by: Option<String>,
    pub withdrawn_reason: Option<String>,
}

/// A form to store.
#[derive(Debug, Insertable)]
#[diesel(table_name = procedure_forms)]
pub struct NewFormRow<'a> {
    pub version_id: i64,
    pub sha256: &'a str,
    pub name: &'a str,
    pub content_type: &'a str,
    pub size: i64,
    pub description: Option<&'a str>,
    pub created_at: NaiveDateTime,
    pub created_by: &'a str,
}

/// Stores a form and its bytes (in parts) and returns its id.
pub fn insert(db: &mut Db<'_>, row: &NewFormRow<'_>, content: &[u8]) -> R<i64> {
    let id: i64 = with_db!(db, c => diesel::insert_into(procedure_forms::table)
        .values(row)
        .returning(procedure_forms::id)
        .get_result(c))?;
    super::originals::insert_parts(db, Blobs::ProcedureForms, id, content)?;
    Ok(id)
}

/// The form of the version with this SHA-256, if stored.
pub fn by_hash(db: &mut Db<'_>, version_id: i64, sha256: &str) -> R<Option<FormRow>> {
    Ok(with_db!(db, c => procedure_forms::table
        .filter(procedure_forms::version_id.eq(version_id))
        .filter(procedure_forms::sha256.eq(sha256))
        .select(FormRow::as_select())
        .first(c)
        .optional())?)
}

/// The form `id`, if stored.
pub fn by_id(db: &mut Db<'_>, id: i64) -> R<Option<FormRow>> {
    Ok(with_db!(db, c => procedure_forms::table
        .find(id)
        .select(FormRow::as_select())
        .first(c)
        .optional())?)
}

/// The forms of a version, oldest first (withdrawn ones included).
pub fn of_version(db: &mut Db<'_>, version_id: i64) -> R<Vec<FormRow>> {
    Ok(with_db!(db, c => procedure_forms::table
        .filter(procedure_forms::version_id.eq(version_id))
        .order(procedure_forms::id)
        .select(FormRow::as_select())
        .load(c))?)
}

/// The code of the procedure the version `version_id` belongs to.
pub fn procedure_code_of_version(db: &mut Db<'_>, version_id: i64) -> R<Option<String>> {
    Ok(with_db!(db, c => procedure_versions::table
        .inner_join(procedures::table)
        .filter(procedure_versions::id.eq(version_id))
        .select(procedures::code)
        .first::<String>(c)
        .optional())?)
}

/// The version of the procedure `code` current today (the catalogue's rule: the latest, in
/// the order versions become current, that is current on the date; else the last one), if the
/// procedure exists and has a version.
pub fn current_version(
    db: &mut Db<'_>,
    code: &str,
) -> R<Option<super::procedures::ProcedureVersion>> {
    let Some(p) = super::procedures::procedure_by_code(db, code)? else {
        return Ok(None);
    };
    let mut versions = super::procedures::versions_of(db, p.id)?;
    versions.sort_by_key(super::procedures::ProcedureVersion::currency_key);
    let today = crate::clock::today();
    let at = versions
        .iter()
        .rposition(|v| v.current_from() <= today)
        .unwrap_or(versions.len().saturating_sub(1));
    Ok(versions.into_iter().nth(at))
}
