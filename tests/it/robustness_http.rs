//! The real server under parallel writers, malformed and hostile requests, hang-ups and
//! reverse proxies (issues #19 and #23). Each test runs its own server on a demo-seeded SQLite
//! database; counts are printed so that the figures can be quoted.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use crate::common::{client_from, demo_email, login_status, TestServer, DEMO_PASSWORD};
use rand::{Rng, SeedableRng};
use serde_json::Value;

fn ok(status: reqwest::StatusCode) -> bool {
    status.is_success() || status.is_redirection()
}

async fn json(res: reqwest::Response) -> Value {
    assert!(res.status().is_success(), "{}", res.status());
    res.json().await.expect("json")
}

/// Sends the same kind of write from `writers` clients at once, `per_writer` times each;
/// returns how many failed (with the first failure's status and body).
async fn parallel<F, Fut>(writers: usize, per_writer: usize, f: F) -> (usize, Option<String>)
where
    F: Fn(usize, usize) -> Fut,
    Fut: std::future::Future<Output = reqwest::Response> + Send + 'static,
{
    let mut tasks = Vec::new();
    for w in 0..writers {
        let calls: Vec<Fut> = (0..per_writer).map(|i| f(w, i)).collect();
        tasks.push(tokio::spawn(async move {
            let mut failures = Vec::new();
            for call in calls {
                let res = call.await;
                if !ok(res.status()) {
                    let status = res.status();
                    failures.push(format!(
                        "{status}: {}",
                        res.text().await.unwrap_or_default()
                    ));
                }
            }
            failures
        }));
    }
    let mut failed = 0;
    let mut first = None;
    for t in tasks {
        let f = t.await.expect("writer");
        failed += f.len();
        if first.is_none() {
            first = f.into_iter().next();
        }
    }
    (failed, first)
}

fn post(
    s: &TestServer,
    client: &reqwest::Client,
    endpoint: &str,
    form: Vec<(String, String)>,
) -> impl std::future::Future<Output = reqwest::Response> + Send + 'static {
    let req = client.post(s.url(&format!("/api/{endpoint}"))).form(&form);
    async move { req.send().await.expect("request") }
}

