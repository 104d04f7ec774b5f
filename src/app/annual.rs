//! The yearly list of expired documents as the page and the API read it: the year checked,
//! the authority chosen, the rows split into whole and part.

use chrono::Datelike;
use serde::{Deserialize, Serialize};

use crate::app::{number_param, on_pool, AppState};
use crate::clock::today;
use crate::domain::review::Extent;
use crate::error::AppError;
use crate::registry::org::Org;
use crate::review::annual::{annual_list, AnnualRow};

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AnnualQuery {
    /// Mã số cơ quan ban hành (mặc định: mọi cơ quan).
    #[serde(default)]
    #[param(value_type = Option<i64>)]
    pub authority: Option<String>,
    /// Pages only (`csv`, `xlsx`); the API answers JSON.
    #[serde(default)]
    #[param(ignore)]
    pub format: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AnnualList {
    pub year: i32,
    pub authority: Option<i64>,
    pub authority_name: Option<String>,
    /// When the list was published (for the authority chosen, or for any).
    pub published_on: Option<String>,
    pub whole: Vec<AnnualRow>,
    pub part: Vec<AnnualRow>,
}

/// The year in the path: four digits, from 1945 to next year.
pub fn parse_year(s: &str) -> Result<i32, AppError> {
    let max = today().year() + 1;
    match s.parse::<i32>() {
        Ok(y) if s.len() == 4 && (1945..=max).contains(&y) => Ok(y),
        _ => Err(AppError::NotFound(format!(
            "Không có danh mục cho năm «{s}»: năm gồm bốn chữ số, từ 1945 đến {max}."
        ))),
    }
}

pub async fn load(
    state: &AppState,
    year: &str,
    q: &AnnualQuery,
) -> Result<(AnnualList, std::sync::Arc<Org>), AppError> {
    let year = parse_year(year)?;
    let authority: Option<i64> = number_param("authority", &q.authority)?;
    let graphs = state.statuses.clone();
    let (rows, org, published) = on_pool(state, move |db| {
        let org = Org::load(db)?;
        if let Some(a) = authority {
            if !org.authorities.contains_key(&a) {
                return Err(crate::app::bad_param(
                    "authority",
                    "không có cơ quan ban hành này.".into(),
                ));
            }
        }
        let ids = authority.map(|a| org.authority_with_predecessors(a));
        let published = match authority {
            Some(a) => crate::review::annual::published_on(db, year, a)?
                .map(|t| crate::domain::text::date_vn(crate::domain::text::date_in_vietnam(t))),
            None => crate::review::annual::any_published(db, year)?.then(String::new),
        };
        let graph = graphs.graph(db)?;
        Ok((
            annual_list(db, &graph, year, ids.as_deref())?,
            org,
            published,
        ))
    })
    .await?;
    let (whole, part) = rows.into_iter().partition(|r| r.extent == Extent::Whole);
    Ok((
        AnnualList {
            year,
            authority,
            published_on: published,
            authority_name: authority
                .and_then(|a| org.authorities.get(&a))
                .map(|a| a.name.clone()),
            whole,
            part,
        },
        org,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_are_four_digits_in_range() {
        assert_eq!(parse_year("2025").ok(), Some(2025));
        for bad in ["25", "02025", "1900", "abcd", "9999", "-2025"] {
            assert!(parse_year(bad).is_err(), "{bad}");
        }
    }
}
