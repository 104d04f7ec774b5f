//! Procedures at the counter, for pages and the JSON API alike: a unit's postings checklist
//! and monthly dossier counts, and their forms, API bodies and the counts file written through
//! the one write path — each
//! becomes lines of the import format (postings, dossier counts), written by
//! `exchange::write::write_records` with the signed-in user's scope (records, audit and outbox
//! in one transaction; nothing written when a line is refused).

use crate::app::{on_pool, AppState};
use crate::auth::Actor;
use crate::db::{Db, DbPool};
use crate::error::AppError;
use crate::exchange::records::Record;
use crate::exchange::write::{write_records, ConflictLine, WriteError, Writer};
use crate::jsonl::LineError;
use crate::procedures::counter::counts::{self, CountRefusal, CountSheet, SheetErrors, SheetInput};
use crate::procedures::counter::counts_file::{self, LineProblem};
use crate::procedures::counter::{self, Checklist, FieldError, FormField, PostingInput};

/// The signed-in user as a writer of records: their units (with those the units took over),
/// and the organisation only for administrators.
pub fn writer(db: &mut Db<'_>, actor: &Actor) -> Result<Writer, AppError> {
    // The counter's forms change what they show on purpose (a removal, a new count).
    Ok(Writer {
        update: true,
        ..crate::app::writer(db, actor)?
    })
}

/// The checklist of a unit today.
pub async fn checklist(state: &AppState, code: String) -> Result<Checklist, AppError> {
    let today = state.today();
    on_pool(state, move |db| Ok(counter::checklist(db, &code, today)?)).await
}

/// Records as the JSON Lines body the write path takes.
pub fn jsonl(records: &[Record]) -> Result<Vec<u8>, AppError> {
    let mut body = Vec::new();
    for r in records {
        serde_json::to_writer(&mut body, r).map_err(|e| AppError::internal("ghi bản ghi", e))?;
        body.push(b'\n');
    }
    Ok(body)
}

/// Writes `records` as `actor`: the number written, or the refused lines (numbered from 1 in
/// the order of `records`; nothing written); a line out of the user's units is a 403.
pub fn write(
    pool: &DbPool,
    actor: &Actor,
    name: &str,
    records: &[Record],
) -> Result<Result<usize, Vec<LineError>>, AppError> {
    let w = {
        let mut conn = pool.get()?;
        writer(&mut conn.db(), actor)?
    };
    match write_records(pool, &w, name, &jsonl(records)?) {
        Ok(r) => Ok(Ok(r.created + r.updated)),
        Err(WriteError::Invalid(lines)) => Ok(Err(lines)),
        Err(WriteError::Conflict(lines)) => Ok(Err(lines
            .into_iter()
            .map(ConflictLine::into_line_error)
            .collect())),
        Err(WriteError::Forbidden(lines)) => Err(AppError::Forbidden(joined(lines))),
        Err(WriteError::Db(e)) => Err(AppError::Db(e)),
    }
}

fn joined(lines: Vec<LineError>) -> String {
    lines
        .into_iter()
        .map(|l| l.message)
        .collect::<Vec<_>>()
        .join("; ")
}

/// What the checklist form did: the number of postings written, or the refusal with the
/// checklist to show the form again.
pub enum Saved {
    Written(usize),
    Refused(Box<Checklist>, FieldError),
}

/// Applies the checklist form of the unit `code` as `actor`.
pub async fn save_postings(
    state: &AppState,
    actor: Actor,
    code: String,
    input: PostingInput,
) -> Result<Saved, AppError> {
    let today = state.today();
    let pool = state.pool.clone();
    actix_web::web::block(move || -> Result<Saved, AppError> {
        let list = {
            let mut conn = pool.get()?;
            let mut db = conn.db();
            counter::checklist(&mut db, &code, today)?
        };
        let unit = list.completeness.unit.code.clone();
        let records: Vec<Record> = match counter::plan(&list, &unit, &input) {
            Ok(lines) => lines.into_iter().map(Record::Posting).collect(),
            Err(e) => return Ok(Saved::Refused(Box::new(list), e)),
        };
        Ok(match write(&pool, &actor, "niem-yet", &records)? {
            Ok(n) => Saved::Written(n),
            Err(lines) => Saved::Refused(
                Box::new(list),
                FieldError {
                    field: FormField::Picks,
                    code: "invalid_postings",
                    message: joined(lines),
                },
            ),
        })
    })
    .await?
}

