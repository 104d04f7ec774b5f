//! Writes of the procedure records, called by the importer (`vanban import`, `POST
//! /api/v1/records`) inside its transaction: each record is checked in full before anything of
//! it is written, and every write appends an audit entry (and, for procedures and postings, a
//! search outbox row for the procedure) in the same transaction.
//!
//! What is refused, each with a Vietnamese message naming the problem: a bad procedure code,
//! negative times or fees, a legal basis naming a missing document or provision, a version
//! that would overwrite another, a posting before its announcing decision, of an abolished
//! procedure, at a unit of another level or one that does not exist then, or overlapping
//! another posting of the same procedure at the same point; dossier counts with more online
//! or on-time dossiers than received. A local processing time longer than the statutory one
//! is accepted with a warning, stored with the version (`time_warning`) and reported.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use serde_json::json;

use super::records::*;
use crate::db::models::{Authority, Unit};
use crate::db::procedures::{self as pq, *};
use crate::db::{queries, Db};
use crate::domain::kinds::UnitLevel;
use crate::domain::number::DocumentNumber;
use crate::domain::procedure::{
    self, check_fees, check_times, parse_channels, parse_levels, Announcement, OneStop,
    OnlineLevel, PostingPoint, ProcedureCode,
};
use crate::domain::structure::{display_reference, parse_reference};
use crate::domain::text::nfc;
use crate::jsonl::{Outcome, RecordError};

use crate::jsonl::invalid;

fn domain<T>(r: Result<T, procedure::ProcedureError>) -> Result<T, RecordError> {
    r.map_err(|e| RecordError::Invalid(e.to_string()))
}

fn audit(
    db: &mut Db<'_>,
    actor: &str,
    action: &str,
    entity: &str,
    id: impl std::fmt::Display,
    before: Option<&serde_json::Value>,
    after: &serde_json::Value,
) -> Result<(), RecordError> {
    crate::audit::append(
        db,
        actor,
        action,
        entity,
        &id.to_string(),
        before,
        Some(after),
    )?;
    Ok(())
}

pub fn authority(db: &mut Db<'_>, code: &str) -> Result<Authority, RecordError> {
    let code = nfc(code.trim());
    match queries::authority_by_code(db, &code)? {
        Some(a) => Ok(a),
        None => invalid(format!("không tìm thấy cơ quan ban hành có mã «{code}»")),
    }
}

fn unit(db: &mut Db<'_>, code: &str) -> Result<Unit, RecordError> {
    let code = nfc(code.trim());
    // A bare code, or `code@YYYY-MM-DD` for a reused code (as the export writes it).
    match crate::db::registry::unit_by_reference(db, &code)? {
        Some(u) => Ok(u),
        None => invalid(format!("không tìm thấy đơn vị hành chính «{code}»")),
    }
}

fn procedure_row(db: &mut Db<'_>, code: &str) -> Result<Procedure, RecordError> {
    let code = domain(ProcedureCode::parse(code))?;
    match pq::procedure_by_code(db, code.as_str())? {
        Some(p) => Ok(p),
        None => invalid(format!("không tìm thấy thủ tục hành chính mã {code}")),
    }
}

fn number_key(number: &str) -> Result<(String, String), RecordError> {
    let n = DocumentNumber::parse(number).map_err(|e| RecordError::Invalid(e.to_string()))?;
    Ok((n.as_str().to_string(), n.key()))
}

fn text(v: &str) -> String {
    nfc(v.trim())
}

/// Resolves the legal basis: every document must be in the registry and every provision in
/// the document.
fn resolve_basis(
    db: &mut Db<'_>,
    refs: &[BasisRef],
) -> Result<Vec<(i64, Option<String>)>, RecordError> {
    let mut out = Vec::new();
    for r in refs {
        let a = authority(db, &r.authority)?;
        let (number, key) = number_key(&r.number)?;
        let Some(doc) = queries::document_id_by_key(db, a.id, &key)? else {
            return invalid(format!(
                "căn cứ pháp lý: không tìm thấy văn bản {number} của cơ quan «{}» trong cơ sở dữ liệu",
                a.code
            ));
        };
        let provision = match r
            .provision
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            None => None,
            Some(p) => {
                let k = parse_reference(p).map_err(|e| RecordError::Invalid(e.to_string()))?;
                if !queries::provision_keys_of(db, doc)?.contains(&k) {
                    return invalid(format!(
                        "căn cứ pháp lý: văn bản {number} không có {}",
                        display_reference(&k)
                    ));
                }
                Some(k)
            }
        };
        if !out.contains(&(doc, provision.clone())) {
            out.push((doc, provision));
        }
    }
    Ok(out)
}

