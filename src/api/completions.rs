//! Recorded trainings: the coordinator's form and list, one training with its participants.
//! Coordinators reach trainings with a participant in their scope; admins all.
use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{SessionForm, SessionPerson, SessionView};

#[cfg(feature = "ssr")]
mod ssr {
    pub use crate::app::current_locale;
    pub use crate::error::AppError;
    pub use crate::i18n::Date;
    pub use crate::server::auth::authz::{Actor, Ctx};
    pub use crate::server::completions::{self, Format};
    pub use crate::server::db;
    pub use crate::server::reports;
    pub use crate::server::state::AppState;

    pub fn view(
        state: &AppState,
        s: db::manual::Session,
        t: &crate::i18n::Texts,
    ) -> crate::model::SessionView {
        crate::model::SessionView {
            id: s.id,
            course: reports::course_title(state, &s.course),
            format: Format::label_of(&s.format, t).to_string(),
            day: Date::from_days(s.completed_day),
            trainer: s.trainer,
            note: s.note,
            people: s.people,
            recorded_by: s.created_by.unwrap_or_default(),
            has_attendance: s.attendance_name.is_some(),
        }
    }

    /// The training if the actor may see it: admins always, coordinators when one of its
    /// participants is in their scope. Anything else is "not found".
    pub async fn visible_session(
        state: &AppState,
        actor: &Actor,
        id: i64,
    ) -> Result<(db::manual::Session, Vec<db::manual::Participant>), AppError> {
        let session = db::manual::session_by_id(&state.db, id)
            .await?
            .ok_or(AppError::NotFound)?;
        let people = db::manual::participants(&state.db, id).await?;
        if actor.is_admin() || people.iter().any(|p| actor.can_manage_unit(p.unit_id)) {
            Ok((session, people))
        } else {
            Err(AppError::NotFound)
        }
    }
}

/// The form's choices and the recent trainings the caller may see.
#[server(endpoint = "sessions")]
pub async fn list_sessions() -> Result<SessionForm, AppError> {
    use ssr::*;
    let Ctx { state, actor } = Ctx::manager().await?;
    let t = current_locale().texts();
    let units = actor.unit_filter();
    let sessions = db::manual::sessions(&state.db, units.as_deref(), 100).await?;
    Ok(SessionForm {
        courses: reports::published_courses(&state),
        formats: Format::ALL
            .iter()
            .map(|f| (f.code().to_string(), f.label(t).to_string()))
            .collect(),
        today: Date::in_germany(state.clock.now()),
        sessions: sessions.into_iter().map(|s| view(&state, s, t)).collect(),
    })
}

/// One training with its participants.
#[server(endpoint = "session")]
pub async fn get_session(id: i64) -> Result<(SessionView, Vec<SessionPerson>), AppError> {
    use ssr::*;
    let Ctx { state, actor } = Ctx::manager().await?;
    let t = current_locale().texts();
    let (session, people) = visible_session(&state, &actor, id).await?;
    let units = db::org_units::all(&state.db.pool).await?;
    let paths: std::collections::HashMap<i64, String> = crate::server::accounts::tree(&units)
        .into_iter()
        .map(|u| (u.id, u.path))
        .collect();
    let people = people
        .into_iter()
        .map(|p| SessionPerson {
            unit: p
                .unit_id
                .and_then(|u| paths.get(&u).cloned())
                .unwrap_or_default(),
            name: p.name,
            email: p.email,
            code: p
                .code
                .map(|c: String| crate::server::certificate::grouped(&c))
                .unwrap_or_default(),
            revoked: p.revoked,
        })
        .collect();
    Ok((view(&state, session, t), people))
}

/// Records a training for a list of people (one e-mail address or personnel number per
/// line), all in the caller's scope; everyone gets the course as done and a certificate that
/// names the form. All or nothing.
#[server(endpoint = "record_completions")]
pub async fn record_completions(
    course: String,
    datum: String,
    form: String,
    leitung: Option<String>,
    bemerkung: Option<String>,
    personen: String,
) -> Result<(), AppError> {
    use ssr::*;
    let Ctx { state, actor } = Ctx::manager().await?;
    let t = current_locale().texts();
    let input = completions::Input {
        course: &course,
        day: &datum,
        format: &form,
        trainer: leitung.as_deref().unwrap_or_default(),
        note: bemerkung.as_deref().unwrap_or_default(),
        people: &personen,
    };
    let (id, n) = completions::record(&state, &actor, &input, t).await?;
    leptos_axum::redirect(&format!("/verwaltung/schulungen/{id}?erfasst={n}"));
    Ok(())
}
