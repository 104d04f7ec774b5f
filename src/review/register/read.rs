//! Reading a register file: CSV or XLSX into grids of cells, held to the register's bounds
//! before anything is sized by the file.

use chrono::NaiveDate;

use crate::domain::text::{date_vn, nfc, parse_date_vn};
use crate::spreadsheet::bounds::{self, CheckError, Exceeded, Limits};
use crate::spreadsheet::cells::restore;

/// One cell as read from a file.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    Date(NaiveDate),
}

impl Cell {
    pub(super) fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.trim().to_string(),
            Cell::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
            Cell::Number(n) => n.to_string(),
            Cell::Date(d) => date_vn(*d),
        }
    }

    pub(super) fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }

    /// A date cell, a date typed as text, or an Excel serial number left in a general cell.
    pub(super) fn date(&self) -> Result<Option<NaiveDate>, String> {
        match self {
            Cell::Empty => Ok(None),
            Cell::Date(d) => Ok(Some(*d)),
            Cell::Number(n) if n.fract() == 0.0 && (1.0..2_958_466.0).contains(n) => {
                let base = NaiveDate::from_ymd_opt(1899, 12, 30).ok_or("ngày gốc")?;
                Ok(Some(base + chrono::Duration::days(*n as i64)))
            }
            Cell::Number(n) => Err(format!("«{n}» không phải là ngày")),
            Cell::Text(s) if s.trim().is_empty() => Ok(None),
            Cell::Text(s) => parse_date_vn(s).map(Some).map_err(|e| e.to_string()),
        }
    }
}

/// A sheet: each row with its number as the spreadsheet shows it (1-based).
pub type Grid = Vec<(usize, Vec<Cell>)>;

/// Why a file cannot be read at all.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("tệp CSV không phải UTF-8 (dòng {0}): hãy lưu lại bằng «CSV UTF-8»")]
    NotUtf8(usize),
    #[error(
        "tệp .xls (Excel 97–2003) không được hỗ trợ: hãy lưu lại dưới dạng .xlsx hoặc CSV UTF-8"
    )]
    LegacyXls,
    /// Refused by the archive check before the spreadsheet library saw it.
    #[error("không đọc được tệp XLSX: {0}")]
    Xlsx(String),
    /// The spreadsheet library could not read it.
    #[error("không đọc được tệp XLSX: {0}")]
    XlsxRead(#[source] calamine::XlsxError),
    #[error("không đọc được tệp CSV ở dòng {line}: {source}")]
    Csv {
        line: usize,
        #[source]
        source: csv::Error,
    },
    #[error("tệp không có trang tính nào")]
    NoSheet,
    /// A bound of [`bounds::REGISTER`] passed: nothing of the file was allocated by its size.
    #[error("{0}")]
    TooLarge(Exceeded),
}

impl From<Exceeded> for FileError {
    fn from(e: Exceeded) -> Self {
        FileError::TooLarge(e)
    }
}

/// A text as read from a cell: the apostrophe that exports put before a formula-like text
/// taken away, trimmed, NFC.
fn text_cell(s: &str) -> Cell {
    let s = restore(s).trim();
    if s.is_empty() {
        Cell::Empty
    } else {
        Cell::Text(nfc(s))
    }
}

/// Reads the file by its content: XLSX (a zip), legacy XLS (refused), otherwise CSV; within
/// the bounds of a register ([`bounds::REGISTER`]).
pub fn read_file(bytes: &[u8]) -> Result<Vec<Grid>, FileError> {
    read_file_within(bytes, &bounds::REGISTER)
}

/// [`read_file`] within other bounds.
pub fn read_file_within(bytes: &[u8], limits: &Limits) -> Result<Vec<Grid>, FileError> {
    if bytes.starts_with(b"PK\x03\x04") {
        read_xlsx(bytes, limits)
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        Err(FileError::LegacyXls)
    } else {
        Ok(vec![read_csv(bytes, limits)?])
    }
}

