//! Units by name for the pages and, later, the header search: [`units_matching`] finds the
//! units whose present or former names contain a query (README, "Administrative units").

use crate::app::AppState;
use crate::error::AppError;
use crate::registry::unit_labels::{self, UnitMatch};

/// The units whose name, or a name of a unit they took over, contains `query` (diacritics and
/// case ignored; at most `unit_labels::MAX_QUERY_CHARS` characters read): current units first,
/// each with its label and the former name that matched.
pub async fn units_matching(state: &AppState, query: &str) -> Result<Vec<UnitMatch>, AppError> {
    let today = state.today();
    let query = query.to_string();
    with_org(state, move |org| {
        unit_labels::units_matching(org, &query, today, None)
    })
    .await
}

/// `f` run on the organisation (from the cache, reloaded when stale) off the async workers.
async fn with_org<T: Send + 'static>(
    state: &AppState,
    f: impl FnOnce(&crate::registry::org::Org) -> T + Send + 'static,
) -> Result<T, AppError> {
    let orgs = state.org_cache.clone();
    let pool = state.pool.clone();
    actix_web::web::block(move || Ok(f(&*orgs.get(&pool)?))).await?
}

/// The notice of the unit a page address names (`32167@2025-06-30`), read on `date`: `None`
/// while the unit exists, or when no unit has that reference (the page says 404 itself).
pub async fn unit_notice(
    state: &AppState,
    reference: String,
    date: chrono::NaiveDate,
) -> Result<Option<unit_labels::SuccessionNotice>, AppError> {
    with_org(state, move |org| {
        let reference = crate::domain::text::nfc(reference.trim());
        org.unit_by_code(&reference)
            .and_then(|u| unit_labels::notice(org, u, date))
    })
    .await
}

/// The notice of the unit `unit_id` read on `date` (pages that name a unit by its row, such
/// as the completeness check, the scorecard and the inspections): `None` while it exists.
pub async fn notice_of(
    state: &AppState,
    unit_id: i64,
    date: chrono::NaiveDate,
) -> Result<Option<unit_labels::SuccessionNotice>, AppError> {
    with_org(state, move |org| {
        org.units
            .get(&unit_id)
            .and_then(|u| unit_labels::notice(org, u, date))
    })
    .await
}

/// The unit lookup of the pickers and the home page (`/units/tim.json?q=`): a blank query and one
/// over `unit_labels::MAX_QUERY_CHARS` characters are refused (400, said in Vietnamese); the
/// units are those of `scope` (predecessors included), every unit when `None`.
pub async fn lookup(
    state: &AppState,
    query: &str,
    scope: Option<crate::auth::Scope>,
) -> Result<Vec<unit_labels::LookupMatch>, AppError> {
    let query = check_lookup_query(query)?;
    let today = state.today();
    with_org(state, move |org| {
        let units = scope.and_then(|s| s.expanded(|u| org.all_unit_predecessors(u)));
        unit_labels::lookup(org, &query, today, units.as_ref())
    })
    .await
}

/// The query of a lookup, trimmed and in NFC, or why it is refused.
pub fn check_lookup_query(query: &str) -> Result<String, AppError> {
    let q = crate::domain::text::nfc(query.trim());
    if q.chars().count() > unit_labels::MAX_QUERY_CHARS {
        return Err(AppError::BadRequest(format!(
            "Tên đơn vị quá dài: nhập tối đa {} ký tự.",
            unit_labels::MAX_QUERY_CHARS
        )));
    }
    if q.is_empty() {
        return Err(AppError::BadRequest(
            "Nhập tên (hoặc tên trước đây) của đơn vị hành chính cần tìm.".into(),
        ));
    }
    Ok(q)
}
