//! The forms of a procedure (mẫu đơn, tờ khai) as pages and the API use them: the forms of a
//! version with their download addresses, the page that adds one to the current version (the
//! same form reading, checks and store as a document's originals, `app::originals`), and who
//! may add one.

use serde::Serialize;

use super::originals::{check_off_workers, size_label, UploadError, UploadForm, WithdrawTarget};
use super::{on_pool, with_write, AppState};
use crate::auth::{Actor, Principal, Role};
use crate::db::Db;
use crate::error::AppError;
use crate::originals::forms::{self, FormStored, StoredForm};
use crate::originals::{FileKind, WithdrawError, MAX_FILE_BYTES};
use crate::registry::org::Org;

pub use super::originals::Sent;

/// A form as the procedure page and the API show it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FormView {
    pub id: i64,
    /// The file name, with the extension of its kind.
    pub name: String,
    pub media_type: String,
    /// `PDF` or `Word`.
    pub type_label: String,
    /// Bytes.
    pub size: u64,
    /// The size in kibibytes (bytes / 1024), as the page shows it with one decimal.
    pub size_kb: f64,
    /// The download address.
    pub url: String,
    /// What the form is, in the words of whoever added it.
    pub description: Option<String>,
}

impl FormView {
    pub fn of(code: &str, f: &StoredForm) -> FormView {
        #[allow(clippy::cast_precision_loss)] // sizes ≤ 20 MiB
        let size_kb = f.size as f64 / 1024.0;
        FormView {
            id: f.id,
            name: f.name.clone(),
            media_type: f.kind.content_type().to_string(),
            type_label: type_label(f.kind).to_string(),
            size: f.size,
            size_kb,
            url: format!("/procedures/{code}/mau-don/{}", f.id),
            description: f.description.clone(),
        }
    }
}

/// The short name of a kind of file for a reader.
pub fn type_label(kind: FileKind) -> &'static str {
    match kind {
        FileKind::Pdf => "PDF",
        FileKind::Docx => "Word",
    }
}

/// The forms (not withdrawn) of the version `version_id` of the procedure `code`.
pub fn forms_of(db: &mut Db<'_>, code: &str, version_id: i64) -> Result<Vec<FormView>, AppError> {
    Ok(forms::list_forms(db, version_id)?
        .iter()
        .map(|f| FormView::of(code, f))
        .collect())
}

fn unknown(code: &str) -> AppError {
    AppError::NotFound(format!("Không có thủ tục hành chính mã «{code}»."))
}

/// The page that adds a form to the current version of a procedure.
#[derive(Debug, Clone, Serialize)]
pub struct FormPage {
    pub code: String,
    pub name: String,
    pub version_id: i64,
    pub decision_number: String,
    pub forms: Vec<FormView>,
    /// The largest file, in MiB.
    pub max_mib: usize,
}

/// The add-a-form page of the procedure `code` (404 when there is none).
pub async fn form_page(state: &AppState, code: String) -> Result<FormPage, AppError> {
    on_pool(state, move |db| {
        let v = crate::db::procedure_forms::current_version(db, &code)?
            .ok_or_else(|| unknown(&code))?;
        Ok(FormPage {
            forms: forms_of(db, &code, v.id)?,
            code,
            name: v.name,
            version_id: v.id,
            decision_number: v.decision_number,
            max_mib: MAX_FILE_BYTES / (1024 * 1024),
        })
    })
    .await
}

/// Checks the file by its bytes (off the async workers) and stores it as a form of the
/// current version of the procedure `code` (its own write transaction). A refused file is the
/// inner error; nothing is stored.
pub async fn add(
    state: &AppState,
    actor: &Actor,
    code: String,
    form: UploadForm,
) -> Result<Result<FormStored, UploadError>, AppError> {
    let UploadForm {
        file: upload,
        description,
        ..
    } = form;
    let (upload, checked) = match check_off_workers(upload).await? {
        (u, Ok(c)) => (u, c),
        (_, Err(e)) => return Ok(Err(e.into())),
    };
    let who = actor.actor();
    let stored = with_write(state, move |db| {
        let v = crate::db::procedure_forms::current_version(db, &code)?
            .ok_or_else(|| unknown(&code))?;
        Ok(forms::store_form(
            db,
            &who,
            v.id,
            &upload,
            &checked,
            description.as_ref(),
        )?)
    })
    .await?;
    Ok(Ok(stored))
}

