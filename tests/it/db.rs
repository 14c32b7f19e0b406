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

// ---- accounts (issue 3) ---------------------------------------------------------------

use std::time::{Duration, Instant};

use seepferdchen::error::AppError;
use seepferdchen::i18n::Locale;
use seepferdchen::model::Role;
use seepferdchen::server::accounts::{self, csv_import, import, NewUserInput};
use seepferdchen::server::auth::authz::{subtree, Actor, Scope};
use seepferdchen::server::auth::password::Hasher;
use seepferdchen::server::auth::token_hash;
use seepferdchen::server::clock::Clock;
use seepferdchen::server::config::Cli;
use seepferdchen::server::db::{audit, flashes, imports, org_units, sessions, tokens, users};
use seepferdchen::server::state::AppState;

fn state(db: &Db) -> AppState {
    use clap::Parser;
    let config = Cli::try_parse_from(["seepferdchen"])
        .unwrap()
        .settings
        .validate()
        .unwrap();
    let catalog = seepferdchen::server::content::load(std::path::Path::new("content")).unwrap();
    let key = seepferdchen::server::certificate::CertificateKey::generate();
    AppState::new(
        config,
        db.clone(),
        Clock::fixed(1_800_000_000),
        Hasher::new(1).unwrap(),
        catalog,
        key,
    )
}

/// Demo organisation plus an admin and a coordinator actor for FB2.
async fn seeded(db: &Db) -> (AppState, Actor, Actor) {
    let st = state(db);
    let k = &st.cert_key;
    seepferdchen::server::db::certificates::insert_first_key(
        db,
        &k.key_id,
        &k.secret_hex(),
        &k.public_hex(),
        1,
    )
    .await
    .unwrap();
    assert!(accounts::demo::seed(&st).await.unwrap());
    let admin_id = users::find_for_login(db, "admin@musterstadt.example")
        .await
        .unwrap()
        .unwrap()
        .id;
    let coord_id = users::find_for_login(db, "koordination.fb2@musterstadt.example")
        .await
        .unwrap()
        .unwrap()
        .id;
    let admin = Actor {
        user: users::get(&db.pool, admin_id).await.unwrap().unwrap(),
        scope: Scope::All,
    };
    let units = org_units::all(&db.pool).await.unwrap();
    let roots = users::scope_units(&db.pool, coord_id).await.unwrap();
    let coord = Actor {
        user: users::get(&db.pool, coord_id).await.unwrap().unwrap(),
        scope: Scope::Units(subtree(&units, &roots)),
    };
    (st, admin, coord)
}

/// An answer form sent as it is, open questions and all ("Trotzdem absenden").
fn anyway() -> Vec<(String, String)> {
    vec![("trotzdem".into(), "1".into())]
}

fn de() -> &'static seepferdchen::i18n::Texts {
    Locale::De.texts()
}

async fn create_user_link_and_password(db: &Db) {
    let (st, admin, _) = seeded(db).await;
    let input = NewUserInput {
        display_name: "Zoe Neu".into(),
        email: "zoe.neu@musterstadt.example".into(),
        org_unit_id: None,
        role: Role::Employee,
    };
    let link = accounts::create_user(&st, Some(&admin), &input, de())
        .await
        .unwrap();
    assert!(link
        .url
        .starts_with("http://127.0.0.1:3000/passwort-festlegen?token="));
    let token = link.url.split("token=").nth(1).unwrap();
    let log = audit::recent(db, 1).await.unwrap();
    assert_eq!(log[0].0, "user.create");
    assert_eq!(log[0].1, "zoe.neu@musterstadt.example");
    // Duplicate e-mail: a field error, nothing written.
    let again = accounts::create_user(&st, Some(&admin), &input, de())
        .await
        .unwrap_err();
    assert_eq!(
        again.field_message("email").as_deref(),
        Some(de().user_email_taken)
    );
    // The link works once; the policy applies.
    let weak = accounts::set_password_with_token(&st, token, "zoe.neu12345", de())
        .await
        .unwrap_err();
    assert!(weak.field_message("password").is_some());
    let id = accounts::set_password_with_token(&st, token, "Ein langer guter Satz", de())
        .await
        .unwrap();
    assert_eq!(id, link.user_id);
    assert!(
        accounts::set_password_with_token(&st, token, "Ein langer guter Satz", de())
            .await
            .is_err()
    );
    assert!(tokens::valid_user(db, &token_hash(token), st.clock.now())
        .await
        .unwrap()
        .is_none());
    // An expired link is refused.
    let mut tx = db.begin().await.unwrap();
    let reset = accounts::new_password_link(
        &mut tx,
        &st,
        &accounts::LinkFor {
            user_id: id,
            email: "zoe.neu@musterstadt.example",
            name: "Zoe Neu",
            kind: seepferdchen::server::mail::LinkMail::Reset,
            valid_seconds: accounts::LINK_VALID_SECONDS,
            mail: true,
        },
        st.clock.now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    st.clock
        .set(st.clock.now() + accounts::LINK_VALID_SECONDS + 1);
    let token = reset.url.split("token=").nth(1).unwrap();
    assert!(
        accounts::set_password_with_token(&st, token, "Noch ein langer Satz", de())
            .await
            .is_err()
    );
}

async fn coordinators_create_only_employees_in_scope(db: &Db) {
    let (st, _, coord) = seeded(db).await;
    let units = accounts::tree(&org_units::all(&db.pool).await.unwrap());
    let unit = |name: &str| units.iter().find(|u| u.name == name).unwrap().id;
    let mut input = NewUserInput {
        display_name: "Paul Probe".into(),
        email: "paul.probe@musterstadt.example".into(),
        org_unit_id: Some(unit("Bauamt")),
        role: Role::Employee,
    };
    let e = accounts::create_user(&st, Some(&coord), &input, de())
        .await
        .unwrap_err();
    assert_eq!(
        e.field_message("org_unit_id").as_deref(),
        Some(de().user_unit_outside_scope)
    );
    input.org_unit_id = Some(unit("Ordnungsamt"));
    input.role = Role::Admin;
    let e = accounts::create_user(&st, Some(&coord), &input, de())
        .await
        .unwrap_err();
    assert_eq!(
        e.field_message("role").as_deref(),
        Some(de().user_role_not_allowed)
    );
    input.role = Role::Employee;
    accounts::create_user(&st, Some(&coord), &input, de())
        .await
        .unwrap();
}

async fn throttle_refuses_without_hashing_and_expires(db: &Db) {
    let (st, ..) = seeded(db).await;
    let email = "anna.becker@musterstadt.example";
    for _ in 0..5 {
        let e = accounts::authenticate(&st, email, "falsch falsch falsch", "10.0.0.1")
            .await
            .unwrap_err();
        assert_eq!(e, AppError::LoginFailed);
    }
    let hashes = st.hasher.verification_count();
    let e = accounts::authenticate(&st, email, accounts::demo::DEMO_PASSWORD, "10.0.0.1")
        .await
        .unwrap_err();
    assert_eq!(e, AppError::RateLimited);
    assert_eq!(
        st.hasher.verification_count(),
        hashes,
        "no hash while refused"
    );
    // Another account from another address is not affected.
    accounts::authenticate(
        &st,
        "ben.yilmaz@musterstadt.example",
        accounts::demo::DEMO_PASSWORD,
        "10.0.0.2",
    )
    .await
    .unwrap();
    // The refusal expires after the window.
    st.clock.set(st.clock.now() + 15 * 60 + 1);
    accounts::authenticate(&st, email, accounts::demo::DEMO_PASSWORD, "10.0.0.1")
        .await
        .unwrap();
    // 20 failures from one address block it for every account.
    for i in 0..20 {
        let _ = accounts::authenticate(
            &st,
            &format!("x{i}@musterstadt.example"),
            "nope nope nope",
            "10.0.0.9",
        )
        .await;
    }
    let e = accounts::authenticate(
        &st,
        "ben.yilmaz@musterstadt.example",
        accounts::demo::DEMO_PASSWORD,
        "10.0.0.9",
    )
    .await
    .unwrap_err();
    assert_eq!(e, AppError::RateLimited);
}

/// Unknown e-mail vs wrong password, 50 tries each (the clock moves past the throttle window
/// between tries). Prints the medians; asserts only that both answers are the same.
async fn login_timing_does_not_reveal_accounts(db: &Db) {
    let (st, ..) = seeded(db).await;
    let mut unknown = Vec::new();
    let mut wrong = Vec::new();
    for i in 0..50 {
        st.clock.set(st.clock.now() + 16 * 60);
        let t0 = Instant::now();
        let a = accounts::authenticate(
            &st,
            &format!("gibtsnicht{i}@musterstadt.example"),
            "falsches Passwort",
            "10.1.0.1",
        )
        .await;
        unknown.push(t0.elapsed());
        let t0 = Instant::now();
        let b = accounts::authenticate(
            &st,
            "clara.schaefer@musterstadt.example",
            "falsches Passwort",
            "10.1.0.2",
        )
        .await;
        wrong.push(t0.elapsed());
        assert_eq!(a, Err(AppError::LoginFailed));
        assert_eq!(a, b);
    }
    let median = |v: &mut Vec<Duration>| {
        v.sort();
        v[v.len() / 2]
    };
    let (mu, mw) = (median(&mut unknown), median(&mut wrong));
    println!(
        "login timing ({:?}): median unknown e-mail {:.2} ms, wrong password {:.2} ms, difference {:.2} ms",
        db.backend,
        mu.as_secs_f64() * 1e3,
        mw.as_secs_f64() * 1e3,
        (mu.as_secs_f64() - mw.as_secs_f64()).abs() * 1e3
    );
}

fn csv_rows(n: usize) -> String {
    let mut s = String::from("\u{feff}Name;E-Mail;Organisationseinheit;Rolle\r\n");
    for i in 0..n {
        s.push_str(&format!(
            "Person Nummer {i};person{i}@musterstadt.example;Bürgerbüro;Mitarbeitende\r\n"
        ));
    }
    s
}

async fn import_is_all_or_nothing(db: &Db) {
    let (st, admin, coord) = seeded(db).await;
    let before = users::count(db).await.unwrap();
    let bad = "Name;E-Mail;Organisationseinheit;Rolle\n\
               Gute Person;gut@musterstadt.example;Bürgerbüro;Mitarbeitende\n\
               Kaputte Mail;kaputt-at-example;Bürgerbüro;Mitarbeitende\n\
               Falsche Einheit;einheit@musterstadt.example;Mondbehörde;Mitarbeitende\n\
               Doppelt;gut@musterstadt.example;Bürgerbüro;Mitarbeitende\n";
    let id = imports::insert(db, coord.id(), "fehler.csv", bad, st.clock.now())
        .await
        .unwrap();
    let batch = imports::get(db, id).await.unwrap().unwrap();
    let errors = import::preview(&st, &coord, &batch, de())
        .await
        .unwrap()
        .errors;
    assert_eq!(errors.len(), 3, "{errors:?}");
    assert!(
        errors[0].starts_with("Zeile 3, Spalte E-Mail"),
        "{}",
        errors[0]
    );
    assert!(
        errors[1].starts_with("Zeile 5, Spalte E-Mail"),
        "{}",
        errors[1]
    );
    assert!(
        errors[2].starts_with("1 unbekannte Organisationseinheit."),
        "{}",
        errors[2]
    );
    let batch = imports::get(db, id).await.unwrap().unwrap();
    assert!(import::commit(&st, &coord, &batch, false, de())
        .await
        .is_err());
    assert_eq!(users::count(db).await.unwrap(), before, "nothing imported");

    // 5,000 rows (German Excel: BOM, semicolons, CRLF), committed in one transaction.
    let content = csv_import::decode_text(csv_rows(5000).as_bytes());
    let t0 = Instant::now();
    let id = imports::insert(db, admin.id(), "gross.csv", &content, st.clock.now())
        .await
        .unwrap();
    let batch = imports::get(db, id).await.unwrap().unwrap();
    let links = import::commit(&st, &admin, &batch, false, de())
        .await
        .unwrap();
    println!(
        "import of 5,000 rows ({:?}): {:.2} s",
        db.backend,
        t0.elapsed().as_secs_f64()
    );
    assert_eq!(links.len(), 5000);
    assert_eq!(users::count(db).await.unwrap(), before + 5000);
    // A second commit of the same batch is refused.
    let batch = imports::get(db, id).await.unwrap().unwrap();
    assert!(import::commit(&st, &admin, &batch, false, de())
        .await
        .is_err());
    assert_eq!(users::count(db).await.unwrap(), before + 5000);
}

/// An HR export read with a mapping: its units created under a chosen parent in the same
/// transaction, then a second export that updates one person and deactivates a leaver.
async fn import_syncs_an_hr_export(db: &Db) {
    let (st, admin, coord) = seeded(db).await;
    let units = org_units::all(&db.pool).await.unwrap();
    let unit_id = |name: &str| units.iter().find(|u| u.name == name).unwrap().id;
    let kreis = unit_id("Fachbereich 1 – Zentrale Dienste");
    let mut file = String::from("Personalnr.;Nachname;Vorname;Amt;E-Mail-Adresse\r\n");
    for (i, amt) in [
        "Dezernat II / Amt 36",
        "Dezernat II / Amt 40",
        "Amt 51",
        "Straßenmeisterei",
        "Bauhof",
        "Dezernat II / Amt 36",
    ]
    .iter()
    .enumerate()
    {
        file.push_str(&format!(
            "{};Nachname{i};Vorname{i};{amt};person{i}@kreis.example\r\n",
            9000 + i
        ));
    }
    let id = imports::insert(db, admin.id(), "hr.csv", &file, st.clock.now())
        .await
        .unwrap();
    let batch = imports::get(db, id).await.unwrap().unwrap();
    // Proposed mapping, no place for unknown units: they are listed once.
    let p = import::preview(&st, &admin, &batch, de()).await.unwrap();
    assert_eq!(p.unknown_units.len(), 5, "{:?}", p.unknown_units);
    assert!(p.errors[0].starts_with("5 unbekannte Organisationseinheiten"));
    // A coordinator may not create them outside her scope (and cannot see this batch).
    let choice = |under: &str, sync: &str| import::Stored {
        kopf: vec![],
        spalten: ["personalnummer", "nachname", "vorname", "einheit", "email"]
            .map(String::from)
            .to_vec(),
        einheiten_unter: under.into(),
        abgleich: sync.into(),
    };
    assert!(
        import::save_mapping(&st, &coord, &batch, choice(&kreis.to_string(), ""), de())
            .await
            .is_err()
    );
    import::save_mapping(&st, &admin, &batch, choice(&kreis.to_string(), ""), de())
        .await
        .unwrap();
    let batch = imports::get(db, id).await.unwrap().unwrap();
    let p = import::preview(&st, &admin, &batch, de()).await.unwrap();
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    assert_eq!(p.new_count, 6);
    assert_eq!(
        p.new_units.len(),
        6,
        "Dezernat II, Amt 36, Amt 40, Amt 51, Straßenmeisterei, Bauhof"
    );
    let units_before = org_units::all(&db.pool).await.unwrap().len();
    import::commit(&st, &admin, &batch, false, de())
        .await
        .unwrap();
    let after = org_units::all(&db.pool).await.unwrap();
    assert_eq!(after.len(), units_before + 6);
    let dezernat = after.iter().find(|u| u.name == "Dezernat II").unwrap();
    assert_eq!(dezernat.parent_id, Some(kreis));
    let amt36 = after.iter().find(|u| u.name == "Amt 36").unwrap();
    assert_eq!(amt36.parent_id, Some(dezernat.id));
    assert_eq!(amt36.member_count, 2);
    let people = users::for_import(db).await.unwrap();
    let anna = people
        .iter()
        .find(|p| p.personnel_no.as_deref() == Some("9000"))
        .unwrap();
    assert_eq!(anna.display_name, "Vorname0 Nachname0");
    assert_eq!(anna.org_unit_id, Some(amt36.id));

    // The next month's export: 9000 married (new name and address), 9005 left. The mapping
    // is remembered by column name.
    let next = file
        .replace("Nachname0;Vorname0", "Neuname;Vorname0")
        .replace("person0@", "neu0@")
        .lines()
        .filter(|l| !l.starts_with("9005;"))
        .collect::<Vec<_>>()
        .join("\n");
    let proposal = import::propose(&st, &next).await.unwrap();
    assert_eq!(proposal.spalten[3], "einheit");
    assert_eq!(proposal.spalten[0], "personalnummer");
    let id = imports::insert(db, admin.id(), "hr-2.csv", &next, st.clock.now())
        .await
        .unwrap();
    let batch = imports::get(db, id).await.unwrap().unwrap();
    let mut sync = choice("", &dezernat.id.to_string());
    sync.spalten = proposal.spalten.clone();
    import::save_mapping(&st, &admin, &batch, sync, de())
        .await
        .unwrap();
    let batch = imports::get(db, id).await.unwrap().unwrap();
    let p = import::preview(&st, &admin, &batch, de()).await.unwrap();
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    assert_eq!((p.new_count, p.update_count, p.unchanged), (0, 1, 4));
    assert_eq!(p.deactivate.len(), 1);
    assert_eq!(p.deactivate[0].email, "person5@kreis.example");
    import::commit(&st, &admin, &batch, false, de())
        .await
        .unwrap();
    let people = users::for_import(db).await.unwrap();
    let anna = people
        .iter()
        .find(|p| p.personnel_no.as_deref() == Some("9000"))
        .unwrap();
    assert_eq!(anna.email, "neu0@kreis.example");
    assert_eq!(anna.display_name, "Vorname0 Neuname");
    let leaver = people
        .iter()
        .find(|p| p.personnel_no.as_deref() == Some("9005"))
        .unwrap();
    assert!(!leaver.active);
    // Outside the synced Dezernat nobody was touched.
    assert_eq!(
        people.iter().filter(|p| !p.active).count(),
        1,
        "only the leaver"
    );
    let log = audit::recent(db, 3).await.unwrap();
    assert_eq!(log[0].0, "user.import");
    assert!(log[0].2.contains("\"deactivated\":1"), "{}", log[0].2);
    assert_eq!(log[1].0, "user.import.deactivate");
    assert_eq!(log[2].0, "user.import.update");
    assert!(log[2].2.contains("Neuname"), "{}", log[2].2);

    // A sync that would deactivate the importer is refused; nothing is written.
    let id = imports::insert(db, admin.id(), "ohne-mich.csv", &next, st.clock.now())
        .await
        .unwrap();
    let batch = imports::get(db, id).await.unwrap().unwrap();
    let mut all = choice("", "alle");
    all.spalten = proposal.spalten;
    import::save_mapping(&st, &admin, &batch, all, de())
        .await
        .unwrap();
    let batch = imports::get(db, id).await.unwrap().unwrap();
    let p = import::preview(&st, &admin, &batch, de()).await.unwrap();
    assert!(p.errors[0].contains("Ihr eigenes Konto"), "{:?}", p.errors);
    assert!(import::commit(&st, &admin, &batch, false, de())
        .await
        .is_err());
    assert_eq!(
        users::for_import(db)
            .await
            .unwrap()
            .iter()
            .filter(|p| !p.active)
            .count(),
        1
    );
}

/// The org tree from a CSV: units created and updated with their codes, a hand-made unit
/// gets its code, a people import then names units by code; a loop is refused whole.
async fn org_tree_from_csv(db: &Db) {
    use seepferdchen::server::accounts::tree_import;
    let (st, admin, _) = seeded(db).await;
    let before = org_units::all(&db.pool).await.unwrap();
    let tree = "Kennung;Name;Übergeordnete Kennung\r\n\
                KV;Kreisverwaltung;\r\n\
                D2;Dezernat II – Ordnung;KV\r\n\
                36;Amt 36 – Straßenverkehrsamt;D2\r\n\
                BB;Bürgerbüro;D2\r\n";
    let id = imports::insert_kind(
        db,
        admin.id(),
        "struktur.csv",
        tree,
        st.clock.now(),
        "struktur",
    )
    .await
    .unwrap();
    let batch = imports::get(db, id).await.unwrap().unwrap();
    let p = tree_import::preview(&st, &batch, de()).await.unwrap();
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    assert_eq!(p.rows.len(), 4);
    assert_eq!(
        p.rows[3].change, "wird geändert",
        "the demo's Bürgerbüro gets its code"
    );
    let (created, updated) = tree_import::commit(&st, &admin, &batch, de())
        .await
        .unwrap();
    assert_eq!((created, updated), (3, 1));
    let after = org_units::all(&db.pool).await.unwrap();
    assert_eq!(after.len(), before.len() + 3);
    let by_code = |c: &str| after.iter().find(|u| u.code.as_deref() == Some(c)).unwrap();
    assert_eq!(by_code("36").parent_id, Some(by_code("D2").id));
    assert_eq!(by_code("BB").name, "Bürgerbüro");
    assert_eq!(by_code("BB").parent_id, Some(by_code("D2").id), "moved");
    // A people import names the unit by its code.
    let people = "Name;E-Mail;OE\nPer Kennung;per.kennung@musterstadt.example;36\n";
    let id = imports::insert(db, admin.id(), "p.csv", people, st.clock.now())
        .await
        .unwrap();
    let batch = imports::get(db, id).await.unwrap().unwrap();
    import::commit(&st, &admin, &batch, false, de())
        .await
        .unwrap();
    let person = users::find_for_login(db, "per.kennung@musterstadt.example")
        .await
        .unwrap()
        .unwrap();
    let person = users::get(&db.pool, person.id).await.unwrap().unwrap();
    assert_eq!(person.org_unit_id, Some(by_code("36").id));
    // A loop through the existing tree: refused, nothing changed.
    let looped = "Kennung;Name;Übergeordnete Kennung\nKV;Kreisverwaltung;36\n";
    let id = imports::insert_kind(
        db,
        admin.id(),
        "schleife.csv",
        looped,
        st.clock.now(),
        "struktur",
    )
    .await
    .unwrap();
    let batch = imports::get(db, id).await.unwrap().unwrap();
    let p = tree_import::preview(&st, &batch, de()).await.unwrap();
    assert_eq!(
        p.errors,
        vec![
            "Zeile 2: Die Einheit läge unter sich selbst (KV → 36 → D2 → KV). Bitte korrigieren \
              Sie die übergeordneten Kennungen."
                .to_string()
        ]
    );
    assert!(tree_import::commit(&st, &admin, &batch, de())
        .await
        .is_err());
    assert_eq!(
        org_units::all(&db.pool).await.unwrap(),
        after_with_member(&after, by_code("36").id)
    );
}

/// The units as before, with one more member in `unit` (the person imported by code).
fn after_with_member(
    units: &[seepferdchen::server::db::org_units::UnitRow],
    unit: i64,
) -> Vec<seepferdchen::server::db::org_units::UnitRow> {
    units
        .iter()
        .cloned()
        .map(|mut u| {
            if u.id == unit {
                u.member_count += 1;
            }
            u
        })
        .collect()
}

/// Names sort in German order on both backends: ä with a, ß with ss, Ł with L.
async fn people_sort_in_german_order(db: &Db) {
    let (st, admin, _) = seeded(db).await;
    let unit = org_units::insert(&db.pool, None, "Sortierung", st.clock.now())
        .await
        .unwrap();
    for (i, name) in [
        "Zoe Zander",
        "Łukasz Nowak",
        "Björn Berg",
        "Bärbel Bauer",
        "Özlem Öz",
        "Oskar Ost",
    ]
    .iter()
    .enumerate()
    {
        users::insert(
            &db.pool,
            &users::NewUser {
                email: &format!("sort{i}@kreis.example"),
                display_name: name,
                personnel_no: None,
                org_unit_id: Some(unit),
                role: Role::Employee,
                now: st.clock.now(),
            },
        )
        .await
        .unwrap();
    }
    let _ = admin;
    let list = users::list(
        db,
        &users::UserFilter {
            search: "",
            units: Some(&[unit]),
            role: None,
            not_signed_in: false,
            page: 1,
            per_page: 50,
        },
    )
    .await
    .unwrap();
    let names: Vec<&str> = list.items.iter().map(|u| u.display_name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Bärbel Bauer",
            "Björn Berg",
            "Łukasz Nowak",
            "Oskar Ost",
            "Özlem Öz",
            "Zoe Zander"
        ]
    );
}

