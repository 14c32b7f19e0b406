//! Assignments, the coordinator's Übersicht, one person's courses, the audit log view.
//! Coordinators reach their org units (with sub-units), admins everything, employees nothing
//! here but their own courses.
use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{
    AssignmentView, AuditEntry, CourseOption, Dashboard, OrgUnit, Paged, PersonCourse, PersonStatus,
};

#[cfg(feature = "ssr")]
mod ssr {
    pub use crate::app::current_locale;
    pub use crate::i18n::Date;
    pub use crate::server::auth::authz::Ctx;

    pub use crate::server::accounts;
    pub use crate::server::auth::authz::Actor;
    pub use crate::server::db;
    pub use crate::server::db::assignments::Due;
    pub use crate::server::reports;
    pub use crate::server::state::AppState;
    pub use crate::server::tracking;

    /// What a changed assignment tells the people it reaches: nothing (optional course, or
    /// nothing changed), a new mandatory course, or a new due date.
    pub fn notice(
        before: Option<&db::assignments::AssignmentRow>,
        due: Due,
        mandatory: bool,
    ) -> Option<bool> {
        match before {
            _ if !mandatory => None,
            Some(b) if b.mandatory && b.due_day == due.day && b.due_days == due.days => None,
            Some(b) if b.mandatory => Some(true),
            _ => Some(false),
        }
    }

    /// The people an assignment to these units or persons reaches.
    pub async fn reached(
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        unit: Option<i64>,
        users: Option<&[i64]>,
    ) -> Result<Vec<db::reminders::Recipient>, crate::error::AppError> {
        let units = match unit {
            Some(u) => {
                let rows = db::org_units::all(&mut **tx).await?;
                let mut v: Vec<i64> = accounts::expand(&rows, &[u]).into_iter().collect();
                v.sort_unstable();
                Some(v)
            }
            None => None,
        };
        Ok(db::reminders::recipients_in(&mut **tx, units.as_deref(), users).await?)
    }

    /// The due date of an assignment form: a date (`due`) or a number of days (`due_days`),
    /// not both; both empty is none.
    pub fn parse_due(
        day: Option<&str>,
        days: Option<&str>,
        today: i64,
        t: &crate::i18n::Texts,
    ) -> Result<Due, crate::error::AppError> {
        let day = due_day(day, today, t)?;
        let days = match days.map(str::trim).filter(|v| !v.is_empty()) {
            None => None,
            Some(v) => Some(
                v.parse::<i64>()
                    .ok()
                    .filter(|n| (1..=3650).contains(n))
                    .ok_or_else(|| {
                        crate::error::AppError::field("due_days", t.assign_due_days_invalid)
                    })?,
            ),
        };
        if day.is_some() && days.is_some() {
            return Err(crate::error::AppError::field("due_days", t.assign_due_both));
        }
        Ok(Due { day, days })
    }

    /// The due date a notice mail names: the fixed one, or for a relative one the day the
    /// people in the unit now have (counted from the assignment's first day).
    pub fn notice_day(
        due: Due,
        before: Option<&db::assignments::AssignmentRow>,
        today: i64,
    ) -> Option<i64> {
        let from = before.map_or(today, |b| tracking::today(b.created_at));
        due.day.or(due.days.map(|n| from + n))
    }

