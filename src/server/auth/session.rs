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
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|h| h.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, value)| *name == COOKIE && !value.is_empty())
        .map(|(_, value)| value.to_string())
}

pub fn set_cookie(token: &str, state: &AppState) -> String {
    let secure = if state.config.cookie_secure {
        "; Secure"
    } else {
        ""
    };
    let max_age = state.config.session_max_seconds;
    format!("{COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}")
}

pub fn clear_cookie(state: &AppState) -> String {
    let secure = if state.config.cookie_secure {
        "; Secure"
    } else {
        ""
    };
    format!("{COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}")
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
