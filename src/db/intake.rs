//! Queries of the new-document and effects forms (`app::intake`): finding documents by a
//! fragment of their number.

use diesel::prelude::*;

use super::schema::documents;
use super::{Db, DbError};
use crate::with_db;

/// Ids of documents whose folded number (`number_key`) contains `key_fragment` (folded the
/// same way), newest first, at most `limit`.
pub fn documents_numbered_like(
    db: &mut Db<'_>,
    key_fragment: &str,
    limit: i64,
) -> Result<Vec<i64>, DbError> {
    let escaped: String = key_fragment
        .chars()
        .flat_map(|c| match c {
            '%' | '_' | '\\' => vec!['\\', c],
            c => vec![c],
        })
        .collect();
    let pattern = format!("%{escaped}%");
    Ok(with_db!(db, c => documents::table
        .filter(documents::number_key.like(&pattern).escape('\\'))
        .order((documents::issued_on.desc(), documents::id.desc()))
        .select(documents::id)
        .limit(limit)
        .load(c))?)
}
