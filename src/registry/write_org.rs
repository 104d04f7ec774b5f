//! The organisation's records: administrative units, their successions, and the issuing
//! authorities (written by administrators only; see `exchange::write`).

use super::draft::{check_code, non_empty};
use super::records::*;
use super::write::RegistryWriter;
use crate::db::models::*;
use crate::db::{queries, registry, Db};
use crate::domain::kinds::{AuthorityKind, UnitLevel};
use crate::domain::text::nfc;
use crate::jsonl::{invalid, Outcome, RecordError};

pub use super::org::{holds, identity, overlaps, span, REF_DATE};

/// The unit a reference names: `code` (the unit holding it on `on`, or the only unit of that
/// code when no day is known) or `code@YYYY-MM-DD` (the unit holding it on that day).
pub fn resolve(
    db: &mut Db<'_>,
    reference: &str,
    on: Option<chrono::NaiveDate>,
    role: &str,
) -> Result<Unit, RecordError> {
    let (code, day) = parse_reference(reference, on, role)?;
    let all = registry::units_by_code(db, &code)?;
    pick(&all, &code, day, role)
}

/// The code and the day a reference names (`91@2020-01-01`, or `91` and `on`).
fn parse_reference(
    reference: &str,
    on: Option<chrono::NaiveDate>,
    role: &str,
) -> Result<(String, Option<chrono::NaiveDate>), RecordError> {
    let reference = nfc(reference.trim());
    match reference.split_once(REF_DATE) {
        Some((c, d)) => match chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d") {
            Ok(d) => Ok((c.to_string(), Some(d))),
            Err(_) => invalid(format!(
                "{role} «{reference}»: ngày sau «{REF_DATE}» phải có dạng YYYY-MM-DD"
            )),
        },
        None => Ok((reference.clone(), on)),
    }
}

/// The unit of `all` (the holders of `code`, earliest first) that `day` names.
fn pick(
    all: &[Unit],
    code: &str,
    day: Option<chrono::NaiveDate>,
    role: &str,
) -> Result<Unit, RecordError> {
    if all.is_empty() {
        return invalid(format!("không tìm thấy {role} «{code}»"));
    }
    let found: Vec<&Unit> = match day {
        Some(d) => all.iter().filter(|u| holds(u, d)).collect(),
        None => all.iter().collect(),
    };
    match (found.as_slice(), day) {
        ([one], _) => Ok((*one).clone()),
        ([], Some(d)) => invalid(format!(
            "không có {role} mã «{code}» vào ngày {}: {}",
            d.format("%d/%m/%Y"),
            holders(all)
        )),
        (_, _) => invalid(format!(
            "mã «{code}» thuộc nhiều đơn vị ({}); ghi «{code}{REF_DATE}YYYY-MM-DD» để chọn đơn vị \
             giữ mã vào ngày đó",
            holders(all)
        )),
    }
}

