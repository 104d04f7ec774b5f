//! Spreadsheets crossing the service's edge: how large one read from outside may be
//! ([`bounds`], checked before anything is sized by the file), and cells written so that a
//! spreadsheet program never takes a text for a formula ([`cells`]).

pub mod bounds;
pub mod cells;
