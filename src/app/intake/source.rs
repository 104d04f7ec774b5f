//! The text of the document to extract: read from the uploaded file (checked by
//! `originals::check`; DOCX through `docx_read`, PDF through `pdf_read` — [`text_of`]) or taken from the pasted text. The file itself is held server-side
//! between the upload and the save ([`hold`], [`take_held`]): the client never sends it back.

use chrono::Duration;

use crate::db::{intake as q, Db, DbError};
use crate::domain::extract::legacy;
use crate::originals::{FileError, FileKind, FileRole, Upload};

/// The largest pasted text.
pub const MAX_TEXT: usize = 2 * 1024 * 1024;

/// How long an uploaded file waits for «Lưu».
pub const HOLD_HOURS: i64 = 4;

/// Why the form has no text to read; shown beside the text field.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("{0}")]
    File(#[from] FileError),
    #[error("{0}")]
    Unreadable(String),
    #[error("Nội dung dán vượt quá 2 MiB.")]
    TextTooLarge,
    #[error("Cần chọn tệp văn bản (DOCX hoặc PDF) hoặc dán nội dung văn bản.")]
    Nothing,
}

impl SourceError {
    /// The HTTP status the form is answered with.
    pub fn status(&self) -> u16 {
        match self {
            SourceError::File(e) => e.status(),
            SourceError::Unreadable(_) => 422,
            SourceError::TextTooLarge => 413,
            SourceError::Nothing => 400,
        }
    }

    /// The form field the error is shown beside.
    pub fn field(&self) -> &'static str {
        match self {
            SourceError::TextTooLarge => "text",
            _ => "file",
        }
    }
}

/// The text of a checked file: `Ok(None)` when the file has no text to read (a PDF without a
/// text layer: a scan) — the officer then pastes it.
pub fn text_of(kind: FileKind, bytes: &[u8]) -> Result<Option<String>, SourceError> {
    match kind {
        FileKind::Docx => crate::docx_read::text(bytes, &crate::docx_read::Limits::default())
            .map(|d| Some(d.text()))
            .map_err(|e| SourceError::Unreadable(e.to_string())),
        FileKind::Pdf => {
            let pdf = crate::pdf_read::text(bytes, &crate::pdf_read::Limits::default())
                .map_err(|e| SourceError::Unreadable(e.to_string()))?;
            Ok(pdf.has_text_layer.then_some(pdf.text))
        }
    }
}

/// The note shown when a file gave no text.
pub const NO_TEXT_LAYER: &str =
    "Tệp PDF này không có lớp văn bản: hãy dán nội dung văn bản vào ô bên dưới";

/// Pasted text: a byte-order mark dropped, text typed in TCVN3 or VNI converted to Unicode.
pub fn pasted(text: &str) -> String {
    let t = text.trim_start_matches('\u{feff}');
    match legacy::to_unicode(t) {
        Some((_, converted)) => converted,
        None => crate::domain::text::nfc_keep(t),
    }
}

/// Holds an uploaded file for `user_id` until the form is saved; answers its token.
pub fn hold(db: &mut Db<'_>, user_id: i64, file: &Upload) -> Result<String, DbError> {
    let token = crate::auth::csrf::new_token();
    let now = crate::clock::now();
    q::hold_file(
        db,
        &token,
        user_id,
        &file.name,
        &file.bytes,
        now,
        now + Duration::hours(HOLD_HOURS),
    )?;
    Ok(token)
}

/// A held file taken back: the file, what its check found, and its role on the document.
pub type Held = (Upload, crate::originals::Checked, FileRole);

/// The file held under `token` for `user_id`, checked again, with the role it gets on the
/// document (a PDF is the signed copy, a DOCX the Word file); `None` when it has expired.
pub fn take_held(
    db: &mut Db<'_>,
    user_id: i64,
    token: &str,
) -> Result<Option<Result<Held, FileError>>, DbError> {
    let Some(row) = q::held_file(db, token, user_id, crate::clock::now())? else {
        return Ok(None);
    };
    q::drop_file(db, token)?;
    let upload = Upload {
        name: row.name,
        bytes: row.content,
    };
    Ok(Some(crate::originals::check(&upload).map(|c| {
        let role = match c.kind {
            FileKind::Pdf => FileRole::Signed,
            FileKind::Docx => FileRole::Word,
        };
        (upload, c, role)
    })))
}
