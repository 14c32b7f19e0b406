//! Sign-in, sign-out, passwords and the own account.
use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{CurrentUser, MailSettingsView, PasswordLink, SignInOptions};

#[cfg(feature = "ssr")]
mod ssr {
    pub use crate::app::current_locale;
    pub use crate::server::accounts;
    pub use crate::server::auth::authz::Ctx;
    pub use crate::server::auth::authz::{optional_actor, request_headers};
    pub use crate::server::auth::{session, token_hash};
    pub use crate::server::db;
    pub use crate::server::http::is_local_path;

    pub use axum::http::{header, HeaderValue};

    pub fn set_header(name: header::HeaderName, value: &str) {
        if let (Some(res), Ok(v)) = (
            leptos::prelude::use_context::<leptos_axum::ResponseOptions>(),
            HeaderValue::from_str(value),
        ) {
            res.append_header(name, v);
        }
    }
}

/// The signed-in person, or None. Public.
/// Whether this installation sends mail (the "Passwort vergessen?" page needs it). Public.
#[server(endpoint = "mail_enabled")]
pub async fn mail_enabled() -> Result<bool, AppError> {
    Ok(ssr::Ctx::public()?.state.config.mail.enabled())
}

/// "Passwort vergessen?": the same answer whether or not the address has an account; a mail
/// goes out only to an active account, at most three an hour. Public.
#[server(endpoint = "request_password_link")]
pub async fn request_password_link(email: String) -> Result<(), AppError> {
    use ssr::*;
    let Ctx { state, .. } = Ctx::public()?;
    // Without password sign-in a password is of no use: the same answer, no mail.
    if state.config.local_login != crate::server::config::LocalLogin::Off {
        accounts::request_link(&state, &email).await?;
    }
    leptos_axum::redirect("/passwort-vergessen?gesendet=1");
    Ok(())
}

#[server(endpoint = "current_user")]
pub async fn get_current_user() -> Result<Option<CurrentUser>, AppError> {
    use ssr::*;
    let Ctx { state, .. } = Ctx::public()?;
    Ok(optional_actor(&state).await?.map(|a| a.current_user()))
}

/// How people sign in here: single sign-on (its button label) and who may use a password.
/// Public.
#[server(endpoint = "login_options")]
pub async fn login_options() -> Result<SignInOptions, AppError> {
    use crate::server::config::LocalLogin;
    let ssr::Ctx { state, .. } = ssr::Ctx::public()?;
    Ok(SignInOptions {
        sso_label: state.sso.as_ref().map(|s| s.config.button_label.clone()),
        local: match state.config.local_login {
            LocalLogin::All => "all",
            LocalLogin::Admins => "admins",
            LocalLogin::Off => "off",
        }
        .into(),
    })
}

/// Signs in. Unknown e-mail and wrong password get the same answer and take the same time
/// (a dummy hash is verified); throttled attempts are refused before any hashing. With single
/// sign-on, `LOCAL_LOGIN` decides who may still use a password.
#[server(endpoint = "login")]
pub async fn login(email: String, password: String, next: Option<String>) -> Result<(), AppError> {
    use crate::server::config::LocalLogin;
    use ssr::*;
    let Ctx { state, .. } = Ctx::public()?;
    let t = current_locale().texts();
    if state.config.local_login == LocalLogin::Off {
        return Err(AppError::field("email", t.local_login_off));
    }
    let user_id = accounts::authenticate(
        &state,
        &email,
        &password,
        &crate::server::http::request_ip(),
    )
    .await?;
    let user = db::users::get(&state.db.pool, user_id)
        .await?
        .ok_or(AppError::LoginFailed)?;
    if !state.config.local_login.allows(user.role) {
        return Err(AppError::field("email", t.local_login_admins));
    }
    // A new session id at every sign-in; an old session of this browser ends.
    session::end(&state, &request_headers()?).await?;
    let token = session::start(&state, user_id).await?;
    db::audit::write(
        &state.db.pool,
        &db::audit::Entry {
            at: state.clock.now(),
            actor_id: Some(user.id),
            actor: &format!("{} <{}>", user.display_name, user.email),
            action: "session.sign_in",
            target: &user.email,
            details: &crate::server::audit::details(serde_json::json!({"method": "password"})),
        },
    )
    .await?;
    set_header(header::SET_COOKIE, &session::set_cookie(&token, &state));
    let target = next.filter(|n| is_local_path(n) && !n.starts_with("/anmelden"));
    leptos_axum::redirect(target.as_deref().unwrap_or("/"));
    Ok(())
}

/// Signs out: the server-side session ends, the cookie is cleared. A session begun by single
/// sign-on is then ended at the provider too, where it offers that (RP-initiated logout); the
/// provider sends the browser back to the sign-in page.
#[server(endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    use ssr::*;
    let Ctx { state, .. } = Ctx::public()?;
    let headers = request_headers()?;
    let mut provider_logout = None;
    if let (Some(sso), Some(token)) = (&state.sso, session::token_from_headers(&headers)) {
        if let Some(id_token) = db::sso::session_id_token(&state.db, &token_hash(&token)).await? {
            provider_logout = sso.logout_url(Some(&id_token)).await;
        }
    }
    session::end(&state, &headers).await?;
    set_header(header::SET_COOKIE, &session::clear_cookie(&state));
    leptos_axum::redirect(
        provider_logout
            .as_deref()
            .unwrap_or("/anmelden?abgemeldet=1"),
    );
    Ok(())
}

