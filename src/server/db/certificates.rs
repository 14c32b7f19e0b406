//! Signing keys and certificates.
use sqlx::{Any, Executor, Row};

use super::Db;

/// The newest key (id, secret hex), if any.
pub async fn newest_key(db: &Db) -> Result<Option<(String, String)>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT key_id, secret_key FROM signing_keys ORDER BY created_at DESC, key_id LIMIT 1",
    )
    .fetch_optional(&db.pool)
    .await?;
    row.map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).transpose()
}

/// Stores a key unless the installation has one already, and returns the newest key: under a
/// lock, so that instances starting together on an empty database end up with one key (the
/// loser reads the winner's key back instead of publishing a second one that never signs).
pub async fn insert_first_key(
    db: &Db,
    key_id: &str,
    secret: &str,
    public: &str,
    now: i64,
) -> Result<Option<(String, String)>, sqlx::Error> {
    let mut tx = db.begin().await?;
    super::serialize(&mut tx, super::LockSpace::SigningKeys, 0).await?;
    sqlx::query(
        "INSERT INTO signing_keys (key_id, secret_key, public_key, created_at) \
         SELECT $1, $2, $3, $4 WHERE NOT EXISTS (SELECT 1 FROM signing_keys)",
    )
    .bind(key_id)
    .bind(secret)
    .bind(public)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let row = sqlx::query(
        "SELECT key_id, secret_key FROM signing_keys ORDER BY created_at DESC, key_id LIMIT 1",
    )
    .fetch_optional(&mut *tx)
    .await?;
    tx.commit().await?;
    row.map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).transpose()
}

/// A signing key as exported and imported (`seepferdchen keys`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StoredKey {
    pub key_id: String,
    pub secret_key: String,
    pub public_key: String,
    pub created_at: i64,
}

/// Every signing key, oldest first.
pub async fn all_keys(db: &Db) -> Result<Vec<StoredKey>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT key_id, secret_key, public_key, created_at FROM signing_keys ORDER BY created_at, key_id",
    )
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(StoredKey {
                key_id: r.try_get(0)?,
                secret_key: r.try_get(1)?,
                public_key: r.try_get(2)?,
                created_at: r.try_get(3)?,
            })
        })
        .collect()
}

/// Adds a key unless one with its id exists; true when added.
pub async fn import_key(db: &Db, key: &StoredKey) -> Result<bool, sqlx::Error> {
    sqlx::query(
        "INSERT INTO signing_keys (key_id, secret_key, public_key, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (key_id) DO NOTHING",
    )
    .bind(&key.key_id)
    .bind(&key.secret_key)
    .bind(&key.public_key)
    .bind(key.created_at)
    .execute(&db.pool)
    .await
    .map(|r| r.rows_affected() == 1)
}

/// Every public key (id, public hex), for `/zertifikate/schluessel.json`.
pub async fn public_keys(db: &Db) -> Result<Vec<(String, String)>, sqlx::Error> {
    sqlx::query_as("SELECT key_id, public_key FROM signing_keys ORDER BY created_at, key_id")
        .fetch_all(&db.pool)
        .await
}

#[derive(Debug, Clone, PartialEq)]
pub struct CertificateRow {
    pub id: i64,
    pub code: String,
    pub user_id: Option<i64>,
    pub payload: String,
    pub signature: String,
    pub key_id: String,
    pub course_slug: String,
    pub valid_until_day: i64,
    pub issued_at: i64,
    pub revoked_at: Option<i64>,
    pub revoke_reason: Option<String>,
    pub holder_unit: Option<i64>,
}

const COLUMNS: &str = "c.id, c.code, c.user_id, c.payload, c.signature, c.key_id, c.course_slug, \
     c.valid_until_day, c.issued_at, c.revoked_at, c.revoke_reason, u.org_unit_id AS holder_unit";

fn row(r: &sqlx::any::AnyRow) -> Result<CertificateRow, sqlx::Error> {
    Ok(CertificateRow {
        id: r.try_get("id")?,
        code: r.try_get("code")?,
        user_id: r.try_get("user_id")?,
        payload: r.try_get("payload")?,
        signature: r.try_get("signature")?,
        key_id: r.try_get("key_id")?,
        course_slug: r.try_get("course_slug")?,
        valid_until_day: r.try_get("valid_until_day")?,
        issued_at: r.try_get("issued_at")?,
        revoked_at: r.try_get("revoked_at")?,
        revoke_reason: r.try_get("revoke_reason")?,
        holder_unit: r.try_get("holder_unit")?,
    })
}

pub struct NewCertificate<'a> {
    pub code: &'a str,
    pub user_id: i64,
    pub completion_id: i64,
    pub payload: &'a str,
    pub signature: &'a str,
    pub key_id: &'a str,
    pub course_slug: &'a str,
    pub valid_until_day: i64,
    pub now: i64,
}

