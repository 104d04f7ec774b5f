//! Declared expiries as registry records (công bố hết hiệu lực theo kết quả rà soát): the
//! review writes one when it approves a decision declaring a document (or some provisions)
//! expired, and ends it (the record is kept) when a later correction supersedes that decision;
//! the interchange carries them as `declared_expiry` lines. The status graph reads these
//! records, never the review's decisions. Every write is audited (entity `declared_expiry`)
//! and appends an outbox row for the document, whose status changes.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde_json::json;

use super::records::DeclaredExpiryRecord;
use super::write::RegistryWriter;
use crate::db::registry::{self as rq, DeclaredExpiryRow, NewDeclaredExpiry};
use crate::db::{queries, Db, DbError};
use crate::domain::structure::{self, parse_reference};
use crate::domain::text::nfc;
use crate::jsonl::{invalid, Outcome, RecordError};

/// What the audit trail keeps of a record.
fn snapshot(row: &NewDeclaredExpiry, ended_at: Option<NaiveDateTime>) -> serde_json::Value {
    json!({
        "document_id": row.document_id,
        "provisions": row.provisions,
        "effective_on": row.effective_on,
        "decision": row.decision,
        "ended_at": ended_at.map(|t| t.and_utc().to_rfc3339()),
    })
}

fn as_new(r: &DeclaredExpiryRow) -> NewDeclaredExpiry {
    NewDeclaredExpiry {
        document_id: r.document_id,
        provisions: r.provisions.clone(),
        effective_on: r.effective_on,
        decision: r.decision,
    }
}

fn audit(
    db: &mut Db<'_>,
    actor: &str,
    action: &str,
    id: i64,
    before: Option<serde_json::Value>,
    after: serde_json::Value,
) -> Result<(), DbError> {
    crate::audit::append(
        db,
        actor,
        action,
        "declared_expiry",
        &id.to_string(),
        before.as_ref(),
        Some(&after),
    )?;
    Ok(())
}

/// Writes the record of an approved review decision declaring expiry (`provisions` as the
/// decision stores them: a JSON array of provision keys); returns its id. Writing it again
/// changes nothing.
pub fn declare(
    db: &mut Db<'_>,
    actor: &str,
    decision: i64,
    document_id: i64,
    provisions: &str,
    effective_on: NaiveDate,
) -> Result<i64, DbError> {
    if let Some(existing) = rq::declared_expiry(db, document_id, decision)? {
        return Ok(existing.id);
    }
    let row = NewDeclaredExpiry {
        document_id,
        provisions: provisions.to_string(),
        effective_on,
        decision,
    };
    let id = rq::insert_declared_expiry(db, &row)?;
    queries::append_outbox(db, "document", document_id)?;
    audit(db, actor, "create", id, None, snapshot(&row, None))?;
    Ok(id)
}

/// Ends the record of a review decision that a correction supersedes: it is kept, marked
/// ended at `at`, and no longer counts. Nothing happens when there is no live record.
pub fn end(
    db: &mut Db<'_>,
    actor: &str,
    decision: i64,
    document_id: i64,
    at: NaiveDateTime,
) -> Result<(), DbError> {
    let Some(r) = rq::declared_expiry(db, document_id, decision)? else {
        return Ok(());
    };
    if r.ended_at.is_some() {
        return Ok(());
    }
    rq::update_declared_expiry(db, r.id, &r.provisions, r.effective_on, Some(at))?;
    queries::append_outbox(db, "document", document_id)?;
    let row = as_new(&r);
    audit(
        db,
        actor,
        "end",
        r.id,
        Some(snapshot(&row, None)),
        snapshot(&row, Some(at)),
    )
}

impl RegistryWriter {
    /// Validates and writes a `declared_expiry` line; returns its outcome and warnings. Ending
    /// is one way: a line without `ended_at` leaves an ended record ended (with a warning),
    /// and an ended record is not changed otherwise.
    pub fn declared_expiry(
        &mut self,
        db: &mut Db<'_>,
        rec: &DeclaredExpiryRecord,
    ) -> Result<(Outcome, Vec<String>), RecordError> {
        if rec.decision <= 0 {
            return invalid(format!(
                "số quyết định rà soát («decision») phải là số dương ({})",
                rec.decision
            ));
        }
        let document_id = self.document_id(db, &rec.document)?;
        let mut keys: Vec<String> = Vec::new();
        if !rec.provisions.is_empty() {
            let existing = queries::provision_keys_of(db, document_id)?;
            for p in &rec.provisions {
                let key = parse_reference(p).map_err(|e| RecordError::Invalid(e.to_string()))?;
                if !existing.contains(&key) {
                    return invalid(format!(
                        "văn bản {} không có {}",
                        nfc(&rec.document.number),
                        structure::display_reference(&key)
                    ));
                }
                if !keys.contains(&key) {
                    keys.push(key);
                }
            }
        }
        let row = NewDeclaredExpiry {
            document_id,
            provisions: serde_json::to_string(&keys).unwrap_or_else(|_| "[]".into()),
            effective_on: rec.effective_on,
            decision: rec.decision,
        };
        let ended_at = rec.ended_at.as_ref().map(DateTime::<Utc>::naive_utc);
        let Some(e) = rq::declared_expiry(db, document_id, rec.decision)? else {
            let id = rq::insert_declared_expiry(db, &row)?;
            if ended_at.is_some() {
                rq::update_declared_expiry(db, id, &row.provisions, row.effective_on, ended_at)?;
            }
            queries::append_outbox(db, "document", document_id)?;
            audit(
                db,
                &self.actor,
                "create",
                id,
                None,
                snapshot(&row, ended_at),
            )?;
            return Ok((Outcome::Created, Vec::new()));
        };
        let before = as_new(&e);
        if let Some(ended) = e.ended_at {
            if before != row {
                return invalid(format!(
                    "công bố hết hiệu lực theo quyết định rà soát số {} đã chấm dứt lúc {}; bản ghi đã chấm dứt không sửa được",
                    rec.decision,
                    ended.and_utc().to_rfc3339()
                ));
            }
            let warnings = if ended_at.is_none() {
                vec![format!(
                    "công bố hết hiệu lực theo quyết định rà soát số {} đã chấm dứt lúc {}; vẫn giữ là đã chấm dứt",
                    rec.decision,
                    ended.and_utc().to_rfc3339()
                )]
            } else {
                Vec::new()
            };
            return Ok((Outcome::Unchanged, warnings));
        }
        if before == row && ended_at.is_none() {
            return Ok((Outcome::Unchanged, Vec::new()));
        }
        rq::update_declared_expiry(db, e.id, &row.provisions, row.effective_on, ended_at)?;
        queries::append_outbox(db, "document", document_id)?;
        let action = if ended_at.is_some() { "end" } else { "update" };
        audit(
            db,
            &self.actor,
            action,
            e.id,
            Some(snapshot(&before, None)),
            snapshot(&row, ended_at),
        )?;
        Ok((Outcome::Updated, Vec::new()))
    }
}
