//! Procedures at the counter (bộ phận một cửa): the postings checklist of a unit — every
//! procedure that applies there today (the required set of the completeness check) with its
//! posting state — and the posting lines a checklist form asks for (post selected procedures,
//! remove them, or post every one not yet posted today).
//!
//! Nothing here writes: the form becomes [`PostingRecord`]s, the same lines an import takes,
//! which the application writes through the one write path (`exchange::write`). What the form
//! can get wrong is found here first and reported beside its field, so that the writer's own
//! checks (overlaps, dates before the decision) are a second line, not the officer's message.

pub mod counts;
pub mod counts_file;

use std::collections::HashMap;

use chrono::{Days, NaiveDate};
use serde::Serialize;

use super::check::{self, CheckError, Completeness, Settings};
use super::records::{DecisionRef, PostingRecord};
use crate::db::procedures::{self as pq, Posting, ProcedureVersion};
use crate::db::stored::{self, At, Corrupt};
use crate::db::{Db, DbError};
use crate::domain::kinds::vocabulary;
use crate::domain::text::{date_vn, nfc};
use crate::registry::org::Org;

/// Where a procedure is posted: the vocabulary of `domain::procedure`.
pub use crate::domain::procedure::PostingPoint;

vocabulary! {
    /// The posting state of a procedure at a unit today.
    PostingState {
        Posted = "posted", "Đang niêm yết";
        Removed = "removed", "Đã gỡ";
        NotPosted = "not_posted", "Chưa niêm yết";
    }
}

vocabulary! {
    /// What the checklist form asks for.
    PostingAction {
        Post = "post", "Niêm yết các thủ tục đã chọn";
        Remove = "remove", "Gỡ niêm yết các thủ tục đã chọn";
        PostAll = "post_all", "Niêm yết hôm nay mọi thủ tục chưa niêm yết";
    }
}

/// A posting of the procedure at the unit that is up today.
#[derive(Debug, Clone, Serialize)]
pub struct OpenPosting {
    pub point: PostingPoint,
    pub from_on: NaiveDate,
    /// The posted version is not the current one (a newer decision changed the procedure).
    pub outdated: bool,
    /// The decision of the posted version, as a posting line names it.
    pub decision: DecisionRef,
}

/// One line of the checklist.
#[derive(Debug, Clone, Serialize)]
pub struct ChecklistRow {
    pub code: String,
    pub name: String,
    pub field: String,
    /// Whether the procedure applies at the unit (otherwise it is only posted there, and can
    /// only be removed).
    pub applies: bool,
    /// The current version's announcing decision, and its date.
    pub decision: DecisionRef,
    pub decision_date: NaiveDate,
    pub state: PostingState,
    pub open: Vec<OpenPosting>,
    /// The day the latest ended posting was taken down (the day after its last day up), when
    /// nothing is up.
    pub removed_on: Option<NaiveDate>,
}

impl ChecklistRow {
    fn open_at(&self, point: PostingPoint) -> Option<&OpenPosting> {
        self.open.iter().find(|o| o.point == point)
    }
}

/// The checklist of a unit on a day, with the completeness it was read from.
#[derive(Debug, Clone, Serialize)]
pub struct Checklist {
    pub today: NaiveDate,
    pub completeness: Completeness,
    pub rows: Vec<ChecklistRow>,
    /// Ended postings per procedure code and point (their last day), to refuse a new posting
    /// that would overlap one.
    #[serde(skip)]
    ended: HashMap<(String, PostingPoint), NaiveDate>,
}

impl Checklist {
    pub fn row(&self, code: &str) -> Option<&ChecklistRow> {
        self.rows.iter().find(|r| r.code == code)
    }

    pub fn not_posted(&self) -> usize {
        self.rows
            .iter()
            .filter(|r| r.applies && r.state != PostingState::Posted)
            .count()
    }
}

fn point_of(p: &Posting) -> Result<PostingPoint, Corrupt> {
    stored::code(
        &p.point,
        At::new("postings", &p.id, "point"),
        PostingPoint::parse,
    )
}

