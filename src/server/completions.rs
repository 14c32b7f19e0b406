//! Completions a coordinator records for people who learned outside the platform: staff
//! without a PC (Bauhof, Straßenmeisterei, Reinigung) trained in a classroom, a webinar, an
//! external course. A recorded completion is evidence like a passed test: the same completion
//! row, the same status, a certificate that names its form, revocable like any other.
use std::collections::HashMap;

use crate::error::AppError;
use crate::i18n::{Date, Texts};
use crate::server::auth::authz::Actor;
use crate::server::certificate;
use crate::server::db;
use crate::server::state::AppState;

/// Most people one recording may list.
pub const MAX_PEOPLE: usize = 500;
/// Largest attendance list accepted.
pub const MAX_ATTENDANCE_BYTES: usize = 10 * 1024 * 1024;

/// The form of a recorded training; the codes are the form values and the stored values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::EnumString, strum::IntoStaticStr)]
pub enum Format {
    #[strum(serialize = "praesenz")]
    Classroom,
    #[strum(serialize = "webinar")]
    Webinar,
    #[strum(serialize = "extern")]
    External,
}

impl Format {
    pub const ALL: [Format; 3] = [Format::Classroom, Format::Webinar, Format::External];

    pub fn code(self) -> &'static str {
        self.into()
    }

    pub fn label(self, t: &Texts) -> &'static str {
        match self {
            Format::Classroom => t.format_classroom,
            Format::Webinar => t.format_webinar,
            Format::External => t.format_external,
        }
    }

    /// The label of a stored code ("" for an unknown one).
    pub fn label_of(code: &str, t: &Texts) -> &'static str {
        code.parse::<Format>().map_or("", |f| f.label(t))
    }
}

/// What the form sends.
pub struct Input<'a> {
    pub course: &'a str,
    pub day: &'a str,
    pub format: &'a str,
    pub trainer: &'a str,
    pub note: &'a str,
    /// One e-mail address or personnel number per line.
    pub people: &'a str,
}

/// Checks a recording and writes it in one transaction: the session, each person's completion
/// and certificate, the audit entries. Returns the session id and the number of people.
pub async fn record(
    state: &AppState,
    actor: &Actor,
    input: &Input<'_>,
    t: &Texts,
) -> Result<(i64, usize), AppError> {
    let course = state
        .catalog
        .course(input.course.trim())
        .filter(|c| c.published)
        .ok_or_else(|| AppError::field("course", t.assign_course_missing))?;
    let now = state.clock.now();
    let today = Date::in_germany(now).to_days();
    let day = match input.day.trim() {
        "" => return Err(AppError::field("datum", t.completion_date_missing)),
        v => Date::parse_iso(v)
            .ok_or_else(|| AppError::field("datum", t.completion_date_invalid))?
            .to_days(),
    };
    if day > today {
        return Err(AppError::field("datum", t.completion_date_future));
    }
    if day < today - 3660 {
        return Err(AppError::field("datum", t.completion_date_invalid));
    }
    let format: Format = input
        .format
        .trim()
        .parse()
        .map_err(|_| AppError::field("form", t.completion_format_missing))?;
    let trainer = input.trainer.trim();
    if trainer.chars().count() > 200 {
        return Err(AppError::field("leitung", t.completion_too_long));
    }
    let note = input.note.trim();
    if note.chars().count() > 2000 {
        return Err(AppError::field("bemerkung", t.completion_too_long));
    }
    let people = people(state, actor, input.people, t).await?;

    let mut tx = state.db.begin().await?;
    let session = db::manual::insert_session(
        &mut *tx,
        &db::manual::NewSession {
            course: &course.slug,
            format: format.code(),
            completed_day: day,
            trainer,
            note,
            created_by: actor.id(),
            now,
        },
    )
    .await?;
    // Noon in Germany on the day of the training (the time of day is not known).
    let completed_at = day * 86_400 + 11 * 3600;
    for p in &people {
        let completion = db::manual::insert_completion(
            &mut *tx,
            session,
            p.id,
            &course.slug,
            &course.hash,
            completed_at,
        )
        .await?;
        let c = certificate::Completion {
            holder_id: p.id,
            holder: &p.display_name,
            content_hash: &course.hash,
            completion_id: completion,
            completed: Date::from_days(day),
            format: Some(format.label(crate::i18n::Locale::De.texts()).to_string()),
            register: None,
        };
        let code = certificate::issue_for(&mut tx, state, course, &c, now).await?;
        actor
            .audit(
                &mut *tx,
                now,
                "completion.record",
                &p.email,
                &crate::server::audit::details(serde_json::json!({
                    "course": course.slug,
                    "format": format.code(),
                    "day": Date::from_days(day).iso(),
                    "session": session,
                    "certificate": code,
                })),
            )
            .await?;
    }
    tx.commit().await?;
    Ok((session, people.len()))
}

/// The people of the list: each line an e-mail address or a personnel number of an active
/// person in the actor's scope, each once. Every bad line is named.
async fn people(
    state: &AppState,
    actor: &Actor,
    list: &str,
    t: &Texts,
) -> Result<Vec<db::users::ImportRecord>, AppError> {
    let lines: Vec<(usize, &str)> = list
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim().trim_end_matches([';', ','])))
        .filter(|(_, l)| !l.is_empty())
        .collect();
    if lines.is_empty() {
        return Err(AppError::field("personen", t.completion_people_missing));
    }
    if lines.len() > MAX_PEOPLE {
        return Err(AppError::field(
            "personen",
            t.completion_people_too_many(MAX_PEOPLE),
        ));
    }
    let everyone = db::users::for_import(&state.db).await?;
    let by_email: HashMap<&str, &db::users::ImportRecord> =
        everyone.iter().map(|p| (p.email.as_str(), p)).collect();
    let by_number: HashMap<&str, &db::users::ImportRecord> = everyone
        .iter()
        .filter_map(|p| p.personnel_no.as_deref().map(|n| (n, p)))
        .collect();
    let mut seen: HashMap<i64, usize> = HashMap::new();
    let mut found = Vec::new();
    let mut problems = Vec::new();
    for (row, line) in lines {
        let email = line.to_lowercase();
        let person = by_email
            .get(email.as_str())
            .or_else(|| by_number.get(line))
            .copied();
        let problem = match person {
            None => Some(t.completion_person_unknown.to_string()),
            Some(p) if !actor.can_manage_unit(p.org_unit_id) => {
                Some(t.completion_person_outside.to_string())
            }
            Some(p) if !p.active => Some(t.completion_person_inactive.to_string()),
            Some(p) => match seen.get(&p.id) {
                Some(first) => Some(t.completion_person_twice(first)),
                None => {
                    seen.insert(p.id, row);
                    found.push((*p).clone());
                    None
                }
            },
        };
        if let Some(problem) = problem {
            problems.push(t.completion_line_error(row, line, &problem));
        }
    }
    if problems.is_empty() {
        Ok(found)
    } else {
        Err(AppError::field("personen", problems.join(" ")))
    }
}
