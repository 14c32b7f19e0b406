//! All SQL lives in this module tree: one function per query, each running unchanged on SQLite
//! and PostgreSQL through `sqlx::Any` (`$1` placeholders, integer unix timestamps).
//!
//! SQLite runs in WAL mode with `synchronous = FULL`: every commit is fsynced before it is
//! acknowledged, so an acknowledged write survives a power loss, at the cost of one fsync per
//! transaction. (`NORMAL` would be faster but may lose the last commits on power loss.)
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, ConnectOptions, Executor};

pub mod assignments;
pub mod attempts;
pub mod audit;
pub mod barriers;
pub mod certificates;
pub mod course_status;
pub mod flashes;
pub mod imports;
pub mod installation;
pub mod login_attempts;
pub mod manual;
pub mod org_units;
pub mod outbox;
pub mod personal;
pub mod progress;
pub mod register;
pub mod reminders;
pub mod sessions;
pub mod sso;
pub mod tokens;
pub mod users;

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The backend named by a database URL's scheme.
    pub fn from_url(url: &str) -> Result<Backend, String> {
        let scheme = url
            .trim()
            .split_once(':')
            .map(|(s, _)| s.to_ascii_lowercase());
        match scheme.as_deref() {
            Some("sqlite") => Ok(Backend::Sqlite),
            Some("postgres" | "postgresql") => Ok(Backend::Postgres),
            Some(other) => Err(format!(
                "unsupported database {other:?}; use sqlite://… or postgres://…"
            )),
            None => Err("expected a URL such as sqlite://data/seepferdchen.db".into()),
        }
    }
}

/// The connection pool and which backend is behind it.
#[derive(Debug, Clone)]
pub struct Db {
    pub pool: AnyPool,
    pub backend: Backend,
}

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("{0}")]
    Url(String),
    #[error("cannot create the database folder {0}: {1}")]
    Folder(String, std::io::Error),
    #[error("cannot connect to the database: {0}")]
    Connect(sqlx::Error),
    #[error("database migration failed: {0}")]
    Migrate(sqlx::migrate::MigrateError),
}

/// The file path inside a sqlite URL (`sqlite://data/x.db?mode=rwc` → `data/x.db`), if any.
fn sqlite_path(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or(rest);
    (!path.is_empty() && path != ":memory:").then_some(path)
}

impl Db {
    /// Connects, creating a SQLite file and its folder when missing, and runs the migrations.
    pub async fn connect(url: &str) -> Result<Db, DbError> {
        sqlx::any::install_default_drivers();
        let backend = Backend::from_url(url).map_err(DbError::Url)?;
        let mut url = url.trim().to_string();
        let pool_options = match backend {
            Backend::Sqlite => {
                if let Some(path) = sqlite_path(&url) {
                    if let Some(parent) = Path::new(path)
                        .parent()
                        .filter(|p| !p.as_os_str().is_empty())
                    {
                        std::fs::create_dir_all(parent)
                            .map_err(|e| DbError::Folder(parent.display().to_string(), e))?;
                    }
                }
                if !url.contains("mode=") {
                    url.push_str(if url.contains('?') {
                        "&mode=rwc"
                    } else {
                        "?mode=rwc"
                    });
                }
                AnyPoolOptions::new()
                    .max_connections(8)
                    // An embedded database cannot have gone away: no ping before each use
                    // (it was a round trip to the connection's thread per query).
                    .test_before_acquire(false)
                    .after_connect(|conn, _meta| {
                        Box::pin(async move {
                            conn.execute(
                                "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                                 PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;",
                            )
                            .await?;
                            Ok(())
                        })
                    })
            }
            Backend::Postgres => AnyPoolOptions::new().max_connections(16),
        };
        let options = AnyConnectOptions::from_str(&url)
            .map_err(DbError::Connect)?
            // Slow statements and slow waits for a connection are logged as warnings (their
            // number is bounded by `log_budget`).
            .log_slow_statements(log::LevelFilter::Warn, Duration::from_secs(1));
        let pool = pool_options
            .acquire_slow_level(log::LevelFilter::Warn)
            .acquire_slow_threshold(Duration::from_secs(1))
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await
            .map_err(DbError::Connect)?;
        let db = Db { pool, backend };
        db.migrate().await?;
        Ok(db)
    }

    async fn migrate(&self) -> Result<(), DbError> {
        let migrator = match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        match self.backend {
            Backend::Sqlite => self.migrate_sqlite(migrator).await?,
            Backend::Postgres => migrator.run(&self.pool).await.map_err(DbError::Migrate)?,
        }
        users::fill_sort_names(self)
            .await
            .map_err(|e| DbError::Migrate(sqlx::migrate::MigrateError::Execute(e)))
    }

    /// SQLite can change a column only by rebuilding its table, which its documentation says
    /// to do with foreign keys off (a rebuilt parent table would otherwise fail the deferred
    /// check of its children): the migrations run on one connection with them off, then every
    /// reference is checked and they are turned on again.
    async fn migrate_sqlite(&self, migrator: &sqlx::migrate::Migrator) -> Result<(), DbError> {
        let mut conn = self.pool.acquire().await.map_err(DbError::Connect)?;
        let on = |e: sqlx::Error| DbError::Migrate(sqlx::migrate::MigrateError::Execute(e));
        conn.execute("PRAGMA foreign_keys = OFF")
            .await
            .map_err(on)?;
        let ran = migrator.run(&mut *conn).await;
        let broken: Result<Vec<sqlx::any::AnyRow>, _> = sqlx::query("PRAGMA foreign_key_check")
            .fetch_all(&mut *conn)
            .await;
        conn.execute("PRAGMA foreign_keys = ON").await.map_err(on)?;
        ran.map_err(DbError::Migrate)?;
        if !broken.map_err(on)?.is_empty() {
            return Err(DbError::Migrate(sqlx::migrate::MigrateError::Execute(
                sqlx::Error::Protocol("a migration left broken foreign keys".into()),
            )));
        }
        Ok(())
    }

