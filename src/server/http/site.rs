//! Plain routes of the site itself: health, language choice, course images, the organisation's
//! logo and colour.
use super::*;
use crate::i18n::{Locale, LANG_COOKIE};
use crate::server::state::AppState;
use axum::body::Body;
use axum::extract::{Query, RawQuery, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;

/// `GET /healthz`: 200 when the database answers, 503 otherwise.
pub(super) async fn healthz(State(state): State<AppState>) -> Response {
    match state.db.ping().await {
        Ok(()) => (StatusCode::OK, "ok").into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

#[derive(Debug, Deserialize)]
pub(super) struct LanguageQuery {
    lang: String,
    zurueck: Option<String>,
}

/// `GET /sprache?lang=en&zurueck=/pfad`: stores the UI language in a cookie and goes back.
/// Works without JavaScript; only local paths are accepted as the target.
/// Signed in, the choice also becomes the language of the person's mails.
pub(super) async fn set_language(
    State(state): State<AppState>,
    actor: Option<crate::server::auth::authz::Actor>,
    Query(q): Query<LanguageQuery>,
) -> Response {
    let Some(locale) = Locale::from_code(&q.lang) else {
        return (
            StatusCode::BAD_REQUEST,
            Locale::De.texts().error_invalid_input,
        )
            .into_response();
    };
    if let Some(actor) = actor {
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
    let cookie = crate::server::auth::session::cookie_header(
        &state,
        LANG_COOKIE,
        locale.code(),
        365 * 24 * 3600,
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
pub(super) async fn content_image(
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

/// The `v` of a query string (`?v=…`), read by hand: a malformed query is just no version.
fn version_of(query: &Option<String>) -> Option<String> {
    url::form_urlencoded::parse(query.as_deref()?.as_bytes())
        .find(|(k, _)| k == "v")
        .map(|(_, v)| v.into_owned())
}

/// A response with its type; kept for a year when the URL names the current version (a new
/// logo or colour gets a new URL), else revalidated.
fn versioned(body: Body, content_type: &'static str, current: bool) -> Response {
    let cache = if current {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, cache),
        ],
        body,
    )
        .into_response()
}

/// `GET /logo.png` or `/logo.svg`: the organisation's logo (setting ORG_LOGO). Public, like the
/// header it appears in.
async fn logo_png(state: State<AppState>, RawQuery(q): RawQuery) -> Response {
    logo(state, "logo.png", version_of(&q))
}

async fn logo_svg(state: State<AppState>, RawQuery(q): RawQuery) -> Response {
    logo(state, "logo.svg", version_of(&q))
}

fn logo(State(state): State<AppState>, file: &str, version: Option<String>) -> Response {
    let Some(logo) = &state.config.org_logo else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let (name, content_type) = if logo.svg {
        ("logo.svg", "image/svg+xml")
    } else {
        ("logo.png", "image/png")
    };
    if file != name {
        return StatusCode::NOT_FOUND.into_response();
    }
    let current = version.as_deref() == Some(logo.version.as_str());
    versioned(Body::from(logo.bytes.to_vec()), content_type, current)
}

/// `GET /theme.css`: the organisation's accent colour (setting ORG_COLOR) as CSS variables,
/// linked after the main stylesheet. Empty without the setting.
pub(super) async fn theme(State(state): State<AppState>, RawQuery(q): RawQuery) -> Response {
    let (css, current) = match &state.config.org_color {
        Some(theme) => (theme.css(), version_of(&q) == Some(theme.version())),
        None => (String::new(), false),
    };
    versioned(Body::from(css), "text/css; charset=utf-8", current)
}

/// The public transparency register as JSON (schema in the README): published systems only,
/// labels in German, codes stable. Public like the page; an internal error gives no detail.
pub(super) async fn register_json(State(state): State<AppState>) -> Response {
    let t = crate::i18n::Locale::De.texts();
    match crate::server::register::public::list(&state, t).await {
        Ok(systems) => {
            let body = serde_json::json!({
                "schema": "ki-seepferdchen/ki-register/1",
                "organisation": state.config.org_name,
                "systems": systems,
            });
            (
                [
                    (header::CONTENT_TYPE, "application/json; charset=utf-8"),
                    (header::CACHE_CONTROL, "no-cache"),
                ],
                body.to_string(),
            )
                .into_response()
        }
        Err(e) => e.into_response(),
    }
}

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/ki-register.json", get(register_json))
        .route(
            "/verwaltung/ki-register.csv",
            get(crate::server::register::export::register_csv),
        )
        .route(
            "/verwaltung/ki-register.json",
            get(crate::server::register::export::register_json),
        )
        .route(
            "/verwaltung/ki-register.pdf",
            get(crate::server::register::export::register_pdf),
        )
        .route("/healthz", get(healthz))
        .route("/metrics", get(crate::server::metrics::export))
        .route("/sprache", get(set_language))
        .route("/inhalte/{course}/images/{file}", get(content_image))
        .route("/theme.css", get(theme))
        .route("/logo.png", get(logo_png))
        .route("/logo.svg", get(logo_svg))
}
