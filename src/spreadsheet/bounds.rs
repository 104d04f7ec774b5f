//! How large a spreadsheet read from outside may be, and the checks that hold it to that
//! before anything is allocated by its size.
//!
//! An XLSX file is a zip archive of XML parts: a few kilobytes can declare a sheet from `A1`
//! to `XFD1048576` (which a reader would allocate as seventeen billion cells), a part that
//! inflates to gigabytes, or a shared-string table of billions of entries. [`check_xlsx`]
//! reads the archive's directory itself, then inflates each part through a counting reader
//! that stops at the first bound passed, and scans the sheets and the shared strings with a
//! tag scanner that holds at most one tag at a time. Only a file that passes is given to the
//! spreadsheet library. [`check_csv_lines`] and [`CsvCount`] do the same for CSV.
//!
//! Every number is here, once.

use std::io::Read;

/// Rows of a sheet (the highest row number a cell may have).
pub const MAX_ROWS: u64 = 20_000;
/// Columns of a sheet (the highest column a cell may have: 60 is `BH`).
pub const MAX_COLUMNS: u64 = 60;
/// Cells of a workbook: every sheet's rows × columns, added up.
pub const MAX_CELLS: u64 = MAX_ROWS * MAX_COLUMNS;
/// Entries (files) in the zip archive; a workbook has a dozen or so.
pub const MAX_ENTRIES: u64 = 1_000;
/// Bytes of one entry, inflated.
pub const MAX_ENTRY_BYTES: u64 = 64 * 1024 * 1024;
/// Bytes of all entries, inflated.
pub const MAX_TOTAL_BYTES: u64 = 128 * 1024 * 1024;
/// Inflated bytes per compressed byte of an entry (XML compresses ten to twenty times).
pub const MAX_COMPRESSION_RATIO: u64 = 100;
/// Below this many inflated bytes an entry's compression ratio is not held against it.
pub const RATIO_FLOOR_BYTES: u64 = 1024 * 1024;
/// Entries of the shared-string table.
pub const MAX_SHARED_STRINGS: u64 = 200_000;
/// Bytes of the shared-string table, inflated.
pub const MAX_SHARED_STRINGS_BYTES: u64 = 32 * 1024 * 1024;
/// Characters of one CSV field (a spreadsheet cell holds at most 32,767).
pub const MAX_FIELD_CHARS: u64 = 32_767;
/// Bytes of one line of a CSV file.
pub const MAX_LINE_BYTES: u64 = 1024 * 1024;
/// Bytes of one XML tag of a sheet or of the shared strings (a cell's tag is a few dozen).
pub const MAX_TAG_BYTES: usize = 16 * 1024;

/// A set of bounds; [`REGISTER`] is the one the service uses (tests make smaller ones).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub rows: u64,
    pub columns: u64,
    pub cells: u64,
    pub entries: u64,
    pub entry_bytes: u64,
    pub total_bytes: u64,
    pub compression_ratio: u64,
    pub ratio_floor_bytes: u64,
    pub shared_strings: u64,
    pub shared_strings_bytes: u64,
    pub field_chars: u64,
    pub line_bytes: u64,
}

/// The bounds of a review register read from a file.
pub const REGISTER: Limits = Limits {
    rows: MAX_ROWS,
    columns: MAX_COLUMNS,
    cells: MAX_CELLS,
    entries: MAX_ENTRIES,
    entry_bytes: MAX_ENTRY_BYTES,
    total_bytes: MAX_TOTAL_BYTES,
    compression_ratio: MAX_COMPRESSION_RATIO,
    ratio_floor_bytes: RATIO_FLOOR_BYTES,
    shared_strings: MAX_SHARED_STRINGS,
    shared_strings_bytes: MAX_SHARED_STRINGS_BYTES,
    field_chars: MAX_FIELD_CHARS,
    line_bytes: MAX_LINE_BYTES,
};

/// Which bound a file passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    Rows,
    Columns,
    Cells,
    MergedCells,
    Entries,
    EntrySize,
    TotalSize,
    CompressionRatio,
    SharedStrings,
    SharedStringsSize,
    FieldLength,
    LineLength,
}

