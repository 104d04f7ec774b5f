//! One error type for the web layer, with a stable code: pages get a Vietnamese HTML page,
//! `/api/` routes get `application/problem+json`.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};

use crate::auth::users::AccountError;
use crate::db::DbError;
use crate::procedures::check::CheckError;
use crate::procedures::inspections::{InspectionError, ViewError};
use crate::procedures::scorecard::ScorecardError;
use crate::review::campaigns::CampaignError;
use crate::review::decisions::DecisionError;

/// Any error kept as the cause of another.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    BadRequest(String),
    #[error("lỗi cơ sở dữ liệu")]
    Db(#[from] DbError),
    /// A fault described in words only (no underlying error to keep).
    #[error("lỗi hệ thống")]
    Internal(String),
    /// A fault caused by another error, kept as the source so the log shows the whole chain.
    #[error("lỗi hệ thống: {context}")]
    Failed {
        context: &'static str,
        #[source]
        source: BoxError,
    },
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
    /// A large body arrived while another was being received (`Retry-After` added where it is
    /// raised): 503 `upload-busy`, so two large uploads are never held at once.
    #[error("{0}")]
    UploadBusy(String),
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
    /// A document withdrawn because it was entered in error (410, with the reason).
    #[error("{0}")]
    Withdrawn(String),
    /// The account's password was set by an administrator and has not been changed yet: API
    /// tokens are refused (403 `password_change_required`) until the user changes it.
    #[error("cần đổi mật khẩu")]
    PasswordChangeRequired,
}

impl AppError {
    pub fn code(&self) -> &'static str {
        match self {
            AppError::NotFound(_) => "not_found",
            AppError::BadRequest(_) => "bad_request",
            AppError::Db(_) => "database_error",
            AppError::Internal(_) | AppError::Failed { .. } => "internal_error",
            AppError::Unauthenticated => "unauthenticated",
            AppError::InvalidToken => "invalid_token",
            AppError::Forbidden(_) => "forbidden",
            AppError::Csrf(_) => "csrf",
            AppError::TooManyRequests(_) => "too_many_requests",
            AppError::PayloadTooLarge => "payload_too_large",
            AppError::Busy(_) => "busy",
            AppError::UploadBusy(_) => "upload-busy",
            AppError::RequestTimeout => "request_timeout",
            AppError::UriTooLong => "uri_too_long",
            AppError::MethodNotAllowed => "method_not_allowed",
            AppError::Unprocessable(_) => "unprocessable",
            AppError::Conflict(_) => "conflict",
            AppError::PreconditionFailed(_) => "precondition_failed",
            AppError::Withdrawn(_) => "document-withdrawn",
            AppError::PasswordChangeRequired => "password_change_required",
        }
    }

    pub fn title(&self) -> &'static str {
        match self {
            AppError::NotFound(_) => "Không tìm thấy",
            AppError::BadRequest(_) => "Yêu cầu không hợp lệ",
            AppError::Db(_) | AppError::Internal(_) | AppError::Failed { .. } => "Lỗi hệ thống",
            AppError::Unauthenticated | AppError::InvalidToken => "Cần đăng nhập",
            AppError::Forbidden(_) => "Không có quyền",
            AppError::Csrf(_) => "Yêu cầu bị từ chối",
            AppError::TooManyRequests(_) => "Tạm thời bị từ chối",
            AppError::PayloadTooLarge => "Dữ liệu quá lớn",
            AppError::Busy(_) | AppError::UploadBusy(_) => "Máy chủ đang bận",
            AppError::RequestTimeout => "Hết thời gian chờ",
            AppError::UriTooLong => "Địa chỉ quá dài",
            AppError::MethodNotAllowed => "Phương thức không được hỗ trợ",
            AppError::Unprocessable(_) => "Không thể thực hiện",
            AppError::Conflict(_) => "Xung đột trạng thái",
            AppError::PreconditionFailed(_) => "Dữ liệu đã thay đổi",
            AppError::Withdrawn(_) => "Văn bản đã bị rút",
            AppError::PasswordChangeRequired => "Cần đổi mật khẩu",
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
            | AppError::UploadBusy(m)
            | AppError::Unprocessable(m)
            | AppError::Conflict(m)
            | AppError::PreconditionFailed(m)
            | AppError::Withdrawn(m) => m.clone(),
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
                crate::config::MAX_URI
            ),
            AppError::MethodNotAllowed => {
                "Địa chỉ này không nhận phương thức yêu cầu đã dùng.".to_string()
            }
            AppError::PasswordChangeRequired => {
                "Mật khẩu của tài khoản do quản trị viên đặt và chưa được đổi: hãy đăng nhập, đổi mật khẩu tại trang Tài khoản rồi tạo mã truy cập mới."
                    .to_string()
            }
            AppError::Db(_) | AppError::Internal(_) | AppError::Failed { .. } => {
                "Đã xảy ra lỗi khi xử lý yêu cầu. Vui lòng thử lại sau.".to_string()
            }
        }
    }
}

