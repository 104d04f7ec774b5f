//! The review register as justice departments keep it in spreadsheets: one row per document
//! (the document, the handling form and provisions, the reason, the drafting agency, the
//! officer, the approver, each handling stage's date and paper, the handling document).
//!
//! A campaign's register is exported in that shape ([`export`]) and read back from CSV or XLSX
//! ([`read_csv`], [`read_xlsx`], [`import`]): the header may span several rows with merged
//! cells, empty rows and section headings are skipped, dates may be typed as text. Every
//! problem is reported with its spreadsheet row number, and nothing is written unless every
//! row is right. The file is held to [`bounds::REGISTER`] before anything is sized by it.
//! Approvals are never imported: an import proposes only in the importer's own name, and the
//! approver column is set aside with a warning.

mod export;
mod import;
mod layout;
mod read;
mod rows;

pub use export::{export, Table};
pub use import::{import, ImportError, Importer, Report, RowChange};
pub use layout::{classify, layout, Column, Layout, RowError};
use layout::{row_error, words};
pub use read::{read_csv, read_file, read_file_within, read_xlsx, Cell, FileError, Grid};
pub use rows::{number_in, parse_kind, parse_row, Line, RowInput};

#[cfg(test)]
mod tests;
