//! What coordinators and admins see of progress: the dashboard, the people list, one person's
//! courses, the status-matrix export and the Art. 4 evidence report. Every function takes the
//! actor and limits itself to the actor's scope.
pub mod csv;
pub mod evidence;
pub mod evidence_pdf;
pub mod routes;

use std::collections::{HashMap, HashSet};

use crate::error::AppError;
use crate::i18n::Date;
use crate::model::{
    CourseOption, CourseState, Dashboard, OrgUnit, Paged, PersonCourse, PersonStatus, Reminders,
    StateCounts, UnitStatus,
};
use crate::server::accounts;
use crate::server::auth::authz::{subtree, Actor};
use crate::server::db::{self, course_status::Person, org_units::UnitRow};
use crate::server::state::AppState;
use crate::server::tracking::{self, Assignments, MatrixEntry};

/// The title of a course (the slug if the catalog no longer has it).
pub fn course_title(state: &AppState, slug: &str) -> String {
    state
        .catalog
        .course(slug)
        .map_or_else(|| slug.to_string(), |c| c.title.clone())
}

/// The published courses, for assignment forms.
pub fn published_courses(state: &AppState) -> Vec<CourseOption> {
    state
        .catalog
        .published()
        .map(|c| CourseOption {
            slug: c.slug.clone(),
            title: c.title.clone(),
        })
        .collect()
}

/// Courses for filters: published ones plus any that assignments still name.
pub fn course_options(state: &AppState, assignments: &Assignments) -> Vec<CourseOption> {
    let mut out = published_courses(state);
    let mut seen: HashSet<String> = out.iter().map(|c| c.slug.clone()).collect();
    let named = assignments
        .by_unit
        .values()
        .chain(assignments.by_person.values())
        .flat_map(|m| m.keys());
    for slug in named {
        if seen.insert(slug.clone()) {
            out.push(CourseOption {
                title: course_title(state, slug),
                slug: slug.clone(),
            });
        }
    }
    out
}

/// The units a request may look at: a chosen unit (with sub-units) inside the actor's scope,
/// or the whole scope. None means everyone (admins without a unit filter).
pub fn scope_units(actor: &Actor, units: &[UnitRow], unit: Option<i64>) -> Option<Vec<i64>> {
    let mut v: Vec<i64> = match unit {
        Some(u) => subtree(units, &[u])
            .into_iter()
            .filter(|id| actor.can_manage_unit(Some(*id)))
            .collect(),
        None => return actor.unit_filter(),
    };
    v.sort_unstable();
    Some(v)
}

fn sum_counts<'a>(items: impl Iterator<Item = &'a tracking::UnitFigures>) -> StateCounts {
    let mut total = StateCounts::default();
    for f in items {
        total.merge(&f.counts);
    }
    total
}

/// The Übersicht: every unit of the actor's scope with figures including its sub-units.
pub async fn dashboard(
    state: &AppState,
    actor: &Actor,
    course: Option<&str>,
) -> Result<Dashboard, AppError> {
    let today = tracking::today(state.clock.now());
    let (assignments, units) = Assignments::load(&state.db, &state.catalog).await?;
    let scope = actor.unit_filter();
    let own =
        tracking::unit_counts(&state.db, &assignments, scope.as_deref(), course, today).await?;
    let chains = tracking::chains(&units);
    let mut rolled: HashMap<i64, tracking::UnitFigures> = HashMap::new();
    for (unit, figures) in &own {
        for a in chains.get(unit).into_iter().flatten() {
            rolled.entry(*a).or_default().merge(figures);
        }
    }
    let visible: Vec<OrgUnit> = accounts::tree(&units)
        .into_iter()
        .filter(|u| actor.can_manage_unit(Some(u.id)))
        .collect();
    let min_depth = visible.iter().map(|u| u.depth).min().unwrap_or(0);
    let rows = visible
        .into_iter()
        .map(|u| {
            let f = rolled.get(&u.id).cloned().unwrap_or_default();
            UnitStatus {
                id: u.id,
                name: u.name,
                depth: u.depth - min_depth,
                people: f.people,
                counts: f.counts,
            }
        })
        .collect();
    let total = sum_counts(own.values());
    Ok(Dashboard {
        units: rows,
        courses: course_options(state, &assignments),
        people: own.values().map(|f| f.people).sum(),
        reminders: Reminders {
            overdue: total.overdue,
            due_soon: own.values().map(|f| f.due_soon).sum(),
            expiring: total.expiring,
        },
        total,
        today: Date::from_days(today),
    })
}

/// Filters of the people list and the status export.
#[derive(Debug, Clone, Default)]
pub struct PeopleFilter {
    pub unit: Option<i64>,
    pub course: Option<String>,
    pub state: Option<CourseState>,
    /// Only open courses due within the next days (`tracking::due_soon`).
    pub due_soon: bool,
    pub search: String,
    pub sort: PeopleSort,
}

