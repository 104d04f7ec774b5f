//! `/documents/new`: a new document from its signed file. The officer uploads the file (or
//! pastes its text), checks the fields read from it on the review form, previews the changes of
//! status its effects make, and saves — through the import's write path (`app::intake`).
//! Nothing is stored before «Lưu». The effects form of an existing document is [`effects`].

pub mod effects;

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use futures_util::StreamExt;

use super::{base_context, render, render_status, PageError};
use crate::app::intake::form::{Draft, FieldErrors};
use crate::app::intake::save::{self, Review};
use crate::app::intake::source::{self, SourceError};
use crate::app::intake::writer;
use crate::app::{on_pool, AppState};
use crate::auth::Actor;
use crate::domain::kinds::EffectKind;
use crate::error::AppError;

/// The largest body of the upload form: the file, the pasted text and the other fields.
pub const UPLOAD_LIMIT: usize = source::MAX_FILE + source::MAX_TEXT + 64 * 1024;

/// The largest body of the review form (the text percent-encoded: up to 9 bytes a character).
pub const REVIEW_LIMIT: usize = 9 * source::MAX_TEXT + 256 * 1024;

/// The effect kinds the forms offer (those a document's text makes on another).
pub const KINDS: [EffectKind; 4] = [
    EffectKind::Replace,
    EffectKind::Repeal,
    EffectKind::Amend,
    EffectKind::Suspend,
];

pub(super) fn kinds() -> Vec<(&'static str, &'static str)> {
    KINDS.iter().map(|k| (k.code(), k.label())).collect()
}

/// `GET /documents/new`: the upload form.
pub async fn new_form() -> Result<HttpResponse, PageError> {
    let mut ctx = base_context("documents", "");
    ctx.insert("errors", &FieldErrors::new());
    ctx.insert("text", "");
    Ok(render("intake_new.html", &ctx)?)
}

/// The upload form shown again with an error beside its field.
fn upload_refused(
    status: u16,
    field: &str,
    message: String,
    text: &str,
) -> Result<HttpResponse, PageError> {
    let mut ctx = base_context("documents", "");
    ctx.insert("errors", &FieldErrors::from([(field.to_string(), message)]));
    ctx.insert("text", text);
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
    Ok(render_status(status, "intake_new.html", &ctx)?)
}

/// What the upload form sent.
#[derive(Default)]
struct Upload {
    file: Option<(Vec<u8>, String)>,
    text: String,
}

/// Reads the upload form; a file over the bound is refused as soon as it passes it.
async fn read_upload(mut form: Multipart) -> Result<Result<Upload, SourceError>, AppError> {
    let mut up = Upload::default();
    let bad = |e: actix_multipart::MultipartError| {
        AppError::BadRequest(format!("Không đọc được biểu mẫu gửi lên: {e}"))
    };
    while let Some(field) = form.next().await {
        let mut field = field.map_err(bad)?;
        let name = field.name().unwrap_or_default().to_string();
        let filename = field
            .content_disposition()
            .and_then(|d| d.get_filename())
            .unwrap_or_default()
            .to_string();
        let limit = if name == "file" {
            source::MAX_FILE
        } else {
            source::MAX_TEXT
        };
        let mut data = Vec::new();
        while let Some(chunk) = field.next().await {
            data.extend_from_slice(&chunk.map_err(bad)?);
            if data.len() > limit {
                return Ok(Err(if name == "file" {
                    SourceError::TooLarge
                } else {
                    SourceError::Unreadable("Nội dung dán vượt quá 2 MiB.".into())
                }));
            }
        }
        match name.as_str() {
            "file" if !data.is_empty() => up.file = Some((data, filename)),
            "text" => up.text = String::from_utf8_lossy(&data).into_owned(),
            _ => {}
        }
    }
    Ok(Ok(up))
}

