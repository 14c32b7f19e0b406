//! Sessions: a random token in an HttpOnly, SameSite=Lax cookie; the database keeps its hash,
//! so several app instances share sessions. Idle and absolute timeouts come from the settings.
use axum::http::{header, HeaderMap};

use super::{random_token, token_hash};
use crate::error::AppError;
use crate::server::db::{self, users::UserRecord};
use crate::server::state::AppState;

pub const COOKIE: &str = "sid";

/// Only write `last_seen_at` when it is older than this, to spare the database.
const TOUCH_AFTER_SECONDS: i64 = 60;

pub fn token_from_headers(headers: &HeaderMap) -> Option<String> {
    cookie_value(headers, COOKIE)
}

/// The value of the request's cookie `name` (empty values count as none; malformed pairs are
/// skipped).
pub fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(cookie::Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name && !c.value().is_empty())
        .map(|c| c.value().to_string())
}

/// A `Set-Cookie` value as every cookie of this site is set: the whole site, not readable by
/// scripts, not sent along from other sites' forms, `Secure` behind HTTPS (`COOKIE_SECURE`).
pub fn cookie_header(state: &AppState, name: &str, value: &str, max_age_seconds: i64) -> String {
    cookie::Cookie::build((name, value))
        .path("/")
        .http_only(true)
        .same_site(cookie::SameSite::Lax)
        .max_age(cookie::time::Duration::seconds(max_age_seconds))
        .secure(state.config.cookie_secure)
        .build()
        .to_string()
}

/// The language chosen by the request's `lang` cookie; German when there is none or it is
/// unknown.
pub fn locale(headers: &HeaderMap) -> crate::i18n::Locale {
    cookie_value(headers, crate::i18n::LANG_COOKIE)
        .and_then(|code| crate::i18n::Locale::from_code(&code))
        .unwrap_or_default()
}

pub fn set_cookie(token: &str, state: &AppState) -> String {
    cookie_header(state, COOKIE, token, state.config.session_max_seconds)
}

pub fn clear_cookie(state: &AppState) -> String {
    cookie_header(state, COOKIE, "", 0)
}

/// Starts a new session (always a new id) and returns the cookie token.
pub async fn start(state: &AppState, user_id: i64) -> Result<String, AppError> {
    let token = random_token();
    db::sessions::insert(&state.db, &token_hash(&token), user_id, state.clock.now()).await?;
    Ok(token)
}

/// The user of the session named by the request's cookie, if it is valid: it exists, the user
/// is active, and neither the idle nor the absolute timeout has passed.
pub async fn user_from_headers(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<UserRecord>, AppError> {
    let Some(token) = token_from_headers(headers) else {
        return Ok(None);
    };
    let hash = token_hash(&token);
    let Some(s) = db::sessions::find(&state.db, &hash).await? else {
        return Ok(None);
    };
    let now = state.clock.now();
    let idle = now - s.last_seen_at > state.config.session_idle_seconds;
    let too_old = now - s.created_at > state.config.session_max_seconds;
    if idle || too_old || !s.user.active {
        db::sessions::delete(&state.db, &hash).await?;
        return Ok(None);
    }
    if now - s.last_seen_at > TOUCH_AFTER_SECONDS {
        db::sessions::touch(&state.db, &hash, now).await?;
    }
    Ok(Some(s.user))
}

/// Ends the session named by the request's cookie (if any).
pub async fn end(state: &AppState, headers: &HeaderMap) -> Result<(), AppError> {
    if let Some(token) = token_from_headers(headers) {
        db::sessions::delete(&state.db, &token_hash(&token)).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn reads_the_language_cookie() {
        use crate::i18n::Locale;
        let with = |v: &'static str| {
            let mut h = HeaderMap::new();
            h.insert(header::COOKIE, HeaderValue::from_static(v));
            locale(&h)
        };
        assert_eq!(with("a=b; lang=en"), Locale::En);
        assert_eq!(with("lang=xx"), Locale::De);
        assert_eq!(with("lang=en; broken"), Locale::En);
        assert_eq!(locale(&HeaderMap::new()), Locale::De);
    }

    #[test]
    fn reads_the_session_cookie_among_others() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("lang=de; sid=abc123; x=y"),
        );
        assert_eq!(token_from_headers(&h).as_deref(), Some("abc123"));
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, HeaderValue::from_static("sid="));
        assert_eq!(token_from_headers(&h), None);
    }
}
