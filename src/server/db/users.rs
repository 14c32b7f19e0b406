//! Users and coordinator scopes.
use sqlx::{Any, Executor, Row};

use super::Db;
use crate::model::{Paged, Role, UserDetail, UserSummary};
use crate::server::collation;

/// What login needs about an account.
#[derive(Debug, Clone)]
pub struct LoginRecord {
    pub id: i64,
    pub password_hash: Option<String>,
    pub active: bool,
}

/// A user as authorization and pages need it.
#[derive(Debug, Clone, PartialEq)]
pub struct UserRecord {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub active: bool,
    pub org_unit_id: Option<i64>,
    pub has_password: bool,
    /// The day they joined their unit (relative due dates count from it).
    pub unit_since: i64,
    /// KI-Koordination: keeps the KI-Register, whatever the role.
    pub ai_coordinator: bool,
}

fn role_of(code: &str) -> Result<Role, sqlx::Error> {
    Role::from_code(code)
        .ok_or_else(|| sqlx::Error::Decode(format!("unknown role {code:?}").into()))
}

fn record(row: &sqlx::any::AnyRow) -> Result<UserRecord, sqlx::Error> {
    Ok(UserRecord {
        id: row.try_get("id")?,
        email: row.try_get("email")?,
        display_name: row.try_get("display_name")?,
        role: role_of(&row.try_get::<String, _>("role")?)?,
        active: row.try_get::<i64, _>("active")? != 0,
        org_unit_id: row.try_get("org_unit_id")?,
        has_password: row.try_get::<i64, _>("has_password")? != 0,
        unit_since: row.try_get("unit_since")?,
        ai_coordinator: row.try_get::<i64, _>("ai_coordinator")? != 0,
    })
}

const USER_COLUMNS: &str =
    "id, email, display_name, role, active, org_unit_id, unit_since, ai_coordinator, \
     CASE WHEN password_hash IS NULL THEN 0 ELSE 1 END AS has_password";

pub async fn find_for_login(db: &Db, email: &str) -> Result<Option<LoginRecord>, sqlx::Error> {
    let row = sqlx::query("SELECT id, password_hash, active FROM users WHERE email = $1")
        .bind(email)
        .fetch_optional(&db.pool)
        .await?;
    row.map(|r| {
        Ok(LoginRecord {
            id: r.try_get("id")?,
            password_hash: r.try_get("password_hash")?,
            active: r.try_get::<i64, _>("active")? != 0,
        })
    })
    .transpose()
}

/// The person with this e-mail address (stored in lower case).
pub async fn by_email<'e, E: Executor<'e, Database = Any>>(
    e: E,
    email: &str,
) -> Result<Option<UserRecord>, sqlx::Error> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE email = $1");
    let row = sqlx::query(&sql).bind(email).fetch_optional(e).await?;
    row.as_ref().map(record).transpose()
}

pub async fn get<'e, E: Executor<'e, Database = Any>>(
    e: E,
    id: i64,
) -> Result<Option<UserRecord>, sqlx::Error> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
    let row = sqlx::query(&sql).bind(id).fetch_optional(e).await?;
    row.as_ref().map(record).transpose()
}

pub async fn password_hash(db: &Db, id: i64) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1")
        .bind(id)
        .fetch_one(&db.pool)
        .await
}

pub async fn email_exists(db: &Db, email: &str) -> Result<bool, sqlx::Error> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE email = $1")
        .bind(email)
        .fetch_one(&db.pool)
        .await?;
    Ok(n > 0)
}

pub async fn all_emails(db: &Db) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT email FROM users")
        .fetch_all(&db.pool)
        .await
}

pub async fn count_admins(db: &Db) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE role = 'admin'")
        .fetch_one(&db.pool)
        .await
}

pub async fn count(db: &Db) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(&db.pool)
        .await
}

pub struct NewUser<'a> {
    pub email: &'a str,
    pub display_name: &'a str,
    pub personnel_no: Option<&'a str>,
    pub org_unit_id: Option<i64>,
    pub role: Role,
    pub now: i64,
}

pub async fn insert<'e, E: Executor<'e, Database = Any>>(
    e: E,
    u: &NewUser<'_>,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO users (email, display_name, personnel_no, org_unit_id, role, active, \
         created_at, sort_name, unit_since) VALUES ($1, $2, $3, $4, $5, 1, $6, $7, $8) \
         RETURNING id",
    )
    .bind(u.email)
    .bind(u.display_name)
    .bind(u.personnel_no)
    .bind(u.org_unit_id)
    .bind(u.role.code())
    .bind(u.now)
    .bind(collation::key(u.display_name))
    .bind(crate::i18n::Date::in_germany(u.now).to_days())
    .fetch_one(e)
    .await
}

pub async fn set_password_hash<'e, E: Executor<'e, Database = Any>>(
    e: E,
    id: i64,
    hash: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
        .bind(hash)
        .bind(id)
        .execute(e)
        .await
        .map(|_| ())
}

