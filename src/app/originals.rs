//! The originals of a document as pages and the API use them: reading the upload form
//! (multipart: `file`, `role`, `description`), checking and storing a file (one path for the
//! API and the attach page), the list of a document's files with their addresses, and the
//! withdrawal of one entered in error.

use actix_multipart::Multipart;
use futures_util::StreamExt;
use serde::Serialize;

use super::{on_pool, with_write, AppState};
use crate::auth::Actor;
use crate::db::queries;
use crate::error::AppError;
use crate::originals::{
    self, Description, DescriptionError, FileError, FileRole, StoredFile, StoredFileMeta, Upload,
    WithdrawError, MAX_FILE_BYTES,
};
use crate::registry::org::Org;

/// The body of an upload: the file and the form's short fields.
pub const UPLOAD_BODY: usize = MAX_FILE_BYTES + 64 * 1024;

/// The longest short field of the upload form (`role`, `csrf_token`).
const SHORT_FIELD: usize = 4096;

/// Why an upload form was refused: the file itself, or the form around it.
#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    #[error(transparent)]
    File(#[from] FileError),
    #[error("Cần chọn tệp (DOCX hoặc PDF) để tải lên.")]
    Missing,
    #[error("Vai trò của tệp «{0}» không có trong danh mục (signed, word, annex).")]
    Role(String),
    #[error(transparent)]
    Description(#[from] DescriptionError),
    #[error("Không đọc được biểu mẫu gửi lên: {0}")]
    Form(String),
}

impl UploadError {
    pub fn status(&self) -> u16 {
        match self {
            UploadError::File(e) => e.status(),
            UploadError::Missing
            | UploadError::Role(_)
            | UploadError::Description(_)
            | UploadError::Form(_) => 400,
        }
    }

    /// The stable problem code.
    pub fn code(&self) -> &'static str {
        match self {
            UploadError::File(e) => e.code(),
            UploadError::Missing => "file-missing",
            UploadError::Role(_) => "file-role",
            UploadError::Description(_) => "file-description",
            UploadError::Form(_) => "bad_request",
        }
    }

    /// The form field the message belongs beside.
    pub fn field(&self) -> &'static str {
        match self {
            UploadError::Role(_) => "role",
            UploadError::Description(_) => "description",
            _ => "file",
        }
    }
}

/// The upload form as read: the file (within [`MAX_FILE_BYTES`]), its role (by default, from
/// its kind once checked: a PDF is the signed copy, a DOCX the Word file) and its description.
#[derive(Debug)]
pub struct UploadForm {
    pub file: Upload,
    pub role: Option<FileRole>,
    pub description: Option<Description>,
}

/// What the form said before the file was refused, to show the form again as it was sent.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Sent {
    pub role: String,
    pub description: String,
}

/// Reads the upload form. A refusal comes with the short fields read so far.
pub async fn read_form(mut form: Multipart) -> Result<UploadForm, (UploadError, Sent)> {
    let mut sent = Sent::default();
    let mut file = None;
    while let Some(field) = form.next().await {
        let mut field = match field {
            Ok(f) => f,
            Err(e) => return Err((UploadError::Form(unreadable(&e)), sent)),
        };
        let read = match field.name() {
            Some("file") if file.is_none() => {
                match originals::read_field(&mut field, MAX_FILE_BYTES).await {
                    Ok(f) => {
                        file = Some(f);
                        Ok(())
                    }
                    Err(e) => Err(UploadError::File(e)),
                }
            }
            Some("role") => short(&mut field).await.map(|t| sent.role = t),
            Some("description") => match short(&mut field).await {
                Ok(t) => {
                    sent.description = t;
                    Ok(())
                }
                // Past the bound of a short field: far past the description's.
                Err(UploadError::Form(_)) => Err(UploadError::Description(DescriptionError)),
                Err(e) => Err(e),
            },
            _ => short(&mut field).await.map(|_| ()),
        };
        // A file over the bound, a broken form: the rest is not read.
        if let Err(e) = read {
            return Err((e, sent));
        }
    }
    match parse_form(file, &sent) {
        Ok(form) => Ok(form),
        Err(e) => Err((e, sent)),
    }
}

