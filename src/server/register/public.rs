//! The public transparency register (opt-in per system), in the spirit of the algorithm
//! registers of Amsterdam, Helsinki and the Dutch government: what the system does, who is
//! responsible, its risk class and how people keep it under control, in the organisation's
//! own words. Never names the persons charged with oversight; only the office and a contact.
use crate::error::AppError;
use crate::i18n::{Date, Texts};
use crate::model::PublicAiSystem;
use crate::server::db;
use crate::server::state::AppState;

pub async fn list(state: &AppState, t: &Texts) -> Result<Vec<PublicAiSystem>, AppError> {
    Ok(db::register::all(&state.db)
        .await?
        .into_iter()
        .filter(|s| s.system.published && s.system.status != super::Status::Planned)
        .map(|s| {
            let s = s.system;
            PublicAiSystem {
                oversight: s.public_oversight,
                name: s.name,
                provider: s.provider,
                purpose: s.purpose,
                status: s.status.label(t).into(),
                office: s.responsible,
                class_code: s.class.code().into(),
                class: s.class.label(t).into(),
                contact: s.contact,
                reviewed: s
                    .reviewed_day
                    .map(|d| Date::from_days(d).iso())
                    .unwrap_or_default(),
            }
        })
        .collect())
}
