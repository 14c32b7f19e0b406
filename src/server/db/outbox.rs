//! The mail outbox. Mails are written with the event that causes them and delivered by the
//! worker (`server::mail`); a claim with an expiry lets several instances share the queue
//! without sending a mail twice, and lets a crashed instance's claims run out.
use sqlx::{Any, Executor, Row};

use super::Db;

/// A mail to queue.
pub struct NewMail<'a> {
    pub message_id: &'a str,
    pub kind: &'a str,
    pub recipient: &'a str,
    pub user_id: Option<i64>,
    pub subject: &'a str,
    pub body_text: &'a str,
    pub body_html: &'a str,
    pub now: i64,
}

pub async fn enqueue<'e, E: Executor<'e, Database = Any>>(
    e: E,
    mail: &NewMail<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO mail_outbox (message_id, kind, recipient, user_id, subject, body_text, \
         body_html, created_at, next_attempt_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
    )
    .bind(mail.message_id)
    .bind(mail.kind)
    .bind(mail.recipient)
    .bind(mail.user_id)
    .bind(mail.subject)
    .bind(mail.body_text)
    .bind(mail.body_html)
    .bind(mail.now)
    .execute(e)
    .await
    .map(|_| ())
}

/// A mail claimed for delivery.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub id: i64,
    pub message_id: String,
    pub recipient: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    pub attempts: i64,
}

/// Claims up to `limit` mails that are due (queued, or claimed by a worker whose claim ran out)
/// until `claim_until`. Each mail is claimed by one worker only: on PostgreSQL rows another
/// transaction holds are skipped; on SQLite the write lock serialises claims.
pub async fn claim(
    db: &Db,
    now: i64,
    claim_until: i64,
    limit: i64,
) -> Result<Vec<Claimed>, sqlx::Error> {
    // Most rounds find nothing: a plain read first, so an idle worker never takes SQLite's
    // write lock.
    let due: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM mail_outbox WHERE (state = 'queued' AND next_attempt_at <= $1) \
         OR (state = 'sending' AND claimed_until < $1) LIMIT 1",
    )
    .bind(now)
    .fetch_optional(&db.pool)
    .await?;
    if due.is_none() {
        return Ok(Vec::new());
    }
    let mut tx = db.begin().await?;
    let skip_locked = if tx.backend_name() == "PostgreSQL" {
        " FOR UPDATE SKIP LOCKED"
    } else {
        ""
    };
    let ids: Vec<i64> = sqlx::query_scalar(&format!(
        "SELECT id FROM mail_outbox \
         WHERE (state = 'queued' AND next_attempt_at <= $1) \
            OR (state = 'sending' AND claimed_until < $1) \
         ORDER BY id LIMIT {limit}{skip_locked}"
    ))
    .bind(now)
    .fetch_all(&mut *tx)
    .await?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = super::id_list(&ids);
    sqlx::query(&format!(
        "UPDATE mail_outbox SET state = 'sending', claimed_until = $1, attempts = attempts + 1 \
         WHERE id IN ({list})"
    ))
    .bind(claim_until)
    .execute(&mut *tx)
    .await?;
    let rows = sqlx::query(&format!(
        "SELECT id, message_id, recipient, subject, body_text, body_html, attempts \
         FROM mail_outbox WHERE id IN ({list}) ORDER BY id"
    ))
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    rows.iter()
        .map(|r| {
            Ok(Claimed {
                id: r.try_get(0)?,
                message_id: r.try_get(1)?,
                recipient: r.try_get(2)?,
                subject: r.try_get(3)?,
                body_text: r.try_get(4)?,
                body_html: r.try_get(5)?,
                attempts: r.try_get(6)?,
            })
        })
        .collect()
}

/// Delivered: never picked up again.
pub async fn mark_sent<'e, E: Executor<'e, Database = Any>>(
    e: E,
    id: i64,
    now: i64,
    answer: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE mail_outbox SET state = 'sent', sent_at = $1, claimed_until = NULL, \
         last_error = $2 WHERE id = $3",
    )
    .bind(now)
    .bind(answer)
    .bind(id)
    .execute(e)
    .await
    .map(|_| ())
}