fn f(pairs: &[(&str, String)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

/// Every write path with eight writers at once on SQLite: none may fail (before: "database is
/// locked" for most of them, since a transaction that reads first cannot take the write lock
/// while another connection writes).
#[tokio::test]
async fn eight_parallel_writers_on_every_write_path() {
    let s = TestServer::start_seeded();
    let admin = s.login(&demo_email("admin"), DEMO_PASSWORD).await;
    let coord = s
        .login(&demo_email("koordination.fb2"), DEMO_PASSWORD)
        .await;
    let people = json(s.call(&coord, "users", &[]).await).await;
    let employees: Vec<(i64, String)> = people["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|u| u["role"] == "Employee")
        .map(|u| {
            (
                u["id"].as_i64().unwrap(),
                u["email"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(
        employees.len() >= 4,
        "demo FB2 has employees: {employees:?}"
    );
    let units = json(s.call(&admin, "org_units", &[]).await).await;
    let fb2 = units
        .as_array()
        .unwrap()
        .iter()
        .find(|u| {
            u["name"]
                .as_str()
                .unwrap_or("")
                .starts_with("Fachbereich 2")
        })
        .and_then(|u| u["id"].as_i64())
        .expect("FB2");
    let mut report = Vec::new();
    let mut check = |name: &str, (failed, first): (usize, Option<String>), total: usize| {
        println!(
            "{name}: {failed} of {total} failed{}",
            first
                .as_deref()
                .map(|f| format!(" (first: {f})"))
                .unwrap_or_default()
        );
        report.push((name.to_string(), failed, first));
    };

    let courses = ["ki-seepferdchen", "ki-freischwimmer"];
    check(
        "assign_people",
        parallel(8, 10, |w, i| {
            let (id, _) = &employees[(w + i) % employees.len()];
            post(
                &s,
                &coord,
                "assign_people",
                f(&[
                    ("course", courses[i % 2].into()),
                    ("user_ids[0]", id.to_string()),
                    ("due", String::new()),
                ]),
            )
        })
        .await,
        80,
    );
    check(
        "assign_unit",
        parallel(8, 10, |_, i| {
            post(
                &s,
                &coord,
                "assign_unit",
                f(&[
                    ("course", courses[i % 2].into()),
                    ("org_unit_id", fb2.to_string()),
                    ("due", String::new()),
                ]),
            )
        })
        .await,
        80,
    );
    let list = json(s.call(&coord, "assignments", &[]).await).await;
    let assignment_ids: Vec<i64> = list[0]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_i64().unwrap())
        .collect();
    assert!(assignment_ids.len() >= 8, "{list}");
    check(
        "update_assignment",
        parallel(8, 10, |w, i| {
            let id = assignment_ids[w % assignment_ids.len()];
            let mandatory = if i % 2 == 0 { "on" } else { "" };
            post(
                &s,
                &coord,
                "update_assignment",
                f(&[
                    ("id", id.to_string()),
                    ("due", "2031-01-15".into()),
                    ("mandatory", mandatory.into()),
                ]),
            )
        })
        .await,
        80,
    );
    check(
        "update_user",
        parallel(8, 5, |w, i| {
            let (id, _) = &employees[w % employees.len()];
            post(
                &s,
                &coord,
                "update_user",
                f(&[
                    ("id", id.to_string()),
                    ("display_name", format!("Person {w} Fassung {i}")),
                    ("org_unit_id", fb2.to_string()),
                    ("active", "on".into()),
                ]),
            )
        })
        .await,
        40,
    );
    check(
        "create_org_unit",
        parallel(8, 5, |w, i| {
            post(
                &s,
                &admin,
                "create_org_unit",
                f(&[
                    ("name", format!("Sachgebiet {w}.{i}")),
                    ("parent_id", fb2.to_string()),
                ]),
            )
        })
        .await,
        40,
    );
    check(
        "take_password_links",
        parallel(8, 10, |_, _| {
            post(&s, &admin, "take_password_links", Vec::new())
        })
        .await,
        80,
    );
    // Learners: eight people reading modules and taking module checks at the same time.
    let mut learners = Vec::new();
    let everyone = json(s.call(&admin, "users", &[("role", "employee")]).await).await;
    for u in everyone["items"].as_array().unwrap().iter().take(8) {
        let email = u["email"].as_str().unwrap();
        learners.push(s.login(email, DEMO_PASSWORD).await);
    }
    assert_eq!(learners.len(), 8);
    let course = json(
        s.call(&learners[0], "course", &[("slug", "ki-seepferdchen")])
            .await,
    )
    .await;
    let modules: Vec<String> = course["modules"]
        .as_array()
        .expect("modules")
        .iter()
        .map(|m| m["id"].as_str().unwrap().to_string())
        .collect();
    // (mark_read is not in this list: every shipped module ends with a check, so it answers
    // 403 by design; the same progress write runs when a check is passed, see tests/it/db.rs.)
    let learners_ref = &learners;
    let (failed, first) = parallel(8, 3, |w, i| {
        let client = learners_ref[w].clone();
        let start = s.url("/versuche/starten");
        let module = modules[i % modules.len()].clone();
        let base = s.base_url.clone();
        async move {
            let res = client
                .post(start)
                .form(&[("kurs", "ki-seepferdchen"), ("modul", module.as_str())])
                .send()
                .await
                .expect("start");
            let Some(location) = res.headers().get("location").cloned() else {
                return res;
            };
            let target = format!("{base}{}", location.to_str().unwrap());
            // Submitting nothing is a wrong answer to every question: still a graded write.
            client
                .post(target)
                .form(&[("trotzdem", "1")])
                .send()
                .await
                .expect("submit")
        }
    })
    .await;
    check("start and submit module checks", (failed, first), 24);
    let certs = json(s.call(&admin, "all_certificates", &[]).await).await;
    let codes: Vec<String> = certs
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] != "Revoked")
        .map(|c| c["code"].as_str().unwrap().to_string())
        .collect();
    let writers = codes.len().min(8);
    assert!(writers >= 3, "demo certificates to revoke: {codes:?}");
    check(
        "revoke_certificate",
        parallel(writers, 1, |w, _| {
            post(
                &s,
                &admin,
                "revoke_certificate",
                f(&[("code", codes[w].clone()), ("reason", "Test".into())]),
            )
        })
        .await,
        writers,
    );
    let list = json(s.call(&coord, "assignments", &[]).await).await;
    let assignment_ids: Vec<i64> = list[0]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_i64().unwrap())
        .collect();
    let writers = assignment_ids.len().min(8);
    check(
        "delete_assignment",
        parallel(writers, 1, |w, _| {
            post(
                &s,
                &coord,
                "delete_assignment",
                f(&[("id", assignment_ids[w].to_string())]),
            )
        })
        .await,
        writers,
    );
    check(
        "delete_user",
        parallel(4, 1, |w, _| {
            post(
                &s,
                &admin,
                "delete_user",
                f(&[("id", employees[w].0.to_string()), ("confirm", "on".into())]),
            )
        })
        .await,
        4,
    );
    let failures: Vec<_> = report.iter().filter(|(_, n, _)| *n > 0).collect();
    assert!(failures.is_empty(), "failed writes: {failures:?}");
    assert!(!s.log().contains("database is locked"), "{}", s.log());
}

/// Raw bytes to the server; returns the status line's code (0 when the connection closed
/// without an answer).
fn raw(s: &TestServer, request: &[u8]) -> u16 {
    let addr = s.base_url.trim_start_matches("http://").to_string();
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream.write_all(request).expect("write");
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    let head = String::from_utf8_lossy(&buf);
    head.split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0)
}

/// The routes of the app and every server function, read from the sources, so that a new one
/// is fuzzed without anyone remembering to add it here.
fn routes_and_endpoints() -> (Vec<String>, Vec<String>) {
    let root = env!("CARGO_MANIFEST_DIR");
    let app = std::fs::read_to_string(format!("{root}/src/app.rs")).unwrap();
    let pages: Vec<String> = app
        .split("path!(\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(|p| {
            p.split('/')
                .map(|seg| match seg {
                    ":kurs" => "ki-seepferdchen",
                    ":modul" => "was-ist-ki",
                    ":id" => "1",
                    ":code" => "ABCD-EFGH-JKLM",
                    other => other,
                })
                .collect::<Vec<_>>()
                .join("/")
        })
        .map(|p| if p.is_empty() { "/".into() } else { p })
        .collect();
    let mut endpoints = Vec::new();
    for entry in std::fs::read_dir(format!("{root}/src/api")).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for rest in text.split("#[server(endpoint = \"").skip(1) {
            endpoints.push(rest.split('"').next().unwrap().to_string());
        }
    }
    // Plain routes: each feature's router in src/server/http/, and the exports.
    let mut sources = vec![format!("{root}/src/server/reports/routes.rs")];
    for entry in std::fs::read_dir(format!("{root}/src/server/http")).unwrap() {
        sources.push(entry.unwrap().path().display().to_string());
    }
    let http: String = sources
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap())
        .collect();
    let mut plain: Vec<String> = http
        .split(".route(")
        .skip(1)
        .filter_map(|rest| rest.trim_start().strip_prefix('"'))
        .filter_map(|rest| rest.split('"').next())
        .map(|p| {
            p.replace("{course}", "ki-seepferdchen")
                .replace("{file}", "x.png")
                .replace("{code}", "ABCD-EFGH-JKLM")
                .replace("{id}", "1")
        })
        .collect();
    plain.extend(pages);
    plain.sort();
    plain.dedup();
    endpoints.sort();
    (plain, endpoints)
}