/// Writes one version of a procedure; returns the outcome and the warnings to report.
pub fn apply_procedure(
    db: &mut Db<'_>,
    actor: &str,
    rec: &ProcedureRecord,
) -> Result<(Outcome, Vec<String>), RecordError> {
    let code = domain(ProcedureCode::parse(&rec.code))?;
    let name = text(&rec.name);
    if name.is_empty() {
        return invalid("thiếu tên thủ tục («name»)");
    }
    let decision_authority = authority(db, &rec.decision.authority)?;
    let (decision_number, decision_key) = number_key(&rec.decision.number)?;
    let Some(decision_date) = rec.decision.date else {
        return invalid("thiếu ngày của quyết định công bố («decision.date»)");
    };
    procedure::check_effective(decision_date, rec.decision.effective_on)
        .map_err(RecordError::Invalid)?;
    let announcement = domain(Announcement::parse_code(&rec.announcement))?;
    let abolished = announcement == Announcement::Abolished;
    let levels = if abolished && rec.levels.is_empty() {
        Vec::new()
    } else {
        domain(parse_levels(&rec.levels, decision_date))?
    };
    let (statutory, local, warning) =
        match (rec.statutory_days, rec.local_days) {
            (Some(s), Some(l)) => domain(check_times(s, l))?,
            (None, None) if abolished => (0, 0, None),
            (None, _) => {
                return invalid(
                    "thiếu thời hạn giải quyết theo quy định («statutory_days», ngày làm việc)",
                )
            }
            (_, None) => return invalid(
                "thiếu thời hạn giải quyết cam kết tại địa phương («local_days», ngày làm việc)",
            ),
        };
    let fees = fees_of(rec)?;
    let dossier = dossier_of(rec)?;
    let online = match rec.online_level.as_deref() {
        Some(l) => domain(OnlineLevel::parse_for(l, decision_date))?,
        None => OnlineLevel::None,
    };
    let one_stop = one_stop_of(rec)?;
    let channels = domain(parse_channels(&rec.channels))?;
    let basis = resolve_basis(db, &rec.legal_basis)?;
    let json_list = |v: &[&str]| serde_json::to_string(v).unwrap_or_else(|_| "[]".into());
    let level_codes: Vec<&str> = levels.iter().map(|l| l.code()).collect();
    let channel_codes: Vec<&str> = channels.iter().map(|c| c.code()).collect();
    let existing = pq::procedure_by_code(db, code.as_str())?;
    let row = NewProcedureVersion {
        procedure_id: existing.as_ref().map_or(0, |p| p.id),
        name,
        field: text(&rec.field),
        levels: json_list(&level_codes),
        agency: text(&rec.agency),
        applicants: text(&rec.applicants),
        steps: text(&rec.steps),
        channels: json_list(&channel_codes),
        dossier: serde_json::to_string(&dossier).unwrap_or_else(|_| "[]".into()),
        statutory_days: i32::try_from(statutory).unwrap_or(i32::MAX),
        local_days: i32::try_from(local).unwrap_or(i32::MAX),
        time_warning: warning.map(|w| w.to_string()),
        fees: serde_json::to_string(&fees).unwrap_or_else(|_| "[]".into()),
        result: text(&rec.result),
        conditions: text(&rec.conditions),
        online_level: online.code().to_string(),
        one_stop: one_stop.code().to_string(),
        decision_authority_id: decision_authority.id,
        decision_number,
        decision_number_key: decision_key.clone(),
        decision_date,
        announcement: announcement.code().to_string(),
        decision_effective_on: rec.decision.effective_on,
        online_url: crate::domain::contact::web_address(rec.online_url.as_deref().unwrap_or(""))
            .map_err(|e| {
                RecordError::Invalid(format!("địa chỉ nộp trực tuyến («online_url»): {e}"))
            })?,
    };
    let warnings: Vec<String> = row
        .time_warning
        .iter()
        .map(|w| format!("thủ tục {code}: {w}"))
        .collect();
    if let Some(p) = &existing {
        if let Some(v) = pq::version_by_decision(db, p.id, decision_authority.id, &decision_key)? {
            let stored_basis: Vec<(i64, Option<String>)> = pq::basis_of(db, &[v.id])?
                .into_iter()
                .map(|b| (b.document_id, b.provision))
                .collect();
            if NewProcedureVersion::of(&v) == row && stored_basis == basis {
                return Ok((Outcome::Unchanged, warnings));
            }
            return invalid(format!(
                "thủ tục {code} đã có phiên bản theo quyết định {} ngày {} với nội dung khác; một phiên bản không bị ghi đè — hãy công bố thay đổi bằng một quyết định mới",
                v.decision_number,
                v.decision_date.format("%d/%m/%Y")
            ));
        }
    }
    insert_version(db, actor, &code, existing, row, &basis)?;
    Ok((Outcome::Created, warnings))
}

