//! The OpenAPI 3 description of the JSON API (`GET /api/v1/openapi.json`), generated from the
//! handlers' `#[utoipa::path]` annotations and the wire types' `ToSchema` derives. Who may call
//! an operation is not repeated in the annotations: [`FromRoutes`] reads it from the route
//! table, so the document and the guard cannot disagree. The handlers that serve it get it as
//! application data (`app::ApiDescription`, registered by `vanban_app!`).

use std::sync::OnceLock;

use actix_web::web;
use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{
    ContentBuilder, OpenApi as Document, Ref, RefOr, Response, ResponseBuilder, SecurityRequirement,
};
use utoipa::{Modify, OpenApi};

use super::{RouteDef, ROUTES};
use crate::app::ApiDescription;
use crate::auth::{Access, Role};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "vanban API",
        description = "Cơ sở dữ liệu văn bản quy phạm pháp luật địa phương: văn bản và tình trạng hiệu lực, tìm kiếm, niêm yết thủ tục hành chính, kiểm tra, bảng chỉ số cải cách, rà soát văn bản. Lỗi trả về dạng `application/problem+json` với mã `code` ổn định.",
        license(name = "MIT")
    ),
    paths(
        crate::api::openapi::openapi_json,
        crate::api::documents,
        crate::api::document,
        crate::api::document_status,
        crate::api::audit_checkpoint,
        crate::api::search::api,
        crate::api::annual::api,
        crate::api::procedures::api_catalogue,
        crate::api::procedures::api_detail,
        crate::api::procedures::api_unit,
        crate::api::procedures::completeness,
        crate::api::counter::postings,
        crate::api::counter::record_postings,
        crate::api::counter::dossier_counts,
        crate::api::counter::record_dossier_counts,
        crate::api::inspections::create,
        crate::api::inspections::get,
        crate::api::inspections::of_unit,
        crate::api::scorecard::unit,
        crate::api::scorecard::province,
        crate::api::records::write,
        crate::api::review::create_campaign,
        crate::api::review::campaign,
        crate::api::review::start_campaign,
        crate::api::review::assign,
        crate::api::register::import,
        crate::api::review::propose,
        crate::api::review::decision,
        crate::api::review::approve,
        crate::api::review::return_decision,
        crate::api::review::record_stage,
        crate::api::review::close,
        crate::api::account::api_me,
        crate::api::account::api_revoke_token,
        crate::api::originals::list,
        crate::api::originals::upload,
        crate::api::originals::withdraw,
    ),
    components(schemas(crate::api::openapi::Problem, crate::api::openapi::ProblemItem)),
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

/// The description, built once for the process.
fn shared() -> &'static web::Data<ApiDescription> {
    static DESCRIPTION: OnceLock<web::Data<ApiDescription>> = OnceLock::new();
    DESCRIPTION.get_or_init(|| web::Data::new(ApiDescription::new(ApiDoc::openapi())))
}

/// The description as application data for the handlers that serve it (`vanban_app!`).
pub fn description() -> web::Data<ApiDescription> {
    shared().clone()
}

/// The document.
pub fn document() -> &'static Document {
    shared().document()
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
