//! The header of a register: which column holds what, recognised from the labels people
//! write (over several rows, with merged cells), and where the body starts.

use std::collections::HashMap;

use serde::Serialize;

use super::*;
use crate::domain::review::Stage;
use crate::domain::text::{fold, nfc};

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
pub(super) fn words(s: &str) -> String {
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
    let w = without_group(label);
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
    stage_column(w)
}

/// A label's words, without the words of a merged group header above it.
fn without_group(label: &str) -> String {
    let mut w = words(label);
    for g in GROUP_WORDS {
        if let Some(rest) = w.strip_prefix(&format!("{g} ")) {
            w = rest.to_string();
        }
    }
    w
}

/// The date or paper column of a handling stage that `w` names, if any.
fn stage_column(w: &str) -> Option<Column> {
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

pub(super) fn row_error(
    row: usize,
    column: Option<Column>,
    message: impl Into<String>,
) -> RowError {
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
pub(super) fn letter(mut col: usize) -> String {
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
