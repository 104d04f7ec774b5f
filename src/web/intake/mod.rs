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
pub const UPLOAD_LIMIT: usize = crate::originals::MAX_FILE_BYTES + source::MAX_TEXT + 64 * 1024;

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
struct Sent {
    file: Option<crate::originals::Upload>,
    text: String,
}

/// Reads the upload form; a file or a text over its bound is refused as soon as it passes it.
async fn read_upload(mut form: Multipart) -> Result<Result<Sent, SourceError>, AppError> {
    let mut sent = Sent::default();
    let bad = crate::web::unreadable_form;
    while let Some(field) = form.next().await {
        let mut field = field.map_err(bad)?;
        match field.name().unwrap_or_default() {
            "file" => {
                match crate::originals::read_field(&mut field, crate::originals::MAX_FILE_BYTES)
                    .await
                {
                    Ok(f) if f.bytes.is_empty() => {}
                    Ok(f) => sent.file = Some(f),
                    Err(e) => return Ok(Err(e.into())),
                }
            }
            "text" => {
                let mut data = Vec::new();
                while let Some(chunk) = field.next().await {
                    data.extend_from_slice(&chunk.map_err(bad)?);
                    if data.len() > source::MAX_TEXT {
                        return Ok(Err(SourceError::TextTooLarge));
                    }
                }
                sent.text = String::from_utf8_lossy(&data).into_owned();
            }
            _ => {
                while let Some(chunk) = field.next().await {
                    chunk.map_err(bad)?;
                }
            }
        }
    }
    Ok(Ok(sent))
}

/// The text to read: the pasted text, else the file's; the note when the file gave none.
fn text_to_read(sent: &Sent) -> Result<(String, Option<String>), SourceError> {
    let mut note = None;
    let mut file_text = None;
    if let Some(f) = &sent.file {
        let checked = crate::originals::check(f)?;
        match source::text_of(checked.kind, &f.bytes)? {
            Some(t) => file_text = Some(t),
            None => note = Some(source::NO_TEXT_LAYER.to_string()),
        }
    }
    let pasted = source::pasted(&sent.text);
    let text = if pasted.trim().is_empty() {
        file_text.unwrap_or_default()
    } else {
        pasted
    };
    Ok((text, note))
}

/// `POST /documents/new`: reads the file or the pasted text and shows the review form; the
/// file is held on the server until «Lưu».
pub async fn upload(
    state: web::Data<AppState>,
    actor: Actor,
    form: Multipart,
) -> Result<HttpResponse, PageError> {
    let read = match read_upload(form).await {
        Ok(read) => read,
        Err(e @ AppError::BadRequest(_)) => {
            return Ok(crate::web::refused_form(&e, "/documents/new"))
        }
        Err(e) => return Err(e.into()),
    };
    let sent = match read {
        Ok(s) => s,
        Err(e) => return upload_refused(e.status(), e.field(), e.to_string(), ""),
    };
    let (text, mut note) = match text_to_read(&sent) {
        Ok(t) => t,
        Err(e) => return upload_refused(e.status(), e.field(), e.to_string(), &sent.text),
    };
    if text.trim().is_empty() {
        return match &note {
            Some(n) => upload_refused(422, "text", format!("{n}."), ""),
            None => upload_refused(400, "file", SourceError::Nothing.to_string(), ""),
        };
    }
    let x = crate::domain::extract::extract(&text);
    let mut draft = Draft::from_extraction(&x, &source::pasted(&text));
    if let Some(e) = x.encoding {
        note = Some(format!(
            "Văn bản được gõ bằng bảng mã cũ ({e:?}) và đã được chuyển sang Unicode; hãy kiểm tra lại dấu."
        ));
    }
    let filename = sent
        .file
        .as_ref()
        .map(|f| f.name.clone())
        .unwrap_or_default();
    let review = on_pool(&state, move |db| {
        if let Some(f) = &sent.file {
            draft.upload = source::hold(db, actor.user_id, f)?;
        }
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
    let draft = match web::Query::<Draft>::from_query(text) {
        Ok(d) => d.into_inner(),
        Err(e) => {
            let message = crate::web::form_message(&e.to_string());
            return Ok(crate::web::refused_form(
                &AppError::BadRequest(message),
                "/documents/new",
            ));
        }
    };
    let saving = draft.action == "save";
    let upload_token = draft.upload.clone();
    let actor_id = actor.user_id;
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
            let user = actor_id;
            let held = upload_token;
            let actor_name = w.actor.clone();
            let keep = move |db: &mut crate::db::Db<'_>, id: i64| {
                keep_file(db, user, &held, &actor_name, id)
            };
            return Ok(match save::save(&pool, &w, &records, keep)? {
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

/// Stores the file held under `token` (if any) on the saved document `id`, in the save's
/// transaction: an expired hold fails the save, beside the form.
fn keep_file(
    db: &mut crate::db::Db<'_>,
    user: i64,
    token: &str,
    actor: &str,
    id: i64,
) -> Result<(), save::SaveError> {
    if token.is_empty() {
        return Ok(());
    }
    let refuse = |message: String| {
        save::SaveError::Write(crate::exchange::write::WriteError::Invalid(vec![
            crate::jsonl::LineError {
                file: String::new(),
                line: 0,
                message,
            },
        ]))
    };
    match source::take_held(db, user, token)? {
        None => Err(refuse(format!(
            "Tệp đã tải lên chỉ được giữ {} giờ và đã hết hạn: hãy tải lên lại",
            source::HOLD_HOURS
        ))),
        Some(Err(e)) => Err(refuse(e.to_string())),
        Some(Ok((upload, checked, role))) => {
            crate::originals::store(db, actor, id, &upload, &checked, role)?;
            Ok(())
        }
    }
}

/// What became of a posted form.
pub enum Outcome {
    Saved(i64),
    Previewed(crate::exchange::preview::Preview),
    Refused(u16, FieldErrors),
}