    /// `ORDER BY` text for a sort-key column: bytewise on both backends (PostgreSQL would
    /// otherwise use the database's locale, and the two would disagree).
    pub fn bytewise(&self, column: &str) -> String {
        match self.backend {
            Backend::Sqlite => column.to_string(),
            Backend::Postgres => format!("{column} COLLATE \"C\""),
        }
    }

    /// Starts a write transaction. On SQLite it is `BEGIN IMMEDIATE`: a deferred `BEGIN` that
    /// reads first cannot upgrade to the write lock while another connection writes, and SQLite
    /// then answers "database is locked" at once instead of waiting for the busy timeout.
    /// Taking the write lock up front makes writers queue (up to `busy_timeout`) instead.
    pub async fn begin(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.pool.begin().await,
        }
    }

    /// A round trip to the database, for `/healthz`.
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map(|_| ())
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Lock spaces for `serialize`: the first half of PostgreSQL's two-key advisory lock.
#[derive(Debug, Clone, Copy)]
#[repr(i32)]
pub enum LockSpace {
    /// One person's course status (`course_status::refresh`).
    PersonStatus = 1,
    /// Sign-in attempts for one e-mail address (hashed).
    LoginAccount = 2,
    /// The installation's signing keys.
    SigningKeys = 3,
    /// Starting an attempt of one person.
    AttemptStart = 4,
    /// Sign-in attempts from one client address (hashed); always taken after `LoginAccount`.
    LoginAddress = 5,
    /// Password-link requests for one e-mail address (hashed): the hourly cap.
    PasswordRequest = 6,
}

/// Serialises the rest of a write transaction with every other transaction that takes the
/// same lock: on PostgreSQL an advisory lock held until commit; on SQLite nothing is needed,
/// since `Db::begin` already holds the database's single write lock. Under PostgreSQL's READ
/// COMMITTED, each statement after the lock sees what the previous holder committed, so
/// read-then-write sequences after it cannot act on a stale snapshot.
pub async fn serialize(
    conn: &mut sqlx::AnyConnection,
    space: LockSpace,
    key: i64,
) -> Result<(), sqlx::Error> {
    if conn.backend_name() != "PostgreSQL" {
        return Ok(());
    }
    // The two-int form keeps the spaces apart; the key is folded into 32 bits.
    let folded = (key ^ (key >> 32)) as i32;
    sqlx::query("SELECT pg_advisory_xact_lock(CAST($1 AS INTEGER), CAST($2 AS INTEGER))")
        .bind(space as i32)
        .bind(folded)
        .execute(conn)
        .await
        .map(|_| ())
}

/// A stable 64-bit key for a text (for `serialize`), the same in every instance.
pub fn text_key(text: &str) -> i64 {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(text.as_bytes());
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&digest[..8]);
    i64::from_le_bytes(bytes)
}

/// A comma-separated list of ids for an `IN (...)` clause. Ids are integers, so nothing from
/// outside reaches the SQL text.
pub fn id_list(ids: &[i64]) -> String {
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}

/// The page to show of `total` rows: `per_page` within 1..=200, `page` within the existing
/// pages (an empty list has one, empty page). Returns (page, per_page).
pub fn page_window(total: i64, page: i64, per_page: i64) -> (i64, i64) {
    let per_page = per_page.clamp(1, 200);
    let pages = ((total + per_page - 1) / per_page).max(1);
    (page.clamp(1, pages), per_page)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_window_stays_within_the_pages() {
        assert_eq!(page_window(0, 5, 50), (1, 50));
        assert_eq!(page_window(101, 3, 50), (3, 50));
        assert_eq!(page_window(101, 9, 50), (3, 50));
        assert_eq!(page_window(10, -1, 0), (1, 1));
        assert_eq!(page_window(1000, 2, 1000), (2, 200));
    }

    #[test]
    fn backend_from_url() {
        assert_eq!(Backend::from_url("sqlite://data/x.db"), Ok(Backend::Sqlite));
        assert_eq!(Backend::from_url("sqlite::memory:"), Ok(Backend::Sqlite));
        assert_eq!(
            Backend::from_url("postgres://u@h/db"),
            Ok(Backend::Postgres)
        );
        assert_eq!(
            Backend::from_url("postgresql://u@h/db"),
            Ok(Backend::Postgres)
        );
        assert!(Backend::from_url("mysql://x")
            .unwrap_err()
            .contains("mysql"));
        assert!(Backend::from_url("nothing").is_err());
    }

    #[test]
    fn sqlite_path_extraction() {
        assert_eq!(
            sqlite_path("sqlite://data/x.db?mode=rwc"),
            Some("data/x.db")
        );
        assert_eq!(sqlite_path("sqlite:///tmp/a.db"), Some("/tmp/a.db"));
        assert_eq!(sqlite_path("sqlite::memory:"), None);
    }
}
