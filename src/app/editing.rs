//! Editing the registry in the browser, shared by the pages: a document's edit (metadata and
//! text, with a required reason, optionally a correction — đính chính — naming the correcting
//! document), written through the one write path (`exchange::write`, so scope, audit and outbox
//! go in one transaction); its withdrawal; the refusal (410) of a withdrawn document's
//! addresses. Earlier versions read from the audit trail are in [`versions`].

pub mod effects;
pub mod versions;

use serde::Serialize;

use super::AppError;
use crate::auth::{Principal, Role};
use crate::db::editing::{self, NewCorrection};
use crate::db::{queries, Db, DbPool};
use crate::domain::kinds::DOCUMENT_TYPES;
use crate::domain::number::DocumentNumber;
use crate::domain::signing::{signing, SigningCapacity, SigningError};
use crate::exchange::records::Record;
use crate::exchange::write::{write_records_then, WriteError, Writer};
use crate::jsonl::LineError;
use crate::registry::org::Org;
use crate::registry::withdraw::{self, WithdrawError};

/// A withdrawn document's addresses answer 410 with the reason.
pub fn refuse_withdrawn(db: &mut Db<'_>, id: i64) -> Result<(), AppError> {
    match editing::withdrawal(db, id)? {
        Some(w) => Err(AppError::Withdrawn(withdraw::notice(&w))),
        None => Ok(()),
    }
}

/// The edit form's values (the stored ones, or what was sent back with errors); the form's
/// fields (a field left out is empty).
#[derive(Debug, Clone, Default, Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Edit {
    pub doc_type: String,
    pub title: String,
    /// Fields (lĩnh vực), one a line.
    pub fields: String,
    pub signer: String,
    pub signer_position: String,
    /// Where it was issued (địa danh).
    pub place: String,
    /// The signer's own capacity code (`tm`, `kt`, `q`, `tl`, `tuq`) or empty.
    pub signing_capacity: String,
    /// The capacity lines as written (`TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH`).
    pub signing_for: String,
    /// `YYYY-MM-DD`.
    pub effective_on: String,
    /// `YYYY-MM-DD` or empty.
    pub end_on: String,
    pub gazette: String,
    pub text: String,
    pub reason: String,
    /// The number of the correcting document (đính chính), empty when this is no correction.
    pub correcting_number: String,
}

/// What the edit form shows besides its values: the identity fields it does not change.
#[derive(Debug, Clone, Serialize)]
pub struct EditView {
    pub id: i64,
    pub authority: String,
    pub number: String,
    /// `dd/mm/yyyy`.
    pub issued_on: String,
    pub eli: String,
    pub types: &'static [&'static str],
    /// The signing capacities (code, label) of the form's list.
    pub capacities: Vec<(&'static str, &'static str)>,
    pub values: Edit,
}

/// An error beside its field (`form` for the form as a whole).
#[derive(Debug, Clone, Serialize)]
pub struct FieldError {
    pub field: &'static str,
    pub message: String,
}

fn field_error(field: &'static str, message: impl Into<String>) -> FieldError {
    FieldError {
        field,
        message: message.into(),
    }
}

/// The edit form of document `id`, prefilled with what the registry holds.
pub fn edit_view(db: &mut Db<'_>, id: i64) -> Result<EditView, AppError> {
    refuse_withdrawn(db, id)?;
    let d = queries::document(db, id)?
        .ok_or_else(|| AppError::NotFound(format!("Không có văn bản mã số {id}.")))?;
    let org = Org::load(db)?;
    let authority = org.authorities.get(&d.authority_id);
    let eli = crate::domain::eli::Eli::of(
        authority.map(|a| a.code.as_str()).unwrap_or_default(),
        &d.doc_type,
        &d.number,
        d.issued_on,
    )
    .path();
    let fields = d.fields_stored().map_err(crate::db::DbError::from)?;
    Ok(EditView {
        id,
        authority: authority.map(|a| a.name.clone()).unwrap_or_default(),
        number: d.number.clone(),
        issued_on: d.issued_on.format("%d/%m/%Y").to_string(),
        eli,
        types: DOCUMENT_TYPES,
        capacities: capacities(),
        values: Edit {
            doc_type: d.doc_type,
            title: d.title,
            fields: fields.join("\n"),
            signer: d.signer,
            signer_position: d.signer_position,
            place: d.place.unwrap_or_default(),
            signing_capacity: d.signing_capacity.unwrap_or_default(),
            signing_for: d.signing_for.unwrap_or_default(),
            effective_on: d.effective_on.to_string(),
            end_on: d.end_on.map(|e| e.to_string()).unwrap_or_default(),
            gazette: d.gazette.unwrap_or_default(),
            text: d.full_text,
            reason: String::new(),
            correcting_number: String::new(),
        },
    })
}

