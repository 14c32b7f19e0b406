//! A real SMTP server for the mail tests: Debian's aiosmtpd, storing every mail it accepts in a
//! Maildir that the tests read (through Python's email parser, as a mail client would).
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct SmtpServer {
    child: Child,
    pub port: u16,
    pub maildir: PathBuf,
    _dir: tempfile::TempDir,
}

/// A mail as received.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Received {
    pub message_id: String,
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// A port nobody listens on (yet).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

impl SmtpServer {
    pub fn start() -> SmtpServer {
        Self::start_on(free_port())
    }

    pub fn start_on(port: u16) -> SmtpServer {
        Self::spawn(port, |port, maildir| {
            let mut cmd = Command::new("/usr/bin/python3");
            cmd.args(["-m", "aiosmtpd", "-n", "-l"])
                .arg(format!("127.0.0.1:{port}"))
                .args(["-c", "aiosmtpd.handlers.Mailbox"])
                .arg(maildir);
            cmd
        })
    }

    /// A picky server (tests/it/common/slow_smtp.py): waits `delay_seconds` before accepting each
    /// recipient, refuses addresses starting with "abgelehnt" and mails over 20 kB.
    pub fn start_slow(delay_seconds: f64) -> SmtpServer {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/it/common/slow_smtp.py");
        Self::spawn(free_port(), |port, maildir| {
            let mut cmd = Command::new("/usr/bin/python3");
            cmd.arg(script)
                .arg(port.to_string())
                .arg(maildir)
                .arg(delay_seconds.to_string());
            cmd
        })
    }

    fn spawn(port: u16, command: impl FnOnce(u16, &std::path::Path) -> Command) -> SmtpServer {
        let dir = tempfile::tempdir().expect("tempdir");
        let maildir = dir.path().join("Maildir");
        let child = command(port, &maildir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("aiosmtpd (apt install python3-aiosmtpd; make test installs it)");
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "the SMTP server did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        SmtpServer {
            child,
            port,
            maildir,
            _dir: dir,
        }
    }

    /// How many mails have arrived (a directory listing; cheap enough to poll).
    pub fn count(&self) -> usize {
        std::fs::read_dir(self.maildir.join("new")).map_or(0, |d| d.count())
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Every mail received so far.
    pub fn received(&self) -> Vec<Received> {
        if !self.maildir.join("new").exists() {
            return Vec::new();
        }
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/it/common/read_mail.py");
        let out = Command::new("/usr/bin/python3")
            .arg(script)
            .arg(&self.maildir)
            .output()
            .expect("read_mail.py");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("mail JSON")
    }

    /// Waits until at least `n` mails have arrived (or panics after `timeout`).
    pub fn wait_for(&self, n: usize, timeout: Duration) -> Vec<Received> {
        let deadline = Instant::now() + timeout;
        loop {
            let mails = self.received();
            if mails.len() >= n {
                return mails;
            }
            assert!(
                Instant::now() < deadline,
                "{} of {n} mails arrived in {timeout:?}",
                mails.len()
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The link to set a password in a mail's text.
pub fn password_link(mail: &Received) -> String {
    mail.text
        .split_whitespace()
        .find(|w| w.contains("/passwort-festlegen?token="))
        .unwrap_or_else(|| panic!("no link in {mail:?}"))
        .to_string()
}