/// A claimed mail not attempted after all: back to the queue, the attempt not counted.
pub async fn release<'e, E: Executor<'e, Database = Any>>(
    e: E,
    id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE mail_outbox SET state = 'queued', claimed_until = NULL, \
         attempts = attempts - 1 WHERE id = $1 AND state = 'sending'",
    )
    .bind(id)
    .execute(e)
    .await
    .map(|_| ())
}

/// Every claim back to the queue: for a starting SQLite installation, whose one worker is this
/// process, so the mails a killed process had claimed go out at once instead of after the
/// claim runs out. (Never on PostgreSQL, where other instances may be sending.)
pub async fn release_all(db: &Db) -> Result<u64, sqlx::Error> {
    sqlx::query(
        "UPDATE mail_outbox SET state = 'queued', claimed_until = NULL WHERE state = 'sending'",
    )
    .execute(&db.pool)
    .await
    .map(|r| r.rows_affected())
}

/// Not delivered: tried again at `retry_at`, or given up (`retry_at` None).
pub async fn mark_failed<'e, E: Executor<'e, Database = Any>>(
    e: E,
    id: i64,
    error: &str,
    retry_at: Option<i64>,
) -> Result<(), sqlx::Error> {
    let state = if retry_at.is_some() {
        "queued"
    } else {
        "failed"
    };
    sqlx::query(
        "UPDATE mail_outbox SET state = $1, next_attempt_at = COALESCE($2, next_attempt_at), \
         claimed_until = NULL, last_error = $3 WHERE id = $4",
    )
    .bind(state)
    .bind(retry_at)
    .bind(error)
    .bind(id)
    .execute(e)
    .await
    .map(|_| ())
}

/// A failed mail queued again (admin "retry"); false when there is no failed mail of that id.
pub async fn retry(db: &Db, id: i64, now: i64) -> Result<bool, sqlx::Error> {
    let r = sqlx::query(
        "UPDATE mail_outbox SET state = 'queued', next_attempt_at = $1, attempts = 0 \
         WHERE id = $2 AND state = 'failed'",
    )
    .bind(now)
    .bind(id)
    .execute(&db.pool)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Mails of one kind to one address since a moment (the hourly cap on password mails).
pub async fn count_recent<'e, E: Executor<'e, Database = Any>>(
    e: E,
    recipient: &str,
    kind: &str,
    since: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM mail_outbox WHERE recipient = $1 AND kind = $2 AND created_at >= $3",
    )
    .bind(recipient)
    .bind(kind)
    .bind(since)
    .fetch_one(e)
    .await
}

/// Figures for the admin page: waiting, sent and failed since `since`.
pub async fn figures(db: &Db, since: i64) -> Result<crate::model::MailFigures, sqlx::Error> {
    let row = sqlx::query(
        "SELECT \
         COALESCE(SUM(CASE WHEN state IN ('queued', 'sending') THEN 1 ELSE 0 END), 0), \
         COALESCE(SUM(CASE WHEN state = 'sent' AND sent_at >= $1 THEN 1 ELSE 0 END), 0), \
         COALESCE(SUM(CASE WHEN state = 'failed' AND created_at >= $1 THEN 1 ELSE 0 END), 0) \
         FROM mail_outbox",
    )
    .bind(since)
    .fetch_one(&db.pool)
    .await?;
    Ok(crate::model::MailFigures {
        waiting: row.try_get(0)?,
        sent: row.try_get(1)?,
        failed: row.try_get(2)?,
        problems: Vec::new(),
    })
}

/// Mails that failed for good, or are waiting for a retry after an error (newest first).
pub async fn problems(db: &Db, limit: i64) -> Result<Vec<crate::model::MailProblem>, sqlx::Error> {
    let rows = sqlx::query(&format!(
        "SELECT id, recipient, subject, state, attempts, last_error, created_at FROM mail_outbox \
         WHERE state = 'failed' OR (state = 'queued' AND last_error <> '') \
         ORDER BY id DESC LIMIT {limit}"
    ))
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(crate::model::MailProblem {
                id: r.try_get(0)?,
                recipient: r.try_get(1)?,
                subject: r.try_get(2)?,
                failed: r.try_get::<String, _>(3)? == "failed",
                attempts: r.try_get(4)?,
                error: r.try_get(5)?,
                created_at: r.try_get(6)?,
            })
        })
        .collect()
}
