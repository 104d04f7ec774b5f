//! Inspections of the posting of procedures at a unit (kiểm tra niêm yết): recording a visit
//! from a page or the API (checked against the completeness check of the same day, audited in
//! the same transaction), one visit compared with the system's check, and a unit's history of
//! completeness over time. The rules of findings and comparison are in `domain::inspection`.

use std::collections::{BTreeSet, HashMap};

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::check::{self, CheckError, Completeness, Settings};
use crate::db::procedures::{self as pq, Finding, NewInspection};
use crate::db::stored::{self, At};
use crate::db::{queries, Db, DbError};
use crate::domain::inspection::{
    compare, finding_allowed, inspected_ratio, Agreement, FindingCode, FindingRefusal, SystemView,
};
use crate::domain::listing::GapKind;
use crate::domain::scorecard::Ratio;
use crate::domain::text::{date_vn, nfc};
use crate::registry::org::Org;

/// One finding as a page or the API sends it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
pub struct FindingInput {
    /// Procedure code (`1.004227`).
    pub procedure: String,
    #[schema(value_type = FindingCode, inline)]
    pub finding: String,
    #[serde(default)]
    pub note: Option<String>,
}

/// A visit as a page or the API sends it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
pub struct VisitInput {
    pub unit: String,
    /// `2026-03-20` or `20/03/2026`.
    pub date: String,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub findings: Vec<FindingInput>,
}

/// Who records the visit.
#[derive(Debug, Clone)]
pub struct Recorder {
    /// Audit actor (`user:thanhtra`).
    pub actor: String,
    /// The name kept with the inspection (the inspector's display name).
    pub name: String,
    /// Units the recorder may inspect, predecessors included (`None`: every unit).
    pub units: Option<std::collections::HashSet<i64>>,
}

/// Why a visit is refused; each has a stable code for the API.
#[derive(Debug, thiserror::Error)]
pub enum InspectionError {
    #[error("Không có đơn vị hành chính mã «{0}».")]
    UnknownUnit(String),
    #[error("Ngày kiểm tra «{0}» không hợp lệ: nhập theo dạng năm-tháng-ngày (2026-03-20) hoặc ngày/tháng/năm (20/03/2026).")]
    BadDate(String),
    #[error("Ngày kiểm tra {date} là ngày trong tương lai (hôm nay là {today}): chỉ ghi nhận cuộc kiểm tra đã diễn ra.")]
    FutureDate { date: String, today: String },
    #[error("Không ghi nhận được: {0}")]
    NotOnDate(String),
    #[error("Đơn vị {0} nằm ngoài phạm vi được giao của tài khoản này.")]
    OutOfScope(String),
    #[error("Đã có biên bản kiểm tra của {inspector} tại {unit} ngày {date}; một người kiểm tra ghi một biên bản cho mỗi đơn vị mỗi ngày, biên bản đã ghi không bị thay đổi.")]
    Duplicate {
        inspector: String,
        unit: String,
        date: String,
    },
    #[error("Biên bản cần ít nhất một kết quả kiểm tra thủ tục.")]
    NoFindings,
    #[error("Không có thủ tục hành chính mã «{0}» trong cơ sở dữ liệu.")]
    UnknownProcedure(String),
    #[error("Kết quả «{finding}» của thủ tục {procedure} không thuộc danh mục kết quả kiểm tra ({list}).")]
    UnknownFinding {
        procedure: String,
        finding: String,
        list: String,
    },
    #[error("Thủ tục {procedure} được nêu hai lần trong biên bản.")]
    DuplicateFinding { procedure: String },
    #[error("Thủ tục {procedure} không thuộc danh mục thủ tục phải niêm yết tại {unit} ngày {date}: chỉ có thể ghi kết quả «{label}» (đang niêm yết thủ tục không còn áp dụng).")]
    NotRequired {
        procedure: String,
        unit: String,
        date: String,
        label: &'static str,
    },
    #[error("Thủ tục {procedure} thuộc danh mục phải niêm yết tại {unit} ngày {date}, không thể ghi là «{label}».")]
    Required {
        procedure: String,
        unit: String,
        date: String,
        label: &'static str,
    },
    #[error("Ghi chú quá dài (tối đa {0} ký tự).")]
    TooLong(usize),
    #[error("{0}")]
    ControlCharacter(#[from] crate::domain::input::ControlCharacter),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<diesel::result::Error> for InspectionError {
    fn from(e: diesel::result::Error) -> Self {
        InspectionError::Db(DbError::Query(e))
    }
}

impl InspectionError {
    /// The stable code of the problem document.
    pub fn code(&self) -> &'static str {
        match self {
            InspectionError::UnknownUnit(_) => "unknown_unit",
            InspectionError::BadDate(_) => "invalid_date",
            InspectionError::FutureDate { .. } => "future_date",
            InspectionError::NotOnDate(_) => "unit_not_on_date",
            InspectionError::OutOfScope(_) => "forbidden",
            InspectionError::Duplicate { .. } => "duplicate_inspection",
            InspectionError::NoFindings => "no_findings",
            InspectionError::UnknownProcedure(_) => "unknown_procedure",
            InspectionError::UnknownFinding { .. } => "unknown_finding",
            InspectionError::DuplicateFinding { .. } => "duplicate_finding",
            InspectionError::NotRequired { .. } => "procedure_not_required",
            InspectionError::Required { .. } => "procedure_required",
            InspectionError::TooLong(_) => "note_too_long",
            InspectionError::ControlCharacter(_) => "control_character",
            InspectionError::Db(_) => "database_error",
        }
    }

