//! The one answer of the header search: procedures, communes and wards, documents and
//! articles in one list, best first, and what to say when a document number names nothing.
//!
//! Documents come from the search index as before (their count and facets unchanged);
//! procedures from the index's procedure scope, re-ranked by how well their names cover the
//! query; units from the organisation's names; articles from the index's article scope, when
//! one scores clearly above the best whole document (see [`answering_articles`]). Which kind
//! leads is decided by the signals of `domain::intent` (a name covering the query, a cue, a
//! code), never by listing queries.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use serde::Serialize;

use super::procedures::Catalogue;
use crate::domain::intent::{self, Asked};
use crate::domain::number::{DocumentNumber, TypedNumber};
use crate::domain::procedure::ProcedureCode;
use crate::registry::org::Org;
use crate::search::query::Hit;

/// How many procedures and units at most join the documents.
const MAX_PROCEDURES: usize = 3;
const MAX_UNITS: usize = 3;
/// Near numbers offered when a number names no document.
const MAX_NEAR: usize = 8;
/// Documents shown before the procedures and units that are related but not the answer.
const DOCUMENTS_BEFORE_RELATED: usize = 3;
/// Articles at most in the one answer, one per document.
const MAX_ARTICLES: usize = 3;
/// How much better than the best whole document an article must score to answer the query
/// itself: its words are gathered in that one article rather than spread over a document.
/// Both scores are BM25 over the same index and fields, an article being a short unit.
const ARTICLE_LIFT: f32 = 1.1;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ProcedureAnswer {
    pub field: String,
    /// Levels that carry it out (Cấp tỉnh, Cấp xã…).
    pub levels: Vec<String>,
    /// The agency that settles it.
    pub agency: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UnitAnswer {
    /// `tinh`, `huyen` or `xa`.
    pub level: String,
    /// The units above it, nearest first (`Thành phố Cà Mau, Tỉnh Cà Mau`).
    pub within: String,
    /// Its last day, for a unit merged or abolished (dd/mm/yyyy).
    pub until: Option<String>,
    /// The units that took it over.
    pub successors: Vec<String>,
}

/// One answer of the header search.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Answer {
    /// `procedure`, `unit`, `document` or `article`.
    pub kind: String,
    /// The kind as readers name it: Thủ tục, Xã, phường, Văn bản, Điều khoản.
    pub label: String,
    pub title: String,
    pub url: String,
    /// A procedure's code, a document's number, a unit's code (`code@day` when reused).
    pub code: String,
    /// The document or article hit.
    pub hit: Option<Hit>,
    pub procedure: Option<ProcedureAnswer>,
    pub unit: Option<UnitAnswer>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NearDocument {
    pub id: i64,
    pub number: String,
    #[serde(rename = "type")]
    pub doc_type: String,
    pub title: String,
    pub url: String,
}

/// The query read as a document number.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NumberLookup {
    /// The number as typed, tidied (`15/2018/NQ-HĐND`).
    pub typed: String,
    /// Whether some document has it.
    pub found: bool,
    /// When none has it: documents whose numbers are near (same ordinal and year with
    /// another symbol, another year, or one digit off).
    pub near: Vec<NearDocument>,
}

/// The address of a document or article hit, and of a procedure hit.
pub fn hit_url(h: &Hit) -> String {
    match &h.article {
        Some(a) => format!("/documents/{}/{}", h.document_id, a.key),
        None if h.kind == "procedure" => format!("/procedures/{}", h.number),
        None => format!("/documents/{}", h.document_id),
    }
}

fn hit_answer(h: &Hit) -> Answer {
    let (kind, label) = match (h.kind.as_str(), &h.article) {
        ("procedure", _) => ("procedure", "Thủ tục"),
        (_, Some(_)) => ("article", "Điều khoản"),
        _ => ("document", "Văn bản"),
    };
    Answer {
        kind: kind.into(),
        label: label.into(),
        title: h.title.clone(),
        url: hit_url(h),
        code: h.number.clone(),
        hit: Some(h.clone()),
        procedure: None,
        unit: None,
    }
}

