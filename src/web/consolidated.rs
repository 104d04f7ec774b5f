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

    /// A provision amended with its new wording recorded (wd's storage gives it): the new
    /// wording in force, not struck, the note with its link and date, the old wording with its
    /// period one click away.
    #[test]
    fn a_recorded_wording_is_shown_in_force_with_the_old_one_behind() {
        use crate::app::consolidated::ReadingView;
        use crate::domain::pointintime::{text_on, Change, ChangeKind, Provision, Source};
        use crate::domain::structure::NodeKind;
        let day = |m, d| NaiveDate::from_ymd_opt(2025, m, d).unwrap();
        let original = [Provision {
            key: "dieu-2".into(),
            kind: NodeKind::Dieu,
            label: "Điều 2".into(),
            heading: "Mức thu".into(),
            body: "Mức cũ.".into(),
            parent: None,
        }];
        let change = Change {
            key: "dieu-2".into(),
            kind: ChangeKind::Amend,
            on: day(7, 1),
            wording: Some("Mức mới.".into()),
            source: Source {
                effect_id: 4,
                document: "Quyết định số 20/2025/QĐ-UBND".into(),
                url: Some("/eli/vn/ubnd-96/quyet-dinh/2025/20".into()),
                provision: Some("dieu-1/khoan-2".into()),
            },
        };
        let text = text_on(&original, &[change], day(8, 1));
        let item = &text.items[0];
        let n = serde_json::json!({
            "label": item.label, "body": item.body, "reading": ReadingView::from(item),
        });
        let mut t = tera::Tera::default();
        t.autoescape_on(vec![".html"]);
        t.set_escape_fn(crate::markup::escape_html);
        t.add_raw_templates(vec![
            ("reading_macros.html", include_str!("../../templates/reading_macros.html")),
            (
                "t.html",
                r#"{% import "reading_macros.html" as rd %}{{ rd::note(n=n) }}{{ rd::body(n=n, tag="p") }}{{ rd::earlier(n=n) }}"#,
            ),
        ])
        .unwrap();
        let mut ctx = tera::Context::new();
        ctx.insert("n", &n);
        let html = t.render("t.html", &ctx).unwrap();
        assert!(
            html.contains(r#"<p class="node-body">Mức mới.</p>"#),
            "{html}"
        );
        assert!(!html.contains("<del>"));
        assert!(html.contains(r#"Được sửa đổi, bổ sung bởi <a href="/eli/vn/ubnd-96/quyet-dinh/2025/20#dieu-1-khoan-2">Quyết định số 20/2025/QĐ-UBND</a> từ ngày 01/07/2025."#), "{html}");
        assert!(html.contains("Các nội dung trước đây"));
        assert!(
            html.contains("đến ngày 30/06/2025 (nội dung ban đầu)"),
            "{html}"
        );
        assert!(html.contains(r#"<p class="period-body">Mức cũ.</p>"#));
    }

    #[test]
    fn formats_by_segment() {
        assert_eq!(Format::of("hop-nhat"), Some(Format::Page));
        assert_eq!(Format::of("hop-nhat.docx"), Some(Format::Docx));
        assert_eq!(Format::of("dieu-5"), None);
    }
}
