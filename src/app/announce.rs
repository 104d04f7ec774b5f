//! An announcing decision (quyết định công bố thủ tục hành chính) entered in the browser: the
//! read models and use cases of `web::announce`. The decision (authority, number, date signed,
//! effective date) and its procedures — typed in the form's rows or read from the annex the
//! national procedures database exports (`procedures::announce`) — are checked against the
//! registry, then become `procedure` lines of the import format written by the one write path
//! (`exchange::write::write_records_then`: scope, validation, audit and outbox in one
//! transaction); the preview is that same write rolled back (`exchange::preview::preview_then`),
//! measuring how each unit's checklist changes from the effective date.
//!
//! The scope is checked here against the authority chosen in the form (an officer of a commune
//! cannot announce for the province's UBND), and again by the write path.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::app::AppState;
use crate::auth::Actor;
use crate::db::models::Authority;
use crate::db::procedures::{self as pq, ProcedureVersion};
use crate::db::{queries, Db, DbPool};
use crate::domain::kinds::UnitLevel;
use crate::domain::number::DocumentNumber;
use crate::domain::procedure::{self, Announcement, ProcedureCode};
use crate::domain::text::{date_vn, nfc};
use crate::error::AppError;
use crate::exchange::records::Record;
use crate::exchange::write::{WriteError, Writer};
use crate::jsonl::LineError;
use crate::procedures::announce::{self, AnnouncedRow, RowProblem};
use crate::procedures::check::{self, Settings};
use crate::procedures::records::{DecisionRef, ProcedureRecord};
use crate::registry::org::Org;

/// The largest annex file taken.
pub const ANNEX_LIMIT: usize = 5 * 1024 * 1024;

/// Rows of procedures the form offers to type.
pub const FORM_ROWS: usize = 6;

/// The name the write path and the audit trail give the form's records.
const SOURCE: &str = "cong-bo";

/// One row of procedures as typed in the form (all text, as posted).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormRow {
    pub code: String,
    pub name: String,
    pub field: String,
    /// `tinh`, `xa` (checkboxes).
    pub levels: Vec<String>,
    /// `new`, `amended`, `replaced`, `abolished`.
    pub kind: String,
    pub statutory_days: String,
    pub local_days: String,
    pub agency: String,
    /// «Địa chỉ nộp trực tuyến»: an https address, or blank.
    #[serde(default)]
    pub online_url: String,
}

impl FormRow {
    fn is_blank(&self) -> bool {
        [
            &self.code,
            &self.name,
            &self.field,
            &self.statutory_days,
            &self.local_days,
            &self.agency,
            &self.online_url,
        ]
        .iter()
        .all(|s| s.trim().is_empty())
    }
}

/// The decision as posted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionInput {
    pub authority: String,
    pub number: String,
    /// `2026-03-01` or `01/03/2026`.
    pub signed: String,
    /// Empty: the date signed.
    pub effective: String,
    pub rows: Vec<FormRow>,
}

/// A procedure of the decision once read (from the form or the file), as the preview carries
/// it to the confirmation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftRow {
    /// Where it was read: `Dòng 3 của biểu mẫu` / `Dòng 12 của tệp`.
    pub place: String,
    /// The row of the file (or form) it came from, for the line-numbered report.
    pub line: usize,
    pub from_file: bool,
    pub code: String,
    pub name: String,
    pub field: String,
    pub levels: Vec<String>,
    pub agency: String,
    pub statutory_days: Option<i64>,
    pub local_days: Option<i64>,
    pub kind: String,
    /// «Địa chỉ nộp trực tuyến» as given (checked with the row).
    #[serde(default)]
    pub online_url: String,
}

/// The decision with its procedures read: what the preview sends back to be confirmed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    pub authority: String,
    pub number: String,
    pub signed: String,
    pub effective: String,
    pub rows: Vec<DraftRow>,
}

/// An authority offered in the form (in the user's scope, province or commune level).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuthorityChoice {
    pub code: String,
    pub name: String,
}

/// A problem, beside a field of the form (`authority`, `number`, `signed`, `effective`,
/// `rows`, `file`) or on a row (`line`, in the file or the form).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub field: &'static str,
    /// The row of the file (`from_file`) or of the form; 0 for the decision's own fields.
    pub line: usize,
    pub from_file: bool,
    pub message: String,
}

impl Problem {
    fn field(field: &'static str, message: impl Into<String>) -> Problem {
        Problem {
            field,
            line: 0,
            from_file: false,
            message: message.into(),
        }
    }

    fn row(r: &DraftRow, message: impl Into<String>) -> Problem {
        Problem {
            field: "rows",
            line: r.line,
            from_file: r.from_file,
            message: format!("{}: {}", r.place, message.into()),
        }
    }

    fn file(p: RowProblem) -> Problem {
        let message = if p.line == 0 {
            format!("Tệp: {}", p.message)
        } else {
            format!("Dòng {} của tệp: {}", p.line, p.message)
        };
        Problem {
            field: "file",
            line: p.line,
            from_file: true,
            message,
        }
    }
}