/// The fees of a procedure record, checked and normalised.
fn fees_of(rec: &ProcedureRecord) -> Result<Vec<procedure::Fee>, RecordError> {
    domain(check_fees(&rec.fees))?;
    Ok(rec
        .fees
        .iter()
        .map(|f| procedure::Fee {
            name: text(&f.name),
            amount: f.amount,
            note: f.note.as_deref().map(text).filter(|n| !n.is_empty()),
        })
        .collect())
}

/// The dossier of a procedure record; every component needs a name.
fn dossier_of(rec: &ProcedureRecord) -> Result<Vec<procedure::DossierComponent>, RecordError> {
    let mut dossier = Vec::new();
    for c in &rec.dossier {
        let name = text(&c.name);
        if name.is_empty() {
            return invalid("thành phần hồ sơ thiếu tên («dossier[].name»)");
        }
        dossier.push(procedure::DossierComponent {
            name,
            originals: c.originals,
            copies: c.copies,
            form: c.form.as_deref().map(text).filter(|f| !f.is_empty()),
        });
    }
    Ok(dossier)
}

/// The one-stop kind of a procedure record (one-stop when not given).
fn one_stop_of(rec: &ProcedureRecord) -> Result<OneStop, RecordError> {
    match rec.one_stop.as_deref() {
        None => Ok(OneStop::OneStop),
        Some(s) => match OneStop::parse(s.trim()) {
            Some(o) => Ok(o),
            None => invalid(format!(
                "cơ chế «{s}» không hợp lệ (one_stop: một cửa, inter_agency: một cửa liên thông)"
            )),
        },
    }
}

/// Writes a new version (and the procedure, the first time), its legal basis, the outbox row
/// and the audit entries.
fn insert_version(
    db: &mut Db<'_>,
    actor: &str,
    code: &ProcedureCode,
    existing: Option<Procedure>,
    mut row: NewProcedureVersion,
    basis: &[(i64, Option<String>)],
) -> Result<(), RecordError> {
    let procedure_id = match existing {
        Some(p) => p.id,
        None => {
            let id = pq::insert_procedure(db, code.as_str())?;
            audit(
                db,
                actor,
                "create",
                "procedure",
                code.as_str(),
                None,
                &json!({"id": id, "code": code}),
            )?;
            id
        }
    };
    row.procedure_id = procedure_id;
    let version_id = pq::insert_version(db, &row)?;
    let basis_rows: Vec<Basis> = basis
        .iter()
        .enumerate()
        .map(|(i, (doc, provision))| Basis {
            version_id,
            ordinal: i32::try_from(i).unwrap_or(i32::MAX),
            document_id: *doc,
            provision: provision.clone(),
        })
        .collect();
    pq::insert_basis(db, &basis_rows)?;
    queries::append_outbox(db, "procedure", procedure_id)?;
    let after = json!({"code": code, "version": row, "legal_basis": basis_rows});
    audit(
        db,
        actor,
        "create",
        "procedure_version",
        version_id,
        None,
        &after,
    )?;
    Ok(())
}

/// The province (unit of level `tinh`) a unit belongs to: itself, or the first `tinh` up its
/// parent chain.
pub fn province_of(units: &std::collections::HashMap<i64, Unit>, unit_id: i64) -> Option<i64> {
    let mut at = units.get(&unit_id)?;
    for _ in 0..8 {
        if at.level == UnitLevel::Tinh.code() {
            return Some(at.id);
        }
        at = units.get(&at.parent_id?)?;
    }
    None
}