/// The signing capacities as the edit form lists them.
pub fn capacities() -> Vec<(&'static str, &'static str)> {
    SigningCapacity::ALL
        .iter()
        .map(|c| (c.code(), c.label()))
        .collect()
}

/// Whether an edit was saved, or the form comes back with its errors.
#[derive(Debug)]
pub enum EditOutcome {
    Saved,
    Refused(Vec<FieldError>),
}

fn date_field(
    field: &'static str,
    raw: &str,
    errors: &mut Vec<FieldError>,
) -> Option<chrono::NaiveDate> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    match crate::app::parse_date(Some(raw)) {
        Ok(d) => Some(d),
        Err(_) => {
            errors.push(field_error(
                field,
                "Ngày không hợp lệ: nhập theo dạng năm-tháng-ngày (2024-05-01) hoặc ngày/tháng/năm (01/05/2024).",
            ));
            None
        }
    }
}

/// The correcting document named by its number: the one of that number, or among several
/// the one of the corrected document's authority.
fn correcting_document(
    db: &mut Db<'_>,
    raw: &str,
    corrected: &crate::db::models::Document,
) -> Result<Result<i64, String>, AppError> {
    let number = match DocumentNumber::parse(raw.trim()) {
        Ok(n) => n,
        Err(e) => return Ok(Err(format!("Số ký hiệu không hợp lệ: {e}"))),
    };
    let mut found = editing::documents_by_number_key(db, &number.key())?;
    found.retain(|(id, _)| *id != corrected.id);
    let withdrawn = editing::withdrawn_ids(db)?;
    found.retain(|(id, _)| !withdrawn.contains(id));
    if found.len() > 1 {
        found.retain(|(_, authority)| *authority == corrected.authority_id);
    }
    Ok(match found.as_slice() {
        [(id, _)] => Ok(*id),
        [] => Err(format!(
            "Không có văn bản số {number} trong cơ sở dữ liệu; hãy nhập văn bản đính chính trước."
        )),
        _ => Err(format!(
            "Có nhiều văn bản số {number} của các cơ quan khác nhau; không xác định được văn bản đính chính."
        )),
    })
}

/// An edit checked: the document line to write and the correcting document, if any.
struct Checked {
    line: String,
    correcting: Option<i64>,
}

