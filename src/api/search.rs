//! `GET /api/v1/search`: the search the public page runs, answered as JSON.

use actix_web::{web, HttpResponse};

use crate::app::search::{run, SearchQuery};
use crate::app::AppState;
use crate::error::AppError;

/// Full-text search of documents or articles, with facets, and the one answer (procedures
/// and units the query names, a document number that names nothing).
#[utoipa::path(
    get,
    path = "/api/v1/search",
    operation_id = "search",
    tag = "tim-kiem",
    summary = "Tìm kiếm văn bản, điều khoản, thủ tục và đơn vị hành chính",
    description = "Từ khóa có hoặc không dấu; số ký hiệu ở mọi dạng (`7/2020/nq-hdnd`, `07/NQ-HĐND`), mã thủ tục có hoặc không dấu chấm (`1.001193`, `1001193`). `hits`: văn bản hoặc điều khoản (hoặc thủ tục với `scope=procedures`), có đoạn trích (`<mark>`) và số đếm theo loại, tình trạng, cơ quan, năm. `results`: một danh sách trả lời, tốt nhất trước — ở trang đầu, tìm văn bản theo mức phù hợp và không lọc, thủ tục hành chính và xã, phường mà câu hỏi nêu tên đứng trước văn bản khi câu hỏi hỏi đến chúng (`kind`: `procedure`, `unit`, `document`, `article`). `number`: khi câu hỏi là một số ký hiệu, có văn bản mang số đó không (`found`) và, nếu không, các văn bản có số gần giống (`near`). Từ khóa rỗng: các văn bản mới nhất.",
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
