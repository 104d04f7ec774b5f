//! `GET /api/v1/search`: the search the public page runs, answered as JSON.

use actix_web::{web, HttpResponse};

use crate::app::search::{run, SearchQuery};
use crate::app::AppState;
use crate::error::AppError;

/// Full-text search of documents or articles, with facets.
#[utoipa::path(
    get,
    path = "/api/v1/search",
    operation_id = "search",
    tag = "tim-kiem",
    summary = "Tìm kiếm văn bản hoặc điều khoản",
    description = "Từ khóa có hoặc không dấu; số ký hiệu ở mọi dạng. Kết quả có đoạn trích (`<mark>`) và số đếm theo loại, tình trạng, cơ quan, năm. Từ khóa rỗng: các văn bản mới nhất.",
    params(SearchQuery),
    responses(
        (status = 200, description = "Kết quả", body = crate::app::search::SearchResponse),
        (status = 400, description = "Tham số không hợp lệ, có nêu tên tham số (`bad_request`)", body = crate::api::openapi::Problem, content_type = "application/problem+json"),
    ),
)]
pub async fn api(
    state: web::Data<AppState>,
    q: web::Query<SearchQuery>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(run(&state, q.into_inner()).await?))
}
