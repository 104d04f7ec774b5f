//! The Prometheus metrics of this service and the request id (recorded by `web::observe`).

use prometheus::{HistogramOpts, HistogramVec, IntCounterVec, Opts, Registry};

/// The header carrying the request id, both ways.
pub const REQUEST_ID: &str = "x-request-id";

/// The request's id, for handlers that log or report it.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// The service's metrics, one registry per application state. A metric the library refuses
/// (it cannot: the definitions are constant) is logged and left out rather than stopping the
/// service.
pub struct Metrics {
    pub registry: Registry,
    pub latency: Option<HistogramVec>,
    /// Registry records and register rows written through the API or the pages.
    pub imported: Option<IntCounterVec>,
}

impl Metrics {
    pub fn new() -> Metrics {
        let registry = Registry::new();
        // The buckets span a cached search (1 ms) to a slow export (10 s).
        let latency = HistogramVec::new(
            HistogramOpts::new(
                "vanban_http_request_duration_seconds",
                "Time to answer HTTP requests, by method, route pattern and status class",
            )
            .buckets(vec![
                0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
            ]),
            &["method", "route", "status"],
        );
        let imported = IntCounterVec::new(
            Opts::new(
                "vanban_imported_records_total",
                "Records written by imports through this server, by source",
            ),
            &["source"],
        );
        Metrics {
            latency: registered(&registry, latency),
            imported: registered(&registry, imported),
            registry,
        }
    }

    /// Counts records written by an import from `source` (`records`, `register`).
    pub fn imported(&self, source: &str, n: usize) {
        if let Some(c) = self
            .imported
            .as_ref()
            .and_then(|v| v.get_metric_with_label_values(&[source]).ok())
        {
            c.inc_by(n as u64);
        }
    }
}

fn registered<M: prometheus::core::Collector + Clone + 'static>(
    registry: &Registry,
    metric: prometheus::Result<M>,
) -> Option<M> {
    let m = metric
        .and_then(|m| registry.register(Box::new(m.clone())).map(|()| m))
        .map_err(|e| tracing::error!(error = %e, "metric not registered"))
        .ok()?;
    Some(m)
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}