pub async fn set_display_name(db: &Db, id: i64, name: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET display_name = $1, sort_name = $2 WHERE id = $3")
        .bind(name)
        .bind(collation::key(name))
        .bind(id)
        .execute(&db.pool)
        .await
        .map(|_| ())
}

pub struct UserUpdate<'a> {
    pub display_name: &'a str,
    pub org_unit_id: Option<i64>,
    pub role: Role,
    pub active: bool,
    /// Today's day number: the join day if the unit changes.
    pub today: i64,
}

/// Changes a person, and the unit their course-status rows count for (none while inactive).
/// Run it inside a transaction.
pub async fn update(
    conn: &mut sqlx::AnyConnection,
    id: i64,
    u: &UserUpdate<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE users SET display_name = $1, org_unit_id = $2, role = $3, active = $4, \
         sort_name = $5, unit_since = CASE WHEN COALESCE(org_unit_id, -1) = COALESCE($2, -1) \
         THEN unit_since ELSE $6 END WHERE id = $7",
    )
    .bind(u.display_name)
    .bind(u.org_unit_id)
    .bind(u.role.code())
    .bind(i64::from(u.active))
    .bind(collation::key(u.display_name))
    .bind(u.today)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    sqlx::query("UPDATE course_status SET org_unit_id = $1 WHERE user_id = $2")
        .bind(u.org_unit_id.filter(|_| u.active))
        .bind(id)
        .execute(&mut *conn)
        .await
        .map(|_| ())
}

/// A person as an import compares them with a file.
#[derive(Debug, Clone)]
pub struct ImportRecord {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub personnel_no: Option<String>,
    pub org_unit_id: Option<i64>,
    pub role: Role,
    pub active: bool,
}

pub async fn for_import(db: &Db) -> Result<Vec<ImportRecord>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, email, display_name, personnel_no, org_unit_id, role, active FROM users",
    )
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(ImportRecord {
                id: r.try_get("id")?,
                email: r.try_get("email")?,
                display_name: r.try_get("display_name")?,
                personnel_no: r.try_get("personnel_no")?,
                org_unit_id: r.try_get("org_unit_id")?,
                role: role_of(&r.try_get::<String, _>("role")?)?,
                active: r.try_get::<i64, _>("active")? != 0,
            })
        })
        .collect()
}

/// What an import sets on an existing person.
pub struct ImportedPerson<'a> {
    pub email: &'a str,
    pub display_name: &'a str,
    pub personnel_no: Option<&'a str>,
    pub org_unit_id: i64,
    /// Today's day number: the join day if the unit changes.
    pub today: i64,
}

/// Updates a person from an import row (and reactivates them), with the unit their
/// course-status rows count for. Run it inside a transaction.
pub async fn apply_import(
    conn: &mut sqlx::AnyConnection,
    id: i64,
    p: &ImportedPerson<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE users SET email = $1, display_name = $2, personnel_no = $3, org_unit_id = $4, \
         active = 1, sort_name = $5, unit_since = CASE WHEN COALESCE(org_unit_id, -1) = $4 \
         THEN unit_since ELSE $6 END WHERE id = $7",
    )
    .bind(p.email)
    .bind(p.display_name)
    .bind(p.personnel_no)
    .bind(p.org_unit_id)
    .bind(collation::key(p.display_name))
    .bind(p.today)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    sqlx::query("UPDATE course_status SET org_unit_id = $1 WHERE user_id = $2")
        .bind(p.org_unit_id)
        .bind(id)
        .execute(&mut *conn)
        .await
        .map(|_| ())
}

/// Deactivates a person; their course-status rows stop counting for a unit (as on the edit
/// page). Run it inside a transaction.
pub async fn deactivate(conn: &mut sqlx::AnyConnection, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET active = 0 WHERE id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("UPDATE course_status SET org_unit_id = NULL WHERE user_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await
        .map(|_| ())
}

pub async fn scope_units<'e, E: Executor<'e, Database = Any>>(
    e: E,
    user_id: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT org_unit_id FROM coordinator_scopes WHERE user_id = $1 ORDER BY org_unit_id",
    )
    .bind(user_id)
    .fetch_all(e)
    .await
}

pub async fn clear_scopes<'e, E: Executor<'e, Database = Any>>(
    e: E,
    user_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM coordinator_scopes WHERE user_id = $1")
        .bind(user_id)
        .execute(e)
        .await
        .map(|_| ())
}

pub async fn add_scope<'e, E: Executor<'e, Database = Any>>(
    e: E,
    user_id: i64,
    unit_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO coordinator_scopes (user_id, org_unit_id) VALUES ($1, $2)")
        .bind(user_id)
        .bind(unit_id)
        .execute(e)
        .await
        .map(|_| ())
}

/// The share of the normal time a person gets in timed tests, in percent (100 = normal).
pub async fn time_percent<'e, E: Executor<'e, Database = Any>>(
    e: E,
    id: i64,
) -> Result<i64, sqlx::Error> {
    let p: Option<i64> = sqlx::query_scalar("SELECT time_percent FROM users WHERE id = $1")
        .bind(id)
        .fetch_optional(e)
        .await?;
    Ok(p.unwrap_or(100))
}

