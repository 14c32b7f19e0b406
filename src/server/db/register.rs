//! The KI-Register's tables: systems, the units using them, their versions and duty states.
use sqlx::{Any, Executor, Row};

use super::Db;
use crate::server::register::{Answers, OrgRole, RiskClass, Status, System, UpdateMode};

/// A stored system with its bookkeeping.
#[derive(Debug, Clone, PartialEq)]
pub struct Stored {
    pub id: i64,
    pub version: i64,
    pub created_at: i64,
    pub updated_at: i64,
    pub system: System,
    /// The last change people must hear about: (version, when, changes as JSON).
    pub update: Option<(i64, i64, String)>,
}

const COLUMNS: &str = "id, name, provider, product, purpose, status, org_role, responsible, \
     contact, approved_uses, prohibited_uses, data_classes, instruction_url, manual_url, \
     introduced_day, reviewed_day, answers, risk_class, oversight, course_slug, \
     oversight_course_slug, published, version, created_at, updated_at, public_oversight, \
     update_mode, update_version, update_at, update_changes, eu_database_url, fria_summary, \
     dpia_summary";

fn decode<T>(v: Option<T>, what: &str) -> Result<T, sqlx::Error> {
    v.ok_or_else(|| sqlx::Error::Decode(format!("unknown {what}").into()))
}

fn stored(r: &sqlx::any::AnyRow, units: Vec<i64>) -> Result<Stored, sqlx::Error> {
    let answers: String = r.try_get("answers")?;
    let data: String = r.try_get("data_classes")?;
    let class: Option<String> = r.try_get("risk_class")?;
    let update_version: Option<i64> = r.try_get("update_version")?;
    let update_at: Option<i64> = r.try_get("update_at")?;
    Ok(Stored {
        update: match (update_version, update_at) {
            (Some(v), Some(at)) => Some((v, at, r.try_get("update_changes")?)),
            _ => None,
        },
        id: r.try_get("id")?,
        version: r.try_get("version")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
        system: System {
            name: r.try_get("name")?,
            provider: r.try_get("provider")?,
            product: r.try_get("product")?,
            purpose: r.try_get("purpose")?,
            status: decode(
                Status::from_code(&r.try_get::<String, _>("status")?),
                "status",
            )?,
            role: decode(
                OrgRole::from_code(&r.try_get::<String, _>("org_role")?),
                "role",
            )?,
            responsible: r.try_get("responsible")?,
            contact: r.try_get("contact")?,
            approved_uses: r.try_get("approved_uses")?,
            prohibited_uses: r.try_get("prohibited_uses")?,
            data_classes: data
                .split(',')
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
            instruction_url: r.try_get("instruction_url")?,
            manual_url: r.try_get("manual_url")?,
            introduced_day: r.try_get("introduced_day")?,
            reviewed_day: r.try_get("reviewed_day")?,
            units,
            course: r.try_get("course_slug")?,
            oversight_course: r.try_get("oversight_course_slug")?,
            oversight: r.try_get("oversight")?,
            public_oversight: r.try_get("public_oversight")?,
            published: r.try_get::<i64, _>("published")? != 0,
            answers: serde_json::from_str::<Answers>(&answers).unwrap_or_default(),
            class: class
                .as_deref()
                .and_then(RiskClass::from_code)
                .unwrap_or(RiskClass::Minimal),
            update_mode: decode(
                UpdateMode::from_code(&r.try_get::<String, _>("update_mode")?),
                "update mode",
            )?,
            eu_database_url: r.try_get("eu_database_url")?,
            fria_summary: r.try_get("fria_summary")?,
            dpia_summary: r.try_get("dpia_summary")?,
        },
    })
}