    /// 400 for what cannot be read, 403 outside the scope, 422 for what the rules refuse.
    pub fn status(&self) -> u16 {
        match self {
            InspectionError::BadDate(_) => 400,
            InspectionError::OutOfScope(_) => 403,
            InspectionError::Db(_) => 500,
            _ => 422,
        }
    }
}

const NOTE_MAX: usize = 4000;

fn parse_day(s: &str) -> Result<NaiveDate, InspectionError> {
    let t = s.trim();
    NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(t, "%d/%m/%Y"))
        .map_err(|_| InspectionError::BadDate(t.to_string()))
}

fn note_of(s: &str) -> Result<String, InspectionError> {
    crate::domain::input::text("ghi chú (note)", s)?;
    let n = nfc(s.trim());
    if n.chars().count() > NOTE_MAX {
        return Err(InspectionError::TooLong(NOTE_MAX));
    }
    Ok(n)
}

/// Records a visit inside the caller's write transaction: every check first, then the
/// inspection, its findings and the audit entry. Returns the new inspection's id.
pub fn record(
    db: &mut Db<'_>,
    who: &Recorder,
    input: &VisitInput,
    today: NaiveDate,
    settings: Settings,
) -> Result<i64, InspectionError> {
    let code = nfc(input.unit.trim());
    let Some(unit) = queries::unit_by_code(db, &code)? else {
        return Err(InspectionError::UnknownUnit(code));
    };
    let date = parse_day(&input.date)?;
    if date > today {
        return Err(InspectionError::FutureDate {
            date: date_vn(date),
            today: date_vn(today),
        });
    }
    if who.units.as_ref().is_some_and(|s| !s.contains(&unit.id)) {
        return Err(InspectionError::OutOfScope(unit.name));
    }
    let inspector = nfc(who.name.trim());
    if pq::inspection_by_key(db, unit.id, date, &inspector)?.is_some() {
        return Err(InspectionError::Duplicate {
            inspector,
            unit: unit.name,
            date: date_vn(date),
        });
    }
    let note = note_of(&input.note)?;
    if input.findings.is_empty() {
        return Err(InspectionError::NoFindings);
    }
    let c = match check::check_unit(db, &code, date, settings) {
        Ok(c) => c,
        Err(CheckError::Db(e)) => return Err(e.into()),
        Err(CheckError::UnknownUnit(u)) => return Err(InspectionError::UnknownUnit(u)),
        Err(e) => return Err(InspectionError::NotOnDate(format!("{e}."))),
    };
    let required: std::collections::HashSet<i64> = c.items.iter().map(|i| i.procedure_id).collect();
    let mut rows: Vec<Finding> = Vec::new();
    for f in &input.findings {
        let pcode = f.procedure.trim().to_string();
        let finding =
            FindingCode::parse(&f.finding).ok_or_else(|| InspectionError::UnknownFinding {
                procedure: pcode.clone(),
                finding: f.finding.trim().to_string(),
                list: FindingCode::list(),
            })?;
        let Some(p) = pq::procedure_by_code(db, &pcode)? else {
            return Err(InspectionError::UnknownProcedure(pcode));
        };
        if rows.iter().any(|r| r.procedure_id == p.id) {
            return Err(InspectionError::DuplicateFinding { procedure: p.code });
        }
        let nr = GapKind::NotRequired.label();
        match finding_allowed(finding, required.contains(&p.id)) {
            Ok(()) => {}
            Err(FindingRefusal::NotRequiredHere) => {
                return Err(InspectionError::NotRequired {
                    procedure: p.code,
                    unit: unit.name,
                    date: date_vn(date),
                    label: nr,
                })
            }
            Err(FindingRefusal::RequiredHere) => {
                return Err(InspectionError::Required {
                    procedure: p.code,
                    unit: unit.name,
                    date: date_vn(date),
                    label: nr,
                })
            }
        }
        let fnote = match f.note.as_deref() {
            Some(n) => Some(note_of(n)?).filter(|n| !n.is_empty()),
            None => None,
        };
        rows.push(Finding {
            inspection_id: 0,
            procedure_id: p.id,
            finding: finding.code().to_string(),
            note: fnote,
        });
    }
    let row = NewInspection {
        unit_id: unit.id,
        inspected_on: date,
        inspector,
        note,
    };
    let id = pq::insert_inspection(db, &row)?;
    rows.iter_mut().for_each(|f| f.inspection_id = id);
    pq::insert_findings(db, &rows)?;
    crate::audit::append(
        db,
        &who.actor,
        "create",
        "inspection",
        &id.to_string(),
        None,
        Some(&serde_json::json!({"inspection": row, "unit": unit.code, "findings": rows})),
    )?;
    Ok(id)
}