/// The announcing decision of a version, as a posting line names it.
fn decision_of(org: &Org, v: &ProcedureVersion) -> Result<DecisionRef, Corrupt> {
    let authority = org
        .authorities
        .get(&v.decision_authority_id)
        .ok_or_else(|| {
            Corrupt::new(
                "procedure_versions",
                v.id,
                "decision_authority_id",
                &v.decision_authority_id.to_string(),
                "no such authority",
            )
        })?;
    Ok(DecisionRef {
        authority: authority.code.clone(),
        number: v.decision_number.clone(),
        date: None,
        effective_on: None,
    })
}

/// The checklist of the unit `code` on `today`.
pub fn checklist(db: &mut Db<'_>, code: &str, today: NaiveDate) -> Result<Checklist, CheckError> {
    let org = Org::load(db)?;
    let code = nfc(code.trim());
    let Some(unit_id) = org.unit_by_code(&code).map(|u| u.id) else {
        return Err(CheckError::UnknownUnit(code));
    };
    let completeness = check::check_with(db, &org, &[unit_id], today, Settings::default())?
        .pop()
        .ok_or(CheckError::UnknownUnit(code))?;
    let postings = pq::postings_of_units(db, &[unit_id], today)?;
    let mut ids: Vec<i64> = postings
        .iter()
        .map(|p| p.version_id)
        .chain(completeness.items.iter().map(|i| i.version_id))
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let versions: HashMap<i64, ProcedureVersion> = pq::versions_by_ids(db, &ids)?
        .into_iter()
        .map(|v| (v.id, v))
        .collect();
    let missing = |id: i64| {
        DbError::from(Corrupt::new(
            "postings",
            id,
            "version_id",
            "",
            "no such procedure version",
        ))
    };
    let mut by_procedure: HashMap<i64, Vec<&Posting>> = HashMap::new();
    for p in &postings {
        by_procedure.entry(p.procedure_id).or_default().push(p);
    }
    let mut rows = Vec::new();
    let mut ended = HashMap::new();
    let extra = completeness
        .extra
        .iter()
        .map(|e| (e.procedure_id, e.version_id, e.code.clone(), e.name.clone()));
    let items = completeness
        .items
        .iter()
        .map(|i| (i.procedure_id, i.version_id, i.code.clone(), i.name.clone()));
    let mut seen = std::collections::HashSet::new();
    for (applies, (procedure_id, version_id, code, name)) in
        items.map(|x| (true, x)).chain(extra.map(|x| (false, x)))
    {
        if !seen.insert(procedure_id) {
            continue;
        }
        let current = versions
            .get(&version_id)
            .ok_or_else(|| missing(version_id))?;
        let mut open = Vec::new();
        let mut removed_on: Option<NaiveDate> = None;
        for p in by_procedure.get(&procedure_id).into_iter().flatten() {
            let point = point_of(p).map_err(DbError::from)?;
            if p.active_on(today) {
                let v = versions.get(&p.version_id).ok_or_else(|| missing(p.id))?;
                open.push(OpenPosting {
                    point,
                    from_on: p.from_on,
                    outdated: applies && p.version_id != version_id,
                    decision: decision_of(&org, v).map_err(DbError::from)?,
                });
            } else if let Some(to) = p.to_on {
                removed_on = removed_on.max(Some(to));
                let last = ended.entry((code.clone(), point)).or_insert(to);
                *last = (*last).max(to);
            }
        }
        let state = match (open.is_empty(), removed_on) {
            (false, _) => PostingState::Posted,
            (true, Some(_)) => PostingState::Removed,
            (true, None) => PostingState::NotPosted,
        };
        rows.push(ChecklistRow {
            code,
            name,
            field: current.field.clone(),
            applies,
            decision: decision_of(&org, current).map_err(DbError::from)?,
            decision_date: current.decision_date,
            state,
            removed_on: if open.is_empty() {
                removed_on.and_then(|d| d.succ_opt())
            } else {
                None
            },
            open,
        });
    }
    Ok(Checklist {
        today,
        completeness,
        rows,
        ended,
    })
}

