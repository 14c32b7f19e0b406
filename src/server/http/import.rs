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
    match store(&state, &actor, &name, &content).await {
        Ok(id) => Redirect::to(&format!("/verwaltung/import/{id}")).into_response(),
        Err(e) => e.into_response(),
    }
}

/// Stores the file with the mapping proposed for it.
async fn store(
    state: &AppState,
    actor: &crate::server::auth::authz::Actor,
    name: &str,
    content: &str,
) -> Result<i64, crate::error::AppError> {
    use crate::server::{accounts::import, db};
    let proposal = import::propose(state, content).await?;
    let id = db::imports::insert(&state.db, actor.id(), name, content, state.clock.now()).await?;
    let json = serde_json::to_string(&proposal).map_err(|e| crate::error::AppError::internal(e))?;
    db::imports::set_mapping(&state.db, id, &json).await?;
    Ok(id)
}

/// `POST /verwaltung/import/{id}/zuordnung` (form: `spalte` once per column in order,
/// `einheiten_unter`, `abgleich`): stores the choices of the mapping step and shows the
/// preview read with them. A plain form route because the number of columns varies. Only the
/// person who uploaded the file.
pub(super) async fn save_mapping(
    State(state): State<AppState>,
    Manager(actor): Manager,
    locale: crate::i18n::Locale,
    axum::extract::Path(id): axum::extract::Path<i64>,
    axum::Form(fields): axum::Form<Vec<(String, String)>>,
) -> Response {
    use crate::server::{accounts::import, db};
    let result = async {
        let batch = db::imports::get(&state.db, id)
            .await?
            .filter(|b| b.created_by == actor.id() && b.kind == "personen")
            .ok_or(crate::error::AppError::NotFound)?;
        let value = |key: &str| {
            fields
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.trim().to_string())
                .unwrap_or_default()
        };
        let choice = import::Stored {
            kopf: Vec::new(),
            spalten: fields
                .iter()
                .filter(|(k, _)| k == "spalte")
                .map(|(_, v)| v.trim().to_string())
                .collect(),
            einheiten_unter: value("einheiten_unter"),
            abgleich: value("abgleich"),
        };
        import::save_mapping(&state, &actor, &batch, choice, locale.texts()).await
    }
    .await;
    match result {
        Ok(()) => Redirect::to(&format!("/verwaltung/import/{id}#vorschau")).into_response(),
        Err(crate::error::AppError::InvalidInput(_)) => {
            Redirect::to(&format!("/verwaltung/import/{id}?fehler=zuordnung")).into_response()
        }
        Err(e) => e.into_response(),
    }
}

/// `POST /verwaltung/organisation/import` (multipart, field `datei`): stores an org tree CSV
/// for its preview. Admins only (the tree is theirs to change).
pub(super) async fn upload_tree(
    State(state): State<AppState>,
    actor: crate::server::auth::authz::Actor,
    mut multipart: Multipart,
) -> Response {
    if !actor.is_admin() {
        return crate::error::AppError::Forbidden.into_response();
    }
    let back =
        |p: &str| Redirect::to(&format!("/verwaltung/organisation?fehler={p}")).into_response();
    let mut file: Option<(String, Vec<u8>)> = None;
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) if field.name() == Some("datei") => {
                let name = field.file_name().unwrap_or("struktur.csv").to_string();
                match field.bytes().await {
                    Ok(bytes) => file = Some((name, bytes.to_vec())),
                    Err(_) => return back("datei"),
                }
            }
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(_) => return back("datei"),
        }
    }
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return back("leer");
    };
    let content = crate::server::accounts::csv_import::decode_text(&bytes);
    let name: String = name.chars().filter(|c| !c.is_control()).take(200).collect();
    let stored = crate::server::db::imports::insert_kind(
        &state.db,
        actor.id(),
        &name,
        &content,
        state.clock.now(),
        "struktur",
    )
    .await;
    match stored {
        Ok(id) => Redirect::to(&format!("/verwaltung/organisation/import/{id}")).into_response(),
        Err(e) => crate::error::AppError::from(e).into_response(),
    }
}

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/verwaltung/import",
            post(upload_import).layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES)),
        )
        .route("/verwaltung/import/{id}/zuordnung", post(save_mapping))
        .route(
            "/verwaltung/organisation/import",
            post(upload_tree).layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES)),
        )
}
