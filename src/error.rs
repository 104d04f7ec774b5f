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
}

impl AppError {
    pub fn code(&self) -> &'static str {
        match self {
            AppError::NotFound(_) => "not_found",
            AppError::BadRequest(_) => "bad_request",
            AppError::Db(_) => "database_error",
            AppError::Internal(_) => "internal_error",
        }
    }

    pub fn title(&self) -> &'static str {
        match self {
            AppError::NotFound(_) => "Không tìm thấy",
            AppError::BadRequest(_) => "Yêu cầu không hợp lệ",
            AppError::Db(_) | AppError::Internal(_) => "Lỗi hệ thống",
        }
    }

    /// The message shown to the user; internal details stay in the log.
    pub fn public_message(&self) -> String {
        match self {
            AppError::NotFound(m) | AppError::BadRequest(m) => m.clone(),
            AppError::Db(_) | AppError::Internal(_) => {
                "Đã xảy ra lỗi khi xử lý yêu cầu. Vui lòng thử lại sau.".to_string()
            }
        }
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
