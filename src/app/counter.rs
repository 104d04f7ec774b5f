//! Procedures at the counter, for pages: a unit's postings checklist, and the checklist form
//! written through the one write path — the form becomes posting lines of the import format,
//! written by `exchange::write::write_records` with the signed-in user's scope (records, audit
//! and outbox in one transaction; nothing written when a line is refused).

use crate::app::{on_pool, AppState};
use crate::auth::{Actor, Role};
use crate::db::{Db, DbPool};
use crate::error::AppError;
use crate::exchange::records::Record;
use crate::exchange::write::{write_records, WriteError, Writer};
use crate::procedures::counter::{self, Checklist, FieldError, FormField, PostingInput};
use crate::registry::org::Org;

/// The signed-in user as a writer of records: their units (with those the units took over),
/// and the organisation only for administrators.
pub fn writer(db: &mut Db<'_>, actor: &Actor) -> Result<Writer, AppError> {
    let org = Org::load(db)?;
    Ok(Writer {
        actor: actor.actor(),
        units: actor.scope.expanded(|u| org.all_unit_predecessors(u)),
        organisation: actor.role == Role::Admin,
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

/// Writes `records` as `actor`; a refused line is a refusal beside `field` (nothing written),
/// a line out of the user's units a 403.
pub fn write(
    pool: &DbPool,
    actor: &Actor,
    name: &str,
    records: &[Record],
    field: FormField,
) -> Result<Result<usize, FieldError>, AppError> {
    let w = {
        let mut conn = pool.get()?;
        writer(&mut conn.db(), actor)?
    };
    match write_records(pool, &w, name, &jsonl(records)?) {
        Ok(r) => Ok(Ok(r.created + r.updated)),
        Err(WriteError::Invalid(lines)) => Ok(Err(FieldError {
            field,
            message: lines
                .into_iter()
                .map(|l| l.message)
                .collect::<Vec<_>>()
                .join("; "),
        })),
        Err(WriteError::Forbidden(lines)) => Err(AppError::Forbidden(
            lines
                .into_iter()
                .map(|l| l.message)
                .collect::<Vec<_>>()
                .join("; "),
        )),
        Err(WriteError::Db(e)) => Err(AppError::Db(e)),
    }
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
        Ok(
            match write(&pool, &actor, "niem-yet", &records, FormField::Picks)? {
                Ok(n) => Saved::Written(n),
                Err(e) => Saved::Refused(Box::new(list), e),
            },
        )
    })
    .await?
}
