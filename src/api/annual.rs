//! `GET /api/v1/annual-lists/{year}`: the yearly list of expired documents as JSON.

use actix_web::{web, HttpResponse};

use crate::app::annual::{load, AnnualList, AnnualQuery};
use crate::app::AppState;
use crate::error::AppError;

/// The year's list of documents expired in whole or in part, with the ground of each.
#[utoipa::path(
    get,
    path = "/api/v1/annual-lists/{year}",
    operation_id = "annual_list",
    tag = "van-ban",
    summary = "Danh mục văn bản hết hiệu lực toàn bộ hoặc một phần trong năm",
    params(("year" = i32, Path, description = "Năm, bốn chữ số, từ 1945 đến năm sau", example = 2025), AnnualQuery),
    responses(
        (status = 200, description = "Danh mục", body = AnnualList),
        (status = 400, description = "Tham số không hợp lệ (`bad_request`)", body = super::openapi::Problem, content_type = "application/problem+json"),
        (status = 404, description = "Năm hoặc cơ quan không có (`not_found`)", body = super::openapi::Problem, content_type = "application/problem+json"),
    ),
)]
pub async fn api(
    state: web::Data<AppState>,
    path: web::Path<String>,
    q: web::Query<AnnualQuery>,
) -> Result<HttpResponse, AppError> {
    let (list, _) = load(&state, &path.into_inner(), &q.into_inner()).await?;
    Ok(HttpResponse::Ok().json(list))
}