/// Every system with its units, by name.
pub async fn all(db: &Db) -> Result<Vec<Stored>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM ai_systems ORDER BY name, id");
    let rows = sqlx::query(&sql).fetch_all(&db.pool).await?;
    let links = all_units(db).await?;
    rows.iter()
        .map(|r| {
            let id: i64 = r.try_get("id")?;
            let units = links
                .iter()
                .filter(|(s, _)| *s == id)
                .map(|(_, u)| *u)
                .collect();
            stored(r, units)
        })
        .collect()
}

/// (system, unit) pairs.
async fn all_units(db: &Db) -> Result<Vec<(i64, i64)>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT system_id, org_unit_id FROM ai_system_units ORDER BY system_id, org_unit_id",
    )
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
        .collect()
}

/// One system; pass the transaction when it is about to change.
pub async fn get(conn: &mut sqlx::AnyConnection, id: i64) -> Result<Option<Stored>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM ai_systems WHERE id = $1");
    let Some(row) = sqlx::query(&sql)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
    else {
        return Ok(None);
    };
    let units: Vec<i64> = sqlx::query_scalar(
        "SELECT org_unit_id FROM ai_system_units WHERE system_id = $1 ORDER BY org_unit_id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    stored(&row, units).map(Some)
}

fn binds<'q>(
    q: sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>>,
    s: &'q System,
    answers: String,
) -> sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>> {
    q.bind(&s.name)
        .bind(&s.provider)
        .bind(&s.product)
        .bind(&s.purpose)
        .bind(s.status.code())
        .bind(s.role.code())
        .bind(&s.responsible)
        .bind(&s.contact)
        .bind(&s.approved_uses)
        .bind(&s.prohibited_uses)
        .bind(s.data_classes.join(","))
        .bind(&s.instruction_url)
        .bind(&s.manual_url)
        .bind(s.introduced_day)
        .bind(s.reviewed_day)
        .bind(answers)
        .bind(s.class.code())
        .bind(&s.oversight)
        .bind(s.course.as_deref())
        .bind(s.oversight_course.as_deref())
        .bind(i64::from(s.published))
        .bind(&s.public_oversight)
        .bind(s.update_mode.code())
        .bind(&s.eu_database_url)
        .bind(&s.fria_summary)
        .bind(&s.dpia_summary)
}

pub async fn insert<'e, E: Executor<'e, Database = Any>>(
    e: E,
    s: &System,
    now: i64,
) -> Result<i64, sqlx::Error> {
    let answers = serde_json::to_string(&s.answers).unwrap_or_else(|_| "{}".into());
    let q = sqlx::query(
        "INSERT INTO ai_systems (name, provider, product, purpose, status, org_role, responsible, \
         contact, approved_uses, prohibited_uses, data_classes, instruction_url, manual_url, \
         introduced_day, reviewed_day, answers, risk_class, oversight, course_slug, \
         oversight_course_slug, published, public_oversight, update_mode, eu_database_url, \
         fria_summary, dpia_summary, version, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, \
         $19, $20, $21, $22, $23, $24, $25, $26, 1, $27, $27) RETURNING id",
    );
    let row = binds(q, s, answers).bind(now).fetch_one(e).await?;
    row.try_get(0)
}

