//! Attempts: start (draw and store), submit (grade exactly once, record completion in the same
//! transaction), and the learner's view of an attempt.
use std::collections::HashMap;

use super::{answers_from_form, draw, grade, present, Answer, Drawn, GradeError};
use crate::error::AppError;
use crate::i18n::{time_in_germany, Date, Locale};
use crate::model::{
    AttemptResult, AttemptSummary, AttemptView, FinalTestInfo, NextStep, QuestionFeedback,
    QuestionType, QuizOption, QuizQuestion,
};
use crate::server::auth::authz::Actor;
use crate::server::content::{Course, Question, QuestionKind};
use crate::server::db::{self, attempts::Attempt};
use crate::server::state::AppState;

/// Late submissions are accepted this long after the deadline: a form sent in the last second
/// over a slow network still counts, but a minute over is over.
const GRACE_SECONDS: i64 = 30;
/// Failed final attempts in a row before the waiting period applies.
const FREE_ATTEMPTS: usize = 3;

fn course<'a>(state: &'a AppState, slug: &str) -> Result<&'a Course, AppError> {
    state
        .catalog
        .course(slug)
        .filter(|c| c.published)
        .ok_or(AppError::NotFound)
}

/// The course's questions and an attempt's generated ones (see `Drawn::generated`).
fn question_index<'a>(c: &'a Course, generated: &'a [Question]) -> HashMap<&'a str, &'a Question> {
    c.modules
        .iter()
        .flat_map(|m| &m.check)
        .chain(&c.final_pool)
        .chain(generated)
        .map(|q| (q.id.as_str(), q))
        .collect()
}

/// When the next final attempt may start, if three failed attempts in a row (since the last
/// pass) ask for a waiting period.
pub fn wait_until(attempts: &[Attempt], wait_seconds: i64, now: i64) -> Option<i64> {
    let submitted: Vec<&Attempt> = attempts
        .iter()
        .filter(|a| a.submitted_at.is_some())
        .collect();
    let recent = submitted.iter().take(FREE_ATTEMPTS);
    if submitted.len() < FREE_ATTEMPTS || recent.clone().any(|a| a.passed == Some(true)) {
        return None;
    }
    let last = submitted.first()?.submitted_at?;
    (now < last + wait_seconds).then_some(last + wait_seconds)
}

fn all_modules_done(c: &Course, done: &[String]) -> bool {
    c.modules.iter().all(|m| done.contains(&m.id))
}

/// The modules of a course that count as done, from (module, content version) pairs read.
/// Only a module read in its current version counts — a learner in progress reads again what
/// changed, and keeps what did not — unless the person holds a certificate not yet due for
/// renewal: that certificate stands for the version it was issued for, and the course stays
/// complete for her until it is due again.
pub fn modules_done(c: &Course, progress: &[(String, String)], certified: bool) -> Vec<String> {
    c.modules
        .iter()
        .filter(|m| {
            progress
                .iter()
                .any(|(id, hash)| *id == m.id && (certified || *hash == m.hash))
        })
        .map(|m| m.id.clone())
        .collect()
}

/// Whether a person with a certificate valid until `valid_until` holds it today outside the
/// re-enrolment window (before it, a certificate is due again and is renewed on today's content).
pub fn certified(valid_until: Option<i64>, today: i64, window: i64) -> bool {
    valid_until.is_some_and(|v| v - today > window)
}

/// The modules of a course that count as done for this person now.
pub async fn done_modules(
    conn: &mut sqlx::AnyConnection,
    state: &AppState,
    user_id: i64,
    c: &Course,
) -> Result<Vec<String>, AppError> {
    let progress = db::attempts::module_progress(&mut *conn, user_id, &c.slug).await?;
    let valid_until = db::course_status::valid_until_day(conn, user_id, &c.slug).await?;
    let today = crate::server::tracking::today(state.clock.now());
    let certified = certified(valid_until, today, i64::from(c.renewal_days));
    Ok(modules_done(c, &progress, certified))
}

