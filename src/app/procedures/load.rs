//! The loaders the handlers call: the catalogue page, one procedure with its versions, and a
//! unit's listing — each off the async workers, over the cached catalogue.

use std::collections::HashSet;
use std::sync::Arc;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::catalogue::{Catalogue, Entry, UnitInfo, UnitListing};
use super::filters::{
    check_field, paginate, parse_filters, select, Filters, ListingPage, ListingQuery,
};
use super::views::{Row, VersionView};
use crate::app::{bad_param, number_param, parse_date, AppState};
use crate::db::procedures::{self as pq, Posting};
use crate::db::Db;
use crate::domain::procedure::ProcedureCode;
use crate::domain::text::{date_vn, fold};
use crate::error::AppError;
use crate::registry::org::Org;

/// Runs `f` with a connection, today's (or the asked date's) catalogue and its version.
async fn with_catalogue<T, F>(state: &AppState, date: NaiveDate, f: F) -> Result<T, AppError>
where
    T: Send + 'static,
    F: FnOnce(&mut Db<'_>, &AppState, i64, Arc<Catalogue>) -> Result<T, AppError> + Send + 'static,
{
    let state = state.clone();
    actix_web::web::block(move || {
        let mut conn = state.pool.get()?;
        let mut db = conn.db();
        let (version, catalogue) =
            state
                .procedure_listings
                .catalogue(&mut db, &state.statuses, date)?;
        f(&mut db, &state, version, catalogue)
    })
    .await?
}

/// A unit's listing as a page or an export asks for it.
pub struct UnitData {
    /// The outbox id the listing reflects (the key of kept pages).
    pub version: i64,
    pub listing: Arc<UnitListing>,
    /// The fields of the unit's listing, in its order.
    pub fields: Vec<String>,
    pub filters: Filters,
    pub page: ListingPage,
    /// Every selected row (for exports and the sheet).
    pub all: Vec<Row>,
}

pub async fn load_unit(
    state: &AppState,
    code: String,
    q: &ListingQuery,
) -> Result<UnitData, AppError> {
    let date = parse_date(q.date.as_deref())?;
    let mut filters = parse_filters(q)?;
    with_catalogue(state, date, move |db, state, version, catalogue| {
        check_field(&mut filters, &catalogue)?;
        let org = state.org_cache.get(&state.pool)?;
        let code = crate::domain::text::nfc(code.trim());
        let unit = org.unit_by_code(&code).ok_or_else(|| {
            AppError::NotFound(format!("Không có đơn vị hành chính mã «{code}»."))
        })?;
        let listing = state
            .procedure_listings
            .unit(db, &org, version, &catalogue, unit)?;
        let selected = select(state, listing.rows.iter(), &filters, &catalogue)?;
        let all: Vec<Row> = selected.iter().map(|r| (*r).clone()).collect();
        let page = paginate(selected, &filters, date);
        let mut fields: Vec<String> = Vec::new();
        for r in &listing.rows {
            if !fields.contains(&r.field) {
                fields.push(r.field.clone());
            }
        }
        Ok(UnitData {
            version,
            listing,
            fields,
            filters,
            page,
            all,
        })
    })
    .await
}

pub async fn load_catalogue(
    state: &AppState,
    q: &ListingQuery,
) -> Result<(i64, ListingPage, Vec<String>), AppError> {
    let date = parse_date(q.date.as_deref())?;
    let mut filters = parse_filters(q)?;
    with_catalogue(state, date, move |_, state, version, catalogue| {
        check_field(&mut filters, &catalogue)?;
        let rows: Vec<Row> = catalogue
            .entries
            .iter()
            .filter_map(|e| e.newest().map(Row::of))
            .collect();
        let mut sorted: Vec<&Row> = rows.iter().collect();
        sorted.sort_by(|a, b| {
            fold(&a.field)
                .to_lowercase()
                .cmp(&fold(&b.field).to_lowercase())
                .then_with(|| a.code.cmp(&b.code))
        });
        let selected = select(state, sorted.into_iter(), &filters, &catalogue)?;
        Ok((
            version,
            paginate(selected, &filters, date),
            catalogue.fields.clone(),
        ))
    })
    .await
}

/// One procedure: the version asked (default the newest), every version, where it is posted,
/// and the forms (mẫu đơn, tờ khai) of the version asked as files to download.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ProcedurePage {
    pub code: String,
    pub date: NaiveDate,
    pub version: VersionView,
    pub is_newest: bool,
    pub versions: Vec<VersionView>,
    pub posted_at: Vec<PostedAt>,
    /// The forms (mẫu đơn, tờ khai) of the version shown, as files to download.
    pub forms: Vec<crate::app::procedure_forms::FormView>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PostedAt {
    pub unit_code: String,
    /// How page links name the unit where its code was reused (`32152@2025-07-01`); absent
    /// where the code names it alone.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(ignore)]
    pub unit_ref: Option<String>,
    pub unit_name: String,
    pub decision_number: String,
    pub from_on: String,
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DetailQuery {
    /// Mã số phiên bản (mặc định: phiên bản mới nhất).
    #[serde(default)]
    #[param(value_type = Option<i64>)]
    pub version: Option<String>,
    /// Ngày xét tình trạng căn cứ pháp lý, `yyyy-mm-dd` (mặc định: hôm nay).
    #[serde(default)]
    #[param(value_type = Option<String>, format = Date)]
    pub date: Option<String>,
}

pub async fn load_detail(
    state: &AppState,
    code: String,
    q: &DetailQuery,
) -> Result<ProcedurePage, AppError> {
    let date = parse_date(q.date.as_deref())?;
    let wanted: Option<i64> = number_param("version", &q.version)?;
    let code = code.trim().to_string();
    let unknown = {
        let code = code.clone();
        move || AppError::NotFound(format!("Không có thủ tục hành chính mã «{code}»."))
    };
    if ProcedureCode::parse(&code).is_err() {
        return Err(unknown());
    }
    with_catalogue(state, date, move |db, state, _, catalogue| {
        let entry = catalogue.entry(&code).ok_or_else(&unknown)?;
        let version = match wanted {
            None => entry.newest().ok_or_else(&unknown)?,
            Some(id) => entry.versions.iter().find(|v| v.id == id).ok_or_else(|| {
                bad_param(
                    "version",
                    format!("thủ tục {code} không có phiên bản mã số {id}."),
                )
            })?,
        };
        let org = state.org_cache.get(&state.pool)?;
        let posted_at = posted_at(db, &org, &catalogue, entry, date)?;
        let mut versions: Vec<VersionView> = entry.versions.clone();
        versions.reverse();
        let forms = crate::app::procedure_forms::forms_of(db, &entry.code, version.id)?;
        Ok(ProcedurePage {
            forms,
            code: entry.code.clone(),
            date,
            is_newest: entry.newest().is_some_and(|n| n.id == version.id),
            version: version.clone(),
            versions,
            posted_at,
        })
    })
    .await
}

/// The JSON of a unit's listing (API and export).
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = UnitProcedureListing)]
pub struct UnitListingJson<'a> {
    pub unit: &'a UnitInfo,
    #[serde(flatten)]
    pub page: &'a ListingPage,
}