/// The `sortierung` of the Übersicht; anything unknown sorts by name.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, strum::EnumString)]
pub enum PeopleSort {
    #[default]
    #[strum(serialize = "name")]
    Name,
    #[strum(serialize = "einheit")]
    Unit,
    /// Most urgent first.
    #[strum(serialize = "status")]
    State,
    #[strum(serialize = "faellig")]
    Due,
}

impl PeopleSort {
    pub fn from_code(code: Option<&str>) -> PeopleSort {
        code.and_then(|c| c.parse().ok()).unwrap_or_default()
    }
}

/// People of the filter with their matrix entries (only the filtered course, if one is set).
pub struct Selection {
    pub people: Vec<Person>,
    pub entries: Vec<Vec<MatrixEntry>>,
    pub unit_paths: HashMap<i64, String>,
    /// The org units the selection covers (None: all).
    pub scope: Option<Vec<i64>>,
    pub today: i64,
}

/// The people of a filter. A unit outside the actor's scope is NotFound (same answer as a unit
/// that does not exist), for every caller: people list, status export, evidence report.
pub async fn select(
    state: &AppState,
    actor: &Actor,
    f: &PeopleFilter,
) -> Result<Selection, AppError> {
    if f.unit.is_some_and(|u| !actor.can_manage_unit(Some(u))) {
        return Err(AppError::NotFound);
    }
    let today = tracking::today(state.clock.now());
    // The scope needs the unit tree; assignments, people and (within a scope) their course
    // status are then read at once: two round trips to the database, not three.
    let units = db::org_units::all(&state.db.pool).await?;
    let scope = scope_units(actor, &units, f.unit);
    let needle = f.search.trim().to_lowercase();
    let (rows, mut people, status) = tokio::try_join!(
        db::assignments::all(&state.db),
        db::course_status::active_people(&state.db, scope.as_deref()),
        async {
            match &scope {
                Some(ids) => db::course_status::for_units(&state.db, ids).await.map(Some),
                None => Ok(None),
            }
        }
    )?;
    let mut assignments = Assignments::build(&units, &rows);
    assignments.renewal = tracking::Renewal::of(&state.catalog);
    if !needle.is_empty() {
        people.retain(|p| p.name.to_lowercase().contains(&needle) || p.email.contains(&needle));
    }
    let all = scope.is_none() && needle.is_empty();
    let mut entries = match status {
        Some(status) => tracking::matrix_from(status, &assignments, &people, today),
        None => tracking::matrix(&state.db, &assignments, &people, all, today).await?,
    };
    if let Some(c) = &f.course {
        for e in &mut entries {
            e.retain(|x| &x.course == c);
        }
    }
    if let Some(s) = f.state {
        let mut keep = entries.iter().map(|e| e.iter().any(|x| x.state == s));
        people.retain(|_| keep.next().unwrap_or(false));
        entries.retain(|e| e.iter().any(|x| x.state == s));
    }
    if f.due_soon {
        let soon = |x: &MatrixEntry| {
            tracking::is_open(x.state) && tracking::due_soon(x.assignment.due_day, today)
        };
        let mut keep = entries.iter().map(|e| e.iter().any(soon));
        people.retain(|_| keep.next().unwrap_or(false));
        entries.retain(|e| e.iter().any(soon));
    }
    let unit_paths = accounts::tree(&units)
        .into_iter()
        .map(|u| (u.id, u.path))
        .collect();
    Ok(Selection {
        people,
        entries,
        unit_paths,
        scope,
        today,
    })
}

fn next_due(entries: &[MatrixEntry]) -> Option<i64> {
    entries
        .iter()
        .filter(|e| !e.state.is_done())
        .filter_map(|e| e.assignment.due_day)
        .min()
}

