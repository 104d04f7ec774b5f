//! The consolidated text (văn bản hợp nhất) of a document on a date, at
//! `/eli/vn/…/{yyyy-mm-dd}/hop-nhat` (the page) and its downloads `hop-nhat.html` (standalone,
//! no external assets), `hop-nhat.txt` (UTF-8, footnotes at the end) and `hop-nhat.docx` (with
//! real footnotes).

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};
use chrono::NaiveDate;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use super::{base_context, render, templates, PageError};
use crate::app::consolidated::{consolidated, docx_bytes, plain_text, Consolidated};
use crate::app::{on_pool, AppState};
use crate::error::AppError;

/// The forms a consolidated text is served in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Page,
    Html,
    Text,
    Docx,
}

impl Format {
    /// The format a provision part of an ELI address names (`hop-nhat`, `hop-nhat.docx`…),
    /// if it names one.
    pub fn of(segment: &str) -> Option<Format> {
        Some(match segment {
            "hop-nhat" => Format::Page,
            "hop-nhat.html" => Format::Html,
            "hop-nhat.txt" => Format::Text,
            "hop-nhat.docx" => Format::Docx,
            _ => return None,
        })
    }
}

/// RFC 5987 `attr-char`s are kept; everything else is percent-encoded.
const ATTR: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'!')
    .remove(b'#')
    .remove(b'$')
    .remove(b'&')
    .remove(b'+')
    .remove(b'-')
    .remove(b'.')
    .remove(b'^')
    .remove(b'_')
    .remove(b'`')
    .remove(b'|')
    .remove(b'~');

/// `attachment` with an ASCII file name and the UTF-8 one (RFC 6266, RFC 5987).
pub fn disposition(stem: &str, title: &str, ext: &str) -> String {
    format!(
        "attachment; filename=\"{stem}.{ext}\"; filename*=UTF-8''{}.{ext}",
        utf8_percent_encode(title, ATTR)
    )
}

fn context(c: &Consolidated, origin: &str) -> Result<tera::Context, AppError> {
    let mut ctx = base_context("documents", "");
    let value = serde_json::to_value(c).map_err(|e| AppError::internal("chuyển đổi JSON", e))?;
    if let serde_json::Value::Object(m) = value {
        for (k, v) in m {
            ctx.insert(k, &v);
        }
    }
    ctx.insert("note", crate::app::consolidated::NOT_A_LEGAL_DOCUMENT);
    ctx.insert("origin", origin);
    Ok(ctx)
}

fn download(c: &Consolidated, body: Vec<u8>, content_type: &str, ext: &str) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, content_type.to_string()))
        .insert_header((
            header::CONTENT_DISPOSITION,
            disposition(&c.file_stem, &c.file_title, ext),
        ))
        .body(body)
}

/// The consolidated text of document `id` on `date`, in `format`.
pub async fn show(
    state: &AppState,
    req: &HttpRequest,
    id: i64,
    date: NaiveDate,
    format: Format,
) -> Result<HttpResponse, PageError> {
    let c = on_pool(state, move |db| consolidated(db, id, date)).await?;
    Ok(match format {
        Format::Page => render("consolidated.html", &context(&c, "")?)?,
        Format::Html => {
            let origin = crate::auth::origin_of(req);
            let html = templates()?
                .render("consolidated_file.html", &context(&c, &origin)?)
                .map_err(AppError::from)?;
            download(&c, html.into_bytes(), "text/html; charset=utf-8", "html")
        }
        Format::Text => download(
            &c,
            plain_text(&c).into_bytes(),
            "text/plain; charset=utf-8",
            "txt",
        ),
        Format::Docx => download(
            &c,
            docx_bytes(&c)?,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "docx",
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_ascii_with_the_utf8_name_beside() {
        let d = disposition(
            "vbhn-12-2024-qd-ubnd-2025-07-01",
            "Văn bản hợp nhất",
            "docx",
        );
        assert_eq!(
            d,
            "attachment; filename=\"vbhn-12-2024-qd-ubnd-2025-07-01.docx\"; filename*=UTF-8''V%C4%83n%20b%E1%BA%A3n%20h%E1%BB%A3p%20nh%E1%BA%A5t.docx"
        );
        assert!(d.is_ascii());
    }

    #[test]
    fn formats_by_segment() {
        assert_eq!(Format::of("hop-nhat"), Some(Format::Page));
        assert_eq!(Format::of("hop-nhat.docx"), Some(Format::Docx));
        assert_eq!(Format::of("dieu-5"), None);
    }
}
