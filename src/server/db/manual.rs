//! Completions a coordinator records: the training session and its participants.
use sqlx::{Any, Executor, Row};

use super::Db;

pub struct NewSession<'a> {
    pub course: &'a str,
    pub format: &'a str,
    pub completed_day: i64,
    pub trainer: &'a str,
    pub note: &'a str,
    pub created_by: i64,
    pub now: i64,
}

pub async fn insert_session<'e, E: Executor<'e, Database = Any>>(
    e: E,
    s: &NewSession<'_>,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO manual_completions (course_slug, format, completed_day, trainer, note, \
         created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(s.course)
    .bind(s.format)
    .bind(s.completed_day)
    .bind(s.trainer)
    .bind(s.note)
    .bind(s.created_by)
    .bind(s.now)
    .fetch_one(e)
    .await
}

/// One person's completion of a session.
pub async fn insert_completion<'e, E: Executor<'e, Database = Any>>(
    e: E,
    session: i64,
    user_id: i64,
    course: &str,
    hash: &str,
    completed_at: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO course_completions (user_id, course_slug, content_hash, manual_id, \
         completed_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(user_id)
    .bind(course)
    .bind(hash)
    .bind(session)
    .bind(completed_at)
    .fetch_one(e)
    .await
}

#[derive(Debug, Clone)]
pub struct Session {
    pub id: i64,
    pub course: String,
    pub format: String,
    pub completed_day: i64,
    pub trainer: String,
    pub note: String,
    pub attendance_name: Option<String>,
    pub created_at: i64,
    pub created_by: Option<String>,
    pub people: i64,
}

const SESSION: &str = "SELECT m.id, m.course_slug, m.format, m.completed_day, m.trainer, m.note, \
     m.attendance_name, m.created_at, u.display_name AS creator, \
     (SELECT COUNT(*) FROM course_completions c WHERE c.manual_id = m.id) AS people \
     FROM manual_completions m LEFT JOIN users u ON u.id = m.created_by";

fn session(r: &sqlx::any::AnyRow) -> Result<Session, sqlx::Error> {
    Ok(Session {
        id: r.try_get("id")?,
        course: r.try_get("course_slug")?,
        format: r.try_get("format")?,
        completed_day: r.try_get("completed_day")?,
        trainer: r.try_get("trainer")?,
        note: r.try_get("note")?,
        attendance_name: r.try_get("attendance_name")?,
        created_at: r.try_get("created_at")?,
        created_by: r.try_get("creator")?,
        people: r.try_get("people")?,
    })
}

/// Recent sessions with a participant in these units (None: all), newest first.
/// `units`: integer ids only.
pub async fn sessions(
    db: &Db,
    units: Option<&[i64]>,
    limit: i64,
) -> Result<Vec<Session>, sqlx::Error> {
    let filter = match units {
        None => String::new(),
        Some(ids) => format!(
            " WHERE EXISTS (SELECT 1 FROM course_completions c JOIN users p ON p.id = c.user_id \
             WHERE c.manual_id = m.id AND p.org_unit_id IN ({}))",
            super::id_list(ids)
        ),
    };
    let sql = format!(
        "{SESSION}{filter} ORDER BY m.id DESC LIMIT {}",
        limit.clamp(1, 500)
    );
    let rows = sqlx::query(&sql).fetch_all(&db.pool).await?;
    rows.iter().map(session).collect()
}

pub async fn session_by_id(db: &Db, id: i64) -> Result<Option<Session>, sqlx::Error> {
    let sql = format!("{SESSION} WHERE m.id = $1");
    let row = sqlx::query(&sql).bind(id).fetch_optional(&db.pool).await?;
    row.as_ref().map(session).transpose()
}

/// A participant: person, unit and the certificate of this completion.
#[derive(Debug, Clone)]
pub struct Participant {
    pub user_id: i64,
    pub name: String,
    pub email: String,
    pub unit_id: Option<i64>,
    pub code: Option<String>,
    pub revoked: bool,
}

pub async fn participants(db: &Db, session: i64) -> Result<Vec<Participant>, sqlx::Error> {
    let sql = format!(
        "SELECT u.id, u.display_name, u.email, u.org_unit_id, z.code, z.revoked_at \
         FROM course_completions c JOIN users u ON u.id = c.user_id \
         LEFT JOIN certificates z ON z.completion_id = c.id \
         WHERE c.manual_id = $1 ORDER BY {}, u.id",
        db.bytewise("u.sort_name")
    );
    let rows = sqlx::query(&sql).bind(session).fetch_all(&db.pool).await?;
    rows.iter()
        .map(|r| {
            Ok(Participant {
                user_id: r.try_get(0)?,
                name: r.try_get(1)?,
                email: r.try_get(2)?,
                unit_id: r.try_get(3)?,
                code: r.try_get(4)?,
                revoked: r.try_get::<Option<i64>, _>(5)?.is_some(),
            })
        })
        .collect()
}

pub async fn set_attendance(
    db: &Db,
    session: i64,
    name: &str,
    pdf: &[u8],
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE manual_completions SET attendance_name = $1, attendance_pdf = $2 WHERE id = $3",
    )
    .bind(name)
    .bind(pdf)
    .bind(session)
    .execute(&db.pool)
    .await
    .map(|_| ())
}

/// The attendance list: (file name, PDF bytes).
pub async fn attendance(db: &Db, session: i64) -> Result<Option<(String, Vec<u8>)>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT attendance_name, attendance_pdf FROM manual_completions \
         WHERE id = $1 AND attendance_pdf IS NOT NULL",
    )
    .bind(session)
    .fetch_optional(&db.pool)
    .await?;
    row.map(|r| {
        Ok((
            r.try_get::<Option<String>, _>(0)?.unwrap_or_default(),
            r.try_get(1)?,
        ))
    })
    .transpose()
}

/// Per course, the form of a person's newest completion where that was a recorded training.
pub async fn recorded_formats(db: &Db, user_id: i64) -> Result<Vec<(String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT c.course_slug, m.format FROM course_completions c \
         JOIN manual_completions m ON m.id = c.manual_id \
         WHERE c.user_id = $1 AND c.completed_at = (SELECT MAX(x.completed_at) \
           FROM course_completions x WHERE x.user_id = c.user_id AND x.course_slug = c.course_slug)",
    )
    .bind(user_id)
    .fetch_all(&db.pool)
    .await
}
