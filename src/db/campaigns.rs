//! Rows and queries of review campaigns (đợt rà soát), their frozen document lists and the
//! publication of the yearly list of expired documents. A campaign's `kind` is stored as a
//! code and its filters as JSON lists; the row holds them as stored and
//! `crate::review::campaigns` reads them through [`super::stored`], so that a value that does
//! not fit is an error, never a default.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::{
    annual_list_publications, campaign_documents, campaigns, documents, users, withdrawals,
};
use super::{Db, DbError};
use crate::with_db;

type R<T> = Result<T, DbError>;

/// A campaign as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = campaigns)]
pub struct CampaignRow {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub basis_document_id: Option<i64>,
    pub predecessor_unit_id: Option<i64>,
    pub authority_ids: String,
    pub doc_types: String,
    pub fields: String,
    pub issued_from: Option<NaiveDate>,
    pub issued_to: Option<NaiveDate>,
    pub deadline: NaiveDate,
    pub started_on: Option<NaiveDate>,
    pub created_by: i64,
    pub created_at: NaiveDateTime,
    pub version: i32,
}

/// A new campaign, as written (codes and JSON lists already encoded).
pub struct NewCampaign<'a> {
    pub name: &'a str,
    pub kind: &'a str,
    pub basis_document_id: Option<i64>,
    pub predecessor_unit_id: Option<i64>,
    pub authority_ids: &'a str,
    pub doc_types: &'a str,
    pub fields: &'a str,
    pub issued_from: Option<NaiveDate>,
    pub issued_to: Option<NaiveDate>,
    pub deadline: NaiveDate,
    pub created_by: i64,
    pub created_at: NaiveDateTime,
}

/// Writes a campaign (not started, version 1); its id.
pub fn insert_campaign(db: &mut Db<'_>, n: &NewCampaign<'_>) -> R<i64> {
    Ok(with_db!(db, c => diesel::insert_into(campaigns::table)
        .values((
            campaigns::name.eq(n.name),
            campaigns::kind.eq(n.kind),
            campaigns::basis_document_id.eq(n.basis_document_id),
            campaigns::predecessor_unit_id.eq(n.predecessor_unit_id),
            campaigns::authority_ids.eq(n.authority_ids),
            campaigns::doc_types.eq(n.doc_types),
            campaigns::fields.eq(n.fields),
            campaigns::issued_from.eq(n.issued_from),
            campaigns::issued_to.eq(n.issued_to),
            campaigns::deadline.eq(n.deadline),
            campaigns::created_by.eq(n.created_by),
            campaigns::created_at.eq(n.created_at),
            campaigns::version.eq(1),
        ))
        .returning(campaigns::id)
        .get_result(c))?)
}

pub fn campaign(db: &mut Db<'_>, id: i64) -> R<Option<CampaignRow>> {
    Ok(with_db!(db, c => campaigns::table
        .find(id)
        .select(CampaignRow::as_select())
        .first(c)
        .optional())?)
}

/// All campaigns, newest first.
pub fn campaigns(db: &mut Db<'_>) -> R<Vec<CampaignRow>> {
    Ok(with_db!(db, c => campaigns::table
        .order(campaigns::id.desc())
        .select(CampaignRow::as_select())
        .load(c))?)
}

/// Freezes a campaign's list: its documents are written and the campaign is marked started
/// on `on` (its version bumped).
pub fn freeze(db: &mut Db<'_>, id: i64, docs: &[i64], on: NaiveDate) -> R<()> {
    for chunk in docs.chunks(500) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|d| {
                (
                    campaign_documents::campaign_id.eq(id),
                    campaign_documents::document_id.eq(*d),
                )
            })
            .collect();
        with_db!(db, c => diesel::insert_into(campaign_documents::table).values(&rows).execute(c))?;
    }
    with_db!(db, c => diesel::update(campaigns::table.find(id))
        .set((campaigns::started_on.eq(Some(on)), campaigns::version.eq(campaigns::version + 1)))
        .execute(c))?;
    Ok(())
}

/// The frozen list of a campaign, by document id, less the documents withdrawn since.
pub fn campaign_documents(db: &mut Db<'_>, id: i64) -> R<Vec<i64>> {
    Ok(with_db!(db, c => campaign_documents::table
        .filter(campaign_documents::campaign_id.eq(id))
        // A document withdrawn since (entered in error) is no longer reviewed.
        .filter(diesel::dsl::not(campaign_documents::document_id.eq_any(withdrawals::table.select(withdrawals::document_id))))
        .order(campaign_documents::document_id)
        .select(campaign_documents::document_id)
        .load(c))?)
}

