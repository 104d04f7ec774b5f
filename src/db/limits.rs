//! The `login_throttle` and `login_failures` tables: the rows behind the brute-force limits of
//! `auth::limits` (a name's throttle state, each failed or admitted attempt), and the lock that
//! serialises the attempts of one client address.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{login_failures, login_throttle};
use super::{Db, DbError};

/// A name's throttle row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = login_throttle)]
pub struct ThrottleRow {
    pub failures: i64,
    pub next_attempt_at: NaiveDateTime,
    pub last_attempt_at: NaiveDateTime,
}

/// Serialises, until the end of the transaction, the attempts from the address `ip`.
/// PostgreSQL: a transaction-scoped advisory lock on the address. SQLite: nothing to do, the
/// write transaction (`BEGIN IMMEDIATE`) already holds the database's one write lock.
pub fn lock_address(db: &mut Db<'_>, ip: &str) -> Result<(), DbError> {
    if let Db::Pg(c) = db {
        diesel::sql_query("SELECT pg_advisory_xact_lock(hashtext($1))")
            .bind::<diesel::sql_types::Text, _>(format!("vanban-login-address:{ip}"))
            .execute(&mut **c)?;
    }
    Ok(())
}

/// The failures recorded for `ip` after `since`: how many, and the oldest one's time.
pub fn address_failures(
    db: &mut Db<'_>,
    ip: &str,
    since: NaiveDateTime,
) -> Result<(i64, Option<NaiveDateTime>), DbError> {
    Ok(crate::with_db!(db, c => login_failures::table
        .filter(login_failures::ip.eq(ip))
        .filter(login_failures::at.gt(since))
        .select((diesel::dsl::count_star(), diesel::dsl::min(login_failures::at)))
        .get_result(c))?)
}

/// The throttle row of `username`, created (no failures, due `now`) when there is none, and
/// held until the end of the transaction: call inside a write transaction. SQLite: the
/// transaction already holds the write lock (`BEGIN IMMEDIATE`). PostgreSQL: the row exists
/// after the insert, and `FOR UPDATE` makes a parallel claim wait for ours.
pub fn hold_throttle(
    db: &mut Db<'_>,
    username: &str,
    now: NaiveDateTime,
) -> Result<ThrottleRow, DbError> {
    let fresh = (
        login_throttle::username.eq(username),
        login_throttle::failures.eq(0i64),
        login_throttle::next_attempt_at.eq(now),
        login_throttle::last_attempt_at.eq(now),
    );
    Ok(match db {
        Db::Sqlite(c) => {
            diesel::insert_into(login_throttle::table)
                .values(fresh)
                .on_conflict_do_nothing()
                .execute(&mut **c)?;
            login_throttle::table
                .find(username)
                .select(ThrottleRow::as_select())
                .first(&mut **c)?
        }
        Db::Pg(c) => {
            diesel::insert_into(login_throttle::table)
                .values(fresh)
                .on_conflict_do_nothing()
                .execute(&mut **c)?;
            login_throttle::table
                .find(username)
                .select(ThrottleRow::as_select())
                .for_update()
                .first(&mut **c)?
        }
    })
}

/// Stores the throttle state of `username` (its row exists: see [`hold_throttle`]).
pub fn store_throttle(db: &mut Db<'_>, username: &str, row: &ThrottleRow) -> Result<(), DbError> {
    crate::with_db!(db, c => diesel::update(login_throttle::table.find(username))
        .set((
            login_throttle::failures.eq(row.failures),
            login_throttle::next_attempt_at.eq(row.next_attempt_at),
            login_throttle::last_attempt_at.eq(row.last_attempt_at),
        ))
        .execute(c))?;
    Ok(())
}

/// Deletes the throttle row of `username` (its failures are cleared).
pub fn delete_throttle(db: &mut Db<'_>, username: &str) -> Result<(), DbError> {
    crate::with_db!(db, c => diesel::delete(login_throttle::table.find(username)).execute(c))?;
    Ok(())
}

/// Records an attempt of `username` from `ip` at `at`; its id.
pub fn insert_failure(
    db: &mut Db<'_>,
    username: &str,
    ip: &str,
    at: NaiveDateTime,
) -> Result<i64, DbError> {
    Ok(
        crate::with_db!(db, c => diesel::insert_into(login_failures::table)
        .values((
            login_failures::username.eq(username),
            login_failures::ip.eq(ip),
            login_failures::at.eq(at),
        ))
        .returning(login_failures::id)
        .get_result(c))?,
    )
}

/// Deletes the attempt record `id`.
pub fn delete_failure(db: &mut Db<'_>, id: i64) -> Result<(), DbError> {
    crate::with_db!(db, c => diesel::delete(login_failures::table.find(id)).execute(c))?;
    Ok(())
}

/// Deletes attempt records older than `failures_before`, and throttle rows idle since before
/// `idle_before` whose next attempt is already due at `now`; how many rows went.
pub fn prune(
    db: &mut Db<'_>,
    failures_before: NaiveDateTime,
    idle_before: NaiveDateTime,
    now: NaiveDateTime,
) -> Result<usize, DbError> {
    let failures = crate::with_db!(db, c => diesel::delete(
        login_failures::table.filter(login_failures::at.lt(failures_before)),
    )
    .execute(c))?;
    let idle = crate::with_db!(db, c => diesel::delete(
        login_throttle::table
            .filter(login_throttle::last_attempt_at.lt(idle_before))
            .filter(login_throttle::next_attempt_at.lt(now)),
    )
    .execute(c))?;
    Ok(failures + idle)
}
