//! Who has to do which course by when, and where everyone stands: effective assignments,
//! the state of each (person, course) pair, the dashboard figures and the status matrix.
//!
//! An assignment to an org unit reaches every active member of the unit and of its sub-units,
//! including people who join later (nothing is copied per person). When several assignments
//! reach the same person and course, the earliest due date counts and the course is mandatory
//! if any of them says so.
//!
//! A due date is fixed or relative ("within N days"): relative ones count from the later of
//! the assignment day and the day the person joined their unit, so someone who joins today is
//! never overdue on their first day. The dashboard counts everyone as of the assignment day in
//! SQL and then corrects the few who joined later, person by person.
//!
//! Recertification needs no job and no copied rows: a certificate inside its course's
//! re-enrolment window makes the pair "expiring" and due again by the certificate's last
//! valid day, worked out on every read like every other due date; the renewal attempt takes
//! the content as it is then.
use std::collections::{BTreeMap, HashMap};

use crate::model::{CourseState, StateCounts};
use crate::server::content::Catalog;
use crate::server::db::assignments::AssignmentRow;
use crate::server::db::course_status::{self, Person, StatusRow};
use crate::server::db::org_units::UnitRow;
use crate::server::db::{self, Db};

/// Due date and flag of what reaches one person for one course.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Effective {
    /// The fixed due date; after [`Assignments::for_person`], the person's own due date.
    pub due_day: Option<i64>,
    /// A relative due date not yet worked out for a person: (assignment day, days).
    pub relative: Option<(i64, i64)>,
    pub mandatory: bool,
}