/// The form's fields checked: a file was chosen, a known role, a description within bounds.
fn parse_form(file: Option<Upload>, sent: &Sent) -> Result<UploadForm, UploadError> {
    let role = sent.role.trim();
    let role = if role.is_empty() {
        None
    } else {
        Some(FileRole::parse(role).ok_or_else(|| UploadError::Role(role.to_string()))?)
    };
    let description = Description::parse(&sent.description)?;
    let file = file.ok_or(UploadError::Missing)?;
    if file.bytes.is_empty() && file.name == "tep" {
        // A form sent with no file chosen: an empty part without a name.
        return Err(UploadError::Missing);
    }
    Ok(UploadForm {
        file,
        role,
        description,
    })
}

/// Why a multipart body could not be read, in Vietnamese (the reader's words go to the log).
fn unreadable(e: &actix_multipart::MultipartError) -> String {
    tracing::debug!(error = %e, "upload form could not be read");
    "biểu mẫu có tệp phải được gửi nguyên vẹn từ trang của nó (multipart/form-data); hãy chọn lại tệp rồi gửi".into()
}

/// A short text field, refused past [`SHORT_FIELD`] bytes.
async fn short(field: &mut actix_multipart::Field) -> Result<String, UploadError> {
    let mut value = Vec::new();
    while let Some(chunk) = field.next().await {
        let chunk = chunk.map_err(|e| UploadError::Form(unreadable(&e)))?;
        if value.len() + chunk.len() > SHORT_FIELD {
            return Err(UploadError::Form("một trường của biểu mẫu quá dài".into()));
        }
        value.extend_from_slice(&chunk);
    }
    String::from_utf8(value).map_err(|_| UploadError::Form("trường không phải UTF-8".into()))
}

/// Checks `upload` by its bytes (off the async workers) and stores it on the document `id`
/// (its own write transaction). A refused file is the inner error; nothing is stored.
pub async fn add(
    state: &AppState,
    actor: &Actor,
    id: i64,
    form: UploadForm,
) -> Result<Result<StoredFile, UploadError>, AppError> {
    let UploadForm {
        file: upload,
        role,
        description,
    } = form;
    let (upload, checked) = match check_off_workers(upload).await? {
        (u, Ok(c)) => (u, c),
        (_, Err(e)) => return Ok(Err(e.into())),
    };
    let role = role.unwrap_or(match checked.kind {
        originals::FileKind::Pdf => FileRole::Signed,
        originals::FileKind::Docx => FileRole::Word,
    });
    let who = actor.actor();
    let stored = with_write(state, move |db| {
        if queries::document(db, id)?.is_none() {
            return Err(AppError::NotFound(format!("Không có văn bản mã số {id}.")));
        }
        // A document withdrawn as entered in error takes no more files (410 with the reason).
        super::editing::refuse_withdrawn(db, id)?;
        Ok(originals::store_described(
            db,
            &who,
            id,
            &upload,
            &checked,
            role,
            description.as_ref(),
        )?)
    })
    .await?;
    Ok(Ok(stored))
}

/// Checks an upload by its bytes off the async workers (type, size, encryption, structure):
/// the one check of document originals and procedure forms. The upload comes back with it.
pub async fn check_off_workers(
    upload: Upload,
) -> Result<(Upload, Result<originals::Checked, FileError>), AppError> {
    Ok(actix_web::web::block(move || {
        let checked = originals::check(&upload);
        (upload, checked)
    })
    .await?)
}

/// What the upload pages say when the record already holds the same bytes (nothing is stored
/// again): `holder` («Văn bản», «Thủ tục»), the file's hash and name, whether it was withdrawn.
pub fn same_bytes_held(holder: &str, sha256: &str, name: &str, withdrawn: bool) -> String {
    let prefix = sha256.get(..originals::PREFIX_LEN).unwrap_or(sha256);
    if withdrawn {
        format!(
            "{holder} đã có đúng tệp này (cùng mã SHA-256 {prefix}…): «{name}», đã bị thu hồi. Không lưu thêm bản nào; nếu cần dùng lại tệp này, hãy liên hệ quản trị viên."
        )
    } else {
        format!(
            "{holder} đã có đúng tệp này (cùng mã SHA-256 {prefix}…): «{name}». Không lưu thêm bản nào."
        )
    }
}

