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
    let orgs = state.org_cache.clone();
    let pool = state.pool.clone();
    actix_web::web::block(move || {
        let org = orgs.get(&pool)?;
        Ok(unit_labels::units_matching(&org, &query, today, None))
    })
    .await?
}

/// The notice of the unit a page address names (`32167@2025-06-30`), read on `date`: `None`
/// while the unit exists, or when no unit has that reference (the page says 404 itself).
pub async fn unit_notice(
    state: &AppState,
    reference: String,
    date: chrono::NaiveDate,
) -> Result<Option<unit_labels::SuccessionNotice>, AppError> {
    let orgs = state.org_cache.clone();
    let pool = state.pool.clone();
    actix_web::web::block(move || {
        let org = orgs.get(&pool)?;
        let reference = crate::domain::text::nfc(reference.trim());
        Ok(org
            .unit_by_code(&reference)
            .and_then(|u| unit_labels::notice(&org, u, date)))
    })
    .await?
}
