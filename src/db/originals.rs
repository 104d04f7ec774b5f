//! The originals of documents (`document_files`, their bytes in `document_file_parts`): the
//! rows and every query of `crate::originals`. The bytes are written and read in parts of at
//! most [`PART_BYTES`], so no statement carries a whole file (SQLite copies a bound value and
//! builds its record in memory: a 20 MiB value would cost its size several times over).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{document_file_parts, document_files, procedure_form_parts, procedure_forms};
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
    /// What the file is, in the words of whoever attached it.
    pub description: Option<String>,
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
    pub created_at: NaiveDateTime,
    pub created_by: &'a str,
    pub description: Option<&'a str>,
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

/// The largest part of a file's bytes stored in one row.
pub const PART_BYTES: usize = 1024 * 1024;

/// Which table holds a stored file's bytes: the one store of files has its records in
/// `document_files` (a document's originals) and `procedure_forms` (a procedure version's
/// forms), their bytes written and read in parts by the same code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Blobs {
    /// `document_file_parts`, of `document_files`.
    Documents,
    /// `procedure_form_parts`, of `procedure_forms`.
    ProcedureForms,
}

/// Stores a file and its bytes (in parts) and returns its id.
pub fn insert(db: &mut Db<'_>, row: &NewFileRow<'_>, content: &[u8]) -> R<i64> {
    let id: i64 = with_db!(db, c => diesel::insert_into(document_files::table)
        .values(row)
        .returning(document_files::id)
        .get_result(c))?;
    insert_parts(db, Blobs::Documents, id, content)?;
    Ok(id)
}

/// Writes the bytes of the file `id` in parts of at most [`PART_BYTES`].
pub fn insert_parts(db: &mut Db<'_>, blobs: Blobs, id: i64, content: &[u8]) -> R<()> {
    for (seq, part) in content.chunks(PART_BYTES).enumerate() {
        let seq = i32::try_from(seq).unwrap_or(i32::MAX);
        match blobs {
            Blobs::Documents => with_db!(db, c => diesel::insert_into(document_file_parts::table)
                .values((
                    document_file_parts::file_id.eq(id),
                    document_file_parts::seq.eq(seq),
                    document_file_parts::bytes.eq(part),
                ))
                .execute(c))?,
            Blobs::ProcedureForms => {
                with_db!(db, c => diesel::insert_into(procedure_form_parts::table)
                .values((
                    procedure_form_parts::file_id.eq(id),
                    procedure_form_parts::seq.eq(seq),
                    procedure_form_parts::bytes.eq(part),
                ))
                .execute(c))?
            }
        };
    }
    Ok(())
}

/// The part `seq` of the bytes of the file `id` kept in `blobs`, if there is one.
pub fn part_of(db: &mut Db<'_>, blobs: Blobs, id: i64, seq: i32) -> R<Option<Vec<u8>>> {
    Ok(match blobs {
        Blobs::Documents => with_db!(db, c => document_file_parts::table
            .filter(document_file_parts::file_id.eq(id))
            .filter(document_file_parts::seq.eq(seq))
            .select(document_file_parts::bytes)
            .first(c)
            .optional())?,
        Blobs::ProcedureForms => with_db!(db, c => procedure_form_parts::table
            .filter(procedure_form_parts::file_id.eq(id))
            .filter(procedure_form_parts::seq.eq(seq))
            .select(procedure_form_parts::bytes)
            .first(c)
            .optional())?,
    })
}

/// The whole bytes of the file `id` kept in `blobs`, its parts in order.
pub fn content_of(db: &mut Db<'_>, blobs: Blobs, id: i64, size: usize) -> R<Vec<u8>> {
    let mut out = Vec::with_capacity(size);
    let mut seq = 0;
    while let Some(p) = part_of(db, blobs, id, seq)? {
        out.extend_from_slice(&p);
        seq += 1;
    }
    Ok(out)
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
/// `name`.
pub fn by_address(db: &mut Db<'_>, document_id: i64, prefix: &str, name: &str) -> R<Vec<FileRow>> {
    let pattern = format!("{prefix}%");
    Ok(with_db!(db, c => document_files::table
        .filter(document_files::document_id.eq(document_id))
        .filter(document_files::sha256.like(&pattern))
        .filter(document_files::name.eq(name))
        .order(document_files::id)
        .select(FileRow::as_select())
        .load(c))?)
}

/// Marks the file `id` of `blobs` withdrawn (entered in error); false when it is already
/// withdrawn or does not exist.
pub fn withdraw(
    db: &mut Db<'_>,
    blobs: Blobs,
    id: i64,
    at: NaiveDateTime,
    by: &str,
    reason: &str,
) -> R<bool> {
    let n = match blobs {
        Blobs::Documents => with_db!(db, c => diesel::update(document_files::table
            .filter(document_files::id.eq(id))
            .filter(document_files::withdrawn_at.is_null()))
            .set((
                document_files::withdrawn_at.eq(Some(at)),
                document_files::withdrawn_by.eq(Some(by)),
                document_files::withdrawn_reason.eq(Some(reason)),
            ))
            .execute(c))?,
        Blobs::ProcedureForms => with_db!(db, c => diesel::update(procedure_forms::table
            .filter(procedure_forms::id.eq(id))
            .filter(procedure_forms::withdrawn_at.is_null()))
            .set((
                procedure_forms::withdrawn_at.eq(Some(at)),
                procedure_forms::withdrawn_by.eq(Some(by)),
                procedure_forms::withdrawn_reason.eq(Some(reason)),
            ))
            .execute(c))?,
    };
    Ok(n == 1)
}

/// What the backup check reads of a stored file of either table: its id, the record it
/// belongs to (the document, or the procedure version), its name, recorded hash and size.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct BlobRow {
    pub id: i64,
    pub owner_id: i64,
    pub name: String,
    pub sha256: String,
    pub size: i64,
}

/// Up to `limit` stored files of `blobs` with an id above `after`, by id (the backup check
/// reads them a few at a time).
pub fn files_after(db: &mut Db<'_>, blobs: Blobs, after: i64, limit: i64) -> R<Vec<BlobRow>> {
    Ok(match blobs {
        Blobs::Documents => with_db!(db, c => document_files::table
            .filter(document_files::id.gt(after))
            .order(document_files::id)
            .limit(limit)
            .select((
                document_files::id,
                document_files::document_id,
                document_files::name,
                document_files::sha256,
                document_files::size,
            ))
            .load(c))?,
        Blobs::ProcedureForms => with_db!(db, c => procedure_forms::table
            .filter(procedure_forms::id.gt(after))
            .order(procedure_forms::id)
            .limit(limit)
            .select((
                procedure_forms::id,
                procedure_forms::version_id,
                procedure_forms::name,
                procedure_forms::sha256,
                procedure_forms::size,
            ))
            .load(c))?,
    })
}
