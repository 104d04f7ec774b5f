//! Reading the text of a DOCX file (a signed decision, a resolution…) for the registry's
//! "new document from its file" form and `vanban extract`.
//!
//! Owns: opening the package within [`Limits`] (checked before anything is allocated, and again
//! on the bytes actually inflated, since a declared size can lie), Word's automatic numbering
//! (`numbering.rs`, and through paragraph styles, `styles.rs`) and the walk over `word/document.xml` (`body.rs`). Streams the XML with a
//! pull parser: no tree of the whole file is built.
//!
//! Reading order: body paragraphs as they come; a table is read row by row, cell by cell,
//! **each paragraph of a cell on its own line** (a [`Line`] keeps its table, row and column, so a
//! caller can rebuild a row). That keeps the header table of a legal document readable: the
//! issuer block at left (`ỦY BAN NHÂN DÂN` / `TỈNH CÀ MAU`) comes out as consecutive lines, then
//! the national motto at right. Tabs become spaces, line breaks newlines inside the line's text,
//! field instructions and deleted or hidden text are dropped, text is NFC.

mod body;
mod numbering;
mod styles;
#[cfg(test)]
mod tests;

use std::io::{Cursor, Read};

use unicode_normalization::UnicodeNormalization;

/// The bounds a DOCX is read within (the project's rule: checked before allocating).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Bytes of the file itself.
    pub input_bytes: u64,
    /// Entries in the zip archive.
    pub entries: u64,
    /// Decompressed bytes of all entries together (declared, and actually read).
    pub decompressed_total: u64,
    /// Decompressed bytes of `word/document.xml`.
    pub document_xml: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        const MIB: u64 = 1024 * 1024;
        Limits {
            input_bytes: 20 * MIB,
            entries: 2_000,
            decompressed_total: 64 * MIB,
            document_xml: 32 * MIB,
        }
    }
}

/// Which bound a file went past.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    InputBytes,
    Entries,
    DecompressedTotal,
    DocumentXml,
}

impl std::fmt::Display for Bound {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Bound::InputBytes => "kích thước tệp",
            Bound::Entries => "số phần trong gói ZIP",
            Bound::DecompressedTotal => "tổng dung lượng sau giải nén",
            Bound::DocumentXml => "dung lượng phần nội dung (word/document.xml) sau giải nén",
        })
    }
}

/// Why a DOCX could not be read. The messages are shown to the officer beside the file field.
#[derive(Debug, thiserror::Error)]
pub enum DocxError {
    #[error("Tệp không phải DOCX (không phải gói ZIP của Office Open XML).")]
    NotZip,
    #[error("Đây là tệp Word cũ (.doc): hãy lưu thành DOCX hoặc PDF rồi tải lên lại.")]
    LegacyDoc,
    #[error("Tệp DOCX được đặt mật khẩu (mã hóa): hãy gỡ mật khẩu rồi tải lên lại.")]
    Encrypted,
    #[error("Tệp DOCX không có phần nội dung (word/document.xml).")]
    NoDocument,
    #[error("Tệp DOCX bị hỏng: không đọc được phần {part} ({detail}).")]
    Corrupt { part: String, detail: String },
    #[error("Tệp DOCX vượt giới hạn {bound}: tối đa {limit} byte.")]
    OverBound { bound: Bound, limit: u64 },
}

/// Where a line stands in a table (0-based; the innermost table for nested ones).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CellAt {
    /// The table's rank in the document (top-level and nested tables counted in order).
    pub table: usize,
    pub row: usize,
    pub column: usize,
}

/// One paragraph's text (its automatic number first, e.g. `1. ` or `a) `).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub text: String,
    /// `Some` for a paragraph inside a table cell.
    pub cell: Option<CellAt>,
}

/// The text of a DOCX, one paragraph per line in reading order; empty paragraphs are left out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocxText {
    pub lines: Vec<Line>,
}

impl DocxText {
    /// The lines joined by newlines.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for (i, line) in self.lines.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            out.push_str(&line.text);
        }
        out
    }
}

const OLE_SIGNATURE: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
const DOCUMENT: &str = "word/document.xml";
const NUMBERING: &str = "word/numbering.xml";
const STYLES: &str = "word/styles.xml";

