//! Changing the register: each change is one transaction that writes the system, its units,
//! the version with who/when/what, the audit entry and the assignments the register derives,
//! so a failure leaves nothing half-written.
use super::{derive, Input, System};
use crate::error::AppError;
use crate::i18n::Texts;
use crate::server::accounts::unique_as_field;
use crate::server::auth::authz::{Actor, Scope};
use crate::server::db::{self, register::VersionRow};
use crate::server::state::AppState;

/// Within how many days of a unit starting to use a system (or a person joining the unit) its
/// course is due.
pub const DUE_DAYS: i64 = 30;

/// Whether the actor may see a system used by `units`.
pub fn may_read(actor: &Actor, units: &[i64]) -> bool {
    match actor.register_scope() {
        Some(Scope::All) => true,
        Some(Scope::Units(scope)) => units.iter().any(|u| scope.contains(u)),
        _ => false,
    }
}

/// Whether the actor may change a system used by `units`: every unit must be theirs, and a
/// KI-Koordination limited to some units never reaches a system of no unit (she could not
/// even see it).
pub fn may_edit(actor: &Actor, units: &[i64]) -> bool {
    actor.can_edit_register()
        && match actor.register_scope() {
            Some(Scope::All) => true,
            Some(Scope::Units(scope)) => {
                !units.is_empty() && units.iter().all(|u| scope.contains(u))
            }
            _ => false,
        }
}

/// A system the actor may change, read in the transaction that changes it; anything else is
/// "not found", so ids cannot be probed.
async fn editable(
    tx: &mut sqlx::AnyConnection,
    actor: &Actor,
    id: i64,
) -> Result<db::register::Stored, AppError> {
    let stored = db::register::get(tx, id).await?.ok_or(AppError::NotFound)?;
    if may_edit(actor, &stored.system.units) {
        Ok(stored)
    } else {
        Err(AppError::NotFound)
    }
}

/// Checks and saves a system: `existing` is (id, the version the editor saw). Returns its id.
pub async fn save(
    state: &AppState,
    actor: &Actor,
    existing: Option<(i64, i64)>,
    input: Input,
    review_confirmed: bool,
    t: &Texts,
) -> Result<i64, AppError> {
    let units = db::org_units::all(&state.db.pool).await?;
    let unit_ids: Vec<i64> = units.iter().map(|u| u.id).collect();
    let courses: Vec<String> = crate::server::reports::published_courses(state)
        .into_iter()
        .map(|c| c.slug)
        .collect();
    let may_use = |u: i64| actor.can_register_unit(u);
    let emails: std::collections::HashSet<String> = db::users::all_emails(&state.db)
        .await?
        .into_iter()
        .map(|e| e.to_lowercase())
        .collect();
    let known = |e: &str| emails.contains(e);
    let cx = super::Context {
        courses: &courses,
        units: &unit_ids,
        may_use_unit: &may_use,
        known_email: &known,
    };
    let unit_name = |id: i64| {
        units
            .iter()
            .find(|u| u.id == id)
            .map(|u| u.name.clone())
            .unwrap_or_default()
    };
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    // A system out of the editor's reach is "not found" whatever was entered.
    let old = match existing {
        Some((id, _)) => Some(editable(&mut tx, actor, id).await?),
        None => None,
    };
    let system = super::validate(input, &cx, t)?;
    if !may_edit(actor, &system.units) {
        // Only reachable with no unit: every chosen unit was checked by `validate`.
        return Err(AppError::field("einheiten", t.reg_units_required));
    }
    let (id, version, before) = match (existing, old) {
        (Some((id, seen)), Some(old)) => {
            if super::classification_review_needed(&old.system, &system) && !review_confirmed {
                return Err(AppError::field(
                    "einstufung_geprueft",
                    t.reg_review_classification,
                ));
            }
            let updated = db::register::update(&mut *tx, id, seen, &system, now)
                .await
                .map_err(|e| unique_as_field(e, "name", t.reg_name_taken))?;
            if !updated {
                return Err(AppError::InvalidInput(t.reg_conflict.into()));
            }
            (id, seen + 1, super::snapshot(&old.system, &unit_name))
        }
        _ => {
            let id = db::register::insert(&mut *tx, &system, now)
                .await
                .map_err(|e| unique_as_field(e, "name", t.reg_name_taken))?;
            (id, 1, Vec::new())
        }
    };
    db::register::clear_units(&mut *tx, id).await?;
    for unit in &system.units {
        db::register::add_unit(&mut *tx, id, *unit).await?;
    }
    let changes = super::diff(&before, &super::snapshot(&system, &unit_name));
    record_version(&mut tx, actor, id, version, now, &changes).await?;
    // People who learnt the old model, class or rules are due for an update (see `updates`).
    let update = super::update_changes(&changes);
    if existing.is_some() && !update.is_empty() {
        let update = serde_json::to_string(&update).map_err(AppError::internal)?;
        db::register::mark_update(&mut *tx, id, version, now, &update).await?;
    }
    sync_training(&mut tx, now).await?;
    tx.commit().await?;
    Ok(id)
}

