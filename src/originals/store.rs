//! Storing a checked file on its document (in the caller's transaction, audited with its
//! hash), listing a document's files, reading one back by its address, and withdrawing one
//! entered in error.

use chrono::NaiveDateTime;
use serde::Serialize;
use serde_json::json;

use super::{Checked, FileKind, FileRole, Upload, PREFIX_LEN};
use crate::db::originals::{self as rows, Blobs, FileRow, NewFileRow};
use crate::db::stored::{code, At};
use crate::db::{Db, DbError};

/// Why a file was withdrawn, by whom and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Withdrawal {
    pub at: NaiveDateTime,
    pub by: String,
    pub reason: String,
}

/// A stored file, without its bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredFileMeta {
    pub id: i64,
    pub document_id: i64,
    /// SHA-256 of the bytes, lowercase hex.
    pub sha256: String,
    pub name: String,
    pub role: FileRole,
    pub kind: FileKind,
    pub size: u64,
    pub created_at: NaiveDateTime,
    pub created_by: String,
    pub withdrawn: Option<Withdrawal>,
    /// What the file is, in the words of whoever attached it.
    pub description: Option<String>,
}

impl StoredFileMeta {
    /// The hash's first characters that name the file in its address.
    pub fn prefix(&self) -> &str {
        self.sha256.get(..PREFIX_LEN).unwrap_or(&self.sha256)
    }

    /// The file's address under its document's ELI address (`/eli/vn/…/15`):
    /// `…/tep/{prefix}/{name}`, the name percent-encoded.
    pub fn href(&self, document_eli: &str) -> String {
        format!(
            "{}/tep/{}/{}",
            document_eli.trim_end_matches('/'),
            self.prefix(),
            percent_encoding::utf8_percent_encode(&self.name, PATH_SEGMENT)
        )
    }
}

/// What a path segment cannot hold as is (RFC 3986 §3.3: everything but unreserved characters
/// and a few sub-delimiters).
const PATH_SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

impl TryFrom<FileRow> for StoredFileMeta {
    type Error = DbError;

    fn try_from(r: FileRow) -> Result<StoredFileMeta, DbError> {
        let role = code(&r.role, At::new(TABLE, &r.id, "role"), FileRole::parse)?;
        let kind = code(
            &r.content_type,
            At::new(TABLE, &r.id, "content_type"),
            FileKind::of_content_type,
        )?;
        let size = u64::try_from(r.size).map_err(|e| {
            crate::db::stored::Corrupt::new(TABLE, r.id, "size", &r.size.to_string(), e)
        })?;
        let withdrawn = r.withdrawn_at.map(|at| Withdrawal {
            at,
            by: r.withdrawn_by.clone().unwrap_or_default(),
            reason: r.withdrawn_reason.clone().unwrap_or_default(),
        });
        Ok(StoredFileMeta {
            id: r.id,
            document_id: r.document_id,
            sha256: r.sha256,
            name: r.name,
            role,
            kind,
            size,
            created_at: r.created_at,
            created_by: r.created_by,
            withdrawn,
            description: r.description,
        })
    }
}

const TABLE: &str = "document_files";

/// A file after [`store`]: its record, and whether this call stored it (false: the document
/// already held the same bytes, which are kept once).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFile {
    pub meta: StoredFileMeta,
    pub created: bool,
}

/// The file's name with the extension of its kind: a DOCX sent as `x.pdf` or `x.doc` is kept
/// as `x.docx`, one sent as `x` as `x.docx` (the name never lies about the bytes).
pub(super) fn name_for(name: &str, kind: FileKind) -> String {
    let ext = kind.extension();
    match name.rsplit_once('.') {
        Some((stem, e))
            if !stem.is_empty()
                && ["pdf", "docx", "doc"]
                    .iter()
                    .any(|k| e.eq_ignore_ascii_case(k)) =>
        {
            format!("{stem}.{ext}")
        }
        _ => format!("{name}.{ext}"),
    }
}

/// What every stored file records of its bytes besides their hash: its name with the extension
/// of its kind ([`name_for`]) and its size (for document originals and procedure forms alike).
pub(super) fn blob_fields(upload: &Upload, checked: &Checked) -> (String, i64) {
    (
        name_for(&upload.name, checked.kind),
        i64::try_from(checked.size).unwrap_or(i64::MAX),
    )
}

