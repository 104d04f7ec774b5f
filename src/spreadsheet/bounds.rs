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

mod xml;

use std::io::Read;

use xml::Scanner;

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
        let entry = archive
            .by_index(i)
            .map_err(|e| CheckError::Unreadable(e.to_string()))?;
        if entry.is_dir() {
            continue;
        }
        let (name, scanner) = scan_entry(entry, limits, &mut total, &mut buf)?;
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

/// An entry of `n` inflated bytes, `total` with those before it, past a bound of its size.
fn oversized(limits: &Limits, name: &str, compressed: u64, n: u64, total: u64) -> Option<Exceeded> {
    let ratio_cap = compressed.saturating_mul(limits.compression_ratio);
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
}

/// Inflates one entry through the scanner, counting its bytes (and the archive's `total`)
/// against the bounds as they come; returns its name and what the scanner saw.
fn scan_entry<'l, R: Read>(
    mut entry: zip::read::ZipFile<'_, R>,
    limits: &'l Limits,
    total: &mut u64,
    buf: &mut [u8],
) -> Result<(String, Scanner<'l>), CheckError> {
    let name = entry
        .name()
        .map_err(|e| CheckError::Unreadable(e.to_string()))?
        .into_owned();
    let compressed = entry.compressed_size().max(1);
    // What the directory declares is refused before inflating anything.
    if let Some(e) = oversized(
        limits,
        &name,
        compressed,
        entry.size(),
        total.saturating_add(entry.size()),
    ) {
        return Err(e.into());
    }
    // What the data actually inflates to is counted as it comes.
    let mut scanner = Scanner::new(limits, &name);
    let mut read: u64 = 0;
    loop {
        let n = entry
            .read(buf)
            .map_err(|e| CheckError::Unreadable(format!("«{name}»: {e}")))?;
        if n == 0 {
            break;
        }
        read += n as u64;
        *total += n as u64;
        if let Some(e) = oversized(limits, &name, compressed, read, *total) {
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
    Ok((name, scanner))
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
mod at_the_bounds;
#[cfg(test)]
mod tests;