impl AppError {
    /// A fault caused by `source`, which is kept (not flattened into text) so the log shows
    /// why; `context` says what was being done. Users see only the generic message.
    pub fn internal(context: &'static str, source: impl Into<BoxError>) -> Self {
        AppError::Failed {
            context,
            source: source.into(),
        }
    }

    /// The error and each of its causes in turn, joined by `: ` — what the log records.
    pub fn chain(&self) -> String {
        chain(self)
    }
}

/// `e` and each `source()` in turn, joined by `: `. A cause whose text its wrapper already
/// ends with (`lỗi cơ sở dữ liệu: {0}` over the diesel error) is not repeated.
pub fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut src = e.source();
    while let Some(s) = src {
        let text = s.to_string();
        if !out.ends_with(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        src = s.source();
    }
    out
}

impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> Self {
        AppError::Db(DbError::Query(e))
    }
}

impl From<diesel::r2d2::PoolError> for AppError {
    fn from(e: diesel::r2d2::PoolError) -> Self {
        AppError::Db(DbError::Pool(e))
    }
}

impl From<actix_web::error::BlockingError> for AppError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        AppError::internal("công việc nền bị huỷ", e)
    }
}

impl From<tera::Error> for AppError {
    fn from(e: tera::Error) -> Self {
        AppError::internal("dựng trang", e)
    }
}

impl From<std::io::Error> for AppError {
    fn from(e: std::io::Error) -> Self {
        AppError::internal("đọc/ghi tệp", e)
    }
}

impl From<serde_json::Error> for AppError {
    fn from(e: serde_json::Error) -> Self {
        AppError::internal("chuyển đổi JSON", e)
    }
}

impl From<csv::Error> for AppError {
    fn from(e: csv::Error) -> Self {
        AppError::internal("ghi CSV", e)
    }
}

impl From<AccountError> for AppError {
    fn from(e: AccountError) -> Self {
        match e {
            AccountError::Db(e) => AppError::Db(e),
            AccountError::Hash(e) => AppError::internal("băm mật khẩu", e),
            AccountError::UnknownUser(_) => AppError::NotFound(e.to_string()),
            e => AppError::BadRequest(e.to_string()),
        }
    }
}

impl From<ScorecardError> for AppError {
    fn from(e: ScorecardError) -> Self {
        match e {
            ScorecardError::Year { .. } => AppError::BadRequest(format!("Tham số «year»: {e}.")),
            ScorecardError::Check(c) => c.into(),
            ScorecardError::Db(d) => AppError::Db(d),
        }
    }
}

impl From<ViewError> for AppError {
    fn from(e: ViewError) -> Self {
        match e {
            ViewError::NotFound(_) => AppError::NotFound(e.to_string()),
            ViewError::Check(c) => c.into(),
            ViewError::Db(d) => AppError::Db(d),
        }
    }
}

impl From<InspectionError> for AppError {
    fn from(e: InspectionError) -> Self {
        match e {
            InspectionError::Db(d) => AppError::Db(d),
            InspectionError::BadDate(_) => AppError::BadRequest(e.to_string()),
            InspectionError::OutOfScope(_) => AppError::Forbidden(e.to_string()),
            other => AppError::Unprocessable(other.to_string()),
        }
    }
}

impl From<CheckError> for AppError {
    fn from(e: CheckError) -> Self {
        match e {
            CheckError::Db(e) => AppError::Db(e),
            CheckError::UnknownUnit(_) => {
                AppError::NotFound(format!("Không tìm thấy đơn vị: {e}."))
            }
            other => AppError::Unprocessable(format!("{other}.")),
        }
    }
}

impl From<CampaignError> for AppError {
    fn from(e: CampaignError) -> Self {
        match e {
            CampaignError::Invalid(m) => AppError::Unprocessable(m),
            CampaignError::Forbidden(m) => AppError::Forbidden(m),
            CampaignError::Db(e) => AppError::Db(e),
        }
    }
}

