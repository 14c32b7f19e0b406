//! Who a system's course reaches and how many of them hold it: the evidence that the
//! measure fitted to the system (Art. 4) reached its users, with the dashboard's states.
use crate::error::AppError;
use crate::server::db;
use crate::server::state::AppState;

use super::System;

/// How many people the system's course reaches and how many hold it (done or expiring):
/// the people of the using units and their sub-units.
pub async fn trained(
    state: &AppState,
    units: &[db::org_units::UnitRow],
    s: &System,
) -> Result<(i64, i64), AppError> {
    let Some(course) = &s.course else {
        return Ok((0, 0));
    };
    if s.units.is_empty() {
        return Ok((0, 0));
    }
    let reach: Vec<i64> = crate::server::auth::authz::subtree(units, &s.units)
        .into_iter()
        .collect();
    let (assignments, _) =
        crate::server::tracking::Assignments::load(&state.db, &state.catalog).await?;
    let today = crate::server::tracking::today(state.clock.now());
    let figures = crate::server::tracking::unit_counts(
        &state.db,
        &assignments,
        Some(&reach),
        Some(course),
        today,
    )
    .await?;
    let (mut users, mut done) = (0i64, 0i64);
    for f in figures.values() {
        let c = &f.counts;
        users +=
            i64::from(c.done + c.expiring + c.in_progress + c.not_started + c.overdue + c.expired);
        done += i64::from(c.done + c.expiring);
    }
    Ok((users, done))
}

pub fn unit_names(units: &[db::org_units::UnitRow], ids: &[i64]) -> Vec<String> {
    ids.iter()
        .filter_map(|id| units.iter().find(|u| u.id == *id).map(|u| u.name.clone()))
        .collect()
}
