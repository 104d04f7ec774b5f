//! Queries of the registry tables. Each function runs on either backend through `with_db!`.

use chrono::NaiveDate;
use diesel::prelude::*;

use super::models::*;
use super::schema::*;
use super::{Db, DbError};
use crate::with_db;

type R<T> = Result<T, DbError>;

// ---- units: in `db::registry` (unit identity is code + first day) -----------------------------

pub use super::registry::{
    all_successions, all_units, insert_succession, insert_unit, org_stamp, succession,
    unit_by_code, unit_by_id, update_succession, update_unit,
};

// ---- authorities ---------------------------------------------------------------------------

pub fn authority_by_code(db: &mut Db<'_>, code: &str) -> R<Option<Authority>> {
    Ok(with_db!(db, c => authorities::table
        .filter(authorities::code.eq(code))
        .select(Authority::as_select())
        .first(c)
        .optional())?)
}

pub fn authority_by_id(db: &mut Db<'_>, id: i64) -> R<Option<Authority>> {
    Ok(
        with_db!(db, c => authorities::table.find(id).select(Authority::as_select()).first(c).optional())?,
    )
}

pub fn all_authorities(db: &mut Db<'_>) -> R<Vec<Authority>> {
    Ok(
        with_db!(db, c => authorities::table.order(authorities::id).select(Authority::as_select()).load(c))?,
    )
}

pub fn insert_authority(db: &mut Db<'_>, a: &NewAuthority) -> R<i64> {
    Ok(with_db!(db, c => diesel::insert_into(authorities::table)
        .values(a)
        .returning(authorities::id)
        .get_result(c))?)
}

pub fn update_authority(db: &mut Db<'_>, id: i64, a: &NewAuthority) -> R<()> {
    with_db!(db, c => diesel::update(authorities::table.find(id)).set(a).execute(c))?;
    Ok(())
}

// ---- documents -----------------------------------------------------------------------------

pub fn document(db: &mut Db<'_>, id: i64) -> R<Option<Document>> {
    Ok(
        with_db!(db, c => documents::table.find(id).select(Document::as_select()).first(c).optional())?,
    )
}

pub fn document_by_key(
    db: &mut Db<'_>,
    authority_id: i64,
    number_key: &str,
) -> R<Option<Document>> {
    Ok(with_db!(db, c => documents::table
        .filter(documents::authority_id.eq(authority_id))
        .filter(documents::number_key.eq(number_key))
        .select(Document::as_select())
        .first(c)
        .optional())?)
}

pub fn document_id_by_key(db: &mut Db<'_>, authority_id: i64, number_key: &str) -> R<Option<i64>> {
    Ok(with_db!(db, c => documents::table
        .filter(documents::authority_id.eq(authority_id))
        .filter(documents::number_key.eq(number_key))
        .select(documents::id)
        .first(c)
        .optional())?)
}

/// The documents with this number key, whatever their authority (numbers are unique per
/// authority only): (id, authority id), oldest first.
pub fn documents_by_number_key(db: &mut Db<'_>, number_key: &str) -> R<Vec<(i64, i64)>> {
    Ok(with_db!(db, c => documents::table
        .filter(documents::number_key.eq(number_key))
        .order(documents::id)
        .select((documents::id, documents::authority_id))
        .load(c))?)
}

/// The distinct field lists (lĩnh vực) of the documents, each read from its stored JSON list;
/// a list that is not one is [`super::stored::Corrupt`], named by the first document holding
/// it, never read as empty.
pub fn distinct_field_lists(db: &mut Db<'_>) -> R<Vec<Vec<String>>> {
    use super::stored::{At, JsonColumn};
    let stored: Vec<(Option<i64>, String)> = with_db!(db, c => documents::table
        .group_by(documents::fields)
        .select((diesel::dsl::min(documents::id), documents::fields))
        .load(c))?;
    stored
        .into_iter()
        .map(|(id, raw)| {
            let row = id.unwrap_or_default();
            JsonColumn::<Vec<String>>::stored(raw)
                .decode(At::new("documents", &row, "fields"))
                .map_err(DbError::from)
        })
        .collect()
}