/// What the checklist form sent, typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostingInput {
    pub action: PostingAction,
    /// As typed (`yyyy-mm-dd`); empty means today.
    pub date: String,
    pub point: PostingPoint,
    /// The procedure codes ticked, in the form's order.
    pub picks: Vec<String>,
}

/// The form field a refusal belongs beside.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FormField {
    Date,
    Point,
    Picks,
}

/// Why the form was refused, beside which field, with a stable code (API problems).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: FormField,
    pub code: &'static str,
    pub message: String,
}

fn refuse<T>(
    field: FormField,
    code: &'static str,
    message: impl Into<String>,
) -> Result<T, FieldError> {
    Err(FieldError {
        field,
        code,
        message: message.into(),
    })
}

/// The date of the form: today when empty, never after today.
pub fn form_date(raw: &str, today: NaiveDate) -> Result<NaiveDate, FieldError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(today);
    }
    let Ok(date) = NaiveDate::parse_from_str(raw, "%Y-%m-%d") else {
        return refuse(
            FormField::Date,
            "invalid_date",
            format!("Ngày «{raw}» không hợp lệ: chọn ngày theo dạng năm-tháng-ngày."),
        );
    };
    if date > today {
        return refuse(
            FormField::Date,
            "future_date",
            format!(
                "Ngày {} ở sau hôm nay ({}): chỉ ghi việc đã làm.",
                date_vn(date),
                date_vn(today)
            ),
        );
    }
    Ok(date)
}

/// The posting lines the form asks for, or why not (nothing is written then).
pub fn plan(
    list: &Checklist,
    unit: &str,
    input: &PostingInput,
) -> Result<Vec<PostingRecord>, FieldError> {
    let today = list.today;
    let date = match input.action {
        PostingAction::PostAll => today,
        _ => form_date(&input.date, today)?,
    };
    let rows: Vec<&ChecklistRow> = match input.action {
        PostingAction::PostAll => {
            let rows: Vec<&ChecklistRow> = list
                .rows
                .iter()
                .filter(|r| r.applies && r.state != PostingState::Posted)
                .collect();
            if rows.is_empty() {
                return refuse(
                    FormField::Picks,
                    "all_posted",
                    "Mọi thủ tục áp dụng tại đơn vị đều đang được niêm yết.",
                );
            }
            rows
        }
        _ => picked(list, &input.picks)?,
    };
    let mut out = Vec::new();
    for r in rows {
        match input.action {
            PostingAction::Remove => out.push(removal(r, unit, input.point, date)?),
            _ => out.extend(posting(list, r, unit, input.point, date)?),
        }
    }
    Ok(out)
}

/// The rows ticked; none, an unknown code or the same code twice is refused.
fn picked<'l>(list: &'l Checklist, picks: &[String]) -> Result<Vec<&'l ChecklistRow>, FieldError> {
    if picks.is_empty() {
        return refuse(FormField::Picks, "no_procedures", "Chưa chọn thủ tục nào.");
    }
    let mut rows: Vec<&ChecklistRow> = Vec::new();
    for code in picks {
        let code = nfc(code.trim());
        let Some(r) = list.row(&code) else {
            return refuse(
                FormField::Picks,
                "not_in_checklist",
                format!("Thủ tục mã «{code}» không có trong danh mục niêm yết của đơn vị."),
            );
        };
        if !rows.iter().any(|x| x.code == r.code) {
            rows.push(r);
        }
    }
    Ok(rows)
}