fn exists_on(u: &Unit, date: NaiveDate) -> bool {
    u.valid_from.is_none_or(|f| f <= date) && u.valid_to.is_none_or(|t| date <= t)
}

fn overlaps(a: (NaiveDate, Option<NaiveDate>), b: (NaiveDate, Option<NaiveDate>)) -> bool {
    let a_before_b_ends = b.1.is_none_or(|e| a.0 <= e);
    let b_before_a_ends = a.1.is_none_or(|e| b.0 <= e);
    a_before_b_ends && b_before_a_ends
}

/// The units a posting line writes at: the one unit it names, or every unit of its level in
/// the province of the announcing authority `a` that exists on the first day of the posting.
/// Also what the scope of a writer is checked against (`exchange::write`), so that a bulk
/// posting is refused when it would reach a unit outside the writer's units.
pub fn posting_units(
    db: &mut Db<'_>,
    a: &Authority,
    rec: &PostingRecord,
) -> Result<Vec<Unit>, RecordError> {
    Ok(match (&rec.unit, &rec.level) {
        (Some(_), Some(_)) => return invalid(
            "chỉ nêu «unit» (một đơn vị) hoặc «level» (mọi đơn vị của một cấp), không nêu cả hai",
        ),
        (None, None) => {
            return invalid("cần «unit» (mã đơn vị) hoặc «level» (tinh, xa) để biết nơi niêm yết")
        }
        (Some(u), None) => {
            let u = unit(db, u)?;
            if !exists_on(&u, rec.from) {
                return invalid(format!(
                    "đơn vị {} ({}) không tồn tại vào ngày {}",
                    u.name,
                    u.code,
                    rec.from.format("%d/%m/%Y")
                ));
            }
            vec![u]
        }
        (None, Some(level)) => {
            let Some(level) = UnitLevel::parse(level.trim()) else {
                return invalid(format!("cấp «{level}» không hợp lệ (tinh, huyen, xa)"));
            };
            let Some(province) = a.unit_id else {
                return invalid("niêm yết theo cấp cần quyết định công bố của cơ quan địa phương");
            };
            let all: std::collections::HashMap<i64, Unit> = queries::all_units(db)?
                .into_iter()
                .map(|u| (u.id, u))
                .collect();
            let province = province_of(&all, province);
            let mut v: Vec<Unit> = all
                .values()
                .filter(|u| u.level == level.code())
                .filter(|u| exists_on(u, rec.from))
                .filter(|u| province.is_some() && province_of(&all, u.id) == province)
                .cloned()
                .collect();
            v.sort_by(|x, y| x.code.cmp(&y.code));
            if v.is_empty() {
                return invalid(format!(
                    "không có đơn vị {} nào thuộc tỉnh của quyết định tồn tại vào ngày {}",
                    level.label().to_lowercase(),
                    rec.from.format("%d/%m/%Y")
                ));
            }
            v
        }
    })
}

