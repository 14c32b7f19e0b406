//! Certificates: my own, the public verification, and revocation by admins.
use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{CertificateSummary, VerifyView};

#[cfg(feature = "ssr")]
mod ssr {
    pub use crate::i18n::Date;
    pub use crate::server::auth::authz::Ctx;

    pub use crate::server::certificate;
    pub use crate::server::db;
    pub use crate::server::state::AppState;

    pub fn today(state: &AppState) -> i64 {
        Date::in_germany(state.clock.now()).to_days()
    }
}

#[server(endpoint = "my_certificates")]
pub async fn my_certificates() -> Result<Vec<CertificateSummary>, AppError> {
    use ssr::*;
    let Ctx { state, actor } = Ctx::signed_in().await?;
    let rows = db::certificates::for_user(&state.db, actor.id()).await?;
    Ok(rows
        .iter()
        .filter_map(|r| {
            certificate::summary(r, today(&state), state.catalog.renewal_days(&r.course_slug))
        })
        .collect())
}

/// The public verification: no sign-in. Unknown, malformed and rate-limited lookups all get
/// the same "not found".
#[server(endpoint = "verify_certificate")]
pub async fn verify_certificate(code: String) -> Result<VerifyView, AppError> {
    use ssr::*;
    let Ctx { state, .. } = Ctx::public()?;
    crate::server::http::verify_lookup(&state, &code).await
}

/// The newest certificates of everyone, for admins.
#[server(endpoint = "all_certificates")]
pub async fn all_certificates() -> Result<Vec<CertificateSummary>, AppError> {
    use ssr::*;
    let Ctx { state, actor: _ } = Ctx::admin().await?;
    let rows = db::certificates::recent(&state.db, 200).await?;
    Ok(rows
        .iter()
        .filter_map(|r| {
            certificate::summary(r, today(&state), state.catalog.renewal_days(&r.course_slug))
        })
        .collect())
}

/// Revokes a certificate with a reason (admins; written to the audit log).
#[server(endpoint = "revoke_certificate")]
pub async fn revoke_certificate(code: String, reason: String) -> Result<(), AppError> {
    use ssr::*;
    let Ctx { state, actor } = Ctx::admin().await?;
    let t = crate::app::current_locale().texts();
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > 500 {
        return Err(AppError::field("reason", t.revoke_reason_missing));
    }
    let code = certificate::normalize_code(&code).ok_or(AppError::NotFound)?;
    let mut tx = state.db.begin().await?;
    if !db::certificates::revoke(&mut tx, &code, reason, state.clock.now()).await? {
        return Err(AppError::NotFound);
    }
    actor
        .audit(
            &mut *tx,
            state.clock.now(),
            "certificate.revoke",
            &code,
            &crate::server::audit::details(serde_json::json!({ "reason": reason })),
        )
        .await?;
    tx.commit().await?;
    leptos_axum::redirect("/verwaltung/zertifikate?widerrufen=1");
    Ok(())
}
