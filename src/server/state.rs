use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;

use super::auth::password::Hasher;
use super::certificate::CertificateKey;
use super::clock::Clock;
use super::config::Config;
use super::content::Catalog;
use super::db::Db;
use crate::error::AppError;

/// Shared by every handler and server function (provided to Leptos as context). One `Arc`:
/// axum and Leptos clone the state several times per request, and a clone of the fields (the
/// Leptos options alone hold a dozen strings) showed up in profiles of a page.
#[derive(Debug, Clone)]
pub struct AppState(Arc<State>);

#[derive(Debug, Clone)]
pub struct State {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    pub config: Arc<Config>,
    pub clock: Clock,
    pub hasher: Hasher,
    pub catalog: Arc<Catalog>,
    pub cert_key: CertificateKey,
    pub verify_limiter: Arc<RateLimiter>,
    pub metrics: Arc<super::metrics::Metrics>,
    /// Single sign-on, when configured.
    pub sso: Option<Arc<super::auth::sso::Sso>>,
}

impl AppState {
    /// The same state with other settings (tests that change a setting of a running state).
    pub fn with_config(&self, config: Config) -> AppState {
        let mut state = (*self.0).clone();
        state.sso = config
            .sso
            .clone()
            .map(|c| Arc::new(super::auth::sso::Sso::new(c, &config.public_base_url)));
        state.config = Arc::new(config);
        AppState(Arc::new(state))
    }

    /// The same state with other content (tests of a content update).
    pub fn with_catalog(&self, catalog: Catalog) -> AppState {
        let mut state = (*self.0).clone();
        state.catalog = Arc::new(catalog);
        AppState(Arc::new(state))
    }
}

impl std::ops::Deref for AppState {
    type Target = State;

    fn deref(&self) -> &State {
        &self.0
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> LeptosOptions {
        state.leptos_options.clone()
    }
}

/// Requests per client address and minute (one instance's view; enough to stop enumeration).
#[derive(Debug, Default)]
pub struct RateLimiter {
    seen: std::sync::Mutex<std::collections::HashMap<String, (i64, u32)>>,
}

impl RateLimiter {
    pub const PER_MINUTE: u32 = 30;

    /// Counts a request; false when the address is over its limit for this minute.
    pub fn allow(&self, key: &str, now: i64) -> bool {
        let Ok(mut seen) = self.seen.lock() else {
            return true;
        };
        let minute = now / 60;
        if seen.len() > 10_000 {
            seen.retain(|_, (m, _)| *m == minute);
        }
        let entry = seen.entry(key.to_string()).or_insert((minute, 0));
        if entry.0 != minute {
            *entry = (minute, 0);
        }
        entry.1 += 1;
        entry.1 <= Self::PER_MINUTE
    }
}

impl AppState {
    pub fn new(
        config: Config,
        db: Db,
        clock: Clock,
        hasher: Hasher,
        catalog: Catalog,
        cert_key: CertificateKey,
    ) -> AppState {
        let leptos_options = LeptosOptions::builder()
            .output_name(asset_name(&config.site_root))
            .site_root(config.site_root.to_string_lossy().to_string())
            .site_pkg_dir("pkg")
            .site_addr(config.bind_addr)
            .build();
        let sso = config
            .sso
            .clone()
            .map(|c| Arc::new(super::auth::sso::Sso::new(c, &config.public_base_url)));
        AppState(Arc::new(State {
            sso,
            leptos_options,
            db,
            config: Arc::new(config),
            clock,
            hasher,
            catalog: Arc::new(catalog),
            cert_key,
            verify_limiter: Arc::new(RateLimiter::default()),
            metrics: Arc::new(super::metrics::Metrics::default()),
        }))
    }
}

/// The state inside a server function.
pub fn app_state() -> Result<AppState, AppError> {
    leptos::prelude::use_context::<AppState>()
        .ok_or_else(|| AppError::internal("AppState missing from the server-function context"))
}

/// The name of the built JS, wasm and CSS files: `seepferdchen.<content hash>` as
/// `scripts/build.sh` writes it into `pkg/assets.txt`, or plain `seepferdchen` for a site built
/// another way (cargo-leptos), whose files are then not cached as immutable.
pub fn asset_name(site_root: &std::path::Path) -> String {
    std::fs::read_to_string(site_root.join("pkg").join("assets.txt"))
        .ok()
        .map(|s| s.trim().to_string())
        .filter(|s| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_' || c == '-')
        })
        .unwrap_or_else(|| "seepferdchen".into())
}
