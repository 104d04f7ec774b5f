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

use std::collections::{HashMap, HashSet};

use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;

use super::campaigns;
use super::decisions::{self, Decision, DecisionError, Person, Proposal, StageInput};
use crate::db::{queries, Db, DbError};
use crate::domain::number::DocumentNumber;
use crate::domain::review::{DecisionKind, DecisionState, ExpiryGround, Stage};
use crate::domain::structure::{display_reference, parse_reference};
use crate::domain::text::{date_in_text, date_vn, fold, nfc, parse_date_vn};
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
    fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.trim().to_string(),
            Cell::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
            Cell::Number(n) => n.to_string(),
            Cell::Date(d) => date_vn(*d),
        }
    }

    fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }

    /// A date cell, a date typed as text, or an Excel serial number left in a general cell.
    fn date(&self) -> Result<Option<NaiveDate>, String> {
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
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(bytes);
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

/// The columns of a register.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Column {
    Ordinal,
    Document,
    Title,
    Kind,
    Provisions,
    Reason,
    Ground,
    ExpiryDate,
    Agency,
    Officer,
    State,
    Approver,
    StageDate(Stage),
    StagePaper(Stage),
    Handling,
}

impl Column {
    /// The header written on export (and read back).
    pub fn label(self) -> String {
        match self {
            Column::Ordinal => "STT".into(),
            Column::Document => "Văn bản".into(),
            Column::Title => "Trích yếu".into(),
            Column::Kind => "Kết quả rà soát".into(),
            Column::Provisions => "Điều, khoản".into(),
            Column::Reason => "Lý do".into(),
            Column::Ground => "Căn cứ hết hiệu lực".into(),
            Column::ExpiryDate => "Ngày hết hiệu lực".into(),
            Column::Agency => "Cơ quan chủ trì soạn thảo".into(),
            Column::Officer => "Cán bộ đề xuất".into(),
            Column::State => "Trạng thái".into(),
            Column::Approver => "Người phê duyệt".into(),
            Column::StageDate(s) => format!("{} — ngày", s.label()),
            Column::StagePaper(s) => format!("{} — văn bản", s.label()),
            Column::Handling => "Văn bản xử lý".into(),
        }
    }

    /// Every column, in export order.
    pub fn all() -> Vec<Column> {
        let mut v = vec![
            Column::Ordinal,
            Column::Document,
            Column::Title,
            Column::Kind,
            Column::Provisions,
            Column::Reason,
            Column::Ground,
            Column::ExpiryDate,
            Column::Agency,
            Column::Officer,
            Column::State,
            Column::Approver,
        ];
        for &s in Stage::ALL {
            v.push(Column::StageDate(s));
            v.push(Column::StagePaper(s));
        }
        v.push(Column::Handling);
        v
    }
}

/// Lower-case, unaccented words of a label: "Thẩm định — Ngày" → "tham dinh ngay".
fn words(s: &str) -> String {
    fold(&nfc(s))
        .to_lowercase()
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

const STAGE_NAMES: &[(Stage, &[&str])] = &[
    (
        Stage::Registered,
        &[
            "dang ky xay dung van ban",
            "dang ky xay dung",
            "dang ky soan thao",
            "dang ky",
        ],
    ),
    (Stage::Consultation, &["lay y kien"]),
    (Stage::Appraisal, &["tham dinh"]),
    (Stage::Submitted, &["trinh ban hanh", "trinh"]),
    (
        Stage::Issued,
        &[
            "da ban hanh van ban xu ly",
            "ban hanh van ban xu ly",
            "da ban hanh",
            "ban hanh",
        ],
    ),
];

const DATE_WORDS: &[&str] = &["ngay", "ngay thuc hien", "ngay hoan thanh", "thoi gian"];
const PAPER_WORDS: &[&str] = &[
    "van ban",
    "so van ban",
    "so ngay van ban",
    "so ky hieu",
    "cong van",
    "giay to",
];
const GROUP_WORDS: &[&str] = &[
    "tinh hinh xu ly",
    "tien do xu ly",
    "qua trinh xu ly",
    "ket qua xu ly",
];

/// Which column a header label names, if any.
pub fn classify(label: &str) -> Option<Column> {
    let mut w = words(label);
    for g in GROUP_WORDS {
        if let Some(rest) = w.strip_prefix(&format!("{g} ")) {
            w = rest.to_string();
        }
    }
    let w = w.as_str();
    let exact = |names: &[&str]| names.contains(&w);
    if exact(&["stt", "tt", "so tt", "so thu tu"]) {
        return Some(Column::Ordinal);
    }
    if exact(&[
        "van ban xu ly",
        "ten van ban xu ly",
        "so ky hieu van ban xu ly",
        "van ban sua doi thay the bai bo",
    ]) {
        return Some(Column::Handling);
    }
    if exact(&[
        "van ban",
        "ten van ban",
        "van ban duoc ra soat",
        "so ky hieu",
        "so ky hieu van ban",
    ]) || w.starts_with("ten loai")
    {
        return Some(Column::Document);
    }
    if exact(&["trich yeu", "trich yeu noi dung", "ten goi"]) {
        return Some(Column::Title);
    }
    if exact(&[
        "ket qua ra soat",
        "hinh thuc xu ly",
        "kien nghi xu ly",
        "hinh thuc xu ly kien nghi",
        "de xuat xu ly",
        "kien nghi hinh thuc xu ly",
    ]) {
        return Some(Column::Kind);
    }
    if exact(&[
        "dieu khoan",
        "dieu khoan diem",
        "dieu khoan can xu ly",
        "noi dung can xu ly",
        "pham vi xu ly",
    ]) {
        return Some(Column::Provisions);
    }
    if exact(&[
        "ly do",
        "ly do xu ly",
        "ly do kien nghi",
        "noi dung ly do",
        "noi dung ly do kien nghi",
        "noi dung ly do ra soat",
    ]) {
        return Some(Column::Reason);
    }
    if exact(&["can cu het hieu luc", "ly do het hieu luc"]) {
        return Some(Column::Ground);
    }
    if exact(&[
        "ngay het hieu luc",
        "thoi diem het hieu luc",
        "het hieu luc tu ngay",
    ]) {
        return Some(Column::ExpiryDate);
    }
    if exact(&[
        "co quan chu tri soan thao",
        "co quan soan thao",
        "co quan chu tri",
    ]) {
        return Some(Column::Agency);
    }
    if exact(&[
        "can bo de xuat",
        "can bo ra soat",
        "nguoi ra soat",
        "can bo phu trach",
        "nguoi de xuat",
    ]) {
        return Some(Column::Officer);
    }
    if exact(&["trang thai", "tinh trang"]) {
        return Some(Column::State);
    }
    if exact(&["nguoi phe duyet", "lanh dao phe duyet", "nguoi duyet"]) {
        return Some(Column::Approver);
    }
    for (stage, names) in STAGE_NAMES {
        for n in *names {
            let Some(rest) = w.strip_prefix(n) else {
                continue;
            };
            let rest = rest.trim();
            if DATE_WORDS.contains(&rest) {
                return Some(Column::StageDate(*stage));
            }
            if PAPER_WORDS.contains(&rest) {
                return Some(Column::StagePaper(*stage));
            }
        }
    }
    None
}

/// A problem in the file, by spreadsheet row (0 when it concerns the whole file).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct RowError {
    pub row: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    pub message: String,
}