    /// A due date from a date field: empty is none; it must not lie in the past nor more than
    /// ten years ahead.
    pub fn due_day(
        value: Option<&str>,
        today: i64,
        t: &crate::i18n::Texts,
    ) -> Result<Option<i64>, crate::error::AppError> {
        let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) else {
            return Ok(None);
        };
        let day = Date::parse_iso(v)
            .ok_or_else(|| crate::error::AppError::field("due", t.assign_due_invalid))?
            .to_days();
        if day < today {
            return Err(crate::error::AppError::field("due", t.assign_due_past));
        }
        if day > today + 3660 {
            return Err(crate::error::AppError::field("due", t.assign_due_invalid));
        }
        Ok(Some(day))
    }

    /// A published course, or a field error.
    pub fn published_course<'a>(
        state: &'a AppState,
        slug: &str,
        t: &crate::i18n::Texts,
    ) -> Result<&'a crate::server::content::Course, crate::error::AppError> {
        state
            .catalog
            .course(slug.trim())
            .filter(|c| c.published)
            .ok_or_else(|| crate::error::AppError::field("course", t.assign_course_missing))
    }

    pub fn is_on(v: &Option<String>) -> bool {
        v.as_deref()
            .is_some_and(|v| !v.is_empty() && v != "0" && v != "false")
    }

    /// An assignment as the pages show it; `paths`: the org units' full paths.
    pub fn assignment_view(
        state: &AppState,
        paths: &std::collections::HashMap<i64, String>,
        a: db::assignments::AssignmentRow,
    ) -> crate::model::AssignmentView {
        crate::model::AssignmentView {
            id: a.id,
            course: crate::model::CourseOption {
                title: reports::course_title(state, &a.course),
                slug: a.course.clone(),
            },
            target: match (a.unit_id, &a.user_name) {
                (Some(u), _) => paths.get(&u).cloned().unwrap_or_default(),
                (None, Some(name)) => name.clone(),
                _ => String::new(),
            },
            is_unit: a.unit_id.is_some(),
            due: a.due_day.map(Date::from_days),
            due_days: a.due_days,
            mandatory: a.mandatory,
            created: Date::in_germany(a.created_at),
        }
    }

    /// Whether the actor may change this assignment: its unit, or its person, is in scope.
    pub fn may_change(actor: &Actor, a: &db::assignments::AssignmentRow) -> bool {
        match (a.unit_id, a.user_id) {
            (Some(u), _) => actor.can_manage_unit(Some(u)),
            (None, Some(_)) => actor.can_manage_unit(a.user_unit_id),
            _ => false,
        }
    }
}

/// The assignments the caller may change, with the courses and units for the form.
#[server(endpoint = "assignments")]
pub async fn list_assignments(
) -> Result<(Vec<AssignmentView>, Vec<CourseOption>, Vec<OrgUnit>), AppError> {
    use ssr::*;
    let Ctx { state, actor } = Ctx::manager().await?;
    let units = db::org_units::all(&state.db.pool).await?;
    let paths: std::collections::HashMap<i64, String> = accounts::tree(&units)
        .into_iter()
        .map(|u| (u.id, u.path))
        .collect();
    let rows = db::assignments::all(&state.db).await?;
    let mut list: Vec<AssignmentView> = rows
        .into_iter()
        .filter(|a| may_change(&actor, a))
        .map(|a| assignment_view(&state, &paths, a))
        .collect();
    list.sort_by(|a, b| {
        (!a.is_unit, &a.target, &a.course.title).cmp(&(!b.is_unit, &b.target, &b.course.title))
    });
    let courses = reports::published_courses(&state);
    Ok((
        list,
        courses,
        accounts::visible_units(&state, &actor).await?,
    ))
}

/// One assignment the caller may change (the confirmation page before removing it). Outside
/// the caller's scope it does not exist, as for an id that names none.
#[server(endpoint = "assignment")]
pub async fn get_assignment(id: i64) -> Result<AssignmentView, AppError> {
    use ssr::*;
    let Ctx { state, actor } = Ctx::manager().await?;
    let a = db::assignments::get(&state.db.pool, id)
        .await?
        .filter(|a| may_change(&actor, a))
        .ok_or(AppError::NotFound)?;
    let units = db::org_units::all(&state.db.pool).await?;
    let paths = accounts::tree(&units)
        .into_iter()
        .map(|u| (u.id, u.path))
        .collect();
    Ok(assignment_view(&state, &paths, a))
}

/// Assigns a course to an org unit (its sub-units and later members included).
#[server(endpoint = "assign_unit")]
pub async fn assign_unit(
    course: String,
    org_unit_id: Option<String>,
    due: Option<String>,
    due_days: Option<String>,
    mandatory: Option<String>,
) -> Result<(), AppError> {
    use ssr::*;
    let Ctx { state, actor } = Ctx::manager().await?;
    let t = current_locale().texts();
    let c = published_course(&state, &course, t)?;
    let unit = accounts::optional_id(org_unit_id.as_deref())
        .ok()
        .flatten()
        .filter(|u| actor.can_manage_unit(Some(*u)))
        .ok_or_else(|| AppError::field("org_unit_id", t.assign_unit_missing))?;
    let units = db::org_units::all(&state.db.pool).await?;
    let Some(name) = units.iter().find(|u| u.id == unit).map(|u| u.name.clone()) else {
        return Err(AppError::field("org_unit_id", t.assign_unit_missing));
    };
    let now = state.clock.now();
    let today = tracking::today(now);
    let due = parse_due(due.as_deref(), due_days.as_deref(), today, t)?;
    let mut tx = state.db.begin().await?;
    let before = db::assignments::find(&mut *tx, &c.slug, Some(unit), None).await?;
    if let Some(changed) = notice(before.as_ref(), due, is_on(&mandatory)) {
        let people = reached(&mut tx, Some(unit), None).await?;
        let day = notice_day(due, before.as_ref(), today);
        crate::server::mail::notify_assignment(&mut tx, &state, &c.slug, &people, day, changed)
            .await?;
    }
    db::assignments::upsert(
        &mut *tx,
        &db::assignments::NewAssignment {
            course: &c.slug,
            unit_id: Some(unit),
            user_id: None,
            due_day: due.day,
            due_days: due.days,
            mandatory: is_on(&mandatory),
            created_by: Some(actor.id()),
            now,
        },
    )
    .await?;
    let details = crate::server::audit::assignment_details(&c.slug, due, is_on(&mandatory));
    actor
        .audit(
            &mut *tx,
            state.clock.now(),
            "assignment.create",
            &name,
            &details,
        )
        .await?;
    tx.commit().await?;
    leptos_axum::redirect("/verwaltung/zuweisungen?gespeichert=1");
    Ok(())
}

