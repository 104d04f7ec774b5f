//! A file checked by its bytes, whatever its name says: its size, its type (`%PDF-` → PDF; a
//! ZIP package holding `word/document.xml`, read through [`crate::docx_read`] within its
//! [`Limits`](crate::docx_read::Limits) → DOCX; an OLE compound file → a legacy `.doc`, or an
//! encrypted Office file), and its safety: an encrypted PDF (an `/Encrypt` entry in a trailer
//! or cross-reference stream dictionary) or one whose structure is broken (no `%%EOF`, no
//! `startxref` pointing inside the file) or one whose compressed streams inflate past
//! [`PDF_INFLATED`](super::pdf::PDF_INFLATED) is refused (`pdf.rs`), as is a corrupt DOCX or one
//! whose declared or inflated sizes pass the reader's bounds.

use sha2::{Digest, Sha256};

use super::{Checked, FileError, FileKind, Upload, MAX_FILE_BYTES};
use crate::docx_read::{self, DocxError, Limits};

const OLE_SIGNATURE: [u8; 4] = [0xD0, 0xCF, 0x11, 0xE0];

/// Checks a file by its bytes (see the module doc).
pub fn check(upload: &Upload) -> Result<Checked, FileError> {
    let bytes = upload.bytes.as_slice();
    if bytes.is_empty() {
        return Err(FileError::Empty);
    }
    if bytes.len() > MAX_FILE_BYTES {
        return Err(FileError::TooLarge);
    }
    let kind = if bytes.starts_with(b"%PDF-") {
        super::pdf::check(bytes)?;
        FileKind::Pdf
    } else if bytes.starts_with(b"PK") || bytes.starts_with(&OLE_SIGNATURE) {
        docx(bytes)?;
        FileKind::Docx
    } else {
        return Err(FileError::Unsupported { legacy_doc: false });
    };
    Ok(Checked {
        kind,
        sha256: hex::encode(Sha256::digest(bytes)),
        size: bytes.len() as u64,
    })
}

/// A DOCX read whole within the reader's bounds (an OLE file is answered by the reader too:
/// a legacy `.doc`, or an encrypted Office file).
fn docx(bytes: &[u8]) -> Result<(), FileError> {
    let limits = Limits {
        input_bytes: MAX_FILE_BYTES as u64,
        ..Limits::default()
    };
    match docx_read::text(bytes, &limits) {
        Ok(_) => Ok(()),
        Err(DocxError::LegacyDoc) => Err(FileError::Unsupported { legacy_doc: true }),
        Err(DocxError::Encrypted) => Err(FileError::Encrypted),
        // A ZIP that is no Word document (a spreadsheet, an archive of anything).
        Err(DocxError::NoDocument) => Err(FileError::Unsupported { legacy_doc: false }),
        Err(DocxError::NotZip) => Err(FileError::Corrupt(
            "gói ZIP của tệp DOCX không đọc được (tệp bị cắt cụt hoặc hỏng).".into(),
        )),
        Err(e @ DocxError::Corrupt { .. }) => Err(FileError::Corrupt(e.to_string())),
        Err(e @ DocxError::OverBound { .. }) => Err(FileError::OverBounds(e.to_string())),
    }
}
