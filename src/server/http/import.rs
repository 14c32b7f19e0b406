//! The CSV upload of the import (multipart; works without JavaScript).
use super::*;
use crate::server::state::AppState;
use axum::extract::State;
use axum::extract::{DefaultBodyLimit, Multipart};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use axum::Router;

pub(super) const MAX_UPLOAD_BYTES: usize = 5 * 1024 * 1024;

/// `POST /verwaltung/import` (multipart, field `datei`): stores an uploaded CSV for preview and
/// redirects to it. Admins and coordinators only; works without JavaScript.
pub(super) async fn upload_import(
    State(state): State<AppState>,
    Manager(actor): Manager,
    mut multipart: Multipart,
) -> Response {
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

pub(super) fn routes() -> Router<AppState> {
    Router::new().route(
        "/verwaltung/import",
        post(upload_import).layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES)),
    )
}