async fn user_list_filters_and_pages(db: &Db) {
    let (_st, _, coord) = seeded(db).await;
    let all = users::list(
        db,
        &users::UserFilter {
            search: "",
            units: None,
            role: None,
            not_signed_in: false,
            page: 1,
            per_page: 10,
        },
    )
    .await
    .unwrap();
    assert_eq!(all.total, 23);
    assert_eq!(all.items.len(), 10);
    assert_eq!(all.page_count(), 3);
    let page3 = users::list(
        db,
        &users::UserFilter {
            search: "",
            units: None,
            role: None,
            not_signed_in: false,
            page: 3,
            per_page: 10,
        },
    )
    .await
    .unwrap();
    assert_eq!(page3.items.len(), 3);
    let found = users::list(
        db,
        &users::UserFilter {
            search: "SCHÄF",
            units: None,
            role: None,
            not_signed_in: false,
            page: 1,
            per_page: 10,
        },
    )
    .await
    .unwrap();
    assert_eq!(
        found
            .items
            .iter()
            .map(|u| u.display_name.as_str())
            .collect::<Vec<_>>(),
        ["Clara Schäfer"]
    );
    let scope = coord.unit_filter().unwrap();
    let scoped = users::list(
        db,
        &users::UserFilter {
            search: "",
            units: Some(&scope),
            role: Some(Role::Employee),
            not_signed_in: false,
            page: 1,
            per_page: 50,
        },
    )
    .await
    .unwrap();
    assert_eq!(scoped.total, 7, "{:?}", scoped.items);
    assert!(scoped.items.iter().all(|u| u.role == Role::Employee));
    let none = users::list(
        db,
        &users::UserFilter {
            search: "",
            units: Some(&[]),
            role: None,
            not_signed_in: false,
            page: 1,
            per_page: 50,
        },
    )
    .await
    .unwrap();
    assert_eq!(none.total, 0);
}

async fn org_units_insert_update_delete(db: &Db) {
    let root = org_units::insert(&db.pool, None, "Dezernat I", 1)
        .await
        .unwrap();
    let child = org_units::insert(&db.pool, Some(root), "Amt 10", 1)
        .await
        .unwrap();
    org_units::update(&db.pool, child, Some(root), "Hauptamt")
        .await
        .unwrap();
    let all = org_units::all(&db.pool).await.unwrap();
    assert_eq!(all.len(), 2);
    assert!(all
        .iter()
        .any(|u| u.name == "Hauptamt" && u.parent_id == Some(root)));
    assert!(
        !org_units::delete_if_empty(&mut db.pool.acquire().await.unwrap(), root)
            .await
            .unwrap(),
        "has a child"
    );
    let mut conn = db.pool.acquire().await.unwrap();
    assert!(org_units::delete_if_empty(&mut conn, child).await.unwrap());
    assert!(org_units::delete_if_empty(&mut conn, root).await.unwrap());
    assert!(org_units::all(&db.pool).await.unwrap().is_empty());
}

async fn sessions_and_flashes(db: &Db) {
    let uid = users::insert(
        &db.pool,
        &users::NewUser {
            email: "s@x.de",
            display_name: "S",
            personnel_no: None,
            org_unit_id: None,
            role: Role::Employee,
            now: 1,
        },
    )
    .await
    .unwrap();
    sessions::insert(db, "h1", uid, 100).await.unwrap();
    sessions::insert(db, "h2", uid, 100).await.unwrap();
    let s = sessions::find(db, "h1").await.unwrap().unwrap();
    assert_eq!((s.created_at, s.last_seen_at, s.user.id), (100, 100, uid));
    sessions::touch(db, "h1", 150).await.unwrap();
    assert_eq!(
        sessions::find(db, "h1")
            .await
            .unwrap()
            .unwrap()
            .last_seen_at,
        150
    );
    sessions::delete_for_user(&db.pool, uid, Some("h1"))
        .await
        .unwrap();
    assert!(sessions::find(db, "h2").await.unwrap().is_none());
    assert!(sessions::find(db, "h1").await.unwrap().is_some());
    sessions::delete_expired(db, 200, 0).await.unwrap();
    assert!(sessions::find(db, "h1").await.unwrap().is_none());
    flashes::put(db, "h1", "eins", 100).await.unwrap();
    flashes::put(db, "h1", "zwei", 101).await.unwrap();
    flashes::put(db, "h2", "fremd", 101).await.unwrap();
    assert_eq!(flashes::take(db, "h1", 50).await.unwrap(), ["eins", "zwei"]);
    assert!(
        flashes::take(db, "h1", 50).await.unwrap().is_empty(),
        "read once"
    );
    assert_eq!(flashes::take(db, "h2", 50).await.unwrap(), ["fremd"]);
}

db_tests!(
    ping_answers,
    installation_date_is_set_once,
    migrations_are_idempotent,
    create_user_link_and_password,
    coordinators_create_only_employees_in_scope,
    throttle_refuses_without_hashing_and_expires,
    login_timing_does_not_reveal_accounts,
    import_is_all_or_nothing,
    import_syncs_an_hr_export,
    relative_due_dates_count_from_the_join_day,
    recertification_reenrols_on_the_current_content,
    a_content_change_keeps_certificates_and_unchanged_modules,
    extra_time_stretches_the_final_test,
    open_questions_are_named_before_grading,
    recorded_trainings_count_as_done,
    people_sort_in_german_order,
    org_tree_from_csv,
    user_list_filters_and_pages,
    org_units_insert_update_delete,
    sessions_and_flashes,
    sessions_end_after_idle_and_absolute_timeouts,
    progress_keeps_the_content_version,
    concurrent_submissions_grade_exactly_once,
    attempts_belong_to_their_owner_and_check_ids,
    three_failures_mean_a_waiting_period_and_late_answers_count_zero,
    dashboard_figures_match_the_status_matrix,
    assignments_reach_later_members_and_revocation_updates_status,
    evidence_report_names_versions_codes_and_validity,
    audit_page_filters_by_area_and_text_and_pages,
    erasure_removes_the_person_and_keeps_anonymous_completions,
    parallel_guesses_never_pass_the_throttle,
    parallel_starts_open_one_final_attempt,
    parallel_module_passes_leave_a_consistent_status,
    instances_starting_together_create_one_signing_key,
    outbox_claims_each_mail_once_and_takes_over_expired_claims,
    reminder_runs_send_each_reminder_once_and_at_most_one_mail_a_day,
    register_records_classifies_derives_and_keeps_history,
    register_changes_make_an_update_due,
    dashboard_unfolds_drills_down_and_searches,
);

/// Two workers claiming at the same moment get disjoint mails (PostgreSQL: SKIP LOCKED; SQLite:
/// the write lock); a claim that runs out (a crashed worker) is taken over; a sent mail never
/// comes back; a failed one waits for its retry time.
async fn outbox_claims_each_mail_once_and_takes_over_expired_claims(db: &Db) {
    use seepferdchen::server::db::outbox;
    for i in 0..40 {
        let id = format!("<m{i}@test>");
        outbox::enqueue(
            &db.pool,
            &outbox::NewMail {
                message_id: &id,
                kind: "invite",
                recipient: "a@musterstadt.example",
                user_id: None,
                subject: "Betreff",
                body_text: "Text",
                body_html: "<p>Text</p>",
                now: 100,
            },
        )
        .await
        .unwrap();
    }
    let (a, b) = tokio::join!(
        outbox::claim(db, 100, 200, 25),
        outbox::claim(db, 100, 200, 25)
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    let mut ids: Vec<i64> = a.iter().chain(&b).map(|m| m.id).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), a.len() + b.len(), "a mail claimed twice");
    assert_eq!(ids.len(), 40);
    assert!(outbox::claim(db, 150, 250, 50).await.unwrap().is_empty());
    // Half are sent, one fails for now, one for good; the rest belong to a crashed worker.
    for id in &ids[..20] {
        outbox::mark_sent(&db.pool, *id, 160, "250 OK")
            .await
            .unwrap();
    }
    let (retry, dead) = (ids[20], ids[21]);
    outbox::mark_failed(&db.pool, retry, "421 busy", Some(400))
        .await
        .unwrap();
    outbox::mark_failed(&db.pool, dead, "550 no such user", None)
        .await
        .unwrap();
    let taken_over = outbox::claim(db, 201, 1000, 50).await.unwrap();
    assert_eq!(taken_over.len(), 40 - 20 - 2);
    assert!(taken_over.iter().all(|m| m.attempts == 2));
    let figures = outbox::figures(db, 0).await.unwrap();
    assert_eq!((figures.waiting, figures.sent, figures.failed), (19, 20, 1));
    let problems = outbox::problems(db, 10).await.unwrap();
    assert_eq!(problems.len(), 2);
    assert!(problems
        .iter()
        .any(|p| p.failed && p.error == "550 no such user"));
    // The retry comes when due; the given-up mail only after "retry".
    assert_eq!(outbox::claim(db, 399, 500, 50).await.unwrap().len(), 0);
    let due = outbox::claim(db, 400, 500, 50).await.unwrap();
    assert_eq!(due.iter().map(|m| m.id).collect::<Vec<_>>(), vec![retry]);
    assert!(outbox::retry(db, dead, 401).await.unwrap());
    assert!(!outbox::retry(db, dead, 401).await.unwrap());
    assert_eq!(outbox::claim(db, 401, 500, 50).await.unwrap()[0].id, dead);
    assert_eq!(
        outbox::count_recent(&db.pool, "a@musterstadt.example", "invite", 100)
            .await
            .unwrap(),
        40
    );
}

async fn sessions_end_after_idle_and_absolute_timeouts(db: &Db) {
    use axum::http::{header, HeaderMap, HeaderValue};
    use seepferdchen::server::auth::session;
    let (st, admin, _) = seeded(db).await;
    let headers = |token: &str| {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_str(&format!("sid={token}")).unwrap(),
        );
        h
    };
    let idle = st.config.session_idle_seconds;
    let max = st.config.session_max_seconds;
    // Idle timeout.
    let token = session::start(&st, admin.id()).await.unwrap();
    assert!(session::user_from_headers(&st, &headers(&token))
        .await
        .unwrap()
        .is_some());
    st.clock.set(st.clock.now() + idle + 1);
    assert!(session::user_from_headers(&st, &headers(&token))
        .await
        .unwrap()
        .is_none());
    assert!(
        sessions::find(db, &token_hash(&token))
            .await
            .unwrap()
            .is_none(),
        "deleted"
    );
    // Absolute timeout, although the session is used all the time.
    let token = session::start(&st, admin.id()).await.unwrap();
    let mut elapsed = 0;
    while elapsed + idle / 2 <= max {
        st.clock.set(st.clock.now() + idle / 2);
        elapsed += idle / 2;
        assert!(session::user_from_headers(&st, &headers(&token))
            .await
            .unwrap()
            .is_some());
    }
    st.clock.set(st.clock.now() + idle / 2);
    assert!(session::user_from_headers(&st, &headers(&token))
        .await
        .unwrap()
        .is_none());
    // Deactivated users lose their sessions.
    let token = session::start(&st, admin.id()).await.unwrap();
    sqlx::query("UPDATE users SET active = 0 WHERE id = $1")
        .bind(admin.id())
        .execute(&db.pool)
        .await
        .unwrap();
    assert!(session::user_from_headers(&st, &headers(&token))
        .await
        .unwrap()
        .is_none());
}

async fn progress_keeps_the_content_version(db: &Db) {
    use seepferdchen::server::db::progress;
    let (_st, admin, _) = seeded(db).await;
    let mut conn = db.pool.acquire().await.unwrap();
    progress::complete(
        &mut conn,
        admin.id(),
        "ki-seepferdchen",
        "was-ist-ki",
        "aaaaaaaaaaaa",
        100,
    )
    .await
    .unwrap();
    progress::complete(
        &mut conn,
        admin.id(),
        "ki-seepferdchen",
        "datenschutz",
        "bbbbbbbbbbbb",
        110,
    )
    .await
    .unwrap();
    // Reading a module again after a content update records the new version.
    progress::complete(
        &mut conn,
        admin.id(),
        "ki-seepferdchen",
        "was-ist-ki",
        "cccccccccccc",
        120,
    )
    .await
    .unwrap();
    let rows = progress::for_user(db, admin.id()).await.unwrap();
    assert_eq!(
        rows,
        [
            (
                "ki-seepferdchen".to_string(),
                "datenschutz".to_string(),
                "bbbbbbbbbbbb".to_string(),
                110
            ),
            (
                "ki-seepferdchen".to_string(),
                "was-ist-ki".to_string(),
                "cccccccccccc".to_string(),
                120
            ),
        ]
    );
}

// ---- quizzes (issue 5) ------------------------------------------------------------------

use seepferdchen::server::quiz::service as quiz;

/// Form fields answering every drawn question of an attempt correctly (the test knows the
/// answers from the content; the browser never does).
async fn right_answers(st: &AppState, attempt_id: i64) -> Vec<(String, String)> {
    use seepferdchen::server::content::QuestionKind;
    let a = seepferdchen::server::db::attempts::get(&st.db, attempt_id)
        .await
        .unwrap()
        .unwrap();
    let drawn: Vec<seepferdchen::server::quiz::Drawn> = serde_json::from_str(&a.drawn).unwrap();
    let c = st.catalog.course(&a.course_slug).unwrap();
    let generated = seepferdchen::server::quiz::generated_questions(&drawn, "");
    let all: Vec<_> = c
        .modules
        .iter()
        .flat_map(|m| &m.check)
        .chain(&c.final_pool)
        .chain(&generated)
        .collect();
    let mut fields = Vec::new();
    for d in drawn {
        let q = all.iter().find(|q| q.id == d.question).unwrap();
        match q.kind {
            QuestionKind::TrueFalse => {
                fields.push((format!("q.{}", q.id), q.answer.unwrap().to_string()))
            }
            QuestionKind::Ordering => {
                for (i, o) in q.options.iter().enumerate() {
                    fields.push((
                        format!("o.{}.{}", q.id, d.shown_id(&o.id)),
                        (i + 1).to_string(),
                    ));
                }
            }
            _ => {
                for o in q.options.iter().filter(|o| o.correct) {
                    fields.push((format!("q.{}", q.id), d.shown_id(&o.id)));
                }
            }
        }
    }
    fields
}

