//! Login attempts, for throttling (kept one day).
use super::Db;

/// Failed attempts since `since`: for this e-mail after its last success, and from this IP.
pub async fn recent_failures(
    db: &Db,
    email: &str,
    ip: &str,
    since: i64,
) -> Result<(i64, i64), sqlx::Error> {
    let account: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM login_attempts WHERE email = $1 AND success = 0 AND at >= $2 \
         AND at > COALESCE((SELECT MAX(at) FROM login_attempts WHERE email = $1 AND success = 1), 0)",
    )
    .bind(email)
    .bind(since)
    .fetch_one(&db.pool)
    .await?;
    let from_ip: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM login_attempts WHERE ip = $1 AND success = 0 AND at >= $2",
    )
    .bind(ip)
    .bind(since)
    .fetch_one(&db.pool)
    .await?;
    Ok((account, from_ip))
}

pub async fn record(
    db: &Db,
    email: &str,
    ip: &str,
    now: i64,
    success: bool,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO login_attempts (email, ip, at, success) VALUES ($1, $2, $3, $4)")
        .bind(email)
        .bind(ip)
        .bind(now)
        .bind(i64::from(success))
        .execute(&db.pool)
        .await?;
    sqlx::query("DELETE FROM login_attempts WHERE at < $1")
        .bind(now - 86_400)
        .execute(&db.pool)
        .await
        .map(|_| ())
}
