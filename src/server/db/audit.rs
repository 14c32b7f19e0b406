//! The audit log: who did what to whom, when. Written in the same transaction as the change.
use sqlx::{Any, Executor};

pub struct Entry<'a> {
    pub at: i64,
    pub actor_id: Option<i64>,
    pub actor: &'a str,
    pub action: &'a str,
    pub target: &'a str,
    pub details: &'a str,
}

pub async fn write<'e, E: Executor<'e, Database = Any>>(
    e: E,
    entry: &Entry<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO audit_log (at, actor_id, actor, action, target, details) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(entry.at)
    .bind(entry.actor_id)
    .bind(entry.actor)
    .bind(entry.action)
    .bind(entry.target)
    .bind(entry.details)
    .execute(e)
    .await
    .map(|_| ())
}

/// The newest entries (for tests and, later, the audit view).
pub async fn recent(
    db: &super::Db,
    limit: i64,
) -> Result<Vec<(String, String, String)>, sqlx::Error> {
    sqlx::query_as("SELECT action, target, details FROM audit_log ORDER BY id DESC LIMIT $1")
        .bind(limit)
        .fetch_all(&db.pool)
        .await
}
