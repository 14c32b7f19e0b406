//! Extractors for the plain routes, so that a handler names who may call it in its signature
//! (`actor: Actor`, `Manager(actor): Manager`, `locale: Locale`) instead of opening with the same
//! sign-in check as every other handler. The server functions have their counterpart in
//! `auth::authz::Ctx`.
//!
//! Someone signed out is sent to the sign-in page with a way back. For a page or a download that
//! is the request itself; a form post cannot be repeated by a link, so it goes back to the page
//! that sent the form (its same-origin `Referer`). A route whose own address is not a good place
//! to land after signing in names another with the `SignInBack` extension.
use std::convert::Infallible;

use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use axum::http::request::Parts;
use axum::http::{header, Method};
use axum::response::{IntoResponse, Redirect, Response};

use crate::error::AppError;
use crate::i18n::Locale;
use crate::model::Role;
use crate::server::auth::authz::{actor_from_headers, Actor};
use crate::server::state::AppState;

/// Where a signed-out visitor of this route returns after signing in, when not the route itself
/// (`.layer(Extension(SignInBack("/konto")))`).
#[derive(Debug, Clone, Copy)]
pub struct SignInBack(pub &'static str);

/// Admins and coordinators; employees get 403.
pub struct Manager(pub Actor);

impl FromRequestParts<AppState> for Actor {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Actor, Response> {
        match actor_from_headers(state, &parts.headers).await {
            Ok(Some(actor)) => Ok(actor),
            Ok(None) => Err(Redirect::to(&format!(
                "/anmelden?weiter={}",
                crate::components::layout::percent_encode(&sign_in_back(parts, state))
            ))
            .into_response()),
            Err(e) => Err(e.into_response()),
        }
    }
}

/// `Option<Actor>`: whoever is signed in, if anyone (for routes open to everyone).
impl OptionalFromRequestParts<AppState> for Actor {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Option<Actor>, Response> {
        actor_from_headers(state, &parts.headers)
            .await
            .map_err(IntoResponse::into_response)
    }
}

impl FromRequestParts<AppState> for Manager {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Manager, Response> {
        let actor = <Actor as FromRequestParts<AppState>>::from_request_parts(parts, state).await?;
        if actor.role() == Role::Employee {
            return Err(AppError::Forbidden.into_response());
        }
        Ok(Manager(actor))
    }
}

/// The language chosen by the visitor's cookie (German without one).
impl<S: Send + Sync> FromRequestParts<S> for Locale {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Locale, Infallible> {
        Ok(crate::server::auth::session::locale(&parts.headers))
    }
}

fn sign_in_back(parts: &Parts, state: &AppState) -> String {
    let own = || {
        parts
            .uri
            .path_and_query()
            .map_or("/", |p| p.as_str())
            .to_string()
    };
    let named = parts
        .extensions
        .get::<SignInBack>()
        .map(|b| b.0.to_string());
    if parts.method == Method::GET || parts.method == Method::HEAD {
        return named.unwrap_or_else(own);
    }
    referer_path(parts, &state.config.public_base_url)
        .or(named)
        .unwrap_or_else(own)
}

/// The path of a `Referer` on this site (the page a form was sent from), if there is one: its
/// host is the one this request was sent to, or the one of `PUBLIC_BASE_URL`.
fn referer_path(parts: &Parts, base_url: &str) -> Option<String> {
    let referer = url::Url::parse(parts.headers.get(header::REFERER)?.to_str().ok()?).ok()?;
    let authority = |u: &url::Url| {
        let host = u.host_str().unwrap_or_default().to_ascii_lowercase();
        match u.port() {
            Some(port) => format!("{host}:{port}"),
            None => host,
        }
    };
    let own_host = parts
        .headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_ascii_lowercase);
    let public = url::Url::parse(base_url).ok().map(|u| authority(&u));
    let here = authority(&referer);
    if own_host.as_deref() != Some(here.as_str()) && public.as_deref() != Some(here.as_str()) {
        return None;
    }
    let path = match referer.query() {
        Some(q) => format!("{}?{q}", referer.path()),
        None => referer.path().to_string(),
    };
    super::is_local_path(&path).then_some(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(method: Method, uri: &str, referer: Option<&str>) -> Parts {
        let mut req = axum::http::Request::builder()
            .method(method)
            .uri(uri)
            .header(header::HOST, "127.0.0.1:3000");
        if let Some(r) = referer {
            req = req.header(header::REFERER, r);
        }
        req.body(()).expect("test request").into_parts().0
    }

    #[test]
    fn referer_counts_only_from_this_site() {
        let base = "https://lernen.example";
        let p = parts(
            Method::POST,
            "/x",
            Some("https://lernen.example/kurse/ki/1?a=b"),
        );
        assert_eq!(referer_path(&p, base).as_deref(), Some("/kurse/ki/1?a=b"));
        let p = parts(Method::POST, "/x", Some("https://evil.example/kurse"));
        assert_eq!(referer_path(&p, base), None);
        let p = parts(
            Method::POST,
            "/x",
            Some("https://lernen.example.evil/kurse"),
        );
        assert_eq!(referer_path(&p, base), None);
        let p = parts(
            Method::POST,
            "/x",
            Some("https://lernen.example//evil.example"),
        );
        assert_eq!(referer_path(&p, base), None);
        let p = parts(Method::POST, "/x", None);
        assert_eq!(referer_path(&p, base), None);
        // The host the request came to counts too (a server reached by its own address).
        let p = parts(Method::POST, "/x", Some("http://127.0.0.1:3000/kurse"));
        assert_eq!(referer_path(&p, base).as_deref(), Some("/kurse"));
        let p = parts(Method::POST, "/x", Some("http://127.0.0.1:3001/kurse"));
        assert_eq!(referer_path(&p, base), None);
    }
}