/// The document's plain text (see the module doc for the reading order).
pub fn text(bytes: &[u8], limits: &Limits) -> Result<DocxText, DocxError> {
    if bytes.len() as u64 > limits.input_bytes {
        return Err(over(Bound::InputBytes, limits.input_bytes));
    }
    if bytes.starts_with(&OLE_SIGNATURE) {
        // An encrypted OOXML file is an OLE compound file holding an `EncryptedPackage` stream
        // (MS-OFFCRYPTO §2.3.4.4); any other OLE file is a legacy Word document.
        return Err(if contains_utf16(bytes, "EncryptedPackage") {
            DocxError::Encrypted
        } else {
            DocxError::LegacyDoc
        });
    }
    if !bytes.starts_with(b"PK") {
        return Err(DocxError::NotZip);
    }
    if let Some(count) = declared_entry_count(bytes) {
        if count > limits.entries {
            return Err(over(Bound::Entries, limits.entries));
        }
    }
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| DocxError::NotZip)?;
    let mut budget = Budget::check_declared(&mut archive, limits)?;
    let numbering = match archive.index_for_name(NUMBERING) {
        Some(index) => {
            let entry = open(&mut archive, index, NUMBERING)?;
            let reader = budget.reader(entry, Bound::DecompressedTotal, limits.decompressed_total);
            numbering::Numbering::read(Part::new(reader, NUMBERING))?
        }
        None => numbering::Numbering::default(),
    };
    let styles = match archive.index_for_name(STYLES) {
        Some(index) => {
            let entry = open(&mut archive, index, STYLES)?;
            let reader = budget.reader(entry, Bound::DecompressedTotal, limits.decompressed_total);
            styles::Styles::read(Part::new(reader, STYLES))?
        }
        None => styles::Styles::default(),
    };
    let index = archive
        .index_for_name(DOCUMENT)
        .ok_or(DocxError::NoDocument)?;
    let entry = open(&mut archive, index, DOCUMENT)?;
    let reader = budget.reader(entry, Bound::DocumentXml, limits.document_xml);
    let mut lines = body::read(Part::new(reader, DOCUMENT), numbering, styles)?;
    for line in &mut lines {
        line.text = line.text.nfc().collect();
    }
    Ok(DocxText { lines })
}

fn over(bound: Bound, limit: u64) -> DocxError {
    DocxError::OverBound { bound, limit }
}

fn contains_utf16(bytes: &[u8], needle: &str) -> bool {
    let wide: Vec<u8> = needle.encode_utf16().flat_map(u16::to_le_bytes).collect();
    bytes.windows(wide.len()).any(|w| w == wide.as_slice())
}

/// The entry count the end-of-central-directory record declares, read before the zip crate
/// builds its index (`None` when the record is not found or points to a ZIP64 record: the
/// count is then checked on the opened archive).
fn declared_entry_count(bytes: &[u8]) -> Option<u64> {
    const EOCD: [u8; 4] = [0x50, 0x4B, 0x05, 0x06];
    let from = bytes.len().saturating_sub(22 + 65_535);
    let tail = &bytes[from..];
    let at = (0..tail.len().saturating_sub(21))
        .rev()
        .find(|&i| tail[i..].starts_with(&EOCD))?;
    let count = u16::from_le_bytes([tail[at + 10], tail[at + 11]]);
    (count != u16::MAX).then_some(u64::from(count))
}

fn open<'a, 'b>(
    archive: &'a mut zip::ZipArchive<Cursor<&'b [u8]>>,
    index: usize,
    part: &str,
) -> Result<zip::read::ZipFile<'a, Cursor<&'b [u8]>>, DocxError> {
    match archive.by_index(index) {
        Ok(entry) => Ok(entry),
        Err(zip::result::ZipError::UnsupportedArchive(
            zip::result::ZipError::PASSWORD_REQUIRED,
        )) => Err(DocxError::Encrypted),
        Err(e) => Err(corrupt(part, e)),
    }
}

fn corrupt(part: &str, detail: impl std::fmt::Display) -> DocxError {
    DocxError::Corrupt {
        part: part.to_string(),
        detail: detail.to_string(),
    }
}

/// What is left of the decompressed-bytes bound, shared by the parts read.
struct Budget {
    total_left: u64,
    total_limit: u64,
}

