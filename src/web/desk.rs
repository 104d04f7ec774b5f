//! «Việc của tôi» (`/viec-cua-toi`): the signed-in user's desk (see `app::desk`).

use actix_web::{web, HttpResponse};

use super::{base_context, render, PageError};
use crate::app::AppState;
use crate::auth::Actor;

pub async fn page(state: web::Data<AppState>, me: Actor) -> Result<HttpResponse, PageError> {
    let desk = crate::app::desk::desk(&state, &me).await?;
    let mut ctx = base_context("desk", "");
    ctx.insert("desk", &desk);
    Ok(render("desk.html", &ctx)?)
}