/// One procedure of a visit: what the inspector found, what the system finds, and whether
/// they agree.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ComparedFinding {
    pub procedure_id: i64,
    pub code: String,
    pub name: String,
    pub inspector: Option<String>,
    pub inspector_label: Option<String>,
    pub inspector_note: Option<String>,
    pub system: Option<String>,
    pub system_label: String,
    pub system_detail: String,
    pub agreement: Agreement,
    pub agreement_label: &'static str,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct InspectionView {
    pub id: i64,
    pub unit: check::UnitView,
    pub date: NaiveDate,
    pub inspector: String,
    pub note: String,
    /// The system's completeness on the day.
    pub system: Ratio,
    pub system_percent: f64,
    /// The inspector's: procedures found posted correctly over required ones in the report.
    pub inspected: Ratio,
    pub inspected_percent: Option<f64>,
    pub agree: usize,
    pub differ: usize,
    pub not_in_report: usize,
    /// Differences first, then the rest, by procedure code.
    pub rows: Vec<ComparedFinding>,
}

fn system_view(c: &Completeness, procedure_id: i64) -> (SystemView, String) {
    if let Some(i) = c.items.iter().find(|i| i.procedure_id == procedure_id) {
        let gaps: Vec<GapKind> = i
            .gaps
            .iter()
            .filter_map(|g| GapKind::parse(&g.kind))
            .collect();
        let detail = if i.gaps.is_empty() && i.pending {
            "còn trong hạn niêm yết".to_string()
        } else {
            i.gaps
                .iter()
                .map(|g| g.detail.clone())
                .collect::<Vec<_>>()
                .join("; ")
        };
        return (
            SystemView::Required {
                gaps,
                pending: i.pending,
            },
            detail,
        );
    }
    if let Some(e) = c.extra.iter().find(|e| e.procedure_id == procedure_id) {
        return (SystemView::PostedNotRequired, e.reason.clone());
    }
    (
        SystemView::Absent,
        "không thuộc danh mục phải niêm yết và không được niêm yết".to_string(),
    )
}

/// What the system finds that the report leaves out: gaps and postings not required.
fn not_in_report(c: &Completeness, reported: &BTreeSet<i64>) -> Vec<ComparedFinding> {
    let mut rows = Vec::new();
    for i in &c.items {
        if reported.contains(&i.procedure_id) || i.gaps.is_empty() {
            continue;
        }
        let (view, detail) = system_view(c, i.procedure_id);
        let sys = view.finding();
        rows.push(ComparedFinding {
            procedure_id: i.procedure_id,
            code: i.code.clone(),
            name: i.name.clone(),
            inspector: None,
            inspector_label: None,
            inspector_note: None,
            system: sys.map(|s| s.code().to_string()),
            system_label: sys.map_or("", |s| s.label()).to_string(),
            system_detail: detail,
            agreement: Agreement::NotInReport,
            agreement_label: Agreement::NotInReport.label(),
        });
    }
    for e in &c.extra {
        if reported.contains(&e.procedure_id) {
            continue;
        }
        rows.push(ComparedFinding {
            procedure_id: e.procedure_id,
            code: e.code.clone(),
            name: e.name.clone(),
            inspector: None,
            inspector_label: None,
            inspector_note: None,
            system: Some(GapKind::NotRequired.code().to_string()),
            system_label: GapKind::NotRequired.label().to_string(),
            system_detail: e.reason.clone(),
            agreement: Agreement::NotInReport,
            agreement_label: Agreement::NotInReport.label(),
        });
    }
    rows
}