/// `POST /documents/new`: reads the file or the pasted text and shows the review form.
pub async fn upload(
    state: web::Data<AppState>,
    actor: Actor,
    form: Multipart,
) -> Result<HttpResponse, PageError> {
    let up = match read_upload(form).await? {
        Ok(up) => up,
        Err(e) => return upload_refused(e.status(), "file", e.to_string(), ""),
    };
    let pasted = source::pasted(&up.text);
    let mut note = None;
    let mut filename = String::new();
    let mut file_text = None;
    if let Some((bytes, name)) = &up.file {
        filename.clone_from(name);
        let read = source::kind_of(bytes).and_then(|k| source::text_of(k, bytes));
        match read {
            Ok(Some(t)) => file_text = Some(t),
            Ok(None) => note = Some(source::NO_TEXT_LAYER.to_string()),
            Err(e) => return upload_refused(e.status(), "file", e.to_string(), &up.text),
        }
    }
    let text = if pasted.trim().is_empty() {
        file_text.unwrap_or_default()
    } else {
        pasted
    };
    if text.trim().is_empty() {
        let (field, message) = match &note {
            Some(n) => ("text", format!("{n}.")),
            None => ("file", SourceError::Nothing.to_string()),
        };
        let status = if note.is_some() { 422 } else { 400 };
        return upload_refused(status, field, message, "");
    }
    let x = crate::domain::extract::extract(&text);
    let mut draft = Draft::from_extraction(&x, &source::pasted(&text));
    if let Some(e) = x.encoding {
        note = Some(format!(
            "Văn bản được gõ bằng bảng mã cũ ({e:?}) và đã được chuyển sang Unicode; hãy kiểm tra lại dấu."
        ));
    }
    draft.action.clear();
    let review = on_pool(&state, move |db| {
        let w = writer(db, &actor)?;
        save::review(db, &w, draft)
    })
    .await?;
    review_page(StatusCode::OK, &review, &filename, note.as_deref())
}

/// The review form.
fn review_page(
    status: StatusCode,
    review: &Review,
    filename: &str,
    note: Option<&str>,
) -> Result<HttpResponse, PageError> {
    let mut ctx = base_context("documents", "");
    ctx.insert("review", review);
    ctx.insert("doc_types", crate::domain::kinds::DOCUMENT_TYPES);
    ctx.insert("effect_kinds", &kinds());
    ctx.insert("filename", filename);
    ctx.insert("note", &note);
    Ok(render_status(status, "intake_review.html", &ctx)?)
}

/// `POST /documents/new/confirm`: the review form posted with «Xem trước» (the preview of
/// status changes, nothing kept) or «Lưu» (saved, then the new document's page).
///
/// The body is read here and parsed into [`Draft`] field by field: the document's text makes
/// it larger than the app-wide form limit of `web::Form`.
pub async fn confirm(
    state: web::Data<AppState>,
    actor: Actor,
    payload: web::Payload,
) -> Result<HttpResponse, PageError> {
    let body = crate::app::body::read_body(payload.into_inner(), REVIEW_LIMIT).await?;
    let text = std::str::from_utf8(&body)
        .map_err(|_| AppError::BadRequest("Biểu mẫu gửi lên không phải UTF-8.".into()))?;
    let draft = web::Query::<Draft>::from_query(text)
        .map_err(|e| AppError::BadRequest(format!("Biểu mẫu gửi lên không hợp lệ: {e}")))?
        .into_inner();
    let saving = draft.action == "save";
    let today = state.today();
    let pool = state.pool.clone();
    let (review, outcome) = web::block(move || -> Result<_, AppError> {
        let mut conn = pool.get()?;
        let (w, review, records) = {
            let mut db = conn.db();
            let w = writer(&mut db, &actor)?;
            let review = save::review(&mut db, &w, draft)?;
            let records = save::records(&mut db, &review)?;
            (w, review, records)
        };
        drop(conn);
        let records = match records {
            Ok(r) => r,
            Err(errors) => return Ok((review, Outcome::Refused(422, errors))),
        };
        if saving {
            return Ok(match save::save(&pool, &w, &records, |_, _| Ok(()))? {
                Ok(id) => (review, Outcome::Saved(id)),
                Err((status, errors)) => (review, Outcome::Refused(status, errors)),
            });
        }
        Ok(match save::preview(&pool, &w, &records, today)? {
            Ok(p) => (review, Outcome::Previewed(p)),
            Err((status, errors)) => (review, Outcome::Refused(status, errors)),
        })
    })
    .await??;
    let mut review = review;
    match outcome {
        Outcome::Saved(id) => Ok(HttpResponse::SeeOther()
            .insert_header(("Location", format!("/documents/{id}")))
            .finish()),
        Outcome::Previewed(p) => {
            review.preview = Some(p);
            review_page(StatusCode::OK, &review, "", None)
        }
        Outcome::Refused(status, errors) => {
            review.errors = errors;
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
            review_page(status, &review, "", None)
        }
    }
}

/// What became of a posted form.
pub enum Outcome {
    Saved(i64),
    Previewed(crate::exchange::preview::Preview),
    Refused(u16, FieldErrors),
}
