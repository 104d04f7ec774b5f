//! Spreadsheets for download (XLSX): one sheet per table, a bold frozen header row, columns
//! wide enough to read, every cell text (dates as `dd/mm/yyyy`, as the forms print them), a
//! text that starts like a formula neutralised ([`neutralise`]).

use rust_xlsxwriter::{Format, Workbook, XlsxError};

use crate::error::AppError;
use crate::spreadsheet::cells::neutralise;

/// A sheet: its name (at most 31 characters), header and rows.
pub struct Sheet<'a> {
    pub name: &'a str,
    pub header: &'a [&'a str],
    pub rows: Vec<Vec<String>>,
}

fn build(sheets: &[Sheet<'_>]) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold().set_text_wrap();
    let wrap = Format::new().set_text_wrap();
    for s in sheets {
        let ws = book.add_worksheet();
        ws.set_name(s.name)?;
        for (c, h) in s.header.iter().enumerate() {
            let col = u16::try_from(c).unwrap_or(u16::MAX);
            ws.write_string_with_format(0, col, neutralise(h), &bold)?;
            // Wide enough for the longest of the first rows, within reason.
            let longest = s
                .rows
                .iter()
                .take(200)
                .filter_map(|r| r.get(c))
                .map(|v| v.chars().count())
                .chain(std::iter::once(h.chars().count()))
                .max()
                .unwrap_or(10);
            ws.set_column_width(col, (longest as f64).clamp(6.0, 60.0) + 2.0)?;
        }
        for (r, row) in s.rows.iter().enumerate() {
            let r = u32::try_from(r + 1).unwrap_or(u32::MAX);
            for (c, v) in row.iter().enumerate() {
                let col = u16::try_from(c).unwrap_or(u16::MAX);
                ws.write_string_with_format(r, col, neutralise(v), &wrap)?;
            }
        }
        ws.set_freeze_panes(1, 0)?;
    }
    book.save_to_buffer()
}

/// The workbook's bytes.
pub fn workbook(sheets: &[Sheet<'_>]) -> Result<Vec<u8>, AppError> {
    build(sheets).map_err(|e| AppError::internal("XLSX", e))
}

pub const CONTENT_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_workbook_is_a_zip_with_its_sheets() {
        let bytes = workbook(&[Sheet {
            name: "Toàn bộ",
            header: &["STT", "Số, ký hiệu"],
            rows: vec![vec!["1".into(), "15/2018/NQ-HĐND".into()]],
        }])
        .unwrap();
        assert_eq!(&bytes[..2], b"PK", "an XLSX file is a zip archive");
        assert!(bytes.len() > 1000);
        // Sheet names are limited to 31 characters: a longer one is an error, not a panic.
        assert!(workbook(&[Sheet {
            name: &"x".repeat(40),
            header: &[],
            rows: vec![]
        }])
        .is_err());
    }
}
