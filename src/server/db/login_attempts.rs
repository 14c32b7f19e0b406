//! Login attempts, for throttling (kept one day).
//!
//! An attempt is reserved before the password is checked: the row is written as a failure under
//! a lock on the account and the address, after counting the failures before it. Parallel
//! guesses therefore each see the ones before them, and at most the allowed number of them ever
//! reaches the password check; a correct password turns its row into a success afterwards.
use super::{serialize, text_key, Db, LockSpace};

/// Reserves an attempt if the failures in the window allow it (`allowed` decides from the
/// account's and the address's counts). Returns the attempt's id, or None when refused.
pub async fn reserve(
    db: &Db,
    email: &str,
    ip: &str,
    now: i64,
    since: i64,
    allowed: impl Fn(i64, i64) -> bool,
) -> Result<Option<i64>, sqlx::Error> {
    let mut tx = db.begin().await?;
    serialize(&mut tx, LockSpace::LoginAccount, text_key(email)).await?;
    serialize(&mut tx, LockSpace::LoginAddress, text_key(ip)).await?;
    let (account, from_ip) = recent_failures(&mut tx, email, ip, since).await?;
    if !allowed(account, from_ip) {
        return Ok(None);
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO login_attempts (email, ip, at, success) VALUES ($1, $2, $3, 0) RETURNING id",
    )
    .bind(email)
    .bind(ip)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM login_attempts WHERE at < $1")
        .bind(now - 86_400)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(Some(id))
}

/// Marks a reserved attempt as successful.
pub async fn succeeded(db: &Db, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE login_attempts SET success = 1 WHERE id = $1")
        .bind(id)
        .execute(&db.pool)
        .await
        .map(|_| ())
}

/// Failed attempts since `since`: for this e-mail after its last success, and from this IP.
pub async fn recent_failures(
    conn: &mut sqlx::AnyConnection,
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
    .fetch_one(&mut *conn)
    .await?;
    let from_ip: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM login_attempts WHERE ip = $1 AND success = 0 AND at >= $2",
    )
    .bind(ip)
    .bind(since)
    .fetch_one(&mut *conn)
    .await?;
    Ok((account, from_ip))
}
