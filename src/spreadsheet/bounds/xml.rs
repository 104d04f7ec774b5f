//! The tag scanner of an XLSX part: it reads the XML a chunk at a time, holding at most one
//! tag, and checks the cell positions of a sheet and the entries of the shared-string table as
//! they pass.

use super::{Bound, CheckError, Exceeded, Limits, MAX_TAG_BYTES};

/// A cell reference (`B7`, `$AB$12`) as 1-based (row, column); `None` when it is not one.
pub(super) fn cell_ref(s: &[u8]) -> Option<(u64, u64)> {
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
pub(super) fn attribute<'a>(tag: &'a [u8], name: &[u8]) -> Option<&'a [u8]> {
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

/// Bytes of XML as text, for messages.
fn text(v: &[u8]) -> String {
    String::from_utf8_lossy(v).into_owned()
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
pub(super) struct Scanner<'l> {
    limits: &'l Limits,
    name: String,
    /// Whether the part is read as a sheet (a `worksheet` or `sheetData` element was seen)
    /// or as a string table (an `sst` element): the spreadsheet library finds cells after
    /// `sheetData` and strings after `sst` whatever the root, so every part is scanned and
    /// both may hold.
    pub(super) sheet: bool,
    pub(super) string_table: bool,
    state: State,
    tag: Vec<u8>,
    tag_overflow: bool,
    /// The row and column of the last cell (1-based; 0 before the first).
    row: u64,
    col: u64,
    pub(super) max_row: u64,
    pub(super) max_col: u64,
    strings: u64,
    /// Cells covered by merged ranges (each is copied into every cell of its range).
    pub(super) merged: u64,
}

impl<'l> Scanner<'l> {
    pub(super) fn new(limits: &'l Limits, name: &str) -> Self {
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

    pub(super) fn feed(&mut self, chunk: &[u8]) -> Result<(), CheckError> {
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
        match local {
            b"dimension" => self.dimension(tag),
            b"row" => self.row_tag(tag),
            b"c" => self.cell(tag),
            b"mergeCell" => self.merge_cell(tag),
            b"sst" => self.string_table_tag(tag),
            b"si" => self.string(),
            _ => Ok(()),
        }
    }

    /// `<dimension ref="A1:H20">`: the range the sheet declares.
    fn dimension(&mut self, tag: &[u8]) -> Result<(), CheckError> {
        let Some(range) = attribute(tag, b"ref") else {
            return Ok(());
        };
        for part in range.split(|b| *b == b':') {
            let Some((row, col)) = cell_ref(part) else {
                return Err(self.unreadable(format!("vùng dữ liệu «{}» không hợp lệ", text(range))));
            };
            let found = format!("vùng dữ liệu khai báo {}", text(range));
            self.within(row, col, found)?;
        }
        Ok(())
    }

    /// `<row r="7">`: a row, numbered or the one after the last.
    fn row_tag(&mut self, tag: &[u8]) -> Result<(), CheckError> {
        self.row = match attribute(tag, b"r") {
            Some(r) => match std::str::from_utf8(r).ok().and_then(|r| r.parse().ok()) {
                Some(n) => n,
                None => return Err(self.unreadable(format!("số dòng «{}» không hợp lệ", text(r)))),
            },
            None => self.row.saturating_add(1),
        };
        self.col = 0;
        self.within(self.row, 1, format!("dòng {}", self.row))
    }

    /// `<c r="B7">`: a cell, at its reference or after the last.
    fn cell(&mut self, tag: &[u8]) -> Result<(), CheckError> {
        let (row, col) = match attribute(tag, b"r") {
            Some(r) => match cell_ref(r) {
                Some(p) => p,
                None => {
                    return Err(self.unreadable(format!("địa chỉ ô «{}» không hợp lệ", text(r))))
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
        self.within(row, col, found)
    }

    /// `<mergeCell ref="A1:C3">`: its corners are positions, its area is copied into cells.
    fn merge_cell(&mut self, tag: &[u8]) -> Result<(), CheckError> {
        let Some(range) = attribute(tag, b"ref") else {
            return Ok(());
        };
        let mut corners = Vec::new();
        for part in range.split(|b| *b == b':').take(2) {
            let Some((row, col)) = cell_ref(part) else {
                return Err(self.unreadable(format!("vùng gộp ô «{}» không hợp lệ", text(range))));
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
        Ok(())
    }

    /// `<sst uniqueCount="…">`: `uniqueCount` sizes the table; `count` is how often the
    /// strings are used.
    fn string_table_tag(&mut self, tag: &[u8]) -> Result<(), CheckError> {
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
        Ok(())
    }

    /// `<si>`: one more shared string.
    fn string(&mut self) -> Result<(), CheckError> {
        self.strings += 1;
        if self.strings > self.limits.shared_strings {
            return Err(Exceeded::new(
                Bound::SharedStrings,
                self.limits,
                format!("hơn {} chuỗi", self.limits.shared_strings),
            )
            .into());
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