/// Malformed and random requests over every route and server function, signed in and not:
/// nothing answers 5xx and nothing panics. A few named cases first.
#[tokio::test]
async fn malformed_requests_get_4xx_and_never_panic() {
    let s = TestServer::start_seeded();
    // An authority-form target (no path) reached the Leptos fallback, which panicked.
    assert_eq!(
        raw(
            &s,
            b"CONNECT example.org:443 HTTP/1.1\r\nHost: example.org:443\r\n\r\n"
        ),
        400
    );
    // A file name longer than the file system allows made the file service answer 500.
    let long = format!("GET /pkg/{} HTTP/1.1\r\nHost: x\r\n\r\n", "a".repeat(300));
    assert_eq!(raw(&s, long.as_bytes()), 404);
    // A server-function body that is not UTF-8, and one with broken chunking: 400, not 502.
    let bad_utf8 = b"POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 6\r\n\r\nemail=\xff";
    let status = raw(&s, bad_utf8);
    assert!((400..500).contains(&status), "invalid UTF-8: {status}");
    let chunked = b"POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nemail=a\r\n0\r\n\r\n";
    let status = raw(&s, chunked);
    assert!(
        status == 0 || (400..500).contains(&status),
        "broken chunking: {status}"
    );
    // Larger than a server function takes: 413.
    // (Announced, not sent: the answer comes before the body is read.)
    let big = b"POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 3145728\r\n\r\nemail=a";
    assert_eq!(raw(&s, big), 413);

    let (routes, endpoints) = routes_and_endpoints();
    assert!(
        routes.len() >= 30 && endpoints.len() >= 40,
        "{routes:?} {endpoints:?}"
    );
    // The plain routes of every feature router were found.
    for route in [
        "/healthz",
        "/sprache",
        "/versuche/starten",
        "/versuche/1",
        "/zertifikate/ABCD-EFGH-JKLM/pdf",
        "/konto/meine-daten.json",
        "/verwaltung/import",
        "/verwaltung/export/nachweis.pdf",
    ] {
        assert!(routes.iter().any(|r| r == route), "{route} in {routes:?}");
    }
    let admin = s.login(&demo_email("admin"), DEMO_PASSWORD).await;
    let anonymous = s.client();
    let mut rng = rand::rngs::StdRng::seed_from_u64(23);
    let junk_values = [
        "",
        "-1",
        "0",
        "99999999999999999999999",
        "1e309",
        "abc",
        "%ff%fe",
        "<script>",
        "../../etc/passwd",
        "ä\u{0}ö",
        "1,2,3",
        "true",
    ];
    let junk_keys = [
        "id",
        "code",
        "slug",
        "course",
        "module",
        "page",
        "email",
        "password",
        "name",
        "parent_id",
        "user_ids[0]",
        "user_ids[x]",
        "due",
        "scope[0]",
        "kurs",
        "modul",
        "q",
        "confirm",
        "display_name",
        "org_unit_id",
        "unit",
        "token",
    ];
    let started = Instant::now();
    let mut counts = std::collections::BTreeMap::<u16, usize>::new();
    let mut server_errors = Vec::new();
    let total = 3000;
    for n in 0..total {
        let client = if n % 2 == 0 { &admin } else { &anonymous };
        let target = if rng.random_bool(0.5) {
            format!("/api/{}", endpoints[rng.random_range(0..endpoints.len())])
        } else {
            routes[rng.random_range(0..routes.len())].clone()
        };
        let mut query = String::new();
        for _ in 0..rng.random_range(0..3) {
            query.push_str(&format!(
                "{}={}&",
                junk_keys[rng.random_range(0..junk_keys.len())],
                junk_values[rng.random_range(0..junk_values.len())]
            ));
        }
        let url = if query.is_empty() {
            s.url(&target)
        } else {
            s.url(&format!("{target}?{query}"))
        };
        let method =
            ["GET", "POST", "POST", "PUT", "DELETE", "HEAD", "PATCH"][rng.random_range(0..7)];
        let body: Vec<u8> = match rng.random_range(0..4) {
            0 => Vec::new(),
            1 => query.clone().into_bytes(),
            2 => (0..rng.random_range(1..200))
                .map(|_| rng.random())
                .collect(),
            _ => format!(
                "{{\"{}\": {}}}",
                junk_keys[rng.random_range(0..junk_keys.len())],
                ["null", "[]", "{}", "1.5", "\"x\"", "-9223372036854775809"]
                    [rng.random_range(0..6)]
            )
            .into_bytes(),
        };
        let content_type = [
            "application/x-www-form-urlencoded",
            "application/json",
            "text/plain",
            "multipart/form-data; boundary=x",
        ][rng.random_range(0..4)];
        let res = client
            .request(method.parse().unwrap(), url.as_str())
            .header("content-type", content_type)
            .body(body)
            .send()
            .await;
        let status = match res {
            Ok(r) => r.status().as_u16(),
            Err(_) => 0,
        };
        *counts.entry(status).or_default() += 1;
        if status >= 500 || status == 0 {
            server_errors.push(format!("{method} {url} ({content_type}) → {status}"));
        }
    }
    println!(
        "fuzz: {total} requests over {} routes and {} server functions in {:.1} s; statuses {counts:?}",
        routes.len(),
        endpoints.len(),
        started.elapsed().as_secs_f64()
    );
    assert!(
        server_errors.is_empty(),
        "5xx or dropped: {server_errors:#?}"
    );
    let log = s.log();
    assert!(!log.contains("panicked"), "{log}");
}

