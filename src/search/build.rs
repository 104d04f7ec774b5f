//! Filling the index from the database (the database is the record; the index is derived).

use std::collections::HashMap;

use chrono::NaiveDate;
use tantivy::{IndexWriter, Term};

use super::index::{number_keys, to_document, Fields, Unit};
use crate::db::models::{Document, Provision};
use crate::db::{queries, Db};
use crate::domain::structure::{node_label, NodeKind};
use crate::registry::org::Org;
use crate::registry::status::StatusGraph;

#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error(transparent)]
    Db(#[from] crate::db::DbError),
    #[error("lỗi chỉ mục tìm kiếm: {0}")]
    Index(#[from] tantivy::TantivyError),
    #[error("lỗi thư mục chỉ mục tìm kiếm: {0}")]
    Io(#[from] std::io::Error),
}

/// The text of each article (Điều) with its clauses and points, keyed by article.
fn articles(provisions: &[Provision]) -> Vec<(String, String, String, String)> {
    let mut out: Vec<(String, String, String, String)> = Vec::new();
    for p in provisions {
        match NodeKind::parse(&p.kind) {
            Some(NodeKind::Dieu) => {
                let mut text = p.heading.clone();
                if !p.body.is_empty() {
                    text.push('\n');
                    text.push_str(&p.body);
                }
                out.push((
                    p.key.clone(),
                    node_label(NodeKind::Dieu, &p.label),
                    p.heading.clone(),
                    text,
                ));
            }
            Some(kind @ (NodeKind::Khoan | NodeKind::Diem)) => {
                if let Some(last) = out.last_mut() {
                    if p.key.starts_with(&format!("{}/", last.0)) {
                        last.3.push('\n');
                        last.3.push_str(&node_label(kind, &p.label));
                        last.3.push(' ');
                        last.3.push_str(&p.body);
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// Adds one document and its articles to the writer (after deleting what it had).
pub fn add_document(
    writer: &IndexWriter,
    f: &Fields,
    d: &Document,
    provisions: &[Provision],
    status: &str,
    authority: &str,
) -> tantivy::Result<()> {
    writer.delete_term(Term::from_field_u64(
        f.doc_id,
        u64::try_from(d.id).unwrap_or_default(),
    ));
    let keys = number_keys(&d.number);
    let fields = d.field_list();
    let mut text = d.title.clone();
    text.push('\n');
    text.push_str(&d.full_text);
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
        status,
        authority_id: d.authority_id,
        authority,
        issued_on: d.issued_on,
    };
    writer.add_document(to_document(f, &unit))?;
    for (key, label, heading, body) in articles(provisions) {
        let unit = Unit {
            kind: "article",
            article: Some((&key, &label, &heading)),
            text: &body,
            ..unit
        };
        let unit = Unit {
            number_keys: &keys,
            ..unit
        };
        writer.add_document(to_document(f, &unit))?;
    }
    Ok(())
}

/// Replaces the whole content of the index with what the database holds; statuses as of
/// `today`. Returns the number of documents indexed.
pub fn rebuild(
    db: &mut Db<'_>,
    writer: &mut IndexWriter,
    f: &Fields,
    today: NaiveDate,
) -> Result<usize, BuildError> {
    writer.delete_all_documents()?;
    let org = Org::load(db)?;
    let graph = StatusGraph::load_all(db)?;
    let statuses = graph.statuses(today);
    let mut n = 0;
    queries::for_each_document_page(db, |db, page| -> Result<(), BuildError> {
        let ids: Vec<i64> = page.iter().map(|d| d.id).collect();
        let mut by_doc: HashMap<i64, Vec<Provision>> = HashMap::new();
        for p in queries::provisions_of_many(db, &ids)? {
            by_doc.entry(p.document_id).or_default().push(p);
        }
        for d in &page {
            let status = statuses.get(&d.id).map(|s| s.code()).unwrap_or_default();
            let provisions = by_doc.remove(&d.id).unwrap_or_default();
            add_document(
                writer,
                f,
                d,
                &provisions,
                status,
                &org.authority_name(d.authority_id),
            )?;
            n += 1;
        }
        Ok(())
    })?;
    Ok(n)
}