impl Bound {
    /// The stable name given in problem documents.
    pub fn code(self) -> &'static str {
        match self {
            Bound::Rows => "rows",
            Bound::Columns => "columns",
            Bound::Cells => "cells",
            Bound::MergedCells => "merged_cells",
            Bound::Entries => "entries",
            Bound::EntrySize => "entry_size",
            Bound::TotalSize => "total_size",
            Bound::CompressionRatio => "compression_ratio",
            Bound::SharedStrings => "shared_strings",
            Bound::SharedStringsSize => "shared_strings_size",
            Bound::FieldLength => "field_length",
            Bound::LineLength => "line_length",
        }
    }

    /// What is bounded, in words.
    pub fn label(self) -> &'static str {
        match self {
            Bound::Rows => "số dòng của trang tính",
            Bound::Columns => "số cột của trang tính",
            Bound::Cells => "số ô của cả tệp (dòng × cột của mọi trang tính)",
            Bound::MergedCells => "số ô thuộc các vùng gộp ô của cả tệp",
            Bound::Entries => "số tệp thành phần trong tệp XLSX",
            Bound::EntrySize => "dung lượng giải nén của một tệp thành phần (byte)",
            Bound::TotalSize => "tổng dung lượng giải nén (byte)",
            Bound::CompressionRatio => "tỷ lệ nén của một tệp thành phần",
            Bound::SharedStrings => "số chuỗi dùng chung (shared strings)",
            Bound::SharedStringsSize => "dung lượng bảng chuỗi dùng chung (byte)",
            Bound::FieldLength => "số ký tự của một ô",
            Bound::LineLength => "độ dài một dòng của tệp CSV (byte)",
        }
    }

    fn of(self, limits: &Limits) -> u64 {
        match self {
            Bound::Rows => limits.rows,
            Bound::Columns => limits.columns,
            Bound::Cells => limits.cells,
            Bound::MergedCells => limits.cells,
            Bound::Entries => limits.entries,
            Bound::EntrySize => limits.entry_bytes,
            Bound::TotalSize => limits.total_bytes,
            Bound::CompressionRatio => limits.compression_ratio,
            Bound::SharedStrings => limits.shared_strings,
            Bound::SharedStringsSize => limits.shared_strings_bytes,
            Bound::FieldLength => limits.field_chars,
            Bound::LineLength => limits.line_bytes,
        }
    }
}

/// A bound passed: which, its value, and where in the file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("tệp vượt quá giới hạn {} (tối đa {limit}): {found}", .bound.label())]
pub struct Exceeded {
    pub bound: Bound,
    pub limit: u64,
    pub found: String,
}

impl Exceeded {
    fn new(bound: Bound, limits: &Limits, found: impl Into<String>) -> Self {
        Exceeded {
            bound,
            limit: bound.of(limits),
            found: found.into(),
        }
    }
}

/// Why an XLSX file is refused before it is read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckError {
    #[error(transparent)]
    Exceeded(#[from] Exceeded),
    /// Not a zip archive one can read, or a malformed part.
    #[error("{0}")]
    Unreadable(String),
}

fn le16(b: &[u8], at: usize) -> Option<u64> {
    let s = b.get(at..at + 2)?;
    Some(u64::from(u16::from_le_bytes([s[0], s[1]])))
}

fn le64(b: &[u8], at: usize) -> Option<u64> {
    let s = b.get(at..at + 8)?;
    let mut a = [0u8; 8];
    a.copy_from_slice(s);
    Some(u64::from_le_bytes(a))
}

/// The number of entries the archive's directory declares, read from every end-of-directory
/// record in the file's tail (and its ZIP64 record when there is one), the largest counting:
/// the zip library sizes its tables by this number before reading a single entry.
fn declared_entries(bytes: &[u8]) -> Result<u64, CheckError> {
    const EOCD: &[u8] = b"PK\x05\x06";
    const LOCATOR: &[u8] = b"PK\x06\x07";
    const ZIP64_EOCD: &[u8] = b"PK\x06\x06";
    // The record is 22 bytes and may be followed by a comment of at most 65,535.
    let from = bytes.len().saturating_sub(22 + 65_535);
    let mut most = None;
    for at in (from..bytes.len().saturating_sub(21)).rev() {
        if bytes.get(at..at + 4) != Some(EOCD) {
            continue;
        }
        let mut count = le16(bytes, at + 10).unwrap_or(0);
        if let Some(loc) = at.checked_sub(20) {
            if bytes.get(loc..loc + 4) == Some(LOCATOR) {
                let record = le64(bytes, loc + 8)
                    .and_then(|o| usize::try_from(o).ok())
                    .filter(|o| bytes.get(*o..o + 4) == Some(ZIP64_EOCD));
                match record.and_then(|o| le64(bytes, o + 32)) {
                    Some(n) => count = count.max(n),
                    None => {
                        return Err(CheckError::Unreadable(
                            "mục lục ZIP64 của tệp nén không hợp lệ".into(),
                        ))
                    }
                }
            }
        }
        most = Some(most.map_or(count, |m: u64| m.max(count)));
    }
    most.ok_or_else(|| CheckError::Unreadable("không tìm thấy mục lục của tệp nén".into()))
}

/// A cell reference (`B7`, `$AB$12`) as 1-based (row, column); `None` when it is not one.
fn cell_ref(s: &[u8]) -> Option<(u64, u64)> {
    let s: Vec<u8> = s.iter().copied().filter(|b| *b != b'$').collect();
    let letters = s.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    let (col, row) = s.split_at(letters);
    if col.is_empty() || row.is_empty() || !row.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let col = col.iter().fold(0u64, |n, b| {
        n.saturating_mul(26)
            .saturating_add(u64::from(b.to_ascii_uppercase() - b'A' + 1))
    });
    let row = row.iter().fold(0u64, |n, b| {
        n.saturating_mul(10).saturating_add(u64::from(b - b'0'))
    });
    Some((row, col))
}