/// One procedure as the preview lists it.
#[derive(Debug, Clone, Serialize)]
pub struct PlannedItem {
    pub code: String,
    pub name: String,
    pub field: String,
    pub levels: Vec<&'static str>,
    pub kind: &'static str,
    pub kind_label: &'static str,
    pub statutory_days: Option<i64>,
    pub local_days: Option<i64>,
    pub place: String,
    /// The version it supersedes (current for the province on the effective date).
    pub supersedes: Option<String>,
    /// The row gave only the code: the rest was taken from the current version.
    pub filled_from_current: bool,
    /// Where it is submitted online (given by the row, or kept from the current version).
    pub online_url: Option<String>,
}

/// How a unit's checklist changes from the effective date.
#[derive(Debug, Clone, Serialize)]
pub struct UnitChange {
    pub code: String,
    pub name: String,
    pub gained: Vec<String>,
    pub lost: Vec<String>,
}

/// What the preview shows.
#[derive(Debug, Clone, Serialize)]
pub struct Preview {
    pub authority_name: String,
    pub number: String,
    pub signed_vn: String,
    pub effective_vn: String,
    /// Grouped by kind, in the order new, amended, replaced, abolished.
    pub groups: Vec<(String, Vec<PlannedItem>)>,
    pub units: Vec<UnitChange>,
    pub units_gaining: usize,
    pub units_losing: usize,
    /// The draft, as JSON, for the confirmation.
    pub draft_json: String,
    pub warnings: Vec<String>,
}

/// How a refusal is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefusalKind {
    /// 422: the form is shown again with the problems beside their fields.
    Invalid,
    /// 415: the file is not a spreadsheet.
    NotSpreadsheet,
    /// 403: an authority outside the writer's units (the reason beside the authority).
    Forbidden,
}

/// The form again, with its problems.
#[derive(Debug, Clone)]
pub struct Refusal {
    pub kind: RefusalKind,
    pub problems: Vec<Problem>,
}

impl Refusal {
    fn invalid(problems: Vec<Problem>) -> Refusal {
        Refusal {
            kind: RefusalKind::Invalid,
            problems,
        }
    }
}

/// The authorities `w` may announce for: in their units, of a province or a commune.
pub fn choices(db: &mut Db<'_>, w: &Writer) -> Result<Vec<AuthorityChoice>, AppError> {
    let org = Org::load(db)?;
    let mut out: Vec<AuthorityChoice> = org
        .authorities
        .values()
        .filter(|a| in_scope(w, a))
        .filter(|a| {
            matches!(
                org.authority_level(a.id),
                Some(UnitLevel::Tinh | UnitLevel::Xa)
            )
        })
        .map(|a| AuthorityChoice {
            code: a.code.clone(),
            name: a.name.clone(),
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.code.cmp(&b.code)));
    Ok(out)
}

fn in_scope(w: &Writer, a: &Authority) -> bool {
    match &w.units {
        None => true,
        Some(units) => a.unit_id.is_some_and(|u| units.contains(&u)),
    }
}

/// The authorities offered to `actor`.
pub async fn form_choices(
    state: &AppState,
    actor: Actor,
) -> Result<Vec<AuthorityChoice>, AppError> {
    crate::app::on_pool(state, move |db| {
        let w = crate::app::writer(db, &actor)?;
        choices(db, &w)
    })
    .await
}

/// A date as the form sends it (`2026-03-01`) or as typed (`01/03/2026`).
fn date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .ok()
        .or_else(|| crate::domain::text::parse_date_vn(s.trim()).ok())
}

/// Reads the annex file: a spreadsheet (XLSX or CSV) within the register's bounds.
pub fn read_annex(bytes: &[u8]) -> Result<Vec<AnnouncedRow>, Refusal> {
    use crate::review::register::{read_file_within, Cell, FileError};
    let not_spreadsheet = |m: &str| Refusal {
        kind: RefusalKind::NotSpreadsheet,
        problems: vec![Problem::field("file", m)],
    };
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(Refusal::invalid(vec![Problem::field(
            "file",
            "Tệp trống: không có dòng nào.",
        )]));
    }
    const NOT_SHEET: &str =
        "Tệp không phải bảng tính: hãy gửi tệp XLSX hoặc CSV (UTF-8) xuất từ Cơ sở dữ liệu quốc gia về thủ tục hành chính.";
    let is_zip = bytes.starts_with(b"PK\x03\x04");
    if (is_zip && !bytes.windows(3).any(|w| w == b"xl/"))
        || bytes.starts_with(b"%PDF")
        || (!is_zip && !bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) && bytes.contains(&0))
    {
        return Err(not_spreadsheet(NOT_SHEET));
    }
    let grids = match read_file_within(bytes, &crate::spreadsheet::bounds::REGISTER) {
        Ok(g) => g,
        Err(FileError::LegacyXls) => {
            return Err(not_spreadsheet(
                "Tệp .xls (Excel 97–2003) không được hỗ trợ: hãy lưu lại dưới dạng .xlsx hoặc CSV UTF-8.",
            ))
        }
        Err(FileError::NotUtf8(_)) if !is_zip => return Err(not_spreadsheet(NOT_SHEET)),
        Err(e) => {
            return Err(Refusal::invalid(vec![Problem::field(
                "file",
                format!("{e}."),
            )]))
        }
    };
    let text = |c: &Cell| match c {
        Cell::Empty => String::new(),
        Cell::Text(s) => s.trim().to_string(),
        Cell::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
        Cell::Number(n) => n.to_string(),
        Cell::Date(d) => date_vn(*d),
    };
    // The first sheet that has a header; else the first sheet's problems.
    let mut first_problems = None;
    for grid in &grids {
        let rows: Vec<(usize, Vec<String>)> = grid
            .iter()
            .map(|(n, cells)| (*n, cells.iter().map(text).collect()))
            .collect();
        match announce::rows_of(&rows) {
            Ok(r) => return Ok(r),
            Err(p) => {
                first_problems.get_or_insert(p);
            }
        }
    }
    Err(Refusal::invalid(
        first_problems
            .unwrap_or_else(|| {
                vec![RowProblem {
                    line: 0,
                    message: "tệp trống: không có dòng nào".into(),
                }]
            })
            .into_iter()
            .map(Problem::file)
            .collect(),
    ))
}

