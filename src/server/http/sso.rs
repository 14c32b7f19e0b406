//! The two plain routes of single sign-on: off to the provider, and back from it. Both answer
//! with redirects; a refusal lands on the sign-in page, which explains it (`?sso=<code>`).
use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::response::{AppendHeaders, IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use super::{is_local_path, peer_ip};
use crate::error::AppError;
use crate::server::auth::sso::{
    Callback, Failure, BROWSER_COOKIE, CALLBACK_PATH, PENDING_SECONDS, START_PATH,
};
use crate::server::auth::{random_token, session, token_hash};
use crate::server::db;
use crate::server::state::AppState;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route(START_PATH, get(start))
        .route(CALLBACK_PATH, get(callback))
}

fn query_pairs(request: &Request) -> impl Iterator<Item = (String, String)> + '_ {
    url::form_urlencoded::parse(request.uri().query().unwrap_or("").as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
}

/// `GET /anmelden/sso?weiter=/pfad`: begins a sign-in at the provider.
async fn start(State(state): State<AppState>, request: Request) -> Response {
    let Some(sso) = state.sso.clone() else {
        return AppError::NotFound.into_response();
    };
    let next = query_pairs(&request)
        .find(|(k, _)| k == "weiter")
        .map(|(_, v)| v)
        .filter(|n| is_local_path(n) && !n.starts_with("/anmelden"))
        .unwrap_or_default();
    match sso.begin(&state, &next).await {
        Ok((url, browser)) => (
            StatusCode::SEE_OTHER,
            AppendHeaders([
                (header::LOCATION, url),
                (
                    header::SET_COOKIE,
                    session::cookie_header(&state, BROWSER_COOKIE, &browser, PENDING_SECONDS),
                ),
                (header::CACHE_CONTROL, "no-store".to_string()),
            ]),
        )
            .into_response(),
        Err(f) => refusal(&state, f),
    }
}

/// `GET /anmelden/sso/rueckkehr?code=…&state=…`: the provider sends the browser back.
async fn callback(State(state): State<AppState>, request: Request) -> Response {
    let Some(sso) = state.sso.clone() else {
        return AppError::NotFound.into_response();
    };
    let mut answer = Callback::default();
    for (k, v) in query_pairs(&request) {
        match k.as_str() {
            "code" => answer.code = Some(v),
            "state" => answer.state = Some(v),
            "error" => answer.error = Some(v),
            "iss" => answer.iss = Some(v),
            _ => {}
        }
    }
    let browser = session::cookie_value(request.headers(), BROWSER_COOKIE);
    let ip = peer_ip(request.extensions());
    let done = match sso.finish(&state, answer, browser, &ip).await {
        Ok(done) => done,
        Err(f) => return refusal(&state, f),
    };
    // A new session id at every sign-in; an old session of this browser ends.
    if let Err(e) = session::end(&state, request.headers()).await {
        return e.into_response();
    }
    let token = random_token();
    let now = state.clock.now();
    if let Err(e) = db::sso::insert_session(
        &state.db,
        &token_hash(&token),
        done.user_id,
        now,
        &done.id_token,
    )
    .await
    {
        return AppError::from(e).into_response();
    }
    let target = if done.next.is_empty() {
        "/".to_string()
    } else {
        done.next
    };
    (
        StatusCode::SEE_OTHER,
        AppendHeaders([
            (header::LOCATION, target),
            (header::SET_COOKIE, session::set_cookie(&token, &state)),
            (
                header::SET_COOKIE,
                session::cookie_header(&state, BROWSER_COOKIE, "", 0),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ]),
    )
        .into_response()
}

/// A refusal: logged with its reason (never a token), and the sign-in page that explains it.
fn refusal(state: &AppState, f: Failure) -> Response {
    match f {
        Failure::Refused(r, why) => {
            tracing::warn!(refusal = r.code(), reason = %why, "single sign-on refused");
            state.metrics.sign_in_failures.inc();
            (
                StatusCode::SEE_OTHER,
                AppendHeaders([
                    (header::LOCATION, format!("/anmelden?sso={}", r.code())),
                    (
                        header::SET_COOKIE,
                        session::cookie_header(state, BROWSER_COOKIE, "", 0),
                    ),
                    (header::CACHE_CONTROL, "no-store".to_string()),
                ]),
            )
                .into_response()
        }
        Failure::Internal(e) => e.into_response(),
    }
}