/// Writes the system's fields as the next version; `version` is the one the editor saw, so a
/// concurrent edit is refused (no row updated) instead of silently overwritten.
pub async fn update<'e, E: Executor<'e, Database = Any>>(
    e: E,
    id: i64,
    version: i64,
    s: &System,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let answers = serde_json::to_string(&s.answers).unwrap_or_else(|_| "{}".into());
    let q = sqlx::query(
        "UPDATE ai_systems SET name = $1, provider = $2, product = $3, purpose = $4, status = $5, \
         org_role = $6, responsible = $7, contact = $8, approved_uses = $9, \
         prohibited_uses = $10, data_classes = $11, instruction_url = $12, manual_url = $13, \
         introduced_day = $14, reviewed_day = $15, answers = $16, risk_class = $17, \
         oversight = $18, course_slug = $19, oversight_course_slug = $20, published = $21, \
         public_oversight = $22, update_mode = $23, eu_database_url = $24, \
         fria_summary = $25, dpia_summary = $26, version = version + 1, updated_at = $27 \
         WHERE id = $28 AND version = $29",
    );
    let done = binds(q, s, answers)
        .bind(now)
        .bind(id)
        .bind(version)
        .execute(e)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Counts a change that is not a field of the system (a duty's state) as a new version.
pub async fn bump_version<'e, E: Executor<'e, Database = Any>>(
    e: E,
    id: i64,
    now: i64,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "UPDATE ai_systems SET version = version + 1, updated_at = $1 WHERE id = $2 \
         RETURNING version",
    )
    .bind(now)
    .bind(id)
    .fetch_optional(e)
    .await
}

pub async fn clear_units<'e, E: Executor<'e, Database = Any>>(
    e: E,
    id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM ai_system_units WHERE system_id = $1")
        .bind(id)
        .execute(e)
        .await
        .map(|_| ())
}

pub async fn add_unit<'e, E: Executor<'e, Database = Any>>(
    e: E,
    id: i64,
    unit: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO ai_system_units (system_id, org_unit_id) VALUES ($1, $2)")
        .bind(id)
        .bind(unit)
        .execute(e)
        .await
        .map(|_| ())
}

/// One version of a system: who changed what.
#[derive(Debug, Clone, PartialEq)]
pub struct VersionRow {
    pub version: i64,
    pub at: i64,
    pub actor: String,
    /// JSON: [[field, old, new], ...]
    pub changes: String,
}

pub async fn insert_version<'e, E: Executor<'e, Database = Any>>(
    e: E,
    id: i64,
    v: &VersionRow,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO ai_system_versions (system_id, version, at, actor, changes) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(id)
    .bind(v.version)
    .bind(v.at)
    .bind(&v.actor)
    .bind(&v.changes)
    .execute(e)
    .await
    .map(|_| ())
}

/// A system's versions, newest first.
pub async fn history(db: &Db, id: i64) -> Result<Vec<VersionRow>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT version, at, actor, changes FROM ai_system_versions WHERE system_id = $1 \
         ORDER BY version DESC",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(VersionRow {
                version: r.try_get(0)?,
                at: r.try_get(1)?,
                actor: r.try_get(2)?,
                changes: r.try_get(3)?,
            })
        })
        .collect()
}

/// The recorded state of one duty.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DutyRow {
    pub duty: String,
    pub status: String,
    pub day: Option<i64>,
    pub responsible: String,
    pub evidence: String,
}

pub async fn duties<'e, E: Executor<'e, Database = Any>>(
    e: E,
    id: i64,
) -> Result<Vec<DutyRow>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT duty, status, day, responsible, evidence FROM ai_system_duties \
         WHERE system_id = $1",
    )
    .bind(id)
    .fetch_all(e)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(DutyRow {
                duty: r.try_get(0)?,
                status: r.try_get(1)?,
                day: r.try_get(2)?,
                responsible: r.try_get(3)?,
                evidence: r.try_get(4)?,
            })
        })
        .collect()
}

pub async fn upsert_duty<'e, E: Executor<'e, Database = Any>>(
    e: E,
    id: i64,
    d: &DutyRow,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO ai_system_duties (system_id, duty, status, day, responsible, evidence) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (system_id, duty) DO UPDATE SET \
         status = excluded.status, day = excluded.day, responsible = excluded.responsible, \
         evidence = excluded.evidence",
    )
    .bind(id)
    .bind(&d.duty)
    .bind(&d.status)
    .bind(d.day)
    .bind(&d.responsible)
    .bind(&d.evidence)
    .execute(e)
    .await
    .map(|_| ())
}

/// An assignment the register derived: (assignment id, unit, course, system).
pub type Derived = (i64, i64, String, i64);

