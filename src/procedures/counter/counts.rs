//! Monthly dossier counts at the counter (số hồ sơ tiếp nhận, giải quyết đúng hạn, nộp trực
//! tuyến): the month's sheet of a unit — one row per procedure that applies there (and any
//! procedure already counted that month) with what is stored — and the count lines the sheet
//! form, the API or a CSV file asks for, each refusal named by its row and column (form), its
//! field (API) or its line (file), with a stable code. A count is taken only for a procedure
//! that applies at the unit in that month (the completeness check's required set on the
//! month's last day, or today in the current month). Nothing here writes: the application
//! writes the [`DossierCountRecord`]s through the one write path.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use super::super::check::{self, CheckError, Settings, UnitView};
use super::super::records::DossierCountRecord;
use crate::db::procedures as pq;
use crate::db::{Db, DbError};
use crate::domain::text::nfc;
use crate::registry::org::Org;

/// The three figures of a count, in the order of the sheet and of the CSV file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Figure {
    Received,
    OnTime,
    Online,
}

impl Figure {
    pub const ALL: [Figure; 3] = [Figure::Received, Figure::OnTime, Figure::Online];

    /// The form field's prefix (`received:{code}`) and the record's key.
    pub fn code(self) -> &'static str {
        match self {
            Figure::Received => "received",
            Figure::OnTime => "on_time",
            Figure::Online => "online",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Figure::Received => "Tiếp nhận",
            Figure::OnTime => "Giải quyết đúng hạn",
            Figure::Online => "Nộp trực tuyến",
        }
    }
}

/// One row of the month's sheet.
#[derive(Debug, Clone, Serialize)]
pub struct CountRow {
    pub code: String,
    pub name: String,
    pub field: String,
    /// Stored figures (received, on time, online), if the month was counted.
    pub stored: Option<[i64; 3]>,
    /// Whether the procedure applies at the unit that month (otherwise it is shown for its
    /// stored figures only, and no count is taken for it).
    pub applies: bool,
}

/// A unit's sheet for a month.
#[derive(Debug, Clone, Serialize)]
pub struct CountSheet {
    pub unit: UnitView,
    /// The first day of the month.
    pub month: NaiveDate,
    pub rows: Vec<CountRow>,
}

/// Why a month cannot be counted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MonthError {
    #[error("tháng «{0}» không hợp lệ: chọn tháng theo dạng năm-tháng (2026-03)")]
    Unreadable(String),
    #[error("tháng {0} chưa đến: chỉ nhập số liệu của tháng này và các tháng trước")]
    Future(String),
}

impl MonthError {
    /// The stable code of the refusal (API problems).
    pub fn code(&self) -> &'static str {
        match self {
            MonthError::Unreadable(_) => "invalid_month",
            MonthError::Future(_) => "future_month",
        }
    }
}