/// Reads a CSV file (UTF-8, with or without BOM; comma or semicolon separated, as Excel
/// writes with Vietnamese regional settings). Lines, records, columns and fields are counted
/// against `limits` as they are read.
pub fn read_csv(bytes: &[u8], limits: &Limits) -> Result<Grid, FileError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Err(e) = std::str::from_utf8(bytes) {
        let line = bytes[..e.valid_up_to()]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            + 1;
        return Err(FileError::NotUtf8(line));
    }
    bounds::check_csv_lines(bytes, limits)?;
    let mut counted = bounds::CsvCount::new(limits);
    let mut reader = crate::spreadsheet::csv_reader(bytes);
    let mut grid = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|source| FileError::Csv {
            line: source.position().map_or(0, |p| p.line() as usize),
            source,
        })?;
        // The position is where the reader started: before any blank lines it skipped.
        let line = record.position().map_or(grid.len() + 1, |p| {
            let skipped = bytes
                .get(p.byte() as usize..)
                .unwrap_or_default()
                .iter()
                .take_while(|b| **b == b'\n' || **b == b'\r')
                .filter(|b| **b == b'\n')
                .count();
            p.line() as usize + skipped
        });
        counted.record(line, record.iter())?;
        let cells = record.iter().map(text_cell).collect();
        grid.push((line, cells));
    }
    Ok(grid)
}

/// Reads every sheet of an XLSX workbook. Merged cells take the value of their top-left cell,
/// so a header written as a group over sub-columns reads as "group sub-column". The archive
/// is checked against `limits` first ([`bounds::check_xlsx`]): only then is it given to the
/// spreadsheet library, which sizes its tables by what the file declares.
pub fn read_xlsx(bytes: &[u8], limits: &Limits) -> Result<Vec<Grid>, FileError> {
    use calamine::{Data, Reader};
    bounds::check_xlsx(bytes, limits).map_err(|e| match e {
        CheckError::Exceeded(e) => FileError::TooLarge(e),
        CheckError::Unreadable(m) => FileError::Xlsx(m),
    })?;
    let fail = FileError::XlsxRead;
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes.to_vec())).map_err(fail)?;
    let names = book.sheet_names();
    if names.is_empty() {
        return Err(FileError::NoSheet);
    }
    let mut grids = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let range = book.worksheet_range(name).map_err(fail)?;
        let merges = book.merge_cells_by_sheet_id(i).unwrap_or_default();
        let Some((r0, c0)) = range.start() else {
            grids.push(Vec::new());
            continue;
        };
        let (r0, c0) = (r0 as usize, c0 as usize);
        let (height, width) = range.get_size();
        let mut rows: Vec<Vec<Cell>> = vec![vec![Cell::Empty; c0 + width]; r0 + height];
        for (r, row) in range.rows().enumerate() {
            for (c, v) in row.iter().enumerate() {
                rows[r0 + r][c0 + c] = match v {
                    Data::Empty => Cell::Empty,
                    Data::String(s) => text_cell(s),
                    Data::Float(f) => Cell::Number(*f),
                    Data::Int(n) => Cell::Number(*n as f64),
                    Data::Bool(b) => Cell::Text(b.to_string()),
                    Data::DateTime(d) => d
                        .as_datetime()
                        .map_or(Cell::Number(d.as_f64()), |t| Cell::Date(t.date())),
                    Data::DateTimeIso(s) => s
                        .get(..10)
                        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
                        .map_or_else(|| Cell::Text(s.clone()), Cell::Date),
                    Data::DurationIso(s) => Cell::Text(s.clone()),
                    Data::Error(e) => Cell::Text(format!("#{e:?}")),
                };
            }
        }
        for m in merges {
            let (sr, sc) = (m.start.0 as usize, m.start.1 as usize);
            let (er, ec) = (m.end.0 as usize, m.end.1 as usize);
            let Some(v) = rows.get(sr).and_then(|r| r.get(sc)).cloned() else {
                continue;
            };
            for row in rows.iter_mut().take(er + 1).skip(sr) {
                for cell in row.iter_mut().take(ec + 1).skip(sc) {
                    *cell = v.clone();
                }
            }
        }
        grids.push(
            rows.into_iter()
                .enumerate()
                .map(|(i, r)| (i + 1, r))
                .collect(),
        );
    }
    Ok(grids)
}
