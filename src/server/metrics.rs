//! `/metrics` in Prometheus' text format (with `METRICS=on`), so that an installation's
//! monitoring sees load, errors, slowness and the database pool before people complain.
//! Labels are bounded: a route is named by its first path segment (server functions by their
//! endpoint), and anything answered 404 counts as "unmatched", so scanners cannot make the
//! series grow without end.
use std::time::Instant;

use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

use super::state::AppState;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    route: String,
    status: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabel {
    route: String,
}

/// The installation's counters; one per process.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabel, Histogram>,
    pub sign_in_failures: Counter,
    pub sign_ins_refused: Counter,
    pub certificates_issued: Counter,
    pool_size: Gauge,
    pool_idle: Gauge,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("seepferdchen");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "Answered requests by route and status",
            requests.clone(),
        );
        let latency = Family::<RouteLabel, Histogram>::new_with_constructor(|| {
            Histogram::new(exponential_buckets(0.0005, 2.0, 16))
        });
        registry.register(
            "http_request_duration_seconds",
            "Time to answer, by route",
            latency.clone(),
        );
        let sign_in_failures = Counter::default();
        registry.register(
            "sign_in_failures",
            "Wrong e-mail or password",
            sign_in_failures.clone(),
        );
        let sign_ins_refused = Counter::default();
        registry.register(
            "sign_ins_refused",
            "Sign-ins refused by throttling",
            sign_ins_refused.clone(),
        );
        let certificates_issued = Counter::default();
        registry.register(
            "certificates_issued",
            "Certificates issued",
            certificates_issued.clone(),
        );
        let pool_size = Gauge::default();
        registry.register(
            "db_pool_connections",
            "Open database connections",
            pool_size.clone(),
        );
        let pool_idle = Gauge::default();
        registry.register(
            "db_pool_idle_connections",
            "Idle database connections",
            pool_idle.clone(),
        );
        Metrics {
            registry,
            requests,
            latency,
            sign_in_failures,
            sign_ins_refused,
            certificates_issued,
            pool_size,
            pool_idle,
        }
    }
}

/// The label of a request path: `/api/<endpoint>`, or the first segment (`/kurse`, `/pkg`).
pub fn route_label(path: &str, status: StatusCode) -> String {
    if status == StatusCode::NOT_FOUND {
        return "unmatched".into();
    }
    let mut segments = path.trim_start_matches('/').split('/');
    let first = segments.next().unwrap_or("");
    let label = match first {
        "api" => format!("/api/{}", segments.next().unwrap_or("")),
        "" => "/".into(),
        other => format!("/{other}"),
    };
    // Routes are short ASCII names; anything else is not one of ours.
    if label.len() > 48
        || !label
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/_-.".contains(c))
    {
        return "other".into();
    }
    label
}

/// Middleware: counts every answer and its time.
pub async fn record(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if !state.config.metrics {
        return next.run(req).await;
    }
    let path = req.uri().path().to_string();
    let start = Instant::now();
    let res = next.run(req).await;
    let route = route_label(&path, res.status());
    let m = &state.metrics;
    m.latency
        .get_or_create(&RouteLabel {
            route: route.clone(),
        })
        .observe(start.elapsed().as_secs_f64());
    m.requests
        .get_or_create(&RequestLabels {
            route,
            status: res.status().as_u16().to_string(),
        })
        .inc();
    res
}

/// `GET /metrics`: 404 unless `METRICS=on`. Protect it at the proxy (see `deploy/nginx.conf`).
pub async fn export(State(state): State<AppState>) -> Response {
    if !state.config.metrics {
        return StatusCode::NOT_FOUND.into_response();
    }
    let m = &state.metrics;
    m.pool_size.set(i64::from(state.db.pool.size()));
    m.pool_idle.set(state.db.pool.num_idle() as i64);
    let mut text = String::new();
    if let Err(e) = prometheus_client::encoding::text::encode(&mut text, &m.registry) {
        return crate::error::AppError::internal(e).into_response();
    }
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        text,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_stay_few() {
        assert_eq!(route_label("/api/login", StatusCode::OK), "/api/login");
        assert_eq!(
            route_label("/kurse/ki-seepferdchen/x", StatusCode::OK),
            "/kurse"
        );
        assert_eq!(route_label("/", StatusCode::OK), "/");
        assert_eq!(
            route_label("/irgendwas/123", StatusCode::NOT_FOUND),
            "unmatched"
        );
        assert_eq!(route_label("/%ff%fe", StatusCode::BAD_REQUEST), "other");
    }
}