fn procedure_answer(catalogue: &Catalogue, code: &str) -> Option<Answer> {
    let entry = catalogue.entry(code)?;
    let v = entry.newest()?;
    Some(Answer {
        kind: "procedure".into(),
        label: "Thủ tục".into(),
        title: v.name.clone(),
        url: format!("/procedures/{code}"),
        code: code.to_string(),
        hit: None,
        procedure: Some(ProcedureAnswer {
            field: v.field.clone(),
            levels: v.levels.iter().map(|l| l.label.clone()).collect(),
            agency: v.agency.clone(),
        }),
        unit: None,
    })
}

/// Units' names folded once per state of the organisation.
struct UnitNames {
    org: Arc<Org>,
    /// Unit id, kind syllables, proper-name syllables.
    names: Vec<(i64, Vec<String>, Vec<String>)>,
    /// The provinces the registry serves: those of its authorities' units.
    provinces: HashSet<i64>,
}

static UNIT_NAMES: Mutex<Option<Arc<UnitNames>>> = Mutex::new(None);

fn province_of(org: &Org, mut unit: i64) -> i64 {
    for _ in 0..8 {
        match org.units.get(&unit).and_then(|u| u.parent_id) {
            Some(p) => unit = p,
            None => break,
        }
    }
    unit
}

fn unit_names(org: &Arc<Org>) -> Arc<UnitNames> {
    if let Ok(held) = UNIT_NAMES.lock() {
        if let Some(n) = held.as_ref().filter(|n| Arc::ptr_eq(&n.org, org)) {
            return n.clone();
        }
    }
    let names = org
        .units
        .values()
        .map(|u| {
            let (kind, proper) = intent::unit_name(&u.name);
            (u.id, kind, proper)
        })
        .collect();
    let provinces = org
        .authorities
        .values()
        .filter_map(|a| a.unit_id)
        .map(|u| province_of(org, u))
        .collect();
    let built = Arc::new(UnitNames {
        org: org.clone(),
        names,
        provinces,
    });
    if let Ok(mut held) = UNIT_NAMES.lock() {
        *held = Some(built.clone());
    }
    built
}

/// The units above `unit`, nearest first.
fn ancestors(org: &Org, unit: i64) -> Vec<&crate::db::models::Unit> {
    let mut out = Vec::new();
    let mut at = org.units.get(&unit).and_then(|u| u.parent_id);
    while let Some(id) = at {
        let Some(u) = org.units.get(&id) else { break };
        out.push(u);
        at = u.parent_id;
        if out.len() > 8 {
            break;
        }
    }
    out
}

/// A unit the query names, and whether it is the whole answer (the rest of the query names
/// the units above it).
struct NamedUnit {
    answer: Answer,
    whole: bool,
}

fn named_units(org: &Arc<Org>, query: &str) -> Vec<NamedUnit> {
    let q = intent::syllables(query);
    if q.is_empty() || q.len() > 12 {
        return Vec::new();
    }
    let names = unit_names(org);
    let mut found: Vec<(bool, bool, bool, usize, &crate::db::models::Unit)> = Vec::new();
    for (id, kind, proper) in &names.names {
        let Some(named) = intent::names_unit(&q, kind, proper) else {
            continue;
        };
        let Some(u) = org.units.get(id) else { continue };
        let above: HashSet<String> = ancestors(org, *id)
            .iter()
            .flat_map(|a| intent::syllables(&a.name))
            .collect();
        let whole = named.rest.iter().all(|s| above.contains(s));
        let served = names.provinces.contains(&province_of(org, *id));
        found.push((whole, served, u.valid_to.is_none(), proper.len(), u));
    }
    // The whole answer first, then the registry's provinces, today's units, longer names.
    found.sort_by(|a, b| {
        (b.0, b.1, b.2, b.3)
            .cmp(&(a.0, a.1, a.2, a.3))
            .then(a.4.code.cmp(&b.4.code))
    });
    found
        .into_iter()
        .take(MAX_UNITS)
        .map(|(whole, _, _, _, u)| {
            let reference = org.unit_reference(u);
            let within = ancestors(org, u.id)
                .iter()
                .map(|a| a.name.clone())
                .collect::<Vec<_>>()
                .join(", ");
            NamedUnit {
                whole,
                answer: Answer {
                    kind: "unit".into(),
                    label: match u.level.as_str() {
                        "tinh" => "Tỉnh, thành phố",
                        "huyen" => "Quận, huyện",
                        _ => "Xã, phường",
                    }
                    .into(),
                    title: u.name.clone(),
                    url: format!("/units/{reference}"),
                    code: reference,
                    hit: None,
                    procedure: None,
                    unit: Some(UnitAnswer {
                        level: u.level.clone(),
                        within,
                        until: u.valid_to.map(|d| d.format("%d/%m/%Y").to_string()),
                        successors: org
                            .unit_successors(u.id)
                            .into_iter()
                            .filter(|(s, _)| s.id != u.id)
                            .map(|(s, _)| s.name.clone())
                            .collect(),
                    }),
                },
            }
        })
        .collect()
}