/// `Tỉnh Kiên Giang (đến 30/06/2025), Tỉnh An Giang (từ 01/07/2025)`.
fn holders(units: &[Unit]) -> String {
    units
        .iter()
        .map(|u| format!("{} ({})", u.name, span(u.valid_from, u.valid_to)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The unit row `row` became once written with `id`.
fn unit_of(id: i64, row: &NewUnit) -> Unit {
    Unit {
        id,
        code: row.code.clone(),
        name: row.name.clone(),
        level: row.level.clone(),
        parent_id: row.parent_id,
        valid_from: row.valid_from,
        valid_to: row.valid_to,
    }
}

impl RegistryWriter {
    /// Bulk imports: successions and the audit entries of units and successions wait for
    /// [`RegistryWriter::flush_units`] (the importer's fast path; see `unit_batch`).
    pub fn buffer_unit_writes(&mut self, on: bool) {
        self.units.buffered = on;
    }

    /// Writes what waits (successions, then audit entries in their order).
    pub fn flush_units(&mut self, db: &mut Db<'_>) -> Result<(), crate::db::DbError> {
        self.units.flush(db, &self.actor)
    }

    /// After a unit or succession record: a database error rolls back the record's savepoint
    /// (or, buffered, the whole batch), so what was read or written is forgotten.
    pub fn unit_write_done(&mut self, result: &Result<Outcome, RecordError>) {
        if matches!(result, Err(RecordError::Db(_))) {
            self.units.forget();
        }
    }

    /// [`resolve`] over the units read once for this writer.
    fn resolve_cached(
        &mut self,
        db: &mut Db<'_>,
        reference: &str,
        on: Option<chrono::NaiveDate>,
        role: &str,
    ) -> Result<Unit, RecordError> {
        let (code, day) = parse_reference(reference, on, role)?;
        let all = self.units.by_code(db, &code)?;
        pick(all, &code, day, role)
    }

    /// An audit entry of a unit or a succession: appended now, or kept for
    /// [`RegistryWriter::flush_units`].
    fn unit_audit<T: serde::Serialize>(
        &mut self,
        db: &mut Db<'_>,
        action: &str,
        entity: &str,
        id: String,
        before: Option<&T>,
        after: &T,
    ) -> Result<(), RecordError> {
        let json = |v: &T| serde_json::to_value(v).unwrap_or(serde_json::Value::Null);
        let entry = crate::audit::Pending {
            action: action.into(),
            entity: entity.into(),
            entity_id: id,
            before: before.map(json),
            after: Some(json(after)),
        };
        if let Some(e) = self.units.defer_audit(entry) {
            crate::audit::append(
                db,
                &self.actor,
                &e.action,
                &e.entity,
                &e.entity_id,
                e.before.as_ref(),
                e.after.as_ref(),
            )?;
        }
        Ok(())
    }

    /// Validates and writes an administrative unit. Its identity is its code plus its first
    /// day (`valid_from`): a record of the same code and first day is the same unit (updated
    /// if it differs), another first day is another unit, refused if its dates overlap those
    /// of a unit of the same code.
    pub fn unit(&mut self, db: &mut Db<'_>, u: &UnitRecord) -> Result<Outcome, RecordError> {
        let code = check_code("code", &u.code)?;
        if code.contains(REF_DATE) {
            return invalid(format!(
                "mã đơn vị «{code}» không được chứa «{REF_DATE}» (chỉ dùng khi tham chiếu)"
            ));
        }
        let Some(level) = UnitLevel::parse(u.level.trim()) else {
            return invalid(format!(
                "cấp đơn vị «{}» không hợp lệ (tinh, huyen, xa)",
                u.level
            ));
        };
        if let (Some(f), Some(t)) = (u.valid_from, u.valid_to) {
            if t < f {
                return invalid(format!("ngày kết thúc {t} trước ngày bắt đầu {f}"));
            }
        }
        // The parent is the unit holding its code on the child's first day (or last day).
        let parent_id = match &u.parent {
            Some(p) => Some(
                self.resolve_cached(db, p, u.valid_from.or(u.valid_to), "đơn vị cấp trên")?
                    .id,
            ),
            None => None,
        };
        let row = NewUnit {
            code: code.clone(),
            name: non_empty("name", &u.name)?,
            level: level.code().to_string(),
            parent_id,
            valid_from: u.valid_from,
            valid_to: u.valid_to,
        };
        let same_code = self.units.by_code(db, &code)?.to_vec();
        let (existing, others): (Vec<Unit>, Vec<Unit>) = same_code
            .into_iter()
            .partition(|e| e.valid_from == u.valid_from);
        if let Some(o) = others
            .iter()
            .find(|o| overlaps(o, u.valid_from, u.valid_to))
        {
            return invalid(format!(
                "mã «{code}» đã dùng cho «{}» ({}); khoảng ngày {} chồng lên: một mã chỉ thuộc một \
                 đơn vị vào mỗi ngày",
                o.name,
                span(o.valid_from, o.valid_to),
                span(u.valid_from, u.valid_to)
            ));
        }
        let audit_id = identity(&code, u.valid_from);
        match existing.into_iter().next() {
            None => {
                let id = queries::insert_unit(db, &row)?;
                self.units.put(unit_of(id, &row));
                self.unit_audit(db, "create", "unit", audit_id, None, &row)?;
                Ok(Outcome::Created)
            }
            Some(e) => {
                let before = NewUnit {
                    code: e.code.clone(),
                    name: e.name.clone(),
                    level: e.level.clone(),
                    parent_id: e.parent_id,
                    valid_from: e.valid_from,
                    valid_to: e.valid_to,
                };
                if before == row {
                    Ok(Outcome::Unchanged)
                } else {
                    queries::update_unit(db, e.id, &row)?;
                    self.units.put(unit_of(e.id, &row));
                    self.unit_audit(db, "update", "unit", audit_id, Some(&before), &row)?;
                    Ok(Outcome::Updated)
                }
            }
        }
    }

    /// Validates and writes the succession of one unit by another on `on`: the predecessor is
    /// the unit holding its code the day before, the successor the one holding its code on
    /// that day; a succession whose dates do not meet is refused.
    pub fn succession(
        &mut self,
        db: &mut Db<'_>,
        s: &SuccessionRecord,
    ) -> Result<Outcome, RecordError> {
        let eve = s.on.pred_opt().unwrap_or(s.on);
        let pred = self.resolve_cached(db, &s.predecessor, Some(eve), "đơn vị trước")?;
        let succ = self.resolve_cached(db, &s.successor, Some(s.on), "đơn vị kế thừa")?;
        if pred.id == succ.id {
            return invalid("một đơn vị không thể kế thừa chính nó");
        }
        if !holds(&pred, eve) {
            return invalid(format!(
                "đơn vị trước «{}» ({}) không còn tồn tại vào ngày {}, ngày trước khi kế thừa",
                pred.name,
                span(pred.valid_from, pred.valid_to),
                eve.format("%d/%m/%Y")
            ));
        }
        if !holds(&succ, s.on) {
            return invalid(format!(
                "đơn vị kế thừa «{}» ({}) không tồn tại vào ngày kế thừa {}",
                succ.name,
                span(succ.valid_from, succ.valid_to),
                s.on.format("%d/%m/%Y")
            ));
        }
        let row = UnitSuccession {
            predecessor_id: pred.id,
            successor_id: succ.id,
            effective_on: s.on,
        };
        let id = format!(
            "{}>{}",
            identity(&pred.code, pred.valid_from),
            identity(&succ.code, succ.valid_from)
        );
        match self.units.succession(db, pred.id, succ.id)? {
            None => {
                self.units.insert_succession(db, row.clone())?;
                self.unit_audit(db, "create", "succession", id, None, &row)?;
                Ok(Outcome::Created)
            }
            Some(e) if e == row => Ok(Outcome::Unchanged),
            Some(e) => {
                queries::update_succession(db, &row)?;
                self.units.remember_succession(row.clone());
                self.unit_audit(db, "update", "succession", id, Some(&e), &row)?;
                Ok(Outcome::Updated)
            }
        }
    }

    /// Validates and writes an issuing authority (its cached id is forgotten).
    pub fn authority(
        &mut self,
        db: &mut Db<'_>,
        a: &AuthorityRecord,
    ) -> Result<Outcome, RecordError> {
        let code = check_code("code", &a.code)?;
        let Some(kind) = AuthorityKind::parse(a.kind.trim()) else {
            return invalid(format!(
                "loại cơ quan «{}» không hợp lệ (hdnd, ubnd, chu_tich_ubnd, central)",
                a.kind
            ));
        };
        let unit_id = match (&a.unit, kind) {
            (Some(u), _) => Some(resolve(db, u, None, "đơn vị hành chính")?.id),
            (None, AuthorityKind::Central) => None,
            (None, _) => return invalid("cơ quan địa phương cần «unit» (mã đơn vị hành chính)"),
        };
        let row = NewAuthority {
            code: code.clone(),
            name: non_empty("name", &a.name)?,
            kind: kind.code().into(),
            unit_id,
        };
        match queries::authority_by_code(db, &code)? {
            None => {
                queries::insert_authority(db, &row)?;
                self.audit(db, "create", "authority", &row.code, None, &row)?;
                Ok(Outcome::Created)
            }
            Some(e) if e.name == row.name && e.kind == row.kind && e.unit_id == row.unit_id => {
                Ok(Outcome::Unchanged)
            }
            Some(e) => {
                queries::update_authority(db, e.id, &row)?;
                queries::append_outbox(db, "authority", e.id)?;
                let before = NewAuthority {
                    code: e.code.clone(),
                    name: e.name.clone(),
                    kind: e.kind.clone(),
                    unit_id: e.unit_id,
                };
                self.audit(db, "update", "authority", &row.code, Some(&before), &row)?;
                Ok(Outcome::Updated)
            }
        }
    }
}