async fn learner(st: &AppState, db: &Db, email: &str) -> Actor {
    let id = users::find_for_login(db, email).await.unwrap().unwrap().id;
    let _ = st;
    Actor {
        user: users::get(&db.pool, id).await.unwrap().unwrap(),
        scope: Scope::SelfOnly,
    }
}

async fn complete_all_modules(st: &AppState, db: &Db, actor: &Actor, slug: &str) {
    let c = st.catalog.course(slug).unwrap();
    for m in &c.modules {
        let mut conn = db.pool.acquire().await.unwrap();
        seepferdchen::server::db::progress::complete(
            &mut conn,
            actor.id(),
            slug,
            &m.id,
            &m.hash,
            1,
        )
        .await
        .unwrap();
    }
}

/// The same attempt submitted 100 times at once: exactly one graded record, one completion.
async fn concurrent_submissions_grade_exactly_once(db: &Db) {
    let (st, ..) = seeded(db).await;
    let anna = learner(&st, db, "elif.kaya@musterstadt.example").await;
    complete_all_modules(&st, db, &anna, "ki-seepferdchen").await;
    let id = quiz::start(
        &st,
        &anna,
        "ki-seepferdchen",
        None,
        seepferdchen::i18n::Locale::De,
    )
    .await
    .unwrap();
    // Starting again continues the open attempt instead of drawing a second one.
    assert_eq!(
        quiz::start(
            &st,
            &anna,
            "ki-seepferdchen",
            None,
            seepferdchen::i18n::Locale::De
        )
        .await
        .unwrap(),
        id
    );
    let fields = right_answers(&st, id).await;
    let mut tasks = Vec::new();
    for _ in 0..100 {
        let (st, anna, fields) = (st.clone(), anna.clone(), fields.clone());
        tasks.push(tokio::spawn(async move {
            quiz::submit(&st, &anna, id, &fields, seepferdchen::i18n::Locale::De).await
        }));
    }
    let mut ok = 0;
    for t in tasks {
        if t.await.unwrap().is_ok() {
            ok += 1;
        }
    }
    let graded: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM attempts WHERE id = $1 AND submitted_at IS NOT NULL",
    )
    .bind(id)
    .fetch_one(&db.pool)
    .await
    .unwrap();
    let completions: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM course_completions WHERE user_id = $1")
            .bind(anna.id())
            .fetch_one(&db.pool)
            .await
            .unwrap();
    println!("100 concurrent submissions ({:?}): {ok} answered ok, {graded} graded record, {completions} new completion", db.backend);
    assert_eq!(ok, 100, "every duplicate gets the same answer");
    assert_eq!(graded, 1);
    assert_eq!(completions, 1);
    let certificates = seepferdchen::server::db::certificates::count_for_user(db, anna.id())
        .await
        .unwrap();
    assert_eq!(certificates, 1, "exactly one certificate");
    let view = quiz::view(&st, &anna, id, seepferdchen::i18n::Locale::De)
        .await
        .unwrap();
    let r = view.result.unwrap();
    assert!(r.passed && r.course_completed);
    assert_eq!(r.points, r.max_points);
}

async fn attempts_belong_to_their_owner_and_check_ids(db: &Db) {
    let (st, ..) = seeded(db).await;
    let anna = learner(&st, db, "frank.mueller@musterstadt.example").await;
    let ben = learner(&st, db, "guel.demir@musterstadt.example").await;
    let id = quiz::start(
        &st,
        &anna,
        "ki-seepferdchen",
        Some("was-ist-ki"),
        seepferdchen::i18n::Locale::De,
    )
    .await
    .unwrap();
    // Someone else's attempt: not found, whether viewing or submitting.
    assert_eq!(
        quiz::view(&st, &ben, id, seepferdchen::i18n::Locale::De)
            .await
            .unwrap_err(),
        AppError::NotFound
    );
    let fields = right_answers(&st, id).await;
    assert_eq!(
        quiz::submit(&st, &ben, id, &fields, seepferdchen::i18n::Locale::De)
            .await
            .unwrap_err(),
        AppError::NotFound
    );
    // Foreign ids: a clear error, nothing recorded.
    let mut bad = fields.clone();
    bad.push(("q.sf-vo-f01".into(), "a".into()));
    let e = quiz::submit(&st, &anna, id, &bad, seepferdchen::i18n::Locale::De)
        .await
        .unwrap_err();
    assert_eq!(e, AppError::InvalidInput(de().quiz_unknown_ids.into()));
    let mut foreign_option = fields.clone();
    let first_q = fields
        .iter()
        .find(|(k, _)| k.starts_with("q."))
        .unwrap()
        .0
        .clone();
    foreign_option.push((first_q, "zz".into()));
    assert!(quiz::submit(
        &st,
        &anna,
        id,
        &foreign_option,
        seepferdchen::i18n::Locale::De
    )
    .await
    .is_err());
    assert!(
        quiz::view(&st, &anna, id, seepferdchen::i18n::Locale::De)
            .await
            .unwrap()
            .result
            .is_none(),
        "still open"
    );
    // A score sent along is ignored; the module is completed by passing.
    let mut with_score = fields;
    with_score.push(("points".into(), "999".into()));
    quiz::submit(&st, &anna, id, &with_score, seepferdchen::i18n::Locale::De)
        .await
        .unwrap();
    let r = quiz::view(&st, &anna, id, seepferdchen::i18n::Locale::De)
        .await
        .unwrap()
        .result
        .unwrap();
    assert!(r.passed && r.points <= r.max_points);
    let done = seepferdchen::server::db::progress::for_user(db, anna.id())
        .await
        .unwrap();
    assert_eq!(done.len(), 1);
    assert_eq!(done[0].1, "was-ist-ki");
    // Before all modules are complete the final test does not start.
    let e = quiz::start(
        &st,
        &anna,
        "ki-seepferdchen",
        None,
        seepferdchen::i18n::Locale::De,
    )
    .await
    .unwrap_err();
    assert_eq!(e, AppError::InvalidInput(de().quiz_modules_first.into()));
}

async fn three_failures_mean_a_waiting_period_and_late_answers_count_zero(db: &Db) {
    let (st, ..) = seeded(db).await;
    let ben = learner(&st, db, "ben.yilmaz@musterstadt.example").await;
    complete_all_modules(&st, db, &ben, "ki-freischwimmer").await;
    for _ in 0..3 {
        let id = quiz::start(
            &st,
            &ben,
            "ki-freischwimmer",
            None,
            seepferdchen::i18n::Locale::De,
        )
        .await
        .unwrap();
        quiz::submit(&st, &ben, id, &anyway(), seepferdchen::i18n::Locale::De)
            .await
            .unwrap();
        st.clock.set(st.clock.now() + 60);
    }
    let e = quiz::start(
        &st,
        &ben,
        "ki-freischwimmer",
        None,
        seepferdchen::i18n::Locale::De,
    )
    .await
    .unwrap_err();
    assert_eq!(e, AppError::InvalidInput(de().quiz_wait.into()));
    st.clock
        .set(st.clock.now() + st.config.final_test_wait_seconds);
    let id = quiz::start(
        &st,
        &ben,
        "ki-freischwimmer",
        None,
        seepferdchen::i18n::Locale::De,
    )
    .await
    .unwrap();
    // The time limit (25 minutes) plus grace has passed: right answers arrive too late.
    let fields = right_answers(&st, id).await;
    st.clock.set(st.clock.now() + 25 * 60 + 121);
    quiz::submit(&st, &ben, id, &fields, seepferdchen::i18n::Locale::De)
        .await
        .unwrap();
    let r = quiz::view(&st, &ben, id, seepferdchen::i18n::Locale::De)
        .await
        .unwrap()
        .result
        .unwrap();
    assert!(r.time_exceeded && !r.passed && r.points == 0, "{r:?}");
}

// ---- Coordinator view (#7) ----

use seepferdchen::model::CourseState;
use seepferdchen::server::db::assignments::{self as assignment_db, NewAssignment};
use seepferdchen::server::reports;

/// The Übersicht of one course, the scope's top unfolded.
async fn course_dashboard(
    st: &AppState,
    actor: &Actor,
    course: &str,
) -> seepferdchen::model::Dashboard {
    reports::dashboard(
        st,
        actor,
        &reports::DashboardQuery {
            course: Some(course.into()),
            ..Default::default()
        },
    )
    .await
    .unwrap()
}