/// The decision and its procedures, from the form and the file (rows of both are taken).
pub fn draft_of(input: &DecisionInput, file: Option<&[u8]>) -> Result<Draft, Refusal> {
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    for (i, r) in input.rows.iter().enumerate() {
        if r.is_blank() {
            continue;
        }
        let place = format!("Dòng {} của biểu mẫu", i + 1);
        let mut days = |s: &str| match announce::parse_days(s) {
            Ok(d) => d,
            Err(e) => {
                problems.push(Problem {
                    field: "rows",
                    line: i + 1,
                    from_file: false,
                    message: format!("{place}: {e}"),
                });
                None
            }
        };
        let statutory_days = days(&r.statutory_days);
        let local_days = days(&r.local_days).or(statutory_days);
        rows.push(DraftRow {
            place,
            line: i + 1,
            from_file: false,
            code: nfc(r.code.trim()),
            name: nfc(r.name.trim()),
            field: nfc(r.field.trim()),
            levels: r.levels.iter().map(|l| l.trim().to_string()).collect(),
            agency: nfc(r.agency.trim()),
            statutory_days,
            local_days,
            kind: r.kind.trim().to_string(),
            online_url: r.online_url.trim().to_string(),
        });
    }
    if let Some(bytes) = file {
        let read = read_annex(bytes)?;
        for r in read {
            rows.push(DraftRow {
                place: format!("Dòng {} của tệp", r.line),
                line: r.line,
                from_file: true,
                code: r.code,
                name: r.name,
                field: r.field,
                levels: r.levels.iter().map(|l| l.code().to_string()).collect(),
                agency: r.agency,
                statutory_days: r.statutory_days,
                local_days: r.local_days,
                kind: r.kind.map(|k| k.code().to_string()).unwrap_or_default(),
                online_url: r.online_url,
            });
        }
    }
    if !problems.is_empty() {
        return Err(Refusal::invalid(problems));
    }
    Ok(Draft {
        authority: input.authority.trim().to_string(),
        number: nfc(input.number.trim()),
        signed: input.signed.trim().to_string(),
        effective: input.effective.trim().to_string(),
        rows,
    })
}

/// The decision checked: what the records are made of.
struct Plan {
    authority: Authority,
    authority_name: String,
    number: String,
    signed: NaiveDate,
    effective: Option<NaiveDate>,
    /// The province whose checklists the decision changes.
    province: Option<String>,
    items: Vec<(DraftRow, PlannedItem, ProcedureRecord)>,
}

impl Plan {
    fn current_from(&self) -> NaiveDate {
        procedure::announced_from(self.signed, self.effective)
    }
}

/// The province of an authority (its unit's, up the parent chain) and every authority that
/// announces for it: of the province, the units it took over and the units in it.
fn province_authorities(org: &Org, a: &Authority) -> (Option<i64>, Vec<i64>) {
    let Some(p) = a
        .unit_id
        .and_then(|u| crate::procedures::write::province_of(&org.units, u))
    else {
        return (None, vec![a.id]);
    };
    let mut units: HashSet<i64> = org.all_unit_predecessors(p).into_iter().collect();
    units.insert(p);
    let ids = org
        .authorities
        .values()
        .filter(|x| {
            x.unit_id.is_some_and(|u| {
                units.contains(&u)
                    || crate::procedures::write::province_of(&org.units, u) == Some(p)
            })
        })
        .map(|x| x.id)
        .collect();
    (Some(p), ids)
}

