//! Course assignments: to an org unit (sub-units and later members included) or to one person.
use sqlx::{Any, Executor, Row};

use super::Db;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssignmentRow {
    pub id: i64,
    pub course: String,
    pub unit_id: Option<i64>,
    pub user_id: Option<i64>,
    pub due_day: Option<i64>,
    /// "Within N days" of the assignment or of joining the unit (never with `due_day`).
    pub due_days: Option<i64>,
    pub mandatory: bool,
    pub created_at: i64,
    /// Display name of the person (person assignments).
    pub user_name: Option<String>,
    /// Org unit of the person (person assignments), for scope checks.
    pub user_unit_id: Option<i64>,
    /// Name of the org unit (unit assignments).
    pub unit_name: Option<String>,
}

impl AssignmentRow {
    /// Whom the assignment reaches, by name: the person or the org unit.
    pub fn target_name(&self) -> String {
        self.user_name
            .clone()
            .or_else(|| self.unit_name.clone())
            .unwrap_or_default()
    }
}

const COLUMNS: &str =
    "a.id, a.course_slug, a.org_unit_id, a.user_id, a.due_day, a.mandatory, a.created_at, \
    u.display_name, u.org_unit_id, o.name, a.due_days";

/// The assignments with the person's and the unit's names.
const FROM: &str = "assignments a LEFT JOIN users u ON u.id = a.user_id \
    LEFT JOIN org_units o ON o.id = a.org_unit_id";

fn row(r: &sqlx::any::AnyRow) -> Result<AssignmentRow, sqlx::Error> {
    Ok(AssignmentRow {
        id: r.try_get(0)?,
        course: r.try_get(1)?,
        unit_id: r.try_get(2)?,
        user_id: r.try_get(3)?,
        due_day: r.try_get(4)?,
        mandatory: r.try_get::<i64, _>(5)? != 0,
        created_at: r.try_get(6)?,
        user_name: r.try_get(7)?,
        user_unit_id: r.try_get(8)?,
        unit_name: r.try_get(9)?,
        due_days: r.try_get(10)?,
    })
}

/// Every assignment (a few thousand at most: one per unit or person and course).
pub async fn all(db: &Db) -> Result<Vec<AssignmentRow>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM {FROM} ORDER BY a.id");
    let rows = sqlx::query(&sql).fetch_all(&db.pool).await?;
    rows.iter().map(row).collect()
}

pub async fn get<'e, E: Executor<'e, Database = Any>>(
    e: E,
    id: i64,
) -> Result<Option<AssignmentRow>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM {FROM} WHERE a.id = $1");
    let r = sqlx::query(&sql).bind(id).fetch_optional(e).await?;
    r.as_ref().map(row).transpose()
}

/// The assignment of a course to this unit or this person, if there is one.
pub async fn find<'e, E: Executor<'e, Database = Any>>(
    e: E,
    course: &str,
    unit_id: Option<i64>,
    user_id: Option<i64>,
) -> Result<Option<AssignmentRow>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM {FROM} WHERE a.course_slug = $1 \
         AND (a.org_unit_id = $2 OR a.user_id = $3)"
    );
    let r = sqlx::query(&sql)
        .bind(course)
        .bind(unit_id.unwrap_or(-1))
        .bind(user_id.unwrap_or(-1))
        .fetch_optional(e)
        .await?;
    r.as_ref().map(row).transpose()
}

/// The assignments that reach one person: to them or to their unit or one above it.
pub async fn for_person(
    db: &Db,
    user_id: i64,
    unit_chain: &[i64],
) -> Result<Vec<AssignmentRow>, sqlx::Error> {
    let units = if unit_chain.is_empty() {
        String::new()
    } else {
        format!(" OR a.org_unit_id IN ({})", super::id_list(unit_chain))
    };
    let sql = format!(
        "SELECT {COLUMNS} FROM {FROM} \
         WHERE a.user_id = $1{units}"
    );
    let rows = sqlx::query(&sql).bind(user_id).fetch_all(&db.pool).await?;
    rows.iter().map(row).collect()
}

/// When an assignment is due: a fixed day, or within a number of days, or neither.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Due {
    pub day: Option<i64>,
    pub days: Option<i64>,
}

pub struct NewAssignment<'a> {
    pub course: &'a str,
    pub unit_id: Option<i64>,
    pub user_id: Option<i64>,
    pub due_day: Option<i64>,
    pub due_days: Option<i64>,
    pub mandatory: bool,
    pub created_by: Option<i64>,
    pub now: i64,
}

/// Creates the assignment, or updates due date and mandatory flag of the existing one for the
/// same target and course. Returns its id.
pub async fn upsert<'e, E: Executor<'e, Database = Any>>(
    e: E,
    a: &NewAssignment<'_>,
) -> Result<i64, sqlx::Error> {
    let conflict = if a.unit_id.is_some() {
        "(org_unit_id, course_slug) WHERE org_unit_id IS NOT NULL"
    } else {
        "(user_id, course_slug) WHERE user_id IS NOT NULL"
    };
    let sql = format!(
        "INSERT INTO assignments (course_slug, org_unit_id, user_id, due_day, mandatory, \
         created_by, created_at, due_days) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
         ON CONFLICT {conflict} DO UPDATE SET due_day = excluded.due_day, \
         due_days = excluded.due_days, mandatory = excluded.mandatory \
         RETURNING id"
    );
    sqlx::query_scalar(&sql)
        .bind(a.course)
        .bind(a.unit_id)
        .bind(a.user_id)
        .bind(a.due_day)
        .bind(i64::from(a.mandatory))
        .bind(a.created_by)
        .bind(a.now)
        .bind(a.due_days)
        .fetch_one(e)
        .await
}

pub async fn update<'e, E: Executor<'e, Database = Any>>(
    e: E,
    id: i64,
    due: Due,
    mandatory: bool,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE assignments SET due_day = $1, due_days = $2, mandatory = $3 WHERE id = $4",
    )
    .bind(due.day)
    .bind(due.days)
    .bind(i64::from(mandatory))
    .bind(id)
    .execute(e)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn delete<'e, E: Executor<'e, Database = Any>>(
    e: E,
    id: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("DELETE FROM assignments WHERE id = $1")
        .bind(id)
        .execute(e)
        .await?;
    Ok(done.rows_affected() == 1)
}
