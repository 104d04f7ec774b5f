//! The new wordings of amending effects (`registry::wording`): an amendment whose acting
//! document's text has an instruction for a provision but no wording that can be read (not
//! quoted, or a quote never closed), and a stated wording for a provision its target does not
//! have and that the amendment does not add. Both are warnings: the amendment itself stands
//! (Luật 80/2015, Điều 154 khoản 1 điểm b; Luật 64/2025, Điều 57 khoản 1).

use std::collections::HashMap;

use crate::db::models::Effect;
use crate::db::{queries, wording as stored, Db, DbError};
use crate::domain::kinds::EffectKind;
use crate::domain::structure::{display_reference, is_addition};
use crate::registry::wording::{from_text, Found, Texts};

use super::{FindingCode, Registry, Report};

/// Amendment makes the old wording cease and puts the new one in force.
const AMENDMENT: &str =
    "điểm b khoản 1 Điều 154 Luật Ban hành văn bản quy phạm pháp luật năm 2015; khoản 1 Điều 57 Luật Ban hành văn bản quy phạm pháp luật năm 2025";

pub(super) fn check(
    db: &mut Db<'_>,
    reg: &Registry,
    effects: &[Effect],
    report: &mut Report,
) -> Result<(), DbError> {
    let amendments: Vec<&Effect> = effects
        .iter()
        .filter(|e| e.kind_stored().is_ok_and(|k| k == EffectKind::Amend))
        .collect();
    let ids: Vec<i64> = amendments.iter().map(|e| e.id).collect();
    let mut stated: HashMap<i64, Vec<String>> = HashMap::new();
    for r in stored::wordings_of(db, &ids)? {
        stated.entry(r.effect_id).or_default().push(r.provision);
    }
    let mut texts = Texts::default();
    let mut outlines: HashMap<i64, Vec<String>> = HashMap::new();
    for e in amendments {
        let what = || {
            format!(
                "tác động id {} (sửa đổi, bổ sung) của {} đến {}",
                e.id,
                reg.name(e.acting_id),
                reg.name(e.target_id)
            )
        };
        if let Some(keys) = stated.get(&e.id) {
            let outline = match outlines.entry(e.target_id) {
                std::collections::hash_map::Entry::Occupied(o) => o.into_mut(),
                std::collections::hash_map::Entry::Vacant(v) => {
                    v.insert(queries::provision_keys_of(db, e.target_id)?)
                }
            };
            let has = |k: &str| outline.iter().any(|x| x == k);
            for k in keys.iter().filter(|k| !has(k) && !is_addition(k, has)) {
                report.push(
                    FindingCode::WordingMissingProvision,
                    AMENDMENT,
                    format!(
                        "{} ghi nội dung mới cho {} nhưng văn bản bị sửa đổi không có quy định này và đây không phải là quy định được bổ sung",
                        what(),
                        display_reference(k)
                    ),
                );
            }
            continue;
        }
        let Some(target) = reg.docs.get(&e.target_id).map(|d| d.number.clone()) else {
            continue;
        };
        let Some(acting) = texts.of(db, e.acting_id)? else {
            continue;
        };
        for k in e.provisions_stored()? {
            if let Found::Unreadable { line } = from_text(acting, &target, &k) {
                report.push(
                    FindingCode::WordingUnreadable,
                    AMENDMENT,
                    format!(
                        "{}: dòng {line} của văn bản sửa đổi {} nhưng không đọc được nội dung mới (không đặt trong ngoặc kép, hoặc thiếu dấu đóng ngoặc)",
                        what(),
                        display_reference(&k)
                    ),
                );
            }
        }
    }
    Ok(())
}