/// The value of an attribute of a tag (`<c r="B7" s="1"`), by its exact name.
fn attribute<'a>(tag: &'a [u8], name: &[u8]) -> Option<&'a [u8]> {
    let mut i = tag
        .iter()
        .position(|b| b.is_ascii_whitespace())
        .unwrap_or(tag.len());
    while i < tag.len() {
        while tag.get(i).is_some_and(|b| b.is_ascii_whitespace()) {
            i += 1;
        }
        let key_start = i;
        while tag
            .get(i)
            .is_some_and(|b| *b != b'=' && !b.is_ascii_whitespace())
        {
            i += 1;
        }
        let key = tag.get(key_start..i)?;
        while tag.get(i).is_some_and(|b| b.is_ascii_whitespace()) {
            i += 1;
        }
        if tag.get(i) != Some(&b'=') {
            // A key without a value ends the attributes (e.g. the `/` of `<c r="A1"/`).
            return None;
        }
        i += 1;
        while tag.get(i).is_some_and(|b| b.is_ascii_whitespace()) {
            i += 1;
        }
        let quote = *tag.get(i)?;
        if quote != b'"' && quote != b'\'' {
            return None;
        }
        let value_start = i + 1;
        let len = tag.get(value_start..)?.iter().position(|b| *b == quote)?;
        if key == name {
            return tag.get(value_start..value_start + len);
        }
        i = value_start + len + 1;
    }
    None
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Text,
    /// Just after `<`: what follows tells an element from a comment or a declaration.
    Open,
    /// After `<!`: a comment, a CDATA section or a declaration, told by what follows.
    Bang,
    Element {
        quote: Option<u8>,
    },
    /// A comment, CDATA section, declaration or processing instruction, until `end` (which
    /// counts only once `min` bytes, its opening included, have been seen).
    Special {
        end: &'static [u8],
        min: usize,
        seen: usize,
    },
}

/// Scans one XML part a chunk at a time, holding at most one tag, and checks the cell
/// positions of a sheet and the entries of the shared-string table as they pass.
struct Scanner<'l> {
    limits: &'l Limits,
    name: String,
    /// Whether the part is read as a sheet (a `worksheet` or `sheetData` element was seen)
    /// or as a string table (an `sst` element): the spreadsheet library finds cells after
    /// `sheetData` and strings after `sst` whatever the root, so every part is scanned and
    /// both may hold.
    sheet: bool,
    string_table: bool,
    state: State,
    tag: Vec<u8>,
    tag_overflow: bool,
    /// The row and column of the last cell (1-based; 0 before the first).
    row: u64,
    col: u64,
    max_row: u64,
    max_col: u64,
    strings: u64,
    /// Cells covered by merged ranges (each is copied into every cell of its range).
    merged: u64,
}

impl<'l> Scanner<'l> {
    fn new(limits: &'l Limits, name: &str) -> Self {
        Scanner {
            limits,
            name: name.to_string(),
            sheet: false,
            string_table: false,
            state: State::Text,
            tag: Vec::new(),
            tag_overflow: false,
            row: 0,
            col: 0,
            max_row: 0,
            max_col: 0,
            strings: 0,
            merged: 0,
        }
    }

    fn feed(&mut self, chunk: &[u8]) -> Result<(), CheckError> {
        let mut i = 0;
        while i < chunk.len() {
            let b = chunk[i];
            match self.state {
                State::Text => match chunk[i..].iter().position(|b| *b == b'<') {
                    Some(p) => {
                        i += p + 1;
                        self.tag.clear();
                        self.tag_overflow = false;
                        self.state = State::Open;
                    }
                    None => i = chunk.len(),
                },
                State::Open => match b {
                    b'?' => {
                        i += 1;
                        self.push(b);
                        self.state = State::Special {
                            end: b"?>",
                            min: 3,
                            seen: 1,
                        };
                    }
                    b'!' => {
                        i += 1;
                        self.push(b);
                        self.state = State::Bang;
                    }
                    // The byte is read again as the element's first.
                    _ => self.state = State::Element { quote: None },
                },
                State::Bang => {
                    i += 1;
                    self.push(b);
                    let seen = self.tag.len();
                    if self.tag == b"!--" {
                        self.state = State::Special {
                            end: b"-->",
                            min: 6,
                            seen,
                        };
                    } else if self.tag == b"![CDATA[" {
                        self.state = State::Special {
                            end: b"]]>",
                            min: 11,
                            seen,
                        };
                    } else if !b"!--".starts_with(&self.tag) && !b"![CDATA[".starts_with(&self.tag)
                    {
                        self.state = if b == b'>' {
                            State::Text
                        } else {
                            State::Special {
                                end: b">",
                                min: 2,
                                seen,
                            }
                        };
                    }
                }
                State::Special { end, min, seen } => {
                    i += 1;
                    self.push(b);
                    let seen = seen + 1;
                    self.state = if seen >= min && self.tag.ends_with(end) {
                        State::Text
                    } else {
                        State::Special { end, min, seen }
                    };
                }
                State::Element { quote } => {
                    i += 1;
                    match quote {
                        Some(q) if b == q => self.state = State::Element { quote: None },
                        Some(_) => {}
                        None if b == b'"' || b == b'\'' => {
                            self.state = State::Element { quote: Some(b) }
                        }
                        None if b == b'>' => {
                            self.state = State::Text;
                            self.element()?;
                            continue;
                        }
                        None => {}
                    }
                    self.push(b);
                }
            }
        }
        Ok(())
    }

