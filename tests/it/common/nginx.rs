//! nginx in front of the server, for the operations tests and `make bench`: the
//! `location /` block of `deploy/nginx.conf` as documented, listening on 127.0.0.1 without TLS.
#![allow(dead_code)]
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const NGINX: &str = "/usr/sbin/nginx";

/// Whether Debian's nginx is installed (`make test` installs it).
pub fn available() -> bool {
    std::path::Path::new(NGINX).exists()
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// nginx in the foreground with the `location /` block of `deploy/nginx.conf`, listening on
/// 127.0.0.1 without TLS, balancing over `upstreams` (host:port).
pub struct Nginx {
    child: Child,
    port: u16,
    _dir: tempfile::TempDir,
}

impl Nginx {
    pub fn start(upstreams: &[String]) -> Nginx {
        let documented =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/deploy/nginx.conf"))
                .unwrap();
        let start = documented.find("    location / {").expect("location block");
        let end = start + documented[start..].find("\n    }\n").expect("block end") + 7;
        let location = &documented[start..end];
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().display();
        let port = free_port();
        let servers: String = upstreams
            .iter()
            .map(|u| format!("        server {u} max_fails=1 fail_timeout=5s;\n"))
            .collect();
        let conf = format!(
            "worker_processes 1;\npid {d}/nginx.pid;\nerror_log {d}/error.log warn;\n\
             events {{ worker_connections 1024; }}\n\
             http {{\n    access_log off;\n    client_body_temp_path {d}/body;\n    proxy_temp_path {d}/proxy;\n\
             fastcgi_temp_path {d}/fcgi;\n    uwsgi_temp_path {d}/uwsgi;\n    scgi_temp_path {d}/scgi;\n\
             upstream seepferdchen {{\n{servers}        keepalive 32;\n    }}\n\
             server {{\n    listen 127.0.0.1:{port};\n    client_max_body_size 6m;\n{location}}}\n}}\n"
        );
        std::fs::write(dir.path().join("nginx.conf"), conf).unwrap();
        let child = Command::new(NGINX)
            .args(["-p", &d.to_string(), "-c", &format!("{d}/nginx.conf")])
            .args(["-g", "daemon off; master_process off;"])
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("nginx");
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "nginx did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        Nginx {
            child,
            port,
            _dir: dir,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
