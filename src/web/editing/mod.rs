//! Keeping a published document in the browser: edit and correct it (`/documents/{id}/sua`,
//! officers within their units and administrators), read its earlier versions
//! (`/documents/{id}/phien-ban`, public: corrections of published law are public), and
//! withdraw one entered in error (`/documents/{id}/rut`, administrators, with a reason and a
//! confirmation). A withdrawn document's pages answer 410, its edit form included.

pub mod effects;

use std::collections::HashMap;

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};

use super::{base_context, render, render_status, PageError};
use crate::app::editing::{self, Edit, EditOutcome, EditView, FieldError};
use crate::app::{on_pool, with_write, AppState};
use crate::auth::Actor;

/// The last segments of this module's addresses under `/documents/{id}/`.
pub const ACTIONS: &[&str] = &["sua", "phien-ban", "rut"];

pub(crate) fn see_other(to: String) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, to))
        .finish()
}

pub(crate) fn error_map(errors: &[FieldError]) -> HashMap<&'static str, String> {
    let mut map: HashMap<&'static str, String> = HashMap::new();
    for e in errors {
        map.entry(e.field)
            .and_modify(|m| {
                m.push(' ');
                m.push_str(&e.message);
            })
            .or_insert_with(|| e.message.clone());
    }
    map
}

fn edit_page(
    status: StatusCode,
    view: &EditView,
    values: &Edit,
    errors: &[FieldError],
) -> Result<HttpResponse, PageError> {
    let mut ctx = base_context("documents", "");
    ctx.insert("view", view);
    ctx.insert("values", values);
    ctx.insert("errors", &error_map(errors));
    Ok(render_status(status, "edit_document.html", &ctx)?)
}

/// `GET /documents/{id}/sua`: the form, prefilled with what the registry holds.
pub async fn edit_form(
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, PageError> {
    let id = path.into_inner();
    let view = on_pool(&state, move |db| editing::edit_view(db, id)).await?;
    edit_page(StatusCode::OK, &view, &view.values, &[])
}

/// `POST /documents/{id}/sua`: saved (back to the document), or the form again with each error
/// beside its field and nothing written.
pub async fn edit(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<i64>,
    form: web::Form<Edit>,
) -> Result<HttpResponse, PageError> {
    let id = path.into_inner();
    let sent = form.into_inner();
    let pool = state.pool.clone();
    let who = actor.0.clone();
    let values = sent.clone();
    let outcome = web::block(move || editing::apply_edit(&pool, &who, id, &values))
        .await
        .map_err(crate::error::AppError::from)??;
    match outcome {
        EditOutcome::Saved => Ok(see_other(format!("/documents/{id}"))),
        EditOutcome::Refused(errors) => {
            let view = on_pool(&state, move |db| editing::edit_view(db, id)).await?;
            edit_page(StatusCode::UNPROCESSABLE_ENTITY, &view, &sent, &errors)
        }
    }
}

/// `GET /documents/{id}/phien-ban`: every version of the record from the audit trail.
pub async fn versions(
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, PageError> {
    let id = path.into_inner();
    let page = on_pool(&state, move |db| editing::versions::versions(db, id)).await?;
    let mut ctx = base_context("documents", "");
    ctx.insert("page", &page);
    Ok(render("versions.html", &ctx)?)
}

/// The withdrawal form's fields.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct WithdrawForm {
    pub reason: String,
    /// The confirmation box (`true` when ticked).
    pub confirm: Option<bool>,
}

fn withdraw_page(
    status: StatusCode,
    view: &EditView,
    reason: &str,
    errors: &[FieldError],
) -> Result<HttpResponse, PageError> {
    let mut ctx = base_context("documents", "");
    ctx.insert("view", view);
    ctx.insert("reason", reason);
    ctx.insert("errors", &error_map(errors));
    Ok(render_status(status, "edit_withdraw.html", &ctx)?)
}

/// `GET /documents/{id}/rut`: the withdrawal form, with what it does and a confirmation.
pub async fn withdraw_form(
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, PageError> {
    let id = path.into_inner();
    let view = on_pool(&state, move |db| editing::edit_view(db, id)).await?;
    withdraw_page(StatusCode::OK, &view, "", &[])
}

/// `POST /documents/{id}/rut`: withdrawn (its page then answers 410 with the reason), or the
/// form again with the error beside its field.
pub async fn withdraw(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<i64>,
    form: web::Form<WithdrawForm>,
) -> Result<HttpResponse, PageError> {
    let id = path.into_inner();
    let WithdrawForm { reason, confirm } = form.into_inner();
    let mut errors = Vec::new();
    if confirm != Some(true) {
        errors.push(FieldError {
            field: "confirm",
            message: "Đánh dấu ô xác nhận để rút văn bản.".into(),
        });
    }
    if errors.is_empty() {
        let who = actor.0.clone();
        let on = state.today();
        let given = reason.clone();
        match with_write(&state, move |db| {
            editing::withdraw_document(db, &who, id, &given, on)
        })
        .await?
        {
            Ok(()) => return Ok(see_other(format!("/documents/{id}"))),
            Err(e) => errors.push(e),
        }
    }
    let view = on_pool(&state, move |db| editing::edit_view(db, id)).await?;
    withdraw_page(StatusCode::UNPROCESSABLE_ENTITY, &view, &reason, &errors)
}
