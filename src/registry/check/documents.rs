//! Checks of each document on its own: its dates and number (errors), and the issuer rules by
//! the law in force on its signing date (warnings; the gap and the issuer-type table only for
//! legal normative documents of local government).

use std::collections::BTreeMap;

use crate::db::models::DocumentSummary;
use crate::db::stored::Corrupt;
use crate::domain::issuers::{self, article, Competence};
use crate::domain::kinds::UnitLevel;
use crate::domain::number::DocumentNumber;
use crate::domain::text::date_vn;

use super::{FindingCode, Issuer, Registry, Report};

/// Effective before issued, ended before effective, a number that does not parse, a number
/// used twice by one authority.
pub(super) fn check_dates_and_numbers(reg: &Registry, report: &mut Report) {
    let mut by_number: BTreeMap<(i64, String), Vec<i64>> = BTreeMap::new();
    for id in reg.ids() {
        let d = &reg.docs[&id];
        if d.effective_on < d.issued_on {
            report.push(
                FindingCode::EffectiveBeforeIssue,
                article::IN_FORCE,
                format!(
                    "{}: ngày có hiệu lực {} trước ngày ban hành {}",
                    reg.name(id),
                    d.effective_on,
                    d.issued_on
                ),
            );
        }
        if let Some(end) = d.end_on.filter(|end| *end < d.effective_on) {
            report.push(
                FindingCode::EndBeforeEffective,
                article::CEASING,
                format!(
                    "{}: ngày hết hiệu lực {end} trước ngày có hiệu lực {}",
                    reg.name(id),
                    d.effective_on
                ),
            );
        }
        match DocumentNumber::parse(&d.number) {
            Ok(n) => by_number
                .entry((d.authority_id, n.key()))
                .or_default()
                .push(id),
            Err(e) => report.push(
                FindingCode::InvalidNumber,
                article::NUMBER,
                format!("{}: {e}", reg.name(id)),
            ),
        }
    }
    for ((_, key), list) in &by_number {
        if list.len() > 1 {
            let names: Vec<String> = list.iter().map(|i| reg.name(*i)).collect();
            report.push(
                FindingCode::DuplicateNumber,
                article::NUMBER,
                format!(
                    "số ký hiệu {key} dùng cho nhiều văn bản của cùng cơ quan: {}",
                    names.join("; ")
                ),
            );
        }
    }
}

/// The rules that depend on who signed and when: the symbol against the type and the unit's
/// end for every document; the minimum gap and the issuer-type table for local legal normative
/// documents.
pub(super) fn check_issuers(reg: &Registry, report: &mut Report) -> Result<(), Corrupt> {
    for id in reg.ids() {
        let d = &reg.docs[&id];
        if let Ok(number) = DocumentNumber::parse(&d.number) {
            if let Some(named) = issuers::symbol_contradicts(&number, &d.doc_type) {
                report.push(
                    FindingCode::SymbolContradictsType,
                    article::NUMBER,
                    format!(
                        "{}: ký hiệu của số là của {named}, nhưng văn bản được ghi là {}",
                        reg.name(id),
                        d.doc_type
                    ),
                );
            }
        }
        let Some(issuer) = reg.issuer(d)? else {
            continue;
        };
        unit_ended(reg, d, &issuer, report);
        if reg.local_normative(d)? {
            if let Some((_, level)) = issuer.unit {
                gap(reg, d, level, report);
                competence(reg, d, &issuer, level, report);
            }
        }
    }
    Ok(())
}

/// Signed after the last day of the issuer's unit (`units.valid_to`).
fn unit_ended(reg: &Registry, d: &DocumentSummary, issuer: &Issuer<'_>, report: &mut Report) {
    let Some((unit, _)) = issuer.unit else {
        return;
    };
    if let Some(last) = unit.valid_to.filter(|last| d.issued_on > *last) {
        report.push(
            FindingCode::SignedAfterUnitEnded,
            article::UNIT_ENDED,
            format!(
                "{}: ký ngày {}, sau khi đơn vị hành chính {} ({}) kết thúc ngày {}",
                reg.name(d.id),
                date_vn(d.issued_on),
                unit.name,
                unit.code,
                date_vn(last)
            ),
        );
    }
}

/// Takes effect sooner after signing than the law in force on the signing date allows.
fn gap(reg: &Registry, d: &DocumentSummary, level: UnitLevel, report: &mut Report) {
    let min = issuers::minimum_gap(level, d.issued_on);
    let days = (d.effective_on - d.issued_on).num_days();
    if (0..min.days).contains(&days) {
        report.push(
 FindingCode::EffectiveTooSoon,
            min.article,
            format!(
                "{}: có hiệu lực {days} ngày sau khi ký, ít hơn {} ngày (hợp pháp chỉ khi ban hành theo thủ tục rút gọn)",
                reg.name(d.id),
                min.days
            ),
        );
    }
}

/// A type the issuer could not issue as a legal normative document on the signing date.
fn competence(
    reg: &Registry,
    d: &DocumentSummary,
    issuer: &Issuer<'_>,
    level: UnitLevel,
    report: &mut Report,
) {
    if let Competence::NotAllowed { article } =
        issuers::may_issue(issuer.kind, level, &d.doc_type, d.issued_on)
    {
        report.push(
            FindingCode::IssuerCannotIssue,
            article,
            format!(
                "{}: {} ({}) không ban hành {} là văn bản quy phạm pháp luật vào ngày {}",
                reg.name(d.id),
                issuer.kind.label(),
                level.label(),
                d.doc_type,
                date_vn(d.issued_on)
            ),
        );
    }
}
