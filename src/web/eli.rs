//! ELI addresses (`/eli/vn/{authority}/{type}/{year}/{number}[/{yyyy-mm-dd}][/{provision}]`)
//! and the schema.org `Legislation` description (JSON-LD) of document pages.
//!
//! An address written otherwise (capitals, diacritics, the whole number in the last segment)
//! is answered with a permanent redirect to the canonical one; `/documents/{id}` stays and names
//! the ELI as its canonical address. An unknown address gets a 404 page listing the documents
//! of that authority and year, when the authority exists.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use serde::Serialize;

use super::{base_context, render, render_status, PageError};
use crate::app::documents::{document_page, provision_page, DateQuery, DocumentPage};
use crate::app::{on_pool, AppState};
use crate::db::{queries, Db};
use crate::domain::eli::Eli;
use crate::domain::status::Status;
use crate::error::AppError;
use crate::registry::org::Org;

/// What an address names.
enum Found {
    /// One document, and its canonical address (which may differ from the one asked: an
    /// older address whose type has since been corrected).
    One(i64, Eli),
    /// Several documents share the address (the same sequence number in one year and type).
    Many(Vec<(i64, String)>),
    /// No document: the authority when it exists, to list its documents of that year.
    None(Option<i64>),
}

fn find(db: &mut Db<'_>, org: &Org, want: &Eli) -> Result<Found, AppError> {
    let Some(authority) = org
        .authorities
        .values()
        .find(|a| crate::domain::eli::slug(&a.code) == want.authority)
    else {
        return Ok(Found::None(None));
    };
    // Only documents whose number holds the digits the address's number starts with: every
    // document the address can name (its number's first part, made an address, equals the
    // address's) is among them, and the authority's other documents are not read.
    let digits: String = want
        .number
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let docs = queries::document_summaries(
        db,
        &queries::DocumentFilter {
            authority_ids: Some(vec![authority.id]),
            number_contains: (!digits.is_empty()).then_some(digits),
            include_withdrawn: true,
            ..Default::default()
        },
    )?;
    let elis: Vec<(i64, String, Eli)> = docs
        .iter()
        .map(|d| {
            (
                d.id,
                format!("{} {}", d.doc_type, d.number),
                Eli::of(&authority.code, &d.doc_type, &d.number, d.issued_on),
            )
        })
        .collect();
    let mut hits: Vec<&(i64, String, Eli)> = elis.iter().filter(|e| e.2 == *want).collect();
    if hits.is_empty() {
        // An older address: the same authority, year and number under a type since
        // corrected (or mistyped) leads to the document if only one matches.
        hits = elis
            .iter()
            .filter(|e| e.2.year == want.year && e.2.number == want.number)
            .collect();
        if hits.len() > 1 {
            hits.clear();
        }
    }
    Ok(match hits.as_slice() {
        [] => Found::None(Some(authority.id)),
        [(id, _, eli)] => Found::One(*id, eli.clone()),
        _ => Found::Many(hits.iter().map(|(id, l, _)| (*id, l.clone())).collect()),
    })
}

/// The parts after the number: a date (the version on that day), a provision, or both.
fn split_rest(rest: &str) -> Result<(Option<NaiveDate>, Option<String>), AppError> {
    let rest = rest.trim_matches('/');
    if rest.is_empty() {
        return Ok((None, None));
    }
    let (first, tail) = rest.split_once('/').unwrap_or((rest, ""));
    match NaiveDate::parse_from_str(first, "%Y-%m-%d") {
        Ok(d) => Ok((Some(d), Some(tail.to_string()).filter(|t| !t.is_empty()))),
        Err(_) if first.len() == 10 && first.as_bytes().get(4) == Some(&b'-') => {
            Err(AppError::NotFound(format!(
                "«{first}» không phải là ngày (dạng năm-tháng-ngày)."
            )))
        }
        Err(_) => Ok((None, Some(rest.to_string()))),
    }
}

