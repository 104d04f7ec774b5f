//! The forms of a procedure version (mẫu đơn, tờ khai) in the same store as the originals of
//! documents: checked by the same [`check`](super::check), named and sized by the same code,
//! their bytes written and read in parts by the same queries (`db::originals::Blobs`), served
//! with the same `Content-Disposition`. Stored in the caller's transaction, audited with the
//! hash.

use chrono::NaiveDateTime;
use serde::Serialize;
use serde_json::json;

use super::store::{mark_withdrawn, withdrawal_reason};
use super::{Checked, Description, FileKind, Upload, WithdrawError, Withdrawal};
use crate::db::originals::{self as blobs, Blobs};
use crate::db::procedure_forms::{self as rows, FormRow, NewFormRow};
use crate::db::stored::{code, At};
use crate::db::{Db, DbError};

const TABLE: &str = "procedure_forms";

/// A stored form, without its bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredForm {
    pub id: i64,
    pub version_id: i64,
    /// SHA-256 of the bytes, lowercase hex.
    pub sha256: String,
    pub name: String,
    pub kind: FileKind,
    pub size: u64,
    pub description: Option<String>,
    pub created_at: NaiveDateTime,
    pub created_by: String,
    /// Set when the form was withdrawn (entered in error): its address then answers 410.
    pub withdrawn: Option<Withdrawal>,
}

impl TryFrom<FormRow> for StoredForm {
    type Error = DbError;

    fn try_from(r: FormRow) -> Result<StoredForm, DbError> {
        let kind = code(
            &r.content_type,
            At::new(TABLE, &r.id, "content_type"),
            FileKind::of_content_type,
        )?;
        let size = u64::try_from(r.size).map_err(|e| {
            crate::db::stored::Corrupt::new(TABLE, r.id, "size", &r.size.to_string(), e)
        })?;
        Ok(StoredForm {
            id: r.id,
            version_id: r.version_id,
            sha256: r.sha256,
            name: r.name,
            kind,
            size,
            description: r.description,
            created_at: r.created_at,
            created_by: r.created_by,
            withdrawn: r.withdrawn_at.map(|at| Withdrawal {
                at,
                by: r.withdrawn_by.unwrap_or_default(),
                reason: r.withdrawn_reason.unwrap_or_default(),
            }),
        })
    }
}

/// A form after [`store_form`]: its record, and whether this call stored it (false: the
/// version already held the same bytes, which are kept once).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormStored {
    pub form: StoredForm,
    pub created: bool,
}

/// Stores a checked file as a form of the procedure version `version_id`, in the caller's
/// transaction, with an audit entry naming its hash. The same bytes twice on one version are
/// stored once (the record already there is returned).
pub fn store_form(
    db: &mut Db<'_>,
    actor: &str,
    version_id: i64,
    upload: &Upload,
    checked: &Checked,
    description: Option<&Description>,
) -> Result<FormStored, DbError> {
    if let Some(row) = rows::by_hash(db, version_id, &checked.sha256)? {
        return Ok(FormStored {
            form: row.try_into()?,
            created: false,
        });
    }
    let (name, size) = super::store::blob_fields(upload, checked);
    let id = rows::insert(
        db,
        &NewFormRow {
            version_id,
            sha256: &checked.sha256,
            name: &name,
            content_type: checked.kind.content_type(),
            size,
            description: description.map(Description::as_str),
            created_at: crate::clock::now(),
            created_by: actor,
        },
        &upload.bytes,
    )?;
    crate::audit::append(
        db,
        actor,
        "create",
        "procedure_form",
        &id.to_string(),
        None,
        Some(&json!({
            "version_id": version_id,
            "sha256": checked.sha256,
            "name": name,
            "content_type": checked.kind.content_type(),
            "size": checked.size,
            "description": description.map(Description::as_str),
        })),
    )?;
    let row = rows::by_id(db, id)?.ok_or(DbError::Query(diesel::result::Error::NotFound))?;
    Ok(FormStored {
        form: row.try_into()?,
        created: true,
    })
}

/// The forms of a version that are not withdrawn, oldest first.
pub fn list_forms(db: &mut Db<'_>, version_id: i64) -> Result<Vec<StoredForm>, DbError> {
    rows::of_version(db, version_id)?
        .into_iter()
        .map(StoredForm::try_from)
        .filter(|f| !matches!(f, Ok(f) if f.withdrawn.is_some()))
        .collect()
}

/// The form `id` with its bytes, if stored (a withdrawn form too, flagged: its address
/// answers 410 with the reason, as an original's does).
pub fn form_content(db: &mut Db<'_>, id: i64) -> Result<Option<(StoredForm, Vec<u8>)>, DbError> {
    let Some(form) = form(db, id)? else {
        return Ok(None);
    };
    let size = usize::try_from(form.size).unwrap_or(0);
    let bytes = blobs::content_of(db, Blobs::ProcedureForms, form.id, size)?;
    Ok(Some((form, bytes)))
}

/// The form `id` without its bytes, if stored (withdrawn or not).
pub fn form(db: &mut Db<'_>, id: i64) -> Result<Option<StoredForm>, DbError> {
    rows::by_id(db, id)?.map(StoredForm::try_from).transpose()
}

/// Withdraws the form `id` (entered in error), in the caller's transaction, as an original is
/// withdrawn: a reason required, an audit entry naming its hash and the reason, the bytes kept
/// (and in backups); its address then answers 410 with the reason.
pub fn withdraw_form(
    db: &mut Db<'_>,
    actor: &str,
    id: i64,
    reason: &str,
) -> Result<StoredForm, WithdrawError> {
    let reason = withdrawal_reason(reason)?;
    let before = form(db, id)?.ok_or(WithdrawError::NotFound)?;
    if before.withdrawn.is_some() {
        return Err(WithdrawError::Already);
    }
    mark_withdrawn(
        db,
        Blobs::ProcedureForms,
        "procedure_form",
        actor,
        id,
        &reason,
        json!({ "version_id": before.version_id, "sha256": before.sha256, "name": before.name }),
    )?;
    form(db, id)?.ok_or(WithdrawError::NotFound)
}
