//! Filling the index from the database (the database is the record; the index is derived).

use std::collections::HashMap;

use chrono::NaiveDate;
use tantivy::{IndexWriter, Term};

use super::index::{number_keys, procedure_unit_doc, Fields, SharedValues, Unit, UnitDoc};
use super::wordings::{articles, Amended};
use crate::db::models::{Document, Provision};
use crate::db::{queries, Db, DbError};
use crate::domain::status::Evaluation;
use crate::registry::org::Org;
use crate::registry::status::StatusGraph;

/// The status codes a document's units carry in the index: the document's, and each
/// article's own where it differs (an amended article is "duoc-sua-doi-bo-sung", a repealed
/// one "het-hieu-luc-toan-bo" while the document has ceased in part), so the status facet
/// counts and filters articles by their own status.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IndexStatus {
    pub document: &'static str,
    pub articles: HashMap<String, &'static str>,
}

impl IndexStatus {
    pub fn of(e: &Evaluation) -> IndexStatus {
        let document = e.document.status;
        IndexStatus {
            document: document.code(),
            articles: e
                .provisions
                .iter()
                .filter(|(k, r)| {
                    (k.starts_with("dieu-") || k.starts_with("phu-luc"))
                        && !k.contains('/')
                        && r.status != document
                })
                .map(|(k, r)| (k.clone(), r.status.code()))
                .collect(),
        }
    }

