//! The plumbing of the JSON Lines interchange shared by the per-feature writers
//! (`registry::write`, `procedures::write`) and the importer above them (`exchange`): how a
//! record's write ends ([`Outcome`], [`RecordError`]), a bad line's report ([`LineError`]),
//! and a reader of bounded lines ([`LineReader`]).

use std::io::BufRead;

use crate::db::DbError;

/// Longest line accepted (a whole law fits comfortably).
pub const MAX_LINE: usize = 8 * 1024 * 1024;

/// Why one record was not written: refused by the rules (reported with its line), or the
/// database failed.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    #[error("{0}")]
    Invalid(String),
    /// The record differs from what the registry holds (the names of the differing fields)
    /// and the write was not asked to update: nothing is written.
    #[error("xung đột với bản đang lưu: {}", .0.join(", "))]
    Conflict(Vec<&'static str>),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<diesel::result::Error> for RecordError {
    fn from(e: diesel::result::Error) -> Self {
        RecordError::Db(DbError::Query(e))
    }
}

impl From<crate::db::stored::Corrupt> for RecordError {
    fn from(e: crate::db::stored::Corrupt) -> Self {
        RecordError::Db(DbError::from(e))
    }
}

/// A refusal with its message.
pub fn invalid<T>(msg: impl Into<String>) -> Result<T, RecordError> {
    Err(RecordError::Invalid(msg.into()))
}

/// What writing one record did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Created,
    Updated,
    Unchanged,
}

/// A line that was not written, or written with a warning: `file:line: reason`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for LineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}

/// Reads lines of at most `max` bytes; a longer line is skipped to its end and reported,
/// without ever holding more than `max` bytes of it.
pub struct LineReader<R> {
    inner: R,
    max: usize,
    line: usize,
    pub bytes_read: u64,
}

pub enum RawLine {
    Bytes(Vec<u8>),
    TooLong(usize),
}

impl<R: BufRead> LineReader<R> {
    pub fn new(inner: R, max: usize) -> Self {
        LineReader {
            inner,
            max,
            line: 0,
            bytes_read: 0,
        }
    }

    /// The next line (without its newline) and its 1-based number.
    pub fn next_line(&mut self) -> std::io::Result<Option<(usize, RawLine)>> {
        let mut buf = Vec::new();
        let mut len = 0usize;
        let mut too_long = false;
        let mut any = false;
        loop {
            let chunk = self.inner.fill_buf()?;
            if chunk.is_empty() {
                break;
            }
            any = true;
            let (take, done) = match chunk.iter().position(|b| *b == b'\n') {
                Some(i) => (i + 1, true),
                None => (chunk.len(), false),
            };
            let content = if done {
                &chunk[..take - 1]
            } else {
                &chunk[..take]
            };
            len += content.len();
            if len > self.max {
                too_long = true;
                buf = Vec::new();
            } else if !too_long {
                buf.extend_from_slice(content);
            }
            self.inner.consume(take);
            self.bytes_read += take as u64;
            if done {
                break;
            }
        }
        if !any {
            return Ok(None);
        }
        self.line += 1;
        if buf.last() == Some(&b'\r') {
            buf.pop();
        }
        Ok(Some((
            self.line,
            if too_long {
                RawLine::TooLong(len)
            } else {
                RawLine::Bytes(buf)
            },
        )))
    }
}

impl<R> LineReader<R> {
    /// The number of the last line read (0 before the first).
    pub fn line(&self) -> usize {
        self.line
    }
}