/// The procedures the query asks for, best first, and how many of them are the answer
/// (lead the documents): a code typed, or a name covering the query.
fn asked_procedures(
    query: &str,
    asked: &Asked,
    ranked: &[Hit],
    catalogue: &Catalogue,
) -> (Vec<Answer>, usize) {
    let mut lead: Vec<Answer> = Vec::new();
    for code in ProcedureCode::typed_in(query) {
        if let Some(a) = procedure_answer(catalogue, code.as_str()) {
            lead.push(a);
        }
    }
    let mut scored: Vec<(usize, intent::NameMatch, &Hit)> = ranked
        .iter()
        .enumerate()
        .map(|(i, h)| (i, intent::name_match(asked, &h.title), h))
        // Related: half the query and two syllables of it at least ("nuôi tôm" is not
        // "nuôi con nuôi").
        .filter(|(_, m, _)| m.coverage >= 0.5 && m.coverage * asked.content.len() as f32 >= 1.5)
        .collect();
    scored.sort_by(|a, b| b.1.rank().total_cmp(&a.1.rank()).then(a.0.cmp(&b.0)));
    // Only the names covering the query best lead; a name covering less of it is related.
    let best = scored.first().map_or(0.0, |s| s.1.coverage);
    let mut related = Vec::new();
    for (_, m, h) in scored {
        if lead
            .iter()
            .chain(&related)
            .any(|a: &Answer| a.code == h.number)
        {
            continue;
        }
        let Some(a) = procedure_answer(catalogue, &h.number) else {
            continue;
        };
        if m.answers(asked) && m.coverage >= best {
            lead.push(a);
        } else {
            related.push(a);
        }
    }
    let leading = lead.len().min(MAX_PROCEDURES);
    lead.extend(related);
    lead.truncate(MAX_PROCEDURES.max(leading));
    (lead, leading)
}

/// The hits as answers, in their order (no other kind joins them).
pub fn plain(hits: &[Hit]) -> Vec<Answer> {
    hits.iter().map(hit_answer).collect()
}

/// Everything that joins the documents' hits, for [`merge`].
pub struct Others<'a> {
    pub query: &'a str,
    pub org: &'a Arc<Org>,
    /// The procedure scope's hits for the query, in the index's order.
    pub procedures: &'a [Hit],
    pub catalogue: Option<&'a Catalogue>,
    /// The article scope's hits for the query, best first.
    pub articles: &'a [Hit],
}

