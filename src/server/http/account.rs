//! The signed-in person's own data as a download (Art. 15 and 20 GDPR).
use super::*;
use crate::server::auth::authz::Actor;
use crate::server::state::AppState;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

/// `GET /konto/meine-daten.json`: everything stored about the signed-in person, as a download
/// (Art. 15 and 20 GDPR). Only ever the caller's own data; the download is audited.
pub(super) async fn my_data(State(state): State<AppState>, actor: Actor) -> Response {
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

pub(super) fn routes() -> Router<AppState> {
    Router::new().route(
        "/konto/meine-daten.json",
        get(my_data).layer(axum::Extension(SignInBack("/konto"))),
    )
}
