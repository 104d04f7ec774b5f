//! `/effects/{id}/sua` and `/effects/{id}/rut`: an effect's dates, `until` and note edited
//! with a reason, or the effect withdrawn as entered in error, from its acting document's page
//! (officers within the units of both documents — checked by the write path — and
//! administrators).

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};

use super::{error_map, see_other};
use crate::app::editing::effects::{self, EffectEdit};
use crate::app::editing::FieldError;
use crate::app::{on_pool, AppState};
use crate::auth::Actor;
use crate::web::{base_context, render_status, PageError};

async fn page(
    state: &AppState,
    status: StatusCode,
    id: i64,
    values: Option<EffectEdit>,
    errors: &[FieldError],
) -> Result<HttpResponse, PageError> {
    let page = on_pool(state, move |db| effects::effect_page(db, id)).await?;
    let mut ctx = base_context("documents", "");
    ctx.insert("values", values.as_ref().unwrap_or(&page.values));
    ctx.insert("page", &page);
    ctx.insert("errors", &error_map(errors));
    Ok(render_status(status, "edit_effect.html", &ctx)?)
}

/// `GET /effects/{id}/sua`.
pub async fn edit_form(
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, PageError> {
    page(&state, StatusCode::OK, path.into_inner(), None, &[]).await
}

/// `POST /effects/{id}/sua`: saved (back to the acting document), or the form again.
pub async fn edit(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<i64>,
    form: web::Form<EffectEdit>,
) -> Result<HttpResponse, PageError> {
    let id = path.into_inner();
    let sent = form.into_inner();
    let (pool, who, values) = (state.pool.clone(), actor.0.clone(), sent.clone());
    let outcome = web::block(move || effects::apply_effect_edit(&pool, &who, id, &values))
        .await
        .map_err(crate::error::AppError::from)??;
    match outcome {
        Ok(acting) => Ok(see_other(format!("/documents/{acting}"))),
        Err(errors) => {
            page(
                &state,
                StatusCode::UNPROCESSABLE_ENTITY,
                id,
                Some(sent),
                &errors,
            )
            .await
        }
    }
}

/// The withdrawal form's field.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct WithdrawEffectForm {
    pub reason: String,
}

/// `POST /effects/{id}/rut`: withdrawn (back to the acting document), or the form again.
pub async fn withdraw(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<i64>,
    form: web::Form<WithdrawEffectForm>,
) -> Result<HttpResponse, PageError> {
    let id = path.into_inner();
    let reason = form.into_inner().reason;
    let (pool, who) = (state.pool.clone(), actor.0.clone());
    let outcome = web::block(move || effects::withdraw_effect(&pool, &who, id, &reason))
        .await
        .map_err(crate::error::AppError::from)??;
    match outcome {
        Ok(acting) => Ok(see_other(format!("/documents/{acting}"))),
        Err(errors) => page(&state, StatusCode::UNPROCESSABLE_ENTITY, id, None, &errors).await,
    }
}
