//! Export in the import format (a round trip is exact) and as CSV.

use std::collections::HashMap;
use std::io::Write;

use chrono::NaiveDate;

use super::records::*;
use crate::db::models::Unit;
use crate::db::stored::Corrupt;
use crate::db::{queries, Db, DbError};
use crate::domain::kinds::UnitLevel;
use crate::domain::structure::display_reference;
use crate::registry::org::{holds, REF_DATE};
use crate::registry::status::StatusGraph;

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("không ghi được: {0}")]
    Io(#[from] std::io::Error),
    #[error("không ghi được CSV: {0}")]
    Csv(#[from] csv::Error),
    #[error("không tạo được JSON: {0}")]
    Json(#[from] serde_json::Error),
}

fn level_rank(level: UnitLevel) -> usize {
    UnitLevel::ALL
        .iter()
        .position(|l| *l == level)
        .unwrap_or(usize::MAX)
}

/// How a record names `target`: its bare code where that resolves to it on `on` (the day the
/// importer resolves it on), else `code@day` (`crate::registry::org`).
fn unit_ref(by_code: &HashMap<&str, Vec<&Unit>>, target: &Unit, on: Option<NaiveDate>) -> String {
    let holders = by_code
        .get(target.code.as_str())
        .map_or(&[][..], |v| v.as_slice());
    let bare = match on {
        _ if holders.len() <= 1 => true,
        Some(day) => {
            let on_day: Vec<_> = holders.iter().filter(|u| holds(u, day)).collect();
            on_day.len() == 1 && on_day[0].id == target.id
        }
        None => false,
    };
    match target.valid_from.or(target.valid_to) {
        Some(day) if !bare => format!("{}{REF_DATE}{day}", target.code),
        _ => target.code.clone(),
    }
}

/// Units (parents first), successions and authorities; returns the authorities' codes by id.
fn organisation(
    db: &mut Db<'_>,
    line: &mut dyn FnMut(&mut dyn Write, &Record) -> Result<(), ExportError>,
    out: &mut dyn Write,
) -> Result<HashMap<i64, String>, ExportError> {
    // Levels read strictly: an unknown stored level stops the export naming the unit.
    let mut units = queries::all_units(db)?
        .into_iter()
        .map(|u| Ok((u.level_stored()?, u)))
        .collect::<Result<Vec<_>, Corrupt>>()
        .map_err(DbError::from)?;
    units.sort_by_key(|(level, u)| (level_rank(*level), u.id));
    let by_id: HashMap<i64, &Unit> = units.iter().map(|(_, u)| (u.id, u)).collect();
    let mut by_code: HashMap<&str, Vec<&Unit>> = HashMap::new();
    for (_, u) in &units {
        by_code.entry(u.code.as_str()).or_default().push(u);
    }
    let name = |id: i64, on: Option<NaiveDate>| {
        by_id
            .get(&id)
            .map(|u| unit_ref(&by_code, u, on))
            .unwrap_or_default()
    };
    for (level, u) in &units {
        line(
            out,
            &Record::Unit(UnitRecord {
                code: u.code.clone(),
                name: u.name.clone(),
                level: level.code().to_string(),
                parent: u.parent_id.map(|p| name(p, u.valid_from.or(u.valid_to))),
                valid_from: u.valid_from,
                valid_to: u.valid_to,
            }),
        )?;
    }
    for s in queries::all_successions(db)? {
        let eve = s.effective_on.pred_opt();
        line(
            out,
            &Record::Succession(SuccessionRecord {
                predecessor: name(s.predecessor_id, eve),
                successor: name(s.successor_id, Some(s.effective_on)),
                on: s.effective_on,
            }),
        )?;
    }
    let authorities = queries::all_authorities(db)?;
    let authority_code: HashMap<i64, String> =
        authorities.iter().map(|a| (a.id, a.code.clone())).collect();
    for a in &authorities {
        line(
            out,
            &Record::Authority(AuthorityRecord {
                code: a.code.clone(),
                name: a.name.clone(),
                kind: a.kind_stored().map_err(DbError::from)?.code().to_string(),
                unit: a.unit_id.map(|u| name(u, None)),
            }),
        )?;
    }
    Ok(authority_code)
}

/// Writes every record, parents and predecessors before what refers to them.
pub fn export_jsonl(db: &mut Db<'_>, out: &mut dyn Write) -> Result<usize, ExportError> {
    let mut n = 0;
    let mut line = |out: &mut dyn Write, r: &Record| -> Result<(), ExportError> {
        serde_json::to_writer(&mut *out, r)?;
        out.write_all(b"\n")?;
        n += 1;
        Ok(())
    };
    let authority_code = organisation(db, &mut line, out)?;
    let mut own_dates = provisions_effective(db, None)?;
    // Withdrawn documents stay in the export, flagged (the importer reads the flag back).
    let mut withdrawn = crate::db::editing::all_withdrawals(db)?;
    let mut refs = HashMap::new();
    queries::for_each_document_page(db, |_, page| -> Result<(), ExportError> {
        for d in page {
            let id = d.id;
            let authority = authority_code
                .get(&d.authority_id)
                .cloned()
                .unwrap_or_default();
            refs.insert(
                d.id,
                DocumentRef {
                    authority: authority.clone(),
                    number: d.number.clone(),
                },
            );
            let record = document_record(
                d,
                authority,
                own_dates.remove(&id).unwrap_or_default(),
                withdrawn.remove(&id),
            )?;
            line(out, &Record::Document(record))?;
        }
        Ok(())
    })?;
    relations(db, &refs, &mut line, out)?;
    super::export_procedures::export_procedures(db, &mut line, out)?;
    out.flush()?;
    Ok(n)
}

/// Effects, declared expiries and class ends: the records naming documents (`refs`).
fn relations(
    db: &mut Db<'_>,
    refs: &HashMap<i64, DocumentRef>,
    line: &mut dyn FnMut(&mut dyn Write, &Record) -> Result<(), ExportError>,
    out: &mut dyn Write,
) -> Result<(), ExportError> {
    let undated = crate::db::registry::undated_effects(db)?;
    let mut stated = crate::registry::wording::all_stated(db)?;
    for e in queries::all_effects(db)? {
        let (Some(acting), Some(target)) = (refs.get(&e.acting_id), refs.get(&e.target_id)) else {
            continue;
        };
        line(
            out,
            &Record::Effect(EffectRecord {
                acting: acting.clone(),
                target: target.clone(),
                provisions: e
                    .provisions_stored()
                    .map_err(DbError::from)?
                    .iter()
                    .map(|k| display_reference(k))
                    .collect(),
                kind: e.kind_stored().map_err(DbError::from)?.code().to_string(),
                effective_on: (!undated.contains(&e.id)).then_some(e.effective_on),
                until: e.until_on,
                note: e.note,
                wording: stated.remove(&e.id),
            }),
        )?;
    }
    for x in crate::db::registry::all_declared_expiries(db)? {
        let Some(document) = refs.get(&x.document_id) else {
            continue;
        };
        line(
            out,
            &Record::DeclaredExpiry(DeclaredExpiryRecord {
                document: document.clone(),
                provisions: x
                    .provisions_stored()?
                    .iter()
                    .map(|k| display_reference(k))
                    .collect(),
                effective_on: x.effective_on,
                decision: x.decision,
                ended_at: x.ended_at.map(|t| t.and_utc()),
            }),
        )?;
    }
    for x in crate::db::registry::all_class_ends(db)? {
        let Some(basis) = refs.get(&x.basis_id) else {
            continue;
        };
        let class = x.class_stored()?;
        line(
            out,
            &Record::ClassEnd(ClassEndRecord {
                basis: basis.clone(),
                provision: display_reference(&x.provision),
                authority_kinds: class.authority_kinds,
                levels: class.levels,
                types: class.types,
                issued_from: x.issued_from,
                issued_to: x.issued_to,
                ceases_on: x.ceases_on,
                note: x.note,
            }),
        )?;
    }
    Ok(())
}

/// The provisions' own dates of every document, as the document record states them.
/// The document line of a stored document: what the export writes, and what an edit in the
/// browser starts from.
pub fn document_record(
    d: crate::db::models::Document,
    authority: String,
    provisions_effective: Vec<ProvisionsEffective>,
    withdrawn: Option<crate::db::editing::Withdrawal>,
) -> Result<DocumentRecord, DbError> {
    Ok(DocumentRecord {
        normative: stated_normative(&d),
        provisions_effective,
        withdrawn: withdrawn.map(|w| WithdrawnFlag {
            on: w.withdrawn_on,
            reason: w.reason,
        }),
        fields: d.fields_stored().map_err(DbError::from)?,
        authority,
        doc_type: d.doc_type,
        number: d.number,
        title: d.title,
        signer: d.signer,
        signer_position: d.signer_position,
        issued_on: d.issued_on,
        effective_on: d.effective_on,
        end_on: d.end_on,
        gazette: d.gazette,
        place: d.place,
        signing_capacity: d.signing_capacity,
        signing_for: d.signing_for,
        text: d.full_text,
    })
}

/// The effect line of a stored effect (what the export writes; what an edit in the browser
/// starts from); `None` when one of its documents is gone.
pub fn effect_record(
    db: &mut Db<'_>,
    e: crate::db::models::Effect,
) -> Result<Option<EffectRecord>, DbError> {
    let org = crate::registry::org::Org::load(db)?;
    let reference = |db: &mut Db<'_>, id: i64| -> Result<Option<DocumentRef>, DbError> {
        Ok(queries::document(db, id)?.map(|d| DocumentRef {
            authority: org
                .authorities
                .get(&d.authority_id)
                .map(|a| a.code.clone())
                .unwrap_or_default(),
            number: d.number,
        }))
    };
    let (Some(acting), Some(target)) = (reference(db, e.acting_id)?, reference(db, e.target_id)?)
    else {
        return Ok(None);
    };
    let undated = crate::db::registry::effect_undated(db, e.id)?;
    let wording = crate::registry::wording::all_stated(db)?.remove(&e.id);
    Ok(Some(EffectRecord {
        acting,
        target,
        provisions: e
            .provisions_stored()?
            .iter()
            .map(|k| display_reference(k))
            .collect(),
        kind: e.kind_stored()?.code().to_string(),
        effective_on: (!undated).then_some(e.effective_on),
        until: e.until_on,
        note: e.note,
        wording,
    }))
}

/// The provisions taking effect on their own date, of document `id` (all when `None`).
pub fn provisions_effective(
    db: &mut Db<'_>,
    id: Option<i64>,
) -> Result<HashMap<i64, Vec<ProvisionsEffective>>, DbError> {
    let mut out: HashMap<i64, Vec<ProvisionsEffective>> = HashMap::new();
    let ids = id.map(|i| vec![i]);
    for row in crate::db::registry::provision_dates_of(db, ids.as_deref())? {
        let provisions = row
            .provisions_stored()?
            .iter()
            .map(|k| display_reference(k))
            .collect();
        out.entry(row.document_id)
            .or_default()
            .push(ProvisionsEffective {
                provisions,
                effective_on: row.effective_on,
            });
    }
    Ok(out)
}

/// One row per document with its status on `date`.
pub fn export_csv(
    db: &mut Db<'_>,
    date: NaiveDate,
    out: &mut dyn Write,
) -> Result<usize, ExportError> {
    let graph = StatusGraph::load_all(db)?;
    // Withdrawn documents stay in the file, flagged in the status column.
    let withdrawn = crate::db::editing::withdrawn_ids(db)?;
    let authorities: std::collections::HashMap<i64, (String, String)> =
        queries::all_authorities(db)?
            .into_iter()
            .map(|a| (a.id, (a.code, a.name)))
            .collect();
    let mut w = crate::spreadsheet::cells::CsvWriter::new(out);
    w.write_record([
        "authority_code",
        "authority",
        "type",
        "number",
        "title",
        "fields",
        "issued_on",
        "effective_on",
        "end_on",
        "status",
        "status_on",
    ])?;
    let mut n = 0;
    queries::for_each_document_page(db, |_, page| -> Result<(), ExportError> {
        for d in page {
            let (code, name) = authorities
                .get(&d.authority_id)
                .cloned()
                .unwrap_or_default();
            let status = if withdrawn.contains(&d.id) {
                crate::registry::withdraw::WITHDRAWN_LABEL
            } else {
                graph
                    .status(d.id, date)
                    .map(|s| s.status.label())
                    .unwrap_or_default()
            };
            w.write_record([
                code,
                name,
                d.doc_type.clone(),
                d.number.clone(),
                d.title.clone(),
                d.fields_stored().map_err(DbError::from)?.join("; "),
                d.issued_on.to_string(),
                d.effective_on.to_string(),
                d.end_on.map(|e| e.to_string()).unwrap_or_default(),
                status.to_string(),
                date.to_string(),
            ])?;
            n += 1;
        }
        Ok(())
    })?;
    w.flush()?;
    Ok(n)
}

/// The `normative` field of an exported document: written only where the stored value is not
/// what the importer would assume without it (`domain::issuers::default_normative`), so that
/// import → export → import keeps the bytes of files that never state it.
fn stated_normative(d: &crate::db::models::Document) -> Option<bool> {
    let default = crate::domain::number::DocumentNumber::parse(&d.number)
        .map(|n| crate::domain::issuers::default_normative(&d.doc_type, &n, d.issued_on))
        .unwrap_or(true);
    (d.normative != default).then_some(d.normative)
}
