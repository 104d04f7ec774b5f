//! The `users` and `user_scopes` tables: the account row as stored (its role a code that
//! `auth::users` reads through [`super::stored::code`]) and every query on them.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{units, user_scopes, users};
use super::{Db, DbError};

/// An account as stored; `role` is the stored code.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub password_hash: String,
    pub disabled: bool,
    pub created_at: NaiveDateTime,
    pub password_changed_at: NaiveDateTime,
    /// Set by an administrator's temporary password: the user must choose their own.
    pub must_change_password: bool,
}

/// A new account row (the password already hashed).
#[derive(Debug, Insertable)]
#[diesel(table_name = users)]
pub struct NewUserRow<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub role: &'a str,
    pub password_hash: &'a str,
    pub disabled: bool,
    pub created_at: NaiveDateTime,
    pub password_changed_at: NaiveDateTime,
    /// Set by an administrator's temporary password: the user must choose their own.
    pub must_change_password: bool,
}

pub fn find_by_username(db: &mut Db<'_>, username: &str) -> Result<Option<UserRow>, DbError> {
    Ok(crate::with_db!(db, c => users::table
        .filter(users::username.eq(username))
        .select(UserRow::as_select())
        .first(c)
        .optional())?)
}

pub fn find(db: &mut Db<'_>, id: i64) -> Result<Option<UserRow>, DbError> {
    Ok(crate::with_db!(db, c => users::table
        .find(id)
        .select(UserRow::as_select())
        .first(c)
        .optional())?)
}

pub fn count(db: &mut Db<'_>) -> Result<i64, DbError> {
    Ok(crate::with_db!(db, c => users::table.count().get_result(c))?)
}

/// Every account's row, by user name.
pub fn all(db: &mut Db<'_>) -> Result<Vec<UserRow>, DbError> {
    Ok(crate::with_db!(db, c => users::table
        .order(users::username.asc())
        .select(UserRow::as_select())
        .load(c))?)
}

/// The units of a user's scope, as (id, code, name), by code.
pub fn scope_units(db: &mut Db<'_>, user_id: i64) -> Result<Vec<(i64, String, String)>, DbError> {
    Ok(crate::with_db!(db, c => user_scopes::table
        .inner_join(units::table)
        .filter(user_scopes::user_id.eq(user_id))
        .select((units::id, units::code, units::name))
        .order(units::code.asc())
        .load(c))?)
}

/// The id of the unit with this code: its latest holder (codes are reused, `db::registry`).
pub fn unit_id(db: &mut Db<'_>, code: &str) -> Result<Option<i64>, DbError> {
    Ok(super::registry::unit_by_code(db, code)?.map(|u| u.id))
}

/// Replaces a user's scope by these units.
pub fn set_scope(db: &mut Db<'_>, user_id: i64, unit_ids: &[i64]) -> Result<(), DbError> {
    crate::with_db!(db, c => diesel::delete(user_scopes::table.filter(user_scopes::user_id.eq(user_id))).execute(c))?;
    for u in unit_ids {
        crate::with_db!(db, c => diesel::insert_into(user_scopes::table)
            .values((user_scopes::user_id.eq(user_id), user_scopes::unit_id.eq(*u)))
            .execute(c))?;
    }
    Ok(())
}

/// Inserts an account; returns its id.
pub fn insert(db: &mut Db<'_>, row: &NewUserRow<'_>) -> Result<i64, DbError> {
    Ok(crate::with_db!(db, c => diesel::insert_into(users::table)
        .values(row)
        .returning(users::id)
        .get_result(c))?)
}

pub fn set_name_and_role(
    db: &mut Db<'_>,
    id: i64,
    display_name: &str,
    role: &str,
) -> Result<usize, DbError> {
    Ok(
        crate::with_db!(db, c => diesel::update(users::table.find(id))
        .set((users::display_name.eq(display_name), users::role.eq(role)))
        .execute(c))?,
    )
}

/// A new password hash, changed at `now`, and whether its holder must change it at the next
/// sign-in; returns the number of rows changed (0: no such user).
pub fn set_password(
    db: &mut Db<'_>,
    id: i64,
    hash: &str,
    now: NaiveDateTime,
    must_change: bool,
) -> Result<usize, DbError> {
    Ok(
        crate::with_db!(db, c => diesel::update(users::table.find(id))
        .set((
            users::password_hash.eq(hash),
            users::password_changed_at.eq(now),
            users::must_change_password.eq(must_change),
        ))
        .execute(c))?,
    )
}

/// How many enabled accounts must still change a password an administrator set.
pub fn count_must_change(db: &mut Db<'_>) -> Result<i64, DbError> {
    Ok(crate::with_db!(db, c => users::table
        .filter(users::must_change_password.eq(true))
        .filter(users::disabled.eq(false))
        .count()
        .get_result(c))?)
}

/// The same password hashed again (the change date stays).
pub fn set_hash(db: &mut Db<'_>, id: i64, hash: &str) -> Result<usize, DbError> {
    Ok(
        crate::with_db!(db, c => diesel::update(users::table.find(id))
        .set(users::password_hash.eq(hash))
        .execute(c))?,
    )
}

pub fn set_disabled(db: &mut Db<'_>, id: i64, disabled: bool) -> Result<usize, DbError> {
    Ok(
        crate::with_db!(db, c => diesel::update(users::table.find(id))
        .set(users::disabled.eq(disabled))
        .execute(c))?,
    )
}
