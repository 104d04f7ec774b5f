//! The public listing of administrative procedures (thủ tục hành chính) as pages: the
//! catalogue (`/procedures`), one procedure with its versions (`/procedures/{code}`), what is
//! posted at a unit (`/units/{code}/procedures`, CSV / JSON / XLSX), and the printable posting
//! sheet of a unit and field (`/units/{code}/procedures/sheet`). The read model and its cache
//! are `app::procedures`; the JSON equivalents are in `api::procedures`.

mod export;

use actix_web::web::Bytes;
use actix_web::{web, HttpRequest, HttpResponse};

use super::{base_context, PageError};
use crate::app::procedures::filters::format_of;
use crate::app::procedures::{
    kept, load_catalogue, load_detail, load_unit, DetailQuery, Label, ListingPage, ListingQuery,
    Row, UnitData,
};
use crate::app::{bad_param, on_pool, opt, parse_date, AppState};
use crate::clock::today;
use crate::domain::kinds::UnitLevel;
use crate::domain::procedure::{Channel, OnlineLevel};
use crate::domain::text::date_vn;
use crate::error::AppError;

fn query_string(q: &ListingQuery, page: Option<usize>) -> String {
    let page = page.map(|p| p.to_string());
    let pairs: Vec<String> = [
        ("q", opt(&q.q)),
        ("field", opt(&q.field)),
        ("level", opt(&q.level)),
        ("online", opt(&q.online)),
        ("channel", opt(&q.channel)),
        ("date", opt(&q.date)),
        ("per_page", opt(&q.per_page)),
        ("page", page.as_deref()),
    ]
    .into_iter()
    .filter_map(|(k, v)| Some(format!("{k}={}", super::public::urlencode(v?))))
    .collect();
    pairs.join("&")
}

fn filter_context(ctx: &mut tera::Context, q: &ListingQuery, fields: &[String]) {
    ctx.insert(
        "filters",
        &serde_json::json!({
            "q": opt(&q.q).unwrap_or(""),
            "field": opt(&q.field).unwrap_or(""),
            "level": opt(&q.level).unwrap_or(""),
            "online": opt(&q.online).unwrap_or(""),
            "channel": opt(&q.channel).unwrap_or(""),
            "date": opt(&q.date).unwrap_or(""),
        }),
    );
    ctx.insert("fields", fields);
    ctx.insert(
        "levels",
        &UnitLevel::ALL
            .iter()
            .map(|l| Label::new(l.code(), l.label()))
            .collect::<Vec<_>>(),
    );
    ctx.insert(
        "online_levels",
        &[
            OnlineLevel::Full,
            OnlineLevel::Partial,
            OnlineLevel::None,
            OnlineLevel::Legacy(4),
            OnlineLevel::Legacy(3),
            OnlineLevel::Legacy(2),
            OnlineLevel::Legacy(1),
        ]
        .iter()
        .map(|l| Label::new(l.code(), l.label()))
        .collect::<Vec<_>>(),
    );
    ctx.insert(
        "channels",
        &Channel::ALL
            .iter()
            .map(|c| Label::new(c.code(), c.label()))
            .collect::<Vec<_>>(),
    );
}

fn page_context(ctx: &mut tera::Context, page: &ListingPage, base: &str, q: &ListingQuery) {
    ctx.insert("rows", &page.items);
    ctx.insert("total", &page.total);
    ctx.insert("page", &page.page);
    ctx.insert("pages", &page.pages);
    ctx.insert("date_display", &date_vn(page.date));
    let link = |p: usize| format!("{base}?{}", query_string(q, Some(p)));
    ctx.insert("prev_url", &(page.page > 1).then(|| link(page.page - 1)));
    ctx.insert(
        "next_url",
        &(page.page < page.pages).then(|| link(page.page + 1)),
    );
}

fn html(body: Bytes) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(body)
}