/// The articles that answer the query better than a whole document: each scores at least
/// [`ARTICLE_LIFT`] times the best document hit, its document's title lacks some word asked,
/// the best article of its document only, at
/// most [`MAX_ARTICLES`], best first. Split in two: those of the first document (shown before
/// it, so that the first answer still names the same document) and the others (shown right
/// after the first document). The documents' order is not touched.
pub fn answering_articles(
    asked: &Asked,
    documents: &[Hit],
    articles: &[Hit],
) -> (Vec<Answer>, Vec<Answer>) {
    let Some(best) = documents.first() else {
        return (Vec::new(), Vec::new());
    };
    if !(best.score.is_finite() && best.score > 0.0) || asked.content.is_empty() {
        return (Vec::new(), Vec::new());
    }
    let mut chosen: Vec<&Hit> = Vec::new();
    let mut ranked: Vec<&Hit> = articles
        .iter()
        .filter(|a| a.article.is_some() && a.score >= ARTICLE_LIFT * best.score)
        // A document whose title has every word asked is itself the answer: its scope
        // article («Phạm vi điều chỉnh») repeating the title adds nothing.
        .filter(|a| intent::name_match(asked, &a.title).coverage < 1.0)
        .collect();
    ranked.sort_by(|a, b| b.score.total_cmp(&a.score));
    for a in ranked {
        if chosen.len() == MAX_ARTICLES {
            break;
        }
        if !chosen.iter().any(|c| c.document_id == a.document_id) {
            chosen.push(a);
        }
    }
    let (of_first, others): (Vec<&Hit>, Vec<&Hit>) = chosen
        .into_iter()
        .partition(|a| a.document_id == best.document_id);
    (
        of_first.into_iter().map(hit_answer).collect(),
        others.into_iter().map(hit_answer).collect(),
    )
}

/// The one list: what the query names (procedures, units) first when the signals say it is
/// the answer, then the documents, with related procedures and units after the first few.
/// Articles that answer the query better than a whole document join the documents, never
/// before a leading procedure or unit; the documents keep their order.
pub fn merge(documents: &[Hit], others: Others<'_>) -> Vec<Answer> {
    let asked = intent::asked(others.query);
    let (procedures, leading) = match others.catalogue {
        Some(c) => asked_procedures(others.query, &asked, others.procedures, c),
        None => (Vec::new(), 0),
    };
    let units = named_units(others.org, others.query);
    let mut first: Vec<Answer> = Vec::new();
    let mut later: Vec<Answer> = Vec::new();
    // A unit named with nothing else asked for is the answer; a procedure comes next.
    for u in units {
        if u.whole {
            first.push(u.answer);
        } else {
            later.push(u.answer);
        }
    }
    for (i, p) in procedures.into_iter().enumerate() {
        if i < leading {
            first.push(p);
        } else {
            later.push(p);
        }
    }
    let docs: Vec<Answer> = documents.iter().map(hit_answer).collect();
    let (articles_first, articles_after) = answering_articles(&asked, documents, others.articles);
    let split = docs.len().min(DOCUMENTS_BEFORE_RELATED);
    let mut out = first;
    out.extend(articles_first);
    if let Some((head, tail)) = docs[..split].split_first() {
        out.push(head.clone());
        out.extend(articles_after);
        out.extend(tail.iter().cloned());
    }
    out.extend(later);
    out.extend(docs[split..].iter().cloned());
    out
}