/// Assigns a course to the people selected in the user list (all in the caller's scope).
#[server(endpoint = "assign_people")]
pub async fn assign_people(
    course: String,
    user_ids: Option<Vec<i64>>,
    due: Option<String>,
    due_days: Option<String>,
    mandatory: Option<String>,
) -> Result<(), AppError> {
    use ssr::*;
    let Ctx { state, actor } = Ctx::manager().await?;
    let t = current_locale().texts();
    let ids = user_ids.unwrap_or_default();
    if ids.is_empty() || ids.len() > 500 {
        return Err(AppError::field("user_ids", t.assign_people_missing));
    }
    let c = published_course(&state, &course, t)?;
    let now = state.clock.now();
    let today = tracking::today(now);
    let due = parse_due(due.as_deref(), due_days.as_deref(), today, t)?;
    let mut tx = state.db.begin().await?;
    for id in &ids {
        let target = db::users::get(&mut *tx, *id).await?;
        actor.require_manage_user(target.as_ref())?;
        let before = db::assignments::find(&mut *tx, &c.slug, None, Some(*id)).await?;
        if let Some(changed) = notice(before.as_ref(), due, is_on(&mandatory)) {
            let people = reached(&mut tx, None, Some(&[*id])).await?;
            let day = notice_day(due, before.as_ref(), today);
            crate::server::mail::notify_assignment(&mut tx, &state, &c.slug, &people, day, changed)
                .await?;
        }
        db::assignments::upsert(
            &mut *tx,
            &db::assignments::NewAssignment {
                course: &c.slug,
                unit_id: None,
                user_id: Some(*id),
                due_day: due.day,
                due_days: due.days,
                mandatory: is_on(&mandatory),
                created_by: Some(actor.id()),
                now,
            },
        )
        .await?;
        if let Some(u) = target {
            actor
                .audit(
                    &mut *tx,
                    state.clock.now(),
                    "assignment.create",
                    &u.email,
                    &crate::server::audit::assignment_details(&c.slug, due, is_on(&mandatory)),
                )
                .await?;
        }
    }
    tx.commit().await?;
    leptos_axum::redirect(&format!("/verwaltung/benutzer?zugewiesen={}", ids.len()));
    Ok(())
}

/// Changes due date and mandatory flag of an assignment.
#[server(endpoint = "update_assignment")]
pub async fn update_assignment(
    id: i64,
    due: Option<String>,
    due_days: Option<String>,
    mandatory: Option<String>,
) -> Result<(), AppError> {
    use ssr::*;
    let Ctx { state, actor } = Ctx::manager().await?;
    let t = current_locale().texts();
    let mut tx = state.db.begin().await?;
    let a = db::assignments::get(&mut *tx, id)
        .await?
        .filter(|a| may_change(&actor, a))
        .ok_or(AppError::NotFound)?;
    let today = tracking::today(state.clock.now());
    let due = parse_due(due.as_deref(), due_days.as_deref(), today, t)?;
    if let Some(changed) = notice(Some(&a), due, is_on(&mandatory)) {
        let users = a.user_id.map(|u| vec![u]);
        let people = reached(&mut tx, a.unit_id, users.as_deref()).await?;
        let day = notice_day(due, Some(&a), today);
        crate::server::mail::notify_assignment(&mut tx, &state, &a.course, &people, day, changed)
            .await?;
    }
    db::assignments::update(&mut *tx, id, due, is_on(&mandatory)).await?;
    let details = crate::server::audit::assignment_details(&a.course, due, is_on(&mandatory));
    let target = a.target_name();
    actor
        .audit(
            &mut *tx,
            state.clock.now(),
            "assignment.update",
            &target,
            &details,
        )
        .await?;
    tx.commit().await?;
    leptos_axum::redirect("/verwaltung/zuweisungen?gespeichert=1");
    Ok(())
}

