//! Reading the text of a PDF file (a signed decision printed to PDF, a resolution…) for the
//! registry's "new document from its file" form and `vanban extract`.
//!
//! Owns: the bounds a PDF is read within ([`Limits`], checked before anything large is
//! allocated and again on the bytes actually inflated), the fonts' code-to-Unicode maps and
//! glyph widths (`fonts.rs`), the walk over each page's content stream that places every run
//! of text (`content.rs`) and the rebuilding of text lines from those positions (`lines.rs`).
//! The checks of the file structure by its bytes (end marker, cross-reference offset,
//! encryption, object count, inflation bound) are `structure.rs`, shared with the check of an
//! uploaded original; the objects themselves (cross-reference, object streams, filters) are
//! read by `lopdf`, whose decompression is bounded per stream (see BENCHMARKS.md).
//!
//! Lines: runs that share a baseline make one line, left to right; a gap of about a word space
//! becomes a space and a wide gap (the two columns of a document's header, the recipients
//! beside the signature) a tab; a line that starts right of the middle of the page is indented
//! with two tabs, as a right column is in a plain-text rendering; a wider gap between lines
//! than the line's spacing leaves a blank line (the end of a title). A page's number alone on
//! its first or last line is dropped. A PDF without any text (a scan) is not an error:
//! [`PdfText::has_text_layer`] is `false`.

mod content;
mod fonts;
mod lines;
pub mod structure;
#[cfg(test)]
mod tests;

use lopdf::{Document, LoadOptions};

use crate::domain::text::nfc;

/// The bounds a PDF is read within.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Bytes of the file itself.
    pub input_bytes: u64,
    /// Indirect objects in the file (counted on the bytes before parsing, then loaded).
    pub objects: usize,
    /// Decompressed bytes of any one stream.
    pub stream_bytes: usize,
    /// Decompressed bytes of the page contents and font maps read, together.
    pub decompressed_total: usize,
    /// Pages.
    pub pages: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        const MIB: usize = 1024 * 1024;
        Limits {
            input_bytes: 20 * MIB as u64,
            objects: 200_000,
            stream_bytes: 16 * MIB,
            decompressed_total: 64 * MIB,
            pages: 2_000,
        }
    }
}

/// Which bound a file went past.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    InputBytes,
    Objects,
    StreamBytes,
    DecompressedTotal,
    Pages,
}

impl std::fmt::Display for Bound {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Bound::InputBytes => "kích thước tệp",
            Bound::Objects => "số đối tượng trong tệp",
            Bound::StreamBytes => "dung lượng một luồng dữ liệu sau giải nén",
            Bound::DecompressedTotal => "tổng dung lượng sau giải nén",
            Bound::Pages => "số trang",
        })
    }
}

/// Why a PDF could not be read. The messages are shown to the officer beside the file field.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("Tệp không phải PDF.")]
    NotPdf,
    #[error("Tệp PDF được đặt mật khẩu (mã hóa): hãy gỡ mật khẩu rồi tải lên lại.")]
    Encrypted,
    /// `detail` is the reader's own account, for the log.
    #[error("Tệp PDF bị hỏng hoặc không trọn vẹn, không đọc được.")]
    Corrupt { detail: String },
    #[error("Tệp PDF vượt giới hạn cho phép: {0}.")]
    OverBounds(Bound),
}

/// The text of a PDF: one line per text line, in reading order, NFC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PdfText {
    pub text: String,
    pub pages: usize,
    /// Whether any page carries text (a scanned file has none).
    pub has_text_layer: bool,
}

/// Whether `bytes` look like a PDF (the `%PDF-` mark within the first KiB, as readers allow).
pub fn is_pdf(bytes: &[u8]) -> bool {
    structure::find(&bytes[..bytes.len().min(1024)], b"%PDF-").is_some()
}

/// The text of the PDF `bytes`, read within `limits`.
pub fn text(bytes: &[u8], limits: &Limits) -> Result<PdfText, PdfError> {
    if bytes.len() as u64 > limits.input_bytes {
        return Err(PdfError::OverBounds(Bound::InputBytes));
    }
    if !is_pdf(bytes) {
        return Err(PdfError::NotPdf);
    }
    // A file cut short (an interrupted download) has lost its end-of-file mark; lopdf would
    // otherwise rebuild what it can and give part of the text as if it were all of it. The
    // same structure reader as the check of an uploaded original.
    match structure::check(bytes) {
        Err(structure::Flaw::NoEndMarker) => {
            return Err(corrupt("no %%EOF mark at the end of the file"))
        }
        Err(structure::Flaw::Encrypted) => return Err(PdfError::Encrypted),
        // A damaged cross-reference section is rebuilt by lopdf, as viewers do.
        Err(structure::Flaw::NoCrossReference | structure::Flaw::CrossReferenceOutside)
        | Ok(()) => {}
    }
    if structure::object_count(bytes) > limits.objects {
        return Err(PdfError::OverBounds(Bound::Objects));
    }
    let options = LoadOptions {
        max_decompressed_size: Some(limits.stream_bytes),
        ..LoadOptions::default()
    };
    let doc = Document::load_mem_with_options(bytes, options).map_err(|e| load_error(&e))?;
    if doc.trailer.get(b"Encrypt").is_ok() {
        return Err(PdfError::Encrypted);
    }
    if doc.objects.len() > limits.objects {
        return Err(PdfError::OverBounds(Bound::Objects));
    }
    let pages: Vec<lopdf::ObjectId> = doc.page_iter().take(limits.pages + 1).collect();
    if pages.len() > limits.pages {
        return Err(PdfError::OverBounds(Bound::Pages));
    }
    if pages.is_empty() {
        return Err(corrupt("no page"));
    }
    let mut budget = Budget {
        left: limits.decompressed_total,
        stream: limits.stream_bytes,
    };
    let mut fonts = fonts::Cache::default();
    let mut out = Vec::new();
    let mut has_text = false;
    for page in &pages {
        let runs = content::page_runs(&doc, *page, &mut fonts, &mut budget)?;
        has_text |= runs.iter().any(|r| !r.text.trim().is_empty());
        out.extend(lines::page_lines(runs));
    }
    Ok(PdfText {
        text: nfc(&out.join("\n")),
        pages: pages.len(),
        has_text_layer: has_text,
    })
}

/// What is left of the decompression budget.
pub(crate) struct Budget {
    left: usize,
    stream: usize,
}

impl Budget {
    /// The most the next stream may inflate to.
    fn next_limit(&self) -> usize {
        self.stream.min(self.left)
    }

    /// Charges `n` inflated bytes.
    fn charge(&mut self, n: usize) -> Result<(), PdfError> {
        self.left = self
            .left
            .checked_sub(n)
            .ok_or(PdfError::OverBounds(Bound::DecompressedTotal))?;
        Ok(())
    }

    /// The bound a stream that would not inflate within [`Budget::next_limit`] went past.
    fn exceeded(&self) -> PdfError {
        PdfError::OverBounds(if self.left < self.stream {
            Bound::DecompressedTotal
        } else {
            Bound::StreamBytes
        })
    }
}

fn corrupt(detail: impl Into<String>) -> PdfError {
    PdfError::Corrupt {
        detail: detail.into(),
    }
}

fn load_error(e: &lopdf::Error) -> PdfError {
    match e {
        lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded { .. }) => {
            PdfError::OverBounds(Bound::StreamBytes)
        }
        other => corrupt(other.to_string()),
    }
}
