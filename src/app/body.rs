//! Reading a request body whole, within a limit: the guard reads forms this way (for their
//! CSRF token), and the API handlers that take a raw body (records, the review register) too.

use actix_web::body::BodyStream;
use actix_web::dev::Payload;
use actix_web::web;

use crate::error::AppError;

/// The error of a body that could not be read: too large (413), too slow (408), or broken.
pub fn body_error(e: actix_web::error::PayloadError) -> AppError {
    use actix_web::error::PayloadError;
    match e {
        PayloadError::Overflow => AppError::PayloadTooLarge,
        PayloadError::Io(io) if io.kind() == std::io::ErrorKind::TimedOut => {
            AppError::RequestTimeout
        }
        e => AppError::BadRequest(format!("Không đọc được dữ liệu gửi lên: {e}")),
    }
}

/// Reads a whole body of at most `limit` bytes.
pub async fn read_body(payload: Payload, limit: usize) -> Result<web::Bytes, AppError> {
    match actix_web::body::to_bytes_limited(BodyStream::new(payload), limit).await {
        Ok(Ok(b)) => Ok(b),
        Ok(Err(e)) => Err(body_error(e)),
        Err(_) => Err(AppError::PayloadTooLarge),
    }
}