/// The segments of an ELI address as written (checked by [`Eli::from_segments`]).
#[derive(Debug, serde::Deserialize)]
pub struct EliPath {
    authority: String,
    #[serde(rename = "type")]
    doc_type: String,
    year: String,
    number: String,
    /// A date, a provision, or both, after the number.
    #[serde(default)]
    rest: Option<String>,
}

#[derive(Debug, Serialize)]
struct Candidate {
    url: String,
    label: String,
}

/// The documents a reader may have meant: those sharing the address, or the authority's
/// documents of that year when the address names none.
fn candidates(
    db: &mut Db<'_>,
    org: &Org,
    found: &Found,
    want: &Eli,
) -> Result<Vec<Candidate>, AppError> {
    Ok(match found {
        Found::None(Some(a)) => queries::document_summaries(
            db,
            &queries::DocumentFilter {
                authority_ids: Some(vec![*a]),
                ..Default::default()
            },
        )?
        .into_iter()
        .filter(|d| {
            let e = Eli::of(
                &org.authorities
                    .get(a)
                    .map(|x| x.code.clone())
                    .unwrap_or_default(),
                &d.doc_type,
                &d.number,
                d.issued_on,
            );
            e.year == want.year
        })
        .map(|d| Candidate {
            url: format!("/documents/{}", d.id),
            label: format!("{} {} — {}", d.doc_type, d.number, d.title),
        })
        .collect(),
        Found::Many(hits) => hits
            .iter()
            .map(|(id, label)| Candidate {
                url: format!("/documents/{id}"),
                label: label.clone(),
            })
            .collect(),
        _ => Vec::new(),
    })
}

/// `GET /eli/vn/{authority}/{type}/{year}/{number}[/{rest}]`.
pub async fn resolve(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<EliPath>,
    q: web::Query<DateQuery>,
    viewer: crate::auth::MaybeActor,
) -> Result<HttpResponse, PageError> {
    let EliPath {
        authority,
        doc_type,
        year,
        number,
        rest,
    } = path.into_inner();
    let rest = rest.unwrap_or_default();
    let (on, provision) = split_rest(&rest)?;
    let Some(want) = Eli::from_segments(&authority, &doc_type, &year, &number) else {
        return Err(AppError::NotFound(format!(
            "Địa chỉ {} không đúng dạng ELI: /eli/vn/{{cơ quan}}/{{loại văn bản}}/{{năm}}/{{số}}, ví dụ /eli/vn/hdnd-96/nghi-quyet/2018/15.",
            req.path()
        ))
        .into());
    };
    let date = match (on, q.date.as_deref()) {
        (Some(d), _) => d,
        (None, given) => crate::app::parse_date(given)?,
    };
    let want2 = want.clone();
    let found = on_pool(&state, move |db| {
        let org = Org::load(db)?;
        let found = find(db, &org, &want2)?;
        let candidates = candidates(db, &org, &found, &want2)?;
        Ok((found, candidates))
    })
    .await?;
    let id = match found {
        (Found::One(id, eli), _) => (id, eli),
        (Found::Many(_), candidates) => {
            let mut ctx = base_context("documents", "");
            ctx.insert("address", req.path());
            ctx.insert("candidates", &candidates);
            ctx.insert("several", &true);
            return Ok(render_status(
                actix_web::http::StatusCode::MULTIPLE_CHOICES,
                "eli_not_found.html",
                &ctx,
            )?);
        }
        (Found::None(authority), candidates) => {
            let mut ctx = base_context("documents", "");
            ctx.insert("address", req.path());
            ctx.insert("candidates", &candidates);
            ctx.insert("authority_known", &authority.is_some());
            ctx.insert("year", &want.year);
            ctx.insert("several", &false);
            return Ok(render_status(
                actix_web::http::StatusCode::NOT_FOUND,
                "eli_not_found.html",
                &ctx,
            )?);
        }
    };
    // Written otherwise than the canonical address: a permanent redirect to it.
    let (id, found_eli) = id;
    let mut canonical = found_eli.path();
    if let Some(d) = on {
        canonical.push_str(&format!("/{d}"));
    }
    if let Some(p) = &provision {
        canonical.push('/');
        canonical.push_str(p.trim_end_matches('/'));
    }
    let written = format!(
        "/eli/vn/{authority}/{doc_type}/{year}/{number}{}",
        if rest.is_empty() {
            String::new()
        } else {
            format!("/{}", rest.trim_matches('/'))
        }
    );
    if written != canonical {
        let query = req.query_string();
        let location = if query.is_empty() {
            canonical
        } else {
            format!("{canonical}?{query}")
        };
        return Ok(HttpResponse::MovedPermanently()
            .insert_header((header::LOCATION, location))
            .finish());
    }
    // The version's own address when a date was asked (the paper then names what it shows).
    let version = on.is_some() || q.date.is_some();
    show(&state, &req, viewer, id, provision, date, version).await
}