    /// Every document's, from one pass over the graph.
    pub fn all(graph: &StatusGraph, date: NaiveDate) -> HashMap<i64, IndexStatus> {
        graph
            .evaluations(date)
            .into_iter()
            .map(|(id, e)| (id, IndexStatus::of(&e)))
            .collect()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error(transparent)]
    Db(#[from] crate::db::DbError),
    #[error("lỗi chỉ mục tìm kiếm: {0}")]
    Index(#[from] tantivy::TantivyError),
    #[error("lỗi thư mục chỉ mục tìm kiếm: {0}")]
    Io(#[from] std::io::Error),
}

/// The index writer of vanban's search units.
pub type Writer = IndexWriter<UnitDoc>;

/// The text of a document's own unit: its title, its text, and the wordings its amendments put
/// in force.
fn document_text(d: &Document, amended: &Amended) -> String {
    let mut text = String::with_capacity(d.title.len() + d.full_text.len() + 1);
    text.push_str(&d.title);
    text.push('\n');
    text.push_str(&d.full_text);
    let mut now: Vec<(&String, &String)> = amended.current.iter().collect();
    now.sort();
    for (_, w) in now {
        text.push('\n');
        text.push_str(w);
    }
    text
}

/// Which of a document's units to add.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Units {
    /// The document's unit and its articles, after deleting what it had.
    All,
    /// The document's unit only, after deleting what it had.
    Document,
    /// Its articles only (the document's unit is already in).
    Articles,
}

/// Adds one document's units to the writer (its own and its articles', see [`Units`]).
#[allow(clippy::too_many_arguments)]
pub fn add_document(
    writer: &Writer,
    f: &Fields,
    d: &Document,
    provisions: &[Provision],
    status: &IndexStatus,
    authority: &str,
    amended: &Amended,
    units: Units,
) -> Result<(), BuildError> {
    if units != Units::Articles {
        writer.delete_term(Term::from_field_u64(
            f.doc_id,
            u64::try_from(d.id).unwrap_or_default(),
        ));
    }
    let keys = number_keys(&d.number);
    let fields = d.fields_stored().map_err(DbError::from)?;
    // The document's own text, only when its unit is added (the articles share the rest).
    let text = if units == Units::Articles {
        String::new()
    } else {
        document_text(d, amended)
    };
    let unit = Unit {
        kind: "document",
        doc_id: d.id,
        article: None,
        number: &d.number,
        number_keys: &keys,
        title: &d.title,
        text: &text,
        doc_type: &d.doc_type,
        fields: &fields,
        status: status.document,
        authority_id: d.authority_id,
        authority,
        issued_on: d.issued_on,
    };
    let shared = SharedValues::new(f, &unit);
    if units != Units::Articles {
        writer.add_document(shared.unit(f, "document", None, &text))?;
    }
    if units == Units::Document {
        return Ok(());
    }
    for a in articles(provisions, amended).map_err(DbError::from)? {
        let (key, body) = (a.key.as_str(), a.text.as_str());
        let article = Some((key, a.label.as_str(), a.heading.as_str()));
        let doc = match status.articles.get(key) {
            Some(own) => SharedValues::new(
                f,
                &Unit {
                    status: own,
                    ..unit
                },
            )
            .unit(f, "article", article, body),
            None => shared.unit(f, "article", article, body),
        }
        .with_earlier(f, &a.earlier);
        writer.add_document(doc)?;
    }
    Ok(())
}

/// Adds a page of documents' units (with their provisions, read here in one query) to the
/// writer; `status` gives each document's status codes.
#[allow(clippy::too_many_arguments)]
pub fn add_page(
    db: &mut Db<'_>,
    writer: &Writer,
    f: &Fields,
    org: &Org,
    page: &[Document],
    today: NaiveDate,
    status: impl Fn(i64) -> IndexStatus,
    units: Units,
) -> Result<(), BuildError> {
    let ids: Vec<i64> = page.iter().map(|d| d.id).collect();
    let mut amended = super::wordings::amended(db, &ids, today)?;
    let mut by_doc: HashMap<i64, Vec<Provision>> = HashMap::with_capacity(ids.len());
    if units != Units::Document {
        for p in queries::provisions_of_many(db, &ids)? {
            by_doc.entry(p.document_id).or_default().push(p);
        }
    }
    let mut names: HashMap<i64, String> = HashMap::new();
    for d in page {
        let provisions = by_doc.remove(&d.id).unwrap_or_default();
        let authority = names
            .entry(d.authority_id)
            .or_insert_with(|| org.authority_name(d.authority_id));
        let amended = amended.remove(&d.id).unwrap_or_default();
        add_document(
            writer,
            f,
            d,
            &provisions,
            &status(d.id),
            authority,
            &amended,
            units,
        )?;
    }
    Ok(())
}

/// The search text of a procedure version: what a citizen may type to find it.
fn procedure_text(v: &crate::db::procedures::ProcedureVersion) -> Result<String, BuildError> {
    let mut text = String::with_capacity(v.name.len() + v.steps.len() + 256);
    for part in [
        v.name.as_str(),
        v.field.as_str(),
        v.agency.as_str(),
        v.applicants.as_str(),
        v.result.as_str(),
        v.conditions.as_str(),
        v.steps.as_str(),
    ] {
        if !part.is_empty() {
            text.push_str(part);
            text.push('\n');
        }
    }
    for c in v.dossier_stored().map_err(crate::db::DbError::from)? {
        text.push_str(&c.name);
        text.push('\n');
    }
    Ok(text)
}

/// Re-indexes the given procedures (deleting those that no longer exist): one unit each, its
/// newest version (the one the catalogue shows), kind "procedure", type "Thủ tục hành chính",
/// its field as the field, the announcement kind as status, the announcing authority and date.
pub fn apply_procedures(
    db: &mut Db<'_>,
    writer: &Writer,
    f: &Fields,
    org: &Org,
    ids: Option<&[i64]>,
) -> Result<usize, BuildError> {
    use crate::db::procedures::{Procedure, ProcedureVersion};
    let mut all: Vec<Procedure> = Vec::new();
    let mut versions: Vec<ProcedureVersion> = Vec::new();
    match ids {
        Some(ids) => {
            for chunk in ids.chunks(500) {
                for id in chunk {
                    writer.delete_term(Term::from_field_u64(
                        f.procedure_id,
                        u64::try_from(*id).unwrap_or_default(),
                    ));
                }
                all.extend(crate::db::procedures::procedures_by_ids(db, chunk)?);
                versions.extend(crate::db::search::versions_of(db, chunk)?);
            }
        }
        None => {
            all = crate::db::search::all_procedures(db)?;
            versions = crate::db::search::all_versions(db)?;
        }
    }
    // The newest version of each: latest announcement, then latest entered.
    let mut newest: HashMap<i64, ProcedureVersion> = HashMap::new();
    for v in versions {
        let replace = newest
            .get(&v.procedure_id)
            .is_none_or(|o| v.currency_key() > o.currency_key());
        if replace {
            newest.insert(v.procedure_id, v);
        }
    }
    let doc_type = "Thủ tục hành chính";
    let mut n = 0;
    for p in &all {
        let Some(v) = newest.get(&p.id) else {
            continue;
        };
        let keys = vec![p.code.clone()];
        let fields = vec![v.field.clone()];
        let text = procedure_text(v)?;
        let authority = org.authority_name(v.decision_authority_id);
        let unit = Unit {
            kind: "procedure",
            doc_id: 0,
            article: None,
            number: &p.code,
            number_keys: &keys,
            title: &v.name,
            text: &text,
            doc_type,
            fields: &fields,
            status: &v.announcement,
            authority_id: v.decision_authority_id,
            authority: &authority,
            issued_on: v.decision_date,
        };
        writer.add_document(procedure_unit_doc(f, &unit, p.id))?;
        n += 1;
    }
    Ok(n)
}

/// How far the rebuild running in this process has got (for `/metrics`).
#[derive(Debug, Default)]
pub struct Progress {
    pub running: std::sync::atomic::AtomicBool,
    pub done: std::sync::atomic::AtomicUsize,
    pub total: std::sync::atomic::AtomicUsize,
}

pub static REBUILD: Progress = Progress {
    running: std::sync::atomic::AtomicBool::new(false),
    done: std::sync::atomic::AtomicUsize::new(0),
    total: std::sync::atomic::AtomicUsize::new(0),
};

/// Marks the rebuild finished however it ends.
struct Running;

impl Drop for Running {
    fn drop(&mut self) {
        REBUILD
            .running
            .store(false, std::sync::atomic::Ordering::Relaxed);
    }
}

/// Replaces the whole content of the index with what the database holds; statuses as of
/// `today`. Returns the number of documents indexed.
pub fn rebuild(
    db: &mut Db<'_>,
    writer: &mut Writer,
    f: &Fields,
    today: NaiveDate,
) -> Result<usize, BuildError> {
    use std::sync::atomic::Ordering::Relaxed;
    let total = queries::count_documents(db)?;
    REBUILD
        .total
        .store(usize::try_from(total).unwrap_or(0), Relaxed);
    REBUILD.done.store(0, Relaxed);
    REBUILD.running.store(true, Relaxed);
    let _running = Running;
    writer.delete_all_documents()?;
    let org = Org::load(db)?;
    let graph = StatusGraph::load_all(db)?;
    let statuses = IndexStatus::all(&graph, today);
    // Withdrawn documents (entered in error) are not indexed.
    let withdrawn = crate::db::editing::withdrawn_ids(db)?;
    // The documents' own units first, then their articles, then the procedures: each kind's
    // units are neighbours in the segments (merges keep the order within each part), so a
    // search in one scope skips the postings blocks of the others instead of decoding them.
    // Each pass counts for half of a document's progress.
    let (mut passed, mut n) = (0, 0);
    for units in [Units::Document, Units::Articles] {
        n = 0;
        queries::for_each_document_page(db, |db, mut page| -> Result<(), BuildError> {
            page.retain(|d| !withdrawn.contains(&d.id));
            add_page(
                db,
                writer,
                f,
                &org,
                &page,
                today,
                |id| statuses.get(&id).cloned().unwrap_or_default(),
                units,
            )?;
            n += page.len();
            passed += page.len();
            REBUILD.done.store(passed / 2, Relaxed);
            Ok(())
        })?;
    }
    apply_procedures(db, writer, f, &org, None)?;
    Ok(n)
}