/// Removes an assignment (progress and certificates stay).
#[server(endpoint = "delete_assignment")]
pub async fn delete_assignment(id: i64) -> Result<(), AppError> {
    use ssr::*;
    let Ctx { state, actor } = Ctx::manager().await?;
    let mut tx = state.db.begin().await?;
    let a = db::assignments::get(&mut *tx, id)
        .await?
        .filter(|a| may_change(&actor, a))
        .ok_or(AppError::NotFound)?;
    db::assignments::delete(&mut *tx, id).await?;
    let target = a.target_name();
    actor
        .audit(
            &mut *tx,
            state.clock.now(),
            "assignment.delete",
            &target,
            &crate::server::audit::assignment_details(
                &a.course,
                Due {
                    day: a.due_day,
                    days: a.due_days,
                },
                a.mandatory,
            ),
        )
        .await?;
    tx.commit().await?;
    leptos_axum::redirect("/verwaltung/zuweisungen?entfernt=1");
    Ok(())
}

/// The Übersicht: figures per org unit (sub-units included), optionally for one course, for
/// the top of the scope, one unit (`unit`) or the units found by name or code (`search`).
#[server(endpoint = "dashboard")]
pub async fn get_dashboard(
    course: Option<String>,
    unit: Option<i64>,
    search: Option<String>,
    page: Option<i64>,
) -> Result<Dashboard, AppError> {
    use ssr::*;
    let Ctx { state, actor } = Ctx::manager().await?;
    let query = reports::DashboardQuery {
        course: course.filter(|c| !c.trim().is_empty()),
        unit,
        search: search.unwrap_or_default().chars().take(200).collect(),
        page: page.unwrap_or(1),
    };
    reports::dashboard(&state, &actor, &query).await
}

/// People of a unit (or the whole scope) with their states; filters as on the page.
#[server(endpoint = "people_status")]
pub async fn list_people_status(
    unit: Option<i64>,
    course: Option<String>,
    state_code: Option<String>,
    q: Option<String>,
    sort: Option<String>,
    page: Option<i64>,
) -> Result<Paged<PersonStatus>, AppError> {
    use ssr::*;
    let Ctx { state, actor } = Ctx::manager().await?;
    let filter = reports::PeopleFilter {
        unit,
        course: course.filter(|c| !c.trim().is_empty()),
        state: state_code
            .as_deref()
            .and_then(crate::model::CourseState::from_code),
        due_soon: state_code.as_deref() == Some(crate::model::DUE_SOON_CODE),
        search: q.unwrap_or_default().chars().take(100).collect(),
        sort: reports::PeopleSort::from_code(sort.as_deref()),
    };
    reports::people(&state, &actor, &filter, page.unwrap_or(1)).await
}

/// One person's courses (a manager looking at someone in scope).
#[server(endpoint = "person_courses")]
pub async fn get_person_courses(id: i64) -> Result<Vec<PersonCourse>, AppError> {
    use ssr::*;
    let Ctx { state, actor } = Ctx::manager().await?;
    let target = db::users::get(&state.db.pool, id).await?;
    actor.require_manage_user(target.as_ref())?;
    let target = target.ok_or(AppError::NotFound)?;
    reports::person_courses(&state, target.id == actor.id(), &target).await
}

/// The audit log (admins): newest first, filtered by action prefix and free text.
#[server(endpoint = "audit_log")]
pub async fn list_audit(
    action: Option<String>,
    q: Option<String>,
    page: Option<i64>,
) -> Result<Paged<AuditEntry>, AppError> {
    use ssr::*;
    let Ctx { state, actor: _ } = Ctx::admin().await?;
    let action: String = action.unwrap_or_default().chars().take(40).collect();
    let q: String = q.unwrap_or_default().chars().take(100).collect();
    let mut log =
        db::audit::page(&state.db, action.trim(), q.trim(), page.unwrap_or(1), 50).await?;
    let locale = current_locale();
    let title = |slug: &str| reports::course_title(&state, slug);
    for e in &mut log.items {
        e.summary =
            crate::server::audit::sentence(locale, &e.action, &e.target, &e.details, &title);
    }
    Ok(log)
}