fn earlier(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

impl Effective {
    fn of(a: &AssignmentRow) -> Effective {
        Effective {
            due_day: a.due_day,
            relative: a.due_days.map(|days| (today(a.created_at), days)),
            mandatory: a.mandatory,
        }
    }

    /// The due date for someone who joined their unit on day `since`.
    pub fn due_for(self, since: i64) -> Option<i64> {
        let relative = self.relative.map(|(from, days)| from.max(since) + days);
        earlier(self.due_day, relative)
    }

    /// The due date of everyone who was in the unit on the assignment day.
    pub fn base_due(self) -> Option<i64> {
        self.due_for(i64::MIN)
    }

    /// The assignment as it applies to someone who joined their unit on day `since`.
    pub fn resolved(self, since: i64) -> Effective {
        Effective {
            due_day: self.due_for(since),
            relative: None,
            mandatory: self.mandatory,
        }
    }

    /// Two assignments for the same course: the earlier due date, mandatory if either is.
    /// Of two relative ones the one that ends first for the unit's people is kept (two
    /// relative assignments of one course to one person are rare; a joiner may then get a
    /// few days more than the stricter one would give).
    pub fn combine(self, other: Effective) -> Effective {
        let relative = match (self.relative, other.relative) {
            (Some(a), Some(b)) => Some(if a.0 + a.1 <= b.0 + b.1 { a } else { b }),
            (a, b) => a.or(b),
        };
        Effective {
            due_day: earlier(self.due_day, other.due_day),
            relative,
            mandatory: self.mandatory || other.mandatory,
        }
    }
}

/// The re-enrolment window of each course, in days before a certificate's last valid day.
#[derive(Debug, Clone, Default)]
pub struct Renewal {
    windows: HashMap<String, i64>,
}

impl Renewal {
    pub fn of(catalog: &Catalog) -> Renewal {
        catalog
            .courses
            .iter()
            .map(|c| (c.slug.clone(), i64::from(c.renewal_days)))
            .collect()
    }

    /// The window of a course; the default for courses no longer in the content.
    pub fn window(&self, course: &str) -> i64 {
        self.windows
            .get(course)
            .copied()
            .unwrap_or(i64::from(crate::server::content::DEFAULT_RENEWAL_DAYS))
    }

    /// Every course with its window, for the dashboard's SQL.
    pub fn windows(&self) -> Vec<(&str, i64)> {
        let mut out: Vec<(&str, i64)> =
            self.windows.iter().map(|(c, w)| (c.as_str(), *w)).collect();
        out.sort();
        out
    }
}

impl FromIterator<(String, i64)> for Renewal {
    fn from_iter<I: IntoIterator<Item = (String, i64)>>(iter: I) -> Renewal {
        Renewal {
            windows: iter.into_iter().collect(),
        }
    }
}

/// The due date of a pair once recertification applies: a certificate within `window` days
/// of its last valid day (or past it) makes the course due again by that day; otherwise the
/// assignment's own due date counts.
pub fn due_again(
    status: Option<&StatusRow>,
    due_day: Option<i64>,
    today: i64,
    window: i64,
) -> Option<i64> {
    match status.and_then(|s| s.valid_until_day) {
        Some(v) if v - today <= window => Some(v),
        _ => due_day,
    }
}

/// The state of one pair. A valid certificate wins (expiring once inside the course's
/// re-enrolment `window`); then an expired one; then the due date; then whether the person
/// has begun.
pub fn classify(
    status: Option<&StatusRow>,
    due_day: Option<i64>,
    today: i64,
    window: i64,
) -> CourseState {
    let valid_until = status.and_then(|s| s.valid_until_day);
    match valid_until {
        Some(v) if v >= today && v - today <= window => CourseState::Expiring,
        Some(v) if v >= today => CourseState::Done,
        Some(_) => CourseState::Expired,
        None if due_day.is_some_and(|d| d < today) => CourseState::Overdue,
        None if status.is_some_and(|s| s.started_at.is_some() || s.completed_at.is_some()) => {
            CourseState::InProgress
        }
        None => CourseState::NotStarted,
    }
}

/// Unit id → its parent chain, itself first.
pub fn chains(units: &[UnitRow]) -> HashMap<i64, Vec<i64>> {
    let parent: HashMap<i64, Option<i64>> = units.iter().map(|u| (u.id, u.parent_id)).collect();
    units
        .iter()
        .map(|u| {
            let mut chain = vec![u.id];
            let mut cur = u.parent_id;
            while let Some(p) = cur {
                if chain.contains(&p) || chain.len() > 64 {
                    break;
                }
                chain.push(p);
                cur = parent.get(&p).copied().flatten();
            }
            (u.id, chain)
        })
        .collect()
}

/// What the org-unit assignments give each unit: unit id → course → effective assignment.
pub fn unit_assignments(
    units: &[UnitRow],
    assignments: &[AssignmentRow],
) -> HashMap<i64, BTreeMap<String, Effective>> {
    let mut direct: HashMap<i64, Vec<&AssignmentRow>> = HashMap::new();
    for a in assignments {
        if let Some(u) = a.unit_id {
            direct.entry(u).or_default().push(a);
        }
    }
    chains(units)
        .into_iter()
        .map(|(unit, chain)| {
            let mut courses: BTreeMap<String, Effective> = BTreeMap::new();
            for a in chain.iter().filter_map(|u| direct.get(u)).flatten() {
                let e = Effective::of(a);
                courses
                    .entry(a.course.clone())
                    .and_modify(|x| *x = x.combine(e))
                    .or_insert(e);
            }
            (unit, courses)
        })
        .collect()
}

/// Everything needed to work out states; loaded once per request.
pub struct Assignments {
    pub by_unit: HashMap<i64, BTreeMap<String, Effective>>,
    /// Person assignments: user id → course → assignment.
    pub by_person: HashMap<i64, BTreeMap<String, Effective>>,
    pub renewal: Renewal,
}

impl Assignments {
    pub async fn load(
        db: &Db,
        catalog: &Catalog,
    ) -> Result<(Assignments, Vec<UnitRow>), sqlx::Error> {
        // Two independent reads, on two connections at once.
        let (units, rows) =
            tokio::try_join!(db::org_units::structure(&db.pool), db::assignments::all(db))?;
        let mut a = Assignments::build(&units, &rows);
        a.renewal = Renewal::of(catalog);
        Ok((a, units))
    }

    pub fn build(units: &[UnitRow], rows: &[AssignmentRow]) -> Assignments {
        let mut by_person: HashMap<i64, BTreeMap<String, Effective>> = HashMap::new();
        for a in rows {
            if let Some(u) = a.user_id {
                by_person
                    .entry(u)
                    .or_default()
                    .insert(a.course.clone(), Effective::of(a));
            }
        }
        Assignments {
            by_unit: unit_assignments(units, rows),
            by_person,
            renewal: Renewal::default(),
        }
    }

    /// The courses assigned to a person who joined their unit on day `since`, with their
    /// own due date and flag.
    pub fn for_person(
        &self,
        user_id: i64,
        unit: Option<i64>,
        since: i64,
    ) -> BTreeMap<String, Effective> {
        let mut out = unit
            .and_then(|u| self.by_unit.get(&u))
            .cloned()
            .unwrap_or_default();
        for (course, e) in self.by_person.get(&user_id).into_iter().flatten() {
            out.entry(course.clone())
                .and_modify(|x| *x = x.combine(*e))
                .or_insert(*e);
        }
        for e in out.values_mut() {
            *e = e.resolved(since);
        }
        out
    }

    /// The first day of any relative unit assignment: people who joined their unit after it
    /// may have a later due date than their unit's aggregate assumes.
    pub fn earliest_relative(&self) -> Option<i64> {
        self.by_unit
            .values()
            .flat_map(|m| m.values())
            .filter_map(|e| e.relative.map(|(from, _)| from))
            .min()
    }

    /// The people whose own due date may differ from their unit's in a way the figures of
    /// `today` show: those who joined after a relative assignment began (a later due date) and
    /// recently enough that the later date has not passed too (once both have passed, both
    /// count as overdue). People with `unit_since` after the day returned; None: nobody.
    pub fn joiners_after(&self, today: i64) -> Option<i64> {
        let relative = self
            .by_unit
            .values()
            .flat_map(|m| m.values())
            .filter_map(|e| e.relative);
        let (from, days) = relative.fold(None, |acc: Option<(i64, i64)>, (f, d)| match acc {
            None => Some((f, d)),
            Some((af, ad)) => Some((af.min(f), ad.max(d))),
        })?;
        Some(from.max(today - days - 1))
    }
}

/// Today's day number in Germany.
pub fn today(now: i64) -> i64 {
    crate::i18n::Date::in_germany(now).to_days()
}

/// One (person, assigned course) pair of the status matrix.
#[derive(Debug, Clone)]
pub struct MatrixEntry {
    pub course: String,
    pub assignment: Effective,
    pub status: Option<StatusRow>,
    pub state: CourseState,
}

/// The status matrix of the given people: every assigned course of each person.
pub async fn matrix(
    db: &Db,
    assignments: &Assignments,
    people: &[Person],
    all_people: bool,
    today: i64,
) -> Result<Vec<Vec<MatrixEntry>>, sqlx::Error> {
    let ids: Vec<i64> = people.iter().map(|p| p.id).collect();
    let rows = course_status::for_users(db, (!all_people).then_some(ids.as_slice())).await?;
    Ok(matrix_from(rows, assignments, people, today))
}

/// The matrix from status rows read beforehand (at least those of `people`).
pub fn matrix_from(
    rows: Vec<(i64, String, StatusRow)>,
    assignments: &Assignments,
    people: &[Person],
    today: i64,
) -> Vec<Vec<MatrixEntry>> {
    let mut status: HashMap<(i64, String), StatusRow> = HashMap::with_capacity(rows.len());
    for (user, course, row) in rows {
        status.insert((user, course), row);
    }
    people
        .iter()
        .map(|p| {
            assignments
                .for_person(p.id, p.unit_id, p.since)
                .into_iter()
                .map(|(course, assignment)| {
                    let s = status.get(&(p.id, course.clone())).copied();
                    let window = assignments.renewal.window(&course);
                    let assignment = Effective {
                        due_day: due_again(s.as_ref(), assignment.due_day, today, window),
                        ..assignment
                    };
                    MatrixEntry {
                        state: classify(s.as_ref(), assignment.due_day, today, window),
                        course,
                        assignment,
                        status: s,
                    }
                })
                .collect()
        })
        .collect()
}

/// Dashboard figures of one org unit.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UnitFigures {
    pub people: u32,
    pub counts: StateCounts,
    /// Pairs not done whose due date is within the next seven days.
    pub due_soon: u32,
}