/// Renders a page; for an anonymous reader of today's listing, keeps it for the next ones.
fn render_kept(
    state: &AppState,
    key: Option<(i64, String)>,
    name: &str,
    ctx: &tera::Context,
) -> Result<HttpResponse, AppError> {
    let rendered = super::templates()?.render(
        name,
        &match crate::auth::viewer::current() {
            Some(v) => {
                let mut c = ctx.clone();
                c.insert("viewer", &*v);
                c
            }
            None => ctx.clone(),
        },
    )?;
    let body = Bytes::from(rendered);
    if let Some((version, key)) = key {
        state
            .procedure_listings
            .put_page(version, key, body.clone());
    }
    Ok(html(body))
}

/// The cache key of a page when it may be kept: anonymous reader, today's date.
fn keep_key(req: &HttpRequest, q: &ListingQuery) -> Option<String> {
    let anonymous = crate::auth::viewer::current().is_none();
    let dated = opt(&q.date).is_some_and(|d| parse_date(Some(d)).ok() != Some(today()));
    (anonymous && !dated).then(|| req.uri().to_string())
}

/// `/procedures`: the catalogue, searchable and filtered.
pub async fn catalogue(
    req: HttpRequest,
    state: web::Data<AppState>,
    q: web::Query<ListingQuery>,
) -> Result<HttpResponse, PageError> {
    let q = q.into_inner();
    let key = keep_key(&req, &q);
    if let Some(body) = kept(&state, key.as_deref()).await? {
        return Ok(html(body));
    }
    let (version, page, fields) = load_catalogue(&state, &q).await?;
    let mut ctx = base_context("procedures", "");
    filter_context(&mut ctx, &q, &fields);
    page_context(&mut ctx, &page, "/procedures", &q);
    let qs = query_string(&q, None);
    let api = format!(
        "/api/v1/procedures{}{qs}",
        if qs.is_empty() { "" } else { "?" }
    );
    ctx.insert("api_url", &api);
    Ok(render_kept(
        &state,
        key.map(|k| (version, k)),
        "procedures.html",
        &ctx,
    )?)
}

/// `/procedures/{code}?version=&date=&don_vi=`: the page's own parameters are the API's, and
/// the unit it is read for (`don_vi`, a unit reference, as the unit's listing links it).
#[derive(Debug, Default, serde::Deserialize)]
pub struct PageQuery {
    #[serde(default)]
    pub version: Option<String>,
    #[serde(default)]
    pub date: Option<String>,
    /// The unit whose reception office and feedback address the page shows.
    #[serde(default)]
    pub don_vi: Option<String>,
}

/// The national public service portal, where every procedure with an online service is found
/// by its code when its own address is not recorded.
pub const NATIONAL_PORTAL: &str = "https://dichvucong.gov.vn";

/// `/procedures/{code}`.
pub async fn detail(
    state: web::Data<AppState>,
    path: web::Path<String>,
    q: web::Query<PageQuery>,
    viewer: crate::auth::MaybeActor,
) -> Result<HttpResponse, PageError> {
    let q = q.into_inner();
    let unit = match opt(&q.don_vi) {
        None => None,
        Some(reference) => {
            let reference = reference.trim().to_string();
            let found = on_pool(&state, {
                let reference = reference.clone();
                move |db| {
                    Ok(
                        crate::db::registry::unit_by_reference(db, &reference)?.map(|u| {
                            let contact = crate::app::contacts::of_unit(db, &u);
                            (u.code, u.name, contact)
                        }),
                    )
                }
            })
            .await?;
            match found {
                Some((code, name, contact)) => Some((reference, code, name, contact?)),
                None => {
                    return Err(PageError(bad_param(
                        "don_vi",
                        format!("không có đơn vị hành chính mã «{reference}»."),
                    )))
                }
            }
        }
    };
    let detail_q = DetailQuery {
        version: q.version,
        date: q.date,
    };
    let page = load_detail(&state, path.into_inner(), &detail_q).await?;
    let mut ctx = base_context("procedures", "");
    ctx.insert("p", &page);
    ctx.insert("date_display", &date_vn(page.date));
    // «Nộp trực tuyến» where the version is online (toàn trình, một phần; levels 3–4 before
    // 2022) and still in force.
    let online = !page.version.abolished
        && page
            .version
            .online
            .is_some_and(crate::domain::procedure::OnlineLevel::level3_or_more);
    ctx.insert("online_submit", &online);
    ctx.insert("national_portal", NATIONAL_PORTAL);
    // «Thêm mẫu đơn» for those the add route lets in, on the current version only.
    let may_add_form = match viewer.0 {
        Some(who) if page.is_newest => {
            let code = page.code.clone();
            on_pool(&state, move |db| {
                crate::app::procedure_forms::may_add(db, &who, &code)
            })
            .await?
        }
        _ => false,
    };
    ctx.insert("may_add_form", &may_add_form);
    if let Some((reference, code, name, contact)) = unit {
        ctx.insert("unit_ref", &reference);
        ctx.insert("unit_name", &name);
        ctx.insert("contact_ref", &code);
        ctx.insert("contact", &contact);
    }
    Ok(super::render("procedure.html", &ctx)?)
}

