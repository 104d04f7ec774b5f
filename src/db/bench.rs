//! The SQL of the benchmarks (`crate::bench`, `crate::bench_listings`): rows written directly
//! where the rules are not what is measured (decisions, postings), the reads that pick what
//! to write, and PostgreSQL full-text search as the comparison for vanban's own search.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::pg::PgConnection;
use diesel::prelude::*;

use super::procedures::NewPosting;
use super::schema::{decisions, documents, postings, procedure_versions, procedures, units};
use super::{Db, DbError};
use crate::domain::kinds::UnitLevel;
use crate::domain::review::{DecisionKind, DecisionState};

/// The issue dates of the newest `limit` documents, newest first.
pub fn newest_issue_dates(db: &mut Db<'_>, limit: usize) -> Result<Vec<NaiveDate>, DbError> {
    Ok(crate::with_db!(db, c => documents::table
        .select(documents::issued_on)
        .order(documents::issued_on.desc())
        .limit(i64::try_from(limit).unwrap_or(i64::MAX))
        .load(c))?)
}

/// A decision written as it stands (proposed, or approved by `decided`), without the review
/// rules; the benchmark measures what reads them.
#[derive(Debug, Clone, Copy)]
pub struct BenchDecision {
    pub campaign_id: i64,
    pub document_id: i64,
    pub kind: DecisionKind,
    pub state: DecisionState,
    pub proposed_by: i64,
    pub proposed_at: NaiveDateTime,
    /// Who decided, and when.
    pub decided: Option<(i64, NaiveDateTime)>,
}

/// Writes the decisions in one statement (whole, no partial ones, no provisions).
pub fn insert_decisions(db: &mut Db<'_>, rows: &[BenchDecision]) -> Result<(), DbError> {
    let values: Vec<_> = rows
        .iter()
        .map(|r| {
            (
                decisions::campaign_id.eq(r.campaign_id),
                decisions::document_id.eq(r.document_id),
                decisions::kind.eq(r.kind.code()),
                decisions::partial.eq(false),
                decisions::provisions.eq("[]"),
                decisions::reason.eq("benchmark"),
                decisions::state.eq(r.state.code()),
                decisions::proposed_by.eq(r.proposed_by),
                decisions::proposed_at.eq(r.proposed_at),
                decisions::decided_by.eq(r.decided.map(|d| d.0)),
                decisions::decided_at.eq(r.decided.map(|d| d.1)),
                decisions::version.eq(1),
            )
        })
        .collect();
    crate::with_db!(db, c => diesel::insert_into(decisions::table).values(&values).execute(c))?;
    Ok(())
}

/// The units of a level, by code: their ids and codes.
pub fn units_of_level(db: &mut Db<'_>, level: UnitLevel) -> Result<Vec<(i64, String)>, DbError> {
    Ok(crate::with_db!(db, c => units::table
        .filter(units::level.eq(level.code()))
        .order(units::code)
        .select((units::id, units::code))
        .load(c))?)
}

/// A procedure version with what the benchmark needs of it.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct VersionKey {
    pub version_id: i64,
    pub procedure_id: i64,
    pub procedure_code: String,
    /// The number of the announcing decision.
    pub decision_number: String,
}

/// Every procedure version, in the order written.
pub fn version_keys(db: &mut Db<'_>) -> Result<Vec<VersionKey>, DbError> {
    Ok(crate::with_db!(db, c => procedure_versions::table
        .inner_join(procedures::table)
        .order(procedure_versions::id)
        .select((
            procedure_versions::id,
            procedures::id,
            procedures::code,
            procedure_versions::decision_number,
        ))
        .load(c))?)
}

/// Writes postings in batches of a thousand; call inside a write transaction.
pub fn insert_postings(db: &mut Db<'_>, rows: &[NewPosting]) -> Result<(), DbError> {
    for chunk in rows.chunks(1000) {
        crate::with_db!(db, c => diesel::insert_into(postings::table).values(chunk).execute(c))?;
    }
    Ok(())
}

/// PostgreSQL full-text search over the articles, as a PostgreSQL user would set it up.
pub struct PgFts(PgConnection);

impl PgFts {
    /// Connects and makes sure `unaccent` is there.
    pub fn connect(url: &str) -> Result<PgFts, DbError> {
        let mut c = PgConnection::establish(url).map_err(|source| DbError::Connect {
            url: String::new(),
            source,
        })?;
        diesel::sql_query("CREATE EXTENSION IF NOT EXISTS unaccent").execute(&mut c)?;
        Ok(PgFts(c))
    }

    /// (Re)builds the table of articles (heading, body and clauses, unaccented) and its GIN
    /// index.
    pub fn build(&mut self) -> Result<(), DbError> {
        let c = &mut self.0;
        diesel::sql_query("DROP TABLE IF EXISTS fts_articles").execute(c)?;
        diesel::sql_query(
            "CREATE TABLE fts_articles AS SELECT p.document_id, p.key, \
             to_tsvector('simple', unaccent(p.heading || ' ' || p.body || ' ' || coalesce((SELECT string_agg(c.body, ' ') FROM provisions c \
             WHERE c.document_id = p.document_id AND c.key LIKE p.key || '/%'), ''))) AS tsv \
             FROM provisions p WHERE p.kind = 'dieu'",
        )
        .execute(c)?;
        diesel::sql_query("CREATE INDEX fts_articles_tsv ON fts_articles USING GIN (tsv)")
            .execute(c)?;
        Ok(())
    }

    /// The top 20 articles for a `to_tsquery` expression, ranked by `ts_rank_cd`.
    pub fn top20(&mut self, tsquery: &str) -> Result<usize, DbError> {
        Ok(diesel::sql_query(
            "SELECT document_id FROM fts_articles, to_tsquery('simple', $1) q WHERE tsv @@ q ORDER BY ts_rank_cd(tsv, q) DESC LIMIT 20",
        )
        .bind::<diesel::sql_types::Text, _>(tsquery)
        .execute(&mut self.0)?)
    }
}