/// The dossier counts sheet of a unit for a month (`2026-03`; this month when not given).
pub async fn count_sheet(
    state: &AppState,
    code: String,
    month: Option<String>,
) -> Result<CountSheet, AppError> {
    let today = state.today();
    let month = match month.as_deref().map(str::trim).filter(|m| !m.is_empty()) {
        None => counts::first_of(today),
        Some(m) => counts::parse_month(m, today)
            .map_err(|e| crate::app::bad_param("thang", format!("{e}.")))?,
    };
    on_pool(state, move |db| Ok(counts::sheet(db, &code, month, today)?)).await
}

/// What the counts form or file did: the counts written (and the month to show), or the
/// refusals with the sheet to show the form again.
pub enum SavedCounts {
    Written { month: String, count: usize },
    Refused(Box<CountSheet>, SheetErrors),
    FileRefused(Box<CountSheet>, Vec<LineProblem>),
}

/// Applies the counts form of the unit `code` as `actor`.
pub async fn save_counts(
    state: &AppState,
    actor: Actor,
    code: String,
    input: SheetInput,
) -> Result<SavedCounts, AppError> {
    let typed = input.typed.into_iter().collect();
    save_typed(state, actor, code, input.month, typed).await
}

/// Applies counts of the unit `code` for the month `month` (as typed) as `actor`: per
/// procedure code, in the order sent, the figures received, on time and online as typed. The
/// form and the API both come here, so both are checked alike.
pub async fn save_typed(
    state: &AppState,
    actor: Actor,
    code: String,
    month: String,
    typed: Vec<(String, [String; 3])>,
) -> Result<SavedCounts, AppError> {
    let today = state.today();
    let pool = state.pool.clone();
    actix_web::web::block(move || -> Result<SavedCounts, AppError> {
        let (month, month_error) = match counts::parse_month(&month, today) {
            Ok(m) => (m, None),
            Err(e) => (counts::first_of(today), Some(e)),
        };
        let (sheet, checked) = {
            let mut conn = pool.get()?;
            let mut db = conn.db();
            let sheet = counts::sheet(&mut db, &code, month, today)?;
            if let Some(e) = month_error {
                let errors = SheetErrors::of(vec![CountRefusal::of_month(&e)]);
                return Ok(SavedCounts::Refused(Box::new(sheet), errors));
            }
            let checked = counts::check_counts(&mut db, &sheet, &typed)?;
            (sheet, checked)
        };
        let lines = match checked {
            Ok(l) => l,
            Err(e) => return Ok(SavedCounts::Refused(Box::new(sheet), SheetErrors::of(e))),
        };
        let records: Vec<Record> = lines.into_iter().map(Record::DossierCount).collect();
        Ok(match write(&pool, &actor, "ho-so", &records)? {
            Ok(count) => SavedCounts::Written {
                month: month.format("%Y-%m").to_string(),
                count,
            },
            Err(lines) => SavedCounts::Refused(
                Box::new(sheet),
                SheetErrors::of(vec![CountRefusal::refused_by_write(joined(lines))]),
            ),
        })
    })
    .await?
}

/// Applies a counts file sent for the unit `code` as `actor`: every line or none.
pub async fn upload_counts(
    state: &AppState,
    actor: Actor,
    code: String,
    bytes: Vec<u8>,
) -> Result<SavedCounts, AppError> {
    let today = state.today();
    let pool = state.pool.clone();
    actix_web::web::block(move || -> Result<SavedCounts, AppError> {
        let (sheet, read) = {
            let mut conn = pool.get()?;
            let mut db = conn.db();
            let sheet = counts::sheet(&mut db, &code, counts::first_of(today), today)?;
            let limits = crate::spreadsheet::bounds::REGISTER;
            let read = counts_file::read(&mut db, &sheet.unit.code, &bytes, today, &limits)?;
            (sheet, read)
        };
        let lines = match read {
            Ok(l) => l,
            Err(problems) => return Ok(SavedCounts::FileRefused(Box::new(sheet), problems)),
        };
        let month = lines
            .iter()
            .map(|(_, r)| r.month.clone())
            .max()
            .unwrap_or_default();
        let numbers: Vec<usize> = lines.iter().map(|(n, _)| *n).collect();
        let records: Vec<Record> = lines
            .into_iter()
            .map(|(_, r)| Record::DossierCount(r))
            .collect();
        Ok(match write(&pool, &actor, "ho-so.csv", &records)? {
            Ok(count) => SavedCounts::Written { month, count },
            // Refused records are numbered in the order written: back to the file's lines.
            Err(refused) => SavedCounts::FileRefused(
                Box::new(sheet),
                refused
                    .into_iter()
                    .map(|l| LineProblem {
                        line: l
                            .line
                            .checked_sub(1)
                            .and_then(|i| numbers.get(i))
                            .copied()
                            .unwrap_or(0),
                        message: l.message,
                    })
                    .collect(),
            ),
        })
    })
    .await?
}
