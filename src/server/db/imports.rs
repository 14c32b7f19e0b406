//! Uploaded CSV files between preview and commit.
use sqlx::{Any, Executor, Row};

use super::Db;

pub struct Batch {
    pub id: i64,
    pub created_by: i64,
    pub file_name: String,
    pub content: String,
    pub committed: bool,
    /// The choices of the mapping step (JSON, see `accounts::import::Stored`).
    pub mapping: Option<String>,
    /// "personen" (people) or "struktur" (the org tree).
    pub kind: String,
}

pub async fn insert(
    db: &Db,
    by: i64,
    file_name: &str,
    content: &str,
    now: i64,
) -> Result<i64, sqlx::Error> {
    insert_kind(db, by, file_name, content, now, "personen").await
}

/// A file of this kind: "personen" or "struktur".
pub async fn insert_kind(
    db: &Db,
    by: i64,
    file_name: &str,
    content: &str,
    now: i64,
    kind: &str,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO import_batches (created_by, created_at, file_name, content, kind) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(by)
    .bind(now)
    .bind(file_name)
    .bind(content)
    .bind(kind)
    .fetch_one(&db.pool)
    .await
}

pub async fn set_mapping(db: &Db, id: i64, mapping: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE import_batches SET mapping = $1 WHERE id = $2 AND committed_at IS NULL")
        .bind(mapping)
        .bind(id)
        .execute(&db.pool)
        .await
        .map(|_| ())
}

/// The mapping of the most recent committed import, to propose for the next file.
pub async fn last_mapping(db: &Db) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT mapping FROM import_batches \
         WHERE committed_at IS NOT NULL AND mapping IS NOT NULL \
         ORDER BY committed_at DESC, id DESC LIMIT 1",
    )
    .fetch_optional(&db.pool)
    .await
}

pub async fn get(db: &Db, id: i64) -> Result<Option<Batch>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT id, created_by, file_name, content, committed_at, mapping, kind FROM import_batches \
         WHERE id = $1",
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
            mapping: r.try_get("mapping")?,
            kind: r.try_get("kind")?,
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
