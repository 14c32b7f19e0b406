//! Downloads: `GET /verwaltung/export/status.csv` (the status matrix of the current filter) and
//! `GET /verwaltung/export/nachweis.{csv,pdf}` (the evidence report of an org unit). Admins and
//! coordinators, limited to their scope; signed-out visitors are sent to the sign-in page and
//! from there back to the download. Each download is written to the audit log.
use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use super::{evidence, PeopleFilter, PeopleSort};
use crate::error::AppError;
use crate::i18n::Locale;
use crate::model::CourseState;
use crate::server::auth::authz::Actor;
use crate::server::http::Manager;

use crate::server::state::AppState;

/// The filter of the Übersicht page from its query parameters.
pub fn filter_from_query(q: &HashMap<String, String>) -> PeopleFilter {
    let get = |k: &str| q.get(k).map(|v| v.trim()).filter(|v| !v.is_empty());
    PeopleFilter {
        unit: get("einheit").and_then(|v| v.parse().ok()),
        course: get("kurs").map(str::to_string),
        state: get("status").and_then(CourseState::from_code),
        due_soon: get("status") == Some(crate::model::DUE_SOON_CODE),
        search: get("q").unwrap_or("").chars().take(100).collect(),
        sort: PeopleSort::from_code(get("sortierung")),
    }
}

/// A file to download (never cached).
pub fn download(bytes: Vec<u8>, content_type: &'static str, filename: &str) -> Response {
    let mut res = (StatusCode::OK, bytes).into_response();
    res.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\"")) {
        res.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

pub async fn status_csv(
    State(state): State<AppState>,
    Manager(actor): Manager,
    locale: Locale,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let f = filter_from_query(&q);
    let t = locale.texts();
    let result = async {
        let (people, chunks) = super::status_csv_stream(&state, &actor, f, t).await?;
        // Written before the rows go out: who took the list of how many people.
        let details = crate::server::audit::details(serde_json::json!({ "people": people }));
        actor
            .audit(
                &state.db.pool,
                state.clock.now(),
                "export.status",
                "",
                &details,
            )
            .await?;
        Ok::<_, AppError>(chunks)
    }
    .await;
    match result {
        Ok(chunks) => {
            let mut res = (StatusCode::OK, axum::body::Body::from_stream(chunks)).into_response();
            let h = res.headers_mut();
            h.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            );
            h.insert(
                header::CONTENT_DISPOSITION,
                HeaderValue::from_static("attachment; filename=\"status.csv\""),
            );
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            res
        }
        Err(e) => e.into_response(),
    }
}

async fn evidence_for(
    state: &AppState,
    actor: &Actor,
    locale: Locale,
    q: &HashMap<String, String>,
) -> Result<(evidence::Evidence, &'static crate::i18n::Texts), Response> {
    let unit = q.get("einheit").and_then(|v| v.trim().parse::<i64>().ok());
    let t = locale.texts();
    let e = evidence::build(state, actor, unit, locale)
        .await
        .map_err(IntoResponse::into_response)?;
    actor
        .audit(
            &state.db.pool,
            state.clock.now(),
            "export.evidence",
            &e.unit,
            "",
        )
        .await
        .map_err(|e| AppError::from(e).into_response())?;
    Ok((e, t))
}

pub async fn evidence_csv(
    State(state): State<AppState>,
    Manager(actor): Manager,
    locale: Locale,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    match evidence_for(&state, &actor, locale, &q).await {
        Ok((e, t)) => download(
            evidence::to_csv(&e, t).into_bytes(),
            "text/csv; charset=utf-8",
            "nachweis-ki-kompetenz.csv",
        ),
        Err(res) => res,
    }
}

pub async fn evidence_pdf(
    State(state): State<AppState>,
    Manager(actor): Manager,
    locale: Locale,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let (e, t) = match evidence_for(&state, &actor, locale, &q).await {
        Ok(x) => x,
        Err(res) => return res,
    };
    match tokio::task::spawn_blocking(move || evidence::to_pdf(&e, t)).await {
        Ok(Ok(bytes)) => download(bytes, "application/pdf", "nachweis-ki-kompetenz.pdf"),
        Ok(Err(e)) => AppError::internal(e).into_response(),
        Err(e) => AppError::internal(e).into_response(),
    }
}

/// The exports of the Übersicht.
pub fn routes() -> axum::Router<crate::server::state::AppState> {
    use axum::routing::get;
    axum::Router::new()
        .route("/verwaltung/export/status.csv", get(status_csv))
        .route("/verwaltung/export/nachweis.csv", get(evidence_csv))
        .route("/verwaltung/export/nachweis.pdf", get(evidence_pdf))
}
