//! The reads the search index is built from that no other feature makes: every procedure and
//! every version of some procedures (`search::build`).

use diesel::prelude::*;

use super::procedures::{Procedure, ProcedureVersion};
use super::schema::{procedure_versions, procedures};
use super::{Db, DbError};

/// The versions of the procedures `ids`.
pub fn versions_of(db: &mut Db<'_>, ids: &[i64]) -> Result<Vec<ProcedureVersion>, DbError> {
    Ok(crate::with_db!(db, c => procedure_versions::table
        .filter(procedure_versions::procedure_id.eq_any(ids))
        .select(ProcedureVersion::as_select())
        .load(c))?)
}

/// Every procedure.
pub fn all_procedures(db: &mut Db<'_>) -> Result<Vec<Procedure>, DbError> {
    Ok(crate::with_db!(db, c => procedures::table
        .select(Procedure::as_select())
        .load(c))?)
}

/// Every version of every procedure.
pub fn all_versions(db: &mut Db<'_>) -> Result<Vec<ProcedureVersion>, DbError> {
    Ok(crate::with_db!(db, c => procedure_versions::table
        .select(ProcedureVersion::as_select())
        .load(c))?)
}