/// Resident memory of a process in KB.
fn rss_kb(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// 20,000 page loads abandoned mid-render (the client hangs up 0–10 ms after sending) must not
/// leave memory behind, and the server must still stop on SIGTERM within 10 s.
#[test]
fn abandoned_page_loads_leave_no_memory_behind() {
    let mut s = TestServer::start_seeded();
    let addr = s.base_url.trim_start_matches("http://").to_string();
    let pages = [
        "/",
        "/kurse",
        "/kurse/ki-seepferdchen",
        "/anmelden",
        "/verify/ABCD-EFGH-JKLM",
        "/barrierefreiheit",
    ];
    // Warm up: the first renders allocate caches that stay by design.
    let warm = |n: usize| {
        for i in 0..n {
            let mut c = TcpStream::connect(&addr).unwrap();
            let req = format!(
                "GET {} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                pages[i % pages.len()]
            );
            c.write_all(req.as_bytes()).unwrap();
            let mut sink = Vec::new();
            let _ = c.read_to_end(&mut sink);
        }
    };
    warm(600);
    std::thread::sleep(Duration::from_millis(500));
    let before = rss_kb(s.child.id());
    let total = 20_000;
    let started = Instant::now();
    let threads: Vec<_> = (0..16)
        .map(|t| {
            let addr = addr.clone();
            std::thread::spawn(move || {
                let mut rng = rand::rngs::StdRng::seed_from_u64(t);
                for i in 0..total / 16 {
                    let Ok(mut c) = TcpStream::connect(&addr) else {
                        continue;
                    };
                    let req = format!(
                        "GET {} HTTP/1.1\r\nHost: x\r\n\r\n",
                        pages[(i + t as usize) % pages.len()]
                    );
                    let _ = c.write_all(req.as_bytes());
                    std::thread::sleep(Duration::from_micros(rng.random_range(0..10_000)));
                    drop(c);
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let peak = rss_kb(s.child.id());
    // Renders still running finish in the background; give them a moment.
    std::thread::sleep(Duration::from_secs(3));
    warm(200);
    let after = rss_kb(s.child.id());
    println!(
        "abandoned loads: {total} in {:.1} s; RSS before {} MB, right after {} MB, settled {} MB",
        started.elapsed().as_secs_f64(),
        before / 1024,
        peak / 1024,
        after / 1024
    );
    assert!(
        after < before + 20 * 1024,
        "RSS grew from {before} KB to {after} KB"
    );
    let stop = Instant::now();
    s.signal("TERM");
    s.wait_exit(Duration::from_secs(10));
    println!(
        "stopped {:.2} s after SIGTERM",
        stop.elapsed().as_secs_f64()
    );
    assert!(!s.log().contains("panicked"), "{}", s.log());
}

/// Behind a trusted proxy (the server believes X-Forwarded-For from 127.0.0.1 only): 20
/// failures of colleagues behind the proxy do not lock out the next one, and an untrusted peer
/// cannot choose its address by sending the header.
#[tokio::test]
async fn trusted_proxies_give_each_client_its_own_address() {
    let s = TestServer::start_seeded_with_env(&[("TRUSTED_PROXIES", "127.0.0.1")]);
    let proxy = client_from([127, 0, 0, 1]);
    for i in 0..20 {
        let status = login_status(
            &proxy,
            &s.base_url,
            &format!("kollege{i}@musterstadt.example"),
            "vertippt vertippt",
            Some(&format!("10.20.0.{}", i + 1)),
        )
        .await;
        assert_eq!(status, 401, "colleague {i}");
    }
    let status = login_status(
        &proxy,
        &s.base_url,
        &demo_email("anna.becker"),
        DEMO_PASSWORD,
        Some("10.20.1.1"),
    )
    .await;
    assert_eq!(status, 200, "the 21st colleague signs in");
    // One address behind the proxy making 20 failures is limited, as it would be directly.
    for i in 0..20 {
        login_status(
            &proxy,
            &s.base_url,
            &format!("x{i}@musterstadt.example"),
            "vertippt vertippt",
            Some("10.20.2.2"),
        )
        .await;
    }
    let status = login_status(
        &proxy,
        &s.base_url,
        &demo_email("ben.yilmaz"),
        DEMO_PASSWORD,
        Some("10.20.2.2"),
    )
    .await;
    assert_eq!(status, 429);
    // An untrusted peer's header is ignored: its 20 failures count for its own address, so
    // changing the header does not help it.
    let direct = client_from([127, 0, 0, 2]);
    for i in 0..20 {
        login_status(
            &direct,
            &s.base_url,
            &format!("y{i}@musterstadt.example"),
            "vertippt vertippt",
            Some(&format!("10.30.0.{i}")),
        )
        .await;
    }
    let status = login_status(
        &direct,
        &s.base_url,
        &demo_email("ben.yilmaz"),
        DEMO_PASSWORD,
        Some("10.30.9.9"),
    )
    .await;
    assert_eq!(
        status, 429,
        "a spoofed X-Forwarded-For from an untrusted peer is ignored"
    );
}

/// The verification limit says what it is (429 with Retry-After, a German page) instead of
/// claiming that a valid certificate does not exist.
#[tokio::test]
async fn verification_limit_answers_429() {
    let s = TestServer::start_seeded();
    let admin = s.login(&demo_email("admin"), DEMO_PASSWORD).await;
    let certs = json(s.call(&admin, "all_certificates", &[]).await).await;
    let code = certs[0]["code"].as_str().unwrap().to_string();
    let client = client_from([127, 0, 0, 3]);
    for i in 0..30 {
        let res = client
            .get(s.url(&format!("/verify/{code}.json")))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "lookup {i}");
    }
    let res = client
        .get(s.url(&format!("/verify/{code}.json")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 429);
    assert_eq!(res.headers()["retry-after"], "60");
    let res = client
        .get(s.url(&format!("/verify/{code}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 429);
    let page = res.text().await.unwrap();
    assert!(page.contains("zu viele Prüfanfragen"), "{page}");
    assert!(
        !page.contains("Zu diesem Code ist kein Zertifikat"),
        "no false 'unknown'"
    );
    // Another address is not affected; an unknown code is 404 there.
    let other = client_from([127, 0, 0, 4]);
    let res = other
        .get(s.url("/verify/ABCD-EFGH-JKLM"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
}

/// Coordinators manage employees only: an admin or another coordinator sitting in her units is
/// not hers to rename, move or deactivate.
#[tokio::test]
async fn coordinators_cannot_manage_admins_or_coordinators() {
    let s = TestServer::start_seeded();
    let admin = s.login(&demo_email("admin"), DEMO_PASSWORD).await;
    let coord = s
        .login(&demo_email("koordination.fb2"), DEMO_PASSWORD)
        .await;
    let units = json(s.call(&admin, "org_units", &[]).await).await;
    let fb2 = units
        .as_array()
        .unwrap()
        .iter()
        .find(|u| {
            u["name"]
                .as_str()
                .unwrap_or("")
                .starts_with("Fachbereich 2")
        })
        .and_then(|u| u["id"].as_i64())
        .unwrap()
        .to_string();
    for (role, email) in [
        ("admin", "zweite.admin@musterstadt.example"),
        ("coordinator", "weitere.koordination@musterstadt.example"),
    ] {
        let res = s
            .call(
                &admin,
                "create_user",
                &[
                    ("display_name", "Zweite Person"),
                    ("email", email),
                    ("org_unit_id", &fb2),
                    ("role", role),
                ],
            )
            .await;
        assert!(ok(res.status()), "create {role}: {}", res.status());
        let found = json(s.call(&admin, "users", &[("q", email)]).await).await;
        let id = found["items"][0]["id"].as_i64().unwrap().to_string();
        for (endpoint, form) in [
            (
                "update_user",
                vec![
                    ("id", id.as_str()),
                    ("display_name", "Übernommen"),
                    ("org_unit_id", fb2.as_str()),
                ],
            ),
            ("user", vec![("id", id.as_str())]),
            ("reset_password_link", vec![("id", id.as_str())]),
        ] {
            let res = s.call(&coord, endpoint, &form).await;
            assert_eq!(res.status(), 404, "coordinator {endpoint} on {role}");
        }
        let after = json(s.call(&admin, "users", &[("q", email)]).await).await;
        assert_eq!(after["items"][0]["active"], true, "{role} still active");
        assert_eq!(after["items"][0]["display_name"], "Zweite Person");
    }
}

/// Small security defects: cross-site audited downloads, caching of certificates, headers on
/// refusals, revoked certificates' PDFs.
#[tokio::test]
async fn refusals_carry_headers_and_revoked_pdfs_are_refused() {
    let s = TestServer::start_seeded();
    let admin = s.login(&demo_email("admin"), DEMO_PASSWORD).await;
    for path in ["/konto/meine-daten.json", "/verwaltung/export/status.csv"] {
        let res = admin
            .get(s.url(path))
            .header("sec-fetch-site", "cross-site")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 403, "{path} from another site");
        let res = admin
            .get(s.url(path))
            .header("sec-fetch-site", "same-origin")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{path} from this site");
    }
    // The origin check's refusal carries the security headers and says what it is.
    let res = admin
        .post(s.url("/api/logout"))
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    assert!(res.headers().contains_key("content-security-policy"));
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain"));
    let certs = json(s.call(&admin, "all_certificates", &[]).await).await;
    let list = certs.as_array().unwrap();
    let valid = list.iter().find(|c| c["status"] == "Valid").unwrap()["code"]
        .as_str()
        .unwrap();
    let revoked = list.iter().find(|c| c["status"] == "Revoked").unwrap()["code"]
        .as_str()
        .unwrap();
    let res = admin
        .get(s.url(&format!("/zertifikate/{valid}/pdf")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["cache-control"], "no-store");
    let res = admin
        .get(s.url(&format!("/zertifikate/{revoked}/pdf")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 410);
    assert!(res.text().await.unwrap().contains("widerrufen"));
}

/// A running installation is backed up while people write to it, restored into a fresh
/// folder, and works there: healthy, and every certificate verifies with the restored keys.
#[tokio::test]
async fn backup_under_write_load_restores_into_a_working_installation() {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::sync::Arc;
    let s = TestServer::start_seeded();
    let admin = s.login(&demo_email("admin"), DEMO_PASSWORD).await;
    let stop = Arc::new(AtomicBool::new(false));
    let written = Arc::new(AtomicUsize::new(0));
    let writers: Vec<_> = (0..4)
        .map(|w| {
            let (stop, written, admin) = (stop.clone(), written.clone(), admin.clone());
            let url = s.url("/api/create_org_unit");
            tokio::spawn(async move {
                let mut i = 0;
                while !stop.load(Ordering::Relaxed) {
                    let res = admin
                        .post(&url)
                        .form(&[
                            ("name", format!("Last {w}.{i}")),
                            ("parent_id", String::new()),
                        ])
                        .send()
                        .await
                        .unwrap();
                    assert!(ok(res.status()), "{}", res.status());
                    written.fetch_add(1, Ordering::Relaxed);
                    i += 1;
                }
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let backup = s.dir.path().join("sicherung.db");
    let db_url = format!("sqlite://{}/test.db", s.dir.path().display());
    let out = std::process::Command::new(crate::common::BIN)
        .args(["backup", "--to", backup.to_str().unwrap()])
        .env("DATABASE_URL", &db_url)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop.store(true, Ordering::Relaxed);
    for w in writers {
        w.await.unwrap();
    }
    println!(
        "backup taken during {} writes",
        written.load(Ordering::Relaxed)
    );
    let restored = TestServer::start_with(|dir| {
        let out = std::process::Command::new(crate::common::BIN)
            .args(["restore", "--from", backup.to_str().unwrap()])
            .env(
                "DATABASE_URL",
                format!("sqlite://{}/test.db", dir.path().display()),
            )
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(String::from_utf8_lossy(&out.stdout).contains("0 Abweichungen"));
    });
    let health = restored
        .client()
        .get(restored.url("/healthz"))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
    let admin2 = restored.login(&demo_email("admin"), DEMO_PASSWORD).await;
    let certs = json(restored.call(&admin2, "all_certificates", &[]).await).await;
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/verify_certificate.py");
    let codes: Vec<&str> = certs
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["code"].as_str().unwrap())
        .collect();
    assert!(codes.len() >= 4);
    for code in codes {
        let out = std::process::Command::new("python3")
            .arg(script)
            .arg(restored.url(&format!("/verify/{code}")))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{code}: {}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
    // Restoring over an existing database needs --force.
    let out = std::process::Command::new(crate::common::BIN)
        .args(["restore", "--from", backup.to_str().unwrap()])
        .env("DATABASE_URL", &db_url)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--force"));
}

/// `/metrics` (METRICS=on): requests by route and status, latency, sign-in failures, the
/// database pool; unknown paths do not add series. Off by default (404).
#[tokio::test]
async fn metrics_count_requests_failures_and_the_pool() {
    let off = TestServer::start();
    let res = off.client().get(off.url("/metrics")).send().await.unwrap();
    assert_eq!(res.status(), 404);
    let s = TestServer::start_seeded_with_env(&[("METRICS", "on")]);
    let c = s.client();
    for _ in 0..3 {
        let res = s
            .call(
                &c,
                "login",
                &[
                    ("email", &demo_email("anna.becker")),
                    ("password", "falsch!!"),
                ],
            )
            .await;
        assert_eq!(res.status(), 401);
    }
    for i in 0..20 {
        c.get(s.url(&format!("/gibt-es-nicht-{i}")))
            .send()
            .await
            .unwrap();
    }
    c.get(s.url("/anmelden")).send().await.unwrap();
    let text = c
        .get(s.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        text.contains(r#"seepferdchen_http_requests_total{route="/api/login",status="401"} 3"#),
        "{text}"
    );
    assert!(
        text.contains(r#"seepferdchen_http_requests_total{route="/anmelden",status="200"} 1"#),
        "{text}"
    );
    assert!(
        text.contains(r#"seepferdchen_http_requests_total{route="unmatched",status="404"} 20"#),
        "{text}"
    );
    assert!(
        text.contains("seepferdchen_sign_in_failures_total 3"),
        "{text}"
    );
    assert!(
        text.contains("seepferdchen_http_request_duration_seconds_bucket"),
        "{text}"
    );
    assert!(text.contains("seepferdchen_db_pool_connections "), "{text}");
    assert!(
        !text.contains("gibt-es-nicht"),
        "no series per unknown path"
    );
}

/// Pages that show "not found" or "not allowed" say so in their status too (#21), with and
/// without JavaScript alike (the status comes from the server render): a coordinator opening
/// a person outside her units, an employee opening an admin page, an unknown certificate.
#[tokio::test]
async fn pages_that_refuse_answer_404_or_403() {
    let s = TestServer::start_seeded();
    let admin = s.login(&demo_email("admin"), DEMO_PASSWORD).await;
    let coord = s
        .login(&demo_email("koordination.fb2"), DEMO_PASSWORD)
        .await;
    let employee = s.login(&demo_email("anna.becker"), DEMO_PASSWORD).await;
    let outside = json(s.call(&admin, "users", &[("q", "koordination.fb3")]).await).await["items"]
        [0]["id"]
        .as_i64()
        .unwrap();
    // Assignments inside and outside the coordinator's Fachbereich 2, for the page that asks
    // before one is removed.
    let assignments = json(s.call(&admin, "assignments", &[]).await).await;
    let assignment_of = |unit: &str| {
        assignments[0]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["target"] == unit)
            .unwrap()["id"]
            .as_i64()
            .unwrap()
    };
    let fb2 = assignment_of("Fachbereich 2 – Bürgerservice und Ordnung");
    let fb3 = assignment_of("Fachbereich 3 – Soziales");
    let cases = [
        (
            &coord,
            format!("/verwaltung/zuweisungen/{fb2}/entfernen"),
            200,
        ),
        (
            &coord,
            format!("/verwaltung/zuweisungen/{fb3}/entfernen"),
            404,
        ),
        (
            &coord,
            "/verwaltung/zuweisungen/999999/entfernen".into(),
            404,
        ),
        (&coord, "/verwaltung/zuweisungen/abc/entfernen".into(), 404),
        (
            &employee,
            format!("/verwaltung/zuweisungen/{fb2}/entfernen"),
            403,
        ),
        (
            &admin,
            format!("/verwaltung/zuweisungen/{fb3}/entfernen"),
            200,
        ),
        (&coord, format!("/verwaltung/benutzer/{outside}"), 404),
        (&coord, "/verwaltung/benutzer/999999".to_string(), 404),
        (&employee, "/verwaltung/benutzer".to_string(), 403),
        (&employee, "/verwaltung/protokoll".to_string(), 403),
        (
            &admin,
            "/verify/0000000000000000000000000A".to_string(),
            404,
        ),
        (&admin, format!("/verwaltung/benutzer/{outside}"), 200),
    ];
    for (client, path, expected) in cases {
        let res = client.get(s.url(&path)).send().await.unwrap();
        assert_eq!(res.status().as_u16(), expected, "{path}");
    }
    // The page asks and changes nothing; the removal itself is the form's post.
    let page = coord
        .get(s.url(&format!("/verwaltung/zuweisungen/{fb2}/entfernen")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Soll die Zuweisung des Kurses „KI-Seepferdchen“ an Fachbereich 2 – Bürgerservice und Ordnung entfernt werden?"),
        "{page}"
    );
    assert!(page.contains("Ja, Zuweisung entfernen") && page.contains("Abbrechen"));
    let after = json(s.call(&admin, "assignments", &[]).await).await;
    assert_eq!(after[0], assignments[0]);
}

/// The page of AI Act dates (linked from the courses) shows the one dated snippet the courses
/// include, to anyone, without a sign-in.
#[tokio::test]
async fn the_dates_page_shows_the_dated_snippet() {
    let s = TestServer::start();
    let res = reqwest::get(s.url("/fristen")).await.unwrap();
    assert_eq!(res.status(), 200);
    let body = res.text().await.unwrap();
    let snippet = std::fs::read_to_string("content/snippets/ki-vo-fristen.md").unwrap();
    let stand = snippet
        .lines()
        .find(|l| l.starts_with("Stand:"))
        .expect("the snippet has a Stand line");
    assert!(body.contains("<h1>Termine und Änderungen der KI-Verordnung</h1>"));
    assert!(body.contains(stand.trim()), "{body}");
    assert!(
        !body.contains("{{&gt;") && !body.contains("{{>"),
        "snippet expanded"
    );
}
