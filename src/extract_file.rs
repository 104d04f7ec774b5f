//! A signed document's file read for extraction (issue 16): its text by what its bytes are —
//! DOCX (`docx_read`), PDF (`pdf_read`) or plain text in UTF-8, TCVN3 or VNI — and the fields
//! `domain::extract` reads from it as the JSON of `vanban extract --json`. Shared by that
//! command, `vanban-bench extraction` and the extraction corpus test, so that all three read
//! a file the same way.

use serde_json::{json, Map, Value};

use crate::domain::extract::{self, Extraction, Field};

/// The largest file read (the upload limit of the document form).
pub const MAX_BYTES: u64 = 20 * 1024 * 1024;

/// Why a file's text could not be read; the message is Vietnamese, for the officer.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("tệp lớn {:.1} MiB, vượt giới hạn 20 MiB", *.0 as f64 / 1024.0 / 1024.0)]
    TooLarge(u64),
    #[error("{0}")]
    Docx(#[from] crate::docx_read::DocxError),
    #[error("{0}")]
    Pdf(#[from] crate::pdf_read::PdfError),
    #[error("tệp PDF không có lớp chữ (bản quét): hãy dán nội dung văn bản")]
    NoTextLayer,
    #[error("không phải tệp văn bản thuần (.txt), DOCX hay PDF")]
    NotText,
}

/// The text of a file's `bytes`.
pub fn text(bytes: &[u8]) -> Result<String, FileError> {
    if bytes.len() as u64 > MAX_BYTES {
        return Err(FileError::TooLarge(bytes.len() as u64));
    }
    // A DOCX (a zip archive) or a legacy Word file: the DOCX reader, within its bounds.
    if bytes.starts_with(b"PK") || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        let d = crate::docx_read::text(bytes, &crate::docx_read::Limits::default())?;
        return Ok(d.text());
    }
    if crate::pdf_read::is_pdf(bytes) {
        let p = crate::pdf_read::text(bytes, &crate::pdf_read::Limits::default())?;
        if !p.has_text_layer {
            return Err(FileError::NoTextLayer);
        }
        return Ok(p.text);
    }
    plain(bytes)
}

/// UTF-8 (a byte-order mark dropped), or single-byte text that is confidently TCVN3 or VNI.
fn plain(bytes: &[u8]) -> Result<String, FileError> {
    if bytes.contains(&0) {
        return Err(FileError::NotText);
    }
    let text = match String::from_utf8(bytes.to_vec()) {
        Ok(s) => s.trim_start_matches('\u{feff}').to_string(),
        Err(e) => {
            // A file saved from a `.Vn…` or VNI font: one byte a character.
            let latin1: String = e.into_bytes().iter().map(|&b| char::from(b)).collect();
            if extract::legacy::to_unicode(&latin1).is_none() {
                return Err(FileError::NotText);
            }
            latin1
        }
    };
    let controls = text
        .chars()
        .filter(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}'))
        .count();
    if controls * 100 > text.chars().count() {
        return Err(FileError::NotText);
    }
    Ok(text)
}

fn put<T: serde::Serialize>(
    values: &mut Map<String, Value>,
    lines: &mut Map<String, Value>,
    name: &str,
    field: Option<&Field<T>>,
) {
    values.insert(name.into(), field.map_or(Value::Null, |f| json!(f.value)));
    lines.insert(name.into(), field.map_or(Value::Null, |f| json!(f.line)));
}

/// The fields named in the issue, each with its line under `lines`.
pub fn to_json(x: &Extraction) -> Value {
    let mut v = Map::new();
    let mut l = Map::new();
    put(&mut v, &mut l, "type", x.doc_type.as_ref());
    put(&mut v, &mut l, "number", x.number.as_ref());
    v.insert("number_normalised".into(), json!(x.number_normalised));
    put(&mut v, &mut l, "issuer", x.issuer.as_ref());
    put(&mut v, &mut l, "place", x.place.as_ref());
    put(&mut v, &mut l, "issued_on", x.issued_on.as_ref());
    put(&mut v, &mut l, "title", x.title.as_ref());
    put(&mut v, &mut l, "signer", x.signer.as_ref());
    put(
        &mut v,
        &mut l,
        "signer_position",
        x.signer_position.as_ref(),
    );
    put(
        &mut v,
        &mut l,
        "signing_capacity",
        x.signing_capacity.as_ref(),
    );
    put(&mut v, &mut l, "effective_on", x.effective_on.as_ref());
    v.insert("articles".into(), json!(x.articles));
    v.insert("effects".into(), json!(x.effects));
    v.insert("annexes".into(), json!(x.annexes));
    v.insert("encoding".into(), json!(x.encoding));
    v.insert("lines".into(), Value::Object(l));
    Value::Object(v)
}