/// The decision's own fields checked (authority in the writer's scope, number, dates), each
/// problem beside its field; an authority outside the writer's units is a 403.
fn decision_fields(
    db: &mut Db<'_>,
    w: &Writer,
    d: &Draft,
    problems: &mut Vec<Problem>,
) -> Result<DecisionFields, AppError> {
    let authority = queries::authority_by_code(db, &nfc(d.authority.trim()))?;
    let offered = choices(db, w)?;
    let authority = match authority {
        None => {
            problems.push(Problem::field(
                "authority",
                "Chọn cơ quan ban hành quyết định công bố.",
            ));
            None
        }
        Some(a) if !in_scope(w, &a) => {
            return Err(AppError::Forbidden(format!(
                "Tài khoản không được công bố thủ tục hành chính thay cho {}: cơ quan không thuộc đơn vị hành chính được phân công.",
                a.name
            )))
        }
        Some(a) if !offered.iter().any(|c| c.code == a.code) => {
            problems.push(Problem::field(
                "authority",
                format!(
                    "{} không công bố thủ tục hành chính: chọn cơ quan cấp tỉnh hoặc cấp xã.",
                    a.name
                ),
            ));
            None
        }
        Some(a) => Some(a),
    };
    let number = match DocumentNumber::parse(&d.number) {
        Ok(n) => Some(n),
        Err(e) => {
            problems.push(Problem::field(
                "number",
                format!("Số quyết định không hợp lệ: {e}."),
            ));
            None
        }
    };
    let signed = date(&d.signed);
    if signed.is_none() {
        problems.push(Problem::field(
            "signed",
            "Nhập ngày ký (ngày/tháng/năm) của quyết định.",
        ));
    }
    let effective = if d.effective.trim().is_empty() {
        None
    } else {
        match date(&d.effective) {
            Some(e) => Some(e),
            None => {
                problems.push(Problem::field(
                    "effective",
                    "Ngày có hiệu lực không hợp lệ: chọn ngày, hoặc để trống nếu có hiệu lực từ ngày ký.",
                ));
                None
            }
        }
    };
    if let (Some(s), Some(e)) = (signed, effective) {
        if let Err(m) = procedure::check_effective(s, Some(e)) {
            problems.push(Problem::field("effective", format!("Không hợp lệ: {m}.")));
        }
    }
    if d.rows.is_empty() {
        problems.push(Problem::field(
            "rows",
            "Quyết định chưa có thủ tục nào: nhập ít nhất một dòng, hoặc chọn tệp danh mục thủ tục.",
        ));
    }
    Ok((authority, number, signed, effective))
}

/// The authority, number, date signed and effective date, where they could be read.
type DecisionFields = (
    Option<Authority>,
    Option<DocumentNumber>,
    Option<NaiveDate>,
    Option<NaiveDate>,
);

/// Checks the draft against the registry; an authority outside the writer's units is a 403.
fn plan(db: &mut Db<'_>, w: &Writer, d: &Draft) -> Result<Result<Plan, Refusal>, AppError> {
    let mut problems = Vec::new();
    let org = Org::load(db)?;
    let (authority, number, signed, effective) = match decision_fields(db, w, d, &mut problems) {
        // Beside the authority, on the form shown again (403).
        Err(AppError::Forbidden(m)) => {
            return Ok(Err(Refusal {
                kind: RefusalKind::Forbidden,
                problems: vec![Problem::field("authority", m)],
            }))
        }
        fields => fields?,
    };
    let (Some(authority), Some(number), Some(signed)) = (authority, number, signed) else {
        return Ok(Err(Refusal::invalid(problems)));
    };
    let from = procedure::announced_from(signed, effective);
    let (province, announcing) = province_authorities(&org, &authority);
    let key = number.key();
    // The current version of each procedure for the province on the effective date, this
    // decision's own versions (a decision sent again) left out.
    let mut current: BTreeMap<i64, ProcedureVersion> = BTreeMap::new();
    for v in pq::versions_announced_by(db, &announcing, from)? {
        if v.decision_authority_id == authority.id && v.decision_number_key == key {
            continue;
        }
        current.insert(v.procedure_id, v);
    }
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    let mut items = Vec::new();
    let ctx = RowContext {
        org: &org,
        current: &current,
        decision: DecisionRef {
            authority: authority.code.clone(),
            number: number.as_str().to_string(),
            date: Some(signed),
            effective_on: effective,
        },
    };
    for r in &d.rows {
        if let Some(item) = plan_row(db, &ctx, r, &mut seen, &mut problems)? {
            items.push(item);
        }
    }
    problems.extend(number_used(db, &authority, &key, d, signed, effective)?);
    if !problems.is_empty() {
        return Ok(Err(Refusal::invalid(problems)));
    }
    let province = province
        .and_then(|p| org.units.get(&p))
        .map(|u| u.code.clone());
    Ok(Ok(Plan {
        authority_name: authority.name.clone(),
        authority,
        number: number.as_str().to_string(),
        signed,
        effective,
        province,
        items,
    }))
}