/// The page at a canonical address: a provision, or the whole document (with its history
/// for signed-in users).
async fn show(
    state: &AppState,
    req: &HttpRequest,
    viewer: crate::auth::MaybeActor,
    id: i64,
    provision: Option<String>,
    date: NaiveDate,
    version: bool,
) -> Result<HttpResponse, PageError> {
    // A withdrawn document's addresses (the page, provisions, versions on a date, the
    // consolidated text) answer 410 with the reason.
    on_pool(state, move |db| {
        crate::app::editing::refuse_withdrawn(db, id)
    })
    .await?;
    // `tep/…`: an original file. Provision keys are `kind-label` segments, never `tep`.
    if let Some(file) = provision.as_deref().and_then(|p| p.strip_prefix("tep/")) {
        return super::originals::download(state, req, id, file).await;
    }
    if let Some(format) = provision
        .as_deref()
        .and_then(super::consolidated::Format::of)
    {
        return super::consolidated::show(state, req, id, date, format).await;
    }
    match provision {
        Some(key) => {
            let page = on_pool(state, move |db| provision_page(db, id, &key, date)).await?;
            let mut ctx = base_context("documents", "");
            insert_all(&mut ctx, &page)?;
            Ok(render("provision.html", &ctx)?)
        }
        None => {
            let signed_in = viewer.0.is_some();
            let role = viewer.0.as_ref().map(|p| p.role);
            let who = viewer.0.clone();
            let (page, history, (corrections, editable), may_attach) = on_pool(state, move |db| {
                let page = document_page(db, id, date)?;
                let history = if signed_in {
                    crate::audit::document_history(db, id)?
                } else {
                    Vec::new()
                };
                let corrections = crate::app::editing::corrections(db, id)?;
                let editable = if matches!(
                    role,
                    Some(crate::auth::Role::Admin | crate::auth::Role::Officer)
                ) {
                    crate::app::editing::effects::effects_made(db, id)?
                } else {
                    Vec::new()
                };
                let may_attach = match who.as_deref() {
                    Some(p) => crate::app::originals::may_attach(db, p, id)?,
                    None => false,
                };
                Ok((page, history, (corrections, editable), may_attach))
            })
            .await?;
            let mut ctx = base_context("documents", "");
            ctx.insert("files", &super::originals::of_document(state, id).await?);
            ctx.insert("may_attach", &may_attach);
            ctx.insert("history", &history);
            ctx.insert("corrections", &corrections);
            ctx.insert("editable_effects", &editable);
            ctx.insert(
                "editor",
                &matches!(
                    role,
                    Some(crate::auth::Role::Admin | crate::auth::Role::Officer)
                ),
            );
            ctx.insert("admin", &(role == Some(crate::auth::Role::Admin)));
            insert_all(&mut ctx, &page)?;
            ctx.insert("json_ld", &json_ld(req, &page));
            let path = if version {
                format!("{}/{}", page.doc.eli, page.date)
            } else {
                page.doc.eli.clone()
            };
            let page_url = super::full_url(req, &path);
            ctx.insert("qr_svg", &super::qr::svg(&page_url));
            ctx.insert("page_url", &page_url);
            Ok(render("document.html", &ctx)?)
        }
    }
}

