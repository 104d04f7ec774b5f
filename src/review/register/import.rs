//! Importing a register into a campaign: every row checked and applied in its own savepoint,
//! all or nothing; approvals are never imported.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDateTime;
use serde::Serialize;

use super::super::campaigns;
use super::super::decisions::{self, Decision, DecisionError, Person, Proposal, StageInput};
use super::*;
use crate::db::{queries, Db, DbError};
use crate::domain::number::DocumentNumber;
use crate::domain::review::{DecisionKind, DecisionState};
use crate::domain::structure::display_reference;
use crate::domain::text::date_vn;

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
            role: u.role.as_str().to_string(),
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
#[allow(clippy::too_many_lines)] // still to split (issue 14): the one exception of its file
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
                let candidates = crate::db::campaigns::documents_numbered(db, &h.key())?;
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