/// What the page says when the version already holds the same bytes (nothing is stored again).
pub fn already_held(form: &StoredForm) -> String {
    super::originals::same_bytes_held(
        "Thủ tục",
        &form.sha256,
        &form.name,
        form.withdrawn.is_some(),
    )
}

/// The form `id` of the procedure `code` with its bytes: `None` when unknown or of another
/// procedure; a withdrawn one flagged (its address answers 410 with the reason).
pub async fn download(
    state: &AppState,
    code: String,
    id: i64,
) -> Result<Option<(StoredForm, Vec<u8>)>, AppError> {
    on_pool(state, move |db| {
        let Some((form, bytes)) = forms::form_content(db, id)? else {
            return Ok(None);
        };
        let of = crate::db::procedure_forms::procedure_code_of_version(db, form.version_id)?;
        Ok((of.as_deref() == Some(code.as_str())).then_some((form, bytes)))
    })
    .await
}

fn no_form(id: i64) -> AppError {
    AppError::NotFound(format!("Không có mẫu đơn, tờ khai mã số {id}."))
}

/// The form `id` on the withdrawal page (404 when there is none).
fn withdraw_target(db: &mut Db<'_>, form: &StoredForm) -> Result<WithdrawTarget, AppError> {
    let code = crate::db::procedure_forms::procedure_code_of_version(db, form.version_id)?
        .ok_or_else(|| no_form(form.id))?;
    Ok(WithdrawTarget {
        name: form.name.clone(),
        kind_label: format!("Mẫu đơn, tờ khai ({})", type_label(form.kind)),
        size_label: size_label(form.size),
        sha256: form.sha256.clone(),
        withdrawn_reason: form.withdrawn.as_ref().map(|w| w.reason.clone()),
        action: format!("/admin/procedure-forms/{}/withdraw", form.id),
        owner_href: format!("/procedures/{code}"),
        owner_label: format!("Thủ tục {code}"),
        list_href: format!("/procedures/{code}#mau-don"),
        list_label: "Mẫu đơn, tờ khai".into(),
    })
}

/// The withdrawal page of the form `id` (404 when there is none).
pub async fn withdraw_page(state: &AppState, id: i64) -> Result<WithdrawTarget, AppError> {
    on_pool(state, move |db| {
        let form = forms::form(db, id)?.ok_or_else(|| no_form(id))?;
        withdraw_target(db, &form)
    })
    .await
}

/// Withdraws the form `id` with a reason (its own write transaction); the refusal (no such
/// form, already withdrawn, no reason) is the inner error, and nothing is written.
pub async fn withdraw(
    state: &AppState,
    actor: &Actor,
    id: i64,
    reason: String,
) -> Result<Result<WithdrawTarget, WithdrawError>, AppError> {
    let who = actor.actor();
    with_write(state, move |db| {
        let form = match forms::withdraw_form(db, &who, id, &reason) {
            Ok(f) => f,
            Err(WithdrawError::Db(e)) => return Err(e.into()),
            Err(e) => return Ok(Err(e)),
        };
        Ok(Ok(withdraw_target(db, &form)?))
    })
    .await
}

/// Whether `who` may add forms to the procedure `code`: the rule of the add route
/// (administrators, and officers whose units cover the unit of the authority that announced
/// its current version), for the link on the procedure page.
pub fn may_add(db: &mut Db<'_>, who: &Principal, code: &str) -> Result<bool, AppError> {
    if !matches!(who.role, Role::Admin | Role::Officer) {
        return Ok(false);
    }
    let Some(unit) = crate::db::scope::procedure_unit(db, code)? else {
        return Ok(false);
    };
    let org = Org::load(db)?;
    Ok(who.scope.covers(unit, |u| org.all_unit_predecessors(u)))
}