/// Checks the form and turns it into the document line to write; the errors beside their
/// fields otherwise.
fn edited_record(
    db: &mut Db<'_>,
    d: &crate::db::models::Document,
    e: &Edit,
) -> Result<Result<Checked, Vec<FieldError>>, AppError> {
    let mut errors = Vec::new();
    if let Err(w) = withdraw::reason(&e.reason) {
        errors.push(field_error("reason", w.to_string()));
    }
    if crate::domain::kinds::document_type(&e.doc_type).is_none() {
        errors.push(field_error(
            "doc_type",
            "Chọn một loại văn bản trong danh sách.",
        ));
    }
    if e.title.trim().is_empty() {
        errors.push(field_error("title", "Cần nhập trích yếu."));
    }
    if e.text.trim().is_empty() {
        errors.push(field_error("text", "Cần nhập nội dung văn bản."));
    }
    let effective_on = date_field("effective_on", &e.effective_on, &mut errors);
    if effective_on.is_none() && e.effective_on.trim().is_empty() {
        errors.push(field_error("effective_on", "Cần nhập ngày có hiệu lực."));
    }
    let end_on = date_field("end_on", &e.end_on, &mut errors);
    let signing = match signing(Some(&e.signing_capacity), Some(&e.signing_for)) {
        Ok(s) => Some(s),
        Err(err) => {
            let field = match err {
                SigningError::UnknownCode(_) | SigningError::Mismatch { .. } => "signing_capacity",
                _ => "signing_for",
            };
            errors.push(field_error(
                field,
                format!("Thẩm quyền ký: {err}; viết các dòng cách nhau bằng « / »."),
            ));
            None
        }
    };
    let correcting = if e.correcting_number.trim().is_empty() {
        None
    } else {
        match correcting_document(db, &e.correcting_number, d)? {
            Ok(id) => Some(id),
            Err(m) => {
                errors.push(field_error("correcting_number", m));
                None
            }
        }
    };
    let (Some(effective_on), Some((capacity, signing_for))) =
        (effective_on.filter(|_| errors.is_empty()), signing)
    else {
        return Ok(Err(errors));
    };
    let org = Org::load(db)?;
    let code = org
        .authorities
        .get(&d.authority_id)
        .map(|a| a.code.clone())
        .unwrap_or_default();
    let dates = crate::exchange::export::provisions_effective(db, Some(d.id))?
        .remove(&d.id)
        .unwrap_or_default();
    let mut rec = crate::exchange::export::document_record(d.clone(), code, dates, None)?;
    rec.doc_type = e.doc_type.trim().to_string();
    rec.title = e.title.trim().to_string();
    rec.fields = e
        .fields
        .lines()
        .flat_map(|l| l.split(';'))
        .map(|f| f.trim().to_string())
        .filter(|f| !f.is_empty())
        .collect();
    rec.signer = e.signer.trim().to_string();
    rec.signer_position = e.signer_position.trim().to_string();
    rec.effective_on = effective_on;
    rec.end_on = end_on;
    rec.gazette = Some(e.gazette.trim().to_string()).filter(|g| !g.is_empty());
    rec.place = Some(e.place.trim().to_string()).filter(|p| !p.is_empty());
    rec.signing_capacity = capacity.map(|c| c.code().to_string());
    rec.signing_for = signing_for.map(|s| s.as_stored());
    rec.text = e.text.replace("\r\n", "\n");
    let line = serde_json::to_string(&Record::Document(rec))
        .map_err(|e| AppError::Internal(format!("bản ghi không tuần tự hoá được: {e}")))?;
    Ok(Ok(Checked { line, correcting }))
}

