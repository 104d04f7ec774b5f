//! Editing an effect from its acting document's page: its dates, `until` and note, with a
//! required reason; or withdrawing an effect entered in error. Both go through the one write
//! path (the effect's own line, so the writer's scope covers its acting document and its
//! target), and a change of date or a withdrawal removes the effect as it was, audited with
//! the reason, in the same transaction.

use serde::Serialize;

use super::{field_error, refuse_withdrawn, FieldError};
use crate::app::AppError;
use crate::auth::Principal;
use crate::db::{editing, queries, Db, DbError, DbPool};
use crate::exchange::records::{EffectRecord, Record};
use crate::exchange::write::{write_records_then, WriteError, Writer};
use crate::jsonl::LineError;
use crate::registry::withdraw;

/// The effect form's fields.
#[derive(Debug, Clone, Default, Serialize, serde::Deserialize)]
#[serde(default)]
pub struct EffectEdit {
    /// `YYYY-MM-DD`; empty for a detailing link acting from its document's own date.
    pub effective_on: String,
    pub until: String,
    pub note: String,
    pub reason: String,
}

/// What the effect's page shows besides the form.
#[derive(Debug, Clone, Serialize)]
pub struct EffectPage {
    pub id: i64,
    pub acting_id: i64,
    pub acting: String,
    pub target_id: i64,
    pub target: String,
    pub kind: String,
    pub provisions: String,
    pub values: EffectEdit,
}

fn load(db: &mut Db<'_>, id: i64) -> Result<(crate::db::models::Effect, EffectRecord), AppError> {
    let missing = || AppError::NotFound(format!("Không có tác động mã số {id}."));
    let e = editing::effect(db, id)?.ok_or_else(missing)?;
    refuse_withdrawn(db, e.acting_id)?;
    let rec = crate::exchange::export::effect_record(db, e.clone())?.ok_or_else(missing)?;
    Ok((e, rec))
}

/// The effect's form, prefilled.
pub fn effect_page(db: &mut Db<'_>, id: i64) -> Result<EffectPage, AppError> {
    let (e, rec) = load(db, id)?;
    let kind = e.kind_stored().map_err(DbError::from)?;
    Ok(EffectPage {
        id,
        acting_id: e.acting_id,
        acting: rec.acting.number.clone(),
        target_id: e.target_id,
        target: rec.target.number.clone(),
        kind: kind.label().to_string(),
        provisions: rec.provisions.join("; "),
        values: EffectEdit {
            effective_on: rec.effective_on.map(|d| d.to_string()).unwrap_or_default(),
            until: rec.until.map(|d| d.to_string()).unwrap_or_default(),
            note: rec.note.clone().unwrap_or_default(),
            reason: String::new(),
        },
    })
}

fn date(field: &'static str, raw: &str, errors: &mut Vec<FieldError>) -> Option<chrono::NaiveDate> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    match chrono::NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
        Ok(d) => Some(d),
        Err(_) => {
            errors.push(field_error(
                field,
                "Ngày không hợp lệ: nhập theo dạng năm-tháng-ngày (2024-05-01).",
            ));
            None
        }
    }
}

/// Writes `rec` through the one write path as `who`, then removes effect `old` (a changed
/// date, or a withdrawal), audited with the reason; the form's errors, if refused.
fn write(
    pool: &DbPool,
    who: &Principal,
    rec: EffectRecord,
    old: Option<i64>,
    reason: String,
) -> Result<Result<(), Vec<FieldError>>, AppError> {
    let line = serde_json::to_string(&Record::Effect(rec))
        .map_err(|e| AppError::Internal(format!("bản ghi không tuần tự hoá được: {e}")))?;
    let writer = Writer {
        update: true,
        reason: Some(reason.clone()),
        ..crate::app::writer(&mut pool.get()?.db(), who)?
    };
    let actor = who.actor();
    let result = write_records_then(pool, &writer, "tac-dong", line.as_bytes(), |db, report| {
        let Some(id) = old else {
            if report.updated == 0 {
                return Err(WriteError::Invalid(vec![LineError {
                    file: "tac-dong".into(),
                    line: 1,
                    message: "Không có thay đổi nào so với bản đang lưu.".into(),
                }]));
            }
            return Ok(());
        };
        remove(db, &actor, id, &reason)?;
        Ok(())
    });
    match result {
        Ok(_) => Ok(Ok(())),
        Err(WriteError::Invalid(lines)) => Ok(Err(lines
            .into_iter()
            .map(|l| field_error("form", l.message))
            .collect())),
        Err(WriteError::Forbidden(lines)) => Err(AppError::Forbidden(
            lines
                .into_iter()
                .map(|l| l.message)
                .collect::<Vec<_>>()
                .join("; "),
        )),
        Err(WriteError::Conflict(_)) => Err(AppError::Conflict(
            "Tác động vừa được sửa ở nơi khác; hãy tải lại trang.".into(),
        )),
        Err(WriteError::Db(e)) => Err(AppError::Db(e)),
    }
}

