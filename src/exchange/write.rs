//! Writes from the API: the same records as an import (JSON Lines), by a signed-in user, all
//! or nothing. Each record is checked against everything it touches: a user limited to some
//! units writes only documents of those units' authorities, effects whose acting document
//! *and* target are such documents, and postings only at those units (a bulk posting by
//! level is refused when the level reaches a unit outside them); units, successions,
//! authorities and calendar days belong to administrators. One line out of scope refuses the
//! whole body (403, every such line named), and nothing is written.

use std::collections::HashSet;

use super::apply::Importer;
use super::import::{parse_line, ImportReport, Item, LineError, Outcome, RawLine, RecordError};
use super::records::Record;
use crate::db::{queries, Db, DbError, DbPool};

/// Who writes, and what they may touch.
#[derive(Debug, Clone)]
pub struct Writer {
    /// The audit trail's name for them (`user:<username>`).
    pub actor: String,
    /// Units whose authorities' records they may write; `None` for no limit.
    pub units: Option<HashSet<i64>>,
    /// Whether they may write units, successions and authorities.
    pub organisation: bool,
    /// Whether records that differ from the stored ones replace them; otherwise each such
    /// line is a conflict naming its fields, and nothing is written.
    pub update: bool,
    /// Why they write (an edit's reason), kept in the audit entries of updates.
    pub reason: Option<String>,
}

/// A line that differs from the stored record, with the fields that differ.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConflictLine {
    pub file: String,
    pub line: usize,
    pub fields: Vec<&'static str>,
}

