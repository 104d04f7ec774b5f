//! The parameters of a listing (catalogue or unit), their checks (a bad one is a 400 naming
//! it), the selection of rows (filters and search) and one page of the result.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::catalogue::Catalogue;
use super::views::Row;
use crate::app::{bad_param, number_param, opt, AppState};
use crate::domain::kinds::UnitLevel;
use crate::domain::procedure::{Channel, OnlineLevel, ProcedureCode};
use crate::domain::text::fold;
use crate::error::AppError;

/// Rows per page by default, and at most.
pub const PER_PAGE: usize = 50;
pub const MAX_PER_PAGE: usize = 200;
pub const MAX_QUERY_CHARS: usize = 1000;

#[derive(Debug, Default, Clone, Deserialize, Serialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListingQuery {
    /// Từ khóa trong tên thủ tục, có hoặc không dấu.
    #[serde(default)]
    pub q: Option<String>,
    /// Lĩnh vực.
    #[serde(default)]
    pub field: Option<String>,
    /// Cấp thực hiện: `tinh`, `huyen`, `xa`.
    #[serde(default)]
    pub level: Option<String>,
    /// Mức độ dịch vụ công trực tuyến.
    #[serde(default)]
    pub online: Option<String>,
    /// Cách thức thực hiện (trực tiếp, bưu chính, trực tuyến).
    #[serde(default)]
    pub channel: Option<String>,
    /// Ngày, `yyyy-mm-dd` (mặc định: hôm nay).
    #[serde(default)]
    #[param(value_type = Option<String>, format = Date)]
    pub date: Option<String>,
    /// Số trang, từ 1 đến 10.000.
    #[serde(default)]
    #[param(value_type = Option<i64>)]
    pub page: Option<String>,
    /// Số dòng mỗi trang.
    #[serde(default)]
    #[param(value_type = Option<i64>)]
    pub per_page: Option<String>,
    /// Pages only (`csv`, `xlsx`): the API answers JSON and refuses it.
    #[serde(default)]
    #[param(ignore)]
    pub format: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Filters {
    pub q: Option<String>,
    pub field: Option<String>,
    pub level: Option<UnitLevel>,
    pub online: Option<OnlineLevel>,
    pub channel: Option<Channel>,
    pub page: usize,
    pub per_page: usize,
}

/// Checks the parameters that do not need the catalogue; a bad one is a 400 naming it.
pub fn parse_filters(q: &ListingQuery) -> Result<Filters, AppError> {
    let text = opt(&q.q).map(crate::domain::text::nfc);
    if text
        .as_ref()
        .is_some_and(|t| t.chars().count() > MAX_QUERY_CHARS)
    {
        return Err(bad_param(
            "q",
            format!("câu tìm kiếm dài quá {MAX_QUERY_CHARS} ký tự."),
        ));
    }
    let level =
        match opt(&q.level) {
            None => None,
            Some(l) => Some(UnitLevel::parse(l).ok_or_else(|| {
                bad_param("level", format!("«{l}» không hợp lệ (tinh, huyen, xa)."))
            })?),
        };
    let online = match opt(&q.online) {
        None => None,
        Some(o) => Some(OnlineLevel::parse(o).map_err(|_| {
            bad_param(
                "online",
                format!("«{o}» không hợp lệ (full, partial, none; 1, 2, 3, 4 trước 01/8/2022)."),
            )
        })?),
    };
    let channel = match opt(&q.channel) {
        None => None,
        Some(c) => Some(Channel::parse(c).ok_or_else(|| {
            bad_param(
                "channel",
                format!("«{c}» không hợp lệ (in_person, post, online)."),
            )
        })?),
    };
    let page: usize = number_param("page", &q.page)?.unwrap_or(1);
    if page == 0 || page > 10_000 {
        return Err(bad_param("page", "phải từ 1 đến 10000.".into()));
    }
    let per_page: usize = number_param("per_page", &q.per_page)?.unwrap_or(PER_PAGE);
    if per_page == 0 || per_page > MAX_PER_PAGE {
        return Err(bad_param(
            "per_page",
            format!("phải từ 1 đến {MAX_PER_PAGE}."),
        ));
    }
    Ok(Filters {
        q: text,
        field: opt(&q.field).map(String::from),
        level,
        online,
        channel,
        page,
        per_page,
    })
}

