//! The evidence report "Nachweis der Schulungsmaßnahmen zur KI-Kompetenz (Art. 4 KI-VO)" for an org unit: per person and
//! course the content version, completion date, certificate code and validity, with the
//! organisation and the time of generation; as CSV and as PDF.
use std::collections::{BTreeMap, HashMap};

use super::csv::{date_cell, CsvWriter};
use super::PeopleFilter;
use crate::error::AppError;
use crate::i18n::{time_in_germany, Date, Locale, Texts};
use crate::server::auth::authz::Actor;
use crate::server::db;
use crate::server::state::AppState;

pub struct Line {
    pub name: String,
    pub email: String,
    pub unit: String,
    pub course: String,
    pub version: String,
    pub completed: Option<Date>,
    pub code: String,
    pub valid_until: Option<Date>,
    pub state: String,
    /// The course is assigned to the person (it counts for the unit's quota).
    pub assigned: bool,
    /// Assigned and done: a valid certificate, expiring or not.
    pub done: bool,
}

/// A course of the report as the reader needs to judge it: what it teaches, how long it takes,
/// which version.
pub struct CourseInfo {
    pub title: String,
    pub subtitle: String,
    pub minutes: u32,
    pub version: String,
    pub stand: Date,
    pub validity_months: u32,
    pub objectives: Vec<String>,
}

/// The figures of one org unit: people, assigned courses, done ones.
pub struct UnitTotal {
    pub unit: String,
    pub people: usize,
    pub assigned: usize,
    pub done: usize,
}

impl UnitTotal {
    /// Whole percent done, rounded down (the dashboard's figure); None without assignments.
    pub fn percent(&self) -> Option<usize> {
        (self.assigned > 0).then(|| self.done * 100 / self.assigned)
    }
}

pub struct Evidence {
    pub org: String,
    pub unit: String,
    pub generated: String,
    pub people: usize,
    pub lines: Vec<Line>,
    pub courses: Vec<CourseInfo>,
}

impl Evidence {
    /// Per org unit (each person's own unit), in alphabetical order of the paths.
    pub fn unit_totals(&self) -> Vec<UnitTotal> {
        let mut out: Vec<UnitTotal> = Vec::new();
        let mut people: Vec<std::collections::HashSet<&str>> = Vec::new();
        for l in &self.lines {
            let i = match out.iter().position(|u| u.unit == l.unit) {
                Some(i) => i,
                None => {
                    out.push(UnitTotal {
                        unit: l.unit.clone(),
                        people: 0,
                        assigned: 0,
                        done: 0,
                    });
                    people.push(Default::default());
                    out.len() - 1
                }
            };
            // Deleted people have no address; each of their lines is one completion.
            if l.email.is_empty() || people[i].insert(l.email.as_str()) {
                out[i].people += usize::from(!l.email.is_empty());
            }
            out[i].assigned += usize::from(l.assigned);
            out[i].done += usize::from(l.done);
        }
        crate::server::collation::sort_by_name(&mut out, |u| &u.unit);
        out
    }
}

