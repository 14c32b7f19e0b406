//! Module progress per person, with the content version seen.
use sqlx::Row;

use super::Db;

/// Records a completed module (completing it again updates version and time) and the
/// person's course status. Run it inside a transaction.
pub async fn complete(
    conn: &mut sqlx::AnyConnection,
    user_id: i64,
    course: &str,
    module: &str,
    hash: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO module_progress (user_id, course_slug, module_id, content_hash, completed_at) \
         VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (user_id, course_slug, module_id) \
         DO UPDATE SET content_hash = excluded.content_hash, completed_at = excluded.completed_at",
    )
    .bind(user_id)
    .bind(course)
    .bind(module)
    .bind(hash)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    super::course_status::refresh(&mut *conn, user_id, course).await
}

/// (course, module, content hash, completed at) of everything a person completed.
pub async fn for_user(
    db: &Db,
    user_id: i64,
) -> Result<Vec<(String, String, String, i64)>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT course_slug, module_id, content_hash, completed_at FROM module_progress \
         WHERE user_id = $1 ORDER BY completed_at",
    )
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?)))
        .collect()
}
