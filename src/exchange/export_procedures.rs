//! The procedure records of the export (procedures, postings, units' contacts, dossier
//! counts, inspections, calendar days), in the import format, after the registry's records they name. A posting
//! written by level is exported as the postings it made, one per unit; everything else comes
//! back as it was imported (import → export → import → export gives identical bytes).

use std::collections::HashMap;
use std::io::Write;

use super::export::ExportError;
use super::records::*;
use crate::db::procedures as pq;
use crate::db::{queries, Db, DbError};
use crate::domain::procedure::{DossierComponent, Fee};
use crate::domain::structure::display_reference;

/// Writes every procedure record; `line` writes one record.
pub fn export_procedures(
    db: &mut Db<'_>,
    line: &mut dyn FnMut(&mut dyn Write, &Record) -> Result<(), ExportError>,
    out: &mut dyn Write,
) -> Result<(), ExportError> {
    let codes: HashMap<i64, String> = pq::all_procedures(db)?
        .into_iter()
        .map(|p| (p.id, p.code))
        .collect();
    let authorities: HashMap<i64, String> = queries::all_authorities(db)?
        .into_iter()
        .map(|a| (a.id, a.code))
        .collect();
    let units = unit_names(queries::all_units(db)?);
    let mut versions = pq::all_versions(db)?;
    versions.sort_by_key(|v| v.id);
    let ids: Vec<i64> = versions.iter().map(|v| v.id).collect();
    let mut basis: HashMap<i64, Vec<pq::Basis>> = HashMap::new();
    for b in pq::basis_of(db, &ids)? {
        basis.entry(b.version_id).or_default().push(b);
    }
    let numbers: HashMap<i64, (String, String)> = {
        let docs: Vec<i64> = basis.values().flatten().map(|b| b.document_id).collect();
        queries::summaries_by_ids(db, &docs)?
            .into_iter()
            .map(|d| {
                let authority = authorities
                    .get(&d.authority_id)
                    .cloned()
                    .unwrap_or_default();
                (d.id, (authority, d.number))
            })
            .collect()
    };
    let mut decisions: HashMap<i64, DecisionRef> = HashMap::new();
    for v in &versions {
        let authority = authorities.get(&v.decision_authority_id).cloned();
        let decision = DecisionRef {
            authority: authority.unwrap_or_default(),
            number: v.decision_number.clone(),
            date: Some(v.decision_date),
            effective_on: v.decision_effective_on,
        };
        decisions.insert(v.id, decision.clone());
        let record = procedure(v, decision, basis.get(&v.id), &numbers, &codes)?;
        line(out, &Record::Procedure(Box::new(record)))?;
    }
    for p in pq::all_postings(db)? {
        let Some(decision) = decisions.get(&p.version_id) else {
            continue;
        };
        let record = PostingRecord {
            procedure: codes.get(&p.procedure_id).cloned(),
            // A posting names its decision by authority and number only.
            decision: DecisionRef::named(decision),
            unit: units.get(&p.unit_id).cloned(),
            level: None,
            point: (p.point != "reception").then_some(p.point),
            from: p.from_on,
            to: p.to_on,
        };
        line(out, &Record::Posting(record))?;
    }
    export_contacts(db, &units, line, out)?;
    for c in pq::all_dossier_counts(db)? {
        let record = DossierCountRecord {
            procedure: codes.get(&c.procedure_id).cloned().unwrap_or_default(),
            unit: units.get(&c.unit_id).cloned().unwrap_or_default(),
            month: c.month.format("%Y-%m").to_string(),
            received: i64::from(c.received),
            online: i64::from(c.online),
            on_time: i64::from(c.on_time),
        };
        line(out, &Record::DossierCount(record))?;
    }
    for i in pq::all_inspections(db)? {
        let mut findings: Vec<FindingRecord> = pq::findings_of(db, i.id)?
            .into_iter()
            .map(|f| FindingRecord {
                procedure: codes.get(&f.procedure_id).cloned().unwrap_or_default(),
                finding: f.finding,
                note: f.note,
            })
            .collect();
        findings.sort_by(|a, b| a.procedure.cmp(&b.procedure));
        let record = InspectionRecord {
            unit: units.get(&i.unit_id).cloned().unwrap_or_default(),
            date: i.inspected_on,
            inspector: i.inspector,
            note: i.note,
            findings,
        };
        line(out, &Record::Inspection(record))?;
    }
    for d in pq::calendar_days(db)? {
        let record = CalendarDayRecord {
            date: d.day,
            working: d.working,
            note: d.note,
        };
        line(out, &Record::CalendarDay(record))?;
    }
    Ok(())
}