impl UnitFigures {
    pub fn merge(&mut self, other: &UnitFigures) {
        self.people += other.people;
        self.counts.merge(&other.counts);
        self.due_soon += other.due_soon;
    }
}

/// Days ahead in which a due date counts as "due soon".
pub const DUE_SOON_DAYS: i64 = 7;

/// Whether a due date falls within the next `DUE_SOON_DAYS` days (today included).
pub fn due_soon(due: Option<i64>, today: i64) -> bool {
    due.is_some_and(|d| d >= today && d - today <= DUE_SOON_DAYS)
}

/// Still to do: not begun, begun, or overdue.
pub fn is_open_or_overdue(s: CourseState) -> bool {
    is_open(s) || s == CourseState::Overdue
}

/// Not begun or begun, and not yet overdue.
pub fn is_open(s: CourseState) -> bool {
    matches!(s, CourseState::InProgress | CourseState::NotStarted)
}

/// Dashboard figures per org unit (own members only; the caller rolls them up the tree):
/// people and state counts, optionally for one course. Computed from per-(unit, course)
/// aggregates in the database plus the few person assignments, so it never loads the matrix.
pub async fn unit_counts(
    db: &Db,
    assignments: &Assignments,
    units: Option<&[i64]>,
    course: Option<&str>,
    today: i64,
) -> Result<HashMap<i64, UnitFigures>, sqlx::Error> {
    let (members, per_course) = unit_course_counts(db, assignments, units, course, today).await?;
    let mut out: HashMap<i64, UnitFigures> = members
        .into_iter()
        .map(|(unit, n)| {
            (
                unit,
                UnitFigures {
                    people: n as u32,
                    ..Default::default()
                },
            )
        })
        .collect();
    for ((unit, _), f) in per_course {
        let entry = out.entry(unit).or_default();
        entry.counts.merge(&f.counts);
        entry.due_soon += f.due_soon;
    }
    Ok(out)
}

