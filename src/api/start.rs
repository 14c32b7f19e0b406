//! The start page: one server function that gathers what a person should see first, so the
//! page needs one request and shows the next step without a second look elsewhere.
use leptos::prelude::*;

use crate::error::AppError;
use crate::model::StartView;

/// The signed-in person's start page; None for visitors (they see the welcome).
#[server(endpoint = "start")]
pub async fn get_start() -> Result<Option<StartView>, AppError> {
    use crate::model::{Health, Role};
    use crate::server::auth::authz::Ctx;
    use crate::server::{certificate, db, reports};
    let Ctx { state, actor } = Ctx::anyone().await?;
    let Some(actor) = actor else {
        return Ok(None);
    };
    let mine = reports::person_courses(&state, true, &actor.user).await?;
    let cards = crate::api::courses::my_cards(&state, actor.id(), &mine).await?;
    let next = reports::next_course(&cards);
    let today = crate::server::tracking::today(state.clock.now());
    let certificates = db::certificates::for_user(&state.db, actor.id())
        .await?
        .iter()
        .filter(|r| r.revoked_at.is_none())
        .filter_map(|r| certificate::summary(r, today, state.catalog.renewal_days(&r.course_slug)))
        .collect();
    let units = if actor.role() == Role::Employee {
        None
    } else {
        let dash = reports::dashboard(&state, &actor, &Default::default()).await?;
        let top = dash.units.iter().map(|u| u.depth).min().unwrap_or(0);
        Some(dash.units.into_iter().filter(|u| u.depth == top).collect())
    };
    let health = if actor.is_admin() {
        let mail = if state.config.mail.enabled() {
            Some(crate::server::mail::overview(&state).await?)
        } else {
            None
        };
        Some(Health {
            mail,
            courses: state
                .catalog
                .published()
                .map(|c| (c.title.clone(), c.version.clone(), c.stand))
                .collect(),
            installed_since: crate::i18n::Date::in_germany(
                db::installation::created_at(&state.db).await?,
            ),
        })
    } else {
        None
    };
    let ki_updates = crate::server::register::updates::for_person(&state, &actor.user)
        .await?
        .into_iter()
        .map(|d| crate::model::KiUpdateCard {
            id: d.system,
            name: d.name,
            due: d.due,
            course: match d.mode {
                crate::register::UpdateMode::Course => d
                    .course
                    .map(|c| (reports::course_title(&state, &c), c))
                    .map(|(title, slug)| (slug, title)),
                crate::register::UpdateMode::Delta => None,
            },
        })
        .collect();
    Ok(Some(StartView {
        name: actor.user.display_name.clone(),
        next,
        reminders: reports::learner_reminders(&mine),
        certificates,
        units,
        health,
        ki_updates,
    }))
}