/// The row's code and kind: a valid code, not given twice, and a known kind.
fn code_and_kind(
    r: &DraftRow,
    seen: &mut BTreeMap<String, String>,
) -> Result<(ProcedureCode, Announcement), Problem> {
    let code = match ProcedureCode::parse(&r.code) {
        Ok(c) => c,
        Err(e) => return Err(Problem::row(r, format!("mã thủ tục không hợp lệ: {e}"))),
    };
    if let Some(first) = seen.get(code.as_str()) {
        return Err(Problem::row(
            r,
            format!(
                "mã thủ tục {code} trùng với {}: mỗi thủ tục chỉ một dòng trong một quyết định",
                first.to_lowercase()
            ),
        ));
    }
    seen.insert(code.as_str().to_string(), r.place.clone());
    let Some(kind) = announce::kind_word(&r.kind) else {
        return Err(Problem::row(
            r,
            if r.kind.trim().is_empty() {
                "thiếu hình thức công bố (Mới ban hành; Sửa đổi, bổ sung; Thay thế; Bãi bỏ)"
                    .to_string()
            } else {
                format!(
                    "hình thức công bố «{}» không hợp lệ (Mới ban hành; Sửa đổi, bổ sung; Thay thế; Bãi bỏ)",
                    r.kind
                )
            },
        ));
    };
    Ok((code, kind))
}

/// The record of a row as typed (filled from the current version afterwards if need be).
fn record_of(
    code: &ProcedureCode,
    r: &DraftRow,
    kind: Announcement,
    decision: &DecisionRef,
) -> ProcedureRecord {
    ProcedureRecord {
        code: code.as_str().to_string(),
        name: r.name.clone(),
        field: r.field.clone(),
        levels: r.levels.clone(),
        agency: r.agency.clone(),
        applicants: String::new(),
        steps: String::new(),
        channels: Vec::new(),
        dossier: Vec::new(),
        statutory_days: r.statutory_days,
        local_days: r.local_days,
        fees: Vec::new(),
        result: String::new(),
        conditions: String::new(),
        legal_basis: Vec::new(),
        online_level: None,
        one_stop: None,
        decision: decision.clone(),
        announcement: kind.code().to_string(),
        online_url: None,
    }
}

/// Why a kind does not fit the procedure's current version in the province (its decision,
/// `None` when there is none or it is abolished): a new procedure already current, or an
/// amended, replaced or abolished one with nothing current.
fn against_current(
    code: &ProcedureCode,
    kind: Announcement,
    now: Option<String>,
) -> Option<String> {
    match (kind, now) {
        (Announcement::New, Some(v)) => Some(format!(
            "thủ tục {code} đã được công bố theo {v} và đang áp dụng: chọn «Sửa đổi, bổ sung» (hoặc «Thay thế») thay cho «Mới ban hành»"
        )),
        (Announcement::New, None) => None,
        (_, Some(_)) => None,
        (_, None) => Some(format!(
            "thủ tục {code} chưa có phiên bản đang áp dụng tại tỉnh theo một quyết định công bố trước: không thể {}; nếu là thủ tục mới, chọn «Mới ban hành»",
            match kind {
                Announcement::Abolished => "bãi bỏ",
                Announcement::Replaced => "thay thế",
                _ => "sửa đổi, bổ sung",
            }
        )),
    }
}

/// What every row is checked against.
struct RowContext<'a> {
    org: &'a Org,
    /// The current version of each procedure for the province on the effective date.
    current: &'a BTreeMap<i64, ProcedureVersion>,
    decision: DecisionRef,
}