/// The units' contacts (`unit_contact` records; fields not known left out).
fn export_contacts(
    db: &mut Db<'_>,
    units: &HashMap<i64, String>,
    line: &mut dyn FnMut(&mut dyn Write, &Record) -> Result<(), ExportError>,
    out: &mut dyn Write,
) -> Result<(), ExportError> {
    for c in crate::db::contacts::all(db)? {
        let record = UnitContactRecord {
            unit: units.get(&c.unit_id).cloned().unwrap_or_default(),
            contact: crate::domain::contact::ContactInput {
                address: c.address,
                hours: c.hours,
                phone: c.phone,
                email: c.email,
                feedback_address: c.feedback_address,
                feedback_phone: c.feedback_phone,
                feedback_email: c.feedback_email,
                feedback_url: c.feedback_url,
            },
        };
        line(out, &Record::UnitContact(record))?;
    }
    Ok(())
}

/// How a procedure record names each unit: its bare code where that names it (the latest
/// unit holding the code, as the importer reads a bare code), else `code@first day`.
fn unit_names(mut all: Vec<crate::db::models::Unit>) -> HashMap<i64, String> {
    all.sort_by_key(|u| (u.valid_from, u.id));
    let mut latest: HashMap<String, i64> = HashMap::new();
    for u in &all {
        latest.insert(u.code.clone(), u.id);
    }
    all.into_iter()
        .map(|u| {
            let bare = latest.get(&u.code) == Some(&u.id);
            let name = match u.valid_from.or(u.valid_to) {
                Some(day) if !bare => format!("{}{}{day}", u.code, crate::registry::org::REF_DATE),
                _ => u.code,
            };
            (u.id, name)
        })
        .collect()
}

/// One version as the `procedure` record that announced it.
fn procedure(
    v: &pq::ProcedureVersion,
    decision: DecisionRef,
    basis: Option<&Vec<pq::Basis>>,
    numbers: &HashMap<i64, (String, String)>,
    codes: &HashMap<i64, String>,
) -> Result<ProcedureRecord, DbError> {
    let abolished = v.is_abolished();
    let days = |d: i32| {
        (!(abolished && v.statutory_days == 0 && v.local_days == 0)).then_some(i64::from(d))
    };
    let legal_basis = basis
        .map(|bs| {
            bs.iter()
                .map(|b| {
                    let (authority, number) =
                        numbers.get(&b.document_id).cloned().unwrap_or_default();
                    BasisRef {
                        authority,
                        number,
                        provision: b.provision.as_deref().map(display_reference),
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    let dossier: Vec<DossierComponent> = v.dossier_stored()?;
    let fees: Vec<Fee> = v.fees_stored()?;
    Ok(ProcedureRecord {
        code: codes.get(&v.procedure_id).cloned().unwrap_or_default(),
        name: v.name.clone(),
        field: v.field.clone(),
        levels: v
            .levels_stored()?
            .iter()
            .map(|l| l.code().to_string())
            .collect(),
        agency: v.agency.clone(),
        applicants: v.applicants.clone(),
        steps: v.steps.clone(),
        channels: v
            .channels_stored()?
            .iter()
            .map(|c| c.code().to_string())
            .collect(),
        dossier,
        statutory_days: days(v.statutory_days),
        local_days: days(v.local_days),
        fees,
        result: v.result.clone(),
        conditions: v.conditions.clone(),
        legal_basis,
        online_level: (v.online_level != "none").then(|| v.online_level.clone()),
        one_stop: (v.one_stop != "one_stop").then(|| v.one_stop.clone()),
        decision,
        announcement: v.announcement.clone(),
        online_url: v.online_url.clone(),
    })
}