/// A visit compared with the system's check on its day (`c` must be that check).
pub fn compare_visit(
    db: &mut Db<'_>,
    inspection: &pq::Inspection,
    c: &Completeness,
) -> Result<InspectionView, DbError> {
    let findings = pq::findings_of(db, inspection.id)?;
    let ids: Vec<i64> = findings.iter().map(|f| f.procedure_id).collect();
    let codes: HashMap<i64, String> = pq::procedures_by_ids(db, &ids)?
        .into_iter()
        .map(|p| (p.id, p.code))
        .collect();
    let mut names: HashMap<i64, String> = c
        .items
        .iter()
        .map(|i| (i.procedure_id, i.name.clone()))
        .chain(c.extra.iter().map(|e| (e.procedure_id, e.name.clone())))
        .collect();
    for f in &findings {
        if let std::collections::hash_map::Entry::Vacant(e) = names.entry(f.procedure_id) {
            let latest = pq::versions_of(db, f.procedure_id)?
                .pop()
                .map(|v| v.name)
                .unwrap_or_default();
            e.insert(latest);
        }
    }
    let mut rows = Vec::new();
    let mut codes_found = Vec::new();
    for f in &findings {
        let row = format!("{}/{}", f.inspection_id, f.procedure_id);
        let at = At::new("inspection_findings", &row, "finding");
        let code = Some(stored::code(&f.finding, at, FindingCode::parse)?);
        codes_found.extend(code.filter(|_| {
            c.items.iter().any(|i| i.procedure_id == f.procedure_id)
                || code == Some(FindingCode::Gap(GapKind::NotRequired))
        }));
        let (view, detail) = system_view(c, f.procedure_id);
        let agreement = compare(code, &view);
        let sys = view.finding();
        rows.push(ComparedFinding {
            procedure_id: f.procedure_id,
            code: codes.get(&f.procedure_id).cloned().unwrap_or_default(),
            name: names.get(&f.procedure_id).cloned().unwrap_or_default(),
            inspector: Some(f.finding.clone()),
            inspector_label: code.map(|x| x.label().to_string()),
            inspector_note: f.note.clone(),
            system: sys.map(|s| s.code().to_string()),
            system_label: sys
                .map_or("Không thuộc danh mục, không niêm yết", |s| {
                    s.label()
                })
                .to_string(),
            system_detail: detail,
            agreement,
            agreement_label: agreement.label(),
        });
    }
    let reported: BTreeSet<i64> = findings.iter().map(|f| f.procedure_id).collect();
    rows.extend(not_in_report(c, &reported));
    let rank = |a: Agreement| match a {
        Agreement::Differs => 0,
        Agreement::NotInReport => 1,
        Agreement::Agrees => 2,
    };
    rows.sort_by(|a, b| (rank(a.agreement), &a.code).cmp(&(rank(b.agreement), &b.code)));
    let count = |x: Agreement| rows.iter().filter(|r| r.agreement == x).count();
    let inspected = inspected_ratio(&codes_found);
    Ok(InspectionView {
        id: inspection.id,
        unit: c.unit.clone(),
        date: inspection.inspected_on,
        inspector: inspection.inspector.clone(),
        note: inspection.note.clone(),
        system: Ratio::new(c.complete as u64, c.required as u64),
        system_percent: (c.percent * 10.0).round() / 10.0,
        inspected,
        inspected_percent: inspected.percent(),
        agree: count(Agreement::Agrees),
        differ: count(Agreement::Differs),
        not_in_report: count(Agreement::NotInReport),
        rows,
    })
}