impl ConflictLine {
    /// The conflict as a line error (its message names the fields that differ).
    pub fn into_line_error(self) -> LineError {
        LineError {
            message: RecordError::Conflict(self.fields).to_string(),
            file: self.file,
            line: self.line,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// Records that are not valid; nothing was written.
    #[error("{} bản ghi không hợp lệ", .0.len())]
    Invalid(Vec<LineError>),
    /// Records outside what the writer may touch; nothing was written.
    #[error("{} bản ghi ngoài phạm vi được phép", .0.len())]
    Forbidden(Vec<LineError>),
    /// Records differing from the stored ones, the write not asked to update; nothing was
    /// written.
    #[error("{} bản ghi xung đột với bản đang lưu", .0.len())]
    Conflict(Vec<ConflictLine>),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<diesel::result::Error> for WriteError {
    fn from(e: diesel::result::Error) -> Self {
        WriteError::Db(DbError::Query(e))
    }
}

/// Why `w` may not write `r`, if so. Everything a record touches is checked, not only the
/// record that names it: an effect changes its target's status as well as its acting
/// document's page, and a bulk posting writes a posting at every unit of its level.
fn refusal(db: &mut Db<'_>, w: &Writer, r: &Record) -> Result<Option<String>, DbError> {
    let authority_code = match r {
        Record::Unit(_) | Record::Succession(_) | Record::Authority(_) => {
            return Ok((!w.organisation).then(|| {
                "chỉ quản trị viên được thêm, sửa đơn vị hành chính và cơ quan ban hành".into()
            }))
        }
        Record::CalendarDay(_) => {
            return Ok((!w.organisation)
                .then(|| "chỉ quản trị viên được khai báo ngày nghỉ, ngày làm bù".into()))
        }
        // It ends documents of many authorities at once.
        Record::ClassEnd(_) => {
            return Ok((!w.organisation).then(|| {
                "chỉ quản trị viên được ghi thời điểm hết hiệu lực theo nhóm văn bản".into()
            }))
        }
        Record::Document(d) => &d.authority,
        Record::DeclaredExpiry(x) => &x.document.authority,
        Record::Effect(e) => return effect_refusal(db, w, e),
        Record::Procedure(p) => &p.decision.authority,
        Record::Posting(p) => return posting_refusal(db, w, p),
        Record::DossierCount(c) => return unit_refusal(db, w, &c.unit),
        Record::UnitContact(c) => return unit_refusal(db, w, &c.unit),
        Record::Inspection(i) => return unit_refusal(db, w, &i.unit),
    };
    authority_refusal(db, w, authority_code)
}

/// Why `w` may not write a record of the authority `code`, if so.
fn authority_refusal(db: &mut Db<'_>, w: &Writer, code: &str) -> Result<Option<String>, DbError> {
    let Some(units) = &w.units else {
        return Ok(None);
    };
    let code = crate::domain::text::nfc(code.trim());
    // An unknown authority is reported by the import itself.
    let Some(a) = queries::authority_by_code(db, &code)? else {
        return Ok(None);
    };
    Ok(match a.unit_id {
        Some(u) if units.contains(&u) => None,
        _ => Some(format!(
            "cơ quan «{code}» không thuộc đơn vị hành chính mà tài khoản được phân công"
        )),
    })
}

/// Why `w` may not write an effect: its acting document and its target must both be
/// documents of authorities of the writer's units (an officer of a commune cannot repeal or
/// amend the province's resolutions, nor have them amend the commune's).
fn effect_refusal(
    db: &mut Db<'_>,
    w: &Writer,
    e: &crate::registry::records::EffectRecord,
) -> Result<Option<String>, DbError> {
    let mut reasons = Vec::new();
    for (role, d) in [
        ("văn bản tác động", &e.acting),
        ("văn bản bị tác động", &e.target),
    ] {
        if let Some(why) = authority_refusal(db, w, &d.authority)? {
            reasons.push(format!(
                "{role} {} của {why}",
                crate::domain::text::nfc(d.number.trim())
            ));
        }
    }
    Ok((!reasons.is_empty()).then(|| reasons.join("; ")))
}

/// Why `w` may not write a posting line: every unit it would post at must be one of the
/// writer's units (a bulk posting by level reaches every unit of that level in the province).
fn posting_refusal(
    db: &mut Db<'_>,
    w: &Writer,
    p: &crate::procedures::records::PostingRecord,
) -> Result<Option<String>, DbError> {
    let Some(units) = &w.units else {
        return Ok(None);
    };
    if let (Some(u), None) = (&p.unit, &p.level) {
        return unit_refusal(db, w, u);
    }
    let targets = match crate::procedures::write::authority(db, &p.decision.authority)
        .and_then(|a| crate::procedures::write::posting_units(db, &a, p))
    {
        Ok(t) => t,
        // What cannot be resolved is reported by the import itself.
        Err(RecordError::Invalid(_) | RecordError::Conflict(_)) => return Ok(None),
        Err(RecordError::Db(e)) => return Err(e),
    };
    let outside: Vec<String> = targets
        .iter()
        .filter(|u| !units.contains(&u.id))
        .map(|u| format!("{} ({})", u.name, u.code))
        .collect();
    Ok(match outside.as_slice() {
        [] => None,
        [one] => Some(format!(
            "niêm yết theo cấp gồm cả {one}, không thuộc đơn vị hành chính mà tài khoản được phân công; hãy niêm yết từng đơn vị của mình («unit»)"
        )),
        many => {
            const SHOWN: usize = 5;
            let more = if many.len() > SHOWN {
                format!(" và {} đơn vị khác", many.len() - SHOWN)
            } else {
                String::new()
            };
            Some(format!(
                "niêm yết theo cấp gồm cả {} đơn vị không thuộc đơn vị hành chính mà tài khoản được phân công ({}{more}); hãy niêm yết từng đơn vị của mình («unit»)",
                many.len(),
                many[..many.len().min(SHOWN)].join(", ")
            ))
        }
    })
}

/// Why `w` may not write a record of the unit `code`, if so.
fn unit_refusal(db: &mut Db<'_>, w: &Writer, code: &str) -> Result<Option<String>, DbError> {
    let Some(units) = &w.units else {
        return Ok(None);
    };
    let code = crate::domain::text::nfc(code.trim());
    // An unknown unit is reported by the import itself.
    let Some(u) = queries::unit_by_code(db, &code)? else {
        return Ok(None);
    };
    Ok((!units.contains(&u.id)).then(|| {
        format!("đơn vị «{code}» không thuộc các đơn vị hành chính mà tài khoản được phân công")
    }))
}

/// Parses and writes `body` (JSON Lines) in one transaction: either every record is written,
/// or none (with every problem found, line by line).
pub fn write_records(
    pool: &DbPool,
    w: &Writer,
    name: &str,
    body: &[u8],
) -> Result<ImportReport, WriteError> {
    write_records_then(pool, w, name, body, |_, _| Ok::<(), WriteError>(())).map(|(r, ())| r)
}

/// [`write_records`], then `after` in the same transaction once every record is written (the
/// originals of a document saved from its file are stored there; an edit in the browser records
/// its correction there): if `after` fails, nothing of the records is kept either.
pub fn write_records_then<T, E>(
    pool: &DbPool,
    w: &Writer,
    name: &str,
    body: &[u8],
    after: impl FnOnce(&mut Db<'_>, &ImportReport) -> Result<T, E>,
) -> Result<(ImportReport, T), E>
where
    E: From<WriteError> + From<diesel::result::Error>,
{
    let mut items = parse_items(name, body)?;
    let mut conn = pool.get().map_err(WriteError::from)?;
    conn.write(|db| {
        let report = apply_items(db, w, name, &mut items)?;
        let t = after(db, &report)?;
        Ok((report, t))
    })
}

/// The lines of `body` as records to apply; every line that does not parse is reported.
pub(super) fn parse_items(name: &str, body: &[u8]) -> Result<Vec<Item>, WriteError> {
    let mut items = Vec::new();
    let mut invalid = Vec::new();
    for (i, line) in body.split(|b| *b == b'\n').enumerate() {
        match parse_line(RawLine::Bytes(line.to_vec())) {
            Ok(Some(r)) => items.push(Item::prepare(i + 1, r)),
            Ok(None) => {}
            Err(message) => invalid.push(LineError {
                file: name.into(),
                line: i + 1,
                message,
            }),
        }
    }
    if !invalid.is_empty() {
        return Err(WriteError::Invalid(invalid));
    }
    if items.is_empty() {
        return Err(WriteError::Invalid(vec![LineError {
            file: name.into(),
            line: 0,
            message: "không có bản ghi nào".into(),
        }]));
    }
    Ok(items)
}

/// Checks and applies `items` inside the caller's transaction; any refusal, invalid record or
/// conflict with what the registry holds is an error (the caller's transaction then rolls back).
pub(super) fn apply_items(
    db: &mut Db<'_>,
    w: &Writer,
    name: &str,
    items: &mut [Item],
) -> Result<ImportReport, WriteError> {
    let mut importer = Importer::new(w.actor.clone());
    importer.set_update(w.update, w.reason.clone());
    let mut report = ImportReport::default();
    let mut forbidden = Vec::new();
    let mut invalid = Vec::new();
    let mut conflicts = Vec::new();
    let at = |line: usize, message: String| LineError {
        file: name.into(),
        line,
        message,
    };
    for item in items.iter_mut() {
        if let Some(message) = refusal(db, w, &item.record)? {
            forbidden.push(at(item.line, message));
            continue;
        }
        let is_document = matches!(item.record, Record::Document(_));
        let applied = importer.apply(db, item);
        let warnings = importer.take_warnings();
        match applied {
            Ok(o) => {
                report.count(o);
                if o == Outcome::Created && is_document {
                    report.documents_created += 1;
                }
                report
                    .warnings
                    .extend(warnings.into_iter().map(|m| at(item.line, m)));
            }
            Err(RecordError::Conflict(fields)) => conflicts.push(ConflictLine {
                file: name.into(),
                line: item.line,
                fields,
            }),
            Err(RecordError::Invalid(message)) => invalid.push(at(item.line, message)),
            Err(RecordError::Db(DbError::Query(e))) => {
                // The transaction cannot go on (PostgreSQL aborts it): report and stop.
                invalid.push(at(item.line, format!("cơ sở dữ liệu từ chối bản ghi: {e}")));
                break;
            }
            Err(RecordError::Db(e)) => return Err(WriteError::Db(e)),
        }
    }
    // Refused, invalid or conflicting: the transaction rolls back, nothing is kept.
    if !forbidden.is_empty() {
        return Err(WriteError::Forbidden(forbidden));
    }
    if !invalid.is_empty() {
        // Conflicting lines are named among the invalid ones.
        invalid.extend(conflicts.into_iter().map(ConflictLine::into_line_error));
        invalid.sort_by_key(|l| l.line);
        return Err(WriteError::Invalid(invalid));
    }
    if !conflicts.is_empty() {
        return Err(WriteError::Conflict(conflicts));
    }
    Ok(report)
}
