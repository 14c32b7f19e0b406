//! Certificates: the public verification (page data and JSON), the signing keys, the PDF.
use super::*;
use crate::i18n::Locale;
use crate::server::auth::authz::Actor;
use crate::server::state::AppState;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

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

pub(super) async fn lookup(
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
        status: certificate::status(
            &row,
            Date::in_germany(state.clock.now()).to_days(),
            state.catalog.renewal_days(&row.course_slug),
        ),
        revoked_on: row.revoked_at.map(Date::in_germany),
        holder: p.holder.clone(),
        course_title: p.course_title.clone(),
        level,
        completed_on: parse(&p.completed_on)?,
        valid_until: parse(&p.valid_until)?,
        issuer: p.issuer.clone(),
        code_grouped: certificate::grouped(&row.code),
        code: row.code.clone(),
        topics: p.topics.clone(),
        format: p.format.clone(),
    };
    Ok((view, row))
}

/// `GET /verify/<code>.json`: the signed payload, its signature and key id, and the current
/// status (not signed: it changes on revocation and expiry). Public, rate-limited.
pub(super) async fn verify_json(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
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
pub(super) async fn public_keys(State(state): State<AppState>) -> Response {
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

/// `GET /zertifikate/<code>/pdf`: the holder, a coordinator responsible for the holder's unit,
/// or an admin. "Not yours" and "does not exist" are the same 404.
pub(super) async fn certificate_pdf(
    State(state): State<AppState>,
    axum::extract::Path(code): axum::extract::Path<String>,
    actor: Actor,
    locale: Locale,
) -> Response {
    use crate::server::certificate::{self, Payload};
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
        return (StatusCode::GONE, locale.texts().cert_pdf_revoked).into_response();
    }
    let Ok(payload) = serde_json::from_str::<Payload>(&row.payload) else {
        return not_found();
    };
    let url = format!("{}/verify/{}", state.config.public_base_url, row.code);
    // The PDF embeds raster logos only; an SVG logo appears in the page header alone.
    let logo = match &state.config.org_logo {
        Some(logo) if !logo.svg => Some(logo.bytes.to_vec()),
        _ => None,
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

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/zertifikate/{code}/pdf",
            get(certificate_pdf).layer(axum::Extension(SignInBack("/zertifikate"))),
        )
        .route("/zertifikate/schluessel.json", get(public_keys))
}
