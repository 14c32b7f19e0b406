//! The org-unit tree.
use sqlx::{Any, Executor, Row};

/// One row of `org_units` with its member count.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitRow {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub name: String,
    /// The HR system's key for the unit, if set.
    pub code: Option<String>,
    pub member_count: i64,
}

pub async fn all<'e, E: Executor<'e, Database = Any>>(e: E) -> Result<Vec<UnitRow>, sqlx::Error> {
    let rows = sqlx::query(
        // Members counted in one pass over users (a subquery per unit took three times as long
        // at 10,000 people on PostgreSQL).
        "SELECT o.id, o.parent_id, o.name, o.code, COALESCE(m.n, 0) AS members \
         FROM org_units o \
         LEFT JOIN (SELECT org_unit_id, COUNT(*) AS n FROM users GROUP BY org_unit_id) m \
           ON m.org_unit_id = o.id \
         ORDER BY o.name, o.id",
    )
    .fetch_all(e)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(UnitRow {
                id: r.try_get("id")?,
                parent_id: r.try_get("parent_id")?,
                name: r.try_get("name")?,
                code: r.try_get("code")?,
                member_count: r.try_get("members")?,
            })
        })
        .collect()
}

/// The tree alone, without member counts (`member_count` 0): what scopes, assignments and the
/// Übersicht need, without a pass over every person (100,000 at a Land).
pub async fn structure<'e, E: Executor<'e, Database = Any>>(
    e: E,
) -> Result<Vec<UnitRow>, sqlx::Error> {
    let rows = sqlx::query("SELECT id, parent_id, name, code FROM org_units ORDER BY name, id")
        .fetch_all(e)
        .await?;
    rows.iter()
        .map(|r| {
            Ok(UnitRow {
                id: r.try_get("id")?,
                parent_id: r.try_get("parent_id")?,
                name: r.try_get("name")?,
                code: r.try_get("code")?,
                member_count: 0,
            })
        })
        .collect()
}

pub async fn insert<'e, E: Executor<'e, Database = Any>>(
    e: E,
    parent_id: Option<i64>,
    name: &str,
    now: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO org_units (parent_id, name, created_at) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(parent_id)
    .bind(name)
    .bind(now)
    .fetch_one(e)
    .await
}

/// Sets or clears a unit's external code (the HR system's key).
pub async fn set_code<'e, E: Executor<'e, Database = Any>>(
    e: E,
    id: i64,
    code: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE org_units SET code = $1 WHERE id = $2")
        .bind(code)
        .bind(id)
        .execute(e)
        .await
        .map(|_| ())
}

pub async fn update<'e, E: Executor<'e, Database = Any>>(
    e: E,
    id: i64,
    parent_id: Option<i64>,
    name: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE org_units SET parent_id = $1, name = $2 WHERE id = $3")
        .bind(parent_id)
        .bind(name)
        .bind(id)
        .execute(e)
        .await
        .map(|_| ())
}

/// Deletes a unit without members or sub-units; false when it still has some. Runs in the
/// caller's transaction (which also writes the audit entry).
pub async fn delete_if_empty(tx: &mut sqlx::AnyConnection, id: i64) -> Result<bool, sqlx::Error> {
    let children: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM org_units WHERE parent_id = $1")
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
    let members: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE org_unit_id = $1")
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
    if children > 0 || members > 0 {
        return Ok(false);
    }
    sqlx::query("DELETE FROM coordinator_scopes WHERE org_unit_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM org_units WHERE id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    Ok(true)
}
