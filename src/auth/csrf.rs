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

/// The most bytes of a `multipart/form-data` body read to find its first part: the token's
/// part (its headers and its value) must end within them.
pub const FIRST_PART_LIMIT: usize = 8 * 1024;

/// The longest token value taken from a form.
const TOKEN_MAX: usize = 256;

/// The `boundary` parameter of a `multipart/form-data` content type (quoted or not).
pub fn boundary(content_type: &str) -> Option<String> {
    let (essence, params) = content_type.split_once(';')?;
    if !essence.trim().eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    params.split(';').find_map(|p| {
        let (k, v) = p.split_once('=')?;
        if !k.trim().eq_ignore_ascii_case("boundary") {
            return None;
        }
        let v = v.trim();
        let v = v
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .unwrap_or(v);
        // RFC 2046 §5.1.1: 1 to 70 characters.
        (!v.is_empty() && v.len() <= 70).then(|| v.to_string())
    })
}

/// What the start of a `multipart/form-data` body says about its first part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FirstPart {
    /// The bytes so far do not tell yet.
    NeedMore,
    /// The first part is the field `name` (no file), with this value.
    Field(String),
    /// The first part is something else, or the body is not multipart as browsers send it.
    Other,
}

/// Reads the first part of a multipart body from its first bytes `buf`: the forms put the CSRF
/// token first, so the guard learns it without reading the file after it. The body must start
/// with the delimiter (no preamble); the part's `Content-Disposition` must be `form-data`
/// naming `name` and no file; its value is at most 256 bytes of UTF-8.
pub fn first_part(buf: &[u8], boundary: &str, name: &str) -> FirstPart {
    let delimiter = format!("--{boundary}");
    let opening = format!("{delimiter}\r\n");
    if buf.len() < opening.len() {
        return if opening.as_bytes().starts_with(buf) {
            FirstPart::NeedMore
        } else {
            FirstPart::Other
        };
    }
    let Some(rest) = buf.strip_prefix(opening.as_bytes()) else {
        return FirstPart::Other;
    };
    let Some(head_end) = find(rest, b"\r\n\r\n") else {
        return FirstPart::NeedMore;
    };
    let Ok(head) = std::str::from_utf8(&rest[..head_end]) else {
        return FirstPart::Other;
    };
    let names_field = head.split("\r\n").any(|line| {
        line.split_once(':').is_some_and(|(k, v)| {
            k.trim().eq_ignore_ascii_case("content-disposition") && disposition_names(v, name)
        })
    });
    if !names_field {
        return FirstPart::Other;
    }
    let value = &rest[head_end + 4..];
    let closing = format!("\r\n{delimiter}");
    match find(value, closing.as_bytes()) {
        Some(end) if end <= TOKEN_MAX => match std::str::from_utf8(&value[..end]) {
            Ok(v) => FirstPart::Field(v.to_string()),
            Err(_) => FirstPart::Other,
        },
        Some(_) => FirstPart::Other,
        None if value.len() > TOKEN_MAX + closing.len() => FirstPart::Other,
        None => FirstPart::NeedMore,
    }
}

/// Whether a `Content-Disposition` value is `form-data; name="{name}"` without a file name.
fn disposition_names(value: &str, name: &str) -> bool {
    let mut parts = value.split(';').map(str::trim);
    if !parts
        .next()
        .is_some_and(|t| t.eq_ignore_ascii_case("form-data"))
    {
        return false;
    }
    let mut named = false;
    for p in parts {
        let Some((k, v)) = p.split_once('=') else {
            continue;
        };
        let k = k.trim().to_ascii_lowercase();
        let v = v.trim();
        let v = v
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .unwrap_or(v);
        match k.as_str() {
            "name" => named = v == name,
            "filename" | "filename*" => return false,
            _ => {}
        }
    }
    named
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
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

    #[test]
    fn the_boundary_is_read_from_the_content_type() {
        assert_eq!(
            boundary("multipart/form-data; boundary=----WebKitFormBoundaryA1").as_deref(),
            Some("----WebKitFormBoundaryA1")
        );
        assert_eq!(
            boundary("Multipart/Form-Data; charset=utf-8; BOUNDARY=\"a b\"").as_deref(),
            Some("a b")
        );
        assert_eq!(boundary("multipart/form-data"), None);
        assert_eq!(boundary("multipart/form-data; boundary="), None);
        assert_eq!(
            boundary("application/x-www-form-urlencoded; boundary=x"),
            None
        );
        assert_eq!(
            boundary(&format!("multipart/form-data; boundary={}", "x".repeat(71))),
            None
        );
    }

    #[test]
    fn the_first_part_is_read_only_as_far_as_needed() {
        let token = "ab12".repeat(16);
        let body = format!(
            "--b\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{token}\r\n--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.pdf\"\r\n\r\n%PDF-"
        );
        let end = body
            .find("\r\n--b\r\nContent-Disposition: form-data; name=\"file\"")
            .unwrap();
        // Every cut before the end of the value's delimiter asks for more.
        for cut in 0..end + 5 {
            assert_eq!(
                first_part(&body.as_bytes()[..cut], "b", FIELD),
                FirstPart::NeedMore,
                "{cut}"
            );
        }
        assert_eq!(
            first_part(body.as_bytes(), "b", FIELD),
            FirstPart::Field(token.clone())
        );
        // Header names in any case, the name unquoted.
        let other = format!(
            "--b\r\ncontent-disposition: Form-Data; name=csrf_token\r\n\r\n{token}\r\n--b--\r\n"
        );
        assert_eq!(
            first_part(other.as_bytes(), "b", FIELD),
            FirstPart::Field(token)
        );
    }

    #[test]
    fn a_first_part_that_is_not_the_token_is_told_at_once() {
        let file_first = "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.pdf\"\r\n\r\n%PDF-1.4";
        assert_eq!(
            first_part(file_first.as_bytes(), "b", FIELD),
            FirstPart::Other
        );
        // A file part named like the token is still a file.
        let named_file = "--b\r\nContent-Disposition: form-data; name=\"csrf_token\"; filename=\"t\"\r\n\r\nabc\r\n--b--";
        assert_eq!(
            first_part(named_file.as_bytes(), "b", FIELD),
            FirstPart::Other
        );
        // Another field first, the token later.
        let later = "--b\r\nContent-Disposition: form-data; name=\"role\"\r\n\r\nsigned\r\n--b\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\nabc\r\n--b--";
        assert_eq!(first_part(later.as_bytes(), "b", FIELD), FirstPart::Other);
        // A preamble, another boundary.
        assert_eq!(
            first_part(b"preamble\r\n--b\r\n", "b", FIELD),
            FirstPart::Other
        );
        assert_eq!(first_part(b"--c\r\n", "b", FIELD), FirstPart::Other);
        // A value longer than any token, before its end is seen.
        let long = format!(
            "--b\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{}",
            "a".repeat(400)
        );
        assert_eq!(first_part(long.as_bytes(), "b", FIELD), FirstPart::Other);
        // Not UTF-8.
        let bad =
            b"--b\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n\xff\xfe\r\n--b--";
        assert_eq!(first_part(bad, "b", FIELD), FirstPart::Other);
    }
}
