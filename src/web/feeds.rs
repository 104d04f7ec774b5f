//! Atom feeds (RFC 4287): new documents, status changes, review decisions and annual lists,
//! procedure changes; overall or for one authority (with its predecessors) or one unit (the
//! authorities of the unit and of the units it took over).
//!
//! `/feeds/documents.atom`, `/feeds/status.atom`, `/feeds/reviews.atom`,
//! `/feeds/procedures.atom`, each with `?authority=ID|CODE`, `?unit=CODE`, `?limit=1..200`.

use std::collections::HashMap;

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{NaiveDate, NaiveDateTime};
use serde::Deserialize;

use super::PageError;
use crate::app::{on_pool, AppState};
use crate::clock::today;
use crate::db::{feeds, Db};
use crate::domain::eli::Eli;
use crate::domain::procedure::Announcement;
use crate::domain::text::date_vn;
use crate::error::AppError;
use crate::registry::org::Org;
use crate::registry::status::StatusGraph;

pub const DEFAULT_LIMIT: usize = 50;
pub const MAX_LIMIT: usize = 200;

#[derive(Debug, Default, Deserialize)]
pub struct FeedQuery {
    #[serde(default)]
    pub authority: Option<String>,
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default)]
    pub limit: Option<String>,
}

/// One entry; `link` is a path on this server.
#[derive(Debug, Clone)]
pub struct Entry {
    pub id: String,
    pub title: String,
    pub updated: NaiveDateTime,
    pub link: String,
    pub summary: String,
}

/// XML text (`markup::escape_xml`).
pub fn escape(s: &str) -> String {
    crate::markup::escape_xml(s)
}

fn rfc3339(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn midnight(d: NaiveDate) -> NaiveDateTime {
    d.and_hms_opt(0, 0, 0).unwrap_or_default()
}

/// The feed document. `base` is the server's origin, `self_path` the feed's own path and query.
pub fn atom(base: &str, self_path: &str, title: &str, entries: &[Entry]) -> String {
    let updated = entries
        .iter()
        .map(|e| e.updated)
        .max()
        .unwrap_or_else(|| midnight(NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default()));
    let mut x = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    x.push_str("<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"vi\">\n");
    x.push_str(&format!(
        "  <id>{}</id>\n",
        escape(&format!("{base}{self_path}"))
    ));
    x.push_str(&format!("  <title>{}</title>\n", escape(title)));
    x.push_str(&format!("  <updated>{}</updated>\n", rfc3339(updated)));
    x.push_str("  <author><name>vanban</name></author>\n");
    x.push_str("  <generator>vanban</generator>\n");
    x.push_str(&format!(
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
        escape(&format!("{base}{self_path}"))
    ));
    x.push_str(&format!(
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}/\"/>\n",
        escape(base)
    ));
    for e in entries {
        x.push_str("  <entry>\n");
        x.push_str(&format!("    <id>{}</id>\n", escape(&e.id)));
        x.push_str(&format!("    <title>{}</title>\n", escape(&e.title)));
        x.push_str(&format!("    <updated>{}</updated>\n", rfc3339(e.updated)));
        x.push_str(&format!(
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            escape(&format!("{base}{}", e.link))
        ));
        x.push_str(&format!(
            "    <summary type=\"text\">{}</summary>\n",
            escape(&e.summary)
        ));
        x.push_str("  </entry>\n");
    }
    x.push_str("</feed>\n");
    x
}

/// Which authorities a feed covers (`None`: all), and the words for its title.
struct Scope {
    authorities: Option<Vec<i64>>,
    label: Option<String>,
}

fn scope(org: &Org, q: &FeedQuery) -> Result<Scope, AppError> {
    match (q.authority.as_deref(), q.unit.as_deref()) {
        (Some(_), Some(_)) => Err(crate::app::bad_param(
            "unit",
            "chỉ chọn một trong authority hoặc unit.".into(),
        )),
        (Some(a), None) => {
            let a = a.trim();
            let found = a
                .parse::<i64>()
                .ok()
                .and_then(|id| org.authorities.get(&id))
                .or_else(|| {
                    org.authorities
                        .values()
                        .find(|x| x.code.eq_ignore_ascii_case(a))
                })
                .ok_or_else(|| {
                    crate::app::bad_param("authority", format!("không có cơ quan ban hành «{a}»."))
                })?;
            Ok(Scope {
                authorities: Some(org.authority_with_predecessors(found.id)),
                label: Some(found.name.clone()),
            })
        }
        (None, Some(u)) => {
            let u = u.trim();
            // `91` its latest holder, `91@2020-01-01` the holder on that day.
            let unit = org.unit_by_code(u).ok_or_else(|| {
                crate::app::bad_param("unit", format!("không có đơn vị hành chính mã «{u}»."))
            })?;
            let mut units = org.all_unit_predecessors(unit.id);
            units.push(unit.id);
            let authorities = org
                .authorities
                .values()
                .filter(|a| a.unit_id.is_some_and(|x| units.contains(&x)))
                .map(|a| a.id)
                .collect();
            Ok(Scope {
                authorities: Some(authorities),
                label: Some(unit.name.clone()),
            })
        }
        (None, None) => Ok(Scope {
            authorities: None,
            label: None,
        }),
    }
}

