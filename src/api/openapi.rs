//! The OpenAPI 3 description of the JSON API (`GET /api/v1/openapi.json`), generated from the
//! handlers' `#[utoipa::path]` annotations and the wire types' `ToSchema` derives. Who may call
//! an operation is not repeated in the annotations: [`FromRoutes`] reads it from the route
//! table, so the document and the guard cannot disagree.

use std::sync::OnceLock;

use actix_web::HttpResponse;
use serde::Serialize;
use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{
    ContentBuilder, OpenApi as Document, Ref, RefOr, Response, ResponseBuilder, SecurityRequirement,
};
use utoipa::{Modify, OpenApi, ToSchema};

use crate::auth::{Access, Role};
use crate::routes::{RouteDef, ROUTES};

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

/// Một dòng lỗi (`POST /api/v1/records`) hoặc một hàng lỗi của sổ theo dõi rà soát.
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
    pub message: String,
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "vanban API",
        description = "Cơ sở dữ liệu văn bản quy phạm pháp luật địa phương: văn bản và tình trạng hiệu lực, tìm kiếm, niêm yết thủ tục hành chính, kiểm tra, bảng chỉ số cải cách, rà soát văn bản. Lỗi trả về dạng `application/problem+json` với mã `code` ổn định.",
        license(name = "MIT")
    ),
    paths(
        openapi_json,
        super::documents,
        super::document,
        super::document_status,
        super::audit_checkpoint,
        crate::web::search::api,
        super::annual::api,
        crate::web::procedures::api_catalogue,
        crate::web::procedures::api_detail,
        crate::web::procedures::api_unit,
        super::procedures::completeness,
        super::inspections::create,
        super::inspections::get,
        super::inspections::of_unit,
        super::scorecard::unit,
        super::scorecard::province,
        super::records::write,
        super::review::create_campaign,
        super::review::campaign,
        super::review::start_campaign,
        super::review::assign,
        super::register::import,
        super::review::propose,
        super::review::decision,
        super::review::approve,
        super::review::return_decision,
        super::review::record_stage,
        super::review::close,
        crate::web::account::api_me,
        crate::web::account::api_revoke_token,
    ),
    components(schemas(Problem, ProblemItem)),
    modifiers(&FromRoutes),
    tags(
        (name = "van-ban", description = "Văn bản, tình trạng hiệu lực theo ngày, danh mục hết hiệu lực hằng năm"),
        (name = "tim-kiem", description = "Tìm kiếm toàn văn"),
        (name = "thu-tuc", description = "Niêm yết thủ tục hành chính, kiểm tra, bảng chỉ số cải cách"),
        (name = "ra-soat", description = "Đợt rà soát, kết quả rà soát và xử lý"),
        (name = "ghi-du-lieu", description = "Ghi bản ghi vào cơ sở dữ liệu"),
        (name = "tai-khoan", description = "Tài khoản và mã truy cập (token)"),
        (name = "he-thong", description = "Nhật ký kiểm toán, mô tả API"),
    )
)]
pub struct ApiDoc;

/// Security schemes, and per operation the access rule of its route in [`ROUTES`]: public
/// operations need nothing; the others take a bearer token or the session cookie, answer 401
/// without them and 403 to a role the rule leaves out. Every operation answers other failures
/// with a problem document (`default`).
pub struct FromRoutes;

pub const BEARER: &str = "bearer";
pub const SESSION: &str = "session";

impl Modify for FromRoutes {
    fn modify(&self, doc: &mut Document) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            BEARER,
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "Mã truy cập (API token) tạo ở trang Tài khoản (/account): `Authorization: Bearer <token>`. Không cần mã CSRF.",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            SESSION,
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                crate::auth::session::SESSION_COOKIE_HTTPS,
                "Phiên đăng nhập của trình duyệt (POST /login); trên địa chỉ loopback qua http, cookie tên `vanban_session`. Yêu cầu ghi bằng cookie phải cùng nguồn (Origin hoặc Sec-Fetch-Site).",
            ))),
        );
        for (path, item) in doc.paths.paths.iter_mut() {
            for (verb, op) in [
                ("GET", item.get.as_mut()),
                ("POST", item.post.as_mut()),
                ("DELETE", item.delete.as_mut()),
            ] {
                let Some(op) = op else { continue };
                if let Some(route) = route_of(verb, path) {
                    apply_access(op, route.access);
                }
                op.responses
                    .responses
                    .entry("default".to_string())
                    .or_insert_with(|| {
                        problem_response("Lỗi khác (mã `code` trong tài liệu lỗi).")
                    });
            }
        }
    }
}

