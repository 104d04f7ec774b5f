//! One error handler per actix extractor (`Path`, `Query`, `Form`, `Json`): a value that does
//! not fit the handler's type answers as the route that matched answers — a problem document
//! on `/api/` routes, the Vietnamese error page elsewhere. The kind is taken from the matched
//! route's pattern, never from how the path was spelled.

use actix_web::error::{
    InternalError, JsonPayloadError, PathError, QueryPayloadError, UrlencodedError,
};
use actix_web::{web, HttpRequest, ResponseError};

use super::guard::FORM_LIMIT;
use crate::error::AppError;

/// The largest JSON body any extractor reads; each route's own, smaller limit is enforced by
/// the guard before the body is read.
pub const JSON_EXTRACT_LIMIT: usize = 32 * 1024 * 1024;

/// Whether the route that matched is part of the JSON API.
pub fn api_route(req: &HttpRequest) -> bool {
    req.match_pattern().is_some_and(|p| p.starts_with("/api/"))
}

/// The error as the matched route answers it.
pub fn answer(req: &HttpRequest, err: AppError) -> actix_web::Error {
    let response = if api_route(req) {
        err.error_response()
    } else {
        crate::web::error_page(&err)
    };
    InternalError::from_response(err.to_string(), response).into()
}

/// How a route names the record an id that is not one would have been (`{}`: the segment),
/// as the handlers' own parsers said before the typed extractors.
const NOT_FOUND: &[(&str, &str)] = &[
    ("/documents/", "Không có văn bản mã số «{}»."),
    ("/authorities/", "Không có cơ quan ban hành «{}»."),
    ("/campaigns/", "Không có đợt rà soát mã số «{}»."),
    ("/decisions/", "Không có bản ghi mã số «{}»."),
    ("/inspections/", "Không có biên bản kiểm tra mã số «{}»."),
    ("/admin/users/", "Không có tài khoản mã số «{}»."),
];

/// The 404 message for segment `shown` of a route with this pattern.
pub fn not_found_message(pattern: &str, shown: &str) -> String {
    let template = NOT_FOUND
        .iter()
        .find(|(part, _)| pattern.contains(part))
        .map_or("Không có mục nào mã số «{}».", |(_, t)| t);
    template.replace("{}", shown)
}

/// A path segment that does not fit (a non-numeric id): nothing lives at that address (404),
/// named as the route names its records (`Không có văn bản mã số «abc».`).
pub fn path_error(e: PathError, req: &HttpRequest) -> actix_web::Error {
    tracing::debug!(error = %e, "path segment does not fit its type");
    // The segment shown is the first that is not a number (ids are the numeric segments).
    let info = req.match_info();
    let shown = info
        .iter()
        .map(|(_, v)| v)
        .find(|v| v.parse::<i64>().is_err())
        .unwrap_or_default();
    let pattern = req.match_pattern().unwrap_or_default();
    answer(req, AppError::NotFound(not_found_message(&pattern, shown)))
}

pub fn query_error(e: QueryPayloadError, req: &HttpRequest) -> actix_web::Error {
    answer(
        req,
        AppError::BadRequest(format!("Tham số không hợp lệ: {e}")),
    )
}

/// A form body that does not fit the handler's form (a field sent twice, a field missing, not
/// a URL-encoded form at all): on a page, the site's error page in Vietnamese with a link back
/// to the form (`Viewer::form_page`); on the API, a problem document (`bad_request`,
/// `payload_too_large`).
pub fn form_error(e: UrlencodedError, req: &HttpRequest) -> actix_web::Error {
    tracing::debug!(error = %e, "form body does not fit its form");
    let err = match &e {
        UrlencodedError::Overflow { .. } => AppError::PayloadTooLarge,
        e => AppError::BadRequest(crate::web::form_message(&e.to_string())),
    };
    answer(req, err)
}

pub fn json_error(e: JsonPayloadError, req: &HttpRequest) -> actix_web::Error {
    let err = match e {
        JsonPayloadError::Overflow { .. } | JsonPayloadError::OverflowKnownLength { .. } => {
            AppError::PayloadTooLarge
        }
        e => AppError::BadRequest(format!("Dữ liệu JSON không hợp lệ: {e}")),
    };
    answer(req, err)
}

pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(path_error)
}

pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(query_error)
}

pub fn form_config() -> web::FormConfig {
    web::FormConfig::default()
        .limit(FORM_LIMIT)
        .error_handler(form_error)
}

pub fn json_config() -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(JSON_EXTRACT_LIMIT)
        .content_type_required(false)
        .error_handler(json_error)
}

#[cfg(test)]
mod tests {
    use super::not_found_message;

    #[test]
    fn each_route_names_what_it_serves() {
        assert_eq!(
            not_found_message("/api/v1/documents/{id}/status", "abc"),
            "Không có văn bản mã số «abc»."
        );
        assert_eq!(
            not_found_message("/authorities/{id}", "1x"),
            "Không có cơ quan ban hành «1x»."
        );
        assert_eq!(
            not_found_message("/account/tokens/{id}/revoke", "x"),
            "Không có mục nào mã số «x»."
        );
    }
}