/// `/units/{code}/procedures[?format=csv|xlsx|json]`.
pub async fn unit_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    q: web::Query<ListingQuery>,
) -> Result<HttpResponse, PageError> {
    let q = q.into_inner();
    let format = format_of(&q, &["html", "csv", "xlsx", "json"])?;
    let key = (format == "html").then(|| keep_key(&req, &q)).flatten();
    if let Some(body) = kept(&state, key.as_deref()).await? {
        return Ok(html(body));
    }
    // The unit as the address names it (`32152@2025-07-01` where the code was reused).
    let reference = path.into_inner();
    let mut data = load_unit(&state, reference.clone(), &q).await?;
    if let Some(file) = export::file(&format, &data)? {
        return Ok(file);
    }
    // An abolished unit's page names what became of it and, when one unit took it over,
    // lists that unit's procedures instead of none.
    let notice =
        crate::app::units::unit_notice(&state, reference.clone(), data.listing.date).await?;
    let mut successor = match notice.as_ref().map(|n| n.successors.as_slice()) {
        Some([one]) => Some((
            one.reference.clone(),
            load_unit(&state, one.reference.clone(), &q).await?,
        )),
        _ => None,
    };
    let mut ctx = base_context("units", "");
    ctx.insert("notice", &notice);
    ctx.insert("unit_ref", &reference);
    ctx.insert("unit", &data.listing.unit);
    let (shown_ref, shown) = match &mut successor {
        Some((r, d)) => {
            ctx.insert("successor", &d.listing.unit);
            ctx.insert("successor_ref", r);
            (r.clone(), d)
        }
        None => (reference.clone(), &mut data),
    };
    // Each procedure opens for the unit that handles it here: its reception office and
    // feedback address.
    let don_vi = super::public::urlencode(&shown_ref);
    for r in &mut shown.page.items {
        r.url = format!("{}?don_vi={don_vi}", r.url);
    }
    let contact = on_pool(&state, {
        let reference = shown_ref.clone();
        move |db| crate::app::contacts::of_reference(db, &reference)
    })
    .await?;
    ctx.insert("contact", &contact);
    // The edit form's address names the unit by its code, as the other counter pages do.
    ctx.insert("contact_ref", &shown.listing.unit.code);
    filter_context(&mut ctx, &q, &shown.fields);
    let base = format!("/units/{shown_ref}/procedures");
    page_context(&mut ctx, &shown.page, &base, &q);
    ctx.insert("listed", &shown.listing.rows.len());
    ctx.insert("listed_at", &shown.listing.unit.name);
    unit_links(&mut ctx, &q, shown, &base);
    Ok(render_kept(
        &state,
        key.map(|k| (shown.version, k)),
        "unit_procedures.html",
        &ctx,
    )?)
}