/// The units where a procedure is posted on `date` (any version), by unit code.
fn posted_at(
    db: &mut Db<'_>,
    org: &Org,
    catalogue: &Catalogue,
    entry: &Entry,
    date: NaiveDate,
) -> Result<Vec<PostedAt>, AppError> {
    let rows = pq::postings_of_procedure(db, entry.procedure_id, date)?;
    let mut seen = HashSet::new();
    let mut rows: Vec<&Posting> = rows.iter().filter(|p| p.active_on(date)).collect();
    rows.sort_by_key(|p| (p.unit_id, p.from_on));
    let mut out = Vec::new();
    for p in rows {
        let Some(u) = org.units.get(&p.unit_id) else {
            continue;
        };
        if !seen.insert(u.id) {
            continue;
        }
        let reference = org.unit_reference(u);
        out.push(PostedAt {
            unit_ref: (reference != u.code).then_some(reference),
            unit_code: u.code.clone(),
            unit_name: u.name.clone(),
            decision_number: catalogue
                .version(p.version_id)
                .map(|(_, v, _)| v.decision.number.clone())
                .unwrap_or_default(),
            from_on: date_vn(p.from_on),
        });
    }
    out.sort_by(|a, b| a.unit_code.cmp(&b.unit_code));
    Ok(out)
}