/// A page of the people list (50 per page).
pub async fn people(
    state: &AppState,
    actor: &Actor,
    f: &PeopleFilter,
    page: i64,
) -> Result<Paged<PersonStatus>, AppError> {
    const PER_PAGE: i64 = 50;
    let sel = select(state, actor, f).await?;
    // Drilled down into a unit, people are placed below it: "Amt 36 > Sachgebiet 1", not the
    // whole path from the top again in every row (it pushed the state off a phone's screen).
    let prefix = f
        .unit
        .and_then(|u| sel.unit_paths.get(&u))
        .map(|p| format!("{p} > "));
    let place = |unit: Option<i64>| {
        let path = sel.unit_paths.get(&unit?)?;
        let below = prefix.as_deref().and_then(|p| path.strip_prefix(p));
        // Members of the selected unit itself: its own name.
        let own = || path.rsplit(" > ").next().unwrap_or(path);
        Some(match (&prefix, below) {
            (_, Some(rest)) => rest.to_string(),
            (Some(_), None) => own().to_string(),
            (None, _) => path.clone(),
        })
    };
    let mut rows: Vec<(PersonStatus, Option<i64>)> = sel
        .people
        .iter()
        .zip(&sel.entries)
        .map(|(p, e)| {
            let mut counts = StateCounts::default();
            for x in e {
                counts.add(x.state, 1);
            }
            let due = next_due(e);
            (
                PersonStatus {
                    id: p.id,
                    name: p.name.clone(),
                    email: p.email.clone(),
                    unit: place(p.unit_id),
                    counts,
                    worst: e.iter().map(|x| x.state).min(),
                    next_due: due.map(Date::from_days),
                },
                due,
            )
        })
        .collect();
    match f.sort {
        PeopleSort::Name => {}
        PeopleSort::Unit => rows.sort_by(|a, b| a.0.unit.cmp(&b.0.unit)),
        PeopleSort::State => rows.sort_by_key(|r| r.0.worst.unwrap_or(CourseState::Done)),
        PeopleSort::Due => rows.sort_by_key(|r| r.1.unwrap_or(i64::MAX)),
    }
    let total = rows.len() as i64;
    let page = page.clamp(1, ((total + PER_PAGE - 1) / PER_PAGE).max(1));
    let items = rows
        .into_iter()
        .skip(((page - 1) * PER_PAGE) as usize)
        .take(PER_PAGE as usize)
        .map(|r| r.0)
        .collect();
    Ok(Paged {
        items,
        page,
        per_page: PER_PAGE,
        total,
    })
}

/// The share done per (unit, course) for the units and courses of a selection, over all
/// active members of each unit itself (not only those the selection lists): the figure the
/// dashboard shows for the unit and course.
pub async fn unit_quotas(
    state: &AppState,
    sel: &Selection,
) -> Result<HashMap<(i64, String), u32>, AppError> {
    let today = sel.today;
    let (assignments, _) = Assignments::load(&state.db, &state.catalog).await?;
    let units: Vec<i64> = {
        let mut v: Vec<i64> = sel.people.iter().filter_map(|p| p.unit_id).collect();
        v.sort_unstable();
        v.dedup();
        v
    };
    let courses: HashSet<&String> = sel.entries.iter().flatten().map(|e| &e.course).collect();
    let mut out = HashMap::new();
    for course in courses {
        let figures =
            tracking::unit_counts(&state.db, &assignments, Some(&units), Some(course), today)
                .await?;
        for (unit, f) in figures {
            if let Some(q) = f.counts.done_percent() {
                out.insert((unit, course.clone()), q);
            }
        }
    }
    Ok(out)
}

/// One person's courses: assigned ones first (by due date), then others they have begun.
/// Scores only for oneself, or where the installation allows them (SHOW_SCORES).
pub async fn person_courses(
    state: &AppState,
    viewer_is_self: bool,
    user: &db::users::UserRecord,
) -> Result<Vec<PersonCourse>, AppError> {
    let today = tracking::today(state.clock.now());
    let (assignments, _) = Assignments::load(&state.db, &state.catalog).await?;
    let assigned = assignments.for_person(user.id, user.org_unit_id, user.unit_since);
    let status: HashMap<String, db::course_status::StatusRow> =
        db::course_status::for_users(&state.db, Some(&[user.id]))
            .await?
            .into_iter()
            .map(|(_, c, s)| (c, s))
            .collect();
    let show_scores = viewer_is_self || state.config.show_scores;
    let recorded: HashMap<String, String> = db::manual::recorded_formats(&state.db, user.id)
        .await?
        .into_iter()
        .collect();
    let t = crate::app::current_locale().texts();
    let mut slugs: Vec<&String> = assigned.keys().collect();
    slugs.sort_by_key(|s| (assigned[*s].due_day.unwrap_or(i64::MAX), (*s).clone()));
    let others = status.keys().filter(|s| !assigned.contains_key(*s));
    let mut out = Vec::new();
    for slug in slugs.into_iter().chain(others) {
        let a = assigned.get(slug);
        let s = status.get(slug);
        let window = assignments.renewal.window(slug);
        let due = a.and_then(|a| tracking::due_again(s, a.due_day, today, window));
        let (score, attempts) = if show_scores {
            let (best, max, n) = db::attempts::final_summary(&state.db, user.id, slug).await?;
            let score = best.zip(max).map(|(b, m)| format!("{b}/{m}"));
            (score, Some(n as u32))
        } else {
            (None, None)
        };
        out.push(PersonCourse {
            slug: slug.clone(),
            title: course_title(state, slug),
            assigned: a.is_some(),
            mandatory: a.is_some_and(|a| a.mandatory),
            due: due.map(Date::from_days),
            state: tracking::classify(s, due, today, window),
            completed: s.and_then(|s| s.completed_at).map(Date::in_germany),
            recorded: recorded
                .get(slug)
                .map(|f| crate::server::completions::Format::label_of(f, t).to_string()),
            valid_until: s.and_then(|s| s.valid_until_day).map(Date::from_days),
            score,
            attempts,
        });
    }
    Ok(out)
}