/// The field filter as written in the catalogue; an unknown field is a 400.
pub fn check_field(f: &mut Filters, catalogue: &Catalogue) -> Result<(), AppError> {
    if let Some(typed) = f.field.clone() {
        if typed.chars().count() > 200 {
            return Err(bad_param("field", "dài quá 200 ký tự.".into()));
        }
        let Some(known) = catalogue.field(&typed) else {
            return Err(bad_param(
                "field",
                format!(
                    "lĩnh vực «{typed}» không có (các lĩnh vực: {}).",
                    catalogue.fields.join(", ")
                ),
            ));
        };
        f.field = Some(known.to_string());
    }
    Ok(())
}

pub fn format_of(q: &ListingQuery, allowed: &[&str]) -> Result<String, AppError> {
    let f = opt(&q.format).unwrap_or("html");
    if allowed.contains(&f) {
        Ok(f.to_string())
    } else {
        Err(bad_param(
            "format",
            format!("«{f}» không hợp lệ ({}).", allowed.join(", ")),
        ))
    }
}

pub fn online_matches(wanted: OnlineLevel, have: Option<OnlineLevel>) -> bool {
    let Some(have) = have else {
        return false;
    };
    match wanted {
        // A legacy level asks for that level; today's names include their legacy equivalents.
        OnlineLevel::Legacy(_) => have == wanted,
        other => have.modern() == other,
    }
}

/// The codes the search index ranks for `q`, best first (procedure scope). Without a search
/// service the names are matched as text.
pub fn ranked_codes(
    state: &AppState,
    q: &str,
    catalogue: &Catalogue,
) -> Result<Option<Vec<String>>, AppError> {
    let Some(service) = state.search.as_ref() else {
        return Ok(None);
    };
    let mut p = crate::search::query::Params::new(q, crate::search::query::Scope::Procedures);
    p.limit = catalogue
        .entries
        .len()
        .clamp(1, crate::search::query::TOTAL_CAP);
    let results = state
        .search_cache
        .search(&service.searcher(), &service.fields, &p)
        .map_err(|e| AppError::internal("tìm kiếm", e))?;
    Ok(Some(
        results.hits.iter().map(|h| h.number.clone()).collect(),
    ))
}

/// Applies the filters (and the search) to rows; search results keep their rank.
pub fn select<'a>(
    state: &AppState,
    rows: impl Iterator<Item = &'a Row>,
    f: &Filters,
    catalogue: &Catalogue,
) -> Result<Vec<&'a Row>, AppError> {
    let kept = rows.filter(|r| {
        f.field.as_ref().is_none_or(|x| &r.field == x)
            && f.level
                .is_none_or(|l| r.levels.iter().any(|x| x.code == l.code()))
            && f.channel
                .is_none_or(|c| r.channels.iter().any(|x| x.code == c.code()))
            && f.online.is_none_or(|o| online_matches(o, r.online))
    });
    let Some(q) = f.q.as_deref() else {
        return Ok(kept.collect());
    };
    // A procedure code finds that procedure.
    if let Some(code) = ProcedureCode::typed(q) {
        return Ok(kept.filter(|r| r.code == code.as_str()).collect());
    }
    match ranked_codes(state, q, catalogue)? {
        Some(codes) => {
            let rank: HashMap<&str, usize> = codes
                .iter()
                .enumerate()
                .map(|(i, c)| (c.as_str(), i))
                .collect();
            let mut v: Vec<(usize, &Row)> = kept
                .filter_map(|r| rank.get(r.code.as_str()).map(|i| (*i, r)))
                .collect();
            v.sort_by_key(|(i, _)| *i);
            Ok(v.into_iter().map(|(_, r)| r).collect())
        }
        None => {
            let needle = fold(q).to_lowercase();
            Ok(kept.filter(|r| r.folded_name.contains(&needle)).collect())
        }
    }
}

/// One page of a listing.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = ProcedureListing)]
pub struct ListingPage {
    pub date: NaiveDate,
    pub total: usize,
    pub page: usize,
    pub per_page: usize,
    pub pages: usize,
    pub items: Vec<Row>,
}

pub fn paginate(rows: Vec<&Row>, f: &Filters, date: NaiveDate) -> ListingPage {
    let total = rows.len();
    let pages = total.div_ceil(f.per_page).max(1);
    let items = rows
        .into_iter()
        .skip((f.page - 1) * f.per_page)
        .take(f.per_page)
        .cloned()
        .collect();
    ListingPage {
        date,
        total,
        page: f.page,
        per_page: f.per_page,
        pages,
        items,
    }
}