/// The figures of each (org unit, course) of the units given (None: all), own members only,
/// optionally for one course, with the active members per unit: one pass over the aggregates
/// for every course at once.
pub async fn unit_course_counts(
    db: &Db,
    assignments: &Assignments,
    units: Option<&[i64]>,
    course: Option<&str>,
    today: i64,
) -> Result<(HashMap<i64, i64>, HashMap<(i64, String), UnitFigures>), sqlx::Error> {
    let windows = assignments.renewal.windows();
    let default_window = assignments.renewal.window("");
    let (aggregates, members) = tokio::try_join!(
        course_status::counts_by_unit(db, today, &windows, default_window, units),
        course_status::members_by_unit(db, units),
    )?;
    let mut agg: HashMap<(i64, &str), &course_status::UnitCourseCounts> = HashMap::new();
    for a in &aggregates {
        agg.insert((a.unit_id, a.course.as_str()), a);
    }
    let members: HashMap<i64, i64> = members.into_iter().collect();
    let in_scope = |u: i64| units.is_none_or(|list| list.contains(&u));
    let wanted = |c: &str| course.is_none_or(|x| x == c);
    let mut out: HashMap<(i64, String), UnitFigures> = HashMap::new();
    for (&unit, &n) in &members {
        if !in_scope(unit) {
            continue;
        }
        let Some(courses) = assignments.by_unit.get(&unit) else {
            continue;
        };
        for (c, e) in courses.iter().filter(|(c, _)| wanted(c)) {
            let a = agg.get(&(unit, c.as_str()));
            let valid = a.map_or(0, |a| a.valid);
            let expiring = a.map_or(0, |a| a.expiring);
            let expired = a.map_or(0, |a| a.expired);
            let started = a.map_or(0, |a| a.started);
            let not_started = (n - valid - expiring - expired - started).max(0);
            let due = e.base_due();
            let entry = out.entry((unit, c.clone())).or_default();
            entry.people = n as u32;
            if due_soon(due, today) {
                entry.due_soon += (started + not_started) as u32;
            }
            let counts = &mut entry.counts;
            counts.add(CourseState::Done, valid as u32);
            counts.add(CourseState::Expiring, expiring as u32);
            counts.add(CourseState::Expired, expired as u32);
            if due.is_some_and(|d| d < today) {
                counts.add(CourseState::Overdue, (started + not_started) as u32);
            } else {
                counts.add(CourseState::InProgress, started as u32);
                counts.add(CourseState::NotStarted, not_started as u32);
            }
        }
    }
    // People whose pairs the aggregate did not count right: those with assignments of their
    // own (pairs no unit assignment covers, or an earlier due date), and those who joined
    // their unit after a relative assignment began (a later due date).
    let with_own: Vec<i64> = assignments.by_person.keys().copied().collect();
    let mut people = course_status::active_people_with_ids(db, &with_own, units).await?;
    if let Some(after) = assignments.joiners_after(today) {
        let known: std::collections::HashSet<i64> = people.iter().map(|p| p.id).collect();
        let joiners = course_status::active_people_joined_after(db, after, units).await?;
        people.extend(joiners.into_iter().filter(|p| !known.contains(&p.id)));
    }
    let direct: Vec<&Person> = people
        .iter()
        .filter(|p| p.unit_id.is_some_and(in_scope))
        .collect();
    if direct.is_empty() {
        return Ok((members, out));
    }
    let ids: Vec<i64> = direct.iter().map(|p| p.id).collect();
    let rows = course_status::for_users(db, Some(&ids)).await?;
    let status: HashMap<(i64, &str), &StatusRow> =
        rows.iter().map(|(u, c, s)| ((*u, c.as_str()), s)).collect();
    for p in direct {
        let Some(unit) = p.unit_id else { continue };
        let unit_courses = assignments.by_unit.get(&unit);
        let own = assignments.for_person(p.id, Some(unit), p.since);
        for (c, e) in own.iter().filter(|(c, _)| wanted(c)) {
            let figures = out.entry((unit, c.clone())).or_default();
            let s = status.get(&(p.id, c.as_str())).copied();
            // The pair as the unit's aggregate counted it (if the unit has the course), and as
            // it really stands for this person.
            let counted = unit_courses.and_then(|m| m.get(c)).map(|u| u.base_due());
            let window = assignments.renewal.window(c);
            let after = classify(s, e.due_day, today, window);
            if let Some(base) = counted {
                let before = classify(s, base, today, window);
                if before == after && due_soon(base, today) == due_soon(e.due_day, today) {
                    continue;
                }
                let slot = figures.counts.slot(before);
                *slot = slot.saturating_sub(1);
                if is_open(before) && due_soon(base, today) {
                    figures.due_soon = figures.due_soon.saturating_sub(1);
                }
            }
            figures.counts.add(after, 1);
            if is_open(after) && due_soon(e.due_day, today) {
                figures.due_soon += 1;
            }
        }
    }
    Ok((members, out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(started: bool, valid_until: Option<i64>) -> StatusRow {
        StatusRow {
            started_at: started.then_some(1),
            completed_at: valid_until.map(|_| 2),
            valid_until_day: valid_until,
        }
    }

    #[test]
    fn recertification_follows_the_course_window() {
        let today = 20_000;
        let cert = row(true, Some(today + 45));
        // Inside a 60-day window: expiring and due again by the last valid day.
        assert_eq!(
            classify(Some(&cert), None, today, 60),
            CourseState::Expiring
        );
        assert_eq!(
            due_again(Some(&cert), Some(19_000), today, 60),
            Some(today + 45)
        );
        // Outside a 30-day window: still done, and the assignment's date stays.
        assert_eq!(classify(Some(&cert), None, today, 30), CourseState::Done);
        assert_eq!(
            due_again(Some(&cert), Some(19_000), today, 30),
            Some(19_000)
        );
        // Expired: due by the last valid day, which has passed.
        let old = row(true, Some(today - 1));
        assert_eq!(classify(Some(&old), None, today, 30), CourseState::Expired);
        assert_eq!(due_again(Some(&old), None, today, 30), Some(today - 1));
        // No certificate: the assignment's date.
        assert_eq!(
            due_again(Some(&row(true, None)), Some(5), today, 30),
            Some(5)
        );
        // A course the content no longer has keeps the default window.
        let r = Renewal::of(&Catalog::default());
        assert_eq!(r.window("ki-seepferdchen"), 60);
        assert!(r.windows().is_empty());
    }

    #[test]
    fn classify_covers_every_state() {
        let today = 20_000;
        assert_eq!(classify(None, None, today, 60), CourseState::NotStarted);
        assert_eq!(
            classify(None, Some(today), today, 60),
            CourseState::NotStarted
        );
        assert_eq!(
            classify(None, Some(today - 1), today, 60),
            CourseState::Overdue
        );
        assert_eq!(
            classify(Some(&row(true, None)), Some(today + 3), today, 60),
            CourseState::InProgress
        );
        assert_eq!(
            classify(Some(&row(true, None)), Some(today - 3), today, 60),
            CourseState::Overdue
        );
        assert_eq!(
            classify(
                Some(&row(true, Some(today + 61))),
                Some(today - 3),
                today,
                60
            ),
            CourseState::Done
        );
        assert_eq!(
            classify(Some(&row(true, Some(today + 60))), None, today, 60),
            CourseState::Expiring
        );
        assert_eq!(
            classify(Some(&row(true, Some(today))), None, today, 60),
            CourseState::Expiring
        );
        assert_eq!(
            classify(
                Some(&row(true, Some(today - 1))),
                Some(today - 100),
                today,
                60
            ),
            CourseState::Expired
        );
    }

    fn unit(id: i64, parent: Option<i64>) -> UnitRow {
        UnitRow {
            id,
            parent_id: parent,
            name: format!("u{id}"),
            code: None,
            member_count: 0,
        }
    }

    fn assignment(
        unit: Option<i64>,
        user: Option<i64>,
        due: Option<i64>,
        m: bool,
    ) -> AssignmentRow {
        AssignmentRow {
            id: 0,
            course: "k".into(),
            unit_id: unit,
            user_id: user,
            due_day: due,
            due_days: None,
            mandatory: m,
            created_at: 0,
            user_name: None,
            user_unit_id: None,
            unit_name: None,
        }
    }

    #[test]
    fn unit_assignments_reach_sub_units_and_combine() {
        let units = [
            unit(1, None),
            unit(2, Some(1)),
            unit(3, Some(2)),
            unit(4, None),
        ];
        let rows = [
            assignment(Some(1), None, Some(100), false),
            assignment(Some(2), None, Some(50), false),
            assignment(None, Some(7), None, true),
        ];
        let a = Assignments::build(&units, &rows);
        assert_eq!(a.by_unit[&1]["k"].due_day, Some(100));
        assert_eq!(a.by_unit[&3]["k"].due_day, Some(50));
        assert!(!a.by_unit.get(&4).is_some_and(|m| m.contains_key("k")));
        // A person in unit 3 with their own (undated, mandatory) assignment.
        let e = a.for_person(7, Some(3), 0)["k"];
        assert_eq!(
            e,
            Effective {
                due_day: Some(50),
                relative: None,
                mandatory: true
            }
        );
        // Someone without a unit gets only their own.
        assert_eq!(a.for_person(7, None, 0)["k"].due_day, None);
        assert!(a.for_person(8, Some(4), 0).is_empty());
    }

    #[test]
    fn relative_due_dates_count_from_joining_the_unit() {
        let units = [unit(1, None), unit(2, Some(1))];
        let day = |d: i64| d * 86_400 + 12 * 3600;
        let mut within_30 = assignment(Some(1), None, None, true);
        within_30.due_days = Some(30);
        within_30.created_at = day(1000);
        let a = Assignments::build(&units, &[within_30]);
        let e = a.by_unit[&2]["k"];
        assert_eq!(e.relative, Some((1000, 30)));
        // In the unit before the assignment: 30 days from the assignment.
        assert_eq!(a.for_person(5, Some(2), 900)["k"].due_day, Some(1030));
        assert_eq!(e.base_due(), Some(1030));
        // Joined later: 30 days from the first day there, so not overdue on day one.
        let joiner = a.for_person(5, Some(2), 1100)["k"];
        assert_eq!(joiner.due_day, Some(1130));
        assert_eq!(
            classify(None, joiner.due_day, 1100, 60),
            CourseState::NotStarted
        );
        assert_eq!(
            classify(None, joiner.due_day, 1131, 60),
            CourseState::Overdue
        );
        // A fixed date for the same course that comes earlier wins.
        let mut fixed = assignment(Some(2), None, Some(1050), false);
        fixed.course = "k".into();
        let mut within_30 = assignment(Some(1), None, None, true);
        within_30.due_days = Some(30);
        within_30.created_at = day(1000);
        let a = Assignments::build(&units, &[within_30, fixed]);
        assert_eq!(a.for_person(5, Some(2), 1100)["k"].due_day, Some(1050));
        assert!(a.for_person(5, Some(2), 1100)["k"].mandatory);
        assert_eq!(a.earliest_relative(), Some(1000));
        // Joiners matter while their later date can still be ahead: from the assignment day,
        // and no longer than its 30 days back.
        assert_eq!(a.joiners_after(1010), Some(1000));
        assert_eq!(a.joiners_after(1100), Some(1069));
        assert_eq!(Assignments::build(&units, &[]).joiners_after(1100), None);
    }
}
