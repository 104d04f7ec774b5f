//! `GET/POST /units/{code}/lien-he`: the one-stop office and feedback address of a unit, edited
//! by administrators and by officers within their units (the route's rule and the write path
//! both check the unit). A refused field is shown beside itself with what was typed; nothing
//! is written.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Deserialize;

use crate::app::contacts::{form, save, SavedContact};
use crate::app::AppState;
use crate::auth::Actor;
use crate::domain::contact::{ContactInput, ContactProblem};
use crate::web::{base_context, render_status, PageError};

#[derive(Debug, Default, Deserialize)]
pub struct ContactQuery {
    /// Set after a save (shown once after the redirect).
    pub saved: Option<u8>,
}

fn context(
    unit: &crate::db::models::Unit,
    reference: &str,
    input: &ContactInput,
    problems: &[ContactProblem],
    saved: bool,
) -> tera::Context {
    let mut ctx = base_context("units", "");
    ctx.insert(
        "unit",
        &serde_json::json!({"code": unit.code, "name": unit.name}),
    );
    ctx.insert("unit_ref", reference);
    // Every field, empty ones included (the record leaves those out).
    ctx.insert(
        "c",
        &serde_json::json!({
            "address": input.address,
            "hours": input.hours,
            "phone": input.phone,
            "email": input.email,
            "feedback_address": input.feedback_address,
            "feedback_phone": input.feedback_phone,
            "feedback_email": input.feedback_email,
            "feedback_url": input.feedback_url,
        }),
    );
    let errors: std::collections::HashMap<&str, &str> = problems
        .iter()
        .map(|p| (p.field.name(), p.message.as_str()))
        .collect();
    ctx.insert("errors", &errors);
    ctx.insert("saved", &saved);
    ctx
}

/// The form, filled with what is recorded.
pub async fn page(
    state: web::Data<AppState>,
    path: web::Path<String>,
    q: web::Query<ContactQuery>,
) -> Result<HttpResponse, PageError> {
    let reference = path.into_inner();
    let f = form(&state, reference.clone()).await?;
    let ctx = context(&f.unit, &reference, &f.input, &[], q.saved.is_some());
    Ok(render_status(
        StatusCode::OK,
        "unit_contact_form.html",
        &ctx,
    )?)
}

/// Checks and writes; a refusal shows the form again (400) with every error beside its field.
pub async fn submit(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<String>,
    input: web::Form<ContactInput>,
) -> Result<HttpResponse, PageError> {
    let reference = path.into_inner();
    let input = input.into_inner();
    match save(&state, actor, reference.clone(), input.clone()).await? {
        SavedContact::Written => Ok(HttpResponse::SeeOther()
            .insert_header((
                actix_web::http::header::LOCATION,
                format!("/units/{reference}/lien-he?saved=1"),
            ))
            .finish()),
        SavedContact::Refused(unit, problems) => {
            let ctx = context(&unit, &reference, &input, &problems, false);
            Ok(render_status(
                StatusCode::BAD_REQUEST,
                "unit_contact_form.html",
                &ctx,
            )?)
        }
    }
}
