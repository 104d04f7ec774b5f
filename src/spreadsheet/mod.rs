//! Spreadsheets crossing the service's edge: how large one read from outside may be
//! ([`bounds`], checked before anything is sized by the file), and cells written so that a
//! spreadsheet program never takes a text for a formula ([`cells`]).

pub mod bounds;
pub mod cells;

/// A reader of the CSV `bytes`, without headers and with rows of any length, its delimiter
/// guessed from the first non-empty line: `;` when it has more semicolons than commas (as Excel
/// writes with Vietnamese regional settings), else `,`.
pub fn csv_reader(bytes: &[u8]) -> csv::Reader<&[u8]> {
    let first = bytes
        .split(|b| *b == b'\n')
        .find(|l| l.iter().any(|b| !b.is_ascii_whitespace()))
        .unwrap_or_default();
    let count = |c: u8| first.iter().filter(|b| **b == c).count();
    let delimiter = if count(b';') > count(b',') {
        b';'
    } else {
        b','
    };
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(bytes)
}