    /// Keeps a byte of the current tag. Past the bound the tag is marked too long, and an
    /// element keeps its first bytes (its name), anything else its last (to see its end).
    fn push(&mut self, b: u8) {
        if self.tag.len() >= MAX_TAG_BYTES {
            self.tag_overflow = true;
            if matches!(self.state, State::Element { .. }) {
                return;
            }
            self.tag.drain(..MAX_TAG_BYTES / 2);
        }
        self.tag.push(b);
    }

    fn unreadable(&self, what: String) -> CheckError {
        CheckError::Unreadable(format!("phần «{}» của tệp XLSX: {what}", self.name))
    }

    /// An element tag is complete (without its `<` and `>`).
    fn element(&mut self) -> Result<(), CheckError> {
        let tag = std::mem::take(&mut self.tag);
        let result = self.check_element(&tag);
        self.tag = tag;
        result
    }

    fn check_element(&mut self, tag: &[u8]) -> Result<(), CheckError> {
        if tag.first() == Some(&b'/') {
            return Ok(());
        }
        let name_end = tag
            .iter()
            .position(|b| b.is_ascii_whitespace() || *b == b'/')
            .unwrap_or(tag.len());
        let name = &tag[..name_end];
        // Readers match the local name, whatever the prefix.
        let local = name.rsplit(|b| *b == b':').next().unwrap_or(name);
        match local {
            b"worksheet" | b"sheetData" => self.sheet = true,
            b"sst" => self.string_table = true,
            _ => {}
        }
        let interesting = match local {
            b"dimension" | b"sst" => true,
            b"row" | b"c" | b"mergeCell" => self.sheet,
            b"si" => self.string_table,
            _ => false,
        };
        if !interesting {
            return Ok(());
        }
        if self.tag_overflow {
            return Err(self.unreadable(format!(
                "thẻ <{}> dài quá {MAX_TAG_BYTES} byte",
                String::from_utf8_lossy(name)
            )));
        }
        let text = |v: &[u8]| String::from_utf8_lossy(v).into_owned();
        match local {
            b"dimension" => {
                let Some(range) = attribute(tag, b"ref") else {
                    return Ok(());
                };
                for part in range.split(|b| *b == b':') {
                    let Some((row, col)) = cell_ref(part) else {
                        return Err(
                            self.unreadable(format!("vùng dữ liệu «{}» không hợp lệ", text(range)))
                        );
                    };
                    let found = format!("vùng dữ liệu khai báo {}", text(range));
                    self.within(row, col, found)?;
                }
            }
            b"row" => {
                self.row = match attribute(tag, b"r") {
                    Some(r) => match std::str::from_utf8(r).ok().and_then(|r| r.parse().ok()) {
                        Some(n) => n,
                        None => {
                            return Err(
                                self.unreadable(format!("số dòng «{}» không hợp lệ", text(r)))
                            )
                        }
                    },
                    None => self.row.saturating_add(1),
                };
                self.col = 0;
                self.within(self.row, 1, format!("dòng {}", self.row))?;
            }
            b"c" => {
                let (row, col) = match attribute(tag, b"r") {
                    Some(r) => match cell_ref(r) {
                        Some(p) => p,
                        None => {
                            return Err(
                                self.unreadable(format!("địa chỉ ô «{}» không hợp lệ", text(r)))
                            )
                        }
                    },
                    None => (self.row.max(1), self.col.saturating_add(1)),
                };
                self.row = row;
                self.col = col;
                self.max_row = self.max_row.max(row);
                self.max_col = self.max_col.max(col);
                let found = match attribute(tag, b"r") {
                    Some(r) => format!("ô {}", text(r)),
                    None => format!("ô ở dòng {row}, cột {col}"),
                };
                self.within(row, col, found)?;
            }
            b"mergeCell" => {
                let Some(range) = attribute(tag, b"ref") else {
                    return Ok(());
                };
                let mut corners = Vec::new();
                for part in range.split(|b| *b == b':').take(2) {
                    let Some((row, col)) = cell_ref(part) else {
                        return Err(
                            self.unreadable(format!("vùng gộp ô «{}» không hợp lệ", text(range)))
                        );
                    };
                    self.within(row, col, format!("vùng gộp ô {}", text(range)))?;
                    corners.push((row, col));
                }
                if let [(r1, c1), (r2, c2)] = corners[..] {
                    let area = (r1.abs_diff(r2) + 1).saturating_mul(c1.abs_diff(c2) + 1);
                    self.merged = self.merged.saturating_add(area);
                    if self.merged > self.limits.cells {
                        return Err(Exceeded::new(
                            Bound::MergedCells,
                            self.limits,
                            format!("{} ô khi đến vùng gộp {}", self.merged, text(range)),
                        )
                        .into());
                    }
                }
            }
            b"sst" => {
                // `uniqueCount` sizes the table; `count` is how often the strings are used.
                if let Some(v) = attribute(tag, b"uniqueCount") {
                    let n: u64 = std::str::from_utf8(v)
                        .ok()
                        .and_then(|v| v.trim().parse().ok())
                        .unwrap_or(u64::MAX);
                    if n > self.limits.shared_strings {
                        return Err(Exceeded::new(
                            Bound::SharedStrings,
                            self.limits,
                            format!("bảng chuỗi khai báo uniqueCount = {}", text(v)),
                        )
                        .into());
                    }
                }
            }
            b"si" => {
                self.strings += 1;
                if self.strings > self.limits.shared_strings {
                    return Err(Exceeded::new(
                        Bound::SharedStrings,
                        self.limits,
                        format!("hơn {} chuỗi", self.limits.shared_strings),
                    )
                    .into());
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn within(&self, row: u64, col: u64, found: String) -> Result<(), CheckError> {
        if row > self.limits.rows {
            return Err(
                Exceeded::new(Bound::Rows, self.limits, format!("{found} (dòng {row})")).into(),
            );
        }
        if col > self.limits.columns {
            return Err(Exceeded::new(
                Bound::Columns,
                self.limits,
                format!("{found} (cột thứ {col})"),
            )
            .into());
        }
        Ok(())
    }
}

/// Checks an XLSX file against `limits` without inflating more than the bounds allow: the
/// archive's directory, each entry's declared and actual size and compression ratio, the
/// total, and, in the sheets and the shared strings, every declared dimension, row and cell
/// position and every string.
pub fn check_xlsx(bytes: &[u8], limits: &Limits) -> Result<(), CheckError> {
    let declared = declared_entries(bytes)?;
    if declared > limits.entries {
        return Err(Exceeded::new(
            Bound::Entries,
            limits,
            format!("mục lục khai báo {declared} tệp"),
        )
        .into());
    }
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| CheckError::Unreadable(e.to_string()))?;
    let count = archive.len() as u64;
    if count > limits.entries {
        return Err(Exceeded::new(Bound::Entries, limits, format!("{count} tệp")).into());
    }
    let mut total: u64 = 0;
    let mut cells: u64 = 0;
    let mut merged: u64 = 0;
    let mut buf = vec![0u8; 64 * 1024];
    for i in 0..archive.len() {
        let mut entry = archive
            .by_index(i)
            .map_err(|e| CheckError::Unreadable(e.to_string()))?;
        if entry.is_dir() {
            continue;
        }
        let name = entry
            .name()
            .map_err(|e| CheckError::Unreadable(e.to_string()))?
            .into_owned();
        let compressed = entry.compressed_size().max(1);
        let ratio_cap = compressed.saturating_mul(limits.compression_ratio);
        let over = |n: u64, total: u64| -> Option<Exceeded> {
            if n > limits.entry_bytes {
                Some(Exceeded::new(
                    Bound::EntrySize,
                    limits,
                    format!("«{name}»: {n} byte"),
                ))
            } else if total > limits.total_bytes {
                Some(Exceeded::new(
                    Bound::TotalSize,
                    limits,
                    format!("{total} byte khi đến «{name}»"),
                ))
            } else if n > limits.ratio_floor_bytes && n > ratio_cap {
                Some(Exceeded::new(
                    Bound::CompressionRatio,
                    limits,
                    format!("«{name}»: {compressed} byte nén thành {n} byte"),
                ))
            } else {
                None
            }
        };
        // What the directory declares is refused before inflating anything.
        if let Some(e) = over(entry.size(), total.saturating_add(entry.size())) {
            return Err(e.into());
        }
        // What the data actually inflates to is counted as it comes.
        let mut scanner = Scanner::new(limits, &name);
        let mut read: u64 = 0;
        loop {
            let n = entry
                .read(&mut buf)
                .map_err(|e| CheckError::Unreadable(format!("«{name}»: {e}")))?;
            if n == 0 {
                break;
            }
            read += n as u64;
            total += n as u64;
            if let Some(e) = over(read, total) {
                return Err(e.into());
            }
            scanner.feed(buf.get(..n).unwrap_or_default())?;
            if scanner.string_table && read > limits.shared_strings_bytes {
                return Err(Exceeded::new(
                    Bound::SharedStringsSize,
                    limits,
                    format!("«{name}»: hơn {} byte", limits.shared_strings_bytes),
                )
                .into());
            }
        }
        if scanner.sheet {
            merged = merged.saturating_add(scanner.merged);
            if merged > limits.cells {
                return Err(Exceeded::new(
                    Bound::MergedCells,
                    limits,
                    format!("{merged} ô khi đến trang tính «{name}»"),
                )
                .into());
            }
            cells = cells.saturating_add(scanner.max_row.saturating_mul(scanner.max_col));
            if cells > limits.cells {
                return Err(Exceeded::new(
                    Bound::Cells,
                    limits,
                    format!("{cells} ô khi đến trang tính «{name}»"),
                )
                .into());
            }
        }
    }
    Ok(())
}

/// Checks the length of every line of a CSV file before it is parsed.
pub fn check_csv_lines(bytes: &[u8], limits: &Limits) -> Result<(), Exceeded> {
    for (i, line) in bytes.split(|b| *b == b'\n').enumerate() {
        if line.len() as u64 > limits.line_bytes {
            return Err(Exceeded::new(
                Bound::LineLength,
                limits,
                format!("dòng {} dài {} byte", i + 1, line.len()),
            ));
        }
    }
    Ok(())
}

/// Counts the records of a CSV file as they are parsed, and checks each one's shape.
pub struct CsvCount<'l> {
    limits: &'l Limits,
    records: u64,
}

impl<'l> CsvCount<'l> {
    pub fn new(limits: &'l Limits) -> Self {
        CsvCount { limits, records: 0 }
    }

    /// One more record, on `line`, with these fields.
    pub fn record<'a>(
        &mut self,
        line: usize,
        fields: impl Iterator<Item = &'a str>,
    ) -> Result<(), Exceeded> {
        self.records += 1;
        if self.records > self.limits.rows {
            return Err(Exceeded::new(
                Bound::Rows,
                self.limits,
                format!("hơn {} dòng (đến dòng {line})", self.limits.rows),
            ));
        }
        let mut columns = 0u64;
        for f in fields {
            columns += 1;
            if columns > self.limits.columns {
                return Err(Exceeded::new(
                    Bound::Columns,
                    self.limits,
                    format!("dòng {line} có hơn {} cột", self.limits.columns),
                ));
            }
            let chars = f.chars().count() as u64;
            if chars > self.limits.field_chars {
                return Err(Exceeded::new(
                    Bound::FieldLength,
                    self.limits,
                    format!("dòng {line}, cột {columns}: {chars} ký tự"),
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn zip_of(parts: &[(&str, &[u8])]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, data) in parts {
            w.start_file(*name, options).unwrap();
            w.write_all(data).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    fn sheet(cells: &str) -> Vec<u8> {
        format!(
            "<?xml version=\"1.0\"?><worksheet xmlns=\"x\"><sheetData>{cells}</sheetData></worksheet>"
        )
        .into_bytes()
    }

    fn bound(r: Result<(), CheckError>) -> Bound {
        match r {
            Err(CheckError::Exceeded(e)) => e.bound,
            other => panic!("expected a bound, got {other:?}"),
        }
    }

    #[test]
    fn cell_references_and_attributes() {
        assert_eq!(cell_ref(b"A1"), Some((1, 1)));
        assert_eq!(cell_ref(b"$BH$20000"), Some((20_000, 60)));
        assert_eq!(cell_ref(b"XFD1048576"), Some((1_048_576, 16_384)));
        assert_eq!(cell_ref(b"1A"), None);
        assert_eq!(cell_ref(b"A"), None);
        assert_eq!(cell_ref(b"A1B"), None);
        let tag = b"c s='1' r=\"B7\" t=\"s\"/";
        assert_eq!(attribute(tag, b"r"), Some(&b"B7"[..]));
        assert_eq!(attribute(tag, b"s"), Some(&b"1"[..]));
        assert_eq!(attribute(tag, b"x"), None);
        assert_eq!(attribute(b"c foo=\"r=X\" r=\"C3\"", b"r"), Some(&b"C3"[..]));
    }

    #[test]
    fn a_small_workbook_passes() {
        let z = zip_of(&[
            (
                "xl/worksheets/sheet1.xml",
                &sheet("<row r=\"1\"><c r=\"A1\"><v>1</v></c><c r=\"BH1\"/></row>"),
            ),
            (
                "xl/sharedStrings.xml",
                b"<sst count=\"2\" uniqueCount=\"2\"><si><t>a</t></si><si><t>b</t></si></sst>",
            ),
        ]);
        assert_eq!(check_xlsx(&z, &REGISTER), Ok(()));
    }

    #[test]
    fn positions_past_the_bounds_are_refused_wherever_they_hide() {
        let refused = |xml: &str| bound(check_xlsx(&zip_of(&[("s.xml", &sheet(xml))]), &REGISTER));
        assert_eq!(refused("<dimension ref=\"A1:XFD1048576\"/>"), Bound::Rows);
        assert_eq!(refused("<dimension ref=\"A1:BI2\"/>"), Bound::Columns);
        assert_eq!(refused("<row r=\"20001\"/>"), Bound::Rows);
        assert_eq!(refused("<row r=\"1\"><c r=\"BI1\"/></row>"), Bound::Columns);
        // With a namespace prefix, as readers take it by its local name.
        assert_eq!(refused("<x:row><x:c r=\"A20001\"/></x:row>"), Bound::Rows);
        // Cells without a reference count on from the one before.
        let many: String = (0..61).map(|_| "<c><v>1</v></c>").collect();
        assert_eq!(
            refused(&format!("<row r=\"1\">{many}</row>")),
            Bound::Columns
        );
        // A comment, a CDATA section with a quote, or a '>' inside an attribute hide nothing.
        assert_eq!(
            refused("<!-- \" > --><![CDATA[ \" <c r=\"A1\"> ]]><c t=\"a>b\" r=\"A20001\"/>"),
            Bound::Rows
        );
        // Comments and CDATA may hold what looks like cells: not counted against the file.
        let z = zip_of(&[(
            "s.xml",
            &sheet("<!-- <c r=\"XFD1\"/> --><![CDATA[<c r=\"XFD2\"/>]]><c r=\"A1\"/>"),
        )]);
        assert_eq!(check_xlsx(&z, &REGISTER), Ok(()));
        // Whatever the root element, cells after a `sheetData` are a sheet's.
        let z = zip_of(&[(
            "s.xml",
            b"<foo><sheetData><row><c r=\"XFD1048576\"/></row></sheetData></foo>",
        )]);
        assert_eq!(bound(check_xlsx(&z, &REGISTER)), Bound::Rows);
        let z = zip_of(&[(
            "xl/sharedStrings.xml",
            b"<foo><sst uniqueCount=\"999999999\"/></foo>",
        )]);
        assert_eq!(bound(check_xlsx(&z, &REGISTER)), Bound::SharedStrings);
        // Merged ranges: within the bounds, and not more cells in all than the sheet may have
        // (each is copied into every cell it covers).
        assert_eq!(
            refused("<mergeCells><mergeCell ref=\"A1:XFD1048576\"/></mergeCells>"),
            Bound::Rows
        );
        let whole: String = (0..2).map(|_| "<mergeCell ref=\"A1:BH20000\"/>").collect();
        assert_eq!(refused(&whole), Bound::MergedCells);
        let z = zip_of(&[("s.xml", &sheet("<mergeCell ref=\"A1:BH20000\"/>"))]);
        assert_eq!(check_xlsx(&z, &REGISTER), Ok(()));
        // A string table inside a sheet does not hide the cells after it.
        let z = zip_of(&[("s.xml", &sheet("<sst/><c r=\"A20001\"/>"))]);
        assert_eq!(bound(check_xlsx(&z, &REGISTER)), Bound::Rows);
        // A drawing's anchors (`xdr:row`) are not a sheet's rows.
        let anchors: String = (0..30).map(|i| format!("<xdr:row>{i}</xdr:row>")).collect();
        let small = Limits {
            rows: 10,
            ..REGISTER
        };
        let z = zip_of(&[(
            "d.xml",
            format!("<xdr:wsDr>{anchors}</xdr:wsDr>").as_bytes(),
        )]);
        assert_eq!(check_xlsx(&z, &small), Ok(()));
        // A reference that is not one.
        let z = zip_of(&[("s.xml", &sheet("<c r=\"1A\"/>"))]);
        assert!(matches!(
            check_xlsx(&z, &REGISTER),
            Err(CheckError::Unreadable(_))
        ));
        // A cell tag too long to hold.
        let z = zip_of(&[(
            "s.xml",
            &sheet(&format!(
                "<c x=\"{}\" r=\"A1\"/>",
                "y".repeat(MAX_TAG_BYTES)
            )),
        )]);
        assert!(matches!(
            check_xlsx(&z, &REGISTER),
            Err(CheckError::Unreadable(_))
        ));
    }

    #[test]
    fn cells_are_added_up_over_the_sheets() {
        let small = Limits {
            cells: 100,
            ..REGISTER
        };
        let s = sheet("<c r=\"J6\"/>");
        let one = zip_of(&[("a.xml", &s)]);
        assert_eq!(check_xlsx(&one, &small), Ok(()));
        let two = zip_of(&[("a.xml", &s), ("b.xml", &s)]);
        assert_eq!(bound(check_xlsx(&two, &small)), Bound::Cells);
    }

    #[test]
    fn shared_strings_declared_or_counted() {
        let small = Limits {
            shared_strings: 3,
            ..REGISTER
        };
        let declared = zip_of(&[(
            "xl/sharedStrings.xml",
            b"<sst uniqueCount=\"4000000000\"></sst>",
        )]);
        assert_eq!(
            bound(check_xlsx(&declared, &REGISTER)),
            Bound::SharedStrings
        );
        let four: String = (0..4).map(|i| format!("<si><t>{i}</t></si>")).collect();
        let counted = zip_of(&[(
            "xl/sharedStrings.xml",
            format!("<sst>{four}</sst>").as_bytes(),
        )]);
        assert_eq!(bound(check_xlsx(&counted, &small)), Bound::SharedStrings);
        let sized = Limits {
            shared_strings_bytes: 10,
            ..REGISTER
        };
        assert_eq!(
            bound(check_xlsx(&counted, &sized)),
            Bound::SharedStringsSize
        );
    }

    #[test]
    fn sizes_ratios_and_entries() {
        let zeros = vec![b' '; 3 * 1024 * 1024];
        let z = zip_of(&[("big.xml", &zeros)]);
        assert_eq!(bound(check_xlsx(&z, &REGISTER)), Bound::CompressionRatio);
        let tight = Limits {
            entry_bytes: 1024 * 1024,
            ..REGISTER
        };
        assert_eq!(bound(check_xlsx(&z, &tight)), Bound::EntrySize);
        // Bytes that do not compress (xorshift).
        let mut x: u32 = 2_463_534_242;
        let mixed: Vec<u8> = (0..3 * 1024 * 1024)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                x.to_le_bytes()[0]
            })
            .collect();
        let z = zip_of(&[("a.bin", &mixed), ("b.bin", &mixed)]);
        assert_eq!(check_xlsx(&z, &REGISTER), Ok(()));
        let total = Limits {
            total_bytes: 4 * 1024 * 1024,
            ..REGISTER
        };
        assert_eq!(bound(check_xlsx(&z, &total)), Bound::TotalSize);
        let few = Limits {
            entries: 1,
            ..REGISTER
        };
        assert_eq!(bound(check_xlsx(&z, &few)), Bound::Entries);
    }

    #[test]
    fn an_entry_that_inflates_past_what_it_declares_is_refused() {
        let spaces = vec![b' '; 3 * 1024 * 1024];
        let mut z = zip_of(&[("s.xml", &spaces)]);
        // Every header (local and central) says the entry inflates to 100 bytes.
        let size = (spaces.len() as u32).to_le_bytes();
        let mut at = 0;
        while let Some(p) = z[at..].windows(4).position(|w| w == size) {
            z[at + p..at + p + 4].copy_from_slice(&100u32.to_le_bytes());
            at += p + 4;
        }
        assert!(at > 0, "the size was found in the headers");
        // The archive reader stops where the entry passes its declared size.
        let r = check_xlsx(&z, &REGISTER);
        assert!(
            matches!(&r, Err(CheckError::Unreadable(m)) if m.contains("declared")),
            "{r:?}"
        );
    }

    #[test]
    fn a_directory_declaring_too_many_entries_is_refused_before_it_is_read() {
        let mut z = zip_of(&[("a.xml", b"<a/>")]);
        let at = z.windows(4).rposition(|w| w == b"PK\x05\x06").unwrap();
        z[at + 8..at + 12].copy_from_slice(&[0xff, 0xff, 0xff, 0xff]);
        assert_eq!(bound(check_xlsx(&z, &REGISTER)), Bound::Entries);
        assert!(matches!(
            check_xlsx(b"PK\x03\x04 no directory", &REGISTER),
            Err(CheckError::Unreadable(_))
        ));
    }

    #[test]
    fn csv_lines_records_columns_and_fields() {
        let small = Limits {
            rows: 2,
            columns: 3,
            field_chars: 5,
            line_bytes: 20,
            ..REGISTER
        };
        assert!(check_csv_lines(b"a,b\nccc\n", &small).is_ok());
        assert_eq!(
            check_csv_lines(&[b'x'; 21], &small).unwrap_err().bound,
            Bound::LineLength
        );
        let mut c = CsvCount::new(&small);
        assert!(c.record(1, ["a", "b", "c"].into_iter()).is_ok());
        assert_eq!(
            c.record(2, ["a", "b", "c", "d"].into_iter())
                .unwrap_err()
                .bound,
            Bound::Columns
        );
        let mut c = CsvCount::new(&small);
        assert_eq!(
            c.record(1, ["ệệệệệệ"].into_iter()).unwrap_err().bound,
            Bound::FieldLength
        );
        let mut c = CsvCount::new(&small);
        assert!(c.record(1, ["ệệệệệ"].into_iter()).is_ok());
        assert!(c.record(2, ["a"].into_iter()).is_ok());
        assert_eq!(
            c.record(3, ["a"].into_iter()).unwrap_err().bound,
            Bound::Rows
        );
    }
}
#[cfg(test)]
mod at_the_bounds {
    /// A workbook filling every row and column a register may have, with 800,000 uses of the
    /// shared strings, passes: the bounds refuse only what no register needs.
    #[test]
    fn a_full_workbook_passes() {
        let mut book = rust_xlsxwriter::Workbook::new();
        let s = book.add_worksheet();
        for r in 0..super::MAX_ROWS as u32 {
            for c in 0..super::MAX_COLUMNS as u16 {
                if c % 3 == 0 {
                    s.write_number(r, c, 1.0).unwrap();
                } else {
                    s.write_string(r, c, "Bãi bỏ").unwrap();
                }
            }
        }
        s.merge_range(
            20_000 - 1,
            0,
            20_000 - 1,
            59,
            "",
            &rust_xlsxwriter::Format::new(),
        )
        .unwrap();
        let bytes = book.save_to_buffer().unwrap();
        assert_eq!(super::check_xlsx(&bytes, &super::REGISTER), Ok(()));
    }
}
