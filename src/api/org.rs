//! The org-unit tree: everyone who manages people may read the part they manage (see
//! `users::list_org_units`); only admins change it.
use leptos::prelude::*;

use crate::error::AppError;

#[cfg(feature = "ssr")]
mod ssr {
    pub use crate::app::current_locale;
    pub use crate::server::auth::authz::Ctx;

    pub use crate::server::accounts;
    pub use crate::server::auth::authz::Actor;
    pub use crate::server::db;
    pub use crate::server::state::AppState;

    /// Writes the audit entry in the transaction of the change and commits both.
    pub async fn log_and_commit(
        state: &AppState,
        mut tx: sqlx::Transaction<'static, sqlx::Any>,
        actor: &Actor,
        action: &str,
        target: &str,
    ) -> Result<(), crate::error::AppError> {
        actor
            .audit(&mut *tx, state.clock.now(), action, target, "")
            .await?;
        tx.commit().await?;
        Ok(())
    }
}

#[server(endpoint = "create_org_unit")]
pub async fn create_org_unit(name: String, parent_id: Option<String>) -> Result<(), AppError> {
    use ssr::*;
    let Ctx { state, actor } = Ctx::admin().await?;
    let t = current_locale().texts();
    let name =
        accounts::valid_name(&name).ok_or_else(|| AppError::field("name", t.org_name_invalid))?;
    let units = db::org_units::all(&state.db.pool).await?;
    let parent = accounts::optional_id(parent_id.as_deref())
        .ok()
        .filter(|p| p.is_none_or(|p| units.iter().any(|u| u.id == p)))
        .ok_or_else(|| AppError::field("parent_id", t.user_unit_unknown))?;
    let mut tx = state.db.begin().await?;
    db::org_units::insert(&mut *tx, parent, name, state.clock.now()).await?;
    log_and_commit(&state, tx, &actor, "org_unit.create", name).await?;
    leptos_axum::redirect("/verwaltung/organisation?gespeichert=1");
    Ok(())
}

#[server(endpoint = "update_org_unit")]
pub async fn update_org_unit(
    id: i64,
    name: String,
    parent_id: Option<String>,
    code: Option<String>,
) -> Result<(), AppError> {
    use ssr::*;
    let Ctx { state, actor } = Ctx::admin().await?;
    let t = current_locale().texts();
    let name =
        accounts::valid_name(&name).ok_or_else(|| AppError::field("name", t.org_name_invalid))?;
    let units = db::org_units::all(&state.db.pool).await?;
    if !units.iter().any(|u| u.id == id) {
        return Err(AppError::NotFound);
    }
    let parent = accounts::optional_id(parent_id.as_deref())
        .map_err(|_| AppError::field("parent_id", t.user_unit_unknown))?;
    if let Some(p) = parent {
        // A unit cannot move below itself or one of its own sub-units.
        if accounts::expand(&units, &[id]).contains(&p) {
            return Err(AppError::field("parent_id", t.org_parent_cycle));
        }
        if !units.iter().any(|u| u.id == p) {
            return Err(AppError::field("parent_id", t.user_unit_unknown));
        }
    }
    // The external code: optional (an empty field removes it), unique (the database refuses
    // a race), without control characters.
    let code = code.as_deref().map(str::trim).filter(|c| !c.is_empty());
    if let Some(c) = code {
        if c.chars().count() > accounts::tree_import::MAX_CODE_CHARS
            || c.chars().any(char::is_control)
        {
            return Err(AppError::field("code", t.org_code_invalid));
        }
        if let Some(other) = units
            .iter()
            .find(|u| u.id != id && u.code.as_deref() == Some(c))
        {
            return Err(AppError::field("code", t.org_code_taken(c, &other.name)));
        }
    }
    let mut tx = state.db.begin().await?;
    db::org_units::update(&mut *tx, id, parent, name).await?;
    db::org_units::set_code(&mut *tx, id, code)
        .await
        .map_err(|e| {
            accounts::unique_as_field(e, "code", &t.org_code_in_use(code.unwrap_or("")))
        })?;
    log_and_commit(&state, tx, &actor, "org_unit.update", name).await?;
    leptos_axum::redirect("/verwaltung/organisation?gespeichert=1");
    Ok(())
}

#[server(endpoint = "delete_org_unit")]
pub async fn delete_org_unit(id: i64) -> Result<(), AppError> {
    use ssr::*;
    let Ctx { state, actor } = Ctx::admin().await?;
    let t = current_locale().texts();
    let units = db::org_units::all(&state.db.pool).await?;
    let Some(unit) = units.iter().find(|u| u.id == id) else {
        return Err(AppError::NotFound);
    };
    let mut tx = state.db.begin().await?;
    if !db::org_units::delete_if_empty(&mut tx, id).await? {
        return Err(AppError::InvalidInput(t.org_not_empty.into()));
    }
    log_and_commit(&state, tx, &actor, "org_unit.delete", &unit.name).await?;
    leptos_axum::redirect("/verwaltung/organisation?geloescht=1");
    Ok(())
}

/// An uploaded org tree file: what it would change, or every problem (the uploader only).
#[server(endpoint = "tree_preview")]
pub async fn get_tree_preview(id: i64) -> Result<crate::model::TreePreview, AppError> {
    use ssr::*;
    let Ctx { state, actor } = Ctx::admin().await?;
    let batch = db::imports::get(&state.db, id)
        .await?
        .filter(|b| b.created_by == actor.id() && b.kind == "struktur")
        .ok_or(AppError::NotFound)?;
    accounts::tree_import::preview(&state, &batch, current_locale().texts()).await
}

/// Creates and updates the units of an uploaded tree file, all or none.
#[server(endpoint = "commit_tree")]
pub async fn commit_tree_import(id: i64) -> Result<(), AppError> {
    use ssr::*;
    let Ctx { state, actor } = Ctx::admin().await?;
    let batch = db::imports::get(&state.db, id)
        .await?
        .filter(|b| b.created_by == actor.id() && b.kind == "struktur")
        .ok_or(AppError::NotFound)?;
    let (created, updated) =
        accounts::tree_import::commit(&state, &actor, &batch, current_locale().texts()).await?;
    leptos_axum::redirect(&format!(
        "/verwaltung/organisation?neu={created}&geaendert={updated}"
    ));
    Ok(())
}
