//! Queries of the new-document and effects forms (`app::intake`): finding documents by a
//! fragment of their number, and the files held between upload and save (`intake_pending`).

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

/// A file held between the upload and the save of the new-document form.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = super::schema::intake_pending)]
pub struct PendingFile {
    pub token: String,
    pub user_id: i64,
    pub name: String,
    pub content: Vec<u8>,
    pub created_at: chrono::NaiveDateTime,
    pub expires_at: chrono::NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = super::schema::intake_pending)]
struct NewPendingFile<'a> {
    token: &'a str,
    user_id: i64,
    name: &'a str,
    content: &'a [u8],
    created_at: chrono::NaiveDateTime,
    expires_at: chrono::NaiveDateTime,
}

/// Holds a file for `user_id` until `expires_at`, first dropping every file that has expired.
pub fn hold_file(
    db: &mut Db<'_>,
    token: &str,
    user_id: i64,
    name: &str,
    content: &[u8],
    now: chrono::NaiveDateTime,
    expires_at: chrono::NaiveDateTime,
) -> Result<(), DbError> {
    use super::schema::intake_pending as p;
    with_db!(db, c => diesel::delete(p::table.filter(p::expires_at.le(now))).execute(c))?;
    let row = NewPendingFile {
        token,
        user_id,
        name,
        content,
        created_at: now,
        expires_at,
    };
    with_db!(db, c => diesel::insert_into(p::table).values(&row).execute(c))?;
    Ok(())
}

/// The file held under `token` for `user_id`, if it has not expired at `now`.
pub fn held_file(
    db: &mut Db<'_>,
    token: &str,
    user_id: i64,
    now: chrono::NaiveDateTime,
) -> Result<Option<PendingFile>, DbError> {
    use super::schema::intake_pending as p;
    Ok(with_db!(db, c => p::table
        .filter(p::token.eq(token))
        .filter(p::user_id.eq(user_id))
        .filter(p::expires_at.gt(now))
        .select(PendingFile::as_select())
        .first(c)
        .optional())?)
}

/// Forgets the file held under `token` (it was saved).
pub fn drop_file(db: &mut Db<'_>, token: &str) -> Result<(), DbError> {
    use super::schema::intake_pending as p;
    with_db!(db, c => diesel::delete(p::table.filter(p::token.eq(token))).execute(c))?;
    Ok(())
}