fn limit(q: &FeedQuery) -> Result<usize, AppError> {
    match q.limit.as_deref().map(str::trim) {
        None | Some("") => Ok(DEFAULT_LIMIT),
        Some(s) => match s.parse::<usize>() {
            Ok(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
            _ => Err(crate::app::bad_param(
                "limit",
                format!("«{s}» không hợp lệ: từ 1 đến {MAX_LIMIT}."),
            )),
        },
    }
}

/// How an entry names a document.
struct Label {
    eli: String,
    /// Type and number.
    label: String,
    title: String,
    authority: i64,
}

/// The ELI path and label of documents, by id.
fn labels(db: &mut Db<'_>, org: &Org, ids: &[i64]) -> Result<HashMap<i64, Label>, AppError> {
    let mut out = HashMap::new();
    for s in crate::db::queries::summaries_by_ids(db, ids)? {
        let code = org
            .authorities
            .get(&s.authority_id)
            .map(|a| a.code.as_str())
            .unwrap_or_default();
        let eli = Eli::of(code, &s.doc_type, &s.number, s.issued_on).path();
        out.insert(
            s.id,
            Label {
                eli,
                label: format!("{} {}", s.doc_type, s.number),
                title: s.title,
                authority: s.authority_id,
            },
        );
    }
    Ok(out)
}

fn tag(host: &str, what: &str) -> String {
    let host = host.split(':').next().unwrap_or(host);
    format!("tag:{host},2026:{what}")
}

type Build = fn(&mut Db<'_>, &Org, &Scope, usize, NaiveDate, &str) -> Result<Vec<Entry>, AppError>;

fn documents_feed(
    db: &mut Db<'_>,
    org: &Org,
    s: &Scope,
    n: usize,
    _today: NaiveDate,
    host: &str,
) -> Result<Vec<Entry>, AppError> {
    let rows = feeds::newest_documents(db, s.authorities.as_deref(), n)?;
    Ok(rows
        .into_iter()
        .map(|d| {
            let (id, a, t, number, title) = (d.id, d.authority_id, d.doc_type, d.number, d.title);
            let (issued, effective) = (d.issued_on, d.effective_on);
            let code = org
                .authorities
                .get(&a)
                .map(|x| x.code.clone())
                .unwrap_or_default();
            Entry {
                id: tag(host, &format!("document/{id}")),
                title: format!("{t} {number}: {title}"),
                updated: midnight(issued),
                link: Eli::of(&code, &t, &number, issued).path(),
                summary: format!(
                    "{} ban hành ngày {}, có hiệu lực từ ngày {}.",
                    org.authority_name(a),
                    date_vn(issued),
                    date_vn(effective)
                ),
            }
        })
        .collect())
}

fn status_feed(
    db: &mut Db<'_>,
    org: &Org,
    s: &Scope,
    n: usize,
    today: NaiveDate,
    host: &str,
) -> Result<Vec<Entry>, AppError> {
    // (date, document, what happened, the acting document if any, event key)
    let mut events: Vec<(NaiveDate, i64, String, Option<i64>, String)> = Vec::new();
    let ids = s.authorities.as_deref();
    let docs = feeds::took_effect(db, ids, today, n)?;
    for (id, from) in &docs {
        events.push((
            *from,
            *id,
            "có hiệu lực".into(),
            None,
            format!("effective/{id}"),
        ));
    }
    let ended = feeds::term_ended(db, ids, today, n)?;
    for (id, end) in ended {
        if let Some(end) = end.and_then(|e| e.succ_opt()) {
            events.push((
                end,
                id,
                "hết thời hạn có hiệu lực".into(),
                None,
                format!("ended/{id}"),
            ));
        }
    }
    for e in feeds::effects_in_force(db, ids, today, n)? {
        let what = e.kind.passive_label().to_lowercase();
        events.push((
            e.effective_on,
            e.target_id,
            what,
            Some(e.acting_id),
            format!("effect/{}", e.id),
        ));
    }
    for (decision, document, _, on) in crate::review::decisions::declared_expiries(db, None)? {
        if on > today {
            continue;
        }
        events.push((
            on,
            document,
            "được công bố hết hiệu lực theo kết quả rà soát".into(),
            None,
            format!("declared/{decision}"),
        ));
    }
    // A withdrawn document (entered in error) is in no feed, nor are the effects it made, nor
    // the declared expiries of one (their pages answer 410).
    let withdrawn = crate::db::editing::withdrawn_ids(db)?;
    events.retain(|e| !withdrawn.contains(&e.1) && e.3.is_none_or(|a| !withdrawn.contains(&a)));
    events.sort_by(|a, b| b.0.cmp(&a.0).then(b.4.cmp(&a.4)));
    let mut all: Vec<i64> = events.iter().map(|e| e.1).collect();
    all.extend(events.iter().filter_map(|e| e.3));
    all.sort_unstable();
    all.dedup();
    let names = labels(db, org, &all)?;
    let mut graphs = HashMap::new();
    let mut out = Vec::new();
    for (on, doc, what, acting, key) in events {
        let Some(status) = status_after(db, &mut graphs, doc, on, &key)? else {
            continue;
        };
        let Some(Label {
            eli,
            label,
            title,
            authority,
        }) = names.get(&doc)
        else {
            continue;
        };
        // Declared expiries were read for every authority.
        if s.authorities
            .as_ref()
            .is_some_and(|ids| !ids.contains(authority))
        {
            continue;
        }
        let by = acting
            .and_then(|a| names.get(&a))
            .map(|l| format!(" bởi {}", l.label))
            .unwrap_or_default();
        out.push(Entry {
            id: tag(host, &format!("status/{key}")),
            title: format!("{label} {what}{by} từ ngày {}", date_vn(on)),
            updated: midnight(on),
            link: format!("{eli}/{on}"),
            summary: format!(
                "{label} ({title}) {what}{by} từ ngày {}.{status}",
                date_vn(on)
            ),
        });
        if out.len() == n {
            break;
        }
    }
    Ok(out)
}

/// The document's status from the event's date, as a sentence for the entry (the one
/// status function of `domain::status`), or `None` for an effect that did not act (its acting
/// document was not in force on its date).
fn status_after(
    db: &mut Db<'_>,
    graphs: &mut HashMap<i64, StatusGraph>,
    doc: i64,
    on: NaiveDate,
    key: &str,
) -> Result<Option<String>, AppError> {
    let g = match graphs.entry(doc) {
        std::collections::hash_map::Entry::Occupied(o) => o.into_mut(),
        std::collections::hash_map::Entry::Vacant(v) => {
            v.insert(StatusGraph::load_around(db, doc)?)
        }
    };
    let effect = key.strip_prefix("effect/").and_then(|i| i.parse().ok());
    if effect.is_some_and(|e| !g.effect_acted(doc, e)) {
        return Ok(None);
    }
    Ok(Some(g.status(doc, on).map_or_else(String::new, |r| {
        format!(" Tình trạng từ ngày đó: {}.", r.status.label())
    })))
}

fn reviews_feed(
    db: &mut Db<'_>,
    org: &Org,
    s: &Scope,
    n: usize,
    _today: NaiveDate,
    host: &str,
) -> Result<Vec<Entry>, AppError> {
    let ids = s.authorities.as_deref();
    let rows = feeds::decided_reviews(db, ids, n)?;
    let docs: Vec<i64> = rows.iter().map(|r| r.document_id).collect();
    let names = labels(db, org, &docs)?;
    let mut out = Vec::new();
    for r in rows {
        let (Some(Label { eli, label, .. }), Some(at)) = (names.get(&r.document_id), r.decided_at)
        else {
            continue;
        };
        let (id, kind, reason) = (r.id, r.kind.label(), r.reason);
        out.push(Entry {
            id: tag(host, &format!("decision/{id}")),
            title: format!("Kết quả rà soát {label}: {kind}"),
            updated: at,
            link: eli.clone(),
            summary: reason,
        });
    }
    let pubs = feeds::annual_lists(db, ids, n)?;
    for (year, authority, at) in pubs {
        out.push(Entry {
            id: tag(host, &format!("annual-list/{year}/{authority}")),
            title: format!(
                "Danh mục văn bản hết hiệu lực năm {year} của {}",
                org.authority_name(authority)
            ),
            updated: at,
            link: format!("/annual-lists/{year}?authority={authority}"),
            summary: format!(
                "{} công bố danh mục văn bản hết hiệu lực toàn bộ hoặc một phần năm {year}.",
                org.authority_name(authority)
            ),
        });
    }
    out.sort_by_key(|e| std::cmp::Reverse(e.updated));
    out.truncate(n);
    Ok(out)
}

fn procedures_feed(
    db: &mut Db<'_>,
    org: &Org,
    s: &Scope,
    n: usize,
    _today: NaiveDate,
    host: &str,
) -> Result<Vec<Entry>, AppError> {
    let rows = feeds::announced_procedures(db, s.authorities.as_deref(), n)?;
    Ok(rows
        .into_iter()
        .map(|v| {
            let (id, code, name, number) = (v.version_id, v.code, v.name, v.decision_number);
            let (date, authority) = (v.decision_date, v.authority_id);
            let what = match v.announcement {
                Announcement::New => "ban hành mới",
                Announcement::Amended => "sửa đổi, bổ sung",
                Announcement::Replaced => "thay thế",
                Announcement::Abolished => "bãi bỏ",
            };
            Entry {
                id: tag(host, &format!("procedure-version/{id}")),
                title: format!("Thủ tục {code} {what}: {name}"),
                updated: midnight(date),
                link: format!("/procedures/{code}"),
                summary: format!(
                    "Thủ tục hành chính {code} «{name}» được {what} theo Quyết định số {number} ngày {} của {}.",
                    date_vn(date),
                    org.authority_name(authority)
                ),
            }
        })
        .collect())
}

async fn serve(
    state: web::Data<AppState>,
    req: HttpRequest,
    q: web::Query<FeedQuery>,
    title: &str,
    build: Build,
) -> Result<HttpResponse, PageError> {
    let q = q.into_inner();
    let n = limit(&q)?;
    let base = crate::auth::origin_of(&req);
    let host = base
        .split_once("://")
        .map_or(base.as_str(), |(_, h)| h)
        .to_string();
    let today = today();
    let (entries, label) = on_pool(&state, move |db| {
        let org = Org::load(db)?;
        let s = scope(&org, &q)?;
        let entries = build(db, &org, &s, n, today, &host)?;
        Ok((entries, s.label))
    })
    .await?;
    let title = match label {
        Some(l) => format!("{title} — {l}"),
        None => title.to_string(),
    };
    let self_path = match req.query_string() {
        "" => req.path().to_string(),
        qs => format!("{}?{qs}", req.path()),
    };
    Ok(HttpResponse::Ok()
        .content_type("application/atom+xml; charset=utf-8")
        .body(atom(&base, &self_path, &title, &entries)))
}

/// The feeds: name in the address, title, and how its entries are read.
const FEEDS: &[(&str, &str, Build)] = &[
    ("documents", "Văn bản mới", documents_feed),
    ("status", "Thay đổi hiệu lực văn bản", status_feed),
    (
        "reviews",
        "Kết quả rà soát và danh mục văn bản hết hiệu lực",
        reviews_feed,
    ),
    (
        "procedures",
        "Thủ tục hành chính được công bố",
        procedures_feed,
    ),
];

/// `GET /feeds/{name}.atom`.
pub async fn feed(
    state: web::Data<AppState>,
    req: HttpRequest,
    name: web::Path<String>,
    q: web::Query<FeedQuery>,
) -> Result<HttpResponse, PageError> {
    let name = name.into_inner();
    let Some((_, title, build)) = FEEDS.iter().find(|(n, _, _)| *n == name) else {
        let known: Vec<String> = FEEDS.iter().map(|(n, _, _)| format!("{n}.atom")).collect();
        return Err(AppError::NotFound(format!(
            "Không có nguồn tin «{name}.atom»; các nguồn tin: {}.",
            known.join(", ")
        ))
        .into());
    };
    serve(state, req, q, title, *build).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_control_characters_dropped() {
        assert_eq!(
            escape("<a href=\"x\">Tom & Jerry's</a>\u{1}"),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&apos;s&lt;/a&gt;"
        );
        assert_eq!(escape("Điều 5\nkhoản 2"), "Điều 5\nkhoản 2");
    }

    #[test]
    fn tags_leave_out_the_port() {
        assert_eq!(
            tag("localhost:8080", "document/5"),
            "tag:localhost,2026:document/5"
        );
    }
}
