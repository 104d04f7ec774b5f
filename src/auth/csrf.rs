//! Cross-site request forgery. Two independent checks on every state-changing request made
//! with cookies (a request authenticated by a bearer token carries no cookie and is exempt):
//!
//! 1. Fetch metadata and origin: a browser says where a request comes from
//!    (`Sec-Fetch-Site`, `Origin`); a request from another site, or from another origin of the
//!    same site, is refused.
//! 2. A token: the form (or the `X-CSRF-Token` header) carries the session's token; the login
//!    form, made before there is a session, carries the value of a cookie set with the form
//!    (double submit).

use rand::RngCore;

pub const FIELD: &str = "csrf_token";
pub const HEADER: &str = "x-csrf-token";

pub fn new_token() -> String {
    let mut b = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut b);
    hex::encode(b)
}

/// Compares without stopping at the first difference, so the time taken does not say how much
/// of a guess was right.
pub fn tokens_match(expected: &str, given: &str) -> bool {
    let (a, b) = (expected.as_bytes(), given.as_bytes());
    if a.is_empty() || a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// `Sec-Fetch-Site: cross-site` or `same-site`.
    OtherSite(String),
    /// `Origin` is not this server.
    ForeignOrigin(String),
}

impl Refusal {
    pub fn message(&self) -> String {
        match self {
            Refusal::OtherSite(_) => "Yêu cầu bị từ chối vì được gửi từ một trang web khác. Hãy thao tác trực tiếp trên trang của hệ thống.".into(),
            Refusal::ForeignOrigin(o) => format!("Yêu cầu bị từ chối vì được gửi từ nguồn khác ({o}). Hãy thao tác trực tiếp trên trang của hệ thống."),
        }
    }
}

/// Checks where a state-changing request comes from. `expected_origin` is this server as the
/// browser sees it (`https://vanban.example.vn`). Requests without these headers (older
/// browsers, scripts) pass here and rely on the token.
pub fn check_source(
    sec_fetch_site: Option<&str>,
    origin: Option<&str>,
    expected_origin: &str,
) -> Result<(), Refusal> {
    if let Some(site) = sec_fetch_site.map(|s| s.trim().to_ascii_lowercase()) {
        // `same-site` is by definition another origin (a sibling sub-domain): refused too.
        if site == "cross-site" || site == "same-site" {
            return Err(Refusal::OtherSite(site));
        }
    }
    if let Some(o) = origin.map(str::trim) {
        if !o.eq_ignore_ascii_case(expected_origin) {
            return Err(Refusal::ForeignOrigin(o.to_string()));
        }
    }
    Ok(())
}

/// The value of one field of an `application/x-www-form-urlencoded` body.
pub fn form_field(body: &[u8], name: &str) -> Option<String> {
    let text = std::str::from_utf8(body).ok()?;
    let pairs = actix_web::web::Query::<Vec<(String, String)>>::from_query(text).ok()?;
    pairs
        .into_inner()
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

/// A short text field of a `multipart/form-data` body (the token is sent before the file).
pub async fn multipart_field(
    headers: &actix_web::http::header::HeaderMap,
    body: actix_web::web::Bytes,
    name: &str,
) -> Option<String> {
    use futures_util::StreamExt;
    let stream =
        futures_util::stream::once(async move { Ok::<_, actix_web::error::PayloadError>(body) });
    let mut form = actix_multipart::Multipart::new(headers, stream);
    while let Some(Ok(mut field)) = form.next().await {
        let wanted = field.name() == Some(name);
        let mut value = Vec::new();
        while let Some(Ok(chunk)) = field.next().await {
            if wanted {
                value.extend_from_slice(&chunk);
                if value.len() > 256 {
                    return None;
                }
            }
        }
        if wanted {
            return String::from_utf8(value).ok();
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_compare_whole() {
        let t = new_token();
        assert_eq!(t.len(), 64);
        assert!(tokens_match(&t, &t.clone()));
        assert!(!tokens_match(&t, &new_token()));
        assert!(!tokens_match(&t, &t[..63]));
        assert!(!tokens_match("", ""));
    }

    #[test]
    fn other_sites_and_origins_are_refused() {
        let me = "https://vanban.example.vn";
        assert_eq!(check_source(None, None, me), Ok(()));
        assert_eq!(check_source(Some("same-origin"), Some(me), me), Ok(()));
        assert_eq!(check_source(Some("none"), None, me), Ok(()));
        assert_eq!(
            check_source(None, Some("HTTPS://VANBAN.EXAMPLE.VN"), me),
            Ok(())
        );
        assert!(matches!(
            check_source(Some("cross-site"), None, me),
            Err(Refusal::OtherSite(_))
        ));
        assert!(matches!(
            check_source(Some("same-site"), Some("https://a.example.vn"), me),
            Err(Refusal::OtherSite(_))
        ));
        assert!(matches!(
            check_source(None, Some("https://evil.example"), me),
            Err(Refusal::ForeignOrigin(_))
        ));
        assert!(matches!(
            check_source(None, Some("null"), me),
            Err(Refusal::ForeignOrigin(_))
        ));
        // The same host over plain http is another origin.
        assert!(check_source(None, Some("http://vanban.example.vn"), me).is_err());
    }

    #[test]
    fn form_fields_are_decoded() {
        let body = b"username=lan&csrf_token=ab%2Bc&note=a+b";
        assert_eq!(form_field(body, FIELD).as_deref(), Some("ab+c"));
        assert_eq!(form_field(body, "note").as_deref(), Some("a b"));
        assert_eq!(form_field(body, "missing"), None);
        assert_eq!(form_field(&[0xff, 0xfe], FIELD), None);
    }
}