/// The dashboard (per-unit aggregates in SQL plus person assignments) and the status matrix
/// (every pair worked out in Rust) must agree, for every unit, course filter and actor.
async fn assert_dashboard_matches_matrix(st: &AppState, actor: &Actor) {
    let courses: Vec<Option<&str>> = vec![None, Some("ki-seepferdchen"), Some("ki-freischwimmer")];
    for course in courses {
        let dash = reports::dashboard(
            st,
            actor,
            &reports::DashboardQuery {
                course: course.map(str::to_string),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let units = org_units::all(&st.db.pool).await.unwrap();
        for u in &dash.units {
            let filter = reports::PeopleFilter {
                unit: Some(u.id),
                course: course.map(str::to_string),
                ..Default::default()
            };
            let sel = reports::select(st, actor, &filter).await.unwrap();
            let mut counts = seepferdchen::model::StateCounts::default();
            for e in sel.entries.iter().flatten() {
                counts.add(e.state, 1);
            }
            assert_eq!(u.counts, counts, "unit {} course {course:?}", u.name);
            assert_eq!(u.people as usize, sel.people.len(), "people of {}", u.name);
        }
        let _ = units;
        // The "due soon" tile links to the people filter that lists exactly its pairs.
        let filter = reports::PeopleFilter {
            course: course.map(str::to_string),
            due_soon: true,
            ..Default::default()
        };
        let sel = reports::select(st, actor, &filter).await.unwrap();
        let soon = sel
            .entries
            .iter()
            .flatten()
            .filter(|e| {
                seepferdchen::server::tracking::is_open(e.state)
                    && seepferdchen::server::tracking::due_soon(e.assignment.due_day, sel.today)
            })
            .count();
        assert_eq!(
            dash.reminders.due_soon as usize, soon,
            "due soon, course {course:?}"
        );
    }
}

async fn dashboard_figures_match_the_status_matrix(db: &Db) {
    let (st, admin, coord) = seeded(db).await;
    let today = seepferdchen::server::tracking::today(st.clock.now());
    // Person assignments on top of the demo's unit assignments: one earlier than the unit's
    // due date, one for a course the unit does not have.
    let tim = users::find_for_login(db, "tim.lange@musterstadt.example")
        .await
        .unwrap()
        .unwrap()
        .id;
    let anna = users::find_for_login(db, "anna.becker@musterstadt.example")
        .await
        .unwrap()
        .unwrap()
        .id;
    for (user, course, due) in [
        (tim, "ki-seepferdchen", today + 1),
        (anna, "ki-freischwimmer", today + 3),
    ] {
        assignment_db::upsert(
            &db.pool,
            &NewAssignment {
                course,
                unit_id: None,
                user_id: Some(user),
                due_day: Some(due),
                due_days: None,
                mandatory: true,
                created_by: None,
                now: st.clock.now(),
            },
        )
        .await
        .unwrap();
    }
    assert_dashboard_matches_matrix(&st, &admin).await;
    assert_dashboard_matches_matrix(&st, &coord).await;
    let dash = course_dashboard(&st, &admin, "ki-seepferdchen").await;
    let unit = |name: &str| dash.units.iter().find(|u| u.name == name).unwrap().clone();
    // Bürgerbüro: Anna valid, Ben expiring, Clara expired, Tim not started.
    let bb = unit("Bürgerbüro");
    assert_eq!(
        (
            bb.counts.done,
            bb.counts.expiring,
            bb.counts.expired,
            bb.counts.not_started
        ),
        (1, 1, 1, 1)
    );
    // Anna's and Ben's certificates count as done: half of the Bürgerbüro.
    assert_eq!(bb.counts.done_percent(), Some(50));
    // Personalamt's own assignment is overdue (Oliver and Paula).
    assert_eq!(unit("Personalamt").counts.overdue, 2);
    // Fachbereich 3 is due within a week: everyone there counts as due soon.
    assert!(dash.reminders.due_soon >= unit("Fachbereich 3 – Soziales").counts.not_started);
    // Coordinators see their scope only.
    let mine = reports::dashboard(&st, &coord, &Default::default())
        .await
        .unwrap();
    let names: Vec<&str> = mine.units.iter().map(|u| u.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Fachbereich 2 – Bürgerservice und Ordnung",
            "Bürgerbüro",
            "Ordnungsamt"
        ]
    );
    // Two days later Tim's own due date has passed; his unit's has not.
    st.clock.set(st.clock.now() + 2 * 86_400);
    assert_dashboard_matches_matrix(&st, &admin).await;
    let dash = course_dashboard(&st, &admin, "ki-seepferdchen").await;
    let bb = dash.units.iter().find(|u| u.name == "Bürgerbüro").unwrap();
    assert_eq!((bb.counts.overdue, bb.counts.not_started), (1, 0));
    // Anna (valid certificate) moves to Ordnungsamt and Ben (expiring) is deactivated: the
    // figures follow at once, and still agree with the matrix.
    let units = org_units::all(&db.pool).await.unwrap();
    let ordnungsamt = units.iter().find(|u| u.name == "Ordnungsamt").unwrap().id;
    let bürgerbüro = units.iter().find(|u| u.name == "Bürgerbüro").unwrap().id;
    let ben = users::find_for_login(db, "ben.yilmaz@musterstadt.example")
        .await
        .unwrap()
        .unwrap()
        .id;
    let mut tx = db.begin().await.unwrap();
    for (id, name, unit, active) in [
        (anna, "Anna Becker", ordnungsamt, true),
        (ben, "Ben Yılmaz", bürgerbüro, false),
    ] {
        let update = users::UserUpdate {
            display_name: name,
            org_unit_id: Some(unit),
            role: seepferdchen::model::Role::Employee,
            active,
            today,
        };
        users::update(&mut tx, id, &update).await.unwrap();
    }
    tx.commit().await.unwrap();
    assert_dashboard_matches_matrix(&st, &admin).await;
    let dash = course_dashboard(&st, &admin, "ki-seepferdchen").await;
    let unit = |name: &str| dash.units.iter().find(|u| u.name == name).unwrap().clone();
    assert_eq!(
        (
            unit("Bürgerbüro").counts.done,
            unit("Bürgerbüro").counts.expiring
        ),
        (0, 0)
    );
    assert_eq!(unit("Ordnungsamt").counts.done, 1);
}

/// "Within 14 days": counted from the assignment for people already in the unit, from their
/// first day for those who join (or move in) later; the dashboard agrees with the matrix.
async fn relative_due_dates_count_from_the_join_day(db: &Db) {
    let (st, admin, _) = seeded(db).await;
    let t0 = st.clock.now();
    let day = 86_400;
    let units = org_units::all(&db.pool).await.unwrap();
    let unit = |name: &str| units.iter().find(|u| u.name == name).unwrap().id;
    let (bb, oa) = (unit("Bürgerbüro"), unit("Ordnungsamt"));
    assignment_db::upsert(
        &db.pool,
        &NewAssignment {
            course: "ki-freischwimmer",
            unit_id: Some(bb),
            user_id: None,
            due_day: None,
            due_days: Some(14),
            mandatory: true,
            created_by: None,
            now: t0,
        },
    )
    .await
    .unwrap();
    // A fixed date and a number of days at once is refused by the database.
    let both = assignment_db::upsert(
        &db.pool,
        &NewAssignment {
            course: "ki-freischwimmer",
            unit_id: Some(oa),
            user_id: None,
            due_day: Some(30_000),
            due_days: Some(14),
            mandatory: true,
            created_by: None,
            now: t0,
        },
    )
    .await;
    assert!(both.is_err());
    // Twenty days later: a new person joins the Bürgerbüro, and David moves there.
    st.clock.set(t0 + 20 * day);
    let today = seepferdchen::server::tracking::today(st.clock.now());
    let new = users::insert(
        &db.pool,
        &users::NewUser {
            email: "neu.zugang@musterstadt.example",
            display_name: "Neu Zugang",
            personnel_no: None,
            org_unit_id: Some(bb),
            role: Role::Employee,
            now: st.clock.now(),
        },
    )
    .await
    .unwrap();
    let david = users::find_for_login(db, "david.nowak@musterstadt.example")
        .await
        .unwrap()
        .unwrap()
        .id;
    let mut tx = db.begin().await.unwrap();
    let update = users::UserUpdate {
        display_name: "David Nowak",
        org_unit_id: Some(bb),
        role: Role::Employee,
        active: true,
        today,
    };
    users::update(&mut tx, david, &update).await.unwrap();
    tx.commit().await.unwrap();
    let state_of = |who: i64| {
        let st = &st;
        async move {
            let user = users::get(&st.db.pool, who).await.unwrap().unwrap();
            reports::person_courses(st, true, &user)
                .await
                .unwrap()
                .into_iter()
                .find(|c| c.slug == "ki-freischwimmer")
                .unwrap()
        }
    };
    let anna = users::find_for_login(db, "anna.becker@musterstadt.example")
        .await
        .unwrap()
        .unwrap()
        .id;
    assert_eq!(state_of(anna).await.state, CourseState::Overdue);
    for who in [new, david] {
        let c = state_of(who).await;
        assert_eq!(
            c.state,
            CourseState::NotStarted,
            "not overdue on the first day"
        );
        assert_eq!(c.due.unwrap().to_days(), today + 14);
    }
    assert_dashboard_matches_matrix(&st, &admin).await;
    let dash = course_dashboard(&st, &admin, "ki-freischwimmer").await;
    let figures = dash.units.iter().find(|u| u.id == bb).unwrap();
    assert_eq!(figures.counts.not_started, 2, "the two who joined");
    assert!(figures.counts.overdue >= 1);
    // Eight days on, their due date is near; fifteen days on, it has passed.
    st.clock.set(t0 + 28 * day);
    assert_dashboard_matches_matrix(&st, &admin).await;
    st.clock.set(t0 + 35 * day);
    assert_dashboard_matches_matrix(&st, &admin).await;
    assert_eq!(state_of(new).await.state, CourseState::Overdue);
}

/// Recertification: inside its course's re-enrolment window (30 days here, not the default
/// 60) a certificate makes the course due again by its last valid day, for the learner, in
/// the matrix and on the dashboard; a module revised since must be read again before the
/// final test, and the renewal certificate names the current content. After the last day
/// the course is expired and overdue.
async fn recertification_reenrols_on_the_current_content(db: &Db) {
    use seepferdchen::server::db::{certificates, course_status, progress};
    let (st, admin, _) = seeded(db).await;
    let day = 86_400;
    let t0 = st.clock.now();
    // A unit of its own, so the demo's certificates stay out of its figures.
    let unit = org_units::insert(&db.pool, None, "Rezertifizierung", t0)
        .await
        .unwrap();
    users::insert(
        &db.pool,
        &users::NewUser {
            email: "renate.neu@musterstadt.example",
            display_name: "Renate Neu",
            personnel_no: None,
            org_unit_id: Some(unit),
            role: Role::Employee,
            now: t0,
        },
    )
    .await
    .unwrap();
    assignment_db::upsert(
        &db.pool,
        &NewAssignment {
            course: "ki-seepferdchen",
            unit_id: Some(unit),
            user_id: None,
            due_day: None,
            due_days: Some(30),
            mandatory: true,
            created_by: None,
            now: t0,
        },
    )
    .await
    .unwrap();
    let renate = learner(&st, db, "renate.neu@musterstadt.example").await;
    let mut catalog = (*st.catalog).clone();
    let course = catalog
        .courses
        .iter_mut()
        .find(|c| c.slug == "ki-seepferdchen")
        .unwrap();
    course.renewal_days = 30;
    let st = st.with_catalog(catalog.clone());
    let pass_final = |st: AppState| {
        let renate = renate.clone();
        async move {
            let id = quiz::start(&st, &renate, "ki-seepferdchen", None, Locale::De).await?;
            let fields = right_answers(&st, id).await;
            quiz::submit(&st, &renate, id, &fields, Locale::De).await
        }
    };
    complete_all_modules(&st, db, &renate, "ki-seepferdchen").await;
    pass_final(st.clone()).await.unwrap();
    let first_due = seepferdchen::server::tracking::today(t0) + 30;
    let status = || async {
        let mut conn = db.pool.acquire().await.unwrap();
        course_status::valid_until_day(&mut conn, renate.id(), "ki-seepferdchen")
            .await
            .unwrap()
            .unwrap()
    };
    let last_day = status().await;
    let course_of = |st: AppState| {
        let user = renate.user.clone();
        async move {
            reports::person_courses(&st, true, &user)
                .await
                .unwrap()
                .into_iter()
                .find(|c| c.slug == "ki-seepferdchen")
                .unwrap()
        }
    };
    let unit_counts = |st: AppState| {
        let admin = admin.clone();
        async move {
            let dash = course_dashboard(&st, &admin, "ki-seepferdchen").await;
            dash.units.iter().find(|u| u.id == unit).unwrap().counts
        }
    };
    // 45 days before the last day: outside the 30-day window, still done.
    st.clock.set((last_day - 45) * day + 12 * 3600);
    let c = course_of(st.clone()).await;
    assert_eq!(c.state, CourseState::Done);
    assert_eq!(c.due.unwrap().to_days(), first_due);
    assert_eq!(unit_counts(st.clone()).await.done, 1);
    assert_dashboard_matches_matrix(&st, &admin).await;
    // 20 days before: due again, by the last valid day.
    st.clock.set((last_day - 20) * day + 12 * 3600);
    let c = course_of(st.clone()).await;
    assert_eq!(c.state, CourseState::Expiring);
    assert_eq!(c.due.unwrap().to_days(), last_day);
    assert_eq!(unit_counts(st.clone()).await.expiring, 1);
    assert_dashboard_matches_matrix(&st, &admin).await;
    // The content has changed since: one module revised, a new version.
    let course = catalog
        .courses
        .iter_mut()
        .find(|c| c.slug == "ki-seepferdchen")
        .unwrap();
    course.modules[1].hash = "0123456789ab".into();
    course.hash = "ba9876543210".into();
    course.version = "2.0".into();
    let revised = course.modules[1].clone();
    let st = st.with_catalog(catalog);
    let refused = pass_final(st.clone()).await;
    assert!(
        matches!(&refused, Err(seepferdchen::error::AppError::InvalidInput(m)) if m == de().quiz_modules_first),
        "{refused:?}"
    );
    let c = st.catalog.course("ki-seepferdchen").unwrap();
    let info = quiz::final_info(&st, &renate, c).await.unwrap();
    assert!(!info.modules_complete);
    let mut conn = db.pool.acquire().await.unwrap();
    let done = quiz::done_modules(&mut conn, &st, renate.id(), c)
        .await
        .unwrap();
    assert_eq!(done.len(), c.modules.len() - 1);
    assert!(!done.contains(&revised.id));
    progress::complete(
        &mut conn,
        renate.id(),
        "ki-seepferdchen",
        &revised.id,
        &revised.hash,
        st.clock.now(),
    )
    .await
    .unwrap();
    drop(conn);
    pass_final(st.clone()).await.unwrap();
    let renewed = status().await;
    assert!(renewed > last_day + 300, "a new validity from today");
    let newest = certificates::for_user(db, renate.id()).await.unwrap();
    let newest = newest
        .iter()
        .find(|r| r.valid_until_day == renewed)
        .unwrap();
    assert!(
        newest.payload.contains("2.0 (ba9876543210; KI-Register: "),
        "{}",
        newest.payload
    );
    assert_eq!(course_of(st.clone()).await.state, CourseState::Done);
    assert_eq!(unit_counts(st.clone()).await.done, 1);
    // Without a renewal, the day after the last valid day: expired, and overdue since then.
    st.clock.set((renewed + 1) * day + 12 * 3600);
    let c = course_of(st.clone()).await;
    assert_eq!(c.state, CourseState::Expired);
    assert_eq!(c.due.unwrap().to_days(), renewed);
    assert_eq!(unit_counts(st.clone()).await.expired, 1);
    assert_dashboard_matches_matrix(&st, &admin).await;
}

/// Extra time (Nachteilsausgleich): with 150 % the 30-minute final test lasts 45 minutes for
/// this person only; an answer sent at minute 40 counts, one sent after 45 minutes and the
/// two-minute transmission grace every timed test has does not. The database refuses a share
/// outside 100–300 %.
/// A form sent with questions left open is not graded: the answers given are kept and shown
/// again with the gaps named; "Trotzdem absenden" grades it as it is. Someone else's attempt
/// cannot be filled in this way.
async fn open_questions_are_named_before_grading(db: &Db) {
    use seepferdchen::server::quiz::service::Submitted;
    let (st, ..) = seeded(db).await;
    let anna = learner(&st, db, "anna.becker@musterstadt.example").await;
    let ben = learner(&st, db, "ben.yilmaz@musterstadt.example").await;
    let id = quiz::start(
        &st,
        &anna,
        "ki-seepferdchen",
        Some("was-ist-ki"),
        Locale::De,
    )
    .await
    .unwrap();
    let all = right_answers(&st, id).await;
    // One choice question answered (all its fields), the others left open.
    let first = all
        .iter()
        .find(|(k, _)| k.starts_with("q."))
        .unwrap()
        .0
        .clone();
    let partial: Vec<(String, String)> = all.iter().filter(|(k, _)| *k == first).cloned().collect();
    assert_eq!(
        quiz::submit(&st, &anna, id, &partial, Locale::De)
            .await
            .unwrap(),
        Submitted::Open
    );
    let v = quiz::view(&st, &anna, id, Locale::De).await.unwrap();
    assert!(v.result.is_none(), "nothing graded");
    let n = v.questions.len();
    let answered = v
        .questions
        .iter()
        .position(|q| format!("q.{}", q.id) == first)
        .unwrap();
    let expected: Vec<usize> = (1..=n).filter(|i| *i != answered + 1).collect();
    assert_eq!(v.open, expected);
    let kept: Vec<&String> = partial.iter().map(|(_, v)| v).collect();
    assert_eq!(
        v.questions[answered].chosen.iter().collect::<Vec<_>>(),
        kept
    );
    // Not someone else's.
    assert_eq!(
        quiz::submit(&st, &ben, id, &all, Locale::De)
            .await
            .unwrap_err(),
        AppError::NotFound
    );
    // Sent anyway: graded as it is, the open questions count as wrong.
    let mut anyway_partial = partial.clone();
    anyway_partial.extend(anyway());
    assert_eq!(
        quiz::submit(&st, &anna, id, &anyway_partial, Locale::De)
            .await
            .unwrap(),
        Submitted::Graded
    );
    let v = quiz::view(&st, &anna, id, Locale::De).await.unwrap();
    let r = v.result.unwrap();
    assert_eq!((r.points, r.max_points), (1, n as i64));
    assert!(v.open.is_empty());
    // A complete form is graded at once.
    let id = quiz::start(
        &st,
        &anna,
        "ki-seepferdchen",
        Some("staerken-grenzen"),
        Locale::De,
    )
    .await
    .unwrap();
    let all = right_answers(&st, id).await;
    assert_eq!(
        quiz::submit(&st, &anna, id, &all, Locale::De)
            .await
            .unwrap(),
        Submitted::Graded
    );
    assert!(
        quiz::view(&st, &anna, id, Locale::De)
            .await
            .unwrap()
            .result
            .unwrap()
            .passed
    );
}

async fn extra_time_stretches_the_final_test(db: &Db) {
    use seepferdchen::server::db::attempts;
    let (st, ..) = seeded(db).await;
    let lea = learner(&st, db, "elif.kaya@musterstadt.example").await;
    let other = learner(&st, db, "frank.mueller@musterstadt.example").await;
    assert!(users::set_time_percent(&db.pool, lea.id(), 400)
        .await
        .is_err());
    users::set_time_percent(&db.pool, lea.id(), 300)
        .await
        .unwrap();
    let c = st.catalog.course("ki-seepferdchen").unwrap();
    assert_eq!(c.final_test.time_limit_minutes, Some(15));
    for who in [&lea, &other] {
        complete_all_modules(&st, db, who, "ki-seepferdchen").await;
    }
    let info = quiz::final_info(&st, &lea, c).await.unwrap();
    assert_eq!(info.time_limit_minutes, Some(45));
    let info = quiz::final_info(&st, &other, c).await.unwrap();
    assert_eq!(info.time_limit_minutes, Some(15), "only for her");
    let start = |st: AppState, who: Actor| async move {
        quiz::start(&st, &who, "ki-seepferdchen", None, Locale::De)
            .await
            .unwrap()
    };
    let t0 = st.clock.now();
    let id = start(st.clone(), lea.clone()).await;
    let a = attempts::get(&st.db, id).await.unwrap().unwrap();
    assert_eq!(a.deadline_at, Some(t0 + 45 * 60));
    let o = start(st.clone(), other.clone()).await;
    let b = attempts::get(&st.db, o).await.unwrap().unwrap();
    assert_eq!(b.deadline_at, Some(t0 + 15 * 60));
    // Minute 40: counted.
    st.clock.set(t0 + 40 * 60);
    let fields = right_answers(&st, id).await;
    quiz::submit(&st, &lea, id, &fields, Locale::De)
        .await
        .unwrap();
    let v = quiz::view(&st, &lea, id, Locale::De).await.unwrap();
    let r = v.result.unwrap();
    assert!(r.passed && !r.time_exceeded);
    // A second attempt sent at minute 46 of its 45: too late, the answers count nothing.
    let t1 = st.clock.now();
    let id = start(st.clone(), lea.clone()).await;
    st.clock.set(t1 + 46 * 60);
    let fields = right_answers(&st, id).await;
    quiz::submit(&st, &lea, id, &fields, Locale::De)
        .await
        .unwrap();
    let r = quiz::view(&st, &lea, id, Locale::De)
        .await
        .unwrap()
        .result
        .unwrap();
    assert!(r.time_exceeded && !r.passed && r.points == 0, "{r:?}");
    // A form sent back with open questions at minute 20 and confirmed at minute 47: the answers
    // kept in time count, nothing sent late does.
    use seepferdchen::server::quiz::service::Submitted;
    let t2 = st.clock.now();
    let id = start(st.clone(), lea.clone()).await;
    st.clock.set(t2 + 20 * 60);
    let fields = right_answers(&st, id).await;
    let first = fields
        .iter()
        .find(|(k, _)| k.starts_with("q."))
        .unwrap()
        .0
        .clone();
    let partial: Vec<(String, String)> = fields
        .iter()
        .filter(|(k, _)| *k == first)
        .cloned()
        .collect();
    assert_eq!(
        quiz::submit(&st, &lea, id, &partial, Locale::De)
            .await
            .unwrap(),
        Submitted::Open
    );
    st.clock.set(t2 + 47 * 60);
    let mut late = fields.clone();
    late.extend(anyway());
    assert_eq!(
        quiz::submit(&st, &lea, id, &late, Locale::De)
            .await
            .unwrap(),
        Submitted::Graded
    );
    let r = quiz::view(&st, &lea, id, Locale::De)
        .await
        .unwrap()
        .result
        .unwrap();
    assert!(r.time_exceeded && r.points == 1, "{r:?}");
    // After the deadline, within the grace: graded at once, open questions and all.
    let t3 = st.clock.now();
    let id = start(st.clone(), lea.clone()).await;
    st.clock.set(t3 + 45 * 60 + 10);
    assert_eq!(
        quiz::submit(&st, &lea, id, &[], Locale::De).await.unwrap(),
        Submitted::Graded
    );
}

/// A classroom training recorded for twelve people of the Bürgerbüro (by e-mail address or
/// personnel number): each has the course as done with a certificate naming the form, the
/// evidence says how; bad lists are refused whole; a revoked certificate undoes the "done".
async fn recorded_trainings_count_as_done(db: &Db) {
    use seepferdchen::server::completions::{record, Input};
    let (st, admin, coord) = seeded(db).await;
    let units = org_units::all(&db.pool).await.unwrap();
    let unit = |name: &str| units.iter().find(|u| u.name == name).unwrap().id;
    let bb = unit("Bürgerbüro");
    let mut list = String::new();
    for i in 0..12 {
        let email = format!("bauhof{i}@musterstadt.example");
        let id = users::insert(
            &db.pool,
            &users::NewUser {
                email: &email,
                display_name: &format!("Bauhof Person {i}"),
                personnel_no: Some(&format!("BH-{i}")),
                org_unit_id: Some(bb),
                role: Role::Employee,
                now: st.clock.now(),
            },
        )
        .await
        .unwrap();
        assert!(id > 0);
        // Half by address (in capitals, as lists are typed), half by personnel number.
        if i % 2 == 0 {
            list.push_str(&format!("{}\n", email.to_uppercase()));
        } else {
            list.push_str(&format!("  BH-{i};\n"));
        }
    }
    let today = seepferdchen::i18n::Date::in_germany(st.clock.now());
    let day = seepferdchen::i18n::Date::from_days(today.to_days() - 3).iso();
    let count = || async {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM manual_completions")
            .fetch_one(&db.pool)
            .await
            .unwrap()
    };
    // Bad input: each is named, nothing is written.
    let sozial = "ingo.krause@musterstadt.example";
    for (people, day, field, needle) in [
        (list.clone(), today.to_days() + 1, "datum", "Zukunft"),
        (
            String::new(),
            today.to_days(),
            "personen",
            "mindestens eine Person",
        ),
        (
            format!("{list}niemand@musterstadt.example\n"),
            today.to_days(),
            "personen",
            "Zeile 13",
        ),
        (
            format!("{list}{sozial}\n"),
            today.to_days(),
            "personen",
            "nicht zu Ihrem Bereich",
        ),
        (
            format!("{list}BH-0\n"),
            today.to_days(),
            "personen",
            "schon in Zeile 1",
        ),
    ] {
        let day = seepferdchen::i18n::Date::from_days(day).iso();
        let err = record(
            &st,
            &coord,
            &Input {
                course: "ki-seepferdchen",
                day: &day,
                format: "praesenz",
                trainer: "Frau Schulz",
                note: "",
                people: &people,
            },
            de(),
        )
        .await
        .unwrap_err();
        let message = err.field_message(field).unwrap_or_default();
        assert!(message.contains(needle), "{field}: {message}");
        assert_eq!(count().await, 0, "nothing written");
    }
    let (session, n) = record(
        &st,
        &coord,
        &Input {
            course: "ki-seepferdchen",
            day: &day,
            format: "praesenz",
            trainer: "Frau Schulz",
            note: "Bauhof, Raum 2",
            people: &list,
        },
        de(),
    )
    .await
    .unwrap();
    assert_eq!(n, 12);
    let people = seepferdchen::server::db::manual::participants(db, session)
        .await
        .unwrap();
    assert_eq!(people.len(), 12);
    assert!(people.iter().all(|p| p.code.is_some() && !p.revoked));
    let first = users::get(&db.pool, people[0].user_id)
        .await
        .unwrap()
        .unwrap();
    let state_now = |user: seepferdchen::server::db::users::UserRecord| {
        let st = &st;
        async move {
            reports::person_courses(st, true, &user)
                .await
                .unwrap()
                .into_iter()
                .find(|c| c.slug == "ki-seepferdchen")
                .unwrap()
        }
    };
    let c = state_now(first.clone()).await;
    assert_eq!(c.state, CourseState::Done);
    assert_eq!(c.completed.unwrap().to_days(), today.to_days() - 3);
    assert_eq!(
        c.recorded.as_deref(),
        Some("Präsenzschulung"),
        "its own marker"
    );
    let cert = &seepferdchen::server::db::certificates::for_user(db, first.id)
        .await
        .unwrap()[0];
    let payload: seepferdchen::server::certificate::Payload =
        serde_json::from_str(&cert.payload).unwrap();
    assert_eq!(payload.format.as_deref(), Some("Präsenzschulung"));
    assert_eq!(payload.completed_on, day);
    // The evidence report names the form.
    let e = reports::evidence::build(&st, &admin, Some(bb), seepferdchen::i18n::Locale::De)
        .await
        .unwrap();
    let line = e
        .lines
        .iter()
        .find(|l| l.name == first.display_name)
        .unwrap();
    assert!(
        line.version.ends_with("· Präsenzschulung"),
        "{}",
        line.version
    );
    assert!(line.done);
    // Revoked like any certificate: the course is no longer done.
    let mut tx = db.begin().await.unwrap();
    assert!(seepferdchen::server::db::certificates::revoke(
        &mut tx,
        &cert.code,
        "Teilnahme nicht belegt",
        st.clock.now()
    )
    .await
    .unwrap());
    seepferdchen::server::db::course_status::refresh(&mut tx, first.id, "ki-seepferdchen")
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_ne!(state_now(first).await.state, CourseState::Done);
    // A coordinator of another area does not see the training.
    assert!(
        seepferdchen::server::db::manual::sessions(db, Some(&[unit("Sozialamt")]), 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        seepferdchen::server::db::manual::sessions(db, Some(&[bb]), 10)
            .await
            .unwrap()
            .len(),
        1
    );
}

async fn assignments_reach_later_members_and_revocation_updates_status(db: &Db) {
    let (st, admin, coord) = seeded(db).await;
    let ordnungsamt = org_units::all(&db.pool)
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.name == "Ordnungsamt")
        .unwrap()
        .id;
    // Someone who joins Ordnungsamt later gets FB2's Seepferdchen assignment.
    let link = accounts::create_user(
        &st,
        Some(&coord),
        &accounts::NewUserInput {
            display_name: "Nele Neu".into(),
            email: "nele.neu@musterstadt.example".into(),
            org_unit_id: Some(ordnungsamt),
            role: seepferdchen::model::Role::Employee,
        },
        de(),
    )
    .await
    .unwrap();
    let nele = users::get(&db.pool, link.user_id).await.unwrap().unwrap();
    let courses = reports::person_courses(&st, true, &nele).await.unwrap();
    let s = courses
        .iter()
        .find(|c| c.slug == "ki-seepferdchen")
        .expect("assigned through the unit");
    assert!(s.assigned && s.mandatory && s.due.is_some());
    assert_eq!(s.state, CourseState::NotStarted);
    // Completing a module (here recorded directly) makes it "in progress".
    let actor = learner(&st, db, "nele.neu@musterstadt.example").await;
    let c = st.catalog.course("ki-seepferdchen").unwrap();
    let m = &c.modules[0];
    let mut tx = db.begin().await.unwrap();
    seepferdchen::server::db::progress::complete(
        &mut tx,
        actor.id(),
        &c.slug,
        &m.id,
        &m.hash,
        st.clock.now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let courses = reports::person_courses(&st, true, &nele).await.unwrap();
    assert_eq!(
        courses
            .iter()
            .find(|c| c.slug == "ki-seepferdchen")
            .unwrap()
            .state,
        CourseState::InProgress
    );
    // Revoking Anna's certificate takes her from done back to in progress, in one transaction.
    let anna = learner(&st, db, "anna.becker@musterstadt.example").await;
    let before = reports::person_courses(&st, true, &anna.user)
        .await
        .unwrap();
    assert_eq!(
        before
            .iter()
            .find(|c| c.slug == "ki-seepferdchen")
            .unwrap()
            .state,
        CourseState::Done
    );
    let code = seepferdchen::server::db::certificates::for_user(db, anna.id())
        .await
        .unwrap()[0]
        .code
        .clone();
    let mut tx = db.begin().await.unwrap();
    assert!(
        seepferdchen::server::db::certificates::revoke(&mut tx, &code, "Test", st.clock.now())
            .await
            .unwrap()
    );
    tx.commit().await.unwrap();
    let after = reports::person_courses(&st, true, &anna.user)
        .await
        .unwrap();
    assert_eq!(
        after
            .iter()
            .find(|c| c.slug == "ki-seepferdchen")
            .unwrap()
            .state,
        CourseState::InProgress
    );
    // Upsert: assigning the same course to the same unit again changes it, never duplicates.
    let n = assignment_db::all(db).await.unwrap().len();
    for due in [Some(30_000), None] {
        assignment_db::upsert(
            &db.pool,
            &NewAssignment {
                course: "ki-seepferdchen",
                unit_id: Some(ordnungsamt),
                user_id: None,
                due_day: due,
                due_days: None,
                mandatory: false,
                created_by: Some(admin.id()),
                now: 1,
            },
        )
        .await
        .unwrap();
    }
    let all = assignment_db::all(db).await.unwrap();
    assert_eq!(all.len(), n + 1);
    assert!(all
        .iter()
        .any(|a| a.unit_id == Some(ordnungsamt) && a.due_day.is_none() && !a.mandatory));
    // Removing a unit removes its assignments (no dangling rows).
    let id = all
        .iter()
        .find(|a| a.unit_id == Some(ordnungsamt))
        .unwrap()
        .id;
    assert!(assignment_db::delete(&db.pool, id).await.unwrap());
    assert!(!assignment_db::delete(&db.pool, id).await.unwrap());
}

async fn evidence_report_names_versions_codes_and_validity(db: &Db) {
    let (st, admin, coord) = seeded(db).await;
    let t = de();
    let units = org_units::all(&db.pool).await.unwrap();
    let bb = units.iter().find(|u| u.name == "Bürgerbüro").unwrap().id;
    let fb3 = units.iter().find(|u| u.name == "Sozialamt").unwrap().id;
    let e = reports::evidence::build(&st, &coord, Some(bb), seepferdchen::i18n::Locale::De)
        .await
        .unwrap();
    assert!(e.unit.ends_with("Bürgerbüro"));
    assert_eq!(e.org, st.config.org_name);
    let anna_code = seepferdchen::server::db::certificates::for_user(
        db,
        users::find_for_login(db, "anna.becker@musterstadt.example")
            .await
            .unwrap()
            .unwrap()
            .id,
    )
    .await
    .unwrap()[0]
        .code
        .clone();
    let anna = e
        .lines
        .iter()
        .find(|l| l.name == "Anna Becker" && l.course == "KI-Seepferdchen")
        .expect("Anna's line");
    assert_eq!(anna.code, anna_code);
    assert!(anna.completed.is_some() && anna.valid_until.is_some());
    assert!(!anna.version.is_empty());
    let clara = e.lines.iter().find(|l| l.name == "Clara Schäfer").unwrap();
    assert_eq!(clara.state, t.state_expired);
    let tim = e.lines.iter().find(|l| l.name == "Tim Lange").unwrap();
    assert!(tim.code.is_empty() && tim.completed.is_none());
    // Out of scope: the coordinator of FB2 gets nothing of Sozialamt.
    assert!(matches!(
        reports::evidence::build(&st, &coord, Some(fb3), seepferdchen::i18n::Locale::De).await,
        Err(seepferdchen::error::AppError::NotFound)
    ));
    // The admin's report of everything, as CSV and as PDF.
    let all = reports::evidence::build(&st, &admin, None, seepferdchen::i18n::Locale::De)
        .await
        .unwrap();
    let csv = reports::evidence::to_csv(&all, t);
    assert!(csv.starts_with('\u{feff}'));
    assert!(csv.contains("Nachweis der Schulungsmaßnahmen zur KI-Kompetenz (Art. 4 KI-VO)"));
    assert!(csv.contains(&anna_code));
    // Unit figures: per unit people, assigned courses, done and the share.
    assert!(csv.contains("Stand je Organisationseinheit"));
    let bb_total = all
        .unit_totals()
        .into_iter()
        .find(|u| u.unit.ends_with("Bürgerbüro"))
        .unwrap();
    assert!(bb_total.assigned > 0 && bb_total.done <= bb_total.assigned);
    assert!(csv.contains(&format!("{} %", bb_total.percent().unwrap())));
    // PDF/UA-1: krilla refuses to write a document that fails its validation.
    let pdf = reports::evidence::to_pdf(&all, t).unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    assert_pdf_shows_every_unit_and_code(&pdf, &all);

    // A unit name longer than its column and many pages: wrapped, not cut.
    let long = "Amt für Digitalisierung, Informationssicherheit, Organisationsentwicklung und \
                interkommunale Zusammenarbeit";
    let unit = org_units::insert(&db.pool, Some(bb), long, st.clock.now())
        .await
        .unwrap();
    for i in 0..120 {
        users::insert(
            &db.pool,
            &users::NewUser {
                email: &format!("lang{i}@musterstadt.example"),
                display_name: &format!("Maximiliane Wilhelmine Hohenzollern-Musterfrau {i}"),
                personnel_no: None,
                org_unit_id: Some(unit),
                role: Role::Employee,
                now: st.clock.now(),
            },
        )
        .await
        .unwrap();
    }
    let all = reports::evidence::build(&st, &admin, None, seepferdchen::i18n::Locale::De)
        .await
        .unwrap();
    let pdf = reports::evidence::to_pdf(&all, t).unwrap();
    if let Ok(path) = std::env::var("EVIDENCE_PDF_OUT") {
        std::fs::write(format!("{path}-{:?}.pdf", db.backend), &pdf).unwrap();
    }
    let info = assert_pdf_shows_every_unit_and_code(&pdf, &all);
    let pages: usize = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap();
    assert!(pages >= 4, "{pages} pages");
}

/// pdfinfo says the PDF is tagged; pdftotext (in content order) finds every unit path, code
/// and the header of the people table on every page. Returns pdfinfo's output.
fn assert_pdf_shows_every_unit_and_code(
    pdf: &[u8],
    e: &seepferdchen::server::reports::evidence::Evidence,
) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nachweis.pdf");
    std::fs::write(&path, pdf).unwrap();
    let info = std::process::Command::new("pdfinfo")
        .arg(&path)
        .output()
        .unwrap();
    let info = String::from_utf8_lossy(&info.stdout).to_string();
    assert!(info.contains("Tagged:          yes"), "{info}");
    assert!(
        info.contains("Nachweis der Schulungsmaßnahmen"),
        "title: {info}"
    );
    let out = std::process::Command::new("pdftotext")
        .args(["-raw", "-enc", "UTF-8"])
        .arg(&path)
        .arg("-")
        .output()
        .unwrap();
    let raw = String::from_utf8(out.stdout).unwrap();
    // Lines broken inside a cell join again: after a hyphen without a space.
    let text = raw
        .replace("-\n", "-")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    for l in &e.lines {
        let unit = l.unit.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(text.contains(&unit), "unit {unit:?} missing");
        let code = seepferdchen::server::reports::evidence_pdf::grouped_code(&l.code);
        assert!(text.contains(&code), "code {code:?} missing");
    }
    info
}

async fn audit_page_filters_by_area_and_text_and_pages(db: &Db) {
    for i in 0..60 {
        let (action, target) = if i % 3 == 0 {
            ("assignment.create", format!("Bürgerbüro {i}"))
        } else {
            ("user.update", format!("person{i}@example.org"))
        };
        audit::write(
            &db.pool,
            &audit::Entry {
                at: i,
                actor_id: None,
                actor: "Karl Koordination",
                action,
                target: &target,
                details: "",
            },
        )
        .await
        .unwrap();
    }
    let all = audit::page(db, "", "", 1, 50).await.unwrap();
    assert_eq!((all.total, all.items.len()), (60, 50));
    assert_eq!(all.items[0].at, 59, "newest first");
    let last = audit::page(db, "", "", 2, 50).await.unwrap();
    assert_eq!(last.items.len(), 10);
    // A page beyond the end shows the last page.
    assert_eq!(audit::page(db, "", "", 99, 50).await.unwrap().page, 2);
    let assignments = audit::page(db, "assignment", "", 1, 50).await.unwrap();
    assert_eq!(assignments.total, 20);
    assert!(assignments
        .items
        .iter()
        .all(|e| e.action == "assignment.create"));
    // Case-insensitive search over actor, target and details (3, 30, 33, 36, 39); a % in the
    // search text is no wildcard.
    assert_eq!(
        audit::page(db, "", "BÜRGERBÜRO 3", 1, 50)
            .await
            .unwrap()
            .total,
        5
    );
    assert_eq!(
        audit::page(db, "", "koordination", 1, 50)
            .await
            .unwrap()
            .total,
        60
    );
    assert_eq!(
        audit::page(db, "user", "person1@", 1, 50)
            .await
            .unwrap()
            .total,
        1
    );
    assert_eq!(audit::page(db, "", "%", 1, 50).await.unwrap().total, 60);
}

/// Deleting a person (issue 9), on both backends (foreign keys are checked on both): everything
/// about them goes, their completion stays without name, the audit log keeps a pseudonym; the
/// export of another person still works and holds only that person.
async fn erasure_removes_the_person_and_keeps_anonymous_completions(db: &Db) {
    use seepferdchen::server::db::personal;
    use sqlx::Row;
    let (st, admin, _) = seeded(db).await;
    let anna = users::find_for_login(db, "anna.becker@musterstadt.example")
        .await
        .unwrap()
        .unwrap()
        .id;
    let record = users::get(&db.pool, anna).await.unwrap().unwrap();
    let code = seepferdchen::server::db::certificates::for_user(db, anna)
        .await
        .unwrap()[0]
        .code
        .clone();
    // Something of hers in every table erasure touches.
    session_for(&st, anna).await;
    seepferdchen::server::db::barriers::insert(
        db,
        &seepferdchen::server::db::barriers::NewReport {
            at: 1,
            page: "/kurse",
            description: "Kontrast zu schwach",
            contact: "0123 456789",
            user_id: Some(anna),
            ip: "127.0.0.1",
        },
    )
    .await
    .unwrap();
    admin
        .audit(
            &db.pool,
            1,
            "user.update",
            &record.email,
            "Anna Becker: unit changed",
        )
        .await
        .unwrap();
    let before = personal::export(db, anna).await.unwrap();
    assert_eq!(before["konto"][0]["email"], record.email);
    assert_eq!(before["zertifikate"].as_array().unwrap().len(), 1);
    assert!(!before["protokoll"].as_array().unwrap().is_empty());

    let mut tx = db.begin().await.unwrap();
    let erased = personal::erase(
        &mut tx,
        anna,
        &record.email,
        &record.display_name,
        "Gelöschte Person #1",
        2,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(erased.kept_completions, 1);
    assert_eq!(erased.certificates, 1);

    assert!(users::get(&db.pool, anna).await.unwrap().is_none());
    assert!(seepferdchen::server::db::certificates::by_code(db, &code)
        .await
        .unwrap()
        .is_none());
    for table in [
        "module_progress",
        "attempts",
        "course_completions",
        "course_status",
        "sessions",
        "assignments",
    ] {
        let n: i64 =
            sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table} WHERE user_id = $1"))
                .bind(anna)
                .fetch_one(&db.pool)
                .await
                .unwrap();
        assert_eq!(n, 0, "{table}");
    }
    // Her barrier report stays (the barrier still needs fixing), without her or her contact.
    let report = sqlx::query("SELECT user_id, contact, description FROM barrier_reports")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(report.get::<Option<i64>, _>(0), None);
    assert_eq!(report.get::<String, _>(1), "");
    assert_eq!(report.get::<String, _>(2), "Kontrast zu schwach");
    let kept = sqlx::query(
        "SELECT o.name, e.course_slug, e.certificate_code FROM erased_completions e \
         JOIN org_units o ON o.id = e.org_unit_id",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].get::<String, _>(0), "Bürgerbüro");
    assert_eq!(kept[0].get::<String, _>(1), "ki-seepferdchen");
    assert_eq!(kept[0].get::<String, _>(2), code);
    let log: Vec<String> = sqlx::query_scalar("SELECT actor || target || details FROM audit_log")
        .fetch_all(&db.pool)
        .await
        .unwrap();
    assert!(log.iter().any(|l| l.contains("Gelöschte Person #1")));
    // The evidence report shows the kept completion without name, in her former unit.
    let e = reports::evidence::build(&st, &admin, None, seepferdchen::i18n::Locale::De)
        .await
        .unwrap();
    let kept_line = e
        .lines
        .iter()
        .find(|l| l.code == code)
        .expect("the anonymous completion in the evidence report");
    assert_eq!(kept_line.name, "Gelöschte Person (anonym)");
    assert!(kept_line.email.is_empty() && kept_line.unit.ends_with("Bürgerbüro"));
    assert_eq!(kept_line.course, "KI-Seepferdchen");
    assert!(kept_line.completed.is_some() && kept_line.valid_until.is_some());
    assert!(e.lines.iter().all(|l| l.name != "Anna Becker"));
    assert!(log
        .iter()
        .all(|l| !l.contains(&record.email) && !l.contains("Anna Becker")));

    let ben = users::find_for_login(db, "ben.yilmaz@musterstadt.example")
        .await
        .unwrap()
        .unwrap()
        .id;
    let export = personal::export(db, ben).await.unwrap();
    assert_eq!(export["konto"][0]["display_name"], "Ben Yılmaz");
    assert!(!export.to_string().contains("anna.becker"));
}