/// Writes a posting line (one posting or a bulk posting of a decision).
pub fn apply_posting(
    db: &mut Db<'_>,
    actor: &str,
    rec: &PostingRecord,
) -> Result<Outcome, RecordError> {
    let a = authority(db, &rec.decision.authority)?;
    let (decision_number, decision_key) = number_key(&rec.decision.number)?;
    let mut versions = pq::versions_of_decision(db, a.id, &decision_key)?;
    if versions.is_empty() {
        return invalid(format!(
            "không tìm thấy quyết định công bố số {decision_number} của «{}» (chưa có thủ tục nào được công bố theo quyết định này)",
            a.code
        ));
    }
    if let Some(code) = &rec.procedure {
        let p = procedure_row(db, code)?;
        versions.retain(|v| v.procedure_id == p.id);
        if versions.is_empty() {
            return invalid(format!(
                "quyết định {decision_number} không công bố thủ tục {}",
                p.code
            ));
        }
    }
    let point = match rec.point.as_deref().map(str::trim) {
        None => PostingPoint::Reception,
        Some(code) => match PostingPoint::parse(code) {
            Some(p) => p,
            None => {
                let known: Vec<String> = PostingPoint::ALL
                    .iter()
                    .map(|p| format!("{}: {}", p.code(), p.label()))
                    .collect();
                return invalid(format!(
                    "nơi niêm yết «{code}» không hợp lệ ({})",
                    known.join(", ")
                ));
            }
        },
    };
    if let Some(to) = rec.to {
        if to < rec.from {
            return invalid(format!(
                "ngày kết thúc niêm yết {to} trước ngày bắt đầu {}",
                rec.from
            ));
        }
    }
    let single = rec.procedure.is_some() && rec.unit.is_some();
    let targets = posting_units(db, &a, rec)?;
    let mut created = 0usize;
    let mut updated = 0usize;
    let mut touched = BTreeSet::new();
    for v in &versions {
        let levels = v.levels_stored()?;
        if v.is_abolished() {
            if single {
                return invalid(format!(
                    "thủ tục «{}» đã bị bãi bỏ theo quyết định {}: không niêm yết thủ tục đã bãi bỏ",
                    v.name, v.decision_number
                ));
            }
            continue;
        }
        if rec.from < v.decision_date {
            return invalid(format!(
                "niêm yết từ ngày {} trước ngày ban hành quyết định công bố {} ({})",
                rec.from.format("%d/%m/%Y"),
                v.decision_number,
                v.decision_date.format("%d/%m/%Y")
            ));
        }
        for u in &targets {
            let unit_level = u.level_stored().map_err(crate::db::DbError::from)?;
            if !procedure::applies_at(&levels, unit_level) {
                if single {
                    return invalid(format!(
                        "thủ tục «{}» không thực hiện ở {} ({}): không niêm yết tại {}",
                        v.name,
                        unit_level.label().to_lowercase(),
                        u.code,
                        u.name
                    ));
                }
                continue;
            }
            match post_at(db, actor, v, u, point, rec)? {
                Outcome::Created => created += 1,
                Outcome::Updated => updated += 1,
                Outcome::Unchanged => continue,
            }
            touched.insert(v.procedure_id);
        }
    }
    for p in touched {
        queries::append_outbox(db, "procedure", p)?;
    }
    Ok(if created > 0 {
        Outcome::Created
    } else if updated > 0 {
        Outcome::Updated
    } else {
        Outcome::Unchanged
    })
}

/// Posts version `v` at unit `u` (or ends its posting there), refusing an overlap with another
/// posting of the procedure at the same point.
fn post_at(
    db: &mut Db<'_>,
    actor: &str,
    v: &ProcedureVersion,
    u: &Unit,
    point: PostingPoint,
    rec: &PostingRecord,
) -> Result<Outcome, RecordError> {
    let row = NewPosting {
        version_id: v.id,
        procedure_id: v.procedure_id,
        unit_id: u.id,
        point: point.code().to_string(),
        from_on: rec.from,
        to_on: rec.to,
    };
    let existing = pq::postings_at(db, v.procedure_id, u.id, point.code())?;
    let same = existing
        .iter()
        .find(|p| p.version_id == v.id && p.from_on == rec.from)
        .cloned();
    if let Some(other) = existing.iter().find(|p| {
        same.as_ref().is_none_or(|s| s.id != p.id)
            && overlaps((p.from_on, p.to_on), (rec.from, rec.to))
    }) {
        let until = other
            .to_on
            .map_or("nay".to_string(), |t| t.format("%d/%m/%Y").to_string());
        return invalid(format!(
            "thủ tục «{}» đã được niêm yết tại {} ({}) từ {} đến {}: hai lần niêm yết cùng một thủ tục tại cùng một nơi không được trùng thời gian",
            v.name,
            u.name,
            point.label(),
            other.from_on.format("%d/%m/%Y"),
            until
        ));
    }
    match same {
        Some(s) if s.to_on == rec.to => Ok(Outcome::Unchanged),
        Some(s) => {
            pq::end_posting(db, s.id, rec.to)?;
            audit(
                db,
                actor,
                "update",
                "posting",
                s.id,
                Some(&json!(s)),
                &json!(row),
            )?;
            Ok(Outcome::Updated)
        }
        None => {
            let id = pq::insert_posting(db, &row)?;
            audit(db, actor, "create", "posting", id, None, &json!(row))?;
            Ok(Outcome::Created)
        }
    }
}

