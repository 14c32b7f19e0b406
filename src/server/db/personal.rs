//! Personal data of one person: everything stored about them (the "Meine Daten" download) and
//! its erasure when an admin deletes the person. What erasure keeps, and why, is documented in
//! docs/datenschutz.md; the two lists here and there must agree.
use serde_json::{Map, Value};
use sqlx::{AnyConnection, Column, Row};

use super::Db;

/// Reads every row that belongs to the person into JSON, one key per kind of record.
/// Secrets (password hash, session and link token hashes) are left out: they are not
/// information about the person, and handing them out would only weaken them.
pub async fn export(db: &Db, user_id: i64) -> Result<Value, sqlx::Error> {
    let sections: [(&str, &str); 10] = [
        (
            "konto",
            "SELECT u.id, u.email, u.display_name, u.role, u.active, u.created_at, \
             u.oidc_issuer AS sso_issuer, u.oidc_subject AS sso_subject, \
             o.name AS org_unit FROM users u LEFT JOIN org_units o ON o.id = u.org_unit_id \
             WHERE u.id = $1",
        ),
        (
            "zustaendigkeiten",
            "SELECT o.name AS org_unit FROM coordinator_scopes s \
             JOIN org_units o ON o.id = s.org_unit_id WHERE s.user_id = $1 ORDER BY o.name",
        ),
        (
            "sitzungen",
            "SELECT created_at, last_seen_at, method FROM sessions WHERE user_id = $1 \
             ORDER BY created_at",
        ),
        (
            "modulfortschritt",
            "SELECT course_slug, module_id, content_hash, completed_at FROM module_progress \
             WHERE user_id = $1 ORDER BY completed_at",
        ),
        (
            "versuche",
            "SELECT id, course_slug, kind, module_id, content_hash, answers, points, \
             max_points, passed, started_at, submitted_at FROM attempts WHERE user_id = $1 \
             ORDER BY id",
        ),
        (
            "kursabschluesse",
            "SELECT course_slug, content_hash, completed_at FROM course_completions \
             WHERE user_id = $1 ORDER BY completed_at",
        ),
        (
            "zertifikate",
            "SELECT code, course_slug, payload, issued_at, valid_until_day, revoked_at, \
             revoke_reason FROM certificates WHERE user_id = $1 ORDER BY issued_at",
        ),
        (
            "zuweisungen_persoenlich",
            "SELECT course_slug, due_day, due_days, mandatory, created_at FROM assignments \
             WHERE user_id = $1 ORDER BY course_slug",
        ),
        (
            "barrieremeldungen",
            "SELECT created_at, page, description, contact, done_at FROM barrier_reports \
             WHERE user_id = $1 ORDER BY created_at",
        ),
        (
            "protokoll",
            "SELECT at, actor, action, target, details FROM audit_log \
             WHERE actor_id = $1 OR target = (SELECT email FROM users WHERE id = $1) \
             ORDER BY id",
        ),
    ];
    let mut out = Map::new();
    for (name, sql) in sections {
        let rows = sqlx::query(sql).bind(user_id).fetch_all(&db.pool).await?;
        out.insert(
            name.to_string(),
            Value::Array(rows.iter().map(row_json).collect()),
        );
    }
    // Sign-in attempts are stored by e-mail address, not by person.
    let attempts = sqlx::query(
        "SELECT at, ip, success FROM login_attempts \
         WHERE email = (SELECT email FROM users WHERE id = $1) ORDER BY id",
    )
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?;
    out.insert(
        "anmeldeversuche".into(),
        Value::Array(attempts.iter().map(row_json).collect()),
    );
    Ok(Value::Object(out))
}

/// One row as a JSON object; integers stay numbers, text stays text, NULL is null. Text that
/// holds JSON (quiz answers, certificate payloads) is embedded as JSON.
fn row_json(row: &sqlx::any::AnyRow) -> Value {
    let mut obj = Map::new();
    for (i, col) in row.columns().iter().enumerate() {
        let value = if let Ok(v) = row.try_get::<Option<i64>, _>(i) {
            v.map(Value::from).unwrap_or(Value::Null)
        } else if let Ok(v) = row.try_get::<Option<String>, _>(i) {
            match v {
                Some(s) if s.starts_with('{') || s.starts_with('[') => {
                    serde_json::from_str(&s).unwrap_or(Value::String(s))
                }
                Some(s) => Value::String(s),
                None => Value::Null,
            }
        } else {
            Value::Null
        };
        obj.insert(col.name().to_string(), value);
    }
    Value::Object(obj)
}

/// What an erasure removed and kept, for the audit entry and the admin's confirmation.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Erased {
    pub kept_completions: i64,
    pub certificates: i64,
}