/// The query read as a document number, with the near numbers when no document has it.
/// `known` says whether a document carries the number's key; `numbers` lists the registry's
/// documents (read only when none does).
pub fn number_lookup<E>(
    query: &str,
    known: impl FnOnce(&str) -> bool,
    numbers: impl FnOnce() -> Result<Vec<crate::db::models::DocumentSummary>, E>,
) -> Result<Option<NumberLookup>, E> {
    let Some(typed) = TypedNumber::parse(query) else {
        return Ok(None);
    };
    if known(typed.key()) {
        return Ok(Some(NumberLookup {
            typed: typed.shown().to_string(),
            found: true,
            near: Vec::new(),
        }));
    }
    let mut near: Vec<NearDocument> = numbers()?
        .into_iter()
        .filter(|d| DocumentNumber::parse(&d.number).is_ok_and(|n| typed.is_near(&n)))
        .take(MAX_NEAR)
        .map(|d| NearDocument {
            url: format!("/documents/{}", d.id),
            id: d.id,
            number: d.number,
            doc_type: d.doc_type,
            title: d.title,
        })
        .collect();
    near.sort_by(|a, b| a.number.cmp(&b.number).then(a.id.cmp(&b.id)));
    Ok(Some(NumberLookup {
        typed: typed.shown().to_string(),
        found: false,
        near,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::query::ArticleHit;

    fn hit(document_id: i64, title: &str, article: Option<&str>, score: f32) -> Hit {
        Hit {
            kind: if article.is_some() {
                "article"
            } else {
                "document"
            }
            .into(),
            document_id,
            number: format!("{document_id:02}/2025/NQ-HĐND"),
            title: title.into(),
            authority: "Hội đồng nhân dân tỉnh Cà Mau".into(),
            doc_type: "Nghị quyết".into(),
            status: "con-hieu-luc".into(),
            issued_on: "2025-01-01".into(),
            article: article.map(|a| ArticleHit {
                key: a.to_lowercase().replace(' ', "-"),
                number: a.into(),
                heading: String::new(),
            }),
            score,
            snippet: String::new(),
        }
    }

    const TITLE: &str = "Quy định tổ chức Bộ phận một cửa";

    #[test]
    fn an_article_joins_only_clearly_above_the_best_document() {
        let asked = intent::asked("giờ làm việc một cửa");
        let docs = [hit(1, TITLE, None, 40.0), hit(2, TITLE, None, 30.0)];
        // 1.1 × 40 = 44: just under is out, at it is in.
        let (before, after) =
            answering_articles(&asked, &docs, &[hit(1, TITLE, Some("Điều 6"), 43.9)]);
        assert!(before.is_empty() && after.is_empty());
        let (before, after) =
            answering_articles(&asked, &docs, &[hit(1, TITLE, Some("Điều 6"), 44.0)]);
        assert_eq!(before.len(), 1);
        assert!(after.is_empty());
        assert_eq!(before[0].kind, "article");
        assert_eq!(before[0].label, "Điều khoản");
        assert_eq!(before[0].url, "/documents/1/điều-6");
        // Another document's article goes after the first document.
        let (before, after) =
            answering_articles(&asked, &docs, &[hit(2, TITLE, Some("Điều 5"), 50.0)]);
        assert!(before.is_empty());
        assert_eq!(after[0].code, "02/2025/NQ-HĐND");
        // No documents, or a document hit without a score: nothing.
        let art = [hit(1, TITLE, Some("Điều 6"), 90.0)];
        assert_eq!(answering_articles(&asked, &[], &art).0.len(), 0);
        let zero = [hit(1, TITLE, None, 0.0)];
        assert_eq!(answering_articles(&asked, &zero, &art).0.len(), 0);
    }

    #[test]
    fn one_article_per_document_three_at_most_best_first() {
        let asked = intent::asked("mức phụ cấp trưởng ấp");
        let docs = [hit(1, TITLE, None, 10.0)];
        let articles: Vec<Hit> = [(1, 20.0), (1, 30.0), (2, 25.0), (3, 15.0), (4, 40.0)]
            .iter()
            .map(|&(d, s)| hit(d, TITLE, Some(&format!("Điều {s}")), s))
            .collect();
        let (before, after) = answering_articles(&asked, &docs, &articles);
        let ids: Vec<i64> = before
            .iter()
            .chain(&after)
            .filter_map(|a| a.hit.as_ref().map(|h| h.document_id))
            .collect();
        // Document 4 (40), document 1's best (30), document 2 (25); document 3 left out.
        assert_eq!(before.len(), 1);
        assert_eq!(before[0].hit.as_ref().map(|h| h.score), Some(30.0));
        assert_eq!(ids, vec![1, 4, 2]);
    }

    #[test]
    fn a_title_with_every_word_asked_is_the_answer_not_its_articles() {
        let title = "Chính sách hỗ trợ phát triển nuôi tôm";
        let docs = [hit(1, title, None, 10.0)];
        let art = [hit(1, title, Some("Điều 1"), 20.0)];
        let (before, after) = answering_articles(&intent::asked("nuoi tom"), &docs, &art);
        assert!(before.is_empty() && after.is_empty());
        // A word the title lacks: the article answers.
        let (before, _) = answering_articles(&intent::asked("mức hỗ trợ nuôi tôm"), &docs, &art);
        assert_eq!(before.len(), 1);
    }
}
