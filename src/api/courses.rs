//! Learner side: Meine Kurse, course page, module page, "Als gelesen markieren". Every signed-in
//! person sees every published course (until assignments exist); progress is their own only.
use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{AttemptView, CourseCard, CourseView, ModuleView};

#[cfg(feature = "ssr")]
mod ssr {
    pub use crate::server::auth::authz::Ctx;
    use std::collections::{HashMap, HashSet};

    use crate::model::{CourseCard, ModuleEntry};

    pub use crate::server::content::Course;
    pub use crate::server::db;
    pub use crate::server::state::AppState;

    /// The published course with this slug, or NotFound.
    pub fn published<'a>(
        state: &'a AppState,
        slug: &str,
    ) -> Result<&'a Course, crate::error::AppError> {
        state
            .catalog
            .course(slug)
            .filter(|c| c.published)
            .ok_or(crate::error::AppError::NotFound)
    }

    /// What this person has read, and of which courses they are renewing a certificate.
    pub struct Done {
        /// (course, module) pairs that count as done (see `quiz::service::modules_done`).
        pub modules: HashSet<(String, String)>,
        /// Course → (last valid day, modules read in an older version) while renewing.
        pub renewing: HashMap<String, (i64, usize)>,
    }

    impl Done {
        pub fn contains(&self, pair: &(String, String)) -> bool {
            self.modules.contains(pair)
        }
    }

    pub async fn done_set(state: &AppState, user_id: i64) -> Result<Done, crate::error::AppError> {
        use crate::server::quiz::service::{certified, modules_done};
        let me = [user_id];
        let (progress, status) = tokio::try_join!(
            db::progress::for_user(&state.db, user_id),
            db::course_status::for_users(&state.db, Some(&me)),
        )?;
        let today = crate::server::tracking::today(state.clock.now());
        let mut out = Done {
            modules: HashSet::new(),
            renewing: HashMap::new(),
        };
        for c in &state.catalog.courses {
            let valid = status
                .iter()
                .find(|(_, slug, _)| *slug == c.slug)
                .and_then(|(_, _, s)| s.valid_until_day);
            let read: Vec<(String, String)> = progress
                .iter()
                .filter(|(slug, ..)| *slug == c.slug)
                .map(|(_, m, hash, _)| (m.clone(), hash.clone()))
                .collect();
            let certified = certified(valid, today, i64::from(c.renewal_days));
            let done = modules_done(c, &read, certified);
            if let (false, Some(v)) = (certified, valid) {
                let changed = c
                    .modules
                    .iter()
                    .filter(|m| read.iter().any(|(id, hash)| *id == m.id && *hash != m.hash))
                    .count();
                out.renewing.insert(c.slug.clone(), (v, changed));
            }
            out.modules
                .extend(done.into_iter().map(|m| (c.slug.clone(), m)));
        }
        Ok(out)
    }

    pub fn entry(c: &Course, i: usize, done: &Done) -> ModuleEntry {
        let m = &c.modules[i];
        ModuleEntry {
            id: m.id.clone(),
            title: m.title.clone(),
            minutes: m.minutes,
            done: done.contains(&(c.slug.clone(), m.id.clone())),
        }
    }

    pub fn card(c: &Course, done: &Done) -> CourseCard {
        let entries: Vec<ModuleEntry> = (0..c.modules.len()).map(|i| entry(c, i, done)).collect();
        CourseCard {
            slug: c.slug.clone(),
            title: c.title.clone(),
            subtitle: c.subtitle.clone(),
            level: c.level,
            estimated_minutes: c.estimated_minutes,
            modules_total: entries.len(),
            modules_done: entries.iter().filter(|e| e.done).count(),
            resume_module: entries.iter().find(|e| !e.done).map(|e| e.id.clone()),
            assignment: None,
        }
    }
}

/// Meine Kurse: assigned courses first (earliest due date first, with state), then the others.
#[server(endpoint = "my_courses")]
pub async fn list_my_courses() -> Result<Vec<CourseCard>, AppError> {
    use ssr::*;
    let Ctx { state, actor } = Ctx::signed_in().await?;
    let mine = crate::server::reports::person_courses(&state, true, &actor.user).await?;
    my_cards(&state, actor.id(), &mine).await
}

