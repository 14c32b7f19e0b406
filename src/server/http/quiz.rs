//! Starting and submitting module checks and final tests as plain form posts (no JavaScript).
use super::*;
use crate::i18n::Locale;
use crate::server::auth::authz::Actor;
use crate::server::quiz::service::Submitted;
use crate::server::state::AppState;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use axum::Router;

/// `POST /versuche/starten` (`kurs`, optional `modul`): starts a module check or the final test
/// and shows it. Any signed-in person, for themself.
pub(super) async fn start_attempt(
    State(state): State<AppState>,
    actor: Actor,
    locale: Locale,
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
    match crate::server::quiz::service::start(&state, &actor, &course, module.as_deref(), locale)
        .await
    {
        Ok(id) => Redirect::to(&format!("/versuche/{id}")).into_response(),
        Err(crate::error::AppError::InvalidInput(_)) => {
            Redirect::to(&format!("{back}?test=gesperrt")).into_response()
        }
        Err(e) => e.into_response(),
    }
}

/// `POST /versuche/<id>`: submits the answers (form fields `q.<frage>` and `o.<frage>.<option>`)
/// and shows the result. Only the attempt's owner; graded exactly once. With questions left open
/// (and no `trotzdem=1`) the form comes back with the answers kept and the gaps named.
pub(super) async fn submit_attempt(
    State(state): State<AppState>,
    axum::extract::Path(id): axum::extract::Path<i64>,
    actor: Actor,
    locale: Locale,
    body: axum::body::Bytes,
) -> Response {
    let here = format!("/versuche/{id}");
    match crate::server::quiz::service::submit(&state, &actor, id, &form_fields(&body), locale)
        .await
    {
        Ok(Submitted::Graded) => Redirect::to(&here).into_response(),
        Ok(Submitted::Open) => {
            Redirect::to(&format!("{here}?offen=1#offene-fragen")).into_response()
        }
        Err(crate::error::AppError::InvalidInput(_)) => {
            Redirect::to(&format!("{here}?fehler=antworten")).into_response()
        }
        Err(e) => e.into_response(),
    }
}

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/versuche/starten",
            post(start_attempt).layer(axum::Extension(SignInBack("/kurse"))),
        )
        .route("/versuche/{id}", post(submit_attempt))
}
