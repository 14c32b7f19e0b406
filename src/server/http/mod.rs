//! The axum router: the plain routes of each feature (one module each, merged here), then the
//! Leptos pages and server functions, all wrapped in the layers of `layers`: logging, limits,
//! security headers, an origin check for writes, and compression.

use axum::middleware;
use axum::Router;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower_http::compression::CompressionLayer;
use tower_http::services::ServeDir;

use crate::app::{shell, App};
use crate::server::state::AppState;

mod account;
mod certificates;
mod completions;
mod extract;
mod import;
mod layers;
mod quiz;
mod site;
mod sso;

pub use certificates::verify_lookup;
pub use extract::{Manager, SignInBack};
use layers::*;
pub use layers::{origin_allowed, requests_in_flight};

/// The CSP nonce of one request; the page shell hands it to Leptos for its inline scripts.
#[derive(Debug, Clone)]
pub struct CspNonce(pub String);

pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let context_state = state.clone();
    let shell_options = state.leptos_options.clone();
    let fallback_state = state.clone();
    let pkg = ServeDir::new(state.config.site_root.join("pkg"))
        .precompressed_br()
        .precompressed_gzip();
    let renders = std::sync::Arc::new(tokio::sync::Semaphore::new(MAX_RENDERS_IN_FLIGHT));
    let pages = Router::new()
        .leptos_routes_with_context(
            &state,
            routes,
            move || {
                provide_context(context_state.clone());
                provide_context(crate::server::auth::authz::RequestActor::default());
            },
            move || shell(shell_options.clone()),
        )
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(
            move || provide_context(fallback_state.clone()), shell
        ))
        .layer(middleware::from_fn_with_state(
            renders,
            render_to_completion,
        ));
    let app = Router::new()
        .merge(site::routes())
        .merge(quiz::routes())
        .merge(certificates::routes())
        .merge(account::routes())
        .merge(sso::routes())
        .merge(import::routes())
        .merge(completions::routes())
        .merge(crate::server::reports::routes::routes())
        .nest_service("/pkg", pkg)
        // Its own route: the pages' fallback turns every answer but 200 into the 404 page, so a
        // browser revalidating its cached icon (304) would be told it is gone.
        .route_service(
            "/favicon.svg",
            tower_http::services::ServeFile::new(state.config.site_root.join("favicon.svg")),
        )
        .merge(pages)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            certificates::verify_json,
        ))
        .layer(middleware::from_fn(server_fn_error_status))
        .layer(CompressionLayer::new())
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(
            panic_response,
        ))
        .layer(middleware::from_fn_with_state(state.clone(), origin_check))
        .layer(middleware::from_fn_with_state(
            std::sync::Arc::new(tokio::sync::Semaphore::new(MAX_REQUESTS_IN_FLIGHT)),
            limit_in_flight,
        ))
        .layer(middleware::from_fn(refuse_malformed))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::server::client_ip::resolve,
        ))
        // Outermost but for the log: every answer, refusals included, carries the headers.
        .layer(middleware::from_fn_with_state(
            state.clone(),
            security_headers,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::server::metrics::record,
        ));
    with_request_log(app).with_state(state)
}

fn form_fields(body: &axum::body::Bytes) -> Vec<(String, String)> {
    url::form_urlencoded::parse(body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// The client's address in a server function (see `client_ip`).
pub fn request_ip() -> String {
    leptos::prelude::use_context::<axum::http::request::Parts>()
        .map(|p| peer_ip(&p.extensions))
        .unwrap_or_else(|| "unknown".into())
}

/// The client's address: the TCP peer, or behind a trusted proxy the address it forwarded
/// (decided once per request by `client_ip::resolve`).
pub fn peer_ip(extensions: &axum::http::Extensions) -> String {
    match extensions.get::<super::client_ip::ClientIp>() {
        Some(ip) => ip.0.to_string(),
        None => extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|c| c.0.ip().to_string())
            .unwrap_or_else(|| "unknown".into()),
    }
}

/// A path on this site: starts with one `/`, no scheme or host, no control characters.
pub fn is_local_path(p: &str) -> bool {
    p.starts_with('/')
        && !p.starts_with("//")
        && !p.starts_with("/\\")
        && !p.chars().any(|c| c.is_control())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::{header, HeaderMap, HeaderValue};

    #[test]
    fn local_paths_only() {
        assert!(is_local_path("/"));
        assert!(is_local_path("/kurse/ki?x=1"));
        assert!(!is_local_path("//evil.example"));
        assert!(!is_local_path("/\\evil.example"));
        assert!(!is_local_path("https://evil.example"));
        assert!(!is_local_path("/a\nb"));
    }

    #[test]
    fn cross_site_writes_are_refused() {
        let mut h = HeaderMap::new();
        assert!(origin_allowed(&h, "http://a"));
        h.insert("sec-fetch-site", HeaderValue::from_static("cross-site"));
        assert!(!origin_allowed(&h, "http://a"));
        h.insert("sec-fetch-site", HeaderValue::from_static("same-origin"));
        assert!(origin_allowed(&h, "http://a"));
        let mut h = HeaderMap::new();
        h.insert(
            header::HOST,
            HeaderValue::from_static("lernen.example:3000"),
        );
        h.insert(
            header::ORIGIN,
            HeaderValue::from_static("http://evil.example"),
        );
        assert!(!origin_allowed(&h, "https://lernen.example"));
        h.insert(
            header::ORIGIN,
            HeaderValue::from_static("http://lernen.example:3000"),
        );
        assert!(origin_allowed(&h, "https://lernen.example"));
        h.insert(
            header::ORIGIN,
            HeaderValue::from_static("https://lernen.example"),
        );
        assert!(origin_allowed(&h, "https://lernen.example"));
    }
}
