//! What the status rules read beyond documents and effects: every provision's key and the key
//! of the provision containing it.

use diesel::prelude::*;

use super::schema::provisions;
use super::{Db, DbError};
use crate::with_db;

/// A provision of a document: `(document id, key, parent key)`.
pub type ProvisionLink = (i64, String, Option<String>);

/// Every provision of the documents `document_ids` (chương, mục, điều, khoản, điểm), each
/// document's in document order.
pub fn provision_tree(
    db: &mut Db<'_>,
    document_ids: &[i64],
) -> Result<Vec<ProvisionLink>, DbError> {
    let mut out = Vec::new();
    for chunk in document_ids.chunks(500) {
        let part: Vec<ProvisionLink> = with_db!(db, c => provisions::table
            .filter(provisions::document_id.eq_any(chunk))
            .order((provisions::document_id, provisions::ordinal))
            .select((provisions::document_id, provisions::key, provisions::parent_key))
            .load(c))?;
        out.extend(part);
    }
    Ok(out)
}