pub fn insert_document(db: &mut Db<'_>, d: &NewDocument) -> R<i64> {
    Ok(with_db!(db, c => diesel::insert_into(documents::table)
        .values(d)
        .returning(documents::id)
        .get_result(c))?)
}

pub fn update_document(db: &mut Db<'_>, id: i64, d: &NewDocument) -> R<()> {
    with_db!(db, c => diesel::update(documents::table.find(id)).set(d).execute(c))?;
    Ok(())
}

/// Filters applied in SQL to the document list; status and text filters are applied by the
/// caller on the derived data.
#[derive(Debug, Clone, Default)]
pub struct DocumentFilter {
    pub doc_type: Option<String>,
    pub authority_ids: Option<Vec<i64>>,
    pub year: Option<i32>,
    /// Only numbers containing this text (as written).
    pub number_contains: Option<String>,
    /// Withdrawn documents too (left out of every listing otherwise; the addresses that
    /// answer 410 for them look them up).
    pub include_withdrawn: bool,
}

pub fn document_summaries(db: &mut Db<'_>, f: &DocumentFilter) -> R<Vec<DocumentSummary>> {
    Ok(with_db!(db, c => {
        let mut q = documents::table.select(DocumentSummary::as_select()).into_boxed();
        if let Some(t) = &f.doc_type {
            q = q.filter(documents::doc_type.eq(t.clone()));
        }
        if let Some(ids) = &f.authority_ids {
            q = q.filter(documents::authority_id.eq_any(ids.clone()));
        }
        if let Some(y) = f.year {
            let from = NaiveDate::from_ymd_opt(y, 1, 1).unwrap_or_default();
            let to = NaiveDate::from_ymd_opt(y, 12, 31).unwrap_or_default();
            q = q.filter(documents::issued_on.between(from, to));
        }
        if let Some(part) = &f.number_contains {
            let escaped = part.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
            q = q.filter(documents::number.like(format!("%{escaped}%")).escape('\\'));
        }
        if !f.include_withdrawn {
            q = q.filter(diesel::dsl::not(documents::id.eq_any(
                super::schema::withdrawals::table.select(super::schema::withdrawals::document_id),
            )));
        }
        q.order((documents::issued_on.desc(), documents::id.desc())).load(c)
    })?)
}

pub fn summaries_by_ids(db: &mut Db<'_>, ids: &[i64]) -> R<Vec<DocumentSummary>> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let part: Vec<DocumentSummary> = with_db!(db, c => documents::table
            .filter(documents::id.eq_any(chunk))
            .select(DocumentSummary::as_select())
            .load(c))?;
        out.extend(part);
    }
    Ok(out)
}

