//! The binary as a user runs it: settings errors, --help, graceful shutdown.

use std::process::Command;
use std::time::Duration;

use crate::common::{TestServer, BIN};

#[test]
fn unsupported_database_gives_one_clear_line_and_fails() {
    let out = Command::new(BIN)
        .arg("serve")
        .env("DATABASE_URL", "mysql://x")
        .env("BIND_ADDR", "127.0.0.1:0")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.trim_end().lines().count(), 1, "stderr: {stderr}");
    assert!(
        stderr.contains("invalid setting DATABASE_URL"),
        "stderr: {stderr}"
    );
    assert!(stderr.contains("mysql"), "stderr: {stderr}");
    assert!(
        out.stdout.is_empty(),
        "nothing may start: {:?}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn invalid_bind_addr_is_named() {
    let out = Command::new(BIN)
        .arg("serve")
        .env("BIND_ADDR", "überall")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("seepferdchen: invalid setting BIND_ADDR"),
        "stderr: {stderr}"
    );
}

#[test]
fn help_lists_every_setting() {
    let out = Command::new(BIN).arg("--help").output().expect("run");
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    for name in [
        "DATABASE_URL",
        "BIND_ADDR",
        "PUBLIC_BASE_URL",
        "CONTENT_DIR",
        "SITE_ROOT",
        "COOKIE_SECURE",
        "ORG_NAME",
        "LOG_LEVEL",
        "LOG_FORMAT",
        "serve",
    ] {
        assert!(help.contains(name), "--help lacks {name}:\n{help}");
    }
}

/// SIGTERM while a large response is being streamed: the response completes in full, new
/// connections are refused, and the process exits 0.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_finishes_requests_in_flight_and_exits_zero() {
    const SIZE: usize = 48 * 1024 * 1024;
    let mut server = TestServer::start_with(|dir| {
        let path = TestServer::site_root(dir).join("pkg/big.bin");
        std::fs::write(path, vec![7u8; SIZE]).expect("write big file");
    });
    let client = reqwest::Client::new();
    let mut res = client
        .get(server.url("/pkg/big.bin"))
        .send()
        .await
        .expect("request");
    assert_eq!(res.status(), 200);
    let first = res.chunk().await.expect("chunk").expect("some body");
    let mut received = first.len();
    assert!(received < SIZE, "the response must still be in flight");

    server.signal("TERM");
    // Give the server a moment to stop accepting.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let refused = reqwest::Client::new()
        .get(server.url("/healthz"))
        .timeout(Duration::from_secs(2))
        .send()
        .await;
    assert!(
        refused.is_err(),
        "a new request after SIGTERM must not be served"
    );

    while let Some(chunk) = res.chunk().await.expect("body continues after SIGTERM") {
        received += chunk.len();
        assert!(chunk.iter().all(|b| *b == 7));
    }
    assert_eq!(received, SIZE, "the whole response arrives");
    let code = tokio::task::spawn_blocking(move || server.wait_exit(Duration::from_secs(20)))
        .await
        .expect("join");
    assert_eq!(code, Some(0));
}

#[tokio::test]
async fn healthz_and_static_cache_headers() {
    let server = TestServer::start_with(|dir| {
        std::fs::write(TestServer::site_root(dir).join("pkg/app.css"), "body{}").expect("css");
    });
    let res = reqwest::get(server.url("/healthz")).await.expect("healthz");
    assert_eq!(res.status(), 200);
    assert!(res.headers().contains_key("x-request-id"));
    assert_eq!(res.text().await.unwrap(), "ok");
    let css = reqwest::get(server.url("/pkg/app.css")).await.expect("css");
    assert_eq!(css.status(), 200);
    assert_eq!(css.headers()["cache-control"], "no-cache");
    assert_eq!(css.headers()["x-content-type-options"], "nosniff");
}

/// The icon is revalidated like other static files, and a "not modified" stays a 304: it must
/// not become the 404 page (browsers ask again on every page).
#[tokio::test]
async fn the_icon_is_revalidated_not_lost() {
    let server = TestServer::start_with(|dir| {
        std::fs::write(TestServer::site_root(dir).join("favicon.svg"), "<svg/>").expect("icon");
    });
    let client = reqwest::Client::new();
    let first = client
        .get(server.url("/favicon.svg"))
        .send()
        .await
        .expect("icon");
    assert_eq!(first.status(), 200);
    assert_eq!(first.headers()["cache-control"], "no-cache");
    let modified = first.headers()["last-modified"].clone();
    let again = client
        .get(server.url("/favicon.svg"))
        .header("if-modified-since", modified)
        .send()
        .await
        .expect("icon again");
    assert_eq!(again.status(), 304);
}

