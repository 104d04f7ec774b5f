//! The text of the document to extract: read from the uploaded file (DOCX through
//! `docx_read`; PDF once its reader lands — [`text_of`] is the one place to change) or taken
//! from the pasted text (legacy TCVN3 / VNI converted by the extraction itself).

use crate::domain::extract::legacy;

/// The largest file taken (the bound; the route's body limit leaves room for the text).
pub const MAX_FILE: usize = 20 * 1024 * 1024;

/// The largest pasted text.
pub const MAX_TEXT: usize = 2 * 1024 * 1024;

/// What an uploaded file is, by its bytes (its name and declared type aside).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum FileKind {
    Docx,
    Pdf,
}

impl FileKind {
    pub fn label(self) -> &'static str {
        match self {
            FileKind::Docx => "DOCX",
            FileKind::Pdf => "PDF",
        }
    }
}

/// Why a file is not taken; shown beside the file field.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("Tệp lớn hơn 20 MiB: hãy tải lên bản nhỏ hơn (ví dụ bản PDF nén lại).")]
    TooLarge,
    #[error("Đây là tệp Word cũ (.doc): hãy lưu thành DOCX hoặc PDF rồi tải lên lại.")]
    LegacyDoc,
    #[error("Tệp không phải DOCX hay PDF (kiểm tra theo nội dung tệp, không theo tên tệp).")]
    NotDocxOrPdf,
    #[error("{0}")]
    Unreadable(String),
    #[error("Cần chọn tệp văn bản (DOCX hoặc PDF) hoặc dán nội dung văn bản.")]
    Nothing,
}

impl SourceError {
    /// The HTTP status the form is answered with.
    pub fn status(&self) -> u16 {
        match self {
            SourceError::TooLarge => 413,
            SourceError::LegacyDoc | SourceError::NotDocxOrPdf => 415,
            SourceError::Unreadable(_) => 422,
            SourceError::Nothing => 400,
        }
    }
}

/// The kind of a file by its first bytes.
pub fn kind_of(bytes: &[u8]) -> Result<FileKind, SourceError> {
    if bytes.len() > MAX_FILE {
        return Err(SourceError::TooLarge);
    }
    if bytes.starts_with(b"PK\x03\x04") {
        Ok(FileKind::Docx)
    } else if bytes.starts_with(b"%PDF-") {
        Ok(FileKind::Pdf)
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        Err(SourceError::LegacyDoc)
    } else {
        Err(SourceError::NotDocxOrPdf)
    }
}

/// The text of a file: `Ok(None)` when the file has no text to read (a PDF until the PDF
/// reader lands, or a scan) — the officer then pastes it.
pub fn text_of(kind: FileKind, bytes: &[u8]) -> Result<Option<String>, SourceError> {
    match kind {
        FileKind::Docx => crate::docx_read::text(bytes, &crate::docx_read::Limits::default())
            .map(|d| Some(d.text()))
            .map_err(|e| SourceError::Unreadable(e.to_string())),
        FileKind::Pdf => Ok(None),
    }
}

/// The note shown when a file gave no text.
pub const NO_TEXT_LAYER: &str =
    "Tệp PDF này không có lớp văn bản: hãy dán nội dung văn bản vào ô bên dưới";

/// Pasted text: a byte-order mark dropped; text typed in TCVN3 or VNI is converted when the
/// fields are read (`domain::extract`), and here too so that the saved text is Unicode.
pub fn pasted(text: &str) -> String {
    let t = text.trim_start_matches('\u{feff}');
    match legacy::to_unicode(t) {
        Some((_, converted)) => converted,
        None => crate::domain::text::nfc_keep(t),
    }
}
