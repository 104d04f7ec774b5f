//! The `api_tokens` table: a row per token (its secret stored as SHA-256 only).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use super::schema::api_tokens;
use super::stored::{self, At, Corrupt};
use super::{Db, DbError};

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Serialize)]
#[diesel(table_name = api_tokens)]
pub struct TokenRow {
    pub id: i64,
    pub user_id: i64,
    pub name: String,
    pub prefix: String,
    pub created_at: NaiveDateTime,
    pub last_used_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
    pub expires_at: NaiveDateTime,
    /// A code of `auth::tokens::RevokeReason`; read it with [`TokenRow::revoked_reason_stored`].
    pub revoked_reason: Option<String>,
}

impl TokenRow {
    /// Why the token was revoked, read with the vocabulary's `parse` (`auth::tokens::RevokeReason`
    /// sits above `db`): `None` for a live token or one revoked before reasons were kept; an
    /// unknown stored code is an error naming the row, never "no reason".
    pub fn revoked_reason_stored<T>(
        &self,
        parse: impl FnOnce(&str) -> Option<T>,
    ) -> Result<Option<T>, Corrupt> {
        let at = At::new("api_tokens", &self.id, "revoked_reason");
        self.revoked_reason
            .as_deref()
            .map(|raw| stored::code(raw, at, parse))
            .transpose()
    }
}

/// A new token's row.
pub struct NewToken<'a> {
    pub user_id: i64,
    pub name: &'a str,
    pub prefix: &'a str,
    pub token_hash: &'a str,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
}

/// Inserts a token; returns its id.
pub fn insert(db: &mut Db<'_>, t: &NewToken<'_>) -> Result<i64, DbError> {
    Ok(
        crate::with_db!(db, c => diesel::insert_into(api_tokens::table)
        .values((
            api_tokens::user_id.eq(t.user_id),
            api_tokens::name.eq(t.name),
            api_tokens::prefix.eq(t.prefix),
            api_tokens::token_hash.eq(t.token_hash),
            api_tokens::created_at.eq(t.created_at),
            api_tokens::expires_at.eq(t.expires_at),
        ))
        .returning(api_tokens::id)
        .get_result(c))?,
    )
}

/// A user's tokens, newest first.
pub fn for_user(db: &mut Db<'_>, user_id: i64) -> Result<Vec<TokenRow>, DbError> {
    Ok(crate::with_db!(db, c => api_tokens::table
        .filter(api_tokens::user_id.eq(user_id))
        .order(api_tokens::id.desc())
        .select(TokenRow::as_select())
        .load(c))?)
}

/// A user's live (not revoked) token with this id.
pub fn live_of_user(
    db: &mut Db<'_>,
    user_id: i64,
    token_id: i64,
) -> Result<Option<TokenRow>, DbError> {
    Ok(crate::with_db!(db, c => api_tokens::table
        .find(token_id)
        .filter(api_tokens::user_id.eq(user_id))
        .filter(api_tokens::revoked_at.is_null())
        .select(TokenRow::as_select())
        .first(c)
        .optional())?)
}

/// Every live (not revoked) token of a user, oldest first.
pub fn all_live_of_user(db: &mut Db<'_>, user_id: i64) -> Result<Vec<TokenRow>, DbError> {
    Ok(crate::with_db!(db, c => api_tokens::table
        .filter(api_tokens::user_id.eq(user_id))
        .filter(api_tokens::revoked_at.is_null())
        .order(api_tokens::id.asc())
        .select(TokenRow::as_select())
        .load(c))?)
}

pub fn set_revoked(
    db: &mut Db<'_>,
    id: i64,
    now: NaiveDateTime,
    reason: &str,
) -> Result<usize, DbError> {
    Ok(
        crate::with_db!(db, c => diesel::update(api_tokens::table.find(id))
        .set((
            api_tokens::revoked_at.eq(now),
            api_tokens::revoked_reason.eq(reason),
        ))
        .execute(c))?,
    )
}

/// The live, unexpired token with this hash.
pub fn by_hash(
    db: &mut Db<'_>,
    token_hash: &str,
    now: NaiveDateTime,
) -> Result<Option<TokenRow>, DbError> {
    Ok(crate::with_db!(db, c => api_tokens::table
        .filter(api_tokens::token_hash.eq(token_hash))
        .filter(api_tokens::revoked_at.is_null())
        .filter(api_tokens::expires_at.gt(now))
        .select(TokenRow::as_select())
        .first(c)
        .optional())?)
}

pub fn set_last_used(db: &mut Db<'_>, id: i64, now: NaiveDateTime) -> Result<usize, DbError> {
    Ok(
        crate::with_db!(db, c => diesel::update(api_tokens::table.find(id))
        .set(api_tokens::last_used_at.eq(now))
        .execute(c))?,
    )
}
