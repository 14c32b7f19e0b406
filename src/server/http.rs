//! The axum router: plain routes first, then the Leptos pages and server functions, wrapped in
//! logging, security headers, an origin check for writes, and compression.
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Multipart};
use axum::extract::{Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use serde::Deserialize;
use tower_http::compression::CompressionLayer;
use tower_http::services::ServeDir;
use tracing::Instrument;

use super::state::AppState;
use crate::app::{shell, App};
use crate::i18n::{Locale, LANG_COOKIE};

/// The CSP nonce of one request; the page shell hands it to Leptos for its inline scripts.
#[derive(Debug, Clone)]
pub struct CspNonce(pub String);

pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let context_state = state.clone();
    let shell_options = state.leptos_options.clone();
    let fallback_state = state.clone();
    let pkg = ServeDir::new(state.config.site_root.join("pkg"))
        .precompressed_br()
        .precompressed_gzip();
    let renders = std::sync::Arc::new(tokio::sync::Semaphore::new(MAX_RENDERS_IN_FLIGHT));
    let pages = Router::new()
        .leptos_routes_with_context(
            &state,
            routes,
            move || {
                provide_context(context_state.clone());
                provide_context(crate::server::auth::authz::RequestActor::default());
            },
            move || shell(shell_options.clone()),
        )
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(
            move || provide_context(fallback_state.clone()), shell
        ))
        .layer(middleware::from_fn_with_state(
            renders,
            render_to_completion,
        ));
    Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(super::metrics::export))
        .route("/sprache", get(set_language))
        .route("/inhalte/{course}/images/{file}", get(content_image))
        .route("/versuche/starten", post(start_attempt))
        .route("/zertifikate/{code}/pdf", get(certificate_pdf))
        .route("/zertifikate/schluessel.json", get(public_keys))
        .route("/konto/meine-daten.json", get(my_data))
        .route(
            "/verwaltung/export/status.csv",
            get(crate::server::reports::routes::status_csv),
        )
        .route(
            "/verwaltung/export/nachweis.csv",
            get(crate::server::reports::routes::evidence_csv),
        )
        .route(
            "/verwaltung/export/nachweis.pdf",
            get(crate::server::reports::routes::evidence_pdf),
        )
        .route("/versuche/{id}", post(submit_attempt))
        .route(
            "/verwaltung/import",
            post(upload_import).layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES)),
        )
        .nest_service("/pkg", pkg)
        // Its own route: the pages' fallback turns every answer but 200 into the 404 page, so a
        // browser revalidating its cached icon (304) would be told it is gone.
        .route_service(
            "/favicon.svg",
            tower_http::services::ServeFile::new(state.config.site_root.join("favicon.svg")),
        )
        .merge(pages)
        .layer(middleware::from_fn_with_state(state.clone(), verify_json))
        .layer(middleware::from_fn(server_fn_error_status))
        .layer(CompressionLayer::new())
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(
            panic_response,
        ))
        .layer(middleware::from_fn_with_state(state.clone(), origin_check))
        .layer(middleware::from_fn_with_state(
            std::sync::Arc::new(tokio::sync::Semaphore::new(MAX_REQUESTS_IN_FLIGHT)),
            limit_in_flight,
        ))
        .layer(middleware::from_fn(refuse_malformed))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            super::client_ip::resolve,
        ))
        // Outermost but for the log: every answer, refusals included, carries the headers.
        .layer(middleware::from_fn(security_headers))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            super::metrics::record,
        ))
        .layer(middleware::from_fn(request_log))
        .with_state(state)
}

/// Page renders and server-function calls running at once; more wait for none but get 503.
const MAX_RENDERS_IN_FLIGHT: usize = 256;

/// How long a client waits for a page before it gets 503 (the render itself goes on).
const RENDER_PATIENCE: std::time::Duration = std::time::Duration::from_secs(30);