pub async fn derived_assignments<'e, E: Executor<'e, Database = Any>>(
    e: E,
) -> Result<Vec<Derived>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, org_unit_id, course_slug, ai_system_id FROM assignments \
         WHERE ai_system_id IS NOT NULL AND org_unit_id IS NOT NULL",
    )
    .fetch_all(e)
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?)))
        .collect()
}

/// Assigns `course` to `unit` on behalf of a system, unless the unit already has it (a
/// coordinator's assignment keeps its due date). Due within `due_days` of the assignment or of
/// joining the unit.
pub async fn insert_derived<'e, E: Executor<'e, Database = Any>>(
    e: E,
    unit: i64,
    course: &str,
    system: i64,
    due_days: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "INSERT INTO assignments (course_slug, org_unit_id, mandatory, created_at, due_days, \
         ai_system_id) VALUES ($1, $2, 1, $3, $4, $5) \
         ON CONFLICT (org_unit_id, course_slug) WHERE org_unit_id IS NOT NULL DO NOTHING",
    )
    .bind(course)
    .bind(unit)
    .bind(now)
    .bind(due_days)
    .bind(system)
    .execute(e)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Person assignments the register made (the oversight course): (assignment, person, course,
/// system).
pub async fn derived_person_assignments<'e, E: Executor<'e, Database = Any>>(
    e: E,
) -> Result<Vec<Derived>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, user_id, course_slug, ai_system_id FROM assignments \
         WHERE ai_system_id IS NOT NULL AND user_id IS NOT NULL",
    )
    .fetch_all(e)
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?)))
        .collect()
}

/// Assigns the oversight course to one person on behalf of a system, unless she already has
/// it assigned.
pub async fn insert_derived_person<'e, E: Executor<'e, Database = Any>>(
    e: E,
    user: i64,
    course: &str,
    system: i64,
    due_days: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "INSERT INTO assignments (course_slug, user_id, mandatory, created_at, due_days, \
         ai_system_id) VALUES ($1, $2, 1, $3, $4, $5) \
         ON CONFLICT (user_id, course_slug) WHERE user_id IS NOT NULL DO NOTHING",
    )
    .bind(course)
    .bind(user)
    .bind(now)
    .bind(due_days)
    .bind(system)
    .execute(e)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Every system's (id, status, oversight course, oversight persons) for deriving the
/// oversight course.
pub async fn oversight_needs<'e, E: Executor<'e, Database = Any>>(
    e: E,
) -> Result<Vec<(i64, String, Option<String>, String)>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, status, oversight_course_slug, oversight FROM ai_systems \
         WHERE oversight_course_slug IS NOT NULL ORDER BY id",
    )
    .fetch_all(e)
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?)))
        .collect()
}

/// Hands a derived assignment to another system that needs the same course in the same unit.
pub async fn move_derived<'e, E: Executor<'e, Database = Any>>(
    e: E,
    assignment: i64,
    system: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE assignments SET ai_system_id = $1 WHERE id = $2")
        .bind(system)
        .bind(assignment)
        .execute(e)
        .await
        .map(|_| ())
}

pub async fn delete_assignment<'e, E: Executor<'e, Database = Any>>(
    e: E,
    assignment: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM assignments WHERE id = $1 AND ai_system_id IS NOT NULL")
        .bind(assignment)
        .execute(e)
        .await
        .map(|_| ())
}

/// Every system's (id, status, course, units) for deriving assignments, read in the
/// transaction that changes one of them.
pub async fn training_needs<'e, E: Executor<'e, Database = Any>>(
    e: E,
) -> Result<Vec<(i64, String, Option<String>, Option<i64>)>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT s.id, s.status, s.course_slug, u.org_unit_id FROM ai_systems s \
         LEFT JOIN ai_system_units u ON u.system_id = s.id ORDER BY s.id, u.org_unit_id",
    )
    .fetch_all(e)
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?)))
        .collect()
}