impl Budget {
    /// Checks the entry count and each entry's declared size (and their sum) before any part is
    /// inflated.
    fn check_declared(
        archive: &mut zip::ZipArchive<Cursor<&[u8]>>,
        limits: &Limits,
    ) -> Result<Budget, DocxError> {
        if archive.len() as u64 > limits.entries {
            return Err(over(Bound::Entries, limits.entries));
        }
        let document = archive.index_for_name(DOCUMENT);
        let mut declared: u64 = 0;
        for i in 0..archive.len() {
            let entry = archive.by_index_raw(i).map_err(|e| corrupt("ZIP", e))?;
            if entry.encrypted() {
                return Err(DocxError::Encrypted);
            }
            if document == Some(i) && entry.size() > limits.document_xml {
                return Err(over(Bound::DocumentXml, limits.document_xml));
            }
            declared = declared.saturating_add(entry.size());
            if declared > limits.decompressed_total {
                return Err(over(Bound::DecompressedTotal, limits.decompressed_total));
            }
        }
        Ok(Budget {
            total_left: limits.decompressed_total,
            total_limit: limits.decompressed_total,
        })
    }

    /// A reader of one entry that stops with [`Bounded::exceeded`] set as soon as the bytes
    /// actually inflated pass the part's bound or what is left of the total.
    fn reader<R: Read>(&mut self, inner: R, part_bound: Bound, part_limit: u64) -> Bounded<'_, R> {
        Bounded {
            inner,
            part_bound,
            part_left: part_limit,
            part_limit,
            budget: self,
            exceeded: None,
        }
    }
}

/// See [`Budget::reader`].
pub(crate) struct Bounded<'b, R> {
    inner: R,
    part_bound: Bound,
    part_left: u64,
    part_limit: u64,
    budget: &'b mut Budget,
    exceeded: Option<DocxError>,
}

impl<R> Bounded<'_, R> {
    /// The bound error if reading stopped on one, else `fallback`.
    fn error_or(&mut self, fallback: DocxError) -> DocxError {
        self.exceeded.take().unwrap_or(fallback)
    }
}

impl<R: Read> Read for Bounded<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)? as u64;
        let error = if n > self.part_left {
            Some(over(self.part_bound, self.part_limit))
        } else if n > self.budget.total_left {
            Some(over(Bound::DecompressedTotal, self.budget.total_limit))
        } else {
            None
        };
        if let Some(error) = error {
            self.exceeded = Some(error);
            return Err(std::io::Error::other("bound passed"));
        }
        self.part_left -= n;
        self.budget.total_left -= n;
        Ok(n as usize)
    }
}

/// The XML events of one part, pulled one at a time; a parse error becomes
/// [`DocxError::Corrupt`] naming the part, unless the reader stopped on a bound.
pub(crate) struct Part<'b, R: Read> {
    reader: quick_xml::Reader<std::io::BufReader<Bounded<'b, R>>>,
    buf: Vec<u8>,
    name: &'static str,
    depth: usize,
}

impl<'b, R: Read> Part<'b, R> {
    pub(crate) fn new(inner: Bounded<'b, R>, name: &'static str) -> Part<'b, R> {
        Part {
            reader: quick_xml::Reader::from_reader(std::io::BufReader::new(inner)),
            buf: Vec::new(),
            name,
            depth: 0,
        }
    }

    pub(crate) fn next(&mut self) -> Result<quick_xml::events::Event<'_>, DocxError> {
        use quick_xml::events::Event;
        self.buf.clear();
        match self.reader.read_event_into(&mut self.buf) {
            Ok(event) => {
                match &event {
                    Event::Start(_) => self.depth += 1,
                    Event::End(_) => self.depth = self.depth.saturating_sub(1),
                    Event::Eof if self.depth > 0 => {
                        return Err(corrupt(self.name, "tệp kết thúc giữa chừng"));
                    }
                    _ => {}
                }
                Ok(event)
            }
            Err(e) => {
                let fallback = corrupt(self.name, &e);
                Err(self.reader.get_mut().get_mut().error_or(fallback))
            }
        }
    }
}

/// An attribute's value by its local name (`w:val` → `val`).
pub(crate) fn attr(e: &quick_xml::events::BytesStart<'_>, local: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == local)
        .and_then(|a| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned())
        })
}

/// Text of a general reference (`&amp;`, `&#x1EA1;`); `None` for an unknown entity.
pub(crate) fn reference(r: &quick_xml::events::BytesRef<'_>) -> Option<char> {
    if let Ok(Some(c)) = r.resolve_char_ref() {
        return Some(c);
    }
    match r.as_ref() {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => None,
    }
}