/// The course cards of a person, from their courses as `reports::person_courses` gives them.
#[cfg(feature = "ssr")]
pub async fn my_cards(
    state: &crate::server::state::AppState,
    user_id: i64,
    mine: &[crate::model::PersonCourse],
) -> Result<Vec<CourseCard>, AppError> {
    use ssr::*;
    let done = done_set(state, user_id).await?;
    let mut cards: Vec<CourseCard> = state
        .catalog
        .published()
        .map(|c| {
            let mut card = card(c, &done);
            card.assignment = mine
                .iter()
                .find(|p| p.slug == c.slug && p.assigned)
                .map(|p| crate::model::CardAssignment {
                    due: p.due,
                    mandatory: p.mandatory,
                    state: p.state,
                    recorded: p.recorded.clone(),
                });
            card
        })
        .collect();
    cards.sort_by_key(|c| match &c.assignment {
        Some(a) => (0, a.due.map_or(i64::MAX, |d| d.to_days())),
        None => (1, 0),
    });
    Ok(cards)
}

/// Published courses (for assignment forms); anyone who manages people.
#[server(endpoint = "course_options")]
pub async fn list_course_options() -> Result<Vec<crate::model::CourseOption>, AppError> {
    use ssr::*;
    let Ctx { state, actor: _ } = Ctx::manager().await?;
    Ok(crate::server::reports::published_courses(&state))
}

#[server(endpoint = "course")]
pub async fn get_course(slug: String) -> Result<CourseView, AppError> {
    use ssr::*;
    let Ctx { state, actor } = Ctx::signed_in().await?;
    let c = published(&state, &slug)?;
    let done = done_set(&state, actor.id()).await?;
    Ok(CourseView {
        card: card(c, &done),
        audience: c.audience.clone(),
        objectives: c.objectives.clone(),
        version: c.version.clone(),
        stand: c.stand,
        modules: (0..c.modules.len()).map(|i| entry(c, i, &done)).collect(),
        renewal: done
            .renewing
            .get(&c.slug)
            .map(|&(last_day, reread)| crate::model::RenewalInfo {
                valid_until: crate::i18n::Date::from_days(last_day),
                expired: last_day < crate::server::tracking::today(state.clock.now()),
                reread,
            }),
        final_test: crate::server::quiz::service::final_info(&state, &actor, c).await?,
    })
}

#[server(endpoint = "module")]
pub async fn get_module(slug: String, module: String) -> Result<ModuleView, AppError> {
    use ssr::*;
    let Ctx { state, actor } = Ctx::signed_in().await?;
    let c = published(&state, &slug)?;
    let (i, m) = c.module(&module).ok_or(AppError::NotFound)?;
    let done = done_set(&state, actor.id()).await?;
    let html = if m.live_register {
        let locale = crate::app::current_locale();
        crate::server::register::learner::fill(&state, actor.user.org_unit_id, &m.html, locale)
            .await?
    } else {
        m.html.clone()
    };
    Ok(ModuleView {
        course_slug: c.slug.clone(),
        course_title: c.title.clone(),
        id: m.id.clone(),
        title: m.title.clone(),
        minutes: m.minutes,
        objectives: m.objectives.clone(),
        html,
        position: i + 1,
        total: c.modules.len(),
        done: done.contains(&(c.slug.clone(), m.id.clone())),
        has_check: !m.check.is_empty(),
        prev: i.checked_sub(1).map(|p| entry(c, p, &done)),
        next: (i + 1 < c.modules.len()).then(|| entry(c, i + 1, &done)),
    })
}

/// Marks a module as read (with the content version) and goes on to the next module, or back to
/// the course page after the last one.
#[server(endpoint = "mark_read")]
pub async fn mark_read(course: String, module: String) -> Result<(), AppError> {
    use ssr::*;
    let Ctx { state, actor } = Ctx::signed_in().await?;
    let c = published(&state, &course)?;
    let (i, m) = c.module(&module).ok_or(AppError::NotFound)?;
    // Modules with a module check are completed by passing it, not by a click.
    if !m.check.is_empty() {
        return Err(AppError::Forbidden);
    }
    let mut tx = state.db.begin().await?;
    db::progress::complete(
        &mut tx,
        actor.id(),
        &c.slug,
        &m.id,
        &m.hash,
        state.clock.now(),
    )
    .await?;
    tx.commit().await?;
    let target = match c.modules.get(i + 1) {
        Some(next) => format!("/kurse/{}/{}", c.slug, next.id),
        None => format!("/kurse/{}?abgeschlossen=1", c.slug),
    };
    leptos_axum::redirect(&target);
    Ok(())
}

/// One of the caller's own quiz attempts (module check or final test). Before submission it
/// holds no hint of the right answers.
#[server(endpoint = "attempt")]
pub async fn get_attempt(id: i64) -> Result<AttemptView, AppError> {
    use ssr::*;
    let Ctx { state, actor } = Ctx::signed_in().await?;
    crate::server::quiz::service::view(&state, &actor, id, crate::app::current_locale()).await
}