/// A stored file — an original of a document or a form of a procedure — on the
/// administrators' withdrawal page (`file_withdraw.html`).
#[derive(Debug, Clone, Serialize)]
pub struct WithdrawTarget {
    pub name: String,
    /// What the file is: an original's role, or «Mẫu đơn, tờ khai».
    pub kind_label: String,
    pub size_label: String,
    pub sha256: String,
    /// Set when already withdrawn.
    pub withdrawn_reason: Option<String>,
    /// Where the withdrawal form posts.
    pub action: String,
    /// The record the file belongs to, and its files block on that record's page.
    pub owner_href: String,
    pub owner_label: String,
    pub list_href: String,
    pub list_label: String,
}

impl WithdrawTarget {
    /// An original of the document at `eli`.
    pub fn of_original(file: &FileView, eli: &str) -> WithdrawTarget {
        WithdrawTarget {
            name: file.name.clone(),
            kind_label: file.role_label.clone(),
            size_label: file.size_label.clone(),
            sha256: file.sha256.clone(),
            withdrawn_reason: file.withdrawn.as_ref().map(|w| w.reason.clone()),
            action: format!("/admin/files/{}/withdraw", file.id),
            owner_href: eli.to_string(),
            owner_label: "Văn bản".into(),
            list_href: format!("{eli}#tep-goc"),
            list_label: "Tệp gốc".into(),
        }
    }
}

/// A file as pages and the API show it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FileView {
    pub id: i64,
    /// SHA-256 of the bytes, lowercase hex.
    pub sha256: String,
    /// The hash's first 12 characters, as in the address.
    pub sha256_prefix: String,
    pub name: String,
    pub role: FileRole,
    pub role_label: String,
    pub content_type: String,
    /// Bytes.
    pub size: u64,
    /// The size in Vietnamese units (`1,2 MB`).
    pub size_label: String,
    /// The download address (under the document's ELI address).
    pub href: String,
    /// When it was stored (UTC, ISO 8601).
    pub created_at: String,
    /// Set when the file was withdrawn (entered in error): it then answers 410.
    pub withdrawn: Option<WithdrawnView>,
    /// What the file is, in the words of whoever attached it.
    pub description: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct WithdrawnView {
    /// When (UTC, ISO 8601).
    pub at: String,
    pub reason: String,
}

/// A document's files.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FileList {
    pub document_id: i64,
    /// The document's ELI address.
    pub eli: String,
    pub files: Vec<FileView>,
}

impl FileView {
    pub fn of(m: &StoredFileMeta, eli: &str) -> FileView {
        FileView {
            id: m.id,
            sha256: m.sha256.clone(),
            sha256_prefix: m.prefix().to_string(),
            name: m.name.clone(),
            role: m.role,
            role_label: m.role.label().to_string(),
            content_type: m.kind.content_type().to_string(),
            size: m.size,
            size_label: size_label(m.size),
            href: m.href(eli),
            created_at: m.created_at.and_utc().to_rfc3339(),
            withdrawn: m.withdrawn.as_ref().map(|w| WithdrawnView {
                at: w.at.and_utc().to_rfc3339(),
                reason: w.reason.clone(),
            }),
            description: m.description.clone(),
        }
    }
}

/// A size in Vietnamese units: `512 byte`, `12,5 KB`, `1,2 MB` (1 KB = 1024 byte, one
/// decimal with a comma).
pub fn size_label(bytes: u64) -> String {
    const KIB: f64 = 1024.0;
    #[allow(clippy::cast_precision_loss)] // sizes ≤ 20 MiB
    let b = bytes as f64;
    let (value, unit) = if bytes < 1024 {
        return format!("{bytes} byte");
    } else if b < KIB * KIB {
        (b / KIB, "KB")
    } else {
        (b / (KIB * KIB), "MB")
    };
    format!("{value:.1} {unit}").replace('.', ",")
}

/// The files of the document `id` (404 when there is no such document).
pub fn files_of(db: &mut crate::db::Db<'_>, id: i64) -> Result<FileList, AppError> {
    let org = Org::load(db)?;
    let eli = super::documents::eli_of_document(db, &org, id)?
        .ok_or_else(|| AppError::NotFound(format!("Không có văn bản mã số {id}.")))?
        .path();
    let files = originals::list(db, id)?
        .iter()
        .map(|m| FileView::of(m, &eli))
        .collect();
    Ok(FileList {
        document_id: id,
        eli,
        files,
    })
}

/// [`files_of`] off the async workers.
pub async fn list(state: &AppState, id: i64) -> Result<FileList, AppError> {
    on_pool(state, move |db| files_of(db, id)).await
}

