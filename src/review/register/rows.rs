//! One body row of a register read into what it says: the document, the handling form, the
//! provisions, the stages, the handling document, the people named.

use chrono::NaiveDate;

use super::*;
use crate::domain::number::DocumentNumber;
use crate::domain::review::{DecisionKind, ExpiryGround, Stage};
use crate::domain::structure::parse_reference;
use crate::domain::text::{date_in_text, nfc};

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
#[allow(clippy::too_many_lines)] // still to split (issue 14): the one exception of its file
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