fn row_error(row: usize, column: Option<Column>, message: impl Into<String>) -> RowError {
    RowError {
        row,
        column: column.map(Column::label),
        message: message.into(),
    }
}

/// Where each column is, and the rows that follow the header.
#[derive(Debug)]
pub struct Layout {
    pub columns: HashMap<Column, usize>,
    /// Header labels the register does not use (shown in the report).
    pub ignored: Vec<String>,
    /// Index in the grid of the first row after the header.
    pub body: usize,
}

/// Each column's index, header label and what it names.
type Labels = Vec<(usize, String, Option<Column>)>;

/// Finds the header: the first row naming the document column, read over one to three rows
/// (a group label merged over its sub-columns); the depth that recognises most columns wins.
pub fn layout(grid: &Grid) -> Result<Layout, Vec<RowError>> {
    let Some(start) = grid.iter().take(30).position(|(_, cells)| {
        cells
            .iter()
            .any(|c| classify(&c.text()) == Some(Column::Document))
    }) else {
        return Err(vec![row_error(
            0,
            None,
            "không tìm thấy dòng tiêu đề: cần một cột «Văn bản» (số, ký hiệu văn bản được rà soát) trong 30 dòng đầu",
        )]);
    };
    let width = grid.iter().map(|(_, c)| c.len()).max().unwrap_or(0);
    let mut best: Option<(usize, Labels)> = None;
    for depth in 1..=3 {
        if start + depth > grid.len() {
            break;
        }
        let mut labels = Vec::with_capacity(width);
        for col in 0..width {
            let mut parts: Vec<String> = Vec::new();
            for (_, cells) in &grid[start..start + depth] {
                let t = cells.get(col).map(Cell::text).unwrap_or_default();
                if !t.is_empty() && parts.last() != Some(&t) {
                    parts.push(t);
                }
            }
            let label = parts.join(" — ");
            let column = classify(&label);
            labels.push((col, label, column));
        }
        let recognised = labels.iter().filter(|l| l.2.is_some()).count();
        if best
            .as_ref()
            .is_none_or(|(_, b)| recognised > b.iter().filter(|l| l.2.is_some()).count())
        {
            best = Some((depth, labels));
        }
    }
    let Some((depth, labels)) = best else {
        return Err(vec![row_error(0, None, "tệp không có dòng tiêu đề")]);
    };
    let header_row = grid[start].0;
    let mut columns: HashMap<Column, usize> = HashMap::new();
    let mut errors = Vec::new();
    let mut ignored = Vec::new();
    for (col, label, column) in labels {
        match column {
            Some(c) => {
                if let Some(prev) = columns.insert(c, col) {
                    errors.push(row_error(
                        header_row,
                        Some(c),
                        format!(
                            "cột «{}» có hai lần (cột {} và cột {})",
                            c.label(),
                            letter(prev),
                            letter(col)
                        ),
                    ));
                }
            }
            None if !label.is_empty() => ignored.push(label),
            None => {}
        }
    }
    if !columns.contains_key(&Column::Kind) && !columns.contains_key(&Column::Officer) {
        errors.push(row_error(
            header_row,
            None,
            "thiếu cột «Kết quả rà soát» (hình thức xử lý) và cột «Cán bộ đề xuất»: không có gì để nhập",
        ));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut body = start + depth;
    // A row numbering the columns, "(1) (2) (3)…", often follows the header.
    if let Some((_, cells)) = grid.get(body) {
        let numbered: Vec<String> = cells
            .iter()
            .filter(|c| !c.is_empty())
            .map(|c| c.text().trim_matches(['(', ')']).to_string())
            .collect();
        if numbered.len() >= 3 && numbered.iter().all(|s| s.parse::<u32>().is_ok()) {
            body += 1;
        }
    }
    Ok(Layout {
        columns,
        ignored,
        body,
    })
}

/// Spreadsheet column letter of a 0-based index.
fn letter(mut col: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

/// A row's content, checked for shape (no database needed).
#[derive(Debug, Clone, PartialEq)]
pub struct RowInput {
    pub row: usize,
    pub document: DocumentNumber,
    pub kind: Option<DecisionKind>,
    /// "một phần" or "toàn bộ" written with the handling form.
    pub partial: Option<bool>,
    pub provisions: Vec<String>,
    pub reason: String,
    pub ground: Option<ExpiryGround>,
    pub expiry: Option<NaiveDate>,
    pub agency: Option<String>,
    pub officer: Option<String>,
    pub approver: Option<String>,
    pub stages: Vec<(Stage, NaiveDate, String)>,
    pub handling: Option<DocumentNumber>,
}

/// What a body row is.
#[derive(Debug)]
pub enum Line {
    Empty,
    /// A section heading ("I. Văn bản của HĐND huyện"): text only, no document number.
    Heading,
    Row(Box<RowInput>),
}

/// The first document number written in a cell ("Nghị quyết số 15/2018/NQ-HĐND ngày …").
pub fn number_in(text: &str) -> Option<DocumentNumber> {
    text.split_whitespace()
        .map(|t| t.trim_matches([',', ';', '.', '(', ')', ':']))
        .filter(|t| t.contains('/') || t.contains('-'))
        .find_map(|t| DocumentNumber::parse(t).ok())
}

/// Reads a handling form: the codes, the labels, and the words registers use.
pub fn parse_kind(text: &str) -> Option<DecisionKind> {
    let w = words(text);
    if let Some(k) = DecisionKind::ALL
        .iter()
        .find(|k| k.code() == text.trim() || words(k.label()) == w)
    {
        return Some(*k);
    }
    if w.contains("giu nguyen") {
        Some(DecisionKind::Keep)
    } else if w.contains("ngung hieu luc") || w.starts_with("ngung") {
        Some(DecisionKind::Suspend)
    } else if w.contains("het hieu luc") {
        Some(DecisionKind::DeclareExpired)
    } else if w.contains("thay the") {
        Some(DecisionKind::Replace)
    } else if w.contains("bai bo") {
        Some(DecisionKind::Repeal)
    } else if w.contains("sua doi") || w.contains("bo sung") {
        Some(DecisionKind::Amend)
    } else {
        None
    }
}

fn parse_ground(text: &str) -> Option<ExpiryGround> {
    let w = words(text);
    if let Some(g) = ExpiryGround::ALL
        .iter()
        .find(|g| g.code() == text.trim() || words(g.label()) == w)
    {
        return Some(*g);
    }
    if w.contains("thoi han") {
        Some(ExpiryGround::TermEnded)
    } else if w.contains("can cu") {
        Some(ExpiryGround::BasisLapsed)
    } else if w.contains("doi tuong") {
        Some(ExpiryGround::SubjectGone)
    } else {
        None
    }
}

/// Provisions as listed in a cell: "Điều 5; khoản 2 Điều 7", "toàn bộ" (none: the whole).
fn parse_provisions(text: &str) -> Result<Vec<String>, String> {
    let w = words(text);
    if w.is_empty()
        || ["toan bo", "toan van", "ca van ban", "toan bo van ban"].contains(&w.as_str())
    {
        return Ok(Vec::new());
    }
    let mut keys = Vec::new();
    for part in text.split([';', ',', '\n']) {
        let part = part.trim();
        let part = part.strip_prefix("và ").unwrap_or(part).trim();
        if part.is_empty() {
            continue;
        }
        keys.push(parse_reference(part).map_err(|e| e.to_string())?);
    }
    Ok(keys)
}

/// Reads one body row; each problem is named with its column.
pub fn parse_row(layout: &Layout, row: usize, cells: &[Cell]) -> Result<Line, Vec<RowError>> {
    if cells.iter().all(Cell::is_empty) {
        return Ok(Line::Empty);
    }
    let get = |c: Column| {
        layout
            .columns
            .get(&c)
            .and_then(|i| cells.get(*i))
            .unwrap_or(&Cell::Empty)
    };
    let text = |c: Column| nfc(&get(c).text());
    let opt = |c: Column| Some(text(c)).filter(|s| !s.is_empty());
    let doc_text = text(Column::Document);
    let Some(document) = number_in(&doc_text) else {
        // Section headings: one text (merged across the row) or only the ordinal and a name.
        let filled: Vec<String> = cells
            .iter()
            .filter(|c| !c.is_empty())
            .map(Cell::text)
            .collect();
        let same = filled.windows(2).all(|w| w[0] == w[1]);
        let decided = [Column::Kind, Column::Officer, Column::Handling]
            .iter()
            .any(|c| !get(*c).is_empty());
        if same || !decided {
            return Ok(Line::Heading);
        }
        let message = if doc_text.is_empty() {
            "thiếu văn bản được rà soát (số, ký hiệu)".to_string()
        } else {
            format!("không thấy số, ký hiệu văn bản trong «{doc_text}» (ví dụ: 15/2018/NQ-HĐND)")
        };
        return Err(vec![row_error(row, Some(Column::Document), message)]);
    };
    let mut errors = Vec::new();
    let kind = match opt(Column::Kind) {
        None => None,
        Some(k) => match parse_kind(&k) {
            Some(k) => Some(k),
            None => {
                errors.push(row_error(
                    row,
                    Some(Column::Kind),
                    format!(
                        "hình thức xử lý «{k}» không rõ: ghi một trong {}",
                        DecisionKind::ALL
                            .iter()
                            .map(|k| format!("«{}»", k.label()))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ));
                None
            }
        },
    };
    let provisions = parse_provisions(&text(Column::Provisions)).unwrap_or_else(|e| {
        errors.push(row_error(row, Some(Column::Provisions), e));
        Vec::new()
    });
    let ground = opt(Column::Ground).and_then(|g| {
        let parsed = parse_ground(&g);
        if parsed.is_none() {
            errors.push(row_error(
                row,
                Some(Column::Ground),
                format!(
                    "căn cứ hết hiệu lực «{g}» không rõ: ghi một trong {}",
                    ExpiryGround::ALL
                        .iter()
                        .map(|g| format!("«{}»", g.label()))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
        parsed
    });
    let date_of = |c: Column, errors: &mut Vec<RowError>| match get(c).date() {
        Ok(d) => d,
        Err(e) => {
            errors.push(row_error(row, Some(c), e));
            None
        }
    };
    let expiry = date_of(Column::ExpiryDate, &mut errors);
    let mut stages = Vec::new();
    for &s in Stage::ALL {
        let date = date_of(Column::StageDate(s), &mut errors);
        let paper = text(Column::StagePaper(s));
        let date = date.or_else(|| date_in_text(&paper));
        match (date, paper.is_empty()) {
            (None, true) => {}
            (Some(d), false) => stages.push((s, d, paper)),
            (Some(_), true) => errors.push(row_error(
                row,
                Some(Column::StagePaper(s)),
                format!(
                    "giai đoạn «{}» có ngày nhưng thiếu số, ngày của văn bản (ví dụ: Công văn số 2170/STP-XDTHPL ngày 02/10/2025)",
                    s.label()
                ),
            )),
            (None, false) => errors.push(row_error(
                row,
                Some(Column::StageDate(s)),
                format!("giai đoạn «{}» thiếu ngày thực hiện", s.label()),
            )),
        }
    }
    let handling = match opt(Column::Handling) {
        None => None,
        Some(h) => {
            let n = number_in(&h);
            if n.is_none() {
                errors.push(row_error(
                    row,
                    Some(Column::Handling),
                    format!("không thấy số, ký hiệu văn bản xử lý trong «{h}»"),
                ));
            }
            n
        }
    };
    if kind.is_none() && (!stages.is_empty() || handling.is_some()) && errors.is_empty() {
        errors.push(row_error(
            row,
            Some(Column::Kind),
            "có giai đoạn xử lý hoặc văn bản xử lý nhưng chưa ghi hình thức xử lý",
        ));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let form = words(&text(Column::Kind));
    let partial = if form.contains("mot phan") {
        Some(true)
    } else if form.contains("toan bo") {
        Some(false)
    } else {
        None
    };
    Ok(Line::Row(Box::new(RowInput {
        row,
        document,
        kind,
        partial,
        provisions,
        reason: text(Column::Reason),
        ground,
        expiry,
        agency: opt(Column::Agency),
        officer: opt(Column::Officer),
        approver: opt(Column::Approver),
        stages,
        handling,
    })))
}

/// Who imports: their person (id, audit name, scope). Whatever the file says about who
/// proposed or approved, every proposal an import writes is this person's own act, and an
/// import never approves (the two-person rule: approvals happen only in the application, by
/// the approver).
#[derive(Debug, Clone)]
pub struct Importer {
    pub person: Person,
}

/// What the import did (or, for a check, would do).
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct Report {
    pub campaign_id: i64,
    pub dry_run: bool,
    pub rows: usize,
    pub empty_rows: usize,
    pub headings: usize,
    pub unchanged: usize,
    pub assigned: usize,
    pub proposed: usize,
    pub stages: usize,
    pub closed: usize,
    pub ignored_columns: Vec<String>,
    pub changes: Vec<RowChange>,
    /// What the import left aside, by row: an approver named in the file (approvals are never
    /// imported), a proposer other than the importer, a returned proposal written again.
    pub warnings: Vec<RowError>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RowChange {
    pub row: usize,
    pub document: String,
    pub actions: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{0}")]
    File(#[from] FileError),
    #[error("không có đợt rà soát số {0}")]
    NoCampaign(i64),
    #[error("đợt rà soát chưa bắt đầu: chưa có danh sách văn bản")]
    NotStarted,
    /// Rows in error: nothing was written.
    #[error("{} dòng có lỗi; không có gì được ghi", .0.len())]
    Rows(Vec<RowError>),
    /// A check only: everything was undone on purpose.
    #[error("kiểm tra xong")]
    DryRun(Box<Report>),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<diesel::result::Error> for ImportError {
    fn from(e: diesel::result::Error) -> Self {
        ImportError::Db(DbError::Query(e))
    }
}

/// A user as a register names them: by display name or user name.
#[derive(Debug, Clone)]
struct Named {
    id: i64,
    display_name: String,
    role: String,
}

fn people(db: &mut Db<'_>) -> Result<HashMap<String, Vec<Named>>, DbError> {
    let mut out: HashMap<String, Vec<Named>> = HashMap::new();
    for u in crate::auth::users::rows(db)? {
        if u.disabled {
            continue;
        }
        let n = Named {
            id: u.id,
            display_name: u.display_name.clone(),
            role: u.role.clone(),
        };
        out.entry(words(&u.display_name))
            .or_default()
            .push(n.clone());
        let by_login = out.entry(words(&u.username)).or_default();
        if !by_login.iter().any(|x| x.id == n.id) {
            by_login.push(n);
        }
    }
    Ok(out)
}

fn find_person<'a>(
    people: &'a HashMap<String, Vec<Named>>,
    name: &str,
    roles: &[&str],
    what: &str,
) -> Result<&'a Named, String> {
    match people.get(&words(name)).map(Vec::as_slice) {
        None | Some([]) => Err(format!("không có tài khoản nào tên «{name}»")),
        Some([one]) if roles.contains(&one.role.as_str()) => Ok(one),
        Some([one]) => Err(format!("«{}» không phải {what}", one.display_name)),
        Some(_) => Err(format!(
            "có nhiều tài khoản tên «{name}»: ghi tên đăng nhập thay cho họ tên"
        )),
    }
}

/// Registry documents with a number, by number key.
fn documents_numbered(db: &mut Db<'_>, key: &str) -> Result<Vec<i64>, DbError> {
    use crate::db::schema::documents;
    use diesel::prelude::*;
    Ok(crate::with_db!(db, c => documents::table
        .filter(documents::number_key.eq(key))
        .select(documents::id)
        .load(c))?)
}

fn same_decision(d: &Decision, kind: DecisionKind, provisions: &[String]) -> bool {
    let a: HashSet<&String> = d.provisions.iter().collect();
    let b: HashSet<&String> = provisions.iter().collect();
    d.kind == kind && a == b
}

/// Why a row's savepoint is undone: the row is refused, or the database failed.
enum RowFail {
    Row(RowError),
    Fatal(ImportError),
}

impl From<ImportError> for RowFail {
    fn from(e: ImportError) -> Self {
        RowFail::Fatal(e)
    }
}

impl From<DbError> for RowFail {
    fn from(e: DbError) -> Self {
        RowFail::Fatal(ImportError::Db(e))
    }
}

impl From<diesel::result::Error> for RowFail {
    fn from(e: diesel::result::Error) -> Self {
        RowFail::Fatal(e.into())
    }
}

fn decision_message(e: DecisionError) -> Result<String, ImportError> {
    match e {
        DecisionError::Db(e) => Err(ImportError::Db(e)),
        other => Ok(other.to_string()),
    }
}

/// Imports a register into a started campaign, inside the caller's write transaction: every
/// row is checked and applied in order; if any row is wrong, the error lists them all and the
/// caller's transaction is rolled back. With `dry_run`, a full report is returned as
/// [`ImportError::DryRun`] so that the caller rolls back.
pub fn import(
    db: &mut Db<'_>,
    who: &Importer,
    campaign: i64,
    grids: &[Grid],
    dry_run: bool,
    now: NaiveDateTime,
) -> Result<Report, ImportError> {
    let Some(c) = campaigns::get(db, campaign)? else {
        return Err(ImportError::NoCampaign(campaign));
    };
    if c.started_on.is_none() {
        return Err(ImportError::NotStarted);
    }
    // The first sheet with a recognisable header.
    let mut first_error = None;
    let mut found = None;
    for g in grids {
        match layout(g) {
            Ok(l) => {
                found = Some((g, l));
                break;
            }
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    let Some((grid, layout)) = found else {
        return Err(ImportError::Rows(first_error.unwrap_or_default()));
    };
    let mut report = Report {
        campaign_id: campaign,
        dry_run,
        ignored_columns: layout.ignored.clone(),
        ..Report::default()
    };
    let mut errors: Vec<RowError> = Vec::new();
    let mut inputs = Vec::new();
    for (row, cells) in &grid[layout.body..] {
        match parse_row(&layout, *row, cells) {
            Ok(Line::Empty) => report.empty_rows += 1,
            Ok(Line::Heading) => report.headings += 1,
            Ok(Line::Row(r)) => inputs.push(*r),
            Err(e) => errors.extend(e),
        }
    }
    report.rows = inputs.len() + errors.iter().map(|e| e.row).collect::<HashSet<_>>().len();

    // The campaign's documents by number.
    let docs = campaigns::documents(db, campaign)?;
    let mut by_key: HashMap<String, Vec<(i64, String)>> = HashMap::new();
    for s in queries::summaries_by_ids(db, &docs)? {
        if let Ok(n) = DocumentNumber::parse(&s.number) {
            by_key
                .entry(n.key())
                .or_default()
                .push((s.id, format!("{} {}", s.doc_type, s.number)));
        }
    }
    let people = people(db)?;
    let assigned: HashMap<i64, Option<i64>> =
        campaigns::assignments(db, campaign)?.into_iter().collect();
    let mut current = decisions::current(decisions::of_campaign(db, campaign)?);
    let mut seen: HashMap<i64, usize> = HashMap::new();

    for input in &inputs {
        let row = input.row;
        let err = |column: Option<Column>, m: String| row_error(row, column, m);
        let (document, label) = match by_key.get(&input.document.key()).map(Vec::as_slice) {
            Some([(id, label)]) => (*id, label.clone()),
            Some(_) => {
                errors.push(err(
                    Some(Column::Document),
                    format!(
                        "nhiều văn bản của đợt mang số {}; không xác định được văn bản",
                        input.document.as_str()
                    ),
                ));
                continue;
            }
            None => {
                errors.push(err(
                    Some(Column::Document),
                    format!(
                        "văn bản {} không thuộc danh sách rà soát của đợt này",
                        input.document.as_str()
                    ),
                ));
                continue;
            }
        };
        if let Some(prev) = seen.insert(document, row) {
            errors.push(err(
                Some(Column::Document),
                format!("văn bản {label} đã có ở dòng {prev}: mỗi văn bản một dòng"),
            ));
            continue;
        }
        let officer = match &input.officer {
            None => None,
            Some(name) => {
                match find_person(&people, name, &["officer", "admin"], "cán bộ pháp chế") {
                    Ok(p) => Some(p.clone()),
                    Err(m) => {
                        errors.push(err(Some(Column::Officer), m));
                        continue;
                    }
                }
            }
        };
        let mut actions = Vec::new();
        let mut notes: Vec<RowError> = Vec::new();
        // Each row in its own savepoint, so that a refused row leaves nothing behind and the
        // following rows are still checked.
        let outcome = db.savepoint(|db| -> Result<(), RowFail> {
            if let Some(o) = &officer {
                if assigned.get(&document).copied().flatten() != Some(o.id) {
                    match campaigns::assign_as(db, &who.person, campaign, &[document], Some(o.id)) {
                        Ok(_) => actions.push(format!("phân công cho {}", o.display_name)),
                        Err(campaigns::CampaignError::Db(e)) => return Err(ImportError::Db(e).into()),
                        Err(e) => return Err(RowFail::Row(err(Some(Column::Officer), e.to_string()))),
                    }
                }
            }
            let Some(kind) = input.kind else {
                return Ok(());
            };
            let mut d = match current.get(&document) {
                Some(d)
                    if d.state != DecisionState::Returned
                        && same_decision(d, kind, &input.provisions) =>
                {
                    d.clone()
                }
                Some(d) if d.state == DecisionState::Proposed => {
                    return Err(RowFail::Row(err(
                        Some(Column::Kind),
                        format!(
                            "văn bản đang có đề xuất số {} («{}») chờ phê duyệt, khác với dòng này; hãy phê duyệt hoặc trả lại đề xuất đó trước",
                            d.id,
                            d.kind.label()
                        ),
                    )))
                }
                Some(d) if d.state != DecisionState::Returned => {
                    return Err(RowFail::Row(err(
                        Some(Column::Kind),
                        format!(
                            "khác với quyết định số {} đã phê duyệt («{}»): quyết định đã phê duyệt không sửa được bằng sổ; hãy lập đính chính trên trang đợt rà soát",
                            d.id,
                            d.kind.label()
                        ),
                    )))
                }
                // The register exported after a return still shows the returned proposal: read
                // back, it must not propose it again (in anyone's name) as if nothing happened.
                Some(d) if same_decision(d, kind, &input.provisions) => {
                    notes.push(err(
                        Some(Column::Kind),
                        format!(
                            "đề xuất số {} («{}») đã bị trả lại; dòng được giữ nguyên: hãy sửa và đề xuất lại trên trang đợt rà soát, hoặc ghi hình thức xử lý khác",
                            d.id,
                            d.kind.label()
                        ),
                    ));
                    return Ok(());
                }
                _ => {
                    // The proposal is the importer's own act, whoever the file names.
                    if let Some(o) = officer.as_ref().filter(|o| o.id != who.person.id) {
                        notes.push(err(
                            Some(Column::Officer),
                            format!(
                                "đề xuất được ghi là của người nhập sổ, không phải của «{}»: cột «Cán bộ đề xuất» chỉ dùng để phân công",
                                o.display_name
                            ),
                        ));
                    }
                    let proposal = Proposal {
                        document_id: document,
                        kind: kind.code().into(),
                        partial: input.partial,
                        provisions: input.provisions.clone(),
                        ground: input.ground.map(|g| g.code().to_string()),
                        reason: if input.reason.is_empty() {
                            "(theo sổ theo dõi rà soát)".into()
                        } else {
                            input.reason.clone()
                        },
                        legal_basis_document_id: None,
                        legal_basis_provision: None,
                        effective_on: input.expiry,
                        supersedes_id: None,
                    };
                    let id = match decisions::propose(db, &who.person, campaign, &proposal, now) {
                        Ok(id) => id,
                        Err(e) => return Err(RowFail::Row(err(Some(Column::Kind), decision_message(e)?))),
                    };
                    actions.push(format!(
                        "đề xuất «{}»{} (quyết định số {id})",
                        kind.label(),
                        if input.provisions.is_empty() {
                            String::new()
                        } else {
                            format!(
                                " đối với {}",
                                input
                                    .provisions
                                    .iter()
                                    .map(|k| display_reference(k))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            )
                        }
                    ));
                    report.proposed += 1;
                    match decisions::get(db, id)? {
                        Some(d) => d,
                        None => return Err(ImportError::Db(DbError::Query(diesel::result::Error::NotFound)).into()),
                    }
                }
            };
            let recorded = decisions::stages(db, d.id)?;
            for (i, (stage, date, paper)) in input.stages.iter().enumerate() {
                if let Some(r) = recorded.iter().find(|r| r.stage == *stage) {
                    if r.done_on != *date || words(&r.paper) != words(paper) {
                        return Err(RowFail::Row(err(
                            Some(Column::StageDate(*stage)),
                            format!(
                                "giai đoạn «{}» đã ghi ngày {} ({}), khác với dòng này",
                                stage.label(),
                                date_vn(r.done_on),
                                r.paper
                            ),
                        )));
                    }
                    continue;
                }
                let stage_input = StageInput {
                    stage: stage.code().into(),
                    date: *date,
                    paper: paper.clone(),
                    agency: if i == 0 { input.agency.clone() } else { None },
                    planned_on: None,
                };
                d = match decisions::record_stage(db, &who.person, d.id, &stage_input, None, now) {
                    Ok(d) => d,
                    Err(e) => {
                        return Err(RowFail::Row(err(Some(Column::StageDate(*stage)), decision_message(e)?)))
                    }
                };
                actions.push(format!("ghi giai đoạn «{}» ngày {}", stage.label(), date_vn(*date)));
                report.stages += 1;
            }
            if let Some(h) = &input.handling {
                let candidates = documents_numbered(db, &h.key())?;
                if d.handling_document_id.is_some_and(|x| candidates.contains(&x)) {
                    // Already closed with it.
                } else {
                    let acting: Vec<i64> = candidates
                        .iter()
                        .copied()
                        .filter(|c| *c != document)
                        .collect();
                    let handling = match acting.as_slice() {
                        [] => {
                            return Err(RowFail::Row(err(
                                Some(Column::Handling),
                                format!("văn bản xử lý {} chưa có trong cơ sở dữ liệu; hãy nhập văn bản cùng tác động của nó trước", h.as_str()),
                            )))
                        }
                        [one] => *one,
                        many => {
                            let mut with_effect = Vec::new();
                            for m in many {
                                if queries::effects_by(db, *m)?.iter().any(|e| e.target_id == document) {
                                    with_effect.push(*m);
                                }
                            }
                            match with_effect.as_slice() {
                                [one] => *one,
                                _ => {
                                    return Err(RowFail::Row(err(
                                        Some(Column::Handling),
                                        format!("nhiều văn bản mang số {}; không xác định được văn bản xử lý", h.as_str()),
                                    )))
                                }
                            }
                        }
                    };
                    d = match decisions::close(db, &who.person, d.id, handling, None, now) {
                        Ok(d) => d,
                        Err(e) => return Err(RowFail::Row(err(Some(Column::Handling), decision_message(e)?))),
                    };
                    actions.push(format!("đóng hồ sơ với văn bản xử lý {}", h.as_str()));
                    report.closed += 1;
                }
            }
            current.insert(document, d);
            Ok(())
        });
        match outcome {
            Ok(()) => {}
            Err(RowFail::Row(e)) => {
                errors.push(e);
                continue;
            }
            Err(RowFail::Fatal(e)) => return Err(e),
        }
        if let Some(name) = &input.approver {
            // An approver written in the file is never imported; the export's own column (the
            // approver the application recorded) reads back without a warning.
            let recorded = current
                .get(&document)
                .filter(|d| d.state != DecisionState::Returned)
                .and_then(|d| d.decided_by);
            let same = people
                .get(&words(name))
                .is_some_and(|ps| ps.iter().any(|p| Some(p.id) == recorded));
            if !same {
                notes.push(err(
                    Some(Column::Approver),
                    format!(
                        "«{name}» không được ghi là người phê duyệt: việc phê duyệt chỉ thực hiện trên hệ thống, do chính người phê duyệt"
                    ),
                ));
            }
        }
        report.warnings.extend(notes);
        if actions.is_empty() {
            report.unchanged += 1;
        } else {
            report.changes.push(RowChange {
                row,
                document: label,
                actions,
            });
        }
    }
    report.assigned = report
        .changes
        .iter()
        .filter(|c| c.actions.iter().any(|a| a.starts_with("phân công")))
        .count();
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.row);
        return Err(ImportError::Rows(errors));
    }
    if dry_run {
        return Err(ImportError::DryRun(Box::new(report)));
    }
    Ok(report)
}

/// A header and its rows.
pub type Table = (Vec<String>, Vec<Vec<String>>);

/// The campaign's register in the shape [`import`] reads back: one row per document of the
/// campaign, its current decision, handling stages and handling document. `None` when there
/// is no such campaign.
pub fn export(db: &mut Db<'_>, campaign: i64) -> Result<Option<Table>, DbError> {
    if campaigns::get(db, campaign)?.is_none() {
        return Ok(None);
    }
    let docs = campaigns::documents(db, campaign)?;
    let latest = decisions::current(decisions::of_campaign(db, campaign)?);
    let names: HashMap<i64, String> = crate::auth::users::rows(db)?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect();
    let assigned: HashMap<i64, Option<i64>> =
        campaigns::assignments(db, campaign)?.into_iter().collect();
    let summaries: HashMap<i64, crate::db::models::DocumentSummary> =
        queries::summaries_by_ids(db, &docs)?
            .into_iter()
            .map(|s| (s.id, s))
            .collect();
    let columns = Column::all();
    let header = columns.iter().map(|c| c.label()).collect();
    let mut rows = Vec::with_capacity(docs.len());
    for (i, doc) in docs.iter().enumerate() {
        let Some(s) = summaries.get(doc) else {
            continue;
        };
        let d = latest.get(doc);
        let stages = match d {
            Some(d) => decisions::stages(db, d.id)?,
            None => Vec::new(),
        };
        let handling = match d.and_then(|d| d.handling_document_id) {
            Some(h) => queries::document(db, h)?
                .map(|h| format!("{} {}", h.doc_type, h.number))
                .unwrap_or_default(),
            None => String::new(),
        };
        let officer = d
            .map(|d| d.proposed_by)
            .or_else(|| assigned.get(doc).copied().flatten());
        let row = columns
            .iter()
            .map(|c| match c {
                Column::Ordinal => (i + 1).to_string(),
                Column::Document => format!("{} {}", s.doc_type, s.number),
                Column::Title => s.title.clone(),
                Column::Kind => d.map_or("", |d| d.kind.label()).to_string(),
                Column::Provisions => d
                    .map(|d| {
                        d.provisions
                            .iter()
                            .map(|k| display_reference(k))
                            .collect::<Vec<_>>()
                            .join("; ")
                    })
                    .unwrap_or_default(),
                Column::Reason => d.map(|d| d.reason.clone()).unwrap_or_default(),
                Column::Ground => d
                    .and_then(|d| d.ground)
                    .map_or("", |g| g.label())
                    .to_string(),
                Column::ExpiryDate => d
                    .filter(|d| d.kind == DecisionKind::DeclareExpired)
                    .and_then(|d| d.effective_on)
                    .map(date_vn)
                    .unwrap_or_default(),
                Column::Agency => stages
                    .iter()
                    .find_map(|x| x.agency.clone())
                    .unwrap_or_default(),
                Column::Officer => officer
                    .and_then(|u| names.get(&u).cloned())
                    .unwrap_or_default(),
                Column::State => d.map_or("Chưa rà soát", |d| d.state.label()).to_string(),
                Column::Approver => d
                    .filter(|d| d.state != DecisionState::Returned)
                    .and_then(|d| d.decided_by)
                    .and_then(|u| names.get(&u).cloned())
                    .unwrap_or_default(),
                Column::StageDate(st) => stages
                    .iter()
                    .find(|x| x.stage == *st)
                    .map(|x| date_vn(x.done_on))
                    .unwrap_or_default(),
                Column::StagePaper(st) => stages
                    .iter()
                    .find(|x| x.stage == *st)
                    .map(|x| x.paper.clone())
                    .unwrap_or_default(),
                Column::Handling => handling.clone(),
            })
            .collect();
        rows.push(row);
    }
    Ok(Some((header, rows)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Cell {
        if s.is_empty() {
            Cell::Empty
        } else {
            Cell::Text(s.to_string())
        }
    }

    fn grid(rows: &[&[&str]]) -> Grid {
        rows.iter()
            .enumerate()
            .map(|(i, r)| (i + 1, r.iter().map(|s| t(s)).collect()))
            .collect()
    }

    #[test]
    fn every_exported_header_reads_back_as_its_column() {
        for c in Column::all() {
            assert_eq!(classify(&c.label()), Some(c), "{}", c.label());
        }
    }

    #[test]
    fn headers_as_departments_write_them() {
        for (label, column) in [
            (
                "Tên loại, số, ký hiệu, ngày tháng năm ban hành văn bản",
                Column::Document,
            ),
            ("Hình thức xử lý", Column::Kind),
            ("Nội dung cần xử lý", Column::Provisions),
            ("Cơ quan chủ trì soạn thảo", Column::Agency),
            (
                "Tình hình xử lý — Thẩm định — Ngày",
                Column::StageDate(Stage::Appraisal),
            ),
            (
                "Lấy ý kiến — Số, ngày văn bản",
                Column::StagePaper(Stage::Consultation),
            ),
            ("TRÌNH BAN HÀNH — NGÀY", Column::StageDate(Stage::Submitted)),
            ("Văn bản xử lý", Column::Handling),
        ] {
            assert_eq!(classify(label), Some(column), "{label}");
        }
        assert_eq!(classify("Ghi chú"), None);
        assert_eq!(
            classify("Thẩm định"),
            None,
            "a group without its sub-column"
        );
    }

    #[test]
    fn a_two_row_header_with_merged_groups_is_read_over_both_rows() {
        // As read_xlsx leaves it: merged cells repeat their value.
        let g = grid(&[
            &["SỔ THEO DÕI", "SỔ THEO DÕI", "SỔ THEO DÕI", "SỔ THEO DÕI"],
            &[],
            &[
                "STT",
                "Văn bản",
                "Thẩm định",
                "Thẩm định",
                "Hình thức xử lý",
            ],
            &["STT", "Văn bản", "Ngày", "Văn bản", "Hình thức xử lý"],
            &["(1)", "(2)", "(3)", "(4)", "(5)"],
            &["1", "15/2018/NQ-HĐND", "02/10/2025", "BC 1", "Bãi bỏ"],
        ]);
        let l = layout(&g).unwrap();
        assert_eq!(l.columns[&Column::Document], 1);
        assert_eq!(l.columns[&Column::StageDate(Stage::Appraisal)], 2);
        assert_eq!(l.columns[&Column::StagePaper(Stage::Appraisal)], 3);
        assert_eq!(l.columns[&Column::Kind], 4);
        assert_eq!(l.body, 5, "the column numbers are skipped");
    }

    #[test]
    fn a_header_without_the_document_column_or_twice_a_column_is_refused() {
        let e = layout(&grid(&[&["Họ tên", "Tuổi"], &["A", "3"]])).unwrap_err();
        assert!(e[0].message.contains("không tìm thấy dòng tiêu đề"));
        let e = layout(&grid(&[&["Văn bản", "Hình thức xử lý", "Kết quả rà soát"]])).unwrap_err();
        assert_eq!(e[0].row, 1);
        assert!(e[0].message.contains("cột B và cột C"), "{}", e[0].message);
        let e = layout(&grid(&[&["Văn bản", "Trích yếu"]])).unwrap_err();
        assert!(e[0].message.contains("thiếu cột"));
    }

    #[test]
    fn rows_empty_headings_and_documents() {
        let g = grid(&[&["Văn bản", "Kết quả rà soát", "Cán bộ đề xuất"]]);
        let l = layout(&g).unwrap();
        assert!(matches!(parse_row(&l, 2, &[]), Ok(Line::Empty)));
        assert!(matches!(
            parse_row(&l, 2, &[t(""), t(" "), t("")]),
            Ok(Line::Empty)
        ));
        assert!(matches!(
            parse_row(&l, 3, &[t("I. VĂN BẢN CỦA HĐND"), t("I. VĂN BẢN CỦA HĐND")]),
            Ok(Line::Heading)
        ));
        let Ok(Line::Row(r)) = parse_row(
            &l,
            4,
            &[
                t("Nghị quyết số 15/2018/nq-hdnd ngày 12/7/2018"),
                t("Thay thế"),
                t("an"),
            ],
        ) else {
            panic!("a document row");
        };
        assert_eq!(r.document.as_str(), "15/2018/NQ-HDND");
        assert_eq!(r.kind, Some(DecisionKind::Replace));
        assert_eq!(r.officer.as_deref(), Some("an"));
    }

    #[test]
    fn handling_forms_in_register_words() {
        for (text, kind) in [
            ("Giữ nguyên", DecisionKind::Keep),
            ("sửa đổi, bổ sung", DecisionKind::Amend),
            ("Bổ sung", DecisionKind::Amend),
            ("THAY THẾ", DecisionKind::Replace),
            ("Bãi bỏ một phần", DecisionKind::Repeal),
            ("Công bố hết hiệu lực", DecisionKind::DeclareExpired),
            ("Hết hiệu lực", DecisionKind::DeclareExpired),
            ("Ngưng hiệu lực", DecisionKind::Suspend),
            ("declare_expired", DecisionKind::DeclareExpired),
        ] {
            assert_eq!(parse_kind(text), Some(kind), "{text}");
        }
        assert_eq!(parse_kind("Xem xét"), None);
    }

    #[test]
    fn excel_serial_numbers_and_text_dates() {
        assert_eq!(
            Cell::Number(45932.0).date(),
            Ok(NaiveDate::from_ymd_opt(2025, 10, 2))
        );
        assert_eq!(
            t("ngày 2 tháng 10 năm 2025").date(),
            Ok(NaiveDate::from_ymd_opt(2025, 10, 2))
        );
        assert!(Cell::Number(1.5).date().is_err());
        assert!(t("31/02/2025").date().is_err());
    }

    #[test]
    fn neutralised_texts_read_back_without_their_apostrophe() {
        let g = read_csv(
            "Văn bản,'=HYPERLINK(1),'- Điều 5,'abc,-3".as_bytes(),
            &bounds::REGISTER,
        )
        .unwrap();
        assert_eq!(
            g[0].1,
            vec![
                t("Văn bản"),
                t("=HYPERLINK(1)"),
                t("- Điều 5"),
                t("'abc"),
                t("-3")
            ]
        );
    }

    #[test]
    fn csv_files_are_held_to_their_bounds() {
        let small = Limits {
            rows: 2,
            columns: 2,
            ..bounds::REGISTER
        };
        assert!(read_csv(b"a,b\nc,d\n", &small).is_ok());
        let e = read_csv(b"a,b\nc,d\ne,f\n", &small).unwrap_err();
        assert!(
            matches!(&e, FileError::TooLarge(x) if x.bound == bounds::Bound::Rows),
            "{e}"
        );
        let e = read_csv(b"a,b,c\n", &small).unwrap_err();
        assert!(
            matches!(&e, FileError::TooLarge(x) if x.bound == bounds::Bound::Columns),
            "{e}"
        );
    }

    #[test]
    fn column_letters() {
        assert_eq!(letter(0), "A");
        assert_eq!(letter(25), "Z");
        assert_eq!(letter(26), "AA");
        assert_eq!(letter(27), "AB");
    }
}
