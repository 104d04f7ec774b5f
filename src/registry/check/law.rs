//! Checks of the class ends (an end date a transitional provision sets for a class of
//! documents): a class end dated before its basis document takes effect cannot have acted then.

use crate::db::registry::all_class_ends;
use crate::db::{Db, DbError};
use crate::domain::issuers::article;
use crate::domain::structure::display_reference;
use crate::domain::text::date_vn;

use super::{FindingCode, Registry, Report};

pub(super) fn check(db: &mut Db<'_>, reg: &Registry, report: &mut Report) -> Result<(), DbError> {
    for r in all_class_ends(db)? {
        let Some(basis) = reg.docs.get(&r.basis_id) else {
            continue;
        };
        if r.ceases_on < basis.effective_on {
            report.push(
                FindingCode::ClassEndBeforeBasis,
                article::IN_FORCE,
                format!(
                    "thời điểm hết hiệu lực theo nhóm văn bản ({} của {}) là ngày {}, trước ngày văn bản đó có hiệu lực ({})",
                    display_reference(&r.provision),
                    reg.name(r.basis_id),
                    date_vn(r.ceases_on),
                    date_vn(basis.effective_on)
                ),
            );
        }
    }
    Ok(())
}
