//! What operators watch: a request id on every request and log line, `/healthz` (the
//! process answers), `/readyz` (the database answers and the search index is not too far
//! behind the outbox), and Prometheus `/metrics` (latency by route, index lag, import and
//! rebuild progress).

use std::sync::atomic::Ordering::Relaxed;
use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{web, HttpMessage, HttpResponse};
use prometheus::Encoder;
use tracing::Instrument;

use crate::app::metrics::{RequestId, REQUEST_ID};
use crate::app::AppState;
use crate::db::queries;
use crate::search::service::IndexPhase;

/// A request id given by a proxy is kept when it is short and plain; otherwise a new one is
/// made.
fn request_id(req: &ServiceRequest) -> String {
    let given = req
        .headers()
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            !v.is_empty()
                && v.len() <= 64
                && v.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        });
    match given {
        Some(v) => v.to_string(),
        None => {
            use rand::RngCore;
            let mut b = [0u8; 8];
            rand::rngs::OsRng.fill_bytes(&mut b);
            hex::encode(b)
        }
    }
}

/// Outermost middleware: gives the request an id (echoed in `X-Request-Id`), runs it inside a
/// tracing span carrying that id, logs one line per request and records its latency by route
/// pattern (never by raw path, so that the number of series stays bounded).
pub async fn observe(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let id = request_id(&req);
    req.extensions_mut().insert(RequestId(id.clone()));
    let method = req.method().to_string();
    // The pattern the router matches: on its percent-decoded path, as it routes.
    let route = req
        .resource_map()
        .match_pattern(req.match_info().as_str())
        .unwrap_or_else(|| "unmatched".to_string());
    let path = req.path().to_string();
    let metrics = req
        .app_data::<web::Data<AppState>>()
        .map(|s| s.metrics.clone());
    let span = tracing::info_span!("request", request_id = %id, method = %method, route = %route);
    let result = next.call(req).instrument(span.clone()).await;
    let elapsed = started.elapsed();
    let status = match &result {
        Ok(res) => res.status().as_u16(),
        Err(e) => e.as_response_error().status_code().as_u16(),
    };
    let class = format!("{}xx", status / 100);
    // The client as the front resolved it (forwarded headers only from trusted proxies).
    let client = match &result {
        Ok(res) => res
            .request()
            .extensions()
            .get::<crate::auth::RequestInfo>()
            .map(|i| i.client_ip.clone()),
        Err(_) => None,
    }
    .unwrap_or_default();
    if let Some(h) = metrics
        .as_ref()
        .and_then(|m| m.latency.as_ref())
        .and_then(|l| {
            l.get_metric_with_label_values(&[method.as_str(), route.as_str(), class.as_str()])
                .ok()
        })
    {
        h.observe(elapsed.as_secs_f64());
    }
    span.in_scope(|| {
        tracing::info!(
            status,
            path = %path,
            client = %client,
            ms = elapsed.as_secs_f64() * 1000.0,
            "request"
        )
    });
    let mut res = result?;
    if let Ok(v) = HeaderValue::from_str(&id) {
        res.headers_mut()
            .insert(HeaderName::from_static(REQUEST_ID), v);
    }
    Ok(res)
}

/// `GET /healthz`: the process is up and answering.
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .insert_header(("Cache-Control", "no-store"))
        .body("ok\n")
}

/// Facts about the index and the database, for `/readyz` and `/metrics`.
struct Facts {
    database: Result<(), String>,
    outbox_max: i64,
    applied: Option<i64>,
}

async fn facts(state: &AppState) -> Facts {
    let pool = state.pool.clone();
    let search = state.search.clone();
    let read = web::block(move || -> Result<i64, String> {
        let mut conn = pool.get().map_err(|e| e.to_string())?;
        queries::outbox_max(&mut conn.db()).map_err(|e| e.to_string())
    })
    .await
    .map_err(|e| e.to_string())
    .and_then(|r| r);
    let applied = search.map(|s| s.applied());
    match read {
        Ok(max) => Facts {
            database: Ok(()),
            outbox_max: max,
            applied,
        },
        Err(e) => Facts {
            database: Err(e),
            outbox_max: 0,
            applied,
        },
    }
}