/// One row checked against the registry (code, kind, current version, what it must give),
/// its record made; `None` when it has a problem (pushed to `problems`).
fn plan_row(
    db: &mut Db<'_>,
    ctx: &RowContext<'_>,
    r: &DraftRow,
    seen: &mut BTreeMap<String, String>,
    problems: &mut Vec<Problem>,
) -> Result<Option<(DraftRow, PlannedItem, ProcedureRecord)>, AppError> {
    let current = ctx.current;
    let authority_name = |id: i64| ctx.org.authority_name(id);
    let (code, kind) = match code_and_kind(r, seen) {
        Ok(ck) => ck,
        Err(p) => {
            problems.push(p);
            return Ok(None);
        }
    };
    let existing = pq::procedure_by_code(db, code.as_str())?;
    let now = existing
        .as_ref()
        .and_then(|p| current.get(&p.id))
        .filter(|v| !v.is_abolished());
    let decision_of = |v: &ProcedureVersion| {
        format!(
            "Quyết định {} ngày {} của {}",
            v.decision_number,
            date_vn(v.decision_date),
            authority_name(v.decision_authority_id)
        )
    };
    if let Some(m) = against_current(&code, kind, now.map(decision_of)) {
        problems.push(Problem::row(r, m));
        return Ok(None);
    }
    let online_url = match crate::domain::contact::online_address(&r.online_url) {
        Ok(Some(_)) if kind == Announcement::Abolished => {
            problems.push(Problem::row(
                r,
                "thủ tục bị bãi bỏ không nhận hồ sơ trực tuyến: để trống ô «Địa chỉ nộp trực tuyến»",
            ));
            return Ok(None);
        }
        Ok(url) => url,
        Err(e) => {
            problems.push(Problem::row(
                r,
                format!("«Địa chỉ nộp trực tuyến» không hợp lệ: {e}"),
            ));
            return Ok(None);
        }
    };
    let fill = now.filter(|_| r.name.is_empty() && kind != Announcement::New);
    let mut rec = record_of(&code, r, kind, &ctx.decision);
    rec.online_url = online_url;
    if let Some(v) = fill {
        fill_from(&mut rec, v, kind).map_err(crate::db::DbError::from)?;
    }
    // An address to submit at and no level known (a procedure typed in full): submitted
    // online at least in part (Nghị định 42/2022/NĐ-CP), so the procedure page shows it.
    if rec.online_url.is_some()
        && rec.online_level.is_none()
        && ctx
            .decision
            .date
            .is_some_and(|d| d >= procedure::online_levels_change())
    {
        rec.online_level = Some(procedure::OnlineLevel::Partial.code().to_string());
    }
    if rec.name.is_empty() {
        problems.push(Problem::row(r, "thiếu tên thủ tục"));
        return Ok(None);
    }
    if kind != Announcement::Abolished {
        if rec.levels.is_empty() {
            problems.push(Problem::row(r, "thiếu cấp thực hiện (Cấp tỉnh, Cấp xã)"));
            return Ok(None);
        }
        if rec.statutory_days.is_none() {
            problems.push(Problem::row(
                r,
                "thiếu thời hạn giải quyết (số ngày làm việc)",
            ));
            return Ok(None);
        }
    }
    let levels = rec
        .levels
        .iter()
        .filter_map(|l| UnitLevel::parse(l).map(UnitLevel::label))
        .collect();
    Ok(Some((
        r.clone(),
        PlannedItem {
            code: rec.code.clone(),
            name: rec.name.clone(),
            field: rec.field.clone(),
            levels,
            kind: kind.code(),
            kind_label: kind.label(),
            statutory_days: rec.statutory_days,
            local_days: rec.local_days,
            place: r.place.clone(),
            supersedes: now.map(decision_of),
            filled_from_current: fill.is_some(),
            online_url: rec.online_url.clone(),
        },
        rec,
    )))
}

/// The decision's number, when this authority already used it for an announcement with other
/// procedures or dates (a decision sent again with the same content is not a problem).
fn number_used(
    db: &mut Db<'_>,
    authority: &Authority,
    key: &str,
    d: &Draft,
    signed: NaiveDate,
    effective: Option<NaiveDate>,
) -> Result<Option<Problem>, AppError> {
    let stored = pq::versions_of_decision(db, authority.id, key)?;
    if let Some(first) = stored.first() {
        let mut stored_codes = BTreeSet::new();
        for v in &stored {
            if let Some(p) = pq::procedures_by_ids(db, &[v.procedure_id])?.first() {
                stored_codes.insert(p.code.clone());
            }
        }
        let sent: BTreeSet<String> = d
            .rows
            .iter()
            .filter_map(|r| ProcedureCode::parse(&r.code).ok())
            .map(|c| c.as_str().to_string())
            .collect();
        if stored_codes != sent
            || first.decision_date != signed
            || first.decision_effective_on != effective
        {
            return Ok(Some(Problem::field(
                "number",
                format!(
                    "Số {} đã dùng cho quyết định công bố ngày {} của {} ({} thủ tục) với nội dung khác: một quyết định đã ghi không bị ghi đè — kiểm tra lại số quyết định.",
                    first.decision_number,
                    date_vn(first.decision_date),
                    authority.name,
                    stored_codes.len()
                ),
            )));
        }
    }
    Ok(None)
}

/// An amended, replaced or abolished procedure given by its code only: the rest as the current
/// version has it.
fn fill_from(
    rec: &mut ProcedureRecord,
    v: &ProcedureVersion,
    kind: Announcement,
) -> Result<(), crate::db::stored::Corrupt> {
    rec.name = v.name.clone();
    if rec.field.is_empty() {
        rec.field = v.field.clone();
    }
    if rec.levels.is_empty() {
        rec.levels = v
            .levels_stored()?
            .iter()
            .map(|l| l.code().to_string())
            .collect();
    }
    if rec.agency.is_empty() {
        rec.agency = v.agency.clone();
    }
    rec.applicants = v.applicants.clone();
    rec.steps = v.steps.clone();
    rec.channels = v
        .channels_stored()?
        .iter()
        .map(|c| c.code().to_string())
        .collect();
    rec.dossier = v.dossier_stored()?;
    rec.fees = v.fees_stored()?;
    rec.result = v.result.clone();
    rec.conditions = v.conditions.clone();
    rec.one_stop = Some(v.one_stop.clone());
    if kind == Announcement::Abolished {
        // An abolished procedure keeps no time or online level of its own.
        rec.statutory_days = None;
        rec.local_days = None;
    } else {
        rec.online_level = Some(v.online_level.clone());
        // The online address stays where it was unless the row gives another.
        if rec.online_url.is_none() {
            rec.online_url = v.online_url.clone();
        }
        if rec.statutory_days.is_none() {
            rec.statutory_days = Some(i64::from(v.statutory_days));
            rec.local_days = Some(i64::from(v.local_days));
        }
    }
    Ok(())
}

