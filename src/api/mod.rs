//! JSON API under `/api/v1`: the same data as the pages; errors as `application/problem+json`.

pub mod inspections;
pub mod procedures;
pub mod records;
pub mod register;
pub mod review;
pub mod scorecard;

use actix_web::{web, HttpResponse};
use serde::Serialize;

use crate::error::AppError;
use crate::web::public::{document_list, document_page, parse_id, DateQuery, ListQuery};
use crate::web::view::StatusView;
use crate::web::{parse_date, with_db, AppState};

pub async fn documents(
    state: web::Data<AppState>,
    q: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let q = q.into_inner();
    let graphs = state.statuses.clone();
    let list = with_db(&state, move |db| document_list(db, &q, &graphs)).await?;
    Ok(HttpResponse::Ok().json(list))
}

pub async fn document(
    state: web::Data<AppState>,
    path: web::Path<String>,
    q: web::Query<DateQuery>,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&path.into_inner())?;
    let date = parse_date(q.date.as_deref())?;
    let page = with_db(&state, move |db| document_page(db, id, date)).await?;
    Ok(HttpResponse::Ok().json(page))
}

#[derive(Serialize)]
struct ArticleStatus {
    key: String,
    label: String,
    status: Option<StatusView>,
}

#[derive(Serialize)]
struct StatusResponse {
    id: i64,
    number: String,
    date: String,
    status: StatusView,
    reason: Option<String>,
    articles: Vec<ArticleStatus>,
}

/// The status of a document and of each of its articles on a date.
pub async fn document_status(
    state: web::Data<AppState>,
    path: web::Path<String>,
    q: web::Query<DateQuery>,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&path.into_inner())?;
    let date = parse_date(q.date.as_deref())?;
    let page = with_db(&state, move |db| document_page(db, id, date)).await?;
    let articles = page
        .nodes
        .into_iter()
        .filter(|n| n.kind == "dieu")
        .map(|n| ArticleStatus {
            key: n.key,
            label: n.label,
            status: n.status,
        })
        .collect();
    Ok(HttpResponse::Ok().json(StatusResponse {
        id,
        number: page.doc.number,
        date: page.date,
        status: page.status,
        reason: page.status_reason,
        articles,
    }))
}

#[derive(Serialize)]
struct Checkpoint {
    seq: i64,
    hash: String,
    at: String,
}

/// The audit trail's latest sequence number and head hash: whoever records them can later
/// prove that no entry up to that number changed (`vanban audit verify` and the entry's hash).
pub async fn audit_checkpoint(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let (seq, hash) = with_db(&state, |db| Ok(crate::audit::head(db)?)).await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(Checkpoint {
            seq,
            hash,
            at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        }))
}