/// Builds the report for a unit (with sub-units) inside the actor's scope, or the whole scope.
pub async fn build(
    state: &AppState,
    actor: &Actor,
    unit: Option<i64>,
    locale: Locale,
) -> Result<Evidence, AppError> {
    let t = locale.texts();
    let filter = PeopleFilter {
        unit,
        ..PeopleFilter::default()
    };
    // `select` refuses units outside the actor's scope; an id that names no unit has no path.
    let sel = super::select(state, actor, &filter).await?;
    let unit_label = match unit {
        Some(u) => sel.unit_paths.get(&u).cloned().ok_or(AppError::NotFound)?,
        None => t.evidence_all_units.to_string(),
    };
    let ids: Vec<i64> = sel.people.iter().map(|p| p.id).collect();
    // The newest completion per person and course.
    let mut done: HashMap<(i64, String), db::certificates::EvidenceRow> = HashMap::new();
    for r in db::certificates::evidence(&state.db, Some(&ids)).await? {
        done.insert((r.user_id, r.course.clone()), r);
    }
    let mut lines = Vec::new();
    for (p, entries) in sel.people.iter().zip(&sel.entries) {
        let unit = p
            .unit_id
            .and_then(|u| sel.unit_paths.get(&u).cloned())
            .unwrap_or_default();
        let mut courses: BTreeMap<String, Option<&crate::server::tracking::MatrixEntry>> = entries
            .iter()
            .map(|e| (e.course.clone(), Some(e)))
            .collect();
        for (uid, course) in done.keys() {
            if *uid == p.id {
                courses.entry(course.clone()).or_insert(None);
            }
        }
        if courses.is_empty() {
            lines.push(Line {
                name: p.name.clone(),
                email: p.email.clone(),
                unit: unit.clone(),
                course: t.evidence_no_courses.to_string(),
                version: String::new(),
                completed: None,
                code: String::new(),
                valid_until: None,
                state: String::new(),
                assigned: false,
                done: false,
            });
        }
        for (course, entry) in courses {
            let c = state.catalog.course(&course);
            let row = done.get(&(p.id, course.clone()));
            let version = row.map(|r| {
                let short: String = r.content_hash.chars().take(12).collect();
                let version = match c {
                    Some(c) if c.hash == r.content_hash => format!("{} ({short})", c.version),
                    _ => short,
                };
                // A recorded training says how it took place.
                match r.format.as_deref() {
                    Some(f) => format!(
                        "{version} · {}",
                        crate::server::completions::Format::label_of(f, t)
                    ),
                    None => version,
                }
            });
            let state_label = match (entry, row) {
                (Some(e), _) => e.state.label(t).to_string(),
                (None, Some(r)) if r.revoked => t.evidence_revoked.to_string(),
                (None, Some(r)) => {
                    let s = crate::server::tracking::classify(
                        Some(&db::course_status::StatusRow {
                            started_at: Some(r.completed_at),
                            completed_at: Some(r.completed_at),
                            valid_until_day: r.valid_until_day,
                        }),
                        None,
                        sel.today,
                        state.catalog.renewal_days(&course),
                    );
                    s.label(t).to_string()
                }
                (None, None) => String::new(),
            };
            lines.push(Line {
                name: p.name.clone(),
                email: p.email.clone(),
                unit: unit.clone(),
                course: super::course_title(state, &course),
                version: version.unwrap_or_default(),
                completed: row.map(|r| Date::in_germany(r.completed_at)),
                code: match row {
                    Some(r) if r.revoked => format!(
                        "{} ({})",
                        r.code.clone().unwrap_or_default(),
                        t.evidence_revoked
                    ),
                    Some(r) => r.code.clone().unwrap_or_default(),
                    None => String::new(),
                },
                valid_until: row
                    .filter(|r| !r.revoked)
                    .and_then(|r| r.valid_until_day)
                    .map(Date::from_days),
                state: state_label,
                assigned: entry.is_some(),
                done: entry.is_some_and(|e| {
                    matches!(
                        e.state,
                        crate::model::CourseState::Done | crate::model::CourseState::Expiring
                    )
                }),
            });
        }
    }
    // Completions of people deleted since (db::personal::erase): kept without name as evidence.
    for r in db::personal::erased(&state.db, sel.scope.as_deref()).await? {
        let c = state.catalog.course(&r.course);
        let short: String = r.content_hash.chars().take(12).collect();
        let s = crate::server::tracking::classify(
            Some(&db::course_status::StatusRow {
                started_at: Some(r.completed_at),
                completed_at: Some(r.completed_at),
                valid_until_day: r.valid_until_day,
            }),
            None,
            sel.today,
            state.catalog.renewal_days(&r.course),
        );
        lines.push(Line {
            name: t.evidence_erased_person.to_string(),
            email: String::new(),
            unit: r
                .unit_id
                .and_then(|u| sel.unit_paths.get(&u).cloned())
                .unwrap_or_default(),
            course: super::course_title(state, &r.course),
            version: match c {
                Some(c) if c.hash == r.content_hash => format!("{} ({short})", c.version),
                _ => short,
            },
            completed: Some(Date::in_germany(r.completed_at)),
            code: r.code.unwrap_or_default(),
            valid_until: r.valid_until_day.map(Date::from_days),
            state: s.label(t).to_string(),
            assigned: false,
            done: false,
        });
    }
    let now = state.clock.now();
    Ok(Evidence {
        org: state.config.org_name.clone(),
        unit: unit_label,
        generated: format!(
            "{} {}",
            date_cell(Some(Date::in_germany(now))),
            time_in_germany(now)
        ),
        people: sel.people.len(),
        courses: course_infos(state, &lines),
        lines,
    })
}

/// The courses the lines name, in order of first appearance.
fn course_infos(state: &AppState, lines: &[Line]) -> Vec<CourseInfo> {
    let mut out: Vec<CourseInfo> = Vec::new();
    for l in lines {
        if out.iter().any(|c| c.title == l.course) {
            continue;
        }
        let Some(c) = state.catalog.courses.iter().find(|c| c.title == l.course) else {
            continue;
        };
        out.push(CourseInfo {
            title: c.title.clone(),
            subtitle: c.subtitle.clone(),
            minutes: c.estimated_minutes,
            version: c.version.clone(),
            stand: c.stand,
            validity_months: c.validity_months,
            objectives: c.objectives.clone(),
        });
    }
    out
}

pub fn to_csv(e: &Evidence, t: &Texts) -> String {
    let mut w = CsvWriter::new();
    w.row(&[t.evidence_title, e.org.as_str()]);
    w.row(&[t.csv_unit, e.unit.as_str()]);
    w.row(&[t.evidence_generated, e.generated.as_str()]);
    w.row::<&str>(&[]);
    w.row(&[
        t.csv_name,
        t.csv_email,
        t.csv_unit,
        t.csv_course,
        t.evidence_version,
        t.csv_completed,
        t.evidence_code,
        t.csv_valid_until,
        t.csv_state,
    ]);
    for l in &e.lines {
        w.row(&[
            l.name.as_str(),
            l.email.as_str(),
            l.unit.as_str(),
            l.course.as_str(),
            l.version.as_str(),
            &date_cell(l.completed),
            l.code.as_str(),
            &date_cell(l.valid_until),
            l.state.as_str(),
        ]);
    }
    w.row::<&str>(&[]);
    w.row(&[t.evidence_totals]);
    w.row(&[
        t.csv_unit,
        t.evidence_people,
        t.evidence_assigned,
        t.evidence_done,
        t.evidence_quota,
    ]);
    for u in e.unit_totals() {
        w.row(&[
            u.unit.clone(),
            u.people.to_string(),
            u.assigned.to_string(),
            u.done.to_string(),
            u.percent().map(|p| format!("{p} %")).unwrap_or_default(),
        ]);
    }
    w.finish()
}

pub use super::evidence_pdf::to_pdf;
