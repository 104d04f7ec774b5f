//! `/documents/{id}/tac-dong/moi`: an effect of an existing document on another, entered by
//! hand — the target found by number, its provisions ticked in its structure tree — previewed
//! and saved through the same write path as an import (`app::intake::effect`).

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Deserialize;

use super::{kinds, Outcome};
use crate::app::intake::effect::{self, EffectForm, EffectPage};
use crate::app::intake::{save, writer};
use crate::app::{on_pool, AppState};
use crate::auth::Actor;
use crate::error::AppError;
use crate::web::{base_context, render_status, PageError};

/// The first segment of the officers' pages under `/documents/{id}/`.
const SEGMENT: &str = "tac-dong";

/// Whether a path under `/documents/{id}/` is (a spelling of) one of these pages rather than a
/// provision: the public provision route must not redirect it to an address of the text.
pub fn is_reserved(tail: &str) -> bool {
    tail.trim_start_matches('/')
        .split(['/', ';'])
        .next()
        .is_some_and(|s| s.eq_ignore_ascii_case(SEGMENT))
}

/// The search and the choice of the form's first step (`?q=…&target=…`).
#[derive(Debug, Default, Deserialize)]
pub struct Params {
    #[serde(default)]
    q: String,
    #[serde(default)]
    target: Option<i64>,
}

fn show(
    status: StatusCode,
    page: &EffectPage,
    preview: Option<&crate::exchange::preview::Preview>,
) -> Result<HttpResponse, PageError> {
    let mut ctx = base_context("documents", "");
    ctx.insert("page", page);
    ctx.insert("effect_kinds", &kinds());
    ctx.insert("preview", &preview);
    Ok(render_status(status, "intake_effect.html", &ctx)?)
}

/// `GET /documents/{id}/tac-dong/moi`: the search, then the form for the chosen target.
pub async fn form(
    state: web::Data<AppState>,
    path: web::Path<i64>,
    params: web::Query<Params>,
) -> Result<HttpResponse, PageError> {
    let acting = path.into_inner();
    let Params { q, target } = params.into_inner();
    let today = state.today().format("%Y-%m-%d").to_string();
    let page = on_pool(&state, move |db| {
        let form = EffectForm {
            target: target.map(|t| t.to_string()).unwrap_or_default(),
            kind: "repeal".into(),
            effective_on: today,
            ..EffectForm::default()
        };
        effect::page(db, acting, &q, form)
    })
    .await?;
    show(StatusCode::OK, &page, None)
}

/// `POST /documents/{id}/tac-dong/moi`: «Xem trước» or «Lưu».
pub async fn submit(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<i64>,
    form: web::Form<EffectForm>,
) -> Result<HttpResponse, PageError> {
    let acting = path.into_inner();
    let form = form.into_inner();
    let saving = form.action == "save";
    let today = state.today();
    let pool = state.pool.clone();
    let (page, outcome) = web::block(move || -> Result<_, AppError> {
        let mut conn = pool.get()?;
        let (w, page, records) = {
            let mut db = conn.db();
            let w = writer(&mut db, &actor)?;
            let page = effect::page(&mut db, acting, "", form)?;
            let records = effect::records(&mut db, &page)?;
            (w, page, records)
        };
        drop(conn);
        let records = match records {
            Ok(r) => r,
            Err(errors) => return Ok((page, Outcome::Refused(422, errors))),
        };
        let outcome = if saving {
            match save::save(&pool, &w, &records, |_, _| Ok(()))? {
                Ok(id) => Outcome::Saved(id),
                Err((status, errors)) => Outcome::Refused(status, effect::unprefixed(errors)),
            }
        } else {
            match save::preview(&pool, &w, &records, today)? {
                Ok(p) => Outcome::Previewed(p),
                Err((status, errors)) => Outcome::Refused(status, effect::unprefixed(errors)),
            }
        };
        Ok((page, outcome))
    })
    .await??;
    let mut page = page;
    match outcome {
        Outcome::Saved(id) => Ok(HttpResponse::SeeOther()
            .insert_header(("Location", format!("/documents/{id}")))
            .finish()),
        Outcome::Previewed(p) => show(StatusCode::OK, &page, Some(&p)),
        Outcome::Refused(status, errors) => {
            page.errors = errors;
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
            show(status, &page, None)
        }
    }
}
