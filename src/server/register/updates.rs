//! Updates when a system changes: people who learnt a system's old model, class or house rules
//! (`UPDATE_FIELDS`) must hear of the new ones. Depending on the system, they read what changed
//! with the current rules and confirm ("delta"), or take the system's course again ("kurs").
//! Nothing is copied per person when a system changes: who is due follows from the system's
//! last update, the person's completions and confirmations, so a system with thousands of
//! users changes in one row and a person's start page asks three small queries.
use crate::error::AppError;
use crate::i18n::Date;
use crate::server::db::{self, register::Stored, users::UserRecord};
use crate::server::state::AppState;

use super::{oversight_emails, store::DUE_DAYS, UpdateMode};

/// An update a person is due for.
#[derive(Debug, Clone, PartialEq)]
pub struct Due {
    pub system: i64,
    pub name: String,
    pub mode: UpdateMode,
    /// The version to confirm.
    pub version: i64,
    /// When the change was recorded.
    pub at: i64,
    pub due: Date,
    /// The course to take again ("kurs").
    pub course: Option<String>,
}

/// Whether the system concerns the person: her unit uses it (or a unit above hers), or she is
/// named for its oversight.
pub fn concerns(units: &[db::org_units::UnitRow], user: &UserRecord, s: &Stored) -> bool {
    let oversight = oversight_emails(&s.system.oversight).contains(&user.email.to_lowercase());
    let by_unit =
        user.org_unit_id.is_some() && super::learner::applies(units, user.org_unit_id, &s.system);
    s.system.status.in_use() && (by_unit || oversight)
}

/// The update a concerned person is due for, if any. `completed`: when she last completed
/// each course; `acked`: the version of this system she last confirmed. Someone who never
/// completed the system's course learns the current state from the course itself; a system
/// without a course asks everyone concerned.
pub fn due(s: &Stored, completed: &[(String, i64)], acked: Option<i64>) -> Option<Due> {
    let (version, at, _) = s.update.as_ref()?;
    let last = |course: &Option<String>| {
        course
            .as_ref()
            .and_then(|c| completed.iter().find(|(x, _)| x == c).map(|(_, t)| *t))
    };
    let learnt = [last(&s.system.course), last(&s.system.oversight_course)]
        .into_iter()
        .flatten()
        .max();
    let current = acked.is_some_and(|v| v >= *version) || learnt.is_some_and(|t| t >= *at);
    let needed = learnt.is_some() || s.system.course.is_none();
    (needed && !current).then(|| Due {
        system: s.id,
        name: s.system.name.clone(),
        mode: s.system.update_mode,
        version: *version,
        at: *at,
        due: Date::from_days(Date::in_germany(*at).to_days() + DUE_DAYS),
        course: s.system.course.clone(),
    })
}

/// The updates a person is due for, soonest first.
pub async fn for_person(state: &AppState, user: &UserRecord) -> Result<Vec<Due>, AppError> {
    let systems: Vec<Stored> = db::register::all(&state.db)
        .await?
        .into_iter()
        .filter(|s| s.update.is_some())
        .collect();
    if systems.is_empty() {
        return Ok(Vec::new());
    }
    let units = db::org_units::all(&state.db.pool).await?;
    let completed = db::register::completions(&state.db, user.id).await?;
    let acks = db::register::acknowledged(&state.db, user.id).await?;
    let mut out: Vec<Due> = systems
        .iter()
        .filter(|s| concerns(&units, user, s))
        .filter_map(|s| {
            let acked = acks
                .iter()
                .find(|(id, _, _)| *id == s.id)
                .map(|(_, v, _)| *v);
            due(s, &completed, acked)
        })
        .collect();
    out.sort_by_key(|d| (d.at, d.system));
    Ok(out)
}
