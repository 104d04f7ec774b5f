//! A file checked by its bytes, whatever its name says: its size, its type (`%PDF-` → PDF; a
//! ZIP package holding `word/document.xml`, read through [`crate::docx_read`] within its
//! [`Limits`](crate::docx_read::Limits) → DOCX; an OLE compound file → a legacy `.doc`, or an
//! encrypted Office file), and its safety: an encrypted PDF (an `/Encrypt` entry in a trailer
//! or cross-reference stream dictionary) or one whose structure is broken (no `%%EOF`, no
//! `startxref` pointing inside the file) is refused, as is a corrupt DOCX or one whose declared
//! or inflated sizes pass the reader's bounds.

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
        pdf(bytes)?;
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

/// How far from the end `%%EOF` and `startxref` are looked for (writers may append a few
/// bytes of padding after the end marker).
const TAIL: usize = 2048;

/// A PDF's structure: the end marker, the offset of its cross-reference section, and no
/// encryption dictionary.
fn pdf(bytes: &[u8]) -> Result<(), FileError> {
    let tail = &bytes[bytes.len().saturating_sub(TAIL)..];
    if find(tail, b"%%EOF").is_none() {
        return Err(FileError::Corrupt(
            "tệp PDF không có dấu kết thúc (%%EOF): tệp bị cắt cụt hoặc hỏng.".into(),
        ));
    }
    let Some(at) = rfind(tail, b"startxref") else {
        return Err(FileError::Corrupt(
            "tệp PDF không có bảng tham chiếu chéo (startxref).".into(),
        ));
    };
    let offset = number_after(&tail[at + b"startxref".len()..]);
    if offset.is_none_or(|o| o >= bytes.len()) {
        return Err(FileError::Corrupt(
            "vị trí bảng tham chiếu chéo (startxref) của tệp PDF nằm ngoài tệp.".into(),
        ));
    }
    if encrypted(bytes) {
        return Err(FileError::Encrypted);
    }
    Ok(())
}

/// Whether a trailer dictionary or a cross-reference stream's dictionary has an `/Encrypt`
/// entry (ISO 32000-1 §7.5.5, §7.5.8.2): the file can only be read with a password or its
/// content is protected, and the registry keeps only files anyone can open.
fn encrypted(bytes: &[u8]) -> bool {
    let mut dicts: Vec<&[u8]> = Vec::new();
    let mut from = 0;
    while let Some(i) = find(&bytes[from..], b"trailer") {
        let at = from + i + b"trailer".len();
        if let Some(d) = dictionary_from(bytes, at) {
            dicts.push(d);
        }
        from = at;
    }
    from = 0;
    while let Some(i) = find(&bytes[from..], b"/XRef") {
        let at = from + i;
        if let Some(d) = object_dictionary_before(bytes, at) {
            dicts.push(d);
        }
        from = at + b"/XRef".len();
    }
    dicts.iter().any(|d| has_key(d, b"/Encrypt"))
}

/// The dictionary (`<< … >>`, nested ones included) starting at the first `<<` after `at`,
/// within a few whitespace bytes.
fn dictionary_from(bytes: &[u8], at: usize) -> Option<&[u8]> {
    let rest = bytes.get(at..)?;
    let skip = rest.iter().take_while(|b| b.is_ascii_whitespace()).count();
    let start = at + skip;
    if !bytes.get(start..)?.starts_with(b"<<") {
        return None;
    }
    balanced(bytes, start)
}

/// The dictionary of the object holding the position `at` (`N G obj << … >>`): the first `<<`
/// after the nearest preceding `obj` keyword (looked for within 4 KiB).
fn object_dictionary_before(bytes: &[u8], at: usize) -> Option<&[u8]> {
    let from = at.saturating_sub(4096);
    let obj = rfind(&bytes[from..at], b"obj")?;
    let start = from + obj + find(&bytes[from + obj..at], b"<<")?;
    balanced(bytes, start)
}

/// The bytes from the `<<` at `start` to its matching `>>` (at most 64 KiB).
fn balanced(bytes: &[u8], start: usize) -> Option<&[u8]> {
    let end = bytes.len().min(start + 64 * 1024);
    let mut depth = 0usize;
    let mut i = start;
    while i + 1 < end {
        match &bytes[i..i + 2] {
            b"<<" => {
                depth += 1;
                i += 2;
            }
            b">>" => {
                depth = depth.saturating_sub(1);
                i += 2;
                if depth == 0 {
                    return Some(&bytes[start..i]);
                }
            }
            _ => i += 1,
        }
    }
    None
}

/// Whether the dictionary text has the name `key` as a whole name (not `/EncryptMetadata`).
fn has_key(dict: &[u8], key: &[u8]) -> bool {
    let mut from = 0;
    while let Some(i) = find(&dict[from..], key) {
        let after = dict.get(from + i + key.len()).copied();
        let whole = !after.is_some_and(|b| b.is_ascii_alphanumeric() || b"_-.#".contains(&b));
        if whole {
            return true;
        }
        from += i + key.len();
    }
    false
}

/// The decimal number after optional whitespace.
fn number_after(s: &[u8]) -> Option<usize> {
    let s = &s[s.iter().take_while(|b| b.is_ascii_whitespace()).count()..];
    let digits = s.iter().take_while(|b| b.is_ascii_digit()).count();
    std::str::from_utf8(&s[..digits]).ok()?.parse().ok()
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}