/// Whether `document` is in the frozen list of campaign `id`.
pub fn campaign_contains(db: &mut Db<'_>, id: i64, document: i64) -> R<bool> {
    let n: i64 = with_db!(db, c => campaign_documents::table
        .filter(campaign_documents::campaign_id.eq(id))
        .filter(campaign_documents::document_id.eq(document))
        .count()
        .get_result(c))?;
    Ok(n > 0)
}

/// Assigns `docs` of campaign `id` to `officer` (`None`: unassigned); rows changed.
pub fn assign(db: &mut Db<'_>, id: i64, docs: &[i64], officer: Option<i64>) -> R<usize> {
    Ok(with_db!(db, c => diesel::update(
        campaign_documents::table
            .filter(campaign_documents::campaign_id.eq(id))
            .filter(campaign_documents::document_id.eq_any(docs)),
    )
    .set(campaign_documents::officer_id.eq(officer))
    .execute(c))?)
}

/// The officer each document of the campaign is assigned to: (document, officer).
pub fn assignments(db: &mut Db<'_>, id: i64) -> R<Vec<(i64, Option<i64>)>> {
    Ok(with_db!(db, c => campaign_documents::table
        .filter(campaign_documents::campaign_id.eq(id))
        .select((campaign_documents::document_id, campaign_documents::officer_id))
        .load(c))?)
}

/// A user's role as stored (`None`: no such user).
pub fn user_role(db: &mut Db<'_>, id: i64) -> R<Option<String>> {
    Ok(with_db!(db, c => users::table
        .find(id)
        .select(users::role)
        .first(c)
        .optional())?)
}

/// The issuing authority of each of `docs`: (document, authority).
pub fn authorities_of_documents(db: &mut Db<'_>, docs: &[i64]) -> R<Vec<(i64, i64)>> {
    let mut rows: Vec<(i64, i64)> = Vec::new();
    for chunk in docs.chunks(500) {
        let part: Vec<(i64, i64)> = with_db!(db, c => documents::table
            .filter(documents::id.eq_any(chunk))
            .select((documents::id, documents::authority_id))
            .load(c))?;
        rows.extend(part);
    }
    Ok(rows)
}

/// What a campaign's filters read of a document.
#[derive(Debug, Clone, Queryable)]
pub struct ScopeRow {
    pub id: i64,
    pub authority_id: i64,
    pub doc_type: String,
    /// The fields as stored (a JSON list).
    pub fields: String,
    pub issued_on: NaiveDate,
}

/// Every document as a campaign's filters read it, by id.
pub fn scope_rows(db: &mut Db<'_>) -> R<Vec<ScopeRow>> {
    Ok(with_db!(db, c => documents::table
        .select((documents::id, documents::authority_id, documents::doc_type, documents::fields, documents::issued_on))
        .order(documents::id)
        .load(c))?)
}

/// Registry documents with a number, by number key.
pub fn documents_numbered(db: &mut Db<'_>, key: &str) -> R<Vec<i64>> {
    Ok(with_db!(db, c => documents::table
        .filter(documents::number_key.eq(key))
        .select(documents::id)
        .load(c))?)
}

/// When the yearly list for `year` was published for `authority`.
pub fn published_on(db: &mut Db<'_>, year: i32, authority: i64) -> R<Option<NaiveDateTime>> {
    use annual_list_publications as p;
    Ok(with_db!(db, c => p::table
        .filter(p::year.eq(year))
        .filter(p::authority_id.eq(authority))
        .select(p::published_at)
        .first(c)
        .optional())?)
}

/// Records the publication of the list for `year` for `authority` by user `by`.
pub fn insert_publication(
    db: &mut Db<'_>,
    year: i32,
    authority: i64,
    at: NaiveDateTime,
    by: i64,
) -> R<()> {
    use annual_list_publications as t;
    with_db!(db, c => diesel::insert_into(t::table)
        .values((
            t::year.eq(year),
            t::authority_id.eq(authority),
            t::published_at.eq(at),
            t::published_by.eq(by),
        ))
        .execute(c))?;
    Ok(())
}

/// Whether the list for `year` was published for any authority.
pub fn any_published(db: &mut Db<'_>, year: i32) -> R<bool> {
    use annual_list_publications as p;
    let n: i64 = with_db!(db, c => p::table.filter(p::year.eq(year)).count().get_result(c))?;
    Ok(n > 0)
}
