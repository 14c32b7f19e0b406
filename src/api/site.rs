use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{HomeStats, SiteInfo};

/// The installation's name for the page header. Public: it is printed on every page anyway.
#[server(endpoint = "site_info")]
pub async fn get_site_info() -> Result<SiteInfo, AppError> {
    let state = crate::server::state::app_state()?;
    Ok(SiteInfo {
        org_name: state.config.org_name.clone(),
    })
}

/// Start-page facts read from the database. Public: no personal data.
#[server(endpoint = "home_stats")]
pub async fn get_home_stats() -> Result<HomeStats, AppError> {
    let state = crate::server::state::app_state()?;
    let since = crate::server::db::installation::created_at(&state.db).await?;
    Ok(HomeStats {
        installed_since: crate::i18n::Date::in_germany(since),
    })
}
