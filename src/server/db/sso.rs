//! Single sign-on: sign-ins on their way through the provider, and the link between a person
//! and the provider's subject.
use sqlx::{Any, Executor, Row};

use super::Db;

/// A sign-in sent to the provider (see the `sso_logins` migration).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    pub state_hash: String,
    pub browser_hash: String,
    pub nonce: String,
    pub pkce_verifier: String,
    pub next: String,
    pub created_at: i64,
}

/// Stores a pending sign-in; those older than an hour go at the same time.
pub async fn insert_pending(db: &Db, p: &Pending) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    sqlx::query("DELETE FROM sso_logins WHERE created_at < $1")
        .bind(p.created_at - 3600)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO sso_logins (state_hash, browser_hash, nonce, pkce_verifier, next, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&p.state_hash)
    .bind(&p.browser_hash)
    .bind(&p.nonce)
    .bind(&p.pkce_verifier)
    .bind(&p.next)
    .bind(p.created_at)
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

/// Takes the pending sign-in of this state: it is deleted in the same statement, so of two
/// callbacks with the same state at most one gets it.
pub async fn take_pending(db: &Db, state_hash: &str) -> Result<Option<Pending>, sqlx::Error> {
    let row = sqlx::query(
        "DELETE FROM sso_logins WHERE state_hash = $1 \
         RETURNING state_hash, browser_hash, nonce, pkce_verifier, next, created_at",
    )
    .bind(state_hash)
    .fetch_optional(&db.pool)
    .await?;
    row.map(|r| {
        Ok(Pending {
            state_hash: r.try_get(0)?,
            browser_hash: r.try_get(1)?,
            nonce: r.try_get(2)?,
            pkce_verifier: r.try_get(3)?,
            next: r.try_get(4)?,
            created_at: r.try_get(5)?,
        })
    })
    .transpose()
}

/// The person linked to this issuer and subject.
pub async fn user_by_subject<'e, E: Executor<'e, Database = Any>>(
    e: E,
    issuer: &str,
    subject: &str,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM users WHERE oidc_issuer = $1 AND oidc_subject = $2")
        .bind(issuer)
        .bind(subject)
        .fetch_optional(e)
        .await
}

/// The person with this address and whether they are linked to a subject already.
pub async fn user_by_email<'e, E: Executor<'e, Database = Any>>(
    e: E,
    email: &str,
) -> Result<Option<(i64, bool)>, sqlx::Error> {
    let row: Option<(i64, i64)> = sqlx::query_as(
        "SELECT id, CASE WHEN oidc_subject IS NULL THEN 0 ELSE 1 END FROM users WHERE email = $1",
    )
    .bind(email)
    .fetch_optional(e)
    .await?;
    Ok(row.map(|(id, linked)| (id, linked != 0)))
}

/// Links a person to the provider's subject (the unique index refuses a second person).
pub async fn link<'e, E: Executor<'e, Database = Any>>(
    e: E,
    user_id: i64,
    issuer: &str,
    subject: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET oidc_issuer = $1, oidc_subject = $2 WHERE id = $3")
        .bind(issuer)
        .bind(subject)
        .bind(user_id)
        .execute(e)
        .await
        .map(|_| ())
}

/// Starts a session begun by single sign-on, keeping the ID token for the provider's sign-out.
pub async fn insert_session(
    db: &Db,
    id_hash: &str,
    user_id: i64,
    now: i64,
    id_token: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at, method, id_token) \
         VALUES ($1, $2, $3, $3, 'sso', $4)",
    )
    .bind(id_hash)
    .bind(user_id)
    .bind(now)
    .bind(id_token)
    .execute(&db.pool)
    .await
    .map(|_| ())
}

/// The ID token of a session begun by single sign-on (None for a password session).
pub async fn session_id_token(db: &Db, id_hash: &str) -> Result<Option<String>, sqlx::Error> {
    let token: Option<Option<String>> =
        sqlx::query_scalar("SELECT id_token FROM sessions WHERE id_hash = $1 AND method = 'sso'")
            .bind(id_hash)
            .fetch_optional(&db.pool)
            .await?;
    Ok(token.flatten())
}
