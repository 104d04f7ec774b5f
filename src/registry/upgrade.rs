//! One-time, idempotent data upgrades run after the migrations (`vanban migrate`, `vanban
//! serve`): what SQL cannot do because it must go through the audited writers (the audit trail
//! is hash-chained, so its entries are written by `audit::append`, not by a migration).

use crate::db::{DbError, DbPool};

/// The audit trail's name for the upgrade step.
pub const ACTOR: &str = "upgrade:declared_expiries";

/// Turns the declared expiries approved in the review before they became registry records
/// (migration `2026-12-02-000008_declared_expiries`) into records, each audited; returns how
/// many it wrote (none once it ran).
pub fn declared_expiries(pool: &DbPool) -> Result<usize, DbError> {
    let mut conn = pool.get()?;
    conn.write(|db| -> Result<usize, DbError> {
        let pending = crate::db::registry::approved_expiries_without_record(db)?;
        for a in &pending {
            super::expiry::declare(
                db,
                ACTOR,
                a.decision,
                a.document_id,
                &a.provisions,
                a.effective_on,
            )?;
        }
        Ok(pending.len())
    })
}

/// Every upgrade step, in order; returns how many records they wrote.
pub fn run(pool: &DbPool) -> Result<usize, DbError> {
    declared_expiries(pool)
}
