//! The originals of documents (bản gốc): the signed PDF, the Word file and the annexes, kept in
//! the database with their SHA-256 so that every instance serves them and every backup carries
//! them.
//!
//! Owns, by job: reading a multipart file field within a bound (`upload.rs`), checking a file
//! by its bytes — type, size, encryption, structure, archive bounds (`check.rs`) — and storing,
//! listing, serving and withdrawing files (`store.rs`). The SQL is in `crate::db::originals`.
//! Pages and the API answer with [`FileError::status`] and [`FileError::code`]; the message
//! ([`std::fmt::Display`]) is shown beside the file field.

mod check;
pub mod forms;
mod pdf;
pub mod samples;
mod store;
#[cfg(test)]
mod tests;
mod upload;

pub use check::check;
pub use store::{
    content, disposition, list, store, store_described, verify_hashes, withdraw, HashCheck,
    HashMismatch, StoredFile, StoredFileMeta, WithdrawError, Withdrawal,
};
pub use upload::{read_field, sanitise_name, Upload};

use crate::domain::kinds::vocabulary;

/// The largest file taken (20 MiB).
pub const MAX_FILE_BYTES: usize = 20 * 1024 * 1024;

/// The hex characters of a hash that name a file in its address (`…/tep/{prefix}/{name}`).
pub const PREFIX_LEN: usize = 12;

/// The kinds of file taken, known by their bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum FileKind {
    Pdf,
    Docx,
}

impl FileKind {
    pub const ALL: &'static [FileKind] = &[FileKind::Pdf, FileKind::Docx];

    pub fn content_type(self) -> &'static str {
        match self {
            FileKind::Pdf => "application/pdf",
            FileKind::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
        }
    }

    /// The file name extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            FileKind::Pdf => "pdf",
            FileKind::Docx => "docx",
        }
    }

    /// The kind a stored content type names.
    pub fn of_content_type(s: &str) -> Option<FileKind> {
        FileKind::ALL
            .iter()
            .copied()
            .find(|k| k.content_type() == s)
    }
}

vocabulary! {
    /// What a file is to its document.
    FileRole {
        Signed = "signed", "Bản ký (PDF)";
        Word = "word", "Bản Word";
        Annex = "annex", "Phụ lục";
    }
}

/// What a file is, in the words of whoever attached it (`Phụ lục I: danh mục thủ tục`): NFC,
/// spaces folded, 1 to [`Description::MAX_CHARS`] characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Description(String);

impl Description {
    pub const MAX_CHARS: usize = 500;

    /// `Ok(None)` for an empty text; `Err` past [`Description::MAX_CHARS`] characters.
    pub fn parse(raw: &str) -> Result<Option<Description>, DescriptionError> {
        let nfc = crate::domain::text::nfc(raw);
        let text = nfc
            .split(|c: char| c.is_whitespace() || c.is_control())
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        if text.is_empty() {
            return Ok(None);
        }
        if text.chars().count() > Description::MAX_CHARS {
            return Err(DescriptionError);
        }
        Ok(Some(Description(text)))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A description over [`Description::MAX_CHARS`] characters.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Mô tả tệp dài quá 500 ký tự: hãy viết ngắn lại.")]
pub struct DescriptionError;

/// A file that passed [`check`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    pub kind: FileKind,
    /// SHA-256 of the bytes, lowercase hex.
    pub sha256: String,
    pub size: u64,
}

/// Why a file is refused. The message is shown beside the file field; nothing is stored.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    #[error("Tệp lớn hơn 20 MiB: hãy tải lên tệp nhỏ hơn (ví dụ bản PDF được nén lại).")]
    TooLarge,
    #[error("{}", unsupported(*legacy_doc))]
    Unsupported { legacy_doc: bool },
    #[error("Tệp được đặt mật khẩu (mã hóa): hãy gỡ mật khẩu rồi tải lên lại.")]
    Encrypted,
    #[error("Tệp bị hỏng, không đọc được: {0}")]
    Corrupt(String),
    #[error("Tệp vượt giới hạn an toàn khi giải nén: {0}")]
    OverBounds(String),
    #[error("Tệp rỗng (0 byte): hãy chọn lại tệp.")]
    Empty,
    #[error("Không đọc được tệp gửi lên: {0}")]
    Read(String),
}

fn unsupported(legacy_doc: bool) -> &'static str {
    if legacy_doc {
        "Tệp Word cũ (.doc) không được nhận: hãy lưu thành DOCX hoặc PDF rồi tải lên lại."
    } else {
        "Chỉ nhận tệp DOCX hoặc PDF (kiểm tra theo nội dung tệp, không theo đuôi tên tệp)."
    }
}

impl FileError {
    /// The HTTP status of the refusal.
    pub fn status(&self) -> u16 {
        match self {
            FileError::TooLarge => 413,
            FileError::Unsupported { .. } => 415,
            FileError::Encrypted | FileError::Corrupt(_) | FileError::OverBounds(_) => 422,
            FileError::Empty | FileError::Read(_) => 400,
        }
    }

    /// The stable problem code.
    pub fn code(&self) -> &'static str {
        match self {
            FileError::TooLarge => "file-too-large",
            FileError::Unsupported { .. } => "file-type",
            FileError::Encrypted => "file-encrypted",
            FileError::Corrupt(_) => "file-corrupt",
            FileError::OverBounds(_) => "file-over-bounds",
            FileError::Empty => "file-empty",
            FileError::Read(_) => "file-read",
        }
    }
}
