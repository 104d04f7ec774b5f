//! The stored new wordings of amending effects (`effect_wordings`): the row, and the queries
//! of `registry::wording`. One row per (effect, provision key), in the order the effect record
//! gave them.

use diesel::prelude::*;

use super::models::Effect;
use super::schema::{effect_wordings, effects, withdrawals};
use super::{Db, DbError};
use crate::with_db;

type R<T> = Result<T, DbError>;

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = effect_wordings)]
pub struct WordingRow {
    pub effect_id: i64,
    /// A provision key (`dieu-5/khoan-2`).
    pub provision: String,
    /// The rank of the provision in the record (0 first).
    pub position: i32,
    pub wording: String,
}

/// The stored wordings of the effects `ids`, by effect then position.
pub fn wordings_of(db: &mut Db<'_>, ids: &[i64]) -> R<Vec<WordingRow>> {
    let mut out = Vec::new();
    for chunk in ids.chunks(500) {
        let part: Vec<WordingRow> = with_db!(db, c => effect_wordings::table
            .filter(effect_wordings::effect_id.eq_any(chunk))
            .order((effect_wordings::effect_id, effect_wordings::position))
            .select(WordingRow::as_select())
            .load(c))?;
        out.extend(part);
    }
    Ok(out)
}

/// Every stored wording (the export and the search index), by effect then position.
pub fn all_wordings(db: &mut Db<'_>) -> R<Vec<WordingRow>> {
    Ok(with_db!(db, c => effect_wordings::table
        .order((effect_wordings::effect_id, effect_wordings::position))
        .select(WordingRow::as_select())
        .load(c))?)
}

/// Makes `rows` the wordings of the effect `id` (none: the effect states no wording).
pub fn replace_wordings(db: &mut Db<'_>, id: i64, rows: &[WordingRow]) -> R<()> {
    with_db!(db, c => diesel::delete(effect_wordings::table.filter(effect_wordings::effect_id.eq(id))).execute(c))?;
    if !rows.is_empty() {
        with_db!(db, c => diesel::insert_into(effect_wordings::table).values(rows).execute(c))?;
    }
    Ok(())
}

/// The effects `ids` (those that exist), by id.
pub fn effects_by_ids(db: &mut Db<'_>, ids: &[i64]) -> R<Vec<Effect>> {
    let mut out = Vec::new();
    for chunk in ids.chunks(500) {
        let part: Vec<Effect> = with_db!(db, c => effects::table
            .filter(effects::id.eq_any(chunk))
            .order(effects::id)
            .select(Effect::as_select())
            .load(c))?;
        out.extend(part);
    }
    Ok(out)
}

/// The amending effects on the documents `targets` in force on `day` (dated on or before it),
/// oldest first; those of a withdrawn document (entered in error) act on no text.
pub fn amendments_on(db: &mut Db<'_>, targets: &[i64], day: chrono::NaiveDate) -> R<Vec<Effect>> {
    let amend = crate::domain::kinds::EffectKind::Amend.code();
    let mut out = Vec::new();
    for chunk in targets.chunks(500) {
        let part: Vec<Effect> = with_db!(db, c => effects::table
            .filter(effects::target_id.eq_any(chunk))
            .filter(effects::kind.eq(amend))
            .filter(effects::effective_on.le(day))
            .filter(diesel::dsl::not(effects::acting_id.eq_any(
                withdrawals::table.select(withdrawals::document_id),
            )))
            .order((effects::effective_on, effects::id))
            .select(Effect::as_select())
            .load(c))?;
        out.extend(part);
    }
    out.sort_by_key(|e| (e.effective_on, e.id));
    Ok(out)
}

/// The documents amended by the documents `acting` (their amending effects' targets).
pub fn amended_by(db: &mut Db<'_>, acting: &[i64]) -> R<Vec<i64>> {
    let amend = crate::domain::kinds::EffectKind::Amend.code();
    let mut out = Vec::new();
    for chunk in acting.chunks(500) {
        let part: Vec<i64> = with_db!(db, c => effects::table
            .filter(effects::acting_id.eq_any(chunk))
            .filter(effects::kind.eq(amend))
            .select(effects::target_id)
            .load(c))?;
        out.extend(part);
    }
    out.sort_unstable();
    out.dedup();
    Ok(out)
}