/// Grants or withdraws the KI-Koordination.
pub async fn set_ai_coordinator<'e, E: Executor<'e, Database = Any>>(
    e: E,
    user: i64,
    on: bool,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET ai_coordinator = $1 WHERE id = $2")
        .bind(i64::from(on))
        .bind(user)
        .execute(e)
        .await
        .map(|_| ())
}

/// Records that `version` changed what people must hear about (see `register::UPDATE_FIELDS`).
pub async fn mark_update<'e, E: Executor<'e, Database = Any>>(
    e: E,
    id: i64,
    version: i64,
    at: i64,
    changes: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE ai_systems SET update_version = $1, update_at = $2, update_changes = $3 \
         WHERE id = $4",
    )
    .bind(version)
    .bind(at)
    .bind(changes)
    .bind(id)
    .execute(e)
    .await?;
    Ok(())
}

/// Records that a person read the changes up to `version`; an older confirmation never
/// replaces a newer one.
pub async fn acknowledge<'e, E: Executor<'e, Database = Any>>(
    e: E,
    system: i64,
    user: i64,
    version: i64,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO ai_system_acks (system_id, user_id, version, at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (system_id, user_id) DO UPDATE SET version = excluded.version, \
         at = excluded.at WHERE ai_system_acks.version < excluded.version",
    )
    .bind(system)
    .bind(user)
    .bind(version)
    .bind(now)
    .execute(e)
    .await?;
    Ok(())
}

/// A person's confirmations: (system, version, when).
pub async fn acknowledged(db: &Db, user: i64) -> Result<Vec<(i64, i64, i64)>, sqlx::Error> {
    let rows = sqlx::query("SELECT system_id, version, at FROM ai_system_acks WHERE user_id = $1")
        .bind(user)
        .fetch_all(&db.pool)
        .await?;
    rows.iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
        .collect()
}

/// Among the active people of `units` who learnt the system (completed `course`; everyone
/// when it has none): how many there are and how many know its change of `version` at `at`
/// (confirmed it, or completed the course again since).
pub async fn update_reach(
    db: &Db,
    system: i64,
    course: Option<&str>,
    version: i64,
    at: i64,
    units: &[i64],
) -> Result<(i64, i64), sqlx::Error> {
    if units.is_empty() {
        return Ok((0, 0));
    }
    let units = super::id_list(units);
    let row = match course {
        Some(course) => {
            sqlx::query(&format!(
                "SELECT COUNT(*), COALESCE(SUM(CASE WHEN cs.completed_at >= $1 OR a.version >= $2 \
                 THEN 1 ELSE 0 END), 0) \
                 FROM users u JOIN course_status cs ON cs.user_id = u.id AND cs.course_slug = $3 \
                 LEFT JOIN ai_system_acks a ON a.user_id = u.id AND a.system_id = $4 \
                 WHERE u.active = 1 AND cs.completed_at IS NOT NULL AND u.org_unit_id IN ({units})"
            ))
            .bind(at)
            .bind(version)
            .bind(course)
            .bind(system)
            .fetch_one(&db.pool)
            .await?
        }
        None => {
            sqlx::query(&format!(
                "SELECT COUNT(*), COALESCE(SUM(CASE WHEN a.version >= $1 THEN 1 ELSE 0 END), 0) \
                 FROM users u LEFT JOIN ai_system_acks a ON a.user_id = u.id AND a.system_id = $2 \
                 WHERE u.active = 1 AND u.org_unit_id IN ({units})"
            ))
            .bind(version)
            .bind(system)
            .fetch_one(&db.pool)
            .await?
        }
    };
    Ok((row.try_get(0)?, row.try_get(1)?))
}

/// When a person last completed each course: (course, completed_at).
pub async fn completions(db: &Db, user: i64) -> Result<Vec<(String, i64)>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT course_slug, completed_at FROM course_status \
         WHERE user_id = $1 AND completed_at IS NOT NULL",
    )
    .bind(user)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
        .collect()
}