/// The links of a unit's page: its exports, its API address and the posting sheets.
fn unit_links(ctx: &mut tera::Context, q: &ListingQuery, data: &UnitData, base: &str) {
    let qs = query_string(q, None);
    let sep = if qs.is_empty() { "" } else { "&" };
    ctx.insert("base_url", &base);
    ctx.insert("csv_url", &format!("{base}?{qs}{sep}format=csv"));
    ctx.insert("xlsx_url", &format!("{base}?{qs}{sep}format=xlsx"));
    ctx.insert("json_url", &format!("{base}?{qs}{sep}format=json"));
    ctx.insert(
        "api_url",
        &format!(
            "/api/v1/units/{}/procedures{}{qs}",
            super::public::urlencode(&data.listing.unit.code),
            if qs.is_empty() { "" } else { "?" }
        ),
    );
    let sheet_date = opt(&q.date).map(|d| format!("&date={}", super::public::urlencode(d)));
    let sheets: Vec<serde_json::Value> = data
        .fields
        .iter()
        .map(|f| {
            serde_json::json!({
                "field": f,
                "url": format!("{base}/sheet?field={}{}", super::public::urlencode(f), sheet_date.clone().unwrap_or_default()),
            })
        })
        .collect();
    ctx.insert("sheets", &sheets);
    ctx.insert(
        "sheet_all_url",
        &format!(
            "{base}/sheet{}",
            sheet_date
                .as_deref()
                .map(|s| format!("?{}", &s[1..]))
                .unwrap_or_default()
        ),
    );
}

/// `/units/{code}/procedures/sheet?field=`: the posting sheet (bảng niêm yết) of a unit, one
/// section per field, for printing and posting at the reception point.
pub async fn sheet(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    q: web::Query<ListingQuery>,
) -> Result<HttpResponse, PageError> {
    let q = q.into_inner();
    for (name, v) in [
        ("q", &q.q),
        ("level", &q.level),
        ("online", &q.online),
        ("channel", &q.channel),
        ("page", &q.page),
        ("per_page", &q.per_page),
        ("format", &q.format),
    ] {
        if opt(v).is_some() {
            return Err(PageError(bad_param(
                name,
                "bảng niêm yết chỉ chọn theo lĩnh vực (field) và ngày (date).".into(),
            )));
        }
    }
    let reference = path.into_inner();
    let data = load_unit(&state, reference.clone(), &q).await?;
    let contact = on_pool(&state, {
        let reference = reference.clone();
        move |db| crate::app::contacts::of_reference(db, &reference)
    })
    .await?;
    let mut groups: Vec<serde_json::Value> = Vec::new();
    let mut current: Option<(String, Vec<&Row>)> = None;
    for r in &data.all {
        match &mut current {
            Some((f, rows)) if *f == r.field => rows.push(r),
            _ => {
                if let Some((f, rows)) = current.take() {
                    groups.push(serde_json::json!({"field": f, "rows": rows}));
                }
                current = Some((r.field.clone(), vec![r]));
            }
        }
    }
    if let Some((f, rows)) = current.take() {
        groups.push(serde_json::json!({"field": f, "rows": rows}));
    }
    let mut ctx = base_context("units", "");
    ctx.insert("unit", &data.listing.unit);
    ctx.insert("groups", &groups);
    ctx.insert("field", &data.filters.field);
    ctx.insert("date_display", &date_vn(data.listing.date));
    ctx.insert("contact", &contact);
    ctx.insert("contact_compact", &true);
    // The unit's listing at the deployment's address as the reader reached it (the origin of
    // feeds and JSON-LD: forwarded headers count only from a trusted proxy), printed with its
    // QR code so that a reader of the paper reaches the live list.
    let list_url = format!(
        "{}/units/{}/procedures",
        crate::auth::origin_of(&req),
        super::public::urlencode(&reference)
    );
    ctx.insert("qr", &super::qr::svg(&list_url));
    ctx.insert("list_url", &list_url);
    ctx.insert(
        "back_url",
        &format!(
            "/units/{}/procedures",
            super::public::urlencode(&data.listing.unit.code)
        ),
    );
    Ok(super::render("procedure_sheet.html", &ctx)?)
}