async fn session_for(st: &AppState, user: i64) {
    seepferdchen::server::auth::session::start(st, user)
        .await
        .unwrap();
}

// ---- Concurrency (#19, #23) ----

/// 40 wrong passwords for one account at once: exactly the five the limit allows reach the
/// password check; the rest are refused, and so is the right password afterwards. 60 failures
/// from one address at once, each for another account: exactly 20 are checked.
async fn parallel_guesses_never_pass_the_throttle(db: &Db) {
    let (st, ..) = seeded(db).await;
    let email = "anna.becker@musterstadt.example";
    let burst = |n: usize, email: Option<&'static str>, ip: &'static str| {
        let st = st.clone();
        async move {
            let tasks: Vec<_> = (0..n)
                .map(|i| {
                    let st = st.clone();
                    let email = email
                        .map(str::to_string)
                        .unwrap_or_else(|| format!("niemand{i}@musterstadt.example"));
                    tokio::spawn(async move {
                        accounts::authenticate(&st, &email, "falsch falsch falsch", ip).await
                    })
                })
                .collect();
            let mut failed = 0;
            let mut limited = 0;
            for t in tasks {
                match t.await.unwrap() {
                    Err(AppError::LoginFailed) => failed += 1,
                    Err(AppError::RateLimited) => limited += 1,
                    other => panic!("unexpected answer {other:?}"),
                }
            }
            (failed, limited)
        }
    };
    let hashes = st.hasher.verification_count();
    let (failed, limited) = burst(40, Some("anna.becker@musterstadt.example"), "10.1.0.1").await;
    println!(
        "40 parallel guesses ({:?}): {failed} checked, {limited} refused",
        db.backend
    );
    assert_eq!((failed, limited), (5, 35));
    assert_eq!(
        st.hasher.verification_count() - hashes,
        5,
        "five hashes only"
    );
    let e = accounts::authenticate(&st, email, accounts::demo::DEMO_PASSWORD, "10.1.0.2")
        .await
        .unwrap_err();
    assert_eq!(
        e,
        AppError::RateLimited,
        "the right password comes too late"
    );
    let (failed, limited) = burst(60, None, "10.1.0.3").await;
    println!(
        "60 parallel failures from one address ({:?}): {failed} checked, {limited} refused",
        db.backend
    );
    assert_eq!((failed, limited), (20, 40));
    // A success is recorded as one: the account's failures before it no longer count.
    st.clock.set(st.clock.now() + 15 * 60 + 1);
    let ben = "ben.yilmaz@musterstadt.example";
    for _ in 0..4 {
        let _ = accounts::authenticate(&st, ben, "falsch falsch falsch", "10.1.0.4").await;
    }
    accounts::authenticate(&st, ben, accounts::demo::DEMO_PASSWORD, "10.1.0.4")
        .await
        .unwrap();
    for _ in 0..4 {
        let _ = accounts::authenticate(&st, ben, "falsch falsch falsch", "10.1.0.4").await;
    }
    accounts::authenticate(&st, ben, accounts::demo::DEMO_PASSWORD, "10.1.0.4")
        .await
        .unwrap();
}

