//! Running it for real (#19, #23): behind nginx (the README's `deploy/nginx.conf`), two
//! instances on one PostgreSQL database, and kill -9 under write load on both backends. Real
//! services: nginx from Debian (installed by `make test`) and the machine's PostgreSQL; without
//! them these tests say so and pass, except in CI (`CI=true`), where they are required.

use std::collections::{HashMap, HashSet};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::common::nginx::{self, Nginx};
use crate::common::{demo_email, login_status as login, TestServer, BIN, DEMO_PASSWORD};

fn required(what: &str, available: bool) -> bool {
    if !available {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{what} is required in CI"
        );
        eprintln!("SKIPPED: {what} is not available here");
    }
    available
}

/// Through nginx with `TRUSTED_PROXIES`: 20 failures of client A (127.0.0.11) do not lock out
/// client B (127.0.0.12); client C cannot escape its own limit by sending made-up
/// X-Forwarded-For addresses, since nginx appends the address it saw.
#[tokio::test]
async fn behind_nginx_each_client_keeps_its_own_address() {
    if !required("nginx", nginx::available()) {
        return;
    }
    let s = TestServer::start_seeded_with_env(&[("TRUSTED_PROXIES", "127.0.0.1")]);
    let upstream = s.base_url.trim_start_matches("http://").to_string();
    let nginx = Nginx::start(&[upstream]);
    let base = nginx.url("");
    let page = reqwest::get(nginx.url("/anmelden")).await.unwrap();
    assert_eq!(page.status(), 200);
    let a = crate::common::client_from([127, 0, 0, 11]);
    for i in 0..20 {
        let status = login(
            &a,
            &base,
            &format!("a{i}@musterstadt.example"),
            "vertippt!!",
            None,
        )
        .await;
        assert_eq!(status, 401, "A's failure {i}");
    }
    assert_eq!(
        login(&a, &base, &demo_email("anna.becker"), DEMO_PASSWORD, None).await,
        429
    );
    let b = crate::common::client_from([127, 0, 0, 12]);
    assert_eq!(
        login(&b, &base, &demo_email("anna.becker"), DEMO_PASSWORD, None).await,
        200,
        "B is not locked out by A"
    );
    let c = crate::common::client_from([127, 0, 0, 13]);
    for i in 0..20 {
        login(
            &c,
            &base,
            &format!("c{i}@musterstadt.example"),
            "vertippt!!",
            Some(&format!("10.9.9.{i}")),
        )
        .await;
    }
    assert_eq!(
        login(
            &c,
            &base,
            &demo_email("ben.yilmaz"),
            DEMO_PASSWORD,
            Some("10.8.8.8")
        )
        .await,
        429,
        "a made-up X-Forwarded-For does not give C a fresh address"
    );
}

/// A fresh PostgreSQL database for one test, dropped at the end.
struct PgDb {
    admin: String,
    name: String,
    url: String,
}

impl PgDb {
    fn create() -> Option<PgDb> {
        let admin = std::env::var("TEST_POSTGRES_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
        let up = Command::new("pg_isready")
            .args(["-q", "-d", &admin])
            .status()
            .is_ok_and(|s| s.success());
        if !required("PostgreSQL", up) {
            return None;
        }
        let name = format!(
            "seepferdchen_test_ops_{}_{}",
            std::process::id(),
            rand::random::<u32>()
        );
        psql(&admin, &format!("CREATE DATABASE {name}"));
        let base = admin.rsplit_once('/').unwrap().0;
        Some(PgDb {
            url: format!("{base}/{name}"),
            admin,
            name,
        })
    }

    fn query(&self, sql: &str) -> String {
        psql(&self.url, sql)
    }
}

impl Drop for PgDb {
    fn drop(&mut self) {
        let _ = Command::new("psql")
            .args(["-q", "-d", &self.admin, "-c"])
            .arg(format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ))
            .output();
    }
}