/// Stores a checked file on the document `document_id`, in the caller's transaction, with an
/// audit entry naming its hash. The same bytes twice on one document are stored once (the
/// record already there is returned).
pub fn store(
    db: &mut Db<'_>,
    actor: &str,
    document_id: i64,
    upload: &Upload,
    checked: &Checked,
    role: FileRole,
) -> Result<StoredFile, DbError> {
    store_described(db, actor, document_id, upload, checked, role, None)
}

/// [`store`] with a description of the file (see [`Description`](super::Description)).
pub fn store_described(
    db: &mut Db<'_>,
    actor: &str,
    document_id: i64,
    upload: &Upload,
    checked: &Checked,
    role: FileRole,
    description: Option<&super::Description>,
) -> Result<StoredFile, DbError> {
    if let Some(row) = rows::by_hash(db, document_id, &checked.sha256)? {
        return Ok(StoredFile {
            meta: row.try_into()?,
            created: false,
        });
    }
    let (name, size) = blob_fields(upload, checked);
    let id = rows::insert(
        db,
        &NewFileRow {
            document_id,
            sha256: &checked.sha256,
            name: &name,
            role: role.code(),
            content_type: checked.kind.content_type(),
            size,
            created_at: crate::clock::now(),
            created_by: actor,
            description: description.map(super::Description::as_str),
        },
        &upload.bytes,
    )?;
    crate::audit::append(
        db,
        actor,
        "create",
        "document_file",
        &id.to_string(),
        None,
        Some(&json!({
            "document_id": document_id,
            "sha256": checked.sha256,
            "name": name,
            "role": role.code(),
            "content_type": checked.kind.content_type(),
            "size": checked.size,
            "description": description.map(super::Description::as_str),
        })),
    )?;
    let row = rows::by_id(db, id)?.ok_or(DbError::Query(diesel::result::Error::NotFound))?;
    Ok(StoredFile {
        meta: row.try_into()?,
        created: true,
    })
}

/// The files of a document (withdrawn ones included, flagged), oldest first.
pub fn list(db: &mut Db<'_>, document_id: i64) -> Result<Vec<StoredFileMeta>, DbError> {
    rows::of_document(db, document_id)?
        .into_iter()
        .map(StoredFileMeta::try_from)
        .collect()
}

/// The file of `document_id` that the address names: the hash's first [`PREFIX_LEN`]
/// lowercase hex characters and the exact name; with its bytes.
pub fn content(
    db: &mut Db<'_>,
    document_id: i64,
    sha_prefix: &str,
    name: &str,
) -> Result<Option<(StoredFileMeta, Vec<u8>)>, DbError> {
    let valid = sha_prefix.len() == PREFIX_LEN
        && sha_prefix
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    if !valid {
        return Ok(None);
    }
    let Some(row) = rows::by_address(db, document_id, sha_prefix, name)?
        .into_iter()
        .next()
    else {
        return Ok(None);
    };
    let meta = StoredFileMeta::try_from(row)?;
    let size = usize::try_from(meta.size).unwrap_or(0);
    let bytes = rows::content_of(db, Blobs::Documents, meta.id, size)?;
    Ok(Some((meta, bytes)))
}

