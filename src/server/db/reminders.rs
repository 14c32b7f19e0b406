//! What the reminder run and the mail settings read and write: who wants which mails in which
//! language, which reminders went out, the one-mail-per-day and one-digest-per-week claims,
//! and the lease that lets one instance at a time run a periodic job.
use sqlx::{Any, Executor, Row};

use super::Db;
use crate::model::Role;

/// A person's mail settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailSettings {
    pub locale: String,
    pub reminders: bool,
    pub digest: bool,
}

pub async fn settings(db: &Db, user_id: i64) -> Result<MailSettings, sqlx::Error> {
    let row = sqlx::query("SELECT locale, reminder_mails, digest_mails FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(&db.pool)
        .await?;
    Ok(MailSettings {
        locale: row.try_get(0)?,
        reminders: row.try_get::<i64, _>(1)? != 0,
        digest: row.try_get::<i64, _>(2)? != 0,
    })
}

pub async fn set_settings(db: &Db, user_id: i64, s: &MailSettings) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE users SET locale = $1, reminder_mails = $2, digest_mails = $3 WHERE id = $4",
    )
    .bind(&s.locale)
    .bind(i64::from(s.reminders))
    .bind(i64::from(s.digest))
    .bind(user_id)
    .execute(&db.pool)
    .await
    .map(|_| ())
}

/// The language of a person's mails (set with the language switch while signed in).
pub async fn set_locale(db: &Db, user_id: i64, locale: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET locale = $1 WHERE id = $2")
        .bind(locale)
        .bind(user_id)
        .execute(&db.pool)
        .await
        .map(|_| ())
}

/// Whom a mail goes to, and how it addresses them.
#[derive(Debug, Clone)]
pub struct Recipient {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub unit_id: Option<i64>,
    pub locale: String,
    pub has_password: bool,
    pub reminders: bool,
    pub digest: bool,
}

const RECIPIENT: &str = "SELECT id, email, display_name, role, org_unit_id, locale, \
     CASE WHEN password_hash IS NULL THEN 0 ELSE 1 END, reminder_mails, digest_mails \
     FROM users WHERE active = 1";

fn recipient(r: &sqlx::any::AnyRow) -> Result<Recipient, sqlx::Error> {
    let role: String = r.try_get(3)?;
    Ok(Recipient {
        id: r.try_get(0)?,
        email: r.try_get(1)?,
        name: r.try_get(2)?,
        role: Role::from_code(&role)
            .ok_or_else(|| sqlx::Error::Decode(format!("unknown role {role:?}").into()))?,
        unit_id: r.try_get(4)?,
        locale: r.try_get(5)?,
        has_password: r.try_get::<i64, _>(6)? != 0,
        reminders: r.try_get::<i64, _>(7)? != 0,
        digest: r.try_get::<i64, _>(8)? != 0,
    })
}

/// Every active person.
pub async fn recipients(db: &Db) -> Result<Vec<Recipient>, sqlx::Error> {
    let rows = sqlx::query(RECIPIENT).fetch_all(&db.pool).await?;
    rows.iter().map(recipient).collect()
}

/// Active people of these units (None: all), for notices about a new assignment.
pub async fn recipients_in<'e, E: Executor<'e, Database = Any>>(
    e: E,
    units: Option<&[i64]>,
    users: Option<&[i64]>,
) -> Result<Vec<Recipient>, sqlx::Error> {
    let mut sql = RECIPIENT.to_string();
    if let Some(units) = units {
        sql.push_str(&format!(
            " AND org_unit_id IN ({})",
            super::id_list(if units.is_empty() { &[-1] } else { units })
        ));
    }
    if let Some(users) = users {
        sql.push_str(&format!(
            " AND id IN ({})",
            super::id_list(if users.is_empty() { &[-1] } else { users })
        ));
    }
    let rows = sqlx::query(&sql).fetch_all(e).await?;
    rows.iter().map(recipient).collect()
}

/// A reminder that went out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    pub user_id: i64,
    pub course: String,
    pub kind: String,
    pub ref_day: i64,
    pub sent_day: i64,
}