/// One file and its document's address (for the withdrawal form).
pub async fn file(state: &AppState, file_id: i64) -> Result<(FileView, i64, String), AppError> {
    on_pool(state, move |db| {
        let meta = crate::db::originals::by_id(db, file_id)?
            .ok_or_else(|| AppError::NotFound(format!("Không có tệp mã số {file_id}.")))?;
        let list = files_of(db, meta.document_id)?;
        let view = list
            .files
            .into_iter()
            .find(|f| f.id == file_id)
            .ok_or_else(|| AppError::NotFound(format!("Không có tệp mã số {file_id}.")))?;
        Ok((view, list.document_id, list.eli))
    })
    .await
}

/// Withdraws the file `file_id` (of the document `document_id`, when given) with a reason;
/// the refusal (no such file, already withdrawn, no reason) is the inner error.
pub async fn withdraw(
    state: &AppState,
    actor: &Actor,
    document_id: Option<i64>,
    file_id: i64,
    reason: String,
) -> Result<Result<FileView, WithdrawError>, AppError> {
    let who = actor.actor();
    with_write(state, move |db| {
        let Some(row) = crate::db::originals::by_id(db, file_id)? else {
            return Ok(Err(WithdrawError::NotFound));
        };
        if document_id.is_some_and(|d| d != row.document_id) {
            return Ok(Err(WithdrawError::NotFound));
        }
        let meta = match originals::withdraw(db, &who, row.document_id, file_id, &reason) {
            Ok(m) => m,
            Err(WithdrawError::Db(e)) => return Err(e.into()),
            Err(e) => return Ok(Err(e)),
        };
        let org = Org::load(db)?;
        let eli = super::documents::eli_of_document(db, &org, meta.document_id)?
            .map(|e| e.path())
            .unwrap_or_default();
        Ok(Ok(FileView::of(&meta, &eli)))
    })
    .await
}

/// A role the attach form offers.
#[derive(Debug, Clone, Serialize)]
pub struct RoleOption {
    pub code: &'static str,
    pub label: &'static str,
}

/// The page that attaches a file to an existing document: the document, the files it holds,
/// the roles offered.
#[derive(Debug, Clone, Serialize)]
pub struct AttachPage {
    pub document: super::intake::resolve::Candidate,
    /// The document's ELI address.
    pub eli: String,
    pub files: Vec<FileView>,
    pub roles: Vec<RoleOption>,
    /// The largest file, in MiB.
    pub max_mib: usize,
}

/// The attach page of the document `id` (404 when there is none, 410 when it was withdrawn).
pub async fn attach_page(state: &AppState, id: i64) -> Result<AttachPage, AppError> {
    on_pool(state, move |db| {
        super::editing::refuse_withdrawn(db, id)?;
        let document = super::intake::resolve::candidate(db, id)?
            .ok_or_else(|| AppError::NotFound(format!("Không có văn bản mã số {id}.")))?;
        let list = files_of(db, id)?;
        Ok(AttachPage {
            document,
            eli: list.eli,
            files: list.files,
            roles: FileRole::ALL
                .iter()
                .map(|r| RoleOption {
                    code: r.code(),
                    label: r.label(),
                })
                .collect(),
            max_mib: MAX_FILE_BYTES / (1024 * 1024),
        })
    })
    .await
}

/// What the attach page says when the document already holds the same bytes (nothing is
/// stored again): which file it is, and whether it was withdrawn.
pub fn already_held(meta: &StoredFileMeta) -> String {
    same_bytes_held(
        "Văn bản",
        &meta.sha256,
        &meta.name,
        meta.withdrawn.is_some(),
    )
}

/// Whether `who` may attach files to the document `id`: the rule of the attach route
/// (administrators and officers whose units cover the document's), for the link on the
/// document page.
pub fn may_attach(
    db: &mut crate::db::Db<'_>,
    who: &crate::auth::Principal,
    id: i64,
) -> Result<bool, AppError> {
    use crate::auth::Role;
    if !matches!(who.role, Role::Admin | Role::Officer) {
        return Ok(false);
    }
    let Some(unit) = crate::db::scope::document_unit(db, id)? else {
        return Ok(false);
    };
    let org = Org::load(db)?;
    Ok(who.scope.covers(unit, |u| org.all_unit_predecessors(u)))
}