/// Whether a one-time password link is still usable (for the page, before the form). Public.
#[server(endpoint = "password_link_valid")]
pub async fn password_link_valid(token: String) -> Result<bool, AppError> {
    use ssr::*;
    let Ctx { state, .. } = Ctx::public()?;
    let user =
        db::tokens::valid_user(&state.db, &token_hash(token.trim()), state.clock.now()).await?;
    Ok(user.is_some())
}

/// Sets the password from a one-time link, then signs the person in. Public (the token is the
/// authorization).
#[server(endpoint = "set_password")]
pub async fn set_password(
    token: String,
    password: String,
    password_repeat: String,
) -> Result<(), AppError> {
    use ssr::*;
    let Ctx { state, .. } = Ctx::public()?;
    let t = current_locale().texts();
    if password != password_repeat {
        return Err(AppError::field("password_repeat", t.password_mismatch));
    }
    let user_id = accounts::set_password_with_token(&state, &token, &password, t).await?;
    // Where the password may not be used to sign in (LOCAL_LOGIN), it signs nobody in either.
    let role = db::users::get(&state.db.pool, user_id)
        .await?
        .map(|u| u.role)
        .ok_or(AppError::NotFound)?;
    if !state.config.local_login.allows(role) {
        leptos_axum::redirect("/anmelden");
        return Ok(());
    }
    let session = session::start(&state, user_id).await?;
    set_header(header::SET_COOKIE, &session::set_cookie(&session, &state));
    // The start page shows the next step first (the most urgent course, with one button).
    leptos_axum::redirect("/?passwort=neu");
    Ok(())
}

/// Changes the own password; every other session of this person ends.
#[server(endpoint = "change_password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
    new_password_repeat: String,
) -> Result<(), AppError> {
    use ssr::*;
    let Ctx { state, actor } = Ctx::signed_in().await?;
    let t = current_locale().texts();
    if new_password != new_password_repeat {
        return Err(AppError::field("new_password_repeat", t.password_mismatch));
    }
    let keep = session::token_from_headers(&request_headers()?).map(|tok| token_hash(&tok));
    accounts::change_password(
        &state,
        &actor,
        &current_password,
        &new_password,
        keep.as_deref(),
        t,
    )
    .await?;
    leptos_axum::redirect("/konto?passwort=geaendert");
    Ok(())
}

/// Changes the own display name.
#[server(endpoint = "update_profile")]
pub async fn update_profile(display_name: String) -> Result<(), AppError> {
    use ssr::*;
    let Ctx { state, actor } = Ctx::signed_in().await?;
    let t = current_locale().texts();
    let name = accounts::valid_name(&display_name)
        .ok_or_else(|| AppError::field("display_name", t.user_name_invalid))?;
    db::users::set_display_name(&state.db, actor.id(), name).await?;
    leptos_axum::redirect("/konto?gespeichert=1");
    Ok(())
}

/// Password links created in this session and not shown yet (read once).
#[server(endpoint = "take_password_links")]
pub async fn take_password_links() -> Result<Vec<PasswordLink>, AppError> {
    use ssr::*;
    let Ctx { state, actor: _ } = Ctx::manager().await?;
    let Some(token) = session::token_from_headers(&request_headers()?) else {
        return Ok(vec![]);
    };
    let since = state.clock.now() - 600;
    let payloads = db::flashes::take(&state.db, &token_hash(&token), since).await?;
    Ok(payloads
        .iter()
        .filter_map(|p| serde_json::from_str(p).ok())
        .collect())
}

/// The own mail settings; None when the installation sends no mail.
#[server(endpoint = "mail_settings")]
pub async fn mail_settings() -> Result<Option<MailSettingsView>, AppError> {
    use ssr::*;
    let Ctx { state, actor } = Ctx::signed_in().await?;
    if !state.config.mail.enabled() {
        return Ok(None);
    }
    let s = db::reminders::settings(&state.db, actor.id()).await?;
    Ok(Some(MailSettingsView {
        locale: s.locale,
        reminders: s.reminders,
        digest: s.digest,
        coordinator: actor.role() == crate::model::Role::Coordinator,
    }))
}

/// Changes the own mail settings: language, reminder mails, weekly digest (coordinators).
/// Invitations, password mails and notices of mandatory courses always go out.
#[server(endpoint = "update_mail_settings")]
pub async fn update_mail_settings(
    sprache: String,
    erinnerungen: Option<String>,
    wochenuebersicht: Option<String>,
) -> Result<(), AppError> {
    use ssr::*;
    let Ctx { state, actor } = Ctx::signed_in().await?;
    let t = current_locale().texts();
    let locale = crate::i18n::Locale::from_code(&sprache)
        .ok_or_else(|| AppError::field("sprache", t.mail_settings_language_invalid))?;
    let on = |v: &Option<String>| v.as_deref().is_some_and(|v| !v.is_empty() && v != "0");
    let settings = db::reminders::MailSettings {
        locale: locale.code().to_string(),
        reminders: on(&erinnerungen),
        digest: on(&wochenuebersicht),
    };
    db::reminders::set_settings(&state.db, actor.id(), &settings).await?;
    leptos_axum::redirect("/konto?gespeichert=1");
    Ok(())
}
