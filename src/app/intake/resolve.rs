//! Matching what a file names to the registry: the issuing body to an authority the officer
//! may write for, and each effect's target to documents by number and issuer.

use serde::Serialize;

use crate::db::{intake as q, queries, Db};
use crate::domain::number::DocumentNumber;
use crate::domain::text::fold_upper;
use crate::error::AppError;
use crate::exchange::write::Writer;

/// An authority offered in the form's choice list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuthorityChoice {
    pub code: String,
    pub name: String,
    /// Whether it matches the issuing body read from the file.
    pub matched: bool,
}

/// The words of a name, folded (`ỦY BAN NHÂN DÂN TỈNH CÀ MAU` → `UY BAN NHAN DAN TINH CA MAU`).
fn folded(s: &str) -> String {
    fold_upper(s)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The authorities `w` may write documents for, those matching `issuer` first. An exact
/// match (case and diacritics aside) is the only match; else an authority whose name the
/// issuer block contains (a header that also names the parent body) matches.
pub fn authority_choices(
    db: &mut Db<'_>,
    w: &Writer,
    issuer: &str,
) -> Result<Vec<AuthorityChoice>, AppError> {
    let issuer = folded(issuer);
    let mut all: Vec<AuthorityChoice> = queries::all_authorities(db)?
        .into_iter()
        .filter(|a| match &w.units {
            None => true,
            Some(units) => a.unit_id.is_some_and(|u| units.contains(&u)),
        })
        .map(|a| AuthorityChoice {
            code: a.code,
            name: a.name,
            matched: false,
        })
        .collect();
    if !issuer.is_empty() {
        let exact: Vec<usize> = (0..all.len())
            .filter(|i| folded(&all[*i].name) == issuer)
            .collect();
        let hits = if exact.is_empty() {
            (0..all.len())
                .filter(|i| issuer.contains(&folded(&all[*i].name)))
                .collect()
        } else {
            exact
        };
        for i in hits {
            all[i].matched = true;
        }
    }
    all.sort_by(|a, b| b.matched.cmp(&a.matched).then_with(|| a.name.cmp(&b.name)));
    Ok(all)
}

/// The authority to preselect: the one match, if there is exactly one.
pub fn only_match(choices: &[AuthorityChoice]) -> Option<&AuthorityChoice> {
    match choices.iter().filter(|c| c.matched).collect::<Vec<_>>()[..] {
        [one] => Some(one),
        _ => None,
    }
}

/// A document of the registry an effect may target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Candidate {
    pub id: i64,
    pub authority: String,
    pub authority_name: String,
    pub doc_type: String,
    pub number: String,
    pub title: String,
    pub issued_on: String,
}

/// The documents numbered `number`: those of an authority the phrase names (`hint`, the line
/// of the text the effect was read from) when it names one, else those of the acting
/// document's authority when there are, else all of them.
pub fn targets(
    db: &mut Db<'_>,
    number: &str,
    hint: &str,
    acting_authority: &str,
) -> Result<Vec<Candidate>, AppError> {
    let Ok(n) = DocumentNumber::parse(number) else {
        return Ok(Vec::new());
    };
    let mut all = Vec::new();
    for (id, _) in queries::documents_by_number_key(db, &n.key())? {
        all.extend(candidate(db, id)?);
    }
    if all.len() < 2 {
        return Ok(all);
    }
    let hint = folded(hint);
    let named: Vec<Candidate> = all
        .iter()
        .filter(|c| !hint.is_empty() && hint.contains(&folded(&c.authority_name)))
        .cloned()
        .collect();
    if !named.is_empty() {
        return Ok(named);
    }
    let own: Vec<Candidate> = all
        .iter()
        .filter(|c| c.authority == acting_authority)
        .cloned()
        .collect();
    Ok(if own.is_empty() { all } else { own })
}

/// Documents whose number contains `fragment` (the effects form's search), at most `limit`.
pub fn search(db: &mut Db<'_>, fragment: &str, limit: i64) -> Result<Vec<Candidate>, AppError> {
    let key = fold_upper(fragment.trim());
    if key.chars().filter(char::is_ascii_alphanumeric).count() < 2 {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for id in q::documents_numbered_like(db, &key, limit)? {
        out.extend(candidate(db, id)?);
    }
    Ok(out)
}

/// The candidate of document `id`, if it exists.
pub fn candidate(db: &mut Db<'_>, id: i64) -> Result<Option<Candidate>, AppError> {
    let Some(d) = queries::document(db, id)? else {
        return Ok(None);
    };
    let Some(a) = queries::authority_by_id(db, d.authority_id)? else {
        return Ok(None);
    };
    Ok(Some(Candidate {
        id: d.id,
        authority: a.code,
        authority_name: a.name,
        doc_type: d.doc_type,
        number: d.number,
        title: d.title,
        issued_on: crate::domain::text::date_vn(d.issued_on),
    }))
}
