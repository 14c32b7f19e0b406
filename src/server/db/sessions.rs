//! Server-side sessions (the cookie holds a random token; only its hash is stored).
use sqlx::Row;

use super::users::UserRecord;
use super::Db;
use crate::model::Role;

pub async fn insert(db: &Db, id_hash: &str, user_id: i64, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at) VALUES ($1, $2, $3, $3)",
    )
    .bind(id_hash)
    .bind(user_id)
    .bind(now)
    .execute(&db.pool)
    .await
    .map(|_| ())
}

/// A session with its user.
#[derive(Debug, Clone)]
pub struct SessionWithUser {
    pub created_at: i64,
    pub last_seen_at: i64,
    pub user: UserRecord,
}

pub async fn find(db: &Db, id_hash: &str) -> Result<Option<SessionWithUser>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT s.created_at, s.last_seen_at, u.id, u.email, u.display_name, u.role, u.active, \
         u.org_unit_id, u.unit_since, u.ai_coordinator, CASE WHEN u.password_hash IS NULL THEN 0 ELSE 1 END AS has_password \
         FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = $1",
    )
    .bind(id_hash)
    .fetch_optional(&db.pool)
    .await?;
    let Some(r) = row else { return Ok(None) };
    let role: String = r.try_get("role")?;
    Ok(Some(SessionWithUser {
        created_at: r.try_get("created_at")?,
        last_seen_at: r.try_get("last_seen_at")?,
        user: UserRecord {
            id: r.try_get("id")?,
            email: r.try_get("email")?,
            display_name: r.try_get("display_name")?,
            role: Role::from_code(&role)
                .ok_or_else(|| sqlx::Error::Decode(format!("unknown role {role:?}").into()))?,
            active: r.try_get::<i64, _>("active")? != 0,
            org_unit_id: r.try_get("org_unit_id")?,
            has_password: r.try_get::<i64, _>("has_password")? != 0,
            unit_since: r.try_get("unit_since")?,
            ai_coordinator: r.try_get::<i64, _>("ai_coordinator")? != 0,
        },
    }))
}

pub async fn touch(db: &Db, id_hash: &str, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2")
        .bind(now)
        .bind(id_hash)
        .execute(&db.pool)
        .await
        .map(|_| ())
}

pub async fn delete(db: &Db, id_hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
        .bind(id_hash)
        .execute(&db.pool)
        .await
        .map(|_| ())
}

/// Ends every session of a user except `keep` (the one changing the password, if any).
pub async fn delete_for_user<'e, E: sqlx::Executor<'e, Database = sqlx::Any>>(
    e: E,
    user_id: i64,
    keep: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id_hash <> $2")
        .bind(user_id)
        .bind(keep.unwrap_or(""))
        .execute(e)
        .await
        .map(|_| ())
}

pub async fn delete_expired(
    db: &Db,
    idle_before: i64,
    created_before: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE last_seen_at < $1 OR created_at < $2")
        .bind(idle_before)
        .bind(created_before)
        .execute(&db.pool)
        .await
        .map(|_| ())
}