/// The records as the JSON Lines body the write path takes.
fn body(plan: &Plan) -> Result<Vec<u8>, AppError> {
    let records: Vec<Record> = plan
        .items
        .iter()
        .map(|(_, _, r)| Record::Procedure(Box::new(r.clone())))
        .collect();
    crate::app::counter::jsonl(&records)
}

/// The write path's line errors put back on the rows (line `n` is the `n`-th item).
fn on_rows(plan: &Plan, lines: Vec<LineError>) -> Refusal {
    Refusal::invalid(
        lines
            .into_iter()
            .map(
                |l| match l.line.checked_sub(1).and_then(|i| plan.items.get(i)) {
                    Some((r, _, _)) => Problem::row(r, l.message),
                    None => Problem::field("rows", l.message),
                },
            )
            .collect(),
    )
}

/// The required procedures of every unit of the province on `date`, by unit.
type Checklists = BTreeMap<String, (String, BTreeSet<String>)>;

fn checklists(
    db: &mut Db<'_>,
    province: Option<&str>,
    date: NaiveDate,
) -> Result<Checklists, WriteError> {
    let Some(p) = province else {
        return Ok(BTreeMap::new());
    };
    let all = match check::check_province(db, p, date, Settings::default()) {
        Ok(a) => a,
        Err(check::CheckError::Db(e)) => return Err(WriteError::Db(e)),
        // A province that does not exist on the date: no checklist to change.
        Err(_) => return Ok(BTreeMap::new()),
    };
    Ok(all
        .into_iter()
        .map(|c| {
            (
                c.unit.code.clone(),
                (
                    c.unit.name.clone(),
                    c.items.iter().map(|i| i.code.clone()).collect(),
                ),
            )
        })
        .collect())
}

/// What happens to a refused write.
fn refused(plan: &Plan, e: WriteError) -> Result<Refusal, AppError> {
    Ok(match e {
        WriteError::Invalid(lines) => on_rows(plan, lines),
        WriteError::Conflict(lines) => on_rows(
            plan,
            lines
                .into_iter()
                .map(crate::exchange::write::ConflictLine::into_line_error)
                .collect(),
        ),
        WriteError::Forbidden(lines) => {
            return Err(AppError::Forbidden(
                lines
                    .into_iter()
                    .map(|l| l.message)
                    .collect::<Vec<_>>()
                    .join("; "),
            ))
        }
        WriteError::Db(e) => return Err(AppError::Db(e)),
    })
}

/// The preview of `draft` written by `actor`: the write rolled back.
fn preview_draft(
    pool: &DbPool,
    w: &Writer,
    draft: &Draft,
) -> Result<Result<Preview, Refusal>, AppError> {
    let plan = {
        let mut conn = pool.get()?;
        let mut db = conn.db();
        match plan(&mut db, w, draft)? {
            Ok(p) => p,
            Err(r) => return Ok(Err(r)),
        }
    };
    let from = plan.current_from();
    let province = plan.province.clone();
    let measured = crate::exchange::preview::preview_then(
        pool,
        w,
        SOURCE,
        &body(&plan)?,
        |db| checklists(db, province.as_deref(), from),
        |db, before, report| {
            Ok((
                before,
                checklists(db, province.as_deref(), from)?,
                report.warnings.clone(),
            ))
        },
    );
    let (before, after, warnings) = match measured {
        Ok(m) => m,
        Err(e) => return Ok(Err(refused(&plan, e)?)),
    };
    let mut units = Vec::new();
    for (code, (name, now)) in &after {
        let was = before.get(code).map(|(_, s)| s.clone()).unwrap_or_default();
        let gained: Vec<String> = now.difference(&was).cloned().collect();
        let lost: Vec<String> = was.difference(now).cloned().collect();
        if !gained.is_empty() || !lost.is_empty() {
            units.push(UnitChange {
                code: code.clone(),
                name: name.clone(),
                gained,
                lost,
            });
        }
    }
    let mut groups = Vec::new();
    for kind in [
        Announcement::New,
        Announcement::Amended,
        Announcement::Replaced,
        Announcement::Abolished,
    ] {
        let items: Vec<PlannedItem> = plan
            .items
            .iter()
            .filter(|(_, i, _)| i.kind == kind.code())
            .map(|(_, i, _)| i.clone())
            .collect();
        if !items.is_empty() {
            groups.push((kind.label().to_string(), items));
        }
    }
    let draft_json =
        serde_json::to_string(draft).map_err(|e| AppError::internal("ghi bản nháp", e))?;
    Ok(Ok(Preview {
        authority_name: plan.authority_name.clone(),
        number: plan.number.clone(),
        signed_vn: date_vn(plan.signed),
        effective_vn: date_vn(from),
        groups,
        units_gaining: units.iter().filter(|u| !u.gained.is_empty()).count(),
        units_losing: units.iter().filter(|u| !u.lost.is_empty()).count(),
        units,
        draft_json,
        warnings: warnings.into_iter().map(|l| l.message).collect(),
    }))
}