/// `2026-03` (also `03/2026`, `3/2026`) as its first day; a month after `today`'s is refused.
pub fn parse_month(raw: &str, today: NaiveDate) -> Result<NaiveDate, MonthError> {
    let t = raw.trim();
    let parsed = NaiveDate::parse_from_str(&format!("{t}-01"), "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(&format!("01/{t}"), "%d/%m/%Y"))
        .map_err(|_| MonthError::Unreadable(t.to_string()))?;
    if parsed > first_of(today) {
        return Err(MonthError::Future(month_vn(parsed)));
    }
    Ok(parsed)
}

pub fn first_of(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

/// `03/2026`.
pub fn month_vn(d: NaiveDate) -> String {
    d.format("%m/%Y").to_string()
}

/// The last day of the month of `d`.
fn last_of(d: NaiveDate) -> NaiveDate {
    let next = if d.month() == 12 {
        NaiveDate::from_ymd_opt(d.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(d.year(), d.month() + 1, 1)
    };
    next.and_then(|n| n.pred_opt()).unwrap_or(d)
}

/// The sheet of the unit `code` for `month`: the procedures required there on the month's last
/// day (or today, in the current month), then any other procedure counted that month.
pub fn sheet(
    db: &mut Db<'_>,
    code: &str,
    month: NaiveDate,
    today: NaiveDate,
) -> Result<CountSheet, CheckError> {
    let org = Org::load(db)?;
    let code = nfc(code.trim());
    let Some(unit_id) = org.unit_by_code(&code).map(|u| u.id) else {
        return Err(CheckError::UnknownUnit(code));
    };
    let day = last_of(month).min(today);
    let c = check::check_with(db, &org, &[unit_id], day, Settings::default())?
        .pop()
        .ok_or(CheckError::UnknownUnit(code))?;
    let stored: HashMap<i64, [i64; 3]> = pq::dossier_counts_of(db, &[unit_id], month, month)?
        .into_iter()
        .map(|d| {
            let f = [d.received, d.on_time, d.online].map(i64::from);
            (d.procedure_id, f)
        })
        .collect();
    let mut rows: Vec<CountRow> = c
        .items
        .iter()
        .map(|i| CountRow {
            code: i.code.clone(),
            name: i.name.clone(),
            field: i.field.clone(),
            stored: stored.get(&i.procedure_id).copied(),
            applies: true,
        })
        .collect();
    let mut others: Vec<i64> = stored
        .keys()
        .copied()
        .filter(|p| !c.items.iter().any(|i| i.procedure_id == *p))
        .collect();
    others.sort_unstable();
    for p in pq::procedures_by_ids(db, &others)? {
        let latest = pq::versions_of(db, p.id)?.pop();
        rows.push(CountRow {
            name: latest.as_ref().map(|v| v.name.clone()).unwrap_or_default(),
            field: latest.map(|v| v.field).unwrap_or_default(),
            stored: stored.get(&p.id).copied(),
            applies: false,
            code: p.code,
        });
    }
    Ok(CountSheet {
        unit: c.unit,
        month,
        rows,
    })
}

/// Why one figure, or the figures of one row, cannot be taken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FigureError {
    #[error("«{0}» âm: số hồ sơ từ 0 trở lên.")]
    Negative(String),
    #[error("«{0}» quá lớn.")]
    TooLarge(String),
    #[error("«{0}» không phải là số nguyên.")]
    NotInteger(String),
    #[error("Thiếu số hồ sơ tiếp nhận.")]
    MissingReceived,
    #[error("Số giải quyết đúng hạn ({0}) lớn hơn số tiếp nhận ({1}).")]
    OnTimeOverReceived(i64, i64),
    #[error("Số nộp trực tuyến ({0}) lớn hơn số tiếp nhận ({1}).")]
    OnlineOverReceived(i64, i64),
}

impl FigureError {
    /// The stable code of the refusal (API problems).
    pub fn code(&self) -> &'static str {
        match self {
            FigureError::Negative(_) => "negative_count",
            FigureError::TooLarge(_) => "count_too_large",
            FigureError::NotInteger(_) => "not_an_integer",
            FigureError::MissingReceived => "missing_received",
            FigureError::OnTimeOverReceived(..) => "on_time_exceeds_received",
            FigureError::OnlineOverReceived(..) => "online_exceeds_received",
        }
    }
}

/// One figure as typed: empty, or an integer from 0.
fn figure(raw: &str) -> Result<Option<i64>, FigureError> {
    let t = raw.trim();
    if t.is_empty() {
        return Ok(None);
    }
    match t.parse::<i64>() {
        Ok(n) if n < 0 => Err(FigureError::Negative(t.to_string())),
        Ok(n) if n > i64::from(i32::MAX) => Err(FigureError::TooLarge(t.to_string())),
        Ok(n) => Ok(Some(n)),
        // Digits past what an i64 holds are still a number, only too large.
        Err(_) if t.chars().all(|c| c.is_ascii_digit()) => {
            Err(FigureError::TooLarge(t.to_string()))
        }
        Err(_) => Err(FigureError::NotInteger(t.to_string())),
    }
}

/// The figures of one row as typed (received, on time, online): `None` when the row is left
/// empty, else the three numbers (on time and online default to 0), or the refusals by figure.
pub fn row_figures(typed: [&str; 3]) -> Result<Option<[i64; 3]>, Vec<(Figure, FigureError)>> {
    let mut errors = Vec::new();
    let mut values = [None; 3];
    for (i, f) in Figure::ALL.iter().enumerate() {
        match figure(typed[i]) {
            Ok(v) => values[i] = v,
            Err(e) => errors.push((*f, e)),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let [received, on_time, online] = values;
    let Some(received) = received else {
        if values.iter().all(Option::is_none) {
            return Ok(None);
        }
        return Err(vec![(Figure::Received, FigureError::MissingReceived)]);
    };
    let on_time = on_time.unwrap_or(0);
    let online = online.unwrap_or(0);
    if on_time > received {
        errors.push((
            Figure::OnTime,
            FigureError::OnTimeOverReceived(on_time, received),
        ));
    }
    if online > received {
        errors.push((
            Figure::Online,
            FigureError::OnlineOverReceived(online, received),
        ));
    }
    if errors.is_empty() {
        Ok(Some([received, on_time, online]))
    } else {
        Err(errors)
    }
}

/// What the sheet form sent: the month as typed, and per procedure code the three figures.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SheetInput {
    pub month: String,
    pub typed: BTreeMap<String, [String; 3]>,
}

/// One refused count: the procedure and figure it belongs to (none: the month or the whole
/// sheet), a stable code and the Vietnamese message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CountRefusal {
    /// The procedure's code, for a refusal of one row.
    pub procedure: Option<String>,
    /// The figure, for a refusal of one cell.
    pub figure: Option<Figure>,
    /// `month` for a refusal of the month.
    pub month: bool,
    pub code: &'static str,
    pub message: String,
}

impl CountRefusal {
    pub fn of_month(e: &MonthError) -> CountRefusal {
        CountRefusal {
            procedure: None,
            figure: None,
            month: true,
            code: e.code(),
            message: format!("{e}."),
        }
    }

    /// Lines the write path refused (its own checks, after these).
    pub fn refused_by_write(message: String) -> CountRefusal {
        CountRefusal::of_sheet("invalid_counts", message)
    }

    fn of_sheet(code: &'static str, message: String) -> CountRefusal {
        CountRefusal {
            procedure: None,
            figure: None,
            month: false,
            code,
            message,
        }
    }

    fn of_row(procedure: &str, code: &'static str, message: String) -> CountRefusal {
        CountRefusal {
            procedure: Some(procedure.to_string()),
            figure: None,
            month: false,
            code,
            message,
        }
    }
}

/// The refusals of the sheet form: the month's, and per (procedure code, figure); every
/// refusal also in `refusals`, with its code.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SheetErrors {
    pub month: Option<String>,
    pub form: Option<String>,
    pub cells: BTreeMap<String, String>,
    pub refusals: Vec<CountRefusal>,
}

