//! `GET/POST /units/{code}/niem-yet`: the postings checklist of a unit — every procedure that
//! applies there today with its posting state — and its form: post the ticked procedures
//! (date, default today; place), remove them, or post today every one not yet posted. The
//! completeness percentage shown is the check of today, read after the write.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};

use super::PostingsForm;
use crate::app::counter::{checklist, save_postings, Saved};
use crate::app::AppState;
use crate::auth::Actor;
use crate::domain::text::date_vn;
use crate::procedures::counter::{
    Checklist, FieldError, PostingAction, PostingInput, PostingPoint, PostingState,
};
use crate::web::{base_context, render_status, PageError};

#[derive(Debug, Default, Deserialize)]
pub struct ChecklistQuery {
    /// Postings written by the form just sent (shown once after the redirect).
    pub saved: Option<u32>,
}

#[derive(Serialize)]
struct Row {
    code: String,
    name: String,
    field: String,
    applies: bool,
    decision: String,
    state: &'static str,
    state_label: &'static str,
    detail: String,
    picked: bool,
}

fn detail(r: &crate::procedures::counter::ChecklistRow) -> String {
    match r.state {
        PostingState::Posted => r
            .open
            .iter()
            .map(|o| {
                format!(
                    "{} từ {}{}",
                    o.point.label(),
                    date_vn(o.from_on),
                    if o.outdated {
                        format!(" (phiên bản cũ, quyết định {})", o.decision.number)
                    } else {
                        String::new()
                    }
                )
            })
            .collect::<Vec<_>>()
            .join("; "),
        PostingState::Removed => r
            .removed_on
            .map(|d| format!("gỡ ngày {}", date_vn(d)))
            .unwrap_or_default(),
        PostingState::NotPosted => String::new(),
    }
}

fn rows(list: &Checklist, picks: &[String]) -> Vec<Row> {
    list.rows
        .iter()
        .map(|r| Row {
            code: r.code.clone(),
            name: r.name.clone(),
            field: r.field.clone(),
            applies: r.applies,
            decision: format!("{} ngày {}", r.decision.number, date_vn(r.decision_date)),
            state: r.state.code(),
            state_label: if r.applies {
                r.state.label()
            } else {
                "Không còn áp dụng, đang niêm yết"
            },
            detail: detail(r),
            picked: picks.iter().any(|p| p.trim() == r.code),
        })
        .collect()
}

fn context(
    list: &Checklist,
    input: Option<&PostingInput>,
    error: Option<&FieldError>,
    saved: Option<u32>,
) -> tera::Context {
    let c = &list.completeness;
    let mut ctx = base_context("units", "");
    ctx.insert("unit", &c.unit);
    ctx.insert("today_iso", &list.today.to_string());
    ctx.insert("today_vn", &date_vn(list.today));
    ctx.insert(
        "percent",
        &crate::domain::text::share_vn(c.complete as u64, c.required as u64),
    );
    ctx.insert("complete", &c.complete);
    ctx.insert("required", &c.required);
    ctx.insert("not_posted", &list.not_posted());
    let picks = input.map(|i| i.picks.as_slice()).unwrap_or_default();
    ctx.insert("rows", &rows(list, picks));
    ctx.insert(
        "date",
        &input
            .map(|i| i.date.clone())
            .unwrap_or_else(|| list.today.to_string()),
    );
    ctx.insert(
        "point",
        input.map_or(PostingPoint::Reception, |i| i.point).code(),
    );
    ctx.insert(
        "points",
        &PostingPoint::ALL
            .iter()
            .map(|p| (p.code(), p.label()))
            .collect::<Vec<_>>(),
    );
    ctx.insert(
        "action",
        input.map_or(PostingAction::Post, |i| i.action).code(),
    );
    if let Some(e) = error {
        ctx.insert("error", e);
    }
    if let Some(n) = saved {
        ctx.insert("saved", &n);
    }
    ctx
}

/// The checklist of a unit today.
pub async fn page(
    state: web::Data<AppState>,
    path: web::Path<String>,
    q: web::Query<ChecklistQuery>,
) -> Result<HttpResponse, PageError> {
    let list = checklist(&state, path.into_inner()).await?;
    let ctx = context(&list, None, None, q.saved);
    Ok(render_status(
        StatusCode::OK,
        "counter_postings.html",
        &ctx,
    )?)
}

/// Applies the form; a refusal shows the checklist again with the error beside its field.
pub async fn save(
    state: web::Data<AppState>,
    actor: Actor,
    path: web::Path<String>,
    form: web::Form<PostingsForm>,
) -> Result<HttpResponse, PageError> {
    let code = path.into_inner();
    let input = form.into_inner().0;
    match save_postings(&state, actor, code.clone(), input.clone()).await? {
        Saved::Written(n) => Ok(HttpResponse::SeeOther()
            .insert_header((
                actix_web::http::header::LOCATION,
                format!("/units/{code}/niem-yet?saved={n}"),
            ))
            .finish()),
        Saved::Refused(list, e) => {
            let ctx = context(&list, Some(&input), Some(&e), None);
            Ok(render_status(
                StatusCode::BAD_REQUEST,
                "counter_postings.html",
                &ctx,
            )?)
        }
    }
}