/// Reminders about dates from `since_day` on (older ones cannot matter any more).
pub async fn sent_since(db: &Db, since_day: i64) -> Result<Vec<Sent>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT user_id, course_slug, kind, ref_day, sent_day FROM mail_reminders \
         WHERE ref_day >= $1",
    )
    .bind(since_day)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Sent {
                user_id: r.try_get(0)?,
                course: r.try_get(1)?,
                kind: r.try_get(2)?,
                ref_day: r.try_get(3)?,
                sent_day: r.try_get(4)?,
            })
        })
        .collect()
}

/// Claims today's reminder mail of a person: false when one went out today already (or is
/// being sent by another instance, whose transaction this waits for).
pub async fn claim_day<'e, E: Executor<'e, Database = Any>>(
    e: E,
    user_id: i64,
    day: i64,
) -> Result<bool, sqlx::Error> {
    let r = sqlx::query(
        "INSERT INTO mail_reminder_days (user_id, day) VALUES ($1, $2) ON CONFLICT DO NOTHING",
    )
    .bind(user_id)
    .bind(day)
    .execute(e)
    .await?;
    Ok(r.rows_affected() == 1)
}

pub async fn record<'e, E: Executor<'e, Database = Any>>(
    e: E,
    sent: &Sent,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO mail_reminders (user_id, course_slug, kind, ref_day, sent_day) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
    )
    .bind(sent.user_id)
    .bind(&sent.course)
    .bind(&sent.kind)
    .bind(sent.ref_day)
    .bind(sent.sent_day)
    .execute(e)
    .await
    .map(|_| ())
}

/// Claims this week's digest of a coordinator (false: sent already).
pub async fn claim_digest<'e, E: Executor<'e, Database = Any>>(
    e: E,
    user_id: i64,
    week_day: i64,
) -> Result<bool, sqlx::Error> {
    let r = sqlx::query(
        "INSERT INTO mail_digests (user_id, week_day) VALUES ($1, $2) ON CONFLICT DO NOTHING",
    )
    .bind(user_id)
    .bind(week_day)
    .execute(e)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Active people who never signed in (no password yet) in these units (None: all).
pub async fn count_not_signed_in(db: &Db, units: Option<&[i64]>) -> Result<i64, sqlx::Error> {
    let filter = match units {
        None => String::new(),
        Some(units) => format!(
            " AND org_unit_id IN ({})",
            super::id_list(if units.is_empty() { &[-1] } else { units })
        ),
    };
    sqlx::query_scalar(&format!(
        "SELECT COUNT(*) FROM users WHERE active = 1 AND password_hash IS NULL{filter}"
    ))
    .fetch_one(&db.pool)
    .await
}

/// Takes the lease of a periodic job until `until` if nobody holds it (or theirs ran out).
pub async fn take_lease(
    db: &Db,
    name: &str,
    holder: &str,
    now: i64,
    until: i64,
) -> Result<bool, sqlx::Error> {
    let r = sqlx::query(
        "INSERT INTO job_leases (name, holder, until) VALUES ($1, $2, $3) \
         ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until = excluded.until \
         WHERE job_leases.until < $4",
    )
    .bind(name)
    .bind(holder)
    .bind(until)
    .bind(now)
    .execute(&db.pool)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Gives the lease back early (the job is done).
pub async fn release_lease(db: &Db, name: &str, holder: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE job_leases SET until = 0 WHERE name = $1 AND holder = $2")
        .bind(name)
        .bind(holder)
        .execute(&db.pool)
        .await
        .map(|_| ())
}

/// The language of a person's mails.
pub async fn locale_of<'e, E: Executor<'e, Database = Any>>(
    e: E,
    user_id: i64,
) -> Result<String, sqlx::Error> {
    sqlx::query_scalar("SELECT locale FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(e)
        .await
}

/// People holding a valid certificate for a course today (they get no notice about it).
pub async fn certified<'e, E: Executor<'e, Database = Any>>(
    e: E,
    course: &str,
    today: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT user_id FROM course_status WHERE course_slug = $1 AND valid_until_day >= $2",
    )
    .bind(course)
    .bind(today)
    .fetch_all(e)
    .await
}