impl SheetErrors {
    pub fn is_empty(&self) -> bool {
        self.month.is_none() && self.form.is_none() && self.cells.is_empty()
    }

    /// The key of a cell's error: `received:1.001193`.
    pub fn key(code: &str, f: Figure) -> String {
        format!("{}:{code}", f.code())
    }

    /// The refusals placed beside their fields.
    pub fn of(refusals: Vec<CountRefusal>) -> SheetErrors {
        let mut errors = SheetErrors::default();
        for r in &refusals {
            match (&r.procedure, r.figure) {
                _ if r.month => errors.month = Some(r.message.clone()),
                (Some(code), Some(f)) => {
                    errors
                        .cells
                        .insert(SheetErrors::key(code, f), r.message.clone());
                }
                _ => {
                    errors.form = Some(match errors.form.take() {
                        Some(m) => format!("{m} {}", r.message),
                        None => r.message.clone(),
                    })
                }
            }
        }
        errors.refusals = refusals;
        errors
    }
}

/// The count lines `typed` (procedure code and its three figures as typed, in the order
/// sent) asks for on the unit's `sheet`, or every refusal (nothing is written then). Only a
/// procedure that applies at the unit that month is counted; a row left empty is left as
/// stored; the same procedure twice is refused.
pub fn check_counts(
    db: &mut Db<'_>,
    sheet: &CountSheet,
    typed: &[(String, [String; 3])],
) -> Result<Result<Vec<DossierCountRecord>, Vec<CountRefusal>>, DbError> {
    let mut refusals = Vec::new();
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (code, figures) in typed {
        let code = nfc(code.trim());
        if !seen.insert(code.clone()) {
            refusals.push(CountRefusal::of_row(
                &code,
                "duplicate_procedure",
                format!("Thủ tục mã «{code}» có hai lần trong số liệu gửi lên."),
            ));
            continue;
        }
        if !sheet.rows.iter().any(|r| r.applies && r.code == code) {
            refusals.push(if pq::procedure_by_code(db, &code)?.is_some() {
                CountRefusal::of_row(
                    &code,
                    "procedure_not_applicable",
                    format!(
                        "Thủ tục mã «{code}» không áp dụng tại đơn vị trong tháng {} (không có trong bảng số liệu của đơn vị).",
                        month_vn(sheet.month)
                    ),
                )
            } else {
                CountRefusal::of_row(
                    &code,
                    "unknown_procedure",
                    format!("Không có thủ tục mã «{code}»."),
                )
            });
            continue;
        }
        match row_figures([&figures[0], &figures[1], &figures[2]]) {
            Ok(None) => {}
            Ok(Some([received, on_time, online])) => out.push(DossierCountRecord {
                procedure: code.clone(),
                unit: sheet.unit.code.clone(),
                month: sheet.month.format("%Y-%m").to_string(),
                received,
                online,
                on_time,
            }),
            Err(es) => refusals.extend(es.into_iter().map(|(f, e)| CountRefusal {
                procedure: Some(code.clone()),
                figure: Some(f),
                month: false,
                code: e.code(),
                message: e.to_string(),
            })),
        }
    }
    if refusals.is_empty() && out.is_empty() {
        refusals.push(CountRefusal::of_sheet(
            "no_counts",
            "Chưa nhập số liệu của thủ tục nào.".into(),
        ));
    }
    Ok(if refusals.is_empty() {
        Ok(out)
    } else {
        Err(refusals)
    })
}