/// Built files named by their content are cached for a year without revalidation, and pages
/// link exactly those names (from pkg/assets.txt); pages themselves are never stored, and a
/// hashed name that does not exist is not cached either.
#[tokio::test]
async fn hashed_assets_are_immutable_and_linked_by_pages() {
    const NAME: &str = "seepferdchen.0123456789abcdef";
    let server = TestServer::start_with(|dir| {
        let pkg = TestServer::site_root(dir).join("pkg");
        std::fs::write(pkg.join("assets.txt"), format!("{NAME}\n")).expect("assets.txt");
        std::fs::write(pkg.join(format!("{NAME}.css")), "body{}").expect("css");
        std::fs::write(pkg.join(format!("{NAME}_bg.wasm")), b"\0asm").expect("wasm");
    });
    for file in [format!("{NAME}.css"), format!("{NAME}_bg.wasm")] {
        let res = reqwest::get(server.url(&format!("/pkg/{file}")))
            .await
            .expect("asset");
        assert_eq!(res.status(), 200, "{file}");
        assert_eq!(
            res.headers()["cache-control"],
            "public, max-age=31536000, immutable",
            "{file}"
        );
    }
    let missing = reqwest::get(server.url("/pkg/seepferdchen.fedcba9876543210.css"))
        .await
        .expect("missing");
    assert_eq!(missing.status(), 404);
    assert_ne!(
        missing.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    let page = reqwest::get(server.url("/")).await.expect("page");
    assert_eq!(page.headers()["cache-control"], "no-store");
    let html = page.text().await.expect("html");
    assert!(
        html.contains(&format!("href=\"/pkg/{NAME}.css\"")),
        "{html}"
    );
    assert!(html.contains(&format!("/pkg/{NAME}.js")), "{html}");
    assert!(html.contains(&format!("/pkg/{NAME}_bg.wasm")), "{html}");
    assert!(!html.contains("/pkg/seepferdchen.css"), "{html}");
}

#[tokio::test]
async fn cross_site_posts_are_refused() {
    let server = TestServer::start();
    let client = reqwest::Client::new();
    let res = client
        .post(server.url("/api/home_stats"))
        .header("origin", "https://evil.example")
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), 403);
    let res = client
        .post(server.url("/api/home_stats"))
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), 403);
    let ok = client
        .post(server.url("/api/home_stats"))
        .send()
        .await
        .expect("post");
    assert_eq!(ok.status(), 200);
}

