//! The installation record: one row, written by the first migration run.
use super::Db;

/// Unix time (seconds) at which this installation's database was created.
pub async fn created_at(db: &Db) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT created_at FROM installation WHERE id = 1")
        .fetch_one(&db.pool)
        .await
}
