//! My account, as both the account page (`web::account`) and the API (`api::account`) use it.

use crate::app::{on_pool, AppState};
use crate::auth::{tokens, users, Actor};
use crate::error::AppError;

/// Revokes one of my own API tokens; an unknown id, someone else's token or one already
/// revoked is 404.
pub async fn revoke_my_token(state: &AppState, me: &Actor, id: i64) -> Result<(), AppError> {
    let (uid, actor) = (me.user_id, me.actor());
    let pool = state.pool.clone();
    let done = actix_web::web::block(move || -> Result<bool, AppError> {
        let mut conn = pool.get()?;
        Ok(conn.write(|db| tokens::revoke(db, &actor, uid, id, crate::clock::now()))?)
    })
    .await??;
    if done {
        Ok(())
    } else {
        Err(AppError::NotFound(
            "Bạn không có mã truy cập còn hiệu lực nào với mã số này.".into(),
        ))
    }
}

/// The codes of the units my account is limited to (none: no limit).
pub async fn my_scope(state: &AppState, me: &Actor) -> Result<Vec<String>, AppError> {
    let uid = me.user_id;
    on_pool(state, move |db| {
        Ok(users::scope_units(db, uid)?
            .into_iter()
            .map(|u| u.1)
            .collect::<Vec<_>>())
    })
    .await
}
