//! A PDF checked by its structure: the end marker, the offset of its cross-reference section,
//! no encryption dictionary, and compressed streams that inflate within a bound — read by
//! `pdf_read::structure`, the one reader of a PDF's structure, with the messages an upload
//! answers. No text is read here (that is `pdf_read`'s job).

use super::FileError;
use crate::pdf_read::structure::{self, Flaw};

/// A PDF's structure: the end marker, the offset of its cross-reference section, and no
/// encryption dictionary; then its streams within [`PDF_INFLATED`].
pub(super) fn check(bytes: &[u8]) -> Result<(), FileError> {
    structure::check(bytes).map_err(|flaw| match flaw {
        Flaw::NoEndMarker => FileError::Corrupt(
            "tệp PDF không có dấu kết thúc (%%EOF): tệp bị cắt cụt hoặc hỏng.".into(),
        ),
        Flaw::NoCrossReference => {
            FileError::Corrupt("tệp PDF không có bảng tham chiếu chéo (startxref).".into())
        }
        Flaw::CrossReferenceOutside => FileError::Corrupt(
            "vị trí bảng tham chiếu chéo (startxref) của tệp PDF nằm ngoài tệp.".into(),
        ),
        Flaw::Encrypted => FileError::Encrypted,
    })?;
    inflated_within(bytes, PDF_INFLATED)
}

/// The most bytes the Flate streams of a PDF may inflate to, together. A scanned PDF of 20 MiB
/// can hold far more than the DOCX bound (64 MiB) of plain images, so the bound is wider; what
/// it stops is the bomb (a few kilobytes inflating to gigabytes), whose inflation is cut at
/// the bound, so the check costs at most that much work.
pub const PDF_INFLATED: u64 = 512 * 1024 * 1024;

/// The Flate streams of a PDF inflate to at most `limit` bytes together.
pub(super) fn inflated_within(bytes: &[u8], limit: u64) -> Result<(), FileError> {
    structure::inflated_within(bytes, limit)
        .map(|_| ())
        .map_err(|limit| {
            FileError::OverBounds(format!(
                "các luồng nén của tệp PDF giải nén ra hơn {} MiB.",
                limit / (1024 * 1024)
            ))
        })
}
