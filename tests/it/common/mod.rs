//! Helpers for black-box tests: run the real binary against a fresh SQLite database.
#![allow(dead_code)]
pub mod idp;
pub mod nginx;
pub mod smtp;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_seepferdchen");

/// A server process on a random port with its own temporary folder (database, site root).
pub struct TestServer {
    pub child: Child,
    pub base_url: String,
    pub dir: tempfile::TempDir,
}

impl TestServer {
    pub fn site_root(dir: &tempfile::TempDir) -> PathBuf {
        dir.path().join("site")
    }

    /// Starts `seepferdchen serve`; `prepare` may put files into the folder first.
    pub fn start_with(prepare: impl FnOnce(&tempfile::TempDir)) -> TestServer {
        Self::start_with_env(prepare, &[])
    }

    /// Like `start_with`, with extra environment settings.
    pub fn start_with_env(
        prepare: impl FnOnce(&tempfile::TempDir),
        env: &[(&str, &str)],
    ) -> TestServer {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir_all(Self::site_root(&dir).join("pkg")).expect("site dir");
        prepare(&dir);
        let log = std::fs::File::create(dir.path().join("server.log")).expect("log file");
        let mut child = Command::new(BIN)
            .arg("serve")
            .env(
                "DATABASE_URL",
                format!("sqlite://{}/test.db", dir.path().display()),
            )
            .env("BIND_ADDR", "127.0.0.1:0")
            .env("SITE_ROOT", Self::site_root(&dir))
            .env("LOG_LEVEL", "warn")
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::from(log))
            .spawn()
            .expect("spawn server");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        let deadline = Instant::now() + Duration::from_secs(30);
        let base_url = loop {
            assert!(Instant::now() < deadline, "server did not start in time");
            let line = lines
                .next()
                .expect("server exited before listening")
                .expect("read");
            if let Some(url) = line.strip_prefix("listening on ") {
                break url.trim().to_string();
            }
        };
        // Keep draining stdout so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        TestServer {
            child,
            base_url,
            dir,
        }
    }

    pub fn start() -> TestServer {
        Self::start_with(|_| {})
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }

    pub fn signal(&self, sig: &str) {
        let status = Command::new("kill")
            .arg(format!("-{sig}"))
            .arg(self.child.id().to_string())
            .status()
            .expect("kill");
        assert!(status.success());
    }

    /// Waits for the process to exit and returns its exit code.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<i32> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status.code();
            }
            assert!(Instant::now() < deadline, "server did not exit in time");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl TestServer {
    /// What the server wrote to stderr (its log) so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("server.log")).unwrap_or_default()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            eprintln!("--- server log ---\n{}", self.log());
        }
    }
}

pub const DEMO_PASSWORD: &str = "Seepferdchen-Demo-2026";

pub fn demo_email(local: &str) -> String {
    format!("{local}@musterstadt.example")
}

impl TestServer {
    /// A server on a database filled by `seepferdchen demo seed`.
    pub fn start_seeded() -> TestServer {
        Self::start_seeded_with_env(&[])
    }

    pub fn start_seeded_with_env(env: &[(&str, &str)]) -> TestServer {
        Self::start_with_env(
            |dir| {
                let out = Command::new(BIN)
                    .args(["demo", "seed"])
                    .env(
                        "DATABASE_URL",
                        format!("sqlite://{}/test.db", dir.path().display()),
                    )
                    .output()
                    .expect("demo seed");
                assert!(
                    out.status.success(),
                    "{}",
                    String::from_utf8_lossy(&out.stderr)
                );
            },
            env,
        )
    }

    /// A client with its own cookie jar that does not follow redirects.
    pub fn client(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client")
    }

    /// Calls a server function with form fields (as a fetch from the hydrated app would).
    pub async fn call(
        &self,
        client: &reqwest::Client,
        endpoint: &str,
        form: &[(&str, &str)],
    ) -> reqwest::Response {
        client
            .post(self.url(&format!("/api/{endpoint}")))
            .form(form)
            .send()
            .await
            .expect("server fn call")
    }

    /// A signed-in client.
    pub async fn login(&self, email: &str, password: &str) -> reqwest::Client {
        let client = self.client();
        let res = self
            .call(
                &client,
                "login",
                &[("email", email), ("password", password)],
            )
            .await;
        assert_eq!(
            res.status(),
            200,
            "login {email}: {}",
            res.text().await.unwrap_or_default()
        );
        client
    }
}

/// A client bound to one loopback source address (127.0.0.x), to play several machines; with a
/// cookie jar, not following redirects.
pub fn client_from(source: [u8; 4]) -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .local_address(std::net::IpAddr::from(source))
        .build()
        .expect("client")
}

/// Signs in at `base` (a server or a proxy in front of it), optionally claiming a forwarded
/// client address; returns the status.
pub async fn login_status(
    client: &reqwest::Client,
    base: &str,
    email: &str,
    password: &str,
    forwarded_for: Option<&str>,
) -> u16 {
    let mut req = client
        .post(format!("{base}/api/login"))
        .form(&[("email", email), ("password", password)]);
    if let Some(ip) = forwarded_for {
        req = req.header("x-forwarded-for", ip);
    }
    req.send().await.expect("login").status().as_u16()
}
