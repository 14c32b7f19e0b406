//! The audit log: who did what to whom, when. Written in the same transaction as the change.
use sqlx::{Any, Executor};

pub struct Entry<'a> {
    pub at: i64,
    pub actor_id: Option<i64>,
    pub actor: &'a str,
    pub action: &'a str,
    pub target: &'a str,
    pub details: &'a str,
}

pub async fn write<'e, E: Executor<'e, Database = Any>>(
    e: E,
    entry: &Entry<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO audit_log (at, actor_id, actor, action, target, details) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(entry.at)
    .bind(entry.actor_id)
    .bind(entry.actor)
    .bind(entry.action)
    .bind(entry.target)
    .bind(entry.details)
    .execute(e)
    .await
    .map(|_| ())
}

/// A page of the log, newest first. `action`: a prefix such as "assignment" (empty: all);
/// `search`: text in actor, target or details (empty: all).
pub async fn page(
    db: &super::Db,
    action: &str,
    search: &str,
    page: i64,
    per_page: i64,
) -> Result<crate::model::Paged<crate::model::AuditEntry>, sqlx::Error> {
    use sqlx::Row;
    let clean = |s: &str| s.to_lowercase().replace(['%', '_', '\\'], "");
    let action_like = format!("{}%", clean(action));
    let search_like = format!("%{}%", clean(search));
    let filter = "WHERE action LIKE $1 AND (LOWER(actor) LIKE $2 OR LOWER(target) LIKE $2 OR LOWER(details) LIKE $2)";
    let total: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM audit_log {filter}"))
        .bind(&action_like)
        .bind(&search_like)
        .fetch_one(&db.pool)
        .await?;
    let (page, per_page) = super::page_window(total, page, per_page);
    let rows = sqlx::query(&format!(
        "SELECT at, actor, action, target, details FROM audit_log {filter} \
         ORDER BY id DESC LIMIT {per_page} OFFSET {}",
        (page - 1) * per_page
    ))
    .bind(&action_like)
    .bind(&search_like)
    .fetch_all(&db.pool)
    .await?;
    let items = rows
        .iter()
        .map(|r| {
            Ok(crate::model::AuditEntry {
                at: r.try_get(0)?,
                actor: r.try_get(1)?,
                action: r.try_get(2)?,
                target: r.try_get(3)?,
                details: r.try_get(4)?,
                summary: String::new(),
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok(crate::model::Paged {
        items,
        page,
        per_page,
        total,
    })
}

/// The newest entries (for tests).
pub async fn recent(
    db: &super::Db,
    limit: i64,
) -> Result<Vec<(String, String, String)>, sqlx::Error> {
    sqlx::query_as("SELECT action, target, details FROM audit_log ORDER BY id DESC LIMIT $1")
        .bind(limit)
        .fetch_all(&db.pool)
        .await
}