pub async fn insert<'e, E: Executor<'e, Database = Any>>(
    e: E,
    c: &NewCertificate<'_>,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO certificates (code, user_id, completion_id, payload, signature, key_id, course_slug, \
         valid_until_day, issued_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(c.code)
    .bind(c.user_id)
    .bind(c.completion_id)
    .bind(c.payload)
    .bind(c.signature)
    .bind(c.key_id)
    .bind(c.course_slug)
    .bind(c.valid_until_day)
    .bind(c.now)
    .fetch_one(e)
    .await
}

pub async fn by_code(db: &Db, code: &str) -> Result<Option<CertificateRow>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM certificates c LEFT JOIN users u ON u.id = c.user_id WHERE c.code = $1");
    let r = sqlx::query(&sql)
        .bind(code)
        .fetch_optional(&db.pool)
        .await?;
    r.as_ref().map(row).transpose()
}

/// The code of the unrevoked certificate a passed final-test attempt earned.
pub async fn code_for_attempt(db: &Db, attempt_id: i64) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT z.code FROM certificates z JOIN course_completions c ON c.id = z.completion_id \
         WHERE c.attempt_id = $1 AND z.revoked_at IS NULL",
    )
    .bind(attempt_id)
    .fetch_optional(&db.pool)
    .await
}

pub async fn for_user(db: &Db, user_id: i64) -> Result<Vec<CertificateRow>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM certificates c LEFT JOIN users u ON u.id = c.user_id WHERE c.user_id = $1 ORDER BY c.id DESC"
    );
    let rows = sqlx::query(&sql).bind(user_id).fetch_all(&db.pool).await?;
    rows.iter().map(row).collect()
}

/// The newest certificates of everyone (admin list).
pub async fn recent(db: &Db, limit: i64) -> Result<Vec<CertificateRow>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM certificates c LEFT JOIN users u ON u.id = c.user_id ORDER BY c.id DESC LIMIT $1");
    let rows = sqlx::query(&sql).bind(limit).fetch_all(&db.pool).await?;
    rows.iter().map(row).collect()
}

/// Revokes once and updates the holder's course status; false if it already was revoked or
/// does not exist. Run it inside a transaction.
pub async fn revoke(
    conn: &mut sqlx::AnyConnection,
    code: &str,
    reason: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE certificates SET revoked_at = $1, revoke_reason = $2 WHERE code = $3 AND revoked_at IS NULL",
    )
    .bind(now)
    .bind(reason)
    .bind(code)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() != 1 {
        return Ok(false);
    }
    let holder: Option<(Option<i64>, String)> =
        sqlx::query_as("SELECT user_id, course_slug FROM certificates WHERE code = $1")
            .bind(code)
            .fetch_optional(&mut *conn)
            .await?;
    if let Some((Some(user), course)) = holder {
        super::course_status::refresh(&mut *conn, user, &course).await?;
    }
    Ok(true)
}

pub async fn count_for_user(db: &Db, user_id: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM certificates WHERE user_id = $1")
        .bind(user_id)
        .fetch_one(&db.pool)
        .await
}

/// One completion with its certificate, for the evidence report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidenceRow {
    pub user_id: i64,
    pub course: String,
    pub content_hash: String,
    pub completed_at: i64,
    pub code: Option<String>,
    pub valid_until_day: Option<i64>,
    pub revoked: bool,
    /// The form code of a recorded training; None for a passed online test.
    pub format: Option<String>,
}

/// Every completion of the given people (None: everyone), oldest first.
pub async fn evidence(db: &Db, users: Option<&[i64]>) -> Result<Vec<EvidenceRow>, sqlx::Error> {
    let filter = match users {
        None => String::new(),
        Some([]) => return Ok(Vec::new()),
        Some(ids) => format!("WHERE c.user_id IN ({})", super::id_list(ids)),
    };
    let sql = format!(
        "SELECT c.user_id, c.course_slug, c.content_hash, c.completed_at, z.code, z.valid_until_day, \
         CASE WHEN z.revoked_at IS NULL THEN 0 ELSE 1 END, m.format \
         FROM course_completions c LEFT JOIN certificates z ON z.completion_id = c.id \
         LEFT JOIN manual_completions m ON m.id = c.manual_id {filter} \
         ORDER BY c.completed_at, c.id"
    );
    let rows = sqlx::query(&sql).fetch_all(&db.pool).await?;
    rows.iter()
        .map(|r| {
            Ok(EvidenceRow {
                user_id: r.try_get(0)?,
                course: r.try_get(1)?,
                content_hash: r.try_get(2)?,
                completed_at: r.try_get(3)?,
                code: r.try_get(4)?,
                valid_until_day: r.try_get(5)?,
                revoked: r.try_get::<i64, _>(6)? != 0,
                format: r.try_get(7)?,
            })
        })
        .collect()
}
