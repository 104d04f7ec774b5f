//! Withdrawal (rút) of a document entered in error, by an administrator with a reason. A
//! published document is never deleted: the record stays, flagged (`db::editing::Withdrawal`),
//! and from then on it and its effects act on no status (the status graph leaves them out, so
//! documents it had ended are in force again), search, feeds and listings drop it, its public
//! addresses answer 410 with the reason, and the export keeps it with its flag. One audit
//! entry records the reason; the outbox carries the change to the search index and to the
//! statuses of the documents it acted on.

use chrono::NaiveDate;

use crate::db::editing::{self, Withdrawal};
use crate::db::{queries, Db, DbError};
use crate::domain::text::nfc;

/// How lists and files that keep a withdrawn document name its state (the export, the legal
/// basis of a procedure): a code and its Vietnamese label.
pub const WITHDRAWN_CODE: &str = "da-rut";
pub const WITHDRAWN_LABEL: &str = "Đã rút (nhập nhầm)";

/// The longest reason kept (a few sentences).
pub const MAX_REASON: usize = 2000;

#[derive(Debug, thiserror::Error)]
pub enum WithdrawError {
    #[error("Cần nêu lý do.")]
    NoReason,
    #[error("Lý do dài quá {MAX_REASON} ký tự.")]
    ReasonTooLong,
    #[error("Không có văn bản số {0}.")]
    NotFound(i64),
    #[error("Văn bản đã bị rút ngày {}.", .0.withdrawn_on.format("%d/%m/%Y"))]
    Already(Withdrawal),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// A reason as given in a form: trimmed, NFC, required and bounded.
pub fn reason(raw: &str) -> Result<String, WithdrawError> {
    let r = nfc(raw.trim());
    if r.is_empty() {
        return Err(WithdrawError::NoReason);
    }
    if r.chars().count() > MAX_REASON {
        return Err(WithdrawError::ReasonTooLong);
    }
    Ok(r)
}

/// The Vietnamese sentence a withdrawn document's addresses answer with (410).
pub fn notice(w: &Withdrawal) -> String {
    format!(
        "Văn bản này đã bị rút khỏi cơ sở dữ liệu ngày {} vì được nhập do nhầm lẫn. Lý do: {}",
        w.withdrawn_on.format("%d/%m/%Y"),
        w.reason
    )
}

/// Withdraws document `id` on `on`, in the caller's transaction.
pub fn withdraw(
    db: &mut Db<'_>,
    actor: &str,
    id: i64,
    raw_reason: &str,
    on: NaiveDate,
) -> Result<Withdrawal, WithdrawError> {
    let reason = reason(raw_reason)?;
    if queries::document(db, id)?.is_none() {
        return Err(WithdrawError::NotFound(id));
    }
    if let Some(w) = editing::withdrawal(db, id)? {
        return Err(WithdrawError::Already(w));
    }
    let w = Withdrawal {
        document_id: id,
        withdrawn_on: on,
        reason,
    };
    record(db, actor, &w)?;
    Ok(w)
}

/// Writes a withdrawal (checked by the caller; the importer reads it back from an export) with
/// its audit entry, and queues the document and those it acted on for the index and statuses.
pub fn record(db: &mut Db<'_>, actor: &str, w: &Withdrawal) -> Result<(), DbError> {
    editing::insert_withdrawal(db, w)?;
    queries::append_outbox(db, "document", w.document_id)?;
    let mut targets: Vec<i64> = queries::effects_by(db, w.document_id)?
        .into_iter()
        .map(|e| e.target_id)
        .collect();
    targets.sort_unstable();
    targets.dedup();
    for t in targets {
        queries::append_outbox(db, "document", t)?;
    }
    let after = serde_json::json!({"withdrawn_on": w.withdrawn_on, "reason": w.reason});
    crate::audit::append(
        db,
        actor,
        "withdraw",
        "document",
        &w.document_id.to_string(),
        None,
        Some(&after),
    )?;
    Ok(())
}
