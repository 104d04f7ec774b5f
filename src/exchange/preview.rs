//! What a write would change, without keeping it: the same records written by the same code
//! path ([`super::write`]) inside a transaction that is always rolled back, and the derived
//! status (`registry::status`) of every document the records touch compared before and after —
//! on today's date and on the date of every document and effect written — for the document
//! and for each of its provisions.

use std::collections::{BTreeSet, HashSet};

use chrono::NaiveDate;
use serde::Serialize;

use super::records::{DocumentRef, Record};
use super::write::{apply_items, parse_items, WriteError, Writer};
use crate::db::{queries, Db, DbError, DbPool};
use crate::domain::number::DocumentNumber;
use crate::domain::status::Status;
use crate::domain::structure::display_reference;
use crate::registry::status::StatusGraph;

/// One change of status a write would make: a document (or one of its provisions) goes from
/// one status to another from a date on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatusChange {
    /// The document's id once written (a new document's id is the one it would get).
    pub document_id: i64,
    pub number: String,
    pub title: String,
    /// Whether the document is the one being written (not yet in the registry).
    pub new_document: bool,
    /// The provision as a reader says it (`khoản 2 Điều 5`); `None`: the whole document.
    pub provision: Option<String>,
    /// The first date (of those compared) on which the change shows.
    pub from: NaiveDate,
    /// The same, as a Vietnamese reader writes it (`15/05/2026`).
    pub from_vn: String,
    /// The status before the write; `None` for a document not in the registry yet.
    pub before: Option<&'static str>,
    pub after: &'static str,
}

/// What a write would change.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Preview {
    pub changes: Vec<StatusChange>,
}

/// The transaction's outcome: a preview is always rolled back, so it leaves as an "error".
enum Rollback {
    Done(Preview),
    Failed(WriteError),
}

impl From<diesel::result::Error> for Rollback {
    fn from(e: diesel::result::Error) -> Self {
        Rollback::Failed(WriteError::from(e))
    }
}

impl From<WriteError> for Rollback {
    fn from(e: WriteError) -> Self {
        Rollback::Failed(e)
    }
}

impl From<DbError> for Rollback {
    fn from(e: DbError) -> Self {
        Rollback::Failed(WriteError::Db(e))
    }
}

/// Writes `body` as [`super::write::write_records`] would (same checks, same scope, same
/// errors), lists the changes of status it makes on `today` and on the dates the records
/// carry, then rolls everything back.
pub fn preview_records(
    pool: &DbPool,
    w: &Writer,
    name: &str,
    body: &[u8],
    today: NaiveDate,
) -> Result<Preview, WriteError> {
    let mut items = parse_items(name, body)?;
    let records: Vec<Record> = items.iter().map(|i| i.record.clone()).collect();
    let mut conn = pool.get()?;
    let outcome = conn.write(|db| -> Result<(), Rollback> {
        // The statuses of every touched document, before and after, each read in one pass.
        let before_ids = touched(db, &records)?;
        let before = StatusGraph::load_around_all(db, &before_ids)?;
        apply_items(db, w, name, &mut items)?;
        let after_ids = touched(db, &records)?;
        let after = StatusGraph::load_around_all(db, &after_ids)?;
        let dates = dates(&records, today);
        let mut changes = Vec::new();
        for id in &after_ids {
            let old = before_ids.contains(id).then_some(&before);
            changes.extend(compare(db, *id, old, &after, &dates)?);
        }
        Err(Rollback::Done(Preview { changes }))
    });
    match outcome {
        Err(Rollback::Done(p)) => Ok(p),
        Err(Rollback::Failed(e)) => Err(e),
        Ok(()) => Ok(Preview::default()),
    }
}

/// The id of a referenced document, if the registry holds it.
pub fn document_id(db: &mut Db<'_>, r: &DocumentRef) -> Result<Option<i64>, DbError> {
    let code = crate::domain::text::nfc(r.authority.trim());
    let Some(a) = queries::authority_by_code(db, &code)? else {
        return Ok(None);
    };
    let Ok(number) = DocumentNumber::parse(&r.number) else {
        return Ok(None);
    };
    queries::document_id_by_key(db, a.id, &number.key())
}