async fn count_final_attempts(db: &Db, user: i64) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM attempts WHERE user_id = $1 AND kind = 'final'")
        .bind(user)
        .fetch_one(&db.pool)
        .await
        .unwrap()
}

/// Twelve starts at once open one final attempt, after failures too; once the waiting period
/// applies, none.
async fn parallel_starts_open_one_final_attempt(db: &Db) {
    let (st, ..) = seeded(db).await;
    let ben = learner(&st, db, "ben.yilmaz@musterstadt.example").await;
    complete_all_modules(&st, db, &ben, "ki-freischwimmer").await;
    let starts = || {
        let tasks: Vec<_> = (0..12)
            .map(|_| {
                let (st, ben) = (st.clone(), ben.clone());
                tokio::spawn(async move {
                    quiz::start(
                        &st,
                        &ben,
                        "ki-freischwimmer",
                        None,
                        seepferdchen::i18n::Locale::De,
                    )
                    .await
                })
            })
            .collect();
        async move {
            let mut out = Vec::new();
            for t in tasks {
                out.push(t.await.unwrap());
            }
            out
        }
    };
    let before = count_final_attempts(db, ben.id()).await;
    let mut rounds = 0;
    // Failed attempts until the waiting period starts (three in a row).
    loop {
        let results = starts().await;
        if results
            .iter()
            .all(|r| r == &Err(AppError::InvalidInput(de().quiz_wait.into())))
        {
            break;
        }
        rounds += 1;
        assert!(
            rounds <= 3,
            "the waiting period starts after three failures"
        );
        let ids: std::collections::HashSet<i64> =
            results.iter().map(|r| *r.as_ref().unwrap()).collect();
        assert_eq!(
            ids.len(),
            1,
            "round {rounds}: one attempt for all twelve starts"
        );
        assert_eq!(count_final_attempts(db, ben.id()).await, before + rounds);
        let id = *ids.iter().next().unwrap();
        quiz::submit(&st, &ben, id, &anyway(), seepferdchen::i18n::Locale::De)
            .await
            .unwrap();
        st.clock.set(st.clock.now() + 60);
    }
    assert!(
        rounds >= 2,
        "at least two rounds before the waiting period ({rounds})"
    );
    assert_eq!(
        count_final_attempts(db, ben.id()).await,
        before + rounds,
        "no attempt while waiting"
    );
}

/// Two module passes of one person and course committing at the same moment, eight rounds:
/// the stored status must name the earliest progress (PostgreSQL's READ COMMITTED let each
/// transaction aggregate a snapshot without the other's row). The invariant check finds
/// nothing afterwards, and does find a row corrupted on purpose.
async fn parallel_module_passes_leave_a_consistent_status(db: &Db) {
    use seepferdchen::server::db::course_status;
    let (st, ..) = seeded(db).await;
    // The Übersicht's counts exist (as of some day): the triggers keep them from here on.
    course_status::counts_by_unit(db, 20_600, &[], 60, None)
        .await
        .unwrap();
    let c = st.catalog.course("ki-seepferdchen").unwrap();
    let modules: Vec<(String, String)> = c
        .modules
        .iter()
        .map(|m| (m.id.clone(), m.hash.clone()))
        .collect();
    assert!(modules.len() >= 2);
    let emails = [
        "frank.mueller@musterstadt.example",
        "guel.demir@musterstadt.example",
        "elif.kaya@musterstadt.example",
        "ben.yilmaz@musterstadt.example",
    ];
    for (round, email) in emails.iter().cycle().take(8).enumerate() {
        let who = learner(&st, db, email).await;
        let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(2));
        let tasks: Vec<_> = (0..2)
            .map(|k| {
                let (db, barrier, module) = (db.clone(), barrier.clone(), modules[k].clone());
                let user = who.id();
                let at = 1_000_000 + (round as i64) * 10 + k as i64;
                tokio::spawn(async move {
                    let mut tx = db.begin().await.unwrap();
                    sqlx::query(
                        "INSERT INTO module_progress (user_id, course_slug, module_id, content_hash, completed_at) \
                         VALUES ($1, 'ki-seepferdchen', $2, $3, $4) \
                         ON CONFLICT (user_id, course_slug, module_id) DO UPDATE SET completed_at = excluded.completed_at",
                    )
                    .bind(user)
                    .bind(&module.0)
                    .bind(&module.1)
                    .bind(at)
                    .execute(&mut *tx)
                    .await
                    .unwrap();
                    // On PostgreSQL both rows are written before either refreshes. SQLite
                    // admits one writer at a time, so the other waits at BEGIN instead.
                    if db.backend == Backend::Postgres {
                        barrier.wait().await;
                    }
                    course_status::refresh(&mut tx, user, "ki-seepferdchen")
                        .await
                        .unwrap();
                    tx.commit().await.unwrap();
                })
            })
            .collect();
        for t in tasks {
            t.await.unwrap();
        }
    }
    let drift = course_status::drift(db).await.unwrap();
    assert!(
        drift.is_empty(),
        "status differs from its sources: {drift:?}"
    );
    // The Übersicht's counts, kept by triggers through the parallel changes, match a recount.
    let summary = course_status::summary_drift(db).await.unwrap();
    assert!(summary.is_empty(), "unit counts differ: {summary:?}");
    sqlx::query("UPDATE course_status SET started_at = 7 WHERE user_id = (SELECT MIN(user_id) FROM course_status)")
        .execute(&db.pool)
        .await
        .unwrap();
    assert_eq!(
        course_status::drift(db).await.unwrap().len(),
        1,
        "the check sees a wrong row"
    );
}

/// Eight instances starting at once on an empty database converge on one signing key.
async fn instances_starting_together_create_one_signing_key(db: &Db) {
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let db = db.clone();
            tokio::spawn(async move {
                seepferdchen::server::certificate::load_or_create_key(&db, 1)
                    .await
                    .unwrap()
                    .key_id
            })
        })
        .collect();
    let mut ids = std::collections::HashSet::new();
    for t in tasks {
        ids.insert(t.await.unwrap());
    }
    assert_eq!(ids.len(), 1, "every instance uses the same key");
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM signing_keys")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(stored, 1, "exactly one key is published");
}

/// Reminder mails queued so far, per person: (user id, subject, body text).
async fn reminder_mails(db: &Db, kind: &str) -> Vec<(i64, String, String)> {
    sqlx::query_as(
        "SELECT user_id, subject, body_text FROM mail_outbox WHERE kind = $1 ORDER BY id",
    )
    .bind(kind)
    .fetch_all(&db.pool)
    .await
    .unwrap()
}

/// The reminder run with a moving clock: due soon, overdue the day after and then weekly up to
/// the cap, expiring certificates at 60 and 14 days, opt-out, English, one mail a person a day
/// (several reminders combined), repeated runs and two instances at once sending nothing twice.
async fn reminder_runs_send_each_reminder_once_and_at_most_one_mail_a_day(db: &Db) {
    use seepferdchen::server::config::MailMode;
    use seepferdchen::server::db::{assignments, reminders};
    use seepferdchen::server::mail::reminders::{run, run_without_lease};
    let (mut st, _admin, _coord) = seeded(db).await;
    let _ = &mut st;
    let dir = tempfile::tempdir().unwrap();
    let mut config = (*st.config).clone();
    config.mail.mode = MailMode::File(dir.path().to_path_buf());
    st = st.with_config(config);
    let day = 86_400;
    let t0 = 1_800_000_000;
    let today = seepferdchen::server::tracking::today(t0);
    // Demo people have reminders of their own; these people sit in a unit of their own.
    let unit = org_units::insert(&db.pool, None, "Erinnerungsamt", t0)
        .await
        .unwrap();
    let mut ids = Vec::new();
    for (email, name) in [
        ("anna.erinnert@musterstadt.example", "Anna Erinnert"),
        ("bernd.abbestellt@musterstadt.example", "Bernd Abbestellt"),
        ("claire.english@musterstadt.example", "Claire English"),
    ] {
        let id = users::insert(
            &db.pool,
            &users::NewUser {
                email,
                display_name: name,
                personnel_no: None,
                org_unit_id: Some(unit),
                role: seepferdchen::model::Role::Employee,
                now: t0,
            },
        )
        .await
        .unwrap();
        ids.push(id);
    }
    let (anna, bernd, claire) = (ids[0], ids[1], ids[2]);
    reminders::set_settings(
        db,
        bernd,
        &reminders::MailSettings {
            locale: "de".into(),
            reminders: false,
            digest: true,
        },
    )
    .await
    .unwrap();
    reminders::set_settings(
        db,
        claire,
        &reminders::MailSettings {
            locale: "en".into(),
            reminders: true,
            digest: true,
        },
    )
    .await
    .unwrap();
    let mut courses = st.catalog.published().map(|c| c.slug.clone());
    let (first, second) = (courses.next().unwrap(), courses.next().unwrap());
    let due = today + 5;
    assignments::upsert(
        &db.pool,
        &assignments::NewAssignment {
            course: &first,
            unit_id: Some(unit),
            user_id: None,
            due_day: Some(due),
            due_days: None,
            mandatory: true,
            created_by: None,
            now: t0,
        },
    )
    .await
    .unwrap();
    let ours = |mails: Vec<(i64, String, String)>| -> Vec<(i64, String, String)> {
        mails.into_iter().filter(|m| ids.contains(&m.0)).collect()
    };
    let at = |st: &AppState, t: i64| st.clock.set(t);
    // Five days before: a "due soon" reminder to Anna and Claire (in English), none to Bernd.
    at(&st, t0);
    let report = run(&st).await.unwrap().expect("lease free");
    assert!(report.reminder_mails >= 2, "{report:?}");
    let mails = ours(reminder_mails(db, "reminder").await);
    assert_eq!(
        mails.iter().map(|m| m.0).collect::<Vec<_>>(),
        [anna, claire],
        "{mails:?}"
    );
    assert!(
        mails[0].1.starts_with("Erinnerung an Ihre Pflichtkurse"),
        "{}",
        mails[0].1
    );
    assert!(mails[0].2.contains("bitte bis zum"), "{}", mails[0].2);
    assert!(
        mails[1].1.starts_with("Reminder of your mandatory courses"),
        "{}",
        mails[1].1
    );
    // The same day again: nothing new.
    run(&st).await.unwrap();
    assert_eq!(ours(reminder_mails(db, "reminder").await).len(), 2);

    // The day after the due date: overdue; then weekly, four in all.
    let mut expected = 2;
    for (offset, sends) in [
        (1, true),
        (1, false),
        (4, false),
        (8, true),
        (14, false),
        (15, true),
        (22, true),
        (29, false),
        (36, false),
    ] {
        at(&st, t0 + (5 + offset) * day);
        run(&st).await.unwrap();
        if sends {
            expected += 2;
        }
        let mails = ours(reminder_mails(db, "reminder").await);
        assert_eq!(mails.len(), expected, "day due+{offset}: {mails:?}");
    }
    let anna_mails: Vec<_> = ours(reminder_mails(db, "reminder").await)
        .into_iter()
        .filter(|m| m.0 == anna)
        .collect();
    assert_eq!(
        anna_mails
            .iter()
            .filter(|m| m.1.starts_with("Erinnerung: Pflichtkurs überfällig"))
            .count(),
        4
    );

    // Two things on one day become one mail; a mail of the day already sent defers the rest.
    let d = today + 60;
    at(&st, t0 + 60 * day);
    assignments::upsert(
        &db.pool,
        &assignments::NewAssignment {
            course: &second,
            unit_id: Some(unit),
            user_id: None,
            due_day: Some(d + 3),
            due_days: None,
            mandatory: true,
            created_by: None,
            now: t0,
        },
    )
    .await
    .unwrap();
    // Anna's certificate for the first course runs out in 50 days.
    sqlx::query("INSERT INTO course_status (user_id, course_slug, started_at, completed_at, valid_until_day, org_unit_id) VALUES ($1, $2, $3, $3, $4, $5) \
                 ON CONFLICT (user_id, course_slug) DO UPDATE SET valid_until_day = excluded.valid_until_day, completed_at = excluded.completed_at")
        .bind(anna).bind(&first).bind(t0).bind(d + 50).bind(unit)
        .execute(&db.pool).await.unwrap();
    assert!(reminders::claim_day(&db.pool, claire, d).await.unwrap());
    let report = run(&st).await.unwrap().unwrap();
    assert!(report.deferred >= 1, "{report:?}");
    let mails = ours(reminder_mails(db, "reminder").await);
    let last = mails.last().unwrap();
    assert_eq!(last.0, anna);
    assert!(
        last.2.contains("Ihr Zertifikat gilt bis") && last.2.contains("bitte bis zum"),
        "combined: {}",
        last.2
    );
    let before = mails.len();
    // Claire's reminder goes out the next day; two instances at once send it once.
    at(&st, t0 + 61 * day);
    let (a, b) = tokio::join!(run_without_lease(&st), run_without_lease(&st));
    let (a, b) = (a.unwrap(), b.unwrap());
    let mails = ours(reminder_mails(db, "reminder").await);
    assert_eq!(mails.len(), before + 1, "{a:?} {b:?} {mails:?}");
    assert_eq!(mails.last().unwrap().0, claire);
    // 14 days before the certificate's end: the second notice, and only that.
    let certificate_notices = |mails: Vec<(i64, String, String)>| {
        mails
            .iter()
            .filter(|m| m.0 == anna && m.2.contains("Ihr Zertifikat gilt bis"))
            .count()
    };
    at(&st, t0 + (60 + 36) * day);
    run(&st).await.unwrap();
    assert_eq!(certificate_notices(reminder_mails(db, "reminder").await), 2);
    at(&st, t0 + (60 + 40) * day);
    run(&st).await.unwrap();
    assert_eq!(certificate_notices(reminder_mails(db, "reminder").await), 2);
    assert!(
        reminder_mails(db, "reminder")
            .await
            .iter()
            .all(|m| m.0 != bernd),
        "opted out"
    );

    // Coordinators: one digest a week at most.
    let digests = reminder_mails(db, "digest").await;
    assert!(
        !digests.is_empty(),
        "the demo coordinators have things to see"
    );
    assert!(
        digests.iter().all(|m| m.1.starts_with("Wochenübersicht")),
        "{digests:?}"
    );
    let per_week = digests.len();
    run(&st).await.unwrap();
    assert_eq!(reminder_mails(db, "digest").await.len(), per_week);
    // A held lease: the run is left to its holder.
    assert!(reminders::take_lease(
        db,
        "mail-reminders",
        "other",
        t0 + 100 * day,
        t0 + 101 * day
    )
    .await
    .unwrap());
    at(&st, t0 + 100 * day + 10);
    assert_eq!(run(&st).await.unwrap(), None);
}

/// Both backends' migrations must build the same schema: the same tables, columns (declared type,
/// NOT NULL, primary key) and indexes (columns in order, UNIQUE, partial or not). A column added
/// to one migration folder only, or an index forgotten on PostgreSQL, fails here instead of in a
/// production that grew past one machine. Runs with the PostgreSQL tests (`postgres::`).
mod schema {
    use std::collections::BTreeMap;

    use seepferdchen::server::db::Db;
    use sqlx::Row;

    /// table → (columns "name type [NOT NULL] [PK]", indexes "UNIQUE? (cols) [WHERE]")
    type Schema = BTreeMap<String, (Vec<String>, Vec<String>)>;

    /// SQLite stores every integer column as 64 bits, whatever its declared name; PostgreSQL's
    /// INTEGER has 32. So a PostgreSQL INTEGER where SQLite has an integer is a difference (an
    /// overflow waiting on one backend only), and SQLite's INTEGER matches PostgreSQL's BIGINT.
    /// Bytes are BLOB on SQLite and BYTEA on PostgreSQL.
    fn kind(ty: &str, sqlite: bool) -> String {
        let ty = ty.to_ascii_uppercase();
        match ty.as_str() {
            t if sqlite && t.contains("INT") => "INT64".into(),
            "BIGINT" => "INT64".into(),
            "BLOB" | "BYTEA" => "BYTES".into(),
            "INTEGER" => "INT32".into(),
            "SMALLINT" => "INT16".into(),
            _ => ty,
        }
    }

    fn column(name: &str, ty: &str, not_null: bool, pk: bool) -> String {
        format!(
            "{name} {}{}{}",
            ty,
            if not_null || pk { " NOT NULL" } else { "" },
            if pk { " PK" } else { "" }
        )
    }

    fn index(unique: bool, cols: &str, partial: bool) -> String {
        format!(
            "{}({cols}){}",
            if unique { "UNIQUE " } else { "" },
            if partial { " WHERE" } else { "" }
        )
    }

    async fn sqlite_schema(db: &Db) -> Schema {
        let mut schema = Schema::new();
        let tables = sqlx::query(
            "SELECT name FROM sqlite_master WHERE type = 'table' \
             AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations' ORDER BY name",
        )
        .fetch_all(&db.pool)
        .await
        .expect("tables");
        for t in tables {
            let table: String = t.get(0);
            let cols = sqlx::query(
                "SELECT name, type, \"notnull\", pk FROM pragma_table_info(?) ORDER BY cid",
            )
            .bind(&table)
            .fetch_all(&db.pool)
            .await
            .expect("columns");
            let mut columns: Vec<String> = cols
                .iter()
                .map(|c| {
                    let name: String = c.get(0);
                    let ty: String = c.get(1);
                    column(
                        &name,
                        &kind(&ty, true),
                        c.get::<i64, _>(2) != 0,
                        c.get::<i64, _>(3) != 0,
                    )
                })
                .collect();
            columns.sort();
            let list = sqlx::query(
                "SELECT name, \"unique\", partial FROM pragma_index_list(?) WHERE origin <> 'pk'",
            )
            .bind(&table)
            .fetch_all(&db.pool)
            .await
            .expect("indexes");
            let mut indexes = Vec::new();
            for i in list {
                let name: String = i.get(0);
                let cols: Vec<String> =
                    sqlx::query("SELECT name FROM pragma_index_info(?) ORDER BY seqno")
                        .bind(&name)
                        .fetch_all(&db.pool)
                        .await
                        .expect("index columns")
                        .iter()
                        .map(|r| r.get::<String, _>(0))
                        .collect();
                indexes.push(index(
                    i.get::<i64, _>(1) != 0,
                    &cols.join(", "),
                    i.get::<i64, _>(2) != 0,
                ));
            }
            indexes.sort();
            schema.insert(table, (columns, indexes));
        }
        schema
    }

