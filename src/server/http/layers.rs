//! The layers every request passes: limits (in flight, renders, body sizes), the refusal of
//! malformed requests and cross-site writes, security and cache headers, request ids and the
//! request log, panics as plain 500s, and the right status for server-function errors.
use axum::Router;
use tower_http::request_id::{PropagateRequestIdLayer, SetRequestIdLayer};

use super::*;
use crate::i18n::Locale;
use crate::server::state::AppState;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::atomic::{AtomicU64, Ordering};
use tower_http::request_id::{MakeRequestId, RequestId};
use tower_http::trace::TraceLayer;
use tracing::Instrument;

/// Page renders and server-function calls running at once; more wait for none but get 503.
pub(super) const MAX_RENDERS_IN_FLIGHT: usize = 256;

/// How long a client waits for a page before it gets 503 (the render itself goes on).
pub(super) const RENDER_PATIENCE: std::time::Duration = std::time::Duration::from_secs(30);

/// Runs every page render and server-function call to its end in a task of its own, whatever
/// the client does, and bounds how many run at once.
///
/// Why: leptos_axum frees a page's reactive state only when the last piece of the response
/// body has been read (the resources, their owner and the request's shared context hold each
/// other in a cycle that the end of the stream breaks). A client that hangs up mid-render made
/// the server keep that state for good, a few KB per abandoned load. Reading the body here, in
/// a task that the client's hang-up does not cancel, always reaches that end. Pages in async
/// mode are fully buffered by Leptos anyway, so nothing is lost by buffering here.
pub(super) async fn render_to_completion(
    State(renders): State<std::sync::Arc<tokio::sync::Semaphore>>,
    req: Request,
    next: Next,
) -> Response {
    let Ok(permit) = renders.try_acquire_owned() else {
        tracing::warn!("too many renders in flight, answering 503");
        return crate::error::AppError::Busy.into_response();
    };
    // (Warnings are bounded per place in the code by `log_budget`, so an overload does not
    // write one line per refused request.)
    let task = tokio::spawn(
        async move {
            let (parts, body) = next.run(req).await.into_parts();
            let res = match axum::body::to_bytes(body, usize::MAX).await {
                Ok(bytes) => Response::from_parts(parts, Body::from(bytes)),
                Err(e) => crate::error::AppError::internal(e).into_response(),
            };
            drop(permit);
            res
        }
        .in_current_span(),
    );
    match tokio::time::timeout(RENDER_PATIENCE, task).await {
        Ok(Ok(res)) => res,
        Ok(Err(e)) => {
            tracing::error!(panic = e.is_panic(), error = %e, "render task failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                Locale::De.texts().error_generic,
            )
                .into_response()
        }
        Err(_) => {
            tracing::warn!("render slower than {RENDER_PATIENCE:?}; the client gets 503");
            crate::error::AppError::Busy.into_response()
        }
    }
}

/// Requests handled at once (static files and health checks aside); more get 503 at once
/// instead of queueing without bound for a database connection or the write lock.
pub(super) const MAX_REQUESTS_IN_FLIGHT: usize = 1024;

pub(super) async fn limit_in_flight(
    State(slots): State<std::sync::Arc<tokio::sync::Semaphore>>,
    req: Request,
    next: Next,
) -> Response {
    let path = req.uri().path();
    if path.starts_with("/pkg/") || path == "/healthz" || path == "/metrics" {
        return next.run(req).await;
    }
    let Ok(_slot) = slots.try_acquire_owned() else {
        tracing::warn!("too many requests in flight, answering 503");
        return crate::error::AppError::Busy.into_response();
    };
    let _counted = InFlight::enter();
    next.run(req).await
}

pub(super) static IN_FLIGHT: AtomicU64 = AtomicU64::new(0);

/// Counts a request while it lives, also when the client hangs up and its future is dropped.
pub(super) struct InFlight;

