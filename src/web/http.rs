//! HTTP details every route shares: addresses too long to be real (414), and conditional
//! GET — public pages and API answers carry a weak `ETag` computed from their content, and a
//! request whose `If-None-Match` names it gets `304 Not Modified` without the body.

use actix_web::body::{self, BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpResponse, ResponseError};
use sha2::{Digest, Sha256};

use crate::config::MAX_URI;
use crate::error::AppError;

/// Bodies larger than this are sent without an `ETag` (exports), rather than held twice.
const MAX_TAGGED_BODY: usize = 8 * 1024 * 1024;

/// The weak validator of a body.
pub fn etag_of(body: &[u8]) -> String {
    let digest = Sha256::digest(body);
    format!("W/\"{}\"", hex::encode(&digest[..12]))
}

/// Whether an `If-None-Match` value names `tag` (weak comparison, `*`, lists).
pub fn none_match(if_none_match: &str, tag: &str) -> bool {
    let bare = |t: &str| t.trim().trim_start_matches("W/").to_string();
    if_none_match
        .split(',')
        .any(|t| t.trim() == "*" || bare(t) == bare(tag))
}

/// Outer check: an address longer than [`MAX_URI`] is refused before routing (414).
pub async fn limits(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let len = req.uri().path_and_query().map_or(0, |pq| pq.as_str().len());
    if len > MAX_URI {
        let e = AppError::UriTooLong;
        let res = if req.path().starts_with("/api/") {
            e.error_response()
        } else {
            super::error_page(&e)
        };
        return Ok(req.into_response(res));
    }
    Ok(next.call(req).await?.map_into_boxed_body())
}

/// Inner middleware (inside the guard, so it knows who asks): weak `ETag` on successful GET
/// and HEAD answers to anonymous requests, and 304 when the client already has them.
/// Signed-in answers are private (`no-store`) and left as they are.
pub async fn conditional(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let cacheable_method = matches!(*req.method(), Method::GET | Method::HEAD);
    let if_none_match = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let res = next.call(req).await?;
    let signed_in = res
        .request()
        .extensions()
        .get::<std::sync::Arc<crate::auth::Principal>>()
        .is_some();
    let small = matches!(
        res.response().body().size(),
        body::BodySize::Sized(n) if n <= MAX_TAGGED_BODY as u64
    );
    if !cacheable_method
        || signed_in
        || !small
        || res.status() != StatusCode::OK
        || res.headers().contains_key(header::ETAG)
    {
        return Ok(res.map_into_boxed_body());
    }
    let (req, res) = res.into_parts();
    let (head, body) = res.into_parts();
    let bytes = match body::to_bytes(body).await {
        Ok(b) => b,
        Err(e) => return Err(actix_web::error::ErrorInternalServerError(e.into())),
    };
    let tag = etag_of(&bytes);
    let mut res = if if_none_match
        .as_deref()
        .is_some_and(|v| none_match(v, &tag))
    {
        let mut r = HttpResponse::NotModified().finish();
        for (k, v) in head.headers() {
            if k != header::CONTENT_LENGTH && k != header::CONTENT_TYPE {
                r.headers_mut().append(k.clone(), v.clone());
            }
        }
        r
    } else {
        head.set_body(bytes).map_into_boxed_body()
    };
    if let Ok(v) = HeaderValue::from_str(&tag) {
        res.headers_mut().insert(header::ETAG, v);
    }
    if !res.headers().contains_key(header::CACHE_CONTROL) {
        // Keep a copy, but ask each time whether it is still current.
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    }
    Ok(ServiceResponse::new(req, res))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_none_match_forms() {
        let tag = etag_of(b"trang");
        assert!(tag.starts_with("W/\""));
        assert!(none_match(&tag, &tag));
        assert!(
            none_match(tag.trim_start_matches("W/"), &tag),
            "strong form"
        );
        assert!(none_match(&format!("\"x\", {tag}"), &tag), "a list");
        assert!(none_match("*", &tag));
        assert!(!none_match("\"x\"", &tag));
        assert!(!none_match("", &tag));
        assert_ne!(etag_of(b"trang"), etag_of(b"trang2"));
    }
}
