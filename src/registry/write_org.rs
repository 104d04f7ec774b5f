//! The organisation's records: administrative units, their successions, and the issuing
//! authorities (written by administrators only; see `exchange::write`).

use super::draft::{check_code, non_empty};
use super::records::*;
use super::write::RegistryWriter;
use crate::db::models::*;
use crate::db::{queries, Db};
use crate::domain::kinds::{AuthorityKind, UnitLevel};
use crate::domain::text::nfc;
use crate::jsonl::{invalid, Outcome, RecordError};

impl RegistryWriter {
    /// Validates and writes an administrative unit.
    pub fn unit(&self, db: &mut Db<'_>, u: &UnitRecord) -> Result<Outcome, RecordError> {
        let code = check_code("code", &u.code)?;
        let Some(level) = UnitLevel::parse(u.level.trim()) else {
            return invalid(format!(
                "cấp đơn vị «{}» không hợp lệ (tinh, huyen, xa)",
                u.level
            ));
        };
        let parent_id = match &u.parent {
            Some(p) => match queries::unit_by_code(db, &nfc(p))? {
                Some(p) => Some(p.id),
                None => return invalid(format!("không tìm thấy đơn vị cấp trên «{p}»")),
            },
            None => None,
        };
        if let (Some(f), Some(t)) = (u.valid_from, u.valid_to) {
            if t < f {
                return invalid(format!("ngày kết thúc {t} trước ngày bắt đầu {f}"));
            }
        }
        let row = NewUnit {
            code: code.clone(),
            name: non_empty("name", &u.name)?,
            level: level.code().to_string(),
            parent_id,
            valid_from: u.valid_from,
            valid_to: u.valid_to,
        };
        match queries::unit_by_code(db, &code)? {
            None => {
                queries::insert_unit(db, &row)?;
                self.audit(db, "create", "unit", &row.code, None, &row)?;
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
                    self.audit(db, "update", "unit", &row.code, Some(&before), &row)?;
                    Ok(Outcome::Updated)
                }
            }
        }
    }

    /// Validates and writes the succession of one unit by another.
    pub fn succession(
        &self,
        db: &mut Db<'_>,
        s: &SuccessionRecord,
    ) -> Result<Outcome, RecordError> {
        let find = |db: &mut Db<'_>, code: &str| -> Result<Unit, RecordError> {
            match queries::unit_by_code(db, &nfc(code))? {
                Some(u) => Ok(u),
                None => invalid(format!("không tìm thấy đơn vị hành chính «{code}»")),
            }
        };
        let pred = find(db, &s.predecessor)?;
        let succ = find(db, &s.successor)?;
        if pred.id == succ.id {
            return invalid("một đơn vị không thể kế thừa chính nó");
        }
        let row = UnitSuccession {
            predecessor_id: pred.id,
            successor_id: succ.id,
            effective_on: s.on,
        };
        match queries::succession(db, pred.id, succ.id)? {
            None => {
                queries::insert_succession(db, &row)?;
                let id = format!("{}>{}", s.predecessor.trim(), s.successor.trim());
                self.audit(db, "create", "succession", id, None, &row)?;
                Ok(Outcome::Created)
            }
            Some(e) if e == row => Ok(Outcome::Unchanged),
            Some(e) => {
                queries::update_succession(db, &row)?;
                let id = format!("{}>{}", s.predecessor.trim(), s.successor.trim());
                self.audit(db, "update", "succession", id, Some(&e), &row)?;
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
            (Some(u), _) => match queries::unit_by_code(db, &nfc(u))? {
                Some(u) => Some(u.id),
                None => return invalid(format!("không tìm thấy đơn vị hành chính «{u}»")),
            },
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
