//! JSON API under `/api/v1`: the same data as the pages; errors as `application/problem+json`.

pub mod account;
pub mod annual;
pub mod counter;
pub mod inspections;
pub mod openapi;
pub mod originals;
pub mod procedures;
pub mod records;
pub mod register;
pub mod review;
pub mod scorecard;
pub mod search;

use actix_web::{web, HttpResponse};
use serde::Serialize;

use crate::app::documents::{document_list, document_page, DateQuery, ListQuery};
use crate::app::view::StatusView;
use crate::app::{on_pool, parse_date, AppState};
use crate::error::AppError;

/// The documents, filtered and paginated (20 a page by default).
#[utoipa::path(
    get,
    path = "/api/v1/documents",
    operation_id = "list_documents",
    tag = "van-ban",
    summary = "Danh sách văn bản, có bộ lọc và phân trang",
    description = "Lọc theo từ khóa, loại, cơ quan ban hành (kể cả cơ quan tiền nhiệm), năm, tình trạng hiệu lực tại ngày `date` (mặc định hôm nay).",
    params(ListQuery),
    responses(
        (status = 200, description = "Một trang danh sách", body = crate::app::documents::DocumentList),
        (status = 400, description = "Tham số không hợp lệ (`bad_request`)", body = openapi::Problem, content_type = "application/problem+json"),
    ),
)]
pub async fn documents(
    state: web::Data<AppState>,
    q: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let q = q.into_inner();
    let graphs = state.statuses.clone();
    let list = on_pool(&state, move |db| document_list(db, &q, &graphs)).await?;
    Ok(HttpResponse::Ok().json(list))
}

/// A document as of a date: attributes, status, articles, effects received and made.
#[utoipa::path(
    get,
    path = "/api/v1/documents/{id}",
    operation_id = "get_document",
    tag = "van-ban",
    summary = "Một văn bản và tình trạng của nó tại một ngày",
    params(("id" = i64, Path, description = "Mã số văn bản", example = 1), DateQuery),
    responses(
        (status = 200, description = "Văn bản", body = crate::app::documents::DocumentPage),
        (status = 400, description = "Ngày không hợp lệ (`bad_request`)", body = openapi::Problem, content_type = "application/problem+json"),
        (status = 404, description = "Không có văn bản này (`not_found`)", body = openapi::Problem, content_type = "application/problem+json"),
        (status = 410, description = "Văn bản đã bị rút vì nhập nhầm (`document-withdrawn`, `detail` nêu ngày và lý do)", body = openapi::Problem, content_type = "application/problem+json"),
    ),
)]
pub async fn document(
    state: web::Data<AppState>,
    path: web::Path<i64>,
    q: web::Query<DateQuery>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let date = parse_date(q.date.as_deref())?;
    let page = on_pool(&state, move |db| document_page(db, id, date)).await?;
    Ok(HttpResponse::Ok().json(page))
}

#[derive(Serialize, utoipa::ToSchema)]
struct ArticleStatus {
    key: String,
    label: String,
    status: Option<StatusView>,
}

#[derive(Serialize, utoipa::ToSchema)]
struct StatusResponse {
    id: i64,
    number: String,
    date: String,
    status: StatusView,
    reason: Option<String>,
    articles: Vec<ArticleStatus>,
}

/// The status of a document and of each of its articles on a date.
#[utoipa::path(
    get,
    path = "/api/v1/documents/{id}/status",
    operation_id = "get_document_status",
    tag = "van-ban",
    summary = "Tình trạng hiệu lực của văn bản và từng điều tại một ngày",
    params(("id" = i64, Path, description = "Mã số văn bản", example = 1), DateQuery),
    responses(
        (status = 200, description = "Tình trạng", body = StatusResponse),
        (status = 400, description = "Ngày không hợp lệ (`bad_request`)", body = openapi::Problem, content_type = "application/problem+json"),
        (status = 404, description = "Không có văn bản này (`not_found`)", body = openapi::Problem, content_type = "application/problem+json"),
        (status = 410, description = "Văn bản đã bị rút vì nhập nhầm (`document-withdrawn`, `detail` nêu ngày và lý do)", body = openapi::Problem, content_type = "application/problem+json"),
    ),
)]
pub async fn document_status(
    state: web::Data<AppState>,
    path: web::Path<i64>,
    q: web::Query<DateQuery>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let date = parse_date(q.date.as_deref())?;
    let page = on_pool(&state, move |db| document_page(db, id, date)).await?;
    let articles = page
        .nodes
        .into_iter()
        .filter(|n| n.kind == "dieu" || n.kind == "phu-luc")
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

#[derive(Serialize, utoipa::ToSchema)]
struct Checkpoint {
    seq: i64,
    hash: String,
    /// `N:HASH`, for `vanban audit verify --checkpoint N:HASH`.
    checkpoint: String,
    at: String,
}

/// The audit trail's latest sequence number and head hash: whoever records them can later
/// prove that no entry up to that number changed and that none was cut
/// (`vanban audit verify --checkpoint N:HASH`).
#[utoipa::path(
    get,
    path = "/api/v1/audit/checkpoint",
    operation_id = "audit_checkpoint",
    tag = "he-thong",
    summary = "Điểm kiểm tra của nhật ký kiểm toán (số thứ tự và mã băm mới nhất)",
    responses((status = 200, description = "Số thứ tự, mã băm SHA-256 và thời điểm (UTC)", body = Checkpoint)),
)]
pub async fn audit_checkpoint(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let (seq, hash) = on_pool(&state, |db| Ok(crate::audit::head(db)?)).await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(Checkpoint {
            checkpoint: crate::audit::Checkpoint {
                seq,
                hash: hash.clone(),
            }
            .to_string(),
            seq,
            hash,
            at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        }))
}