#[tokio::test]
async fn language_cookie_redirects_only_to_local_paths() {
    let server = TestServer::start();
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let res = client
        .get(server.url("/sprache?lang=en&zurueck=/x"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/x");
    let cookie = res.headers()["set-cookie"].to_str().unwrap();
    assert!(
        cookie.starts_with("lang=en;") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let res = client
        .get(server.url("/sprache?lang=en&zurueck=//evil.example"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["location"], "/");
    let res = client
        .get(server.url("/sprache?lang=fr"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
}

#[test]
fn admin_create_bootstraps_an_empty_installation_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/boot.db", dir.path().display());
    let run = |email: &str| {
        Command::new(BIN)
            .args([
                "admin",
                "create",
                "--email",
                email,
                "--name",
                "Erste Administratorin",
            ])
            .env("DATABASE_URL", &db)
            .env("PUBLIC_BASE_URL", "https://lernen.musterstadt.example")
            .output()
            .expect("run")
    };
    let out = run("Chefin@Musterstadt.example");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("chefin@musterstadt.example"), "{stdout}");
    assert!(
        stdout.contains("https://lernen.musterstadt.example/passwort-festlegen?token="),
        "{stdout}"
    );
    // Not a second time: further admins are added in the web interface.
    let out = run("zweite@musterstadt.example");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("already has an admin"));
    // Bad input is named.
    let dir2 = tempfile::tempdir().unwrap();
    let out = Command::new(BIN)
        .args(["admin", "create", "--email", "keine-adresse", "--name", "X"])
        .env(
            "DATABASE_URL",
            format!("sqlite://{}/b.db", dir2.path().display()),
        )
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("email: Bitte geben Sie eine gültige E-Mail-Adresse an"));
}

#[test]
fn content_check_prints_counts_and_refuses_broken_content() {
    let out = Command::new(BIN)
        .args(["content", "check"])
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.starts_with("content ok: 3 courses, 18 modules,"),
        "{stdout}"
    );
    assert!(stdout.contains("questions") && stdout.contains("words"));
    // The measured table, one row per module and one per course.
    assert!(stdout.contains("| module | words | reading min | Flesch-Amstad |"));
    assert!(stdout.contains("| ki-bei-uns | "), "{stdout}");
    assert_eq!(stdout.matches("| **course** |").count(), 3);
    assert!(
        stdout.contains("warning: seiten/datenschutz.md has"),
        "{stdout}"
    );
    // A Seepferdchen whose final test grows past ten questions fails the check (the server
    // would still start: the limits are editorial).
    let copy = tempfile::tempdir().unwrap();
    let ok = Command::new("cp")
        .args(["-r", "content/."])
        .arg(copy.path())
        .status()
        .unwrap();
    assert!(ok.success());
    let toml = copy.path().join("courses/ki-seepferdchen/course.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    std::fs::write(
        &toml,
        text.replace("question_count = 10", "question_count = 16"),
    )
    .unwrap();
    let out = Command::new(BIN)
        .args(["content", "check"])
        .env("CONTENT_DIR", copy.path())
        .output()
        .expect("run");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("ki-seepferdchen: the final test draws 16 questions; at most 10"),
        "{stderr}"
    );
    // The server does not start on broken content, and says where the problem is.
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("courses/kaputt")).unwrap();
    std::fs::write(dir.path().join("courses/kaputt/course.toml"), "title = \n").unwrap();
    let out = Command::new(BIN)
        .arg("serve")
        .env("CONTENT_DIR", dir.path())
        .env(
            "DATABASE_URL",
            format!("sqlite://{}/x.db", dir.path().display()),
        )
        .env("BIND_ADDR", "127.0.0.1:0")
        .output()
        .expect("run");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("invalid course content")
            && stderr.contains("courses/kaputt/course.toml:1"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty(), "must not start listening");
}

#[tokio::test]
async fn course_images_are_served_and_nothing_else() {
    let content = tempfile::tempdir().unwrap();
    let c = content.path().join("courses/bild");
    for sub in ["modules", "checks", "images"] {
        std::fs::create_dir_all(c.join(sub)).unwrap();
    }
    std::fs::write(
        c.join("images/plan.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    )
    .unwrap();
    std::fs::write(c.join("geheim.txt"), "nicht ausliefern").unwrap();
    std::fs::write(
        c.join("course.toml"),
        "title = \"Bild\"\nsubtitle = \"s\"\nlevel = \"gold\"\naudience = \"a\"\nobjectives = []\n\
         estimated_minutes = 5\nvalidity_months = 12\nversion = \"1\"\nstand = \"2026-01-01\"\npublished = true\n\
         [final_test]\npass_mark_percent = 50\nquestion_count = 1\n\
         [[modules]]\nid = \"m\"\nfile = \"modules/m.md\"\ncheck = \"checks/m.toml\"\n",
    )
    .unwrap();
    std::fs::write(
        c.join("modules/m.md"),
        "+++\ntitle = \"M\"\nminutes = 5\nobjectives = []\n+++\n\n![Ein Plan](images/plan.svg)\n",
    )
    .unwrap();
    std::fs::write(c.join("checks/m.toml"), "").unwrap();
    std::fs::write(
        c.join("final.toml"),
        "[[questions]]\nid = \"q\"\nmodule = \"m\"\ntype = \"truefalse\"\ntext = \"t\"\nexplanation = \"e\"\nanswer = true\n",
    )
    .unwrap();
    let content_dir = content.path().display().to_string();
    let server = TestServer::start_with_env(|_| {}, &[("CONTENT_DIR", content_dir.as_str())]);
    let ok = reqwest::get(server.url("/inhalte/bild/images/plan.svg"))
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    assert!(ok.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("image/svg"));
    for bad in [
        "/inhalte/bild/images/..%2Fgeheim.txt",
        "/inhalte/bild/geheim.txt",
        "/inhalte/bild/images/fehlt.svg",
        "/inhalte/gibtsnicht/images/plan.svg",
        "/inhalte/..%2Fbild/images/plan.svg",
    ] {
        let res = reqwest::get(server.url(bad)).await.unwrap();
        assert_eq!(res.status(), 404, "{bad}");
    }
}

fn run(args: &[&str], database_url: &str) -> std::process::Output {
    Command::new(BIN)
        .args(args)
        .env("DATABASE_URL", database_url)
        .env("LOG_LEVEL", "warn")
        .output()
        .expect("run")
}

/// The signing keys leave and enter an installation whole: exported readable by the owner
/// only, imported into a fresh database unchanged, a damaged export refused entirely.
#[test]
fn signing_keys_export_and_import_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let a = format!("sqlite://{}/a.db", dir.path().display());
    let b = format!("sqlite://{}/b.db", dir.path().display());
    assert!(run(&["demo", "seed"], &a).status.success());
    let exported = dir.path().join("keys.json");
    let out = run(&["keys", "export", "--to", exported.to_str().unwrap()], &a);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&exported).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    // Never overwrites.
    let again = run(&["keys", "export", "--to", exported.to_str().unwrap()], &a);
    assert!(!again.status.success());
    let keys_a: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&exported).unwrap()).unwrap();
    assert_eq!(keys_a.as_array().unwrap().len(), 1);
    // A damaged export: nothing is imported.
    let mut damaged = keys_a.clone();
    damaged[0]["secret_key"] = serde_json::Value::from("00".repeat(32));
    let damaged_file = dir.path().join("damaged.json");
    std::fs::write(&damaged_file, damaged.to_string()).unwrap();
    let out = run(
        &["keys", "import", "--from", damaged_file.to_str().unwrap()],
        &b,
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("beschädigt"));
    let out = run(
        &["keys", "import", "--from", exported.to_str().unwrap()],
        &b,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("1 von 1"));
    let back = dir.path().join("back.json");
    assert!(run(&["keys", "export", "--to", back.to_str().unwrap()], &b)
        .status
        .success());
    let keys_b: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&back).unwrap()).unwrap();
    assert_eq!(keys_a, keys_b);
    // PostgreSQL is backed up with its own tools; the command says how instead of failing
    // obscurely.
    let out = run(
        &["backup", "--to", "x.db"],
        "postgres://nobody@127.0.0.1:1/none",
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("pg_dump"));
}

