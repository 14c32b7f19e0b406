//! User administration: list, create, edit, password links, CSV import. Admins reach everyone;
//! coordinators the people of their org units (sub-units included); employees nobody.
use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{ImportPreview, OrgUnit, Paged, UserDetail, UserSummary};

#[cfg(feature = "ssr")]
mod ssr {
    pub use crate::app::current_locale;
    pub use crate::model::Role;
    pub use crate::server::accounts;
    pub use crate::server::auth::authz::request_headers;
    pub use crate::server::auth::authz::Ctx;
    pub use crate::server::auth::{session, token_hash};
    pub use crate::server::db;
    pub use crate::server::state::AppState;

    /// Keeps new password links for the next page of this session (works without JavaScript).
    pub async fn flash_links(
        state: &AppState,
        links: &[crate::model::PasswordLink],
    ) -> Result<(), crate::error::AppError> {
        let Some(token) = session::token_from_headers(&request_headers()?) else {
            return Ok(());
        };
        for link in links {
            let payload = serde_json::to_string(link).map_err(crate::error::AppError::internal)?;
            db::flashes::put(&state.db, &token_hash(&token), &payload, state.clock.now()).await?;
        }
        Ok(())
    }
}

/// The org units the caller manages, in tree order (for filters and forms).
#[server(endpoint = "org_units")]
pub async fn list_org_units() -> Result<Vec<OrgUnit>, AppError> {
    use ssr::*;
    let Ctx { state, actor } = Ctx::manager().await?;
    accounts::visible_units(&state, &actor).await
}

/// A page of users within the caller's scope.
#[server(endpoint = "users")]
pub async fn list_users(
    q: Option<String>,
    unit: Option<i64>,
    role: Option<String>,
    zugang: Option<String>,
    page: Option<i64>,
) -> Result<Paged<UserSummary>, AppError> {
    use ssr::*;
    let Ctx { state, actor } = Ctx::manager().await?;
    let rows = db::org_units::all(&state.db.pool).await?;
    // A unit filter means that unit and its sub-units, intersected with the caller's scope.
    let units: Option<Vec<i64>> = match unit {
        Some(u) => {
            let mut v: Vec<i64> = accounts::expand(&rows, &[u])
                .into_iter()
                .filter(|id| actor.can_manage_unit(Some(*id)))
                .collect();
            v.sort_unstable();
            Some(v)
        }
        None => actor.unit_filter(),
    };
    let role = role.as_deref().and_then(Role::from_code);
    let filter = db::users::UserFilter {
        search: q.as_deref().unwrap_or(""),
        units: units.as_deref(),
        role,
        not_signed_in: zugang.as_deref() == Some("ausstehend"),
        page: page.unwrap_or(1),
        per_page: 25,
    };
    Ok(db::users::list(&state.db, &filter).await?)
}

/// Creates a person and a one-time link to set their password (shown on the next page).
#[server(endpoint = "create_user")]
pub async fn create_user(
    display_name: String,
    email: String,
    org_unit_id: Option<String>,
    role: String,
) -> Result<(), AppError> {
    use ssr::*;
    let Ctx { state, actor } = Ctx::manager().await?;
    let t = current_locale().texts();
    let role =
        Role::from_code(&role).ok_or_else(|| AppError::field("role", t.user_role_not_allowed))?;
    let org_unit_id = accounts::optional_id(org_unit_id.as_deref())
        .map_err(|_| AppError::field("org_unit_id", t.user_unit_unknown))?;
    let input = accounts::NewUserInput {
        display_name,
        email: accounts::normalize_email(&email),
        org_unit_id,
        role,
    };
    let link = accounts::create_user(&state, Some(&actor), &input, t).await?;
    flash_links(&state, std::slice::from_ref(&link)).await?;
    leptos_axum::redirect(&format!("/verwaltung/benutzer/{}", link.user_id));
    Ok(())
}