/// Removes an effect, audited with what it was and the reason; its target's status changes.
fn remove(db: &mut Db<'_>, actor: &str, id: i64, reason: &str) -> Result<(), DbError> {
    let Some(e) = editing::effect(db, id)? else {
        return Ok(());
    };
    let before = serde_json::json!({
        "acting_id": e.acting_id,
        "target_id": e.target_id,
        "kind": e.kind,
        "provisions": e.provisions,
        "effective_on": e.effective_on,
        "until_on": e.until_on,
        "note": e.note,
    });
    editing::delete_effect(db, id)?;
    queries::append_outbox(db, "document", e.target_id)?;
    let after = serde_json::json!({ "reason": reason });
    crate::audit::append(
        db,
        actor,
        "withdraw",
        "effect",
        &id.to_string(),
        Some(&before),
        Some(&after),
    )?;
    Ok(())
}

/// Saves an edit of effect `id`; `Ok(acting document)` when saved.
pub fn apply_effect_edit(
    pool: &DbPool,
    who: &Principal,
    id: i64,
    form: &EffectEdit,
) -> Result<Result<i64, Vec<FieldError>>, AppError> {
    let (e, mut rec) = {
        let mut conn = pool.get()?;
        load(&mut conn.db(), id)?
    };
    let mut errors = Vec::new();
    let reason = match withdraw::reason(&form.reason) {
        Ok(r) => r,
        Err(w) => {
            errors.push(field_error("reason", w.to_string()));
            String::new()
        }
    };
    let effective_on = date("effective_on", &form.effective_on, &mut errors);
    let until = date("until", &form.until, &mut errors);
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    let moved = effective_on != rec.effective_on;
    rec.effective_on = effective_on;
    rec.until = until;
    rec.note = Some(form.note.trim().to_string()).filter(|n| !n.is_empty());
    let outcome = write(pool, who, rec, moved.then_some(id), reason)?;
    Ok(outcome.map(|()| e.acting_id))
}

/// Withdraws effect `id` entered in error; `Ok(acting document)` when done.
pub fn withdraw_effect(
    pool: &DbPool,
    who: &Principal,
    id: i64,
    reason: &str,
) -> Result<Result<i64, Vec<FieldError>>, AppError> {
    let reason = match withdraw::reason(reason) {
        Ok(r) => r,
        Err(w) => return Ok(Err(vec![field_error("withdraw_reason", w.to_string())])),
    };
    let (e, rec) = {
        let mut conn = pool.get()?;
        load(&mut conn.db(), id)?
    };
    // The effect's own line (unchanged) passes the writer's scope; then it is removed.
    let outcome = write(pool, who, rec, Some(id), reason)?;
    Ok(outcome.map(|()| e.acting_id))
}

/// Effects a document makes, for the links beside them on its page: (id, label).
pub fn effects_made(db: &mut Db<'_>, id: i64) -> Result<Vec<(i64, String)>, AppError> {
    let mut out = Vec::new();
    for e in queries::effects_by(db, id)? {
        let kind = e.kind_stored().map_err(DbError::from)?;
        let target = queries::document(db, e.target_id)?
            .map(|d| d.number)
            .unwrap_or_default();
        out.push((
            e.id,
            format!(
                "{} {target} từ {}",
                kind.label(),
                e.effective_on.format("%d/%m/%Y")
            ),
        ));
    }
    Ok(out)
}