/// The final-test box of the course page.
pub async fn final_info(
    state: &AppState,
    actor: &Actor,
    c: &Course,
) -> Result<FinalTestInfo, AppError> {
    let attempts = db::attempts::list(&state.db.pool, actor.id(), &c.slug, "final").await?;
    let mut conn = state.db.pool.acquire().await?;
    let done = done_modules(&mut conn, state, actor.id(), c).await?;
    let percent = db::users::time_percent(&mut *conn, actor.id()).await?;
    drop(conn);
    let now = state.clock.now();
    let wait = wait_until(&attempts, state.config.final_test_wait_seconds, now);
    Ok(FinalTestInfo {
        question_count: c.final_test.question_count,
        pass_mark_percent: c.final_test.pass_mark_percent,
        time_limit_minutes: c
            .final_test
            .time_limit_minutes
            .map(|m| (i64::from(m) * percent / 100) as u32),
        modules_complete: all_modules_done(c, &done),
        completed: db::attempts::count_completions(&state.db, actor.id(), &c.slug).await? > 0,
        wait_until: wait.map(|t| {
            format!(
                "{}, {}",
                crate::i18n::Locale::De.format_date(Date::in_germany(t)),
                time_in_germany(t)
            )
        }),
        attempts: attempts
            .iter()
            .map(|a| AttemptSummary {
                id: a.id,
                date: Date::in_germany(a.submitted_at.unwrap_or(a.started_at)),
                points: a.points,
                max_points: a.max_points,
                passed: a.passed,
            })
            .collect(),
    })
}