impl InFlight {
    fn enter() -> InFlight {
        IN_FLIGHT.fetch_add(1, Ordering::Relaxed);
        InFlight
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        IN_FLIGHT.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Requests being answered right now (static files and health checks aside).
pub fn requests_in_flight() -> u64 {
    IN_FLIGHT.load(Ordering::Relaxed)
}

/// The most a server-function call may send (axum's default body limit, which server_fn applies).
pub(super) const MAX_SERVER_FN_BYTES: u64 = 2 * 1024 * 1024;

/// Refuses what no route can serve before it reaches one: a target without a path (`CONNECT
/// host:port`, which the Leptos fallback cannot handle) answers 400; a path segment longer than
/// any file name or id (255 bytes) 404 (the file service would fail on it with 500); a
/// server-function body announced larger than the limit 413 before it is read.
pub(super) async fn refuse_malformed(req: Request, next: Next) -> Response {
    let t = Locale::De.texts();
    let uri = req.uri();
    if req.method() == Method::CONNECT
        || uri.path_and_query().is_none()
        || !uri.path().starts_with('/')
    {
        return (StatusCode::BAD_REQUEST, t.error_bad_request).into_response();
    }
    if uri.path().split('/').any(|segment| segment.len() > 255) {
        return (StatusCode::NOT_FOUND, t.error_not_found).into_response();
    }
    let announced = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if uri.path().starts_with("/api/") && announced.is_some_and(|n| n > MAX_SERVER_FN_BYTES) {
        return (StatusCode::PAYLOAD_TOO_LARGE, t.error_too_large).into_response();
    }
    next.run(req).await
}

/// A panic while handling a request: logged, and answered with a plain 500 instead of a dropped
/// connection. Nothing of the panic reaches the client.
pub(super) fn panic_response(err: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let detail = err
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| err.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)");
    tracing::error!(panic = detail, "request handler panicked");
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        Locale::De.texts().error_generic,
    )
        .into_response()
}

/// Request ids: a counter per process, unless a proxy in front already sent `x-request-id`
/// (nginx's `$request_id`), so that one id follows the request through both logs.
#[derive(Clone, Copy, Default)]
pub(super) struct RequestCounter;

pub(super) static REQUEST_COUNTER: AtomicU64 = AtomicU64::new(1);

impl MakeRequestId for RequestCounter {
    fn make_request_id<B>(&mut self, _: &axum::http::Request<B>) -> Option<RequestId> {
        let id = REQUEST_COUNTER.fetch_add(1, Ordering::Relaxed);
        HeaderValue::from_str(&id.to_string())
            .ok()
            .map(RequestId::new)
    }
}

/// One log line per answered request (method, path, status, latency), in a span carrying the
/// request id, so that whatever the request logs on its way is found by that id. Failures are
/// not logged again here: the places that fail log them (bounded by `log_budget`), and an
/// overload's 503s would otherwise flood the log.
pub(super) fn with_request_log<S: Clone + Send + Sync + 'static>(router: Router<S>) -> Router<S> {
    let log = TraceLayer::new_for_http()
        .make_span_with(|req: &axum::http::Request<Body>| {
            let id = req
                .headers()
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("-");
            tracing::info_span!("request", id, method = %req.method(), path = %req.uri().path())
        })
        .on_request(())
        .on_response(
            |res: &Response, latency: std::time::Duration, _: &tracing::Span| {
                let latency_ms = latency.as_secs_f64() * 1000.0;
                tracing::info!(status = res.status().as_u16(), latency_ms, "request");
            },
        )
        .on_body_chunk(())
        .on_eos(())
        .on_failure(());
    // Last added is outermost: the id is set first, so the log's span carries it, and copied
    // onto the answer.
    router
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(log)
        .layer(SetRequestIdLayer::x_request_id(RequestCounter))
}