/// The codes of the procedures that apply at the unit `unit_code` in `month` (as its sheet
/// lists them).
pub fn applicable(
    db: &mut Db<'_>,
    unit_code: &str,
    month: NaiveDate,
    today: NaiveDate,
) -> Result<std::collections::HashSet<String>, CheckError> {
    Ok(sheet(db, unit_code, month, today)?
        .rows
        .into_iter()
        .filter(|r| r.applies)
        .map(|r| r.code)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn months_are_read_and_never_after_this_one() {
        let today = d("2026-03-10");
        assert_eq!(parse_month("2026-03", today), Ok(d("2026-03-01")));
        assert_eq!(parse_month("02/2026", today), Ok(d("2026-02-01")));
        assert!(matches!(
            parse_month("2026-04", today),
            Err(MonthError::Future(_))
        ));
        assert!(matches!(
            parse_month("tháng 3", today),
            Err(MonthError::Unreadable(_))
        ));
        assert_eq!(last_of(d("2025-12-01")), d("2025-12-31"));
        assert_eq!(last_of(d("2024-02-01")), d("2024-02-29"));
    }

    #[test]
    fn a_row_is_empty_or_three_coherent_integers() {
        assert_eq!(row_figures(["", " ", ""]), Ok(None));
        assert_eq!(row_figures(["10", "9", ""]), Ok(Some([10, 9, 0])));
        let e = row_figures(["5", "6", "7"]).unwrap_err();
        assert_eq!(
            e.iter().map(|x| x.0).collect::<Vec<_>>(),
            vec![Figure::OnTime, Figure::Online]
        );
        assert_eq!(
            e.iter().map(|x| x.1.code()).collect::<Vec<_>>(),
            vec!["on_time_exceeds_received", "online_exceeds_received"]
        );
        assert_eq!(
            row_figures(["99999999999999999999", "", ""]).unwrap_err()[0].1,
            FigureError::TooLarge("99999999999999999999".into())
        );
        assert_eq!(
            row_figures(["-1", "", ""]).unwrap_err()[0].0,
            Figure::Received
        );
        assert_eq!(
            row_figures(["1,5", "", ""]).unwrap_err()[0].0,
            Figure::Received
        );
        assert_eq!(
            row_figures(["", "3", ""]).unwrap_err()[0].0,
            Figure::Received
        );
    }
}