/// Posting `r` at `point` from `date`: the current version; an older version up at the same
/// point ends the day before.
fn posting(
    list: &Checklist,
    r: &ChecklistRow,
    unit: &str,
    point: PostingPoint,
    date: NaiveDate,
) -> Result<Vec<PostingRecord>, FieldError> {
    if !r.applies {
        return refuse(
            FormField::Picks,
            "not_applicable",
            format!(
                "Thủ tục {} không còn áp dụng tại đơn vị: chỉ có thể gỡ niêm yết.",
                r.code
            ),
        );
    }
    if date < r.decision_date {
        return refuse(
            FormField::Date,
            "before_decision",
            format!(
                "Thủ tục {}: ngày niêm yết {} trước ngày ban hành quyết định công bố {} ({}).",
                r.code,
                date_vn(date),
                r.decision.number,
                date_vn(r.decision_date)
            ),
        );
    }
    if let Some(last) = list.ended.get(&(r.code.clone(), point)) {
        if date <= *last {
            return refuse(
                FormField::Date,
                "overlaps_ended_posting",
                format!(
                    "Thủ tục {} đã niêm yết tại {} đến hết ngày {}: niêm yết lại từ ngày {}.",
                    r.code,
                    point.label().to_lowercase(),
                    date_vn(*last),
                    last.succ_opt().map(date_vn).unwrap_or_default()
                ),
            );
        }
    }
    let mut out = Vec::new();
    if let Some(o) = r.open_at(point) {
        if !o.outdated {
            return refuse(
                FormField::Picks,
                "already_posted",
                format!(
                    "Thủ tục {} đã được niêm yết tại {} từ ngày {}.",
                    r.code,
                    point.label().to_lowercase(),
                    date_vn(o.from_on)
                ),
            );
        }
        let Some(last) = date
            .checked_sub_days(Days::new(1))
            .filter(|l| *l >= o.from_on)
        else {
            return refuse(
                FormField::Date,
                "outdated_same_day",
                format!(
                    "Thủ tục {}: phiên bản cũ niêm yết từ ngày {}; phiên bản mới niêm yết từ ngày sau đó.",
                    r.code,
                    date_vn(o.from_on)
                ),
            );
        };
        out.push(line(
            &r.code,
            &o.decision,
            unit,
            point,
            o.from_on,
            Some(last),
        ));
    }
    out.push(line(&r.code, &r.decision, unit, point, date, None));
    Ok(out)
}

/// Ending the posting of `r` at `point` on `date` (its last day up).
fn removal(
    r: &ChecklistRow,
    unit: &str,
    point: PostingPoint,
    date: NaiveDate,
) -> Result<PostingRecord, FieldError> {
    let Some(o) = r.open_at(point) else {
        return refuse(
            FormField::Picks,
            "not_posted",
            format!(
                "Thủ tục {} không đang niêm yết tại {}.",
                r.code,
                point.label().to_lowercase()
            ),
        );
    };
    // Taken down on `date`: the last day up is the day before.
    let Some(last) = date.pred_opt().filter(|l| *l >= o.from_on) else {
        return refuse(
            FormField::Date,
            "removal_before_posting",
            format!(
                "Thủ tục {}: ngày gỡ {} phải sau ngày niêm yết {}.",
                r.code,
                date_vn(date),
                date_vn(o.from_on)
            ),
        );
    };
    Ok(line(
        &r.code,
        &o.decision,
        unit,
        point,
        o.from_on,
        Some(last),
    ))
}

fn line(
    code: &str,
    decision: &DecisionRef,
    unit: &str,
    point: PostingPoint,
    from: NaiveDate,
    to: Option<NaiveDate>,
) -> PostingRecord {
    PostingRecord {
        procedure: Some(code.to_string()),
        decision: decision.clone(),
        unit: Some(unit.to_string()),
        level: None,
        point: Some(point.code().to_string()),
        from,
        to,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn the_form_date_is_today_when_empty_and_never_after_today() {
        let today = d("2026-03-10");
        assert_eq!(form_date("", today).unwrap(), today);
        assert_eq!(form_date(" 2026-03-01 ", today).unwrap(), d("2026-03-01"));
        let e = form_date("2026-03-11", today).unwrap_err();
        assert_eq!(e.field, FormField::Date);
        assert!(e.message.contains("sau hôm nay"), "{}", e.message);
        assert_eq!(
            form_date("10/03/2026", today).unwrap_err().field,
            FormField::Date
        );
    }

    #[test]
    fn points_and_actions_read_their_codes() {
        assert_eq!(PostingPoint::parse("portal"), Some(PostingPoint::Portal));
        assert_eq!(PostingPoint::Reception.label(), "Bộ phận một cửa");
        assert_eq!(
            PostingAction::parse("post_all"),
            Some(PostingAction::PostAll)
        );
        assert_eq!(PostingAction::parse("delete"), None);
    }
}
