//! One error type for the web layer, with a stable code: pages get a Vietnamese HTML page,
//! `/api/` routes get `application/problem+json`.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};

use crate::db::DbError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    BadRequest(String),
    #[error("lỗi cơ sở dữ liệu")]
    Db(#[from] DbError),
    #[error("lỗi hệ thống")]
    Internal(String),
    #[error("cần đăng nhập")]
    Unauthenticated,
    #[error("mã truy cập không hợp lệ")]
    InvalidToken,
    #[error("{0}")]
    Forbidden(String),
    /// A state-changing request from another site, or without its CSRF token.
    #[error("{0}")]
    Csrf(String),
    #[error("{0}")]
    TooManyRequests(String),
    #[error("dữ liệu gửi lên quá lớn")]
    PayloadTooLarge,
    /// The body did not arrive in time.
    #[error("hết thời gian chờ dữ liệu")]
    RequestTimeout,
    /// The server is at a bound of work it takes at once (bodies held, password checks):
    /// 503, with `Retry-After` added where it is raised.
    #[error("{0}")]
    Busy(String),
    /// The address (with its query) is longer than any page or API needs.
    #[error("địa chỉ quá dài")]
    UriTooLong,
    #[error("phương thức không được hỗ trợ")]
    MethodNotAllowed,
    /// Well-formed but refused by the rules (a decision outside its campaign, a bad stage).
    #[error("{0}")]
    Unprocessable(String),
    /// The record is not in a state that allows this (already decided, decided meanwhile).
    #[error("{0}")]
    Conflict(String),
    /// `If-Match` names a version that is no longer current.
    #[error("{0}")]
    PreconditionFailed(String),
}

impl AppError {
    pub fn code(&self) -> &'static str {
        match self {
            AppError::NotFound(_) => "not_found",
            AppError::BadRequest(_) => "bad_request",
            AppError::Db(_) => "database_error",
            AppError::Internal(_) => "internal_error",
            AppError::Unauthenticated => "unauthenticated",
            AppError::InvalidToken => "invalid_token",
            AppError::Forbidden(_) => "forbidden",
            AppError::Csrf(_) => "csrf",
            AppError::TooManyRequests(_) => "too_many_requests",
            AppError::PayloadTooLarge => "payload_too_large",
            AppError::Busy(_) => "busy",
            AppError::RequestTimeout => "request_timeout",
            AppError::UriTooLong => "uri_too_long",
            AppError::MethodNotAllowed => "method_not_allowed",
            AppError::Unprocessable(_) => "unprocessable",
            AppError::Conflict(_) => "conflict",
            AppError::PreconditionFailed(_) => "precondition_failed",
        }
    }

    pub fn title(&self) -> &'static str {
        match self {
            AppError::NotFound(_) => "Không tìm thấy",
            AppError::BadRequest(_) => "Yêu cầu không hợp lệ",
            AppError::Db(_) | AppError::Internal(_) => "Lỗi hệ thống",
            AppError::Unauthenticated | AppError::InvalidToken => "Cần đăng nhập",
            AppError::Forbidden(_) => "Không có quyền",
            AppError::Csrf(_) => "Yêu cầu bị từ chối",
            AppError::TooManyRequests(_) => "Tạm thời bị từ chối",
            AppError::PayloadTooLarge => "Dữ liệu quá lớn",
            AppError::Busy(_) => "Máy chủ đang bận",
            AppError::RequestTimeout => "Hết thời gian chờ",
            AppError::UriTooLong => "Địa chỉ quá dài",
            AppError::MethodNotAllowed => "Phương thức không được hỗ trợ",
            AppError::Unprocessable(_) => "Không thể thực hiện",
            AppError::Conflict(_) => "Xung đột trạng thái",
            AppError::PreconditionFailed(_) => "Dữ liệu đã thay đổi",
        }
    }

    /// The message shown to the user; internal details stay in the log.
    pub fn public_message(&self) -> String {
        match self {
            AppError::NotFound(m)
            | AppError::BadRequest(m)
            | AppError::Forbidden(m)
            | AppError::Csrf(m)
            | AppError::TooManyRequests(m)
            | AppError::Busy(m)
            | AppError::Unprocessable(m)
            | AppError::Conflict(m)
            | AppError::PreconditionFailed(m) => m.clone(),
            AppError::Unauthenticated => "Bạn cần đăng nhập để thực hiện thao tác này.".to_string(),
            AppError::InvalidToken => {
                "Mã truy cập (token) không hợp lệ, đã hết hạn, đã bị thu hồi, hoặc tài khoản đã bị khoá."
                    .to_string()
            }
            AppError::PayloadTooLarge => "Dữ liệu gửi lên vượt quá giới hạn cho phép.".to_string(),
            AppError::RequestTimeout => {
                "Dữ liệu gửi lên đến quá chậm nên đã bị ngắt. Hãy gửi lại.".to_string()
            }
            AppError::UriTooLong => format!(
                "Địa chỉ yêu cầu dài quá {} ký tự; hãy rút ngắn từ khóa hoặc bớt bộ lọc.",
                crate::web::http::MAX_URI
            ),
            AppError::MethodNotAllowed => {
                "Địa chỉ này không nhận phương thức yêu cầu đã dùng.".to_string()
            }
            AppError::Db(_) | AppError::Internal(_) => {
                "Đã xảy ra lỗi khi xử lý yêu cầu. Vui lòng thử lại sau.".to_string()
            }
        }
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> Self {
        AppError::Db(DbError::Query(e))
    }
}

impl From<actix_web::error::BlockingError> for AppError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        AppError::Internal(e.to_string())
    }
}

impl From<tera::Error> for AppError {
    fn from(e: tera::Error) -> Self {
        use std::error::Error as _;
        let mut msg = e.to_string();
        let mut src = e.source();
        while let Some(s) = src {
            msg.push_str(": ");
            msg.push_str(&s.to_string());
            src = s.source();
        }
        AppError::Internal(msg)
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Db(_) | AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            AppError::Unauthenticated | AppError::InvalidToken => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) | AppError::Csrf(_) => StatusCode::FORBIDDEN,
            AppError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Busy(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::RequestTimeout => StatusCode::REQUEST_TIMEOUT,
            AppError::UriTooLong => StatusCode::URI_TOO_LONG,
            AppError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            AppError::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::PreconditionFailed(_) => StatusCode::PRECONDITION_FAILED,
        }
    }

    /// A bare problem document; `web::errors` renders the HTML page for non-API routes.
    fn error_response(&self) -> HttpResponse {
        if self.status_code().is_server_error() {
            tracing::error!(error = ?self, "request failed");
        }
        HttpResponse::build(self.status_code())
            .content_type("application/problem+json")
            .json(problem(
                self.status_code(),
                self.code(),
                self.title(),
                &self.public_message(),
            ))
    }
}

pub fn problem(status: StatusCode, code: &str, title: &str, detail: &str) -> serde_json::Value {
    serde_json::json!({
        "type": format!("https://vanban.example/problems/{code}"),
        "title": title,
        "status": status.as_u16(),
        "code": code,
        "detail": detail,
    })
}
