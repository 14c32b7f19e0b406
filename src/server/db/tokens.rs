//! One-time links to set a password (invitation or reset); only the token's hash is stored.
use sqlx::{Any, Executor, Row};

use super::Db;

pub async fn insert<'e, E: Executor<'e, Database = Any>>(
    e: E,
    token_hash: &str,
    user_id: i64,
    purpose: &str,
    now: i64,
    expires_at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO password_tokens (token_hash, user_id, purpose, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(token_hash)
    .bind(user_id)
    .bind(purpose)
    .bind(now)
    .bind(expires_at)
    .execute(e)
    .await
    .map(|_| ())
}

/// The user of an unused, unexpired token.
pub async fn valid_user(db: &Db, token_hash: &str, now: i64) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT user_id FROM password_tokens \
         WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(&db.pool)
    .await
}

/// Marks the token used, exactly once: returns its user only for the first caller.
pub async fn consume<'e, E: Executor<'e, Database = Any>>(
    e: E,
    token_hash: &str,
    now: i64,
) -> Result<Option<i64>, sqlx::Error> {
    let row = sqlx::query(
        "UPDATE password_tokens SET used_at = $1 \
         WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1 RETURNING user_id",
    )
    .bind(now)
    .bind(token_hash)
    .fetch_optional(e)
    .await?;
    row.map(|r| r.try_get("user_id")).transpose()
}

/// Invalidates a user's earlier links when a new one is issued.
pub async fn revoke_for_user<'e, E: Executor<'e, Database = Any>>(
    e: E,
    user_id: i64,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE password_tokens SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL")
        .bind(now)
        .bind(user_id)
        .execute(e)
        .await
        .map(|_| ())
}