pub async fn set_time_percent<'e, E: Executor<'e, Database = Any>>(
    e: E,
    id: i64,
    percent: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET time_percent = $1 WHERE id = $2")
        .bind(percent)
        .bind(id)
        .execute(e)
        .await
        .map(|_| ())
}

pub async fn detail(db: &Db, id: i64) -> Result<Option<UserDetail>, sqlx::Error> {
    let Some(u) = get(&db.pool, id).await? else {
        return Ok(None);
    };
    let scope_unit_ids = scope_units(&db.pool, id).await?;
    let time_percent = time_percent(&db.pool, id).await?;
    Ok(Some(UserDetail {
        time_percent,
        id: u.id,
        email: u.email,
        display_name: u.display_name,
        role: u.role,
        active: u.active,
        org_unit_id: u.org_unit_id,
        scope_unit_ids,
        has_password: u.has_password,
        ai_coordinator: u.ai_coordinator,
    }))
}

/// Filters of the user list. `units`: None = all users; Some = only members of these units.
pub struct UserFilter<'a> {
    pub search: &'a str,
    pub units: Option<&'a [i64]>,
    pub role: Option<Role>,
    /// Only active people who never signed in (no password yet).
    pub not_signed_in: bool,
    pub page: i64,
    pub per_page: i64,
}

/// A page of users, sorted by name. The unit list is bound as parameters, never spliced in.
pub async fn list(db: &Db, f: &UserFilter<'_>) -> Result<Paged<UserSummary>, sqlx::Error> {
    let mut where_sql = String::from(" WHERE 1 = 1");
    let mut n = 0;
    let mut next = || {
        n += 1;
        format!("${n}")
    };
    let search = format!(
        "%{}%",
        f.search.trim().to_lowercase().replace(['%', '_'], "")
    );
    if !f.search.trim().is_empty() {
        let (a, b) = (next(), next());
        where_sql.push_str(&format!(
            " AND (LOWER(u.display_name) LIKE {a} OR u.email LIKE {b})"
        ));
    }
    if let Some(units) = f.units {
        if units.is_empty() {
            where_sql.push_str(" AND 1 = 0");
        } else {
            let params: Vec<String> = units.iter().map(|_| next()).collect();
            where_sql.push_str(&format!(" AND u.org_unit_id IN ({})", params.join(", ")));
        }
    }
    if f.role.is_some() {
        let p = next();
        where_sql.push_str(&format!(" AND u.role = {p}"));
    }
    if f.not_signed_in {
        where_sql.push_str(" AND u.password_hash IS NULL AND u.active = 1");
    }
    let count_sql = format!("SELECT COUNT(*) AS n FROM users u{where_sql}");
    let total: i64 = bind_filter(&count_sql, f, &search)
        .fetch_one(&db.pool)
        .await?
        .try_get("n")?;
    let per_page = f.per_page.clamp(1, 200);
    let page = f.page.max(1);
    let list_sql = format!(
        "SELECT u.id, u.email, u.display_name, u.role, u.active, \
         CASE WHEN u.password_hash IS NULL THEN 0 ELSE 1 END AS has_password, o.name AS unit_name \
         FROM users u LEFT JOIN org_units o ON o.id = u.org_unit_id{where_sql} \
         ORDER BY {}, u.display_name, u.id LIMIT {per_page} OFFSET {}",
        db.bytewise("u.sort_name"),
        (page - 1) * per_page
    );
    let rows = bind_filter(&list_sql, f, &search)
        .fetch_all(&db.pool)
        .await?;
    let items = rows
        .iter()
        .map(|r| {
            Ok(UserSummary {
                id: r.try_get("id")?,
                email: r.try_get("email")?,
                display_name: r.try_get("display_name")?,
                role: role_of(&r.try_get::<String, _>("role")?)?,
                active: r.try_get::<i64, _>("active")? != 0,
                org_unit: r.try_get("unit_name")?,
                has_password: r.try_get::<i64, _>("has_password")? != 0,
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

/// Binds the filter's values in the order `list` numbered its placeholders.
fn bind_filter<'q>(
    sql: &'q str,
    f: &UserFilter<'_>,
    search: &str,
) -> sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>> {
    let mut q = sqlx::query(sql);
    if !f.search.trim().is_empty() {
        q = q.bind(search.to_string()).bind(search.to_string());
    }
    if let Some(units) = f.units {
        for u in units {
            q = q.bind(*u);
        }
    }
    if let Some(role) = f.role {
        q = q.bind(role.code());
    }
    q
}

/// Stores the sort key of every name that has none (rows from before the key existed, and
/// the benchmark's bulk insert). Runs at start, after the migrations.
pub async fn fill_sort_names(db: &Db) -> Result<(), sqlx::Error> {
    let rows: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, display_name FROM users WHERE sort_name = ''")
            .fetch_all(&db.pool)
            .await?;
    if rows.is_empty() {
        return Ok(());
    }
    let mut tx = db.begin().await?;
    for (id, name) in rows {
        sqlx::query("UPDATE users SET sort_name = $1 WHERE id = $2")
            .bind(collation::key(&name))
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await
}