/// The documents the records write or act on that the registry holds now.
fn touched(db: &mut Db<'_>, records: &[Record]) -> Result<Vec<i64>, DbError> {
    let mut ids = Vec::new();
    // The acting document of fifty effects is looked up once.
    let mut known: HashSet<(String, String)> = HashSet::new();
    for r in records {
        let refs: Vec<DocumentRef> = match r {
            Record::Document(d) => vec![DocumentRef {
                authority: d.authority.clone(),
                number: d.number.clone(),
            }],
            Record::Effect(e) => vec![e.target.clone(), e.acting.clone()],
            Record::DeclaredExpiry(x) => vec![x.document.clone()],
            _ => Vec::new(),
        };
        for r in refs {
            if !known.insert((r.authority.clone(), r.number.clone())) {
                continue;
            }
            if let Some(id) = document_id(db, &r)? {
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
        }
    }
    Ok(ids)
}

/// Today and every date the records carry, in order.
fn dates(records: &[Record], today: NaiveDate) -> Vec<NaiveDate> {
    let mut set = BTreeSet::from([today]);
    for r in records {
        match r {
            Record::Document(d) => {
                set.insert(d.effective_on);
                set.extend(d.end_on);
            }
            Record::Effect(e) => {
                set.extend(e.effective_on);
                // The day after a suspension ends, the provisions apply again.
                set.extend(e.until.and_then(|u| u.succ_opt()));
            }
            Record::DeclaredExpiry(x) => {
                set.insert(x.effective_on);
            }
            _ => {}
        }
    }
    set.into_iter().collect()
}

/// The changes of one document between its graph before (`None`: it is new) and after, each
/// from the first date it shows on.
fn compare(
    db: &mut Db<'_>,
    id: i64,
    old: Option<&StatusGraph>,
    new: &StatusGraph,
    dates: &[NaiveDate],
) -> Result<Vec<StatusChange>, DbError> {
    let Some(doc) = queries::document(db, id)? else {
        return Ok(Vec::new());
    };
    let mut out: Vec<StatusChange> = Vec::new();
    let mut push =
        |provision: Option<String>, from: NaiveDate, before: Option<Status>, after: Status| {
            let before = before.map(Status::label);
            let after = after.label();
            let seen = out
                .iter()
                .any(|c| c.provision == provision && c.before == before && c.after == after);
            if !seen {
                out.push(StatusChange {
                    document_id: id,
                    number: doc.number.clone(),
                    title: doc.title.clone(),
                    new_document: old.is_none(),
                    provision,
                    from,
                    from_vn: crate::domain::text::date_vn(from),
                    before,
                    after,
                });
            }
        };
    for d in dates {
        let Some((_, after)) = new.evaluate(id, *d) else {
            continue;
        };
        let before = old.and_then(|g| g.evaluate(id, *d)).map(|(_, e)| e);
        match &before {
            None => push(None, *d, None, after.document.status),
            Some(b) if b.document.status != after.document.status => {
                push(None, *d, Some(b.document.status), after.document.status);
            }
            Some(_) => {}
        }
        // A new document's provisions follow the document, and so do those of a document
        // ended in whole: only the provisions of an existing document still partly in force
        // are listed.
        let Some(b) = &before else { continue };
        if after.document.status == Status::HetHieuLucToanBo {
            continue;
        }
        for (key, report) in &after.provisions {
            let was = b.provision(key).map(|r| r.status);
            if was != Some(report.status) {
                push(Some(display_reference(key)), *d, was, report.status);
            }
        }
    }
    Ok(out)
}

/// The outcome of a write that is always rolled back: what it found leaves as an "error".
enum RolledBack<T> {
    Done(T),
    Failed(WriteError),
}

impl<T> From<diesel::result::Error> for RolledBack<T> {
    fn from(e: diesel::result::Error) -> Self {
        RolledBack::Failed(WriteError::from(e))
    }
}

impl<T> From<WriteError> for RolledBack<T> {
    fn from(e: WriteError) -> Self {
        RolledBack::Failed(e)
    }
}

/// Writes `body` as [`super::write::write_records`] would (same checks, same scope, same
/// errors) with `before` run first and `after` once every record is written, all in one
/// transaction that is then rolled back: what a write would change, by any measure the caller
/// takes (the procedures' checklists of the units, for an announcing decision), with nothing
/// kept.
pub fn preview_then<B, T>(
    pool: &DbPool,
    w: &Writer,
    name: &str,
    body: &[u8],
    before: impl FnOnce(&mut Db<'_>) -> Result<B, WriteError>,
    after: impl FnOnce(&mut Db<'_>, B, &super::import::ImportReport) -> Result<T, WriteError>,
) -> Result<T, WriteError> {
    let mut items = parse_items(name, body)?;
    let mut conn = pool.get()?;
    let outcome = conn.write(|db| -> Result<(), RolledBack<T>> {
        let b = before(db)?;
        let report = apply_items(db, w, name, &mut items)?;
        let t = after(db, b, &report)?;
        Err(RolledBack::Done(t))
    });
    match outcome {
        Err(RolledBack::Done(t)) => Ok(t),
        Err(RolledBack::Failed(e)) => Err(e),
        Ok(()) => Err(WriteError::Invalid(Vec::new())),
    }
}