#[derive(Debug, thiserror::Error)]
pub enum ViewError {
    #[error("Không có biên bản kiểm tra số {0}.")]
    NotFound(i64),
    #[error(transparent)]
    Check(#[from] CheckError),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// One inspection by id, compared with the check of its day.
pub fn inspection(
    db: &mut Db<'_>,
    id: i64,
    settings: Settings,
) -> Result<InspectionView, ViewError> {
    let Some(i) = pq::inspection_by_id(db, id)? else {
        return Err(ViewError::NotFound(id));
    };
    let c = check::check_units(db, &[i.unit_id], i.inspected_on, settings)?
        .pop()
        .ok_or(ViewError::NotFound(id))?;
    Ok(compare_visit(db, &i, &c)?)
}

/// One point of a unit's history.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct HistoryPoint {
    pub date: NaiveDate,
    pub system_percent: f64,
    pub required: usize,
    pub complete: usize,
    /// The inspector's completeness, on the days of inspections.
    pub inspected_percent: Option<f64>,
    pub inspection_id: Option<i64>,
}

/// A visit in a unit's list.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct VisitSummary {
    pub id: i64,
    pub date: NaiveDate,
    pub inspector: String,
    pub note: String,
    pub findings: usize,
    pub system_percent: f64,
    pub inspected_percent: Option<f64>,
    pub differ: usize,
    pub not_in_report: usize,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct History {
    pub unit: check::UnitView,
    pub visits: Vec<VisitSummary>,
    /// Oldest first: the end of each of the last twelve months the unit existed, and the day
    /// of each visit.
    pub points: Vec<HistoryPoint>,
}

fn month_end(d: NaiveDate) -> NaiveDate {
    let (y, m) = if d.month() == 12 {
        (d.year() + 1, 1)
    } else {
        (d.year(), d.month() + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1)
        .and_then(|n| n.pred_opt())
        .unwrap_or(d)
}

/// A unit's visits and its completeness over time.
pub fn history(
    db: &mut Db<'_>,
    code: &str,
    today: NaiveDate,
    settings: Settings,
) -> Result<History, ViewError> {
    let org = Org::load(db)?;
    let code = nfc(code.trim());
    let Some(u) = org.unit_by_code(&code).cloned() else {
        return Err(ViewError::Check(CheckError::UnknownUnit(code)));
    };
    let exists =
        |d: NaiveDate| u.valid_from.is_none_or(|f| f <= d) && u.valid_to.is_none_or(|t| d <= t);
    let last = u.valid_to.map_or(today, |t| t.min(today));
    let mut dates: BTreeSet<NaiveDate> = BTreeSet::new();
    let mut at = last;
    for _ in 0..12 {
        if exists(at) {
            dates.insert(at);
        }
        let Some(prev) =
            NaiveDate::from_ymd_opt(at.year(), at.month(), 1).and_then(|d| d.pred_opt())
        else {
            break;
        };
        at = month_end(prev);
    }
    let visits = pq::inspections_of(db, u.id)?;
    for v in &visits {
        if exists(v.inspected_on) {
            dates.insert(v.inspected_on);
        }
    }
    let mut checks: HashMap<NaiveDate, Completeness> = HashMap::new();
    for d in &dates {
        if let Some(c) = check::check_with(db, &org, &[u.id], *d, settings)?.pop() {
            checks.insert(*d, c);
        }
    }
    let mut summaries = Vec::new();
    let mut by_day: HashMap<NaiveDate, (Option<f64>, i64)> = HashMap::new();
    for v in &visits {
        let Some(c) = checks.get(&v.inspected_on) else {
            continue;
        };
        let view = compare_visit(db, v, c)?;
        by_day
            .entry(v.inspected_on)
            .or_insert((view.inspected_percent, v.id));
        summaries.push(VisitSummary {
            id: v.id,
            date: v.inspected_on,
            inspector: v.inspector.clone(),
            note: v.note.clone(),
            findings: view.rows.iter().filter(|r| r.inspector.is_some()).count(),
            system_percent: view.system_percent,
            inspected_percent: view.inspected_percent,
            differ: view.differ,
            not_in_report: view.not_in_report,
        });
    }
    let points = dates
        .iter()
        .filter_map(|d| {
            let c = checks.get(d)?;
            let (inspected, id) = by_day.get(d).copied().unzip();
            Some(HistoryPoint {
                date: *d,
                system_percent: (c.percent * 10.0).round() / 10.0,
                required: c.required,
                complete: c.complete,
                inspected_percent: inspected.flatten(),
                inspection_id: id,
            })
        })
        .collect();
    let unit = check::UnitView {
        id: u.id,
        code: u.code.clone(),
        name: u.name.clone(),
        level: u.level.clone(),
    };
    Ok(History {
        unit,
        visits: summaries,
        points,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn month_ends() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(month_end(d("2026-02-10")), d("2026-02-28"));
        assert_eq!(month_end(d("2025-12-01")), d("2025-12-31"));
        assert_eq!(parse_day("20/03/2026").unwrap(), d("2026-03-20"));
        assert!(matches!(
            parse_day("2026-13-01"),
            Err(InspectionError::BadDate(_))
        ));
    }
}
