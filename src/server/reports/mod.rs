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

/// Rows the Übersicht unfolds the unit tree to, at most: a Kommune sees all its units at once,
/// a Landesverwaltung its top level, each unit one click away.
pub const DASHBOARD_ROWS: usize = 50;

/// What the Übersicht shows: the whole scope or one unit, optionally one course, or the units
/// found by a search (a page of them).
#[derive(Debug, Clone, Default)]
pub struct DashboardQuery {
    pub course: Option<String>,
    pub unit: Option<i64>,
    pub search: String,
    pub page: i64,
}

/// The Übersicht: the scope's units unfolded from the top while they fit on a page (or the
/// chosen unit with its path and what lies below it, or a page of units found by name or
/// code), each with the figures of its whole subtree. Only the subtrees shown are counted.
pub async fn dashboard(
    state: &AppState,
    actor: &Actor,
    q: &DashboardQuery,
) -> Result<Dashboard, AppError> {
    let today = tracking::today(state.clock.now());
    let (assignments, units) = Assignments::load(&state.db, &state.catalog).await?;
    if q.unit
        .is_some_and(|u| !actor.can_manage_unit(Some(u)) || !units.iter().any(|x| x.id == u))
    {
        return Err(AppError::NotFound);
    }
    let tree: Vec<OrgUnit> = accounts::tree(&units)
        .into_iter()
        .filter(|u| actor.can_manage_unit(Some(u.id)))
        .collect();
    let visible: HashSet<i64> = tree.iter().map(|u| u.id).collect();
    let mut children: HashMap<i64, Vec<&OrgUnit>> = HashMap::new();
    for u in &tree {
        if let Some(p) = u.parent_id.filter(|p| visible.contains(p)) {
            children.entry(p).or_default().push(u);
        }
    }
    let needle = q.search.trim().to_lowercase();
    // (unit, depth shown) in display order, and for a search its total.
    let mut shown: Vec<(&OrgUnit, usize)> = Vec::new();
    let mut found = None;
    let mut paged = None;
    if !needle.is_empty() {
        let hits: Vec<&OrgUnit> = tree
            .iter()
            .filter(|u| {
                u.name.to_lowercase().contains(&needle)
                    || u.code
                        .as_deref()
                        .is_some_and(|c| c.to_lowercase().contains(&needle))
            })
            .collect();
        let (page, per_page) = db::page_window(hits.len() as i64, q.page, DASHBOARD_ROWS as i64);
        found = Some((hits.len() as i64, page, per_page));
        shown = hits
            .into_iter()
            .skip(((page - 1) * per_page) as usize)
            .take(per_page as usize)
            .map(|u| (u, 0))
            .collect();
    } else {
        // The level the page is about: the top of the scope, or the chosen unit's children
        // (after the unit itself), a page at a time.
        let (head, level): (Option<&OrgUnit>, Vec<&OrgUnit>) = match q.unit {
            Some(id) => {
                let unit = tree.iter().find(|u| u.id == id);
                (unit, children.get(&id).cloned().unwrap_or_default())
            }
            None => (
                None,
                tree.iter()
                    .filter(|u| u.parent_id.is_none_or(|p| !visible.contains(&p)))
                    .collect(),
            ),
        };
        let (page, per_page) = db::page_window(level.len() as i64, q.page, DASHBOARD_ROWS as i64);
        if level.len() > DASHBOARD_ROWS {
            paged = Some((level.len() as i64, page, per_page));
        }
        let base: Vec<&OrgUnit> = level
            .into_iter()
            .skip(((page - 1) * per_page) as usize)
            .take(per_page as usize)
            .collect();
        // Unfold below it level by level while the whole next level still fits.
        let mut open: HashSet<i64> = HashSet::new();
        let mut frontier: Vec<i64> = base.iter().map(|u| u.id).collect();
        let mut count = base.len() + usize::from(head.is_some());
        loop {
            let next: Vec<i64> = frontier
                .iter()
                .flat_map(|id| children.get(id).into_iter().flatten().map(|c| c.id))
                .collect();
            if next.is_empty() || count + next.len() > DASHBOARD_ROWS {
                break;
            }
            open.extend(frontier.iter().copied());
            count += next.len();
            frontier = next;
        }
        fn walk<'a>(
            u: &'a OrgUnit,
            depth: usize,
            open: &HashSet<i64>,
            children: &HashMap<i64, Vec<&'a OrgUnit>>,
            out: &mut Vec<(&'a OrgUnit, usize)>,
        ) {
            out.push((u, depth));
            if open.contains(&u.id) {
                for c in children.get(&u.id).into_iter().flatten() {
                    walk(c, depth + 1, open, children, out);
                }
            }
        }
        let depth = usize::from(head.is_some());
        if let Some(h) = head {
            shown.push((h, 0));
        }
        for b in base {
            walk(b, depth, &open, &children, &mut shown);
        }
    }
    // Count only the subtrees on the page (the whole scope for its top level).
    let roots: Vec<i64> = shown.iter().map(|(u, _)| u.id).collect();
    let mut needed: Vec<i64> = subtree(&units, &roots)
        .into_iter()
        .filter(|id| visible.contains(id))
        .collect();
    needed.sort_unstable();
    let everything = actor.unit_filter().is_none() && needed.len() == units.len();
    let own = tracking::unit_counts(
        &state.db,
        &assignments,
        (!everything).then_some(needed.as_slice()),
        q.course.as_deref(),
        today,
    )
    .await?;
    let chains = tracking::chains(&units);
    let mut rolled: HashMap<i64, tracking::UnitFigures> = HashMap::new();
    for (unit, figures) in &own {
        for a in chains.get(unit).into_iter().flatten() {
            rolled.entry(*a).or_default().merge(figures);
        }
    }
    let rows = shown
        .iter()
        .map(|(u, depth)| {
            let f = rolled.get(&u.id).cloned().unwrap_or_default();
            let kids = children.get(&u.id).map_or(0, Vec::len);
            UnitStatus {
                id: u.id,
                name: u.name.clone(),
                depth: *depth,
                people: f.people,
                counts: f.counts,
                children: kids as u32,
                unfolded: kids > 0 && shown.iter().any(|(c, _)| c.parent_id == Some(u.id)),
                path: u.path.clone(),
            }
        })
        .collect();
    // The totals and reminders of what the page is about: the chosen unit, or the scope.
    let about: Vec<&tracking::UnitFigures> = match q.unit {
        Some(u) => {
            let below = subtree(&units, &[u]);
            own.iter()
                .filter(|(id, _)| below.contains(id))
                .map(|(_, f)| f)
                .collect()
        }
        None => own.values().collect(),
    };
    let total = sum_counts(about.iter().copied());
    let path = q
        .unit
        .and_then(|u| chains.get(&u))
        .map(|chain| {
            chain
                .iter()
                .rev()
                .filter(|id| visible.contains(id))
                .filter_map(|id| tree.iter().find(|t| t.id == *id))
                .map(|t| crate::model::UnitLink {
                    id: t.id,
                    name: t.name.clone(),
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(Dashboard {
        units: rows,
        path,
        search: found.map(|(total, page, per_page)| crate::model::UnitSearch {
            total,
            page,
            per_page,
        }),
        level: paged.map(|(total, page, per_page)| crate::model::UnitSearch {
            total,
            page,
            per_page,
        }),
        courses: course_options(state, &assignments),
        people: about.iter().map(|f| f.people).sum(),
        reminders: Reminders {
            overdue: total.overdue,
            due_soon: about.iter().map(|f| f.due_soon).sum(),
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
    let units = db::org_units::structure(&state.db.pool).await?;
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
    apply_filters(f, &mut people, &mut entries, today);
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

/// The filters on people's matrix entries: one course (its entries only), one state or "due
/// soon" (the people with such an entry, all their entries).
fn apply_filters(
    f: &PeopleFilter,
    people: &mut Vec<Person>,
    entries: &mut Vec<Vec<MatrixEntry>>,
    today: i64,
) {
    if let Some(c) = &f.course {
        for e in entries.iter_mut() {
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
}

/// People per chunk of the streamed status list.
const STREAM_CHUNK: usize = 1_000;

/// A chunk of the streamed status list: people already read, or the ids of the next ones.
enum Chunk {
    People(Vec<Person>),
    Ids(Vec<i64>),
}

impl Chunk {
    fn len(&self) -> usize {
        match self {
            Chunk::People(p) => p.len(),
            Chunk::Ids(i) => i.len(),
        }
    }
}

/// The status list of a filter as CSV, in chunks: the people of the scope are listed first
/// (names only), then read a thousand at a time with their course status, so the server's
/// memory stays flat however many pairs the list has, and the first bytes go out at once.
/// Returns the number of people and the chunks.
pub async fn status_csv_stream(
    state: &AppState,
    actor: &Actor,
    f: PeopleFilter,
    t: &'static crate::i18n::Texts,
) -> Result<
    (
        usize,
        impl futures::Stream<Item = Result<Vec<u8>, std::io::Error>> + Send + 'static,
    ),
    AppError,
> {
    use futures::StreamExt;
    if f.unit.is_some_and(|u| !actor.can_manage_unit(Some(u))) {
        return Err(AppError::NotFound);
    }
    let today = tracking::today(state.clock.now());
    let (assignments, units) = Assignments::load(&state.db, &state.catalog).await?;
    let scope = scope_units(actor, &units, f.unit);
    // Without a name search only the ids are read now (in list order), and the people behind
    // them a chunk at a time; a search needs the names first (and finds few).
    let needle = f.search.trim().to_lowercase();
    let chunks: Vec<Chunk> = if needle.is_empty() {
        let ids = db::course_status::active_people_ids(&state.db, scope.as_deref()).await?;
        ids.chunks(STREAM_CHUNK)
            .map(|c| Chunk::Ids(c.to_vec()))
            .collect()
    } else {
        let mut people = db::course_status::active_people(&state.db, scope.as_deref()).await?;
        people.retain(|p| p.name.to_lowercase().contains(&needle) || p.email.contains(&needle));
        let mut out = Vec::new();
        let mut rest = people.into_iter();
        loop {
            let chunk: Vec<Person> = rest.by_ref().take(STREAM_CHUNK).collect();
            if chunk.is_empty() {
                break;
            }
            out.push(Chunk::People(chunk));
        }
        out
    };
    let count = chunks.iter().map(Chunk::len).sum();
    let unit_ids: Vec<i64> = match &scope {
        Some(ids) => ids.clone(),
        None => units.iter().map(|u| u.id).collect(),
    };
    let quotas = quotas_of(state, &assignments, &unit_ids, today).await?;
    let unit_paths: HashMap<i64, String> = accounts::tree(&units)
        .into_iter()
        .map(|u| (u.id, u.path))
        .collect();
    let mut head = csv::CsvWriter::new();
    csv::status_header(&mut head, t);
    let first = head.into_bytes();
    let shared = std::sync::Arc::new((state.clone(), assignments, quotas, unit_paths, f));
    let rows = futures::stream::iter(chunks).then(move |chunk| {
        let shared = shared.clone();
        async move {
            let (state, assignments, quotas, unit_paths, f) = &*shared;
            let failed = |e: sqlx::Error| {
                tracing::error!(error = %e, "status list: reading a chunk failed");
                std::io::Error::other("database")
            };
            let mut chunk = match chunk {
                Chunk::People(people) => people,
                Chunk::Ids(ids) => db::course_status::active_people_with_ids(&state.db, &ids, None)
                    .await
                    .map_err(failed)?,
            };
            let ids: Vec<i64> = chunk.iter().map(|p| p.id).collect();
            let status = db::course_status::for_users(&state.db, Some(&ids))
                .await
                .map_err(failed)?;
            let mut entries = tracking::matrix_from(status, assignments, &chunk, today);
            apply_filters(f, &mut chunk, &mut entries, today);
            let mut titles: HashMap<String, String> = HashMap::new();
            let mut w = csv::CsvWriter::continuation();
            csv::status_rows(
                &mut w,
                &mut |c| {
                    titles
                        .entry(c.to_string())
                        .or_insert_with(|| course_title(state, c))
                        .clone()
                },
                &chunk,
                &entries,
                unit_paths,
                quotas,
                t,
            );
            Ok(w.into_bytes())
        }
    });
    Ok((
        count,
        futures::stream::once(async { Ok(first) }).chain(rows),
    ))
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
    let (assignments, _) = Assignments::load(&state.db, &state.catalog).await?;
    let units: Vec<i64> = {
        let mut v: Vec<i64> = sel.people.iter().filter_map(|p| p.unit_id).collect();
        v.sort_unstable();
        v.dedup();
        v
    };
    quotas_of(state, &assignments, &units, sel.today).await
}

/// Share done per (unit, course) of the units' own members, every course in one pass.
async fn quotas_of(
    state: &AppState,
    assignments: &Assignments,
    units: &[i64],
    today: i64,
) -> Result<HashMap<(i64, String), u32>, AppError> {
    let (_, figures) =
        tracking::unit_course_counts(&state.db, assignments, Some(units), None, today).await?;
    Ok(figures
        .into_iter()
        .filter_map(|(key, f)| f.counts.done_percent().map(|q| (key, q)))
        .collect())
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
