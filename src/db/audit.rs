//! The audit trail's table (`audit_log`): its row and every query on it, and the catalogue
//! queries that read the triggers (and PostgreSQL trigger functions) guarding it. The chain,
//! its hashes and what a check concludes are `crate::audit`'s.

use diesel::prelude::*;
use diesel::sql_types::Text;
use serde::Serialize;

use super::schema::audit_log;
use super::{Db, DbError};

/// One entry of the trail.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = audit_log, treat_none_as_default_value = false)]
pub struct Entry {
    pub seq: i64,
    /// UTC, RFC 3339 with microseconds.
    pub at: String,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

/// The latest entry's number and hash, if any.
pub fn head(db: &mut Db<'_>) -> Result<Option<(i64, String)>, DbError> {
    Ok(crate::with_db!(db, c => audit_log::table
        .select((audit_log::seq, audit_log::hash))
        .order(audit_log::seq.desc())
        .first(c)
        .optional())?)
}

/// On PostgreSQL, locks the table until the caller's transaction ends, so that concurrent
/// writers chain one after another (SQLite's `BEGIN IMMEDIATE` already serialises writers).
pub fn lock_for_append(db: &mut Db<'_>) -> Result<(), DbError> {
    if let Db::Pg(c) = db {
        diesel::sql_query("LOCK TABLE audit_log IN EXCLUSIVE MODE").execute(&mut **c)?;
    }
    Ok(())
}

pub fn insert(db: &mut Db<'_>, e: &Entry) -> Result<(), DbError> {
    crate::with_db!(db, c => diesel::insert_into(audit_log::table).values(e).execute(c))?;
    Ok(())
}

/// Rows of one multi-row insert of entries (10 parameters a row: far below PostgreSQL's 65,535
/// bind parameters a statement).
const ENTRIES_PER_STATEMENT: usize = 500;

/// Inserts consecutive entries in multi-row statements; the table's trigger checks each row
/// against the rows before it in the same statement.
pub fn insert_many(db: &mut Db<'_>, entries: &[Entry]) -> Result<(), DbError> {
    for chunk in entries.chunks(ENTRIES_PER_STATEMENT) {
        crate::with_db!(db, c => diesel::insert_into(audit_log::table).values(chunk).execute(c))?;
    }
    Ok(())
}

/// Up to `limit` entries numbered after `after`, in order.
pub fn page_after(db: &mut Db<'_>, after: i64, limit: i64) -> Result<Vec<Entry>, DbError> {
    Ok(crate::with_db!(db, c => audit_log::table
        .filter(audit_log::seq.gt(after))
        .order(audit_log::seq.asc())
        .limit(limit)
        .select(Entry::as_select())
        .load(c))?)
}

/// The hash of entry `seq`, if it is there.
pub fn hash_at(db: &mut Db<'_>, seq: i64) -> Result<Option<String>, DbError> {
    Ok(crate::with_db!(db, c => audit_log::table
        .filter(audit_log::seq.eq(seq))
        .select(audit_log::hash)
        .first(c)
        .optional())?)
}

/// The entries about one record, oldest first.
pub fn for_record(db: &mut Db<'_>, entity: &str, entity_id: &str) -> Result<Vec<Entry>, DbError> {
    Ok(crate::with_db!(db, c => audit_log::table
        .filter(audit_log::entity.eq(entity))
        .filter(audit_log::entity_id.eq(entity_id))
        .order(audit_log::seq.asc())
        .select(Entry::as_select())
        .load(c))?)
}

/// A trigger on `audit_log` as the database's catalogue gives it.
#[derive(QueryableByName)]
pub struct Trigger {
    #[diesel(sql_type = Text)]
    pub name: String,
    /// SQLite: the `CREATE TRIGGER` statement; PostgreSQL: `pg_get_triggerdef`, the table's
    /// schema left out.
    #[diesel(sql_type = Text)]
    pub definition: String,
    /// PostgreSQL's `tgenabled` (`O`, `A`: on); always `O` on SQLite.
    #[diesel(sql_type = Text)]
    pub enabled: String,
}

/// A PostgreSQL trigger function of the trail.
#[derive(QueryableByName)]
pub struct TriggerFunction {
    #[diesel(sql_type = Text)]
    pub name: String,
    #[diesel(sql_type = Text)]
    pub source: String,
    #[diesel(sql_type = Text)]
    pub language: String,
}

/// The triggers on `audit_log`, by name.
pub fn triggers(db: &mut Db<'_>) -> Result<Vec<Trigger>, DbError> {
    Ok(match db {
        Db::Sqlite(c) => diesel::sql_query(
            "SELECT name, COALESCE(sql, '') AS definition, 'O' AS enabled FROM sqlite_master \
             WHERE type = 'trigger' AND lower(tbl_name) = 'audit_log' ORDER BY name",
        )
        .load(&mut **c)?,
        Db::Pg(c) => diesel::sql_query(
            "SELECT t.tgname::text AS name, \
                    replace(pg_get_triggerdef(t.oid), ' ON ' || quote_ident(n.nspname) || '.audit_log ', ' ON audit_log ') AS definition, \
                    t.tgenabled::text AS enabled \
             FROM pg_trigger t \
             JOIN pg_class r ON r.oid = t.tgrelid \
             JOIN pg_namespace n ON n.oid = r.relnamespace \
             WHERE t.tgrelid = to_regclass('audit_log') AND NOT t.tgisinternal \
             ORDER BY t.tgname",
        )
        .load(&mut **c)?,
    })
}

/// The trigger functions of the trail (PostgreSQL; SQLite has none).
pub fn trigger_functions(db: &mut Db<'_>) -> Result<Vec<TriggerFunction>, DbError> {
    Ok(match db {
        Db::Sqlite(_) => Vec::new(),
        Db::Pg(c) => diesel::sql_query(
            "SELECT p.proname::text AS name, p.prosrc AS source, l.lanname::text AS language \
             FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang \
             WHERE p.pronamespace = (SELECT relnamespace FROM pg_class WHERE oid = to_regclass('audit_log')) \
               AND p.proname IN ('audit_log_append_only', 'audit_log_continue_chain')",
        )
        .load(&mut **c)?,
    })
}
