use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{HomeStats, SiteInfo};

/// The installation's name for the page header. Public: it is printed on every page anyway.
#[server(endpoint = "site_info")]
pub async fn get_site_info() -> Result<SiteInfo, AppError> {
    let state = crate::server::auth::authz::Ctx::public()?.state;
    Ok(SiteInfo {
        org_name: state.config.org_name.clone(),
        logo: state.config.org_logo.as_ref().map(|l| l.url()),
    })
}

/// The stylesheet with the organisation's colour (setting ORG_COLOR), if there is one; read from
/// the server's state while the page shell renders.
pub fn theme_href() -> Option<String> {
    #[cfg(feature = "ssr")]
    {
        use_context::<crate::server::state::AppState>().and_then(|s| {
            s.config
                .org_color
                .as_ref()
                .map(|t| format!("/theme.css?v={}", t.version()))
        })
    }
    #[cfg(not(feature = "ssr"))]
    {
        None
    }
}

/// Start-page facts read from the database. Public: no personal data.
#[server(endpoint = "home_stats")]
pub async fn get_home_stats() -> Result<HomeStats, AppError> {
    let state = crate::server::auth::authz::Ctx::public()?.state;
    let since = crate::server::db::installation::created_at(&state.db).await?;
    Ok(HomeStats {
        installed_since: crate::i18n::Date::in_germany(since),
    })
}

/// The built-in information pages and the file each is read from (`CONTENT_DIR/seiten/`).
pub const SITE_PAGES: [&str; 5] = [
    "impressum",
    "datenschutz",
    "barrierefreiheit",
    "leichte-sprache",
    "fristen",
];

/// One built-in information page, rendered from the installation's Markdown file. Public.
/// The English text (`<name>.en.md`) is used for an English UI when the installation has one;
/// otherwise the German text is shown and marked as German.
#[server(endpoint = "site_page")]
pub async fn get_site_page(name: String) -> Result<crate::model::SitePage, AppError> {
    let state = crate::server::auth::authz::Ctx::public()?.state;
    if !SITE_PAGES.contains(&name.as_str()) {
        return Err(AppError::NotFound);
    }
    let locale = crate::app::current_locale();
    let dir = state.config.content_dir.join("seiten");
    let mut candidates = vec![(dir.join(format!("{name}.md")), "de")];
    if locale == crate::i18n::Locale::En {
        candidates.insert(0, (dir.join(format!("{name}.en.md")), "en"));
    }
    for (path, lang) in candidates {
        if let Ok(text) = tokio::fs::read_to_string(&path).await {
            let text = include_snippets(&text, &state.config.content_dir.join("snippets")).await;
            return Ok(crate::server::content::site_page(
                &text,
                lang,
                &state.config,
            ));
        }
    }
    tracing::warn!(page = %name, dir = %dir.display(), "built-in page file missing");
    Err(AppError::NotFound)
}

/// Replaces `{{> name}}` lines with `snippets/name.md`, as in a course module: the page of AI Act
/// dates shows the one dated snippet the courses use, so one edit updates both. A missing
/// snippet leaves its line out (the content check names it for modules).
#[cfg(feature = "ssr")]
async fn include_snippets(text: &str, dir: &std::path::Path) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let name = line
            .trim()
            .strip_prefix("{{>")
            .and_then(|r| r.strip_suffix("}}"))
            .map(str::trim)
            .filter(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
        match name {
            Some(name) => match tokio::fs::read_to_string(dir.join(format!("{name}.md"))).await {
                Ok(snippet) => out.push_str(&snippet),
                Err(e) => {
                    tracing::warn!(snippet = name, error = %e, "snippet of a built-in page missing")
                }
            },
            None => out.push_str(line),
        }
        out.push('\n');
    }
    out
}

/// Sends a report of a barrier. Public (also without sign-in); at most 5 reports per address
/// and hour.
#[server(endpoint = "report_barrier")]
pub async fn report_barrier(
    page: Option<String>,
    description: String,
    contact: Option<String>,
) -> Result<(), AppError> {
    use crate::server::db;
    let state = crate::server::auth::authz::Ctx::public()?.state;
    let t = crate::app::current_locale().texts();
    let actor = crate::server::auth::authz::optional_actor(&state).await?;
    let page = page.unwrap_or_default();
    let page = page.trim();
    let description = description.trim();
    let contact = contact.unwrap_or_default();
    let contact = contact.trim();
    let mut errors = Vec::new();
    if description.is_empty() {
        errors.push(("description", t.barrier_description_missing));
    } else if description.chars().count() > 4000 {
        errors.push(("description", t.barrier_description_too_long));
    }
    if page.chars().count() > 500 {
        errors.push(("page", t.barrier_page_too_long));
    }
    if contact.chars().count() > 200 {
        errors.push(("contact", t.barrier_contact_too_long));
    }
    if !errors.is_empty() {
        return Err(AppError::Fields(
            errors
                .into_iter()
                .map(|(f, m)| crate::error::FieldError {
                    field: f.into(),
                    message: m.into(),
                })
                .collect(),
        ));
    }
    let ip = crate::server::http::request_ip();
    let now = state.clock.now();
    if db::barriers::count_from(&state.db, &ip, now - 3600).await? >= 5 {
        return Err(AppError::field("description", t.barrier_rate_limited));
    }
    db::barriers::insert(
        &state.db,
        &db::barriers::NewReport {
            at: now,
            page,
            description,
            contact,
            user_id: actor.map(|a| a.id()),
            ip: &ip,
        },
    )
    .await?;
    leptos_axum::redirect("/barriere-melden?gesendet=1");
    Ok(())
}

/// The reports, open ones first (admins).
#[server(endpoint = "barrier_reports")]
pub async fn barrier_reports(
    page: i64,
) -> Result<crate::model::Paged<crate::model::BarrierReport>, AppError> {
    let state = crate::server::auth::authz::Ctx::public()?.state;
    let actor = crate::server::auth::authz::require_actor(&state).await?;
    actor.require_role(&[crate::model::Role::Admin])?;
    Ok(crate::server::db::barriers::page(&state.db, page, 50).await?)
}

/// Marks a report as dealt with (`done` present) or as open again (admins; audited).
#[server(endpoint = "set_barrier_done")]
pub async fn set_barrier_done(id: i64, done: Option<String>) -> Result<(), AppError> {
    let state = crate::server::auth::authz::Ctx::public()?.state;
    let actor = crate::server::auth::authz::require_actor(&state).await?;
    actor.require_role(&[crate::model::Role::Admin])?;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let value = done.is_some().then_some((now, actor.id()));
    if !crate::server::db::barriers::set_done(&mut *tx, id, value).await? {
        return Err(AppError::NotFound);
    }
    let action = if done.is_some() {
        "barrier.done"
    } else {
        "barrier.reopen"
    };
    actor
        .audit(&mut *tx, now, action, &id.to_string(), "")
        .await?;
    tx.commit().await?;
    leptos_axum::redirect("/verwaltung/barrieren?gespeichert=1");
    Ok(())
}
