use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;

use super::auth::password::Hasher;
use super::clock::Clock;
use super::config::Config;
use super::content::Catalog;
use super::db::Db;
use crate::error::AppError;

/// Shared by every handler and server function (provided to Leptos as context).
#[derive(Debug, Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    pub config: Arc<Config>,
    pub clock: Clock,
    pub hasher: Hasher,
    pub catalog: Arc<Catalog>,
}

impl AppState {
    pub fn new(config: Config, db: Db, clock: Clock, hasher: Hasher, catalog: Catalog) -> AppState {
        let leptos_options = LeptosOptions::builder()
            .output_name("seepferdchen")
            .site_root(config.site_root.to_string_lossy().to_string())
            .site_pkg_dir("pkg")
            .site_addr(config.bind_addr)
            .build();
        AppState {
            leptos_options,
            db,
            config: Arc::new(config),
            clock,
            hasher,
            catalog: Arc::new(catalog),
        }
    }
}

/// The state inside a server function.
pub fn app_state() -> Result<AppState, AppError> {
    leptos::prelude::use_context::<AppState>()
        .ok_or_else(|| AppError::internal("AppState missing from the server-function context"))
}