fn psql(url: &str, sql: &str) -> String {
    let out = Command::new("psql")
        .args(["-qAt", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql])
        .output()
        .expect("psql");
    assert!(
        out.status.success(),
        "{sql}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn seed(database_url: &str) {
    let out = Command::new(BIN)
        .args(["demo", "seed"])
        .env("DATABASE_URL", database_url)
        .env("LOG_LEVEL", "warn")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn check(database_url: &str) -> (bool, String) {
    let out = Command::new(BIN)
        .arg("check")
        .env("DATABASE_URL", database_url)
        .env("LOG_LEVEL", "warn")
        .output()
        .unwrap();
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

/// What a write load had acknowledged: org units created (by name) and quiz submissions (by
/// attempt id).
#[derive(Default)]
struct Acknowledged {
    units: Vec<String>,
    submissions: Vec<i64>,
}

/// Writes for `duration` against `base` from an admin (org units) and learners (module checks),
/// recording only what the server acknowledged. Errors (the server being killed) are expected.
async fn write_load(
    base: Arc<Mutex<String>>,
    admin: reqwest::Client,
    learners: Vec<reqwest::Client>,
    tag: String,
    duration: Duration,
    acked: Arc<Mutex<Acknowledged>>,
) {
    let until = Instant::now() + duration;
    let mut tasks = Vec::new();
    for w in 0..2 {
        let (base, admin, acked, tag) = (base.clone(), admin.clone(), acked.clone(), tag.clone());
        tasks.push(tokio::spawn(async move {
            let mut i = 0;
            while Instant::now() < until {
                let name = format!("Einheit {tag}-{w}-{i}");
                i += 1;
                let url = format!("{}/api/create_org_unit", base.lock().unwrap());
                let res = admin
                    .post(url)
                    .form(&[("name", name.as_str()), ("parent_id", "")])
                    .timeout(Duration::from_secs(5))
                    .send()
                    .await;
                match res {
                    Ok(r) if r.status().is_success() || r.status().is_redirection() => {
                        acked.lock().unwrap().units.push(name)
                    }
                    // 502–504 come from nginx while an instance is down; 500 would be ours.
                    Ok(r) if r.status() == 500 => {
                        panic!("{}: {}", r.status(), r.text().await.unwrap_or_default())
                    }
                    _ => tokio::time::sleep(Duration::from_millis(20)).await,
                }
            }
        }));
    }
    for client in learners {
        let (base, acked) = (base.clone(), acked.clone());
        tasks.push(tokio::spawn(async move {
            while Instant::now() < until {
                let b = base.lock().unwrap().clone();
                let Ok(res) = client
                    .post(format!("{b}/versuche/starten"))
                    .form(&[("kurs", "ki-seepferdchen"), ("modul", "was-ist-ki")])
                    .timeout(Duration::from_secs(5))
                    .send()
                    .await
                else {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    continue;
                };
                let Some(location) = res
                    .headers()
                    .get("location")
                    .and_then(|l| l.to_str().ok())
                    .map(str::to_string)
                else {
                    continue;
                };
                let Some(id) = location
                    .strip_prefix("/versuche/")
                    .and_then(|i| i.parse::<i64>().ok())
                else {
                    continue;
                };
                let res = client
                    .post(format!("{b}/versuche/{id}"))
                    .form(&[("trotzdem", "1")])
                    .timeout(Duration::from_secs(5))
                    .send()
                    .await;
                if let Ok(r) = res {
                    if r.status().is_redirection() {
                        acked.lock().unwrap().submissions.push(id);
                    }
                }
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
}

/// Checks what the load had acknowledged against the database: returns (lost, duplicated).
fn audit(query: impl Fn(&str) -> String, acked: &Acknowledged) -> (usize, usize) {
    let names = query("SELECT name FROM org_units WHERE name LIKE 'Einheit %'");
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for n in names.lines() {
        *counts.entry(n).or_default() += 1;
    }
    let lost_units = acked
        .units
        .iter()
        .filter(|n| !counts.contains_key(n.as_str()))
        .count();
    let duplicated = counts.values().filter(|c| **c > 1).count();
    let graded: HashSet<i64> = query("SELECT id FROM attempts WHERE submitted_at IS NOT NULL")
        .lines()
        .filter_map(|l| l.parse().ok())
        .collect();
    let lost_submissions = acked
        .submissions
        .iter()
        .filter(|id| !graded.contains(id))
        .count();
    (lost_units + lost_submissions, duplicated)
}

async fn learners(base: &str, n: usize) -> Vec<reqwest::Client> {
    let names = [
        "anna.becker",
        "ben.yilmaz",
        "elif.kaya",
        "frank.mueller",
        "guel.demir",
        "david.nowak",
    ];
    let mut out = Vec::new();
    for name in names.iter().take(n) {
        let c = crate::common::client_from([127, 0, 0, 1]);
        assert_eq!(
            login(&c, base, &demo_email(name), DEMO_PASSWORD, None).await,
            200,
            "{name}"
        );
        out.push(c);
    }
    out
}

/// kill -9 of the server under a write load, three times, then the invariant check: nothing
/// acknowledged is lost, nothing is written twice, the derived status matches its sources.
async fn crash_cycles(database_url: &str, query: impl Fn(&str) -> String) {
    let env = [("DATABASE_URL", database_url)];
    let mut server = TestServer::start_with_env(|_| {}, &env);
    let base = Arc::new(Mutex::new(server.base_url.clone()));
    let admin = crate::common::client_from([127, 0, 0, 1]);
    assert_eq!(
        login(
            &admin,
            &server.base_url,
            &demo_email("admin"),
            DEMO_PASSWORD,
            None
        )
        .await,
        200
    );
    let learners = learners(&server.base_url, 4).await;
    let acked = Arc::new(Mutex::new(Acknowledged::default()));
    let cycles = 3;
    for cycle in 0..cycles {
        let load = tokio::spawn(write_load(
            base.clone(),
            admin.clone(),
            learners.clone(),
            format!("c{cycle}"),
            Duration::from_millis(1500),
            acked.clone(),
        ));
        tokio::time::sleep(Duration::from_millis(700)).await;
        server.signal("KILL");
        server.wait_exit(Duration::from_secs(5));
        let started = Instant::now();
        server = TestServer::start_with_env(|_| {}, &env);
        println!(
            "cycle {cycle}: restarted in {} ms",
            started.elapsed().as_millis()
        );
        *base.lock().unwrap() = server.base_url.clone();
        load.await.unwrap();
    }
    drop(server);
    let acked = acked.lock().unwrap();
    let (lost, duplicated) = audit(&query, &acked);
    let (consistent, report) = check(database_url);
    println!(
        "{cycles} kill -9 cycles on {}: {} writes acknowledged ({} org units, {} graded submissions); lost {lost}, duplicated {duplicated}, check: {}",
        database_url.split(':').next().unwrap(),
        acked.units.len() + acked.submissions.len(),
        acked.units.len(),
        acked.submissions.len(),
        report.trim()
    );
    assert!(
        acked.units.len() > 10 && !acked.submissions.is_empty(),
        "the load wrote"
    );
    assert_eq!((lost, duplicated), (0, 0));
    assert!(consistent, "{report}");
}

#[tokio::test]
async fn kill_nine_under_write_load_loses_nothing_on_sqlite() {
    let data = tempfile::tempdir().unwrap();
    let db_file = data.path().join("crash.db");
    let url = format!("sqlite://{}", db_file.display());
    seed(&url);
    let file = db_file.clone();
    crash_cycles(&url, move |sql| {
        let out = Command::new("python3")
            .args(["-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print('\\n'.join(str(r[0]) for r in c.execute(sys.argv[2])))"])
            .arg(&file)
            .arg(sql)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    })
    .await;
}

#[tokio::test]
async fn kill_nine_under_write_load_loses_nothing_on_postgres() {
    let Some(pg) = PgDb::create() else { return };
    seed(&pg.url);
    crash_cycles(&pg.url, |sql| pg.query(sql)).await;
}

/// Two instances started at the same moment on a fresh PostgreSQL database, nginx balancing
/// between them: migrations once, one signing key; sessions, throttling and certificates work
/// across them; kill -9 of one during quiz submissions loses no acknowledged submission.
#[tokio::test]
async fn two_instances_share_one_postgres_behind_nginx() {
    let Some(pg) = PgDb::create() else { return };
    if !required("nginx", nginx::available()) {
        return;
    }
    let env = [
        ("DATABASE_URL", pg.url.as_str()),
        ("TRUSTED_PROXIES", "127.0.0.1"),
    ];
    let (a, b) = std::thread::scope(|scope| {
        let a = scope.spawn(|| TestServer::start_with_env(|_| {}, &env));
        let b = scope.spawn(|| TestServer::start_with_env(|_| {}, &env));
        (a.join().unwrap(), b.join().unwrap())
    });
    let migrations = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/postgres"))
        .unwrap()
        .count();
    assert_eq!(
        pg.query("SELECT COUNT(*) FROM _sqlx_migrations"),
        migrations.to_string()
    );
    assert_eq!(
        pg.query("SELECT COUNT(*) FROM signing_keys"),
        "1",
        "one signing key"
    );
    let key = |s: &TestServer| {
        let url = s.url("/zertifikate/schluessel.json");
        async move { reqwest::get(url).await.unwrap().text().await.unwrap() }
    };
    assert_eq!(
        key(&a).await,
        key(&b).await,
        "both instances publish the same key"
    );
    seed(&pg.url);
    let nginx = Nginx::start(&[
        a.base_url.trim_start_matches("http://").to_string(),
        b.base_url.trim_start_matches("http://").to_string(),
    ]);
    let base = nginx.url("");
    // A session made through one instance is known to both.
    let admin = crate::common::client_from([127, 0, 0, 21]);
    assert_eq!(
        login(&admin, &base, &demo_email("admin"), DEMO_PASSWORD, None).await,
        200
    );
    for target in [&a, &b] {
        let me: serde_json::Value = admin
            .post(target.url("/api/current_user"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(
            me["email"],
            demo_email("admin"),
            "session on {}",
            target.base_url
        );
    }
    // Throttling counts across instances: five failures spread over both, then locked.
    let guesser = crate::common::client_from([127, 0, 0, 22]);
    for i in 0..5 {
        let target = if i % 2 == 0 { &a } else { &b };
        assert_eq!(
            login(
                &guesser,
                &target.base_url,
                &demo_email("david.nowak"),
                "falsch!!!",
                None
            )
            .await,
            401
        );
    }
    assert_eq!(
        login(
            &guesser,
            &b.base_url,
            &demo_email("david.nowak"),
            DEMO_PASSWORD,
            None
        )
        .await,
        429
    );
    // Certificates verify on both.
    let certs: serde_json::Value = admin
        .post(nginx.url("/api/all_certificates"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let code = certs[0]["code"].as_str().unwrap();
    for target in [&a, &b] {
        let res = reqwest::get(target.url(&format!("/verify/{code}.json")))
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
    }
    // kill -9 of one instance while learners submit through nginx.
    let base_shared = Arc::new(Mutex::new(base.clone()));
    let learners = learners(&base, 4).await;
    let acked = Arc::new(Mutex::new(Acknowledged::default()));
    let load = tokio::spawn(write_load(
        base_shared,
        admin.clone(),
        learners,
        "zwei".into(),
        Duration::from_millis(2500),
        acked.clone(),
    ));
    tokio::time::sleep(Duration::from_millis(800)).await;
    a.signal("KILL");
    load.await.unwrap();
    let acked = acked.lock().unwrap();
    let (lost, duplicated) = audit(|sql| pg.query(sql), &acked);
    println!(
        "two instances, one killed: {} org units and {} submissions acknowledged; lost {lost}, duplicated {duplicated}",
        acked.units.len(),
        acked.submissions.len()
    );
    assert!(!acked.submissions.is_empty());
    assert_eq!((lost, duplicated), (0, 0));
    drop((a, b));
    let (consistent, report) = check(&pg.url);
    assert!(consistent, "{report}");
}

/// The Übersicht of a large organisation stays a page: with more units than fit, only the top
/// level shows, each unit with a link to its sub-units; a unit's page shows it and what lies
/// below. The status list streams (a chunked answer, no Content-Length) and has every person.
#[tokio::test]
async fn the_overview_folds_a_large_tree_and_the_status_list_streams() {
    let server = TestServer::start_with_env(
        |dir| {
            let url = format!("sqlite://{}/test.db", dir.path().display());
            let out = Command::new(BIN)
                .args(["demo", "seed"])
                .env("DATABASE_URL", &url)
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            // Six Landesämter with ten Referate each, one person in every Referat.
            let script = r#"
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
for a in range(1, 7):
    root = c.execute("INSERT INTO org_units (parent_id, name, created_at) VALUES (NULL, ?, 0)", ("Landesamt %d" % a,)).lastrowid
    c.execute("INSERT INTO assignments (course_slug, org_unit_id, mandatory, created_at) VALUES ('ki-seepferdchen', ?, 1, 0)", (root,))
    for r in range(1, 11):
        u = c.execute("INSERT INTO org_units (parent_id, name, created_at) VALUES (?, ?, 0)", (root, "Referat %d.%d" % (a, r))).lastrowid
        c.execute("INSERT INTO users (email, display_name, org_unit_id, role, active, created_at, sort_name, unit_since) VALUES (?, ?, ?, 'employee', 1, 0, ?, 0)",
                  ("ref%d.%d@land.example" % (a, r), "Referent %d.%d" % (a, r), u, "referent %d.%d" % (a, r)))
c.commit()
"#;
            let out = Command::new("python3")
                .args(["-c", script])
                .arg(dir.path().join("test.db"))
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
        },
        &[],
    );
    let admin = server.login(&demo_email("admin"), DEMO_PASSWORD).await;
    let page = |path: String| {
        let admin = admin.clone();
        let url = server.url(&path);
        async move { admin.get(url).send().await.unwrap().text().await.unwrap() }
    };
    // The rows of the units' table (the people's table below has rows too).
    let unit_table = |html: &str| -> String {
        let start = html.find("Stand je Organisationseinheit").unwrap();
        let end = start + html[start..].find("</table>").unwrap();
        html[start..end].to_string()
    };
    let html = unit_table(&page("/verwaltung/uebersicht".into()).await);
    let rows = html.matches("<th scope=\"row\"").count();
    assert!(rows <= 12, "top level only: {rows} rows");
    assert_eq!(
        html.matches("10 Untereinheiten").count(),
        6,
        "each Landesamt links to its Referate"
    );
    assert!(!html.contains("Referat 1.1<"), "Referate are folded away");
    let id: String = {
        let at = html.find(">Landesamt 3<").unwrap();
        let before = &html[..at];
        let start = before.rfind("einheit=").unwrap() + "einheit=".len();
        before[start..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect()
    };
    let whole = page(format!("/verwaltung/uebersicht?einheit={id}")).await;
    assert!(whole.len() < 100_000, "{} bytes", whole.len());
    let one = unit_table(&whole);
    assert_eq!(one.matches("<th scope=\"row\"").count(), 11);
    assert!(one.contains("Referat 3.10<") && !one.contains("Referat 2.1<"));
    assert!(!one.contains("Landesamt 2<"));
    // The status list goes out in chunks and names everyone, the Referate included.
    let res = admin
        .get(server.url("/verwaltung/export/status.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(
        res.headers().get("content-length").is_none(),
        "streamed: {:?}",
        res.headers()
    );
    let csv = res.text().await.unwrap();
    assert!(csv.starts_with("\u{feff}Name;E-Mail;Organisationseinheit;Kurs"));
    assert!(csv.contains("Referent 6.10;ref6.10@land.example;Landesamt 6 > Referat 6.10"));
}
