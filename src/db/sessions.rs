//! The `sessions` table: a row per live session (the id stored as its SHA-256 only).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::sessions;
use super::{Db, DbError};

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = sessions)]
pub struct SessionRow {
    pub id_hash: String,
    pub user_id: i64,
    pub csrf_token: String,
    pub created_at: NaiveDateTime,
    pub last_seen_at: NaiveDateTime,
}

pub fn insert(db: &mut Db<'_>, row: &SessionRow) -> Result<usize, DbError> {
    Ok(crate::with_db!(db, c => diesel::insert_into(sessions::table).values(row).execute(c))?)
}

pub fn find(db: &mut Db<'_>, id_hash: &str) -> Result<Option<SessionRow>, DbError> {
    Ok(crate::with_db!(db, c => sessions::table
        .find(id_hash)
        .select(SessionRow::as_select())
        .first(c)
        .optional())?)
}

pub fn touch(db: &mut Db<'_>, id_hash: &str, now: NaiveDateTime) -> Result<usize, DbError> {
    Ok(
        crate::with_db!(db, c => diesel::update(sessions::table.find(id_hash))
        .set(sessions::last_seen_at.eq(now))
        .execute(c))?,
    )
}

pub fn delete(db: &mut Db<'_>, id_hash: &str) -> Result<usize, DbError> {
    Ok(crate::with_db!(db, c => diesel::delete(sessions::table.find(id_hash)).execute(c))?)
}

/// Deletes every session of a user except the one whose id hash is `keep` ("" for none).
pub fn delete_for_user(db: &mut Db<'_>, user_id: i64, keep: &str) -> Result<usize, DbError> {
    Ok(crate::with_db!(db, c => diesel::delete(
        sessions::table
            .filter(sessions::user_id.eq(user_id))
            .filter(sessions::id_hash.ne(keep)),
    )
    .execute(c))?)
}

/// Deletes sessions last seen at or before `idle_since` or created at or before `born_before`.
pub fn delete_stale(
    db: &mut Db<'_>,
    idle_since: NaiveDateTime,
    born_before: NaiveDateTime,
) -> Result<usize, DbError> {
    Ok(crate::with_db!(db, c => diesel::delete(
        sessions::table.filter(
            sessions::last_seen_at
                .le(idle_since)
                .or(sessions::created_at.le(born_before)),
        ),
    )
    .execute(c))?)
}