/// Calls `f` with every document, 500 at a time in id order (for export and indexing).
pub fn for_each_document_page<E: From<DbError>>(
    db: &mut Db<'_>,
    mut f: impl FnMut(&mut Db<'_>, Vec<Document>) -> Result<(), E>,
) -> Result<(), E> {
    let mut after = 0;
    loop {
        let page = documents_page(db, after, 500)?;
        let Some(last) = page.last() else {
            return Ok(());
        };
        after = last.id;
        f(db, page)?;
    }
}

/// Documents in id order, `limit` at a time after `after_id`.
pub fn documents_page(db: &mut Db<'_>, after_id: i64, limit: i64) -> R<Vec<Document>> {
    Ok(with_db!(db, c => documents::table
        .filter(documents::id.gt(after_id))
        .order(documents::id)
        .limit(limit)
        .select(Document::as_select())
        .load(c))?)
}

pub fn issue_years(db: &mut Db<'_>) -> R<Vec<i32>> {
    use chrono::Datelike;
    let dates: Vec<NaiveDate> =
        with_db!(db, c => documents::table.select(documents::issued_on).distinct().load(c))?;
    let mut years: Vec<i32> = dates.iter().map(|d| d.year()).collect();
    years.sort_unstable_by(|a, b| b.cmp(a));
    years.dedup();
    Ok(years)
}

pub fn document_types(db: &mut Db<'_>) -> R<Vec<String>> {
    Ok(
        with_db!(db, c => documents::table.select(documents::doc_type).distinct().order(documents::doc_type).load(c))?,
    )
}

pub fn count_documents(db: &mut Db<'_>) -> R<i64> {
    Ok(with_db!(db, c => documents::table.count().get_result(c))?)
}

/// (authority id, number of documents) for every authority that issued one.
pub fn documents_per_authority(db: &mut Db<'_>) -> R<Vec<(i64, i64)>> {
    Ok(with_db!(db, c => documents::table
        .group_by(documents::authority_id)
        .select((documents::authority_id, diesel::dsl::count_star()))
        .load(c))?)
}

// ---- provisions ----------------------------------------------------------------------------

pub fn provisions_of(db: &mut Db<'_>, document_id: i64) -> R<Vec<Provision>> {
    Ok(with_db!(db, c => provisions::table
        .filter(provisions::document_id.eq(document_id))
        .order(provisions::ordinal)
        .select(Provision::as_select())
        .load(c))?)
}

/// Provisions of several documents, each document's in order.
pub fn provisions_of_many(db: &mut Db<'_>, document_ids: &[i64]) -> R<Vec<Provision>> {
    let mut out = Vec::new();
    for chunk in document_ids.chunks(500) {
        let part: Vec<Provision> = with_db!(db, c => provisions::table
            .filter(provisions::document_id.eq_any(chunk))
            .order((provisions::document_id, provisions::ordinal))
            .select(Provision::as_select())
            .load(c))?;
        out.extend(part);
    }
    Ok(out)
}

pub fn provision_keys_of(db: &mut Db<'_>, document_id: i64) -> R<Vec<String>> {
    Ok(with_db!(db, c => provisions::table
        .filter(provisions::document_id.eq(document_id))
        .order(provisions::ordinal)
        .select(provisions::key)
        .load(c))?)
}

/// (document id, article key) of the articles (Điều) of the given documents.
pub fn article_keys(
    db: &mut Db<'_>,
    document_ids: &[i64],
) -> R<Vec<(i64, String, Option<String>)>> {
    let mut out = Vec::new();
    for chunk in document_ids.chunks(500) {
        let part: Vec<(i64, String, Option<String>)> = with_db!(db, c => provisions::table
            .filter(provisions::document_id.eq_any(chunk))
            .filter(provisions::kind.eq("dieu"))
            .order((provisions::document_id, provisions::ordinal))
            .select((provisions::document_id, provisions::key, provisions::parent_key))
            .load(c))?;
        out.extend(part);
    }
    Ok(out)
}

pub fn replace_provisions(db: &mut Db<'_>, document_id: i64, rows: &[NewProvision]) -> R<()> {
    with_db!(db, c => diesel::delete(provisions::table.filter(provisions::document_id.eq(document_id))).execute(c))?;
    insert_provisions(db, rows)
}

pub fn insert_provisions(db: &mut Db<'_>, rows: &[NewProvision]) -> R<()> {
    match db {
        // In-process: fixed-size batches keep a static query shape, so SQLite reuses one
        // prepared statement instead of preparing a new multi-row statement per document.
        Db::Sqlite(c) => {
            let mut rest = rows;
            while rest.len() >= 16 {
                let (head, tail) = rest.split_at(16);
                if let Ok(batch) = <&[NewProvision; 16]>::try_from(head) {
                    diesel::insert_into(provisions::table)
                        .values(batch)
                        .execute(&mut **c)?;
                }
                rest = tail;
            }
            while rest.len() >= 4 {
                let (head, tail) = rest.split_at(4);
                if let Ok(batch) = <&[NewProvision; 4]>::try_from(head) {
                    diesel::insert_into(provisions::table)
                        .values(batch)
                        .execute(&mut **c)?;
                }
                rest = tail;
            }
            for row in rest {
                diesel::insert_into(provisions::table)
                    .values(row)
                    .execute(&mut **c)?;
            }
        }
        // Over the network: few round trips; 1,000 rows stay under the bind-parameter limit.
        Db::Pg(c) => {
            for chunk in rows.chunks(1000) {
                diesel::insert_into(provisions::table)
                    .values(chunk)
                    .execute(&mut **c)?;
            }
        }
    }
    Ok(())
}

// ---- effects -------------------------------------------------------------------------------

pub fn effects_on(db: &mut Db<'_>, target_id: i64) -> R<Vec<Effect>> {
    Ok(with_db!(db, c => effects::table
        .filter(effects::target_id.eq(target_id))
        .order((effects::effective_on, effects::id))
        .select(Effect::as_select())
        .load(c))?)
}

pub fn effects_by(db: &mut Db<'_>, acting_id: i64) -> R<Vec<Effect>> {
    Ok(with_db!(db, c => effects::table
        .filter(effects::acting_id.eq(acting_id))
        .order((effects::effective_on, effects::id))
        .select(Effect::as_select())
        .load(c))?)
}

/// The effects on any of the documents `targets`, by date then id.
pub fn effects_on_any(db: &mut Db<'_>, targets: &[i64]) -> R<Vec<Effect>> {
    let mut out = Vec::new();
    for chunk in targets.chunks(500) {
        let part: Vec<Effect> = with_db!(db, c => effects::table
            .filter(effects::target_id.eq_any(chunk))
            .order((effects::effective_on, effects::id))
            .select(Effect::as_select())
            .load(c))?;
        out.extend(part);
    }
    Ok(out)
}

/// The effects made by any of the documents `acting`, by date then id.
pub fn effects_by_any(db: &mut Db<'_>, acting: &[i64]) -> R<Vec<Effect>> {
    let mut out = Vec::new();
    for chunk in acting.chunks(500) {
        let part: Vec<Effect> = with_db!(db, c => effects::table
            .filter(effects::acting_id.eq_any(chunk))
            .order((effects::effective_on, effects::id))
            .select(Effect::as_select())
            .load(c))?;
        out.extend(part);
    }
    Ok(out)
}

pub fn all_effects(db: &mut Db<'_>) -> R<Vec<Effect>> {
    Ok(with_db!(db, c => effects::table.order(effects::id).select(Effect::as_select()).load(c))?)
}

pub fn find_effect(
    db: &mut Db<'_>,
    acting_id: i64,
    target_id: i64,
    kind: &str,
    provisions_json: &str,
    effective_on: NaiveDate,
) -> R<Option<Effect>> {
    Ok(with_db!(db, c => effects::table
        .filter(effects::acting_id.eq(acting_id))
        .filter(effects::target_id.eq(target_id))
        .filter(effects::kind.eq(kind))
        .filter(effects::provisions.eq(provisions_json))
        .filter(effects::effective_on.eq(effective_on))
        .select(Effect::as_select())
        .first(c)
        .optional())?)
}

pub fn insert_effect(db: &mut Db<'_>, e: &NewEffect) -> R<i64> {
    Ok(
        with_db!(db, c => diesel::insert_into(effects::table).values(e).returning(effects::id).get_result(c))?,
    )
}

pub fn update_effect(db: &mut Db<'_>, id: i64, e: &NewEffect) -> R<()> {
    with_db!(db, c => diesel::update(effects::table.find(id)).set(e).execute(c))?;
    Ok(())
}

// ---- outbox --------------------------------------------------------------------------------

/// Appends an outbox row in the caller's transaction.
pub fn append_outbox(db: &mut Db<'_>, entity: &str, entity_id: i64) -> R<()> {
    with_db!(db, c => diesel::insert_into(outbox::table)
        .values((outbox::entity.eq(entity), outbox::entity_id.eq(entity_id)))
        .execute(c))?;
    Ok(())
}

/// Outbox rows after `after`, oldest first: (id, entity, entity id).
pub fn outbox_after(db: &mut Db<'_>, after: i64, limit: i64) -> R<Vec<(i64, String, i64)>> {
    Ok(with_db!(db, c => outbox::table
        .filter(outbox::id.gt(after))
        .order(outbox::id)
        .limit(limit)
        .select((outbox::id, outbox::entity, outbox::entity_id))
        .load(c))?)
}

/// PostgreSQL: the database server's clock, as text; SQLite: `None` (one writer at a time
/// commits its outbox ids in order, so a gap there is never filled later).
pub fn outbox_gap_clock(db: &mut Db<'_>) -> R<Option<String>> {
    #[derive(diesel::QueryableByName)]
    struct Clock {
        #[diesel(sql_type = diesel::sql_types::Text)]
        now: String,
    }
    match db {
        Db::Sqlite(_) => Ok(None),
        Db::Pg(c) => {
            let r: Clock =
                diesel::sql_query("SELECT clock_timestamp()::text AS now").get_result(&mut **c)?;
            Ok(Some(r.now))
        }
    }
}

/// PostgreSQL: whether a transaction begun at or before `clock` (from `outbox_gap_clock`) is
/// still open in this database, besides this connection's (client sessions only: autovacuum
/// writes no outbox row). A transaction that took an outbox
/// id had begun before a larger id was seen committed; once none of those is open, an id
/// still missing was rolled back and never comes.
pub fn transactions_open_since(db: &mut Db<'_>, clock: &str) -> R<bool> {
    #[derive(diesel::QueryableByName)]
    struct Open {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    match db {
        Db::Sqlite(_) => Ok(false),
        Db::Pg(c) => {
            let r: Open = diesel::sql_query(
                "SELECT count(*) AS n FROM pg_stat_activity \
                 WHERE datname = current_database() AND pid <> pg_backend_pid() \
                 AND backend_type = 'client backend' AND xact_start <= $1::timestamptz",
            )
            .bind::<diesel::sql_types::Text, _>(clock)
            .get_result(&mut **c)?;
            Ok(r.n > 0)
        }
    }
}

/// The oldest retained outbox id (0 when empty).
pub fn outbox_min(db: &mut Db<'_>) -> R<i64> {
    let m: Option<i64> =
        with_db!(db, c => outbox::table.select(diesel::dsl::min(outbox::id)).first(c))?;
    Ok(m.unwrap_or(0))
}

/// Deletes outbox rows written before `cutoff`, always keeping the newest row so that an
/// instance can tell whether it fell behind what is retained. Returns how many went.
pub fn prune_outbox(db: &mut Db<'_>, cutoff: chrono::NaiveDateTime) -> R<usize> {
    let newest = outbox_max(db)?;
    Ok(with_db!(db, c => diesel::delete(
        outbox::table.filter(outbox::created_at.lt(cutoff)).filter(outbox::id.lt(newest))
    )
    .execute(c))?)
}

pub fn outbox_max(db: &mut Db<'_>) -> R<i64> {
    let m: Option<i64> =
        with_db!(db, c => outbox::table.select(diesel::dsl::max(outbox::id)).first(c))?;
    Ok(m.unwrap_or(0))
}

/// Documents that detail or implement any of `targets`.
pub fn implementing_many(db: &mut Db<'_>, targets: &[i64]) -> R<Vec<i64>> {
    let mut out = Vec::new();
    for chunk in targets.chunks(500) {
        let part: Vec<i64> = with_db!(db, c => effects::table
            .filter(effects::target_id.eq_any(chunk))
            .filter(effects::kind.eq("implements"))
            .select(effects::acting_id)
            .load(c))?;
        out.extend(part);
    }
    Ok(out)
}

pub fn document_ids_of_authority(db: &mut Db<'_>, authority: i64) -> R<Vec<i64>> {
    Ok(with_db!(db, c => documents::table
        .filter(documents::authority_id.eq(authority))
        .select(documents::id)
        .load(c))?)
}

pub fn documents_by_ids(db: &mut Db<'_>, ids: &[i64]) -> R<Vec<Document>> {
    let mut out = Vec::new();
    for chunk in ids.chunks(500) {
        let part: Vec<Document> = with_db!(db, c => documents::table
            .filter(documents::id.eq_any(chunk))
            .select(Document::as_select())
            .load(c))?;
        out.extend(part);
    }
    Ok(out)
}
