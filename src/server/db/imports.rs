//! Uploaded CSV files between preview and commit.
use sqlx::{Any, Executor, Row};

use super::Db;

pub struct Batch {
    pub id: i64,
    pub created_by: i64,
    pub file_name: String,
    pub content: String,
    pub committed: bool,
}

pub async fn insert(
    db: &Db,
    by: i64,
    file_name: &str,
    content: &str,
    now: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO import_batches (created_by, created_at, file_name, content) \
         VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(by)
    .bind(now)
    .bind(file_name)
    .bind(content)
    .fetch_one(&db.pool)
    .await
}

pub async fn get(db: &Db, id: i64) -> Result<Option<Batch>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT id, created_by, file_name, content, committed_at FROM import_batches WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&db.pool)
    .await?;
    row.map(|r| {
        Ok(Batch {
            id: r.try_get("id")?,
            created_by: r.try_get("created_by")?,
            file_name: r.try_get("file_name")?,
            content: r.try_get("content")?,
            committed: r.try_get::<Option<i64>, _>("committed_at")?.is_some(),
        })
    })
    .transpose()
}

/// Marks the batch committed; false if it already was (a second click or a replay).
pub async fn mark_committed<'e, E: Executor<'e, Database = Any>>(
    e: E,
    id: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE import_batches SET committed_at = $1 WHERE id = $2 AND committed_at IS NULL",
    )
    .bind(now)
    .bind(id)
    .execute(e)
    .await?;
    Ok(done.rows_affected() == 1)
}
