//! The originals on the pages: the download under the document's ELI address
//! (`…/{number}/tep/{sha256-prefix}/{file name}`), the files block of the document page, the
//! page that attaches a file to an existing document (`/documents/{id}/tep/moi`: the same
//! reading, checks and store as the API, `app::originals`), and the administrators'
//! withdrawal of a file entered in error (`/admin/files/{id}/withdraw`).

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use super::{base_context, render, render_status, PageError};
use crate::app::originals::{self as files, Sent, WithdrawTarget};
use crate::app::{on_pool, AppState};
use crate::auth::Actor;
use crate::error::AppError;
use crate::originals::{self, WithdrawError};

/// The files of the document `id` for its page (withdrawn ones flagged).
pub async fn of_document(state: &AppState, id: i64) -> Result<Vec<files::FileView>, AppError> {
    Ok(files::list(state, id).await?.files)
}

fn not_found(name: &str) -> AppError {
    AppError::NotFound(format!(
        "Văn bản này không có tệp «{name}» ở địa chỉ này (mã băm hoặc tên tệp không khớp)."
    ))
}

/// `GET …/{number}/tep/{prefix}/{name}` of the document `id`: the file's bytes, or 410 with
/// the reason when it was withdrawn. `rest` is what follows `tep/`.
pub async fn download(
    state: &AppState,
    req: &HttpRequest,
    id: i64,
    rest: &str,
) -> Result<HttpResponse, PageError> {
    let Some((prefix, raw_name)) = rest.split_once('/') else {
        return Err(not_found(rest).into());
    };
    // The router keeps `%`, `/` and `+` encoded in a segment: decode them once more.
    let name = percent_encoding::percent_decode_str(raw_name)
        .decode_utf8_lossy()
        .into_owned();
    if name.is_empty() || name.contains('/') {
        return Err(not_found(&name).into());
    }
    let (prefix, lookup) = (prefix.to_string(), name.clone());
    let found = on_pool(state, move |db| {
        Ok(originals::content(db, id, &prefix, &lookup)?)
    })
    .await?;
    let Some((meta, bytes)) = found else {
        return Err(not_found(&name).into());
    };
    if let Some(w) = &meta.withdrawn {
        return Ok(gone(&meta.name, &w.reason)?);
    }
    Ok(file_response(
        req,
        meta.kind.content_type(),
        &meta.name,
        &meta.sha256,
        bytes,
    ))
}

/// A stored file's bytes as a download (an original or a procedure form): its type,
/// `Content-Disposition: attachment` with its name, its hash as the ETag (304 when
/// `If-None-Match` names it), `nosniff`, a day's caching and a sandbox.
pub(super) fn file_response(
    req: &HttpRequest,
    content_type: &'static str,
    name: &str,
    sha256: &str,
    bytes: Vec<u8>,
) -> HttpResponse {
    let etag = format!("\"{sha256}\"");
    let fresh = if_none_match(req, &etag);
    let mut res = if fresh {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    res.insert_header((header::CONTENT_TYPE, content_type))
        .insert_header((header::CONTENT_DISPOSITION, originals::disposition(name)))
        .insert_header((header::ETAG, etag))
        .insert_header((
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        // The bytes at this address never change (the address holds their hash); it can still
        // be withdrawn, so caches keep it a day, not for ever.
        .insert_header((
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=86400"),
        ))
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("sandbox; default-src 'none'"),
        ));
    if fresh {
        return res.finish();
    }
    res.body(bytes)
}

/// Whether `If-None-Match` names this ETag (or `*`).
fn if_none_match(req: &HttpRequest, etag: &str) -> bool {
    req.headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',')
                .map(|t| t.trim().trim_start_matches("W/"))
                .any(|t| t == etag || t == "*")
        })
}

/// 410: the file (an original or a procedure form) was withdrawn (entered in error), with the
/// reason.
pub(super) fn gone(name: &str, reason: &str) -> Result<HttpResponse, AppError> {
    let mut ctx = base_context("documents", "");
    ctx.insert("status", &410);
    ctx.insert("title", "Tệp đã bị thu hồi");
    ctx.insert(
        "message",
        &format!("Tệp «{name}» đã được quản trị viên thu hồi vì nhập nhầm. Lý do: {reason}"),
    );
    render_status(StatusCode::GONE, "error.html", &ctx)
}

/// Whether the tail of a `/documents/{id}/…` address is another spelling of the attach page
/// (`tep/moi/`, `tep/moi;v=1`): no page, not a file to redirect to.
pub fn is_attach(tail: &str) -> bool {
    let mut segments = tail.trim_start_matches('/').split(['/', ';']);
    segments
        .next()
        .is_some_and(|s| s.eq_ignore_ascii_case("tep"))
        && segments
            .next()
            .is_some_and(|s| s.eq_ignore_ascii_case("moi"))
}

/// An upload page (a document's attach page, a procedure's add-a-form page) of the menu
/// `section`, with the form as sent and an error beside its field.
pub(super) fn upload_context(
    section: &str,
    page: &impl serde::Serialize,
    sent: &Sent,
    error: Option<(&str, String)>,
) -> tera::Context {
    let mut ctx = base_context(section, "");
    ctx.insert("page", page);
    ctx.insert("sent", sent);
    let mut errors = std::collections::BTreeMap::new();
    if let Some((field, message)) = error {
        errors.insert(field.to_string(), message);
    }
    ctx.insert("errors", &errors);
    ctx
}