/// Runs every page render and server-function call to its end in a task of its own, whatever
/// the client does, and bounds how many run at once.
///
/// Why: leptos_axum frees a page's reactive state only when the last piece of the response
/// body has been read (the resources, their owner and the request's shared context hold each
/// other in a cycle that the end of the stream breaks). A client that hangs up mid-render made
/// the server keep that state for good, a few KB per abandoned load. Reading the body here, in
/// a task that the client's hang-up does not cancel, always reaches that end. Pages in async
/// mode are fully buffered by Leptos anyway, so nothing is lost by buffering here.
async fn render_to_completion(
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
const MAX_REQUESTS_IN_FLIGHT: usize = 1024;

async fn limit_in_flight(
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

static IN_FLIGHT: AtomicU64 = AtomicU64::new(0);

/// Counts a request while it lives, also when the client hangs up and its future is dropped.
struct InFlight;

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
const MAX_SERVER_FN_BYTES: u64 = 2 * 1024 * 1024;

/// Refuses what no route can serve before it reaches one: a target without a path (`CONNECT
/// host:port`, which the Leptos fallback cannot handle) answers 400; a path segment longer than
/// any file name or id (255 bytes) 404 (the file service would fail on it with 500); a
/// server-function body announced larger than the limit 413 before it is read.
async fn refuse_malformed(req: Request, next: Next) -> Response {
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
fn panic_response(err: Box<dyn std::any::Any + Send + 'static>) -> Response {
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

/// `GET /healthz`: 200 when the database answers, 503 otherwise.
async fn healthz(State(state): State<AppState>) -> Response {
    match state.db.ping().await {
        Ok(()) => (StatusCode::OK, "ok").into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

#[derive(Debug, Deserialize)]
struct LanguageQuery {
    lang: String,
    zurueck: Option<String>,
}

/// `GET /sprache?lang=en&zurueck=/pfad`: stores the UI language in a cookie and goes back.
/// Works without JavaScript; only local paths are accepted as the target.
/// Signed in, the choice also becomes the language of the person's mails.
async fn set_language(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<LanguageQuery>,
) -> Response {
    let Some(locale) = Locale::from_code(&q.lang) else {
        return (
            StatusCode::BAD_REQUEST,
            Locale::De.texts().error_invalid_input,
        )
            .into_response();
    };
    if let Ok(Some(actor)) = crate::server::auth::authz::actor_from_headers(&state, &headers).await
    {
        if let Err(e) =
            crate::server::db::reminders::set_locale(&state.db, actor.id(), locale.code()).await
        {
            tracing::warn!(error = %e, "mail language not stored");
        }
    }
    let target = q
        .zurueck
        .filter(|p| is_local_path(p))
        .unwrap_or_else(|| "/".to_string());
    let secure = if state.config.cookie_secure {
        "; Secure"
    } else {
        ""
    };
    let cookie = format!(
        "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly{secure}",
        locale.code()
    );
    let mut res = Redirect::to(&target).into_response();
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        res.headers_mut().insert(header::SET_COOKIE, v);
    }
    res
}

/// `GET /inhalte/<course>/images/<file>`: images of a published course (public, like the
/// texts they illustrate). Only plain file names with an image extension; nothing else of the
/// content folder can be reached.
async fn content_image(
    State(state): State<AppState>,
    axum::extract::Path((course, file)): axum::extract::Path<(String, String)>,
    req: Request,
) -> Response {
    let plain = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
            && !s.starts_with('.')
    };
    let image = [".png", ".jpg", ".jpeg", ".svg", ".webp", ".gif"]
        .iter()
        .any(|ext| file.to_ascii_lowercase().ends_with(ext));
    let published = state.catalog.course(&course).is_some_and(|c| c.published);
    if !(plain(&course) && plain(&file) && image && published) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let path = state
        .config
        .content_dir
        .join("courses")
        .join(&course)
        .join("images")
        .join(&file);
    match tower_http::services::ServeFile::new(path)
        .try_call(req)
        .await
    {
        Ok(res) => res.map(Body::new).into_response(),
        Err(_) => StatusCode::NOT_FOUND.into_response(),
    }
}

/// The signed-in actor of a plain route, or the response to send instead (sign-in page).
pub(crate) async fn route_actor(
    state: &AppState,
    headers: &HeaderMap,
    back: &str,
) -> Result<crate::server::auth::authz::Actor, Response> {
    match crate::server::auth::authz::actor_from_headers(state, headers).await {
        Ok(Some(a)) => Ok(a),
        Ok(None) => Err(Redirect::to(&format!(
            "/anmelden?weiter={}",
            crate::components::layout::percent_encode(back)
        ))
        .into_response()),
        Err(e) => Err(e.into_response()),
    }
}

/// Like `route_actor`, for admins and coordinators only: employees get 403.
pub(crate) async fn route_manager(
    state: &AppState,
    headers: &HeaderMap,
    back: &str,
) -> Result<crate::server::auth::authz::Actor, Response> {
    let actor = route_actor(state, headers, back).await?;
    if actor.role() == crate::model::Role::Employee {
        return Err(crate::error::AppError::Forbidden.into_response());
    }
    Ok(actor)
}

fn form_fields(body: &axum::body::Bytes) -> Vec<(String, String)> {
    url::form_urlencoded::parse(body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// `POST /versuche/starten` (`kurs`, optional `modul`): starts a module check or the final test
/// and shows it. Any signed-in person, for themself.
async fn start_attempt(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let fields = form_fields(&body);
    let get = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let course = get("kurs").unwrap_or_default();
    let module = get("modul").filter(|m| !m.is_empty());
    let back = match &module {
        Some(m) => format!("/kurse/{course}/{m}"),
        None => format!("/kurse/{course}"),
    };
    let actor = match route_actor(&state, &headers, &back).await {
        Ok(a) => a,
        Err(res) => return res,
    };
    let t = Locale::from_cookie_header(headers.get(header::COOKIE).and_then(|v| v.to_str().ok()))
        .texts();
    match crate::server::quiz::service::start(&state, &actor, &course, module.as_deref(), t).await {
        Ok(id) => Redirect::to(&format!("/versuche/{id}")).into_response(),
        Err(crate::error::AppError::InvalidInput(_)) => {
            Redirect::to(&format!("{back}?test=gesperrt")).into_response()
        }
        Err(e) => e.into_response(),
    }
}

/// `POST /versuche/<id>`: submits the answers (form fields `q.<frage>` and `o.<frage>.<option>`)
/// and shows the result. Only the attempt's owner; graded exactly once.
async fn submit_attempt(
    State(state): State<AppState>,
    axum::extract::Path(id): axum::extract::Path<i64>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let here = format!("/versuche/{id}");
    let actor = match route_actor(&state, &headers, &here).await {
        Ok(a) => a,
        Err(res) => return res,
    };
    let t = Locale::from_cookie_header(headers.get(header::COOKIE).and_then(|v| v.to_str().ok()))
        .texts();
    match crate::server::quiz::service::submit(&state, &actor, id, &form_fields(&body), t).await {
        Ok(()) => Redirect::to(&here).into_response(),
        Err(crate::error::AppError::InvalidInput(_)) => {
            Redirect::to(&format!("{here}?fehler=antworten")).into_response()
        }
        Err(e) => e.into_response(),
    }
}

/// The public lookup behind `/verify/<code>` and its JSON: rate-limited per client address
/// (RateLimited, shown as 429); unknown and malformed codes answer NotFound.
pub async fn verify_lookup(
    state: &AppState,
    code: &str,
) -> Result<crate::model::VerifyView, crate::error::AppError> {
    lookup(state, code, &request_ip())
        .await
        .map(|(view, _)| view)
}

/// The client's address in a server function (see `client_ip`).
pub fn request_ip() -> String {
    leptos::prelude::use_context::<axum::http::request::Parts>()
        .map(|p| peer_ip(&p.extensions))
        .unwrap_or_else(|| "unknown".into())
}

async fn lookup(
    state: &AppState,
    code: &str,
    ip: &str,
) -> Result<
    (
        crate::model::VerifyView,
        crate::server::db::certificates::CertificateRow,
    ),
    crate::error::AppError,
> {
    use crate::error::AppError;
    use crate::i18n::Date;
    use crate::server::certificate::{self, Payload};
    if !state.verify_limiter.allow(ip, state.clock.now()) {
        return Err(AppError::RateLimited);
    }
    let code = certificate::normalize_code(code).ok_or(AppError::NotFound)?;
    let row = crate::server::db::certificates::by_code(&state.db, &code)
        .await?
        .ok_or(AppError::NotFound)?;
    let p: Payload = serde_json::from_str(&row.payload).map_err(AppError::internal)?;
    let level =
        crate::model::Level::from_code(&p.level).unwrap_or(crate::model::Level::Seepferdchen);
    let parse = |s: &str| {
        crate::server::content::parse_date(s)
            .ok_or_else(|| AppError::internal("bad date in payload"))
    };
    let view = crate::model::VerifyView {
        status: certificate::status(&row, Date::in_germany(state.clock.now()).to_days()),
        revoked_on: row.revoked_at.map(Date::in_germany),
        holder: p.holder.clone(),
        course_title: p.course_title.clone(),
        level,
        completed_on: parse(&p.completed_on)?,
        valid_until: parse(&p.valid_until)?,
        issuer: p.issuer.clone(),
        code_grouped: certificate::grouped(&row.code),
    };
    Ok((view, row))
}

/// The client's address: the TCP peer, or behind a trusted proxy the address it forwarded
/// (decided once per request by `client_ip::resolve`).
pub fn peer_ip(extensions: &axum::http::Extensions) -> String {
    match extensions.get::<super::client_ip::ClientIp>() {
        Some(ip) => ip.0.to_string(),
        None => extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|c| c.0.ip().to_string())
            .unwrap_or_else(|| "unknown".into()),
    }
}

/// `GET /verify/<code>.json`: the signed payload, its signature and key id, and the current
/// status (not signed: it changes on revocation and expiry). Public, rate-limited.
async fn verify_json(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let Some(code) = path
        .strip_prefix("/verify/")
        .and_then(|p| p.strip_suffix(".json"))
    else {
        return next.run(req).await;
    };
    if req.method() != Method::GET {
        return next.run(req).await;
    }
    match lookup(&state, code, &peer_ip(req.extensions())).await {
        Ok((view, row)) => {
            let payload: serde_json::Value = serde_json::from_str(&row.payload).unwrap_or_default();
            let status = match view.status {
                crate::model::CertStatus::Revoked => "revoked",
                crate::model::CertStatus::Expired => "expired",
                _ => "valid",
            };
            use base64::Engine as _;
            let body = serde_json::json!({
                "payload": payload,
                "payload_base64": base64::engine::general_purpose::STANDARD.encode(row.payload.as_bytes()),
                "signature": row.signature,
                "key_id": row.key_id,
                "algorithm": "Ed25519",
                "signed_bytes": "payload_base64, decoded: exactly the bytes the signature covers (payload is the same, for reading)",
                "public_keys": "/zertifikate/schluessel.json",
                "status": status,
                "revoked_on": view.revoked_on.map(|d| d.iso()),
            });
            axum::Json(body).into_response()
        }
        Err(crate::error::AppError::RateLimited) => (
            StatusCode::TOO_MANY_REQUESTS,
            [(header::RETRY_AFTER, "60")],
            axum::Json(serde_json::json!({"error": "rate limited", "retry_after_seconds": 60})),
        )
            .into_response(),
        Err(_) => (
            StatusCode::NOT_FOUND,
            axum::Json(serde_json::json!({"error": "not found"})),
        )
            .into_response(),
    }
}

/// `GET /zertifikate/schluessel.json`: every public key that signs certificates.
async fn public_keys(State(state): State<AppState>) -> Response {
    match crate::server::db::certificates::public_keys(&state.db).await {
        Ok(keys) => {
            let keys: Vec<serde_json::Value> = keys
                .into_iter()
                .map(|(id, pk)| serde_json::json!({"key_id": id, "algorithm": "Ed25519", "public_key_hex": pk}))
                .collect();
            axum::Json(serde_json::json!({"issuer": state.config.org_name, "keys": keys}))
                .into_response()
        }
        Err(e) => crate::error::AppError::from(e).into_response(),
    }
}

/// `GET /konto/meine-daten.json`: everything stored about the signed-in person, as a download
/// (Art. 15 and 20 GDPR). Only ever the caller's own data; the download is audited.
async fn my_data(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let actor = match route_actor(&state, &headers, "/konto").await {
        Ok(a) => a,
        Err(res) => return res,
    };
    let data = match crate::server::db::personal::export(&state.db, actor.id()).await {
        Ok(d) => d,
        Err(e) => return crate::error::AppError::from(e).into_response(),
    };
    let now = state.clock.now();
    let document = serde_json::json!({
        "erstellt": crate::i18n::Date::in_germany(now).iso(),
        "installation": state.config.org_name,
        "daten": data,
    });
    if let Err(e) = actor
        .audit(&state.db.pool, now, "privacy.export", &actor.user.email, "")
        .await
    {
        return crate::error::AppError::from(e).into_response();
    }
    let body = match serde_json::to_vec_pretty(&document) {
        Ok(b) => b,
        Err(e) => return crate::error::AppError::internal(e).into_response(),
    };
    (
        [
            (header::CONTENT_TYPE, "application/json; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"meine-daten.json\"",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

/// `GET /zertifikate/<code>/pdf`: the holder, a coordinator responsible for the holder's unit,
/// or an admin. "Not yours" and "does not exist" are the same 404.
async fn certificate_pdf(
    State(state): State<AppState>,
    axum::extract::Path(code): axum::extract::Path<String>,
    headers: HeaderMap,
) -> Response {
    use crate::server::certificate::{self, Payload};
    let actor = match route_actor(&state, &headers, "/zertifikate").await {
        Ok(a) => a,
        Err(res) => return res,
    };
    let not_found = || crate::error::AppError::NotFound.into_response();
    let Some(code) = certificate::normalize_code(&code) else {
        return not_found();
    };
    let row = match crate::server::db::certificates::by_code(&state.db, &code).await {
        Ok(Some(r)) => r,
        Ok(None) => return not_found(),
        Err(e) => return crate::error::AppError::from(e).into_response(),
    };
    let own = row.user_id == Some(actor.id());
    let manages = actor.role() != crate::model::Role::Employee
        && row.holder_unit.is_some()
        && actor.can_manage_unit(row.holder_unit);
    if !(own || manages || actor.is_admin()) {
        return not_found();
    }
    if row.revoked_at.is_some() {
        // A revoked certificate is no longer handed out as a document that looks valid.
        let t =
            Locale::from_cookie_header(headers.get(header::COOKIE).and_then(|v| v.to_str().ok()))
                .texts();
        return (StatusCode::GONE, t.cert_pdf_revoked).into_response();
    }
    let Ok(payload) = serde_json::from_str::<Payload>(&row.payload) else {
        return not_found();
    };
    let url = format!("{}/verify/{}", state.config.public_base_url, row.code);
    let logo = match &state.config.org_logo {
        Some(path) => tokio::fs::read(path).await.ok(),
        None => None,
    };
    let rendered = tokio::task::spawn_blocking(move || {
        certificate::pdf::render(&payload, &url, logo.as_deref())
    })
    .await;
    match rendered {
        Ok(Ok(bytes)) => {
            let name = format!(
                "attachment; filename=\"zertifikat-{}.pdf\"",
                row.course_slug
            );
            let mut res = (StatusCode::OK, bytes).into_response();
            res.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/pdf"),
            );
            if let Ok(v) = HeaderValue::from_str(&name) {
                res.headers_mut().insert(header::CONTENT_DISPOSITION, v);
            }
            res
        }
        Ok(Err(e)) => crate::error::AppError::internal(e).into_response(),
        Err(e) => crate::error::AppError::internal(e).into_response(),
    }
}

const MAX_UPLOAD_BYTES: usize = 5 * 1024 * 1024;

/// `POST /verwaltung/import` (multipart, field `datei`): stores an uploaded CSV for preview and
/// redirects to it. Admins and coordinators only; works without JavaScript.
async fn upload_import(
    State(state): State<AppState>,
    headers: HeaderMap,
    mut multipart: Multipart,
) -> Response {
    let actor = match route_manager(&state, &headers, "/verwaltung/import").await {
        Ok(a) => a,
        Err(res) => return res,
    };
    let mut file: Option<(String, Vec<u8>)> = None;
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) if field.name() == Some("datei") => {
                let name = field.file_name().unwrap_or("import.csv").to_string();
                match field.bytes().await {
                    Ok(bytes) => file = Some((name, bytes.to_vec())),
                    Err(_) => {
                        return Redirect::to("/verwaltung/import?fehler=datei").into_response()
                    }
                }
            }
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(_) => return Redirect::to("/verwaltung/import?fehler=datei").into_response(),
        }
    }
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return Redirect::to("/verwaltung/import?fehler=leer").into_response();
    };
    let content = crate::server::accounts::csv_import::decode_text(&bytes);
    let name: String = name.chars().filter(|c| !c.is_control()).take(200).collect();
    match crate::server::db::imports::insert(
        &state.db,
        actor.id(),
        &name,
        &content,
        state.clock.now(),
    )
    .await
    {
        Ok(id) => Redirect::to(&format!("/verwaltung/import/{id}")).into_response(),
        Err(e) => crate::error::AppError::from(e).into_response(),
    }
}

/// A path on this site: starts with one `/`, no scheme or host, no control characters.
pub fn is_local_path(p: &str) -> bool {
    p.starts_with('/')
        && !p.starts_with("//")
        && !p.starts_with("/\\")
        && !p.chars().any(|c| c.is_control())
}

static REQUEST_COUNTER: AtomicU64 = AtomicU64::new(1);

/// Gives each request an id (also sent back as `x-request-id`) and logs method, path, status
/// and latency once it is answered.
async fn request_log(req: Request, next: Next) -> Response {
    let id = REQUEST_COUNTER.fetch_add(1, Ordering::Relaxed);
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let span = tracing::info_span!("request", id);
    let start = Instant::now();
    let mut res = next.run(req).instrument(span.clone()).await;
    let latency_ms = start.elapsed().as_secs_f64() * 1000.0;
    let status = res.status().as_u16();
    span.in_scope(|| tracing::info!(%method, %path, status, latency_ms, "request"));
    if let Ok(v) = HeaderValue::from_str(&id.to_string()) {
        res.headers_mut().insert("x-request-id", v);
    }
    res
}

/// Server functions answer every error with 500; this gives the client the status that fits the
/// error (401, 403, 404, 422, 429 …). Form posts without JavaScript (302 back to the form) are
/// left alone.
async fn server_fn_error_status(req: Request, next: Next) -> Response {
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
async fn security_headers(mut req: Request, next: Next) -> Response {
    let nonce = leptos::nonce::Nonce::new().to_string();
    req.extensions_mut().insert(CspNonce(nonce.clone()));
    let path = req.uri().path().to_string();
    let is_static =
        path.starts_with("/pkg/") || path.starts_with("/inhalte/") || path == "/favicon.svg";
    let mut res = next.run(req).await;
    let found = res.status().is_success();
    let h = res.headers_mut();
    let csp = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    );
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
fn is_hashed_asset(path: &str) -> bool {
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
async fn origin_check(State(state): State<AppState>, req: Request, next: Next) -> Response {
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
fn is_audited_download(path: &str) -> bool {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_paths_only() {
        assert!(is_local_path("/"));
        assert!(is_local_path("/kurse/ki?x=1"));
        assert!(!is_local_path("//evil.example"));
        assert!(!is_local_path("/\\evil.example"));
        assert!(!is_local_path("https://evil.example"));
        assert!(!is_local_path("/a\nb"));
    }

    #[test]
    fn cross_site_writes_are_refused() {
        let mut h = HeaderMap::new();
        assert!(origin_allowed(&h, "http://a"));
        h.insert("sec-fetch-site", HeaderValue::from_static("cross-site"));
        assert!(!origin_allowed(&h, "http://a"));
        h.insert("sec-fetch-site", HeaderValue::from_static("same-origin"));
        assert!(origin_allowed(&h, "http://a"));
        let mut h = HeaderMap::new();
        h.insert(
            header::HOST,
            HeaderValue::from_static("lernen.example:3000"),
        );
        h.insert(
            header::ORIGIN,
            HeaderValue::from_static("http://evil.example"),
        );
        assert!(!origin_allowed(&h, "https://lernen.example"));
        h.insert(
            header::ORIGIN,
            HeaderValue::from_static("http://lernen.example:3000"),
        );
        assert!(origin_allowed(&h, "https://lernen.example"));
        h.insert(
            header::ORIGIN,
            HeaderValue::from_static("https://lernen.example"),
        );
        assert!(origin_allowed(&h, "https://lernen.example"));
    }
}