fn insert_all<T: Serialize>(ctx: &mut tera::Context, page: &T) -> Result<(), AppError> {
    let value = serde_json::to_value(page).map_err(|e| AppError::internal("chuyển đổi JSON", e))?;
    if let serde_json::Value::Object(m) = value {
        for (k, v) in m {
            ctx.insert(k, &v);
        }
    }
    Ok(())
}

/// schema.org's legal force of a status: in force, partially, or not.
pub fn legal_force(s: Status) -> &'static str {
    match s {
        Status::ConHieuLuc | Status::DuocSuaDoiBoSung => "https://schema.org/InForce",
        Status::HetHieuLucMotPhan | Status::NgungHieuLucMotPhan => {
            "https://schema.org/PartiallyInForce"
        }
        Status::HetHieuLucToanBo | Status::NgungHieuLucToanBo | Status::ChuaCoHieuLuc => {
            "https://schema.org/NotInForce"
        }
    }
}

/// This server's address as the client reached it (for absolute identifiers).
fn origin(req: &HttpRequest) -> String {
    crate::auth::origin_of(req)
}

/// The document as schema.org `Legislation`, ready to be put in a
/// `<script type="application/ld+json">` (no `<`, `>` or `&` left that could end it).
pub fn json_ld(req: &HttpRequest, page: &DocumentPage) -> String {
    let base = origin(req);
    let d = &page.doc;
    let mut changes: Vec<serde_json::Value> = page
        .effects_made
        .iter()
        .filter_map(|e| e.other.eli.as_ref())
        .map(|u| serde_json::json!({ "@id": format!("{base}{u}") }))
        .collect();
    changes.dedup();
    let mut v = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "Legislation",
        "@id": format!("{base}{}", d.eli),
        "url": format!("{base}{}", d.eli),
        "name": format!("{} {}", d.doc_type, d.number),
        "headline": d.title,
        "legislationIdentifier": d.number,
        "legislationType": d.doc_type,
        "legislationDate": d.issued_on_iso,
        "legislationDateOfApplicability": d.effective_on_iso,
        "legislationLegalForce": legal_force(page.status_code),
        "inLanguage": "vi",
        "legislationJurisdiction": {
            "@type": "AdministrativeArea",
            "name": d.unit_name.clone().unwrap_or_else(|| "Việt Nam".to_string()),
        },
        "legislationPassedBy": {
            "@type": "GovernmentOrganization",
            "name": d.authority_name,
        },
    });
    if let Some(end) = &d.end_on_iso {
        v["expires"] = serde_json::json!(end);
    }
    if !changes.is_empty() {
        v["legislationChanges"] = serde_json::json!(changes);
    }
    if !d.signer.is_empty() {
        v["author"] = serde_json::json!({"@type": "Person", "name": d.signer});
    }
    // No markup can start inside the script: `<`, `>` and `&` as JSON escapes.
    v.to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_provisions_after_the_number() {
        let d = NaiveDate::from_ymd_opt(2025, 7, 1).unwrap();
        assert_eq!(split_rest("").unwrap(), (None, None));
        assert_eq!(split_rest("/2025-07-01").unwrap(), (Some(d), None));
        assert_eq!(
            split_rest("2025-07-01/dieu-5").unwrap(),
            (Some(d), Some("dieu-5".into()))
        );
        assert_eq!(
            split_rest("dieu-5/khoan-2").unwrap(),
            (None, Some("dieu-5/khoan-2".into()))
        );
        assert!(split_rest("2025-13-01").is_err());
    }

    #[test]
    fn legal_force_of_each_status() {
        assert_eq!(
            legal_force(Status::ConHieuLuc),
            "https://schema.org/InForce"
        );
        assert_eq!(
            legal_force(Status::HetHieuLucMotPhan),
            "https://schema.org/PartiallyInForce"
        );
        assert_eq!(
            legal_force(Status::ChuaCoHieuLuc),
            "https://schema.org/NotInForce"
        );
    }
}
