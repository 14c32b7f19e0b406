//! Reports from the "Barriere melden" form.
use sqlx::Row;

use super::Db;
use crate::model::{BarrierReport, Paged};

pub struct NewReport<'a> {
    pub at: i64,
    pub page: &'a str,
    pub description: &'a str,
    pub contact: &'a str,
    pub user_id: Option<i64>,
    pub ip: &'a str,
}

pub async fn insert(db: &Db, r: &NewReport<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO barrier_reports (created_at, page, description, contact, user_id, ip) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(r.at)
    .bind(r.page)
    .bind(r.description)
    .bind(r.contact)
    .bind(r.user_id)
    .bind(r.ip)
    .execute(&db.pool)
    .await?;
    // The address is needed for one hour only (the per-address limit); then it is blanked.
    sqlx::query("UPDATE barrier_reports SET ip = '' WHERE created_at < $1 AND ip <> ''")
        .bind(r.at - 3600)
        .execute(&db.pool)
        .await
        .map(|_| ())
}

/// Reports from one address since `since` (at most an hour back: older addresses are blanked) (to limit how many one address can send).
pub async fn count_from(db: &Db, ip: &str, since: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM barrier_reports WHERE ip = $1 AND created_at >= $2")
        .bind(ip)
        .bind(since)
        .fetch_one(&db.pool)
        .await
}

/// Open reports first, then newest first.
pub async fn page(db: &Db, page: i64, per_page: i64) -> Result<Paged<BarrierReport>, sqlx::Error> {
    let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM barrier_reports")
        .fetch_one(&db.pool)
        .await?;
    let (page, per_page) = super::page_window(total, page, per_page);
    let rows = sqlx::query(&format!(
        "SELECT id, created_at, page, description, contact, done_at FROM barrier_reports \
         ORDER BY CASE WHEN done_at IS NULL THEN 0 ELSE 1 END, id DESC \
         LIMIT {per_page} OFFSET {}",
        (page - 1) * per_page
    ))
    .fetch_all(&db.pool)
    .await?;
    let items = rows
        .iter()
        .map(|r| {
            Ok(BarrierReport {
                id: r.try_get(0)?,
                created_at: r.try_get(1)?,
                page: r.try_get(2)?,
                description: r.try_get(3)?,
                contact: r.try_get(4)?,
                done_at: r.try_get(5)?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok(Paged {
        items,
        page,
        per_page,
        total,
    })
}

/// Marks a report as dealt with (or open again); false when there is no such report.
pub async fn set_done<'e, E: sqlx::Executor<'e, Database = sqlx::Any>>(
    e: E,
    id: i64,
    done: Option<(i64, i64)>,
) -> Result<bool, sqlx::Error> {
    let (at, by) = match done {
        Some((at, by)) => (Some(at), Some(by)),
        None => (None, None),
    };
    let n = sqlx::query("UPDATE barrier_reports SET done_at = $2, done_by = $3 WHERE id = $1")
        .bind(id)
        .bind(at)
        .bind(by)
        .execute(e)
        .await?
        .rows_affected();
    Ok(n == 1)
}
