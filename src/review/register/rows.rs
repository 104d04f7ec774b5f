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

/// One body row's cells, read through the layout.
struct Cells<'a> {
    layout: &'a Layout,
    row: usize,
    cells: &'a [Cell],
}

impl Cells<'_> {
    fn get(&self, c: Column) -> &Cell {
        self.layout
            .columns
            .get(&c)
            .and_then(|i| self.cells.get(*i))
            .unwrap_or(&Cell::Empty)
    }

    fn text(&self, c: Column) -> String {
        nfc(&self.get(c).text())
    }

    fn opt(&self, c: Column) -> Option<String> {
        Some(self.text(c)).filter(|s| !s.is_empty())
    }

    fn error(&self, c: Column, message: impl Into<String>) -> RowError {
        row_error(self.row, Some(c), message)
    }

    /// A row without a document number: a section heading (one text merged across the row,
    /// or only the ordinal and a name), or a decided row missing its document.
    fn without_document(&self, doc_text: &str) -> Result<Line, Vec<RowError>> {
        let filled: Vec<String> = self
            .cells
            .iter()
            .filter(|c| !c.is_empty())
            .map(Cell::text)
            .collect();
        let same = filled.windows(2).all(|w| w[0] == w[1]);
        let decided = [Column::Kind, Column::Officer, Column::Handling]
            .iter()
            .any(|c| !self.get(*c).is_empty());
        if same || !decided {
            return Ok(Line::Heading);
        }
        let message = if doc_text.is_empty() {
            "thiếu văn bản được rà soát (số, ký hiệu)".to_string()
        } else {
            format!("không thấy số, ký hiệu văn bản trong «{doc_text}» (ví dụ: 15/2018/NQ-HĐND)")
        };
        Err(vec![self.error(Column::Document, message)])
    }

    fn kind(&self, errors: &mut Vec<RowError>) -> Option<DecisionKind> {
        let k = self.opt(Column::Kind)?;
        let parsed = parse_kind(&k);
        if parsed.is_none() {
            errors.push(self.error(
                Column::Kind,
                format!(
                    "hình thức xử lý «{k}» không rõ: ghi một trong {}",
                    DecisionKind::ALL
                        .iter()
                        .map(|k| format!("«{}»", k.label()))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
        parsed
    }

    /// "một phần" or "toàn bộ" written with the handling form.
    fn partial(&self) -> Option<bool> {
        let form = words(&self.text(Column::Kind));
        if form.contains("mot phan") {
            Some(true)
        } else if form.contains("toan bo") {
            Some(false)
        } else {
            None
        }
    }

    fn provisions(&self, errors: &mut Vec<RowError>) -> Vec<String> {
        parse_provisions(&self.text(Column::Provisions)).unwrap_or_else(|e| {
            errors.push(self.error(Column::Provisions, e));
            Vec::new()
        })
    }

    fn ground(&self, errors: &mut Vec<RowError>) -> Option<ExpiryGround> {
        let g = self.opt(Column::Ground)?;
        let parsed = parse_ground(&g);
        if parsed.is_none() {
            errors.push(self.error(
                Column::Ground,
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
    }

    fn date(&self, c: Column, errors: &mut Vec<RowError>) -> Option<NaiveDate> {
        match self.get(c).date() {
            Ok(d) => d,
            Err(e) => {
                errors.push(self.error(c, e));
                None
            }
        }
    }

    /// Each handling stage written: its date (or a date in its paper) and its paper.
    fn stages(&self, errors: &mut Vec<RowError>) -> Vec<(Stage, NaiveDate, String)> {
        let mut stages = Vec::new();
        for &s in Stage::ALL {
            let date = self.date(Column::StageDate(s), errors);
            let paper = self.text(Column::StagePaper(s));
            let date = date.or_else(|| date_in_text(&paper));
            match (date, paper.is_empty()) {
                (None, true) => {}
                (Some(d), false) => stages.push((s, d, paper)),
                (Some(_), true) => errors.push(self.error(
                    Column::StagePaper(s),
                    format!(
                        "giai đoạn «{}» có ngày nhưng thiếu số, ngày của văn bản (ví dụ: Công văn số 2170/STP-XDTHPL ngày 02/10/2025)",
                        s.label()
                    ),
                )),
                (None, false) => errors.push(self.error(
                    Column::StageDate(s),
                    format!("giai đoạn «{}» thiếu ngày thực hiện", s.label()),
                )),
            }
        }
        stages
    }

    fn handling(&self, errors: &mut Vec<RowError>) -> Option<DocumentNumber> {
        let h = self.opt(Column::Handling)?;
        let n = number_in(&h);
        if n.is_none() {
            errors.push(self.error(
                Column::Handling,
                format!("không thấy số, ký hiệu văn bản xử lý trong «{h}»"),
            ));
        }
        n
    }
}

/// Reads one body row; each problem is named with its column.
pub fn parse_row(layout: &Layout, row: usize, cells: &[Cell]) -> Result<Line, Vec<RowError>> {
    if cells.iter().all(Cell::is_empty) {
        return Ok(Line::Empty);
    }
    let c = Cells { layout, row, cells };
    let doc_text = c.text(Column::Document);
    let Some(document) = number_in(&doc_text) else {
        return c.without_document(&doc_text);
    };
    let mut errors = Vec::new();
    let kind = c.kind(&mut errors);
    let provisions = c.provisions(&mut errors);
    let ground = c.ground(&mut errors);
    let expiry = c.date(Column::ExpiryDate, &mut errors);
    let stages = c.stages(&mut errors);
    let handling = c.handling(&mut errors);
    if kind.is_none() && (!stages.is_empty() || handling.is_some()) && errors.is_empty() {
        errors.push(c.error(
            Column::Kind,
            "có giai đoạn xử lý hoặc văn bản xử lý nhưng chưa ghi hình thức xử lý",
        ));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Line::Row(Box::new(RowInput {
        row,
        document,
        kind,
        partial: c.partial(),
        provisions,
        reason: c.text(Column::Reason),
        ground,
        expiry,
        agency: c.opt(Column::Agency),
        officer: c.opt(Column::Officer),
        approver: c.opt(Column::Approver),
        stages,
        handling,
    })))
}