/// Previews the decision posted (form and file) as `actor`.
pub async fn preview(
    state: &AppState,
    actor: Actor,
    input: DecisionInput,
    file: Option<Vec<u8>>,
) -> Result<Result<Preview, Refusal>, AppError> {
    let pool = state.pool.clone();
    actix_web::web::block(move || {
        let draft = match draft_of(&input, file.as_deref()) {
            Ok(d) => d,
            Err(r) => return Ok(Err(r)),
        };
        let w = {
            let mut conn = pool.get()?;
            crate::app::writer(&mut conn.db(), &actor)?
        };
        preview_draft(&pool, &w, &draft)
    })
    .await?
}

/// Where a saved decision is listed.
pub fn decision_url(authority: &str, number: &str) -> String {
    let enc = |s: &str| {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect::<String>()
    };
    format!(
        "/procedures/cong-bo?co_quan={}&so={}",
        enc(authority),
        enc(number)
    )
}

/// Saves the draft the preview sent back (checked again in full) as `actor`: the address of
/// the decision's page, or the refusal.
pub async fn confirm(
    state: &AppState,
    actor: Actor,
    draft_json: String,
) -> Result<Result<String, (Draft, Refusal)>, AppError> {
    let draft: Draft = serde_json::from_str(&draft_json).map_err(|_| {
        AppError::Unprocessable(
            "Bản xem trước gửi lại không đọc được: hãy nhập lại quyết định.".into(),
        )
    })?;
    let pool = state.pool.clone();
    actix_web::web::block(move || {
        let w = {
            let mut conn = pool.get()?;
            crate::app::writer(&mut conn.db(), &actor)?
        };
        let plan = {
            let mut conn = pool.get()?;
            let mut db = conn.db();
            match plan(&mut db, &w, &draft)? {
                Ok(p) => p,
                Err(r) => return Ok(Err((draft, r))),
            }
        };
        let written =
            crate::exchange::write::write_records_then(&pool, &w, SOURCE, &body(&plan)?, |_, _| {
                Ok::<(), WriteError>(())
            });
        match written {
            Ok(_) => Ok(Ok(decision_url(&plan.authority.code, &plan.number))),
            Err(e) => Ok(Err((draft, refused(&plan, e)?))),
        }
    })
    .await?
}

/// One procedure of a decision's page.
#[derive(Debug, Clone, Serialize)]
pub struct DecisionLine {
    pub code: String,
    pub name: String,
    pub field: String,
    pub kind_label: &'static str,
    pub levels: Vec<&'static str>,
    pub statutory_days: i32,
    pub local_days: i32,
}

/// A decision's page: the procedures it announced.
#[derive(Debug, Clone, Serialize)]
pub struct DecisionPage {
    pub authority_code: String,
    pub authority_name: String,
    pub number: String,
    /// The page's own address.
    pub url: String,
    pub signed_vn: String,
    pub effective_vn: Option<String>,
    pub lines: Vec<DecisionLine>,
}

/// The procedures announced by the decision `number` of `authority`.
pub async fn decision_page(
    state: &AppState,
    authority: String,
    number: String,
) -> Result<DecisionPage, AppError> {
    crate::app::on_pool(state, move |db| {
        let not_found = || {
            AppError::NotFound(format!(
                "Không tìm thấy quyết định công bố {number} của cơ quan «{authority}»."
            ))
        };
        let a = queries::authority_by_code(db, &nfc(authority.trim()))?.ok_or_else(not_found)?;
        let key = DocumentNumber::parse(&number)
            .map_err(|_| not_found())?
            .key();
        let versions = pq::versions_of_decision(db, a.id, &key)?;
        let first = versions.first().ok_or_else(not_found)?.clone();
        let ids: Vec<i64> = versions.iter().map(|v| v.procedure_id).collect();
        let codes: BTreeMap<i64, String> = pq::procedures_by_ids(db, &ids)?
            .into_iter()
            .map(|p| (p.id, p.code))
            .collect();
        let mut lines = Vec::new();
        for v in &versions {
            lines.push(DecisionLine {
                code: codes.get(&v.procedure_id).cloned().unwrap_or_default(),
                name: v.name.clone(),
                field: v.field.clone(),
                kind_label: v.announcement_kind().map_or("", Announcement::label),
                levels: v
                    .levels_stored()
                    .map_err(crate::db::DbError::from)?
                    .into_iter()
                    .map(UnitLevel::label)
                    .collect(),
                statutory_days: v.statutory_days,
                local_days: v.local_days,
            });
        }
        lines.sort_by(|x, y| x.code.cmp(&y.code));
        Ok(DecisionPage {
            authority_code: a.code.clone(),
            authority_name: a.name.clone(),
            number: first.decision_number.clone(),
            url: decision_url(&a.code, &first.decision_number),
            signed_vn: date_vn(first.decision_date),
            effective_vn: first
                .decision_effective_on
                .filter(|e| *e != first.decision_date)
                .map(date_vn),
            lines,
        })
    })
    .await
}