    async fn postgres_schema(db: &Db) -> Schema {
        let mut schema = Schema::new();
        let cols = sqlx::query(
            "SELECT c.table_name::text, c.column_name::text, upper(c.data_type::text), \
                    (c.is_nullable = 'NO')::int::bigint, \
                    EXISTS (SELECT 1 FROM information_schema.table_constraints tc \
                            JOIN information_schema.key_column_usage k \
                              ON k.constraint_name = tc.constraint_name AND k.table_name = tc.table_name \
                            WHERE tc.table_schema = 'public' AND tc.constraint_type = 'PRIMARY KEY' \
                              AND tc.table_name = c.table_name AND k.column_name = c.column_name)::int::bigint \
             FROM information_schema.columns c JOIN information_schema.tables t \
               ON t.table_name = c.table_name AND t.table_schema = c.table_schema \
             WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE' \
               AND c.table_name <> '_sqlx_migrations'",
        )
        .fetch_all(&db.pool)
        .await
        .expect("columns");
        for c in cols {
            let table: String = c.get(0);
            let name: String = c.get(1);
            let ty: String = c.get(2);
            schema.entry(table).or_default().0.push(column(
                &name,
                &kind(&ty, false),
                c.get::<i64, _>(3) != 0,
                c.get::<i64, _>(4) != 0,
            ));
        }
        let indexes = sqlx::query(
            "SELECT t.relname::text, ix.indisunique::int::bigint, (ix.indpred IS NOT NULL)::int::bigint, \
                    array_to_string(ARRAY(SELECT a.attname::text \
                        FROM unnest(ix.indkey) WITH ORDINALITY AS k(attnum, ord) \
                        JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum \
                        ORDER BY k.ord), ', ') \
             FROM pg_index ix JOIN pg_class t ON t.oid = ix.indrelid \
             JOIN pg_namespace n ON n.oid = t.relnamespace \
             WHERE n.nspname = 'public' AND NOT ix.indisprimary AND t.relname <> '_sqlx_migrations'",
        )
        .fetch_all(&db.pool)
        .await
        .expect("indexes");
        for i in indexes {
            let table: String = i.get(0);
            let cols: String = i.get(3);
            schema.entry(table).or_default().1.push(index(
                i.get::<i64, _>(1) != 0,
                &cols,
                i.get::<i64, _>(2) != 0,
            ));
        }
        for (columns, indexes) in schema.values_mut() {
            columns.sort();
            indexes.sort();
        }
        schema
    }

    mod postgres {
        #[tokio::test]
        async fn both_backends_migrate_to_the_same_schema() {
            let lite = super::super::TestDb::sqlite().await;
            let pg = super::super::TestDb::postgres().await;
            let a = super::sqlite_schema(&lite.db).await;
            let b = super::postgres_schema(&pg.db).await;
            assert!(a.len() >= 20, "tables found: {:?}", a.keys());
            let tables_a: Vec<&String> = a.keys().collect();
            let tables_b: Vec<&String> = b.keys().collect();
            assert_eq!(tables_a, tables_b, "tables (SQLite left, PostgreSQL right)");
            for (table, (cols, idx)) in &a {
                let (pg_cols, pg_idx) = &b[table];
                assert_eq!(
                    cols, pg_cols,
                    "columns of {table} (SQLite left, PostgreSQL right)"
                );
                assert_eq!(
                    idx, pg_idx,
                    "indexes of {table} (SQLite left, PostgreSQL right)"
                );
            }
            let columns: usize = a.values().map(|(c, _)| c.len()).sum();
            let indexes: usize = a.values().map(|(_, i)| i.len()).sum();
            println!(
                "schema parity: {} tables, {columns} columns, {indexes} indexes alike on both backends",
                a.len()
            );
            lite.close().await;
            pg.close().await;
        }
    }
}

/// An installation from before recorded trainings: SQLite rebuilds `course_completions`, and
/// every completion, its attempt and its certificate come through unchanged, with foreign keys
/// still enforced.
#[tokio::test]
async fn sqlite_upgrade_keeps_completions_and_certificates() {
    use sqlx::Executor;
    sqlx::any::install_default_drivers();
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/alt.db?mode=rwc", dir.path().display());
    let mut all = sqlx::migrate!("migrations/sqlite");
    let before_13: Vec<_> = all
        .migrations
        .iter()
        .filter(|m| m.version < 13)
        .cloned()
        .collect();
    all.migrations = before_13.into();
    {
        let pool = sqlx::AnyPool::connect(&url).await.unwrap();
        all.run(&pool).await.unwrap();
        pool.execute(
            "INSERT INTO users (id, email, display_name, role, active, created_at) \
             VALUES (1, 'a@b.de', 'Anna', 'employee', 1, 0); \
             INSERT INTO attempts (id, user_id, course_slug, kind, content_hash, drawn, max_points, \
               started_at) VALUES (7, 1, 'ki-seepferdchen', 'final', 'h', '[]', 10, 0); \
             INSERT INTO course_completions (id, user_id, course_slug, content_hash, attempt_id, \
               completed_at) VALUES (3, 1, 'ki-seepferdchen', 'h', 7, 100); \
             INSERT INTO signing_keys (key_id, secret_key, public_key, created_at) \
               VALUES ('k', 's', 'p', 0); \
             INSERT INTO certificates (id, code, user_id, completion_id, payload, signature, \
               key_id, course_slug, valid_until_day, issued_at) \
               VALUES (5, 'C', 1, 3, '{}', 'sig', 'k', 'ki-seepferdchen', 30000, 100);",
        )
        .await
        .unwrap();
        pool.close().await;
    }
    let db = Db::connect(&url).await.expect("the upgrade runs");
    let row: (i64, i64, Option<i64>, Option<i64>) = sqlx::query_as(
        "SELECT c.id, c.attempt_id, c.manual_id, z.id FROM course_completions c \
         JOIN certificates z ON z.completion_id = c.id",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!(row, (3, 7, None, Some(5)));
    // Foreign keys are on again: a certificate of a completion that does not exist is refused,
    // and so is a completion with neither an attempt nor a session.
    let orphan = db
        .pool
        .execute(
            "INSERT INTO certificates (code, user_id, completion_id, payload, signature, key_id, \
             course_slug, valid_until_day, issued_at) \
             VALUES ('D', 1, 99, '{}', 's', 'k', 'x', 1, 1)",
        )
        .await;
    assert!(orphan.is_err());
    let neither = db
        .pool
        .execute(
            "INSERT INTO course_completions (user_id, course_slug, content_hash, completed_at) \
             VALUES (1, 'x', 'h', 1)",
        )
        .await;
    assert!(neither.is_err());
    db.close().await;
}

use seepferdchen::server::register::{self as register, store as register_store};

fn system_input(name: &str, units: Vec<i64>, course: &str) -> register::Input {
    register::Input {
        name: name.into(),
        provider: "Beispiel GmbH".into(),
        product: "Version 1".into(),
        purpose: "Schlägt Termine vor".into(),
        status: "im-einsatz".into(),
        role: "betreiber".into(),
        responsible: "Ordnungsamt".into(),
        units,
        course: course.into(),
        ..register::Input::default()
    }
}

async fn unit_id(db: &Db, name: &str) -> i64 {
    org_units::all(&db.pool)
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.name == name)
        .unwrap()
        .id
}

async fn assigned(st: &AppState, db: &Db, email: &str, course: &str) -> bool {
    let person = learner(st, db, email).await;
    reports::person_courses(st, true, &person.user)
        .await
        .unwrap()
        .iter()
        .any(|c| c.slug == course && c.assigned)
}

fn field_of(e: AppError) -> String {
    match e {
        AppError::Fields(f) => f[0].field.clone(),
        other => panic!("expected a field error, got {other:?}"),
    }
}

/// The KI-Register end to end on the database: the demo's five systems, a new system whose
/// units get its course (later members too), a change that needs its classification
/// reviewed, a stale edit refused, a high-risk system without oversight refused with nothing
/// saved, a coordinator's scope, a duty's state as a new version, the public list, and two
/// editors saving the same version at once (exactly one wins).
async fn register_records_classifies_derives_and_keeps_history(db: &Db) {
    let (st, admin, coord) = seeded(db).await;
    let t = de();
    let all = seepferdchen::server::db::register::all(db).await.unwrap();
    assert_eq!(all.len(), 5);
    let high = all
        .iter()
        .find(|s| s.system.class == register::RiskClass::High)
        .expect("the demo's high-risk system");
    assert!(!high.system.oversight.is_empty());
    assert_eq!(
        seepferdchen::server::db::register::history(db, high.id)
            .await
            .unwrap()
            .len(),
        1
    );
    // The oversight persons named with their address get the oversight course; their
    // colleagues do not.
    assert!(
        assigned(
            &st,
            db,
            "ulrike.peters@musterstadt.example",
            "ki-rettungsschwimmer"
        )
        .await
    );
    assert!(
        assigned(
            &st,
            db,
            "guel.demir@musterstadt.example",
            "ki-rettungsschwimmer"
        )
        .await
    );
    assert!(
        !assigned(
            &st,
            db,
            "hannah.weiss@musterstadt.example",
            "ki-rettungsschwimmer"
        )
        .await
    );
    // The demo's KI-Koordination keeps the register for the whole organisation.
    let sophie = learner(&st, db, "sophie.braun@musterstadt.example").await;
    assert!(sophie.user.ai_coordinator && sophie.can_edit_register());
    assert!(!coord.can_edit_register());
    assert!(!register_store::may_read(&coord, &high.system.units));

    // A new system in Ordnungsamt with the Freischwimmer: its people are due, later ones too.
    let ordnungsamt = unit_id(db, "Ordnungsamt").await;
    let id = register_store::save(
        &st,
        &sophie,
        None,
        system_input("Terminassistent", vec![ordnungsamt], "ki-freischwimmer"),
        false,
        t,
    )
    .await
    .unwrap();
    let member = users::list(
        db,
        &users::UserFilter {
            search: "",
            units: Some(&[ordnungsamt]),
            role: None,
            not_signed_in: false,
            page: 1,
            per_page: 1,
        },
    )
    .await
    .unwrap()
    .items
    .into_iter()
    .next()
    .expect("someone in Ordnungsamt")
    .email;
    assert!(assigned(&st, db, &member, "ki-freischwimmer").await);
    accounts::create_user(
        &st,
        Some(&admin),
        &NewUserInput {
            display_name: "Olaf Ordnung".into(),
            email: "olaf.ordnung@musterstadt.example".into(),
            org_unit_id: Some(ordnungsamt),
            role: Role::Employee,
        },
        t,
    )
    .await
    .unwrap();
    assert!(
        assigned(
            &st,
            db,
            "olaf.ordnung@musterstadt.example",
            "ki-freischwimmer"
        )
        .await
    );

    // A changed purpose asks for the classification to be reviewed; confirmed, it is version 2
    // with the change in the history.
    let mut changed = system_input("Terminassistent", vec![ordnungsamt], "ki-freischwimmer");
    changed.purpose = "Schlägt Termine vor und schreibt Einladungen".into();
    let e = register_store::save(&st, &sophie, Some((id, 1)), changed.clone(), false, t)
        .await
        .unwrap_err();
    assert_eq!(field_of(e), "einstufung_geprueft");
    register_store::save(&st, &sophie, Some((id, 1)), changed.clone(), true, t)
        .await
        .unwrap();
    let history = seepferdchen::server::db::register::history(db, id)
        .await
        .unwrap();
    assert_eq!(history.len(), 2);
    assert!(history[0].changes.contains("zweck") && history[0].actor.contains("Sophie"));
    // An edit of a version someone else has changed meanwhile is refused.
    let stale = register_store::save(&st, &sophie, Some((id, 1)), changed.clone(), true, t)
        .await
        .unwrap_err();
    assert!(matches!(stale, AppError::InvalidInput(_)), "{stale:?}");

    // Out of service: the derived assignment goes; nobody is due any more.
    let mut retired = changed.clone();
    retired.status = "ausser-betrieb".into();
    register_store::save(&st, &sophie, Some((id, 2)), retired, false, t)
        .await
        .unwrap();
    assert!(
        !assigned(
            &st,
            db,
            "olaf.ordnung@musterstadt.example",
            "ki-freischwimmer"
        )
        .await
    );

    // High-risk without oversight persons, a planned system made public, an unpublished
    // course, a taken name: each refused, nothing saved.
    let mut bad = system_input("Bescheidprüfung", vec![ordnungsamt], "");
    bad.answers.annex3 = Some("5".into());
    let e = register_store::save(&st, &sophie, None, bad, false, t)
        .await
        .unwrap_err();
    assert_eq!(field_of(e), "aufsicht");
    let mut bad = system_input("Planung", vec![], "");
    bad.status = "geplant".into();
    bad.published = true;
    bad.public_oversight = "Die Poststelle prüft jeden Vorschlag.".into();
    let e = register_store::save(&st, &sophie, None, bad, false, t)
        .await
        .unwrap_err();
    assert_eq!(field_of(e), "veroeffentlicht");
    let e = register_store::save(
        &st,
        &sophie,
        None,
        system_input("X", vec![], "entwurf"),
        false,
        t,
    )
    .await
    .unwrap_err();
    assert_eq!(field_of(e), "kurs");
    let e = register_store::save(
        &st,
        &sophie,
        None,
        system_input("Textassistent", vec![], ""),
        false,
        t,
    )
    .await
    .unwrap_err();
    assert_eq!(field_of(e), "name");
    assert_eq!(
        seepferdchen::server::db::register::all(db)
            .await
            .unwrap()
            .len(),
        6
    );

    // A coordinator who also keeps the register: only her units, only their systems.
    seepferdchen::server::db::register::set_ai_coordinator(&db.pool, coord.id(), true)
        .await
        .unwrap();
    let mut coord = coord.clone();
    coord.user.ai_coordinator = true;
    let sozialamt = unit_id(db, "Sozialamt").await;
    let e = register_store::save(
        &st,
        &coord,
        None,
        system_input("Fremd", vec![sozialamt], ""),
        false,
        t,
    )
    .await
    .unwrap_err();
    assert_eq!(field_of(e), "einheiten");
    let hs = high.system.clone();
    let mut own = system_input(&hs.name, hs.units.clone(), "");
    own.oversight = hs.oversight.clone();
    let e = register_store::save(&st, &coord, Some((high.id, high.version)), own, true, t)
        .await
        .unwrap_err();
    assert_eq!(e, AppError::NotFound);
    assert!(register_store::save(
        &st,
        &coord,
        None,
        system_input("Eigen", vec![ordnungsamt], ""),
        false,
        t
    )
    .await
    .is_ok());
    // Nor a system of no unit, which she could not see afterwards.
    let e = register_store::save(
        &st,
        &coord,
        None,
        system_input("Ohne", vec![], ""),
        false,
        t,
    )
    .await
    .unwrap_err();
    assert_eq!(field_of(e), "einheiten");
    // One the organisation-wide KI-Koordination recorded without a unit is out of her reach.
    let unitless = register_store::save(
        &st,
        &sophie,
        None,
        system_input("Ohne Einheit", vec![], ""),
        false,
        t,
    )
    .await
    .unwrap();
    let e = register_store::save(
        &st,
        &coord,
        Some((unitless, 1)),
        system_input("Ohne Einheit", vec![ordnungsamt], ""),
        true,
        t,
    )
    .await
    .unwrap_err();
    assert_eq!(e, AppError::NotFound);

    // Gül Demir no longer oversees the pre-check: her oversight course goes, Ulrike's stays;
    // an address nobody has is refused.
    let mut fewer = system_input(
        &hs.name,
        hs.units.clone(),
        &hs.course.clone().unwrap_or_default(),
    );
    fewer.purpose = hs.purpose.clone();
    fewer.product = hs.product.clone();
    fewer.provider = hs.provider.clone();
    fewer.status = hs.status.code().into();
    fewer.answers = hs.answers.clone();
    fewer.oversight_course = "ki-freischwimmer".into();
    fewer.published = true;
    fewer.public_oversight = hs.public_oversight.clone();
    fewer.oversight = "Wer Anders <wer@anderswo.example>".into();
    let e = register_store::save(
        &st,
        &admin,
        Some((high.id, high.version)),
        fewer.clone(),
        false,
        t,
    )
    .await
    .unwrap_err();
    assert_eq!(field_of(e), "aufsicht");
    fewer.oversight = "Ulrike Peters <ulrike.peters@musterstadt.example>".into();
    register_store::save(&st, &admin, Some((high.id, high.version)), fewer, false, t)
        .await
        .unwrap();
    assert!(
        assigned(
            &st,
            db,
            "ulrike.peters@musterstadt.example",
            "ki-freischwimmer"
        )
        .await
    );
    assert!(
        !assigned(
            &st,
            db,
            "guel.demir@musterstadt.example",
            "ki-freischwimmer"
        )
        .await
    );
    let high = seepferdchen::server::db::register::all(db)
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.id == high.id)
        .unwrap();

    // A duty's state is a new version; an unknown duty or state is refused.
    let duty = |code: &'static str, status: &'static str| register_store::DutyInput {
        duty: code,
        status,
        day: "2026-11-20",
        responsible: "Sachgebietsleitung",
        evidence: "Aktenzeichen 50.1-2026",
    };
    register_store::save_duty(&st, &admin, high.id, &duty("grundrechte", "erledigt"), t)
        .await
        .unwrap();
    let duties = seepferdchen::server::db::register::duties(&db.pool, high.id)
        .await
        .unwrap();
    let fria = duties.iter().find(|d| d.duty == "grundrechte").unwrap();
    assert_eq!(
        (fria.status.as_str(), fria.evidence.as_str()),
        ("erledigt", "Aktenzeichen 50.1-2026")
    );
    assert_eq!(
        seepferdchen::server::db::register::history(db, high.id)
            .await
            .unwrap()[0]
            .version,
        3,
        "the oversight change, then the duty"
    );
    assert_eq!(
        register_store::save_duty(&st, &admin, high.id, &duty("erfunden", "erledigt"), t).await,
        Err(AppError::NotFound)
    );
    assert!(
        register_store::save_duty(&st, &admin, high.id, &duty("grundrechte", "fertig"), t)
            .await
            .is_err()
    );

    // The public register lists published systems only (the demo publishes its five; the
    // new ones are not published).
    let public = seepferdchen::server::register::public::list(&st, t)
        .await
        .unwrap();
    assert_eq!(public.len(), 5);
    assert!(public.iter().all(|p| p.name != "Terminassistent"));

    // Two editors save the same version at the same moment: one wins, the other is told.
    let current = seepferdchen::server::db::register::all(db)
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.system.name == "Eigen")
        .unwrap();
    let runs = (0..4).map(|i| {
        let (st, sophie) = (st.clone(), sophie.clone());
        let mut input = system_input("Eigen", vec![ordnungsamt], "");
        input.contact = format!("kontakt{i}@musterstadt.example");
        async move {
            register_store::save(
                &st,
                &sophie,
                Some((current.id, current.version)),
                input,
                false,
                de(),
            )
            .await
        }
    });
    let results = futures::future::join_all(runs).await;
    let ok = results.iter().filter(|r| r.is_ok()).count();
    assert_eq!(ok, 1, "{results:?}");
    assert!(results
        .iter()
        .all(|r| r.is_ok() || matches!(r, Err(AppError::InvalidInput(_)) | Err(AppError::Busy))));
}