fn parse_month(s: &str) -> Result<NaiveDate, RecordError> {
    let t = s.trim();
    NaiveDate::parse_from_str(&format!("{t}-01"), "%Y-%m-%d").map_err(|_| {
        RecordError::Invalid(format!(
            "tháng «{s}» không hợp lệ: viết theo dạng năm-tháng (2026-03)"
        ))
    })
}

/// Writes (or corrects) the dossier counts of a procedure at a unit for a month.
pub fn apply_dossier_count(
    db: &mut Db<'_>,
    actor: &str,
    rec: &DossierCountRecord,
) -> Result<Outcome, RecordError> {
    let p = procedure_row(db, &rec.procedure)?;
    let u = unit(db, &rec.unit)?;
    let month = parse_month(&rec.month)?;
    let count = |field: &str, v: i64| -> Result<i32, RecordError> {
        if v < 0 {
            return invalid(format!("số hồ sơ «{field}» không được âm ({v})"));
        }
        i32::try_from(v)
            .map_err(|_| RecordError::Invalid(format!("số hồ sơ «{field}» quá lớn ({v})")))
    };
    let received = count("received", rec.received)?;
    let online = count("online", rec.online)?;
    let on_time = count("on_time", rec.on_time)?;
    if online > received {
        return invalid(format!(
            "số hồ sơ trực tuyến ({online}) lớn hơn số hồ sơ tiếp nhận ({received})"
        ));
    }
    if on_time > received {
        return invalid(format!(
            "số hồ sơ giải quyết đúng hạn ({on_time}) lớn hơn số hồ sơ tiếp nhận ({received})"
        ));
    }
    let row = DossierCount {
        procedure_id: p.id,
        unit_id: u.id,
        month,
        received,
        online,
        on_time,
    };
    let id = format!("{}@{}/{}", p.code, u.code, month.format("%Y-%m"));
    match pq::dossier_count(db, p.id, u.id, month)? {
        Some(e) if e == row => Ok(Outcome::Unchanged),
        Some(e) => {
            pq::upsert_dossier_count(db, &row, true)?;
            audit(
                db,
                actor,
                "update",
                "dossier_count",
                id,
                Some(&json!(e)),
                &json!(row),
            )?;
            Ok(Outcome::Updated)
        }
        None => {
            pq::upsert_dossier_count(db, &row, false)?;
            audit(db, actor, "create", "dossier_count", id, None, &json!(row))?;
            Ok(Outcome::Created)
        }
    }
}

/// Writes the contact of a unit (the whole contact: a field left out becomes unknown), with an
/// audit entry of its before and after; every refused field is named.
pub fn apply_unit_contact(
    db: &mut Db<'_>,
    actor: &str,
    rec: &UnitContactRecord,
) -> Result<Outcome, RecordError> {
    use crate::db::contacts::{self, UnitContactRow};
    let u = unit(db, &rec.unit)?;
    let c = rec.contact.check().map_err(|problems| {
        RecordError::Invalid(
            problems
                .iter()
                .map(|p| format!("«{}»: {}", p.field.name(), p.message))
                .collect::<Vec<_>>()
                .join("; "),
        )
    })?;
    let row = UnitContactRow {
        unit_id: u.id,
        address: c.address,
        hours: c.hours,
        phone: c.phone,
        email: c.email,
        feedback_address: c.feedback_address,
        feedback_phone: c.feedback_phone,
        feedback_email: c.feedback_email,
        feedback_url: c.feedback_url,
    };
    let id = u.code.clone();
    let existing = contacts::of_unit(db, u.id)?;
    if existing.as_ref() != Some(&row) {
        // Not indexed: the outbox row moves the cached pages that show the contact.
        queries::append_outbox(db, "unit_contact", u.id)?;
    }
    match existing {
        Some(e) if e == row => Ok(Outcome::Unchanged),
        Some(e) => {
            contacts::upsert(db, &row, true)?;
            audit(
                db,
                actor,
                "update",
                "unit_contact",
                id,
                Some(&json!(e)),
                &json!(row),
            )?;
            Ok(Outcome::Updated)
        }
        None => {
            contacts::upsert(db, &row, false)?;
            audit(db, actor, "create", "unit_contact", id, None, &json!(row))?;
            Ok(Outcome::Created)
        }
    }
}

