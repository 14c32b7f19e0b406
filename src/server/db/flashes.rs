//! One-time messages for a session's next page.
use super::Db;

pub async fn put(db: &Db, session_hash: &str, payload: &str, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO flashes (session_hash, payload, created_at) VALUES ($1, $2, $3)")
        .bind(session_hash)
        .bind(payload)
        .bind(now)
        .execute(&db.pool)
        .await
        .map(|_| ())
}

/// Returns and deletes the session's flashes younger than `since`, oldest first.
pub async fn take(db: &Db, session_hash: &str, since: i64) -> Result<Vec<String>, sqlx::Error> {
    let mut tx = db.begin().await?;
    let payloads: Vec<String> = sqlx::query_scalar(
        "SELECT payload FROM flashes WHERE session_hash = $1 AND created_at >= $2 ORDER BY id",
    )
    .bind(session_hash)
    .bind(since)
    .fetch_all(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM flashes WHERE session_hash = $1 OR created_at < $2")
        .bind(session_hash)
        .bind(since)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(payloads)
}