/// Why a file could not be withdrawn.
#[derive(Debug, thiserror::Error)]
pub enum WithdrawError {
    #[error("Không có tệp này.")]
    NotFound,
    #[error("Tệp đã được thu hồi trước đó.")]
    Already,
    #[error("Cần ghi lý do thu hồi (tối đa 1000 ký tự).")]
    Reason,
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<diesel::result::Error> for WithdrawError {
    fn from(e: diesel::result::Error) -> WithdrawError {
        WithdrawError::Db(e.into())
    }
}

/// The reason of a withdrawal as kept: trimmed, NFC, 1 to 1,000 characters.
pub(super) fn withdrawal_reason(reason: &str) -> Result<String, WithdrawError> {
    let reason = crate::domain::text::nfc(reason.trim());
    if reason.is_empty() || reason.chars().count() > 1000 {
        return Err(WithdrawError::Reason);
    }
    Ok(reason)
}

/// Marks the file `id` kept in `blobs` withdrawn and appends the audit entry of the record
/// kind `record`: `names` (what names the file: its owner, hash and name) before, and the same
/// with the reason after. The one withdrawal of document originals and procedure forms.
pub(super) fn mark_withdrawn(
    db: &mut Db<'_>,
    blobs: Blobs,
    record: &str,
    actor: &str,
    id: i64,
    reason: &str,
    names: serde_json::Value,
) -> Result<(), WithdrawError> {
    if !rows::withdraw(db, blobs, id, crate::clock::now(), actor, reason)? {
        return Err(WithdrawError::Already);
    }
    let mut after = names.clone();
    after["withdrawn_reason"] = json!(reason);
    crate::audit::append(
        db,
        actor,
        "withdraw",
        record,
        &id.to_string(),
        Some(&names),
        Some(&after),
    )?;
    Ok(())
}

/// Withdraws the file `id` of the document `document_id` (entered in error), in the caller's
/// transaction, with an audit entry naming its hash and the reason. The bytes are kept; the
/// address answers 410 with the reason.
pub fn withdraw(
    db: &mut Db<'_>,
    actor: &str,
    document_id: i64,
    id: i64,
    reason: &str,
) -> Result<StoredFileMeta, WithdrawError> {
    let reason = withdrawal_reason(reason)?;
    let before = match rows::by_id(db, id)? {
        Some(r) if r.document_id == document_id => StoredFileMeta::try_from(r)?,
        _ => return Err(WithdrawError::NotFound),
    };
    if before.withdrawn.is_some() {
        return Err(WithdrawError::Already);
    }
    mark_withdrawn(
        db,
        Blobs::Documents,
        "document_file",
        actor,
        id,
        &reason,
        json!({ "document_id": document_id, "sha256": before.sha256, "name": before.name }),
    )?;
    let row = rows::by_id(db, id)?.ok_or(WithdrawError::NotFound)?;
    Ok(row.try_into()?)
}

/// The `Content-Disposition` of a download (RFC 6266): `attachment`, an ASCII `filename` for
/// old clients (diacritics dropped, anything else unsafe as `_`) and the exact name as
/// `filename*` (RFC 5987, UTF-8, percent-encoded).
pub fn disposition(name: &str) -> String {
    let ascii: String = crate::domain::text::fold(name)
        .chars()
        .map(|c| match c {
            ' '..='~' if c != '"' && c != '\\' && c != '%' => c,
            _ => '_',
        })
        .collect();
    format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
        percent_encoding::utf8_percent_encode(name, ATTR_CHAR)
    )
}

/// What RFC 5987 `attr-char` does not allow as is.
const ATTR_CHAR: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'!')
    .remove(b'#')
    .remove(b'$')
    .remove(b'&')
    .remove(b'+')
    .remove(b'-')
    .remove(b'.')
    .remove(b'^')
    .remove(b'_')
    .remove(b'`')
    .remove(b'|')
    .remove(b'~');

/// A stored file whose bytes no longer have their recorded SHA-256 (or size).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HashMismatch {
    pub id: i64,
    /// `document_files` (an original; `owner_id` is its document) or `procedure_forms` (a
    /// form; `owner_id` is its procedure version).
    pub table: &'static str,
    pub owner_id: i64,
    pub name: String,
    pub recorded: String,
    pub actual: String,
}

/// What [`verify_hashes`] found: how many originals and forms were read, their bytes, and
/// those that do not match.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct HashCheck {
    pub files: u64,
    pub forms: u64,
    pub bytes: u64,
    pub mismatches: Vec<HashMismatch>,
}

/// Recomputes the SHA-256 and size of every stored file — the originals of documents and the
/// forms of procedures — part by part, and reports those that differ from what was recorded
/// (a part altered, missing or added).
pub fn verify_hashes(db: &mut Db<'_>) -> Result<HashCheck, DbError> {
    use sha2::{Digest, Sha256};
    const BATCH: i64 = 100;
    let mut out = HashCheck::default();
    for (blobs, table) in [
        (Blobs::Documents, "document_files"),
        (Blobs::ProcedureForms, "procedure_forms"),
    ] {
        let mut after = 0;
        loop {
            let batch = rows::files_after(db, blobs, after, BATCH)?;
            let Some(last) = batch.last() else {
                break;
            };
            after = last.id;
            for f in batch {
                let mut hasher = Sha256::new();
                let mut size: u64 = 0;
                let mut seq = 0;
                while let Some(part) = rows::part_of(db, blobs, f.id, seq)? {
                    hasher.update(&part);
                    size += part.len() as u64;
                    seq += 1;
                }
                match blobs {
                    Blobs::Documents => out.files += 1,
                    Blobs::ProcedureForms => out.forms += 1,
                }
                out.bytes += size;
                let actual = hex::encode(hasher.finalize());
                if actual != f.sha256 || u64::try_from(f.size).ok() != Some(size) {
                    out.mismatches.push(HashMismatch {
                        id: f.id,
                        table,
                        owner_id: f.owner_id,
                        name: f.name,
                        recorded: f.sha256,
                        actual,
                    });
                }
            }
        }
    }
    Ok(out)
}