/// The route of ROUTES behind an OpenAPI path (`{param}` on both sides).
pub fn route_of(verb: &str, openapi_path: &str) -> Option<&'static RouteDef> {
    ROUTES
        .iter()
        .find(|r| r.method.as_str() == verb && openapi_path_of(r.path) == openapi_path)
}

/// An actix pattern as an OpenAPI path: `{id}` stays, a regex part (`{key:.+}`) loses it.
pub fn openapi_path_of(actix: &str) -> String {
    let mut out = String::with_capacity(actix.len());
    let mut depth = 0usize;
    let mut in_regex = false;
    for c in actix.chars() {
        match c {
            '{' => {
                depth += 1;
                if depth == 1 {
                    out.push(c);
                }
            }
            '}' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    in_regex = false;
                    out.push(c);
                }
            }
            ':' if depth == 1 => in_regex = true,
            _ if in_regex || depth > 1 => {}
            _ => out.push(c),
        }
    }
    out
}

fn problem_response(description: &str) -> RefOr<Response> {
    RefOr::T(
        ResponseBuilder::new()
            .description(description)
            .content(
                "application/problem+json",
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("Problem")))
                    .build(),
            )
            .build(),
    )
}

fn roles_text(roles: &[Role]) -> String {
    roles
        .iter()
        .map(|r| format!("{} (`{}`)", r.label(), r.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn apply_access(op: &mut Operation, access: Access) {
    let who = match access {
        Access::Public => {
            op.extensions
                .get_or_insert_with(Default::default)
                .insert("x-access".into(), serde_json::json!("public"));
            return;
        }
        Access::AnyUser => "Mọi người dùng đã đăng nhập.".to_string(),
        Access::Monitor => "Giám sát: địa chỉ được phép hoặc mã giám sát.".to_string(),
        Access::Roles(roles) | Access::Scoped(roles, _) => {
            format!("Vai trò: {}.", roles_text(roles))
        }
    };
    let roles: Vec<&str> = match access {
        Access::Roles(roles) | Access::Scoped(roles, _) => {
            roles.iter().map(|r| r.as_str()).collect()
        }
        _ => Role::ALL.iter().map(|r| r.as_str()).collect(),
    };
    op.extensions
        .get_or_insert_with(Default::default)
        .insert("x-roles".into(), serde_json::json!(roles));
    op.security = Some(vec![
        SecurityRequirement::new(BEARER, Vec::<String>::new()),
        SecurityRequirement::new(SESSION, Vec::<String>::new()),
    ]);
    let description = match op.description.take() {
        Some(d) if !d.is_empty() => format!("{d}\n\nQuyền: {who}"),
        _ => format!("Quyền: {who}"),
    };
    op.description = Some(description);
    let responses = &mut op.responses.responses;
    responses.entry("401".to_string()).or_insert_with(|| {
        problem_response(
            "Chưa đăng nhập, hoặc mã truy cập không hợp lệ (`unauthenticated`, `invalid_token`).",
        )
    });
    responses.entry("403".to_string()).or_insert_with(|| {
        problem_response("Vai trò hoặc phạm vi đơn vị không cho phép (`forbidden`), hoặc yêu cầu ghi từ nguồn khác (`csrf`).")
    });
}

/// The document, built once.
pub fn document() -> &'static Document {
    static DOC: OnceLock<Document> = OnceLock::new();
    DOC.get_or_init(ApiDoc::openapi)
}

fn document_json() -> &'static str {
    static JSON: OnceLock<String> = OnceLock::new();
    JSON.get_or_init(|| serde_json::to_string(document()).unwrap_or_else(|_| "{}".to_string()))
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
pub async fn openapi_json() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(document_json())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actix_patterns_become_openapi_paths() {
        assert_eq!(
            openapi_path_of("/api/v1/documents/{id}"),
            "/api/v1/documents/{id}"
        );
        assert_eq!(
            openapi_path_of("/documents/{id}/{key:.+}"),
            "/documents/{id}/{key}"
        );
        assert_eq!(openapi_path_of("/a/{x:[0-9]{4}}/b"), "/a/{x}/b");
    }
}
