//! Every database function, run against both backends: SQLite on a temporary file, and
//! PostgreSQL in a fresh database per test (TEST_POSTGRES_URL names the server's admin database;
//! `make test` runs the `postgres::` tests only when the server answers, and always in CI).
use std::sync::atomic::{AtomicU32, Ordering};

use seepferdchen::server::db::{installation, Backend, Db};

pub struct TestDb {
    pub db: Db,
    cleanup: Cleanup,
}

enum Cleanup {
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    Postgres { admin_url: String, name: String },
}

impl TestDb {
    pub async fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("tempdir");
        let url = format!("sqlite://{}/nested/test.db", dir.path().display());
        let db = Db::connect(&url).await.expect("connect sqlite");
        TestDb {
            db,
            cleanup: Cleanup::Sqlite(dir),
        }
    }

    pub async fn postgres() -> TestDb {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let admin_url = std::env::var("TEST_POSTGRES_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
        let name = format!(
            "seepferdchen_test_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst)
        );
        sqlx::any::install_default_drivers();
        let admin = sqlx::AnyPool::connect(&admin_url)
            .await
            .expect("connect PostgreSQL admin db");
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&admin)
            .await
            .expect("create db");
        admin.close().await;
        let base = admin_url
            .rsplit_once('/')
            .map(|(b, _)| b)
            .expect("db url with /dbname");
        let db = Db::connect(&format!("{base}/{name}"))
            .await
            .expect("connect test db");
        TestDb {
            db,
            cleanup: Cleanup::Postgres { admin_url, name },
        }
    }

    pub async fn close(self) {
        self.db.close().await;
        if let Cleanup::Postgres { admin_url, name } = self.cleanup {
            let admin = sqlx::AnyPool::connect(&admin_url).await.expect("admin");
            sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&admin)
                .await
                .expect("drop db");
            admin.close().await;
        }
    }
}

/// Declares each test once per backend: `sqlite::name` and `postgres::name`.
macro_rules! db_tests {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test]
            async fn $name() {
                let t = super::TestDb::sqlite().await;
                assert_eq!(t.db.backend, super::Backend::Sqlite);
                super::$name(&t.db).await;
                t.close().await;
            })*
        }
        mod postgres {
            $(#[tokio::test]
            async fn $name() {
                let t = super::TestDb::postgres().await;
                assert_eq!(t.db.backend, super::Backend::Postgres);
                super::$name(&t.db).await;
                t.close().await;
            })*
        }
    };
}

db_tests!(
    ping_answers,
    installation_date_is_set_once,
    migrations_are_idempotent
);

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

async fn ping_answers(db: &Db) {
    db.ping().await.expect("ping");
}

async fn installation_date_is_set_once(db: &Db) {
    let created = installation::created_at(db).await.expect("created_at");
    assert!(
        (now() - created).abs() < 120,
        "created_at {created} should be about now"
    );
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM installation")
        .fetch_one(&db.pool)
        .await
        .expect("count");
    assert_eq!(rows, 1);
    // The table admits exactly one row.
    let second = sqlx::query("INSERT INTO installation (id, created_at) VALUES (2, 0)")
        .execute(&db.pool)
        .await;
    assert!(second.is_err());
}

async fn migrations_are_idempotent(db: &Db) {
    let before = installation::created_at(db).await.expect("created_at");
    let again = Db::connect(&url_of(db).await)
        .await
        .expect("reconnect runs migrations again");
    assert_eq!(
        installation::created_at(&again).await.expect("created_at"),
        before
    );
    again.close().await;
}

/// The URL the pool was opened with, recovered from the database itself.
async fn url_of(db: &Db) -> String {
    match db.backend {
        Backend::Sqlite => {
            let file: String =
                sqlx::query_scalar("SELECT file FROM pragma_database_list WHERE name = 'main'")
                    .fetch_one(&db.pool)
                    .await
                    .expect("db file");
            format!("sqlite://{file}")
        }
        Backend::Postgres => {
            let name: String = sqlx::query_scalar("SELECT CAST(current_database() AS TEXT)")
                .fetch_one(&db.pool)
                .await
                .expect("db name");
            let admin = std::env::var("TEST_POSTGRES_URL")
                .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
            let base = admin
                .rsplit_once('/')
                .map(|(b, _)| b.to_string())
                .expect("base");
            format!("{base}/{name}")
        }
    }
}