/// Deletes the person and everything about them, inside the caller's transaction. Their course
/// completions are kept without name or e-mail (org unit, course, content version, day,
/// certificate code) as the organisation's evidence under Art. 4 KI-VO; their certificates are
/// deleted, so the public verification no longer finds them. In the audit log the person's
/// e-mail address and name are replaced by `pseudonym`.
pub async fn erase(
    conn: &mut AnyConnection,
    user_id: i64,
    email: &str,
    display_name: &str,
    pseudonym: &str,
    now: i64,
) -> Result<Erased, sqlx::Error> {
    let kept = sqlx::query(
        "INSERT INTO erased_completions (org_unit_id, course_slug, content_hash, completed_at, \
         certificate_code, valid_until_day, erased_at) \
         SELECT u.org_unit_id, c.course_slug, c.content_hash, c.completed_at, cert.code, \
         cert.valid_until_day, $2 FROM course_completions c JOIN users u ON u.id = c.user_id \
         LEFT JOIN certificates cert ON cert.completion_id = c.id AND cert.revoked_at IS NULL \
         WHERE c.user_id = $1",
    )
    .bind(user_id)
    .bind(now)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    let certificates = sqlx::query(
        "DELETE FROM certificates WHERE user_id = $1 \
         OR completion_id IN (SELECT id FROM course_completions WHERE user_id = $1)",
    )
    .bind(user_id)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    for sql in [
        "DELETE FROM course_completions WHERE user_id = $1",
        "DELETE FROM attempts WHERE user_id = $1",
        "DELETE FROM module_progress WHERE user_id = $1",
        "DELETE FROM course_status WHERE user_id = $1",
        "DELETE FROM assignments WHERE user_id = $1",
        "DELETE FROM coordinator_scopes WHERE user_id = $1",
        "DELETE FROM sessions WHERE user_id = $1",
        "DELETE FROM password_tokens WHERE user_id = $1",
        "DELETE FROM import_batches WHERE created_by = $1",
        // The sender's contact goes too; `user_id`, `done_by` and the `created_by` of
        // assignments are set to NULL by their foreign keys when the user row is deleted.
        "UPDATE barrier_reports SET contact = '' WHERE user_id = $1",
    ] {
        sqlx::query(sql).bind(user_id).execute(&mut *conn).await?;
    }
    sqlx::query("DELETE FROM login_attempts WHERE email = $1")
        .bind(email)
        .execute(&mut *conn)
        .await?;
    // Replace the name only when it is long enough not to hit unrelated words.
    let name = if display_name.chars().count() >= 4 {
        display_name
    } else {
        email
    };
    sqlx::query(
        "UPDATE audit_log SET actor_id = NULL, \
         actor = REPLACE(REPLACE(actor, $2, $4), $3, $4), \
         target = REPLACE(REPLACE(target, $2, $4), $3, $4), \
         details = REPLACE(REPLACE(details, $2, $4), $3, $4) \
         WHERE actor_id = $1 OR actor LIKE '%' || $2 || '%' OR target LIKE '%' || $2 || '%' \
         OR details LIKE '%' || $2 || '%' OR details LIKE '%' || $3 || '%'",
    )
    .bind(user_id)
    .bind(email)
    .bind(name)
    .bind(pseudonym)
    .execute(&mut *conn)
    .await?;
    sqlx::query("DELETE FROM users WHERE id = $1")
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    Ok(Erased {
        kept_completions: kept as i64,
        certificates: certificates as i64,
    })
}

/// A completion kept without name after its person was deleted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErasedCompletion {
    pub unit_id: Option<i64>,
    pub course: String,
    pub content_hash: String,
    pub completed_at: i64,
    pub code: Option<String>,
    pub valid_until_day: Option<i64>,
}

/// The anonymous completions of deleted people in the given units (None: all), oldest first.
pub async fn erased(db: &Db, units: Option<&[i64]>) -> Result<Vec<ErasedCompletion>, sqlx::Error> {
    let filter = match units {
        Some([]) => return Ok(vec![]),
        Some(ids) => format!("WHERE org_unit_id IN ({})", super::id_list(ids)),
        None => String::new(),
    };
    let rows = sqlx::query(&format!(
        "SELECT org_unit_id, course_slug, content_hash, completed_at, certificate_code, \
         valid_until_day FROM erased_completions {filter} ORDER BY completed_at, id"
    ))
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(ErasedCompletion {
                unit_id: r.try_get(0)?,
                course: r.try_get(1)?,
                content_hash: r.try_get(2)?,
                completed_at: r.try_get(3)?,
                code: r.try_get(4)?,
                valid_until_day: r.try_get(5)?,
            })
        })
        .collect()
}