impl From<DecisionError> for AppError {
    fn from(e: DecisionError) -> Self {
        match e {
            DecisionError::NotFound(m) => AppError::NotFound(m),
            DecisionError::Invalid(m) => AppError::Unprocessable(m),
            DecisionError::Forbidden(m) => AppError::Forbidden(m),
            DecisionError::Conflict(m) => AppError::Conflict(m),
            e @ DecisionError::Stale { .. } => AppError::PreconditionFailed(e.to_string()),
            DecisionError::Db(e) => AppError::Db(e),
        }
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Db(_) | AppError::Internal(_) | AppError::Failed { .. } => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
            AppError::Unauthenticated | AppError::InvalidToken => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) | AppError::Csrf(_) => StatusCode::FORBIDDEN,
            AppError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Busy(_) | AppError::UploadBusy(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::RequestTimeout => StatusCode::REQUEST_TIMEOUT,
            AppError::UriTooLong => StatusCode::URI_TOO_LONG,
            AppError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            AppError::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::PreconditionFailed(_) => StatusCode::PRECONDITION_FAILED,
            AppError::Withdrawn(_) => StatusCode::GONE,
            AppError::PasswordChangeRequired => StatusCode::FORBIDDEN,
        }
    }

    /// A bare problem document; `web::errors` renders the HTML page for non-API routes.
    fn error_response(&self) -> HttpResponse {
        if self.status_code().is_server_error() {
            tracing::error!(error = %self.chain(), "request failed");
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

#[cfg(test)]
mod tests {
    use std::error::Error as _;

    use super::*;

    /// A diesel error with a cause of its own, as a decision write would meet it.
    fn nested() -> AppError {
        let root = std::io::Error::other("ổ đĩa đầy (root cause)");
        let diesel = diesel::result::Error::QueryBuilderError(Box::new(root));
        AppError::from(DecisionError::Db(DbError::Query(diesel)))
    }

    #[test]
    fn a_nested_error_keeps_its_chain_to_the_root() {
        let e = nested();
        let mut texts = vec![e.to_string()];
        let mut src = e.source();
        while let Some(s) = src {
            texts.push(s.to_string());
            src = s.source();
        }
        // AppError → DbError → diesel (→ io where diesel exposes it), each a source of the
        // one before; the walk ends at the root cause.
        assert!(texts.len() >= 3, "{texts:?}");
        assert_eq!(
            texts.last().map(String::as_str),
            Some("ổ đĩa đầy (root cause)")
        );
        let diesel = e.source().and_then(|s| s.source());
        assert!(diesel
            .and_then(|s| s.downcast_ref::<diesel::result::Error>())
            .is_some());
        assert!(e
            .source()
            .and_then(|s| s.downcast_ref::<DbError>())
            .is_some());
        assert_eq!(e.code(), "database_error");
        assert_eq!(e.status_code(), StatusCode::INTERNAL_SERVER_ERROR);
    }

    #[test]
    fn the_logged_chain_names_the_root_cause_and_the_public_message_does_not() {
        let e = nested();
        let logged = e.chain();
        assert!(logged.contains("ổ đĩa đầy (root cause)"), "{logged}");
        assert!(!e.public_message().contains("ổ đĩa"));
        assert_eq!(
            e.public_message(),
            "Đã xảy ra lỗi khi xử lý yêu cầu. Vui lòng thử lại sau."
        );
    }

    #[test]
    fn a_wrapped_fault_answers_as_an_internal_error_and_keeps_its_source() {
        let csv = csv::Error::from(std::io::Error::other("ống bị đóng"));
        let e = AppError::from(csv);
        assert_eq!(e.code(), "internal_error");
        assert_eq!(e.title(), "Lỗi hệ thống");
        assert_eq!(e.status_code(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(e.source().is_some());
        assert!(e.chain().contains("ống bị đóng"), "{}", e.chain());
        assert!(!e.public_message().contains("ống"));
        let body = e.error_response();
        assert_eq!(body.status(), StatusCode::INTERNAL_SERVER_ERROR);
    }

    #[test]
    fn a_cause_already_in_its_wrappers_text_is_not_repeated() {
        let e = AppError::Db(DbError::Query(diesel::result::Error::NotFound));
        let logged = e.chain();
        assert_eq!(logged.matches("Record not found").count(), 1, "{logged}");
    }
}