fn attach_context(
    page: &files::AttachPage,
    sent: &Sent,
    error: Option<(&str, String)>,
) -> tera::Context {
    upload_context("documents", page, sent, error)
}

/// `GET /documents/{id}/tep/moi`: the form that attaches a file (an annex, the Word file, the
/// signed copy) to an existing document.
pub async fn attach_form(
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, PageError> {
    let page = files::attach_page(&state, path.into_inner()).await?;
    Ok(render(
        "file_attach.html",
        &attach_context(&page, &Sent::default(), None),
    )?)
}

/// `POST /documents/{id}/tep/moi`: stores the file through the API's path and returns to the
/// document's files; a refused file (or the same bytes again) brings the form back with the
/// message beside its field, and nothing is stored.
pub async fn attach(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<i64>,
    form: actix_multipart::Multipart,
) -> Result<HttpResponse, PageError> {
    let id = path.into_inner();
    let refused = |status: u16, field: &str, message: String, sent: &Sent, page: &_| {
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
        let ctx = attach_context(page, sent, Some((field, message)));
        render_status(status, "file_attach.html", &ctx)
    };
    let (form, sent) = match files::read_form(form).await {
        Ok(f) => {
            let sent = Sent {
                role: f.role.map(|r| r.code().to_string()).unwrap_or_default(),
                description: f
                    .description
                    .as_ref()
                    .map(|d| d.as_str().to_string())
                    .unwrap_or_default(),
            };
            (f, sent)
        }
        Err((e, sent)) => {
            let page = files::attach_page(&state, id).await?;
            return Ok(refused(e.status(), e.field(), e.to_string(), &sent, &page)?);
        }
    };
    let stored = match files::add(&state, &actor, id, form).await? {
        Ok(s) => s,
        Err(e) => {
            let page = files::attach_page(&state, id).await?;
            return Ok(refused(e.status(), e.field(), e.to_string(), &sent, &page)?);
        }
    };
    if !stored.created {
        let page = files::attach_page(&state, id).await?;
        let message = files::already_held(&stored.meta);
        return Ok(refused(409, "file", message, &sent, &page)?);
    }
    let page = files::attach_page(&state, id).await?;
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, format!("{}#tep-goc", page.eli)))
        .finish())
}

/// `GET /admin/files/{id}/withdraw`: the withdrawal form.
pub async fn withdraw_form(
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, PageError> {
    let (file, _, eli) = files::file(&state, path.into_inner()).await?;
    let target = WithdrawTarget::of_original(&file, &eli);
    Ok(withdraw_page("documents", &target, "", None)?)
}

/// The withdrawal page of a stored file (an original, a procedure form) in the menu
/// `section`, with the reason as sent and the refusal beside its field (`status`).
pub(super) fn withdraw_page(
    section: &str,
    target: &WithdrawTarget,
    reason: &str,
    error: Option<(StatusCode, String)>,
) -> Result<HttpResponse, AppError> {
    let mut ctx = base_context(section, "");
    ctx.insert("target", target);
    ctx.insert("reason", reason);
    ctx.insert("error", &error.as_ref().map(|(_, m)| m));
    let status = error.map_or(StatusCode::OK, |(s, _)| s);
    render_status(status, "file_withdraw.html", &ctx)
}

/// The answer to a posted withdrawal: back to the file's list (303), or the form again with
/// the refusal beside the reason (400 without a reason, 409 when already withdrawn).
pub(super) fn withdrawn_answer(
    section: &str,
    outcome: Result<WithdrawTarget, WithdrawError>,
    target: &WithdrawTarget,
    reason: &str,
) -> Result<HttpResponse, PageError> {
    match outcome {
        Ok(done) => Ok(HttpResponse::SeeOther()
            .insert_header((header::LOCATION, done.list_href))
            .finish()),
        Err(WithdrawError::NotFound) => {
            Err(AppError::NotFound(format!("Không có tệp «{}» ở địa chỉ này.", target.name)).into())
        }
        Err(e @ (WithdrawError::Already | WithdrawError::Reason)) => {
            let status = if matches!(e, WithdrawError::Already) {
                StatusCode::CONFLICT
            } else {
                StatusCode::BAD_REQUEST
            };
            Ok(withdraw_page(
                section,
                target,
                reason,
                Some((status, e.to_string())),
            )?)
        }
        Err(WithdrawError::Db(e)) => Err(AppError::from(e).into()),
    }
}

/// The withdrawal form as posted.
#[derive(Debug, Deserialize)]
pub struct WithdrawForm {
    #[serde(default)]
    pub(super) reason: String,
}

/// `POST /admin/files/{id}/withdraw`: withdraws the file and returns to the document page;
/// without a reason the form comes back with the error beside the field.
pub async fn withdraw(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<i64>,
    form: web::Form<WithdrawForm>,
) -> Result<HttpResponse, PageError> {
    let id = path.into_inner();
    let reason = form.into_inner().reason;
    let (file, _, eli) = files::file(&state, id).await?;
    let target = WithdrawTarget::of_original(&file, &eli);
    let outcome = files::withdraw(&state, &actor, None, id, reason.clone())
        .await?
        .map(|f| WithdrawTarget::of_original(&f, &eli));
    withdrawn_answer("documents", outcome, &target, &reason)
}
