//! The forms of a procedure on the pages: the page that adds one to the current version
//! (`/procedures/{code}/mau-don/moi`: the attach page's reading, checks and store), the public
//! download (`/procedures/{code}/mau-don/{id}`, with the originals' headers; 410 with the
//! reason once withdrawn) and the administrators' withdrawal of a form entered in error
//! (`/admin/procedure-forms/{id}/withdraw`, the originals' withdrawal page).

use actix_web::http::header;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};

use super::originals::{
    file_response, gone, upload_context, withdraw_page, withdrawn_answer, WithdrawForm,
};
use super::{render, render_status, PageError};
use crate::app::originals::Sent;
use crate::app::procedure_forms::{self as forms, FormPage};
use crate::app::AppState;
use crate::auth::Actor;
use crate::error::AppError;

fn form_context(page: &FormPage, sent: &Sent, error: Option<(&str, String)>) -> tera::Context {
    upload_context("procedures", page, sent, error)
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

/// `GET /procedures/{code}/mau-don/{id}`: the form's bytes as an attachment with its name;
/// 404 when unknown or a form of another procedure, 410 with the reason once withdrawn.
pub async fn download(
    state: web::Data<AppState>,
    req: HttpRequest,
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
    if let Some(w) = &form.withdrawn {
        return Ok(gone(&form.name, &w.reason)?);
    }
    Ok(file_response(
        &req,
        form.kind.content_type(),
        &form.name,
        &form.sha256,
        bytes,
    ))
}

/// `GET /admin/procedure-forms/{id}/withdraw`: the withdrawal form.
pub async fn withdraw_form(
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, PageError> {
    let target = forms::withdraw_page(&state, path.into_inner()).await?;
    Ok(withdraw_page("procedures", &target, "", None)?)
}

/// `POST /admin/procedure-forms/{id}/withdraw`: withdraws the form and returns to the
/// procedure's forms; without a reason the form comes back with the error beside the field.
pub async fn withdraw(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<i64>,
    form: web::Form<WithdrawForm>,
) -> Result<HttpResponse, PageError> {
    let id = path.into_inner();
    let reason = form.into_inner().reason;
    let target = forms::withdraw_page(&state, id).await?;
    let outcome = forms::withdraw(&state, &actor, id, reason.clone()).await?;
    withdrawn_answer("procedures", outcome, &target, &reason)
}