/// `make run` seeds the demo (with its published password) only on the demo database or with
/// DEMO=1; on any other database it says how to create the first admin instead.
#[test]
fn make_run_seeds_the_demo_only_where_asked() {
    let root = env!("CARGO_MANIFEST_DIR");
    // scripts/run.sh finds the binary as $CARGO_TARGET_DIR/debug/seepferdchen.
    let target_dir = std::path::Path::new(BIN)
        .parent()
        .and_then(|p| p.parent())
        .unwrap()
        .to_path_buf();
    let start = |database_url: &str, demo: bool| {
        let dir = tempfile::tempdir().unwrap();
        let mut cmd = Command::new("bash");
        cmd.arg(format!("{root}/scripts/run.sh"))
            .env("CARGO_TARGET_DIR", &target_dir)
            .env("SERVER_PROFILE", "debug")
            .env("DATABASE_URL", database_url)
            .env("BIND_ADDR", "127.0.0.1:0")
            .env("SITE_ROOT", dir.path())
            .env("LOG_LEVEL", "warn")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null());
        if demo {
            cmd.env("DEMO", "1");
        }
        let mut child = cmd.spawn().unwrap();
        let stdout = child.stdout.take().unwrap();
        let mut text = String::new();
        for line in std::io::BufRead::lines(std::io::BufReader::new(stdout)) {
            let line = line.unwrap();
            text.push_str(&line);
            text.push('\n');
            if line.starts_with("listening on") {
                break;
            }
        }
        let _ = child.kill();
        let _ = child.wait();
        text
    };
    let dir = tempfile::tempdir().unwrap();
    let production = format!("sqlite://{}/produktion.db", dir.path().display());
    let out = start(&production, false);
    assert!(out.contains("Keine Demodaten"), "{out}");
    assert!(out.contains("admin create"), "{out}");
    assert!(!out.contains("Seepferdchen-Demo-2026"), "{out}");
    let users = run(
        &[
            "admin",
            "create",
            "--email",
            "erste@verwaltung.example",
            "--name",
            "Erste Admin",
        ],
        &production,
    );
    assert!(
        users.status.success(),
        "the empty database takes its first admin"
    );
    let demo = format!("sqlite://{}/ausprobieren.db", dir.path().display());
    let out = start(&demo, true);
    assert!(out.contains("Demodaten angelegt"), "{out}");
}