/// `GET /readyz`: 200 when the database answers and the search index is built and at most
/// `ready_max_lag` outbox entries behind; 503 otherwise, saying which (`index`: `building`
/// while an empty index directory is being filled or a rebuild runs, the instance serving
/// meanwhile). It never waits for the indexer, so a proxy's health check gets its answer.
pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    let f = facts(&state).await;
    let lag = f.applied.map(|a| (f.outbox_max - a).max(0));
    let lag_ok = lag.is_none_or(|l| l <= state.ready_max_lag);
    let phase = state.search.as_ref().map(|s| s.phase());
    let building = phase == Some(IndexPhase::Building);
    let ok = f.database.is_ok() && lag_ok && !building;
    let body = serde_json::json!({
        "ready": ok,
        "database": match &f.database { Ok(()) => "ok".to_string(), Err(e) => format!("không kết nối được: {e}") },
        "index": match phase { Some(IndexPhase::Building) => "building", Some(IndexPhase::Following) => "ok", None => "none" },
        "index_lag": lag,
        "index_lag_bound": state.ready_max_lag,
    });
    let mut r = if ok {
        HttpResponse::Ok()
    } else {
        HttpResponse::ServiceUnavailable()
    };
    r.insert_header(("Cache-Control", "no-store")).json(body)
}

/// `GET /metrics`: Prometheus text format.
pub async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    let f = facts(&state).await;
    let mut out = Vec::new();
    let encoder = prometheus::TextEncoder::new();
    if let Err(e) = encoder.encode(&state.metrics.registry.gather(), &mut out) {
        tracing::error!(error = %e, "metrics encoding");
    }
    let mut text = String::from_utf8(out).unwrap_or_default();
    let gauge = |text: &mut String, name: &str, help: &str, value: i64| {
        text.push_str(&format!(
            "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}\n"
        ));
    };
    gauge(
        &mut text,
        "vanban_database_up",
        "Whether the database answered this scrape",
        i64::from(f.database.is_ok()),
    );
    gauge(
        &mut text,
        "vanban_outbox_max_id",
        "Newest outbox entry written by any instance",
        f.outbox_max,
    );
    if let Some(a) = f.applied {
        gauge(
            &mut text,
            "vanban_search_applied_outbox_id",
            "Outbox entry the search index of this instance has applied",
            a,
        );
        gauge(
            &mut text,
            "vanban_search_index_lag",
            "Outbox entries not yet in this instance's search index",
            (f.outbox_max - a).max(0),
        );
    }
    if let Some(search) = state.search.clone() {
        let units = web::block(move || search.count_units()).await;
        if let Ok(Ok(units)) = units {
            text.push_str(
                "# HELP vanban_search_index_units Units in this instance's search index, by kind\n\
                 # TYPE vanban_search_index_units gauge\n",
            );
            for (kind, n) in units {
                text.push_str(&format!(
                    "vanban_search_index_units{{kind=\"{kind}\"}} {n}\n"
                ));
            }
        }
    }
    let (dense, dense_bytes) = crate::search::dense_kept();
    gauge(
        &mut text,
        "vanban_search_dense_words",
        "Common words the index segments keep as bitsets (every word one unit in eight has)",
        i64::try_from(dense).unwrap_or(i64::MAX),
    );
    gauge(
        &mut text,
        "vanban_search_dense_words_bytes",
        "Memory the kept bitsets of the common words take",
        i64::try_from(dense_bytes).unwrap_or(i64::MAX),
    );
    let p = &crate::search::build::REBUILD;
    gauge(
        &mut text,
        "vanban_search_rebuild_running",
        "Whether a full rebuild of the search index is running",
        i64::from(p.running.load(Relaxed)),
    );
    gauge(
        &mut text,
        "vanban_search_rebuild_documents_done",
        "Documents indexed by the current or last rebuild",
        i64::try_from(p.done.load(Relaxed)).unwrap_or(i64::MAX),
    );
    gauge(
        &mut text,
        "vanban_search_rebuild_documents_total",
        "Documents to index in the current or last rebuild",
        i64::try_from(p.total.load(Relaxed)).unwrap_or(i64::MAX),
    );
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .insert_header(("Cache-Control", "no-store"))
        .body(text)
}
