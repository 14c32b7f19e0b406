//! Quiz attempts and course completions.
use sqlx::{Any, Executor, Row};

use super::Db;

#[derive(Debug, Clone, PartialEq)]
pub struct Attempt {
    pub id: i64,
    pub user_id: i64,
    pub course_slug: String,
    pub kind: String,
    pub module_id: Option<String>,
    pub content_hash: String,
    pub drawn: String,
    pub answers: Option<String>,
    pub points: Option<i64>,
    pub max_points: i64,
    pub passed: Option<bool>,
    pub started_at: i64,
    pub deadline_at: Option<i64>,
    pub submitted_at: Option<i64>,
}

const COLUMNS: &str = "id, user_id, course_slug, kind, module_id, content_hash, drawn, answers, \
     points, max_points, passed, started_at, deadline_at, submitted_at";

fn attempt(r: &sqlx::any::AnyRow) -> Result<Attempt, sqlx::Error> {
    Ok(Attempt {
        id: r.try_get("id")?,
        user_id: r.try_get("user_id")?,
        course_slug: r.try_get("course_slug")?,
        kind: r.try_get("kind")?,
        module_id: r.try_get("module_id")?,
        content_hash: r.try_get("content_hash")?,
        drawn: r.try_get("drawn")?,
        answers: r.try_get("answers")?,
        points: r.try_get("points")?,
        max_points: r.try_get("max_points")?,
        passed: r.try_get::<Option<i64>, _>("passed")?.map(|p| p != 0),
        started_at: r.try_get("started_at")?,
        deadline_at: r.try_get("deadline_at")?,
        submitted_at: r.try_get("submitted_at")?,
    })
}

pub struct NewAttempt<'a> {
    pub user_id: i64,
    pub course_slug: &'a str,
    pub kind: &'a str,
    pub module_id: Option<&'a str>,
    pub content_hash: &'a str,
    pub drawn: &'a str,
    pub max_points: i64,
    pub now: i64,
    pub deadline_at: Option<i64>,
}

pub async fn insert<'e, E: Executor<'e, Database = Any>>(
    e: E,
    a: &NewAttempt<'_>,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO attempts (user_id, course_slug, kind, module_id, content_hash, drawn, max_points, \
         started_at, deadline_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(a.user_id)
    .bind(a.course_slug)
    .bind(a.kind)
    .bind(a.module_id)
    .bind(a.content_hash)
    .bind(a.drawn)
    .bind(a.max_points)
    .bind(a.now)
    .bind(a.deadline_at)
    .fetch_one(e)
    .await
}

pub async fn get(db: &Db, id: i64) -> Result<Option<Attempt>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM attempts WHERE id = $1");
    let row = sqlx::query(&sql).bind(id).fetch_optional(&db.pool).await?;
    row.as_ref().map(attempt).transpose()
}

/// A person's attempts of one kind in a course, newest first.
pub async fn list<'e, E: Executor<'e, Database = Any>>(
    e: E,
    user_id: i64,
    course: &str,
    kind: &str,
) -> Result<Vec<Attempt>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM attempts WHERE user_id = $1 AND course_slug = $2 AND kind = $3 ORDER BY id DESC"
    );
    let rows = sqlx::query(&sql)
        .bind(user_id)
        .bind(course)
        .bind(kind)
        .fetch_all(e)
        .await?;
    rows.iter().map(attempt).collect()
}

/// Keeps the answers of a form sent with questions still open, so that the page shows them again;
/// nothing is graded. Only while the attempt is open.
pub async fn save_draft<'e, E: Executor<'e, Database = Any>>(
    e: E,
    id: i64,
    user_id: i64,
    answers: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE attempts SET answers = $1 WHERE id = $2 AND user_id = $3 AND submitted_at IS NULL",
    )
    .bind(answers)
    .bind(id)
    .bind(user_id)
    .execute(e)
    .await?;
    Ok(())
}

/// Records the grading, exactly once: true only for the call that found the attempt open.
#[allow(clippy::too_many_arguments)]
pub async fn submit<'e, E: Executor<'e, Database = Any>>(
    e: E,
    id: i64,
    user_id: i64,
    answers: &str,
    points: i64,
    passed: bool,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE attempts SET answers = $1, points = $2, passed = $3, submitted_at = $4 \
         WHERE id = $5 AND user_id = $6 AND submitted_at IS NULL",
    )
    .bind(answers)
    .bind(points)
    .bind(i64::from(passed))
    .bind(now)
    .bind(id)
    .bind(user_id)
    .execute(e)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn insert_completion<'e, E: Executor<'e, Database = Any>>(
    e: E,
    user_id: i64,
    course: &str,
    hash: &str,
    attempt_id: i64,
    now: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO course_completions (user_id, course_slug, content_hash, attempt_id, completed_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(user_id)
    .bind(course)
    .bind(hash)
    .bind(attempt_id)
    .bind(now)
    .fetch_one(e)
    .await
}

/// (course, completed at) of a person's completions, newest first.
pub async fn completions(db: &Db, user_id: i64) -> Result<Vec<(String, i64)>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT course_slug, completed_at FROM course_completions WHERE user_id = $1 ORDER BY id DESC",
    )
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
        .collect()
}

pub async fn count_completions(db: &Db, user_id: i64, course: &str) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM course_completions WHERE user_id = $1 AND course_slug = $2",
    )
    .bind(user_id)
    .bind(course)
    .fetch_one(&db.pool)
    .await
}

/// The modules a person completed in a course, with the content version they read.
pub async fn module_progress<'e, E: Executor<'e, Database = Any>>(
    e: E,
    user_id: i64,
    course: &str,
) -> Result<Vec<(String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT module_id, content_hash FROM module_progress WHERE user_id = $1 AND course_slug = $2",
    )
    .bind(user_id)
    .bind(course)
    .fetch_all(e)
    .await
}

/// Best points, their maximum and the number of graded final-test attempts of a person in a
/// course.
pub async fn final_summary(
    db: &Db,
    user_id: i64,
    course: &str,
) -> Result<(Option<i64>, Option<i64>, i64), sqlx::Error> {
    sqlx::query_as(
        "SELECT MAX(points), MAX(max_points), COUNT(*) FROM attempts \
         WHERE user_id = $1 AND course_slug = $2 AND kind = 'final' AND submitted_at IS NOT NULL",
    )
    .bind(user_id)
    .bind(course)
    .fetch_one(&db.pool)
    .await
}
