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
    Router::new()
        .route("/healthz", get(healthz))
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
        .layer(middleware::from_fn_with_state(state.clone(), verify_json))
        .layer(middleware::from_fn(server_fn_error_status))
        .layer(CompressionLayer::new())
        .layer(middleware::from_fn(security_headers))
        .layer(middleware::from_fn_with_state(state.clone(), origin_check))
        .layer(middleware::from_fn(request_log))
        .with_state(state)
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
async fn set_language(State(state): State<AppState>, Query(q): Query<LanguageQuery>) -> Response {
    let Some(locale) = Locale::from_code(&q.lang) else {
        return (
            StatusCode::BAD_REQUEST,
            Locale::De.texts().error_invalid_input,
        )
            .into_response();
    };
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

/// The public lookup behind `/verify/<code>` and its JSON: rate-limited per client address;
/// unknown, malformed and limited lookups all answer NotFound.
pub async fn verify_lookup(
    state: &AppState,
    code: &str,
) -> Result<crate::model::VerifyView, crate::error::AppError> {
    lookup(state, code, &request_ip())
        .await
        .map(|(view, _)| view)
}

/// The client's address in a server function (the TCP peer; no proxy headers are trusted).
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
        return Err(AppError::NotFound);
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

/// The client's address: the TCP peer (no proxy headers are trusted).
pub fn peer_ip(extensions: &axum::http::Extensions) -> String {
    extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
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
            let body = serde_json::json!({
                "payload": payload,
                "signature": row.signature,
                "key_id": row.key_id,
                "algorithm": "Ed25519",
                "signed_bytes": "the payload object serialised as compact JSON with keys in the order shown",
                "public_keys": "/zertifikate/schluessel.json",
                "status": status,
                "revoked_on": view.revoked_on.map(|d| d.iso()),
            });
            axum::Json(body).into_response()
        }
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
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, Body::empty()).into_response();
    };
    if let Ok(err) = serde_json::from_slice::<crate::error::AppError>(&bytes) {
        parts.status = err.status();
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// Security headers on every response; HTML gets a CSP whose script nonce matches the one the
/// shell puts on Leptos's inline hydration scripts.
async fn security_headers(mut req: Request, next: Next) -> Response {
    let nonce = leptos::nonce::Nonce::new().to_string();
    req.extensions_mut().insert(CspNonce(nonce.clone()));
    let is_static = req.uri().path().starts_with("/pkg/");
    let mut res = next.run(req).await;
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
        // Static files are revalidated (cheap 304s) so that an upgrade never pairs new HTML with
        // an old wasm; pages may carry personal data and are not stored.
        let value = if is_static || !is_html(h) {
            "no-cache"
        } else {
            "no-store"
        };
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    }
    res
}

fn is_html(h: &HeaderMap) -> bool {
    h.get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"))
}

/// Refuses state-changing requests from other sites (in addition to SameSite cookies): the
/// browser's `Sec-Fetch-Site`, or else `Origin`, must name this site.
async fn origin_check(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    if origin_allowed(req.headers(), &state.config.public_base_url) {
        next.run(req).await
    } else {
        tracing::warn!(path = %req.uri().path(), "cross-site write refused");
        let body = Body::from(Locale::De.texts().error_forbidden);
        (StatusCode::FORBIDDEN, body).into_response()
    }
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