/// One person, if in the caller's scope (otherwise: not found).
#[server(endpoint = "user")]
pub async fn get_user(id: i64) -> Result<UserDetail, AppError> {
    use ssr::*;
    let Ctx { state, actor } = Ctx::manager().await?;
    let target = db::users::get(&state.db.pool, id).await?;
    actor.require_manage_user(target.as_ref())?;
    db::users::detail(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// Changes a person. Coordinators may change name, unit (within scope) and active; only admins
/// change roles and coordinator scopes.
#[server(endpoint = "update_user")]
pub async fn update_user(
    id: i64,
    display_name: String,
    org_unit_id: Option<String>,
    role: Option<String>,
    active: Option<String>,
    scope: Option<Vec<i64>>,
    ki_koordination: Option<String>,
) -> Result<(), AppError> {
    use ssr::*;
    let Ctx { state, actor } = Ctx::manager().await?;
    let t = current_locale().texts();
    let target = db::users::get(&state.db.pool, id).await?;
    actor.require_manage_user(target.as_ref())?;
    let target = target.ok_or(AppError::NotFound)?;
    let name = accounts::valid_name(&display_name)
        .ok_or_else(|| AppError::field("display_name", t.user_name_invalid))?;
    let org_unit_id = accounts::optional_id(org_unit_id.as_deref())
        .map_err(|_| AppError::field("org_unit_id", t.user_unit_unknown))?;
    if !actor.can_manage_unit(org_unit_id) {
        return Err(AppError::field("org_unit_id", t.user_unit_outside_scope));
    }
    let new_role = match role.as_deref() {
        Some(code) if actor.is_admin() => {
            Role::from_code(code).ok_or_else(|| AppError::field("role", t.user_role_not_allowed))?
        }
        Some(code) if code != target.role.code() => {
            return Err(AppError::field("role", t.user_role_not_allowed))
        }
        _ => target.role,
    };
    if target.id == actor.id() && (new_role != target.role || active.is_none()) {
        // Nobody locks themself out or removes their own rights by accident.
        return Err(AppError::field("role", t.user_cannot_demote_self));
    }
    let units = db::org_units::all(&state.db.pool).await?;
    let scope: Vec<i64> = scope.unwrap_or_default();
    if scope.iter().any(|s| !units.iter().any(|u| u.id == *s)) {
        return Err(AppError::field("scope", t.user_unit_unknown));
    }
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    db::users::update(
        &mut tx,
        id,
        &db::users::UserUpdate {
            display_name: name,
            org_unit_id,
            role: new_role,
            active: active.is_some(),
            today: crate::server::tracking::today(now),
        },
    )
    .await?;
    if actor.is_admin() {
        db::register::set_ai_coordinator(&mut *tx, id, ki_koordination.is_some()).await?;
        db::users::clear_scopes(&mut *tx, id).await?;
        if new_role == Role::Coordinator {
            for unit in &scope {
                db::users::add_scope(&mut *tx, id, *unit).await?;
            }
        }
    }
    if active.is_none() {
        db::sessions::delete_for_user(&mut *tx, id, None).await?;
    }
    let mut details = serde_json::Map::new();
    if new_role != target.role {
        details.insert(
            "role".into(),
            serde_json::json!([target.role.code(), new_role.code()]),
        );
    }
    if active.is_some() != target.active {
        details.insert("active".into(), active.is_some().into());
    }
    if actor.is_admin() && ki_koordination.is_some() != target.ai_coordinator {
        details.insert("ai_coordinator".into(), ki_koordination.is_some().into());
    }
    if org_unit_id != target.org_unit_id {
        let name = |id: Option<i64>| {
            id.and_then(|id| units.iter().find(|u| u.id == id))
                .map(|u| u.name.clone())
                .unwrap_or_default()
        };
        details.insert(
            "unit".into(),
            serde_json::json!([name(target.org_unit_id), name(org_unit_id)]),
        );
    }
    actor
        .audit(
            &mut *tx,
            now,
            if new_role != target.role {
                "user.role_change"
            } else {
                "user.update"
            },
            &target.email,
            &crate::server::audit::details(details.into()),
        )
        .await?;
    tx.commit().await?;
    leptos_axum::redirect(&format!("/verwaltung/benutzer/{id}?gespeichert=1"));
    Ok(())
}

/// Grants a person extra time in timed tests (Nachteilsausgleich): a share of the normal time
/// from `TIME_PERCENTS`. Coordinators and admins, for people in their scope; audit-logged.
#[server(endpoint = "set_time_factor")]
pub async fn set_time_factor(id: i64, percent: i64) -> Result<(), AppError> {
    use ssr::*;
    let Ctx { state, actor } = Ctx::manager().await?;
    let t = current_locale().texts();
    let target = db::users::get(&state.db.pool, id).await?;
    actor.require_manage_user(target.as_ref())?;
    let target = target.ok_or(AppError::NotFound)?;
    if !crate::model::TIME_PERCENTS.contains(&percent) {
        return Err(AppError::field("percent", t.time_factor_invalid));
    }
    let mut tx = state.db.begin().await?;
    let before = db::users::time_percent(&mut *tx, id).await?;
    db::users::set_time_percent(&mut *tx, id, percent).await?;
    let details = serde_json::json!({ "from": before, "to": percent }).to_string();
    actor
        .audit(
            &mut *tx,
            state.clock.now(),
            "user.time_factor",
            &target.email,
            &details,
        )
        .await?;
    tx.commit().await?;
    leptos_axum::redirect(&format!("/verwaltung/benutzer/{id}?gespeichert=1"));
    Ok(())
}

/// Issues a new one-time link (an invitation for someone who never signed in, otherwise a
/// password reset) to a person in the caller's scope; earlier links stop working.
#[server(endpoint = "reset_password_link")]
pub async fn reset_password_link(id: i64) -> Result<(), AppError> {
    use ssr::*;
    let Ctx { state, actor } = Ctx::manager().await?;
    let link = accounts::reset_link(&state, &actor, id).await?;
    flash_links(&state, std::slice::from_ref(&link)).await?;
    leptos_axum::redirect(&format!("/verwaltung/benutzer/{id}"));
    Ok(())
}

/// Issues new invitation links to everyone in the caller's scope (or the chosen unit) who never
/// signed in; with mail on they go out by mail, otherwise the next page lists them.
#[server(endpoint = "invite_not_signed_in")]
pub async fn invite_not_signed_in(unit: Option<i64>) -> Result<(), AppError> {
    use ssr::*;
    let Ctx { state, actor } = Ctx::manager().await?;
    let links = accounts::invite_not_signed_in(&state, &actor, unit).await?;
    flash_links(&state, &links).await?;
    leptos_axum::redirect(&format!(
        "/verwaltung/benutzer?zugang=ausstehend&eingeladen={}",
        links.len()
    ));
    Ok(())
}

/// The preview of an uploaded CSV file (only for the person who uploaded it).
#[server(endpoint = "import_preview")]
pub async fn get_import_preview(id: i64) -> Result<ImportPreview, AppError> {
    use ssr::*;
    let Ctx { state, actor } = Ctx::manager().await?;
    let batch = db::imports::get(&state.db, id)
        .await?
        .filter(|b| b.created_by == actor.id() && b.kind == "personen");
    let batch = batch.ok_or(AppError::NotFound)?;
    let t = current_locale().texts();
    crate::server::accounts::import::preview(&state, &actor, &batch, t).await
}

/// Imports every row of a previewed file, or none: validated again, then one transaction.
/// `invite`: send the invitations by e-mail now (the form's tick, on by default when mail is on).
#[server(endpoint = "commit_import")]
pub async fn commit_import(id: i64, invite: Option<String>) -> Result<(), AppError> {
    use ssr::*;
    let Ctx { state, actor } = Ctx::manager().await?;
    let batch = db::imports::get(&state.db, id)
        .await?
        .filter(|b| b.created_by == actor.id() && b.kind == "personen");
    let batch = batch.ok_or(AppError::NotFound)?;
    let t = current_locale().texts();
    let invite = invite.is_some_and(|v| !v.is_empty());
    let links = crate::server::accounts::import::commit(&state, &actor, &batch, invite, t).await?;
    flash_links(&state, &links).await?;
    leptos_axum::redirect(&format!("/verwaltung/import/{id}?fertig=1"));
    Ok(())
}

/// Deletes a person for good (admins; never oneself). Everything about them is erased in one
/// transaction; their completed courses stay as anonymous evidence (see db::personal::erase).
#[server(endpoint = "delete_user")]
pub async fn delete_user(id: i64, confirm: Option<String>) -> Result<(), AppError> {
    use ssr::*;
    let Ctx { state, actor } = Ctx::admin().await?;
    let t = current_locale().texts();
    let target = db::users::get(&state.db.pool, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if target.id == actor.id() {
        return Err(AppError::field("confirm", t.user_delete_self));
    }
    if confirm.is_none() {
        return Err(AppError::field("confirm", t.user_delete_confirm_missing));
    }
    let now = state.clock.now();
    let pseudonym = format!("Gelöschte Person #{id}");
    let mut tx = state.db.begin().await?;
    let erased = db::personal::erase(
        &mut tx,
        id,
        &target.email,
        &target.display_name,
        &pseudonym,
        now,
    )
    .await?;
    actor
        .audit(
            &mut *tx,
            now,
            "user.delete",
            &pseudonym,
            &crate::server::audit::details(serde_json::json!({
                "kept_completions": erased.kept_completions,
                "certificates": erased.certificates,
            })),
        )
        .await?;
    tx.commit().await?;
    leptos_axum::redirect("/verwaltung/benutzer?geloescht=1");
    Ok(())
}