/// Writes an inspection with its findings (never overwritten).
pub fn apply_inspection(
    db: &mut Db<'_>,
    actor: &str,
    rec: &InspectionRecord,
) -> Result<Outcome, RecordError> {
    let u = unit(db, &rec.unit)?;
    let inspector = text(&rec.inspector);
    if inspector.is_empty() {
        return invalid("thiếu người kiểm tra («inspector»)");
    }
    let mut findings = Vec::new();
    for f in &rec.findings {
        let p = procedure_row(db, &f.procedure)?;
        let finding = f.finding.trim();
        if finding != "ok" && crate::domain::listing::GapKind::parse(finding).is_none() {
            return invalid(format!(
                "kết quả kiểm tra «{finding}» không hợp lệ (ok, missing, outdated, late, basis_not_in_force, not_required)"
            ));
        }
        if findings.iter().any(|x: &Finding| x.procedure_id == p.id) {
            return invalid(format!(
                "thủ tục {} được nêu hai lần trong biên bản",
                p.code
            ));
        }
        findings.push(Finding {
            inspection_id: 0,
            procedure_id: p.id,
            finding: finding.to_string(),
            note: f.note.as_deref().map(text).filter(|n| !n.is_empty()),
        });
    }
    let row = NewInspection {
        unit_id: u.id,
        inspected_on: rec.date,
        inspector,
        note: text(&rec.note),
    };
    if let Some(e) = pq::inspection_by_key(db, u.id, rec.date, &row.inspector)? {
        let mut stored = pq::findings_of(db, e.id)?;
        stored.iter_mut().for_each(|f| f.inspection_id = 0);
        stored.sort_by_key(|f| f.procedure_id);
        let mut given = findings.clone();
        given.sort_by_key(|f| f.procedure_id);
        if e.note == row.note && stored == given {
            return Ok(Outcome::Unchanged);
        }
        return invalid(format!(
            "đã có biên bản kiểm tra của {} tại {} ngày {} với nội dung khác; biên bản không bị ghi đè",
            row.inspector,
            u.name,
            rec.date.format("%d/%m/%Y")
        ));
    }
    let id = pq::insert_inspection(db, &row)?;
    findings.iter_mut().for_each(|f| f.inspection_id = id);
    pq::insert_findings(db, &findings)?;
    audit(
        db,
        actor,
        "create",
        "inspection",
        id,
        None,
        &json!({"inspection": row, "findings": findings}),
    )?;
    Ok(Outcome::Created)
}

/// Writes a calendar override (a day off or a working day).
pub fn apply_calendar_day(
    db: &mut Db<'_>,
    actor: &str,
    rec: &CalendarDayRecord,
) -> Result<Outcome, RecordError> {
    let note = text(&rec.note);
    if note.is_empty() {
        return invalid("ngày nghỉ, ngày làm bù cần ghi chú căn cứ («note»), ví dụ số thông báo");
    }
    let row = CalendarDay {
        day: rec.date,
        working: rec.working,
        note,
    };
    match pq::calendar_day(db, rec.date)? {
        Some(e) if e == row => Ok(Outcome::Unchanged),
        Some(e) => {
            pq::upsert_calendar_day(db, &row, true)?;
            audit(
                db,
                actor,
                "update",
                "calendar_day",
                rec.date,
                Some(&json!(e)),
                &json!(row),
            )?;
            Ok(Outcome::Updated)
        }
        None => {
            pq::upsert_calendar_day(db, &row, false)?;
            audit(
                db,
                actor,
                "create",
                "calendar_day",
                rec.date,
                None,
                &json!(row),
            )?;
            Ok(Outcome::Created)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn overlapping_periods() {
        assert!(overlaps((d("2025-01-01"), None), (d("2026-01-01"), None)));
        assert!(!overlaps(
            (d("2025-01-01"), Some(d("2025-12-31"))),
            (d("2026-01-01"), None)
        ));
        assert!(overlaps(
            (d("2025-01-01"), Some(d("2026-01-01"))),
            (d("2026-01-01"), None)
        ));
        assert!(!overlaps(
            (d("2026-01-01"), None),
            (d("2025-01-01"), Some(d("2025-06-30")))
        ));
    }

    #[test]
    fn months_are_year_and_month() {
        assert_eq!(parse_month("2026-03").unwrap(), d("2026-03-01"));
        assert!(parse_month("03/2026").is_err());
    }
}