/// Server functions answer every error with 500; this gives the client the status that fits the
/// error (401, 403, 404, 422, 429 …). Form posts without JavaScript (302 back to the form) are
/// left alone.
pub(super) async fn server_fn_error_status(req: Request, next: Next) -> Response {
    let res = next.run(req).await;
    if res.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !res.headers().contains_key("serverfnerror")
    {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    // Error bodies are small (import problems are capped, see `import::summary`); the limit
    // only guards against reading something unexpected without end.
    let Ok(bytes) = axum::body::to_bytes(body, 1024 * 1024).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, Body::empty()).into_response();
    };
    if let Ok(err) = serde_json::from_slice::<crate::error::AppError>(&bytes) {
        parts.status = err.status();
        if err == crate::error::AppError::Busy {
            parts
                .headers
                .insert(header::RETRY_AFTER, HeaderValue::from_static("2"));
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// Security headers on every response; HTML gets a CSP whose script nonce matches the one the
/// shell puts on Leptos's inline hydration scripts.
pub(super) async fn security_headers(
    axum::extract::State(state): axum::extract::State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let nonce = leptos::nonce::Nonce::new().to_string();
    req.extensions_mut().insert(CspNonce(nonce.clone()));
    let path = req.uri().path().to_string();
    let is_static =
        path.starts_with("/pkg/") || path.starts_with("/inhalte/") || path == "/favicon.svg";
    let mut res = next.run(req).await;
    let found = res.status().is_success();
    let h = res.headers_mut();
    let csp = if path == "/logo.svg" {
        // The organisation's SVG logo, as exported by drawing programs (inline styles), never
        // with scripts or anything loaded from elsewhere, even when opened on its own.
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox".to_string()
    } else {
        format!(
            "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
             style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; \
             object-src 'none'; base-uri 'none'; form-action 'self'{}; frame-ancestors 'none'",
            // Signing out of a single sign-on session: the form's redirect goes on to the
            // provider's sign-out, which form-action must allow.
            state
                .sso
                .as_ref()
                .map(|s| format!(" {}", s.issuer_origin))
                .unwrap_or_default()
        )
    };
    if let Ok(v) = HeaderValue::from_str(&csp) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=()"),
    );
    if !h.contains_key(header::CACHE_CONTROL) {
        // Built files carry a content hash in their names: kept for a year, never revalidated (a
        // new build has new names). Other static files are revalidated (cheap 304s); pages,
        // downloads and answers may carry personal data and are not stored at all.
        let value = if is_static && found && is_hashed_asset(&path) {
            "public, max-age=31536000, immutable"
        } else if is_static {
            "no-cache"
        } else {
            "no-store"
        };
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    }
    res
}

/// `/pkg/<name>.<16 hex digits>[_bg].<ext>`: a file `scripts/build.sh` named by its content.
pub(super) fn is_hashed_asset(path: &str) -> bool {
    let Some(file) = path.strip_prefix("/pkg/") else {
        return false;
    };
    !file.contains('/')
        && file.split('.').any(|part| {
            let part = part.strip_suffix("_bg").unwrap_or(part);
            part.len() == 16 && part.bytes().all(|b| b.is_ascii_hexdigit())
        })
}

/// Refuses state-changing requests from other sites (in addition to SameSite cookies): the
/// browser's `Sec-Fetch-Site`, or else `Origin`, must name this site.
/// Downloads that write to the audit log are refused when another site links to them
/// (`Sec-Fetch-Site: cross-site`), so that no foreign page can make a signed-in person's
/// browser fetch them and fill the log.
pub(super) async fn origin_check(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    let refuse = || {
        tracing::warn!(path = %req.uri().path(), "cross-site request refused");
        (StatusCode::FORBIDDEN, Locale::De.texts().error_forbidden).into_response()
    };
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        if is_audited_download(req.uri().path())
            && req
                .headers()
                .get("sec-fetch-site")
                .is_some_and(|v| v.as_bytes() == b"cross-site")
        {
            return refuse();
        }
        return next.run(req).await;
    }
    if origin_allowed(req.headers(), &state.config.public_base_url) {
        next.run(req).await
    } else {
        refuse()
    }
}

/// Plain routes whose GET writes an audit entry.
pub(super) fn is_audited_download(path: &str) -> bool {
    path == "/konto/meine-daten.json" || path.starts_with("/verwaltung/export/")
}

pub fn origin_allowed(headers: &HeaderMap, public_base_url: &str) -> bool {
    let get = |name: header::HeaderName| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return matches!(site, "same-origin" | "none");
    }
    match get(header::ORIGIN) {
        // Non-browser clients (curl, tests) send neither header.
        None => true,
        Some(origin) => {
            let host_origin = get(header::HOST).map(|h| format!("http://{h}"));
            let host_origin_tls = get(header::HOST).map(|h| format!("https://{h}"));
            origin == public_base_url
                || Some(origin) == host_origin.as_deref()
                || Some(origin) == host_origin_tls.as_deref()
        }
    }
}