/// The reminders among a person's courses (the start page): every assigned course still to do
/// with its due date, certificates due for renewal, expired ones of assigned courses.
pub fn learner_reminders(
    courses: &[crate::model::PersonCourse],
) -> Vec<crate::model::LearnerReminder> {
    courses
        .iter()
        .filter(|c| {
            use crate::model::CourseState::*;
            match c.state {
                Overdue | Expiring => true,
                Expired => c.assigned,
                InProgress | NotStarted => c.assigned && c.due.is_some(),
                Done => false,
            }
        })
        .map(|c| crate::model::LearnerReminder {
            slug: c.slug.clone(),
            title: c.title.clone(),
            state: c.state,
            due: c.due,
            valid_until: c.valid_until,
        })
        .collect()
}

/// The course a person should do next (the start page): the most urgent assigned course still
/// to do (overdue or expired, then due for renewal, then open by due date); else a course begun
/// and not finished; else the first course not finished.
pub fn next_course(cards: &[crate::model::CourseCard]) -> Option<crate::model::CourseCard> {
    use crate::model::CourseState;
    let urgency = |s: CourseState| match s {
        CourseState::Overdue | CourseState::Expired => 0,
        CourseState::Expiring => 1,
        CourseState::InProgress | CourseState::NotStarted => 2,
        CourseState::Done => 3,
    };
    let unfinished = |c: &&crate::model::CourseCard| c.modules_done < c.modules_total;
    cards
        .iter()
        .filter_map(|c| c.assignment.as_ref().map(|a| (urgency(a.state), a.due, c)))
        .filter(|(u, ..)| *u < 3)
        .min_by_key(|(u, due, _)| (*u, due.map_or(i64::MAX, |d| d.to_days())))
        .map(|(.., c)| c)
        .or_else(|| {
            cards
                .iter()
                .filter(|c| c.assignment.is_none() && c.modules_done > 0)
                .find(unfinished)
        })
        .or_else(|| {
            cards
                .iter()
                .filter(|c| c.assignment.is_none())
                .find(unfinished)
        })
        .cloned()
}

#[cfg(test)]
mod tests {
    use super::next_course;
    use crate::i18n::Date;
    use crate::model::{CardAssignment, CourseCard, CourseState, Level};

    fn card(slug: &str, done: usize, a: Option<(CourseState, Option<i64>)>) -> CourseCard {
        CourseCard {
            slug: slug.into(),
            title: slug.into(),
            subtitle: String::new(),
            level: Level::Seepferdchen,
            estimated_minutes: 10,
            modules_total: 4,
            modules_done: done,
            resume_module: None,
            assignment: a.map(|(state, due)| CardAssignment {
                due: due.map(Date::from_days),
                mandatory: true,
                state,
                recorded: None,
            }),
        }
    }

    #[test]
    fn the_next_course_is_the_most_urgent_one() {
        let slug = |cards: &[CourseCard]| next_course(cards).map(|c| c.slug);
        let open_later = card("später", 0, Some((CourseState::NotStarted, Some(200))));
        let open_sooner = card("bald", 1, Some((CourseState::InProgress, Some(100))));
        let renewal = card("auffrischen", 4, Some((CourseState::Expiring, Some(300))));
        let overdue = card("überfällig", 0, Some((CourseState::Overdue, Some(50))));
        let done = card("fertig", 4, Some((CourseState::Done, None)));
        let begun = card("begonnen", 2, None);
        let fresh = card("neu", 0, None);
        assert_eq!(
            slug(&[
                open_later.clone(),
                open_sooner.clone(),
                renewal.clone(),
                overdue
            ]),
            Some("überfällig".into())
        );
        assert_eq!(
            slug(&[open_later.clone(), open_sooner.clone(), renewal]),
            Some("auffrischen".into())
        );
        assert_eq!(slug(&[open_later, open_sooner]), Some("bald".into()));
        // Nothing assigned to do: a course begun, else the first one not finished.
        assert_eq!(
            slug(&[done.clone(), fresh.clone(), begun]),
            Some("begonnen".into())
        );
        assert_eq!(slug(&[done.clone(), fresh]), Some("neu".into()));
        assert_eq!(slug(&[done]), None);
    }
}
