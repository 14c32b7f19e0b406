//! The admin's view of outgoing mail: the queue, what was sent and what failed (with the mail
//! server's answer), a retry for failed mails and a test mail to oneself.
use leptos::prelude::*;

use crate::error::AppError;
use crate::model::MailFigures;

#[cfg(feature = "ssr")]
mod ssr {
    pub use crate::server::auth::authz::Ctx;
}

/// Queue length, sent and failed in the last 7 days, the problems; None when mail is off.
#[server(endpoint = "mail_overview")]
pub async fn mail_overview() -> Result<Option<MailFigures>, AppError> {
    use ssr::*;
    let Ctx { state, .. } = Ctx::admin().await?;
    if !state.config.mail.enabled() {
        return Ok(None);
    }
    Ok(Some(crate::server::mail::overview(&state).await?))
}

/// Queues a failed mail again.
#[server(endpoint = "retry_mail")]
pub async fn retry_mail(id: i64) -> Result<(), AppError> {
    use ssr::*;
    let Ctx { state, .. } = Ctx::admin().await?;
    if !crate::server::db::outbox::retry(&state.db, id, state.clock.now()).await? {
        return Err(AppError::NotFound);
    }
    leptos_axum::redirect("/verwaltung/e-mails?erneut=1");
    Ok(())
}

/// Sends a test mail to the signed-in admin.
#[server(endpoint = "send_test_mail")]
pub async fn send_test_mail() -> Result<(), AppError> {
    use ssr::*;
    let Ctx { state, actor } = Ctx::admin().await?;
    if !state.config.mail.enabled() {
        return Err(AppError::NotFound);
    }
    let settings = crate::server::db::reminders::settings(&state.db, actor.id()).await?;
    let locale = crate::i18n::Locale::from_code(&settings.locale).unwrap_or_default();
    let mail =
        crate::server::mail::test_mail(locale, &state.config.org_name, &actor.user.display_name);
    let mut tx = state.db.begin().await?;
    crate::server::mail::queue(
        &mut tx,
        &state,
        "test",
        &actor.user.email,
        Some(actor.id()),
        &mail,
    )
    .await?;
    tx.commit().await?;
    leptos_axum::redirect("/verwaltung/e-mails?test=1");
    Ok(())
}
