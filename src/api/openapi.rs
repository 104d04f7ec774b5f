//! What the JSON API's handlers reference of its OpenAPI 3 description: the problem document
//! schema ([`Problem`]) and the handler that serves the description (`GET
//! /api/v1/openapi.json`). The description itself is built by `routes::openapi` from the
//! handlers' `#[utoipa::path]` annotations and the route table's access rules, and reaches the
//! handler as application data ([`ApiDescription`]).

use actix_web::{web, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

use crate::app::ApiDescription;

/// Tài liệu lỗi (RFC 9457), `application/problem+json`: `code` ổn định, dành cho chương trình;
/// `title` và `detail` dành cho người đọc.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "type": "https://vanban.example/problems/not_found",
    "title": "Không tìm thấy",
    "status": 404,
    "code": "not_found",
    "detail": "Không có văn bản mã số 999."
}))]
pub struct Problem {
    /// `https://vanban.example/problems/{code}`.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    /// Mã trạng thái HTTP, nhắc lại.
    pub status: u16,
    /// Mã ổn định: `not_found`, `bad_request`, `unauthenticated`, `invalid_token`,
    /// `forbidden`, `csrf`, `too_many_requests`, `payload_too_large`, `uri_too_long`,
    /// `method_not_allowed`, `unprocessable`, `conflict`, `precondition_failed`,
    /// `database_error`, `internal_error`, và mã của từng loại từ chối riêng
    /// (`invalid_records`, `records_out_of_scope`, `invalid_register_rows`,
    /// `unreadable_register`, `unsupported_spreadsheet`, các lý do từ chối biên bản kiểm tra).
    pub code: String,
    pub detail: String,
    /// Các dòng lỗi, khi cả lô bị từ chối (bản ghi, sổ theo dõi rà soát).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub errors: Option<Vec<ProblemItem>>,
}

/// Một dòng lỗi (`POST /api/v1/records`), một hàng lỗi của sổ theo dõi rà soát, hoặc một trường
/// bị từ chối (niêm yết, số liệu hồ sơ).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProblemItem {
    /// Số dòng JSON Lines (bản ghi).
    #[schema(nullable = false)]
    pub line: Option<usize>,
    /// Số hàng của bảng tính (sổ theo dõi; 0: cả tệp).
    #[schema(nullable = false)]
    pub row: Option<usize>,
    /// Cột liên quan, nếu có.
    #[schema(nullable = false)]
    pub column: Option<String>,
    /// Trường của nội dung gửi lên (`date`, `counts[0].on_time`), nếu có.
    #[schema(nullable = false)]
    pub field: Option<String>,
    /// Mã ổn định của lỗi này (`future_month`, `procedure_not_applicable`…), nếu có.
    #[schema(nullable = false)]
    pub code: Option<String>,
    pub message: String,
}

/// The OpenAPI description of this API.
#[utoipa::path(
    get,
    path = "/api/v1/openapi.json",
    operation_id = "openapi",
    tag = "he-thong",
    summary = "Mô tả OpenAPI 3 của API này",
    responses((status = 200, description = "Tài liệu OpenAPI 3", content_type = "application/json", body = Object)),
)]
pub async fn openapi_json(description: web::Data<ApiDescription>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(description.json())
}