async fn record_version(
    tx: &mut sqlx::AnyConnection,
    actor: &Actor,
    id: i64,
    version: i64,
    now: i64,
    changes: &[(String, String, String)],
) -> Result<(), AppError> {
    let changes = serde_json::to_string(changes).map_err(AppError::internal)?;
    db::register::insert_version(
        &mut *tx,
        id,
        &VersionRow {
            version,
            at: now,
            actor: actor.label(),
            changes: changes.clone(),
        },
    )
    .await?;
    actor
        .audit(
            &mut *tx,
            now,
            "register.save",
            &format!("ai_system:{id}"),
            &format!("{{\"version\":{version},\"changes\":{changes}}}"),
        )
        .await?;
    Ok(())
}

/// Brings the register's derived assignments in line with the register (see `derive`): the
/// users' course for the using units, the oversight course for the oversight persons named
/// with their e-mail address.
pub async fn sync_training(tx: &mut sqlx::AnyConnection, now: i64) -> Result<(), AppError> {
    let needs = db::register::training_needs(&mut *tx).await?;
    let derived = db::register::derived_assignments(&mut *tx).await?;
    let plan = derive::plan(&needs, &derived);
    for id in plan.delete {
        db::register::delete_assignment(&mut *tx, id).await?;
    }
    for (assignment, system) in plan.moves {
        db::register::move_derived(&mut *tx, assignment, system).await?;
    }
    for (unit, course, system) in plan.insert {
        db::register::insert_derived(&mut *tx, unit, &course, system, DUE_DAYS, now).await?;
    }
    let mut people = Vec::new();
    for (system, status, course, persons) in db::register::oversight_needs(&mut *tx).await? {
        for email in super::oversight_emails(&persons) {
            if let Some(user) = db::users::by_email(&mut *tx, &email).await? {
                if user.active {
                    people.push((system, status.clone(), course.clone(), Some(user.id)));
                }
            }
        }
    }
    let derived = db::register::derived_person_assignments(&mut *tx).await?;
    let plan = derive::plan(&people, &derived);
    for id in plan.delete {
        db::register::delete_assignment(&mut *tx, id).await?;
    }
    for (assignment, system) in plan.moves {
        db::register::move_derived(&mut *tx, assignment, system).await?;
    }
    for (user, course, system) in plan.insert {
        db::register::insert_derived_person(&mut *tx, user, &course, system, DUE_DAYS, now).await?;
    }
    Ok(())
}

/// A duty's state as a form submits it.
pub struct DutyInput<'a> {
    pub duty: &'a str,
    pub status: &'a str,
    pub day: &'a str,
    pub responsible: &'a str,
    pub evidence: &'a str,
}

/// Records the state of one duty of a system (a new version of the system).
pub async fn save_duty(
    state: &AppState,
    actor: &Actor,
    id: i64,
    d: &DutyInput<'_>,
    t: &Texts,
) -> Result<(), AppError> {
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let stored = editable(&mut tx, actor, id).await?;
    let s: &System = &stored.system;
    let outcome = super::classify(&s.answers, s.role, t)?;
    if !super::duties(&outcome, &s.answers, s.role)
        .iter()
        .any(|x| x.code == d.duty)
    {
        return Err(AppError::NotFound);
    }
    if !super::DUTY_STATES.contains(&d.status) {
        return Err(AppError::field("status", t.reg_status_invalid));
    }
    let day = if d.day.trim().is_empty() {
        None
    } else {
        Some(
            crate::i18n::Date::parse_iso(d.day.trim())
                .ok_or_else(|| AppError::field("datum", t.reg_date_invalid))?
                .to_days(),
        )
    };
    let (responsible, evidence) = (d.responsible.trim(), d.evidence.trim());
    if responsible.chars().count() > 200 || evidence.chars().count() > 4000 {
        return Err(AppError::field("nachweis", t.reg_text_too_long));
    }
    let before = db::register::duties(&mut *tx, id)
        .await?
        .into_iter()
        .find(|x| x.duty == d.duty)
        .unwrap_or_default();
    let row = db::register::DutyRow {
        duty: d.duty.to_string(),
        status: d.status.to_string(),
        day,
        responsible: responsible.to_string(),
        evidence: evidence.to_string(),
    };
    db::register::upsert_duty(&mut *tx, id, &row).await?;
    let version = db::register::bump_version(&mut *tx, id, now)
        .await?
        .ok_or(AppError::NotFound)?;
    let show = |r: &db::register::DutyRow| {
        if r.status.is_empty() {
            String::new()
        } else {
            let day = r
                .day
                .map(|d| crate::i18n::Date::from_days(d).iso())
                .unwrap_or_default();
            format!(
                "{}: {} {} {} {}",
                d.duty, r.status, day, r.responsible, r.evidence
            )
            .trim()
            .to_string()
        }
    };
    let changes = vec![("pflicht".to_string(), show(&before), show(&row))];
    record_version(&mut tx, actor, id, version, now, &changes).await?;
    tx.commit().await?;
    Ok(())
}