/// Starts a module check (`module` given) or the final test. An open final attempt is
/// continued rather than a second one drawn.
pub async fn start(
    state: &AppState,
    actor: &Actor,
    slug: &str,
    module: Option<&str>,
    locale: Locale,
) -> Result<i64, AppError> {
    let t = locale.texts();
    let c = course(state, slug)?;
    let now = state.clock.now();
    let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::from_os_rng();
    // The checks below and the insert form one transaction, serialised per person: parallel
    // starts (double clicks, scripts) cannot each see "no open attempt, waiting period over"
    // and open several final tests.
    let mut tx = state.db.begin().await?;
    db::serialize(&mut tx, db::LockSpace::AttemptStart, actor.id()).await?;
    let (kind, drawn, module_id, hash, deadline) = match module {
        Some(id) => {
            let (_, m) = c.module(id).ok_or(AppError::NotFound)?;
            if m.check.is_empty() {
                return Err(AppError::NotFound);
            }
            let mut qs: Vec<&Question> = m.check.iter().collect();
            rand::seq::SliceRandom::shuffle(qs.as_mut_slice(), &mut rng);
            let mut drawn: Vec<Drawn> = qs.into_iter().map(|q| present(q, &mut rng)).collect();
            // "KI bei uns" also asks about the learner's own tools, from the live register.
            if m.live_register {
                let own = crate::server::register::questions::draw(
                    state,
                    actor.user.org_unit_id,
                    locale,
                    &mut rng,
                )
                .await?;
                drawn.extend(own);
                rand::seq::SliceRandom::shuffle(drawn.as_mut_slice(), &mut rng);
            }
            ("check", drawn, Some(m.id.clone()), m.hash.clone(), None)
        }
        None => {
            let attempts = db::attempts::list(&mut *tx, actor.id(), &c.slug, "final").await?;
            if let Some(open) = attempts.iter().find(|a| {
                a.submitted_at.is_none() && a.deadline_at.is_none_or(|d| now <= d + GRACE_SECONDS)
            }) {
                return Ok(open.id);
            }
            let done = done_modules(&mut tx, state, actor.id(), c).await?;
            if !all_modules_done(c, &done) {
                return Err(AppError::InvalidInput(t.quiz_modules_first.into()));
            }
            if wait_until(&attempts, state.config.final_test_wait_seconds, now).is_some() {
                return Err(AppError::InvalidInput(t.quiz_wait.into()));
            }
            let modules: Vec<String> = c.modules.iter().map(|m| m.id.clone()).collect();
            let drawn = draw(
                &c.final_pool,
                &modules,
                c.final_test.question_count as usize,
                &mut rng,
            );
            // Extra time (Nachteilsausgleich) stretches the limit for this person only.
            let percent = db::users::time_percent(&mut *tx, actor.id()).await?;
            let deadline = c
                .final_test
                .time_limit_minutes
                .map(|m| now + i64::from(m) * 60 * percent / 100);
            ("final", drawn, None, c.hash.clone(), deadline)
        }
    };
    let drawn_json = serde_json::to_string(&drawn).map_err(AppError::internal)?;
    let id = db::attempts::insert(
        &mut *tx,
        &db::attempts::NewAttempt {
            user_id: actor.id(),
            course_slug: &c.slug,
            kind,
            module_id: module_id.as_deref(),
            content_hash: &hash,
            drawn: &drawn_json,
            max_points: drawn.len() as i64,
            now,
            deadline_at: deadline,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// The attempt, if it is this person's (otherwise NotFound, whether it exists or not).
pub async fn owned(state: &AppState, actor: &Actor, id: i64) -> Result<Attempt, AppError> {
    db::attempts::get(&state.db, id)
        .await?
        .filter(|a| a.user_id == actor.id())
        .ok_or(AppError::NotFound)
}

/// Grades an attempt exactly once. Replays, double clicks and concurrent submissions of the
/// same attempt find it already graded and change nothing. Passing a module check completes
/// the module; passing the final test with every module complete records the course completion
/// — both in the grading transaction.
pub async fn submit(
    state: &AppState,
    actor: &Actor,
    id: i64,
    fields: &[(String, String)],
    locale: Locale,
) -> Result<Submitted, AppError> {
    let t = locale.texts();
    let attempt = owned(state, actor, id).await?;
    if attempt.submitted_at.is_some() {
        return Ok(Submitted::Graded);
    }
    let c = course(state, &attempt.course_slug)?;
    let drawn: Vec<Drawn> = serde_json::from_str(&attempt.drawn).map_err(AppError::internal)?;
    let now = state.clock.now();
    let late = attempt.deadline_at.is_some_and(|d| now > d + GRACE_SECONDS);
    let answers: HashMap<String, Answer> = if late {
        // Too late: only what was kept in time (a form sent back with open questions) counts.
        match attempt.answers.as_deref() {
            Some(draft) => serde_json::from_str(draft).map_err(AppError::internal)?,
            None => HashMap::new(),
        }
    } else {
        super::resolve_aliases(&drawn, answers_from_form(fields))
    };
    // Open questions are named before anything is graded, unless the learner confirmed
    // ("Trotzdem absenden") or the time is up: then the form is graded as it is. The answers
    // given so far are kept for the form that comes back.
    let confirmed = fields.iter().any(|(k, v)| k == "trotzdem" && v == "1");
    let time_up = attempt.deadline_at.is_some_and(|d| now > d);
    if !time_up && !confirmed && !super::open_questions(&drawn, &answers).is_empty() {
        let kept = super::keep_drawn(&drawn, answers);
        let draft = serde_json::to_string(&kept).map_err(AppError::internal)?;
        db::attempts::save_draft(&state.db.pool, id, actor.id(), &draft).await?;
        return Ok(Submitted::Open);
    }
    let pass_mark = c.final_test.pass_mark_percent;
    let generated = super::generated_questions(&drawn, attempt.module_id.as_deref().unwrap_or(""));
    let g = grade(&question_index(c, &generated), &drawn, &answers, pass_mark).map_err(
        |e| match e {
            GradeError::UnknownQuestion(_) if attempt.content_hash != current_hash(c, &attempt) => {
                AppError::InvalidInput(t.quiz_content_changed.into())
            }
            _ => AppError::InvalidInput(t.quiz_unknown_ids.into()),
        },
    )?;
    let answers_json = serde_json::to_string(&answers).map_err(AppError::internal)?;
    // A passed final test of a course that teaches the live register names the register it
    // taught on the certificate (read before the write transaction).
    let register =
        if g.passed && attempt.module_id.is_none() && c.modules.iter().any(|m| m.live_register) {
            Some(crate::server::register::learner::stamp(state, actor.user.org_unit_id).await?)
        } else {
            None
        };
    let mut tx = state.db.begin().await?;
    let first = db::attempts::submit(
        &mut *tx,
        id,
        actor.id(),
        &answers_json,
        i64::from(g.points),
        g.passed,
        now,
    )
    .await?;
    if !first {
        return Ok(Submitted::Graded);
    }
    if g.passed {
        match attempt.module_id.as_deref().and_then(|m| c.module(m)) {
            Some((_, m)) => {
                db::progress::complete(&mut tx, actor.id(), &c.slug, &m.id, &m.hash, now).await?;
            }
            None => {
                let done = done_modules(&mut tx, state, actor.id(), c).await?;
                if all_modules_done(c, &done) {
                    let completion = db::attempts::insert_completion(
                        &mut *tx,
                        actor.id(),
                        &c.slug,
                        &attempt.content_hash,
                        id,
                        now,
                    )
                    .await?;
                    // The certificate is issued in the same transaction as the completion.
                    crate::server::certificate::issue(
                        &mut tx,
                        state,
                        actor,
                        c,
                        &crate::server::certificate::Taught {
                            content_hash: &attempt.content_hash,
                            register: register.as_deref(),
                            completion_id: completion,
                        },
                        now,
                    )
                    .await?;
                }
            }
        }
    }
    tx.commit().await?;
    Ok(Submitted::Graded)
}

/// What became of a sent answer form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Submitted {
    Graded,
    /// Questions were left open: the answers are kept, nothing is graded yet.
    Open,
}

fn current_hash(c: &Course, a: &Attempt) -> String {
    match a.module_id.as_deref().and_then(|m| c.module(m)) {
        Some((_, m)) => m.hash.clone(),
        None => c.hash.clone(),
    }
}

fn kind_of(q: &Question) -> QuestionType {
    match q.kind {
        QuestionKind::Single => QuestionType::Single,
        QuestionKind::Multiple => QuestionType::Multiple,
        QuestionKind::TrueFalse => QuestionType::TrueFalse,
        QuestionKind::Ordering => QuestionType::Ordering,
    }
}

/// What the learner sees of an attempt: before submission only questions and options (in the
/// drawn order); afterwards also their answers, right or wrong, and explanations.
pub async fn view(
    state: &AppState,
    actor: &Actor,
    id: i64,
    locale: Locale,
) -> Result<AttemptView, AppError> {
    let t = locale.texts();
    let a = owned(state, actor, id).await?;
    let c = course(state, &a.course_slug)?;
    let drawn: Vec<Drawn> = serde_json::from_str(&a.drawn).map_err(AppError::internal)?;
    let generated = super::generated_questions(&drawn, a.module_id.as_deref().unwrap_or(""));
    let index = question_index(c, &generated);
    let answers: HashMap<String, Answer> = match &a.answers {
        Some(json) => serde_json::from_str(json).map_err(AppError::internal)?,
        None => HashMap::new(),
    };
    let submitted = a.submitted_at.is_some();
    let is_final = a.kind == "final";
    let graded = if submitted {
        grade(&index, &drawn, &answers, c.final_test.pass_mark_percent).ok()
    } else {
        None
    };
    let mut questions = Vec::with_capacity(drawn.len());
    for (i, d) in drawn.iter().enumerate() {
        let Some(q) = index.get(d.question.as_str()) else {
            continue;
        };
        let options = d
            .options
            .iter()
            .map(|o| QuizOption {
                id: d.shown_id(o),
                text: match (q.kind, o.as_str()) {
                    (QuestionKind::TrueFalse, "true") => t.quiz_true.into(),
                    (QuestionKind::TrueFalse, _) => t.quiz_false.into(),
                    _ => q
                        .options
                        .iter()
                        .find(|x| &x.id == o)
                        .map(|x| x.text.clone())
                        .unwrap_or_default(),
                },
            })
            .collect();
        let answer = answers.get(&d.question).cloned().unwrap_or_default();
        let feedback = graded
            .as_ref()
            .and_then(|g| g.results.get(i))
            .map(|r| QuestionFeedback {
                correct: r.correct,
                explanation: (!is_final || !r.correct).then(|| q.explanation.clone()),
            });
        questions.push(QuizQuestion {
            id: d.question.clone(),
            kind: kind_of(q),
            text: q.text.clone(),
            options,
            chosen: answer.chosen.iter().map(|o| d.shown_id(o)).collect(),
            positions: answer
                .positions
                .into_iter()
                .map(|(o, p)| (d.shown_id(&o), p))
                .collect(),
            feedback,
        });
    }
    let completed = if submitted && is_final && a.passed == Some(true) {
        db::attempts::count_completions(&state.db, actor.id(), &c.slug).await? > 0
    } else {
        false
    };
    let next = match (submitted, a.passed == Some(true)) {
        (false, _) => None,
        (true, passed) => Some(next_step(state, actor, c, &a, graded.as_ref(), passed).await?),
    };
    Ok(AttemptView {
        id: a.id,
        course_slug: c.slug.clone(),
        course_title: c.title.clone(),
        is_final,
        module_title: a
            .module_id
            .as_deref()
            .and_then(|m| c.module(m))
            .map(|(_, m)| m.title.clone()),
        module_id: a.module_id.clone(),
        pass_mark_percent: c.final_test.pass_mark_percent,
        deadline: a.deadline_at.filter(|_| !submitted).map(time_in_germany),
        seconds_left: a
            .deadline_at
            .filter(|_| !submitted)
            .map(|d| (d - state.clock.now()).max(0)),
        questions,
        open: if !submitted && a.answers.is_some() {
            super::open_questions(&drawn, &answers)
        } else {
            Vec::new()
        },
        result: submitted.then(|| AttemptResult {
            points: a.points.unwrap_or(0),
            max_points: a.max_points,
            passed: a.passed == Some(true),
            time_exceeded: a
                .deadline_at
                .zip(a.submitted_at)
                .is_some_and(|(d, s)| s > d + GRACE_SECONDS),
            course_completed: completed,
        }),
        next,
    })
}

/// Where the learner goes from a graded attempt.
async fn next_step(
    state: &AppState,
    actor: &Actor,
    c: &Course,
    a: &Attempt,
    graded: Option<&super::Grade>,
    passed: bool,
) -> Result<NextStep, AppError> {
    Ok(match (a.module_id.as_deref(), passed) {
        (Some(m), true) => {
            // A module no longer in the content: back to the course.
            let Some((i, _)) = c.module(m) else {
                return Ok(NextStep::Course);
            };
            match c.modules.get(i + 1) {
                Some(next) => NextStep::Module {
                    id: next.id.clone(),
                    title: next.title.clone(),
                    position: i + 2,
                },
                None => {
                    let mut conn = state.db.pool.acquire().await?;
                    let done = done_modules(&mut conn, state, actor.id(), c).await?;
                    if all_modules_done(c, &done) {
                        NextStep::FinalTest
                    } else {
                        NextStep::Course
                    }
                }
            }
        }
        (Some(m), false) => NextStep::RetryCheck {
            module: m.to_string(),
        },
        (None, true) => NextStep::Certificate {
            code: db::certificates::code_for_attempt(&state.db, a.id).await?,
        },
        (None, false) => {
            let index = question_index(c, &[]);
            let missed: Vec<&str> = graded
                .into_iter()
                .flat_map(|g| &g.results)
                .filter(|r| !r.correct)
                .filter_map(|r| index.get(r.question.as_str()).map(|q| q.module.as_str()))
                .collect();
            let attempts = db::attempts::list(&state.db.pool, actor.id(), &c.slug, "final").await?;
            let wait = wait_until(
                &attempts,
                state.config.final_test_wait_seconds,
                state.clock.now(),
            );
            NextStep::Revise {
                modules: c
                    .modules
                    .iter()
                    .filter(|m| missed.contains(&m.id.as_str()))
                    .map(|m| (m.id.clone(), m.title.clone()))
                    .collect(),
                wait_until: wait.map(|t| {
                    format!(
                        "{}, {}",
                        crate::i18n::Locale::De.format_date(Date::in_germany(t)),
                        time_in_germany(t)
                    )
                }),
            }
        }
    })
}