/// The fields an audited document update changed (`text_sha256` is the text).
fn changed_fields(entry: &crate::audit::Entry) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for c in crate::audit::changes(entry.before.as_deref(), entry.after.as_deref()) {
        let name = match c.field.as_str() {
            "reason" => continue,
            "text_sha256" | "preamble_sha256" => "full_text".to_string(),
            other => other.to_string(),
        };
        if !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

/// Saves an edit of document `id` by `who`: the record through the one write path (scope,
/// audit with before, after and the reason, outbox), and the correction naming its document,
/// in one transaction.
pub fn apply_edit(
    pool: &DbPool,
    who: &Principal,
    id: i64,
    e: &Edit,
) -> Result<EditOutcome, AppError> {
    let (line, correcting, base) = {
        let mut conn = pool.get()?;
        let mut db = conn.db();
        refuse_withdrawn(&mut db, id)?;
        let d = queries::document(&mut db, id)?
            .ok_or_else(|| AppError::NotFound(format!("Không có văn bản mã số {id}.")))?;
        let Checked { line, correcting } = match edited_record(&mut db, &d, e)? {
            Ok(x) => x,
            Err(errors) => return Ok(EditOutcome::Refused(errors)),
        };
        (line, correcting, crate::app::writer(&mut db, who)?)
    };
    let reason = withdraw::reason(&e.reason).unwrap_or_default();
    let writer = Writer {
        update: true,
        reason: Some(reason),
        ..base
    };
    let actor = who.actor();
    let result = write_records_then(pool, &writer, "sua", line.as_bytes(), |db, report| {
        if report.updated == 0 {
            return Err(WriteError::Invalid(vec![LineError {
                file: "sua".into(),
                line: 1,
                message: "Không có thay đổi nào so với bản đang lưu.".into(),
            }]));
        }
        if let Some(c) = correcting {
            record_correction(db, &actor, id, c)?;
        }
        Ok(())
    });
    match result {
        Ok(_) => Ok(EditOutcome::Saved),
        Err(WriteError::Invalid(lines)) => Ok(EditOutcome::Refused(
            lines
                .into_iter()
                .map(|l| field_error("form", l.message))
                .collect(),
        )),
        Err(WriteError::Forbidden(lines)) => Err(AppError::Forbidden(
            lines
                .into_iter()
                .map(|l| l.message)
                .collect::<Vec<_>>()
                .join("; "),
        )),
        Err(WriteError::Conflict(_)) => Err(AppError::Conflict(
            "Văn bản vừa được sửa ở nơi khác; hãy tải lại trang.".into(),
        )),
        Err(WriteError::Db(e)) => Err(AppError::Db(e)),
    }
}

/// The correction row of the update just audited, with its own audit entry.
fn record_correction(
    db: &mut Db<'_>,
    actor: &str,
    id: i64,
    correcting: i64,
) -> Result<(), WriteError> {
    let history = crate::audit::history(db, "document", &id.to_string())?;
    let Some(update) = history.iter().rev().find(|h| h.action == "update") else {
        return Ok(());
    };
    let fields = changed_fields(update);
    let row = NewCorrection {
        document_id: id,
        correcting_document_id: correcting,
        audit_seq: update.seq,
        fields: serde_json::to_string(&fields).unwrap_or_else(|_| "[]".into()),
    };
    let cid = editing::insert_correction(db, &row)?;
    let after = serde_json::to_value(&row).unwrap_or(serde_json::Value::Null);
    crate::audit::append(
        db,
        actor,
        "create",
        "correction",
        &cid.to_string(),
        None,
        Some(&after),
    )?;
    queries::append_outbox(db, "document", id)?;
    Ok(())
}

/// A changed field's name as the pages say it.
fn field_label(name: &str) -> &str {
    match name {
        "type" => "loại văn bản",
        "title" => "trích yếu",
        "fields" => "lĩnh vực",
        "signer" => "người ký",
        "signer_position" => "chức vụ người ký",
        "effective_on" => "ngày có hiệu lực",
        "end_on" => "ngày hết hiệu lực",
        "gazette" => "công báo",
        "place" => "nơi ban hành",
        "signing_capacity" => "thẩm quyền ký",
        "signing_for" => "dòng thẩm quyền ký",
        "normative" => "tính chất",
        "full_text" => "nội dung",
        other => other,
    }
}

/// A correction as the document page names it ("Đã đính chính theo …").
#[derive(Debug, Clone, Serialize)]
pub struct CorrectionView {
    pub number: String,
    pub title: String,
    pub url: String,
    pub fields: Vec<String>,
}

/// The corrections of document `id`, oldest first.
pub fn corrections(db: &mut Db<'_>, id: i64) -> Result<Vec<CorrectionView>, AppError> {
    let mut out = Vec::new();
    for c in editing::corrections_of(db, id)? {
        let fields = c.fields_stored()?;
        let Some(d) = queries::document(db, c.correcting_document_id)? else {
            continue;
        };
        out.push(CorrectionView {
            number: d.number,
            title: d.title,
            url: format!("/documents/{}", d.id),
            fields: fields.iter().map(|f| field_label(f).to_string()).collect(),
        });
    }
    Ok(out)
}

/// Withdraws document `id` (administrators; the route's rule) on `on`; the error
/// beside the reason field when refused.
pub fn withdraw_document(
    db: &mut Db<'_>,
    who: &Principal,
    id: i64,
    reason: &str,
    on: chrono::NaiveDate,
) -> Result<Result<(), FieldError>, AppError> {
    if who.role != Role::Admin {
        return Err(AppError::Forbidden(
            "Chỉ quản trị viên được rút văn bản.".into(),
        ));
    }
    match withdraw::withdraw(db, &who.actor(), id, reason, on) {
        Ok(_) => Ok(Ok(())),
        Err(e @ (WithdrawError::NoReason | WithdrawError::ReasonTooLong)) => {
            Ok(Err(field_error("reason", e.to_string())))
        }
        Err(WithdrawError::NotFound(id)) => {
            Err(AppError::NotFound(format!("Không có văn bản mã số {id}.")))
        }
        Err(WithdrawError::Already(w)) => Err(AppError::Withdrawn(withdraw::notice(&w))),
        Err(WithdrawError::Db(e)) => Err(AppError::Db(e)),
    }
}
