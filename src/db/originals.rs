//! The originals of documents (`document_files`): the rows and every query of
//! `crate::originals`. The bytes are read only where they are served or verified; listings
//! select the other columns.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::document_files;
use super::{Db, DbError};
use crate::with_db;

type R<T> = Result<T, DbError>;

/// A stored file without its bytes.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = document_files)]
pub struct FileRow {
    pub id: i64,
    pub document_id: i64,
    pub sha256: String,
    pub name: String,
    pub role: String,
    pub content_type: String,
    pub size: i64,
    pub created_at: NaiveDateTime,
    pub created_by: String,
    pub withdrawn_at: Option<NaiveDateTime>,
    pub withdrawn_by: Option<String>,
    pub withdrawn_reason: Option<String>,
}

/// A file to store.
#[derive(Debug, Insertable)]
#[diesel(table_name = document_files)]
pub struct NewFileRow<'a> {
    pub document_id: i64,
    pub sha256: &'a str,
    pub name: &'a str,
    pub role: &'a str,
    pub content_type: &'a str,
    pub size: i64,
    pub content: &'a [u8],
    pub created_at: NaiveDateTime,
    pub created_by: &'a str,
}

/// The file of `document_id` with this SHA-256, if stored.
pub fn by_hash(db: &mut Db<'_>, document_id: i64, sha256: &str) -> R<Option<FileRow>> {
    Ok(with_db!(db, c => document_files::table
        .filter(document_files::document_id.eq(document_id))
        .filter(document_files::sha256.eq(sha256))
        .select(FileRow::as_select())
        .first(c)
        .optional())?)
}

/// The file `id`, if stored.
pub fn by_id(db: &mut Db<'_>, id: i64) -> R<Option<FileRow>> {
    Ok(with_db!(db, c => document_files::table
        .find(id)
        .select(FileRow::as_select())
        .first(c)
        .optional())?)
}

/// Stores a file and returns its id.
pub fn insert(db: &mut Db<'_>, row: &NewFileRow<'_>) -> R<i64> {
    Ok(with_db!(db, c => diesel::insert_into(document_files::table)
        .values(row)
        .returning(document_files::id)
        .get_result(c))?)
}

/// The files of a document, oldest first.
pub fn of_document(db: &mut Db<'_>, document_id: i64) -> R<Vec<FileRow>> {
    Ok(with_db!(db, c => document_files::table
        .filter(document_files::document_id.eq(document_id))
        .order(document_files::id)
        .select(FileRow::as_select())
        .load(c))?)
}

/// The files of a document whose hash starts with `prefix` (lowercase hex) and whose name is
/// `name`, with their bytes.
pub fn with_content(
    db: &mut Db<'_>,
    document_id: i64,
    prefix: &str,
    name: &str,
) -> R<Vec<(FileRow, Vec<u8>)>> {
    let pattern = format!("{prefix}%");
    Ok(with_db!(db, c => document_files::table
        .filter(document_files::document_id.eq(document_id))
        .filter(document_files::sha256.like(&pattern))
        .filter(document_files::name.eq(name))
        .order(document_files::id)
        .select((FileRow::as_select(), document_files::content))
        .load(c))?)
}

/// Marks the file `id` withdrawn (entered in error); false when it is already withdrawn or
/// does not exist.
pub fn withdraw(db: &mut Db<'_>, id: i64, at: NaiveDateTime, by: &str, reason: &str) -> R<bool> {
    let n = with_db!(db, c => diesel::update(document_files::table
        .filter(document_files::id.eq(id))
        .filter(document_files::withdrawn_at.is_null()))
        .set((
            document_files::withdrawn_at.eq(Some(at)),
            document_files::withdrawn_by.eq(Some(by)),
            document_files::withdrawn_reason.eq(Some(reason)),
        ))
        .execute(c))?;
    Ok(n == 1)
}

/// One stored file's recorded hash and its bytes, for the verification of a backup.
#[derive(Debug, Queryable)]
pub struct HashedBytes {
    pub id: i64,
    pub document_id: i64,
    pub name: String,
    pub sha256: String,
    pub size: i64,
    pub content: Vec<u8>,
}

/// Up to `limit` stored files with an id above `after`, by id, with their bytes (the backup
/// check reads them a few at a time, so memory holds a batch, never the whole table).
pub fn hashed_after(db: &mut Db<'_>, after: i64, limit: i64) -> R<Vec<HashedBytes>> {
    Ok(with_db!(db, c => document_files::table
        .filter(document_files::id.gt(after))
        .order(document_files::id)
        .limit(limit)
        .select((
            document_files::id,
            document_files::document_id,
            document_files::name,
            document_files::sha256,
            document_files::size,
            document_files::content,
        ))
        .load(c))?)
}
