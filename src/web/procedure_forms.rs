//! The forms of a procedure on the pages: the page that adds one to the current version
//! (`/procedures/{code}/mau-don/moi`: the attach page's reading, checks and store) and the
//! public download (`/procedures/{code}/mau-don/{id}`, with the originals' headers).

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};

use super::{base_context, render, render_status, PageError};
use crate::app::originals::Sent;
use crate::app::procedure_forms::{self as forms, FormPage};
use crate::app::AppState;
use crate::auth::Actor;
use crate::error::AppError;

/// The add-a-form page, with the form as sent and an error beside its field.
fn form_context(page: &FormPage, sent: &Sent, error: Option<(&str, String)>) -> tera::Context {
    let mut ctx = base_context("procedures", "");
    ctx.insert("page", page);
    ctx.insert("sent", sent);
    let mut errors = std::collections::BTreeMap::new();
    if let Some((field, message)) = error {
        errors.insert(field.to_string(), message);
    }
    ctx.insert("errors", &errors);
    ctx
}

/// `GET /procedures/{code}/mau-don/moi`: the form that adds a form (mẫu đơn, tờ khai) to the
/// current version of the procedure.
pub async fn new_form(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let page = forms::form_page(&state, path.into_inner()).await?;
    Ok(render(
        "procedure_form_new.html",
        &form_context(&page, &Sent::default(), None),
    )?)
}

/// `POST /procedures/{code}/mau-don/moi`: stores the file and returns to the procedure's
/// forms; a refused file (or the same bytes again) brings the form back with the message
/// beside its field, and nothing is stored.
pub async fn add(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<String>,
    form: actix_multipart::Multipart,
) -> Result<HttpResponse, PageError> {
    let code = path.into_inner();
    let refused = |status: u16, field: &str, message: String, sent: &Sent, page: &_| {
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
        let ctx = form_context(page, sent, Some((field, message)));
        render_status(status, "procedure_form_new.html", &ctx)
    };
    let (form, sent) = match crate::app::originals::read_form(form).await {
        Ok(f) => {
            let sent = Sent {
                role: String::new(),
                description: f
                    .description
                    .as_ref()
                    .map(|d| d.as_str().to_string())
                    .unwrap_or_default(),
            };
            (f, sent)
        }
        Err((e, sent)) => {
            let page = forms::form_page(&state, code).await?;
            return Ok(refused(e.status(), e.field(), e.to_string(), &sent, &page)?);
        }
    };
    let stored = match forms::add(&state, &actor, code.clone(), form).await? {
        Ok(s) => s,
        Err(e) => {
            let page = forms::form_page(&state, code).await?;
            return Ok(refused(e.status(), e.field(), e.to_string(), &sent, &page)?);
        }
    };
    if !stored.created {
        let page = forms::form_page(&state, code).await?;
        let message = forms::already_held(&stored.form);
        return Ok(refused(409, "file", message, &sent, &page)?);
    }
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, format!("/procedures/{code}#mau-don")))
        .finish())
}

/// `GET /procedures/{code}/mau-don/{id}`: the form's bytes as an attachment with its name, or
/// 404 (unknown, withdrawn, or a form of another procedure).
pub async fn download(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, PageError> {
    let (code, id) = path.into_inner();
    let not_found = || {
        PageError::from(AppError::NotFound(format!(
            "Thủ tục «{code}» không có mẫu đơn, tờ khai mã số «{id}»."
        )))
    };
    let Ok(n) = id.parse::<i64>() else {
        return Err(not_found());
    };
    let Some((form, bytes)) = forms::download(&state, code.clone(), n).await? else {
        return Err(not_found());
    };
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, form.kind.content_type()))
        .insert_header((
            header::CONTENT_DISPOSITION,
            crate::originals::disposition(&form.name),
        ))
        .insert_header((header::ETAG, format!("\"{}\"", form.sha256)))
        .insert_header((
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .insert_header((
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=86400"),
        ))
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("sandbox; default-src 'none'"),
        ))
        .body(bytes))
}
