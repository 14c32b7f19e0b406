//! The attendance list of a recorded training: upload (multipart, works without JavaScript)
//! and download. Only those who may see the training (see `api::completions`).
use super::*;
use crate::server::completions::MAX_ATTENDANCE_BYTES;
use crate::server::state::AppState;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;

/// Whether the actor may see the training (admins; coordinators with a participant in scope).
async fn may_see(
    state: &AppState,
    actor: &crate::server::auth::authz::Actor,
    id: i64,
) -> Result<bool, crate::error::AppError> {
    use crate::server::db::manual;
    if manual::session_by_id(&state.db, id).await?.is_none() {
        return Ok(false);
    }
    let people = manual::participants(&state.db, id).await?;
    Ok(actor.is_admin() || people.iter().any(|p| actor.can_manage_unit(p.unit_id)))
}

/// `POST /verwaltung/schulungen/{id}/teilnahmeliste` (field `datei`): a PDF of at most 10 MB.
pub(super) async fn upload_attendance(
    State(state): State<AppState>,
    Manager(actor): Manager,
    Path(id): Path<i64>,
    mut multipart: Multipart,
) -> Response {
    let back = |problem: &str| {
        Redirect::to(&format!("/verwaltung/schulungen/{id}?fehler={problem}")).into_response()
    };
    match may_see(&state, &actor, id).await {
        Ok(true) => {}
        Ok(false) => return crate::error::AppError::NotFound.into_response(),
        Err(e) => return e.into_response(),
    }
    let mut file: Option<(String, Vec<u8>)> = None;
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) if field.name() == Some("datei") => {
                let name = field
                    .file_name()
                    .unwrap_or("teilnahmeliste.pdf")
                    .to_string();
                match field.bytes().await {
                    Ok(bytes) => file = Some((name, bytes.to_vec())),
                    Err(_) => return back("gross"),
                }
            }
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(_) => return back("gross"),
        }
    }
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return back("leer");
    };
    if bytes.len() > MAX_ATTENDANCE_BYTES {
        return back("gross");
    }
    if !bytes.starts_with(b"%PDF-") {
        return back("kein-pdf");
    }
    let name: String = name.chars().filter(|c| !c.is_control()).take(200).collect();
    let now = state.clock.now();
    let result = async {
        crate::server::db::manual::set_attendance(&state.db, id, &name, &bytes).await?;
        actor
            .audit(
                &state.db.pool,
                now,
                "completion.attendance",
                &name,
                &crate::server::audit::details(serde_json::json!({ "session": id })),
            )
            .await?;
        Ok::<_, crate::error::AppError>(())
    }
    .await;
    match result {
        Ok(()) => Redirect::to(&format!("/verwaltung/schulungen/{id}?liste=1")).into_response(),
        Err(e) => e.into_response(),
    }
}

/// `GET /verwaltung/schulungen/{id}/teilnahmeliste.pdf`
pub(super) async fn attendance_pdf(
    State(state): State<AppState>,
    Manager(actor): Manager,
    Path(id): Path<i64>,
) -> Response {
    let result = async {
        if !may_see(&state, &actor, id).await? {
            return Err(crate::error::AppError::NotFound);
        }
        crate::server::db::manual::attendance(&state.db, id)
            .await?
            .ok_or(crate::error::AppError::NotFound)
    }
    .await;
    match result {
        Ok((_, bytes)) => {
            let mut res = (StatusCode::OK, bytes).into_response();
            let headers = res.headers_mut();
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/pdf"),
            );
            headers.insert(
                header::CONTENT_DISPOSITION,
                HeaderValue::from_static("attachment; filename=\"teilnahmeliste.pdf\""),
            );
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            res
        }
        Err(e) => e.into_response(),
    }
}

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/verwaltung/schulungen/{id}/teilnahmeliste",
            post(upload_attendance).layer(DefaultBodyLimit::max(MAX_ATTENDANCE_BYTES + 64 * 1024)),
        )
        .route(
            "/verwaltung/schulungen/{id}/teilnahmeliste.pdf",
            get(attendance_pdf),
        )
}