/// Lena (update0@) took the Freischwimmer in a recorded training on `day`.
async fn freischwimmer_done(st: &AppState, admin: &Actor, day: i64) {
    use seepferdchen::server::completions::{record, Input};
    record(
        st,
        admin,
        &Input {
            course: "ki-freischwimmer",
            day: &seepferdchen::i18n::Date::from_days(day).iso(),
            format: "praesenz",
            trainer: "",
            note: "",
            people: "update0@musterstadt.example",
        },
        de(),
    )
    .await
    .unwrap();
}

/// A change of model, class or rules makes an update due for those who learnt the system (not
/// for those who never did, not for a change of contact); a confirmation or the course taken
/// again ends it; a system set to "course again" refuses a mere confirmation; the reach on the
/// system page counts it; a person outside the using units cannot read or confirm it.
async fn register_changes_make_an_update_due(db: &Db) {
    use seepferdchen::server::register::updates;
    let (st, admin, _coord) = seeded(db).await;
    let t = de();
    let sophie = learner(&st, db, "sophie.braun@musterstadt.example").await;
    let ordnungsamt = unit_id(db, "Ordnungsamt").await;
    let input = system_input("Terminassistent", vec![ordnungsamt], "ki-freischwimmer");
    let id = register_store::save(&st, &sophie, None, input.clone(), false, t)
        .await
        .unwrap();
    let mut people = Vec::new();
    for (i, name) in ["Lena Lernt", "Nils Neu"].iter().enumerate() {
        let email = format!("update{i}@musterstadt.example");
        users::insert(
            &db.pool,
            &users::NewUser {
                email: &email,
                display_name: name,
                personnel_no: None,
                org_unit_id: Some(ordnungsamt),
                role: Role::Employee,
                now: st.clock.now(),
            },
        )
        .await
        .unwrap();
        people.push(learner(&st, db, &email).await);
    }
    let (lena, nils) = (&people[0], &people[1]);
    // Lena completed the course three days ago; Nils never did.
    let today = seepferdchen::i18n::Date::in_germany(st.clock.now());
    freischwimmer_done(&st, &admin, today.to_days() - 3).await;
    let due = |a: &Actor| {
        let (st, user) = (&st, a.user.clone());
        async move { updates::for_person(st, &user).await.unwrap() }
    };
    assert!(due(lena).await.is_empty(), "nothing changed yet");

    // A new contact is no reason to tell anyone.
    let mut contact = input.clone();
    contact.contact = "termine@musterstadt.example".into();
    register_store::save(&st, &sophie, Some((id, 1)), contact.clone(), false, t)
        .await
        .unwrap();
    assert!(
        due(lena).await.is_empty(),
        "a contact change needs no update"
    );

    // A new house rule: Lena is due within 30 days, Nils learns it from the course itself.
    let mut rules = contact.clone();
    rules.prohibited_uses = "Keine Gesundheitsdaten eingeben".into();
    register_store::save(&st, &sophie, Some((id, 2)), rules.clone(), false, t)
        .await
        .unwrap();
    let d = due(lena).await;
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!((d[0].system, d[0].version), (id, 3));
    assert_eq!(d[0].due.to_days(), today.to_days() + 30);
    assert!(due(nils).await.is_empty());
    let changed_at = st.clock.now();
    let reach = |version: i64| async move {
        let units = [ordnungsamt];
        seepferdchen::server::db::register::update_reach(
            db,
            id,
            Some("ki-freischwimmer"),
            version,
            changed_at,
            &units,
        )
        .await
        .unwrap()
    };
    let (total, current) = reach(3).await;
    assert!(total >= 1 && current < total, "{total} {current}");

    // Someone outside the using units is not concerned; the system is not hers to confirm.
    let all = org_units::all(&db.pool).await.unwrap();
    let stored = seepferdchen::server::db::register::all(db)
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.id == id)
        .unwrap();
    let anna = learner(&st, db, "anna.becker@musterstadt.example").await;
    assert!(!updates::concerns(&all, &anna.user, &stored));
    assert!(updates::concerns(&all, &lena.user, &stored));

    // Lena confirms (twice, and an old confirmation never replaces a newer one): done.
    for v in [3, 3, 2] {
        seepferdchen::server::db::register::acknowledge(&db.pool, id, lena.id(), v, st.clock.now())
            .await
            .unwrap();
    }
    assert!(due(lena).await.is_empty());
    assert_eq!(reach(3).await, (total, current + 1));

    // Another rule change after a day: due again.
    st.clock.set(st.clock.now() + 86_400);
    let mut data = rules.clone();
    data.data_classes = vec!["intern".into()];
    register_store::save(&st, &sophie, Some((id, 3)), data.clone(), false, t)
        .await
        .unwrap();
    assert_eq!(due(lena).await.len(), 1);

    // "Course again": a changed model makes the course due again; taking it ends the update.
    let mut again = data.clone();
    again.update_mode = "kurs".into();
    again.product = "Version 2".into();
    register_store::save(&st, &sophie, Some((id, 4)), again, true, t)
        .await
        .unwrap();
    let d = due(lena).await;
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].mode, register::UpdateMode::Course);
    assert_eq!(d[0].course.as_deref(), Some("ki-freischwimmer"));
    st.clock.set(st.clock.now() + 86_400);
    freischwimmer_done(
        &st,
        &admin,
        seepferdchen::i18n::Date::in_germany(st.clock.now()).to_days(),
    )
    .await;
    assert!(
        due(lena).await.is_empty(),
        "the course taken again after the change ends it"
    );
    let history = seepferdchen::server::db::register::history(db, id)
        .await
        .unwrap();
    assert_eq!(history.len(), 5);

    // The check of "KI bei uns" asks Nils about his own tool: whether a data class may go in,
    // as the register says. A wrong answer there fails the check.
    let check = |st: AppState, nils: Actor| async move {
        let attempt = quiz::start(
            &st,
            &nils,
            "ki-seepferdchen",
            Some("ki-bei-uns"),
            seepferdchen::i18n::Locale::De,
        )
        .await
        .unwrap();
        let a = seepferdchen::server::db::attempts::get(&st.db, attempt)
            .await
            .unwrap()
            .unwrap();
        let drawn: Vec<seepferdchen::server::quiz::Drawn> = serde_json::from_str(&a.drawn).unwrap();
        (attempt, drawn)
    };
    let (attempt, drawn) = check(st.clone(), nils.clone()).await;
    let own = drawn
        .iter()
        .find(|d| d.question.starts_with(&format!("register-{id}-")))
        .expect("a question about the Terminassistent");
    let generated = own.generated.clone().unwrap();
    assert!(
        generated.text.contains("Terminassistent"),
        "{}",
        generated.text
    );
    assert_eq!(
        generated.answer,
        own.question.ends_with("-intern"),
        "only internal data may go in"
    );
    let mut wrong = right_answers(&st, attempt).await;
    for (name, value) in wrong.iter_mut() {
        if *name == format!("q.{}", own.question) {
            *value = (!generated.answer).to_string();
        }
    }
    quiz::submit(&st, nils, attempt, &wrong, seepferdchen::i18n::Locale::De)
        .await
        .unwrap();
    let view = quiz::view(&st, nils, attempt, seepferdchen::i18n::Locale::De)
        .await
        .unwrap();
    let shown = view
        .questions
        .iter()
        .find(|q| q.id == own.question)
        .expect("the register question is shown");
    assert_eq!(shown.feedback.as_ref().map(|f| f.correct), Some(false));
    assert!(shown
        .feedback
        .as_ref()
        .unwrap()
        .explanation
        .as_deref()
        .unwrap_or("")
        .contains("KI-Register"));
    let (attempt, _) = check(st.clone(), nils.clone()).await;
    let right = right_answers(&st, attempt).await;
    quiz::submit(&st, nils, attempt, &right, seepferdchen::i18n::Locale::De)
        .await
        .unwrap();
    assert_eq!(
        seepferdchen::server::db::attempts::get(&st.db, attempt)
            .await
            .unwrap()
            .unwrap()
            .passed,
        Some(true)
    );

    // Nils passes the Seepferdchen, whose "KI bei uns" shows the live register: his
    // certificate names the systems it showed him, in their current version.
    complete_all_modules(&st, db, nils, "ki-seepferdchen").await;
    let attempt = quiz::start(
        &st,
        nils,
        "ki-seepferdchen",
        None,
        seepferdchen::i18n::Locale::De,
    )
    .await
    .unwrap();
    let fields = right_answers(&st, attempt).await;
    quiz::submit(&st, nils, attempt, &fields, seepferdchen::i18n::Locale::De)
        .await
        .unwrap();
    let certs = seepferdchen::server::db::certificates::for_user(db, nils.id())
        .await
        .unwrap();
    assert_eq!(certs.len(), 1);
    let payload: serde_json::Value = serde_json::from_str(&certs[0].payload).unwrap();
    let version = payload["content_version"].as_str().unwrap();
    assert!(
        version.contains("KI-Register: ") && version.contains(&format!("{id}v5")),
        "{version}"
    );
}

/// A new content version (one module revised): a learner in progress reads only that module
/// again; a certificate issued for the old version stays valid, verifiable and names that
/// version, and its holder's course stays complete until it is due again.
async fn a_content_change_keeps_certificates_and_unchanged_modules(db: &Db) {
    use seepferdchen::model::CertStatus;
    use seepferdchen::server::certificate::{self, Payload};
    use seepferdchen::server::db::certificates;
    let (st, ..) = seeded(db).await;
    let elif = learner(&st, db, "elif.kaya@musterstadt.example").await;
    let anna = learner(&st, db, "anna.becker@musterstadt.example").await;
    for who in [&elif, &anna] {
        complete_all_modules(&st, db, who, "ki-seepferdchen").await;
    }
    let old = st.catalog.course("ki-seepferdchen").unwrap().clone();
    let old_certificate = certificates::for_user(db, anna.id())
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.course_slug == "ki-seepferdchen" && r.revoked_at.is_none())
        .expect("the demo's valid certificate of Anna Becker");
    let mut catalog = (*st.catalog).clone();
    let course = catalog
        .courses
        .iter_mut()
        .find(|c| c.slug == "ki-seepferdchen")
        .unwrap();
    course.modules[2].hash = "0123456789ab".into();
    course.hash = "ba9876543210".into();
    course.version = "2.1".into();
    let revised = course.modules[2].id.clone();
    let st = st.with_catalog(catalog);
    let c = st.catalog.course("ki-seepferdchen").unwrap();
    let mut conn = db.pool.acquire().await.unwrap();
    // In progress: every module but the revised one still counts; the final test waits.
    let done = quiz::done_modules(&mut conn, &st, elif.id(), c)
        .await
        .unwrap();
    assert_eq!(done.len(), c.modules.len() - 1);
    assert!(!done.contains(&revised));
    drop(conn);
    assert!(
        !quiz::final_info(&st, &elif, c)
            .await
            .unwrap()
            .modules_complete
    );
    // Certified: complete as before; the certificate is valid, signed and names its version.
    let mut conn = db.pool.acquire().await.unwrap();
    let done = quiz::done_modules(&mut conn, &st, anna.id(), c)
        .await
        .unwrap();
    assert_eq!(done.len(), c.modules.len(), "her certificate stands");
    drop(conn);
    let row = certificates::by_code(db, &old_certificate.code)
        .await
        .unwrap()
        .unwrap();
    let today = seepferdchen::server::tracking::today(st.clock.now());
    assert_eq!(
        certificate::status(&row, today, st.catalog.renewal_days("ki-seepferdchen")),
        CertStatus::Valid
    );
    let payload: Payload = serde_json::from_str(&row.payload).unwrap();
    assert!(
        certificate::verify(&st.cert_key.public_hex(), &payload, &row.signature),
        "the signature still holds"
    );
    assert!(
        row.payload.contains(&format!("{} (", old.version)) && !row.payload.contains("2.1 ("),
        "the certificate names the version it was issued for: {}",
        row.payload
    );
}

/// The Übersicht at the size of a Land: the tree unfolds only while it fits on a page; a unit's
/// drill-down shows its path and what lies below, counted from its subtree alone, with the same
/// figures the top level shows for it; a search finds units by name, a page at a time; a unit
/// outside a coordinator's scope does not exist for them. The streamed status list is the same
/// file, byte for byte, as the one built in memory.
async fn dashboard_unfolds_drills_down_and_searches(db: &Db) {
    use futures::StreamExt;
    use seepferdchen::server::accounts::bench::{seed, BenchSize};
    use seepferdchen::server::auth::authz::{Actor, Scope};
    use seepferdchen::server::reports::{self, DashboardQuery, DASHBOARD_ROWS};
    let now = now();
    let units = seed(
        db,
        BenchSize {
            people: 700,
            units: 70,
            courses: 3,
        },
        now,
    )
    .await
    .unwrap();
    let st = state(db);
    st.clock.set(now);
    let person = |scope: Scope, role| Actor {
        user: seepferdchen::server::db::users::UserRecord {
            id: 0,
            email: "x@bench.example".into(),
            display_name: "X".into(),
            role,
            active: true,
            org_unit_id: None,
            has_password: false,
            unit_since: 0,
            ai_coordinator: false,
        },
        scope,
    };
    let admin = person(Scope::All, seepferdchen::model::Role::Admin);
    // 7 Fachbereiche with 63 Abteilungen: the next level would not fit.
    let top = reports::dashboard(&st, &admin, &DashboardQuery::default())
        .await
        .unwrap();
    assert_eq!(top.units.len(), 7);
    assert!(top
        .units
        .iter()
        .all(|u| u.depth == 0 && u.children == 9 && !u.unfolded));
    assert_eq!(top.people, 700);
    assert_eq!(top.units.iter().map(|u| u.people).sum::<u32>(), 700);
    assert!(top.path.is_empty() && top.search.is_none());
    // One Fachbereich: itself and its nine Abteilungen, the same figures as on the top level.
    let fb = units[0];
    let one = reports::dashboard(
        &st,
        &admin,
        &DashboardQuery {
            unit: Some(fb),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(one.units.len(), 10);
    assert_eq!(one.units[0].id, fb);
    assert!(one.units[0].unfolded);
    assert!(one.units[1..]
        .iter()
        .all(|u| u.depth == 1 && u.children == 0));
    assert_eq!(one.path.iter().map(|p| p.id).collect::<Vec<_>>(), [fb]);
    let row = top.units.iter().find(|u| u.id == fb).unwrap();
    assert_eq!(one.units[0].counts, row.counts);
    assert_eq!(one.units[0].people, row.people);
    assert_eq!(one.people, row.people);
    assert_eq!(one.total, row.counts);
    let mut sum = seepferdchen::model::StateCounts::default();
    for c in &one.units[1..] {
        sum.merge(&c.counts);
    }
    assert_eq!(sum, row.counts, "a unit is the sum of its sub-units here");
    // An Abteilung: its path runs through its Fachbereich.
    let leaf = one.units[1].id;
    let deep = reports::dashboard(
        &st,
        &admin,
        &DashboardQuery {
            unit: Some(leaf),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(
        deep.path.iter().map(|p| p.id).collect::<Vec<_>>(),
        [fb, leaf]
    );
    assert_eq!(deep.units.len(), 1);
    assert_eq!(deep.units[0].counts, one.units[1].counts);
    // Search: by name, a page at a time, with where each unit sits.
    let found = reports::dashboard(
        &st,
        &admin,
        &DashboardQuery {
            search: "abteilung".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let s = found.search.unwrap();
    assert_eq!(
        (s.total, s.page, found.units.len()),
        (63, 1, DASHBOARD_ROWS)
    );
    assert!(found.units[0].path.starts_with("Fachbereich "));
    let second = reports::dashboard(
        &st,
        &admin,
        &DashboardQuery {
            search: "ABTEILUNG".into(),
            page: 2,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(second.units.len(), 63 - DASHBOARD_ROWS);
    let none = reports::dashboard(
        &st,
        &admin,
        &DashboardQuery {
            search: "gibt es nicht".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!((none.search.unwrap().total, none.units.len()), (0, 0));
    // A coordinator of the second Fachbereich: the first does not exist for them.
    let units_rows = seepferdchen::server::db::org_units::all(&db.pool)
        .await
        .unwrap();
    let mine = seepferdchen::server::auth::authz::subtree(&units_rows, &[units[1]]);
    let coord = person(Scope::Units(mine), seepferdchen::model::Role::Coordinator);
    let err = reports::dashboard(
        &st,
        &coord,
        &DashboardQuery {
            unit: Some(fb),
            ..Default::default()
        },
    )
    .await;
    assert!(matches!(err, Err(seepferdchen::error::AppError::NotFound)));
    let theirs = reports::dashboard(&st, &coord, &DashboardQuery::default())
        .await
        .unwrap();
    assert_eq!(theirs.units.len(), 10, "their Fachbereich unfolds: it fits");
    assert_eq!(theirs.units[0].id, units[1]);
    let found = reports::dashboard(
        &st,
        &coord,
        &DashboardQuery {
            search: "abteilung".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(found.search.unwrap().total, 9);
    // The counts the triggers kept match a recount; a wrong one is found.
    use seepferdchen::server::db::course_status;
    assert!(course_status::summary_drift(db).await.unwrap().is_empty());
    sqlx::query("UPDATE status_summary SET valid = valid + 1 WHERE org_unit_id = $1")
        .bind(leaf)
        .execute(&db.pool)
        .await
        .unwrap();
    assert_eq!(course_status::summary_drift(db).await.unwrap().len(), 3);
    // The next day counts afresh.
    st.clock.set(now + 86_400);
    reports::dashboard(&st, &admin, &DashboardQuery::default())
        .await
        .unwrap();
    assert!(course_status::summary_drift(db).await.unwrap().is_empty());
    // The streamed status list equals the list built in memory, for the whole scope and a filter.
    let t = seepferdchen::i18n::Locale::De.texts();
    for filter in [
        reports::PeopleFilter::default(),
        reports::PeopleFilter {
            unit: Some(fb),
            course: Some(seepferdchen::server::accounts::bench::course_slug(1)),
            state: Some(seepferdchen::model::CourseState::NotStarted),
            ..Default::default()
        },
    ] {
        let sel = reports::select(&st, &admin, &filter).await.unwrap();
        let quotas = reports::unit_quotas(&st, &sel).await.unwrap();
        let whole = reports::csv::status_matrix(&st, &sel, &quotas, t);
        let (people, chunks) = reports::status_csv_stream(&st, &admin, filter.clone(), t)
            .await
            .unwrap();
        let parts: Vec<Vec<u8>> = chunks.map(|c| c.unwrap()).collect().await;
        assert!(parts.len() > 1 || people <= 1000);
        let streamed = String::from_utf8(parts.concat()).unwrap();
        assert_eq!(streamed, whole);
        assert!(whole.lines().count() > 1);
    }
}
