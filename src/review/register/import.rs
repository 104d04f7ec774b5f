//! Importing a register into a campaign: every row checked and applied in its own savepoint,
//! all or nothing; approvals are never imported.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDateTime;
use serde::Serialize;

use super::super::campaigns;
use super::super::decisions::{self, Decision, DecisionError, Person, Proposal, StageInput};
use super::*;
use crate::auth::roles::Role;
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
    role: Role,
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
            role: u.role,
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
    roles: &[Role],
    what: &str,
) -> Result<&'a Named, String> {
    match people.get(&words(name)).map(Vec::as_slice) {
        None | Some([]) => Err(format!("không có tài khoản nào tên «{name}»")),
        Some([one]) if roles.contains(&one.role) => Ok(one),
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
    let (grid, layout) = first_sheet(grids)?;
    let mut report = Report {
        campaign_id: campaign,
        dry_run,
        ignored_columns: layout.ignored.clone(),
        ..Report::default()
    };
    let mut errors: Vec<RowError> = Vec::new();
    let inputs = read_rows(grid, &layout, &mut report, &mut errors);
    let mut campaign_state = Campaign::load(db, campaign)?;
    for input in &inputs {
        let row = input.row;
        let (document, label, officer) = match campaign_state.resolve(input) {
            Ok(found) => found,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let mut done = Applied::default();
        // Each row in its own savepoint, so that a refused row leaves nothing behind and the
        // following rows are still checked.
        let outcome = db.savepoint(|db| {
            let mut row_import = RowImport {
                who,
                campaign,
                input,
                document,
                officer: officer.as_ref(),
                now,
                done: &mut done,
            };
            row_import.apply(db, &mut campaign_state)
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
            if let Some(note) = campaign_state.approver_note(row, document, name) {
                done.notes.push(note);
            }
        }
        report.proposed += done.proposed;
        report.stages += done.stages;
        report.closed += done.closed;
        report.warnings.extend(done.notes);
        if done.actions.is_empty() {
            report.unchanged += 1;
        } else {
            report.changes.push(RowChange {
                row,
                document: label,
                actions: done.actions,
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

/// The first sheet with a recognisable header, or the first sheet's header problems.
fn first_sheet(grids: &[Grid]) -> Result<(&Grid, Layout), ImportError> {
    let mut first_error = None;
    for g in grids {
        match layout(g) {
            Ok(l) => return Ok((g, l)),
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    Err(ImportError::Rows(first_error.unwrap_or_default()))
}

/// The body rows read for shape: empty rows and headings counted, problems collected.
fn read_rows(
    grid: &Grid,
    layout: &Layout,
    report: &mut Report,
    errors: &mut Vec<RowError>,
) -> Vec<RowInput> {
    let mut inputs = Vec::new();
    for (row, cells) in &grid[layout.body..] {
        match parse_row(layout, *row, cells) {
            Ok(Line::Empty) => report.empty_rows += 1,
            Ok(Line::Heading) => report.headings += 1,
            Ok(Line::Row(r)) => inputs.push(*r),
            Err(e) => errors.extend(e),
        }
    }
    report.rows = inputs.len() + errors.iter().map(|e| e.row).collect::<HashSet<_>>().len();
    inputs
}

/// What the import knows of the campaign while it goes through the rows.
struct Campaign {
    /// The campaign's documents by number key: (id, "type number").
    by_key: HashMap<String, Vec<(i64, String)>>,
    people: HashMap<String, Vec<Named>>,
    assigned: HashMap<i64, Option<i64>>,
    /// The current decision of each document, kept up to date row by row.
    current: HashMap<i64, Decision>,
    /// The row that named each document first.
    seen: HashMap<i64, usize>,
}

impl Campaign {
    fn load(db: &mut Db<'_>, campaign: i64) -> Result<Campaign, ImportError> {
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
        Ok(Campaign {
            by_key,
            people: people(db)?,
            assigned: campaigns::assignments(db, campaign)?.into_iter().collect(),
            current: decisions::current(decisions::of_campaign(db, campaign)?),
            seen: HashMap::new(),
        })
    }

    /// The row's document (id and label) and the officer it names, or why not.
    fn resolve(&mut self, input: &RowInput) -> Result<(i64, String, Option<Named>), RowError> {
        let row = input.row;
        let err = |column: Column, m: String| row_error(row, Some(column), m);
        let (document, label) = match self.by_key.get(&input.document.key()).map(Vec::as_slice) {
            Some([(id, label)]) => (*id, label.clone()),
            Some(_) => {
                return Err(err(
                    Column::Document,
                    format!(
                        "nhiều văn bản của đợt mang số {}; không xác định được văn bản",
                        input.document.as_str()
                    ),
                ))
            }
            None => {
                return Err(err(
                    Column::Document,
                    format!(
                        "văn bản {} không thuộc danh sách rà soát của đợt này",
                        input.document.as_str()
                    ),
                ))
            }
        };
        if let Some(prev) = self.seen.insert(document, row) {
            return Err(err(
                Column::Document,
                format!("văn bản {label} đã có ở dòng {prev}: mỗi văn bản một dòng"),
            ));
        }
        let officer = match &input.officer {
            None => None,
            Some(name) => Some(
                find_person(
                    &self.people,
                    name,
                    &[Role::Officer, Role::Admin],
                    "cán bộ pháp chế",
                )
                .map_err(|m| err(Column::Officer, m))?
                .clone(),
            ),
        };
        Ok((document, label, officer))
    }

    /// An approver written in the file is never imported; the export's own column (the
    /// approver the application recorded) reads back without a warning.
    fn approver_note(&self, row: usize, document: i64, name: &str) -> Option<RowError> {
        let recorded = self
            .current
            .get(&document)
            .filter(|d| d.state != DecisionState::Returned)
            .and_then(|d| d.decided_by);
        let same = self
            .people
            .get(&words(name))
            .is_some_and(|ps| ps.iter().any(|p| Some(p.id) == recorded));
        (!same).then(|| {
            row_error(
                row,
                Some(Column::Approver),
                format!(
                    "«{name}» không được ghi là người phê duyệt: việc phê duyệt chỉ thực hiện trên hệ thống, do chính người phê duyệt"
                ),
            )
        })
    }
}

/// What one row did: its actions and warnings, and what it adds to the report's counts.
#[derive(Default)]
struct Applied {
    actions: Vec<String>,
    notes: Vec<RowError>,
    proposed: usize,
    stages: usize,
    closed: usize,
}

/// One resolved row being applied, inside its savepoint.
struct RowImport<'a> {
    who: &'a Importer,
    campaign: i64,
    input: &'a RowInput,
    document: i64,
    officer: Option<&'a Named>,
    now: NaiveDateTime,
    done: &'a mut Applied,
}

impl RowImport<'_> {
    fn err(&self, column: Column, message: String) -> RowFail {
        RowFail::Row(row_error(self.input.row, Some(column), message))
    }

    fn note(&mut self, column: Column, message: String) {
        let note = row_error(self.input.row, Some(column), message);
        self.done.notes.push(note);
    }

    /// Assigns, proposes, records stages and closes as the row says.
    fn apply(&mut self, db: &mut Db<'_>, state: &mut Campaign) -> Result<(), RowFail> {
        self.assign(db, state)?;
        let Some(kind) = self.input.kind else {
            return Ok(());
        };
        let Some(mut d) = self.decision(db, state, kind)? else {
            return Ok(());
        };
        self.record_stages(db, &mut d)?;
        if let Some(h) = &self.input.handling {
            self.close(db, &mut d, h)?;
        }
        state.current.insert(self.document, d);
        Ok(())
    }

    fn assign(&mut self, db: &mut Db<'_>, state: &Campaign) -> Result<(), RowFail> {
        let Some(o) = self.officer else {
            return Ok(());
        };
        if state.assigned.get(&self.document).copied().flatten() == Some(o.id) {
            return Ok(());
        }
        let person = &self.who.person;
        match campaigns::assign_as(db, person, self.campaign, &[self.document], Some(o.id)) {
            Ok(_) => {
                self.done
                    .actions
                    .push(format!("phân công cho {}", o.display_name));
                Ok(())
            }
            Err(campaigns::CampaignError::Db(e)) => Err(ImportError::Db(e).into()),
            Err(e) => Err(self.err(Column::Officer, e.to_string())),
        }
    }

    /// The decision the row's handling form stands for: the current one when it says the
    /// same, else a new proposal; `None` when the row is kept as it is.
    fn decision(
        &mut self,
        db: &mut Db<'_>,
        state: &Campaign,
        kind: DecisionKind,
    ) -> Result<Option<Decision>, RowFail> {
        let provisions = &self.input.provisions;
        match state.current.get(&self.document) {
            Some(d) if d.state != DecisionState::Returned && same_decision(d, kind, provisions) => {
                Ok(Some(d.clone()))
            }
            Some(d) if d.state == DecisionState::Proposed => Err(self.err(
                Column::Kind,
                format!(
                    "văn bản đang có đề xuất số {} («{}») chờ phê duyệt, khác với dòng này; hãy phê duyệt hoặc trả lại đề xuất đó trước",
                    d.id,
                    d.kind.label()
                ),
            )),
            Some(d) if d.state != DecisionState::Returned => Err(self.err(
                Column::Kind,
                format!(
                    "khác với quyết định số {} đã phê duyệt («{}»): quyết định đã phê duyệt không sửa được bằng sổ; hãy lập đính chính trên trang đợt rà soát",
                    d.id,
                    d.kind.label()
                ),
            )),
            // The register exported after a return still shows the returned proposal: read
            // back, it must not propose it again (in anyone's name) as if nothing happened.
            Some(d) if same_decision(d, kind, provisions) => {
                let message = format!(
                    "đề xuất số {} («{}») đã bị trả lại; dòng được giữ nguyên: hãy sửa và đề xuất lại trên trang đợt rà soát, hoặc ghi hình thức xử lý khác",
                    d.id,
                    d.kind.label()
                );
                self.note(Column::Kind, message);
                Ok(None)
            }
            _ => self.propose(db, kind).map(Some),
        }
    }

    /// Proposes the row's decision in the importer's own name, whoever the file names.
    fn propose(&mut self, db: &mut Db<'_>, kind: DecisionKind) -> Result<Decision, RowFail> {
        let input = self.input;
        if let Some(o) = self.officer.filter(|o| o.id != self.who.person.id) {
            let message = format!(
                "đề xuất được ghi là của người nhập sổ, không phải của «{}»: cột «Cán bộ đề xuất» chỉ dùng để phân công",
                o.display_name
            );
            self.note(Column::Officer, message);
        }
        let proposal = Proposal {
            document_id: self.document,
            kind,
            partial: input.partial,
            provisions: input.provisions.clone(),
            ground: input.ground,
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
        let id = decisions::propose(db, &self.who.person, self.campaign, &proposal, self.now)
            .or_else(|e| Err(self.err(Column::Kind, decision_message(e)?)))?;
        let on = if input.provisions.is_empty() {
            String::new()
        } else {
            let listed: Vec<String> = input
                .provisions
                .iter()
                .map(|k| display_reference(k))
                .collect();
            format!(" đối với {}", listed.join(", "))
        };
        self.done.actions.push(format!(
            "đề xuất «{}»{on} (quyết định số {id})",
            kind.label()
        ));
        self.done.proposed += 1;
        decisions::get(db, id)?
            .ok_or_else(|| ImportError::Db(DbError::Query(diesel::result::Error::NotFound)).into())
    }

    /// Records the stages the row gives that are not recorded yet; a recorded stage must say
    /// the same.
    fn record_stages(&mut self, db: &mut Db<'_>, d: &mut Decision) -> Result<(), RowFail> {
        let recorded = decisions::stages(db, d.id)?;
        for (i, (stage, date, paper)) in self.input.stages.iter().enumerate() {
            if let Some(r) = recorded.iter().find(|r| r.stage == *stage) {
                if r.done_on != *date || words(&r.paper) != words(paper) {
                    return Err(self.err(
                        Column::StageDate(*stage),
                        format!(
                            "giai đoạn «{}» đã ghi ngày {} ({}), khác với dòng này",
                            stage.label(),
                            date_vn(r.done_on),
                            r.paper
                        ),
                    ));
                }
                continue;
            }
            let stage_input = StageInput {
                stage: *stage,
                date: *date,
                paper: paper.clone(),
                agency: if i == 0 {
                    self.input.agency.clone()
                } else {
                    None
                },
                planned_on: None,
            };
            *d = decisions::record_stage(db, &self.who.person, d.id, &stage_input, None, self.now)
                .or_else(|e| Err(self.err(Column::StageDate(*stage), decision_message(e)?)))?;
            self.done.actions.push(format!(
                "ghi giai đoạn «{}» ngày {}",
                stage.label(),
                date_vn(*date)
            ));
            self.done.stages += 1;
        }
        Ok(())
    }

    /// Closes the decision with the handling document the row names (unless it already is).
    fn close(
        &mut self,
        db: &mut Db<'_>,
        d: &mut Decision,
        h: &DocumentNumber,
    ) -> Result<(), RowFail> {
        let candidates = crate::db::campaigns::documents_numbered(db, &h.key())?;
        if d.handling_document_id
            .is_some_and(|x| candidates.contains(&x))
        {
            // Already closed with it.
            return Ok(());
        }
        let handling = self.handling_document(db, &candidates, h)?;
        *d = decisions::close(db, &self.who.person, d.id, handling, None, self.now)
            .or_else(|e| Err(self.err(Column::Handling, decision_message(e)?)))?;
        self.done
            .actions
            .push(format!("đóng hồ sơ với văn bản xử lý {}", h.as_str()));
        self.done.closed += 1;
        Ok(())
    }

    /// The one handling document among those with the number (other than the reviewed one);
    /// among several, the one with an effect on the reviewed document.
    fn handling_document(
        &self,
        db: &mut Db<'_>,
        candidates: &[i64],
        h: &DocumentNumber,
    ) -> Result<i64, RowFail> {
        let acting: Vec<i64> = candidates
            .iter()
            .copied()
            .filter(|c| *c != self.document)
            .collect();
        match acting.as_slice() {
            [] => Err(self.err(
                Column::Handling,
                format!("văn bản xử lý {} chưa có trong cơ sở dữ liệu; hãy nhập văn bản cùng tác động của nó trước", h.as_str()),
            )),
            [one] => Ok(*one),
            many => {
                let mut with_effect = Vec::new();
                for m in many {
                    if queries::effects_by(db, *m)?
                        .iter()
                        .any(|e| e.target_id == self.document)
                    {
                        with_effect.push(*m);
                    }
                }
                match with_effect.as_slice() {
                    [one] => Ok(*one),
                    _ => Err(self.err(
                        Column::Handling,
                        format!("nhiều văn bản mang số {}; không xác định được văn bản xử lý", h.as_str()),
                    )),
                }
            }
        }
    }
}
